package leadscore

import (
	"testing"
)

// The worst case the step budget allows, per evaluation, at the default budget: each
// expression runs until the budget stops it. SECURITY.md quotes these figures.
//
//	go test -run '^$' -bench BenchmarkBudgetWorstCase -count 5 .
func BenchmarkBudgetWorstCase(b *testing.B) {
	big := `repeat("ab", 5000)` // built at run time: a literal this long is over MaxExpressionLength
	for name, when := range map[string]string{
		"loops":        `let a = split(` + big + `, ""); all(a, {all(a, {# != "x"})})`,
		"string-scans": `let s = ` + big + `; all(1..1000, {all(1..1000, {!(s contains "zz")})})`,
		"doubling":     doubling(40, func(v string) string { return v + " + " + v }),
		"replace":      `len(replace(replace(` + big + `, "a", ` + big + `), "b", "cc")) > 0`,
	} {
		b.Run(name, func(b *testing.B) {
			s := budgetScorer(b, when, 0)
			var st State
			b.ReportAllocs()
			for b.Loop() {
				r, _ := s.Score(Lead{}, &st, t0)
				if len(r.Errors) != 1 {
					b.Fatalf("%s: %v, want the budget to stop it", name, r.Errors)
				}
			}
		})
	}
}

// What charging costs a rule that loops within its budget, against the same rule uncharged
// (TrustedLimits).
func BenchmarkBudgetOverhead(b *testing.B) {
	lead := Lead{Traits: map[string]any{"tags": []any{"alpha", "beta", "gamma", "delta", "epsilon"}}}
	when := `any(lead.Traits.tags, {# startsWith "ep"}) && len(filter(lead.Traits.tags, {len(#) > 4})) == 4`
	for name, budget := range map[string]int64{"charged": 0, "unlimited": Unlimited} {
		b.Run(name, func(b *testing.B) {
			s := budgetScorer(b, when, budget)
			var st State
			var r Result
			b.ReportAllocs()
			for b.Loop() {
				if err := s.ScoreInto(&r, lead, &st, t0); err != nil || r.Fit != 1 {
					b.Fatal(err, r.Errors)
				}
			}
		})
	}
}
