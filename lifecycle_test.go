package leadscore

import (
	"strings"
	"testing"
	"time"
)

func stagesOf(r Result) []string {
	var out []string
	for _, t := range transitionsOf(r, TransitionStage) {
		out = append(out, string(t.From)+"→"+string(t.To))
	}
	return out
}

func TestDefaultJourney(t *testing.T) {
	cfg := DefaultB2B()
	cfg.Lists["competitors"] = []string{"rival.example"}
	s := compileT(t, cfg)
	lead := Lead{Email: "dana@globex.example", Title: "VP Operations", Company: Company{Employees: 1200}}
	var st State
	steps := []struct {
		ev   Event
		want []string
		at   Stage
	}{
		{ev(EventPageView, t0), nil, StageAttract},
		{ev(EventFormSubmit, t0.Add(time.Hour)), []string{"attract→capture", "capture→nurture"}, StageNurture},
		{ev(EventEmailClick, t0.Add(2*time.Hour)), nil, StageNurture},
		{ev(EventDemoRequest, t0.Add(Day)), []string{"nurture→convert"}, StageConvert},
		{ev(EventNoDecision, t0.Add(30*Day)), []string{"convert→nurture"}, StageNurture},
		{ev(EventCall, t0.Add(60*Day)), []string{"nurture→convert"}, StageConvert},
		{Event{Type: EventPurchase, Value: 5000, Time: t0.Add(70 * Day)}, []string{"convert→expand"}, StageExpand},
		{Event{Type: EventPurchase, Value: 2000, Time: t0.Add(200 * Day)}, nil, StageExpand},
		{ev(EventChurn, t0.Add(400*Day)), []string{"expand→nurture"}, StageNurture},
	}
	for i, step := range steps {
		r := observeT(t, s, lead, &st, step.ev)
		if got := stagesOf(r); strings.Join(got, ",") != strings.Join(step.want, ",") {
			t.Fatalf("step %d (%s): transitions %v, want %v", i, step.ev.Type, got, step.want)
		}
		if r.Stage != step.at || st.Stage() != step.at {
			t.Fatalf("step %d: stage %s (state %s), want %s", i, r.Stage, st.Stage(), step.at)
		}
		for _, tr := range transitionsOf(r, TransitionStage) {
			if tr.Reason == "" || !tr.At.Equal(step.ev.Time) {
				t.Errorf("step %d: transition %+v lacks a reason or time", i, tr)
			}
		}
	}
	if h := st.History(); len(h) != 7 || h[0].Stage != StageAttract || h[len(h)-1].Stage != StageExpand {
		t.Errorf("history %+v", h)
	}
	if !st.StageSince().Equal(t0.Add(400 * Day)) {
		t.Errorf("stage since %v", st.StageSince())
	}
	if st.d.Revenue != 7000 || st.d.ExpansionRevenue != 2000 || st.d.Purchases != 2 {
		t.Errorf("revenue %v expansion %v purchases %d", st.d.Revenue, st.d.ExpansionRevenue, st.d.Purchases)
	}
}

func TestJourneyHandoffTierMovesToConvert(t *testing.T) {
	s := compileT(t, DefaultB2B())
	// Fit 50: VP 20, enterprise 15, business email 5, budget 10.
	lead := Lead{Email: "dana@globex.example", Title: "VP Operations", Company: Company{Employees: 1200}, BANT: BANT{Budget: true}}
	var st State
	r := observeT(t, s, lead, &st, ev(EventSignup, t0), Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(Day)})
	if r.Stage != StageNurture || r.Handoff || r.Total >= 70 {
		t.Fatalf("after signup and one pricing view: stage %s handoff %v total %v", r.Stage, r.Handoff, r.Total)
	}
	r = observeT(t, s, lead, &st, Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(Day + time.Hour)})
	if !r.Handoff || r.Stage != StageConvert || strings.Join(stagesOf(r), ",") != "nurture→convert" {
		t.Fatalf("hand-off: stage %s handoff %v total %v transitions %v", r.Stage, r.Handoff, r.Total, r.Transitions)
	}
	if r.Owner != OwnerSales {
		t.Errorf("owner %q, want sales", r.Owner)
	}
}

func TestDisqualifiedNeverConverts(t *testing.T) {
	cfg := DefaultB2B()
	cfg.Lists["competitors"] = []string{"rival.example"}
	s := compileT(t, cfg)
	lead := Lead{Email: "alex@rival.example", Title: "CEO", Company: Company{Employees: 5000, Revenue: 1e9}, BANT: BANT{true, true, true, true}}
	var st State
	r := observeT(t, s, lead, &st, ev(EventFormSubmit, t0), ev(EventDemoRequest, t0.Add(time.Hour)), ev(EventCall, t0.Add(2*time.Hour)))
	if !r.Disqualified || r.Handoff || st.Stage() != StageNurture {
		t.Fatalf("disqualified %v handoff %v stage %s", r.Disqualified, r.Handoff, st.Stage())
	}
}

func TestCustomJourney(t *testing.T) {
	cfg := Config{
		EventTypes: []string{"trial_started"},
		Events:     []EventRule{{ID: "touch", Points: 10}},
		Tiers:      []Tier{{Name: "hot", Min: Float(30), Handoff: true}, {Name: "cold"}},
		Journey: Journey{
			Stages: []StageConfig{
				{Name: "prospect", Owner: "marketing"},
				{Name: "trial", Owner: "product", SLA: Duration(14 * Day)},
				{Name: "sales", Owner: "sales", SLA: Duration(2 * Day)},
				{Name: "dormant", Owner: "marketing"},
			},
			Transitions: []TransitionConfig{
				{From: "prospect", To: "trial", On: []string{"trial_started"}, Reason: "started a trial"},
				{From: "trial", To: "sales", When: "handoff && days_in_stage >= 1", Reason: "hot after a day of trial"},
				{From: "trial", To: "dormant", When: "days_in_stage > 30", Reason: "trial went quiet"},
				{From: "dormant", To: "trial", On: []string{"trial_started"}},
			},
		},
	}
	s := compileT(t, cfg)
	var st State
	r := observeT(t, s, Lead{}, &st, ev(EventPageView, t0))
	if r.Stage != "prospect" || r.Owner != "marketing" {
		t.Fatalf("a new lead is in %q owned by %q, want the first stage", r.Stage, r.Owner)
	}
	r = observeT(t, s, Lead{}, &st, ev("trial_started", t0.Add(time.Hour)))
	if r.Stage != "trial" || r.Owner != "product" {
		t.Fatalf("stage %q owner %q", r.Stage, r.Owner)
	}
	// Hot, but not yet a day in trial: stays.
	r = observeT(t, s, Lead{}, &st, ev(EventCall, t0.Add(2*time.Hour)))
	if !r.Handoff || r.Stage != "trial" {
		t.Fatalf("handoff %v stage %q", r.Handoff, r.Stage)
	}
	// NextWakeup knows when days_in_stage >= 1 comes true.
	wake, ok := s.NextWakeup(&st)
	if want := t0.Add(time.Hour + Day); !ok || !wake.Equal(want) {
		t.Fatalf("NextWakeup = %v %v, want %v", wake, ok, want)
	}
	if r, _ := s.Advance(Lead{}, &st, wake.Add(-time.Nanosecond)); r.Stage != "trial" {
		t.Fatalf("moved a nanosecond early: %q", r.Stage)
	}
	r, _ = s.Advance(Lead{}, &st, wake)
	if r.Stage != "sales" || strings.Join(stagesOf(r), ",") != "trial→sales" {
		t.Fatalf("at the wakeup: %q %v", r.Stage, r.Transitions)
	}
	// The sales SLA: stalled after 2 days, reported once.
	wake, ok = s.NextWakeup(&st)
	if want := t0.Add(time.Hour + 3*Day + time.Nanosecond); !ok || !wake.Equal(want) {
		t.Fatalf("SLA wakeup = %v %v, want %v", wake, ok, want)
	}
	r, _ = s.Advance(Lead{}, &st, wake)
	sla := transitionsOf(r, TransitionSLA)
	if !r.Stalled || len(sla) != 1 || !r.StalledSince.Equal(t0.Add(time.Hour+3*Day)) {
		t.Fatalf("stalled %v since %v transitions %+v", r.Stalled, r.StalledSince, r.Transitions)
	}
	if r, _ = s.Advance(Lead{}, &st, wake.Add(Day)); !r.Stalled || len(transitionsOf(r, TransitionSLA)) != 0 {
		t.Fatalf("the stall was reported twice: %+v", r.Transitions)
	}
}

func TestJourneyCompileErrors(t *testing.T) {
	tests := []struct {
		name    string
		journey Journey
		want    string
	}{
		{"unknown to", Journey{Stages: []StageConfig{{Name: "a"}}, Transitions: []TransitionConfig{{From: "a", To: "b"}}}, `no stage "b"`},
		{"unknown from", Journey{Stages: []StageConfig{{Name: "a"}, {Name: "b"}}, Transitions: []TransitionConfig{{From: "x", To: "b"}}}, `no stage "x"`},
		{"unreachable", Journey{Stages: []StageConfig{{Name: "a"}, {Name: "b"}, {Name: "c"}}, Transitions: []TransitionConfig{{From: "a", To: "b"}, {From: "c", To: "a"}}}, "unreachable"},
		{"self loop", Journey{Stages: []StageConfig{{Name: "a"}}, Transitions: []TransitionConfig{{From: "a", To: "a"}}}, "must change the stage"},
		{"duplicate stage", Journey{Stages: []StageConfig{{Name: "a"}, {Name: "a"}}}, "duplicate stage"},
		{"no stages", Journey{Transitions: []TransitionConfig{{From: "a", To: "b"}}}, "needs stages"},
		{"negative sla", Journey{Stages: []StageConfig{{Name: "a", SLA: -1}}}, "negative duration"},
		{"unknown event type", Journey{Stages: []StageConfig{{Name: "a"}, {Name: "b"}}, Transitions: []TransitionConfig{{From: "a", To: "b", On: []string{"nope"}}}}, `unknown event type "nope"`},
		{"bad guard", Journey{Stages: []StageConfig{{Name: "a"}, {Name: "b"}}, Transitions: []TransitionConfig{{From: "a", To: "b", When: "total >"}}}, "unexpected token"},
		{"guard reads event", Journey{Stages: []StageConfig{{Name: "a"}, {Name: "b"}}, Transitions: []TransitionConfig{{From: "a", To: "b", When: "event.Type == 'x'"}}}, "only available in event rules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile[Lead](Config{Journey: tt.journey})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Compile = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestAdvanceMovesOnGuardsOnly(t *testing.T) {
	cfg := Config{
		Events: []EventRule{{ID: "unsub", On: []string{EventEmailUnsubscribe}, Points: -40, HalfLife: Duration(7 * Day)}},
		Rules:  []Rule{{ID: "base", Dimension: Fit, Points: 50}},
		Journey: Journey{
			Stages:      []StageConfig{{Name: "cold"}, {Name: "warm"}},
			Transitions: []TransitionConfig{{From: "cold", To: "warm", When: "total >= 30"}, {From: "warm", To: "cold", On: []string{EventChurn}}},
		},
	}
	s := compileT(t, cfg)
	var st State
	r := observeT(t, s, Lead{}, &st, ev(EventEmailUnsubscribe, t0)) // total 10
	if r.Stage != "cold" {
		t.Fatalf("stage %q", r.Stage)
	}
	// total(t) = 50 − 40·2^(−t/7d) reaches 30 at t = 7d exactly; NextWakeup solves for it.
	wake, ok := s.NextWakeup(&st)
	if !ok || wake.Before(t0.Add(7*Day-time.Microsecond)) || wake.After(t0.Add(7*Day+time.Microsecond)) {
		t.Fatalf("NextWakeup = %v %v, want about t0+7d", wake, ok)
	}
	if r, _ := s.Advance(Lead{}, &st, wake.Add(-time.Nanosecond)); r.Stage != "cold" {
		t.Fatalf("moved before the crossing at total %v", r.Total)
	}
	if r, _ := s.Advance(Lead{}, &st, wake); r.Stage != "warm" {
		t.Fatalf("did not move at the crossing: total %v", r.Total)
	}
}
