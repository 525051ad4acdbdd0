package analysis_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

func TestReplay(t *testing.T) {
	s := compile(t, rules())
	tr, err := analysis.Replay(s, vp())
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Steps) != 2 {
		t.Fatalf("%d steps, want one per event", len(tr.Steps))
	}
	if got := tr.Result.At; !got.Equal(day(2)) {
		t.Errorf("evaluated at %v, want the case's At", got)
	}
	if tr.State.Stage() != leadscore.StageConvert || tr.Result.Stage != leadscore.StageConvert {
		t.Errorf("stage %q (state %q), want convert", tr.Result.Stage, tr.State.Stage())
	}
	var stages []leadscore.Stage
	for _, x := range tr.Transitions {
		if x.Kind == leadscore.TransitionStage {
			stages = append(stages, x.To)
		}
	}
	want := []leadscore.Stage{leadscore.StageCapture, leadscore.StageNurture, leadscore.StageConvert}
	if len(stages) != len(want) {
		t.Fatalf("stage transitions %v, want %v", stages, want)
	}
	for i := range want {
		if stages[i] != want[i] {
			t.Fatalf("stage transitions %v, want %v", stages, want)
		}
	}
	// Steps keep their own slices: a later step does not overwrite an earlier one.
	if len(tr.Steps[0].Contributions) == len(tr.Steps[1].Contributions) {
		t.Errorf("step 1 has %d contributions, step 2 %d: the demo should add one", len(tr.Steps[0].Contributions), len(tr.Steps[1].Contributions))
	}
}

// Trace.Trigger is why now: the demo request that made the VP hot, though the final Advance a
// day later crossed no line (its Result has no Trigger).
func TestReplayTrigger(t *testing.T) {
	s := compile(t, rules())
	tr, err := analysis.Replay(s, vp())
	if err != nil {
		t.Fatal(err)
	}
	if tr.Result.Trigger != nil {
		t.Errorf("the final Advance crossed no line, yet its Result has a Trigger: %+v", tr.Result.Trigger)
	}
	if tr.Trigger == nil || tr.Trigger.Kind != leadscore.TriggerEvent || tr.Trigger.Event != "demo_request" {
		t.Fatalf("Trace.Trigger %+v, want the demo request", tr.Trigger)
	}
	final, err := analysis.ReplayFinal(s, vp())
	if err != nil || !reflect.DeepEqual(final.Trigger, tr.Trigger) {
		t.Errorf("ReplayFinal's Trigger %+v (%v), want Replay's %+v", final.Trigger, err, tr.Trigger)
	}
	quiet := analysis.ReplayedLead[leadscore.Lead]{Lead: leadscore.Lead{Title: "Analyst"}, At: day(1)}
	if tr, err := analysis.Replay(s, quiet); err != nil || tr.Trigger != nil {
		t.Errorf("a lead that crossed no line: Trigger %+v (%v), want none", tr.Trigger, err)
	}
}

// Without At, the lead is evaluated at its latest event, whatever the order of the events.
func TestReplayAtLatestEvent(t *testing.T) {
	s := compile(t, rules())
	c := vp()
	c.At = time.Time{}
	c.Events = []leadscore.Event{{Type: "demo_request", Time: day(3)}, {Type: "page_view", Path: "/pricing", Time: day(1)}}
	tr, err := analysis.Replay(s, c)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Result.At.Equal(day(3)) {
		t.Errorf("evaluated at %v, want the latest event's time %v", tr.Result.At, day(3))
	}
}

// Time-driven changes up to At are applied, as an engine calling Advance would see them.
func TestReplayAdvancesToAt(t *testing.T) {
	cfg := rules()
	cfg.Journey = leadscore.DefaultJourney()
	cfg.Journey.Stages[3].SLA = leadscore.Duration(48 * time.Hour) // convert
	s := compile(t, cfg)
	c := vp()
	c.At = day(10)
	tr, err := analysis.Replay(s, c)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Result.Stalled {
		t.Errorf("not stalled 9 days into a 2-day SLA")
	}
	found := false
	for _, x := range tr.Result.Transitions {
		found = found || x.Kind == leadscore.TransitionSLA
	}
	if !found {
		t.Errorf("the final Advance reported no SLA transition: %+v", tr.Result.Transitions)
	}
}

func TestReplayErrors(t *testing.T) {
	s := compile(t, rules())
	if _, err := analysis.Replay(s, analysis.ReplayedLead[leadscore.Lead]{Name: "empty"}); err == nil {
		t.Error("a case with neither events nor At ran")
	}
	c := vp()
	c.Events[1].Time = time.Time{}
	_, err := analysis.Replay(s, c)
	if !errors.Is(err, leadscore.ErrEventTime) {
		t.Errorf("got %v, want leadscore.ErrEventTime", err)
	}
}

// Rule errors are collected from every evaluation of a run, once per rule and field.
func TestReplayCollectsRuleErrors(t *testing.T) {
	cfg := rules()
	cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: "budget", Dimension: leadscore.Fit, When: `lead.Traits.budget > 1000`, Points: 5})
	tr, err := analysis.Replay(compile(t, cfg), vp())
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Errors) != 1 || tr.Errors[0].RuleID != "budget" {
		t.Fatalf("errors %v, want one for rule budget", tr.Errors)
	}
}

// ReplayFinal is Replay without the steps: the same Result, transitions, rule errors and
// State on generated leads with several events each, the preset's rules and detectors on.
func TestReplayFinalAgreesWithReplay(t *testing.T) {
	s := compile(t, leadscore.DefaultB2B())
	types := []string{leadscore.EventPageView, leadscore.EventEmailClick, leadscore.EventDemoRequest, leadscore.EventContentDownload, leadscore.EventWebinarAttended}
	for i := range 200 {
		lead := analysis.ReplayedLead[leadscore.Lead]{Lead: leadscore.Lead{Title: []string{"VP Sales", "Student", "CTO"}[i%3], Email: "x@globex.example"}}
		for k := range 1 + i%7 {
			lead.Events = append(lead.Events, leadscore.Event{Type: types[(i+k)%len(types)], Path: "/pricing", Time: day(1).Add(time.Duration(k*(i+1)) * time.Hour)})
		}
		if i%4 == 0 {
			lead.At = day(40)
		}
		full, err1 := analysis.Replay(s, lead)
		final, err2 := analysis.ReplayFinal(s, lead)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("lead %d: Replay %v, ReplayFinal %v", i, err1, err2)
		}
		if final.Steps != nil {
			t.Fatalf("lead %d: ReplayFinal kept %d steps", i, len(final.Steps))
		}
		a, _ := full.State.MarshalBinary()
		b, _ := final.State.MarshalBinary()
		if !reflect.DeepEqual(full.Result, final.Result) || !reflect.DeepEqual(full.Transitions, final.Transitions) ||
			!reflect.DeepEqual(full.Errors, final.Errors) || !reflect.DeepEqual(full.Trigger, final.Trigger) || !bytes.Equal(a, b) {
			t.Fatalf("lead %d: ReplayFinal differs from Replay:\n%+v\n%+v", i, final.Result, full.Result)
		}
	}
}
