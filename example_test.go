package leadscore_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadscore/leadscore"
)

// Compile the rule set once, usually at start-up; then score every lead with it.
func Example() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())

	lead := leadscore.Lead{Email: "dana@globex.example", Title: "VP Operations", Company: leadscore.Company{Employees: 1200}}
	var st leadscore.State // one per lead; the caller persists it
	t := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, ev := range []leadscore.Event{
		{Type: "form_submit", Time: t},
		{Type: "page_view", Path: "/pricing", Time: t.Add(time.Hour)},
		{Type: "demo_request", Time: t.Add(2 * time.Hour)},
	} {
		if _, err := scorer.Observe(lead, &st, ev); err != nil {
			panic(err)
		}
	}
	res, _ := scorer.Score(lead, &st, t.Add(24*time.Hour))
	fmt.Print(res.Explain())
	// Output:
	// Total 86.8 — hot (hand-off), grade C, stage convert, persona economic-buyer
	// Fit 40 · Engagement 46.8 · Relationship 0
	// Why:
	//   +29.4  engagement    requested a demo (1 event)
	//     +20  fit           executive title (decision maker)
	//     +15  fit           enterprise company (1,000+ employees)
	//    +9.8  engagement    filled in a form (1 event)
	//    +7.6  engagement    visited pricing pages (1 event)
	//   … and 1 more (+5)
}

func ExampleParseConfig() {
	cfg, err := leadscore.ParseConfig([]byte(`{
		"rules": [{"id": "exec", "dimension": "fit", "when": "seniority(lead.Title) in ['c_level', 'vp']", "points": 20}],
		"events": [{"id": "pricing", "on": ["page_view"], "when": "event.Path startsWith '/pricing'", "points": 10, "half_life": "14d", "max": 30}],
		"tiers": [{"name": "hot", "min": 25, "handoff": true}, {"name": "cold"}]
	}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.Rules[0].ID, cfg.Events[0].HalfLife, *cfg.Tiers[0].Min)

	_, err = leadscore.ParseConfig([]byte(`{"rules": [{"id": "exec", "pionts": 20}]}`))
	fmt.Println(err)
	// Output:
	// exec 2w 25
	// leadscore: config 1:27: rule "exec": unknown field "pionts" (did you mean "points"?)
}

func ExampleCompile() {
	_, err := leadscore.Compile[leadscore.Lead](leadscore.Config{
		Rules: []leadscore.Rule{
			{ID: "exec", Dimension: leadscore.Fit, When: "lead.Titel startsWith 'VP'", Points: 20},
			{ID: "big", Dimension: "fitness", When: "lead.Company.Employees > 1000", Points: 10},
		},
	})
	// Every problem at once, each a *RuleError with the rule, the field and the position.
	fmt.Println(err)
	var re *leadscore.RuleError
	if errors.As(err, &re) {
		fmt.Println(re.RuleID, re.Field, re.Line, re.Column)
	}
	// Output:
	// leadscore: rule "exec": when 1:6: type leadscore.Lead has no field Titel (did you mean Title?)
	//  | lead.Titel startsWith 'VP'
	//  | .....^
	// leadscore: rule "big": dimension: unknown dimension "fitness" (want fit, engagement or relationship)
	// exec when 1 6
}

func ExampleMustCompile() {
	// For rule sets known to be valid, such as the presets.
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2C())
	var st leadscore.State
	res, _ := scorer.Score(leadscore.Lead{Age: 19, Followers: 3000}, &st, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(res.Persona, res.Track)
	// Output:
	// sarah weekly-deals
}

func ExampleScorer_Observe() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	var st leadscore.State
	lead := leadscore.Lead{Email: "sam@initech.example"}
	res, _ := scorer.Observe(lead, &st, leadscore.Event{ID: "evt-1", Type: "form_submit", Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)})
	for _, tr := range res.Transitions {
		if tr.Kind == leadscore.TransitionStage {
			fmt.Printf("%s → %s: %s\n", tr.From, tr.To, tr.Reason)
		}
	}
	// At-least-once delivery: the same ID again changes nothing.
	res, _ = scorer.Observe(lead, &st, leadscore.Event{ID: "evt-1", Type: "form_submit", Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)})
	fmt.Println(res.Duplicate, st.Events())
	// Output:
	// attract → capture: became a known contact
	// capture → nurture: captured leads are nurtured
	// true 1
}

func ExampleScorer_Score() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.Config{
		Events: []leadscore.EventRule{{ID: "call", On: []string{"call"}, Points: 40, HalfLife: leadscore.Duration(7 * leadscore.Day)}},
	})
	var st leadscore.State
	t := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	scorer.Observe(leadscore.Lead{}, &st, leadscore.Event{Type: "call", Time: t})
	// Points halve every half-life; Score only reads the State.
	for _, days := range []int{0, 7, 14, 28} {
		res, _ := scorer.Score(leadscore.Lead{}, &st, t.Add(time.Duration(days)*leadscore.Day))
		fmt.Printf("day %2d: %g\n", days, res.Engagement)
	}
	// Output:
	// day  0: 40
	// day  7: 20
	// day 14: 10
	// day 28: 2.5
}

func ExampleScorer_NextWakeup() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.Config{
		Events: []leadscore.EventRule{{ID: "call", On: []string{"call"}, Points: 80, HalfLife: leadscore.Duration(7 * leadscore.Day)}},
		Tiers:  []leadscore.Tier{{Name: "hot", Min: leadscore.Float(40), Handoff: true}, {Name: "cold"}},
		// Without this, the first wake-up would be the velocity signal's, one week after the
		// first engagement: the moment a new lead's burst can first count as velocity.
		Signals: []leadscore.SignalConfig{{Kind: "velocity", Off: true}},
	})
	var st leadscore.State
	t := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	scorer.Observe(leadscore.Lead{}, &st, leadscore.Event{Type: "call", Time: t})
	// 80 points halve to 40 after exactly 7 days: the lead leaves hot just after.
	wake, _ := scorer.NextWakeup(&st)
	fmt.Println(wake.Sub(t))
	res, _ := scorer.Advance(leadscore.Lead{}, &st, wake)
	for _, tr := range res.Transitions {
		if tr.Kind == leadscore.TransitionTier {
			fmt.Printf("%s → %s\n", tr.FromTier, tr.ToTier)
		}
	}
	// Output:
	// 168h0m0.000000001s
	// hot → cold
}

func ExampleScorer_Advance() {
	cfg := leadscore.Config{Signals: []leadscore.SignalConfig{{Kind: "abandoned_cart", Timeout: leadscore.Duration(2 * time.Hour)}}}
	scorer := leadscore.MustCompile[leadscore.Lead](cfg)
	var st leadscore.State
	t := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	scorer.Observe(leadscore.Lead{}, &st, leadscore.Event{Type: "checkout_start", Value: 89.5, Time: t})
	res, _ := scorer.Advance(leadscore.Lead{}, &st, t.Add(2*time.Hour))
	for _, tr := range res.Transitions {
		fmt.Println(tr.Kind, tr.Signal, tr.Raised, tr.Reason)
	}
	// Output:
	// signal abandoned_cart true checkout abandoned 2 hours ago (value 89.5), no purchase since
}

func ExampleResult_Explain() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	var st leadscore.State
	res, _ := scorer.Score(leadscore.Lead{Email: "jo@gmail.com", Title: "Student", Company: leadscore.Company{Employees: 5}}, &st, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	fmt.Print(res.Explain())
	// Output:
	// Total -30 — cold, grade D, stage attract, persona not-a-buyer
	// Fit -30 · Engagement 0 · Relationship 0
	// Why:
	//   −15  fit           student or intern title (researching, not buying)
	//   −10  fit           free-mail address (gmail, yahoo, …)
	//    −5  fit           micro business (under 10 employees)
	// Signal: student — student title "Student"
	// Signal: generic_email — free-mail address (gmail.com)
}

func ExampleWithFunction() {
	// A pure function of your own, type-checked like the built-ins.
	region := func(args ...any) (any, error) {
		switch args[0].(string) {
		case "DE", "FR", "NL":
			return "emea", nil
		}
		return "other", nil
	}
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.Config{
		Rules: []leadscore.Rule{{ID: "emea", Dimension: leadscore.Fit, When: `region(lead.Country) == "emea"`, Points: 5, Reason: "EMEA territory"}},
	}, leadscore.WithFunction("region", region, new(func(string) string)))
	var st leadscore.State
	res, _ := scorer.Score(leadscore.Lead{Country: "DE"}, &st, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(res.Fit, res.Contributions[0].Reason)
	// Output:
	// 5 EMEA territory
}

func ExampleParseDuration() {
	for _, s := range []string{"14d", "2w", "36h", "1w3d"} {
		d, _ := leadscore.ParseDuration(s)
		fmt.Println(s, time.Duration(d))
	}
	// Output:
	// 14d 336h0m0s
	// 2w 336h0m0s
	// 36h 36h0m0s
	// 1w3d 240h0m0s
}

func ExampleDefaultJourney() {
	for _, t := range leadscore.DefaultJourney().Transitions {
		on := strings.Join(t.On, "/")
		if t.When != "" {
			on += " when " + t.When
		}
		if on == "" {
			on = "at once"
		}
		fmt.Printf("%s → %s: %s\n", t.From, t.To, strings.TrimSpace(on))
	}
	// Output:
	// attract → capture: identify/signup/form_submit/demo_request/webinar_registered/question/email_reply/call/purchase
	// capture → nurture: at once
	// nurture → convert: when fresh_handoff
	// nurture → convert: call/demo_request
	// convert → expand: purchase
	// convert → nurture: opportunity_lost/no_decision/sales_rejected
	// expand → nurture: churn
}

func ExampleState_MarshalBinary() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	var st leadscore.State
	scorer.Observe(leadscore.Lead{}, &st, leadscore.Event{Type: "call", Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)})

	data, _ := st.MarshalBinary() // store it with the lead
	var back leadscore.State
	if err := back.UnmarshalBinary(data); err != nil {
		panic(err)
	}
	fmt.Println(back.Events(), back.Stage(), back.Latest().Format(time.RFC3339))

	data[len(data)/2] ^= 1 // a damaged copy is an error, never a wrong state
	fmt.Println(back.UnmarshalBinary(data))
	// Output:
	// 1 convert 2026-03-02T09:00:00Z
	// leadscore: corrupt state: checksum mismatch (truncated or damaged)
}

func ExampleState_Merge() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	t := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	// One lead's events, split across two shards.
	var a, b leadscore.State
	scorer.Observe(leadscore.Lead{}, &a, leadscore.Event{ID: "1", Type: "email_click", Time: t})
	scorer.Observe(leadscore.Lead{}, &b, leadscore.Event{ID: "2", Type: "call", Time: t.Add(time.Hour)})
	if err := a.Merge(&b); err != nil {
		panic(err)
	}
	res, _ := scorer.Score(leadscore.Lead{}, &a, t.Add(2*time.Hour))
	fmt.Println(a.Events(), len(res.Contributions)) // the two events, and "title unknown" and "company size unknown" for an empty lead
	// Event IDs merge too: a redelivery from either shard is still ignored.
	res, _ = scorer.Observe(leadscore.Lead{}, &a, leadscore.Event{ID: "2", Type: "call", Time: t.Add(time.Hour)})
	fmt.Println(res.Duplicate)
	// Output:
	// 2 4
	// true
}

func ExampleWithLimits() {
	cfg := leadscore.Config{Rules: []leadscore.Rule{
		{ID: "bomb", Dimension: leadscore.Fit, When: `len(repeat(repeat("a", 999999), 4000)) > 0`, Points: 1},
	}}
	// Under the default limits the rule compiles, and its evaluation stops at the step
	// budget before the 4 GB string is built: a rule error, reported in the Result.
	scorer := leadscore.MustCompile[leadscore.Lead](cfg)
	res, _ := scorer.Score(leadscore.Lead{}, &leadscore.State{}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(res.Errors[0])
	// A tenant can be held to less; a trusted rule set may turn limits off with TrustedLimits.
	_, err := leadscore.Compile[leadscore.Lead](cfg, leadscore.WithLimits(leadscore.Limits{MaxNodes: 3}))
	fmt.Println(err)
	// Output:
	// leadscore: rule "bomb": when 1:12: the evaluation exceeded its step budget of 100000 steps (Limits.StepBudget): the rule builds or scans too much
	//  | len(repeat(repeat("a", 999999), 4000)) > 0
	//  | ...........^
	// leadscore: rule "bomb": when 1:12: expression has more than 3 nodes (the limit)
	//  | len(repeat(repeat("a", 999999), 4000)) > 0
	//  | ...........^
}

func ExampleDefaultB2B() {
	cfg := leadscore.DefaultB2B()
	cfg.Lists["competitors"] = []string{"rival.example"}
	scorer := leadscore.MustCompile[leadscore.Lead](cfg)
	var st leadscore.State
	res, _ := scorer.Score(leadscore.Lead{Email: "kim@rival.example", Title: "CEO"}, &st, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(res.Disqualified, res.Handoff, res.Persona)
	// Output:
	// true false not-a-buyer
}

func ExampleDefaultB2C() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2C())
	var st leadscore.State
	t := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	scorer.Observe(leadscore.Lead{Age: 37}, &st, leadscore.Event{Type: "checkout_start", Value: 240, Time: t})
	res, _ := scorer.Advance(leadscore.Lead{Age: 37}, &st, t.Add(25*time.Hour))
	for _, s := range res.Signals {
		fmt.Println(s.Kind, "—", s.Reason)
	}
	// Output:
	// abandoned_cart — checkout abandoned 1 day ago (value 240), no purchase since
}
