package leadscore

import (
	"cmp"
	"maps"
	"slices"
)

// sortedKeys returns m's keys in order, so that compiling a map-shaped config section is
// deterministic.
func sortedKeys[M ~map[K]V, K cmp.Ordered, V any](m M) []K {
	return slices.Sorted(maps.Keys(m))
}
