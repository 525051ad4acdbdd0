package suggest

import (
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
