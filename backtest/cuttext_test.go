package backtest

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// TestCutTextIsTheThreshold is a property test of the threshold text the rules of Binned
// inputs are written with: for thresholds of every magnitude and sign, the rule
// `lead.X >= text` compiles and holds exactly where x >= threshold does — at the threshold,
// and one float below and above it.
func TestCutTextIsTheThreshold(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 18))
	var rules []leadscore.Rule
	var cuts []float64
	for i := range 300 {
		c := math.Ldexp(r.Float64()+0.5, r.IntN(2000)-1000) // 1e-300 … 1e300
		if i%2 == 0 {
			c = -c
		}
		if i%10 == 0 {
			c = math.Round(c) // whole numbers, up to and beyond int64
		}
		cuts = append(cuts, c)
		rules = append(rules, leadscore.Rule{ID: cutText(c), Dimension: leadscore.Fit, When: "lead.X >= " + cutText(c), Points: 1})
	}
	s, err := leadscore.Compile[gridLead](leadscore.Config{Rules: dedupeIDs(rules)})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, c := range cuts {
		for _, x := range []float64{math.Nextafter(c, math.Inf(-1)), c, math.Nextafter(c, math.Inf(1))} {
			res, err := s.Score(gridLead{X: x}, &leadscore.State{}, at)
			if err != nil {
				t.Fatal(err)
			}
			fired := false
			for _, ct := range res.Contributions {
				if ct.RuleID == rules[i].ID {
					fired = true
				}
			}
			if fired != (x >= c) {
				t.Fatalf("threshold %v written %q: x = %v fired %v", c, cutText(c), x, fired)
			}
		}
	}
}

// dedupeIDs drops the rules whose ID an earlier rule has.
func dedupeIDs(rules []leadscore.Rule) []leadscore.Rule {
	seen := map[string]bool{}
	var out []leadscore.Rule
	for _, r := range rules {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out
}
