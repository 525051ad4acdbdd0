package state

import (
	"math"
	"time"
)

// None marks a time that never happened (an empty ring slot, a stage entered at the first
// event, a lead never handed off). It is below every valid time.
const None int64 = math.MinInt64

// The range of times a State holds, in UnixNano: [1900-01-01, 2200-01-01). It is narrower
// than what int64 nanoseconds can represent so that no plausible difference of two times
// needs more than Span's floating point, and no saturated sum is mistaken for a real time.
var (
	MinTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	MaxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
)

// InRange reports whether t is a time a State may hold.
func InRange(t int64) bool { return t >= MinTime && t < MaxTime }

// Add returns t + d, saturating at the int64 limits instead of wrapping. None stays None.
func Add(t, d int64) int64 {
	if t == None {
		return None
	}
	s := t + d
	switch {
	case d > 0 && s < t:
		return math.MaxInt64
	case d < 0 && (s > t || s == None):
		return math.MinInt64 + 1 // saturate just above None
	}
	return s
}

// Span returns a − b in nanoseconds as a float64, without overflow: times 300 years apart
// differ by more than an int64 holds.
func Span(a, b int64) float64 {
	d := a - b
	if (a >= b) == (d >= 0) { // no overflow
		return float64(d)
	}
	return float64(a) - float64(b)
}

// Decay returns 2^(−age/halfLife), the weight of an event age nanoseconds old; halfLife ≤ 0
// means no decay.
func Decay(age float64, halfLife int64) float64 {
	if halfLife <= 0 || age == 0 {
		return 1
	}
	return Exp2(-age / float64(halfLife))
}

// Sum returns a + b, saturating at ±MaxFloat64: a sum of finite values stays finite.
func Sum(a, b float64) float64 {
	return Finite(a + b)
}

// Finite returns v, with ±Inf replaced by ±MaxFloat64 and NaN by 0.
func Finite(v float64) float64 {
	switch {
	case math.IsNaN(v):
		return 0
	case v > math.MaxFloat64:
		return math.MaxFloat64
	case v < -math.MaxFloat64:
		return -math.MaxFloat64
	}
	return v
}
