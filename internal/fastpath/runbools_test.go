package fastpath

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// RunBools against a plain loop, for every length up to 21 (the unrolled loop's runs of four
// and its tail) and random results, a closure that hands over among them or not.
func TestRunBoolsIsAPlainLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 4))
	for n := range 22 {
		for range 200 {
			results := make([]bool, n)
			fns := make([]func(*Env[struct{}]) bool, n)
			slow := -1
			if n > 0 && r.IntN(4) == 0 {
				slow = r.IntN(n)
			}
			var calls []int
			for k := range fns {
				results[k] = r.IntN(2) == 0
				fns[k] = func(f *Env[struct{}]) bool {
					calls = append(calls, k)
					if k == slow {
						f.slow = true
					}
					return results[k]
				}
			}
			var want []int32
			for k, v := range results {
				if v {
					want = append(want, int32(k))
				}
			}
			var f Env[struct{}]
			held := make([]int32, n)
			got, ok := f.RunBools(fns, held)
			if ok != (slow < 0) {
				t.Fatalf("n %d: ok %v with closure %d handing over", n, ok, slow)
			}
			if !slices.Equal(held[:got], want) {
				t.Fatalf("n %d: held %v, want %v", n, held[:got], want)
			}
			if !slices.Equal(calls, rangeOf(n)) {
				t.Fatalf("n %d: closures ran in the order %v", n, calls)
			}
		}
	}
}

func rangeOf(n int) []int {
	out := []int{}
	for k := range n {
		out = append(out, k)
	}
	return out
}
