// Command journey follows one B2B lead through its whole life — first visit, form, nurture,
// hand-off to sales, a lost deal and its recycling, the second try, the purchase, growth — and
// prints every transition with its reason, and the hand-off text sales reads at convert.
package main

import (
	"fmt"
	"log"
	"time"

	"github.com/leadscore/leadscore"
)

func main() {
	cfg := leadscore.DefaultB2B()
	cfg.Lists["targets"] = []string{"globex.example"}
	// Sales commits to act on a hand-off within two days: a lead left longer is stalled.
	cfg.Journey = leadscore.DefaultJourney()
	for i := range cfg.Journey.Stages {
		if cfg.Journey.Stages[i].Name == leadscore.StageConvert {
			cfg.Journey.Stages[i].SLA = leadscore.Duration(2 * leadscore.Day)
		}
	}
	scorer := leadscore.MustCompile[leadscore.Lead](cfg)

	lead := leadscore.Lead{
		Name: "Dana Reyes", Email: "dana@globex.example", Title: "Director of Operations",
		Company: leadscore.Company{Name: "Globex", Domain: "globex.example", Employees: 1200, Revenue: 250e6, Founded: 1998},
	}
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	day := func(n float64) time.Time { return start.Add(time.Duration(n * float64(24*time.Hour))) }

	story := []leadscore.Event{
		{ID: "e1", Type: "page_view", Path: "/blog/scheduling-tips", Time: day(0)},
		{ID: "e2", Type: "page_view", Path: "/product/scheduling", Time: day(2)},
		{ID: "e3", Type: "form_submit", Time: day(2.1)},
		{ID: "e4", Type: "email_click", Time: day(9)},
		{ID: "e5", Type: "content_download", Time: day(10)},
		{ID: "e6", Type: "page_view", Path: "/pricing", Time: day(14)},
		{ID: "e6", Type: "page_view", Path: "/pricing", Time: day(14)}, // delivered twice: ignored
		{ID: "e7", Type: "webinar_attended", Time: day(15)},
		{ID: "e8", Type: "page_view", Path: "/pricing/enterprise", Time: day(16)},
		{ID: "e9", Type: "no_decision", Time: day(40)},
		{ID: "e10", Type: "email_click", Time: day(120)},
		{ID: "e11", Type: "demo_request", Time: day(125)},
		{ID: "e12", Type: "purchase", Value: 48000, Time: day(150)},
		{ID: "e13", Type: "referral", Time: day(300)},
		{ID: "e14", Type: "purchase", Value: 12000, Time: day(400)},
	}

	var st leadscore.State
	for i, ev := range story {
		res, err := scorer.Observe(lead, &st, ev)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s  %-16s total %5.1f  %-5s %s\n", ev.Time.Format("2006-01-02"), ev.Type, res.Total, res.Tier, res.Stage)
		if res.Duplicate {
			fmt.Println("            (a repeated event ID: nothing changed)")
		}
		for _, tr := range res.Transitions {
			printTransition(tr)
			if tr.Kind == leadscore.TransitionStage && tr.To == leadscore.StageConvert {
				fmt.Println("\n    ── hand-off to sales ──")
				for _, line := range splitLines(res.Explain()) {
					fmt.Println("    " + line)
				}
				fmt.Println()
			}
		}
		// Between events, an engine sets a timer for NextWakeup and calls Advance then.
		next := day(500)
		if i+1 < len(story) {
			next = story[i+1].Time
		}
		for {
			wake, ok := scorer.NextWakeup(&st)
			if !ok || !wake.Before(next) {
				break
			}
			res, err := scorer.Advance(lead, &st, wake)
			if err != nil {
				log.Fatal(err)
			}
			for _, tr := range res.Transitions {
				fmt.Printf("%s  (timer)\n", wake.Format("2006-01-02"))
				printTransition(tr)
			}
		}
	}

	fmt.Println("\nStages the lead went through:")
	for _, v := range st.History() {
		fmt.Printf("  %-8s %s → %s\n", v.Stage, v.From.Format("2006-01-02"), v.To.Format("2006-01-02"))
	}
	fmt.Printf("  %-8s since %s\n", st.Stage(), st.StageSince().Format("2006-01-02"))
}

func printTransition(tr leadscore.Transition) {
	switch tr.Kind {
	case leadscore.TransitionStage:
		fmt.Printf("            stage %s → %s: %s\n", tr.From, tr.To, tr.Reason)
	case leadscore.TransitionTier:
		fmt.Printf("            tier %q → %q: %s\n", tr.FromTier, tr.ToTier, tr.Reason)
	case leadscore.TransitionSLA:
		fmt.Printf("            SLA: %s\n", tr.Reason)
	case leadscore.TransitionSignal:
		if tr.Raised {
			fmt.Printf("            signal %s: %s\n", tr.Signal, tr.Reason)
		} else {
			fmt.Printf("            signal %s cleared\n", tr.Signal)
		}
	}
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}
