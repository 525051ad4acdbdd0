package leadscore

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestFunnel(t *testing.T) {
	cfg := DefaultB2B()
	cfg.Journey = DefaultJourney()
	cfg.Journey.Stages[3].SLA = Duration(5 * Day) // convert: sales must act within 5 days
	s := compileT(t, cfg)
	lead := Lead{Email: "a@b.example"}
	var states []*State
	run := func(evs ...Event) {
		st := &State{}
		observeT(t, s, lead, st, evs...)
		states = append(states, st)
	}
	run(ev(EventPageView, t0))                                        // attract
	run(ev(EventFormSubmit, t0))                                      // nurture
	run(ev(EventFormSubmit, t0), ev(EventDemoRequest, t0.Add(2*Day))) // convert, stalled by now
	run(ev(EventFormSubmit, t0), ev(EventDemoRequest, t0.Add(4*Day)), // expand, repeat customer
		Event{Type: EventPurchase, Value: 1000, Time: t0.Add(10 * Day)},
		Event{Type: EventPurchase, Value: 500, Time: t0.Add(20 * Day)})
	run(ev(EventFormSubmit, t0), ev(EventCall, t0.Add(Day)), ev(EventNoDecision, t0.Add(9*Day))) // recycled
	f := s.Funnel(slices.Values(states), t0.Add(30*Day))

	if f.Leads != 5 || f.SQL != 3 || f.Customers != 1 || f.RepeatCustomers != 1 || f.Revenue != 1500 || f.ExpansionRevenue != 500 {
		t.Fatalf("funnel %+v", f)
	}
	want := map[Stage]struct{ current, entered, stalled int }{
		StageAttract: {1, 5, 0}, StageCapture: {0, 4, 0}, StageNurture: {2, 4, 0}, StageConvert: {1, 3, 1}, StageExpand: {1, 1, 0},
	}
	for _, row := range f.Stages {
		w := want[row.Stage]
		if row.Current != w.current || row.Entered != w.entered || row.Stalled != w.stalled {
			t.Errorf("%s: %+v, want %+v", row.Stage, row, w)
		}
	}
	if c := f.Stages[0].ConversionToNext; c != 0.8 {
		t.Errorf("attract → capture %v, want 0.8", c)
	}
	if c := f.Stages[3].ConversionToNext; math.Abs(c-1.0/3) > 1e-12 {
		t.Errorf("convert → expand %v, want 1/3", c)
	}
	if !math.IsNaN(f.Stages[4].ConversionToNext) {
		t.Error("the last stage has a next")
	}
	// Capture is left at once: its stays last 0 days. Of the completed stays in convert, the
	// recycled lead's lasted 8 days and the buyer's 6.
	if d := f.Stages[1].MedianDays; d != 0 {
		t.Errorf("capture median %v", d)
	}
	if d := f.Stages[3].MedianDays; d != 7 {
		t.Errorf("convert median %v, want 7 (stays of 6 and 8 days)", d)
	}
}

// A report's now outside the time range is taken to its nearest end, never wrapped: at the
// zero time nobody has stalled yet, far in the future everyone in a stage with an SLA has.
func TestFunnelTimeOutOfRange(t *testing.T) {
	cfg := DefaultB2B()
	cfg.Journey = DefaultJourney()
	cfg.Journey.Stages[2].SLA = Duration(Day) // nurture
	s := compileT(t, cfg)
	var st State
	observeT(t, s, Lead{}, &st, ev(EventFormSubmit, t0))
	stalled := func(now time.Time) int {
		return s.Funnel(slices.Values([]*State{&st}), now).Stages[2].Stalled
	}
	if got := stalled(time.Time{}); got != 0 {
		t.Errorf("at the zero time: %d stalled", got)
	}
	if a, b := stalled(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)), stalled(MaxTime.Add(-time.Nanosecond)); a != 1 || b != 1 {
		t.Errorf("far in the future: %d and %d stalled, want 1", a, b)
	}
}
