// Package strindex maps a fixed set of strings, known once at Compile, to their positions,
// for the lookups on the scoring hot path (a lead's stage, an event's type) where a Go map's
// string hashing and probing cost several times what the answer needs.
//
// A key is hashed from its length and three of its bytes (first, middle, last) into a
// power-of-two table; a slot that only one key hashes to holds that key, and a lookup is the
// hash, one load and one string comparison. Keys that share a slot with another key are
// looked up in a map instead, so the answer never depends on how well the hash spreads the
// keys, only the cost does. New tries a few multipliers and table sizes and keeps the one that
// leaves the fewest keys to the map.
//
// Contract: Lookup gives, for every string (including "", strings not in the set and strings
// longer or shorter than every key), exactly what a map built from the same keys would. An
// Index is immutable once built and safe for concurrent use.
package strindex

import "math/bits"

// Index is an immutable map from a fixed set of strings to their positions. The zero Index
// holds no keys.
type Index struct {
	slots []slot
	mul   uint64 // the hash's odd multiplier
	shift uint8  // 64 - log2(len(slots)): the product's top bits pick the slot
	empty int32  // the position of "" plus one; 0: "" is not a key
	// shared holds the keys whose slot another key hashes to too, and only those.
	shared map[string]int32
}

// slot is one table entry: the only key that hashes to it and its position, or an empty key
// with pos free or crowded.
type slot struct {
	key string
	pos int32
}

const (
	free    = -1 // no key hashes to the slot
	crowded = -2 // two or more keys do: look in Index.shared

	// maxBits bounds the table (2^16 slots); a larger set leaves more keys to the map
	// rather than taking memory without bound.
	maxBits = 16
	// tries is how many multipliers New tries per table size: enough for sets of a few
	// dozen keys to land one per slot, cheap at Compile.
	tries = 32
)

// New builds the index of keys: a key's position is its index in keys, and a key given
// twice has the position of its last occurrence, as when a map is filled in order.
func New(keys []string) Index {
	pos := make(map[string]int32, len(keys))
	for i, k := range keys {
		if int64(i) > 1<<31-1 {
			panic("strindex: more keys than int32 positions")
		}
		pos[k] = int32(i)
	}
	var x Index
	if p, ok := pos[""]; ok {
		x.empty = p + 1
		delete(pos, "")
	}
	// The distinct keys in the order given, so that the table is the same on every run.
	distinct := make([]string, 0, len(pos))
	for i, k := range keys {
		if p, ok := pos[k]; ok && int(p) == i {
			distinct = append(distinct, k)
		}
	}
	// Keys alike in length, first, middle and last byte share a slot under any multiplier:
	// no search does better than leaving those to the map.
	alike := crowdedKeys(distinct, 1, 0, nil, len(distinct)+1)
	best, bestBits, bestMul := len(distinct)+1, 0, uint64(0)
	// Tables from about twice the keys up to eight times: sparse enough that a few tries
	// usually separate every key that can be separated.
	lo := min(max(1, bits.Len(uint(len(distinct)))+1), maxBits)
	var count []uint8
	for b := lo; b <= min(lo+2, maxBits) && best > alike; b++ {
		count = make([]uint8, 1<<b)
		seed := uint64(0x9e3779b97f4a7c15)
		for t := 0; t < tries && best > alike; t++ {
			mul := splitmix(&seed) | 1
			if n := crowdedKeys(distinct, mul, uint8(64-b), count, best); n < best {
				best, bestBits, bestMul = n, b, mul
			}
		}
	}
	x.mul, x.shift = bestMul, uint8(64-bestBits)
	x.slots = make([]slot, 1<<bestBits)
	for i := range x.slots {
		x.slots[i].pos = free
	}
	for _, k := range distinct {
		s := &x.slots[hash(k, x.mul, x.shift)]
		switch s.pos {
		case free:
			*s = slot{key: k, pos: pos[k]}
		case crowded:
			x.shared[k] = pos[k]
		default:
			if x.shared == nil {
				x.shared = map[string]int32{}
			}
			x.shared[s.key] = s.pos
			x.shared[k] = pos[k]
			*s = slot{pos: crowded}
		}
	}
	return x
}

// Lookup returns the position of s in the keys the index was built from, or -1 when s is not
// one of them.
func (x *Index) Lookup(s string) int {
	n := len(s)
	if n == 0 {
		return int(x.empty) - 1
	}
	// The comparison stands for the bounds check, and keeps the zero Index (no slots) total.
	h := hash(s, x.mul, x.shift)
	if h >= uint64(len(x.slots)) {
		return -1
	}
	// The slot's position is tested before its key so that nothing but the position is live
	// across the string comparison's call: a hit then needs no spills.
	e := &x.slots[h]
	p := int(e.pos)
	if p < 0 {
		if p == crowded {
			return x.lookupShared(s)
		}
		return -1
	}
	if e.key != s {
		return -1
	}
	return p
}

// lookupShared looks up s among the keys that share a slot, out of Lookup's line so that
// Lookup's path to a hit carries no map access.
//
//go:noinline
func (x *Index) lookupShared(s string) int {
	if p, ok := x.shared[s]; ok {
		return int(p)
	}
	return -1
}

// hash is the slot of a non-empty k: its length and first, middle and last bytes packed
// (distinct for keys that differ in any of them), times an odd multiplier, which keeps them
// distinct, whose top bits then pick one of 2^(64-shift) slots. The shift is masked so that
// the compiler emits a plain shift.
func hash(k string, mul uint64, shift uint8) uint64 {
	n := len(k)
	return (uint64(k[0]) | uint64(k[n>>1])<<8 | uint64(k[n-1])<<16 | uint64(n)<<24) * mul >> (shift & 63)
}

// crowdedKeys counts the keys that would share a slot with another under mul and shift,
// with count (zeroed on return) as the table; a nil count counts equal hashes in a map.
// It stops counting at limit, the best count so far: no multiplier that does worse is kept,
// and most of the tries that fail fail early.
func crowdedKeys(keys []string, mul uint64, shift uint8, count []uint8, limit int) int {
	if count == nil {
		seen := make(map[uint64]int, len(keys))
		for _, k := range keys {
			seen[hash(k, mul, shift)]++
		}
		n := 0
		for _, c := range seen {
			if c > 1 {
				n += c
			}
		}
		return n
	}
	n, i := 0, 0
	for ; i < len(keys) && n < limit; i++ {
		switch h := hash(keys[i], mul, shift); count[h] {
		case 0:
			count[h] = 1
		case 1:
			count[h] = 2
			n += 2
		default:
			n++
		}
	}
	for _, k := range keys[:i] {
		count[hash(k, mul, shift)] = 0
	}
	return n
}

// splitmix returns the next of a fixed sequence of well-mixed multipliers: New must pick
// the same table for the same keys on every run, so no randomness.
func splitmix(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// Crowded returns how many keys share a slot and are looked up in the map: what the choice
// of table cost, for tests that hold a set of keys to its fast path.
func (x *Index) Crowded() int { return len(x.shared) }
