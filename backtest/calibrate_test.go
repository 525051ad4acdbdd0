package backtest

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// synthLead is a lead of the synthetic world in which the truth is known.
type synthLead struct {
	Exec, Big, Noise, Rare bool
	Spend                  float64
}

// The true model: log-odds = −2 + 1.5 exec + 0.7 big + 0.4 min(pages, 5) + 0.5 spend, where
// pages is the decayed count of page views; noise and rare do nothing.
var trueBeta = map[string]float64{"exec": 1.5, "big": 0.7, "noise": 0, "pages": 0.4, "spend": 0.5}

const pageHalfLife = 7 * 24 * time.Hour

// synthConfig is a badly pointed rule set over synthLead: it rewards noise most.
func synthConfig() leadscore.Config {
	f := leadscore.Float
	return leadscore.Config{
		Dimensions: map[leadscore.Dimension]leadscore.DimensionConfig{
			leadscore.Fit:        {Min: f(0), Max: f(60)},
			leadscore.Engagement: {Weight: f(0.5), Max: f(40)},
		},
		Rules: []leadscore.Rule{
			{ID: "exec", Dimension: leadscore.Fit, When: `lead.Exec`, Points: 5},
			{ID: "big", Dimension: leadscore.Fit, When: `lead.Big`, Points: 5},
			{ID: "noise", Dimension: leadscore.Fit, When: `lead.Noise`, Points: 50},
			{ID: "rare", Dimension: leadscore.Fit, When: `lead.Rare`, Points: 7},
			{ID: "spend", Dimension: leadscore.Fit, Value: `lead.Spend`, Max: 10},
		},
		Events: []leadscore.EventRule{
			{ID: "pages", On: []string{"page_view"}, Points: 2, HalfLife: leadscore.Duration(pageHalfLife), Max: 10},
		},
		Tiers: []leadscore.Tier{
			{Name: "hot", Min: f(40), Handoff: true},
			{Name: "warm", Min: f(10)},
			{Name: "cold"},
		},
	}
}

// synthCases draws n cases from the true model.
func synthCases(n int, seed uint64) []Case[synthLead] {
	r := newRNG(seed)
	cases := make([]Case[synthLead], n)
	for i := range cases {
		l := synthLead{Exec: r.intn(3) == 0, Big: r.intn(2) == 0, Noise: r.intn(2) == 0, Rare: i%1000 == 0, Spend: 3 * r.uniform()}
		var events []leadscore.Event
		pages := 0.0
		for range r.intn(9) {
			ago := time.Duration(r.intn(20*24)) * time.Hour
			events = append(events, leadscore.Event{Type: "page_view", Time: t0.Add(-ago)})
			pages += math.Exp2(-float64(ago) / float64(pageHalfLife))
		}
		// Events after the cutoff must not matter.
		events = append(events, leadscore.Event{Type: "page_view", Time: t0.Add(time.Hour)})
		eta := -2 + 0.7*b2f(l.Big) + 1.5*b2f(l.Exec) + 0.4*min(pages, 5) + 0.5*l.Spend
		cases[i] = Case[synthLead]{Lead: l, Events: events, Cutoff: t0, Converted: r.uniform() < sigmoid(eta)}
	}
	return cases
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func TestCalibrateRecoversPoints(t *testing.T) {
	cfg := synthConfig()
	out, rep, err := Calibrate(cfg, synthCases(8000, 1), CalibrateOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	factor := 20 / math.Ln2
	for _, f := range rep.Rules {
		want, ok := trueBeta[f.RuleID]
		if !ok {
			continue
		}
		if !f.Fitted {
			t.Errorf("%s not fitted", f.RuleID)
			continue
		}
		if math.Abs(f.Coefficient-want) > 4*f.StdErr+0.02 {
			t.Errorf("%s: coefficient %.3f ± %.3f, want %v", f.RuleID, f.Coefficient, f.StdErr, want)
		}
		w := 1.0
		if f.Dimension == leadscore.Engagement {
			w = 0.5 // points are divided by the dimension's weight
		}
		if f.Kind == "value" {
			if math.Abs(f.Points-f.Coefficient*factor) > 0.01*math.Abs(f.Points) {
				t.Errorf("%s: factor %v, want %v", f.RuleID, f.Points, f.Coefficient*factor)
			}
		} else if math.Abs(f.Points-f.Coefficient*factor/w) > 0.5 {
			t.Errorf("%s: %v points, want %v rounded", f.RuleID, f.Points, f.Coefficient*factor/w)
		}
	}
	if !(rep.HeldOutAUC > rep.BeforeAUC+0.05) {
		t.Errorf("held-out AUC %.3f, before %.3f: calibration should help a lot here", rep.HeldOutAUC, rep.BeforeAUC)
	}
	if math.Abs(rep.AfterAUC-rep.HeldOutAUC) > 0.02 {
		t.Errorf("in-sample AUC %.3f far from held-out %.3f", rep.AfterAUC, rep.HeldOutAUC)
	}
	if len(rep.FoldAUC) != 5 {
		t.Errorf("%d fold AUCs, want 5", len(rep.FoldAUC))
	}
	if math.Abs(rep.Intercept-(-2)) > 4*rep.InterceptStdErr+0.02 {
		t.Errorf("intercept %.3f ± %.3f, want −2", rep.Intercept, rep.InterceptStdErr)
	}

	// The calibrated rule set: same rules, new points, caps kept in events, no bounds.
	if len(out.Rules) != len(cfg.Rules) || len(out.Events) != len(cfg.Events) {
		t.Fatalf("rules changed: %d+%d, want %d+%d", len(out.Rules), len(out.Events), len(cfg.Rules), len(cfg.Events))
	}
	for i, r := range out.Rules {
		if r.ID != cfg.Rules[i].ID || r.When != cfg.Rules[i].When || r.Dimension != cfg.Rules[i].Dimension {
			t.Errorf("rule %d changed: %+v", i, r)
		}
	}
	pages := out.Events[0]
	if pages.Max != 5*math.Abs(pages.Points) || pages.HalfLife != cfg.Events[0].HalfLife {
		t.Errorf("pages: %v points, max %v: want the cap at 5 events", pages.Points, pages.Max)
	}
	if spend := out.Rules[4]; !strings.HasPrefix(spend.Value, "(lead.Spend) * (") {
		t.Errorf("spend value = %q", spend.Value)
	}
	for d, dc := range out.Dimensions {
		if dc.Min != nil || dc.Max != nil {
			t.Errorf("dimension %s keeps its bounds", d)
		}
	}
	if w := out.Dimensions[leadscore.Engagement].Weight; w == nil || *w != 0.5 {
		t.Error("engagement weight lost")
	}
	if _, err := leadscore.Compile[synthLead](out); err != nil {
		t.Errorf("the calibrated rule set does not compile: %v", err)
	}
}

func TestCalibrateTiersKeepTheirShare(t *testing.T) {
	cfg := synthConfig()
	cases := synthCases(3000, 2)
	out, rep, err := Calibrate(cfg, cases, CalibrateOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	share := func(cfg leadscore.Config, tier string) float64 {
		samples, err := Score(leadscore.MustCompile[synthLead](cfg), cases)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range samples {
			if s.Result.Tier == tier {
				n++
			}
		}
		return float64(n) / float64(len(samples))
	}
	for _, tier := range []string{"hot", "warm"} {
		before, after := share(cfg, tier), share(out, tier)
		if math.Abs(before-after) > 0.03 {
			t.Errorf("%s: %.3f of the cases before, %.3f after", tier, before, after)
		}
	}
	if len(rep.Tiers) != 3 || rep.Tiers[0].Before != 40 || math.IsNaN(rep.Tiers[0].After) || !math.IsNaN(rep.Tiers[2].After) {
		t.Errorf("tiers = %+v", rep.Tiers)
	}
	if !(*out.Tiers[0].Min > *out.Tiers[1].Min) {
		t.Errorf("tier order broken: hot %v, warm %v", *out.Tiers[0].Min, *out.Tiers[1].Min)
	}
}

func TestCalibrateBaseScore(t *testing.T) {
	cases := synthCases(3000, 4)
	out, rep, err := Calibrate(synthConfig(), cases, CalibrateOptions{Seed: 1, BaseScore: 50, BaseOdds: 1, PointsToDouble: 10})
	if err != nil {
		t.Fatal(err)
	}
	last := out.Rules[len(out.Rules)-1]
	if last.ID != BaseRuleID || last.When != "" || last.Dimension != leadscore.Fit {
		t.Fatalf("no base rule: %+v", last)
	}
	if p := rep.Scale.Probability(50); math.Abs(p-0.5) > 0.01 {
		t.Errorf("a total of 50 converts at %.3f, want 0.5", p)
	}
	if p := rep.Scale.Probability(60); math.Abs(p-2.0/3) > 0.01 { // odds 2:1
		t.Errorf("a total of 60 converts at %.3f, want 2/3", p)
	}
	if tot := rep.Scale.Total(0.5); math.Abs(tot-50) > 0.5 {
		t.Errorf("Total(0.5) = %v, want 50", tot)
	}
	// The scale agrees with the data: leads scored near 50 convert about half the time.
	samples, _ := Score(leadscore.MustCompile[synthLead](out), cases)
	ev, err := Evaluate(samples)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ev.Calibration.PointsToDouble-10) > 1.5 {
		t.Errorf("the calibrated totals double the odds every %.1f points, want 10", ev.Calibration.PointsToDouble)
	}
	cfg := synthConfig()
	cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: BaseRuleID, Dimension: leadscore.Fit})
	if _, _, err := Calibrate(cfg, cases, CalibrateOptions{BaseOdds: 1}); err == nil {
		t.Error("a rule set that already has a base-score rule: no error")
	}
}

func TestCalibrateIsDeterministic(t *testing.T) {
	cases := synthCases(1500, 5)
	a, ra, err := Calibrate(synthConfig(), cases, CalibrateOptions{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	b, rb, _ := Calibrate(synthConfig(), cases, CalibrateOptions{Seed: 9})
	if !reflect.DeepEqual(a, b) || ra.String() != rb.String() {
		t.Error("two runs with the same seed differ")
	}
	_, rc, _ := Calibrate(synthConfig(), cases, CalibrateOptions{Seed: 10})
	if reflect.DeepEqual(ra.FoldAUC, rc.FoldAUC) {
		t.Error("another seed gave the same folds")
	}
}

func TestCalibrateKeepsWhatTheDataCannotInform(t *testing.T) {
	cfg := synthConfig()
	cfg.Rules = append(cfg.Rules,
		leadscore.Rule{ID: "never", Dimension: leadscore.Fit, When: `lead.Spend < 0`, Points: 3},
		leadscore.Rule{ID: "always", Dimension: leadscore.Fit, Points: 4},
		leadscore.Rule{ID: "relationship", Dimension: leadscore.Relationship, When: `lead.Big`, Points: 6},
	)
	cfg.Dimensions[leadscore.Relationship] = leadscore.DimensionConfig{Weight: leadscore.Float(0)}
	out, rep, err := Calibrate(cfg, synthCases(3000, 6), CalibrateOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"rare", "never", "always", "relationship"} {
		var f *RuleFit
		for i := range rep.Rules {
			if rep.Rules[i].RuleID == id {
				f = &rep.Rules[i]
			}
		}
		if f == nil || f.Fitted || f.Points != f.Before || !math.IsNaN(f.Coefficient) {
			t.Errorf("%s: %+v, want kept", id, f)
		}
	}
	if rare := out.Rules[3]; rare.Points != 7 {
		t.Errorf("rare: %v points, want 7 (fired in 3 of 3000 cases, under MinFired)", rare.Points)
	}
	// MinFired 1 fits it.
	_, rep, err = Calibrate(cfg, synthCases(3000, 6), CalibrateOptions{Seed: 1, MinFired: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Rules[3].Fitted {
		t.Error("rare not fitted with MinFired 1")
	}
}

func TestCalibrateErrors(t *testing.T) {
	cases := synthCases(200, 7)
	noPos := synthCases(50, 8)
	for i := range noPos {
		noPos[i].Converted = false
	}
	few := synthCases(200, 9)
	pos := 0
	for i := range few {
		if few[i].Converted {
			pos++
			few[i].Converted = pos <= 3
		}
	}
	bad := synthConfig()
	bad.Rules[0].When = "lead.Exce"
	noCutoff := synthCases(200, 7)
	noCutoff[17].Cutoff = time.Time{}
	for _, tc := range []struct {
		name  string
		cfg   leadscore.Config
		cases []Case[synthLead]
		opts  CalibrateOptions
		want  string
	}{
		{"no cases", synthConfig(), nil, CalibrateOptions{}, "no cases"},
		{"no conversions", synthConfig(), noPos, CalibrateOptions{}, "converted"},
		{"fewer conversions than folds", synthConfig(), few, CalibrateOptions{}, "5 folds"},
		{"one fold", synthConfig(), cases, CalibrateOptions{Folds: 1}, "folds"},
		{"negative lambda", synthConfig(), cases, CalibrateOptions{Lambda: -1}, "Lambda"},
		{"unknown penalty", synthConfig(), cases, CalibrateOptions{Penalty: 7}, "Penalty"},
		{"negative pairs' lambda", synthConfig(), cases, CalibrateOptions{PairLambda: -1}, "PairLambda"},
		{"NaN pairs' lambda", synthConfig(), cases, CalibrateOptions{PairLambda: math.NaN()}, "PairLambda"},
		{"NaN PDO", synthConfig(), cases, CalibrateOptions{PointsToDouble: math.NaN()}, "PointsToDouble"},
		{"negative step", synthConfig(), cases, CalibrateOptions{Step: -1}, "Step"},
		{"negative base odds", synthConfig(), cases, CalibrateOptions{BaseOdds: -1}, "BaseOdds"},
		{"negative MinFired", synthConfig(), cases, CalibrateOptions{MinFired: -1}, "MinFired"},
		{"rule set does not compile", bad, cases, CalibrateOptions{}, "leadscore:"},
		{"case without cutoff", synthConfig(), noCutoff, CalibrateOptions{}, "case 17"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Calibrate(tc.cfg, tc.cases, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestCalibrationReportString(t *testing.T) {
	_, rep, err := Calibrate(synthConfig(), synthCases(1000, 10), CalibrateOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.String()
	for _, want := range []string{"held out", "rule", "exec", "pages", "(kept)", "×", "tier", "hot"} {
		if !strings.Contains(s, want) {
			t.Errorf("String() lacks %q:\n%s", want, s)
		}
	}
}
