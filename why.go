package leadscore

import (
	"time"
)

// Why now: a hand-off or a tier change has a cause — the event that crossed the line, or the
// passage of time (decay, an SLA running out). Result.Trigger and AccountResult.Trigger name
// it, and Explain says it before the strongest reasons, which are about who the lead is.

// TriggerKind says what crossed a line.
type TriggerKind string

// The kinds of Trigger.
const (
	TriggerEvent TriggerKind = "event" // an event (Observe), or for an account a member's activity
	TriggerTime  TriggerKind = "time"  // the passage of time (Advance): decay, a window emptying, an SLA running out
)

// Trigger is what caused the tier change or hand-off a call reports: the event observed, with
// the reason of the strongest event rule it matched, or the passage of time.
type Trigger struct {
	Kind    TriggerKind `json:"kind"`
	Event   string      `json:"event,omitempty"`    // TriggerEvent on a lead: the event's type
	EventID string      `json:"event_id,omitempty"` // and its ID, when it has one
	Member  string      `json:"member,omitempty"`   // on an account: the member whose activity crossed the line
	At      time.Time   `json:"at"`                 // the event's time, or the time evaluated at
	Reason  string      `json:"reason"`             // what a salesperson reads: "content_download: downloaded content (+5.9)"
}

// crossedLine reports whether res's transitions include a tier change or a hand-off to sales
// (a stage that sales owns entered).
func (s *Scorer[L]) crossedLine(res *Result) bool {
	for _, tr := range res.Transitions {
		switch tr.Kind {
		case TransitionTier:
			// A change of tier, or a first placement straight into a hand-off tier; a new
			// lead's first placement elsewhere crosses no line.
			if tr.FromTier != "" || s.handoffTier(tr.ToTier) {
				return true
			}
		case TransitionStage:
			if i := s.journey.lookup(tr.To); i >= 0 && s.journey.blocked(i) {
				return true
			}
		}
	}
	return false
}

func (s *Scorer[L]) handoffTier(name string) bool {
	i := s.tierIndex(name)
	return i >= 0 && s.tiers[i].handoff
}

// setTrigger fills res.Trigger after Observe (ev: the event) or Advance (ev nil) when the call
// crossed a line; matched are the event rules ev matched.
func (s *Scorer[L]) setTrigger(res *Result, ev *Event, matched []int) {
	res.Trigger = nil
	if !s.crossedLine(res) {
		return
	}
	if ev == nil {
		res.Trigger = &Trigger{Kind: TriggerTime, At: res.At, Reason: timeReason(res)}
		return
	}
	t := &Trigger{Kind: TriggerEvent, Event: ev.Type, EventID: ev.ID, At: ev.Time.UTC(), Reason: ev.Type}
	// The event's strongest rule, as the Result shows it (its points now, all its events).
	best, bestPts := "", 0.0
	for _, i := range matched {
		r := &s.events[i]
		for _, c := range res.Contributions {
			if c.RuleID == r.id && (best == "" || abs(c.Points) > abs(bestPts)) {
				best, bestPts = c.Reason, c.Points
			}
		}
	}
	if best != "" {
		t.Reason = ev.Type + ": " + best + " (" + signedPoints(bestPts) + ")"
	}
	res.Trigger = t
}

// timeReason says what time alone changed.
func timeReason(res *Result) string {
	for _, tr := range res.Transitions {
		if tr.Kind == TransitionTier {
			return "time passed: " + tr.Reason
		}
	}
	return "time passed"
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// appendWhyNow writes what Explain says before the reasons: a rejection by sales that sent
// the lead back to marketing, and the trigger of the call's tier change or hand-off.
func (r *Result) appendWhyNow(b []byte) []byte {
	if r.Rejection != nil && r.Owner != OwnerSales {
		b = append(b, "Rejected by sales ("...)
		b = r.Rejection.At.AppendFormat(b, "2006-01-02")
		b = append(append(append(b, "): "...), r.Rejection.Reason...), '\n')
	}
	if r.Trigger != nil {
		b = appendTrigger(b, r.Trigger)
	}
	return b
}

// appendTrigger writes the "Why now:" line of an explanation.
func appendTrigger(b []byte, t *Trigger) []byte {
	b = append(b, "Why now: "...)
	b = append(b, t.Reason...)
	if !t.At.IsZero() {
		b = append(b, " ("...)
		b = t.At.AppendFormat(b, "2006-01-02 15:04")
		b = append(b, ')')
	}
	return append(b, '\n')
}
