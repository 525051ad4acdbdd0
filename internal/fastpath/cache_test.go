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
