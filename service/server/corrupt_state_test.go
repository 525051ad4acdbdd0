package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore/store"
)

// A lead whose stored State is corrupt is neither unreachable nor busy: no retry can ever
// succeed. GET /leads/{id} and POST /events touching the lead answer 500 without
// Retry-After (they answered 503 with Retry-After: 1, and a client honouring it retried the
// batch forever), naming the lead and what does not decode (store.ErrStoredData).
func TestCorruptStateIsNotRetryable(t *testing.T) {
	h := newHarness(t, "sqlite::memory:", Options{WakeInterval: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.store.Save(ctx, store.Change{LeadID: "bad", State: []byte("not a State at all")}); err != nil {
		t.Fatal(err)
	}
	for _, req := range []struct{ method, path, body string }{
		{"GET", "/leads/bad", ""},
		{"POST", "/events", `{"lead_id": "bad", "id": "e1", "type": "page_view", "time": "2026-03-02T09:00:00Z"}`},
	} {
		var body any
		if req.body != "" {
			body = req.body
		}
		code, out := h.do(req.method, req.path, body)
		if code == 503 {
			t.Errorf("%s %s on a corrupt State: %d %s — a transient 'retry' answer for a fault no retry fixes", req.method, req.path, code, out)
		}
		if !strings.Contains(string(out), "corrupt") {
			t.Errorf("%s %s: the answer does not say the State is corrupt: %s", req.method, req.path, out)
		}
	}
}
