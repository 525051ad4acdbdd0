package leadbeam

import "github.com/leadscore/leadscore"

// Causes of an Update: what made the lead be evaluated.
const (
	CauseEvent  = "event"  // an event was observed
	CauseWakeup = "wakeup" // the NextWakeup timer fired and Advance changed something
	CauseLead   = "lead"   // the lead's attributes changed and Advance re-evaluated it
	CauseState  = "state"  // a seed State was merged in and Advance settled the merge
	CauseFinal  = "final"  // Backfill: the lead as it stands at the horizon
)

// Update is one evaluation of a lead: the Result of an Observe or Advance and why it was
// made. Seq numbers a lead's Updates 1, 2, … in the order they were made, so a sink that
// keeps the highest Seq per lead holds the latest Result whatever order the Updates reach it
// in, and a retried bundle that writes an Update again changes nothing.
type Update struct {
	Lead    string           `json:"lead"`
	Seq     int64            `json:"seq"`
	Cause   string           `json:"cause"`
	EventID string           `json:"event_id,omitempty"`
	Result  leadscore.Result `json:"result"`
}

// Change is one Transition of an Update. Handoff marks a tier change into a hand-off tier of
// a lead that is not disqualified: the edge on which sales is told.
type Change struct {
	Lead       string               `json:"lead"`
	Seq        int64                `json:"seq"` // the Update's
	Cause      string               `json:"cause"`
	EventID    string               `json:"event_id,omitempty"`
	Handoff    bool                 `json:"handoff,omitempty"`
	Transition leadscore.Transition `json:"transition"`
}

// Failure is an input that could not be used, or a State that could not be read, with the
// reason. Body is the offending input (an event's or a lead's JSON, a State's bytes), so it
// can be repaired and fed back in.
type Failure struct {
	Lead    string `json:"lead"`
	Kind    string `json:"kind"` // "event", "lead" or "state"
	EventID string `json:"event_id,omitempty"`
	Reason  string `json:"reason"`
	Body    []byte `json:"body,omitempty"`
}
