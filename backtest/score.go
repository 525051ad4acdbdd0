package backtest

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/leadscore/leadscore"
)

// Case is one lead from history: who they were, what they did, when the decision to score
// them was taken, and whether they converted in the end.
//
// Cutoff is the moment the lead is scored: the time at which, in the past, you would have
// had to decide whether to hand them to sales — usually just before the outcome became
// known (the opportunity was opened, the deal was won or lost). Events after Cutoff are
// dropped, and Lead must describe the lead as it was at Cutoff. See the package
// documentation on leakage.
type Case[L any] struct {
	Lead      L
	Events    []leadscore.Event // in any order; those after Cutoff are ignored
	Cutoff    time.Time         // required
	Converted bool
}

// Sample is a scored lead with its known outcome: what Evaluate measures.
type Sample struct {
	Result    leadscore.Result
	Converted bool
}

// Score scores every case point-in-time with s: for each case, a fresh State observes the
// case's events up to and including Cutoff, in time order, and the lead is scored at Cutoff.
// It fails on a case without a Cutoff and on an event the Scorer rejects, naming the case;
// rules that fail at run time do not stop it (they are in each Result's Errors).
//
// The samples are in the order of the cases. Cases are scored in parallel (a Scorer is safe
// for concurrent use); the result does not depend on how many processors there are.
func Score[L any](s *leadscore.Scorer[L], cases []Case[L]) ([]Sample, error) {
	if s == nil {
		return nil, errors.New("backtest: nil Scorer")
	}
	out := make([]Sample, len(cases))
	// A Scorer is safe for concurrent use and every case is independent: score them in
	// parallel, in contiguous chunks, one per processor. The output does not depend on the
	// number of workers.
	workers := min(runtime.GOMAXPROCS(0), max(1, len(cases)/64))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(cases)/workers, (w+1)*len(cases)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			var events []leadscore.Event
			for i := lo; i < hi; i++ {
				c := &cases[i]
				res, err := scoreCase(s, c, &events)
				if err != nil {
					errs[w] = fmt.Errorf("backtest: case %d: %w", i, err)
					return
				}
				out[i] = Sample{Result: res, Converted: c.Converted}
			}
		}()
	}
	wg.Wait()
	// The first failing case in case order, whichever worker found it.
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scoreCase scores one case at its Cutoff; buf is scratch space for the events kept.
func scoreCase[L any](s *leadscore.Scorer[L], c *Case[L], buf *[]leadscore.Event) (leadscore.Result, error) {
	if c.Cutoff.IsZero() {
		return leadscore.Result{}, fmt.Errorf("no Cutoff: a case must say when it is scored")
	}
	kept := pointInTime(c.Events, c.Cutoff, (*buf)[:0])
	*buf = kept
	var st leadscore.State
	for _, ev := range kept {
		if _, err := s.Observe(c.Lead, &st, ev); err != nil {
			return leadscore.Result{}, err
		}
	}
	return s.Score(c.Lead, &st, c.Cutoff)
}

// pointInTime appends to dst the events at or before cutoff, sorted by time (stably, so
// events at the same instant keep their order).
func pointInTime(events []leadscore.Event, cutoff time.Time, dst []leadscore.Event) []leadscore.Event {
	for _, ev := range events {
		if !ev.Time.After(cutoff) {
			dst = append(dst, ev)
		}
	}
	slices.SortStableFunc(dst, func(a, b leadscore.Event) int { return a.Time.Compare(b.Time) })
	return dst
}
