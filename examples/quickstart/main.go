// Command quickstart scores a handful of realistic leads with the DefaultB2B rule set and
// prints what a salesperson would read at hand-off.
package main

import (
	"fmt"
	"log"
	"time"

	"github.com/leadscore/leadscore"
)

func main() {
	// Compile once, at start-up; the Scorer is safe for concurrent use.
	cfg := leadscore.DefaultB2B()
	cfg.Lists["competitors"] = []string{"rival.example"}
	cfg.Lists["targets"] = []string{"globex.example"}
	scorer, err := leadscore.Compile[leadscore.Lead](cfg)
	if err != nil {
		log.Fatal(err)
	}

	// Time is an argument, never read from the clock: the same input always gives the same
	// output.
	now := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	at := func(daysAgo float64) time.Time { return now.Add(-time.Duration(daysAgo * float64(day))) }

	leads := []struct {
		lead   leadscore.Lead
		events []leadscore.Event
	}{
		{
			lead: leadscore.Lead{
				Name: "Dana Reyes", Email: "dana@globex.example", Title: "VP Operations",
				Company: leadscore.Company{Name: "Globex", Domain: "globex.example", Employees: 1200, Revenue: 250e6, Founded: 1998},
				BANT:    leadscore.BANT{Need: true, Timing: true},
			},
			events: []leadscore.Event{
				{Type: "content_download", Time: at(12)},
				{Type: "page_view", Path: "/pricing", Time: at(6)},
				{Type: "page_view", Path: "/pricing/enterprise", Time: at(3)},
				{Type: "webinar_attended", Time: at(2)},
				{Type: "demo_request", Time: at(1)},
			},
		},
		{
			lead: leadscore.Lead{
				Name: "Sam Lee", Email: "sam.lee@gmail.com", Title: "Operations Manager",
				Company: leadscore.Company{Name: "Initech", Employees: 80},
			},
			events: []leadscore.Event{
				{Type: "email_click", Time: at(20)},
				{Type: "page_view", Path: "/product/scheduling", Time: at(9)},
				{Type: "page_view", Path: "/pricing", Time: at(8)},
				{Type: "call", Channel: "phone", Time: at(2)},
				{Type: "question", Channel: "email", Time: at(1)},
			},
		},
		{
			lead: leadscore.Lead{
				Name: "Alex Kim", Email: "alex@rival.example", Title: "Product Marketing Manager",
				Company: leadscore.Company{Name: "Rival", Domain: "rival.example", Employees: 400},
			},
			events: []leadscore.Event{
				{Type: "page_view", Path: "/pricing", Time: at(4)},
				{Type: "page_view", Path: "/features", Time: at(4)},
				{Type: "content_download", Time: at(3)},
			},
		},
		{
			lead: leadscore.Lead{
				Name: "Jo Park", Email: "jo.park@stanford.edu", Title: "Graduate Student",
			},
			events: []leadscore.Event{
				{Type: "page_view", Path: "/blog/lead-scoring-101", Time: at(5)},
				{Type: "page_view", Path: "/careers", Time: at(4)},
				{Type: "content_download", Time: at(4)},
			},
		},
		{
			lead: leadscore.Lead{
				Name: "Morgan Diaz", Email: "morgan@umbrella.example", Title: "Chief Financial Officer",
				Company: leadscore.Company{Name: "Umbrella", Employees: 5000, Revenue: 1.2e9},
			},
			events: []leadscore.Event{ // hot three months ago, quiet since
				{Type: "demo_request", Time: at(95)},
				{Type: "call", Time: at(92)},
				{Type: "page_view", Path: "/pricing", Time: at(90)},
			},
		},
	}

	for _, l := range leads {
		var st leadscore.State // one per lead; persist it between events in a real service
		for _, ev := range l.events {
			if _, err := scorer.Observe(l.lead, &st, ev); err != nil {
				log.Fatal(err)
			}
		}
		res, err := scorer.Score(l.lead, &st, now)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("── %s <%s>, %s\n%s\n", l.lead.Name, l.lead.Email, l.lead.Title, res.Explain())
	}
}
