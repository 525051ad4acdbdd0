package report_test

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/report"
)

func ExampleFunnelOf() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	t := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var states []*leadscore.State
	for _, evs := range [][]string{{"page_view"}, {"form_submit"}, {"form_submit", "demo_request"}, {"form_submit", "call", "purchase"}} {
		st := &leadscore.State{}
		for i, typ := range evs {
			scorer.Observe(leadscore.Lead{}, st, leadscore.Event{Type: typ, Time: t.Add(time.Duration(i) * leadscore.Day)})
		}
		states = append(states, st)
	}
	f := report.FunnelOf(scorer, slices.Values(states), t.Add(30*leadscore.Day))
	for _, s := range f.Stages {
		fmt.Printf("%-8s now %d, ever %d\n", s.Stage, s.Current, s.Entered)
	}
	fmt.Println("SQL", f.SQL, "customers", f.Customers)
	// Output:
	// attract  now 1, ever 4
	// capture  now 0, ever 3
	// nurture  now 1, ever 3
	// convert  now 1, ever 2
	// expand   now 1, ever 1
	// SQL 2 customers 1
}

func ExampleProfile() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2C())
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var samples []report.Sample[leadscore.Lead]
	for _, l := range []leadscore.Lead{
		{Age: 37, AvgOrderValue: 300, Margin: 0.3, ServiceEffort: 2},
		{Age: 41, AvgOrderValue: 250, Margin: 0.3, ServiceEffort: 3},
		{Age: 19, Followers: 3000, AvgOrderValue: 40, Margin: 0.2, ServiceEffort: 8},
	} {
		var st leadscore.State
		res, _ := scorer.Score(l, &st, at)
		samples = append(samples, report.Sample[leadscore.Lead]{Lead: l, Result: res})
	}
	roi := report.ROI{Value: "lead.AvgOrderValue * lead.Margin", Cost: "lead.ServiceEffort * 5.0"}
	profiles, err := report.Profile(scorer, slices.Values(samples), roi)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range profiles {
		fmt.Printf("%s: %d leads, ROI %.1f\n", p.Persona, p.Size, p.ROI)
	}
	// Output:
	// joe: 2 leads, ROI 5.6
	// sarah: 1 leads, ROI -0.8
}

// Outcomes, where known, give each persona a conversion rate; where none are known the rate
// is NaN, not 0.
func ExampleProfile_outcomes() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2C())
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var samples []report.Sample[leadscore.Lead]
	for _, c := range []struct {
		lead    leadscore.Lead
		outcome report.Outcome
	}{
		{leadscore.Lead{Age: 37}, report.OutcomeConverted},
		{leadscore.Lead{Age: 41}, report.OutcomeNotConverted},
		{leadscore.Lead{Age: 44}, report.OutcomeUnknown},
		{leadscore.Lead{Age: 19, Followers: 3000}, report.OutcomeUnknown},
	} {
		var st leadscore.State
		res, _ := scorer.Score(c.lead, &st, at)
		samples = append(samples, report.Sample[leadscore.Lead]{Lead: c.lead, Result: res, Outcome: c.outcome})
	}
	profiles, _ := report.Profile(scorer, slices.Values(samples), report.ROI{})
	for _, p := range profiles {
		rate := "no outcomes yet"
		if !math.IsNaN(p.ConversionRate) {
			rate = fmt.Sprintf("%d of %d converted", p.Converted, p.WithOutcome)
		}
		fmt.Printf("%s (%s track): %d leads, %s\n", p.Persona, p.Track, p.Size, rate)
	}
	// Output:
	// joe (holiday track): 3 leads, 1 of 2 converted
	// sarah (weekly-deals track): 1 leads, no outcomes yet
}
