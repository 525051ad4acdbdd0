package fastpath

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Tests of short.go: the short constants' tests against expr's VM end to end, and
// shortString/shortSet against strings and a map on exhaustive small alphabets.

var vmConsts = []string{
	"", "\x00", "a", "a\x00", "\x00a", "ab", "VP", "aab", "abcdefg", "abcdefgh", "abcdefghi",
	"abcdefghijklmno", "abcdefghijklmnop", "abcdefghijklmnopq", "aaaaaaaa", "aaaaaaaaa",
	"aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaa", strings.Repeat("\x00", 8), strings.Repeat("\x00", 9),
	strings.Repeat("\x00", 16), strings.Repeat("\x00", 17), "éééé", "éééééééé", "ÿ", "ÿÿÿÿÿÿÿÿ",
	"İ", "a\x00b", "abcdefgh\x00", "\x00abcdefgh", "abababab", "ababababa", "@gmail.com", "Director",
}

// vmValues are the strings a field takes for constant c: c itself and near misses, and c
// placed in strings around maxShortScan.
func vmValues(c string) []string {
	vs := []string{c, c + "\x00", "\x00" + c, "x" + c, c + "x", "x" + c + "y", c + c, "", "\x00", "\xff", "\xc3", "a\xffb"}
	if c != "" {
		vs = append(vs, c[:len(c)-1], c[1:], c[:len(c)-1]+"\x00"+c)
		for i := range len(c) {
			for _, x := range []byte{0x01, 0x80, 0x20, 0xff} {
				b := []byte(c)
				b[i] ^= x
				vs = append(vs, string(b), "zz"+string(b)+"zz")
			}
		}
	}
	for _, n := range []int{62, 63, 64, 65, 66, 100} {
		for _, fill := range []string{"a", "\x00", "b"} {
			if n >= len(c) {
				pad := strings.Repeat(fill, n-len(c))
				vs = append(vs, pad+c, c+pad, pad[:len(pad)/2]+c+pad[len(pad)/2:])
				if c != "" {
					vs = append(vs, pad+c[:len(c)-1], c[1:]+pad)
				}
			}
		}
	}
	return vs
}

func exprLit(s string) string {
	// expr reads \xNN as the rune U+00NN: write bytes >= 0x80 as themselves (the constants
	// above are valid UTF-8) and the rest with Go's quoting.
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

var vmLefts = []string{
	"lead.Title", "stage", "lead.Co.Name", "lead.EmbS", "lead.PEmbS", "lead.Ptr.Name", "lead.nick",
	"event.Path", "owner.Name", "lead.Label", "lead.Traits.s",
	"lower(lead.Title)", `(lead.Title + "x")`, "trim(lead.Title)", "(lead.B ? lead.Title : stage)",
	"(lead.Ptr.Name ?? stage)", `trimPrefix(lead.Title, "a")`,
}

func TestShortAgainstVM(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	p := NewPlan[testEnv](testDescription())
	var cases []testCase
	compiled, fast := 0, 0
	add := func(src string) {
		for _, asBool := range []bool{true, false} {
			c, ok := compileBoth(p, src, asBool)
			if !ok {
				if asBool {
					t.Logf("expr rejects %s", src)
				}
				continue
			}
			compiled++
			if c.compiled() {
				fast++
				cases = append(cases, c)
			}
		}
	}
	big := func(n int) []string {
		var s []string
		for i := range n {
			s = append(s, fmt.Sprintf("k%d", i), strings.Repeat("q", i%17)+fmt.Sprint(i%10))
		}
		return s[:n]
	}
	for _, l := range vmLefts {
		for _, c := range vmConsts {
			cl := exprLit(c)
			for _, form := range []string{"%s == %s", "%[2]s == %[1]s", "%s != %s", "%[2]s != %[1]s", "%s contains %s",
				"%s startsWith %s", "%s endsWith %s", "hasPrefix(%s, %s)", "hasSuffix(%s, %s)", "not (%s contains %s)",
				"%s in [%s]", "%s not in [%s]"} {
				add(fmt.Sprintf(form, l, cl))
			}
		}
		// sets
		sets := [][]string{
			{"", "\x00"}, {"a", "a\x00"}, {"a", "a", "a\x00", ""}, {"\x00", strings.Repeat("\x00", 8), strings.Repeat("\x00", 9), strings.Repeat("\x00", 16)},
			vmConsts, big(8), big(9), big(63), big(64), big(65), big(100), append(big(20), "abcdefghijklmnopq"),
		}
		for range 10 {
			var s []string
			for range 1 + r.IntN(20) {
				s = append(s, pick(r, vmConsts))
			}
			sets = append(sets, s)
		}
		for _, s := range sets {
			var lits []string
			for _, c := range s {
				lits = append(lits, exprLit(c))
			}
			add(fmt.Sprintf("%s in [%s]", l, strings.Join(lits, ", ")))
			add(fmt.Sprintf("%s not in [%s]", l, strings.Join(lits, ", ")))
			add(fmt.Sprintf("not (%s in [%s]) || lead.C", l, strings.Join(lits, ", ")))
		}
	}
	t.Logf("%d compiled, %d on the fast path", compiled, fast)
	var values []string
	for _, c := range vmConsts {
		values = append(values, vmValues(c)...)
	}
	values = append(values, big(100)...)
	slices.Sort(values)
	values = slices.Compact(values)
	if !testing.Short() && os.Getenv("SHORT_VM_FULL") == "" {
		// every value against every case takes a minute (35M runs, all agreeing when
		// written); by default a sample of 400 values
		r.Shuffle(len(values), func(i, j int) { values[i], values[j] = values[j], values[i] })
		values = values[:400]
	}
	t.Logf("%d values", len(values))
	vars := newVars()
	var f Env[testEnv]
	f.Bind(p, vars)
	runs := 0
	for i, v := range values {
		e := testEnv{Lead: testLead{Title: v, Name: v, Co: testCo{Name: v}, Renamed: v, Label: testLabel(v),
			testEmbedded: testEmbedded{EmbS: v}, B: i%2 == 0, C: i%3 == 0, T: t0}, Stage: pick(r, values), Event: testEvent{Path: v}, Now: t0}
		if i%3 != 0 {
			e.Lead.Ptr = &testCo{Name: v}
			e.Lead.testPtrEmbedded = &testPtrEmbedded{PEmbS: v}
			e.Owner = &testCo{Name: v}
		}
		if i%4 != 0 {
			e.Lead.Traits = map[string]any{"s": v}
		}
		assign(vars, e)
		f.Load()
		for _, c := range cases {
			runs++
			if msg := c.check(&f); msg != "" {
				t.Fatalf("%s (asBool %v)\nvalue %q\n%s", c.src, c.asBool, v, msg)
			}
		}
	}
	t.Logf("%d runs", runs)
}

// Every constant over a 3-letter alphabet of lengths 0..17 (sampled beyond 6) against every
// string over it up to 9 bytes and sampled longer ones.
func TestShortExhaustive(t *testing.T) {
	alpha := []byte{'a', 0, 0xff}
	var all func(n int) []string
	all = func(n int) []string {
		if n == 0 {
			return []string{""}
		}
		var out []string
		for _, s := range all(n - 1) {
			for _, a := range alpha {
				out = append(out, s+string(a))
			}
		}
		return out
	}
	var short []string
	for n := 0; n <= 7; n++ {
		short = append(short, all(n)...)
	}
	r := rand.New(rand.NewPCG(9, 9))
	rnd := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[r.IntN(3)]
		}
		return string(b)
	}
	var consts []string
	for n := 0; n <= 4; n++ {
		consts = append(consts, all(n)...)
	}
	for n := 5; n <= 17; n++ {
		for range 40 {
			consts = append(consts, rnd(n))
		}
	}
	checks := 0
	for _, c := range consts {
		s, ok := newShort(c)
		if ok != (len(c) <= maxShort) {
			t.Fatalf("newShort(%q) ok=%v", c, ok)
		}
		if !ok {
			continue
		}
		vals := short
		if len(c) > 4 {
			vals = nil
			for range 300 {
				vals = append(vals, rnd(r.IntN(20)))
				v := rnd(r.IntN(70)) + c + rnd(r.IntN(3))
				vals = append(vals, v, v[:len(v)-1], c+rnd(r.IntN(70)))
			}
		}
		for _, v := range vals {
			checks++
			check := func(op string, got, want bool) {
				if got != want {
					t.Fatalf("%s: constant %q, string %q: got %v, want %v", op, c, v, got, want)
				}
			}
			check("equal", s.equal(v), v == c)
			if c != "" {
				check("contains", s.contains(v, c), strings.Contains(v, c))
			}
			check("==", runField(fieldEqualShort[struct{}](0, s), v), v == c)
			check("prefix", runField(fieldPrefixShort[struct{}](0, s), v), strings.HasPrefix(v, c))
			check("suffix", runField(fieldSuffixShort[struct{}](0, s), v), strings.HasSuffix(v, c))
		}
	}
	t.Logf("%d constants, %d checks", len(consts), checks)
}

// Sets over the short strings: random subsets of every size up to 70, probed with every
// short string; newShortSet deterministic.
func TestShortSet(t *testing.T) {
	alpha := []byte{'a', 0, 0xff, 'b'}
	r := rand.New(rand.NewPCG(4, 4))
	rnd := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		return string(b)
	}
	built, fellBack := map[int]int{}, map[int]int{}
	for i := range 4000 {
		n := i % 71
		var set []string
		want := map[string]bool{}
		for range n {
			c := rnd(r.IntN(18))
			set = append(set, c)
			want[c] = true
		}
		s, ok := newShortSet(set)
		s2, ok2 := newShortSet(set)
		if ok != ok2 || ok && (s.mul != s2.mul || s.shift != s2.shift) {
			t.Fatalf("not deterministic")
		}
		long := false
		for _, c := range set {
			long = long || len(c) > maxShort
		}
		if !ok {
			if !long {
				fellBack[len(want)]++
			}
			continue
		}
		built[len(want)]++
		probes := append([]string{}, set...)
		for range 200 {
			probes = append(probes, rnd(r.IntN(18)))
		}
		for _, c := range set {
			if len(c) < maxShort {
				probes = append(probes, c+"\x00", "\x00"+c)
			}
			if len(c) > 0 {
				probes = append(probes, c[:len(c)-1])
			}
		}
		for _, v := range probes {
			if s.has(v) != want[v] {
				t.Fatalf("set %q: has(%q) = %v", set, v, !want[v])
			}
		}
	}
	var fb []int
	for k := range fellBack {
		fb = append(fb, k)
	}
	slices.Sort(fb)
	for _, k := range fb {
		t.Logf("%d distinct constants: fell back %d times, built %d", k, fellBack[k], built[k])
	}
}

// FuzzShortVM: a field against a fuzzed constant with each changed operator, expr's VM
// against the fast path, on a fuzzed value.
func FuzzShortVM(f *testing.F) {
	f.Add("abcdefgh", "xabcdefgh", "a\x00", uint8(0))
	f.Add("", "\x00", "a", uint8(3))
	f.Add("aaaaaaaaa", strings.Repeat("a", 70), "", uint8(4))
	f.Fuzz(func(t *testing.T, c, v, c2 string, op uint8) {
		if !utf8.ValidString(c) || !utf8.ValidString(c2) || len(c) > 40 || len(c2) > 40 {
			return
		}
		forms := []string{"%s == %s", "%s != %s", "%s contains %s", "%s startsWith %s", "%s endsWith %s",
			"%s in [%s, %s]", "%s not in [%s, %s, \"\"]", "%s in [%s, %s, \"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\"]"}
		form := forms[int(op)%len(forms)]
		left := []string{"lead.Title", "lower(lead.Title)", "(lead.Title + \"x\")"}[int(op/16)%3]
		var src string
		if strings.Count(form, "%s") == 3 {
			src = fmt.Sprintf(form, left, exprLit(c), exprLit(c2))
		} else {
			src = fmt.Sprintf(form, left, exprLit(c))
		}
		p := NewPlan[testEnv](testDescription())
		tc, ok := compileBoth(p, src, true)
		if !ok {
			t.Fatalf("expr rejects %s", src)
		}
		if !tc.compiled() {
			return
		}
		vars := newVars()
		var e Env[testEnv]
		e.Bind(p, vars)
		assign(vars, testEnv{Lead: testLead{Title: v}})
		e.Load()
		if msg := tc.check(&e); msg != "" {
			t.Fatalf("%s, title %q: %s", src, v, msg)
		}
	})
}
