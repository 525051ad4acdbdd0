package classify

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// foldWholeDomain is Domain as it was before foldHost: the whole input lower-cased, then the
// domain found and checked in the folded bytes. It is the oracle for foldHost's claim that
// folding only the domain, and checking the local part as given, changes no answer.
func foldWholeDomain(emailOrDomain string) string {
	t := strings.TrimSpace(emailOrDomain)
	if t == "" || len(t) > maxAddressLen {
		return ""
	}
	return foldWholeTrimmed(t)
}

// foldWholeTrimmed is foldWholeDomain of an input already trimmed (as List.Contains has it).
func foldWholeTrimmed(t string) string {
	b, _ := appendLower(nil, t)
	lo, hi := 0, len(b)
	if at := bytes.LastIndexByte(b, '@'); at >= 0 {
		if at == 0 || !validLocal(string(b[:at])) {
			return ""
		}
		lo = at + 1
	}
	if hi > lo && b[hi-1] == '.' {
		hi--
	}
	if !validHostname(b[lo:hi]) {
		return ""
	}
	return string(b[lo:hi])
}

// The pieces addresses are made of: the runes lower-casing treats specially (the Kelvin
// sign and dotted capital I fold to ASCII, U+FFFD and invalid bytes, white space and
// control characters in and outside ASCII) beside ordinary ones.
var addressPieces = []string{
	"a", "Z", "dana", "DANA", ".", "-", "@", "@", " ", "\t", "\x00", "\x7f", "\xff", "\xc3", "\ufffd",
	"\u212a", "\u0130", "É", "ü", "\u00a0", "\u2028", "\u0085", "日本", "globex", "EXAMPLE", "com", "edu", "ac", "uk",
	"gmail", "+", "_", "\"", "1", "0",
}

// Over generated addresses, Domain, FreeEmail, Academic and List.Contains agree with the
// oracle that folds the whole input.
func TestFoldHostAgreesWithFoldingTheWholeInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	list := NewList([]string{"globex.example", "gmail.com", "uk", "dana@globex.example"})
	for range 200000 {
		var b strings.Builder
		for n := rng.IntN(10); n >= 0; n-- {
			b.WriteString(addressPieces[rng.IntN(len(addressPieces))])
		}
		if rng.IntN(2) == 0 {
			b.WriteString([]string{"@globex.example", "@Gmail.COM", ".edu", "@x.ac.uk", "@ü.example."}[rng.IntN(5)])
		}
		checkFoldHost(t, b.String(), list)
	}
}

func FuzzFoldHost(f *testing.F) {
	for _, s := range []string{"Dana@Globex.Example", "\u212a@x.com", "a\xff@b.com", "a b@c.d", "\u0130@GMAIL.com", "x@y.edu."} {
		f.Add(s)
	}
	list := NewList([]string{"globex.example", "gmail.com", "uk"})
	f.Fuzz(func(t *testing.T, s string) { checkFoldHost(t, s, list) })
}

func checkFoldHost(t *testing.T, s string, list List) {
	t.Helper()
	want := foldWholeDomain(s)
	if got := Domain(s); got != want {
		t.Fatalf("Domain(%q) = %q, folding the whole input gives %q", s, got, want)
	}
	var buf [foldBufLen]byte
	if got := foldDomain(&buf, s); string(got) != want || (got == nil) != (want == "") {
		t.Fatalf("foldDomain(%q) = %q, want %q", s, got, want)
	}
	// A list matches the whole value or one of its domain's parents.
	v := trimValue(s)
	whole, _ := appendLower(nil, v)
	_, exact := list.set[string(whole)]
	d := ""
	if len(v) <= maxAddressLen {
		d = foldWholeTrimmed(v)
	}
	parent := false
	for p, ok := d, d != ""; ok && !exact; p, ok = Parent(p) {
		if _, in := list.set[p]; in {
			parent = true
			break
		}
	}
	if got := list.Contains(s); got != (v != "" && (exact || parent)) {
		t.Fatalf("List.Contains(%q) = %v, want %v", s, got, exact || parent)
	}
}
