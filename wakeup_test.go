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
