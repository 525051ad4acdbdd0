package report_test

import (
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// t0 is the fixed instant tests start from: no test reads the clock.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func compileT(t testing.TB, cfg leadscore.Config) *leadscore.Scorer[leadscore.Lead] {
	t.Helper()
	s, err := leadscore.Compile[leadscore.Lead](cfg)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

func observeT(t testing.TB, s *leadscore.Scorer[leadscore.Lead], lead leadscore.Lead, st *leadscore.State, evs ...leadscore.Event) {
	t.Helper()
	for _, ev := range evs {
		if _, err := s.Observe(lead, st, ev); err != nil {
			t.Fatalf("Observe(%+v): %v", ev, err)
		}
	}
}

func scoreT(t testing.TB, s *leadscore.Scorer[leadscore.Lead], lead leadscore.Lead, st *leadscore.State, now time.Time) leadscore.Result {
	t.Helper()
	res, err := s.Score(lead, st, now)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	return res
}

func ev(typ string, at time.Time) leadscore.Event { return leadscore.Event{Type: typ, Time: at} }
