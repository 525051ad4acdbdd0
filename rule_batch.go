package leadscore

import (
	"math"
	"slices"

	"github.com/leadscore/leadscore/internal/state"
)

// ruleBatch lays out the attribute rules for scoreRules. Most rules of a real rule set are
// plain (a condition on the fast path that adds points when it holds: rules.go), and for
// them scoring is two passes rather than one: every plain rule's condition runs in one tight
// loop that notes those that hold (fastpath.Env.RunBools), then the rules that fired, and
// every other rule, are taken in rule-set order. Go keeps no register across a call, so a
// loop that runs a closure per rule stores and reloads all it holds around each one: the
// first pass holds five words, and the second, which makes no call for a plain rule, visits
// only the rules that fired.
type ruleBatch[L any] struct {
	tests  []func(*fastEnv[L]) bool // the conditions of the plain fast rules, in rule order
	rule   []int32                  // tests[k] is the condition of rules[rule[k]]
	others []int32                  // the indexes of the other rules, ascending
	// fired is, per test, the contribution its rule makes when it holds, and the dimension
	// it adds to; direct when every rule is plain and no sum of their points can overflow,
	// so that a fired rule's points need no state.Sum (firePlain).
	fired  []plainFired
	direct bool
}

// plainFired is what a plain rule adds when its condition holds: its contribution, made
// once at Compile and copied from there (a template in memory, which copies without the
// stall of a literal built on the stack: see fire), and its points by dimension.
type plainFired struct {
	c      Contribution
	points [3]float64 // c.Points in its dimension's place, 0 in the others'
	dim    int        // its dimension's index
}

// batchRules lays out rules, which compileRules has made.
func batchRules[L any](rules []attrRule[L]) ruleBatch[L] {
	var b ruleBatch[L]
	for i := range rules {
		if r := &rules[i]; r.fastWhen != nil && r.plain {
			b.tests = append(b.tests, r.fastWhen)
			b.rule = append(b.rule, int32(i))
			f := plainFired{c: Contribution{RuleID: r.id, Dimension: r.dim, Points: r.points, Reason: r.reason}, dim: r.dimIndex}
			f.points[r.dimIndex] = r.points
			b.fired = append(b.fired, f)
		} else {
			b.others = append(b.others, int32(i))
		}
	}
	// Every partial sum is finite when the magnitudes add up to a finite number with room
	// to spare for rounding: then state.Sum, which saturates ±Inf, would change nothing.
	bound := 0.0
	for _, f := range b.fired {
		bound += math.Abs(f.c.Points)
	}
	b.direct = len(b.others) == 0 && bound <= math.MaxFloat64/2
	return b
}

// scoreRules runs the attribute rules in rule-set order, appending the contribution of each
// that fires to res, and adds their points to raw.
func (s *Scorer[L]) scoreRules(sc *scratch[L], res *Result, raw *[3]float64) {
	b := &s.batch
	n, ok := sc.fast.RunBools(b.tests, sc.held)
	if !ok {
		// A condition handed over to the VM (a nil pointer on a field path, say): which one
		// is for the rule loop to find, rule by rule. The conditions are pure, so running
		// them again changes nothing but time.
		s.scoreRulesEach(sc, res, raw)
		return
	}
	held := sc.held[:n]
	if b.direct {
		b.firePlain(res, raw, held)
		return
	}
	s.fireMixed(sc, res, raw, held)
}

// scoreRulesEach is scoreRules rule by rule, for an evaluation in which a condition handed
// over to the VM: each runs alone, so that the one that handed over goes to the VM.
func (s *Scorer[L]) scoreRulesEach(sc *scratch[L], res *Result, raw *[3]float64) {
	for i := range s.rules {
		r := &s.rules[i]
		if r.fastWhen == nil || !r.plain {
			s.scoreOther(sc, res, raw, r)
			continue
		}
		if ok, done := sc.fast.RunBool(r.fastWhen); done {
			if ok {
				fire(res, raw, &r.ruleOut, r.points)
			}
			continue
		}
		s.scoreRule(sc, res, raw, r, false) // it handed over: the VM decides
	}
}

// fireMixed is fire for the plain rules whose conditions held, in rule-set order with the
// other rules, which scoreOther runs in between; the sums are state.Sum's, rule by rule, as
// the rules one by one would make them.
func (s *Scorer[L]) fireMixed(sc *scratch[L], res *Result, raw *[3]float64, held []int32) {
	b := &s.batch
	rules, others, fired := s.rules, b.others, b.fired
	cs := res.Contributions
	for _, k := range held {
		if i := b.rule[k]; len(others) > 0 && others[0] < i {
			res.Contributions = cs
			for len(others) > 0 && others[0] < i {
				s.scoreOther(sc, res, raw, &rules[others[0]])
				others = others[1:]
			}
			cs = res.Contributions
		}
		f := &fired[k]
		raw[f.dim] = state.Sum(raw[f.dim], f.c.Points)
		cs = append(cs, f.c)
	}
	res.Contributions = cs
	for _, i := range others {
		s.scoreOther(sc, res, raw, &rules[i])
	}
}

// firePlain is fire for the plain rules whose conditions held (held: their tests' indexes)
// when every rule is plain (direct): their contributions are copied in place, with no call,
// and their points summed in registers. raw is zero: scoreRules is the first to add to it.
func (b *ruleBatch[L]) firePlain(res *Result, raw *[3]float64, held []int32) {
	cs := slices.Grow(res.Contributions, len(held))
	m := len(cs)
	cs = cs[:m+len(held)]
	fired := b.fired
	// Three sums, each rule adding its points to its dimension's and 0 to the others: adding
	// raw[dim] in memory would chain every rule on the last one's store, and 0 changes no sum
	// (none is ever -0: they start at +0, and x + -x is +0).
	var fit, engagement, relationship float64
	for j, k := range held {
		f := &fired[k]
		fit += f.points[0]
		engagement += f.points[1]
		relationship += f.points[2]
		cs[m+j] = f.c
	}
	raw[0], raw[1], raw[2] = fit, engagement, relationship
	res.Contributions = cs
}

// scoreOther scores a rule that is not plain: its fast-path condition first, if it has one.
func (s *Scorer[L]) scoreOther(sc *scratch[L], res *Result, raw *[3]float64, r *attrRule[L]) {
	holds := false // the condition is known to hold
	if fn := r.fastWhen; fn != nil {
		ok, done := sc.fast.RunBool(fn)
		if done && !ok {
			return
		}
		holds = done
	}
	s.scoreRule(sc, res, raw, r, holds)
}
