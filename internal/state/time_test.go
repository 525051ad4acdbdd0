package state

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// extremeTimes are the int64 values where time arithmetic could wrap.
var extremeTimes = []int64{
	math.MinInt64, math.MinInt64 + 1, math.MinInt64 + 2, -1, 0, 1,
	math.MaxInt64 - 1, math.MaxInt64, MinTime, MinTime - 1, MaxTime - 1, MaxTime,
	math.MinInt64 / 2, math.MaxInt64 / 2, math.MaxInt64/2 + 1,
}

func randInt64(r *rand.Rand) int64 {
	if r.IntN(2) == 0 {
		return extremeTimes[r.IntN(len(extremeTimes))] + r.Int64N(3) - 1 // and their neighbours
	}
	return int64(r.Uint64())
}

// Invariant 2: Add saturates instead of wrapping, keeps None as None and never returns None
// for a real time.
func TestAddSaturates(t *testing.T) {
	r := newRand(1)
	minSat := big.NewInt(math.MinInt64 + 1)
	maxSat := big.NewInt(math.MaxInt64)
	check := func(a, d int64) {
		got := Add(a, d)
		if a == None {
			if got != None {
				t.Fatalf("Add(None, %d) = %d, want None", d, got)
			}
			return
		}
		want := new(big.Int).Add(big.NewInt(a), big.NewInt(d))
		if want.Cmp(minSat) < 0 {
			want = minSat // just above None: a real time never becomes "never"
		}
		if want.Cmp(maxSat) > 0 {
			want = maxSat
		}
		if got != want.Int64() {
			t.Fatalf("Add(%d, %d) = %d, want %v", a, d, got, want)
		}
	}
	for _, a := range extremeTimes {
		for _, d := range extremeTimes {
			check(a, d)
			check(a+1, d)
			check(a, d+1)
		}
	}
	for range trials(100000) {
		check(randInt64(r), randInt64(r))
	}
}

// Invariant 2: Span is a − b in floating point without overflow: finite, of the right sign,
// within a few ulps of the exact difference, antisymmetric.
func TestSpanNeverWraps(t *testing.T) {
	r := newRand(2)
	check := func(a, b int64) {
		got := Span(a, b)
		if math.IsNaN(got) || math.IsInf(got, 0) {
			t.Fatalf("Span(%d, %d) = %v", a, b, got)
		}
		exact := new(big.Int).Sub(big.NewInt(a), big.NewInt(b))
		want, _ := new(big.Float).SetInt(exact).Float64()
		if (got > 0) != (exact.Sign() > 0) || (got < 0) != (exact.Sign() < 0) {
			t.Fatalf("Span(%d, %d) = %v, wrong sign (exact %v)", a, b, got, exact)
		}
		if math.Abs(got-want) > 4*0x1p-53*math.Abs(want) {
			t.Fatalf("Span(%d, %d) = %v, want %v", a, b, got, want)
		}
		if Span(b, a) != -got {
			t.Fatalf("Span(%d, %d) = %v but Span(%d, %d) = %v", a, b, got, b, a, Span(b, a))
		}
	}
	for _, a := range extremeTimes {
		for _, b := range extremeTimes {
			check(a, b)
		}
	}
	for range trials(100000) {
		check(randInt64(r), randInt64(r))
	}
}

var extremeFloats = []float64{
	0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, 1, -1, 1e300, -1e300,
	math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64 / 2, math.Nextafter(math.MaxFloat64, 0),
}

// Invariant 6: Sum of finite values is finite (it saturates at ±MaxFloat64) and exact when it
// does not overflow; Finite maps ±Inf and NaN to finite values.
func TestSumSaturates(t *testing.T) {
	r := newRand(3)
	check := func(a, b float64) {
		got := Sum(a, b)
		if math.IsNaN(got) || math.IsInf(got, 0) {
			t.Fatalf("Sum(%v, %v) = %v", a, b, got)
		}
		switch s := a + b; {
		case math.IsInf(s, 1) && got != math.MaxFloat64, math.IsInf(s, -1) && got != -math.MaxFloat64:
			t.Fatalf("Sum(%v, %v) = %v, want saturation", a, b, got)
		case !math.IsInf(s, 0) && got != s:
			t.Fatalf("Sum(%v, %v) = %v, want %v", a, b, got, s)
		}
		if Sum(b, a) != got {
			t.Fatalf("Sum(%v, %v) is not commutative", a, b)
		}
	}
	for _, a := range extremeFloats {
		for _, b := range extremeFloats {
			check(a, b)
		}
	}
	for range trials(100000) {
		a := extremeFloats[r.IntN(len(extremeFloats))] * r.Float64() * 2
		b := (r.Float64() - 0.5) * math.MaxFloat64
		check(Finite(a), b)
	}
	for v, want := range map[float64]float64{math.Inf(1): math.MaxFloat64, math.Inf(-1): -math.MaxFloat64, math.NaN(): 0, 3: 3} {
		if got := Finite(v); got != want && !math.IsNaN(v) || math.IsNaN(v) && got != 0 {
			t.Errorf("Finite(%v) = %v, want %v", v, got, want)
		}
	}
	if got := Sum(math.Inf(1), math.Inf(-1)); got != 0 {
		t.Errorf("Sum(+Inf, -Inf) = %v, want 0 (never NaN)", got)
	}
}

// Decay is a weight in [0, 1]: 1 at age 0 or without decay, ½ at one half-life, never NaN,
// non-increasing in age, for every half-life from 1ns to MaxInt64 and every age a span of
// times can have.
func TestDecay(t *testing.T) {
	r := newRand(4)
	halfLives := []int64{-1, 0, 1, 2, day, math.MaxInt64 / 2, math.MaxInt64}
	for _, h := range halfLives {
		if h > 0 && Decay(float64(h), h) != 0.5 {
			t.Errorf("Decay(h, %d) = %v, want 0.5", h, Decay(float64(h), h))
		}
		if Decay(0, h) != 1 {
			t.Errorf("Decay(0, %d) = %v, want 1", h, Decay(0, h))
		}
	}
	for range trials(20000) {
		h := halfLives[r.IntN(len(halfLives))]
		a, b := Span(randInt64(r), randInt64(r)), Span(randInt64(r), randInt64(r))
		a, b = math.Abs(a), math.Abs(b)
		if a > b {
			a, b = b, a
		}
		da, db := Decay(a, h), Decay(b, h)
		if math.IsNaN(da) || da < 0 || da > 1 || db > da {
			t.Fatalf("Decay(%v, %d) = %v, Decay(%v, %d) = %v", a, h, da, b, h, db)
		}
		if h <= 0 && da != 1 {
			t.Fatalf("Decay(%v, %d) = %v without decay", a, h, da)
		}
	}
}

// Invariant 4: a ring holds the cap latest of the times inserted, ascending with None first,
// whatever the order they came in; CountIn, LastIn and Expiry agree with a plain scan, and
// Window and Expiry saturate at the extremes.
func TestRing(t *testing.T) {
	r := newRand(5)
	for trial := range trials(3000) {
		capacity := 1 + r.IntN(6)
		times := make([]int64, r.IntN(12))
		for i := range times {
			times[i] = randTime(r)
			if r.IntN(4) == 0 && i > 0 {
				times[i] = times[r.IntN(i)] // repeats
			}
		}
		want := slices.Clone(times)
		slices.Sort(want)
		if len(want) > capacity {
			want = want[len(want)-capacity:]
		}
		want = append(slices.Repeat([]int64{None}, capacity-len(want)), want...)
		for range 3 {
			r.Shuffle(len(times), func(i, j int) { times[i], times[j] = times[j], times[i] })
			ring := slices.Repeat([]int64{None}, capacity)
			for _, x := range times {
				Insert(ring, x)
			}
			if !slices.Equal(ring, want) {
				t.Fatalf("trial %d: inserting %v in a ring of %d gives %v, want %v", trial, times, capacity, ring, want)
			}
		}
		ring := want
		from, to := randTime(r), randTime(r)
		w := []int64{0, 1, day, math.MaxInt64}[r.IntN(4)]
		n, last, exp := 0, None, int64(math.MaxInt64)
		for _, x := range ring {
			if x == None {
				continue
			}
			if x >= from && x <= to {
				n++
			}
			if x <= to {
				last = max(last, x)
			}
			if end := Add(x, w); end >= from && exp == math.MaxInt64 {
				exp = Add(end, 1)
			}
		}
		if got := CountIn(ring, from, to); got != n {
			t.Fatalf("CountIn(%v, %d, %d) = %d, want %d", ring, from, to, got, n)
		}
		if got := LastIn(ring, to); got != last {
			t.Fatalf("LastIn(%v, %d) = %d, want %d", ring, to, got, last)
		}
		if got := Expiry(ring, w, from); got != exp || got < from && got != math.MaxInt64 {
			t.Fatalf("Expiry(%v, %d, %d) = %d, want %d", ring, w, from, got, exp)
		}
		if got := Window(to, w); got != Add(to, -w) || got > to {
			t.Fatalf("Window(%d, %d) = %d", to, w, got)
		}
	}
	Insert(nil, 1) // an empty ring keeps nothing and does not panic
	if got := Window(MinTime, math.MaxInt64); got == None || got > MinTime {
		t.Errorf("Window(MinTime, MaxInt64) = %d", got)
	}
}
