package store

// Repeated returns an event ID that ids holds more than once, for a Store's Save to refuse
// such a Change: its second copy would look like an event processed meanwhile, an
// ErrConflict no retry can resolve.
func Repeated(ids []string) (string, bool) {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return id, true
		}
		seen[id] = true
	}
	return "", false
}
