// Command accounts scores three companies as accounts: several contacts each, a month of
// events, and every account hand-off printed with its buying group's coverage — who is
// engaged and which role is missing.
package main

import (
	"fmt"
	"log"
	"maps"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
)

type contact struct {
	lead   leadscore.Lead
	events []leadscore.Event
}

func main() {
	cfg := leadscore.DefaultB2B()
	cfg.Lists["targets"] = []string{"globex.example"}
	cfg.Lists["competitors"] = []string{"rival.example"}
	scorer := leadscore.MustCompile[leadscore.Lead](cfg)

	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	day := func(n float64) time.Time { return start.Add(time.Duration(n * float64(24*time.Hour))) }
	person := func(name, title string, co leadscore.Company, evs ...leadscore.Event) contact {
		email := fmt.Sprintf("%s@%s", name, co.Domain)
		for i := range evs {
			evs[i].ID = fmt.Sprintf("%s-%d", email, i)
		}
		return contact{leadscore.Lead{Name: name, Email: email, Title: title, Company: co}, evs}
	}
	ev := func(typ string, d float64) leadscore.Event { return leadscore.Event{Type: typ, Time: day(d)} }
	page := func(path string, d float64) leadscore.Event {
		return leadscore.Event{Type: "page_view", Path: path, Time: day(d)}
	}
	globex := leadscore.Company{Name: "Globex", Domain: "globex.example", Employees: 1200, Revenue: 250e6}
	initech := leadscore.Company{Name: "Initech", Domain: "initech.example", Employees: 300, Revenue: 40e6}
	rival := leadscore.Company{Name: "Rival", Domain: "rival.example", Employees: 800}
	contacts := []contact{
		person("dana", "Director of Operations", globex, page("/product", 1), ev("content_download", 3), ev("webinar_attended", 8)),
		person("raj", "IT Manager", globex, page("/integrations", 4), page("/docs/api", 5), ev("form_submit", 9)),
		person("lena", "Intern", globex, page("/blog", 2), page("/blog", 6)),
		person("omar", "CFO", globex, page("/pricing", 20), ev("demo_request", 21)),
		person("kim", "Operations Manager", initech, ev("form_submit", 2), ev("webinar_attended", 10), page("/pricing", 12), ev("email_click", 15)),
		person("lou", "Software Engineer", initech, page("/docs", 11), ev("content_download", 13)),
		person("ana", "Account Executive", initech, page("/blog", 25)),
		person("vic", "CEO", rival, page("/pricing", 5), ev("demo_request", 6), ev("webinar_attended", 14)),
		person("sue", "Product Manager", rival, page("/product", 7), ev("content_download", 8)),
	}

	// Every contact's State, kept as a store would keep it; accounts, one AccountState each.
	states := map[string]*leadscore.State{}
	accounts := map[string]*leadscore.AccountState{}
	members := map[string][]contact{}
	for _, c := range contacts {
		key, err := scorer.AccountKey(c.lead)
		if err != nil {
			log.Fatal(err)
		}
		members[key] = append(members[key], c)
		states[c.lead.Email] = new(leadscore.State)
		accounts[key] = new(leadscore.AccountState)
	}

	// A month, day by day: each day's events, then every account scored at the end of the day.
	for d := range 31 {
		for _, c := range contacts {
			for _, e := range c.events {
				if e.Time.Before(day(float64(d))) || !e.Time.Before(day(float64(d+1))) {
					continue
				}
				if _, err := scorer.Observe(c.lead, states[c.lead.Email], e); err != nil {
					log.Fatal(err)
				}
			}
		}
		for _, key := range slices.Sorted(maps.Keys(members)) {
			res, err := scorer.ScoreAccount(func(yield func(leadscore.Lead, *leadscore.State) bool) {
				for _, c := range members[key] {
					if !yield(c.lead, states[c.lead.Email]) {
						return
					}
				}
			}, accounts[key], day(float64(d+1)))
			if err != nil {
				log.Fatal(err)
			}
			for _, tr := range res.Transitions {
				switch tr.Kind {
				case leadscore.TransitionTier:
					fmt.Printf("%s  %-16s tier %q → %q: %s\n", tr.At.Format("2006-01-02"), key, tr.FromTier, tr.ToTier, tr.Reason)
				case leadscore.TransitionHandoff:
					fmt.Printf("\n── %s: account hand-off to sales ──\n%s\n", key, res.Explain())
				}
			}
		}
	}

	fmt.Println("At the end of the month:")
	for _, key := range slices.Sorted(maps.Keys(members)) {
		res, err := scorer.ScoreAccount(func(yield func(leadscore.Lead, *leadscore.State) bool) {
			for _, c := range members[key] {
				if !yield(c.lead, states[c.lead.Email]) {
					return
				}
			}
		}, nil, day(31))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("  %-16s total %5.1f  %-5s engaged %d  missing %v  disqualified %v\n", key, res.Total, res.Tier, res.Engaged, res.Missing, res.Disqualified)
	}
}
