package state

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// spanForward is SpanIn as a plain reading of its contract, every time looked at.
func spanForward(ring []int64, from, to int64) (n int, first, last int64) {
	first, last = math.MaxInt64, math.MinInt64
	for _, t := range ring {
		if t != None && t >= from && t <= to {
			n++
			first, last = min(first, t), max(last, t)
		}
	}
	return n, first, last
}

// TestSpanInMatchesForwardScan: the backward scan that stops at the first time before the
// window gives what reading every slot gives, on rings as Insert builds them and at windows
// around, inside and beyond their times (saturated ones included).
func TestSpanInMatchesForwardScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	edges := []int64{math.MinInt64, None, math.MinInt64 + 1, -1, 0, 1, math.MaxInt64}
	for range 20000 {
		ring := make([]int64, 1+rng.IntN(8))
		for i := range ring {
			ring[i] = None
		}
		for range rng.IntN(12) {
			Insert(ring, rng.Int64N(40)-20)
		}
		if !slices.IsSorted(ring) {
			t.Fatalf("Insert left %v unsorted", ring)
		}
		pick := func() int64 {
			if rng.IntN(5) == 0 {
				return edges[rng.IntN(len(edges))]
			}
			return rng.Int64N(50) - 25
		}
		from, to := pick(), pick()
		n, f, l := SpanIn(ring, from, to)
		wn, wf, wl := spanForward(ring, from, to)
		if n != wn || f != wf || l != wl {
			t.Fatalf("SpanIn(%v, %d, %d) = %d, %d, %d; every slot read gives %d, %d, %d", ring, from, to, n, f, l, wn, wf, wl)
		}
		if c := CountIn(ring, from, to); c != wn {
			t.Fatalf("CountIn(%v, %d, %d) = %d, want %d", ring, from, to, c, wn)
		}
	}
}
