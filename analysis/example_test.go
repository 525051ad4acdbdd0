package analysis_test

import (
	"bufio"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

// exampleRules is a team's rule set, as marketing operations would write it.
const exampleRules = `{
  "lists": {"competitors": ["rival.example"], "targets": ["globex.example"]},
  "pages": {"pricing": ["/pricing"], "product": ["/product"], "careers": ["/careers"]},
  "rules": [
    {"id": "exec", "dimension": "fit", "when": "seniority(lead.Title) in ['c_level', 'vp']", "points": 30, "reason": "executive"},
    {"id": "big", "dimension": "fit", "when": "lead.Company.Employees >= 500", "points": 20, "reason": "500+ employees"},
    {"id": "rival", "dimension": "fit", "when": "listed('competitors', lead.Email)", "points": -100, "disqualify": true, "reason": "competitor"}
  ],
  "events": [
    {"id": "demo", "on": ["demo_request"], "points": 40, "max": 40, "reason": "asked for a demo"},
    {"id": "pricing", "on": ["page_view"], "when": "event.Category == 'pricing'", "points": 10, "max": 30, "reason": "pricing page"}
  ],
  "tiers": [{"name": "hot", "min": 70, "handoff": true}, {"name": "warm", "min": 30}, {"name": "cold"}],
  "personas": [{"id": "exec", "when": "seniority(lead.Title) in ['c_level', 'vp']"}, {"id": "other"}]
}`

func exampleConfig(change func(*leadscore.Config)) leadscore.Config {
	cfg, err := leadscore.ParseConfig([]byte(exampleRules))
	if err != nil {
		panic(err)
	}
	if change != nil {
		change(&cfg)
	}
	return cfg
}

func exampleScorer(change func(*leadscore.Config)) *leadscore.Scorer[leadscore.Lead] {
	return leadscore.MustCompile[leadscore.Lead](exampleConfig(change))
}

// examplePopulation is an export of the leads in JSON Lines, one lead per line.
const examplePopulation = `{"name": "dana", "lead": {"email": "dana@globex.example", "title": "VP Operations", "company": {"employees": 800}}, "events": [{"type": "form_submit", "time": "2026-03-02T09:00:00Z"}, {"type": "demo_request", "time": "2026-03-03T09:00:00Z"}]}
{"name": "alex", "lead": {"email": "alex@rival.example", "title": "CMO"}, "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}]}
{"name": "kim", "lead": {"email": "kim@initech.example", "title": "Director of IT", "company": {"employees": 900}}, "events": [{"type": "page_view", "path": "/pricing", "time": "2026-03-02"}, {"type": "page_view", "path": "/pricing", "time": "2026-03-03"}]}
`

// exportedLeads reads examplePopulation with ParseReplayedLead, a line at a time.
func exportedLeads() iter.Seq[analysis.ReplayedLead[leadscore.Lead]] {
	return func(yield func(analysis.ReplayedLead[leadscore.Lead]) bool) {
		sc := bufio.NewScanner(strings.NewReader(examplePopulation))
		for sc.Scan() {
			lead, err := analysis.ParseReplayedLead(sc.Bytes())
			if err != nil {
				panic(err)
			}
			if !yield(lead) {
				return
			}
		}
	}
}

// Lint finds mistakes short of errors; given a population, also rules that never fire on it.
func ExampleLint() {
	// The warm tier moved above hot by mistake, and a new rule reads an empty list.
	cfg := exampleConfig(func(cfg *leadscore.Config) {
		cfg.Tiers[0], cfg.Tiers[1] = cfg.Tiers[1], cfg.Tiers[0]
		cfg.Lists["partners"] = nil
		cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: "partner", Dimension: leadscore.Relationship,
			When: "listed('partners', lead.Email)", Points: 10})
	})
	findings, err := analysis.Lint(cfg, exportedLeads())
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// error: tier-shadowed "hot": can never be reached: tier "warm" before it (min 30, no when) takes every total from 70
	//   fix: move tier "hot" before tier "warm" (tiers are tried in order, highest "min" first), or give tier "warm" a "when"
	// warning: list-empty "partners": the list is empty, so listed("partners", …) never matches in rule "partner"
	//   fix: add entries to the "partners" list in "lists", or remove listed("partners", …) from rule "partner"
	// warning: rule-never-fires "partner": fired for none of the 3 leads
	//   fix: check "when" of rule "partner" against these leads (a misspelt value or field?), or remove the rule if none of them should match it
	// info: tier-never-reached "hot": none of the 3 leads reached it
	//   fix: check "min" and "when" of tier "hot" and of the tiers before it (the first that takes a lead wins); none needed if none of these leads belongs in it
}

// LintMigration says what a change does to the States a service has stored: here a rename
// without renamed_from, which drops every lead's demo history.
func ExampleLintMigration() {
	next := exampleConfig(func(cfg *leadscore.Config) { cfg.Events[0].ID = "demo-request" })
	findings, err := analysis.LintMigration[leadscore.Lead](exampleConfig(nil), next)
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// warning: history-reset "demo": the event rule is gone from the new rule set: its history is dropped from every stored lead
	//   fix: if "demo-request" replaces it, add "renamed_from": ["demo"]; none needed if nothing replaces it
}

// Diff shows what a rule change does to a population before it ships: here, directors
// counting as executives puts one more lead in front of sales.
func ExampleDiff() {
	before := exampleScorer(nil)
	after := exampleScorer(func(cfg *leadscore.Config) {
		cfg.Rules[0].When = "seniority(lead.Title) in ['c_level', 'vp', 'director']"
	})
	rep, err := analysis.Diff(before, after, exportedLeads())
	if err != nil {
		panic(err)
	}
	fmt.Println("hand-offs:", rep.Handoffs.Before, "→", rep.Handoffs.After)
	for _, d := range rep.Changes {
		fmt.Printf("%s: %s → %s because of %s (%+g)\n", d.Name, d.Tier.Before, d.Tier.After, d.Rules[0].RuleID, d.Rules[0].Points.After-d.Rules[0].Points.Before)
	}
	// Output:
	// hand-offs: 1 → 2
	// kim: warm → hot because of exec (+30)
}

// DiffStates tries a change on the States a service holds, where a replay would hide what a
// deployment resets: the rename without renamed_from costs dana her hand-off.
func ExampleDiffStates() {
	before := exampleScorer(nil)
	after := exampleScorer(func(cfg *leadscore.Config) { cfg.Events[0].ID = "demo-request" })
	// The States the service stored under the old rules.
	var stored []analysis.StoredLead[leadscore.Lead]
	for lead := range exportedLeads() {
		tr, err := analysis.Replay(before, lead)
		if err != nil {
			panic(err)
		}
		stored = append(stored, analysis.StoredLead[leadscore.Lead]{Name: lead.Name, Lead: lead.Lead, State: tr.State})
	}
	rep, err := analysis.DiffStates(before, after, slices.Values(stored))
	if err != nil {
		panic(err)
	}
	for _, d := range rep.Changes {
		fmt.Printf("%s: %s → %s, total %g → %g\n", d.Name, d.Tier.Before, d.Tier.After, d.Total.Before, d.Total.After)
	}
	// Output:
	// dana: hot → warm, total 90 → 50
}

// Replay runs one lead as Lint and Diff do, and as a tool scoring leads would.
func ExampleReplay() {
	lead, err := analysis.ParseReplayedLead([]byte(`{"lead": {"title": "VP Sales", "company": {"employees": 600}},
		"events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}], "at": "2026-03-03"}`))
	if err != nil {
		panic(err)
	}
	tr, err := analysis.Replay(exampleScorer(nil), lead)
	if err != nil {
		panic(err)
	}
	fmt.Println(tr.Result.Tier, tr.Result.Total, tr.Result.Handoff, tr.State.Stage())
	// Output:
	// hot 90 true convert
}

// ParseReplayedLead reads a lead strictly: a typo is an error with its line and column.
func ExampleParseReplayedLead() {
	_, err := analysis.ParseReplayedLead([]byte(`{"lead": {"titel": "VP Sales"}}`))
	fmt.Println(err)
	// Output:
	// analysis: 1:11: unknown field "titel"
}
