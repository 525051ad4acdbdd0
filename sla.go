package leadscore

import (
	"time"

	"github.com/leadscore/leadscore/internal/state"
)

// The SLA both sides keep (the domain notes, DOMAIN-COVERAGE.md: "sales promises to follow up each MQL within a set time
// … and to accept or reject it with a reason; rejected leads return to marketing with that
// reason to be re-nurtured within an agreed time. Measure compliance per owner."):
//
//   - a stage sales owns has its SLA met by sales_touch, sales_accepted or sales_rejected
//     (StageConfig.SLAMetBy);
//   - sales_rejected recycles the lead to nurture in the default journey, and its reason
//     (Properties["reason"]) is kept in the State: Result.Rejection, Explain, Lifecycle;
//   - StageConfig.RecycleSLA is marketing's side: the SLA of a lead recycled into a stage;
//   - report.FunnelOf counts compliance per owner and the rejection reasons.

// Rejection is a rejection of a lead by sales: why, and when.
type Rejection struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// NoRejectionReason is the reason kept for a sales_rejected event without one.
const NoRejectionReason = "no reason given"

// rejectionReason is the reason of a sales_rejected event: its Properties["reason"] when that
// is a non-empty string, on one line (control characters, bidirectional controls and runs of
// white space are one space: it is free text that Explain prints), cut to what a State keeps
// (state.MaxReason bytes of UTF-8).
func rejectionReason(ev *Event) string {
	reason, _ := ev.Properties["reason"].(string)
	if reason = state.Line(reason, state.MaxReason); reason == "" {
		return NoRejectionReason
	}
	return reason
}

// recycled reports whether d entered its stage from a later stage of the journey.
func (s *Scorer[L]) recycled(d *state.Data) bool {
	if len(d.History) == 0 {
		return false
	}
	j := &s.journey
	prev := j.lookup(Stage(d.History[len(d.History)-1].Stage))
	return prev >= 0 && prev > j.stageIndex(Stage(d.Stage))
}

// slaOf is the SLA of d's stay in its stage (0: none): the stage's RecycleSLA for a lead
// recycled into it, when set, else its SLA.
func (s *Scorer[L]) slaOf(d *state.Data) int64 {
	j := &s.journey
	if len(j.stages) == 0 {
		return 0
	}
	return s.slaIn(d, j.stageIndex(Stage(d.Stage)))
}

// slaIn is slaOf for a caller that knows the index of d's stage, stage.
func (s *Scorer[L]) slaIn(d *state.Data, stage int) int64 {
	def := &s.journey.stages[stage]
	if def.recycleSLA > 0 && s.recycled(d) {
		return def.recycleSLA
	}
	return def.sla
}

// rejection fills res.Rejection from d.
func (s *Scorer[L]) rejection(d *state.Data, res *Result) {
	if d.Rejection != "" {
		res.Rejection = &Rejection{Reason: d.Rejection, At: unixToTime(d.RejectedAt)}
	} else {
		res.Rejection = nil
	}
}

// slaLifecycle fills the SLA and rejection facts of a Lifecycle.
func (s *Scorer[L]) slaLifecycle(d *state.Data, out *Lifecycle) {
	j := &s.journey
	out.Owner = j.stages[j.stageIndex(Stage(d.Stage))].owner
	out.SLA = time.Duration(s.slaOf(d))
	out.SLAMet = d.SLAMet
	out.Recycled = s.recycled(d)
	out.Rejection = d.Rejection
	if d.Rejection != "" {
		out.RejectedAt = unixToTime(d.RejectedAt)
	}
}
