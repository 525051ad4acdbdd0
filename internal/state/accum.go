package state

import "math"

// Accum is an event rule's accumulator. For a rule with half-life h it holds
// Sum = Σ w·2^(−(Ref − tᵢ)/h) over the matched events (w = 1 for rules, the points for the
// velocity sums), with Ref the latest of them; the value at t ≥ Ref is Sum × 2^(−(t − Ref)/h).
// Adding events in any order gives the same Sum, which is what makes scores independent of
// arrival order. Without decay, Sum is the plain (weighted) count. First is the earliest
// matched event, for once rules, and N how many events were added.
type Accum struct {
	Sum   float64
	Ref   int64
	First int64
	N     uint64
}

// Add adds an event at t of weight 1.
func (a *Accum) Add(t int64, halfLife int64) { a.AddWeighted(t, 1, halfLife) }

// AddWeighted adds an event at t worth w ≥ 0.
func (a *Accum) AddWeighted(t int64, w float64, halfLife int64) {
	switch {
	case a.N == 0:
		a.Sum, a.Ref, a.First = Finite(w), t, t
	case t <= a.Ref:
		a.Sum = Sum(a.Sum, w*Decay(Span(a.Ref, t), halfLife))
	default:
		a.Sum = Sum(a.Sum*Decay(Span(t, a.Ref), halfLife), w)
		a.Ref = t
	}
	a.First = min(a.First, t)
	if a.N < math.MaxUint64 {
		a.N++
	}
}

// Value is the decayed sum at now ≥ Ref (a once rule counts its earliest event only, at
// weight 1).
func (a Accum) Value(now int64, halfLife int64, once bool) float64 {
	switch {
	case a.N == 0:
		return 0
	case once:
		return Decay(Span(now, a.First), halfLife)
	}
	return a.Sum * Decay(Span(now, a.Ref), halfLife)
}

// Merge adds b's events to a: the result is what one accumulator that saw both sets of
// events would hold.
func (a *Accum) Merge(b Accum, halfLife int64) {
	switch {
	case b.N == 0:
		return
	case a.N == 0:
		*a = b
		return
	}
	ref := max(a.Ref, b.Ref)
	a.Sum = Sum(a.Sum*Decay(Span(ref, a.Ref), halfLife), b.Sum*Decay(Span(ref, b.Ref), halfLife))
	a.Ref = ref
	a.First = min(a.First, b.First)
	if a.N+b.N < a.N {
		a.N = math.MaxUint64
	} else {
		a.N += b.N
	}
}

// Convert returns a's sum under another half-life, and whether it is exact.
//
// An accumulator keeps the time of its latest event (Ref), of its earliest (First), the count
// N and the decayed Sum; the times of the N − 2 events between are gone. Convert is exact
// when those middle events do not exist (N ≤ 2) or do not matter (the new half-life is 0: no
// decay, Sum becomes the count). Otherwise it places the middle events at one common age —
// the age that reproduces the old Sum exactly — and decays them under the new half-life.
//
// The bound: every spread of the middle events between First and Ref that gives the old Sum
// gives a new Sum between Convert's estimate (equal ages, by Jensen's inequality) and the
// spread that puts them at the two ends (ConvertBound); the true value lies between the two.
// From no decay (old half-life 0) the old Sum says nothing about the ages, so the middle
// events are taken to be evenly spaced between First and Ref; the true value lies between
// "all at First" and "all at Ref", so no farther from the estimate than ConvertBound.
func (a Accum) Convert(oldHalfLife, newHalfLife int64) (Accum, bool) {
	if a.N == 0 || oldHalfLife == newHalfLife {
		return a, true
	}
	out := a
	if newHalfLife <= 0 {
		out.Sum = float64(a.N) // no decay: every event counts 1
		return out, true
	}
	span := Span(a.Ref, a.First)
	switch {
	case a.N == 1:
		return out, true // Sum = 1: the latest event, at Ref
	case a.N == 2:
		out.Sum = 1 + Decay(span, newHalfLife)
		return out, true
	}
	middle := float64(a.N - 2)
	ends := 1 + Decay(span, newHalfLife) // the events at Ref and First
	if oldHalfLife <= 0 {
		// Evenly spaced: Σ_{k=1..m} 2^(−span·k/(m+1)/h).
		q := Decay(span/(middle+1), newHalfLife)
		var s float64
		if q == 1 {
			s = middle
		} else {
			s = q * (1 - math.Pow(q, middle)) / (1 - q)
		}
		out.Sum = ends + s
		return out, false
	}
	// The middle events' mean weight under the old half-life, each in [2^(−span/h), 1].
	// Weight under h' = weight under h raised to p = h/h'. The mean is known only to the old
	// Sum's rounding; taking its end on the estimate's side of Jensen's inequality (the
	// largest for p < 1, the smallest for p > 1) keeps the estimate a bound.
	x0, p := Decay(span, oldHalfLife), float64(oldHalfLife)/float64(newHalfLife)
	m := (a.Sum - 1 - x0) / middle
	if r := a.roundoff(middle); p < 1 {
		m = min(max(m+r, x0), 1)
	} else {
		m = min(max(m-r, x0-r), 1)
	}
	if m <= 0 {
		out.Sum = ends
		return out, false
	}
	out.Sum = ends + middle*math.Pow(m, p)
	return out, false
}

// convertWeighted returns a's sum under another half-life for a sum of weighted events (the
// velocity sums), whose weights are gone: it scales the Sum as Convert would the count of
// N events evenly spaced between First and Ref. Exact for one event and for two of equal
// weight; otherwise each event's weight changes by a factor between 1 and the decay ratio
// over First..Ref, and so does the estimate.
func (a Accum) convertWeighted(oldHalfLife, newHalfLife int64) Accum {
	if a.N == 0 || oldHalfLife == newHalfLife {
		return a
	}
	unit := a
	unit.Sum = float64(a.N)
	from, _ := unit.Convert(0, oldHalfLife)
	to, _ := unit.Convert(0, newHalfLife)
	a.Sum = Finite(a.Sum * (to.Sum / from.Sum))
	return a
}

// roundoff bounds how far the middle events' mean old weight may be from what the rounded
// Sum says: about one rounding of the Sum per event added.
func (a Accum) roundoff(middle float64) float64 {
	return 4 * float64(a.N) * 0x1p-52 * max(a.Sum, 1) / middle
}

// ConvertBound returns the other end of the range Convert's estimate bounds on one side: the
// new Sum if the middle events sat at the two ends (First and Ref) instead of at one age. The
// true converted sum lies between Convert's estimate and this. From no decay it returns
// whichever of "all at First" and "all at Ref" is farther from the estimate: the true sum
// lies between those two, so within |ConvertBound − estimate| of the estimate.
func (a Accum) ConvertBound(oldHalfLife, newHalfLife int64) float64 {
	est, exact := a.Convert(oldHalfLife, newHalfLife)
	if exact {
		return est.Sum
	}
	span := Span(a.Ref, a.First)
	middle := float64(a.N - 2)
	ends := 1 + Decay(span, newHalfLife)
	lo, hiW := Decay(span, newHalfLife), 1.0
	if oldHalfLife <= 0 {
		// No information on ages: anywhere from all at First to all at Ref.
		if d := ends + middle*lo; math.Abs(d-est.Sum) > math.Abs(ends+middle*hiW-est.Sum) {
			return d
		}
		return ends + middle*hiW
	}
	// Old weights of the ends of the interval, and the share k of middle events at Ref that
	// reproduces the old middle sum: k·1 + (middle−k)·x₀ = M, M taken at the end of its
	// rounding away from the estimate.
	x0, p := Decay(span, oldHalfLife), float64(oldHalfLife)/float64(newHalfLife)
	M := a.Sum - 1 - x0
	if r := a.roundoff(middle) * middle; p < 1 {
		M -= r
	} else {
		M += r
	}
	M = min(max(M, middle*x0), middle)
	if x0 >= 1 { // the old half-life cannot tell the ages apart
		if p < 1 {
			return ends + middle*lo
		}
		return ends + middle*hiW
	}
	k := (M - middle*x0) / (1 - x0)
	return ends + k*hiW + (middle-k)*lo
}
