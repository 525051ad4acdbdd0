package suggest

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxRunes bounds the names compared: the distance costs the product of two lengths, and a
// name longer than this is no typo of a short one. Longer names compare equal or not at all.
const maxRunes = 64

// Normalize returns the form of name that comparisons use: lower case, without '_', '-', '.'
// and spaces.
func Normalize(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		switch r {
		case '_', '-', '.', ' ':
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Threshold is the largest distance at which a candidate counts as a likely meaning of a name
// whose normalised form has n runes: (n+2)/4, so 0 for one rune, 1 for 2 to 5, 2 for 6 to 9.
func Threshold(n int) int {
	if n <= 0 {
		return 0
	}
	return (n + 2) / 4
}

// Distance returns the optimal-string-alignment distance of a and b, in runes: the fewest
// insertions, deletions, substitutions and swaps of adjacent runes that turn a into b, no
// substring being edited twice. It compares a and b as given; Closest compares normalised
// forms.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > maxRunes || len(rb) > maxRunes {
		if a == b {
			return 0
		}
		return max(len(ra), len(rb))
	}
	// Three rows of the dynamic programme: two back (for swaps), previous, current.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
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

// Closest returns the candidate most likely meant by name: the one whose normalised form is
// nearest to name's, if within Threshold. Ties go to the candidate nearest as written (so the
// case that was typed wins), then to the earliest in candidates. It returns "" when no
// candidate is close enough, when name is empty, and when name is itself a candidate.
func Closest(name string, candidates []string) string {
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
		cn := Normalize(c)
		if abs(utf8.RuneCountInString(cn)-utf8.RuneCountInString(norm)) > limit {
			continue // the distance is at least the difference in length
		}
		d := Distance(norm, cn)
		if d > limit || d > bestD {
			continue
		}
		raw := Distance(name, c)
		if d < bestD || raw < bestRaw {
			best, bestD, bestRaw = c, d, raw
		}
	}
	return best
}

// Hint returns " (did you mean X?)" with X the closest candidate, quoted (%q) when quote is
// set, or "" when there is none (see Closest).
func Hint(name string, candidates []string, quote bool) string {
	c := Closest(name, candidates)
	if c == "" {
		return ""
	}
	return Format(c, quote)
}

// UnknownField returns the message for an object key that is none of fields, the keys its
// type takes: unknown field "pionts" (did you mean "points"?). The JSON rule-set parser and the
// YAML reader both say it so.
func UnknownField(key string, fields []string) string {
	return "unknown field " + strconv.Quote(key) + Hint(key, fields, true)
}

// Format returns " (did you mean X?)" for a suggestion already found.
func Format(suggestion string, quote bool) string {
	if quote {
		suggestion = strconv.Quote(suggestion)
	}
	return " (did you mean " + suggestion + "?)"
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
