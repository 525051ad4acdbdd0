package classify

import (
	"bytes"
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// maxAddressLen is the longest input, after trimming, that is read as an email address or
	// a domain. RFC 5321 limits a path to 256 octets including its angle brackets, which leaves
	// 254 for the address itself.
	maxAddressLen = 254
	// foldBufLen bounds the lower-cased form of an input of maxAddressLen bytes: lower-casing
	// grows a string at most threefold (an invalid byte becomes the 3-byte U+FFFD).
	foldBufLen = 3 * maxAddressLen
	// maxDomainLen and maxLabelLen are the DNS limits of RFC 1035 (in the text form, without
	// the trailing dot).
	maxDomainLen = 253
	maxLabelLen  = 63
)

// Domain returns the lower-cased domain of an email address, or a bare domain lower-cased.
//
// The input is an email address ("Dana@Globex.Example" → "globex.example") or a bare domain
// ("Globex.Example" → "globex.example"); nothing else is parsed: a URL
// ("https://www.globex.example/") or a display name ("Dana <dana@globex.example>") gives "",
// and a "mailto:" prefix passes as part of the local part. The rules:
//
//   - surrounding white space is trimmed, then at most one trailing dot of the domain;
//   - with an '@', the domain is everything after the last '@' and the part before it must be
//     non-empty and contain no white space or control characters (it is not checked further);
//   - the domain needs at least two labels separated by dots, each of 1 to 63 bytes, made of
//     letters, digits and inner hyphens (no leading or trailing hyphen), 253 bytes at most,
//     and a top-level label that is not all digits (so IP addresses are rejected);
//   - inputs longer than 254 bytes after trimming (the RFC 5321 limit for an address) and
//     inputs that are not valid UTF-8 give "".
//
// Letters are lower-cased with Unicode simple case mapping (unicode.ToLower), the same
// folding List uses; internationalised domain names are otherwise kept as given (no
// Punycode conversion and no UTS #46 mapping), so "bücher.example" and its "xn--" form are
// different domains. The result does not allocate when the domain is already lower-case:
// it is then a substring of the input.
func Domain(emailOrDomain string) string {
	t := strings.TrimSpace(emailOrDomain)
	if t == "" || len(t) > maxAddressLen {
		return ""
	}
	var buf [foldBufLen]byte
	d, lo, changed, ok := foldHost(&buf, t)
	if !ok {
		return ""
	}
	if !changed {
		// Folding changed nothing, so d is byte for byte t from lo on.
		return t[lo : lo+len(d)]
	}
	return string(d)
}

// ParentDomains walks a domain and its parents, left label first dropped each step:
// "a.b.example.com" yields "a.b.example.com", "b.example.com", "example.com" and "com".
//
// The bare top-level label is included: whether "com" or "co.uk" is meaningful is for the
// caller (a list owner) to decide. The domain is used as given, not validated or lower-cased
// (pass it through Domain first); "" yields nothing, and the walk ends when nothing follows
// the next dot.
// Every value yielded is a substring of domain, so the walk does not allocate per step, and
// ranging over the result directly does not allocate at all once the compiler inlines
// ParentDomains (it does in the usual case); for a loop that never allocates, use Parent.
func ParentDomains(domain string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for d, ok := domain, domain != ""; ok; d, ok = Parent(d) {
			if !yield(d) {
				return
			}
		}
	}
}

// Parent returns domain without its leftmost label ("sales.rival.example" → "rival.example",
// "rival.example" → "example") and true, or "" and false when domain has no dot or nothing
// follows it. With it the walk of ParentDomains is written without a closure:
//
//	for d, ok := dom, dom != ""; ok; d, ok = classify.Parent(d) { … }
func Parent(domain string) (parent string, ok bool) {
	i := strings.IndexByte(domain, '.')
	if i < 0 || i == len(domain)-1 {
		return "", false
	}
	return domain[i+1:], true
}

// foldDomain returns the lower-cased domain of an email address or bare domain, as Domain
// does, but into buf, so that it never allocates; nil when there is none.
func foldDomain(buf *[foldBufLen]byte, emailOrDomain string) []byte {
	t := strings.TrimSpace(emailOrDomain)
	if t == "" || len(t) > maxAddressLen {
		return nil
	}
	d, _, _, ok := foldHost(buf, t)
	if !ok {
		return nil
	}
	return d
}

// foldHost finds the domain of t, a trimmed email address or bare domain, and lower-cases
// it into buf: d, which starts at t[lo], and whether folding changed any byte of it. Only the
// domain is folded. The local part is checked as it is: lower-casing creates and removes
// no '@' (no rune folds to or from it, and an invalid byte becomes U+FFFD), and turns no rune
// into white space, a control character or U+FFFD, or any of those into anything else, so
// validLocal says of the local part what it would of its folded form.
func foldHost(buf *[foldBufLen]byte, t string) (d []byte, lo int, changed, ok bool) {
	if at := strings.LastIndexByte(t, '@'); at >= 0 {
		if at == 0 || !validLocal(t[:at]) {
			return nil, 0, false, false
		}
		lo = at + 1
	}
	d, changed = appendLower(buf[:0], t[lo:])
	if n := len(d); n > 0 && d[n-1] == '.' {
		d = d[:n-1]
	}
	if !validHostname(d) {
		return nil, 0, false, false
	}
	return d, lo, changed, true
}

// appendLower appends s lower-cased with unicode.ToLower to dst, an invalid UTF-8 byte
// becoming U+FFFD (as strings.ToLower does), and reports whether anything changed.
func appendLower(dst []byte, s string) ([]byte, bool) {
	changed := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
				changed = true
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			changed = true
		} else if l := unicode.ToLower(r); l != r {
			r, changed = l, true
		}
		dst = utf8.AppendRune(dst, r)
		i += w
	}
	return dst, changed
}

// validLocal reports whether the local part of an address has no white space, control
// characters or invalid UTF-8; nothing else is checked.
func validLocal(b string) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(b[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
		i += w
	}
	return true
}

// validHostname reports whether d, lower-cased and without a trailing dot, is a host name of
// at least two labels: see Domain for the rules.
func validHostname(d []byte) bool {
	if len(d) == 0 || len(d) > maxDomainLen {
		return false
	}
	labels, start, digitsOnly := 0, 0, true
	for i := 0; ; {
		if i == len(d) || d[i] == '.' {
			n := i - start
			if n == 0 || n > maxLabelLen || d[start] == '-' || d[i-1] == '-' {
				return false
			}
			labels++
			if i == len(d) {
				return labels >= 2 && !digitsOnly
			}
			i++
			start, digitsOnly = i, true
			continue
		}
		switch c := d[i]; {
		case '0' <= c && c <= '9':
			i++
		case 'a' <= c && c <= 'z', c == '-':
			digitsOnly = false
			i++
		case c >= utf8.RuneSelf:
			r, w := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)) {
				return false
			}
			digitsOnly = false
			i += w
		default:
			return false
		}
	}
}

// lastLabels splits a domain into its last label (the top-level one), the label before it
// and everything before that ("" when absent): "cs.ox.ac.uk" → "cs.ox", "ac", "uk".
func lastLabels(d []byte) (rest, second, top []byte) {
	i := bytes.LastIndexByte(d, '.')
	if i < 0 {
		return nil, nil, d
	}
	top, d = d[i+1:], d[:i]
	j := bytes.LastIndexByte(d, '.')
	if j < 0 {
		return nil, d, top
	}
	return d[:j], d[j+1:], top
}

// DomainKey returns the part of an email address its domain classifications (FreeEmail,
// Academic) depend on, for a cache keyed by it: from the last '@' on. Two inputs with the same
// key classify alike. ok is false when the address is not of the plain form that guarantees
// it — a non-empty local part of printable ASCII without spaces, the whole at most
// maxAddressLen bytes — and then only the whole input is a safe key.
//
// It runs at every evaluation of a rule set that classifies email domains, so it reads the
// address once, forwards: the local part byte by byte up to an '@', which ends it when no
// other follows (one vectorised search). strings.LastIndexByte, which has no vectorised
// form, would walk the domain backwards before the local part was even looked at.
func DomainKey(email string) (key string, ok bool) {
	if len(email) > maxAddressLen {
		return "", false
	}
	for i := 0; i < len(email); i++ {
		c := email[i]
		if c == '@' && strings.IndexByte(email[i+1:], '@') < 0 { // the last '@'
			if i == 0 {
				return "", false // no local part
			}
			return email[i:], true
		}
		if c <= ' ' || c >= 0x7f { // before the last '@' ('@' itself is printable)
			return "", false
		}
	}
	return "", false // no '@'
}
