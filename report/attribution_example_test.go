package report_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/report"
)

// Which campaign brought the leads that moved on, and at what cost: group by the campaign of
// each lead's first touch, with what each campaign cost.
func ExampleGroupBy() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	t := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var states []*leadscore.State
	for _, lead := range []struct {
		campaign string
		types    []string
	}{
		{"webinar", []string{"webinar_attended", "form_submit", "demo_request"}},
		{"webinar", []string{"webinar_attended", "form_submit"}},
		{"ads", []string{"page_view"}},
		{"ads", []string{"page_view", "form_submit"}},
		{"ads", []string{"page_view"}},
	} {
		st := &leadscore.State{}
		for i, typ := range lead.types {
			ev := leadscore.Event{Type: typ, Time: t.Add(time.Duration(i) * leadscore.Day)}
			if i == 0 {
				ev.Channel, ev.Campaign = "web", lead.campaign
			}
			scorer.Observe(leadscore.Lead{}, st, ev)
		}
		states = append(states, st)
	}
	f := report.FunnelOf(scorer, slices.Values(states), t.Add(30*leadscore.Day),
		report.GroupBy(report.ByCampaign, report.FirstTouch),
		report.Costs(map[string]float64{"webinar": 600, "ads": 300, "print": 100}))
	for _, g := range f.Groups {
		fmt.Printf("%-8s leads %d, reached nurture %d, convert %d, cost per lead %.0f\n",
			g.Key, g.Leads, g.Entered[2], g.Entered[3], g.CostPerLead)
	}
	fmt.Printf("all: cost %.0f, per lead %.0f\n", f.Cost, f.CostPerLead)
	// Output:
	// ads      leads 3, reached nurture 1, convert 0, cost per lead 100
	// webinar  leads 2, reached nurture 2, convert 1, cost per lead 300
	// print    leads 0, reached nurture 0, convert 0, cost per lead NaN
	// all: cost 1000, per lead 200
}
