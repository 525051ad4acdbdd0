package leadscore

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/leadscore/leadscore/internal/state"
)

// fillEnv prepares the expression environment for an evaluation at now (UnixNano at, and the
// caller's time.Time nowT when it is the same instant, so expressions see its location).
// For an event rule's condition, ev is the event being observed (event rules cannot read
// count, days_since or the stage, so nothing else depends on it).
func (s *Scorer[L]) fillEnv(sc *scratch[L], lead *L, d *state.Data, at int64, nowT time.Time, ev *Event) {
	e := &sc.env
	e.Lead = *lead
	if nowT.UnixNano() != at {
		nowT = time.Unix(0, at).UTC()
	}
	e.Now = nowT
	switch {
	case ev != nil:
		e.Event, sc.eventSet = *ev, true
	case sc.eventSet: // cleared only when set: see put
		e.Event, sc.eventSet = Event{}, false
	}
	e.Stage = string(s.stageOf(d))
	e.DaysInStage = daysInStage(d, at)
	e.Tier, e.Handoff, e.Disqualified, e.FreshHandoff = "", false, false, false
	for k, slot := range s.counts {
		e.Counts[k] = state.CountIn(d.Ring(slot.typ), state.Window(at, slot.window), at)
	}
	for k, typ := range s.since {
		e.DaysSince[k] = daysSince(state.LastIn(d.Ring(typ), at), at)
	}
	clear(e.Signals)
	sc.boxedOK = false
	sc.leadRead |= sc.leadHave
	sc.leadHave = 0
	sc.fast.Load()
}

// stageOf returns st's stage in s's journey: a new lead is in the journey's first stage.
func (s *Scorer[L]) stageOf(d *state.Data) Stage {
	switch {
	case d.Stage != "":
		return Stage(d.Stage)
	case len(s.journey.stages) > 0:
		return s.journey.stages[0].name
	}
	return StageAttract
}

// vmEnv returns the environment as the VM takes it, boxing it only when it changed.
func (sc *scratch[L]) vmEnv() any {
	if !sc.boxedOK {
		sc.boxed, sc.boxedOK = sc.env, true
	}
	return sc.boxed
}

// runBool evaluates a boolean program: through its fast-path closure when it has one and
// the closure does not hand the evaluation over, else on the VM.
func (s *Scorer[L]) runBool(sc *scratch[L], p *program[L]) (bool, error) {
	if p.fastBool != nil {
		if v, ok := sc.fast.RunBool(p.fastBool); ok {
			return v, nil
		}
	}
	return s.runBoolVM(sc, p)
}

func (s *Scorer[L]) runBoolVM(sc *scratch[L], p *program[L]) (bool, error) {
	sc.budget.Start(s.limits.StepBudget, s.limits.CallBudget)
	out, err := sc.vm.Run(p.prog, sc.vmEnv())
	sc.budget.Finish()
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok { // AsBool makes this unreachable, short of a bug in expr
		return false, fmt.Errorf("expected a boolean, got %T", out)
	}
	return b, nil
}

// runString evaluates a string program (a lead field), as runBool does a boolean one.
func (s *Scorer[L]) runString(sc *scratch[L], p *program[L]) (string, error) {
	if p.fastStr != nil {
		if v, ok := sc.fast.RunStr(p.fastStr); ok {
			return v, nil
		}
	}
	sc.budget.Start(s.limits.StepBudget, s.limits.CallBudget)
	out, err := sc.vm.Run(p.prog, sc.vmEnv())
	sc.budget.Finish()
	if err != nil {
		return "", err
	}
	if v, ok := out.(string); ok {
		return v, nil
	}
	// A named string type (type Email string): AsKind(reflect.String) lets it through.
	if rv := reflect.ValueOf(out); rv.Kind() == reflect.String {
		return rv.String(), nil
	}
	return "", fmt.Errorf("expected a string, got %T", out) // unreachable short of a bug in expr

}

func (s *Scorer[L]) runNumber(sc *scratch[L], p *program[L]) (f float64, err error) {
	ok := false
	if p.fastNum != nil {
		f, ok = sc.fast.RunNum(p.fastNum)
	}
	if !ok {
		var out any
		sc.budget.Start(s.limits.StepBudget, s.limits.CallBudget)
		out, err = sc.vm.Run(p.prog, sc.vmEnv())
		sc.budget.Finish()
		if f, ok = out.(float64); err == nil && !ok {
			err = fmt.Errorf("expected a number, got %T", out)
		}
	}
	if err != nil {
		return 0, err
	}
	if !finite(f) {
		return 0, fmt.Errorf("%w: %v", errNotFinite, f)
	}
	return f, nil
}

// limit caps v's magnitude at m (0: no limit).
func limit(v, m float64) float64 {
	if m == 0 {
		return v
	}
	return min(max(v, -m), m)
}

// evaluate computes into res the Result of lead with st (laid out for s) at UnixNano at.
// res is reset first; the capacity of its slices is reused.
func (s *Scorer[L]) evaluate(sc *scratch[L], lead *L, d *state.Data, at int64, nowT time.Time, res *Result) {
	at = d.At(at) // never before the clock
	s.fillEnv(sc, lead, d, at, nowT, nil)
	res.reset()
	if res.Signals == nil || res.Contributions == nil || res.Transitions == nil {
		res.emptyLists()
	}
	res.At, res.Stage = sc.env.Now, s.stageOf(d)
	var raw [3]float64
	s.scoreRules(sc, res, &raw)
	res.base[0], res.base[1], res.base[2] = raw[0], raw[1], raw[2] // not res.base = raw: see reset
	for i := range s.events {
		r := &s.events[i]
		a := d.Acc[i]
		if a.N == 0 {
			continue
		}
		pts := r.contribution(a, at)
		raw[r.dimIndex] = state.Sum(raw[r.dimIndex], pts)
		n := a.N
		if r.once {
			n = 1
		}
		c := grow(&res.Contributions) // filled in place, as in fire
		c.RuleID, c.Dimension, c.Points, c.Reason, c.Events = r.id, r.dim, pts, r.reason, int(min(n, math.MaxInt32))
	}

	// Written out, in locals: a loop over the dimensions kept the scores and the total in
	// memory, each step waiting on the last one's store. The total is the same sum, in the
	// same order, from the reset Result's zero.
	b := &s.dims
	fit, engagement, relationship := b[0].clamp(raw[0]), b[1].clamp(raw[1]), b[2].clamp(raw[2])
	total := state.Sum(0, state.Finite(b[0].weight*fit))
	total = state.Sum(total, state.Finite(b[1].weight*engagement))
	total = state.Sum(total, state.Finite(b[2].weight*relationship))
	res.Fit, res.Engagement, res.Relationship, res.Total = fit, engagement, relationship, total
	res.raw[0], res.raw[1], res.raw[2] = raw[0], raw[1], raw[2] // not res.raw = raw: see Result.reset

	e := &sc.env
	e.Fit, e.Engagement, e.Relationship, e.Total = res.Fit, res.Engagement, res.Relationship, res.Total
	sc.boxedOK = false
	s.detect(sc, d, at, res)
	// Disqualified as the rules and the competitor check left it: what custom signals,
	// tiers, personas and journey guards read (custom signals disqualify no one).
	e.Disqualified = res.Disqualified
	sc.boxedOK = false
	s.detectCustom(sc, res)
	if g := pickBand(s.grades, res.Fit, nil); g >= 0 {
		res.Grade = s.grades[g].name
	}
	if t := s.pickTier(sc, res, d.Tier); t >= 0 {
		res.Tier = s.tiers[t].name
		res.Handoff = s.tiers[t].handoff && !res.Disqualified
	}
	// Personas read the tier and the hand-off, and whether it is fresh: a hand-off tier the
	// lead has not been handed to sales from yet (the journey's guards see the same).
	e.Tier, e.Handoff, e.FreshHandoff = res.Tier, res.Handoff, res.Handoff && !d.HandedOff
	sc.boxedOK = false
	s.stageStatus(d, at, res)
	s.pickPersona(sc, d, res)
}

// scoreRule is scoreRules for a rule off its path: a condition on expr's VM (or one the fast
// path handed over), a value, a disqualification, a max, no condition at all. holds: the
// condition was found to hold already.
func (s *Scorer[L]) scoreRule(sc *scratch[L], res *Result, raw *[3]float64, r *attrRule[L], holds bool) {
	if w := r.when; w != nil && !holds {
		var ok bool
		var err error
		if r.fastWhen != nil { // it ran and handed over: the VM decides, without running it again
			ok, err = s.runBoolVM(sc, w)
		} else {
			ok, err = s.runBool(sc, w)
		}
		if err != nil {
			res.Errors = append(res.Errors, runtimeError(ItemRule, r.id, "when", err))
			// Fail closed: a disqualifying rule that cannot be evaluated must not let the
			// lead through to sales.
			res.Disqualified = res.Disqualified || r.disqualify
			return
		}
		if !ok {
			return
		}
	}
	pts := r.points
	if r.value != nil {
		v, err := s.runNumber(sc, r.value)
		if err != nil {
			res.Errors = append(res.Errors, runtimeError(ItemRule, r.id, "value", err))
			res.Disqualified = res.Disqualified || r.disqualify // fail closed, as above
			return
		}
		pts = v
	}
	res.Disqualified = res.Disqualified || r.disqualify
	fire(res, raw, &r.ruleOut, limit(pts, r.max))
}

// fire adds the contribution of r, which fired with pts points, to res and raw.
func fire(res *Result, raw *[3]float64, r *ruleOut, pts float64) {
	raw[r.dimIndex] = state.Sum(raw[r.dimIndex], pts)
	// Fill the new element in place: appending a composite literal copies it from the stack
	// in 16-byte loads that stall on its 8-byte stores (a third of a 30-rule Score).
	c := grow(&res.Contributions)
	c.RuleID, c.Dimension, c.Points, c.Reason, c.Events = r.id, r.dim, pts, r.reason, 0
}

// grow extends *cs by one element and returns it, to be filled field by field: within the
// capacity without zeroing it first, as append would (while the garbage collector marks,
// zeroing a Contribution costs a write barrier per string, as writing it does).
func grow(cs *[]Contribution) *Contribution {
	n := len(*cs)
	if n < cap(*cs) {
		*cs = (*cs)[:n+1]
	} else {
		*cs = append(*cs, Contribution{})
	}
	return &(*cs)[n]
}

// pickBand returns the first band whose min ≤ v and whose guard holds (-1: none).
func pickBand[L any](bands []band[L], v float64, guard func(i int) bool) int {
	// By index: a range copying each band would copy it through the stack, and reading
	// min back from that copy stalls on the copy's wider stores.
	for i := range bands {
		if v >= bands[i].min && (guard == nil || guard(i)) {
			return i
		}
	}
	return -1
}

// pickTier applies hysteresis to the tier list: a lead already in a higher tier stays there
// until its total falls below that tier's min − hysteresis.
func (s *Scorer[L]) pickTier(sc *scratch[L], res *Result, current string) int {
	guard := func(i int) bool {
		g := s.tiers[i].guard
		if g == nil {
			return true
		}
		ok, err := s.runBool(sc, g)
		if err != nil {
			res.Errors = append(res.Errors, runtimeError(ItemTier, s.tiers[i].name, "when", err))
			return false
		}
		return ok
	}
	natural := pickBand(s.tiers, res.Total, guard)
	if current == "" || s.hysteresis == 0 {
		return natural
	}
	c := s.tierIndex(current)
	if c < 0 || (natural >= 0 && c >= natural) {
		return natural
	}
	if res.Total >= s.tiers[c].min-s.hysteresis && guard(c) {
		return c
	}
	return natural
}
