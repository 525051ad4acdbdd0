package server

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// A lead in the hand-off tier decays out of it with time alone: the wake-up loop, on the
// service's clock, advances it once NextWakeup has passed, and the change is an outbox
// message. The test moves the clock past each wake-up in turn instead of sleeping for days.
//
// It moves the clock a few days past each wake-up, as a real clock is past it when the loop
// runs; not to the nanosecond of it: at exactly NextWakeup, Advance may change nothing (the
// change is due just after), and this journey's State then answers NextWakeup = clock + 1ns
// at every Advance (see the report to the library's maintainers).
func TestWakeupLoop(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		clock := newClock(t0.Add(10 * time.Minute))
		h := newHarness(t, dsn, Options{Now: clock.now, WakeInterval: 5 * time.Millisecond})
		runLoops(t, h.srv)
		h.must(200, "PUT", "/leads/jon", hotLead("jon"), nil)
		h.must(202, "POST", "/events", journey("jon", t0, 8), nil)
		var ans leadAnswer
		h.must(200, "GET", "/leads/jon", nil, &ans)
		if ans.Tier != "hot" {
			t.Fatalf("lead jon is %s, want hot before time passes", ans.Tier)
		}

		s := h.srv.Scorer()
		for step := 0; ans.Tier == "hot"; step++ {
			if step == 60 {
				t.Fatal("60 wake-ups and the lead is still hot")
			}
			st, rec := loadState(t, h.store, "jon")
			w, ok := s.NextWakeup(st)
			if !ok {
				t.Fatal("a hot lead with decaying engagement has no wake-up")
			}
			if w.Sub(t0) > 365*24*time.Hour {
				t.Fatalf("next wake-up %s: a year on, still hot", w)
			}
			now := w.Add(3 * 24 * time.Hour)
			clock.set(now)
			eventually(t, 10*time.Second, "the wake-up loop advances the lead at its wake-up", func() bool {
				_, now := loadState(t, h.store, "jon")
				return now.Version > rec.Version
			})
			after, _ := loadState(t, h.store, "jon")
			if !after.Clock().Equal(now) {
				t.Fatalf("advanced to %s, want the clock's %s", after.Clock(), now)
			}
			h.must(200, "GET", "/leads/jon", nil, &ans)
		}
		if h.srv.metrics.wakeups.Load() == 0 {
			t.Error("wake-ups not counted")
		}
		var kinds []string
		found := false
		for _, m := range pending(t, h.store) {
			kinds = append(kinds, m.Kind)
			var p struct {
				Transition leadscore.Transition `json:"transition"`
			}
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				t.Fatalf("message %s: payload: %v", m.Key, err)
			}
			if m.LeadID != "jon" || m.Kind != "tier" || p.Transition.FromTier != "hot" {
				continue
			}
			found = true
			if p.Transition.ToTier != ans.Tier || p.Transition.At.After(clock.now()) || !m.Created.Equal(p.Transition.At) {
				t.Errorf("the tier message: %+v created %s; the lead is %s at %s", p.Transition, m.Created, ans.Tier, clock.now())
			}
		}
		if !found {
			t.Errorf("no tier message from hot in the outbox; its kinds: %v", kinds)
		}
	})
}
