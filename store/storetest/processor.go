package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/store"
)

// A lead DefaultB2B scores high on fit: with enough engagement it reaches the hot hand-off tier.
var vp = leadscore.Lead{
	Email: "ana@bigco.example", Title: "VP of Operations", Phone: "+1 555 0100",
	Company: leadscore.Company{Name: "BigCo", Domain: "bigco.example", Employees: 5000, Revenue: 50e6, Founded: 1990},
}

var (
	b2bOnce   sync.Once
	b2bScorer *leadscore.Scorer[leadscore.Lead]
	b2bErr    error
)

func b2b(t *testing.T) *leadscore.Scorer[leadscore.Lead] {
	t.Helper()
	b2bOnce.Do(func() { b2bScorer, b2bErr = leadscore.Compile[leadscore.Lead](leadscore.DefaultB2B()) })
	if b2bErr != nil {
		t.Fatalf("Compile(DefaultB2B): %v", b2bErr)
	}
	return b2bScorer
}

func putLead(t *testing.T, ctx context.Context, s store.Store, id string, lead leadscore.Lead) {
	t.Helper()
	attrs, err := json.Marshal(lead)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutLead(ctx, id, attrs); err != nil {
		t.Fatalf("PutLead(%q): %v", id, err)
	}
}

// engagementEvents returns n events, one a minute from start, with distinct IDs when ids is
// set: only types that add points (no careers pages, carts or purchases), spread over a few
// hours, so that every arrival order ends in the same tier and stage (the score only rises, by
// far more than decay takes back in hours), which is what lets the concurrent and the
// sequential runs be compared.
func engagementEvents(start time.Time, n int, ids bool) []leadscore.Event {
	kinds := []leadscore.Event{
		{Type: leadscore.EventPageView, Path: "/pricing"},
		{Type: leadscore.EventPageView, Path: "/product/tour"},
		{Type: leadscore.EventPageView, Path: "/blog/post"},
		{Type: leadscore.EventEmailOpen, Channel: "email"},
		{Type: leadscore.EventEmailClick, Channel: "email", Properties: map[string]any{"campaign": "spring"}},
		{Type: leadscore.EventContentDownload, Properties: map[string]any{"asset": "whitepaper", "pages": 12.0}},
		{Type: leadscore.EventWebinarRegistered},
		{Type: leadscore.EventFormSubmit, Channel: "web"},
		{Type: leadscore.EventDemoRequest},
		{Type: leadscore.EventQuestion, Channel: "email"},
	}
	out := make([]leadscore.Event, n)
	for i := range out {
		ev := kinds[i%len(kinds)]
		ev.Time = start.Add(time.Duration(i)*time.Minute + time.Duration(i)) // distinct to the nanosecond
		if ids {
			ev.ID = fmt.Sprintf("ev-%04d", i)
		}
		out[i] = ev
	}
	return out
}

// replay observes events in order into a new State, as one Processor without a store would.
func replay(t *testing.T, sc *leadscore.Scorer[leadscore.Lead], lead leadscore.Lead, events []leadscore.Event) (*leadscore.State, []leadscore.Transition, []leadscore.Result) {
	t.Helper()
	var st leadscore.State
	var trans []leadscore.Transition
	var results []leadscore.Result
	for i, ev := range events {
		res, err := sc.Observe(lead, &st, ev)
		if err != nil {
			t.Fatalf("replay: Observe event %d: %v", i, err)
		}
		trans = append(trans, res.Transitions...)
		results = append(results, res)
	}
	return &st, trans, results
}

func handoffs(ts []leadscore.Transition, sc *leadscore.Scorer[leadscore.Lead]) []string {
	hand := map[string]bool{}
	for _, tier := range sc.Config().Tiers {
		hand[tier.Name] = tier.Handoff
	}
	var out []string
	for _, t := range ts {
		if t.Kind == leadscore.TransitionTier && hand[t.ToTier] {
			out = append(out, t.ToTier)
		}
	}
	return out
}

func stageMoves(ts []leadscore.Transition) []string {
	var out []string
	for _, t := range ts {
		if t.Kind == leadscore.TransitionStage {
			out = append(out, string(t.From)+">"+string(t.To))
		}
	}
	return out
}

// sameLead fails unless the two States give the same Result at now in everything that does
// not depend on arrival order.
func sameLead(t *testing.T, what string, sc *leadscore.Scorer[leadscore.Lead], lead leadscore.Lead, got, want *leadscore.State, now time.Time) {
	t.Helper()
	g, err := sc.Score(lead, got, now)
	if err != nil {
		t.Fatalf("%s: Score: %v", what, err)
	}
	w, err := sc.Score(lead, want, now)
	if err != nil {
		t.Fatalf("%s: Score of the replay: %v", what, err)
	}
	// Decayed sums are order-free within floating-point rounding (State.Merge's contract).
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	if !near(g.Total, w.Total) || !near(g.Fit, w.Fit) || !near(g.Engagement, w.Engagement) || !near(g.Relationship, w.Relationship) {
		t.Errorf("%s: scores (total %v, fit %v, engagement %v, relationship %v), want the replay's (%v, %v, %v, %v)",
			what, g.Total, g.Fit, g.Engagement, g.Relationship, w.Total, w.Fit, w.Engagement, w.Relationship)
	}
	if g.Tier != w.Tier || g.Handoff != w.Handoff || g.Stage != w.Stage {
		t.Errorf("%s: tier %q (hand-off %v), stage %q; want the replay's %q (%v), %q", what, g.Tier, g.Handoff, g.Stage, w.Tier, w.Handoff, w.Stage)
	}
	if got.Events() != want.Events() {
		t.Errorf("%s: the State took %d events, the replay %d", what, got.Events(), want.Events())
	}
	if !got.Latest().Equal(want.Latest()) {
		t.Errorf("%s: latest event %s, the replay's %s", what, got.Latest(), want.Latest())
	}
}

func loadState(t *testing.T, ctx context.Context, s store.Store, leadID string) (*leadscore.State, store.Record) {
	t.Helper()
	rec, err := s.Load(ctx, leadID)
	if err != nil {
		t.Fatalf("Load(%q): %v", leadID, err)
	}
	var st leadscore.State
	if err := st.UnmarshalBinary(rec.State); err != nil {
		t.Fatalf("the stored State of %q does not decode: %v", leadID, err)
	}
	return &st, rec
}

func allPending(t *testing.T, ctx context.Context, s store.Store) []store.Message {
	t.Helper()
	ms, err := s.Pending(ctx, 100000)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	return ms
}

func kindsOf(ms []store.Message, leadID, kind string) []store.Message {
	var out []store.Message
	for _, m := range ms {
		if m.LeadID == leadID && m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// testConcurrentWriters has 8 goroutines apply 50 events each, in batches, to one lead, in a
// shuffled order: the stored State must be the one a sequential replay in time order gives,
// and the hand-off must be queued exactly once.
func testConcurrentWriters(t *testing.T, ctx context.Context, s store.Store) {
	const writers, perWriter = 8, 50
	sc := b2b(t)
	start := time.Date(2026, 4, 6, 8, 0, 0, 0, time.UTC)
	events := engagementEvents(start, writers*perWriter, true)
	putLead(t, ctx, s, "lead-1", vp)

	want, wantTrans, _ := replay(t, sc, vp, events)
	if h := handoffs(wantTrans, sc); len(h) != 1 {
		t.Fatalf("test design: the sequential replay hands off %d times (%q), want once", len(h), h)
	}
	now := events[len(events)-1].Time.Add(time.Hour)
	// The test's premise: these events give the same lead in any order.
	rng := rand.New(rand.NewPCG(1, 2))
	shuffled := slices.Clone(events)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	other, otherTrans, _ := replay(t, sc, vp, shuffled)
	sameLead(t, "test design: a shuffled replay", sc, vp, other, want, now)
	if len(handoffs(otherTrans, sc)) != 1 {
		t.Fatalf("test design: a shuffled replay hands off %d times", len(handoffs(otherTrans, sc)))
	}

	p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s, MaxRetries: 10000}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		accepted int
		messages int
		trans    []leadscore.Transition
		errs     []error
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := shuffled[w*perWriter : (w+1)*perWriter]
			for len(mine) > 0 {
				n := min(len(mine), 1+len(mine)%4) // batches of 1 to 4
				a, err := p.Apply(ctx, "lead-1", mine[:n])
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				accepted += a.Accepted
				messages += a.Messages
				trans = append(trans, a.Transitions...)
				mu.Unlock()
				if err != nil {
					return
				}
				mine = mine[n:]
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent Apply: %v", err)
	}
	if accepted != len(events) {
		t.Errorf("the Applies accepted %d events, want %d", accepted, len(events))
	}
	got, _ := loadState(t, ctx, s, "lead-1")
	sameLead(t, "after concurrent writers", sc, vp, got, want, now)

	done, err := s.Processed(ctx, "lead-1", idsOf(events))
	if err != nil || len(done) != len(events) {
		t.Errorf("Processed = %d IDs, %v; want all %d", len(done), err, len(events))
	}
	ms := allPending(t, ctx, s)
	if len(ms) != messages {
		t.Errorf("the outbox holds %d messages; the Applies reported writing %d", len(ms), messages)
	}
	if len(ms) != len(trans) {
		t.Errorf("the outbox holds %d messages for the %d transitions the Applies reported", len(ms), len(trans))
	}
	if h := kindsOf(ms, "lead-1", store.KindHandoff); len(h) != 1 {
		t.Errorf("the outbox holds %d hand-offs, want exactly 1", len(h))
	} else {
		var body struct {
			LeadID     string               `json:"lead_id"`
			Transition leadscore.Transition `json:"transition"`
			Result     leadscore.Result     `json:"result"`
		}
		if err := json.Unmarshal(h[0].Payload, &body); err != nil {
			t.Fatalf("hand-off payload: %v", err)
		}
		if body.LeadID != "lead-1" || body.Transition.Kind != leadscore.TransitionTier || body.Transition.ToTier != "hot" ||
			!body.Result.Handoff || !h[0].Created.Equal(body.Transition.At) {
			t.Errorf("hand-off message = %+v, payload %s; want lead-1's tier transition to hot, created at its time", h[0], h[0].Payload)
		}
	}
	if g, w := stageMoves(trans), stageMoves(wantTrans); !slices.Equal(g, w) {
		t.Errorf("stage transitions %q, the replay's %q", g, w)
	}
}

func idsOf(events []leadscore.Event) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = ev.ID
	}
	return out
}

// testRedelivery delivers every event twice, half of them without IDs: the stored State is
// byte for byte the one a single delivery gives.
func testRedelivery(t *testing.T, ctx context.Context, s store.Store) {
	sc := b2b(t)
	start := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	events := engagementEvents(start, 100, true) // more than the State's 64 recent IDs: the processed table must catch the rest
	for i := range events {
		if i%2 == 1 {
			events[i].ID = "" // the Processor keys these by content
		}
	}
	putLead(t, ctx, s, "lead-r", vp)
	p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s}

	// Deliver in batches of 3, each event again two batches later, and the first batch twice
	// within itself.
	var stream []leadscore.Event
	for i := 0; i < len(events); i += 3 {
		stream = append(stream, events[i:min(i+3, len(events))]...)
		if i >= 3 {
			stream = append(stream, events[i-3:i]...)
		}
	}
	stream = append(stream, events[(len(events)-1)/3*3:]...) // the last batch, again
	stream = append(stream[:3], append(slices.Clone(stream[:3]), stream[3:]...)...)
	if len(stream) != 2*len(events)+3 {
		t.Fatalf("test design: %d deliveries of %d events", len(stream), len(events))
	}
	accepted, dups := 0, 0
	var trans []leadscore.Transition
	for i := 0; i < len(stream); {
		n := 3
		if i == 0 {
			n = 6 // the first batch holds its three events twice
		}
		n = min(n, len(stream)-i)
		a, err := p.Apply(ctx, "lead-r", stream[i:i+n])
		if err != nil {
			t.Fatalf("Apply(stream[%d:%d]): %v", i, i+n, err)
		}
		accepted += a.Accepted
		dups += a.Duplicates
		trans = append(trans, a.Transitions...)
		if a.Accepted+a.Duplicates != n {
			t.Errorf("Apply of %d events: %d accepted + %d duplicates", n, a.Accepted, a.Duplicates)
		}
		i += n
	}
	if accepted != len(events) || dups != len(stream)-len(events) {
		t.Errorf("accepted %d, duplicates %d; want %d and %d", accepted, dups, len(events), len(stream)-len(events))
	}

	// The single delivery, in the order the events first arrived, with the keys the
	// Processor gives ID-less events.
	var first []leadscore.Event
	seen := map[string]bool{}
	for _, ev := range stream {
		if ev.ID == "" {
			ev.ID = store.EventKey("lead-r", ev)
		}
		if !seen[ev.ID] {
			seen[ev.ID] = true
			first = append(first, ev)
		}
	}
	want, wantTrans, _ := replay(t, sc, vp, first)
	wantBytes, err := want.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := loadState(t, ctx, s, "lead-r")
	gotBytes, _ := got.MarshalBinary()
	if !bytes.Equal(gotBytes, wantBytes) {
		t.Errorf("the State after redelivery differs from a single delivery's")
		sameLead(t, "after redelivery", sc, vp, got, want, start.AddDate(0, 0, 1))
	}
	if len(trans) != len(wantTrans) {
		t.Errorf("the Applies reported %d transitions, a single delivery %d", len(trans), len(wantTrans))
	}
	if ms := allPending(t, ctx, s); len(ms) != len(wantTrans) {
		t.Errorf("the outbox holds %d messages, a single delivery makes %d", len(ms), len(wantTrans))
	}

	// Redelivering everything once more changes nothing and reports the current Result.
	_, before := loadState(t, ctx, s, "lead-r")
	a, err := p.Apply(ctx, "lead-r", events)
	if err != nil {
		t.Fatalf("Apply of delivered events: %v", err)
	}
	if a.Accepted != 0 || a.Duplicates != len(events) || a.Messages != 0 || len(a.Transitions) != 0 {
		t.Errorf("Apply of delivered events = %d accepted, %d duplicates, %d messages; want 0, %d, 0", a.Accepted, a.Duplicates, a.Messages, len(events))
	}
	if _, after := loadState(t, ctx, s, "lead-r"); after.Version != before.Version {
		t.Errorf("Apply of delivered events saved: version %d → %d", before.Version, after.Version)
	}
	cur, err := p.Current(ctx, "lead-r", events[len(events)-1].Time)
	if err != nil {
		t.Fatalf("Current: %v", err)
	}
	if a.Result.Total != cur.Total || a.Result.Tier != cur.Tier || a.Result.At.IsZero() {
		t.Errorf("Apply of duplicates reported total %v tier %q, Current says %v %q", a.Result.Total, a.Result.Tier, cur.Total, cur.Tier)
	}

	// An ID-less event differing in any field is another event.
	ev := events[1]
	for i, change := range []func(*leadscore.Event){
		func(e *leadscore.Event) { e.Time = e.Time.Add(1) },
		func(e *leadscore.Event) { e.Channel += "x" },
		func(e *leadscore.Event) { e.Path += "x" },
		func(e *leadscore.Event) { e.Value++ },
		func(e *leadscore.Event) { e.Properties = map[string]any{"k": "v"} },
		func(e *leadscore.Event) { e.Type = leadscore.EventEmailOpen },
	} {
		e := ev
		change(&e)
		if store.EventKey("lead-r", e) == store.EventKey("lead-r", ev) {
			t.Errorf("EventKey: change %d does not change the key", i)
		}
	}
	if store.EventKey("lead-r", ev) == store.EventKey("lead-s", ev) {
		t.Error("EventKey: the same event of two leads has one key")
	}
	e := ev
	e.Time = e.Time.In(time.FixedZone("CET", 3600))
	e.Properties = map[string]any{"b": 1.0, "a": []any{"x"}}
	f := ev
	f.Properties = map[string]any{"a": []any{"x"}, "b": 1.0}
	if store.EventKey("lead-r", e) != store.EventKey("lead-r", f) {
		t.Error("EventKey depends on the time zone or on the properties' order")
	}
}

// testRedeliveryConcurrent has two goroutines deliver the same events at once, in different
// orders: each event is scored once.
func testRedeliveryConcurrent(t *testing.T, ctx context.Context, s store.Store) {
	sc := b2b(t)
	events := engagementEvents(time.Date(2026, 5, 11, 10, 0, 0, 0, time.UTC), 60, true)
	for i := range events {
		if i%3 == 0 {
			events[i].ID = ""
		}
	}
	putLead(t, ctx, s, "lead-c", vp)
	p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s, MaxRetries: 1000}
	var wg sync.WaitGroup
	results := make([]struct {
		accepted, dups int
		err            error
	}, 2)
	for g := range 2 {
		order := slices.Clone(events)
		if g == 1 {
			slices.Reverse(order)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < len(order); i += 5 {
				a, err := p.Apply(ctx, "lead-c", order[i:min(i+5, len(order))])
				if err != nil {
					results[g].err = err
					return
				}
				results[g].accepted += a.Accepted
				results[g].dups += a.Duplicates
			}
		}()
	}
	wg.Wait()
	acc, dup := 0, 0
	for _, r := range results {
		if r.err != nil {
			t.Fatalf("Apply: %v", r.err)
		}
		acc += r.accepted
		dup += r.dups
	}
	if acc != len(events) || dup != len(events) {
		t.Errorf("two deliveries of %d events: %d accepted, %d duplicates; want %d each", len(events), acc, dup, len(events))
	}
	got, _ := loadState(t, ctx, s, "lead-c")
	if got.Events() != uint64(len(events)) {
		t.Errorf("the State took %d events, want %d", got.Events(), len(events))
	}
	want, _, _ := replay(t, sc, vp, events)
	sameLead(t, "after a concurrent redelivery", sc, vp, got, want, events[len(events)-1].Time.Add(time.Hour))
	if h := kindsOf(allPending(t, ctx, s), "lead-c", store.KindHandoff); len(h) != 1 {
		t.Errorf("%d hand-offs queued, want 1", len(h))
	}
}

// decayConfig hands a lead off on a demo request and lets it cool down within days.
const decayConfig = `{
  "name": "decay-test",
  "events": [{"id": "demo", "on": ["demo_request"], "points": 50, "half_life": "1d", "max": 50, "reason": "requested a demo"}],
  "tiers": [{"name": "hot", "min": 40, "handoff": true}, {"name": "cold"}],
  "hysteresis": 5
}`

// testWakeUp pushes a lead into the hand-off tier, then wakes it: before its wake-up nothing
// changes, at it the decayed lead leaves the tier, through the outbox.
func testWakeUp(t *testing.T, ctx context.Context, s store.Store) {
	cfg, err := leadscore.ParseConfig([]byte(decayConfig))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := leadscore.Compile[leadscore.Lead](cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s}
	t0 := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	a, err := p.Apply(ctx, "lead-w", []leadscore.Event{{ID: "d1", Type: leadscore.EventDemoRequest, Time: t0}})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if a.Result.Tier != "hot" || !a.Result.Handoff {
		t.Fatalf("after a demo request, tier %q (hand-off %v), want hot", a.Result.Tier, a.Result.Handoff)
	}
	if h := kindsOf(allPending(t, ctx, s), "lead-w", store.KindHandoff); len(h) != 1 {
		t.Fatalf("%d hand-offs queued after the demo request, want 1", len(h))
	}
	// 50 points halving daily fall below hot's 40 − 5 hysteresis after log2(50/35) days.
	cooled := t0.Add(time.Duration(math.Log2(50.0/35) * float64(24*time.Hour)))
	// NextWakeup is never late but may be early (it bounds what could change): follow it, each
	// Wake before it changing nothing, until the lead leaves the tier.
	var wake time.Time
	for step := 0; ; step++ {
		if step == 20 {
			t.Fatalf("after 20 wake-ups the lead is still hot (last wake-up %s; it cools at %s)", wake, cooled)
		}
		st, rec := loadState(t, ctx, s, "lead-w")
		var ok bool
		if wake, ok = sc.NextWakeup(st); !ok {
			t.Fatal("a decaying hot lead has no wake-up")
		}
		if wake.After(cooled.Add(time.Second)) {
			t.Fatalf("NextWakeup %s is after the lead cools (%s): late", wake, cooled)
		}
		if due, err := s.Due(ctx, wake, 10); err != nil || !slices.Equal(due, []string{"lead-w"}) {
			t.Fatalf("Due(wake-up) = %q, %v; want [lead-w]", due, err)
		}
		before := take(t, ctx, s, "lead-w", []string{"d1"})
		for _, at := range []time.Time{t0, wake.Add(-time.Minute), wake.Add(-1)} {
			n, err := p.Wake(ctx, at, 10)
			if err != nil || n != 0 {
				t.Errorf("Wake(%s) = %d, %v; want 0 before the wake-up", at, n, err)
			}
			sameSnapshot(t, fmt.Sprintf("after Wake(%s)", at), take(t, ctx, s, "lead-w", []string{"d1"}), before)
		}
		n, err := p.Wake(ctx, wake, 10)
		if err != nil || n != 1 {
			t.Fatalf("Wake(wake-up %s) = %d, %v; want 1", wake, n, err)
		}
		st2, rec2 := loadState(t, ctx, s, "lead-w")
		if rec2.Version != rec.Version+1 {
			t.Errorf("Wake saved version %d after %d, want one Save", rec2.Version, rec.Version)
		}
		if st2.Tier() == "cold" {
			if wake.Before(cooled.Add(-time.Second)) {
				t.Errorf("the lead left hot at %s, before it cooled (%s)", wake, cooled)
			}
			break
		}
		if st2.Tier() != "hot" {
			t.Fatalf("after Wake the lead is in tier %q", st2.Tier())
		}
	}
	var left []store.Message
	for _, m := range kindsOf(allPending(t, ctx, s), "lead-w", "tier") {
		if strings.Contains(string(m.Payload), `"from_tier":"hot"`) {
			left = append(left, m)
		}
	}
	if len(left) != 1 || !left[0].Created.Equal(wake) {
		t.Errorf("after Wake, %d tier transitions out of hot queued (%+v), want 1 created at the wake-up", len(left), left)
	}
	if due, err := s.Due(ctx, wake, 10); err != nil || len(due) != 0 {
		t.Errorf("after Wake, Due(wake-up) = %q, %v; want none", due, err)
	}
	// Waking again at the same time finds nothing to do.
	if n, err := p.Wake(ctx, wake, 10); err != nil || n != 0 {
		t.Errorf("second Wake = %d, %v; want 0", n, err)
	}
	if cur, err := p.Current(ctx, "lead-w", wake.Add(time.Hour)); err != nil || cur.Tier != "cold" {
		t.Errorf("Current after Wake = tier %q, %v; want cold", cur.Tier, err)
	}
}

// testCorruptState stores bytes that are no State: the Processor reports the lead, and does
// not panic or overwrite them.
func testCorruptState(t *testing.T, ctx context.Context, s store.Store) {
	sc := b2b(t)
	save(t, ctx, s, store.Change{LeadID: "broken", State: []byte("not a state at all"), Wakeup: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s}
	_, err := p.Apply(ctx, "broken", []leadscore.Event{{ID: "x", Type: "page_view", Time: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}})
	if err == nil || !strings.Contains(err.Error(), `"broken"`) || !errors.Is(err, leadscore.ErrCorruptState) || !errors.Is(err, store.ErrStoredData) {
		t.Errorf("Apply on a corrupt State: %v; want an error naming the lead, wrapping ErrCorruptState and ErrStoredData", err)
	}
	if _, err := p.Current(ctx, "broken", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)); err == nil || !strings.Contains(err.Error(), `"broken"`) {
		t.Errorf("Current on a corrupt State: %v; want an error naming the lead", err)
	}
	if n, err := p.Wake(ctx, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), 10); n != 0 || err == nil || !strings.Contains(err.Error(), `"broken"`) {
		t.Errorf("Wake over a corrupt State = %d, %v; want 0 and an error naming the lead", n, err)
	}
	if rec, err := s.Load(ctx, "broken"); err != nil || string(rec.State) != "not a state at all" || rec.Version != 1 {
		t.Errorf("the corrupt State was overwritten: %+v, %v", rec, err)
	}
	if err := s.PutLead(ctx, "badattrs", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(ctx, "badattrs", []leadscore.Event{{ID: "x", Type: "page_view", Time: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}}); err == nil || !strings.Contains(err.Error(), `"badattrs"`) || !errors.Is(err, store.ErrStoredData) {
		t.Errorf("Apply on undecodable attributes: %v; want an error naming the lead, wrapping ErrStoredData", err)
	}
}

// testRefusedEvent: one bad event in a batch refuses the batch, naming the event's index.
func testRefusedEvent(t *testing.T, ctx context.Context, s store.Store) {
	sc := b2b(t)
	p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s}
	t0 := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	_, err := p.Apply(ctx, "lead-x", []leadscore.Event{
		{ID: "ok", Type: "page_view", Time: t0},
		{ID: "bad", Type: "page_view"}, // no time
	})
	if err == nil || !strings.Contains(err.Error(), "event 1") || !strings.Contains(err.Error(), `"lead-x"`) {
		t.Fatalf("Apply with an event without a time: %v; want an error naming lead-x and event 1", err)
	}
	if rec, err := s.Load(ctx, "lead-x"); err != nil || rec.Version != 0 {
		t.Errorf("after a refused batch, the lead is at version %d (%v); want nothing saved", rec.Version, err)
	}
	if done, err := s.Processed(ctx, "lead-x", []string{"ok", "bad"}); err != nil || len(done) != 0 {
		t.Errorf("after a refused batch, processed = %q, %v; want none", done, err)
	}
}
