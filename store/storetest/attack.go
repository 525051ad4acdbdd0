package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/store"
)

// seesaw is a rule set whose one lead swings across its hand-off tier on every event: "good"
// takes it to hot, "bad" back to cold.
func seesaw(t *testing.T) *leadscore.Scorer[leadscore.Lead] {
	t.Helper()
	sc, err := leadscore.Compile[leadscore.Lead](leadscore.Config{
		EventTypes: []string{"good", "bad"},
		Events: []leadscore.EventRule{
			{ID: "good", On: []string{"good"}, Points: 10},
			{ID: "bad", On: []string{"bad"}, Points: -10},
		},
		Tiers: []leadscore.Tier{{Name: "hot", Min: leadscore.Float(10), Handoff: true}, {Name: "cold"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// testRepeatedTransition: late events are evaluated at the State's clock, so a lead can leave
// and re-enter its hand-off tier at one and the same instant, more than once, in separate
// Applies and within one. Every transition an Apply reports is a distinct decision and must
// reach the outbox: a key made of the transition alone would drop the second hand-off (and
// the second demotion), leaving the receiver with a tier the lead is not in.
func testRepeatedTransition(t *testing.T, ctx context.Context, s store.Store) {
	p := &store.Processor[leadscore.Lead]{Scorer: seesaw(t), Store: s}
	at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	late := at.Add(-time.Hour)
	var reported []leadscore.Transition
	apply := func(evs ...leadscore.Event) {
		t.Helper()
		a, err := p.Apply(ctx, "swing", evs)
		if err != nil {
			t.Fatalf("Apply: %v", err)
		}
		reported = append(reported, a.Transitions...)
	}
	apply(leadscore.Event{ID: "g0", Type: "good", Time: at})
	for i := range 2 { // one event per Apply
		apply(leadscore.Event{ID: fmt.Sprint("b", i), Type: "bad", Time: late})
		apply(leadscore.Event{ID: fmt.Sprint("g", i+1), Type: "good", Time: late})
	}
	apply( // and several in one Apply
		leadscore.Event{ID: "b9", Type: "bad", Time: late},
		leadscore.Event{ID: "g9", Type: "good", Time: late},
		leadscore.Event{ID: "b10", Type: "bad", Time: late},
	)
	var msgs []store.Message
	for _, m := range allPending(t, ctx, s) {
		if m.LeadID == "swing" {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) != len(reported) {
		var keys []string
		for _, m := range msgs {
			keys = append(keys, m.Kind+" "+m.Key)
		}
		t.Fatalf("%d transitions reported, %d in the outbox:\n%s", len(reported), len(msgs), strings.Join(keys, "\n"))
	}
	if last := msgs[len(msgs)-1]; last.Kind != "tier" || !strings.Contains(string(last.Payload), `"to_tier":"cold"`) {
		t.Errorf("the last message is %s %s; want the demotion to cold the lead is in", last.Kind, last.Payload)
	}
}

// testAwkwardEventIDs: an event ID is the client's string, up to the event limits (16 KiB):
// long and incompressible, with a NUL, not UTF-8. Each is recorded and recognised when
// delivered again, in every store — not a store error a retry can never fix.
func testAwkwardEventIDs(t *testing.T, ctx context.Context, s store.Store) {
	p := &store.Processor[leadscore.Lead]{Scorer: b2b(t), Store: s}
	rng := rand.New(rand.NewPCG(1, 2))
	long := make([]byte, 12<<10)
	for i := range long {
		long[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"[rng.IntN(64)]
	}
	t0 := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	ids := []string{string(long), "nul\x00byte", "not utf-8 \xff\xfe", "~h:" + strings.Repeat("0", 64), "plain"}
	var events []leadscore.Event
	for i, id := range ids {
		events = append(events, leadscore.Event{ID: id, Type: "page_view", Path: "/pricing", Time: t0.Add(time.Duration(i) * time.Minute)})
	}
	a, err := p.Apply(ctx, "odd-ids", events)
	if err != nil {
		t.Fatalf("Apply of events with awkward IDs: %v", err)
	}
	if a.Accepted != len(ids) {
		t.Fatalf("accepted %d of %d", a.Accepted, len(ids))
	}
	done, err := s.Processed(ctx, "odd-ids", append([]string{"other", strings.Repeat("0", 64)}, ids...))
	if err != nil {
		t.Fatalf("Processed: %v", err)
	}
	if fmt.Sprint(sortedCopy(done)) != fmt.Sprint(sortedCopy(ids)) {
		t.Errorf("Processed = %q; want exactly the IDs recorded", done)
	}
	// Beyond the State's window of recent IDs, only the table recognises them.
	var filler []leadscore.Event
	for i := range 70 {
		filler = append(filler, leadscore.Event{ID: fmt.Sprint("f", i), Type: "email_open", Time: t0.Add(time.Hour + time.Duration(i)*time.Second)})
	}
	if _, err := p.Apply(ctx, "odd-ids", filler); err != nil {
		t.Fatal(err)
	}
	a, err = p.Apply(ctx, "odd-ids", events)
	if err != nil || a.Accepted != 0 || a.Duplicates != len(ids) {
		t.Errorf("redelivery: %+v, %v; want all %d duplicates", a, err, len(ids))
	}
}

// testAwkwardLeadIDs: a lead ID no Store keeps (CheckLeadID: not UTF-8, a NUL, too long,
// empty) is refused by every store alike, wrapping ErrLeadID, on Save, on PutLead and by the
// Processor before any I/O — where one database took it and another refused it on every
// retry. The longest ID kept is kept.
func testAwkwardLeadIDs(t *testing.T, ctx context.Context, s store.Store) {
	p := &store.Processor[leadscore.Lead]{Scorer: b2b(t), Store: s}
	ev := []leadscore.Event{{ID: "e", Type: "page_view", Path: "/pricing", Time: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}}
	for _, id := range []string{"", "nul\x00byte", "not utf-8 \xff", strings.Repeat("x", store.MaxLeadIDBytes+1)} {
		if _, err := p.Apply(ctx, id, ev); !errors.Is(err, store.ErrLeadID) {
			t.Errorf("Apply for lead %.20q: %v; want ErrLeadID", id, err)
		}
		if err := s.PutLead(ctx, id, []byte(`{}`)); !errors.Is(err, store.ErrLeadID) {
			t.Errorf("PutLead of lead %.20q: %v; want ErrLeadID", id, err)
		}
		if _, err := s.Save(ctx, store.Change{LeadID: id, State: []byte("s")}); !errors.Is(err, store.ErrLeadID) {
			t.Errorf("Save of lead %.20q: %v; want ErrLeadID", id, err)
		}
		if _, err := s.Load(ctx, id); !errors.Is(err, store.ErrLeadID) {
			t.Errorf("Load of lead %.20q: %v; want ErrLeadID", id, err)
		}
		if _, err := p.Current(ctx, id, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, store.ErrLeadID) {
			t.Errorf("Current of lead %.20q: %v; want ErrLeadID", id, err)
		}
	}
	longest := strings.Repeat("é", store.MaxLeadIDBytes/2)
	if a, err := p.Apply(ctx, longest, ev); err != nil || a.Accepted != 1 {
		t.Errorf("Apply for a lead ID of %d bytes: %+v, %v", len(longest), a, err)
	}
	if err := s.PutLead(ctx, longest, []byte(`{}`)); err != nil {
		t.Errorf("PutLead of a lead ID of %d bytes: %v", len(longest), err)
	}
}

func sortedCopy(xs []string) []string {
	return slices.Sorted(slices.Values(xs))
}

// testWakePastFailures: leads that fail to advance (a State that does not decode, attributes
// that do not) stay due, earliest first. As many of them as Wake's limit must not keep the
// leads due after them from ever being advanced.
func testWakePastFailures(t *testing.T, ctx context.Context, s store.Store) {
	sc := b2b(t)
	p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s}
	early := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		save(t, ctx, s, store.Change{LeadID: fmt.Sprint("broken-", i), State: []byte("no state"), Wakeup: early.Add(time.Duration(i))})
	}
	t0 := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	if _, err := p.Apply(ctx, "fine", []leadscore.Event{{ID: "x", Type: leadscore.EventDemoRequest, Time: t0}}); err != nil {
		t.Fatal(err)
	}
	st, _ := loadState(t, ctx, s, "fine")
	wake, ok := sc.NextWakeup(st)
	if !ok {
		t.Fatal("no wake-up for lead fine")
	}
	n, err := p.Wake(ctx, wake, 3)
	if n != 1 {
		t.Errorf("Wake with 3 failing leads due first = %d, %v; want lead fine advanced", n, err)
	}
	if err == nil || !strings.Contains(err.Error(), `"broken-0"`) {
		t.Errorf("Wake's error %v; want the failing leads named", err)
	}
	if due, _ := s.Due(ctx, wake, 10); slices.Contains(due, "fine") {
		t.Errorf("lead fine still due after Wake: %q", due)
	}
}
