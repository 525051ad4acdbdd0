package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/store"
	"github.com/leadscore/leadscore/store/sqlite"
)

// After a rule change the wake-up index holds the times the old rules gave (here a week on,
// where the new ones decay the lead within hours), so Wake does not advance a lead out of its
// hand-off tier today. Store.Rewake, once after the change, makes every lead due, and the
// next Wake sets each by the new rules: the hot lead is advanced and its tier change queued.
func TestRewakeAfterRuleChange(t *testing.T) {
	compile := func(halfLife string) *leadscore.Scorer[leadscore.Lead] {
		hl := ""
		if halfLife != "" {
			hl = `, "half_life": "` + halfLife + `"`
		}
		cfg, err := leadscore.ParseConfig([]byte(`{
			"name": "decay",
			"events": [{"id": "demo", "on": ["demo_request"], "points": 50` + hl + `}],
			"tiers": [{"name": "hot", "min": 40, "handoff": true}, {"name": "cold"}]
		}`))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := leadscore.Compile[leadscore.Lead](cfg)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	before, after := compile(""), compile("1d")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	old := &store.Processor[leadscore.Lead]{Scorer: before, Store: db}
	a, err := old.Apply(ctx, "ann", []leadscore.Event{{ID: "d1", Type: "demo_request", Time: t0}})
	if err != nil || a.Result.Tier != "hot" {
		t.Fatalf("setup: %+v, %v", a.Result, err)
	}
	delivered, _ := db.Pending(ctx, 100)
	var ids []int64
	for _, m := range delivered {
		ids = append(ids, m.ID)
	}
	db.Delivered(ctx, ids...)

	// The service restarts with the new rule set.
	p := &store.Processor[leadscore.Lead]{Scorer: after, Store: db}
	rec, _ := db.Load(ctx, "ann")
	var st leadscore.State
	if err := st.UnmarshalBinary(rec.State); err != nil {
		t.Fatal(err)
	}
	// Laid out by the old rules, the State is due at once under the new ones; settled by
	// them, it is due when the lead decays out of hot, within the day.
	if due, ok := after.NextWakeup(&st); !ok || due.After(st.Clock().Add(time.Nanosecond)) {
		t.Fatalf("under the new rules the State is due at %v (%v), want the nanosecond after %v", due, ok, st.Clock())
	}
	settled := st.Clone()
	if _, err := after.Advance(leadscore.Lead{}, settled, st.Clock()); err != nil {
		t.Fatal(err)
	}
	w, ok := after.NextWakeup(settled)
	if !ok {
		t.Fatal("under the new rules the lead has no wake-up: nothing to test")
	}
	wOld, okOld := before.NextWakeup(&st)
	t.Logf("index (old rules): %v %v; new rules: %v", wOld, okOld, w)
	now := w.Add(time.Minute)
	if w.After(now) {
		t.Fatalf("wake-up %v is after %v", w, now)
	}
	res, _ := after.Score(leadscore.Lead{}, &st, now)
	if res.Tier == "hot" {
		t.Fatalf("under the new rules the lead is still hot at %v", now)
	}
	if n, err := p.Wake(ctx, now, 100); err != nil || n != 0 {
		t.Fatalf("before Rewake, Wake advanced %d leads (%v): the index was expected to hold the old rules' answer, a week on", n, err)
	}
	if n, err := db.Rewake(ctx, now); err != nil || n != 1 {
		t.Fatalf("Rewake = %d, %v; want the one lead", n, err)
	}
	n, err := p.Wake(ctx, now, 100)
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := db.Pending(ctx, 100)
	if n != 1 || len(msgs) == 0 {
		t.Errorf("after Rewake, Wake a minute after NextWakeup (%v) advanced %d leads and queued %d messages; want the lead's tier change",
			w.Format(time.RFC3339), n, len(msgs))
	}
}
