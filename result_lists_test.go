package leadscore

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// every entry point that returns a Result without error gives non-nil
// Signals, Contributions and Transitions, so the JSON has [] for them, including results of
// a scorer where nothing fires and duplicate events.
func TestResultListsNeverNil(t *testing.T) {
	s, err := Compile[diffLead](Config{Name: "quiet", Rules: []Rule{{ID: "never", Dimension: Fit, When: "lead.N > 1000000", Points: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, r *Result) {
		t.Helper()
		if r.Signals == nil || r.Contributions == nil || r.Transitions == nil {
			t.Errorf("%s: nil list: %v %v %v", what, r.Signals == nil, r.Contributions == nil, r.Transitions == nil)
		}
		b, _ := json.Marshal(r)
		if strings.Contains(string(b), `"signals":null`) || strings.Contains(string(b), `"contributions":null`) || strings.Contains(string(b), `"transitions":null`) {
			t.Errorf("%s: %s", what, b)
		}
	}
	for _, sc := range []*Scorer[diffLead]{s, compileReuse(t), withoutFastPath(compileReuse(t))} {
		st := &State{}
		lead := diffLead{}
		r, err := sc.Score(lead, st, t0)
		if err != nil {
			t.Fatal(err)
		}
		check("Score", &r)
		var dst Result
		if err := sc.ScoreInto(&dst, lead, st, t0); err != nil {
			t.Fatal(err)
		}
		check("ScoreInto fresh", &dst)
		var dst2 Result
		_ = sc.ScoreInto(&dst2, lead, nil, t0)
		check("ScoreInto nil state (error)", &dst2)
		ev := Event{Type: EventPageView, Time: t0, Path: "/blog", ID: "x"}
		r, err = sc.Observe(lead, st, ev)
		if err != nil {
			t.Fatal(err)
		}
		check("Observe", &r)
		r, err = sc.Observe(lead, st, ev)
		if err != nil || !r.Duplicate {
			t.Fatal(err, r.Duplicate)
		}
		check("Observe duplicate", &r)
		var odst Result
		if err := sc.ObserveInto(&odst, lead, st, ev); err != nil {
			t.Fatal(err)
		}
		check("ObserveInto duplicate", &odst)
		var odst2 Result
		if err := sc.ObserveInto(&odst2, lead, st, Event{Type: EventPageView, Time: t0.Add(time.Hour), Path: "/x"}); err != nil {
			t.Fatal(err)
		}
		check("ObserveInto", &odst2)
		r, err = sc.Advance(lead, st, t0.Add(48*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		check("Advance", &r)
		all, err := sc.ScoreAll(func(yield func(diffLead, *State) bool) {
			for i := range 70 {
				var st *State
				if i%2 == 0 {
					st = &State{}
				}
				if !yield(lead, st) {
					return
				}
			}
		}, t0, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range all {
			check("ScoreAll", res)
		}
	}
}
