package leadscore

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

func cand(id, owner, tier, grade string, total float64, signals ...string) HandoffCandidate {
	r := Result{Tier: tier, Grade: grade, Total: total, Handoff: tier == "hot"}
	for _, k := range signals {
		r.Signals = append(r.Signals, Signal{Kind: k})
	}
	return HandoffCandidate{ID: id, Owner: owner, Result: r}
}

func ids(ps []PlannedHandoff) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestPlanHandoffsPriorityAndCapacity(t *testing.T) {
	s := compileT(t, DefaultB2B())
	now := acctT0
	cs := []HandoffCandidate{
		cand("first-in", "ana", "hot", "C", 75),
		cand("best", "ana", "hot", "A", 95),
		cand("second", "ana", "hot", "B", 90, SignalQuestion),
		cand("warm", "ana", "warm", "A", 60),
		cand("bo-1", "bo", "hot", "A", 80),
		cand("pool", "", "hot", "A", 80),
	}
	cs[0].Result.Disqualified = false
	capacity := Capacity{PerOwner: map[string]int{"ana": 3, "bo": 0}, Default: 1, Window: Duration(Week),
		Recent: []PastHandoff{{Owner: "ana", At: now.Add(-2 * Day)}, {Owner: "ana", At: now.Add(-8 * Day)}}}
	plan := s.PlanHandoffs(cs, capacity, now)
	// ana can take 3 a week and took 1 in the last 7 days (the other is older): 2 now, the
	// best two — not the first in.
	if got := ids(plan.Now); !reflect.DeepEqual(got, []string{"best", "second", "pool"}) {
		t.Errorf("now %v", got)
	}
	if got := ids(plan.Waiting); !reflect.DeepEqual(got, []string{"bo-1", "first-in", "warm"}) {
		t.Errorf("waiting %v", got)
	}
	for _, w := range plan.Waiting {
		switch w.ID {
		case "first-in":
			if w.Rank != 3 || !strings.Contains(w.Reason, `owner "ana" is at capacity: 3 of 3 hand-offs in 7 days; ranked 3`) {
				t.Errorf("first-in: rank %d, %q", w.Rank, w.Reason)
			}
		case "bo-1":
			if !strings.Contains(w.Reason, `owner "bo" is at capacity: 0 of 0`) {
				t.Errorf("bo-1: %q", w.Reason)
			}
		case "warm":
			if !strings.Contains(w.Reason, `not in a hand-off tier (tier "warm")`) {
				t.Errorf("warm: %q", w.Reason)
			}
		}
	}
}

// Ties are broken by signals, then grade, then ID: the same plan for any order of the batch.
func TestPlanHandoffsTies(t *testing.T) {
	s := compileT(t, DefaultB2B())
	cs := []HandoffCandidate{
		cand("z-plain", "ana", "hot", "A", 80),
		cand("y-signal", "ana", "hot", "B", 80, SignalQuestion),
		cand("x-negative", "ana", "hot", "A", 80, SignalGenericEmail), // negative signals do not count
		cand("w-grade-b", "ana", "hot", "B", 80),
		cand("a-tie", "ana", "hot", "A", 80),
		cand("a-tie", "ana", "hot", "A", 80), // the same lead twice
		cand("d-disq", "ana", "hot", "A", 99),
		cand("q-unlimited", "quinn", "hot", "A", 10),
	}
	cs[6].Result.Disqualified = true
	capacity := Capacity{PerOwner: map[string]int{"ana": 2, "quinn": Unlimited}}
	want := s.PlanHandoffs(cs, capacity, acctT0)
	if got := ids(want.Now); !reflect.DeepEqual(got, []string{"y-signal", "a-tie", "q-unlimited"}) {
		t.Errorf("now %v", got)
	}
	if got := ids(want.Waiting); !reflect.DeepEqual(got, []string{"a-tie", "x-negative", "z-plain", "w-grade-b", "d-disq"}[0:5]) {
		// d-disq has the highest total, so it sorts first but waits as disqualified.
		if got2 := ids(want.Waiting); !reflect.DeepEqual(got2, []string{"d-disq", "a-tie", "x-negative", "z-plain", "w-grade-b"}) {
			t.Errorf("waiting %v", got2)
		}
	}
	if w := want.Waiting[1]; w.ID != "a-tie" || !strings.Contains(w.Reason, "duplicate") {
		t.Errorf("the duplicate: %+v", w)
	}
	if w := want.Waiting[0]; !strings.Contains(w.Reason, "disqualified") {
		t.Errorf("disqualified: %+v", w)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50 {
		perm := append([]HandoffCandidate(nil), cs...)
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		if got := s.PlanHandoffs(perm, capacity, acctT0); !reflect.DeepEqual(got, want) {
			t.Fatalf("a permutation changed the plan: %v / %v", ids(got.Now), ids(got.Waiting))
		}
	}
}

// Recent hand-offs outside the window or after now do not count; without a window all do.
func TestPlanHandoffsWindow(t *testing.T) {
	s := compileT(t, DefaultB2B())
	cs := []HandoffCandidate{cand("a", "ana", "hot", "A", 80)}
	recent := []PastHandoff{{Owner: "ana", At: acctT0.Add(-8 * Day)}, {Owner: "ana", At: acctT0.Add(time.Hour)}}
	if p := s.PlanHandoffs(cs, Capacity{Default: 1, Window: Duration(Week), Recent: recent}, acctT0); len(p.Now) != 1 {
		t.Errorf("window: %+v", p)
	}
	if p := s.PlanHandoffs(cs, Capacity{Default: 2, Recent: recent}, acctT0); len(p.Now) != 0 || !strings.Contains(p.Waiting[0].Reason, "2 of 2 hand-offs;") {
		t.Errorf("no window: %+v", p)
	}
	if p := s.PlanHandoffs(nil, Capacity{}, acctT0); p.Now == nil || p.Waiting == nil || len(p.Now)+len(p.Waiting) != 0 {
		t.Errorf("empty batch: %+v", p)
	}
}
