package leadscore

import (
	"fmt"
	"testing"
	"time"
)

// pointsConfig has one attribute rule per dimension whose value comes from a lead trait, so
// tests can dial any score.
func pointsConfig() Config {
	return Config{
		Rules: []Rule{
			{ID: "fit", Dimension: Fit, Value: `lead.Traits.fit ?? 0`},
			{ID: "eng", Dimension: Engagement, Value: `lead.Traits.eng ?? 0`},
			{ID: "rel", Dimension: Relationship, Value: `lead.Traits.rel ?? 0`},
		},
	}
}

func traitsLead(fit, eng, rel float64) Lead {
	return Lead{Traits: map[string]any{"fit": fit, "eng": eng, "rel": rel}}
}

func TestDimensionBoundsAndWeights(t *testing.T) {
	cfg := pointsConfig()
	cfg.Dimensions = map[Dimension]DimensionConfig{
		Fit:          {Min: Float(-50), Max: Float(100)},
		Engagement:   {Min: Float(0), Max: Float(100), Weight: Float(2)},
		Relationship: {Weight: Float(0.5)},
	}
	s := compileT(t, cfg)
	tests := []struct {
		fit, eng, rel               float64
		wantFit, wantEng, wantTotal float64
	}{
		{fit: 100, eng: 100, rel: 10, wantFit: 100, wantEng: 100, wantTotal: 100 + 200 + 5},
		{fit: 100.5, eng: 100.5, rel: 0, wantFit: 100, wantEng: 100, wantTotal: 300},
		{fit: 99.5, eng: 99.5, rel: 0, wantFit: 99.5, wantEng: 99.5, wantTotal: 99.5 + 199},
		{fit: -50, eng: 0, rel: 0, wantFit: -50, wantEng: 0, wantTotal: -50},
		{fit: -50.5, eng: -0.5, rel: 0, wantFit: -50, wantEng: 0, wantTotal: -50},
		{fit: -49.5, eng: 0.5, rel: -1000, wantFit: -49.5, wantEng: 0.5, wantTotal: -49.5 + 1 - 500},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.fit, tt.eng, tt.rel), func(t *testing.T) {
			var st State
			r := scoreT(t, s, traitsLead(tt.fit, tt.eng, tt.rel), &st, t0)
			if r.Fit != tt.wantFit || r.Engagement != tt.wantEng || r.Relationship != tt.rel || !near(r.Total, tt.wantTotal) {
				t.Fatalf("got fit %v eng %v rel %v total %v; want %v %v %v %v",
					r.Fit, r.Engagement, r.Relationship, r.Total, tt.wantFit, tt.wantEng, tt.rel, tt.wantTotal)
			}
		})
	}
}

func tierConfig() Config {
	cfg := pointsConfig()
	cfg.Tiers = []Tier{
		{Name: "hot", Min: Float(70), Handoff: true},
		{Name: "warm", Min: Float(40)},
		{Name: "cold"},
	}
	return cfg
}

func TestTierBoundaries(t *testing.T) {
	s := compileT(t, tierConfig())
	tests := []struct {
		total   float64
		tier    string
		handoff bool
	}{
		{70.001, "hot", true}, {70, "hot", true}, {69.999, "warm", false},
		{40.001, "warm", false}, {40, "warm", false}, {39.999, "cold", false},
		{-1000, "cold", false},
	}
	for _, tt := range tests {
		var st State
		r := scoreT(t, s, traitsLead(tt.total, 0, 0), &st, t0)
		if r.Tier != tt.tier || r.Handoff != tt.handoff {
			t.Errorf("total %v: tier %q handoff %v, want %q %v", tt.total, r.Tier, r.Handoff, tt.tier, tt.handoff)
		}
	}
}

func TestTierWithoutCatchAll(t *testing.T) {
	cfg := pointsConfig()
	cfg.Tiers = []Tier{{Name: "hot", Min: Float(70)}}
	s := compileT(t, cfg)
	var st State
	if r := scoreT(t, s, traitsLead(69, 0, 0), &st, t0); r.Tier != "" {
		t.Fatalf("tier %q, want none", r.Tier)
	}
}

func TestTierGuard(t *testing.T) {
	cfg := pointsConfig()
	cfg.Tiers = []Tier{
		{Name: "hot", Min: Float(70), When: "fit >= 30 && engagement >= 30", Handoff: true},
		{Name: "warm", Min: Float(40)},
		{Name: "cold"},
	}
	s := compileT(t, cfg)
	tests := []struct {
		fit, eng float64
		tier     string
	}{
		{30, 40, "hot"}, {29.9, 50, "warm"}, {80, 0, "warm"}, {50, 30, "hot"},
	}
	for _, tt := range tests {
		var st State
		if r := scoreT(t, s, traitsLead(tt.fit, tt.eng, 0), &st, t0); r.Tier != tt.tier {
			t.Errorf("fit %v eng %v: tier %q, want %q", tt.fit, tt.eng, r.Tier, tt.tier)
		}
	}
}

// With hysteresis h, a lead in a tier stays until its total falls below the tier's min − h;
// on the way up there is none.
func TestTierHysteresis(t *testing.T) {
	cfg := tierConfig()
	cfg.Hysteresis = 5
	s := compileT(t, cfg)
	tests := []struct {
		name    string
		current string
		total   float64
		want    string
	}{
		{"up: no hysteresis below min", "warm", 69.9, "warm"},
		{"up: at min", "warm", 70, "hot"},
		{"down: inside the band", "hot", 65.1, "hot"},
		{"down: at min − h", "hot", 65, "hot"},
		{"down: just below min − h", "hot", 64.9, "warm"},
		{"down two tiers: hot keeps nothing at 20", "hot", 20, "cold"},
		{"warm band", "warm", 35, "warm"},
		{"warm left", "warm", 34.99, "cold"},
		{"new lead", "", 69, "warm"},
		{"tier from another rule set", "legendary", 69, "warm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st State
			st.d.Bind(s.layout)
			st.d.Tier = tt.current
			r := scoreT(t, s, traitsLead(tt.total, 0, 0), &st, t0)
			if r.Tier != tt.want {
				t.Fatalf("in %q at %v: tier %q, want %q", tt.current, tt.total, r.Tier, tt.want)
			}
		})
	}
}

func TestTierTransitionsAreRecorded(t *testing.T) {
	cfg := Config{
		Events: []EventRule{{ID: "call", On: []string{EventCall}, Points: 50, HalfLife: Duration(7 * Day)}},
		Tiers: []Tier{
			{Name: "hot", Min: Float(70), Handoff: true},
			{Name: "warm", Min: Float(40)},
			{Name: "cold"},
		},
		Hysteresis: 5,
	}
	s := compileT(t, cfg)
	var st State
	r := observeT(t, s, Lead{}, &st, ev(EventCall, t0))
	tr := transitionsOf(r, TransitionTier)
	if len(tr) != 1 || tr[0].ToTier != "warm" || tr[0].FromTier != "" || tr[0].Kind != TransitionTier {
		t.Fatalf("first call: %+v", tr)
	}
	r = observeT(t, s, Lead{}, &st, ev(EventCall, t0.Add(time.Hour)))
	tr = transitionsOf(r, TransitionTier)
	if len(tr) != 1 || tr[0].ToTier != "hot" || st.Tier() != "hot" {
		t.Fatalf("second call: %+v", tr)
	}
	// Score never changes the State; Advance applies decay out of the tier.
	later := t0.Add(4 * Day) // 100 × 2^(−4/7) ≈ 67.3: inside the hysteresis band
	if r = scoreT(t, s, Lead{}, &st, later); r.Tier != "hot" || len(r.Transitions) != 0 {
		t.Fatalf("in the band: %q %+v", r.Tier, tr)
	}
	r, err := s.Advance(Lead{}, &st, t0.Add(7*Day)) // ≈ 50: out of hot
	tr = transitionsOf(r, TransitionTier)
	if err != nil || r.Tier != "warm" || len(tr) != 1 || tr[0].FromTier != "hot" || st.Tier() != "warm" {
		t.Fatalf("Advance: %v %q %+v, state tier %q", err, r.Tier, tr, st.Tier())
	}
}

func TestGrades(t *testing.T) {
	cfg := pointsConfig()
	cfg.Dimensions = map[Dimension]DimensionConfig{Fit: {Max: Float(80)}}
	s := compileT(t, cfg) // default grades over a fit max of 80: A ≥ 60, B ≥ 40, C ≥ 20
	for fit, want := range map[float64]string{80: "A", 60: "A", 59.9: "B", 40: "B", 39.9: "C", 20: "C", 19.9: "D", -10: "D"} {
		var st State
		if r := scoreT(t, s, traitsLead(fit, 0, 0), &st, t0); r.Grade != want {
			t.Errorf("fit %v: grade %q, want %q", fit, r.Grade, want)
		}
	}
	cfg.Grades = []Grade{{Name: "A+", Min: Float(75)}, {Name: "F"}}
	s = compileT(t, cfg)
	for fit, want := range map[float64]string{75: "A+", 74.9: "F"} {
		var st State
		if r := scoreT(t, s, traitsLead(fit, 0, 0), &st, t0); r.Grade != want {
			t.Errorf("custom grades, fit %v: grade %q, want %q", fit, r.Grade, want)
		}
	}
}
