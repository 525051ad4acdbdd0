package fastpath

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leadscore/leadscore/internal/classify"
)

// The cache is invisible: on any sequence of inputs — repeats, inputs that share a line,
// the empty string, inputs longer than a line holds — every lookup returns what the function
// returns, and a value asked twice in a row is computed once (when it fits a line).
func TestResultCacheAgreesWithTheFunction(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"VP", "Sales", "Chief", "Intern", "Student", "Director", "of", "Engineering", "CEO", "Head", "Ops", "Marketing", "x"}
	input := func() string {
		var b strings.Builder
		for n := rng.IntN(6); n > 0; n-- {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		if rng.IntN(10) == 0 {
			b.WriteString(strings.Repeat("y", cacheKeyMax)) // too long for a line
		}
		return b.String()
	}
	c := newResultCache(2)
	calls := 0
	seniority := func(s string) string { calls++; return classify.Seniority(s) }
	academic := func(s string) bool { calls++; return classify.Academic(s) }
	bySeniority := cachedFunc{index: 0}
	byDomain := cachedFunc{index: 1, key: classify.DomainKey}
	for i := range 20_000 {
		v := input()
		if got, want := c.str(bySeniority, v, seniority), classify.Seniority(v); got != want {
			t.Fatalf("step %d: seniority(%q) from the cache %q, want %q", i, v, got, want)
		}
		e := strings.ReplaceAll(v, " ", ".") + []string{"@uni.edu", "@gmail.com", "@x.ac.uk", "@Globex.example"}[rng.IntN(4)]
		if got, want := c.bool(byDomain, e, academic), classify.Academic(e); got != want {
			t.Fatalf("step %d: academic(%q) from the cache %v, want %v", i, e, got, want)
		}
		before := calls
		c.str(bySeniority, v, seniority)
		cached := len(v) > 0 && len(v) <= cacheKeyMax
		if again := calls - before; cached && again != 0 || !cached && again != 1 {
			t.Fatalf("step %d: seniority(%q) asked again called the function %d times", i, v, again)
		}
	}
}

// Keys of one function share much: domain keys start with '@' and end alike, titles share
// words. The sets they land on must still spread as random ones would, whatever bytes they
// share: 300 company domains that differ only in a number once went to 3 lines of 256, where
// each evicted the next and the cache answered nothing.
func TestCacheSpreadsKeysThatShareTheirEnds(t *testing.T) {
	families := map[string]func(i int) string{
		"domains": func(i int) string { return fmt.Sprintf("@co%d.example", i) },
		"dotcom":  func(i int) string { return fmt.Sprintf("@acme%03d.com", i) },
		"titles":  func(i int) string { return fmt.Sprintf("Director of Region %03d Operations", i) }, // differ in the middle of a long key
		"short":   func(i int) string { return string([]byte{'a' + byte(i%26), '0' + byte(i/26%10), 'x'})[:1+i%3] + "q" },
		"longest": func(i int) string {
			return strings.Repeat("x", 15) + fmt.Sprintf("%03d", i) + strings.Repeat("y", cacheKeyMax-18)
		},
		"mixed-short": func(i int) string { return fmt.Sprintf("%c%c%c%c%c", 'a'+i%26, 'a'+i/26%26, 'q', 'a'+i%7, 'z') },
	}
	for name, key := range families {
		sets, keys := map[int]bool{}, map[string]bool{}
		for i := range 300 {
			k := key(i)
			if len(k) < 1 || len(k) > cacheKeyMax {
				t.Fatalf("%s: key %q out of range", name, k)
			}
			keys[k] = true
			sets[setOf(0, keyHash(k))] = true
		}
		// n random keys in m sets fill about m(1 - e^(-n/m)) of them: 116 of 128 for 300.
		const m = cacheWays / 2
		want := 0.8 * m * (1 - math.Exp(-float64(len(keys))/m))
		if float64(len(sets)) < want {
			t.Errorf("%s: %d distinct keys in %d sets, want at least %.0f", name, len(keys), len(sets), want)
		}
	}
}

// Asked of a population of domains in turn, again and again, the cache answers most of them
// after the first round (it once answered none), and a value is placed where keyHash says,
// by every path: whole-input keys of every length, and keys from a key function.
func TestCacheAnswersAPopulation(t *testing.T) {
	c := newResultCache(2)
	calls := 0
	free := func(s string) bool { calls++; return classify.FreeEmail(s) }
	seniority := func(s string) string { calls++; return classify.Seniority(s) }
	byDomain, byTitle := cachedFunc{index: 0, key: classify.DomainKey, keyID: 1}, cachedFunc{index: 1}
	const n = 150
	for round := range 4 {
		before := calls
		for i := range n {
			email := fmt.Sprintf("person%d@co%d.example", round*n+i, i)
			c.bool(byDomain, email, free)
			if k, _ := classify.DomainKey(email); !holds(&c, byDomain, k) {
				t.Fatalf("round %d: the domain key %q is not in the set keyHash picks", round, k)
			}
			title := strings.Repeat("T", i%(cacheKeyMax+1)) // 0 to cacheKeyMax bytes
			c.str(byTitle, title, seniority)
			if c.cached(title) && !holds(&c, byTitle, title) {
				t.Fatalf("round %d: %q is not in the set keyHash picks", round, title)
			}
		}
		if missed := calls - before; round > 0 && missed > 2*n/3 { // of 2n lookups a round; these miss 51
			t.Errorf("round %d: %d of %d lookups called the function", round, missed, 2*n)
		}
	}
}

// holds reports whether k is in the set keyHash picks for fn.
func holds(c *resultCache, fn cachedFunc, k string) bool {
	i := setOf(fn.index, keyHash(k))
	return c.lines[i].holds(k) || c.lines[i+1].holds(k)
}

// A set holds two keys: two that share one are both answered however they alternate, and a
// third sends the older of them away, not the newer.
func TestCacheSetHoldsTwoKeys(t *testing.T) {
	var same []string // keys of one set
	for i := 0; len(same) < 3; i++ {
		k := fmt.Sprintf("key %d", i)
		if len(same) == 0 || setOf(0, keyHash(k)) == setOf(0, keyHash(same[0])) {
			same = append(same, k)
		}
	}
	a, b, x := same[0], same[1], same[2]
	c := newResultCache(1)
	calls := 0
	upper := func(s string) string { calls++; return strings.ToUpper(s) }
	fn := cachedFunc{index: 0}
	ask := func(k string, wantCall bool) {
		t.Helper()
		before := calls
		if got := c.str(fn, k, upper); got != strings.ToUpper(k) {
			t.Fatalf("str(%q) = %q", k, got)
		}
		if called := calls != before; called != wantCall {
			t.Fatalf("str(%q): called the function %v, want %v", k, called, wantCall)
		}
	}
	ask(a, true)
	ask(b, true)
	for range 3 { // both held
		ask(a, false)
		ask(b, false)
	}
	ask(x, true)  // a, the older, goes
	ask(b, false) // b stays
	ask(x, false)
	ask(a, true)
}

// modelCache is the result cache as its documentation says it works: per function, sets of
// two keys, a new key taking the first place and the older of the two leaving.
type modelCache struct{ sets map[[2]int][2]string }

func (m *modelCache) lookup(fn, set int, k string) (hit bool) {
	key := [2]int{fn, set}
	s := m.sets[key]
	if s[0] == k || s[1] == k {
		return true
	}
	s[1], s[0] = s[0], k
	m.sets[key] = s
	return false
}

// collidingKeys draws n random keys, of the lengths lens, that land in set.
func collidingKeys(r *rand.Rand, set int, n int, lens []int) []string {
	var out []string
	for len(out) < n {
		l := lens[r.IntN(len(lens))]
		k := randBytes(r, l)
		if setOf(0, keyHash(k)) == set {
			out = append(out, k)
		}
	}
	return out
}

// The cache calls the function exactly when the model misses: on pools of keys forced into
// the same sets, random keys of every cacheable length (bytes 0x00 and 0xff heavy), and keys
// it must not cache (empty, longer than a line), over both result types.
func TestCacheMatchesATwoWayModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	lens := []int{}
	for n := 1; n <= cacheKeyMax; n++ {
		lens = append(lens, n)
	}
	steps := 0
	for trial := range 20 {
		// pool: keys of 3 sets, colliding, plus random keys, plus uncacheable ones
		var pool []string
		for range 3 {
			pool = append(pool, collidingKeys(r, 2*r.IntN(128), 3+r.IntN(4), lens)...)
		}
		for range 10 {
			pool = append(pool, randBytes(r, 1+r.IntN(cacheKeyMax)))
		}
		pool = append(pool, "", strings.Repeat("z", 40), randBytes(r, 64))
		c := newResultCache(2)
		m := &modelCache{sets: map[[2]int][2]string{}}
		calls := 0
		fs := func(s string) string { calls++; return fnvS(s) }
		fb := func(s string) bool { calls++; return fnvB(s) }
		distinct := map[[2]string]bool{}
		for i := range 20000 {
			v := pool[r.IntN(len(pool))]
			fn := r.IntN(2)
			before := calls
			cf := cachedFunc{index: fn}
			if fn == 0 {
				if got := c.str(cf, v, fs); got != fnvS(v) {
					t.Fatalf("str mismatch")
				}
			} else {
				if got := c.bool(cf, v, fb); got != fnvB(v) {
					t.Fatalf("bool mismatch")
				}
			}
			distinct[[2]string{fmt.Sprint(fn), v}] = true
			called := calls - before
			wantCall := 1
			if len(v) >= 1 && len(v) <= cacheKeyMax {
				if m.lookup(fn, setOf(0, keyHash(v)), v) {
					wantCall = 0
				}
			}
			if called != wantCall {
				t.Fatalf("trial %d step %d: fn %d key %q (len %d): called %d, model %d", trial, i, fn, v, len(v), called, wantCall)
			}
			steps++
		}
		if calls < len(distinct) {
			t.Fatalf("calls %d < distinct %d", calls, len(distinct))
		}
	}
	t.Logf("%d steps", steps)
}

// FuzzResultCache: any sequence of values, asked of a whole-input function, of two domain
// classifications that share DomainKey and of seniority, in turn and three times over, gets
// what the functions give, and a cacheable value is then in the set keyHash picks.
func FuzzResultCache(f *testing.F) {
	f.Add([]byte("VP Sales\x01a@gmail.com\x01a@uni.edu\x01\x01" + strings.Repeat("x", 39)))
	f.Add([]byte("\x00\xff\x01abc\x01abcdefgh\x01" + strings.Repeat("q", 17) + "\x01" + strings.Repeat("q", 33)))
	f.Fuzz(func(t *testing.T, data []byte) {
		vals := strings.Split(string(data), "\x01")
		c := newResultCache(4)
		sen := cachedFunc{index: 0}
		free := cachedFunc{index: 1, key: classify.DomainKey, keyID: 1}
		acad := cachedFunc{index: 2, key: classify.DomainKey, keyID: 1}
		whole := cachedFunc{index: 3}
		for rep := range 3 {
			for i, v := range vals {
				switch (i + rep) % 4 {
				case 0:
					if got, want := c.str(sen, v, classify.Seniority), classify.Seniority(v); got != want {
						t.Fatalf("seniority(%q) = %q want %q", v, got, want)
					}
				case 1:
					if got, want := c.bool(free, v, classify.FreeEmail), classify.FreeEmail(v); got != want {
						t.Fatalf("free(%q)", v)
					}
				case 2:
					if got, want := c.bool(acad, v, classify.Academic), classify.Academic(v); got != want {
						t.Fatalf("academic(%q)", v)
					}
				default:
					if got, want := c.str(whole, v, fnvS), fnvS(v); got != want {
						t.Fatalf("fnv(%q)", v)
					}
					if len(v) >= 1 && len(v) <= cacheKeyMax && !holds(&c, whole, v) {
						t.Fatalf("%q not held", v)
					}
				}
			}
		}
	})
}

// fnvS and fnvB are functions of every byte of their input, for the model test and the fuzz
// target.
func fnvS(s string) string {
	h := fnv.New64a()
	h.Write([]byte(s))
	return fmt.Sprintf("r%x", h.Sum64())
}

func fnvB(s string) bool {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()&1 == 1
}

// randBytes is n random bytes, two in five of them 0x00 or 0xff.
func randBytes(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		switch r.IntN(5) {
		case 0:
			b[i] = 0
		case 1:
			b[i] = 0xff
		default:
			b[i] = byte(r.IntN(256))
		}
	}
	return string(b)
}
