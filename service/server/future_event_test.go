package server

import (
	"strings"
	"testing"
	"time"
)

// One event dated in the far future (a client's clock or unit bug: seconds read as
// milliseconds, a "9999-…" placeholder clamped, or a hostile source) moved the lead's clock
// there for good: every later, genuine event was "late" and evaluated at that clock, where
// all decaying engagement is worth nothing. POST /events now refuses an event more than
// MaxFutureSkew past the service's clock with 400 and its index, applying nothing.
func TestFutureEventRefused(t *testing.T) {
	now := t0.Add(2 * time.Hour)
	clock := newClock(now)
	h := newHarness(t, "sqlite::memory:", Options{WakeInterval: time.Hour, Now: clock.now})
	h.must(200, "PUT", "/leads/ann", hotLead("ann"), nil)
	h.must(202, "POST", "/events", journey("ann", t0, 8), nil)
	var before struct {
		Tier       string  `json:"tier"`
		Engagement float64 `json:"engagement"`
	}
	h.must(200, "GET", "/leads/ann", nil, &before)
	if before.Tier != "hot" {
		t.Fatalf("setup: tier %s", before.Tier)
	}
	code, out := h.do("POST", "/events", `[{"lead_id": "ann", "id": "ok", "type": "page_view", "path": "/", "time": "`+now.Format(time.RFC3339)+`"}, {"lead_id": "ann", "id": "bogus", "type": "page_view", "path": "/", "time": "2199-12-31T00:00:00Z"}]`)
	if code != 400 || !strings.Contains(string(out), `"index":1`) || !strings.Contains(string(out), "after the service's clock") {
		t.Errorf("a batch with a far-future event: %d %s; want 400 naming event 1", code, out)
	}
	// The lead keeps engaging, today.
	more := journey("ann", t0.Add(90*time.Minute), 8)
	for i := range more {
		more[i].ID += "-again"
	}
	h.must(202, "POST", "/events", more, nil)
	var after struct {
		Tier       string  `json:"tier"`
		Engagement float64 `json:"engagement"`
	}
	h.must(200, "GET", "/leads/ann", nil, &after)
	if after.Tier != before.Tier || after.Engagement < before.Engagement/2 {
		t.Errorf("one event dated 2199 accepted (%d %s); after it and 8 more genuine events the lead is %s with engagement %.3g (before: %s, %.3g)",
			code, out, after.Tier, after.Engagement, before.Tier, before.Engagement)
	}
}
