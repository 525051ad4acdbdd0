package backtest

import (
	"math"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
)

func TestAUC(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scores []float64
		y      []bool
		want   float64
	}{
		{"perfect", []float64{1, 2, 3, 4}, []bool{false, false, true, true}, 1},
		{"inverted", []float64{4, 3, 2, 1}, []bool{false, false, true, true}, 0},
		{"all tied", []float64{5, 5, 5, 5}, []bool{false, true, false, true}, 0.5},
		{"a tie counts half", []float64{1, 1}, []bool{true, false}, 0.5},
		{"one tie among pairs", []float64{1, 2, 2, 3}, []bool{false, false, true, true}, 0.875},
		{"textbook", []float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}, 0.75},
		{"negative scores", []float64{-3, -1, -2}, []bool{false, true, false}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AUC(tc.scores, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("AUC = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAUCRandomRankingIsAboutHalf(t *testing.T) {
	r := newRNG(3)
	n := 20000
	scores := make([]float64, n)
	y := make([]bool, n)
	for i := range n {
		scores[i] = float64(r.intn(1000))
		y[i] = r.intn(4) == 0
	}
	got, err := AUC(scores, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-0.5) > 0.015 {
		t.Errorf("AUC of a random ranking = %v, want about 0.5", got)
	}
}

func TestAUCErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scores []float64
		y      []bool
	}{
		{"length mismatch", []float64{1, 2}, []bool{true}},
		{"NaN", []float64{1, math.NaN()}, []bool{true, false}},
		{"infinite", []float64{math.Inf(1), 1}, []bool{true, false}},
		{"no positives", []float64{1, 2}, []bool{false, false}},
		{"no negatives", []float64{1, 2}, []bool{true, true}},
		{"empty", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := AUC(tc.scores, tc.y); err == nil || !strings.HasPrefix(err.Error(), "backtest: ") {
				t.Errorf("err = %v, want a backtest: error", err)
			}
		})
	}
}

// sample builds a Sample with the given total, tier and outcome.
func sample(total float64, tier string, handoff, converted bool) Sample {
	return Sample{Result: leadscore.Result{Total: total, Tier: tier, Handoff: handoff}, Converted: converted}
}

func TestEvaluate(t *testing.T) {
	// 20 leads: hot (totals 80–98, 8 of 10 convert), cold (totals 0–18, 2 of 10 convert).
	var samples []Sample
	for i := range 10 {
		samples = append(samples, sample(80+2*float64(i), "hot", true, i >= 2))
		samples = append(samples, sample(2*float64(i), "cold", false, i == 9 || i == 0))
	}
	r, err := Evaluate(samples)
	if err != nil {
		t.Fatal(err)
	}
	if r.Leads != 20 || r.Converted != 10 || r.ConversionRate != 0.5 {
		t.Errorf("leads %d, converted %d, rate %v; want 20, 10, 0.5", r.Leads, r.Converted, r.ConversionRate)
	}
	h := r.Handoff
	if h.Leads != 10 || h.Converted != 8 || h.Share != 0.5 || h.Precision != 0.8 || h.Recall != 0.8 || math.Abs(h.Lift-1.6) > 1e-12 {
		t.Errorf("hand-off = %+v", h)
	}
	if len(r.Tiers) != 2 || r.Tiers[0].Tier != "hot" || r.Tiers[1].Tier != "cold" {
		t.Fatalf("tiers = %+v, want hot then cold", r.Tiers)
	}
	if hot := r.Tiers[0]; hot.Leads != 10 || hot.Converted != 8 || hot.MinTotal != 80 || hot.MaxTotal != 98 || !hot.Handoff {
		t.Errorf("hot = %+v", hot)
	}
	if cold := r.Tiers[1]; cold.ConversionRate != 0.2 || math.Abs(cold.Lift-0.4) > 1e-12 || cold.Handoff {
		t.Errorf("cold = %+v", cold)
	}
	// AUC: of 100 (converted, unconverted) pairs, the converted lead ranks higher in all but
	// those involving the converted cold leads (0 and 18) and the unconverted hot ones (80, 82).
	want, _ := AUC(totalsOf(samples), outcomes(samples))
	if r.AUC != want || r.AUC <= 0.5 {
		t.Errorf("AUC = %v, want %v", r.AUC, want)
	}
	if len(r.Deciles) != 10 {
		t.Fatalf("%d deciles, want 10", len(r.Deciles))
	}
	if d := r.Deciles[0]; d.Decile != 1 || d.Leads != 2 || d.MaxTotal != 98 || d.MinTotal != 96 || d.Converted != 2 || d.Lift != 2 || d.Captured != 0.2 {
		t.Errorf("decile 1 = %+v", d)
	}
	if last := r.Deciles[9]; last.Captured != 1 || last.Decile != 10 {
		t.Errorf("decile 10 = %+v", last)
	}
	c := r.Calibration
	if !(c.Slope > 0) || !(c.PointsToDouble > 0) || math.Abs(c.PointsToDouble-math.Ln2/c.Slope) > 1e-9 || !(c.Brier > 0 && c.Brier < 0.25) {
		t.Errorf("calibration = %+v", c)
	}
}

func outcomes(samples []Sample) []bool {
	out := make([]bool, len(samples))
	for i, s := range samples {
		out[i] = s.Converted
	}
	return out
}

func TestEvaluateDecilesKeepTiesTogether(t *testing.T) {
	// 10 leads at 0 and 10 spread out: the 10 zeros must share one decile.
	var samples []Sample
	for i := range 10 {
		samples = append(samples, sample(0, "cold", false, false), sample(float64(i+1), "warm", false, i%2 == 0))
	}
	r, err := Evaluate(samples)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, d := range r.Deciles {
		if d.MinTotal == 0 {
			seen++
			if d.Leads != 10 || d.MaxTotal != 0 {
				t.Errorf("the tied zeros: %+v", d)
			}
		}
	}
	if seen != 1 {
		t.Errorf("the zeros are in %d deciles, want 1", seen)
	}
	total := 0
	for _, d := range r.Deciles {
		total += d.Leads
	}
	if total != 20 {
		t.Errorf("deciles hold %d leads, want 20", total)
	}
}

func TestEvaluateNoHandoff(t *testing.T) {
	r, err := Evaluate([]Sample{sample(1, "", false, true), sample(0, "", false, false)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Handoff.Leads != 0 || !math.IsNaN(r.Handoff.Precision) || r.Handoff.Recall != 0 {
		t.Errorf("hand-off = %+v, want nobody, precision NaN", r.Handoff)
	}
	if s := r.String(); !strings.Contains(s, "precision n/a") || !strings.Contains(s, "(none)") {
		t.Errorf("String() =\n%s", s)
	}
}

func TestEvaluateErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		samples []Sample
	}{
		{"no samples", nil},
		{"no conversions", []Sample{sample(1, "", false, false), sample(2, "", false, false)}},
		{"all converted", []Sample{sample(1, "", false, true)}},
		{"NaN total", []Sample{sample(math.NaN(), "", false, true), sample(1, "", false, false)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Evaluate(tc.samples); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestReportStringIsDeterministic(t *testing.T) {
	var samples []Sample
	r := newRNG(9)
	for range 500 {
		total := float64(r.intn(100))
		samples = append(samples, sample(total, map[bool]string{true: "hot", false: "cold"}[total >= 70], total >= 70, r.intn(100) < int(total)))
	}
	a, err := Evaluate(samples)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Evaluate(samples)
	if a.String() != b.String() {
		t.Error("String() differs between two evaluations of the same samples")
	}
	for _, want := range []string{"ROC AUC", "Hand-off:", "points double the odds", "hot (hand-off)", "decile", "captured"} {
		if !strings.Contains(a.String(), want) {
			t.Errorf("String() lacks %q:\n%s", want, a)
		}
	}
}
