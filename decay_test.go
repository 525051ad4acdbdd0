package leadscore

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestEventRuleDecay(t *testing.T) {
	s := compileT(t, Config{Events: []EventRule{
		{ID: "pricing", On: []string{EventPageView}, Points: 10, HalfLife: Duration(14 * Day)},
	}})
	var st State
	observeT(t, s, Lead{}, &st, ev(EventPageView, t0), ev(EventPageView, t0.Add(7*Day)))
	tests := []struct {
		name string
		at   time.Time
		want float64
	}{
		{"at the second event", t0.Add(7 * Day), 10*math.Exp2(-0.5) + 10},
		{"one half-life after the first", t0.Add(14 * Day), 10*0.5 + 10*math.Exp2(-0.5)},
		{"two half-lives after the second", t0.Add(35 * Day), (10*math.Exp2(-0.5) + 10) * 0.25},
		{"before the latest event: evaluated at it", t0.Add(time.Hour), 10*math.Exp2(-0.5) + 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scoreT(t, s, Lead{}, &st, tt.at)
			if !near(got.Engagement, tt.want) || !near(got.Total, tt.want) {
				t.Fatalf("engagement %v, total %v, want %v", got.Engagement, got.Total, tt.want)
			}
		})
	}
}

func TestEventRuleMaxAndNoDecay(t *testing.T) {
	s := compileT(t, Config{Events: []EventRule{
		{ID: "click", On: []string{EventEmailClick}, Points: 4, Max: 10},
		{ID: "unsub", On: []string{EventEmailUnsubscribe}, Points: -7, Max: 10},
	}})
	tests := []struct {
		clicks, unsubs int
		click, unsub   float64
	}{
		{clicks: 1, click: 4},
		{clicks: 2, click: 8},
		{clicks: 3, click: 10}, // 12 capped at 10
		{clicks: 30, click: 10},
		{unsubs: 1, unsub: -7},
		{unsubs: 2, unsub: -10}, // −14 capped at −10: max limits the magnitude
	}
	for _, tt := range tests {
		var st State
		for i := range tt.clicks {
			observeT(t, s, Lead{}, &st, ev(EventEmailClick, t0.Add(time.Duration(i)*time.Hour)))
		}
		for i := range tt.unsubs {
			observeT(t, s, Lead{}, &st, ev(EventEmailUnsubscribe, t0.Add(time.Duration(i)*time.Hour)))
		}
		res := scoreT(t, s, Lead{}, &st, t0.Add(365*Day)) // no half-life: no decay
		c, _ := contribution(res, "click")
		u, _ := contribution(res, "unsub")
		if c.Points != tt.click || u.Points != tt.unsub {
			t.Errorf("%d clicks, %d unsubscribes: click %v unsub %v, want %v %v", tt.clicks, tt.unsubs, c.Points, u.Points, tt.click, tt.unsub)
		}
	}
}

func TestEventRuleOnceCountsTheEarliest(t *testing.T) {
	s := compileT(t, Config{Events: []EventRule{
		{ID: "open", On: []string{EventEmailOpen}, Points: 8, HalfLife: Duration(Day), Once: true},
	}})
	var st State
	// Out of order: the earliest event arrives last, and it is the one that counts.
	observeT(t, s, Lead{}, &st, ev(EventEmailOpen, t0.Add(2*Day)), ev(EventEmailOpen, t0.Add(3*Day)), ev(EventEmailOpen, t0))
	res := scoreT(t, s, Lead{}, &st, t0.Add(3*Day))
	c, _ := contribution(res, "open")
	if !near(c.Points, 8*0.125) || c.Events != 1 {
		t.Fatalf("once contribution %+v, want 1 event worth %v", c, 8*0.125)
	}
}

func TestEventRuleWhenAndTypes(t *testing.T) {
	s := compileT(t, Config{
		Pages: map[string][]string{"pricing": {"/pricing"}},
		Events: []EventRule{
			{ID: "pricing", On: []string{EventPageView}, When: `event.Category == "pricing"`, Points: 5},
			{ID: "any-phone", When: `event.Channel == "phone"`, Points: 1},
			{ID: "big-order", On: []string{EventPurchase}, When: `event.Value >= 100 && event.Properties.coupon != true`, Points: 3},
		},
	})
	var st State
	res := observeT(t, s, Lead{}, &st,
		Event{Type: EventPageView, Path: "/pricing/teams", Time: t0},
		Event{Type: EventPageView, Path: "/blog", Time: t0},
		Event{Type: "some_unknown_type", Channel: "phone", Time: t0},
		Event{Type: EventCall, Channel: "phone", Time: t0},
		Event{Type: EventPurchase, Value: 99.99, Time: t0},
		Event{Type: EventPurchase, Value: 100, Time: t0},
		Event{Type: EventPurchase, Value: 500, Properties: map[string]any{"coupon": true}, Time: t0},
	)
	want := map[string]int{"pricing": 1, "any-phone": 2, "big-order": 1}
	for id, n := range want {
		c, ok := contribution(res, id)
		if !ok || c.Events != n {
			t.Errorf("%s: %+v, want %d events", id, c, n)
		}
	}
	if len(res.Errors) != 0 {
		t.Errorf("unexpected rule errors: %v", res.Errors)
	}
}

// Exponential decay is order-free: any arrival order of the same events gives the same
// contributions within 1e-9 relative.
func TestOrderIndependence(t *testing.T) {
	s := compileT(t, DefaultB2B())
	rng := rand.New(rand.NewPCG(1, 2))
	types := []string{EventPageView, EventEmailClick, EventEmailOpen, EventCall, EventFormSubmit, EventContentDownload, EventEmailBounce}
	paths := []string{"/pricing", "/product/x", "/blog/y", "/careers"}
	for trial := range 50 {
		n := 1 + rng.IntN(40)
		evs := make([]Event, n)
		for i := range evs {
			evs[i] = Event{Type: types[rng.IntN(len(types))], Path: paths[rng.IntN(len(paths))],
				Time: t0.Add(time.Duration(rng.Int64N(int64(90 * Day))))}
		}
		lead := Lead{Title: "VP Sales", Email: "a@b.example"}
		var a, b State
		observeT(t, s, lead, &a, evs...)
		rng.Shuffle(n, func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
		observeT(t, s, lead, &b, evs...)
		at := t0.Add(100 * Day)
		ra, rb := scoreT(t, s, lead, &a, at), scoreT(t, s, lead, &b, at)
		if len(ra.Contributions) != len(rb.Contributions) {
			t.Fatalf("trial %d: %d vs %d contributions", trial, len(ra.Contributions), len(rb.Contributions))
		}
		for i := range ra.Contributions {
			ca, cb := ra.Contributions[i], rb.Contributions[i]
			if ca.RuleID != cb.RuleID || !near(ca.Points, cb.Points) || ca.Events != cb.Events {
				t.Fatalf("trial %d: %+v vs %+v", trial, ca, cb)
			}
		}
	}
}

func TestDuplicateEventIDsAreIgnored(t *testing.T) {
	s := compileT(t, Config{Events: []EventRule{{ID: "click", On: []string{EventEmailClick}, Points: 1}}})
	var st State
	e := Event{ID: "evt-1", Type: EventEmailClick, Time: t0}
	observeT(t, s, Lead{}, &st, e)
	res := observeT(t, s, Lead{}, &st, e)
	if !res.Duplicate || res.Total != 1 || st.Events() != 1 {
		t.Fatalf("repeat: duplicate=%v total=%v events=%d", res.Duplicate, res.Total, st.Events())
	}
	res = observeT(t, s, Lead{}, &st, Event{ID: "evt-2", Type: EventEmailClick, Time: t0})
	if res.Duplicate || res.Total != 2 {
		t.Fatalf("new ID: duplicate=%v total=%v", res.Duplicate, res.Total)
	}
	// Events without an ID are never de-duplicated.
	observeT(t, s, Lead{}, &st, ev(EventEmailClick, t0), ev(EventEmailClick, t0))
	if st.Events() != 4 {
		t.Fatalf("events = %d, want 4", st.Events())
	}
}

func TestDedupWindowIsBounded(t *testing.T) {
	s := compileT(t, Config{Events: []EventRule{{ID: "click", Points: 1}}}, WithDedupWindow(3))
	var st State
	for i, id := range []string{"a", "b", "c", "d", "a", "d"} {
		observeT(t, s, Lead{}, &st, Event{ID: id, Type: EventEmailClick, Time: t0.Add(time.Duration(i))})
	}
	// "a" fell out of the window of 3 after "d", so it counts again; the second "d" does not.
	if st.Events() != 5 || len(st.d.IDs) != 3 {
		t.Fatalf("events = %d (want 5), ids kept = %d (want 3)", st.Events(), len(st.d.IDs))
	}
}
