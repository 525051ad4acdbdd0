package analysis

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
)

// ReplayedLead is a lead of a population whose events are replayed: its attributes, what it
// did, and when to look at it — a lead as an export of a CRM or an event log gives it.
// [Lint] and [Diff] read a population of them, [Replay] runs one; [StoredLead] is the other
// form of a population, the States a service holds. L is the lead type the Scorer was
// compiled for.
type ReplayedLead[L any] struct {
	Name   string // how reports name the lead; empty: its position in the population ("#12")
	Lead   L
	Events []leadscore.Event // observed in order into a fresh State
	// At is when the lead is evaluated after its events; the zero time means at the latest
	// event's time. A lead without events needs an At.
	At time.Time
	// Converted is the lead's known outcome — whether it converted in the end — from the
	// line's "converted" (true or false); nil when the line has none. A backtest (leadscore
	// backtest, package backtest) reads it; Lint, Diff and Replay ignore it.
	Converted *bool
}

// Trace is what replaying a lead produced.
type Trace struct {
	// Result is the final evaluation, at the lead's At. Its Transitions are those of the
	// final Advance only.
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
	// Trigger is why now: the Trigger of the run's last evaluation that changed the tier or
	// handed the lead off (an Observe's, or the final Advance's), nil when none did. The final
	// Result's own Trigger is only the final Advance's.
	Trigger *leadscore.Trigger
}

// Replay runs lead against s: a fresh State observes each event in order, then Advance
// evaluates the lead at lead.At (or at the latest event's time when At is zero), applying
// what time alone changes, as an engine that calls Advance would. It is how Lint and Diff run
// each lead of a population, and how a tool scores one the same way.
//
// The error reports an event that s rejected ("event 2 (page_view): …"), an evaluation time
// s rejected ("at: …"), or a lead with neither events nor At; the Trace then holds the
// steps before it. Rule errors are not errors of the run: they are in Trace.Errors.
func Replay[L any](s *leadscore.Scorer[L], lead ReplayedLead[L]) (Trace, error) {
	tr := Trace{Steps: make([]leadscore.Result, 0, len(lead.Events))}
	err := replay(s, lead, func(step *leadscore.Result, final bool) {
		res := cloneResult(*step)
		if final {
			tr.Result = res
		} else {
			tr.Steps = append(tr.Steps, res)
		}
		tr.Transitions = append(tr.Transitions, step.Transitions...)
		tr.Errors = appendNewErrors(tr.Errors, step.Errors)
		if step.Trigger != nil {
			tr.Trigger = step.Trigger
		}
	}, &tr.State)
	return tr, err
}

// ReplayFinal is Replay without the steps: Trace.Steps is nil, and the Results of the events
// before the last evaluation are not copied. It is for tools that report only where a lead
// ends up — `leadscore score` over millions of leads — and allocates a fraction of Replay.
func ReplayFinal[L any](s *leadscore.Scorer[L], lead ReplayedLead[L]) (Trace, error) {
	var tr Trace
	err := replay(s, lead, func(step *leadscore.Result, final bool) {
		if final {
			tr.Result = *step // Advance's own Result: nothing else refers to its slices
		}
		tr.Transitions = append(tr.Transitions, step.Transitions...)
		tr.Errors = appendNewErrors(tr.Errors, step.Errors)
		if step.Trigger != nil {
			tr.Trigger = step.Trigger // a Trigger of its own, which the next Observe does not reuse
		}
	}, &tr.State)
	return tr, err
}

// errNoTime is the error of a lead with neither events nor an evaluation time.
var errNoTime = errors.New("no events and no evaluation time (at): nothing says when to evaluate the lead")

// replay runs lead, calling visit with each Observe's Result and then the final one. Results
// passed to visit are only valid during the call. *stp, when stp is not nil, is set to the
// State.
func replay[L any](s *leadscore.Scorer[L], lead ReplayedLead[L], visit func(res *leadscore.Result, final bool), stp **leadscore.State) error {
	st := new(leadscore.State)
	if stp != nil {
		*stp = st
	}
	at := lead.At
	if at.IsZero() && len(lead.Events) == 0 {
		return errNoTime
	}
	var res leadscore.Result
	for i, ev := range lead.Events {
		if err := s.ObserveInto(&res, lead.Lead, st, ev); err != nil {
			return fmt.Errorf("event %d (%s): %w", i+1, ev.Type, err)
		}
		visit(&res, false)
		if ev.Time.After(at) && lead.At.IsZero() {
			at = ev.Time
		}
	}
	res, err := s.Advance(lead.Lead, st, at)
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

// leadName labels the i-th lead of a population (from 0) in reports: its name, or its
// position when it has none.
func leadName(i int, name string) string {
	if name != "" {
		return name
	}
	return fmt.Sprintf("#%d", i+1)
}
