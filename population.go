package leadscore

import (
	"time"

	"github.com/leadscore/leadscore/internal/state"
)

// What population reports (the package github.com/leadscore/leadscore/report) read of a
// Scorer beyond scoring: a lead's lifecycle as its State records it, and value expressions
// compiled like the rule set's own.

// Lifecycle is what a State records of a lead's way through a Scorer's journey, and of what
// it bought: the facts a funnel adds up. A State last changed by another rule set is read
// through this one's journey, its stages matched by name.
type Lifecycle struct {
	// Stage is the lead's stage now; a stage the journey lacks reads as its first.
	Stage Stage
	// Entered lists the journey's stages the lead has ever been in, in journey order: the
	// first stage always, the current one, and those of its completed stays.
	Entered []Stage
	// Stalled: the lead is past its stage's SLA at the time asked, as Result.Stalled says.
	Stalled bool
	// MQLAt is when the lead first reached a hand-off tier (the zero time: never).
	MQLAt            time.Time
	Purchases        int     // purchase events observed
	Revenue          float64 // the Value of all purchase events
	ExpansionRevenue float64 // the part bought while in expand: revenue from an existing customer

	// The SLA of the current stay (sla.go): the stage's owner, its SLA (0: none; a recycled
	// lead's is the stage's RecycleSLA when set), whether an event of its sla_met_by met it,
	// and whether the lead was recycled into the stage from a later one.
	Owner    Owner
	SLA      time.Duration
	SLAMet   bool
	Recycled bool
	// Rejection is the reason of the latest rejection by sales ("": never rejected), at
	// RejectedAt.
	Rejection  string
	RejectedAt time.Time
}

// Lifecycle returns st's Lifecycle under s's journey at now. A now out of the time range
// (MinTime, MaxTime) is taken to its nearest end; like Score, Lifecycle evaluates at the later
// of now and st's clock. It only reads st. A nil or new State is a lead in the first stage
// that has done nothing.
func (s *Scorer[L]) Lifecycle(st *State, now time.Time) Lifecycle {
	j := &s.journey
	d := &s.empty
	if st != nil {
		d = s.view(&st.d)
	}
	cur := j.stageIndex(Stage(d.Stage))
	out := Lifecycle{Stage: j.stages[cur].name, MQLAt: unixToTime(d.MQLAt), Purchases: int(d.Purchases),
		Revenue: d.Revenue, ExpansionRevenue: d.ExpansionRevenue}
	if sla := s.slaOf(d); sla > 0 && d.Events > 0 && !d.SLAMet && d.At(clampTime(now)) > state.Add(d.StageSince(), sla) {
		out.Stalled = true
	}
	s.slaLifecycle(d, &out)        // sla.go
	mask := d.Entered | 1 | 1<<cur // every lead has been in the first stage
	for _, v := range d.History {
		if i := j.lookup(Stage(v.Stage)); i >= 0 {
			mask |= 1 << i
		}
	}
	for i, def := range j.stages {
		if mask&(1<<i) != 0 {
			out.Entered = append(out.Entered, def.name)
		}
	}
	return out
}

// CompileValue compiles src, a numeric expression over lead and now (such as a report's
// "lead.AvgOrderValue * lead.Margin"), as the rule set's own expressions are compiled: with
// its functions (listed over its lists, years_since, WithFunction's) and under its Limits —
// no clock built-ins, bounded size, and the step budget at every evaluation. It may not read
// the lead's events (count, days_since), scores or stage. Errors are RuleErrors with their
// position.
//
// The function returned evaluates the expression for a lead at now, which is what the
// expression reads as now (years_since counts to it); a result that is not a finite number is
// an error. It is safe for concurrent use, and each call has a call's budget (Limits.CallBudget)
// of its own.
func (s *Scorer[L]) CompileValue(src string) (func(lead L, now time.Time) (float64, error), error) {
	var errs errorList
	// A compiler of its own: value expressions are compiled after Compile, maybe concurrently,
	// and get no slots.
	c := &exprCompiler[L]{types: newTypeTable(nil, nil), lists: s.listNames, options: s.exprOpts, limits: s.limits}
	id := shortName(src)
	p := c.compile(src, scopeValue, false, &errs, ItemExpression, id, "")
	if len(errs) > 0 {
		return nil, errs.err()
	}
	return func(lead L, now time.Time) (float64, error) {
		sc := s.get()
		defer s.put(sc)
		sc.env.Lead, sc.env.Now = lead, now
		sc.boxedOK = false
		return s.runNumber(sc, p)
	}, nil
}
