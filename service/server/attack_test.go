package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A webhook that redirects (302/303, as a moved endpoint or a login page does) makes
// net/http re-send the POST as a GET without its body. The relay must not take the GET's 2xx
// for a delivery: the message's payload never reached anyone.
func TestAttackRelayRedirectIsNoDelivery(t *testing.T) {
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			var mu sync.Mutex
			var landed []string // method and body length of what reached the redirect's target
			mux := http.NewServeMux()
			mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/landing", code)
			})
			mux.HandleFunc("/landing", func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				landed = append(landed, r.Method+" "+string(rune('0'+min(len(b), 9))))
				mu.Unlock()
				w.WriteHeader(http.StatusOK)
			})
			hook := httptest.NewServer(mux)
			defer hook.Close()

			h := newHarness(t, "sqlite::memory:", Options{Webhook: hook.URL + "/hook", WakeInterval: time.Hour})
			h.must(200, "PUT", "/leads/ann", hotLead("ann"), nil)
			h.must(202, "POST", "/events", journey("ann", t0, 8), nil)
			before := len(pending(t, h.store))
			if before == 0 {
				t.Fatal("no outbox messages to relay")
			}
			r := &relay{s: h.srv, retry: map[int64]time.Time{}}
			r.tick(context.Background())
			if after := len(pending(t, h.store)); after != before {
				mu.Lock()
				t.Errorf("after a %d redirect: %d of %d messages marked delivered; what reached the target: %q",
					code, before-after, before, landed)
				mu.Unlock()
			}
		})
	}
}

// RedactDSN is what the service logs and puts in errors: it must not carry a password, in
// whatever form a DSN pgx accepts holds one.
func TestAttackRedactDSN(t *testing.T) {
	for _, dsn := range []string{
		"postgres://u:hunter2@db/leads",
		"postgres://u@db/leads?password=hunter2",
		"postgres://u@db/leads?sslmode=require&sslpassword=hunter2",
		"postgresql://db/leads?user=u&password=hunter2",
		"postgres://u:hun%zzter2@db/leads",   // not a valid URL: url.Parse fails
		"host=db user=u password=hunter2",    // keyword form, refused by OpenStore with this text
		"host=db user=u password='hun ter2'", // quoted
	} {
		if got := RedactDSN(dsn); strings.Contains(got, "hunter2") || strings.Contains(got, "hun ter2") || strings.Contains(got, "hun%zzter2") {
			t.Errorf("RedactDSN(%q) = %q: the password is in it", dsn, got)
		}
	}
	// What is not secret stays, so the log still says which database.
	if got := RedactDSN("postgres://u@db:5432/leads?password=x&sslmode=require"); !strings.Contains(got, "db:5432/leads") || !strings.Contains(got, "sslmode=require") {
		t.Errorf("RedactDSN dropped too much: %q", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := OpenStore(ctx, "host=db user=u password=hunter2"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("OpenStore of a keyword DSN: %v", err)
	}
}

// Messages the receiver keeps refusing (a payload it rejects with 4xx, say) back off; they are
// the oldest in the outbox, so Pending returns them first. A full batch of them must not keep
// every newer message from being delivered.
func TestAttackRelayHeadOfLineBlocking(t *testing.T) {
	var mu sync.Mutex
	delivered := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), `"lead_id":"poison`) {
			http.Error(w, "no such account", http.StatusUnprocessableEntity)
			return
		}
		mu.Lock()
		delivered[r.Header.Get("Idempotency-Key")]++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	h := newHarness(t, "sqlite::memory:", Options{Webhook: hook.URL, RelayBatch: 3, WakeInterval: time.Hour,
		BackoffBase: time.Hour, BackoffMax: time.Hour})
	for _, id := range []string{"poison-1", "poison-2"} { // the oldest messages: an earlier day
		h.must(200, "PUT", "/leads/"+id, hotLead(id), nil)
		h.must(202, "POST", "/events", journey(id, t0.Add(-24*time.Hour), 8), nil)
	}
	h.must(200, "PUT", "/leads/good", hotLead("good"), nil)
	h.must(202, "POST", "/events", journey("good", t0, 8), nil)
	good := 0
	for _, m := range pending(t, h.store) {
		if m.LeadID == "good" {
			good++
		}
	}
	r := &relay{s: h.srv, retry: map[int64]time.Time{}}
	for range 10 { // the 14 refused messages are each tried once, 3 a tick; then the rest goes
		r.tick(context.Background())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(delivered) != good {
		t.Errorf("%d of lead good's %d messages delivered behind the refused ones", len(delivered), good)
	}
}

// A webhook URL often carries its secret (a token in the query, or in the path as Slack's
// do). A failed delivery is logged and stored (the outbox's last_error): neither may carry it.
func TestAttackRelayErrorHidesWebhookSecret(t *testing.T) {
	ln := httptest.NewServer(http.NotFoundHandler())
	url := ln.URL + "/services/T0/s3cretpath?token=s3cretquery"
	ln.Close() // connection refused from now on
	var logs strings.Builder
	var mu sync.Mutex
	h := newHarness(t, "sqlite::memory:", Options{Webhook: url, WakeInterval: time.Hour, Logger: slogTo(&mu, &logs)})
	h.must(200, "PUT", "/leads/ann", hotLead("ann"), nil)
	h.must(202, "POST", "/events", journey("ann", t0, 8), nil)
	r := &relay{s: h.srv, retry: map[int64]time.Time{}}
	r.tick(context.Background())
	msgs := pending(t, h.store)
	if len(msgs) == 0 || msgs[0].Attempts == 0 {
		t.Fatalf("no failed attempt recorded: %+v", msgs)
	}
	mu.Lock()
	defer mu.Unlock()
	for what, text := range map[string]string{"last_error": msgs[0].LastErr, "log": logs.String()} {
		if strings.Contains(text, "s3cret") {
			t.Errorf("the webhook's secret is in the %s: %s", what, text)
		}
	}
}
