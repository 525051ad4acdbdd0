package state

import "fmt"

// What a Step is about.
const (
	StepRule     = "event rule" // an event rule's accumulator
	StepSignal   = "signal"     // a signal kind's active bit
	StepType     = "event type" // a tracked event type's ring of times
	StepVelocity = "velocity"   // the velocity signal's two decayed sums
)

// What Bind does to one part of a State.
const (
	ActionKept      = "kept"      // carried over as it is
	ActionRenamed   = "renamed"   // carried over from a former ID or kind
	ActionConverted = "converted" // carried over under another half-life or window
	ActionNew       = "new"       // nothing to carry over: it starts empty
	ActionReset     = "reset"     // an event rule or signal kind no part of the new layout continues: dropped
	ActionDropped   = "dropped"   // an event type no longer tracked: its times are dropped
)

// Step is one thing Bind does to a State laid out by one layout when it is read under
// another. Plan lists them so that a rule-set change can be reviewed before any stored State
// meets it: which histories carry over, which are converted, which are lost.
type Step struct {
	Kind   string // StepRule, StepSignal, StepType or StepVelocity
	ID     string // the rule ID, signal kind or event type in the new layout (the old one for a reset or drop); "velocity"
	From   string // ActionRenamed, or ActionConverted of a renamed rule: the former ID whose history it takes
	Action string // one of the Action constants
	// Exact reports whether what is carried over is exactly what the new layout would have
	// built from the same events: true for kept and renamed parts and exact conversions;
	// false for approximate conversions, a ring that now keeps more times than the State
	// holds, and parts with nothing carried over (new, reset, dropped).
	Exact bool
	// Before and After are, for an event rule, its half-life (0 for a new or reset rule on the
	// side it does not exist); for the velocity step, the window; for an event type, how many
	// times its ring keeps. Half-lives and windows are in nanoseconds, 0 meaning no decay.
	Before, After int64
	Detail        string // why a step is or is not exact, when it is not obvious from the action
}

// Conversion notes: what Accum.Convert makes of an accumulator.
const (
	noteApproximate = "exact for leads with 1–2 matched events, approximate otherwise"
	noteNoDecay     = "exact: without decay every event counts 1"
	noteOnce        = "exact: a once rule counts its earliest event only"
)

// Plan lists what Bind does to a Data laid out by old when it is read under next, in a fixed
// order: the event rules of next in their order, then the event rules of old that no rule of
// next continues; the same for signal kinds; then the tracked event types; then the velocity
// window. A nil old is a new lead: everything is new. Stage bits, which follow the journey's
// stage names, are not listed: renaming a stage is a journey change, not a history one.
//
// Plan and Bind read the same lookups (Layout.source and Layout.kindSource), so the plan is
// what Bind does, not a second opinion of it.
func Plan(old, next *Layout) []Step {
	if old == nil {
		old = NewLayout(nil, nil, nil, nil, nil, 0, 0)
	}
	var steps []Step

	carried := make([]bool, len(old.Rules))
	for _, r := range next.Rules {
		j, ok := old.source(r)
		if !ok {
			steps = append(steps, Step{Kind: StepRule, ID: r.ID, Action: ActionNew, After: r.HalfLife})
			continue
		}
		carried[j] = true
		o := old.Rules[j]
		s := Step{Kind: StepRule, ID: r.ID, Action: ActionKept, Exact: true, Before: o.HalfLife, After: r.HalfLife}
		if o.ID != r.ID {
			s.Action, s.From = ActionRenamed, o.ID
		}
		if o.HalfLife != r.HalfLife {
			s.Action = ActionConverted
			s.Exact, s.Detail = conversion(r)
		}
		steps = append(steps, s)
	}
	for j, o := range old.Rules {
		if !carried[j] {
			steps = append(steps, Step{Kind: StepRule, ID: o.ID, Action: ActionReset, Before: o.HalfLife})
		}
	}

	kindCarried := make([]bool, len(old.Kinds))
	for _, k := range next.Kinds {
		j, ok := old.kindSource(k)
		if !ok {
			steps = append(steps, Step{Kind: StepSignal, ID: k.Name, Action: ActionNew})
			continue
		}
		kindCarried[j] = true
		s := Step{Kind: StepSignal, ID: k.Name, Action: ActionKept, Exact: true}
		if name := old.Kinds[j].Name; name != k.Name {
			s.Action, s.From = ActionRenamed, name
		}
		steps = append(steps, s)
	}
	for j, o := range old.Kinds {
		if !kindCarried[j] {
			steps = append(steps, Step{Kind: StepSignal, ID: o.Name, Action: ActionReset})
		}
	}

	for i, typ := range next.Types {
		j, ok := old.typeIndex[typ]
		if !ok {
			steps = append(steps, Step{Kind: StepType, ID: typ, Action: ActionNew, After: int64(next.RingCap[i])})
			continue
		}
		before, after := old.RingCap[j], next.RingCap[i]
		s := Step{Kind: StepType, ID: typ, Action: ActionKept, Exact: after <= before, Before: int64(before), After: int64(after)}
		switch {
		case after > before:
			// Bind cannot bring back times the old ring never kept: counts over past events
			// read low until enough new events arrive.
			s.Detail = fmt.Sprintf("stored leads hold at most their latest %d; counts over past events may read low until new events fill the other %d", before, after-before)
		case after < before:
			s.Detail = fmt.Sprintf("the latest %d are kept, all that the new rules read", after)
		}
		steps = append(steps, s)
	}
	for _, typ := range old.Types {
		if _, ok := next.typeIndex[typ]; !ok {
			steps = append(steps, Step{Kind: StepType, ID: typ, Action: ActionDropped})
		}
	}

	v := Step{Kind: StepVelocity, ID: "velocity", Action: ActionKept, Exact: true, Before: old.Velocity, After: next.Velocity}
	if old.Velocity != next.Velocity {
		v.Action, v.Exact = ActionConverted, false
		switch {
		case next.Velocity == 0:
			v.Detail = "the velocity signal is off: its sums are no longer read"
		case old.Velocity == 0:
			v.Detail = "the velocity signal was off: stored leads build up their velocity from new events"
		default:
			// The sums weigh each event by its points: convertWeighted rescales them, exactly
			// for one event, approximately otherwise.
			v.Detail = "exact for leads with one engagement event, approximate otherwise"
		}
	}
	return append(steps, v)
}

// conversion says whether converting rule r's accumulator from another half-life is exact for
// every State, following Accum.Convert: exact to no decay; otherwise exact only for
// accumulators of one or two events — except that a once rule's value reads only its earliest
// event, which every conversion keeps, so it is exact whatever the sum becomes.
func conversion(r Rule) (exact bool, detail string) {
	switch {
	case r.HalfLife <= 0:
		return true, noteNoDecay
	case r.Once:
		return true, noteOnce
	}
	return false, noteApproximate
}
