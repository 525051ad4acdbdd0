package leadscore

import (
	"fmt"
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
