package analysis_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

func TestLintCleanRuleSet(t *testing.T) {
	findings, err := analysis.Lint[leadscore.Lead](rules(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 0 {
		t.Errorf("findings in the test rule set: %v", findings)
	}
}

func TestLintReturnsCompileErrors(t *testing.T) {
	cfg := rules()
	cfg.Rules[0].When = "lead.Titel == 'VP'"
	if _, err := analysis.Lint[leadscore.Lead](cfg, nil); err == nil || !strings.Contains(err.Error(), "Titel") {
		t.Errorf("got %v, want the compile error", err)
	}
}

// Each check, on a rule set made to trip it.
func TestLintFindings(t *testing.T) {
	for _, tc := range []struct {
		kind, id string
		sev      analysis.Severity
		change   func(*leadscore.Config)
		message  string
	}{
		{"tier-shadowed", "hot", analysis.SeverityError, func(c *leadscore.Config) {
			c.Tiers[0], c.Tiers[1] = c.Tiers[1], c.Tiers[0]
		}, `can never be reached: tier "warm" before it (min 30, no when) takes every total from 70`},
		{"tier-shadowed", "warm", analysis.SeverityError, func(c *leadscore.Config) {
			c.Tiers[1].Min = leadscore.Float(70)
		}, `tier "hot" before it (min 70, no when)`},
		{"tier-unreachable", "hot", analysis.SeverityError, func(c *leadscore.Config) {
			c.Dimensions = map[leadscore.Dimension]leadscore.DimensionConfig{
				leadscore.Fit: {Max: leadscore.Float(30)}, leadscore.Engagement: {Max: leadscore.Float(30)}, leadscore.Relationship: {Max: leadscore.Float(0)},
			}
		}, "needs a total of 70, but the rules and dimension bounds allow at most 60"},
		{"persona-unreachable", "exec", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Personas[0].When = "false"
		}, "when: the condition is always false"},
		{"handoff-inverted", "hot", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Tiers = append([]leadscore.Tier{{Name: "vip", Min: leadscore.Float(90)}}, c.Tiers...)
		}, `tier "vip" (min 90) comes before it and does not hand off: leads from 70 are handed off, leads from 90 are not`},
		{"handoff-overlap", "hot", analysis.SeverityInfo, func(c *leadscore.Config) {
			c.Tiers[1].Handoff = true
		}, "several hand-off tiers (hot, warm)"},
		{"handoff-overlap", "nurture→convert", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Journey = leadscore.Journey{
				Stages:      []leadscore.StageConfig{{Name: "nurture"}, {Name: "convert", Owner: "sales"}},
				Transitions: []leadscore.TransitionConfig{{From: "nurture", To: "convert", When: "total >= 60"}},
			}
		}, `sends leads to sales when "total >= 60", besides the hand-off tier hot`},
		{"list-empty", "competitors", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Lists["competitors"] = nil
		}, `listed("competitors", …) never matches in rule "rival"`},
		{"signal-idle", "target_account", analysis.SeverityWarning, func(c *leadscore.Config) {
			delete(c.Lists, "targets")
		}, `the config has no "targets" list`},
		{"signal-idle", "competitor", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Lists["competitors"] = []string{}
			c.Rules = c.Rules[:2]
		}, `the "competitors" list is empty`},
		{"signal-idle", "frequent_visits", analysis.SeverityWarning, func(c *leadscore.Config) {
			delete(c.Pages, "product")
			delete(c.Pages, "pricing")
		}, `pages defines neither category`},
		{"signal-idle", "job_seeker", analysis.SeverityWarning, func(c *leadscore.Config) {
			delete(c.Pages, "careers")
		}, `pages does not define the category`},
		{"signal-idle", "velocity", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Events = nil
		}, "no event rule adds any"},
		{"signal-off", "student", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Signals = []leadscore.SignalConfig{{Kind: "student", Off: true}}
			c.Personas[0].When = `!has_signal("student")`
		}, `has_signal("student") is always false in persona "exec"`},
		{"max-below-points", "demo", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Events[0].Max = 25
		}, "max 25 is below its points 40"},
		{"max-below-points", "big", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Rules[1].Max = 10
		}, "max 10 is below its points 20"},
		{"duplicate-condition", "exec2", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Rules = append(c.Rules, leadscore.Rule{ID: "exec2", Dimension: leadscore.Fit, When: `seniority(lead.Title)  in ["c_level", "vp"]`, Points: 5})
		}, `has the same condition as rule "exec"`},
		{"duplicate-condition", "demo2", analysis.SeverityWarning, func(c *leadscore.Config) {
			c.Events = append(c.Events, leadscore.EventRule{ID: "demo2", On: []string{"demo_request"}, Points: 5})
		}, `matches the same events as event rule "demo"`},
	} {
		t.Run(tc.kind+"/"+tc.id, func(t *testing.T) {
			cfg := rules()
			tc.change(&cfg)
			findings, err := analysis.Lint[leadscore.Lead](cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(findings, func(f analysis.Finding) bool { return f.Kind == tc.kind && f.ID == tc.id })
			if i < 0 {
				t.Fatalf("no %s finding for %q in %v", tc.kind, tc.id, findings)
			}
			f := findings[i]
			if f.Severity != tc.sev || !strings.Contains(f.Message, tc.message) {
				t.Errorf("got %s, want severity %s and a message with %q", f, tc.sev, tc.message)
			}
		})
	}
}

// The Lead-reading detectors never fire for a lead type of one's own.
func TestLintOwnLeadType(t *testing.T) {
	type account struct{ Domain string }
	cfg := leadscore.Config{Lists: map[string][]string{"targets": {"x.example"}, "competitors": {"y.example"}}}
	findings, err := analysis.Lint[account](cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var idle []string
	for _, f := range findings {
		if f.Kind == "signal-idle" && strings.Contains(f.Message, "reads the standard leadscore.Lead") {
			idle = append(idle, f.ID)
		}
	}
	want := []string{"target_account", "competitor", "student", "generic_email"}
	if !slices.Equal(idle, want) {
		t.Errorf("idle for a custom lead type: %v, want %v", idle, want)
	}
}

func TestLintPopulation(t *testing.T) {
	cfg := rules()
	cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: "has-title", Dimension: leadscore.Fit, When: `lead.Title != ""`, Points: 1})
	cfg.Events = append(cfg.Events, leadscore.EventRule{ID: "webinar", On: []string{"webinar_attended"}, Points: 10})
	findings, err := analysis.Lint(cfg, slices.Values(population()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, string(f.Severity)+" "+f.Kind+" "+f.ID)
	}
	want := []string{
		"warning event-type-absent webinar",
		"info rule-always-fires has-title",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Nobody in a smaller population reaches a tier or a persona, or fires a rule.
	one := []analysis.ReplayedLead[leadscore.Lead]{rival()}
	findings, err = analysis.Lint(rules(), slices.Values(one))
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, f := range findings {
		if f.Kind != "signal-idle" {
			got = append(got, string(f.Severity)+" "+f.Kind+" "+f.ID)
		}
	}
	want = []string{
		"warning rule-never-fires exec",
		"warning rule-never-fires big",
		"warning event-type-absent demo",
		"info tier-never-reached hot",
		"info tier-never-reached warm",
		"info persona-never-reached exec",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFindingString(t *testing.T) {
	f := analysis.Finding{Severity: analysis.SeverityWarning, Kind: "rule-never-fires", ID: "exec", Message: "fired for none of the 3 leads"}
	if got, want := f.String(), `warning: rule-never-fires "exec": fired for none of the 3 leads`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// lint warns about the expressions the step budget would stop on large inputs: the nested
// replace and the let doubling that once passed lint silently.
func TestLintWarnsAboutBudgetBusters(t *testing.T) {
	nested := `"aaaaaaaaaa"`
	for range 9 {
		nested = `replace(` + nested + `, "a", "aaaaaaaaaa")`
	}
	doubling := `let s0 = "aaaaaaaaaaaaaaaa";`
	for i := 1; i <= 30; i++ {
		doubling += fmt.Sprintf(" let s%d = s%d + s%d;", i, i-1, i-1)
	}
	doubling += " len(s30) > 0"
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "replace-bomb", Dimension: leadscore.Fit, When: "len(" + nested + ") > 0", Points: 1},
		{ID: "doubling", Dimension: leadscore.Fit, When: doubling, Points: 1},
		{ID: "small-loop", Dimension: leadscore.Fit, When: `any(1..10, {# == lead.Age})`, Points: 1},
	}}
	findings, err := analysis.Lint[leadscore.Lead](cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range findings {
		if strings.HasPrefix(f.Kind, "cost") {
			got[f.ID] = f.Kind
		}
	}
	want := map[string]string{"replace-bomb": "cost-over-budget", "doubling": "cost-over-budget", "small-loop": "cost"}
	if !maps.Equal(got, want) {
		t.Errorf("cost findings %v, want %v", got, want)
	}
}

// Lint finds what an expression reads in its syntax tree. Each case here went wrong when it
// scanned the expression's text with regular expressions: a name inside a string literal
// counted as a read, and a call split by a comment or holding a quote was not found.
func TestLintReadsTheSyntaxTree(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(*leadscore.Config)
		finding string // "kind id" of the finding wanted; "" for none of kind
		kind    string
	}{
		{"string literal naming handoff is not a read of it", func(c *leadscore.Config) {
			c.Journey = salesJourney(`lead.Traits.reason == "handoff" && total >= 60`)
		}, "handoff-overlap nurture→convert", "handoff-overlap"},
		{"member named handoff is not a read of it", func(c *leadscore.Config) {
			c.Journey = salesJourney(`lead.Traits.handoff == true`)
		}, "handoff-overlap nurture→convert", "handoff-overlap"},
		{"reading handoff is a hand-off transition", func(c *leadscore.Config) {
			c.Journey = salesJourney("handoff\n  || fresh_handoff")
		}, "", "handoff-overlap"},
		{"string literal naming has_signal is not a call", func(c *leadscore.Config) {
			c.Signals = []leadscore.SignalConfig{{Kind: "student", Off: true}}
			c.Personas[0].When = `lead.Title != "has_signal('student')"`
		}, "", "signal-off"},
		{"comment inside the call", func(c *leadscore.Config) {
			c.Lists["partners"] = nil
			c.Rules = append(c.Rules, leadscore.Rule{ID: "partner", Dimension: leadscore.Relationship,
				When: `listed(/* partner accounts */ "partners", lead.Email)`, Points: 10})
		}, "list-empty partners", "list-empty"},
		{"call over several lines with a line comment", func(c *leadscore.Config) {
			c.Signals = []leadscore.SignalConfig{{Kind: "student", Off: true}}
			c.Personas[0].When = "!has_signal(\n  // students are not buyers\n  \"student\"\n)"
		}, "signal-off student", "signal-off"},
		{"quote inside the list name", func(c *leadscore.Config) {
			c.Lists["o'brien accounts"] = nil
			c.Rules = append(c.Rules, leadscore.Rule{ID: "obrien", Dimension: leadscore.Fit,
				When: `listed("o'brien accounts", lead.Company.Domain)`, Points: 5})
		}, "list-empty o'brien accounts", "list-empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := rules()
			tc.change(&cfg)
			findings, err := analysis.Lint[leadscore.Lead](cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range findings {
				if f.Kind == tc.kind {
					got = append(got, f.Kind+" "+f.ID)
				}
			}
			var want []string
			if tc.finding != "" {
				want = []string{tc.finding}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s findings %q, want %q", tc.kind, got, want)
			}
		})
	}
}

// A listed or has_signal call whose first argument is not a string constant reads a list or
// signal only the run decides: Compile rejects it, and Lint returns that error.
func TestLintComputedListName(t *testing.T) {
	cfg := rules()
	cfg.Rules[2].When = `listed(lead.Traits.list, lead.Email)`
	_, err := analysis.Lint[leadscore.Lead](cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "must be a string constant") {
		t.Errorf("got %v, want the compile error for a computed list name", err)
	}
}

// salesJourney is a journey with one transition to sales on the condition when.
func salesJourney(when string) leadscore.Journey {
	return leadscore.Journey{
		Stages:      []leadscore.StageConfig{{Name: "nurture"}, {Name: "convert", Owner: "sales"}},
		Transitions: []leadscore.TransitionConfig{{From: "nurture", To: "convert", When: when}},
	}
}
