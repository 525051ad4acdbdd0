package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/store"
	"github.com/leadscore/leadscore/store/sqlite"
)

// A Processor over an SQLite store: events in, hand-offs out through the outbox, exactly once
// however often the events are delivered.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "leadscore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	db, err := sqlite.Open(ctx, filepath.Join(dir, "leads.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	scorer, err := leadscore.Compile[leadscore.Lead](leadscore.DefaultB2B())
	if err != nil {
		log.Fatal(err)
	}
	p := &store.Processor[leadscore.Lead]{Scorer: scorer, Store: db}

	attrs, _ := json.Marshal(leadscore.Lead{
		Email: "ana@bigco.example", Title: "VP of Sales",
		Company: leadscore.Company{Employees: 5000, Revenue: 80e6},
	})
	if err := db.PutLead(ctx, "ana", attrs); err != nil {
		log.Fatal(err)
	}
	t := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	events := []leadscore.Event{
		{ID: "wh-1", Type: "page_view", Path: "/pricing", Time: t},
		{ID: "wh-2", Type: "form_submit", Time: t.Add(5 * time.Minute)},
		{ID: "wh-3", Type: "demo_request", Time: t.Add(10 * time.Minute)},
	}
	a, err := p.Apply(ctx, "ana", events)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("accepted %d, tier %s, hand-off %v\n", a.Accepted, a.Result.Tier, a.Result.Handoff)

	// The webhook retries: nothing is scored twice.
	a, err = p.Apply(ctx, "ana", events)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("redelivered: accepted %d, duplicates %d\n", a.Accepted, a.Duplicates)

	// A delivery worker sends what the outbox holds and marks it delivered.
	msgs, err := db.Pending(ctx, 100)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind == store.KindHandoff {
			fmt.Println("hand-off to sales for", m.LeadID, "at", m.Created.Format(time.Kitchen))
		}
		if err := db.Delivered(ctx, m.ID); err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// accepted 3, tier hot, hand-off true
	// redelivered: accepted 0, duplicates 3
	// hand-off to sales for ana at 9:10AM
}
