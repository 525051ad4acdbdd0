package leadscore

import (
	"strings"
	"testing"
	"time"
)

// slaConfig: sales follows up within 2 days; marketing re-nurtures a recycled lead (an
// email_sent) within 3 days.
func slaConfig() Config {
	cfg := DefaultB2B()
	cfg.Journey = DefaultJourney()
	for i := range cfg.Journey.Stages {
		switch cfg.Journey.Stages[i].Name {
		case StageConvert:
			cfg.Journey.Stages[i].SLA = Duration(2 * Day)
		case StageNurture:
			cfg.Journey.Stages[i].RecycleSLA = Duration(3 * Day)
			cfg.Journey.Stages[i].SLAMetBy = []string{EventEmailSent}
		}
	}
	return cfg
}

func slaLead() Lead {
	return Lead{Email: "ceo@bigco.example", Title: "CEO", Company: Company{Employees: 5000, Revenue: 1e9}, BANT: BANT{Budget: true, Authority: true}}
}

// handOff brings a new lead to convert at acctT0.
func handOff(t *testing.T, s *Scorer[Lead]) *State {
	t.Helper()
	st := new(State)
	for _, ev := range []Event{{Type: EventFormSubmit, Time: acctT0.Add(-time.Minute)}, {Type: EventDemoRequest, Time: acctT0}} {
		if _, err := s.Observe(slaLead(), st, ev); err != nil {
			t.Fatal(err)
		}
	}
	if st.Stage() != StageConvert {
		t.Fatalf("setup: stage %q", st.Stage())
	}
	return st
}

func slaObserve(t *testing.T, s *Scorer[Lead], st *State, ev Event) Result {
	t.Helper()
	r, err := s.Observe(slaLead(), st, ev)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sales_touch, sales_accepted and sales_rejected each keep sales' side: no stall at +72h.
func TestSLAMetBySales(t *testing.T) {
	s := compileT(t, slaConfig())
	control := handOff(t, s)
	if r, _ := s.Advance(slaLead(), control, acctT0.Add(72*time.Hour)); !r.Stalled {
		t.Fatal("control: no follow-up, not stalled at +72h")
	}
	for _, typ := range []string{EventSalesTouch, EventSalesAccepted} {
		st := handOff(t, s)
		slaObserve(t, s, st, Event{Type: typ, Time: acctT0.Add(time.Hour)})
		r, _ := s.Advance(slaLead(), st, acctT0.Add(72*time.Hour))
		if r.Stalled || len(r.Transitions) != 0 && r.Transitions[0].Kind == TransitionSLA {
			t.Errorf("%s at +1h: stalled at +72h: %+v", typ, r.Transitions)
		}
		if lc := s.Lifecycle(st, acctT0.Add(72*time.Hour)); lc.Stalled || !lc.SLAMet || lc.Owner != OwnerSales || lc.SLA != 2*Day {
			t.Errorf("%s: lifecycle %+v", typ, lc)
		}
	}
}

func TestSalesRejectionRecyclesWithReason(t *testing.T) {
	s := compileT(t, slaConfig())
	st := handOff(t, s)
	r := slaObserve(t, s, st, Event{Type: EventSalesRejected, Time: acctT0.Add(2 * time.Hour), Properties: map[string]any{"reason": "no budget this year"}})
	if r.Stage != StageNurture || r.Rejection == nil || r.Rejection.Reason != "no budget this year" || !r.Rejection.At.Equal(acctT0.Add(2*time.Hour)) {
		t.Fatalf("stage %q rejection %+v", r.Stage, r.Rejection)
	}
	if len(r.Transitions) == 0 || r.Transitions[0].Reason != "recycled: no deal this time" {
		t.Errorf("transitions %+v", r.Transitions)
	}
	if x := r.Explain(); !strings.Contains(x, "Rejected by sales (2026-03-01): no budget this year\n") {
		t.Errorf("explanation:\n%s", x)
	}
	// The reason survives storage, and is read back by Score.
	b, err := st.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if b[4] != 3 {
		t.Errorf("a rejected State written as version %d", b[4])
	}
	var back State
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Score(slaLead(), &back, acctT0.Add(3*time.Hour)); r.Rejection == nil || r.Rejection.Reason != "no budget this year" {
		t.Errorf("after a round trip: %+v", r.Rejection)
	}
	if lc := s.Lifecycle(&back, acctT0.Add(3*time.Hour)); lc.Rejection != "no budget this year" || !lc.Recycled || lc.Owner != OwnerMarketing || lc.SLA != 3*Day {
		t.Errorf("lifecycle %+v", lc)
	}
	// A State never rejected is still written as version 2, byte for byte.
	if b, _ := handOff(t, s).MarshalBinary(); b[4] != 2 {
		t.Errorf("a State without a rejection written as version %d", b[4])
	}
}

func TestRejectionReasonDefaultsAndBounds(t *testing.T) {
	s := compileT(t, slaConfig())
	for _, tc := range []struct {
		props map[string]any
		want  string
	}{
		{nil, NoRejectionReason},
		{map[string]any{"reason": 42}, NoRejectionReason},
		{map[string]any{"reason": "  "}, NoRejectionReason},
		{map[string]any{"reason": strings.Repeat("é", 200)}, strings.Repeat("é", 128)},
	} {
		st := handOff(t, s)
		r := slaObserve(t, s, st, Event{Type: EventSalesRejected, Time: acctT0.Add(time.Hour), Properties: tc.props})
		if r.Rejection == nil || r.Rejection.Reason != tc.want {
			t.Errorf("%v: rejection %+v, want %q", tc.props, r.Rejection, tc.want)
		}
	}
}

// Marketing's side: a recycled lead not re-nurtured within the recycle SLA stalls; one that
// is does not; and a lead that came to nurture from capture has no such SLA.
func TestRecycleSLA(t *testing.T) {
	s := compileT(t, slaConfig())
	reject := func() *State {
		st := handOff(t, s)
		slaObserve(t, s, st, Event{Type: EventSalesRejected, Time: acctT0.Add(time.Hour), Properties: map[string]any{"reason": "wrong person"}})
		return st
	}
	st := reject()
	if next, ok := s.NextWakeup(st); !ok || next.After(acctT0.Add(time.Hour+3*Day+time.Nanosecond)) {
		t.Errorf("NextWakeup %v %v: the recycle SLA's end is due", next, ok)
	}
	r, _ := s.Advance(slaLead(), st, acctT0.Add(4*Day))
	if !r.Stalled || r.Owner != OwnerMarketing {
		t.Fatalf("not re-nurtured in 3 days: stalled %v owner %q", r.Stalled, r.Owner)
	}
	found := false
	for _, tr := range r.Transitions {
		found = found || tr.Kind == TransitionSLA && strings.Contains(tr.Reason, "SLA of 3 days")
	}
	if !found {
		t.Errorf("no SLA transition of 3 days: %+v", r.Transitions)
	}
	st = reject()
	slaObserve(t, s, st, Event{Type: EventEmailSent, Time: acctT0.Add(Day)})
	if r, _ := s.Advance(slaLead(), st, acctT0.Add(10*Day)); r.Stalled {
		t.Error("re-nurtured within a day, stalled anyway")
	}
	fresh := new(State)
	slaObserve(t, s, fresh, Event{Type: EventPageView, Path: "/blog", Time: acctT0})
	slaObserve(t, s, fresh, Event{Type: EventIdentify, Time: acctT0})
	if r, _ := s.Advance(slaLead(), fresh, acctT0.Add(10*Day)); r.Stalled || fresh.Stage() != StageNurture {
		t.Errorf("a lead new to nurture: stage %q stalled %v", fresh.Stage(), r.Stalled)
	}
}

func TestRecycleSLAConfigErrors(t *testing.T) {
	cfg := slaConfig()
	cfg.Journey.Stages[2].RecycleSLA = -1
	if _, err := Compile[Lead](cfg); err == nil || !strings.Contains(err.Error(), `stage "nurture": recycle_sla: negative duration`) {
		t.Errorf("negative recycle_sla: %v", err)
	}
}
