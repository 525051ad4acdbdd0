package leadscoretest

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
)

// Case is one test of a rule set: a lead, what it did, when to look at it, and what the rule
// set should make of it. L is the lead type the Scorer was compiled for.
type Case[L any] struct {
	Name   string
	Lead   L
	Events []leadscore.Event // observed in order into a fresh State
	// At is when the lead is evaluated after its events; the zero time means at the latest
	// event's time. A case without events needs an At.
	At     time.Time
	Expect Expect
}

// Expect is what a Case should produce. Zero values are not checked: an empty Tier, a nil
// Handoff or an empty Fired asserts nothing. Handoff, Disqualified, MinTotal and MaxTotal are
// pointers so that false and 0 can be asserted (Bool(false), leadscore.Float(0)); NoPersona
// asserts that no persona matched, since an empty Persona is not checked.
type Expect struct {
	Tier         string          // the tier's name
	Handoff      *bool           // whether the lead is handed off to sales (an MQL)
	Disqualified *bool           // whether a rule or the competitor signal disqualified the lead
	Stage        leadscore.Stage // the journey stage after the events (and any time-driven moves to At)
	Persona      string          // the persona's ID
	NoPersona    bool            // no persona matched
	Fired        []string        // rule IDs (attribute or event rules) that must contribute
	NotFired     []string        // rule IDs that must not
	Signals      []string        // signal kinds that must be present
	NoSignals    []string        // signal kinds that must be absent
	MinTotal     *float64        // the total is at least this
	MaxTotal     *float64        // the total is at most this
}

// Bool returns a pointer to v, for Expect's optional booleans: Expect{Handoff: Bool(false)}.
func Bool(v bool) *bool { return &v }

// Trace is what replaying a Case produced.
type Trace struct {
	// Result is the final evaluation, at the case's At: what the expectations are checked
	// against. Its Transitions are those of the final Advance only.
	Result leadscore.Result
	// Steps holds what Observe returned for each event, in order.
	Steps []leadscore.Result
	// Transitions lists every change of the run: each Observe's, then the final Advance's.
	Transitions []leadscore.Transition
	// Errors lists the rule errors of every evaluation in the run, the first of each
	// (kind, rule, field) only.
	Errors []*leadscore.RuleError
	// State is the lead's State at the end of the run.
	State *leadscore.State
}

// Replay runs c against s the way Check does: a fresh State observes each event in order,
// then Advance evaluates the lead at c.At (or at the latest event's time when c.At is zero),
// applying what time alone changes, as an engine that calls Advance would. The error reports
// an event that s rejected or a case with neither events nor At; rule errors are in
// Trace.Errors.
func Replay[L any](s *leadscore.Scorer[L], c Case[L]) (Trace, error) {
	tr := Trace{Steps: make([]leadscore.Result, 0, len(c.Events))}
	err := replay(s, c, func(step *leadscore.Result, final bool) {
		res := cloneResult(*step)
		if final {
			tr.Result = res
		} else {
			tr.Steps = append(tr.Steps, res)
		}
		tr.Transitions = append(tr.Transitions, step.Transitions...)
		tr.Errors = appendNewErrors(tr.Errors, step.Errors)
	}, &tr.State)
	return tr, err
}

// errNoTime is the error of a case with neither events nor an evaluation time.
var errNoTime = errors.New("no events and no evaluation time (at): nothing says when to evaluate the lead")

// replay runs c, calling visit with each Observe's Result and then the final one. Results
// passed to visit are only valid during the call. *stp, when stp is not nil, is set to the
// State.
func replay[L any](s *leadscore.Scorer[L], c Case[L], visit func(res *leadscore.Result, final bool), stp **leadscore.State) error {
	st := new(leadscore.State)
	if stp != nil {
		*stp = st
	}
	at := c.At
	if at.IsZero() && len(c.Events) == 0 {
		return errNoTime
	}
	var res leadscore.Result
	for i, ev := range c.Events {
		if err := s.ObserveInto(&res, c.Lead, st, ev); err != nil {
			return fmt.Errorf("event %d (%s): %w", i+1, ev.Type, err)
		}
		visit(&res, false)
		if ev.Time.After(at) && c.At.IsZero() {
			at = ev.Time
		}
	}
	res, err := s.Advance(c.Lead, st, at)
	if err != nil {
		return fmt.Errorf("at: %w", err)
	}
	visit(&res, true)
	return nil
}

// cloneResult copies res with slices of its own.
func cloneResult(res leadscore.Result) leadscore.Result {
	res.Signals = slices.Clone(res.Signals)
	res.Contributions = slices.Clone(res.Contributions)
	res.Transitions = slices.Clone(res.Transitions)
	res.Errors = slices.Clone(res.Errors)
	return res
}

// appendNewErrors appends to dst the errors of src whose kind, rule and field it lacks.
func appendNewErrors(dst, src []*leadscore.RuleError) []*leadscore.RuleError {
outer:
	for _, e := range src {
		for _, d := range dst {
			if d.Kind == e.Kind && d.RuleID == e.RuleID && d.Field == e.Field {
				continue outer
			}
		}
		dst = append(dst, e)
	}
	return dst
}

// caseName labels a case in reports: its name, or its position when it has none.
func caseName[L any](i int, c Case[L]) string {
	if c.Name != "" {
		return c.Name
	}
	return fmt.Sprintf("#%d", i+1)
}
