package server

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// runLoops runs the server's loops until the test ends.
func runLoops(t *testing.T, s *Server) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// The relay posts every outbox message once its receiver answers 2xx, retrying failures with
// backoff, each with its idempotency key; then the outbox is empty.
func TestRelay(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		rcv := newReceiver(t)
		rcv.failNext = 3
		h := newHarness(t, dsn, Options{Webhook: rcv.srv.URL, RelayInterval: 10 * time.Millisecond,
			BackoffBase: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond, WakeInterval: time.Hour})
		runLoops(t, h.srv)

		want := map[string]string{}
		for _, id := range []string{"hal", "ida"} {
			h.must(200, "PUT", "/leads/"+id, hotLead(id), nil)
			events := journey(id, t0, 8)
			h.must(202, "POST", "/events", events, nil)
			_, _, keys := replay(t, h.srv.Scorer(), hotLead(id), events)
			for k, v := range keys {
				want[k] = v
			}
		}
		eventually(t, 15*time.Second, "the outbox drains", func() bool { return len(pending(t, h.store)) == 0 })
		if got := rcv.view(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the receiver's view:\n%v\nwant:\n%v", got, want)
		}
		posts, bad := rcv.stats()
		if len(bad) > 0 {
			t.Errorf("bad deliveries: %q", bad)
		}
		if posts != len(want)+3 {
			t.Errorf("%d posts for %d messages and 3 failures: a message was posted twice without a crash", posts, len(want))
		}
		failed := int64(0)
		for _, kind := range []string{"handoff", "tier", "stage", "signal", "sla"} {
			failed += h.srv.metrics.failed.get(kind)
		}
		if failed != 3 {
			t.Errorf("failed deliveries counted: %d, want 3", failed)
		}
		if h.srv.metrics.delivered.get("handoff") != 2 {
			t.Errorf("hand-offs delivered: %d, want 2", h.srv.metrics.delivered.get("handoff"))
		}
	})
}
