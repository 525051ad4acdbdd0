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

// line returns the line of input v for function fn, and whether it holds v.
func (c *resultCache) line(fn int, v string) (*cacheLine, bool) {
	n := len(v)
	h := uint32(n)*0x9e3779b1 ^ uint32(v[0])*0x85ebca6b ^ uint32(v[n-1])*0xc2b2ae35 ^ uint32(v[n/2])*0x27d4eb2f
	l := &c.lines[fn*cacheWays+int((h^h>>15)&(cacheWays-1))]
	return l, int(l.n) == n && string(l.key[:n]) == v
}

// str returns call(v), from the line of v's key when it holds it.
func (c *resultCache) str(fn cachedFunc, v string, call func(string) string) string {
	k, ok := c.cacheKey(fn, v)
	if !ok || c.lines == nil {
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
	k, ok := c.cacheKey(fn, v)
	if !ok || c.lines == nil {
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

// cacheKey is the key v's result is remembered under; false: v is not cached.
func (c *resultCache) cacheKey(fn cachedFunc, v string) (string, bool) {
	k, ok := v, true
	if fn.key != nil {
		if fn.keyID != c.keyID || v != c.keyIn {
			c.keyID, c.keyIn = fn.keyID, v
			c.key, c.keyOK = fn.key(v)
		}
		k, ok = c.key, c.keyOK
	}
	return k, ok && len(k) > 0 && len(k) <= cacheKeyMax
}

// forget drops the caller's strings the cache holds.
func (c *resultCache) forget() {
	c.keyID, c.keyIn, c.key, c.keyOK = 0, "", "", false
}
