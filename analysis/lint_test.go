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

// lintCase is a rule set made to trip one check of Lint, and the finding it gives.
type lintCase struct {
	kind, id     string
	sev          analysis.Severity
	change       func(*leadscore.Config)
	message, fix string
}

// lintCases trip each check of Lint on the rule set alone, each variant of its message and fix.
var lintCases = []lintCase{
	{analysis.KindTierShadowed, "hot", analysis.SeverityError, func(c *leadscore.Config) {
		c.Tiers[0], c.Tiers[1] = c.Tiers[1], c.Tiers[0]
	}, `can never be reached: tier "warm" before it (min 30, no when) takes every total from 70`,
		`move tier "hot" before tier "warm" (tiers are tried in order, highest "min" first), or give tier "warm" a "when"`},
	{analysis.KindTierShadowed, "warm", analysis.SeverityError, func(c *leadscore.Config) {
		c.Tiers[1].Min = leadscore.Float(70)
	}, `can never be reached: tier "hot" before it (min 70, no when) takes every total from 70`,
		`give tier "warm" a "min" above 70, or give tier "hot" a "when"`},
	{analysis.KindTierUnreachable, "hot", analysis.SeverityError, func(c *leadscore.Config) {
		c.Dimensions = map[leadscore.Dimension]leadscore.DimensionConfig{
			leadscore.Fit: {Max: leadscore.Float(30)}, leadscore.Engagement: {Max: leadscore.Float(30)}, leadscore.Relationship: {Max: leadscore.Float(0)},
		}
	}, `needs a total of 70, but the rules and dimension bounds allow at most 60`,
		`lower "min" of tier "hot" to at most 60, or raise "max" of the fit and engagement dimensions in "dimensions"`},
	{analysis.KindTierUnreachable, "hot", analysis.SeverityError, func(c *leadscore.Config) {
		c.Tiers[0].Min = leadscore.Float(150)
	}, `needs a total of 150, but the rules and dimension bounds allow at most 120`,
		`lower "min" of tier "hot" to at most 120, or add rules worth 30 more points of total`},
	{analysis.KindTierUnreachable, "hot", analysis.SeverityError, func(c *leadscore.Config) {
		c.Dimensions = map[leadscore.Dimension]leadscore.DimensionConfig{
			leadscore.Fit: {Max: leadscore.Float(40)}, leadscore.Engagement: {Weight: leadscore.Float(0.5)}, leadscore.Relationship: {Weight: leadscore.Float(0)},
		}
		c.Events = c.Events[:1]
		c.Tiers[0].Min = leadscore.Float(90)
	}, `needs a total of 90, but the rules and dimension bounds allow at most 60`,
		`lower "min" of tier "hot" to at most 60, or add rules worth 30 more points of total, or raise "max" of the fit dimension in "dimensions"`},
	{analysis.KindTierUnreachable, "hot", analysis.SeverityError, func(c *leadscore.Config) {
		zero := leadscore.DimensionConfig{Weight: leadscore.Float(0)}
		c.Dimensions = map[leadscore.Dimension]leadscore.DimensionConfig{leadscore.Fit: zero, leadscore.Engagement: zero, leadscore.Relationship: zero}
	}, `needs a total of 70, but the rules and dimension bounds allow at most 0`,
		`lower "min" of tier "hot" to at most 0, or give a dimension rules and a positive "weight" in "dimensions"`},
	{analysis.KindPersonaUnreachable, "exec", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Personas[0].When = "false"
	}, `when: the condition is always false: no lead can reach this persona`,
		`change "when" of persona "exec" so that some lead can satisfy it, or remove the persona`},
	{analysis.KindPersonaWarning, "exec", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Personas = c.Personas[:1]
	}, `a single persona does not segment anything`,
		`add another persona with its own "when" and "track", or remove "personas" if one track fits every lead`},
	{analysis.KindConfigWarning, "event_types", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.EventTypes = []string{"page_veiw"}
	}, `declared event type "page_veiw" is not built in (did you mean "page_view"?): rules on "page_veiw" never see "page_view" events`,
		`remove "page_veiw" from "event_types" and name the built-in "page_view" in the rules instead, unless "page_veiw" is a type of your own`},
	{analysis.KindEventRuleWarning, "pricing", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Events[1].On = nil
		c.Events[1].When = `event.Type == "page_veiw" && event.Category == "pricing"`
	}, `when: event.Type is compared with "page_veiw", which is no known event type (did you mean "page_view"?): no event of a known type matches it`,
		`in "when" of event rule "pricing", compare event.Type with "page_view" instead of "page_veiw", or declare "page_veiw" in "event_types" if it is a type of your own`},
	{analysis.KindHandoffInverted, "hot", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Tiers = append([]leadscore.Tier{{Name: "vip", Min: leadscore.Float(90)}}, c.Tiers...)
	}, `tier "vip" (min 90) comes before it and does not hand off: leads from 70 are handed off, leads from 90 are not`,
		`set "handoff": true on tier "vip" too, or give it a "when" that keeps only the leads that should not be handed off`},
	{analysis.KindHandoffOverlap, "hot", analysis.SeverityInfo, func(c *leadscore.Config) {
		c.Tiers[1].Handoff = true
	}, `several hand-off tiers (hot, warm): each is an MQL, and the journey treats them alike`,
		`none needed if each of hot, warm is meant to hand off; otherwise remove "handoff": true from all of them but one`},
	{analysis.KindHandoffOverlap, "nurture→convert", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Journey = salesJourney("total >= 60")
	}, `sends leads to sales when "total >= 60", besides the hand-off tier hot: two definitions of a hand-off that can disagree`,
		`make "when" of transition nurture→convert read the hand-off, as in "handoff && (total >= 60)", or remove the transition and let the hand-off tier hot send leads to sales`},
	{analysis.KindListEmpty, "competitors", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Lists["competitors"] = nil
	}, `the list is empty, so listed("competitors", …) never matches in rule "rival"`,
		`add entries to the "competitors" list in "lists", or remove listed("competitors", …) from rule "rival"`},
	{analysis.KindEventTypeUnread, "invoice_paid", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.EventTypes = []string{"invoice_paid"}
	}, `declared in event_types, but no rule, signal, transition or stage reads it: its events change nothing`,
		`remove "invoice_paid" from "event_types", or add an event rule with "on": ["invoice_paid"] (or a condition on count("invoice_paid", …)) that scores it`},
	{analysis.KindEventTypeUnread, "invoice_paid", analysis.SeverityInfo, func(c *leadscore.Config) {
		c.EventTypes = []string{"invoice_paid"}
		c.StrictEventTypes = true
	}, `declared in event_types, but no rule, signal, transition or stage reads it: strict_event_types lets its events in, and they change nothing`,
		`add an event rule with "on": ["invoice_paid"] if these events should score; none needed if it is declared only so that strict_event_types accepts them`},
	{analysis.KindSignalIdle, "target_account", analysis.SeverityWarning, func(c *leadscore.Config) {
		delete(c.Lists, "targets")
	}, `never fires: the config has no "targets" list`,
		`add a "targets" list to "lists", or turn it off with {"kind": "target_account", "off": true} in "signals"`},
	{analysis.KindSignalIdle, "competitor", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Lists["competitors"] = []string{}
		c.Rules = c.Rules[:2]
	}, `never fires: the "competitors" list is empty`,
		`add entries to the "competitors" list in "lists", or turn it off with {"kind": "competitor", "off": true} in "signals"`},
	{analysis.KindSignalIdle, "frequent_visits", analysis.SeverityWarning, func(c *leadscore.Config) {
		delete(c.Pages, "product")
		delete(c.Pages, "pricing")
	}, `never fires: it counts "product" and "pricing" page views, and pages defines neither category`,
		`add a "product" or "pricing" category to "pages", such as "pricing": ["/pricing"], or turn it off with {"kind": "frequent_visits", "off": true} in "signals"`},
	{analysis.KindSignalIdle, "job_seeker", analysis.SeverityWarning, func(c *leadscore.Config) {
		delete(c.Pages, "careers")
	}, `never fires: it counts "careers" page views, and pages does not define the category`,
		`add a "careers" category to "pages", such as "careers": ["/careers"], or turn it off with {"kind": "job_seeker", "off": true} in "signals"`},
	{analysis.KindSignalIdle, "velocity", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Events = nil
	}, `never fires: it measures event-rule engagement points, and no event rule adds any`,
		`add an event rule with positive "points" in the engagement dimension, or turn it off with {"kind": "velocity", "off": true} in "signals"`},
	{analysis.KindSignalOff, "student", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Signals = []leadscore.SignalConfig{{Kind: "student", Off: true}}
		c.Personas[0].When = `!has_signal("student")`
	}, `the detector is off, so has_signal("student") is always false in persona "exec"`,
		`remove "off": true from the "student" signal in "signals", or remove has_signal("student") from persona "exec"`},
	{analysis.KindMaxBelowPoints, "demo", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Events[0].Max = 25
	}, `max 25 is below its points 40: not even one event gives its points`,
		`raise "max" of event rule "demo" to at least 40, or set its "points" to 25`},
	{analysis.KindMaxBelowPoints, "big", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Rules[1].Max = 10
	}, `max 10 is below its points 20: it never gives more than 10`,
		`raise "max" of rule "big" to at least 20, or set its "points" to 10`},
	{analysis.KindMaxBelowPoints, "rival", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Rules[2].Max = 50
	}, `max 50 is below its points -100: it never gives less than -50`,
		`raise "max" of rule "rival" to at least 100, or set its "points" to -50`},
	{analysis.KindDuplicateCondition, "exec2", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Rules = append(c.Rules, leadscore.Rule{ID: "exec2", Dimension: leadscore.Fit, When: `seniority(lead.Title)  in ["c_level", "vp"]`, Points: 5})
	}, `has the same condition as rule "exec" in fit: the lead is counted twice`,
		`remove rule "exec2" and set "points" of rule "exec" to 35 if a lead should get both, or change the "when" of one of them`},
	{analysis.KindDuplicateCondition, "exec-value", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Rules = append(c.Rules, leadscore.Rule{ID: "exec-value", Dimension: leadscore.Fit, When: `seniority(lead.Title) in ["c_level", "vp"]`, Value: "lead.Company.Employees / 100", Max: 10})
	}, `has the same condition as rule "exec" in fit: the lead is counted twice`,
		`remove rule "exec-value", or change the "when" of one of them`},
	{analysis.KindDuplicateCondition, "demo2", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Events = append(c.Events, leadscore.EventRule{ID: "demo2", On: []string{"demo_request"}, Points: 5})
	}, `matches the same events as event rule "demo": each event is counted twice`,
		`remove event rule "demo2" and set "points" of event rule "demo" to 45 if each event should count for both, or change the "on" or "when" of one of them`},
	{analysis.KindCost, "small-loop", analysis.SeverityInfo, func(c *leadscore.Config) {
		c.Rules = append(c.Rules, leadscore.Rule{ID: "small-loop", Dimension: leadscore.Fit, When: `any(1..10, {# == lead.Company.Employees})`, Points: 1})
	}, `rule when takes at most about 92 steps with inputs at their limits (step budget 100000)`,
		`none needed: it fits the step budget; to make it cheaper, loop over fewer elements or build smaller strings in its "when"`},
	{analysis.KindCostOverBudget, "doubling", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Rules = append(c.Rules, leadscore.Rule{ID: "doubling", Dimension: leadscore.Fit, When: doubling(30), Points: 1})
	}, `rule when may take about 51,539,607,585 steps with inputs at their limits, over the step budget of 100000: on large inputs it stops with a rule error`,
		`loop over fewer elements or build smaller strings in its "when"`},
	{analysis.KindCostOverBudget, "doubling15", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Rules = append(c.Rules, leadscore.Rule{ID: "doubling15", Dimension: leadscore.Fit, When: doubling(15), Points: 1})
	}, `rule when may take about 1,572,867 steps with inputs at their limits, over the step budget of 100000: on large inputs it stops with a rule error`,
		`loop over fewer elements or build smaller strings in its "when", or raise Limits.StepBudget to at least 1,572,867 (leadscore.WithLimits)`},
}

// doubling is a condition that builds a string of 16·2ⁿ bytes.
func doubling(n int) string {
	src := `let s0 = "aaaaaaaaaaaaaaaa";`
	for i := 1; i <= n; i++ {
		src += fmt.Sprintf(" let s%d = s%d + s%d;", i, i-1, i-1)
	}
	return src + fmt.Sprintf(" len(s%d) > 0", n)
}

// Each check, on a rule set made to trip it: the finding's severity, message and fix.
func TestLintFindings(t *testing.T) {
	for _, tc := range lintCases {
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
			if f.Severity != tc.sev || f.Message != tc.message || f.Fix != tc.fix {
				t.Errorf("got\n%s %#q\n%#q\nwant\n%s %#q\n%#q", f.Severity, f.Message, f.Fix, tc.sev, tc.message, tc.fix)
			}
		})
	}
}

// A lead type of one's own: the lead-reading detectors the config asks for (it has their
// lists) cannot compile until lead_fields maps their inputs; those that run by default are
// left out, which lint reports with Compile's fix.
func TestLintOwnLeadType(t *testing.T) {
	type account struct{ Domain string }
	cfg := leadscore.Config{Lists: map[string][]string{"targets": {"x.example"}, "competitors": {"y.example"}}}
	if _, err := analysis.Lint[account](cfg, nil); err == nil || !strings.Contains(err.Error(), `signal "competitor": lead_fields: the competitor detector reads the lead's company, company_domain, email, name and title`) {
		t.Fatalf("lists for a lead type without the fields: %v", err)
	}
	cfg.LeadFields = map[string]string{"company": "''", "company_domain": "lead.Domain", "email": "''", "name": "''", "title": "''"}
	cfg.Lists = nil
	findings, err := analysis.Lint[account](cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, f := range findings {
		if f.Kind == analysis.KindSignalWarning {
			left = append(left, f.ID)
		}
	}
	if len(left) != 0 {
		t.Errorf("detectors left out although every field is mapped: %v", left)
	}
	cfg.LeadFields = nil
	if findings, err = analysis.Lint[account](cfg, nil); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(findings, func(f analysis.Finding) bool { return f.Kind == analysis.KindSignalWarning && f.ID == "student" })
	if i < 0 {
		t.Fatalf("no signal-warning for student in %v", findings)
	}
	if got, want := findings[i].String(), `warning: signal-warning "student": lead_fields: the student detector does not run: it reads the lead's email and title, which lead type analysis_test.account does not have`+
		"\n  fix: "+`map them in "lead_fields", e.g. "lead_fields": {"email": "lead.WorkEmail", "title": "lead.JobTitle"}, or turn the detector off to silence this: {"kind": "student", "off": true} in "signals"`; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
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
	f.Fix = `check "when" of rule "exec"`
	if got, want := f.String(), "warning: rule-never-fires \"exec\": fired for none of the 3 leads\n  fix: check \"when\" of rule \"exec\""; got != want {
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

// A declared event type is read by an event rule's on, a count or days_since call, an
// event.Type comparison, an event rule without on that does not narrow the type, a
// transition's on or a stage's sla_met_by; one nothing reads is event-type-unread.
func TestLintEventTypeUnread(t *testing.T) {
	rule := func(when string) func(*leadscore.Config) {
		return func(c *leadscore.Config) {
			c.Rules = append(c.Rules, leadscore.Rule{ID: "paid", Dimension: leadscore.Fit, When: when, Points: 5})
		}
	}
	event := func(on []string, when string) func(*leadscore.Config) {
		return func(c *leadscore.Config) {
			c.Events = append(c.Events, leadscore.EventRule{ID: "paid", On: on, When: when, Points: 5})
		}
	}
	journey := func(on, slaMetBy []string) func(*leadscore.Config) {
		return func(c *leadscore.Config) {
			c.Journey = leadscore.Journey{
				Stages:      []leadscore.StageConfig{{Name: "nurture"}, {Name: "customer", SLA: leadscore.Duration(7 * leadscore.Day), SLAMetBy: slaMetBy}},
				Transitions: []leadscore.TransitionConfig{{From: "nurture", To: "customer", On: on}},
			}
		}
	}
	for _, tc := range []struct {
		name   string
		types  []string
		change func(*leadscore.Config)
		want   []string // the event-type-unread findings, "severity id"
	}{
		{"nothing reads it", []string{"invoice_paid"}, func(*leadscore.Config) {}, []string{"warning invoice_paid"}},
		{"declared twice", []string{"invoice_paid", "invoice_paid"}, func(*leadscore.Config) {}, []string{"warning invoice_paid"}},
		{"built in", []string{"page_view"}, func(*leadscore.Config) {}, nil},
		{"event rule on", []string{"invoice_paid"}, event([]string{"invoice_paid"}, ""), nil},
		{"count", []string{"invoice_paid"}, rule(`count("invoice_paid", "30d") >= 1`), nil},
		{"days_since", []string{"invoice_paid"}, rule(`days_since("invoice_paid") < 30`), nil},
		{"event.Type comparison", []string{"invoice_paid", "refund"}, event(nil, `event.Type in ["invoice_paid", "refund"]`), nil},
		{"event rule without on or when", []string{"invoice_paid"}, event(nil, ""), nil},
		{"event rule without on, another type", []string{"invoice_paid", "refund"}, event(nil, `event.Type == "refund"`), []string{"warning invoice_paid"}},
		{"transition on", []string{"invoice_paid"}, journey([]string{"invoice_paid"}, nil), nil},
		{"stage sla_met_by", []string{"invoice_paid"}, journey([]string{"page_view"}, []string{"invoice_paid"}), nil},
		{"custom signal", []string{"invoice_paid"}, func(c *leadscore.Config) {
			c.Signals = []leadscore.SignalConfig{{Kind: "paying", When: `count("invoice_paid", "30d") > 0`}}
		}, nil},
		{"a string literal reads nothing", []string{"invoice_paid"}, rule(`lead.Title == "count('invoice_paid', '30d')"`), []string{"warning invoice_paid"}},
		{"strict", []string{"invoice_paid", "refund"}, func(c *leadscore.Config) {
			c.StrictEventTypes = true
			event([]string{"refund"}, "")(c)
		}, []string{"info invoice_paid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := rules()
			cfg.EventTypes = tc.types
			tc.change(&cfg)
			findings, err := analysis.Lint[leadscore.Lead](cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range findings {
				if f.Kind == analysis.KindEventTypeUnread {
					got = append(got, string(f.Severity)+" "+f.ID)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("event-type-unread %q, want %q", got, tc.want)
			}
		})
	}
}
