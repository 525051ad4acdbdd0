package backtest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
)

// A rule the team expects to be positive whose effect is negative is held at 0 during the
// fit — not clamped after it: the rules correlated with it take up what it would have
// carried.
func TestFitConstrainedHoldsTheSign(t *testing.T) {
	r := newRNG(3)
	const n = 4000
	x := make([]float64, n*2)
	y := make([]bool, n)
	for i := range n {
		a := b2f(r.intn(2) == 0)
		b := a // b copies a most of the time: correlated
		if r.intn(4) == 0 {
			b = 1 - a
		}
		x[2*i], x[2*i+1] = a, b
		y[i] = r.uniform() < sigmoid(-0.5+1.2*a-0.8*b)
	}
	free, err := fitLogistic(x, 2, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !(free.beta[2] < -0.4) {
		t.Fatalf("unconstrained b = %.3f, want clearly negative", free.beta[2])
	}
	fit, state, err := fitConstrained(x, 2, y, ridge{lambda: 1}, []Sign{AnySign, Positive}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if state[1] != columnConstrained || fit.beta[2] != 0 || fit.fitted[1] {
		t.Errorf("b: state %d, β %v, fitted %v; want held at 0", state[1], fit.beta[2], fit.fitted[1])
	}
	// Refitted without b, a carries less: its effect net of b's is gone.
	if !(fit.beta[1] < free.beta[1]-0.2) {
		t.Errorf("a: %.3f constrained, %.3f free: want a refit, not a clamp", fit.beta[1], free.beta[1])
	}
	// A sign the data agree with changes nothing.
	same, state, err := fitConstrained(x, 2, y, ridge{lambda: 1}, []Sign{Positive, Negative}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if state[0] != columnFree || state[1] != columnFree || math.Abs(same.beta[1]-free.beta[1]) > 1e-9 {
		t.Errorf("agreeing signs: states %v, a %.6f vs %.6f", state, same.beta[1], free.beta[1])
	}
}

// A held column whose sign the data agree with once the others are refitted is released:
// the active set ends at the constrained optimum, not at the first guess.
func TestFitConstrainedReleases(t *testing.T) {
	r := newRNG(5)
	const n = 3000
	x := make([]float64, n*3)
	y := make([]bool, n)
	for i := range n {
		a, b, c := r.uniform(), r.uniform(), r.uniform()
		x[3*i], x[3*i+1], x[3*i+2] = a, b, c
		y[i] = r.uniform() < sigmoid(-1+2*a-1.5*b+0.3*c)
	}
	fit, state, err := fitConstrained(x, 3, y, ridge{lambda: 1}, []Sign{Positive, Positive, Positive}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if state[0] != columnFree || state[1] != columnConstrained || state[2] != columnFree {
		t.Errorf("states %v, want free, constrained, free", state)
	}
	for j := range 3 {
		if fit.beta[j+1] < 0 {
			t.Errorf("column %d: β %.3f < 0 under a positive constraint", j, fit.beta[j+1])
		}
	}
	// At the constrained optimum the held column's gradient points out of its allowed sign.
	if g := gradientAt(x, 3, y, fit, n); g[1] > 0 {
		t.Errorf("held column's gradient %.3f > 0: it should have been released", g[1])
	}
}

func TestCalibrateExpectAndShrink(t *testing.T) {
	cases := synthCases(3000, 11)
	cfg := synthConfig()
	o := CalibrateOptions{Seed: 1, ShrinkBelow: 2, Expect: map[string]Expectation{
		"big":  {Sign: Negative, Why: "big companies buy elsewhere"}, // wrong: the data say +0.7
		"exec": {Sign: Positive},
	}}
	out, rep, err := Calibrate(cfg, cases, o)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]RuleFit{}
	for _, f := range rep.Rules {
		byID[f.RuleID] = f
	}
	if f := byID["big"]; !f.Constrained || f.Points != 0 || f.Expect.Sign != Negative {
		t.Errorf("big: %+v, want held at 0 by its sign", f)
	}
	if f := byID["exec"]; f.Constrained || !(f.Points > 0) {
		t.Errorf("exec: %+v, want positive and free", f)
	}
	if f := byID["noise"]; !f.Shrunk || f.Points != 0 {
		t.Errorf("noise: %+v, want shrunk to 0 (its true effect is 0)", f)
	}
	for _, r := range out.Rules {
		if r.ID == "big" && r.Points != 0 {
			t.Errorf("calibrated config: big has %v points", r.Points)
		}
	}
	s := rep.Summary()
	for _, want := range []string{"big companies buy elsewhere", "held at 0", "set to 0", "noise", "50 → 0"} {
		if !strings.Contains(s, want) {
			t.Errorf("Summary lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "σ") || strings.Contains(s, "Brier") {
		t.Errorf("Summary speaks to statisticians:\n%s", s)
	}
	if st := rep.String(); !strings.Contains(st, "(sign held)") || !strings.Contains(st, "(shrunk)") {
		t.Errorf("String does not mark held rules:\n%s", st)
	}
}

func TestCalibrateOptionErrors(t *testing.T) {
	cases := synthCases(300, 2)
	for name, o := range map[string]CalibrateOptions{
		"unknown rule":      {Expect: map[string]Expectation{"nope": {Sign: Positive}}},
		"bad sign":          {Expect: map[string]Expectation{"exec": {Sign: 7}}},
		"rate 1":            {TierRates: map[string]float64{"hot": 1}},
		"catch-all tier":    {TierRates: map[string]float64{"cold": 0.1}},
		"unknown tier":      {TierRates: map[string]float64{"tepid": 0.1}},
		"negative shrink":   {ShrinkBelow: -1},
		"bin without value": {Bin: []Binned{{ID: "x"}}},
		"one bin":           {Bin: []Binned{{ID: "x", Value: "lead.Spend", Bins: 1}}},
		"twice":             {Bin: []Binned{{ID: "x", Value: "lead.Spend"}, {ID: "x", Value: "lead.Spend"}}},
		"free with a sign":  {Bin: []Binned{{ID: "x", Value: "lead.Spend", Sign: Positive, Free: true}}},
		"negative pairs":    {InputPairs: -1},
		"one pair bin":      {InputPairs: 1, PairBins: 1},
	} {
		if _, _, err := Calibrate(synthConfig(), cases, o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// Tiers placed at conversion rates: the lead that just reaches hot converts at about the
// chosen rate, so the leads in hot, held out, convert at least that often.
func TestCalibrateTierRates(t *testing.T) {
	cases := synthCases(3000, 4)
	_, rep, err := Calibrate(synthConfig(), cases, CalibrateOptions{Seed: 1, TierRates: map[string]float64{"hot": 0.6, "warm": 0.3}})
	if err != nil {
		t.Fatal(err)
	}
	hot, warm := rep.Tiers[0], rep.Tiers[1]
	if hot.Rate != 0.6 || warm.Rate != 0.3 || !(hot.After > warm.After) {
		t.Fatalf("tiers %+v", rep.Tiers)
	}
	if rate := float64(hot.HeldOutConverted) / float64(hot.HeldOutLeads); rate < 0.6 {
		t.Errorf("hot converts at %.3f held out, want ≥ 0.6", rate)
	}
	if rate := float64(warm.HeldOutConverted) / float64(warm.HeldOutLeads); rate < 0.3 || rate > 0.6 {
		t.Errorf("warm converts at %.3f held out, want between 0.3 and 0.6", rate)
	}
	total := 0
	for _, tf := range rep.Tiers {
		total += tf.HeldOutLeads
	}
	if total != len(cases) {
		t.Errorf("the tiers hold %d held-out leads, want %d", total, len(cases))
	}
}

func TestChooseCutsIsMonotone(t *testing.T) {
	r := newRNG(8)
	const n = 5000
	v := make([]float64, n)
	y := make([]bool, n)
	for i := range n {
		v[i] = math.Round(100*r.uniform()) / 10 // 0 … 10 in tenths: many ties
		y[i] = r.uniform() < sigmoid(-2+0.5*v[i]-0.02*v[i]*v[i])
	}
	for _, sign := range []Sign{AnySign, Positive} {
		b := chooseCuts(v, y, Binned{ID: "v", Sign: sign, Bins: 5}, 50)
		if b.dir != Positive || len(b.cuts) == 0 || len(b.cuts) > 4 || !slices.IsSorted(b.cuts) {
			t.Fatalf("sign %v: direction %v, cuts %v", sign, b.dir, b.cuts)
		}
		// The bins' conversion rates rise with v.
		rates := binRates(v, y, b.cuts)
		if !slices.IsSorted(rates) {
			t.Errorf("sign %v: cuts %v, rates %v: not monotone", sign, b.cuts, rates)
		}
	}
	// Told the opposite direction, the pooling leaves at most one bin's worth of cuts.
	if b := chooseCuts(v, y, Binned{ID: "v", Sign: Negative, Bins: 5}, 50); len(b.cuts) > 1 {
		t.Errorf("against the data: cuts %v, rates %v", b.cuts, binRates(v, y, b.cuts))
	}
}

func binRates(v []float64, y []bool, cuts []float64) []float64 {
	n := make([]float64, len(cuts)+1)
	c := make([]float64, len(cuts)+1)
	for i, x := range v {
		k, _ := slices.BinarySearch(cuts, x)
		if k < len(cuts) && cuts[k] == x {
			k++
		}
		n[k]++
		if y[i] {
			c[k]++
		}
	}
	out := make([]float64, len(n))
	for k := range n {
		out[k] = c[k] / n[k]
	}
	return out
}

func TestShortestBetween(t *testing.T) {
	for _, tc := range []struct{ lo, hi, want float64 }{
		{9, 10, 10},
		{9, 12, 10},
		{0.0241, 0.025, 0.025},
		{0.0241, 0.0249, 0.0242},
		{0.0241, 0.03, 0.03},
		{123, 187, 130},
		{-5, 3, 0},
		{-20, -11, math.NaN()}, // negative: only inside (lo, hi] is checked
	} {
		got := shortestBetween(tc.lo, tc.hi)
		if !(got > tc.lo && got <= tc.hi) {
			t.Errorf("shortestBetween(%v, %v) = %v: outside (lo, hi]", tc.lo, tc.hi, got)
		}
		if !math.IsNaN(tc.want) && got != tc.want {
			t.Errorf("shortestBetween(%v, %v) = %v, want %v", tc.lo, tc.hi, got, tc.want)
		}
	}
}

// The thresholds are chosen on the training rows only: test rows far outside their range
// leave no threshold there.
func TestWithBinsUsesTrainingRowsOnly(t *testing.T) {
	const n = 1000
	values := [][]float64{make([]float64, n)}
	y := make([]bool, n)
	var train []int
	r := newRNG(4)
	for i := range n {
		if i%5 == 0 { // held out: large values that all convert
			values[0][i], y[i] = 100+r.uniform(), true
			continue
		}
		train = append(train, i)
		values[0][i] = r.uniform()
		y[i] = r.uniform() < values[0][i]
	}
	o := CalibrateOptions{MinFired: 20, Bin: []Binned{{ID: "v", Value: "lead.V", Bins: 4}}}
	cfg := leadscore.Config{}
	set, features, x, p, err := withBins(cfg, o, make([]float64, 0), nil, values, y, train, func(leadscore.Rule) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) == 0 || p != len(set.Rules) || len(features) != p {
		t.Fatalf("%d rules, %d columns", len(set.Rules), p)
	}
	for _, r := range set.Rules {
		var cut float64
		if _, err := fmt.Sscan(strings.TrimPrefix(r.ID, "v ≥ "), &cut); err != nil || cut > 1 {
			t.Errorf("rule %q: a threshold the training rows cannot have chosen", r.ID)
		}
	}
	// The design matrix has the thresholds' indicators for every case.
	for i := range n {
		if values[0][i] > 100 && x[i*p+p-1] != 1 {
			t.Errorf("case %d: value %v, highest threshold not fired", i, values[0][i])
		}
	}
}

// Binned inputs through Calibrate: threshold rules added, each with points of the input's
// sign (so the points rise with the input), and a held-out AUC that an input of pure noise
// does not inflate.
func TestCalibrateBins(t *testing.T) {
	cases := synthCases(3000, 6)
	cfg := synthConfig()
	o := CalibrateOptions{Seed: 1, Bin: []Binned{
		{ID: "spend-level", Dimension: leadscore.Fit, Value: "lead.Spend", Sign: Positive, Bins: 4},
	}}
	out, rep, err := Calibrate(cfg, cases, o)
	if err != nil {
		t.Fatal(err)
	}
	added := 0
	for _, f := range rep.Rules {
		if !f.Added {
			continue
		}
		added++
		if !strings.HasPrefix(f.RuleID, "spend-level ≥ ") || f.Before != 0 || f.Points < 0 || f.Expect.Sign != Positive {
			t.Errorf("added rule %+v", f)
		}
	}
	if added == 0 || added > 3 {
		t.Errorf("%d threshold rules, want 1 to 3", added)
	}
	if len(out.Rules) != len(cfg.Rules)+added {
		t.Errorf("%d rules in the calibrated config, want %d", len(out.Rules), len(cfg.Rules)+added)
	}
	if _, err := leadscore.Compile[synthLead](out); err != nil {
		t.Fatal(err)
	}

	// Pure noise: a binned input unrelated to the outcome, with many distinct values. Its
	// thresholds are chosen on the training folds, so the held-out AUC does not gain from it.
	noisy := synthCases(3000, 6)
	r := newRNG(99)
	for i := range noisy {
		noisy[i].Lead.Spend = r.uniform() // Spend's effect is replaced by noise
	}
	cfg.Rules = slices.DeleteFunc(slices.Clone(cfg.Rules), func(r leadscore.Rule) bool { return r.ID == "spend" })
	_, plain, err := Calibrate(cfg, noisy, CalibrateOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, binned, err := Calibrate(cfg, noisy, CalibrateOptions{Seed: 1, MinFired: 5, Bin: []Binned{{ID: "noise-level", Value: "lead.Spend", Bins: 20}}})
	if err != nil {
		t.Fatal(err)
	}
	if binned.HeldOutAUC > plain.HeldOutAUC+0.005 {
		t.Errorf("noise bins raised the held-out AUC: %.4f → %.4f (in-sample %.4f)", plain.HeldOutAUC, binned.HeldOutAUC, binned.AfterAUC)
	}
}

func TestChartsAreWellFormedSVG(t *testing.T) {
	_, rep, err := Calibrate(synthConfig(), synthCases(2000, 3), CalibrateOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.HeldOut) != 10 || len(rep.Before) != 10 {
		t.Fatalf("%d held-out groups, %d before, want 10", len(rep.HeldOut), len(rep.Before))
	}
	leads := 0
	for k, g := range rep.HeldOut {
		leads += g.Leads
		if math.IsNaN(g.Predicted) || (k > 0 && g.Predicted > rep.HeldOut[k-1].Predicted+1e-12) {
			t.Errorf("group %d: predicted %v after %v: want falling", k, g.Predicted, rep.HeldOut[max(k-1, 0)].Predicted)
		}
	}
	if leads != 2000 {
		t.Errorf("groups hold %d leads, want 2000", leads)
	}
	for name, write := range map[string]func(io.Writer) error{"lift": rep.LiftChart, "calibration": rep.CalibrationChart} {
		var b strings.Builder
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		elements := map[string]int{}
		d := xml.NewDecoder(strings.NewReader(b.String()))
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed XML: %v\n%s", name, err, b.String())
			}
			if se, ok := tok.(xml.StartElement); ok {
				elements[se.Name.Local]++
				if se.Name.Local == "svg" && se.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("%s: svg element in namespace %q", name, se.Name.Space)
				}
			}
		}
		switch name {
		case "lift":
			if elements["rect"] < 21 { // background + 2 × 10 bars (+ legend)
				t.Errorf("lift: %d rects, want the 20 bars", elements["rect"])
			}
		case "calibration":
			if elements["circle"] != 10 {
				t.Errorf("calibration: %d points, want 10", elements["circle"])
			}
		}
	}
	if err := (CalibrationReport{}).LiftChart(io.Discard); err == nil {
		t.Error("an empty report charted without error")
	}
}

type pairLead struct{ A, B, C bool }

// An outcome two rules explain only together: Interactions proposes that pair (not the
// others) on the training folds, and the held-out AUC rises with it.
func TestCalibrateInteractions(t *testing.T) {
	r := newRNG(12)
	cases := make([]Case[pairLead], 4000)
	for i := range cases {
		l := pairLead{A: r.intn(2) == 0, B: r.intn(2) == 0, C: r.intn(2) == 0}
		// Either A or B converts; both together do not (the additive rules cannot rank that).
		eta := -1.5 + 1.2*b2f(l.A) + 1.2*b2f(l.B) + 0.4*b2f(l.C) - 2.4*b2f(l.A && l.B)
		cases[i] = Case[pairLead]{Lead: l, Cutoff: t0, Converted: r.uniform() < sigmoid(eta)}
	}
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "a", Dimension: leadscore.Fit, When: "lead.A", Points: 1},
		{ID: "b", Dimension: leadscore.Fit, When: "lead.B", Points: 1},
		{ID: "c", Dimension: leadscore.Fit, When: "lead.C", Points: 1},
	}}
	_, plain, err := Calibrate(cfg, cases, CalibrateOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	out, rep, err := Calibrate(cfg, cases, CalibrateOptions{Seed: 1, Interactions: 1})
	if err != nil {
		t.Fatal(err)
	}
	var added []string
	for _, f := range rep.Rules {
		if f.Added {
			added = append(added, f.RuleID)
			if !(f.Points < -40) {
				t.Errorf("%s: %v points, want about −2.4 × 20 / ln 2 ≈ −69", f.RuleID, f.Points)
			}
		}
	}
	if !slices.Equal(added, []string{"a & b"}) {
		t.Errorf("added %v, want [a & b]", added)
	}
	if last := out.Rules[len(out.Rules)-1]; last.When != "(lead.A) && (lead.B)" {
		t.Errorf("interaction rule %+v", last)
	}
	if !(rep.HeldOutAUC > plain.HeldOutAUC+0.01) {
		t.Errorf("held-out AUC %.4f with the pair, %.4f without", rep.HeldOutAUC, plain.HeldOutAUC)
	}

	// A rule that fires exactly where another does is not paired again: "a-again & b" would
	// be the same rule as "a & b" under another name.
	cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: "a-again", Dimension: leadscore.Fit, When: "lead.A"})
	_, rep, err = Calibrate(cfg, cases, CalibrateOptions{Seed: 1, Interactions: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Rules {
		if strings.Contains(f.RuleID, "a-again") && f.Added {
			t.Errorf("added %q: a duplicate of a pair of a", f.RuleID)
		}
	}
}

// A hump (conversion rises, then falls): Free cuts follow it both ways, a direction cannot.
func TestChooseCutsFree(t *testing.T) {
	r := newRNG(9)
	const n = 8000
	v := make([]float64, n)
	y := make([]bool, n)
	for i := range n {
		v[i] = math.Round(100*r.uniform()) / 10
		y[i] = r.uniform() < sigmoid(-3+1.2*v[i]-0.12*v[i]*v[i]) // highest at 5
	}
	b := chooseCuts(v, y, Binned{ID: "v", Bins: 6, Free: true}, 50)
	if b.dir != AnySign || len(b.cuts) < 3 || len(b.cuts) > 5 || !slices.IsSorted(b.cuts) {
		t.Fatalf("direction %v, cuts %v", b.dir, b.cuts)
	}
	rates := binRates(v, y, b.cuts)
	top := 0
	for k := range rates {
		if rates[k] > rates[top] {
			top = k
		}
	}
	if top == 0 || top == len(rates)-1 {
		t.Errorf("cuts %v, rates %v: the peak is not inside", b.cuts, rates)
	}
	// A free input's threshold rules keep no expectation: their points take either sign.
	rules, expect := binRules([]binCut{b})
	if len(rules) != len(b.cuts) || len(expect) != 0 {
		t.Errorf("%d rules, expectations %v", len(rules), expect)
	}
	// A direction pools the hump away into fewer, monotone bins.
	d := chooseCuts(v, y, Binned{ID: "v", Bins: 6}, 50)
	rates = binRates(v, y, d.cuts)
	if d.dir == Negative {
		slices.Reverse(rates)
	}
	if !slices.IsSorted(rates) {
		t.Errorf("with a direction (%v): rates %v not monotone", d.dir, binRates(v, y, d.cuts))
	}
}

type gridLead struct {
	X    float64
	G, N bool
}

// An input whose effect depends on a rule: X raises conversion where G holds and lowers it
// where it does not, which no points for X alone can rank. InputPairs
// crosses X with G (not with the noise rule N), as a grid of rules "X ≥ x and G", and the
// held-out AUC rises with them; the grid's thresholds are chosen on the training folds.
func TestCalibrateInputPairs(t *testing.T) {
	r := newRNG(21)
	cases := make([]Case[gridLead], 4000)
	for i := range cases {
		l := gridLead{X: math.Round(100*r.uniform()) / 10, G: r.intn(2) == 0, N: r.intn(2) == 0}
		eta := -1.5 + 0.3*(l.X-5) // where G holds; the other way where it does not
		if !l.G {
			eta = -1.5 - 0.3*(l.X-5)
		}
		cases[i] = Case[gridLead]{Lead: l, Cutoff: t0, Converted: r.uniform() < sigmoid(eta)}
	}
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "g", Dimension: leadscore.Fit, When: "lead.G", Points: 1},
		{ID: "n", Dimension: leadscore.Fit, When: "lead.N", Points: 1},
	}}
	o := CalibrateOptions{Seed: 1, Bin: []Binned{{ID: "x", Dimension: leadscore.Fit, Value: "lead.X"}}}
	_, plain, err := Calibrate(cfg, cases, o)
	if err != nil {
		t.Fatal(err)
	}
	o.InputPairs, o.PairBins = 1, 3
	out, rep, err := Calibrate(cfg, cases, o)
	if err != nil {
		t.Fatal(err)
	}
	grid := 0
	for _, f := range rep.Rules {
		if !f.Added || !strings.Contains(f.RuleID, " & ") {
			continue
		}
		grid++
		if !strings.HasPrefix(f.RuleID, "x ≥ ") || !strings.HasSuffix(f.RuleID, " & g") {
			t.Errorf("grid rule %q: want x ≥ … & g", f.RuleID)
		}
	}
	if grid == 0 || grid > 2 {
		t.Errorf("%d grid rules, want 1 or 2 (PairBins 3)", grid)
	}
	if _, err := leadscore.Compile[gridLead](out); err != nil {
		t.Fatal(err)
	}
	if !(rep.HeldOutAUC > plain.HeldOutAUC+0.05) {
		t.Errorf("held-out AUC %.4f with the grid, %.4f without", rep.HeldOutAUC, plain.HeldOutAUC)
	}
}

type columnLead struct {
	X float64
	C string
	N bool
}

// An input whose effect depends on a categorical column: X raises conversion in categories
// a and c and lowers it in b and d. As rules of their own, the categories are inputs of
// their own, and one pair crosses X with one of them; grouped into a column (Columns), they
// are one input, and the one pair crosses X with every category, which the held-out AUC
// shows. Columns that name no rule, or a rule twice, are errors.
func TestCalibrateColumns(t *testing.T) {
	r := newRNG(22)
	cases := make([]Case[columnLead], 4000)
	for i := range cases {
		l := columnLead{X: math.Round(100*r.uniform()) / 10, C: string(rune('a' + r.intn(4))), N: r.intn(2) == 0}
		eta := -1.5 + 0.3*(l.X-5)
		if l.C == "b" || l.C == "d" {
			eta = -1.5 - 0.3*(l.X-5)
		}
		cases[i] = Case[columnLead]{Lead: l, Cutoff: t0, Converted: r.uniform() < sigmoid(eta)}
	}
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "c-b", Dimension: leadscore.Fit, When: `lead.C == "b"`},
		{ID: "c-c", Dimension: leadscore.Fit, When: `lead.C == "c"`},
		{ID: "c-d", Dimension: leadscore.Fit, When: `lead.C == "d"`},
		{ID: "n", Dimension: leadscore.Fit, When: "lead.N"},
	}}
	o := CalibrateOptions{Seed: 1, InputPairs: 1, PairBins: 3, Bin: []Binned{{ID: "x", Dimension: leadscore.Fit, Value: "lead.X"}}}
	_, rules, err := Calibrate(cfg, cases, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Columns = map[string][]string{"c": {"c-b", "c-c", "c-d"}}
	out, rep, err := Calibrate(cfg, cases, o)
	if err != nil {
		t.Fatal(err)
	}
	crossed := map[string]bool{}
	for _, f := range rep.Rules {
		if !f.Added || !strings.Contains(f.RuleID, " & ") {
			continue
		}
		a, b, _ := strings.Cut(f.RuleID, " & ")
		if !strings.HasPrefix(a, "x ≥ ") || !strings.HasPrefix(b, "c-") {
			t.Errorf("grid rule %q: want x ≥ … & c-…", f.RuleID)
		}
		crossed[b] = true
	}
	if len(crossed) != 3 {
		t.Errorf("the grid crosses x with %v, want every rule of column c", slices.Sorted(maps.Keys(crossed)))
	}
	if _, err := leadscore.Compile[columnLead](out); err != nil {
		t.Fatal(err)
	}
	t.Logf("held-out AUC %.4f with the column, %.4f with its rules as inputs", rep.HeldOutAUC, rules.HeldOutAUC)
	if !(rep.HeldOutAUC > rules.HeldOutAUC+0.02) {
		t.Errorf("held-out AUC %.4f with the column, %.4f with its rules as inputs", rep.HeldOutAUC, rules.HeldOutAUC)
	}
	for name, cols := range map[string]map[string][]string{
		"no such rule": {"c": {"c-b", "c-e"}},
		"twice":        {"c": {"c-b"}, "d": {"c-b"}},
		"empty":        {"c": nil},
	} {
		o.Columns = cols
		if _, _, err := Calibrate(cfg, cases, o); err == nil {
			t.Errorf("%s: Columns %v: no error", name, cols)
		}
	}
}

// PairLambda penalises the rules of the grids alone: a strong one holds every grid rule
// near 0 points and leaves the thresholds of x their points, which a weak one does not;
// RawPenalty puts the penalty on the coefficients themselves, which shrinks the rare rule
// r (about 2% of the cases) far more than the standardised default; the report says both.
func TestCalibratePenalty(t *testing.T) {
	r := newRNG(23)
	cases := make([]Case[gridLead], 4000)
	for i := range cases {
		l := gridLead{X: math.Round(100*r.uniform()) / 10, G: r.intn(2) == 0, N: r.intn(50) == 0}
		eta := -1.5 + 0.3*(l.X-5) + 0.8*b2f(l.N)
		if !l.G {
			eta = -1.5 - 0.3*(l.X-5) + 0.8*b2f(l.N)
		}
		cases[i] = Case[gridLead]{Lead: l, Cutoff: t0, Converted: r.uniform() < sigmoid(eta)}
	}
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "g", Dimension: leadscore.Fit, When: "lead.G", Points: 1},
		{ID: "r", Dimension: leadscore.Fit, When: "lead.N", Points: 1},
	}}
	o := CalibrateOptions{Seed: 1, Lambda: 20, InputPairs: 1, PairBins: 3, Bin: []Binned{{ID: "x", Dimension: leadscore.Fit, Value: "lead.X", Free: true}}}
	points := func(o CalibrateOptions) (grid, thresholds []float64, rare float64, rep CalibrationReport) {
		t.Helper()
		_, rep, err := Calibrate(cfg, cases, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Rules {
			switch {
			case strings.Contains(f.RuleID, " & "):
				grid = append(grid, f.Points)
			case strings.HasPrefix(f.RuleID, "x ≥ "):
				thresholds = append(thresholds, f.Points)
			case f.RuleID == "r":
				rare = f.Points
			}
		}
		if len(grid) == 0 || len(thresholds) == 0 {
			t.Fatalf("grid rules %v, thresholds %v: want some of each", grid, thresholds)
		}
		return grid, thresholds, rare, rep
	}
	largest := func(v []float64) float64 {
		m := 0.0
		for _, p := range v {
			m = max(m, math.Abs(p))
		}
		return m
	}
	grid, thresholds, rare, _ := points(o)
	if largest(grid) < 10 {
		t.Errorf("grid points %v with the default penalty: want the grid to carry the pair", grid)
	}
	o.PairLambda = 1e6
	heldGrid, heldThresholds, _, rep := points(o)
	if largest(heldGrid) > 0 {
		t.Errorf("grid points %v with PairLambda 1e6: want 0", heldGrid)
	}
	if largest(heldThresholds) < largest(thresholds)/4 {
		t.Errorf("threshold points %v with PairLambda 1e6, %v without: want PairLambda to leave them be", heldThresholds, thresholds)
	}
	if s := rep.String(); !strings.Contains(s, "pairs' λ 1000000") {
		t.Errorf("String() does not give PairLambda:\n%s", s)
	}
	o.PairLambda = 0
	o.Penalty = RawPenalty
	_, _, rawRare, rep := points(o)
	t.Logf("grid %v, thresholds %v; PairLambda 1e6: grid %v, thresholds %v; rare rule %v, raw %v", grid, thresholds, heldGrid, heldThresholds, rare, rawRare)
	if !(rawRare > 0 && rawRare < rare/2) {
		t.Errorf("the rare rule's points: %v with RawPenalty, %v standardised: want them shrunk, not turned", rawRare, rare)
	}
	if s := rep.String(); !strings.Contains(s, "λ 20 (raw)") {
		t.Errorf("String() does not give the penalty:\n%s", s)
	}
}
