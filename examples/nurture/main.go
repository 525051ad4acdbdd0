// Command nurture follows Joe, the domain's example persona, through DefaultB2C and prints his nurture track as
// his score moves: the same person, the same persona, a different track per tier — the
// occasional campaign when cold, buying guides when warm, an appointment with an advisor when
// hot — and a win-back track once a sale falls through ("nurture by score"); after his first
// purchase he is a first-time buyer, nurtured for a second sale.
package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/leadscore/leadscore"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer) error {
	scorer, err := leadscore.Compile[leadscore.Lead](leadscore.DefaultB2C())
	if err != nil {
		return err
	}
	// Joe, 41: no active social network, researches online, buys offline on special
	// occasions. Nothing bought yet.
	joe := leadscore.Lead{Name: "Joe", Email: "joe@example.net", Age: 41, Followers: 40,
		Income: 62000, MaritalStatus: "married", HomeSize: 160}

	start := time.Date(2026, 4, 1, 19, 0, 0, 0, time.UTC)
	day := func(n float64) time.Time { return start.Add(time.Duration(n * float64(24*time.Hour))) }
	type step struct {
		what string
		ev   *leadscore.Event // nil: time passes (Advance)
		at   time.Time
	}
	event := func(typ, channel, path string, d float64) step {
		return step{what: typ, ev: &leadscore.Event{Type: typ, Channel: channel, Path: path, Time: day(d)}, at: day(d)}
	}
	story := []step{
		event("signup", "web", "", 0),
		event("page_view", "web", "/product/grill-pro-500", 2),
		event("page_view", "web", "/product/grill-pro-500/reviews", 2.1),
		event("email_click", "email", "", 3),
		event("check_in", "store", "", 6),
		event("call", "phone", "", 7),
		event("no_decision", "", "", 9),
		{what: "(a month later)", at: day(40)},
		event("page_view", "web", "/deals/summer", 41),
		event("cart_add", "web", "/cart", 41.1),
		event("meeting", "store", "", 42),
		event("purchase", "store", "", 42.1),
	}

	var st leadscore.State
	fmt.Fprintf(w, "%-10s %-22s %6s %-5s %-8s %-8s %s\n", "date", "what", "total", "tier", "stage", "persona", "track")
	for _, s := range story {
		var res leadscore.Result
		if s.ev != nil {
			res, err = scorer.Observe(joe, &st, *s.ev)
		} else {
			res, err = scorer.Advance(joe, &st, s.at)
		}
		if err != nil {
			return err
		}
		if s.what == "purchase" { // the CRM records the order: Joe is a first-time buyer now
			joe.Purchases, joe.AvgOrderValue = 1, 340
			if res, err = scorer.Score(joe, &st, s.at); err != nil {
				return err
			}
		}
		fmt.Fprintf(w, "%-10s %-22s %6.1f %-5s %-8s %-8s %s\n",
			s.at.Format("2006-01-02"), s.what, res.Total, res.Tier, res.Stage, res.Persona, res.Track)
	}
	return nil
}
