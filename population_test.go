package leadscore

import (
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Lifecycle reads what a State records of a lead's journey: stage, stages entered (the first
// always, the current one, those of completed stays), the stall Score reports, the MQL time,
// purchases and revenue.
func TestLifecycle(t *testing.T) {
	cfg := DefaultB2B()
	cfg.Journey = DefaultJourney()
	cfg.Journey.Stages[3].SLA = Duration(5 * Day) // convert
	s := compileT(t, cfg)
	lead := Lead{Email: "a@b.example"}

	for _, st := range []*State{nil, {}} {
		if lc := s.Lifecycle(st, t0); lc.Stage != StageAttract || !slices.Equal(lc.Entered, []Stage{StageAttract}) ||
			lc.Stalled || !lc.MQLAt.IsZero() || lc.Purchases != 0 || lc.Revenue != 0 {
			t.Errorf("new lead: %+v", lc)
		}
	}

	var buyer State
	observeT(t, s, lead, &buyer, ev(EventFormSubmit, t0), ev(EventDemoRequest, t0.Add(4*Day)),
		Event{Type: EventPurchase, Value: 1000, Time: t0.Add(10 * Day)},
		Event{Type: EventPurchase, Value: 500, Time: t0.Add(20 * Day)})
	lc := s.Lifecycle(&buyer, t0.Add(30*Day))
	if lc.Stage != StageExpand || !slices.Equal(lc.Entered, []Stage{StageAttract, StageCapture, StageNurture, StageConvert, StageExpand}) ||
		lc.Stalled || lc.Purchases != 2 || lc.Revenue != 1500 || lc.ExpansionRevenue != 500 {
		t.Errorf("buyer: %+v", lc)
	}

	// A stall is what Score says, at every time; a now before the clock is the clock.
	var stalled State
	observeT(t, s, lead, &stalled, ev(EventFormSubmit, t0), ev(EventDemoRequest, t0.Add(2*Day)))
	for _, at := range []time.Time{time.Time{}, t0, t0.Add(7 * Day), t0.Add(7*Day + time.Nanosecond), t0.Add(30 * Day), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		r, err := s.Score(lead, &stalled, at)
		if err != nil && at.Before(MaxTime) && !at.IsZero() {
			t.Fatal(err)
		}
		if got := s.Lifecycle(&stalled, at).Stalled; err == nil && got != r.Stalled {
			t.Errorf("at %v: Lifecycle stalled %v, Score %v", at, got, r.Stalled)
		}
	}
	if !s.Lifecycle(&stalled, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)).Stalled {
		t.Error("far in the future: not stalled")
	}

	// The MQL time is when the lead first reached a hand-off tier (TestJourneyHandoffTierMovesToConvert's lead).
	hot := Lead{Email: "dana@globex.example", Title: "VP Operations", Company: Company{Employees: 1200}, BANT: BANT{Budget: true}}
	var mql State
	observeT(t, s, hot, &mql, ev(EventSignup, t0), Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(Day)})
	if lc := s.Lifecycle(&mql, t0.Add(Day)); !lc.MQLAt.IsZero() {
		t.Errorf("not yet an MQL: %v", lc.MQLAt)
	}
	at := t0.Add(Day + time.Hour)
	observeT(t, s, hot, &mql, Event{Type: EventPageView, Path: "/pricing", Time: at})
	if lc := s.Lifecycle(&mql, t0.Add(3*Day)); !lc.MQLAt.Equal(at) || lc.Stage != StageConvert {
		t.Errorf("MQL at %v, want %v (stage %s)", lc.MQLAt, at, lc.Stage)
	}

	// Lifecycle only reads.
	before, _ := buyer.MarshalBinary()
	s.Lifecycle(&buyer, t0.Add(400*Day))
	if after, _ := buyer.MarshalBinary(); string(after) != string(before) {
		t.Error("Lifecycle changed the State")
	}
}

// A State written under another journey is read by stage name: a stage this journey lacks
// reads as its first, and only this journey's stages are listed as entered.
func TestLifecycleOtherJourney(t *testing.T) {
	a := compileT(t, DefaultB2B())
	j := DefaultJourney()
	j.Stages = slices.DeleteFunc(j.Stages, func(sc StageConfig) bool { return sc.Name == StageExpand })
	j.Transitions = slices.DeleteFunc(j.Transitions, func(tc TransitionConfig) bool { return tc.From == StageExpand || tc.To == StageExpand })
	cfg := DefaultB2B()
	cfg.Journey = j
	b := compileT(t, cfg)
	var st State
	observeT(t, a, Lead{}, &st, ev(EventCall, t0), Event{Type: EventPurchase, Value: 10, Time: t0.Add(Day)})
	if st.Stage() != StageExpand {
		t.Fatalf("setup: stage %s", st.Stage())
	}
	lc := b.Lifecycle(&st, t0.Add(2*Day))
	if lc.Stage != StageAttract || !slices.Equal(lc.Entered, []Stage{StageAttract, StageCapture, StageNurture, StageConvert}) || lc.Purchases != 1 {
		t.Errorf("under a journey without expand: %+v", lc)
	}
}

// CompileValue compiles as Compile does: the rule set's functions, lists and limits, lead and
// now only; its function is safe for concurrent use and has a budget of its own per call.
func TestCompileValue(t *testing.T) {
	cfg := DefaultB2C()
	cfg.Lists["vip"] = []string{"joe"}
	s := compileT(t, cfg, WithFunction("twice", func(a ...any) (any, error) { return a[0].(float64) * 2, nil }, new(func(float64) float64)))
	fn, err := s.CompileValue(`twice(lead.AvgOrderValue) * (listed("vip", lead.Name) ? 2 : 1) + years_since(lead.CustomerSince)`)
	if err != nil {
		t.Fatal(err)
	}
	lead := Lead{Name: "joe", AvgOrderValue: 100, CustomerSince: t0.AddDate(-1, 0, 0)}
	if v, err := fn(lead, t0); err != nil || math.Abs(v-401) > 0.01 {
		t.Errorf("value %v, %v; want about 401", v, err)
	}
	if v, err := fn(Lead{AvgOrderValue: 1}, t0); err != nil || v != 2 {
		t.Errorf("value %v, %v; want 2", v, err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if v, err := fn(lead, t0); err != nil || math.Abs(v-401) > 0.01 {
					t.Errorf("concurrent: %v, %v", v, err)
					return
				}
			}
		}()
	}
	wg.Wait()

	for src, want := range map[string]string{
		"lead.Nope":                         "lead.Nope",
		"count('purchase', '30d')":          "count is not available in expressions over the lead alone",
		"days_since('purchase')":            "days_since is not available",
		"total * 2":                         "total is not available in expressions over the lead alone",
		"stage == 'x' ? 1 : 0":              "",
		"event.Value":                       "event is only available in event rules",
		"now().Year()":                      "clock",
		"date('2026-01-01').Year()":         "clock",
		"listed('nope', lead.Name) ? 1 : 0": "no list",
		"lead.Name":                         "",
		strings.Repeat("1 + ", 300) + "1":   "nodes",
	} {
		_, err := s.CompileValue(src)
		var re *RuleError
		if !errors.As(err, &re) || re.Kind != "expression" || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40s: %v, want a RuleError saying %q", src, err, want)
		}
	}

	// Every call has its own step budget, and a result that is not a finite number is an error.
	s = compileT(t, DefaultB2C(), WithLimits(Limits{StepBudget: 5_000, CallBudget: 10_000}))
	heavy, err := s.CompileValue(`len(repeat("ab", 1000)) * 1.0`)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 { // 20 × ~2,000 steps: over one call's budget, within each call's
		if v, err := heavy(Lead{}, t0); err != nil || v != 2000 {
			t.Fatalf("call %d: %v, %v", i, v, err)
		}
	}
	over, _ := s.CompileValue(`len(repeat("ab", 10000)) * 1.0`)
	if _, err := over(Lead{}, t0); !errors.Is(err, errStepBudget) {
		t.Errorf("over the step budget: %v", err)
	}
	inf, _ := s.CompileValue(`lead.AvgOrderValue / lead.Margin`)
	if _, err := inf(Lead{AvgOrderValue: 1}, t0); !errors.Is(err, errNotFinite) {
		t.Errorf("1/0: %v", err)
	}
}
