package classify

import (
	"bytes"
	"strings"
)

// List is a compiled list of values for listed(list, value): company names, domains, email
// addresses, countries, whatever the rule set keeps. Build it with NewList; the zero List is
// empty. A List is never modified after NewList, so it is safe for concurrent use.
type List struct {
	set map[string]struct{}
}

// NewList compiles values into a List. Each value is normalised the same way Contains
// normalises its argument: surrounding white space is trimmed, one leading '@' is removed
// (so "@rival.example", the usual way of writing "anyone at rival.example", is the domain
// entry "rival.example") and letters are lower-cased with Unicode simple case mapping.
// Values that are empty after this are ignored, and duplicates collapse. values is not
// retained.
func NewList(values []string) List {
	set := make(map[string]struct{}, len(values))
	for _, v := range values {
		v = trimValue(v)
		if v == "" {
			continue
		}
		b, _ := appendLower(make([]byte, 0, len(v)), v)
		set[string(b)] = struct{}{}
	}
	return List{set: set}
}

// Len returns the number of distinct entries in the list.
func (l List) Len() int { return len(l.set) }

// Contains reports whether value is in the list.
//
// The value is normalised as NewList normalises entries and matched exactly (so matching is
// case-insensitive and the entry "jo@rival.example" matches the address
// " Jo@Rival.Example " and nothing else). If that fails and the value is an email address or
// a domain as Domain reads it, its domain and each parent domain are looked up in turn,
// down to the top-level label: the entry "rival.example" matches "jo@rival.example",
// "jo@sales.rival.example", "sales.rival.example" and "@rival.example", but not
// "notrival.example" or "rival.example.evil.example"; an entry "example" or "com" matches
// every domain under it, which is for the list owner to decide.
//
// Contains does not allocate unless the value is longer than 254 bytes after trimming (no
// email address or domain is), in which case only the exact match is tried.
func (l List) Contains(value string) bool {
	if len(l.set) == 0 {
		return false
	}
	v := trimValue(value)
	if v == "" {
		return false
	}
	if len(v) > maxAddressLen {
		b, _ := appendLower(make([]byte, 0, len(v)), v)
		_, ok := l.set[string(b)]
		return ok
	}
	var buf [foldBufLen]byte
	b, _ := appendLower(buf[:0], v)
	if _, ok := l.set[string(b)]; ok {
		return true
	}
	if bytes.IndexByte(b, '@') < 0 && bytes.IndexByte(b, '.') < 0 {
		return false
	}
	// b is looked up: buf may take the domain, folded again (no longer than b).
	d, _, _, ok := foldHost(&buf, v)
	if !ok {
		return false
	}
	for {
		if _, ok := l.set[string(d)]; ok {
			return true
		}
		i := bytes.IndexByte(d, '.')
		if i < 0 {
			return false
		}
		d = d[i+1:]
	}
}

// trimValue trims surrounding white space and then one leading '@'.
func trimValue(s string) string {
	s = strings.TrimSpace(s)
	if s != "" && s[0] == '@' {
		s = s[1:]
	}
	return s
}
