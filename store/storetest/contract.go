package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/leadscore/leadscore/store"
)

// base is the time the contract tests' wake-ups and messages are laid around.
var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// snapshot is everything a Save can write, as the store reports it: what "nothing written"
// is compared on.
type snapshot struct {
	rec       store.Record
	processed []string
	pending   []store.Message
	due       []string
}

func take(t *testing.T, ctx context.Context, s store.Store, leadID string, ids []string) snapshot {
	t.Helper()
	var sn snapshot
	var err error
	if sn.rec, err = s.Load(ctx, leadID); err != nil {
		t.Fatalf("Load(%q): %v", leadID, err)
	}
	if sn.processed, err = s.Processed(ctx, leadID, ids); err != nil {
		t.Fatalf("Processed(%q): %v", leadID, err)
	}
	slices.Sort(sn.processed)
	if sn.pending, err = s.Pending(ctx, 1000); err != nil {
		t.Fatalf("Pending: %v", err)
	}
	if sn.due, err = s.Due(ctx, base.AddDate(100, 0, 0), 1000); err != nil {
		t.Fatalf("Due: %v", err)
	}
	return sn
}

func sameSnapshot(t *testing.T, what string, got, want snapshot) {
	t.Helper()
	if got.rec.Version != want.rec.Version || !bytes.Equal(got.rec.State, want.rec.State) || !bytes.Equal(got.rec.Attrs, want.rec.Attrs) {
		t.Errorf("%s: record changed: version %d → %d, state %d → %d bytes", what, want.rec.Version, got.rec.Version, len(want.rec.State), len(got.rec.State))
	}
	if !slices.Equal(got.processed, want.processed) {
		t.Errorf("%s: processed IDs changed: %q → %q", what, want.processed, got.processed)
	}
	if !reflect.DeepEqual(keys(got.pending), keys(want.pending)) {
		t.Errorf("%s: outbox changed: %q → %q", what, keys(want.pending), keys(got.pending))
	}
	if !slices.Equal(got.due, want.due) {
		t.Errorf("%s: wake-ups changed: %q → %q", what, want.due, got.due)
	}
}

func keys(ms []store.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Key
	}
	return out
}

func msg(key, lead string, created time.Time) store.Message {
	return store.Message{Key: key, LeadID: lead, Kind: "stage", Payload: []byte(fmt.Sprintf(`{"key":%q}`, key)), Created: created}
}

func save(t *testing.T, ctx context.Context, s store.Store, ch store.Change) int64 {
	t.Helper()
	v, err := s.Save(ctx, ch)
	if err != nil {
		t.Fatalf("Save(lead %q, version %d): %v", ch.LeadID, ch.Version, err)
	}
	if v != ch.Version+1 {
		t.Fatalf("Save(lead %q, version %d) returned version %d, want %d", ch.LeadID, ch.Version, v, ch.Version+1)
	}
	return v
}

func testLoadUnknown(t *testing.T, ctx context.Context, s store.Store) {
	rec, err := s.Load(ctx, "nobody")
	if err != nil {
		t.Fatalf("Load of an unknown lead: %v", err)
	}
	if rec.LeadID != "nobody" || rec.Version != 0 || rec.State != nil || rec.Attrs != nil {
		t.Errorf("Load of an unknown lead = %+v, want version 0, no State, no attributes", rec)
	}
	got, err := s.Processed(ctx, "nobody", []string{"a", "b"})
	if err != nil || len(got) != 0 {
		t.Errorf("Processed of an unknown lead = %q, %v; want none", got, err)
	}
	if got, err := s.Processed(ctx, "nobody", nil); err != nil || len(got) != 0 {
		t.Errorf("Processed with no IDs = %q, %v; want none", got, err)
	}
}

func testPutLeadLoad(t *testing.T, ctx context.Context, s store.Store) {
	attrs := []byte(`{"email":"ana@bigco.example","title":"VP Sales"}`)
	if err := s.PutLead(ctx, "ana", attrs); err != nil {
		t.Fatalf("PutLead: %v", err)
	}
	rec, err := s.Load(ctx, "ana")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !bytes.Equal(rec.Attrs, attrs) || rec.Version != 0 || rec.State != nil {
		t.Fatalf("after PutLead, Load = attrs %q, version %d, state %q; want the attributes, version 0, no State", rec.Attrs, rec.Version, rec.State)
	}
	// A State saved on a lead that has only attributes starts at version 0.
	save(t, ctx, s, store.Change{LeadID: "ana", Version: 0, State: []byte("state-1"), EventIDs: []string{"e1"}})
	attrs2 := []byte(`{"email":"ana@bigco.example","title":"CEO"}`)
	if err := s.PutLead(ctx, "ana", attrs2); err != nil {
		t.Fatalf("PutLead again: %v", err)
	}
	rec, err = s.Load(ctx, "ana")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !bytes.Equal(rec.Attrs, attrs2) || rec.Version != 1 || string(rec.State) != "state-1" {
		t.Errorf("after Save and PutLead, Load = attrs %q, version %d, state %q; want the new attributes, version 1, state-1 (PutLead leaves the State alone)", rec.Attrs, rec.Version, rec.State)
	}
	// Binary States survive byte for byte.
	bin := []byte{0, 1, 2, 0xff, 0xfe, 0, 0x80}
	save(t, ctx, s, store.Change{LeadID: "ana", Version: 1, State: bin})
	if rec, err = s.Load(ctx, "ana"); err != nil || !bytes.Equal(rec.State, bin) || rec.Version != 2 {
		t.Errorf("Load after saving binary bytes = %v (version %d), %v; want %v at version 2", rec.State, rec.Version, err, bin)
	}
	// A lead saved without PutLead has no attributes.
	save(t, ctx, s, store.Change{LeadID: "bo", State: []byte("s")})
	if rec, err = s.Load(ctx, "bo"); err != nil || rec.Attrs != nil || rec.Version != 1 {
		t.Errorf("Load of a lead saved without attributes = %+v, %v; want no attributes, version 1", rec, err)
	}
}

func testSaveStaleVersion(t *testing.T, ctx context.Context, s store.Store) {
	save(t, ctx, s, store.Change{LeadID: "cy", Version: 0, State: []byte("v1"), Wakeup: base.Add(time.Hour),
		EventIDs: []string{"e1"}, Messages: []store.Message{msg("cy/1", "cy", base)}})
	ids := []string{"e1", "e2", "e3"}
	before := take(t, ctx, s, "cy", ids)

	for _, stale := range []int64{0, 2, 7} {
		_, err := s.Save(ctx, store.Change{LeadID: "cy", Version: stale, State: []byte("other"), Wakeup: base.Add(-time.Hour),
			EventIDs: []string{"e2", "e3"}, Messages: []store.Message{msg(fmt.Sprintf("cy/stale/%d", stale), "cy", base)}})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("Save at version %d of a lead at version 1: err = %v, want ErrConflict", stale, err)
		}
		sameSnapshot(t, fmt.Sprintf("after a Save at stale version %d", stale), take(t, ctx, s, "cy", ids), before)
	}
	// The current version still saves.
	save(t, ctx, s, store.Change{LeadID: "cy", Version: 1, State: []byte("v2"), EventIDs: []string{"e2"}})
	if got, _ := s.Processed(ctx, "cy", ids); len(got) != 2 {
		t.Errorf("after a Save at the current version, Processed = %q, want e1 and e2", got)
	}
}

func testSaveProcessedEvent(t *testing.T, ctx context.Context, s store.Store) {
	save(t, ctx, s, store.Change{LeadID: "di", State: []byte("v1"), Wakeup: base, EventIDs: []string{"e1", "e2"},
		Messages: []store.Message{msg("di/1", "di", base)}})
	ids := []string{"e1", "e2", "e3", "e4"}
	before := take(t, ctx, s, "di", ids)
	// At the current version, but one of the events was already processed: a concurrent writer
	// (another Processor that loaded before it) got there first.
	_, err := s.Save(ctx, store.Change{LeadID: "di", Version: 1, State: []byte("v2"), Wakeup: base.Add(time.Hour),
		EventIDs: []string{"e3", "e2", "e4"}, Messages: []store.Message{msg("di/2", "di", base)}})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Save with an already processed event ID: err = %v, want ErrConflict", err)
	}
	sameSnapshot(t, "after a Save with an already processed event", take(t, ctx, s, "di", ids), before)

	// Processed IDs are per lead: another lead may process an event with the same ID.
	save(t, ctx, s, store.Change{LeadID: "other", State: []byte("v1"), EventIDs: []string{"e1"}})
	if got, err := s.Processed(ctx, "other", ids); err != nil || !slices.Equal(got, []string{"e1"}) {
		t.Errorf("Processed(other) = %q, %v; want [e1]", got, err)
	}
}

func testSaveRepeatedID(t *testing.T, ctx context.Context, s store.Store) {
	// One Change listing an event twice is a caller's bug: ErrConflict would have the
	// Processor retry it forever.
	_, err := s.Save(ctx, store.Change{LeadID: "ib", State: []byte("s"), EventIDs: []string{"e1", "e2", "e1"}})
	if err == nil || errors.Is(err, store.ErrConflict) {
		t.Fatalf("Save of a Change listing an event twice: %v; want an error that is not ErrConflict", err)
	}
	if rec, err := s.Load(ctx, "ib"); err != nil || rec.Version != 0 {
		t.Errorf("after a refused Save, Load = %+v, %v; want version 0", rec, err)
	}
	if got, err := s.Processed(ctx, "ib", []string{"e1", "e2"}); err != nil || len(got) != 0 {
		t.Errorf("after a refused Save, Processed = %q, %v; want none", got, err)
	}
}

func testSaveNoState(t *testing.T, ctx context.Context, s store.Store) {
	// A Change always carries the State it was computed into; one without would erase the
	// lead's State while moving its version.
	if _, err := s.Save(ctx, store.Change{LeadID: "ed", EventIDs: []string{"e1"}}); err == nil {
		t.Fatal("Save of a Change without a State succeeded")
	} else if errors.Is(err, store.ErrConflict) {
		t.Fatalf("Save of a Change without a State: %v; want an error that is not ErrConflict (a retry cannot fix it)", err)
	}
	if rec, err := s.Load(ctx, "ed"); err != nil || rec.Version != 0 {
		t.Errorf("after a refused Save, Load = %+v, %v; want version 0", rec, err)
	}
}

func testDue(t *testing.T, ctx context.Context, s store.Store) {
	h := func(n int) time.Time { return base.Add(time.Duration(n) * time.Hour) }
	// Saved out of order, one with a nanosecond part: the index keeps the instant exactly.
	save(t, ctx, s, store.Change{LeadID: "c", State: []byte("s"), Wakeup: h(3)})
	save(t, ctx, s, store.Change{LeadID: "a", State: []byte("s"), Wakeup: h(1).Add(1)})
	save(t, ctx, s, store.Change{LeadID: "b", State: []byte("s"), Wakeup: h(2)})
	save(t, ctx, s, store.Change{LeadID: "none", State: []byte("s")})

	due := func(at time.Time, limit int, want ...string) {
		t.Helper()
		got, err := s.Due(ctx, at, limit)
		if err != nil {
			t.Fatalf("Due(%s, %d): %v", at, limit, err)
		}
		if len(want) == 0 {
			want = nil
		}
		if len(got) == 0 {
			got = nil
		}
		if !slices.Equal(got, want) {
			t.Errorf("Due(%s, %d) = %q, want %q", at.Format(time.RFC3339Nano), limit, got, want)
		}
	}
	due(h(0), 10)
	due(h(1), 10)                                   // a's wake-up is one nanosecond later
	due(h(1).Add(1), 10, "a")                       // at the wake-up: due
	due(h(2), 10, "a", "b")                         // earliest first, not in saving order
	due(h(9), 10, "a", "b", "c")                    // "none" has no wake-up
	due(h(9), 2, "a", "b")                          // the limit keeps the earliest
	due(h(9).In(time.FixedZone("X", 3600)), 1, "a") // the time zone does not matter

	// Save moves a wake-up, and a zero Wakeup removes the lead from Due.
	save(t, ctx, s, store.Change{LeadID: "a", Version: 1, State: []byte("s2"), Wakeup: h(4)})
	due(h(9), 10, "b", "c", "a")
	save(t, ctx, s, store.Change{LeadID: "b", Version: 1, State: []byte("s2")})
	due(h(9), 10, "c", "a")
	due(h(3), 10, "c")

	// Rewake makes every lead with a State due at h(3) at the latest — "a" (h(4)), "b" and
	// "none" (no wake-up) — and leaves "c" (h(3) already) and a lead with attributes only.
	if err := s.PutLead(ctx, "attrs-only", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Rewake(ctx, h(3)); err != nil || n != 3 {
		t.Errorf("Rewake(h(3)) = %d, %v; want 3 leads changed", n, err)
	}
	due(h(3), 10, "a", "b", "c", "none")
	due(h(2), 10)
	if n, err := s.Rewake(ctx, h(3)); err != nil || n != 0 {
		t.Errorf("Rewake again = %d, %v; want 0", n, err)
	}
}

func testOutbox(t *testing.T, ctx context.Context, s store.Store) {
	m1 := msg("k1", "fa", base.Add(2*time.Hour))
	m2 := msg("k2", "fa", base.Add(1*time.Hour))
	m3 := msg("k3", "ge", base.Add(3*time.Hour))
	m3.Kind = "handoff"
	save(t, ctx, s, store.Change{LeadID: "fa", State: []byte("s"), Messages: []store.Message{m1, m2}})
	save(t, ctx, s, store.Change{LeadID: "ge", State: []byte("s"), Messages: []store.Message{m3}})

	pending := func(limit int) []store.Message {
		t.Helper()
		ms, err := s.Pending(ctx, limit)
		if err != nil {
			t.Fatalf("Pending(%d): %v", limit, err)
		}
		return ms
	}
	ms := pending(10)
	if got := keys(ms); !slices.Equal(got, []string{"k2", "k1", "k3"}) {
		t.Fatalf("Pending = %q, want [k2 k1 k3] (oldest first)", got)
	}
	for _, m := range ms {
		want := map[string]store.Message{"k1": m1, "k2": m2, "k3": m3}[m.Key]
		if m.ID == 0 || m.LeadID != want.LeadID || m.Kind != want.Kind || !bytes.Equal(m.Payload, want.Payload) ||
			!m.Created.Equal(want.Created) || m.Attempts != 0 || m.LastErr != "" {
			t.Errorf("Pending message %q = %+v, want %+v with an ID, no attempts", m.Key, m, want)
		}
	}
	if got := keys(pending(2)); !slices.Equal(got, []string{"k2", "k1"}) {
		t.Errorf("Pending(2) = %q, want [k2 k1]", got)
	}
	ids := map[string]int64{}
	for _, m := range ms {
		ids[m.Key] = m.ID
	}

	// A message whose key is queued already is not queued again, and the Save still succeeds.
	dup := msg("k1", "fa", base)
	dup.Payload = []byte(`{"second":true}`)
	save(t, ctx, s, store.Change{LeadID: "fa", Version: 1, State: []byte("s2"), Messages: []store.Message{dup}})
	ms = pending(10)
	if got := keys(ms); !slices.Equal(got, []string{"k2", "k1", "k3"}) {
		t.Fatalf("after saving a message with a queued key, Pending = %q, want [k2 k1 k3]", got)
	}
	for _, m := range ms {
		if m.Key == "k1" && (!bytes.Equal(m.Payload, m1.Payload) || m.ID != ids["k1"]) {
			t.Errorf("a repeated key replaced the queued message: %+v", m)
		}
	}

	// Attempt counts failures and keeps the last one.
	if err := s.Attempt(ctx, ids["k2"], "503 from the CRM"); err != nil {
		t.Fatalf("Attempt: %v", err)
	}
	if err := s.Attempt(ctx, ids["k2"], "timeout"); err != nil {
		t.Fatalf("Attempt: %v", err)
	}
	ms = pending(1)
	if len(ms) != 1 || ms[0].Key != "k2" || ms[0].Attempts != 2 || ms[0].LastErr != "timeout" {
		t.Errorf("after two failed attempts, Pending(1) = %+v, want k2 with 2 attempts, last error timeout", ms)
	}
	// A failure quoting a receiver's answer cut inside a character, or holding a NUL, is
	// recorded all the same (as FailureText gives it): a refused record would leave the
	// attempt uncounted.
	for i, failure := range []string{"500: Fehler \xe2\x82", "nul \x00 byte", "latin-1 \xe9t\xe9"} {
		if err := s.Attempt(ctx, ids["k2"], failure); err != nil {
			t.Fatalf("Attempt with the failure %q: %v", failure, err)
		}
		ms = pending(1)
		if len(ms) != 1 || ms[0].Attempts != 3+i || ms[0].LastErr != store.FailureText(failure) {
			t.Errorf("after the failure %q, Pending(1) = %+v, want %d attempts, last error %q", failure, ms, 3+i, store.FailureText(failure))
		}
	}

	// Delivered removes from Pending; unknown and repeated IDs are no error.
	if err := s.Delivered(ctx, ids["k2"], ids["k3"], 987654321); err != nil {
		t.Fatalf("Delivered: %v", err)
	}
	if err := s.Delivered(ctx, ids["k2"]); err != nil {
		t.Errorf("Delivered of an already delivered message: %v", err)
	}
	if err := s.Delivered(ctx); err != nil {
		t.Errorf("Delivered of nothing: %v", err)
	}
	if got := keys(pending(10)); !slices.Equal(got, []string{"k1"}) {
		t.Errorf("after delivering k2 and k3, Pending = %q, want [k1]", got)
	}
	// A delivered key is still taken: the hand-off it carried is not queued again.
	save(t, ctx, s, store.Change{LeadID: "ge", Version: 1, State: []byte("s2"), Messages: []store.Message{msg("k3", "ge", base)}})
	if got := keys(pending(10)); !slices.Equal(got, []string{"k1"}) {
		t.Errorf("after saving a delivered key again, Pending = %q, want [k1]", got)
	}
	if err := s.Delivered(ctx, ids["k1"]); err != nil {
		t.Fatalf("Delivered: %v", err)
	}
	if got := pending(10); len(got) != 0 {
		t.Errorf("after delivering everything, Pending = %q, want none", keys(got))
	}
}

// testTimesOutOfRange: the times a Store is given come from its caller, and UnixNano is
// undefined outside 1678–2262. A Due or Prune up to a time beyond the library's range finds
// everything before it (it wrapped to the 1800s and found nothing), one from before it
// nothing; a Rewake or a Change's wake-up outside the range is refused with nothing written
// (a Rewake to the year 3000 wrote a wrapped time as every lead's wake-up).
func testTimesOutOfRange(t *testing.T, ctx context.Context, s store.Store) {
	h := func(n int) time.Time { return base.Add(time.Duration(n) * time.Hour) }
	save(t, ctx, s, store.Change{LeadID: "a", State: []byte("s"), Wakeup: h(1)})
	save(t, ctx, s, store.Change{LeadID: "b", State: []byte("s"), Wakeup: h(2)})
	save(t, ctx, s, store.Change{LeadID: "none", State: []byte("s")})
	year := func(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
	far := []time.Time{year(1000), year(1500), year(1677), year(1899), year(2201), year(2263), year(3000), year(9999)}
	for _, at := range far {
		want := []string{"a", "b"}
		if at.Before(base) {
			want = nil
		}
		if got, err := s.Due(ctx, at, 10); err != nil || !slices.Equal(got, want) {
			t.Errorf("Due(%s) = %q, %v; want %q", at.Format(time.RFC3339), got, err, want)
		}
		if n, err := s.Rewake(ctx, at); err == nil {
			t.Errorf("Rewake(%s) changed %d leads, no error; want it refused", at.Format(time.RFC3339), n)
		}
		if _, err := s.Save(ctx, store.Change{LeadID: "c", State: []byte("s"), Wakeup: at}); err == nil || errors.Is(err, store.ErrConflict) {
			t.Errorf("Save with the wake-up %s: %v; want it refused (not a conflict)", at.Format(time.RFC3339), err)
		}
	}
	if rec, err := s.Load(ctx, "c"); err != nil || rec.Version != 0 {
		t.Errorf("after the refused Saves, Load(c) = %+v, %v; want nothing written", rec, err)
	}
	if got, err := s.Due(ctx, h(9), 10); err != nil || !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("after the refused Rewakes, Due = %q, %v; want the wake-ups as saved", got, err)
	}
	if p, ok := s.(store.Pruner); ok {
		save(t, ctx, s, store.Change{LeadID: "a", Version: 1, State: []byte("s2"), Wakeup: h(1), EventIDs: []string{"e1"}})
		if n, err := p.Prune(ctx, year(1000)); err != nil || n != 0 {
			t.Errorf("Prune(year 1000) = %d, %v; want 0", n, err)
		}
		if n, err := p.Prune(ctx, year(3000)); err != nil || n != 1 {
			t.Errorf("Prune(year 3000) = %d, %v; want 1 (the processed ID)", n, err)
		}
	}
}

func testPrune(t *testing.T, ctx context.Context, s store.Store) {
	p, ok := s.(store.Pruner)
	if !ok {
		t.Skip("the store does not implement store.Pruner")
	}
	save(t, ctx, s, store.Change{LeadID: "ha", State: []byte("s"), EventIDs: []string{"e1", "e2"},
		Messages: []store.Message{msg("p1", "ha", base), msg("p2", "ha", base.Add(time.Second))}})
	ms, err := s.Pending(ctx, 10)
	if err != nil || len(ms) != 2 {
		t.Fatalf("Pending = %d messages, %v", len(ms), err)
	}
	if err := s.Delivered(ctx, ms[0].ID); err != nil {
		t.Fatal(err)
	}
	// Prune works on the store's clock: an hour ago, nothing had been written yet.
	if n, err := p.Prune(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("Prune(an hour ago) = %d, %v; want 0", n, err)
	}
	if n, err := p.Prune(ctx, time.Now().Add(time.Hour)); err != nil || n != 3 {
		t.Errorf("Prune(in an hour) = %d, %v; want 3 (two processed IDs, one delivered message)", n, err)
	}
	if got, err := s.Processed(ctx, "ha", []string{"e1", "e2"}); err != nil || len(got) != 0 {
		t.Errorf("after Prune, Processed = %q, %v; want none", got, err)
	}
	if got, err := s.Pending(ctx, 10); err != nil || len(got) != 1 || got[0].Key != "p2" {
		t.Errorf("after Prune, Pending = %q, %v; want the undelivered p2 kept", keys(got), err)
	}
	if rec, err := s.Load(ctx, "ha"); err != nil || rec.Version != 1 {
		t.Errorf("after Prune, Load = %+v, %v; want the lead untouched", rec, err)
	}
}
