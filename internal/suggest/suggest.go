package suggest

import (
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// maxRunes bounds the names compared: the distance costs the product of two lengths, and a
// name longer than this is no typo of a short one. Longer names compare equal or not at all.
const maxRunes = 64

// Normalize returns the form of name that comparisons use: lower case, without '_', '-', '.'
// and spaces.
func Normalize(name string) string {
	rs, _ := appendNormalized(nil, name)
	return string(rs)
}

// appendNormalized appends the runes of name's normalised form to dst, and reports whether
// they are name's own (plain: nothing dropped or lowered).
func appendNormalized(dst []rune, name string) ([]rune, bool) {
	plain := true
	for _, r := range name {
		switch r {
		case '_', '-', '.', ' ':
			plain = false
			continue
		}
		switch {
		case r >= utf8.RuneSelf:
			if l := unicode.ToLower(r); l != r {
				r, plain = l, false
			}
		case 'A' <= r && r <= 'Z':
			r, plain = r+'a'-'A', false
		}
		dst = append(dst, r)
	}
	return dst, plain
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
	var cells int
	return bounded(ra, rb, max(len(ra), len(rb)), &cells)
}

// bounded returns the distance of a and b if it is at most k, else k+1, adding the cells of
// the dynamic programme it fills to *cells. Only the cells within k of the diagonal can hold
// a distance of at most k, so it fills at most (len(a)+1)·(2k+1) of them, and it stops as
// soon as no cell left can. Names longer than maxRunes are equal (0) or max(len) apart.
func bounded(a, b []rune, k int, cells *int) int {
	la, lb := len(a), len(b)
	if la > maxRunes || lb > maxRunes {
		if slices.Equal(a, b) {
			return 0
		}
		return min(max(la, lb), k+1)
	}
	if la-lb > k || lb-la > k {
		return k + 1 // the distance is at least the difference in length
	}
	// A common prefix or suffix costs nothing and changes nothing.
	for la > 0 && lb > 0 && a[0] == b[0] {
		a, b, la, lb = a[1:], b[1:], la-1, lb-1
	}
	for la > 0 && lb > 0 && a[la-1] == b[lb-1] {
		a, b, la, lb = a[:la-1], b[:lb-1], la-1, lb-1
	}
	if la == 0 || lb == 0 {
		return max(la, lb)
	}
	far := k + 1 // any distance over k: a cell outside the band, or beyond the bound
	// Three rows of the programme: two back (for swaps), previous, current. Row i holds the
	// cells lo-1 … hi+1 of its band (the ends being far, or the first column); the rows below
	// read nothing else.
	var rows [3][maxRunes + 1]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= lb; j++ {
		prev[j] = min(j, far)
	}
	prevMin := abs(la - lb) // row 0's least, as for rowMin below
	for i := 1; i <= la; i++ {
		lo, hi := max(1, i-k), min(lb, i+k)
		if lo == 1 {
			cur[0] = min(i, far)
		} else {
			cur[lo-1] = far
		}
		rowMin := cur[lo-1] + abs(la-i-(lb-lo+1)) // the least of a cell plus the lengths' difference after it
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			d = min(d, far)
			cur[j] = d
			rowMin = min(rowMin, d+abs(la-i-(lb-j)))
		}
		*cells += hi - lo + 1
		if hi < lb {
			cur[hi+1] = far
		}
		// Every path to the last cell passes through this row, or jumps over it from the
		// previous one with a swap (one edit), and from cell (i, j) on it costs at least the
		// difference of the lengths left, which only insertions and deletions change: past k
		// both ways, the distance is.
		if rowMin > k && prevMin+1 > k {
			return far
		}
		prev2, prev, cur = prev, cur, prev2
		prevMin = rowMin
	}
	return prev[lb]
}

// Set is a list of candidates prepared for many look-ups: each normalised once, and ordered by
// length so that a look-up compares a name only with the candidates whose length is within
// its threshold. Closest on a Set says what the function Closest says on the list.
type Set struct {
	cands []candidate // by normalised length, then position
}

type candidate struct {
	name  string
	pos   int    // in the list given
	norm  []rune // normalised
	plain bool   // norm is name's own runes
	hist  histogram
}

// histogram counts the runes of a normalised name of at most maxRunes runes, by rune modulo
// its length. An edit changes the counts by at most 2 in all (a swap by none), so half the
// sum of the differences of two names' counts is at most their distance: a bound computed in
// a few dozen steps that rules out most candidates before any distance is computed.
type histogram [32]uint8

func histogramOf(rs []rune) (h histogram) {
	if len(rs) > maxRunes {
		return h
	}
	for _, r := range rs {
		h[uint32(r)%uint32(len(h))]++
	}
	return h
}

// lowerBound is a lower bound of the distance of the names with histograms h and o.
func (h *histogram) lowerBound(o *histogram) int {
	sum := 0
	for i := range h {
		sum += abs(int(h[i]) - int(o[i]))
	}
	return (sum + 1) / 2
}

// NewSet prepares candidates, in their order of preference on a tie (see Closest).
func NewSet(candidates []string) *Set {
	s := &Set{cands: make([]candidate, 0, len(candidates))}
	size := 0
	for _, name := range candidates {
		size += len(name)
	}
	runes := make([]rune, 0, size) // every normalised form, in one allocation
	for i, name := range candidates {
		if name == "" {
			continue
		}
		start := len(runes)
		var plain bool
		runes, plain = appendNormalized(runes, name)
		c := candidate{name: name, pos: i, norm: runes[start:len(runes):len(runes)], plain: plain}
		c.hist = histogramOf(c.norm)
		s.cands = append(s.cands, c)
	}
	slices.SortStableFunc(s.cands, func(a, b candidate) int { return len(a.norm) - len(b.norm) })
	return s
}

// Closest returns the candidate most likely meant by name: the one whose normalised form is
// nearest to name's, if within Threshold. Ties go to the candidate nearest as written (so the
// case that was typed wins), then to the earliest in candidates. It returns "" when no
// candidate is close enough, when name is empty, and when name is itself a candidate.
//
// It costs at most O(n·t) per candidate of about the name's length, n the name's length and t
// its threshold, and nothing for the others; a Set saves normalising the candidates again.
func Closest(name string, candidates []string) string {
	return NewSet(candidates).Closest(name)
}

// Closest returns the candidate of s most likely meant by name (see the function Closest).
func (s *Set) Closest(name string) string {
	var cells int
	return s.closest(name, &cells)
}

// closest is Closest, adding the cells of the distances it computes to *cells.
func (s *Set) closest(name string, cells *int) string {
	if name == "" || s == nil {
		return ""
	}
	norm, plain := appendNormalized(nil, name)
	raw := []rune(name)
	n := len(norm)
	bound := Threshold(n)
	hist := histogramOf(norm)
	// The distance as written, at most k (else k+1), of a candidate at normalised distance d.
	rawDist := func(c *candidate, d, k int) int {
		if plain && c.plain {
			return d
		}
		return bounded(raw, []rune(c.name), k, cells)
	}
	first, _ := slices.BinarySearchFunc(s.cands, n-bound, func(c candidate, l int) int { return len(c.norm) - l })
	best, bestRaw := -1, -1
	for i := first; i < len(s.cands) && len(s.cands[i].norm) <= n+bound; i++ {
		c := &s.cands[i]
		if c.name == name {
			return ""
		}
		if len(c.norm) < n-bound || n <= maxRunes && len(c.norm) <= maxRunes && hist.lowerBound(&c.hist) > bound {
			continue // too far apart: bound has shrunk since the search, or the runes differ
		}
		d := bounded(norm, c.norm, bound, cells)
		switch {
		case d > bound:
		case best < 0 || d < bound:
			best, bound, bestRaw = i, d, -1
		default: // a tie: the nearer as written, then the earlier
			b := &s.cands[best]
			if bestRaw < 0 {
				bestRaw = rawDist(b, d, max(len(raw), utf8.RuneCountInString(b.name)))
			}
			if r := rawDist(c, d, bestRaw); r < bestRaw || r == bestRaw && c.pos < b.pos {
				best, bestRaw = i, r
			}
		}
	}
	if best < 0 {
		return ""
	}
	return s.cands[best].name
}

// Hint returns " (did you mean X?)" with X the closest candidate, quoted (%q) when quote is
// set, or "" when there is none (see Closest).
func Hint(name string, candidates []string, quote bool) string {
	return NewSet(candidates).Hint(name, quote)
}

// Hint returns " (did you mean X?)" with X the candidate of s closest to name, or "" (see the
// function Hint).
func (s *Set) Hint(name string, quote bool) string {
	c := s.Closest(name)
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

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Format returns " (did you mean X?)" for a suggestion already found.
func Format(suggestion string, quote bool) string {
	if quote {
		suggestion = strconv.Quote(suggestion)
	}
	return " (did you mean " + suggestion + "?)"
}
