package report_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/report"
)

const day = leadscore.Day

func TestFunnel(t *testing.T) {
	cfg := leadscore.DefaultB2B()
	cfg.Journey = leadscore.DefaultJourney()
	cfg.Journey.Stages[3].SLA = leadscore.Duration(5 * day) // convert: sales must act within 5 days
	s := compileT(t, cfg)
	lead := leadscore.Lead{Email: "a@b.example"}
	var states []*leadscore.State
	run := func(evs ...leadscore.Event) {
		st := &leadscore.State{}
		observeT(t, s, lead, st, evs...)
		states = append(states, st)
	}
	run(ev(leadscore.EventPageView, t0))                                                  // attract
	run(ev(leadscore.EventFormSubmit, t0))                                                // nurture
	run(ev(leadscore.EventFormSubmit, t0), ev(leadscore.EventDemoRequest, t0.Add(2*day))) // convert, stalled by now
	run(ev(leadscore.EventFormSubmit, t0), ev(leadscore.EventDemoRequest, t0.Add(4*day)), // expand, repeat customer
		leadscore.Event{Type: leadscore.EventPurchase, Value: 1000, Time: t0.Add(10 * day)},
		leadscore.Event{Type: leadscore.EventPurchase, Value: 500, Time: t0.Add(20 * day)})
	run(ev(leadscore.EventFormSubmit, t0), ev(leadscore.EventCall, t0.Add(day)), ev(leadscore.EventNoDecision, t0.Add(9*day))) // recycled
	states = append(states, nil, &leadscore.State{})                                                                           // neither is a lead yet
	f := report.FunnelOf(s, slices.Values(states), t0.Add(30*day))

	if f.Leads != 5 || f.SQL != 3 || f.Customers != 1 || f.RepeatCustomers != 1 || f.Revenue != 1500 || f.ExpansionRevenue != 500 {
		t.Fatalf("funnel %+v", f)
	}
	want := map[leadscore.Stage]struct{ current, entered, stalled int }{
		leadscore.StageAttract: {1, 5, 0}, leadscore.StageCapture: {0, 4, 0}, leadscore.StageNurture: {2, 4, 0},
		leadscore.StageConvert: {1, 3, 1}, leadscore.StageExpand: {1, 1, 0},
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
	if d := f.Stages[4].MedianDays; !math.IsNaN(d) {
		t.Errorf("expand median %v, want NaN: nobody left it", d)
	}
}

// An empty population: no leads, and every rate and median NaN, not 0.
func TestFunnelEmpty(t *testing.T) {
	s := compileT(t, leadscore.DefaultB2B())
	f := report.FunnelOf(s, slices.Values([]*leadscore.State(nil)), t0)
	if f.Leads != 0 || len(f.Stages) != 5 || f.Stages[2].Owner != leadscore.OwnerMarketing {
		t.Fatalf("funnel %+v", f)
	}
	for _, row := range f.Stages {
		if !math.IsNaN(row.ConversionToNext) || !math.IsNaN(row.MedianDays) || row.Entered != 0 {
			t.Errorf("%s: %+v", row.Stage, row)
		}
	}
}

// A report's now outside the time range is taken to its nearest end, never wrapped: at the
// zero time nobody has stalled yet, far in the future everyone in a stage with an SLA has.
func TestFunnelTimeOutOfRange(t *testing.T) {
	cfg := leadscore.DefaultB2B()
	cfg.Journey = leadscore.DefaultJourney()
	cfg.Journey.Stages[2].SLA = leadscore.Duration(day) // nurture
	s := compileT(t, cfg)
	var st leadscore.State
	observeT(t, s, leadscore.Lead{}, &st, ev(leadscore.EventFormSubmit, t0))
	stalled := func(now time.Time) int {
		return report.FunnelOf(s, slices.Values([]*leadscore.State{&st}), now).Stages[2].Stalled
	}
	if got := stalled(time.Time{}); got != 0 {
		t.Errorf("at the zero time: %d stalled", got)
	}
	if a, b := stalled(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)), stalled(leadscore.MaxTime.Add(-time.Nanosecond)); a != 1 || b != 1 {
		t.Errorf("far in the future: %d and %d stalled, want 1", a, b)
	}
}

// A report only reads: the States it is given are unchanged, byte for byte.
func TestFunnelDoesNotModifyStates(t *testing.T) {
	s := compileT(t, leadscore.DefaultB2B())
	var st leadscore.State
	observeT(t, s, leadscore.Lead{}, &st, ev(leadscore.EventFormSubmit, t0), ev(leadscore.EventDemoRequest, t0.Add(day)))
	before, _ := st.MarshalBinary()
	report.FunnelOf(s, slices.Values([]*leadscore.State{&st}), t0.Add(400*day))
	if after, _ := st.MarshalBinary(); string(after) != string(before) {
		t.Error("FunnelOf changed a State")
	}
}
