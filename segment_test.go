package leadscore

import (
	"fmt"
	"strings"
	"testing"
	"time"
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

// Tracks by tier, at each tier's edge and one point either side, with hysteresis left out so
// the edge is the tier's min; a recycled lead gets the re-nurture track whatever its tier.
func TestPersonaTracksByTier(t *testing.T) {
	cfg := Config{
		Rules: []Rule{{ID: "pts", Dimension: Fit, Value: "lead.Traits.points ?? 0", Reason: "points"}},
		Tiers: []Tier{{Name: "hot", Min: Float(70), Handoff: true}, {Name: "warm", Min: Float(40)}, {Name: "cold"}},
		Personas: []Persona{
			{ID: "joe", When: "lead.Age >= 30", Track: "joe-newsletter", Tracks: []PersonaTrack{
				{Recycled: true, Track: "joe-win-back"},
				{Tier: "hot", Track: "joe-personal-offer"},
				{Tier: "warm", When: "engagement > 0", Track: "joe-engaged"},
				{Tier: "warm", Track: "joe-buying-guides"},
			}},
			{ID: "everyone", Track: "newsletter"},
		},
	}
	s := compileT(t, cfg)
	joe := func(points float64) Lead { return Lead{Age: 37, Traits: map[string]any{"points": points}} }
	for _, c := range []struct {
		name  string
		lead  Lead
		track string
	}{
		{"cold", joe(0), "joe-newsletter"},
		{"just below warm", joe(39), "joe-newsletter"},
		{"warm edge", joe(40), "joe-buying-guides"},
		{"just below hot", joe(69), "joe-buying-guides"},
		{"hot edge", joe(70), "joe-personal-offer"},
		{"hot", joe(100), "joe-personal-offer"},
		{"not joe", Lead{Age: 20, Traits: map[string]any{"points": 100.0}}, "newsletter"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := scoreT(t, s, c.lead, &State{}, t0)
			if res.Track != c.track {
				t.Errorf("total %v, tier %s: track %q, want %q", res.Total, res.Tier, res.Track, c.track)
			}
		})
	}

	// A When that reads the scores: the same warm total with engagement.
	s2 := compileT(t, Config{
		Rules:    cfg.Rules,
		Events:   []EventRule{{ID: "click", On: []string{EventEmailClick}, Points: 1, Reason: "click"}},
		Tiers:    cfg.Tiers,
		Personas: cfg.Personas,
	})
	var st State
	res := observeT(t, s2, joe(40), &st, ev(EventEmailClick, t0))
	if res.Track != "joe-engaged" {
		t.Errorf("warm and engaged: track %q, want joe-engaged", res.Track)
	}

	// Recycled: handed off, then sales rejects the lead back to nurture.
	var rs State
	hot := joe(80)
	res = observeT(t, s, hot, &rs, ev(EventFormSubmit, t0), ev(EventCall, t0.Add(time.Hour)))
	if res.Stage != StageConvert || res.Track != "joe-personal-offer" {
		t.Fatalf("before the rejection: stage %s track %q", res.Stage, res.Track)
	}
	res = observeT(t, s, hot, &rs, ev(EventSalesRejected, t0.Add(2*time.Hour)))
	if res.Stage != StageNurture || res.Track != "joe-win-back" {
		t.Errorf("rejected: stage %s track %q, want nurture and joe-win-back", res.Stage, res.Track)
	}
}

func TestPersonaTracksCompileChecks(t *testing.T) {
	cfg := Config{
		Tiers: []Tier{{Name: "hot", Min: Float(70)}, {Name: "cold"}},
		Personas: []Persona{{ID: "p", Tracks: []PersonaTrack{
			{Tier: "warm", Track: "x"},
			{Tier: "hot"},
			{When: "lead.Nope", Track: "y"},
		}}, {ID: "q"}},
	}
	_, err := Compile[Lead](cfg)
	for _, want := range []string{`tracks[0].tier`, `no tier "warm"`, `tracks[1].track`, `tracks[2].when`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v: want it to mention %s", err, want)
		}
	}
}
