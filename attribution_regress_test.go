package leadscore

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// R1: Scorer.Merge of a decoded State (layout without session settings: cap 0 → 64) keeps up to
// 64 visits in a State whose rule set keeps 16; MarshalBinary then writes more than
// MaxStateBytes, which SECURITY.md / MaxStateBytes promise for States changed only through s.
func TestRegressMergeDecodedExceedsMaxStateBytes(t *testing.T) {
	cfg := Config{Pages: map[string][]string{"pricing": {"/pricing"}}}
	s := compileT(t, cfg)
	long := strings.Repeat("x", 200)
	mk := func(part int) *State {
		var st State
		for i := range 16 {
			at := t0.Add(time.Duration(8*i+part) * time.Hour)
			observeT(t, s, Lead{}, &st, Event{Type: EventPageView, Path: "/pricing", Time: at,
				Channel: long + "a", Campaign: long + "b", Content: long + "c", CTA: long + "d"})
		}
		for i := range 70 { // fill the dedup window
			observeT(t, s, Lead{}, &st, Event{ID: strings.Repeat("i", 100) + string(rune('a'+part)) + time.Duration(i).String(), Type: EventEmailOpen, Time: t0.Add(time.Duration(i) * time.Minute)})
		}
		observeT(t, s, Lead{}, &st,
			Event{Type: EventQuestion, Time: t0.Add(time.Hour), Properties: map[string]any{"text": strings.Repeat("q", 400)}},
			Event{Type: EventCheckoutStart, Value: 1e300, Time: t0.Add(time.Hour), Properties: map[string]any{"step": strings.Repeat("s", 100)}},
			Event{Type: EventSalesRejected, Time: t0.Add(time.Hour), Properties: map[string]any{"reason": strings.Repeat("r", 400)}},
			Event{Type: EventPurchase, Value: 1e300, Time: t0.Add(2 * time.Hour)})
		// Fill the stage history: nurture ⇄ convert, over and over.
		observeT(t, s, Lead{}, &st, Event{Type: EventFormSubmit, Time: t0.Add(20 * Day)})
		for k := range 12 {
			observeT(t, s, Lead{}, &st, Event{Type: EventCall, Time: t0.Add(20*Day + time.Duration(2*k+1)*time.Hour)},
				Event{Type: EventNoDecision, Time: t0.Add(20*Day + time.Duration(2*k+2)*time.Hour)})
		}
		return &st
	}
	// Each step: a new part (bound to s) merged with the bytes of the previous merge.
	var dst *State
	prev, _ := mk(0).MarshalBinary()
	for part := 1; part < 4; part++ {
		var src State
		if err := src.UnmarshalBinary(prev); err != nil {
			t.Fatal(err)
		}
		dst = mk(part)
		if err := s.Merge(dst, &src); err != nil {
			t.Fatal(err)
		}
		prev, _ = dst.MarshalBinary()
	}
	b, err := dst.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("visits kept %d (rule set keeps %d), %d bytes, MaxStateBytes %d", len(dst.d.Sessions), s.visits.cap, len(b), s.MaxStateBytes())
	if len(dst.d.Sessions) > s.visits.cap {
		t.Errorf("Scorer.Merge left %d visits, the rule set keeps %d", len(dst.d.Sessions), s.visits.cap)
	}
	if len(b) > s.MaxStateBytes() {
		t.Errorf("MarshalBinary wrote %d bytes > MaxStateBytes %d", len(b), s.MaxStateBytes())
	}
	// And the order of the parts matters: merging the same parts bound (not decoded) keeps 16.
	dst2 := mk(0)
	for part := 1; part < 4; part++ {
		p := mk(part)
		s.Merge(p, dst2)
		dst2 = p
	}
	b2, _ := dst2.MarshalBinary()
	if !bytes.Equal(b, b2) {
		t.Errorf("Scorer.Merge of decoded parts (%d visits) differs from Merge of the same parts in memory (%d visits)", len(dst.d.Sessions), len(dst2.d.Sessions))
	}
}

// R2: State.Merge of two States loaded from bytes groups visits with a gap of 0 (a decoded
// layout has no session settings): views 5 minutes apart, one visit for a State that saw them
// all, stay two visits, and frequent_visits fires on 2 real visits.
func TestRegressMergeDecodedSessionGap(t *testing.T) {
	s := compileT(t, Config{Pages: map[string][]string{"pricing": {"/pricing"}}})
	pv := func(d time.Duration) Event { return Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(d)} }
	load := func(evs ...Event) *State {
		var st State
		observeT(t, s, Lead{}, &st, evs...)
		b, err := st.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var out State
		if err := out.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		return &out
	}
	var all State // one State that saw every view: two visits
	observeT(t, s, Lead{}, &all, pv(0), pv(5*time.Minute), pv(Day), pv(Day+5*time.Minute))
	a := load(pv(0), pv(Day))
	b := load(pv(5*time.Minute), pv(Day+5*time.Minute))
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	t.Logf("one State: %v; merged from bytes: %v", all.d.Sessions, a.d.Sessions)
	at := t0.Add(Day + time.Hour)
	want := hasSignal(scoreT(t, s, Lead{}, &all, at), SignalFrequentVisits)
	got := scoreT(t, s, Lead{}, a, at)
	if hasSignal(got, SignalFrequentVisits) != want {
		sig, _ := signalOf(got, SignalFrequentVisits)
		t.Errorf("frequent_visits on the merged State: %v (%q), on one State that saw the same views: %v", !want, sig.Reason, want)
	}
	if len(a.d.Sessions) != len(all.d.Sessions) {
		t.Errorf("merged State holds %d visits, one State that saw the same views %d", len(a.d.Sessions), len(all.d.Sessions))
	}
}

// R3: HandoffTouch is "the last touch before the lead first reached a hand-off tier", but a
// touch dated before the hand-off that arrives after it (late event) or sits in another shard
// (Merge) is ignored: the result depends on arrival order / sharding.
func TestRegressHandoffTouchLateEvent(t *testing.T) {
	cfg := signalConfig()
	cfg.Events = []EventRule{{ID: "demo", On: []string{EventDemoRequest}, Points: 100}}
	hot := 50.0
	cfg.Tiers = []Tier{{Name: "hot", Min: &hot, Handoff: true}, {Name: "cold"}}
	s := compileT(t, cfg)
	touch := func(at time.Time, campaign string) Event {
		return Event{Type: EventEmailClick, Time: at, Channel: "email", Campaign: campaign}
	}
	early, late, demo := touch(t0.Add(Day), "spring"), touch(t0.Add(2*Day), "nurture"), ev(EventDemoRequest, t0.Add(3*Day))
	var inOrder, lateOrder State
	for _, e := range []Event{early, late, demo} {
		observeT(t, s, Lead{}, &inOrder, e)
	}
	for _, e := range []Event{early, demo, late} { // the nurture click is delivered late
		observeT(t, s, Lead{}, &lateOrder, e)
	}
	var a, b State
	observeT(t, s, Lead{}, &a, early, demo)
	observeT(t, s, Lead{}, &b, late)
	if err := s.Merge(&a, &b); err != nil {
		t.Fatal(err)
	}
	want := inOrder.HandoffTouch()
	if got := lateOrder.HandoffTouch(); got != want {
		t.Errorf("late delivery: hand-off touch %q, in order %q", got.Campaign, want.Campaign)
	}
	if got := a.HandoffTouch(); got != want {
		t.Errorf("merged shards: hand-off touch %q, one State %q", got.Campaign, want.Campaign)
	}
}

// Allocation check: Accumulate of attributed events, new visits, clean question text and cart step.
func TestRegressAttributionAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool allocate")
	}
	s := compileT(t, DefaultB2B())
	var st State
	i := 0
	for range 100 { // warm up: visits at capacity
		i++
		s.Accumulate(benchLead, &st, Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(time.Duration(i) * time.Hour)})
	}
	props := map[string]any{"text": "Do you support SSO?", "step": "payment"}
	for _, tc := range []struct {
		name string
		ev   func(i int) Event
	}{
		{"attributed page view, new visit", func(i int) Event {
			return Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(time.Duration(i) * time.Hour), Channel: "email", Campaign: "spring", Content: "guide.pdf", CTA: "trial"}
		}},
		{"question with text", func(i int) Event {
			return Event{Type: EventQuestion, Time: t0.Add(time.Duration(i) * time.Hour), Properties: props, Campaign: "spring"}
		}},
		{"cart with step", func(i int) Event {
			return Event{Type: EventCartAdd, Time: t0.Add(time.Duration(i) * time.Hour), Properties: props, Campaign: "spring"}
		}},
	} {
		if n := testing.AllocsPerRun(100, func() { i++; _, _ = s.Accumulate(benchLead, &st, tc.ev(i)) }); n != 0 {
			t.Errorf("%s: %v allocations", tc.name, n)
		}
	}
}

// R8: a State written before version 4 (rings, no visits) loses its page views from
// frequent_visits when merged with a State that has visits: Merge unites the visit lists only
// (takeVisit rebuilds them from the rings on Observe, Merge does not), and once a State has
// visits its rings are no longer read. A lead with 4 visits shows 1.
func TestRegressMergeOldStateLosesVisits(t *testing.T) {
	s := compileT(t, Config{Pages: map[string][]string{"pricing": {"/pricing"}}})
	pv := func(d time.Duration) Event { return Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(d)} }
	var old State
	observeT(t, s, Lead{}, &old, pv(0), pv(Day), pv(2*Day))
	old.d.Sessions, old.d.Totals = nil, nil // what a release before v4 held
	b, err := old.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("old State written as version %d", b[4])
	var loaded State
	if err := loaded.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(3*Day + time.Hour)
	if !hasSignal(scoreT(t, s, Lead{}, &loaded, at), SignalFrequentVisits) {
		t.Fatal("the old State alone: frequent_visits should fire (3 visits)")
	}
	var fresh State
	observeT(t, s, Lead{}, &fresh, pv(3*Day))
	if err := s.Merge(&loaded, &fresh); err != nil {
		t.Fatal(err)
	}
	r := scoreT(t, s, Lead{}, &loaded, at)
	if !hasSignal(r, SignalFrequentVisits) {
		t.Errorf("after merging one more visit: frequent_visits cleared; visits %v", loaded.d.Sessions)
	}
}

// R9: two cart events at the same instant with different steps: the State keeps the step of
// whichever was delivered last, while Merge breaks the tie by the step — order-dependent.
func TestRegressCartStepTie(t *testing.T) {
	s := compileT(t, signalConfig())
	cart := func(step string) Event {
		return Event{Type: EventCartAdd, Time: t0, Value: 10, Properties: map[string]any{"step": step}}
	}
	var ab, ba, merged, other State
	observeT(t, s, Lead{}, &ab, cart("payment"), cart("shipping"))
	observeT(t, s, Lead{}, &ba, cart("shipping"), cart("payment"))
	observeT(t, s, Lead{}, &merged, cart("shipping"))
	observeT(t, s, Lead{}, &other, cart("payment"))
	s.Merge(&merged, &other)
	if ab.d.Cart.Step != ba.d.Cart.Step || ab.d.Cart.Step != merged.d.Cart.Step {
		t.Errorf("cart step by delivery order: %q / %q, merged %q", ab.d.Cart.Step, ba.d.Cart.Step, merged.d.Cart.Step)
	}
}

// R10: NextWakeup for frequent_visits still wakes at every page view the ring holds leaving
// the window (ring expiry), besides each visit leaving: 5 wake-ups, 1 transition (never late,
// just redundant).
func TestRegressVisitWakeups(t *testing.T) {
	cfg := signalConfig()
	s := compileT(t, cfg)
	var st State
	for v := range 3 {
		for k := range 10 {
			observeT(t, s, Lead{}, &st, view("/pricing", t0.Add(time.Duration(v)*Day+time.Duration(k)*time.Minute)))
		}
	}
	wakes, changes := 0, 0
	for range 200 {
		w, ok := s.NextWakeup(&st)
		if !ok || w.After(t0.Add(60*Day)) {
			break
		}
		wakes++
		t.Logf("wake at t0+%v", w.Sub(t0))
		r, err := s.Advance(Lead{}, &st, w)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Transitions) > 0 {
			changes++
		}
	}
	t.Logf("%d wake-ups, %d with a transition", wakes, changes)
	if wakes > 3 {
		t.Errorf("%d wake-ups for 3 visits leaving the window (%d transitions)", wakes, changes)
	}
}

// Property probe: Scorer.Merge of three shards of random attributed events, in every
// grouping and order, gives the same bytes.
func TestRegressMergeAssociativeProbe(t *testing.T) {
	s := compileT(t, signalConfig())
	r := newRegressRand(7)
	camps := []string{"a", "b", "c", ""}
	for trial := range 300 {
		var shards [3][]Event
		n := 5 + r.next()%60
		for i := range n {
			at := t0.Add(time.Duration(r.next()%(20*24*60)) * time.Minute)
			var e Event
			switch r.next() % 4 {
			case 0, 1:
				e = view("/pricing", at)
			case 2:
				e = Event{Type: EventQuestion, Time: at, Properties: map[string]any{"text": camps[r.next()%3] + "?"}}
			default:
				e = Event{Type: EventEmailClick, Time: at}
			}
			e.Campaign = camps[r.next()%4]
			e.ID = time.Duration(i).String()
			k := r.next() % 3
			shards[k] = append(shards[k], e)
		}
		mk := func(k int) *State {
			var st State
			for _, e := range shards[k] {
				observeT(t, s, Lead{}, &st, e)
			}
			return &st
		}
		enc := func(st *State) string { b, _ := st.MarshalBinary(); return string(b) }
		ab := mk(0)
		s.Merge(ab, mk(1))
		s.Merge(ab, mk(2)) // (a+b)+c
		bc := mk(1)
		s.Merge(bc, mk(2))
		a := mk(0)
		s.Merge(a, bc) // a+(b+c)
		cb := mk(2)
		s.Merge(cb, mk(1))
		s.Merge(cb, mk(0)) // (c+b)+a
		if enc(ab) != enc(a) || enc(ab) != enc(cb) {
			t.Fatalf("trial %d: merges differ: visits %v / %v / %v", trial, ab.d.Sessions, a.d.Sessions, cb.d.Sessions)
		}
	}
}

type regressRand struct{ x uint64 }

func newRegressRand(seed uint64) *regressRand { return &regressRand{seed*2654435761 + 1} }
func (r *regressRand) next() int {
	r.x ^= r.x << 13
	r.x ^= r.x >> 7
	r.x ^= r.x << 17
	return int(r.x >> 1 & 0x7fffffff)
}

// Hostile properties and attribution texts: no panic, texts bounded and on one line.
func TestRegressHostileTexts(t *testing.T) {
	s := compileT(t, signalConfig())
	huge := strings.Repeat("é\u202e\x00\u2028 ", 1000)
	var st State
	for i, p := range []any{huge, 42, map[string]any{"x": 1}, []any{"a"}, nil, "\xff\xfe", "\u202eevil\u202c"} {
		at := t0.Add(time.Duration(i) * time.Hour)
		observeT(t, s, Lead{}, &st,
			Event{Type: EventQuestion, Time: at, Properties: map[string]any{"text": p}, Channel: huge, Campaign: "\u2066x\u2069", CTA: "\n"},
			Event{Type: EventCheckoutStart, Time: at, Properties: map[string]any{"step": p}})
		q, _ := st.Question()
		for _, txt := range []string{q, st.d.Cart.Step, st.FirstTouch().Channel, st.LastTouch().Campaign, st.LastTouch().CTA} {
			if len(txt) > MaxQuestionText || strings.ContainsAny(txt, "\u202e\u2028\x00\n\u2066") {
				t.Errorf("property %d: text %q", i, txt[:min(len(txt), 40)])
			}
		}
	}
	if _, err := st.MarshalBinary(); err != nil {
		t.Fatal(err)
	}
	r := scoreT(t, s, Lead{}, &st, t0.Add(7*time.Hour))
	for _, sig := range r.Signals {
		if strings.ContainsAny(sig.Reason, "\u202e\u2028\x00\n") {
			t.Errorf("reason %q", sig.Reason)
		}
	}
}
