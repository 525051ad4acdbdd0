package leadscore

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/expr-lang/expr/ast"

	"github.com/leadscore/leadscore/internal/state"
)

// DefaultWakeupInterval is how often NextWakeup asks for a re-check of a lead whose rules read
// the clock in ways it cannot predict (now, years_since, or a days_since or days_in_stage that
// is not compared with a constant).
const DefaultWakeupInterval = 24 * time.Hour

// WithWakeupInterval sets the re-check interval NextWakeup uses for rules that read the clock
// unpredictably (default DefaultWakeupInterval). Shorter is more precise and costs more
// Advance calls.
func WithWakeupInterval(d time.Duration) Option {
	return func(o *options) {
		if d <= 0 {
			o.err = errors.Join(o.err, fmt.Errorf("leadscore: WithWakeupInterval(%v): must be positive", d))
			return
		}
		o.wakeupInterval = d
	}
}

// quantity indexes what score thresholds are about: the three dimensions and the total.
const quantityTotal = 3

// timeUse is what NextWakeup needs to know about the expressions that decide a State's changes
// (attribute rules, tier guards, custom signals, journey guards): the constants the
// time-varying values are compared with, or that they are read in a way it cannot predict.
type timeUse struct {
	clock      bool                         // reads the clock unpredictably
	scores     bool                         // reads a score other than against a constant
	stageDays  map[int][]float64            // journey stage (-1: any) → days_in_stage thresholds
	stage      int                          // the stage of the journey guard being analysed, or -1
	sinceDays  map[int][]float64            // days_since slot → thresholds
	thresholds [quantityTotal + 1][]float64 // per quantity: score thresholds compared with >= or <
	strict     [quantityTotal + 1][]float64 // per quantity: score thresholds compared with > or <=
}

var quantityNames = map[string]int{"fit": 0, "engagement": 1, "relationship": 2, "total": quantityTotal}

// analyze records what node reads that changes with time.
func (u *timeUse) analyze(node ast.Node) {
	covered := map[ast.Node]bool{}
	var comparisons collectNodes
	comparisons.keep = func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryNode)
		if !ok {
			return false
		}
		switch b.Operator {
		case "<", "<=", ">", ">=", "==", "!=":
			return true
		}
		return false
	}
	ast.Walk(&node, &comparisons)
	for _, n := range comparisons.found {
		b := n.(*ast.BinaryNode)
		for i, pair := range [2][2]ast.Node{{b.Left, b.Right}, {b.Right, b.Left}} {
			c, ok := constantNumber(pair[1])
			if !ok {
				continue
			}
			// q >= c and q < c change where q reaches c; q > c and q <= c where it passes
			// it (c >= q is q <= c); == and != at both.
			atOrAbove, above := b.Operator == ">=" || b.Operator == "<", b.Operator == ">" || b.Operator == "<="
			if i == 1 {
				atOrAbove, above = above, atOrAbove
			}
			if b.Operator == "==" || b.Operator == "!=" {
				atOrAbove, above = true, true
			}
			if u.threshold(pair[0], c, atOrAbove, above) {
				covered[pair[0]] = true
			}
		}
	}
	var leaves collectNodes
	leaves.keep = func(n ast.Node) bool { return true }
	ast.Walk(&node, &leaves)
	for _, n := range leaves.found {
		if covered[n] {
			continue
		}
		switch n := n.(type) {
		case *ast.IdentifierNode:
			switch {
			case n.Value == "now" || n.Value == "days_in_stage":
				u.clock = true
			case isQuantity(n.Value):
				u.scores = true
			}
		case *ast.MemberNode:
			if id, ok := n.Node.(*ast.IdentifierNode); ok && id.Value == "·days_since" {
				u.clock = true
			}
		case *ast.CallNode:
			if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == "·years_since" {
				u.clock = true
			}
		}
	}
}

// threshold records "leaf compared with c" if leaf is a time-varying value; it reports
// whether it was one.
func (u *timeUse) threshold(leaf ast.Node, c float64, atOrAbove, above bool) bool {
	switch n := leaf.(type) {
	case *ast.IdentifierNode:
		if n.Value == "days_in_stage" {
			if u.stageDays == nil {
				u.stageDays = map[int][]float64{}
			}
			u.stageDays[u.stage] = append(u.stageDays[u.stage], c)
			return true
		}
		if q, ok := quantityNames[n.Value]; ok {
			if atOrAbove {
				u.thresholds[q] = append(u.thresholds[q], c)
			}
			if above {
				u.strict[q] = append(u.strict[q], c)
			}
			return true
		}
	case *ast.MemberNode:
		id, ok := n.Node.(*ast.IdentifierNode)
		k, ok2 := n.Property.(*ast.IntegerNode)
		if ok && ok2 && id.Value == "·days_since" {
			if u.sinceDays == nil {
				u.sinceDays = map[int][]float64{}
			}
			u.sinceDays[k.Value] = append(u.sinceDays[k.Value], c)
			return true
		}
	}
	return false
}

func isQuantity(name string) bool {
	_, ok := quantityNames[name]
	return ok
}

func constantNumber(n ast.Node) (float64, bool) {
	switch v := n.(type) {
	case *ast.IntegerNode:
		return float64(v.Value), true
	case *ast.FloatNode:
		return v.Value, true
	}
	return 0, false
}

type collectNodes struct {
	keep  func(ast.Node) bool
	found []ast.Node
}

func (c *collectNodes) Visit(n *ast.Node) {
	if c.keep(*n) {
		c.found = append(c.found, *n)
	}
}

// NextWakeup reports the earliest time after st's last Observe or Advance at which Advance
// could change st without a new event: a tier entered or left as scores decay, an SLA running
// out, an abandoned cart coming due, a window of counted events emptying, a guard on
// days_in_stage or days_since coming true. Engines that keep timers set one for it and call
// Advance then; ok is false when nothing will ever change on its own.
//
// The time is exact for decay (it solves for the first nanosecond a threshold is crossed),
// windows, SLAs and carts; it is never late. Expressions that read the clock in ways it cannot
// solve for (now, years_since, days_since or days_in_stage other than compared with a
// constant, or scores in guards other than compared with a constant) are re-checked every
// WithWakeupInterval instead.
//
// It takes st as settled by s: its tier, signals and stage decided by s's rules at its last
// evaluation. A State laid out by another rule set, or in a tier s does not have, is due at
// once (the nanosecond after its last evaluation). A State settled under an older version of
// the same rule set — same rule IDs and tiers, other points or thresholds — cannot be told
// apart from one s settled, and its time may be late: the new rules may move it at once.
// After deploying a changed rule set, Advance each stored State once, or set its timer to
// now (the store module's Rewake, leadscored -rewake), which settles it under the new rules.
func (s *Scorer[L]) NextWakeup(st *State) (t time.Time, ok bool) {
	if st == nil || st.d.Events == 0 {
		return time.Time{}, false
	}
	d := s.view(&st.d)
	from := d.Evaluated
	if from == noTime {
		from = d.Clock
	}
	best := int64(math.MaxInt64)
	consider := func(t int64) {
		if t > from && t < best {
			best = t
		}
	}
	if d.Unsettled {
		consider(state.Add(from, 1)) // a journey transition is waiting for the next call
	}
	// A State last settled under another rule set — laid out by another (d is then a remapped
	// copy), or in a tier s does not have — is settled by s's next call, which may change its
	// tier, signals or stage at once: that call is due now.
	if d != &st.d || (d.Tier != "" && s.tierIndex(d.Tier) < 0) {
		consider(state.Add(from, 1))
	}
	w := &s.wake
	if w.clock || w.scores {
		consider(state.Add(from, int64(s.wakeupInterval)))
	}

	// The stage: its SLA, and guards on days in it.
	j := &s.journey
	if len(j.stages) > 0 {
		since := d.StageSince()
		if sla := s.slaOf(d); sla > 0 && !d.Stalled && !d.SLAMet {
			consider(state.Add(state.Add(since, sla), 1))
		}
		for _, k := range []int{-1, j.stageIndex(Stage(d.Stage))} {
			for _, c := range w.stageDays[k] {
				consider(state.Add(since, daysToNanos(c)))
				consider(state.Add(state.Add(since, daysToNanos(c)), 1))
			}
		}
	}
	// Event windows: counts and window detectors change when an event leaves a window.
	for _, slot := range s.counts {
		consider(state.Expiry(d.Ring(slot.typ), slot.window, from))
	}
	for i := range s.detectors {
		det := &s.detectors[i]
		// frequent_visits reads the visits when the State has them, not the rings: a visit
		// leaving the window (below) is what can change it, not each of its page views.
		visits := det.builtin == kindFrequentVisits && det.when == nil && len(d.Sessions) > 0
		for _, r := range det.rings {
			if det.window > 0 && !visits {
				consider(state.Expiry(d.Ring(r), det.window, from))
			}
		}
		switch det.kind {
		case SignalFrequentVisits: // a visit leaves the window with its last page view
			consider(state.SessionExpiry(d.Sessions, det.window, from))
		case SignalAbandonedCart:
			if d.Cart.At != noTime {
				consider(state.Add(d.Cart.At, det.timeout))
				consider(state.Add(state.Add(d.Cart.At, det.window), 1))
			}
		case SignalVelocity:
			if d.Signals&(1<<det.bit) != 0 {
				consider(velocityEnd(d, det, from))
			} else if t, ok := velocityStart(d, det, from); ok {
				consider(t)
			}
		}
	}
	for k, cs := range w.sinceDays {
		last := state.LastIn(d.Ring(s.since[k]), from)
		if last == noTime {
			continue
		}
		for _, c := range cs {
			consider(state.Add(last, daysToNanos(c)))
			consider(state.Add(state.Add(last, daysToNanos(c)), 1))
		}
	}
	// Decay: the first nanosecond a score crosses a threshold, before anything else happens.
	if t, ok := s.crossing(d, from, best); ok {
		consider(t)
	}
	if best >= state.MaxTime {
		return time.Time{}, false // past the end of the time a State can hold: never
	}
	return unixToTime(best), true
}

// daysToNanos converts a threshold in days to nanoseconds, rounding up and saturating.
func daysToNanos(d float64) int64 {
	n := math.Ceil(d * float64(Day))
	switch {
	case n >= math.MaxInt64:
		return math.MaxInt64
	case n <= math.MinInt64+1 || math.IsNaN(n):
		return math.MinInt64 + 1
	}
	return int64(n)
}

// velocityStart reports when the velocity signal starts without a new event, if it does. A
// new lead has no usual pace until its first engagement is a window old; at that instant a
// burst still under way is velocity if it is still fast enough. Without new events the pace
// and the fast sum only fall, so that instant is the one time it can start.
func velocityStart[L any](sd *state.Data, d *detector[L], from int64) (int64, bool) {
	if sd.Vel[1].N == 0 {
		return 0, false
	}
	t := state.Add(sd.Vel[1].First, d.window)
	if t <= from {
		return 0, false
	}
	fast, slow, _ := velocity(sd, t, d.window)
	if fast < float64(d.min) || slow <= 0 || velocitySpan*fast/slow < velocityRatio {
		return 0, false
	}
	return t, true
}

// velocityEnd solves for when the velocity signal clears: the pace 4·fast/slow falls below the
// ratio, or fast falls below the minimum points, whichever comes first.
func velocityEnd[L any](sd *state.Data, d *detector[L], from int64) int64 {
	fast, slow, ok := velocity(sd, from, d.window)
	if !ok || fast <= 0 || slow <= 0 {
		return math.MaxInt64
	}
	hf, hs := float64(d.window), float64(d.window*velocitySpan)
	// pace(t) = pace₀ · 2^(−Δ/hf + Δ/hs); solve pace(t) = ratio.
	pace := velocitySpan * fast / slow
	rate := 1/hf - 1/hs
	end := math.Inf(1)
	if pace >= velocityRatio { // at the ratio the signal holds, and clears a nanosecond later
		end = math.Log2(pace/velocityRatio) / rate
	}
	if fast >= float64(d.min) && d.min > 0 {
		end = math.Min(end, hf*math.Log2(fast/float64(d.min)))
	}
	if math.IsInf(end, 1) || end > float64(math.MaxInt64-from) {
		return math.MaxInt64
	}
	// The detector compares sums computed in floating point, which cross the bounds a few
	// ulps — up to a few hundred nanoseconds, for a week's window — from the exact solution.
	// Waking early by that margin is never late, but from inside the margin it would wake
	// every nanosecond until the sums cross: search the margin for the first nanosecond at
	// which the detector, computing as it does, sees the signal clear. Without new events the
	// pace only falls, so "cleared" is monotone in time and bisection finds that nanosecond.
	margin := hs*1e-13 + 1
	lo := state.Add(from, max(1, int64(math.Ceil(end-margin))))
	hi := state.Add(from, max(1, int64(math.Ceil(end+margin))))
	cleared := func(t int64) bool {
		fast, slow, ok := velocity(sd, t, d.window)
		return !ok || fast < float64(d.min) || slow <= 0 || velocitySpan*fast/slow < velocityRatio
	}
	if cleared(lo) || !cleared(hi) {
		return lo // at lo already, or beyond the margin: early, and the next search starts past it
	}
	for lo+1 < hi { // cleared(hi), not cleared(lo)
		mid := lo + (hi-lo)/2
		if cleared(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// crossingBudget bounds the evaluations one crossing search may make; past it the search
// answers early (never late).
const crossingBudget = 4096

// crossing finds the first nanosecond in (from, until) at which a score crosses one of the
// thresholds that decide a change: tier mins (and mins − hysteresis) for the total, and the
// constants guards compare scores with. Scores between events are attribute contributions
// (constant) plus event-rule contributions, each monotone in time, so interval bounds over
// [a, b] are exact enough to prune, and bisection over integer nanoseconds finds the crossing.
func (s *Scorer[L]) crossing(d *state.Data, from, until int64) (int64, bool) {
	if len(s.events) == 0 {
		return 0, false
	}
	n := len(s.tierThresholds(d.Tier))
	for k := range s.wake.thresholds {
		n += len(s.wake.thresholds[k]) + len(s.wake.strict[k])
	}
	if n == 0 {
		return 0, false
	}
	// A decayed contribution never reaches 0 until it underflows, after 1075 half-lives (and
	// up to 1024 more for a huge sum): a threshold at a score's limit is crossed only then.
	horizon := from
	for _, r := range s.events {
		if h := int64(r.halfLife); h > int64((uint64(math.MaxInt64)-uint64(from))/2100) {
			horizon = math.MaxInt64 // saturate, never wrap
		} else {
			horizon = max(horizon, from+h*2100)
		}
	}
	until = min(until, horizon, math.MaxInt64-1)
	if until <= from {
		return 0, false
	}
	c := crossingSearch[L]{s: s, d: d, budget: crossingBudget, tier: s.tierThresholds(d.Tier)}
	start := c.sides(from)
	t, found := c.find(from, until, start)
	return t, found
}

type crossingSearch[L any] struct {
	s      *Scorer[L]
	d      *state.Data
	budget int
	tier   []float64 // the total's thresholds that can change the tier from the current one (tierThresholds)
}

// tierThresholds returns the totals at which the tier can change from current, for the
// crossing search. Without hysteresis, or without a current tier, the tier is the first whose
// min the total reaches: every min. With hysteresis a lead stays in its tier c until the total
// falls below min_c − hysteresis or reaches the min of a tier above it, so only those decide;
// the mins of c and of the tiers below cannot change the tier while it holds c. Watching them
// made NextWakeup wake at every floating-point flip of a total that sat on such a min (two
// decaying contributions cancelling), each wake changing nothing.
func (s *Scorer[L]) tierThresholds(current string) []float64 {
	c := s.tierIndex(current)
	var out []float64
	for i, t := range s.tiers {
		if t.min == math.Inf(-1) {
			continue
		}
		switch {
		case c < 0 || s.hysteresis == 0 || i < c:
			out = append(out, t.min)
		case i == c:
			out = append(out, t.min-s.hysteresis)
		}
	}
	return out
}

// quantities returns fit, engagement, relationship and total at t.
func (c *crossingSearch[L]) quantities(t int64) [4]float64 {
	lo, _ := c.bounds(t, t)
	return lo
}

// bounds returns lower and upper bounds of the four quantities over [a, b].
func (c *crossingSearch[L]) bounds(a, b int64) (lo, hi [4]float64) {
	s, sd := c.s, c.d
	var dlo, dhi [3]float64
	for d := range 3 {
		dlo[d], dhi[d] = sd.Base[d], sd.Base[d]
	}
	for i := range s.events {
		r := &s.events[i]
		acc := sd.Acc[i]
		if acc.N == 0 {
			continue
		}
		va, vb := r.contribution(acc, a), r.contribution(acc, b)
		d := r.dimIndex
		dlo[d] = state.Sum(dlo[d], min(va, vb))
		dhi[d] = state.Sum(dhi[d], max(va, vb))
	}
	for d, bd := range s.dims {
		l, h := bd.clamp(dlo[d]), bd.clamp(dhi[d])
		lo[d], hi[d] = l, h
		wl, wh := state.Finite(bd.weight*l), state.Finite(bd.weight*h)
		lo[quantityTotal] = state.Sum(lo[quantityTotal], min(wl, wh))
		hi[quantityTotal] = state.Sum(hi[quantityTotal], max(wl, wh))
	}
	return lo, hi
}

// sides returns, per threshold, whether its quantity is at or above it at t, as a bit set.
func (c *crossingSearch[L]) sides(t int64) uint64 {
	q := c.quantities(t)
	var out uint64
	bit := 0
	for _, th := range c.tier {
		if bit < 64 && q[quantityTotal] >= th {
			out |= 1 << bit
		}
		bit++
	}
	for k := range q {
		for _, th := range c.s.wake.thresholds[k] {
			if bit < 64 && q[k] >= th {
				out |= 1 << bit
			}
			bit++
		}
		for _, th := range c.s.wake.strict[k] {
			if bit < 64 && q[k] > th {
				out |= 1 << bit
			}
			bit++
		}
	}
	return out
}

// find returns the first t in (a, b] whose sides differ from want (the sides at a).
func (c *crossingSearch[L]) find(a, b int64, want uint64) (int64, bool) {
	if c.budget <= 0 {
		return a + 1, true // out of budget: wake up early rather than late
	}
	c.budget--
	lo, hi := c.bounds(a, b)
	straddles := false
	for _, th := range c.tier {
		if lo[quantityTotal] < th && th <= hi[quantityTotal] {
			straddles = true
		}
	}
	for k := range lo {
		for _, ths := range [2][]float64{c.s.wake.thresholds[k], c.s.wake.strict[k]} {
			for _, th := range ths {
				if lo[k] < th && th <= hi[k] || lo[k] <= th && th < hi[k] {
					straddles = true
				}
			}
		}
	}
	if !straddles {
		// Bounds on one side of every threshold: no crossing here, unless the sides at a
		// already differ from the bounds' verdict (cannot happen: a is in [a, b]).
		return 0, false
	}
	// b − a may exceed an int64 (from 1900 to the end of time): it is taken as unsigned.
	span := uint64(b) - uint64(a)
	if span <= 1 {
		if c.sides(b) != want {
			return b, true
		}
		return 0, false
	}
	m := a + int64(span/2)
	if t, ok := c.find(a, m, want); ok {
		return t, true
	}
	return c.find(m, b, c.sides(m))
}

// compileWakeups gathers the thresholds NextWakeup watches.
func (s *Scorer[L]) compileWakeups() {
	w := &s.wake
	w.stage = -1
	for _, p := range s.decidingPrograms() {
		if p != nil {
			w.analyze(p.prog.Node())
		}
	}
	for _, t := range s.journey.transitions {
		if t.when != nil {
			w.stage = t.from // a journey guard is only tried in its own stage
			w.analyze(t.when.prog.Node())
		}
	}
	w.stage = -1
	n := 2 * len(s.tiers) // at most, the tier thresholds a search adds (tierThresholds)
	for k := range w.thresholds {
		slices.Sort(w.thresholds[k])
		w.thresholds[k] = slices.Compact(w.thresholds[k])
		slices.Sort(w.strict[k])
		w.strict[k] = slices.Compact(w.strict[k])
		n += len(w.thresholds[k]) + len(w.strict[k])
	}
	if n > 64 { // sides are a 64-bit set; past that, re-check on the interval
		w.scores = true
		w.thresholds = [quantityTotal + 1][]float64{}
		w.strict = [quantityTotal + 1][]float64{}
	}
}
