package leadscore

import (
	"github.com/leadscore/leadscore/internal/state"
)

// What Accumulate needs besides the code Observe shares with it.

// movedBy reports whether an event of route r may move st through the journey from its
// current stage: a transition from it lists the event's type in its on. Such an event needs
// Observe.
func (s *Scorer[L]) movedBy(d *state.Data, r *eventRoute) bool {
	return r.from != 0 && r.from&(1<<s.journey.stageIndex(Stage(d.Stage))) != 0
}

// matchEvent decides which event rules ev (of route r) matches into sc.matched; the
// rules that fail at run time are returned joined. When every candidate's condition is a
// fast-path closure over the event alone, only the event is put in the environment: the
// lead is not copied and no window is counted.
func (s *Scorer[L]) matchEvent(sc *scratch[L], lead *L, d *state.Data, ev *Event, t int64, r *eventRoute) []*RuleError {
	sc.matched = sc.matched[:0]
	candidates := r.rules
	if len(candidates) == 0 {
		return nil
	}
	if r.eventOnly {
		sc.env.Event, sc.eventSet = *ev, true
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
