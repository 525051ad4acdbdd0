package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/store"
)

// Timeouts of the HTTP server. A slow client holds a connection at most this long; a request
// that takes longer to answer is cut off (its lead's Save is one transaction: it is applied
// whole or not at all, and the client's retry is de-duplicated).
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	// shutdownTimeout bounds how long Serve waits for in-flight requests after its context
	// ends, before it closes their connections.
	shutdownTimeout = 20 * time.Second
)

// Server is the service: its routes, the wake-up loop and the outbox relay, over one Store
// and one compiled rule set.
type Server struct {
	opts    Options
	scorer  *leadscore.Scorer[leadscore.Lead]
	proc    *store.Processor[leadscore.Lead]
	metrics *metrics
	handler http.Handler
}

// New compiles the rule set and wires the routes. It does not start anything: Serve does.
func New(opts Options) (*Server, error) {
	if opts.Store == nil {
		return nil, errors.New("server: no store")
	}
	opts = opts.withDefaults()
	if opts.Webhook != "" {
		u, err := url.Parse(opts.Webhook)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			// Not the URL itself: its path or query may hold the webhook's secret token.
			return nil, fmt.Errorf("server: webhook %s: want an http:// or https:// URL", hideSecrets(opts.Webhook))
		}
	}
	scorer, err := leadscore.Compile[leadscore.Lead](opts.Config)
	if err != nil {
		return nil, fmt.Errorf("server: compiling the rule set: %w", err)
	}
	s := &Server{
		opts:    opts,
		scorer:  scorer,
		proc:    &store.Processor[leadscore.Lead]{Scorer: scorer, Store: opts.Store},
		metrics: newMetrics(),
	}
	s.handler = s.routes()
	return s, nil
}

// Scorer is the compiled rule set the server scores with.
func (s *Server) Scorer() *leadscore.Scorer[leadscore.Lead] { return s.scorer }

// Handler is the HTTP API, for a server of the caller's own or for httptest.
func (s *Server) Handler() http.Handler { return s.handler }

// routes registers the API on a mux (Go 1.22 patterns: method and path wildcards).
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, s.metrics.count(pattern, h))
	}
	handle("PUT /leads/{id}", s.putLead)
	handle("GET /leads/{id}", s.getLead)
	handle("POST /events", s.postEvents)
	handle("GET /healthz", s.healthz)
	mux.HandleFunc("GET /metrics", s.metrics.serve)
	return mux
}

// Serve answers HTTP on ln and runs the wake-up loop and, with a webhook, the outbox relay,
// until ctx ends. Then it shuts down gracefully: it stops accepting, lets in-flight requests
// finish (at most shutdownTimeout), and stops the loops. It does not close the Store (the
// caller opened it) or ln beyond what http.Server.Shutdown closes.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
	loopCtx, stopLoops := context.WithCancel(context.WithoutCancel(ctx))
	defer stopLoops()
	var loops sync.WaitGroup
	s.startLoops(loopCtx, &loops)

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	var err error
	select {
	case err = <-served: // the listener failed
	case <-ctx.Done():
		s.opts.Logger.Info("shutting down: draining in-flight requests")
		shutCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		err = hs.Shutdown(shutCtx)
		cancel()
		if err != nil {
			err = fmt.Errorf("server: shutdown: %w", err)
			hs.Close()
		}
		<-served
	}
	stopLoops()
	loops.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Run runs the loops without an HTTP server, until ctx ends: for tests that drive the
// Handler through httptest.
func (s *Server) Run(ctx context.Context) {
	var loops sync.WaitGroup
	s.startLoops(ctx, &loops)
	loops.Wait()
}

// startLoops starts the wake-up loop and, with a webhook, the relay.
func (s *Server) startLoops(ctx context.Context, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() { defer wg.Done(); s.wakeLoop(ctx) }()
	if s.opts.Webhook != "" {
		wg.Add(1)
		go func() { defer wg.Done(); s.relayLoop(ctx) }()
	}
}
