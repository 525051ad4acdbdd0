package leadscore

import (
	"fmt"
	"iter"
	"reflect"
	"sync"
	"testing"
	"time"
)

// normalized returns r with empty slices as nil, so that Results built by different entry
// points (exact-size copies, reused buffers) compare equal when they say the same.
func normalized(r Result) Result {
	if len(r.Signals) == 0 {
		r.Signals = nil
	}
	if len(r.Contributions) == 0 {
		r.Contributions = nil
	}
	if len(r.Transitions) == 0 {
		r.Transitions = nil
	}
	if len(r.Errors) == 0 {
		r.Errors = nil
	}
	return r
}

func sameResult(a, b Result) bool { return reflect.DeepEqual(normalized(a), normalized(b)) }

// batchLeads are varied leads with varied States, for the batch and Into tests.
func batchLeads(t testing.TB, s *Scorer[Lead], n int) ([]Lead, []*State) {
	titles := []string{"VP Sales", "Chief Technology Officer", "Intern", "Director of IT", "", "Marketing Manager"}
	emails := []string{"dana@globex.example", "x@gmail.com", "s@mit.edu", ""}
	leads := make([]Lead, n)
	states := make([]*State, n)
	for i := range leads {
		leads[i] = Lead{
			Title: titles[i%len(titles)], Email: emails[i%len(emails)], Source: []string{"referral", "event", "paid"}[i%3],
			Company: Company{Employees: (i * 37) % 3000, Revenue: float64(i%7) * 5e6, Founded: 1990 + i%40, Industry: "software"},
			BANT:    BANT{Budget: i%2 == 0, Need: i%3 == 0},
		}
		if i%5 == 0 {
			continue // nil: a new lead
		}
		var st State
		for k := range 1 + i%4 {
			observeT(t, s, leads[i], &st, Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(-time.Duration(k+1) * time.Hour)})
		}
		states[i] = &st
	}
	return leads, states
}

func pairs[L any](leads []L, states []*State) iter.Seq2[L, *State] {
	return func(yield func(L, *State) bool) {
		for i := range leads {
			if !yield(leads[i], states[i]) {
				return
			}
		}
	}
}

func TestScoreAllMatchesScore(t *testing.T) {
	s := compileT(t, DefaultB2B())
	leads, states := batchLeads(t, s, 700)
	want := make([]Result, len(leads))
	for i := range leads {
		st := states[i]
		if st == nil {
			st = &State{}
		}
		want[i] = scoreT(t, s, leads[i], st, t0)
	}
	for _, n := range []int{0, 1, batchChunk - 1, batchChunk, batchChunk + 1, 700} {
		for _, workers := range []int{1, 2, 3, 8, 0} {
			t.Run(fmt.Sprintf("n=%d/workers=%d", n, workers), func(t *testing.T) {
				results, err := s.ScoreAll(pairs(leads[:n], states[:n]), t0, workers)
				if err != nil {
					t.Fatal(err)
				}
				next := 0
				for i, r := range results {
					if i != next {
						t.Fatalf("got lead %d, want %d: results out of order", i, next)
					}
					if !sameResult(*r, want[i]) {
						t.Fatalf("lead %d: ScoreAll\n%s\nScore\n%s", i, r.Explain(), want[i].Explain())
					}
					next++
				}
				if next != n {
					t.Fatalf("got %d results for %d leads", next, n)
				}
			})
		}
	}
}

func TestScoreAllStops(t *testing.T) {
	s := compileT(t, DefaultB2B())
	leads, states := batchLeads(t, s, 1000)
	for _, stop := range []int{0, 5, batchChunk, 999} {
		results, err := s.ScoreAll(pairs(leads, states), t0, 2)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for i := range results {
			seen++
			if i == stop {
				break
			}
		}
		if seen != stop+1 {
			t.Errorf("break after %d: saw %d results", stop, seen)
		}
	}
}

func TestScoreAllRejectsBadTime(t *testing.T) {
	s := compileT(t, DefaultB2B())
	if _, err := s.ScoreAll(pairs[Lead](nil, nil), time.Time{}, 1); err == nil {
		t.Error("ScoreAll at the zero time: want an error")
	}
}

// ScoreAll reads States that other goroutines score at the same time (run under -race).
func TestScoreAllConcurrentWithScore(t *testing.T) {
	s := compileT(t, DefaultB2B())
	leads, states := batchLeads(t, s, 300)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			results, _ := s.ScoreAll(pairs(leads, states), t0, 2)
			for range results {
			}
		}()
		go func() {
			defer wg.Done()
			for i := range leads {
				if states[i] != nil {
					_, _ = s.Score(leads[i], states[i], t0)
				}
			}
		}()
	}
	wg.Wait()
}

// ScoreInto and ObserveInto give what Score and Observe give, whatever dst held before.
func TestIntoMatches(t *testing.T) {
	s := compileT(t, DefaultB2B())
	leads, states := batchLeads(t, s, 60)
	var dst Result
	for i := range leads {
		st := states[i]
		if st == nil {
			st = &State{}
		}
		want := scoreT(t, s, leads[i], st, t0.Add(time.Duration(i)*time.Hour))
		if err := s.ScoreInto(&dst, leads[i], st, t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if !sameResult(dst, want) {
			t.Fatalf("lead %d: ScoreInto\n%s\nScore\n%s", i, dst.Explain(), want.Explain())
		}
	}
	evs := []Event{
		{Type: EventFormSubmit}, {Type: EventPageView, Path: "/pricing"}, {Type: EventDemoRequest, ID: "d"},
		{Type: EventDemoRequest, ID: "d"}, {Type: EventEmailClick}, {Type: ""},
	}
	a, b := &State{}, &State{}
	for i, ev := range evs {
		ev.Time = t0.Add(time.Duration(i) * time.Hour)
		want, wantErr := s.Observe(leads[1], a, ev)
		err := s.ObserveInto(&dst, leads[1], b, ev)
		if (err == nil) != (wantErr == nil) || !sameResult(dst, want) {
			t.Fatalf("event %d: ObserveInto %v\n%s\nObserve %v\n%s", i, err, dst.Explain(), wantErr, want.Explain())
		}
	}
	if err := s.ScoreInto(&dst, leads[0], nil, t0); err == nil || len(dst.Contributions) != 0 {
		t.Errorf("ScoreInto with a nil State: %v, %d contributions left", err, len(dst.Contributions))
	}
}
