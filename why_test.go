package leadscore

import (
	"strings"
	"testing"
	"time"
)

// The event that crossed the hand-off line is named, before the strongest reasons (which are
// about who the lead is).
func TestTriggerNamesTheEvent(t *testing.T) {
	s := compileT(t, DefaultB2B())
	lead := Lead{Email: "dana@globex.example", Title: "Director of Operations",
		Company: Company{Employees: 1200, Revenue: 250e6, Founded: 1998}}
	var st State
	t0 := acctT0
	var last Result
	at, by := time.Time{}, ""
	for i, typ := range []string{EventFormSubmit, EventWebinarAttended, EventEmailClick, EventContentDownload} {
		r, err := s.Observe(lead, &st, Event{ID: typ, Type: typ, Time: t0.Add(time.Duration(i) * Day)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Trigger != nil && r.Handoff {
			last, at, by = r, t0.Add(time.Duration(i)*Day), typ
			break
		}
		if i > 0 && r.Trigger != nil {
			t.Errorf("%s: a trigger without a tier change: %+v (transitions %+v)", typ, r.Trigger, r.Transitions)
		}
	}
	if last.Trigger == nil {
		t.Fatal("no hand-off: the setup is wrong")
	}
	tr := last.Trigger
	// An email click, worth 3 points, tipped a lead over the line that its fit and a webinar
	// had brought near it: that is what sales hears first.
	if tr.Kind != TriggerEvent || tr.Event != by || by != EventEmailClick || tr.EventID != by || !tr.At.Equal(at) ||
		tr.Reason != "email_click: clicked campaign emails (+3)" {
		t.Errorf("trigger %+v", tr)
	}
	x := last.Explain()
	why, now := strings.Index(x, "Why:"), strings.Index(x, "Why now: email_click: clicked campaign emails (+3) (2026-03-03 09:00)\n")
	if now < 0 || why < now {
		t.Errorf("Explain does not name the trigger before the reasons:\n%s", x)
	}
	// Score is a question, not a change: no trigger.
	if r, _ := s.Score(lead, &st, at); r.Trigger != nil {
		t.Errorf("Score has a trigger: %+v", r.Trigger)
	}
	// Time alone takes it out of hot: the passage of time is the trigger.
	r, err := s.Advance(lead, &st, t0.Add(90*Day))
	if err != nil {
		t.Fatal(err)
	}
	if r.Tier == "hot" || r.Trigger == nil || r.Trigger.Kind != TriggerTime || !strings.Contains(r.Trigger.Reason, "time passed: total") {
		t.Errorf("after decay: tier %q trigger %+v", r.Tier, r.Trigger)
	}
	if !strings.Contains(r.Explain(), "Why now: time passed") {
		t.Errorf("after decay:\n%s", r.Explain())
	}
}

// A new lead's first placement in a tier that is not a hand-off crosses no line.
func TestTriggerNotOnFirstPlacement(t *testing.T) {
	s := compileT(t, DefaultB2B())
	var st State
	r, err := s.Observe(Lead{Title: "Engineer"}, &st, Event{Type: EventPageView, Path: "/blog", Time: acctT0})
	if err != nil {
		t.Fatal(err)
	}
	if r.Trigger != nil || strings.Contains(r.Explain(), "Why now") {
		t.Errorf("first placement: %+v\n%s", r.Trigger, r.Explain())
	}
}
