// Package server is leadscored's HTTP service: it takes leads' attributes and events over
// HTTP, scores them exactly once through a store.Processor, answers a lead's current Result
// with its explanation, wakes leads whose score changes with time alone, and relays the
// outbox's hand-offs to a webhook. cmd/leadscored is the thin command around it; tests run
// the same Server in process.
package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/store"
)

// Limits and defaults of the service. A request body is bounded so a client cannot make the
// service buffer without end; a batch is bounded so one request cannot hold a lead's row (and
// a connection) for long.
const (
	DefaultMaxBodyBytes  = 1 << 20 // 1 MiB per request
	DefaultMaxBatch      = 1000    // events per POST /events
	DefaultWakeInterval  = 30 * time.Second
	DefaultWakeLimit     = 500 // leads per Processor.Wake call
	DefaultRelayInterval = time.Second
	DefaultRelayBatch    = 100
	DefaultBackoffBase   = time.Second
	DefaultBackoffMax    = 5 * time.Minute
	DefaultPostTimeout   = 10 * time.Second
	DefaultMaxFutureSkew = time.Hour // how far past the service's clock an event's time may be

	maxLeadIDBytes = 256 // a lead ID longer than this is a client bug, not an ID
)

// Options configure a Server. Config and Store are required; every zero field takes its
// default.
type Options struct {
	Config leadscore.Config // the rule set, compiled once by New
	Store  store.Store      // where leads, processed events and the outbox live; the caller closes it

	// Webhook is the URL outbox messages are POSTed to. Empty: no relay runs, and messages
	// stay in the outbox for another consumer.
	Webhook string
	Client  *http.Client // for the webhook; nil: a client with PostTimeout

	// Now is the service's clock: the wake-up loop advances leads to Now(), and GET
	// /leads/{id} evaluates at Now(). Tests move it; nil: time.Now. (The library never reads
	// the clock; the service is where time comes in.)
	Now func() time.Time

	WakeInterval  time.Duration // how often the wake-up loop runs; default DefaultWakeInterval
	WakeLimit     int           // leads per Wake call; default DefaultWakeLimit
	RelayInterval time.Duration // how often the relay polls the outbox; default DefaultRelayInterval
	RelayBatch    int           // messages per poll; default DefaultRelayBatch
	BackoffBase   time.Duration // a failed delivery waits base·2^(attempts-1) …
	BackoffMax    time.Duration // … at most this long
	PostTimeout   time.Duration // per webhook POST

	MaxBodyBytes int64 // per request; default DefaultMaxBodyBytes
	MaxBatch     int   // events per POST /events; default DefaultMaxBatch
	// MaxFutureSkew is how far past Now an event's time may be (the senders' clocks run a
	// little ahead); a later event is refused with 400, as it would move the lead's clock
	// into the future for good. Default DefaultMaxFutureSkew.
	MaxFutureSkew time.Duration

	Logger *slog.Logger // nil: slog.Default()
}

// withDefaults fills in o's zero fields.
func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxFutureSkew <= 0 {
		o.MaxFutureSkew = DefaultMaxFutureSkew
	}
	if o.WakeInterval <= 0 {
		o.WakeInterval = DefaultWakeInterval
	}
	if o.WakeLimit <= 0 {
		o.WakeLimit = DefaultWakeLimit
	}
	if o.RelayInterval <= 0 {
		o.RelayInterval = DefaultRelayInterval
	}
	if o.RelayBatch <= 0 {
		o.RelayBatch = DefaultRelayBatch
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = DefaultBackoffBase
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	if o.PostTimeout <= 0 {
		o.PostTimeout = DefaultPostTimeout
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.PostTimeout}
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}
