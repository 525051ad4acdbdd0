package fastpath

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// shortPieces are what the generated strings are made of: bytes that differ only in the high
// bit or from zero, which a word compare must tell apart, and words that recur so that
// constants do occur in the strings.
var shortPieces = []string{"a", "b", "A", "\x00", "\xff", "\x80", "é", "VP", "Dir", "ector", "US", "@gmail.com", ".edu"}

func shortRandom(r *rand.Rand, pieces int) string {
	var b strings.Builder
	for range pieces {
		b.WriteString(shortPieces[r.IntN(len(shortPieces))])
	}
	return b.String()
}

// runField runs a field test on v, as the closure sees it in slot 0 of an Env.
func runField(test func(*Env[struct{}]) bool, v string) bool {
	f := Env[struct{}]{strs: []*string{&v}}
	return test(&f)
}

// The short constants' tests against the strings package and ==, on generated strings and
// constants of every length a shortString holds, some of the strings made around the
// constant (a prefix, a suffix, inside, a byte off) and some longer than maxShortScan.
func TestShortStringAgreesWithStrings(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 14))
	for range 200000 {
		c := shortRandom(r, 1+r.IntN(5))
		if len(c) > maxShort {
			c = c[:1+r.IntN(maxShort)]
		}
		var v string
		switch r.IntN(6) {
		case 0:
			v = c
		case 1:
			v = c + shortRandom(r, r.IntN(3))
		case 2:
			v = shortRandom(r, r.IntN(3)) + c
		case 3:
			v = shortRandom(r, r.IntN(4)) + c + shortRandom(r, r.IntN(4))
		case 4:
			b := []byte(c)
			b[r.IntN(len(b))] ^= byte(1 << r.IntN(8))
			v = string(b)
		default:
			v = shortRandom(r, r.IntN(40))
		}
		checkShort(t, c, v)
	}
}

func FuzzShortString(f *testing.F) {
	f.Add("Director", "VP Director of Sales")
	f.Add("@gmail.com", "dana@gmail.com")
	f.Add("a\x00", "a")
	f.Add("US", "us")
	f.Add("aab", strings.Repeat("a", 100)+"b")
	f.Fuzz(func(t *testing.T, c, v string) {
		if c == "" || len(c) > maxShort {
			return
		}
		checkShort(t, c, v)
	})
}

func checkShort(t *testing.T, c, v string) {
	t.Helper()
	s, ok := newShort(c)
	if !ok {
		t.Fatalf("newShort(%q) refused a constant of %d bytes", c, len(c))
	}
	for _, tc := range []struct {
		op        string
		got, want bool
	}{
		{"equal", s.equal(v), v == c},
		{"contains", s.contains(v, c), strings.Contains(v, c)},
		{"field ==", runField(fieldEqualShort[struct{}](0, s), v), v == c},
		{"field startsWith", runField(fieldPrefixShort[struct{}](0, s), v), strings.HasPrefix(v, c)},
		{"field endsWith", runField(fieldSuffixShort[struct{}](0, s), v), strings.HasSuffix(v, c)},
	} {
		if tc.got != tc.want {
			t.Fatalf("%s: constant %q, string %q: got %v, want %v", tc.op, c, v, tc.got, tc.want)
		}
	}
}

// A shortSet answers as a set would, for sets of 1 to 32 constants with members that share
// words (a string and itself with a zero byte added differ only in length).
func TestShortSetAgreesWithAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 92))
	for i := range 3000 {
		var set []string
		want := map[string]bool{}
		for range 1 + r.IntN(32) + i%2*32 {
			c := shortRandom(r, r.IntN(4))
			if len(c) > maxShort {
				c = c[:r.IntN(maxShort+1)]
			}
			if r.IntN(4) == 0 && len(c) < maxShort {
				c += "\x00"
			}
			set = append(set, c)
			want[c] = true
		}
		t2, ok := newShortSet(set)
		if !ok {
			// Up to 32 constants a table of 128 or 256 slots is found (the odds against
			// one of 1,024 multipliers are below 1e-9); beyond, a set may go to a map.
			if len(want) <= 32 {
				t.Fatalf("newShortSet(%q): no table for %d constants", set, len(want))
			}
			continue
		}
		probes := append(append([]string{}, set...), "", "\x00", strings.Repeat("\x00", 9), strings.Repeat("a", 17))
		for range 20 {
			probes = append(probes, shortRandom(r, r.IntN(5)))
		}
		for _, v := range probes {
			if got := t2.has(v); got != want[v] {
				t.Fatalf("set %q: has(%q) = %v, want %v", set, v, got, want[v])
			}
		}
	}
	if _, ok := newShortSet([]string{"a", strings.Repeat("b", maxShort+1)}); ok {
		t.Errorf("newShortSet took a constant longer than %d bytes", maxShort)
	}
	var large []string
	for i := range maxShortSlots/4 + 1 {
		large = append(large, strings.Repeat("x", i%maxShort)+string(rune('a'+i/maxShort)))
	}
	if _, ok := newShortSet(large); ok {
		t.Errorf("newShortSet took %d constants, more than a quarter of %d slots", len(large), maxShortSlots)
	}
}
