package leadscore

import (
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/leadscore/leadscore/internal/state"
)

// settle evaluates the lead at UnixNano at and applies what the evaluation decides to st:
// journey transitions (on the type of route r, when an event is being observed, and
// guard-only ones), the tier, signals raised and cleared, an SLA running out. Every change is
// a Transition in res.
func (s *Scorer[L]) settle(sc *scratch[L], lead *L, d *state.Data, at int64, nowT time.Time, r *eventRoute, res *Result) {
	s.evaluate(sc, lead, d, at, nowT, res)
	pending := false
	if s.advanceStage(sc, d, r, at, res) {
		// Rules, tiers and personas may read the stage: evaluate again in the new one, keeping
		// the stage transitions and any errors of the journey's guards.
		moves := append([]Transition(nil), res.Transitions...)
		errs := append([]*RuleError(nil), res.Errors...)
		s.evaluate(sc, lead, d, at, nowT, res)
		res.Transitions = append(res.Transitions, moves...)
		res.Errors = mergeErrors(errs, res.Errors)
		// The journey's guards were tried on the scores before the move, and each stage is
		// entered once per call: a guard-only transition that holds now is taken by the next
		// Advance, without waiting for time to pass (NextWakeup says so).
		pending = s.pendingTransition(sc, d, at, res)
	}
	s.applyTier(d, res)
	if !res.Handoff {
		d.HandedOff = false // out of the hand-off tiers: the next hand-off is fresh again
	} else if j := &s.journey; len(j.stages) > 0 && j.blocked(j.stageIndex(Stage(d.Stage))) {
		// In a hand-off tier while with sales, whichever came first (a demo request while
		// warm, then the score): sales have had the lead, and one they send back must
		// leave the tier and qualify again, as one handed over by its score must.
		d.HandedOff = true
	}
	s.applySignals(d, res)
	if res.Stalled && !d.Stalled {
		d.Stalled = true
		res.Transitions = append(res.Transitions, Transition{
			// Dated when it is found, like every transition, so that none is dated before an
			// earlier one; Result.StalledSince says when the SLA ran out.
			Kind: TransitionSLA, From: res.Stage, To: res.Stage, At: res.At,
			Reason: fmt.Sprintf("stalled: in %s longer than its SLA of %s", res.Stage, humanSpan(s.slaOf(d))),
		})
	}
	d.Evaluated, d.Base, d.Unsettled = at, res.base, pending
}

// pendingTransition reports whether a transition without on leaves d's stage on the
// evaluation in res: the next Advance would take it.
func (s *Scorer[L]) pendingTransition(sc *scratch[L], d *state.Data, at int64, res *Result) bool {
	j := &s.journey
	if len(j.stages) == 0 {
		return false
	}
	cur := j.stageIndex(Stage(d.Stage))
	for _, ti := range j.from[cur] {
		t := &j.transitions[ti]
		if len(t.on) > 0 || (res.Disqualified && j.blocked(t.to)) {
			continue
		}
		if s.guardHolds(sc, d, t, cur, at, res) {
			return true
		}
	}
	return false
}

// mergeErrors returns a followed by the errors of b that a lacks (the second evaluation
// repeats the first one's rule errors).
func mergeErrors(a, b []*RuleError) []*RuleError {
	out := a
	for _, e := range b {
		dup := false
		for _, f := range a {
			if e.Kind == f.Kind && e.RuleID == f.RuleID && e.Field == f.Field {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out
}

// applyTier records in st the tier res was given, as a transition.
func (s *Scorer[L]) applyTier(d *state.Data, res *Result) {
	if res.Handoff && d.MQLAt == noTime {
		d.MQLAt = res.At.UnixNano()
		d.HandoffTouch = d.LastTouch // the touch that made it an MQL (attribution.go)
	}
	if res.Tier == d.Tier {
		return
	}
	res.Transitions = append(res.Transitions, Transition{
		Kind: TransitionTier, FromTier: d.Tier, ToTier: res.Tier, At: res.At,
		Reason: s.tierReason(d.Tier, res.Tier, res.Total),
	})
	d.Tier = res.Tier
}

// applySignals reports the signals raised and cleared since st's last evaluation.
func (s *Scorer[L]) applySignals(d *state.Data, res *Result) {
	var now uint64
	for _, sig := range res.Signals {
		now |= 1 << s.kindBit(sig.Kind)
	}
	raised, cleared := now&^d.Signals, d.Signals&^now
	for _, sig := range res.Signals {
		if raised&(1<<s.kindBit(sig.Kind)) != 0 {
			res.Transitions = append(res.Transitions, Transition{
				Kind: TransitionSignal, Signal: sig.Kind, Raised: true, At: res.At, Reason: sig.Reason,
			})
		}
	}
	for cleared != 0 {
		b := bits.TrailingZeros64(cleared)
		cleared &^= 1 << b
		res.Transitions = append(res.Transitions, Transition{
			Kind: TransitionSignal, Signal: s.kindName(b), At: res.At, Reason: "no longer detected",
		})
	}
	d.Signals = now
}

// kindBit, kindName and tierIndex go by index: a range would copy each detector or band.
func (s *Scorer[L]) kindBit(kind string) int {
	for i := range s.detectors {
		if d := &s.detectors[i]; d.kind == kind {
			return d.bit
		}
	}
	return maxSignalKinds - 1
}

func (s *Scorer[L]) kindName(bit int) string {
	for i := range s.detectors {
		if d := &s.detectors[i]; d.bit == bit {
			return d.kind
		}
	}
	return "unknown"
}

func (s *Scorer[L]) tierReason(from, to string, total float64) string {
	fi, ti := s.tierIndex(from), s.tierIndex(to)
	switch {
	case ti < 0:
		return fmt.Sprintf("total %s matches no tier", formatPoints(total))
	case fi >= 0 && fi < ti && s.tiers[fi].guard != nil && total >= s.tiers[fi].min-s.hysteresis:
		return fmt.Sprintf("%s's condition no longer holds (%s)", from, s.tiers[fi].guard.src)
	case fi >= 0 && fi < ti && s.tiers[fi].min > math.Inf(-1):
		return fmt.Sprintf("total %s fell below %s's %s − %s hysteresis", formatPoints(total), from,
			formatPoints(s.tiers[fi].min), formatPoints(s.hysteresis))
	case s.tiers[ti].min > math.Inf(-1) && s.tiers[ti].guard != nil:
		return fmt.Sprintf("total %s reached %s (min %s, and %s)", formatPoints(total), to, formatPoints(s.tiers[ti].min), s.tiers[ti].guard.src)
	case s.tiers[ti].min > math.Inf(-1):
		return fmt.Sprintf("total %s reached %s (min %s)", formatPoints(total), to, formatPoints(s.tiers[ti].min))
	}
	return fmt.Sprintf("total %s is below every other tier", formatPoints(total))
}

func (s *Scorer[L]) tierIndex(name string) int {
	for i := range s.tiers {
		if s.tiers[i].name == name {
			return i
		}
	}
	return -1
}
