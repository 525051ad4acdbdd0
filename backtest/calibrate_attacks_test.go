package backtest

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
)

// crossedCases: X raises conversion where G holds and lowers it where it does not, so
// both the FAST screening of InputPairs and the score test of Interactions like the pair
// of rules g and n (and X with g).
func crossedCases(n int, scaleX float64) []Case[gridLead] {
	r := newRNG(1)
	cases := make([]Case[gridLead], n)
	for i := range cases {
		l := gridLead{X: math.Round(100*r.uniform()) / 10, G: r.intn(2) == 0, N: r.intn(2) == 0}
		eta := -0.5 + 0.3*(l.X-5)
		if !l.G {
			eta = -0.5 - 0.3*(l.X-5)
		}
		l.X *= scaleX
		cases[i] = Case[gridLead]{Lead: l, Cutoff: t0, Converted: r.uniform() < sigmoid(eta)}
	}
	return cases
}

// InputPairs and Interactions together: both may propose the rule "g & n" (a grid of the
// inputs g and n, and the pair of rules g and n); the second is not proposed again (it was
// a "duplicate rule id" error from the rule set Calibrate wrote).
func TestCalibrateInputPairsWithInteractions(t *testing.T) {
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "g", Dimension: leadscore.Fit, When: "lead.G", Points: 1},
		{ID: "n", Dimension: leadscore.Fit, When: "lead.N", Points: 1},
	}}
	_, _, err := Calibrate(cfg, crossedCases(800, 1), CalibrateOptions{Seed: 1, InputPairs: 1, Interactions: 1})
	if err != nil {
		t.Fatalf("InputPairs 1 with Interactions 1: %v", err)
	}
}

// Thresholds beyond int64 (values about 1e20) are written with an exponent: as plain digits
// expr read them as integer literals out of range, and the calibrated set did not compile.
// TestCutTextIsTheThreshold checks every magnitude.
func TestCalibrateLargeBinnedValues(t *testing.T) {
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "g", Dimension: leadscore.Fit, When: "lead.G", Points: 1},
	}}
	o := CalibrateOptions{Seed: 1, Bin: []Binned{{ID: "x", Dimension: leadscore.Fit, Value: "lead.X"}}}
	out, _, err := Calibrate(cfg, crossedCases(800, 1e19), o)
	if err != nil {
		t.Fatalf("values up to 1e20: %v", err)
	}
	if _, err := leadscore.Compile[gridLead](out); err != nil {
		t.Fatalf("calibrated rule set does not compile: %v", err)
	}
}

// longWhen is a condition that holds where cond holds, padded with a disjunction that
// never holds, to about 170 syntax nodes: within MaxNodes (256) alone, beyond it twice over.
func longWhen(cond string) string {
	var b strings.Builder
	b.WriteString(cond + " && !(")
	for k := range 34 {
		if k > 0 {
			b.WriteString(" || ")
		}
		fmt.Fprintf(&b, "lead.X < %d", -k-1)
	}
	b.WriteString(")")
	return b.String()
}

// Two conditions within the expression limits each (about 170 syntax nodes, MaxNodes 256)
// but not together: the pair of them is not proposed, where it was written and failed to
// compile, as a rule the user never wrote.
func TestCalibratePairBeyondTheLimits(t *testing.T) {
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "g", Dimension: leadscore.Fit, When: longWhen("lead.G"), Points: 1},
		{ID: "n", Dimension: leadscore.Fit, When: longWhen("lead.N"), Points: 1},
	}}
	if _, err := leadscore.Compile[gridLead](cfg); err != nil {
		t.Fatalf("the input rule set must compile: %v", err)
	}
	for name, o := range map[string]CalibrateOptions{
		"Interactions": {Seed: 1, Interactions: 1},
		"InputPairs":   {Seed: 1, InputPairs: 1},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Calibrate(cfg, crossedCases(800, 1), o); err != nil {
				t.Fatalf("%s: %.400v", name, err)
			}
		})
	}
}

// A rule that separates the outcomes perfectly, with the default Lambda (whose godoc says it
// keeps coefficients finite then): the held-out recalibration, unpenalised, did not
// converge; it now falls back to the default penalty.
func TestCalibratePerfectRule(t *testing.T) {
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "g", Dimension: leadscore.Fit, When: "lead.G", Points: 1},
		{ID: "n", Dimension: leadscore.Fit, When: "lead.N", Points: 1},
	}}
	cases := crossedCases(400, 1)
	for i := range cases {
		cases[i].Converted = cases[i].Lead.G
	}
	if _, _, err := Calibrate(cfg, cases, CalibrateOptions{Seed: 1}); err != nil {
		t.Fatalf("a rule that separates the outcomes, default Lambda: %v", err)
	}
}

// A Step so small that the points overflow when divided by it (5e-324) is refused as an
// option, by name, instead of failing on rules with infinite points.
func TestCalibrateTinyStep(t *testing.T) {
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "g", Dimension: leadscore.Fit, When: "lead.G", Points: 1},
		{ID: "n", Dimension: leadscore.Fit, When: "lead.N", Points: 1},
	}}
	_, _, err := Calibrate(cfg, crossedCases(200, 1), CalibrateOptions{Seed: 1, Step: 5e-324})
	if err == nil || !strings.Contains(err.Error(), "Step") {
		t.Fatalf("Step 5e-324: %.300v; want the option refused by name", err)
	}
}

// Interactions with the team's own rule named as a pair would be ("g & n", a narrower
// condition): the pair is not proposed under a name the set has.
func TestCalibrateInteractionsExistingID(t *testing.T) {
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "g", Dimension: leadscore.Fit, When: "lead.G", Points: 1},
		{ID: "n", Dimension: leadscore.Fit, When: "lead.N", Points: 1},
		{ID: "g & n", Dimension: leadscore.Fit, When: "lead.G && lead.N && lead.X > 9", Points: 1},
	}}
	if _, _, err := Calibrate(cfg, crossedCases(800, 1), CalibrateOptions{Seed: 1, Interactions: 1}); err != nil {
		t.Fatalf("Interactions 1 with a rule named \"g & n\" in the set: %v", err)
	}
}

// TestCalibrateWritesRulesThatCompile is a property test of the class the tests above are
// examples of: for random rule sets and options that Check accepts, Calibrate succeeds and
// the rule set it writes compiles — whatever it adds (thresholds of any magnitude, grids,
// pairs, with names and conditions that may collide with the set's or break the limits),
// and however the data fall (a rule that decides the outcomes, a rare one).
func TestCalibrateWritesRulesThatCompile(t *testing.T) {
	r := newRNG(77)
	conds := []string{"lead.G", "lead.N", "!lead.G", "lead.X > 5", longWhen("lead.N"), longWhen("lead.G")}
	for round := range 40 {
		var rules []leadscore.Rule
		for i := range 2 + r.intn(3) {
			rules = append(rules, leadscore.Rule{ID: fmt.Sprintf("r%d", i), Dimension: leadscore.Fit, When: conds[r.intn(len(conds))], Points: 1})
		}
		if r.intn(3) == 0 { // the team's own rule named as a pair would be
			rules = append(rules, leadscore.Rule{ID: "r0 & r1", Dimension: leadscore.Fit, When: "lead.G && lead.X > 9", Points: 1})
		}
		cfg := leadscore.Config{Rules: rules}
		scale := []float64{1, 1e-9, 1e19, -1e19}[r.intn(4)]
		cases := crossedCases(300+r.intn(500), scale)
		if r.intn(4) == 0 { // a rule decides the outcomes
			for i := range cases {
				cases[i].Converted = cases[i].Lead.G
			}
		}
		o := CalibrateOptions{
			Seed: uint64(round), Folds: 2 + r.intn(3), Interactions: r.intn(3), InputPairs: r.intn(3),
			PairBins: 2 + r.intn(4), Step: []float64{0, 0.1, 1e-6, 5}[r.intn(4)], ShrinkBelow: float64(r.intn(2)),
			Penalty: Penalty(r.intn(2)), PairLambda: []float64{0, 4}[r.intn(2)],
		}
		if r.intn(2) == 0 {
			o.Bin = []Binned{{ID: "x", Dimension: leadscore.Fit, Value: "lead.X", Bins: 2 + r.intn(6), Free: r.intn(2) == 0}}
		}
		if err := o.Check(cfg); err != nil {
			t.Fatalf("round %d: options refused: %v", round, err)
		}
		out, _, err := Calibrate(cfg, cases, o)
		if err != nil {
			t.Fatalf("round %d: rules %+v, options %+v: %v", round, rules, o, err)
		}
		if _, err := leadscore.Compile[gridLead](out); err != nil {
			t.Fatalf("round %d: the calibrated set does not compile: %v", round, err)
		}
	}
}
