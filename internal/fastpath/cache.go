package fastpath

import "math/bits"

// resultCache remembers, per cached function (Description.Cached), the results of the last
// inputs it saw, across Loads: the titles and email domains of a population repeat ("VP
// Sales", "gmail.com"), and classifying one costs ten times what a rule does, so an Env that
// scores many leads classifies each distinct value about once. The memo of a Load still comes
// first; the cache only saves the call when the value comes back in a later evaluation.
//
// It is two-way set-associative: each input has a set of two lines per function, chosen by a
// hash of its bytes (keyHash), so a lookup is a few instructions and a comparison or two.
// Keys are copied into the line, never kept as the caller's strings, so a pooled Env keeps no
// lead alive (results are the constants Cached functions promise to return). Inputs longer
// than cacheKeyMax bytes, and the empty string, are not cached: the call is made every time.
// A function's key may be part of the input (an email address's domain, for the domain
// classifications).
type resultCache struct {
	lines []cacheLine // cacheWays per cached function

	// The last input a key function was applied to, and what it gave: the domain
	// classifications key an address by its domain, and a rule set asks several of them of
	// one address. It holds the caller's string, so Release clears it.
	keyID   int
	keyIn   string
	key     string
	keyHash uint64
	keyOK   bool // key is cached: a non-empty key of at most cacheKeyMax bytes
}

const (
	cacheWays   = 256 // lines per function, in sets of two: a power of two
	cacheKeyMax = 39  // bytes of input a line holds: a line is 64 bytes
)

type cacheLine struct {
	n   uint8 // the key's length; 0: empty
	key [cacheKeyMax]byte
	s   string // the result of a func(string) string
	b   bool   // the result of a func(string) bool
}

func newResultCache(functions int) resultCache {
	return resultCache{lines: make([]cacheLine, functions*cacheWays)}
}

// setOf is the index in lines of the first line of the set of key hash h for function fn.
//
// A set is two adjacent lines, the newer key first: a direct-mapped cache, one line per
// key, lost a tenth of a population's 81 titles to collisions that two ways absorb. The
// newest key of a set, which a lead scored again asks, costs one comparison, as before:
// str and bool compare it in line, and call second for the other.
func setOf(fn int, h uint64) int {
	return fn*cacheWays + int(h&(cacheWays-2))
}

// holds reports whether l holds key k.
func (l *cacheLine) holds(k string) bool {
	return int(l.n) == len(k) && string(l.key[:len(k)]) == k
}

// second returns the second line of the set at i when it holds k, and true; else the first
// line, to be filled, after moving the key it held to the second (the older one goes), and
// false.
func (c *resultCache) second(i int, k string) (*cacheLine, bool) {
	set := c.lines[i : i+2]
	if l := &set[1]; l.holds(k) {
		return l, true
	}
	set[1] = set[0]
	return &set[0], false
}

// keyHash is the hash that picks a key's set (setOf); k is 1 to cacheKeyMax bytes.
//
// The keys of one function have much in common: an address's domain key starts with '@' and
// most end in ".com", titles run to similar lengths. A hash of a few bytes and the length,
// which this was, put a population's 300 company domains ("@co17.example", …) on 3 lines of
// 256, where each evicted the next. This one reads every byte: the first and the last 8,
// which overlap in a key of 8 to 16 bytes, and the middle of a longer key (middleWords), and
// mixes them by one 64-bit multiplication (wyhash's mix).
func keyHash(k string) uint64 {
	n := len(k)
	if n < 8 {
		return shortKeyHash(k)
	}
	a, b := word64(k, 0), word64(k, n-8)
	if n > 16 {
		a, b = middleWords(k, a, b)
	}
	hi, lo := bits.Mul64(a^0x9e3779b97f4a7c15, b^uint64(n)*0xbf58476d1ce4e5b9)
	return hi ^ lo
}

// middleWords folds the bytes of a key of 17 to cacheKeyMax bytes that its first and last
// words miss into them: the words from 8 and up to n-16 cover every byte of a key up to 32
// bytes, and those from 16 and up to n-24 (wordsPast32) the rest.
func middleWords(k string, a, b uint64) (uint64, uint64) {
	n := len(k)
	a ^= bits.RotateLeft64(word64(k, 8), 21)
	b ^= bits.RotateLeft64(word64(k, n-16), 43)
	if n > 32 {
		a, b = wordsPast32(k, a, b)
	}
	return a, b
}

// wordsPast32 is middleWords' part for a key of 33 to cacheKeyMax bytes.
func wordsPast32(k string, a, b uint64) (uint64, uint64) {
	a ^= bits.RotateLeft64(word64(k, 16), 35)
	b ^= bits.RotateLeft64(word64(k, len(k)-24), 13)
	return a, b
}

// shortKeyHash is keyHash of a key of 1 to 7 bytes: every byte is read.
func shortKeyHash(k string) uint64 {
	n := len(k)
	var a uint64
	if n >= 4 {
		a = word32(k, 0)<<32 | word32(k, n-4)
	} else {
		a = uint64(k[0])<<16 | uint64(k[n>>1])<<8 | uint64(k[n-1])
	}
	hi, lo := bits.Mul64(a^0x9e3779b97f4a7c15, uint64(n)*0xbf58476d1ce4e5b9)
	return hi ^ lo
}

// word64 and word32 read 8 and 4 bytes of k from i on, little-endian: one load each, the
// compiler merging the byte reads.
func word64(k string, i int) uint64 {
	k = k[i : i+8]
	return uint64(k[0]) | uint64(k[1])<<8 | uint64(k[2])<<16 | uint64(k[3])<<24 |
		uint64(k[4])<<32 | uint64(k[5])<<40 | uint64(k[6])<<48 | uint64(k[7])<<56
}

func word32(k string, i int) uint64 {
	k = k[i : i+4]
	return uint64(k[0]) | uint64(k[1])<<8 | uint64(k[2])<<16 | uint64(k[3])<<24
}

// cached reports whether a line can hold key k: it is 1 to cacheKeyMax bytes (one unsigned
// comparison), and the Env has lines.
func (c *resultCache) cached(k string) bool {
	return uint(len(k))-1 < cacheKeyMax && c.lines != nil
}

// str returns call(v), from the line of v's key when it holds it. A lookup is made at every
// evaluation that classifies a field (the memo of a Load is new each time), so the common
// case, a function keyed by its whole input, is written out here, keyHash included: str and
// bool are one body, for a string and for a bool, each without a call on the way to a hit
// (merged into one function they spill more than the call they save).
func (c *resultCache) str(fn cachedFunc, v string, call func(string) string) string {
	k, h, ok := v, uint64(0), true
	switch {
	case fn.key != nil:
		k, h, ok = c.keyOf(fn, v)
	case !c.cached(v):
		ok = false
	case len(k) >= 8: // keyHash, written out for the commonest case: no call
		n := len(k)
		a, b := word64(k, 0), word64(k, n-8)
		if n > 16 { // middleWords, but for the words past 32 bytes
			a ^= bits.RotateLeft64(word64(k, 8), 21)
			b ^= bits.RotateLeft64(word64(k, n-16), 43)
			if n > 32 {
				a, b = wordsPast32(k, a, b)
			}
		}
		hi, lo := bits.Mul64(a^0x9e3779b97f4a7c15, b^uint64(n)*0xbf58476d1ce4e5b9)
		h = hi ^ lo
	default:
		h = shortKeyHash(k)
	}
	if !ok {
		return call(v)
	}
	i := setOf(fn.index, h)
	l := &c.lines[i]
	if l.holds(k) {
		return l.s
	}
	l, hit := c.second(i, k)
	if hit {
		return l.s
	}
	r := call(v)
	l.n, l.s = uint8(copy(l.key[:], k)), r
	return r
}

func (c *resultCache) bool(fn cachedFunc, v string, call func(string) bool) bool {
	k, h, ok := v, uint64(0), true
	switch {
	case fn.key != nil:
		k, h, ok = c.keyOf(fn, v)
	case !c.cached(v):
		ok = false
	case len(k) >= 8: // keyHash, written out for the commonest case: no call
		n := len(k)
		a, b := word64(k, 0), word64(k, n-8)
		if n > 16 { // middleWords, but for the words past 32 bytes
			a ^= bits.RotateLeft64(word64(k, 8), 21)
			b ^= bits.RotateLeft64(word64(k, n-16), 43)
			if n > 32 {
				a, b = wordsPast32(k, a, b)
			}
		}
		hi, lo := bits.Mul64(a^0x9e3779b97f4a7c15, b^uint64(n)*0xbf58476d1ce4e5b9)
		h = hi ^ lo
	default:
		h = shortKeyHash(k)
	}
	if !ok {
		return call(v)
	}
	i := setOf(fn.index, h)
	l := &c.lines[i]
	if l.holds(k) {
		return l.b
	}
	l, hit := c.second(i, k)
	if hit {
		return l.b
	}
	r := call(v)
	l.n, l.b = uint8(copy(l.key[:], k)), r
	return r
}

// keyOf is the key v's result is remembered under by fn's key function, and its hash; ok
// false: v is not cached (the key function refused it, or the key is empty or longer than a
// line holds). The last input, its key and the hash are remembered: the functions that share
// a key function ask it of the same value in turn (the domain classifications, of one
// address).
func (c *resultCache) keyOf(fn cachedFunc, v string) (k string, h uint64, ok bool) {
	if fn.keyID != c.keyID || v != c.keyIn {
		c.keyID, c.keyIn = fn.keyID, v
		c.key, c.keyOK = fn.key(v)
		if c.keyOK = c.keyOK && c.cached(c.key); c.keyOK {
			c.keyHash = keyHash(c.key)
		}
	}
	return c.key, c.keyHash, c.keyOK
}

// forget drops the caller's strings the cache holds.
func (c *resultCache) forget() {
	c.keyID, c.keyIn, c.key, c.keyHash, c.keyOK = 0, "", "", 0, false
}
