package fastpath

import (
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

// keyOf remembers the last input a key function saw, as bytes, and where its key starts:
// on any sequence — repeats, two key functions in turn, inputs at and past keyInMax, refused
// inputs, the empty key, a key function whose key is not a suffix — it gives what the key
// function gives ("" when refused), and the same input asked again of the same function
// right after costs no call when it can be remembered.
func TestKeyOfAgreesWithTheKeyFunction(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	calls := 0
	domain := func(s string) (string, bool) { calls++; return classify.DomainKey(s) }
	upper := func(s string) (string, bool) { calls++; return strings.ToUpper(s), s != "" } // not a suffix unless s already is
	lastWord := func(s string) (string, bool) {
		calls++
		i := strings.LastIndexByte(s, ' ')
		return s[i+1:], true // "" for s ending in a space: the empty key
	}
	fns := []struct {
		cf  cachedFunc
		key func(string) (string, bool)
	}{{cachedFunc{key: domain, keyID: 1}, classify.DomainKey}, {cachedFunc{key: upper, keyID: 2}, func(s string) (string, bool) { return strings.ToUpper(s), s != "" }},
		{cachedFunc{key: lastWord, keyID: 3}, func(s string) (string, bool) { i := strings.LastIndexByte(s, ' '); return s[i+1:], true }}}
	input := func() string {
		local := strings.Repeat("a", []int{0, 1, 5, keyInMax - 10, keyInMax - 8, keyInMax}[rng.IntN(6)])
		return local + []string{"@uni.edu", "@GMAIL.com", "", "@", " x", " ", "@a@b.example", "\x01@x.example"}[rng.IntN(8)]
	}
	var c resultCache
	prev, prevFn := "", -1
	for i := range 50_000 {
		v, f := input(), rng.IntN(len(fns))
		if rng.IntN(3) == 0 && prevFn >= 0 { // the same input again, often of the same function
			v, f = prev, []int{prevFn, rng.IntN(len(fns))}[rng.IntN(2)]
		}
		want, ok := fns[f].key(v)
		if !ok {
			want = ""
		}
		before := calls
		if got := c.keyOf(fns[f].cf, v); got != want {
			t.Fatalf("step %d: key %d of %q is %q, want %q", i, f, v, got, want)
		}
		rememberable := len(v) <= keyInMax && strings.HasSuffix(v, want)
		if repeat := v == prev && f == prevFn; repeat && rememberable && calls != before {
			t.Fatalf("step %d: key %d of %q asked again called the key function", i, f, v)
		} else if !repeat && calls != before+1 {
			t.Fatalf("step %d: key %d of %q called the key function %d times", i, f, v, calls-before)
		}
		prev, prevFn = v, f
	}
}
