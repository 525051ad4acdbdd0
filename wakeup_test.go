package leadscore

import (
	"strings"
	"testing"
	"time"
)

func TestWithWakeupInterval(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Hour} {
		if _, err := Compile[Lead](Config{}, WithWakeupInterval(d)); err == nil || !strings.Contains(err.Error(), "must be positive") {
			t.Errorf("WithWakeupInterval(%v): %v", d, err)
		}
	}
	// A rule that reads the clock unpredictably is re-checked on the interval.
	cfg := Config{
		Rules: []Rule{{ID: "weekday", Dimension: Fit, When: "now.Hour() >= 12", Points: 5}},
		Tiers: []Tier{{Name: "a", Min: Float(5)}, {Name: "b"}},
	}
	s := compileT(t, cfg, WithWakeupInterval(6*time.Hour))
	var st State
	observeT(t, s, Lead{}, &st, ev(EventPageView, t0))
	if wake, ok := s.NextWakeup(&st); !ok || !wake.Equal(t0.Add(6*time.Hour)) {
		t.Fatalf("NextWakeup = %v %v, want t0+6h", wake, ok)
	}
	// Nothing reads the clock and nothing decays: no wakeup at all.
	s = compileT(t, Config{Rules: []Rule{{ID: "r", Dimension: Fit, Points: 1}}, Signals: offSignals()})
	st = State{}
	observeT(t, s, Lead{}, &st, ev(EventPageView, t0))
	if wake, ok := s.NextWakeup(&st); ok {
		t.Fatalf("NextWakeup = %v, want none", wake)
	}
}

// offSignals turns every built-in detector off.
func offSignals() []SignalConfig {
	var out []SignalConfig
	for _, k := range BuiltinSignalKinds() {
		out = append(out, SignalConfig{Kind: k, Off: true})
	}
	return out
}

// An engine that sets a timer at exactly NextWakeup and Advances there makes progress: on the
// B2B preset after a burst (the velocity signal up), following the wake-ups one by one never
// lands more than maxIdleWakes times in a row a microsecond past the last evaluation with
// nothing changed. Before the fix, the velocity signal's early margin had it wake every
// nanosecond for a few hundred nanoseconds.
func TestNextWakeupFollowedExactlyMakesProgress(t *testing.T) {
	s := compileT(t, DefaultB2B())
	lead := Lead{Email: "ada@globex.example", Title: "VP Sales", Company: Company{Employees: 800, Industry: "software"}}
	var st State
	burst := []Event{{Type: EventDemoRequest}, {Type: EventPageView, Path: "/pricing"}, {Type: EventPageView, Path: "/pricing"},
		{Type: EventContentDownload}, {Type: EventWebinarAttended}, {Type: EventEmailClick}, {Type: EventPageView, Path: "/pricing"}, {Type: EventDemoRequest}}
	for i, e := range burst {
		e.Time = t0.Add(time.Duration(i) * time.Minute)
		observeT(t, s, lead, &st, e)
	}
	idle, from := 0, st.Clock()
	for range 200 {
		w, ok := s.NextWakeup(&st)
		if !ok {
			return
		}
		before, _ := s.Score(lead, &st, from)
		res, err := s.Advance(lead, &st, w)
		if err != nil {
			t.Fatal(err)
		}
		if w.Sub(from) < time.Microsecond && len(res.Transitions) == 0 && idleKey(before) == idleKey(res) {
			if idle++; idle > maxIdleWakes {
				t.Fatalf("wake-up at %v, %v after the last evaluation, changed nothing for the %d-th time in a row", w, w.Sub(from), idle)
			}
		} else {
			idle = 0
		}
		from = res.At
	}
}
