// Command personas segments a small B2C population with DefaultB2C's personas — Joe and
// Sarah of the domain notes among them — and ranks the personas by ROI: margin earned against the
// service effort they take, so a team sees whom to serve and whom to stop chasing.
package main

import (
	"fmt"
	"log"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/report"
)

func main() {
	scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2C())
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	ago := func(days float64) time.Time { return now.Add(-time.Duration(days * float64(24*time.Hour))) }

	type customer struct {
		lead      leadscore.Lead
		events    []leadscore.Event
		converted bool
	}
	// Joe: 37, researches online, buys offline on special occasions for a few hundred, brand
	// loyal, no social network to speak of. Sarah: 19, buys online every month, 3,000
	// followers — and many returns and questions.
	joe := leadscore.Lead{Name: "Joe", Age: 37, Occupation: "teacher", Income: 62000, Children: 2,
		Purchases: 2, AvgOrderValue: 320, Margin: 0.35, ServiceEffort: 2, Followers: 40,
		CustomerSince: ago(3 * 365)}
	sarah := leadscore.Lead{Name: "Sarah", Age: 19, Occupation: "student", Income: 9000,
		Purchases: 14, AvgOrderValue: 35, Margin: 0.18, ServiceEffort: 7, Followers: 3000,
		CustomerSince: ago(400)}

	var population []customer
	for i := range 6 { // six Joes and four Sarahs, a little different each
		j := joe
		j.Name = fmt.Sprintf("Joe #%d", i+1)
		j.Age += i
		population = append(population, customer{lead: j, converted: i%3 != 0, events: []leadscore.Event{
			{Type: "page_view", Path: "/products/grill", Time: ago(9)},
			{Type: "page_view", Path: "/shipping", Time: ago(8)},
			{Type: "call", Channel: "phone", Time: ago(7)},
			{Type: "check_in", Channel: "store", Time: ago(5)},
		}})
	}
	for i := range 4 {
		s := sarah
		s.Name = fmt.Sprintf("Sarah #%d", i+1)
		s.Followers += 500 * i
		population = append(population, customer{lead: s, converted: i != 0, events: []leadscore.Event{
			{Type: "social_share", Channel: "social", Time: ago(3)},
			{Type: "cart_add", Value: 42, Time: ago(2.5)},
			{Type: "page_view", Path: "/deals/weekly", Time: ago(2)},
			{Type: "question", Channel: "social", Time: ago(1.5)},
		}})
	}

	var samples []report.Sample[leadscore.Lead]
	for _, c := range population {
		var st leadscore.State
		for _, ev := range c.events {
			if _, err := scorer.Observe(c.lead, &st, ev); err != nil {
				log.Fatal(err)
			}
		}
		res, err := scorer.Score(c.lead, &st, now)
		if err != nil {
			log.Fatal(err)
		}
		outcome := report.OutcomeNotConverted
		if c.converted {
			outcome = report.OutcomeConverted
		}
		samples = append(samples, report.Sample[leadscore.Lead]{Lead: c.lead, Result: res, Outcome: outcome})
		if c.lead.Name == "Joe #1" || c.lead.Name == "Sarah #1" {
			fmt.Printf("── %s: persona %s, track %s\n%s\n", c.lead.Name, res.Persona, res.Track, res.Explain())
		}
	}

	// ROI per persona: a year's margin against what the service effort costs.
	roi := report.ROI{
		Value: "lead.AvgOrderValue * lead.Purchases / max(years_since(lead.CustomerSince), 1) * lead.Margin",
		Cost:  "lead.ServiceEffort * 12.0",
	}
	profiles, err := report.Profile(scorer, slices.Values(samples), roi)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%-10s %-18s %5s %6s %7s %10s %8s %8s %7s\n", "persona", "track", "leads", "share", "total", "converted", "value", "cost", "ROI")
	for _, p := range profiles {
		fmt.Printf("%-10s %-18s %5d %5.0f%% %7.1f %9.0f%% %8.0f %8.0f %6.0f%%\n",
			p.Persona, p.Track, p.Size, 100*p.Share, p.MeanTotal, 100*p.ConversionRate, p.Value, p.Cost, 100*p.ROI)
	}
	// A persona's track follows its leads' tiers: where they are now.
	for _, p := range profiles {
		fmt.Printf("%s now:", p.Persona)
		for _, track := range slices.Sorted(maps.Keys(p.Tracks)) {
			fmt.Printf(" %d on %s", p.Tracks[track], track)
		}
		fmt.Println()
	}
	best, worst := profiles[0], profiles[len(profiles)-1]
	fmt.Printf("\nServe %s first: every 1 spent returns %.2f.", best.Persona, 1+best.ROI)
	if !math.IsNaN(worst.ROI) && worst.ROI < best.ROI {
		fmt.Printf(" %s returns %.2f per 1 spent: change the offer, or stop chasing.\n", worst.Persona, 1+worst.ROI)
	}
}
