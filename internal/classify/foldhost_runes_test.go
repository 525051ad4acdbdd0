package classify

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Every rune: validLocal of it alone agrees with validLocal of its lower-case form, and
// lower-casing neither makes nor removes '@'. Then every rune as a whole local part, as a
// domain label and at the length limit, against the whole-input oracle.
func TestFoldHostEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("10M inputs, about 16 s")
	}
	list := NewList([]string{"globex.example", "gmail.com", "uk", "dana@globex.example", "k.example"})
	n := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		l := unicode.ToLower(r)
		s, ls := string(r), string(l)
		if utf8.ValidRune(r) && validLocal(s) != validLocal(ls) {
			t.Errorf("validLocal(%q) = %v, of its lower case %q %v", s, validLocal(s), ls, validLocal(ls))
		}
		if (r == '@') != (l == '@') {
			t.Errorf("%U lowers to %U", r, l)
		}
		if !utf8.ValidRune(r) {
			continue
		}
		for _, in := range []string{
			s + "@globex.example", "a" + s + "b@Globex.Example", s + "@" + s + ".example", s + "." + s,
			"x@" + s, s + "@k.example", "@" + s + "@gmail.com", s + "@" + s + "@uk", "a@b" + s + "c.uk.",
		} {
			checkFoldHost(t, in, list)
			n++
		}
	}
	// lengths near the limits, with runes that change length when folded
	for _, fill := range []string{"a", "\u0130", "\u212a", "\u1e9e", "É", "\xff", "Ⴀ", "Σ", "ς"} {
		for total := 240; total <= 260; total++ {
			for _, dom := range []string{"@globex.example", "@GLOBEX.EXAMPLE.", ".example", "@" + strings.Repeat("\u212a", 20) + ".uk"} {
				local := strings.Repeat(fill, 300)
				k := total - len(dom)
				if k < 0 {
					continue
				}
				in := local[:k] + dom
				checkFoldHost(t, in, list)
				checkFoldHost(t, " "+in+" ", list)
				checkFoldHost(t, "@"+in, list)
				n += 3
			}
			// a domain near 253 bytes, labels of at most 63
			var d strings.Builder
			lbl := ""
			for len(lbl)+len(fill) <= 60 {
				lbl += fill
			}
			for d.Len() < total-10 {
				d.WriteString(lbl + ".")
			}
			dom := d.String()
			for len(dom) > total-3 || !utf8.ValidString(dom) && len(dom) > 0 && len(dom) > total-6 {
				dom = dom[:len(dom)-1]
			}
			dom = strings.TrimSuffix(dom, ".") + ".uk"
			checkFoldHost(t, dom, list)
			checkFoldHost(t, "x@"+dom, list)
			checkFoldHost(t, "X@"+strings.ToUpper(dom)+".", list)
			n += 3
		}
	}
	t.Logf("%d inputs", n)
}
