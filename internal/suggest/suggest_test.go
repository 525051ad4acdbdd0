package suggest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"JobTitle": "jobtitle", "job_title": "jobtitle", "jobTitle": "jobtitle", "page-view": "pageview",
		"Company.Domain": "companydomain", "": "", "ÉTÉ": "été", "a b": "ab",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"abc", "abc", 0},
		{"pageveiw", "pageview", 1}, // a swap is one edit
		{"senority", "seniority", 1},
		{"halflfe", "halflife", 1},
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // OSA, not full Damerau (which says 2)
		{"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestThreshold(t *testing.T) {
	for n, want := range map[int]int{-1: 0, 0: 0, 1: 0, 2: 1, 5: 1, 6: 2, 9: 2, 10: 3} {
		if got := Threshold(n); got != want {
			t.Errorf("Threshold(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestClosest(t *testing.T) {
	fields := []string{"Name", "Domain", "Employees", "JobTitle", "ServiceCenters", "Company"}
	funcs := []string{"count", "days_since", "has_signal", "seniority", "department", "domain", "listed"}
	types := []string{"page_view", "email_click", "email_open", "purchase", "call"}
	tests := []struct {
		name       string
		candidates []string
		want       string
	}{
		{"employees", fields, "Employees"},
		{"job_title", fields, "JobTitle"},
		{"employes", fields, "Employees"},
		{"service_centers", fields, "ServiceCenters"},
		{"senority", funcs, "seniority"},
		{"daysSince", funcs, "days_since"},
		{"department", funcs, ""}, // a candidate itself: nothing to suggest
		{"page_veiw", types, "page_view"},
		{"emial_click", types, "email_click"},
		{"email_opn", types, "email_open"},
		{"purchse", types, "purchase"},
		{"cal", types, "call"},
		{"x", types, ""},        // one rune: only an exact normalised match
		{"zzzzzzzz", types, ""}, // nothing near
		{"", types, ""},         // empty
		{"anything", nil, ""},   // no candidates
	}
	for _, tt := range tests {
		if got := Closest(tt.name, tt.candidates); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	// Ties: the spelling nearest as typed wins, then the earlier candidate.
	if got := Closest("callL", []string{"CALLL", "calll"}); got != "calll" {
		t.Errorf("tie: %q, want calll", got)
	}
	if got := Closest("ab_c", []string{"abd", "abe"}); got != "abd" {
		t.Errorf("tie: %q, want the earlier candidate abd", got)
	}
}

func TestHint(t *testing.T) {
	if got := Hint("half_lfe", []string{"id", "half_life"}, true); got != ` (did you mean "half_life"?)` {
		t.Errorf("Hint quoted = %q", got)
	}
	if got := Hint("employees", []string{"Employees"}, false); got != ` (did you mean Employees?)` {
		t.Errorf("Hint = %q", got)
	}
	if got := Hint("zzz", []string{"Employees"}, false); got != "" {
		t.Errorf("Hint without a match = %q", got)
	}
}

func TestUnknownField(t *testing.T) {
	if got := UnknownField("pionts", []string{"id", "points"}); got != `unknown field "pionts" (did you mean "points"?)` {
		t.Errorf("UnknownField = %q", got)
	}
	if got := UnknownField("zzz", []string{"id", "points"}); got != `unknown field "zzz"` {
		t.Errorf("UnknownField without a match = %q", got)
	}
}

// The contract, on random names and candidates: Closest returns a candidate or "", within
// the threshold of the name, and no candidate is strictly nearer.
func TestClosestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abcde_ABé")
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for range 20000 {
		cands := make([]string, r.IntN(6))
		for i := range cands {
			cands[i] = word(r.IntN(8))
		}
		name := word(r.IntN(8))
		if len(cands) > 0 && r.IntN(3) == 0 { // often a near miss of a candidate
			c := []rune(cands[r.IntN(len(cands))])
			if len(c) > 0 {
				c[r.IntN(len(c))] = alphabet[r.IntN(len(alphabet))]
			}
			name = string(c)
		}
		got := Closest(name, cands)
		if got == "" {
			continue
		}
		if !slices.Contains(cands, got) {
			t.Fatalf("Closest(%q, %q) = %q, not a candidate", name, cands, got)
		}
		n := Normalize(name)
		d := Distance(n, Normalize(got))
		if d > Threshold(utf8.RuneCountInString(n)) {
			t.Fatalf("Closest(%q, %q) = %q at distance %d, beyond the threshold", name, cands, got, d)
		}
		for _, c := range cands {
			if c != "" && Distance(n, Normalize(c)) < d {
				t.Fatalf("Closest(%q, %q) = %q at %d, but %q is nearer", name, cands, got, d, c)
			}
		}
	}
}

// Distance is a distance: zero exactly on equal strings, symmetric, at most the longer length.
func FuzzDistance(f *testing.F) {
	f.Add("page_veiw", "page_view")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := Distance(a, b)
		if d != Distance(b, a) {
			t.Fatalf("not symmetric: %q %q", a, b)
		}
		if (d == 0) != (a == b) && utf8.ValidString(a) && utf8.ValidString(b) {
			t.Fatalf("Distance(%q, %q) = %d", a, b, d)
		}
		if d > max(utf8.RuneCountInString(a), utf8.RuneCountInString(b)) {
			t.Fatalf("Distance(%q, %q) = %d, more than the longer length", a, b, d)
		}
		if got := Closest(a, []string{b}); got != "" && got != b {
			t.Fatalf("Closest returned %q, not the candidate %q", got, b)
		}
	})
}

// fullDistance is the distance as the whole dynamic programme computes it: what bounded must
// agree with.
func fullDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > maxRunes || len(rb) > maxRunes {
		if a == b {
			return 0
		}
		return max(len(ra), len(rb))
	}
	prev2, prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// referenceClosest is Closest as the definition reads: every candidate, in order, at its full
// distance.
func referenceClosest(name string, candidates []string) string {
	if name == "" {
		return ""
	}
	norm := Normalize(name)
	limit := Threshold(utf8.RuneCountInString(norm))
	best, bestD, bestRaw := "", limit+1, 0
	for _, c := range candidates {
		if c == name {
			return ""
		}
		if c == "" {
			continue
		}
		d := fullDistance(norm, Normalize(c))
		if d > limit || d > bestD {
			continue
		}
		raw := fullDistance(name, c)
		if d < bestD || raw < bestRaw {
			best, bestD, bestRaw = c, d, raw
		}
	}
	return best
}

// randomWord returns a word of n runes from alphabet.
func randomWord(r *rand.Rand, alphabet []rune, n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// mutate makes a few random edits to w, a near miss.
func mutate(r *rand.Rand, alphabet []rune, w string, edits int) string {
	rs := []rune(w)
	for range edits {
		i := r.IntN(len(rs) + 1)
		switch r.IntN(4) {
		case 0: // insert
			rs = slices.Insert(rs, i, alphabet[r.IntN(len(alphabet))])
		case 1: // delete
			if i < len(rs) {
				rs = slices.Delete(rs, i, i+1)
			}
		case 2: // substitute
			if i < len(rs) {
				rs[i] = alphabet[r.IntN(len(alphabet))]
			}
		default: // swap
			if i+1 < len(rs) {
				rs[i], rs[i+1] = rs[i+1], rs[i]
			}
		}
	}
	return string(rs)
}

// The bounded distance is the distance when it is within the bound, and the bound plus one
// otherwise; on names of every length up to past maxRunes, near misses and strangers.
func TestBoundedAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("abcAB_-é")
	for range 20000 {
		a := randomWord(r, alphabet, r.IntN(maxRunes+6))
		b := randomWord(r, alphabet, r.IntN(maxRunes+6))
		if r.IntN(2) == 0 {
			b = mutate(r, alphabet, a, r.IntN(12))
		}
		want := fullDistance(a, b)
		k := r.IntN(maxRunes / 2)
		var cells int
		if got := bounded([]rune(a), []rune(b), k, &cells); got != min(want, k+1) {
			t.Fatalf("bounded(%q, %q, %d) = %d, want %d (distance %d)", a, b, k, got, min(want, k+1), want)
		}
		if got := Distance(a, b); got != want {
			t.Fatalf("Distance(%q, %q) = %d, want %d", a, b, got, want)
		}
	}
}

// Closest, on a Set or not, says what the definition says (referenceClosest): on short and
// long names, in every case and spelling, with ties.
func TestClosestMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, alphabet := range [][]rune{[]rune("abAB_"), []rune("abcdefgh_-. ABé")} {
		for range 5000 {
			size := []int{4, 12, 40, maxRunes + 4}[r.IntN(4)]
			cands := make([]string, r.IntN(12))
			for i := range cands {
				cands[i] = randomWord(r, alphabet, r.IntN(size))
			}
			name := randomWord(r, alphabet, r.IntN(size))
			if len(cands) > 0 && r.IntN(2) == 0 {
				name = mutate(r, alphabet, cands[r.IntN(len(cands))], r.IntN(4))
			}
			want := referenceClosest(name, cands)
			if got := Closest(name, cands); got != want {
				t.Fatalf("Closest(%q, %q) = %q, want %q", name, cands, got, want)
			}
			if got := NewSet(cands).Closest(name); got != want {
				t.Fatalf("Set.Closest(%q, %q) = %q, want %q", name, cands, got, want)
			}
		}
	}
}

// longNames returns count names of maxRunes runes: near misses of one another (a shared
// prefix, digits apart) when alike, else random.
func longNames(r *rand.Rand, count int, alike bool) []string {
	out := make([]string, count)
	for i := range out {
		if alike {
			out[i] = fmt.Sprintf("custom_event_%0*d", maxRunes-len("custom_event_"), r.IntN(1e9))
		} else {
			out[i] = randomWord(r, []rune("abcdefghijklmnopqrstuvwxyz_"), maxRunes)
		}
	}
	return out
}

// A look-up fills O(n·t) cells of the dynamic programme per candidate, n the name's length and
// t its threshold, not n²: the band, and the early stop, bound the work however many long
// names there are.
func TestClosestCostIsBanded(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, alike := range []bool{true, false} {
		cands := longNames(r, 2000, alike)
		set := NewSet(cands)
		for range 20 {
			name := longNames(r, 1, alike)[0]
			var cells int
			set.closest(name, &cells)
			n := utf8.RuneCountInString(Normalize(name))
			banded := len(cands) * (n + 1) * (2*Threshold(n) + 1)
			full := len(cands) * n * n
			if cells > banded {
				t.Fatalf("alike %v: %d cells for %d candidates of %d runes, more than the band's %d", alike, cells, len(cands), n, banded)
			}
			if !alike && cells > banded/4 {
				t.Errorf("strangers: %d cells, want the early stop to fill far fewer than the band (%d) or the whole programme (%d)", cells, banded, full)
			}
		}
	}
	// Candidates of other lengths cost nothing.
	var cells int
	NewSet(longNames(r, 1000, false)).closest("page_veiw", &cells)
	if cells != 0 {
		t.Errorf("a 9-rune name against 64-rune candidates filled %d cells, want 0", cells)
	}
}

func BenchmarkClosest(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, alike := range []bool{true, false} {
		cands := longNames(r, 500, alike)
		name := longNames(r, 1, alike)[0]
		b.Run(fmt.Sprintf("alike=%v/500x64", alike), func(b *testing.B) {
			set := NewSet(cands)
			for b.Loop() {
				set.Closest(name)
			}
		})
	}
	cands := []string{"page_view", "email_click", "email_open", "purchase", "call", "demo_request"}
	b.Run("short", func(b *testing.B) {
		for b.Loop() {
			Closest("page_veiw", cands)
		}
	})
}
