package leadscore

import (
	"slices"

	"github.com/leadscore/leadscore/internal/state"
)

// What Accumulate needs besides the code Observe shares with it.

// movedBy reports whether an event of type typ may move st through the journey from its
// current stage: a transition from it lists typ in its on. Such an event needs Observe.
func (s *Scorer[L]) movedBy(d *state.Data, typ string) bool {
	j := &s.journey
	if len(j.stages) == 0 {
		return false
	}
	for _, ti := range j.from[j.stageIndex(Stage(d.Stage))] {
		if slices.Contains(j.transitions[ti].on, typ) {
			return true
		}
	}
	return false
}

// matchEvent decides which event rules ev matches into sc.matched, as Observe does; the
// rules that fail at run time are returned joined. When every candidate's condition is a
// fast-path closure over the event alone, only the event is put in the environment: the
// lead is not copied and no window is counted.
func (s *Scorer[L]) matchEvent(sc *scratch[L], lead L, d *state.Data, ev *Event, t int64) []*RuleError {
	sc.matched = sc.matched[:0]
	candidates := s.index.rules(ev.Type)
	if len(candidates) == 0 {
		return nil
	}
	eventOnly := true
	for _, i := range candidates {
		if p := s.events[i].when; p != nil && (p.fastBool == nil || !p.eventOnly) {
			eventOnly = false
			break
		}
	}
	if eventOnly {
		sc.env.Event = *ev
		sc.boxedOK = false
	} else {
		s.fillEnv(sc, lead, s.view(d), t, ev.Time, ev)
	}
	var errs []*RuleError
	for _, i := range candidates {
		r := &s.events[i]
		if r.when != nil {
			ok, err := s.runBool(sc, r.when)
			if err != nil {
				errs = append(errs, runtimeError(ItemEventRule, r.id, "when", err))
				continue
			}
			if !ok {
				continue
			}
		}
		sc.matched = append(sc.matched, i)
	}
	return errs
}
