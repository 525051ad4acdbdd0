package fastpath

// resultCache remembers, per cached function (Description.Cached), the results of the last
// inputs it saw, across Loads: the titles and email domains of a population repeat ("VP
// Sales", "gmail.com"), and classifying one costs ten times what a rule does, so an Env that
// scores many leads classifies each distinct value about once. The memo of a Load still comes
// first; the cache only saves the call when the value comes back in a later evaluation.
//
// It is direct-mapped: each input has one line per function, chosen from its length and three
// of its bytes, so a lookup is a few instructions and a comparison. Keys are copied into the
// line, never kept as the caller's strings, so a pooled Env keeps no lead alive (results
// are the constants Cached functions promise to return). Inputs longer than cacheKeyMax
// bytes, and the empty string, are not cached: the call is made every time. A function's key
// may be part of the input (an email address's domain, for the domain classifications).
type resultCache struct {
	lines []cacheLine // cacheWays per cached function

	// The last input a key function was applied to, and what it gave: the domain
	// classifications key an address by its domain, and a rule set asks several of them of
	// one address. It holds the caller's string, so Release clears it.
	keyID int
	keyIn string
	key   string
	keyOK bool
}

const (
	cacheWays   = 256 // lines per function: a power of two
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

// line returns the line of key k for function fn, and whether it holds k; k is 1 to
// cacheKeyMax bytes (cached says so).
func (c *resultCache) line(fn int, k string) (*cacheLine, bool) {
	n := len(k)
	h := uint32(n)*0x9e3779b1 ^ uint32(k[0])*0x85ebca6b ^ uint32(k[n-1])*0xc2b2ae35 ^ uint32(k[n/2])*0x27d4eb2f
	l := &c.lines[fn*cacheWays+int((h^h>>15)&(cacheWays-1))]
	return l, int(l.n) == n && string(l.key[:n]) == k
}

// cached reports whether a line can hold key k: it is 1 to cacheKeyMax bytes (one unsigned
// comparison), and the Env has lines.
func (c *resultCache) cached(k string) bool {
	return uint(len(k))-1 < cacheKeyMax && c.lines != nil
}

// str returns call(v), from the line of v's key when it holds it. A lookup is made at every
// evaluation that classifies a field (the memo of a Load is new each time), so the common
// case, a function keyed by its whole input, is written out here rather than through keyOf.
func (c *resultCache) str(fn cachedFunc, v string, call func(string) string) string {
	k := v
	if fn.key != nil {
		k = c.keyOf(fn, v)
	}
	if !c.cached(k) {
		return call(v)
	}
	l, hit := c.line(fn.index, k)
	if hit {
		return l.s
	}
	r := call(v)
	l.n, l.s = uint8(copy(l.key[:], k)), r
	return r
}

func (c *resultCache) bool(fn cachedFunc, v string, call func(string) bool) bool {
	k := v
	if fn.key != nil {
		k = c.keyOf(fn, v)
	}
	if !c.cached(k) {
		return call(v)
	}
	l, hit := c.line(fn.index, k)
	if hit {
		return l.b
	}
	r := call(v)
	l.n, l.b = uint8(copy(l.key[:], k)), r
	return r
}

// keyOf is the key v's result is remembered under, by fn's key function; "": v is not
// cached (the key function refused it, or gave the empty key). The last input and its key
// are remembered: the functions that share a key function ask it of the same value in turn.
func (c *resultCache) keyOf(fn cachedFunc, v string) string {
	if fn.keyID != c.keyID || v != c.keyIn {
		c.keyID, c.keyIn = fn.keyID, v
		c.key, c.keyOK = fn.key(v)
	}
	if !c.keyOK {
		return ""
	}
	return c.key
}

// forget drops the caller's strings the cache holds.
func (c *resultCache) forget() {
	c.keyID, c.keyIn, c.key, c.keyOK = 0, "", "", false
}
