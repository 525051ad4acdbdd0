package leadscore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDerivedNamesAgreeWithResult is a property test of what custom signals and tier guards
// read of the evaluation so far (fit, total, disqualified, has_signal): for random rule sets
// and leads, each such condition holds exactly when the Result says it should, on the fast
// path and on expr's VM alike, whichever of the two ran first in the evaluation (a condition
// on the VM boxes the environment, and a box left stale by a later write is the failure
// this guards against). The conditions are written twice, once for the fast path and once
// wrapped in a predicate over a slice, which the fast path hands to the VM.
func TestDerivedNamesAgreeWithResult(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2026))
	// onVM wraps cond in a predicate the fast path does not take: the same truth, on the VM
	// (no lead has the tag "never").
	onVM := func(cond string) string { return `any(lead.Tags, # == "never") || (` + cond + `)` }
	for round := range 200 {
		maybeVM := func(cond string) string {
			if r.IntN(2) == 0 {
				return onVM(cond)
			}
			return cond
		}
		var rules []Rule
		for i := range 2 + r.IntN(5) {
			rule := Rule{ID: fmt.Sprintf("r%d", i), Dimension: Fit, Points: float64(r.IntN(41) - 20)}
			rule.When = []string{"lead.B", "lead.C", "lead.N > 5", "lead.M < 3", "!lead.B"}[r.IntN(5)]
			if r.IntN(4) == 0 {
				rule.Disqualify, rule.Points = true, 0
			}
			rules = append(rules, rule)
		}
		fitK, totalK := r.IntN(31)-10, r.IntN(31)-10
		signals := []SignalConfig{
			{Kind: "dq", When: maybeVM("disqualified")},
			{Kind: "fitk", When: maybeVM(fmt.Sprintf("fit >= %d", fitK))},
			{Kind: "totalk", When: maybeVM(fmt.Sprintf("total >= %d", totalK))},
		}
		r.Shuffle(len(signals), func(i, j int) { signals[i], signals[j] = signals[j], signals[i] })
		if r.IntN(2) == 0 { // a condition on the VM first: the environment is boxed early
			signals = append([]SignalConfig{{Kind: "boxer", When: onVM("lead.N < 0")}}, signals...)
		}
		cfg := Config{
			Rules:   rules,
			Signals: signals,
			Tiers: []Tier{
				{Name: "blocked", Min: Float(-1e9), When: maybeVM("disqualified")},
				{Name: "fit", Min: Float(-1e9), When: maybeVM(`has_signal("fitk")`)},
				{Name: "rest"},
			},
		}
		s, err := Compile[diffLead](cfg)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		vm := withoutFastPath(MustCompile[diffLead](cfg))
		for range 5 {
			lead := diffLead{B: r.IntN(2) == 0, C: r.IntN(2) == 0, N: r.IntN(10), M: r.IntN(6), Tags: []string{"a"}}
			res, err := s.Score(lead, &State{}, t0)
			if err != nil {
				t.Fatal(err)
			}
			fired := func(kind string) bool {
				return slices.ContainsFunc(res.Signals, func(sig Signal) bool { return string(sig.Kind) == kind })
			}
			where := fmt.Sprintf("round %d, lead %+v, rules %+v, signals %+v", round, lead, rules, signals)
			if fired("dq") != res.Disqualified {
				t.Fatalf("%s: signal disqualified fired %v, Result.Disqualified %v", where, fired("dq"), res.Disqualified)
			}
			if fired("fitk") != (res.Fit >= float64(fitK)) || fired("totalk") != (res.Total >= float64(totalK)) {
				t.Fatalf("%s: fit %v ≥ %d fired %v, total %v ≥ %d fired %v", where, res.Fit, fitK, fired("fitk"), res.Total, totalK, fired("totalk"))
			}
			want := "rest"
			switch {
			case res.Disqualified:
				want = "blocked"
			case fired("fitk"):
				want = "fit"
			}
			if res.Tier != want {
				t.Fatalf("%s: tier %q, want %q (disqualified %v, fitk %v)", where, res.Tier, want, res.Disqualified, fired("fitk"))
			}
			other, err := vm.Score(lead, &State{}, t0)
			if err != nil {
				t.Fatal(err)
			}
			if other.Tier != res.Tier || other.Disqualified != res.Disqualified || len(other.Signals) != len(res.Signals) {
				t.Fatalf("%s: VM tier %q signals %v, fast path tier %q signals %v", where, other.Tier, other.Signals, res.Tier, res.Signals)
			}
		}
	}
}
