package leadscoretest_test

import (
	"fmt"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
	"github.com/leadscore/leadscore/leadscoretest"
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

func exampleScorer(change func(*leadscore.Config)) *leadscore.Scorer[leadscore.Lead] {
	cfg, err := leadscore.ParseConfig([]byte(exampleRules))
	if err != nil {
		panic(err)
	}
	if change != nil {
		change(&cfg)
	}
	return leadscore.MustCompile[leadscore.Lead](cfg)
}

// The cases of a team's rule set, as marketing operations would keep them.
const exampleCases = `[
  {"name": "vp with a demo is hot",
   "lead": {"email": "dana@globex.example", "title": "VP Operations", "company": {"employees": 800}},
   "events": [{"type": "form_submit", "time": "2026-03-02T09:00:00Z"},
              {"type": "demo_request", "time": "2026-03-03T09:00:00Z"}],
   "expect": {"tier": "hot", "handoff": true, "stage": "convert", "persona": "exec", "fired": ["demo"], "min_total": 70}},
  {"name": "competitor is never handed off",
   "lead": {"email": "alex@rival.example", "title": "CMO"},
   "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}],
   "expect": {"handoff": false, "disqualified": true, "signals": ["competitor"]}},
  {"name": "director reading pricing is warm",
   "lead": {"email": "kim@initech.example", "title": "Director of IT", "company": {"employees": 900}},
   "events": [{"type": "page_view", "path": "/pricing", "time": "2026-03-02T09:00:00Z"},
              {"type": "page_view", "path": "/pricing", "time": "2026-03-03T09:00:00Z"}],
   "expect": {"tier": "warm", "handoff": false, "no_persona": true}}
]`

func exampleCaseList() []leadscoretest.Case[leadscore.Lead] {
	cases, err := leadscoretest.ParseCases([]byte(exampleCases))
	if err != nil {
		panic(err)
	}
	return cases
}

// Check runs the cases and reports every expectation they miss. The third case expects the
// director to match no persona, but "other" is the default persona: the case is wrong, and
// Check says so. In a test, leadscoretest.Run(t, s, cases) reports the same as subtests.
func ExampleCheck() {
	s := exampleScorer(nil)
	if err := leadscoretest.Check(s, exampleCaseList()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// leadscoretest: case "director reading pricing is warm": persona: got "other", want none
}

// ParseCases reads a case file; its errors have a line and a column.
func ExampleParseCases() {
	cases, err := leadscoretest.ParseCases([]byte(exampleCases))
	if err != nil {
		panic(err)
	}
	c := cases[0]
	fmt.Println(c.Name, "|", c.Lead.Title, "|", len(c.Events), "events |", c.Expect.Tier, *c.Expect.Handoff)

	_, err = leadscoretest.ParseCases([]byte(`[{"name": "typo", "lead": {"titel": "VP"}}]`))
	fmt.Println(err)
	// Output:
	// vp with a demo is hot | VP Operations | 2 events | hot true
	// leadscoretest: 1:28: case "typo": unknown field "titel"
}

// Coverage says which parts of the rule set no case exercised.
func ExampleCoverage() {
	s := exampleScorer(nil)
	fmt.Print(leadscoretest.Coverage(s, exampleCaseList()))
	// Output:
	// coverage of 3 cases
	//   rules          5/5   100.0%
	//   tiers          3/3   100.0%
	//   personas       2/2   100.0%
	//   signals        2/10   20.0%  never raised: frequent_engagement, frequent_visits, question, abandoned_cart, velocity, job_seeker, student, generic_email
	//   transitions    3/7    42.9%  never taken: nurture→convert (asked for sales), convert→expand, convert→nurture, expand→nurture
}

// Replay shows what a case does, step by step.
func ExampleReplay() {
	s := exampleScorer(nil)
	tr, err := leadscoretest.Replay(s, exampleCaseList()[0])
	if err != nil {
		panic(err)
	}
	for _, t := range tr.Transitions {
		if t.Kind == leadscore.TransitionStage {
			fmt.Printf("%s %s → %s: %s\n", t.At.Format(time.DateOnly), t.From, t.To, t.Reason)
		}
	}
	fmt.Print(tr.Result.Explain())
	// Output:
	// 2026-03-02 attract → capture: became a known contact
	// 2026-03-02 capture → nurture: captured leads are nurtured
	// 2026-03-03 nurture → convert: reached a hand-off tier
	// Total 90 — hot (hand-off), grade B, stage convert, persona exec
	// Fit 50 · Engagement 40 · Relationship 0
	// Why:
	//   +40  engagement    asked for a demo (1 event)
	//   +30  fit           executive
	//   +20  fit           500+ employees
	// Signal: target_account — email "dana@globex.example" is on the targets list
}

// Population lints the rule set on the cases' leads with the analysis package: here the warm
// tier moved above hot by mistake, and a new rule reads an empty list.
func ExamplePopulation() {
	cfg, err := leadscore.ParseConfig([]byte(exampleRules))
	if err != nil {
		panic(err)
	}
	cfg.Tiers[0], cfg.Tiers[1] = cfg.Tiers[1], cfg.Tiers[0]
	cfg.Lists["partners"] = nil
	cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: "partner", Dimension: leadscore.Relationship, When: "listed('partners', lead.Email)", Points: 10})

	findings, err := analysis.Lint(cfg, leadscoretest.Population(exampleCaseList()))
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
