// Command leadscored is the lead-scoring service: leads' attributes and events in over HTTP,
// each event scored exactly once in a database, each lead's Result with its explanation out,
// and hand-offs posted to a webhook.
//
//	cd service && go run ./cmd/leadscored [-addr 127.0.0.1:8080] [-rules rules.yaml]
//		[-store sqlite:leadscore.db | -store postgres://…] [-webhook https://…]
//
// See service/README.md for the routes and what the service guarantees.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/service/server"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("leadscored", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "`address` to listen on (port 0: any free port, logged at start)")
	rules := fs.String("rules", "", "rule set `file`, JSON or YAML (default: the DefaultB2B preset)")
	dsn := fs.String("store", "sqlite:leadscore.db", "store: sqlite:`PATH`, or a postgres:// (postgresql://) URL")
	webhook := fs.String("webhook", "", "`URL` outbox messages (hand-offs) are POSTed to; none: they stay in the outbox")
	wake := fs.Duration("wake-interval", server.DefaultWakeInterval, "how often leads due for a wake-up are advanced")
	relayEvery := fs.Duration("relay-interval", server.DefaultRelayInterval, "how often the outbox is polled for the webhook")
	rewake := fs.Bool("rewake", false, "after a rule change: make every stored lead due now, so the wake-up loop sets each lead's wake-up by the new rules")
	skew := fs.Duration("max-future-skew", server.DefaultMaxFutureSkew, "how far past the service's clock an event's time may be (later ones are refused)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "leadscored: unexpected arguments %q\n", fs.Args())
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	slog.SetDefault(log)

	cfg := leadscore.DefaultB2B()
	if *rules != "" {
		var err error
		if cfg, err = server.LoadRules(*rules); err != nil {
			log.Error("loading the rule set", "err", err)
			return 1
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := server.OpenStore(ctx, *dsn)
	if err != nil {
		log.Error("opening the store", "err", err)
		return 1
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing the store", "err", err)
		}
	}()
	srv, err := server.New(server.Options{
		Config: cfg, Store: st, Webhook: *webhook, Logger: log,
		WakeInterval: *wake, RelayInterval: *relayEvery, MaxFutureSkew: *skew,
	})
	if err != nil {
		log.Error("starting", "err", err)
		return 1
	}
	if *rewake {
		// The wake-up index holds the times the previous rules gave: after a rule change it
		// may wake a lead late, or never. Due now, each lead is set right by the loop.
		n, err := st.Rewake(ctx, time.Now())
		if err != nil {
			log.Error("rewaking the stored leads", "err", err)
			return 1
		}
		log.Info("every stored lead is due: the wake-up loop sets each by the rules", "leads", n)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Error("listening", "err", err)
		return 1
	}
	log.Info("listening", "addr", ln.Addr().String(), "store", server.RedactDSN(*dsn), "webhook", *webhook != "")
	if err := srv.Serve(ctx, ln); err != nil {
		log.Error("serving", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}
