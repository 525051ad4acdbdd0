package leadscore

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
)

// sortedKeys returns m's keys in order, so that compiling a map-shaped config section is
// deterministic.
func sortedKeys[M ~map[K]V, K cmp.Ordered, V any](m M) []K {
	return slices.Sorted(maps.Keys(m))
}

// thousands formats n with a comma between groups of three digits (4000 → "4,000"): the
// figures in limit errors are compared by eye with the limits, which read better grouped.
func thousands(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	var b []byte
	for i := range len(s) {
		if i > start && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}
