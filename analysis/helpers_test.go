package analysis_test

import (
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

// t0 is a Monday morning; the tests' events happen around it.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func day(n float64) time.Time { return t0.Add(time.Duration(n * 24 * float64(time.Hour))) }

// rules is a small rule set with a little of everything: attribute and event rules, a
// disqualifying rule, three tiers, two personas and the default journey.
func rules() leadscore.Config {
	return leadscore.Config{
		Name:  "test",
		Lists: map[string][]string{"competitors": {"rival.example"}, "targets": {"globex.example"}},
		Pages: map[string][]string{"pricing": {"/pricing"}, "product": {"/product"}, "careers": {"/careers"}},
		Rules: []leadscore.Rule{
			{ID: "exec", Dimension: leadscore.Fit, When: `seniority(lead.Title) in ["c_level", "vp"]`, Points: 30, Reason: "executive"},
			{ID: "big", Dimension: leadscore.Fit, When: `lead.Company.Employees >= 500`, Points: 20, Reason: "500+ employees"},
			{ID: "rival", Dimension: leadscore.Fit, When: `listed("competitors", lead.Email)`, Points: -100, Disqualify: true, Reason: "competitor"},
		},
		Events: []leadscore.EventRule{
			{ID: "demo", On: []string{"demo_request"}, Points: 40, Max: 40, Reason: "asked for a demo"},
			{ID: "pricing", On: []string{"page_view"}, When: `event.Category == "pricing"`, Points: 10, Max: 30, Reason: "pricing page"},
		},
		Tiers: []leadscore.Tier{
			{Name: "hot", Min: leadscore.Float(70), Handoff: true},
			{Name: "warm", Min: leadscore.Float(30)},
			{Name: "cold"},
		},
		Personas: []leadscore.Persona{
			{ID: "exec", When: `seniority(lead.Title) in ["c_level", "vp"]`, Track: "briefings"},
			{ID: "other", Track: "newsletter"},
		},
	}
}

func compile(t testing.TB, cfg leadscore.Config) *leadscore.Scorer[leadscore.Lead] {
	t.Helper()
	s, err := leadscore.Compile[leadscore.Lead](cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// vp is a VP at a big company who asked for a demo after filling in a form: hot, in convert,
// 90 points (exec, big, demo), persona exec.
func vp() analysis.ReplayedLead[leadscore.Lead] {
	return analysis.ReplayedLead[leadscore.Lead]{
		Name: "vp asks for a demo",
		Lead: leadscore.Lead{Email: "dana@globex.example", Title: "VP Operations", Company: leadscore.Company{Employees: 800}},
		Events: []leadscore.Event{
			{Type: "form_submit", Time: t0},
			{Type: "demo_request", Time: day(1)},
		},
		At: day(2),
	}
}

// rival is a competitor's employee: disqualified, cold, never a hand-off.
func rival() analysis.ReplayedLead[leadscore.Lead] {
	return analysis.ReplayedLead[leadscore.Lead]{
		Name:   "competitor",
		Lead:   leadscore.Lead{Email: "alex@rival.example", Title: "Marketing Manager"},
		Events: []leadscore.Event{{Type: "page_view", Path: "/pricing", Time: t0}},
	}
}
