package backtest

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
)

// Folds partitions the indices 0..n-1 of a data set for k-fold cross-validation: Folds[i]
// holds the indices held out in fold i, in ascending order. Every index is in exactly one fold.
type Folds [][]int

// StratifiedKFold splits n = len(converted) cases into k folds that each hold about the same
// number of converted and of unconverted cases, so that every fold's conversion rate is close
// to the whole set's (an unstratified split of a rare outcome can leave a fold with no
// conversions at all, and its AUC undefined).
//
// The assignment is a seeded shuffle within each class: the same labels, k and seed give the
// same folds on every platform and Go version. It fails if k < 2 or if either class has fewer
// than k cases (some fold would then test on one class only).
func StratifiedKFold(converted []bool, k int, seed uint64) (Folds, error) {
	if k < 2 {
		return nil, fmt.Errorf("backtest: %d folds: need at least 2", k)
	}
	var pos, neg []int
	for i, c := range converted {
		if c {
			pos = append(pos, i)
		} else {
			neg = append(neg, i)
		}
	}
	if len(pos) < k || len(neg) < k {
		return nil, fmt.Errorf("backtest: %d folds need at least %d converted and %d unconverted cases, have %d and %d",
			k, k, k, len(pos), len(neg))
	}
	rng := newRNG(seed)
	rng.shuffle(pos)
	rng.shuffle(neg)
	folds := make(Folds, k)
	// Deal the positives round-robin, then carry on dealing the negatives from the fold where
	// the positives stopped, so fold sizes differ by at most one as well.
	next := 0
	for _, class := range [][]int{pos, neg} {
		for _, i := range class {
			folds[next] = append(folds[next], i)
			next = (next + 1) % k
		}
	}
	for _, f := range folds {
		slices.Sort(f)
	}
	return folds, nil
}

// Train returns the indices outside fold i, in ascending order: the training set of fold i.
func (f Folds) Train(i int) []int {
	var out []int
	for j, fold := range f {
		if j != i {
			out = append(out, fold...)
		}
	}
	slices.Sort(out)
	return out
}

// validate checks that f partitions 0..n-1 into at least two non-empty folds.
func (f Folds) validate(n int) error {
	if len(f) < 2 {
		return fmt.Errorf("backtest: %d folds: need at least 2", len(f))
	}
	seen := make([]bool, n)
	count := 0
	for i, fold := range f {
		if len(fold) == 0 {
			return fmt.Errorf("backtest: fold %d is empty", i)
		}
		for _, j := range fold {
			if j < 0 || j >= n {
				return fmt.Errorf("backtest: fold %d holds index %d, outside 0..%d", i, j, n-1)
			}
			if seen[j] {
				return fmt.Errorf("backtest: index %d is in more than one fold", j)
			}
			seen[j] = true
			count++
		}
	}
	if count != n {
		return errors.New("backtest: the folds do not cover every case")
	}
	return nil
}

// rng is splitmix64 (Steele, Lea and Flood, 2014): tiny, fast, and fully determined by its
// seed, which is all a shuffle for cross-validation needs. The library may not use math/rand
// (it must stay free of hidden randomness), and a caller-visible seed keeps every split
// reproducible.
type rng struct{ state uint64 }

func newRNG(seed uint64) *rng { return &rng{state: seed} }

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a uniform integer in [0, n) for n > 0, without modulo bias (Lemire's method
// with rejection).
func (r *rng) intn(n int) int {
	bound := uint64(n)
	threshold := -bound % bound
	for {
		hi, lo := bits.Mul64(r.next(), bound)
		if lo >= threshold {
			return int(hi)
		}
	}
}

// shuffle is a Fisher–Yates shuffle of s.
func (r *rng) shuffle(s []int) {
	for i := len(s) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		s[i], s[j] = s[j], s[i]
	}
}
