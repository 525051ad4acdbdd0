package leadscore

import (
	"sync"
	"testing"
	"time"
)

// A compiled Scorer is shared by many goroutines: each with its own State for Observe, all
// scoring one shared State at once. Run under -race.
func TestScorerIsSafeForConcurrentUse(t *testing.T) {
	s := compileT(t, DefaultB2B())
	lead := Lead{Email: "dana@globex.example", Title: "VP Operations", Company: Company{Employees: 1200}}
	var shared State
	observeT(t, s, lead, &shared, ev(EventDemoRequest, t0), Event{Type: EventPageView, Path: "/pricing", Time: t0})
	want := scoreT(t, s, lead, &shared, t0.Add(Day)).Explain()

	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var own State
			for i := range 200 {
				at := t0.Add(time.Duration(i) * time.Minute)
				if _, err := s.Observe(lead, &own, Event{Type: EventPageView, Path: "/pricing", Time: at}); err != nil {
					errs <- err.Error()
					return
				}
				r, err := s.Score(lead, &shared, t0.Add(Day))
				if err != nil || r.Explain() != want {
					errs <- "concurrent Score of a shared State differed"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}
