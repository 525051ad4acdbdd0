package fastpath

import (
	"math/bits"
	"slices"
	"strings"
)

// Constants of at most 16 bytes — a country code, an industry, a lead source, a title's
// prefix — are what most string conditions compare a field with. Go compares a string with
// a variable (the constant a closure holds) by calling memequal, which then dispatches on
// the length; for a two-byte "US" the call and the dispatch are most of the work. A
// shortString holds the constant as two little-endian words, so that the comparison is a
// length check and one or two word compares, the field's bytes loaded by word (the compiler
// merges word's byte loads). On the 30-rule benchmark this took ScoreInto from 5,148 to
// 4,849 instructions a call (BENCHMARKS.md).

// maxShort is the longest constant a shortString holds: two words.
const maxShort = 16

// shortString is a constant of at most maxShort bytes: its length and its bytes as two
// little-endian words, zero beyond the length.
type shortString struct {
	lo, hi uint64
	n      int
}

// newShort returns c as a shortString, or false when c is longer than maxShort.
func newShort(c string) (shortString, bool) {
	if len(c) > maxShort {
		return shortString{}, false
	}
	s := shortString{n: len(c)}
	if len(c) > 8 {
		s.lo, s.hi = word(c[:8]), word(c[8:])
	} else {
		s.lo = word(c)
	}
	return s, true
}

// equal reports whether v is the constant.
func (s *shortString) equal(v string) bool {
	if len(v) != s.n {
		return false
	}
	if len(v) > 8 {
		return word(v[:8]) == s.lo && word(v[8:]) == s.hi
	}
	return word(v) == s.lo
}

// word returns the bytes of v, at most 8, as a little-endian word, zero beyond len(v), with
// the resultCache's word32 and word64 (cache.go) and word2: one to three loads each.
func word(v string) uint64 {
	switch len(v) {
	case 0:
		return 0
	case 1:
		return uint64(v[0])
	case 2:
		return word2(v)
	case 3:
		return word2(v) | uint64(v[2])<<16
	case 4:
		return word32(v, 0)
	case 5:
		return word32(v, 0) | uint64(v[4])<<32
	case 6:
		return word32(v, 0) | word2(v[4:])<<32
	case 7:
		return word32(v, 0) | word2(v[4:])<<32 | uint64(v[6])<<48
	}
	return word64(v, 0)
}

// word2 reads the first 2 bytes of v, little-endian, as word32 does 4.
func word2(v string) uint64 {
	_ = v[1]
	return uint64(v[0]) | uint64(v[1])<<8
}

// contains reports whether v contains the constant, c (strings.Contains): the vector
// search of strings.IndexByte finds each place the constant's first byte is, and the
// constant is compared there by word. A title rarely holds the first byte at all, and then
// one search answers. A v longer than maxShortScan goes to strings.Contains, whose own
// search pays for its set-up there, and which bounds the work on a v full of first bytes.
func (s *shortString) contains(v, c string) bool {
	if len(v) > maxShortScan {
		return strings.Contains(v, c)
	}
	first, n, last := byte(s.lo), s.n, len(v)-s.n
	for i := 0; i <= last; i++ {
		j := strings.IndexByte(v[i:last+1], first)
		if j < 0 {
			return false
		}
		i += j
		if n <= 8 && word(v[i:i+n]) == s.lo || n > 8 && s.equal(v[i:i+n]) {
			return true
		}
	}
	return false
}

// maxShortScan is the longest string shortString.contains scans itself.
const maxShortScan = 64

// Field tests against a short constant, for the field in slot k: the constant's word is
// compared in the test's closure when it fits one, with no call but word's.

// fieldEqualShort is *f.strs[k] == c.
func fieldEqualShort[E any](k int, c shortString) func(*Env[E]) bool {
	if n, lo := c.n, c.lo; n <= 8 {
		return func(f *Env[E]) bool { v := *f.strs[k]; return len(v) == n && word(v) == lo }
	}
	return func(f *Env[E]) bool { return c.equal(*f.strs[k]) }
}

// fieldPrefixShort is strings.HasPrefix(*f.strs[k], c).
func fieldPrefixShort[E any](k int, c shortString) func(*Env[E]) bool {
	if n, lo := c.n, c.lo; n <= 8 {
		return func(f *Env[E]) bool { v := *f.strs[k]; return len(v) >= n && word(v[:n]) == lo }
	}
	return func(f *Env[E]) bool { v := *f.strs[k]; return len(v) >= c.n && c.equal(v[:c.n]) }
}

// fieldSuffixShort is strings.HasSuffix(*f.strs[k], c).
func fieldSuffixShort[E any](k int, c shortString) func(*Env[E]) bool {
	if n, lo := c.n, c.lo; n <= 8 {
		return func(f *Env[E]) bool { v := *f.strs[k]; return len(v) >= n && word(v[len(v)-n:]) == lo }
	}
	return func(f *Env[E]) bool { v := *f.strs[k]; return len(v) >= c.n && c.equal(v[len(v)-c.n:]) }
}

// shortSet is a set of constants of at most maxShort bytes each, compared by word: a few
// one by one, more with one probe of a perfect hash table, where a string's words are hashed
// to a slot that holds the only constant it can be. The hash takes fewer instructions even
// for a few constants, but they depend on one another (three multiplications, then the
// load): for up to maxShortScanSet constants the comparisons one by one were 5 % faster on
// the 30-rule benchmark, with 1 % more instructions.
type shortSet struct {
	// few holds a set of up to maxShortScanSet constants, compared one by one (a length
	// check turns most away): for so few, the hash's chain of multiplications takes longer.
	few   []shortString
	slots []shortString // len a power of two; an empty slot has n = -1
	lens  uint32        // bit n set when a constant has n bytes: most strings are turned away by it
	// The multipliers that give every constant its own slot: the length and the second word
	// are mixed in with multipliers of their own, so that no two constants hash alike for
	// every multiplier tried ("a" and "b\x00" differ by as much in the first word as in the
	// length).
	mul, mulN, mulHi uint64
	shift            uint
}

// maxShortScanSet is the most constants a shortSet compares one by one rather than hashes.
const maxShortScanSet = 8

// maxShortSlots bounds a shortSet's table (24 bytes a slot). A set of up to 32 constants
// always finds its table; beyond about 40, one of the 1,024 multipliers tried separates them
// less and less often, and beyond 64 none is tried: those sets go to a map.
const maxShortSlots = 256

// newShortSet returns set as a shortSet, or false when a constant is longer than maxShort
// or no multiplier tried separates them in a table of maxShortSlots.
func newShortSet(set []string) (*shortSet, bool) {
	keys := make([]shortString, 0, len(set))
	for _, c := range set {
		k, ok := newShort(c)
		if !ok {
			return nil, false
		}
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) <= maxShortScanSet {
		t := &shortSet{few: keys}
		for _, k := range keys {
			t.lens |= 1 << k.n
		}
		return t, true
	}
	for size := uint(8); size <= maxShortSlots; size *= 2 {
		if int(size) < 4*len(keys) {
			continue // emptier tables find a multiplier in fewer tries
		}
		t := &shortSet{slots: make([]shortString, size), shift: uint(64 - bits.TrailingZeros(size))}
		for _, k := range keys {
			t.lens |= 1 << k.n
		}
		seed := uint64(0)
	tries:
		for range 1024 {
			t.mul, t.mulN, t.mulHi = splitmix(&seed)|1, splitmix(&seed), splitmix(&seed)
			for i := range t.slots {
				t.slots[i] = shortString{n: -1}
			}
			for _, k := range keys {
				slot := &t.slots[t.index(k.lo, k.hi, k.n)]
				if slot.n >= 0 {
					continue tries
				}
				*slot = k
			}
			return t, true
		}
	}
	return nil, false
}

// index is the slot of the string whose words are lo and hi and length n.
func (t *shortSet) index(lo, hi uint64, n int) uint64 {
	return ((lo ^ uint64(n)*t.mulN ^ hi*t.mulHi) * t.mul) >> t.shift
}

// splitmix returns the next of a sequence of well-mixed words (SplitMix64): the multipliers
// newShortSet tries, the same at every Compile.
func splitmix(seed *uint64) uint64 {
	*seed += 0x9e3779b97f4a7c15
	z := *seed
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// has reports whether v is one of the set's constants.
func (t *shortSet) has(v string) bool {
	if len(v) > maxShort || t.lens&(1<<len(v)) == 0 {
		return false
	}
	var lo, hi uint64
	if len(v) > 8 {
		lo, hi = word(v[:8]), word(v[8:])
	} else {
		lo = word(v)
	}
	if t.few != nil {
		for i := range t.few {
			if c := &t.few[i]; c.n == len(v) && c.lo == lo && c.hi == hi {
				return true
			}
		}
		return false
	}
	c := &t.slots[t.index(lo, hi, len(v))]
	return c.n == len(v) && c.lo == lo && c.hi == hi
}
