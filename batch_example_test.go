package leadscore_test

import (
	"fmt"
	"iter"
	"time"

	"github.com/leadscore/leadscore"
)

// Score a whole population on every CPU: results come back in order, one at a time.
func ExampleScorer_ScoreAll() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	leads := []leadscore.Lead{
		{Email: "dana@globex.example", Title: "VP Operations", Company: leadscore.Company{Employees: 1200}},
		{Email: "sam@gmail.com", Title: "Student"},
		{Email: "lee@initech.example", Title: "IT Manager", Company: leadscore.Company{Employees: 80}},
	}
	all := func(yield func(leadscore.Lead, *leadscore.State) bool) {
		for _, l := range leads {
			if !yield(l, nil) { // nil: a lead with no events yet
				return
			}
		}
	}
	results, err := scorer.ScoreAll(iter.Seq2[leadscore.Lead, *leadscore.State](all), time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 0)
	if err != nil {
		panic(err)
	}
	for i, r := range results {
		fmt.Printf("%s: %v (%s)\n", leads[i].Email, r.Total, r.Tier)
	}
	// Output:
	// dana@globex.example: 40 (warm)
	// sam@gmail.com: -25 (cold)
	// lee@initech.example: 23 (cold)
}

// Score many leads into one Result: once its slices have grown, scoring allocates nothing.
func ExampleScorer_ScoreInto() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var res leadscore.Result
	for _, title := range []string{"Chief Executive Officer", "Director of Sales", "Intern"} {
		var st leadscore.State
		if err := scorer.ScoreInto(&res, leadscore.Lead{Title: title}, &st, now); err != nil {
			panic(err)
		}
		fmt.Printf("%s: fit %v\n", title, res.Fit)
	}
	// Output:
	// Chief Executive Officer: fit 20
	// Director of Sales: fit 15
	// Intern: fit -15
}

// Take in high-volume events without evaluating the lead, and let Advance decide later.
// Events that move the lead through the journey are left to Observe.
func ExampleScorer_Accumulate() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	lead := leadscore.Lead{Email: "dana@globex.example"}
	var st leadscore.State
	t := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, ev := range []leadscore.Event{
		{Type: "page_view", Path: "/pricing"},
		{Type: "email_click"},
		{Type: "form_submit"}, // attract → capture: a decision
		{Type: "page_view", Path: "/pricing"},
	} {
		ev.Time = t.Add(time.Duration(i) * time.Hour)
		ok, err := scorer.Accumulate(lead, &st, ev)
		if err != nil {
			panic(err)
		}
		if !ok {
			res, err := scorer.Observe(lead, &st, ev)
			if err != nil {
				panic(err)
			}
			fmt.Printf("observed %s: stage %s\n", ev.Type, res.Stage)
		}
	}
	res, err := scorer.Advance(lead, &st, t.Add(4*time.Hour))
	if err != nil {
		panic(err)
	}
	fmt.Printf("engagement %.1f, %d events\n", res.Engagement, st.Events())
	// Output:
	// observed form_submit: stage nurture
	// engagement 28.9, 4 events
}
