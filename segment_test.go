package leadscore

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestPersonasFirstMatchWins(t *testing.T) {
	s := compileT(t, DefaultB2C())
	tests := []struct {
		lead          Lead
		persona, trak string
	}{
		{Lead{Age: 19, Followers: 3000}, "sarah", "weekly-deals"},
		{Lead{Age: 24, Followers: 1000}, "sarah", "weekly-deals"},
		{Lead{Age: 25, Followers: 1000}, "everyone", "newsletter"},
		{Lead{Age: 24, Followers: 999}, "everyone", "newsletter"},
		{Lead{Age: 37, AvgOrderValue: 300}, "joe", "holiday"},
		{Lead{Age: 30}, "joe", "holiday"},
		{Lead{Age: 29}, "everyone", "newsletter"},
		{Lead{Age: 37, Purchases: 1}, "first-time-buyer", "second-sale"},
		{Lead{Age: 19, Followers: 3000, Purchases: 5}, "sarah", "weekly-deals"},
		{Lead{Age: 50, Purchases: 3}, "loyal", "loyalty"},
		{Lead{Age: 19, Followers: 50000}, "influencer", "ambassador"},
	}
	for _, tt := range tests {
		var st State
		r := scoreT(t, s, tt.lead, &st, t0)
		if r.Persona != tt.persona || r.Track != tt.trak {
			t.Errorf("%+v: persona %q track %q, want %q %q", tt.lead, r.Persona, r.Track, tt.persona, tt.trak)
		}
	}
}

func TestPersonasB2BReadSignals(t *testing.T) {
	cfg := DefaultB2B()
	cfg.Pages["careers"] = []string{"/careers"}
	s := compileT(t, cfg)
	var st State
	r := scoreT(t, s, Lead{Title: "CEO", Email: "ceo@uni-example.edu"}, &st, t0)
	if r.Persona != "not-a-buyer" || r.Track != "courtesy" {
		t.Fatalf("persona %q", r.Persona)
	}
	if r = scoreT(t, s, Lead{Title: "CEO", Email: "ceo@acme.example"}, &st, t0); r.Persona != "economic-buyer" {
		t.Fatalf("persona %q", r.Persona)
	}
}

func TestPersonaCompileChecks(t *testing.T) {
	many := make([]Persona, MaxPersonas+1)
	for i := range many {
		many[i] = Persona{ID: fmt.Sprint("p", i), When: fmt.Sprintf("lead.Age == %d", i)}
	}
	tests := []struct {
		name     string
		personas []Persona
		want     string
	}{
		{"too many", many, "at most 20"},
		{"default not last", []Persona{{ID: "all"}, {ID: "young", When: "lead.Age < 25"}}, "only the last persona may omit when"},
		{"duplicate", []Persona{{ID: "a", When: "true"}, {ID: "a"}}, "duplicate persona id"},
		{"no id", []Persona{{When: "true"}, {ID: "b"}}, "needs an id"},
		{"none reachable", []Persona{{ID: "a", When: "false"}, {ID: "b", When: "lead.Age > 3 && false"}}, "no persona can be reached"},
		{"reads event", []Persona{{ID: "a", When: "event.Type == 'x'"}, {ID: "b"}}, "only available in event rules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile[Lead](Config{Personas: tt.personas})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%v, want %q", err, tt.want)
			}
		})
	}
	// Warnings: an unreachable persona, a single persona.
	s := compileT(t, Config{Personas: []Persona{{ID: "never", When: "lead.Age < 0 && false"}, {ID: "all"}}})
	if w := s.Warnings(); len(w) != 1 || w[0].ID != "never" || !strings.Contains(w[0].String(), "no lead can reach") {
		t.Errorf("warnings %v", w)
	}
	s = compileT(t, Config{Personas: []Persona{{ID: "all"}}})
	if w := s.Warnings(); len(w) != 1 || !strings.Contains(w[0].Message, "single persona") {
		t.Errorf("warnings %v", w)
	}
	if s := compileT(t, Config{Personas: many[:MaxPersonas]}); len(s.Warnings()) != 0 {
		t.Errorf("20 personas: %v", s.Warnings())
	}
}

func TestProfileRanksByROI(t *testing.T) {
	s := compileT(t, DefaultB2C())
	joe := Lead{Age: 37, AvgOrderValue: 300, Purchases: 0, Margin: 0.3, ServiceEffort: 2}
	sarah := Lead{Age: 19, Followers: 3000, AvgOrderValue: 40, Margin: 0.2, ServiceEffort: 8}
	var samples []Sample[Lead]
	add := func(l Lead, n int, converted int) {
		for i := range n {
			var st State
			r := scoreT(t, s, l, &st, t0)
			o := OutcomeNotConverted
			if i < converted {
				o = OutcomeConverted
			}
			samples = append(samples, Sample[Lead]{Lead: l, Result: r, Outcome: o})
		}
	}
	add(joe, 3, 2)
	add(sarah, 1, 1)
	roi := ROI{Value: "lead.AvgOrderValue * 4 * lead.Margin", Cost: "lead.ServiceEffort * 5.0"}
	prof, err := s.Profile(slices.Values(samples), roi)
	if err != nil {
		t.Fatal(err)
	}
	if len(prof) != 2 || prof[0].Persona != "joe" || prof[1].Persona != "sarah" {
		t.Fatalf("ranking %+v", prof)
	}
	j := prof[0]
	// Joe: value 300·4·0.3 = 360 each, cost 10 each: ROI 35.
	if j.Size != 3 || j.Share != 0.75 || j.Value != 1080 || j.Cost != 30 || j.ROI != 35 || j.ValuePerLead != 360 {
		t.Errorf("joe %+v", j)
	}
	if math.Abs(j.ConversionRate-2.0/3) > 1e-12 || j.WithOutcome != 3 || j.Track != "holiday" {
		t.Errorf("joe conversion %+v", j)
	}
	// Sarah: value 32, cost 40: ROI −0.2 — she costs more than she brings.
	if sa := prof[1]; math.Abs(sa.ROI+0.2) > 1e-12 || sa.ConversionRate != 1 {
		t.Errorf("sarah %+v", sa)
	}
	if _, err := s.Profile(slices.Values(samples), ROI{Value: "count('purchase', '30d')"}); err == nil {
		t.Error("count() accepted in an ROI expression")
	}
	if _, err := s.Profile(slices.Values(samples), ROI{Cost: "lead.Nope"}); err == nil {
		t.Error("a bad field accepted")
	}
	// Without ROI expressions: sizes and means only.
	prof, err = s.Profile(slices.Values(samples), ROI{})
	if err != nil || !math.IsNaN(prof[0].ROI) {
		t.Errorf("%v %+v", err, prof)
	}
}
