package leadscore

import (
	"math"
	"testing"
	"time"
)

// t0 is the fixed instant tests start from: no test reads the clock.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func compileT(t testing.TB, cfg Config, opts ...Option) *Scorer[Lead] {
	t.Helper()
	s, err := Compile[Lead](cfg, opts...)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

func observeT(t testing.TB, s *Scorer[Lead], lead Lead, st *State, evs ...Event) Result {
	t.Helper()
	var res Result
	for _, ev := range evs {
		var err error
		if res, err = s.Observe(lead, st, ev); err != nil {
			t.Fatalf("Observe(%+v): %v", ev, err)
		}
	}
	return res
}

func scoreT(t testing.TB, s *Scorer[Lead], lead Lead, st *State, now time.Time) Result {
	t.Helper()
	res, err := s.Score(lead, st, now)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	return res
}

func ev(typ string, at time.Time) Event { return Event{Type: typ, Time: at} }

func near(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

func contribution(r Result, id string) (Contribution, bool) {
	for _, c := range r.Contributions {
		if c.RuleID == id {
			return c, true
		}
	}
	return Contribution{}, false
}

// transitionsOf returns res's transitions of one kind.
func transitionsOf(r Result, kind TransitionKind) []Transition {
	var out []Transition
	for _, t := range r.Transitions {
		if t.Kind == kind {
			out = append(out, t)
		}
	}
	return out
}

func zero() float64 { return 0 }

func zeroTime() time.Time { return time.Time{} }
