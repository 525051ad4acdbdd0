package classify

import (
	"slices"
	"strings"
	"testing"
)

func TestFreeEmail(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  bool
	}{
		{name: "gmail address", input: "dana@gmail.com", want: true},
		{name: "gmail mixed case", input: "Dana@GMail.COM", want: true},
		{name: "gmail bare domain", input: "gmail.com", want: true},
		{name: "googlemail", input: "x@googlemail.com", want: true},
		{name: "yahoo.com", input: "yahoo.com", want: true},
		{name: "yahoo.co.uk", input: "yahoo.co.uk", want: true},
		{name: "yahoo.co.jp", input: "x@yahoo.co.jp", want: true},
		{name: "yahoo.com.br", input: "x@yahoo.com.br", want: true},
		{name: "yahoo.fr", input: "x@yahoo.fr", want: true},
		{name: "ymail", input: "x@ymail.com", want: true},
		{name: "rocketmail", input: "x@rocketmail.com", want: true},
		{name: "hotmail.fr", input: "x@hotmail.fr", want: true},
		{name: "hotmail.co.uk", input: "x@hotmail.co.uk", want: true},
		{name: "outlook.de", input: "x@outlook.de", want: true},
		{name: "live.com.au", input: "x@live.com.au", want: true},
		{name: "msn", input: "x@msn.com", want: true},
		{name: "aol.co.uk", input: "x@aol.co.uk", want: true},
		{name: "icloud", input: "x@icloud.com", want: true},
		{name: "me.com", input: "x@me.com", want: true},
		{name: "proton", input: "x@proton.me", want: true},
		{name: "pm.me", input: "x@pm.me", want: true},
		{name: "gmx.net", input: "x@gmx.net", want: true},
		{name: "gmx.at", input: "x@gmx.at", want: true},
		{name: "gmx.co.uk", input: "x@gmx.co.uk", want: true},
		{name: "web.de", input: "x@web.de", want: true},
		{name: "t-online", input: "x@t-online.de", want: true},
		{name: "mail.ru", input: "x@mail.ru", want: true},
		{name: "yandex.kz", input: "x@yandex.kz", want: true},
		{name: "yandex.com.tr", input: "x@yandex.com.tr", want: true},
		{name: "ya.ru", input: "x@ya.ru", want: true},
		{name: "naver", input: "x@naver.com", want: true},
		{name: "qq", input: "12345@qq.com", want: true},
		{name: "vip.qq.com", input: "x@vip.qq.com", want: true},
		{name: "163", input: "x@163.com", want: true},
		{name: "orange.fr", input: "x@orange.fr", want: true},
		{name: "libero", input: "x@libero.it", want: true},
		{name: "comcast.net", input: "x@comcast.net", want: true},
		{name: "btinternet", input: "x@btinternet.com", want: true},
		{name: "mailinator", input: "x@mailinator.com", want: true},
		{name: "guerrillamail", input: "x@guerrillamail.com", want: true},
		{name: "yopmail", input: "x@yopmail.com", want: true},
		{name: "trailing dot", input: "x@gmail.com.", want: true},

		{name: "company", input: "dana@globex.example", want: false},
		{name: "look-alike prefix", input: "notyahoo.com", want: false},
		{name: "look-alike suffix", input: "yahoo.com.evil.example", want: false},
		{name: "family with unknown suffix", input: "yahoo.example", want: false},
		{name: "family with generic suffix", input: "outlook.org", want: false},
		{name: "family label deeper", input: "mail.yahoo.com", want: false},
		{name: "subdomain of exact", input: "a@sub.gmail.com", want: false},
		{name: "gmail typo", input: "x@gmail.co", want: false},
		{name: "provider corporate domain", input: "x@comcast.com", want: false},
		{name: "orange corporate", input: "x@orange.com", want: false},
		{name: "academic", input: "x@mit.edu", want: false},
		{name: "empty", input: "", want: false},
		{name: "only at", input: "@", want: false},
		{name: "invalid", input: "gmail", want: false},
		{name: "gmail as local part", input: "gmail.com@globex.example", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FreeEmail(tt.input); got != tt.want {
				t.Errorf("FreeEmail(%q) = %v, want %v", tt.input, got, tt.want)
			}
		})
	}
}

func TestFreeEmailProviders(t *testing.T) {
	got := FreeEmailProviders()
	if !slices.IsSorted(got) {
		t.Error("FreeEmailProviders() is not sorted")
	}
	if len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Error("FreeEmailProviders() has duplicates")
	}
	for _, d := range got {
		if Domain(d) != d {
			t.Errorf("provider %q is not a normalised domain (Domain gives %q)", d, Domain(d))
		}
		if !FreeEmail(d) {
			t.Errorf("FreeEmail(%q) = false for a listed provider", d)
		}
	}
	for _, want := range []string{"gmail.com", "yahoo.com", "outlook.com", "gmx.net", "qq.com", "mailinator.com"} {
		if _, ok := slices.BinarySearch(got, want); !ok {
			t.Errorf("FreeEmailProviders() lacks %q", want)
		}
	}
	got[0] = "changed.example"
	if FreeEmailProviders()[0] == "changed.example" {
		t.Error("FreeEmailProviders() returns the package's own slice")
	}
}

func TestFreeEmailSuffixes(t *testing.T) {
	if !slices.IsSorted(freeEmailSuffixes) {
		t.Error("freeEmailSuffixes is not sorted")
	}
	if len(freeEmailSet) != len(freeEmailDomains) || len(freeEmailSuffixSet) != len(freeEmailSuffixes) {
		t.Error("freeEmailDomains or freeEmailSuffixes has duplicates")
	}
	for _, s := range freeEmailSuffixes {
		for f := range freeEmailFamilies {
			if d := f + "." + s; !FreeEmail(d) {
				t.Errorf("FreeEmail(%q) = false", d)
			}
		}
	}
}

func TestFreeEmailAllocs(t *testing.T) {
	for _, input := range []string{"dana@gmail.com", "Dana@Yahoo.CO.UK", "dana@globex.example", "not an email"} {
		if got := testing.AllocsPerRun(100, func() { _ = FreeEmail(input) }); got != 0 {
			t.Errorf("FreeEmail(%q): %v allocations, want 0", input, got)
		}
	}
}

func FuzzFreeEmail(f *testing.F) {
	for _, s := range []string{"", "@", "@@", "dana@gmail.com", "yahoo.co.uk", "notyahoo.com",
		"yahoo.com.evil.example", "Dana@GMAIL.com", "\xff@gmail.com", "x@\u212Aakao.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := FreeEmail(s)
		d := Domain(s)
		if d == "" {
			if got {
				t.Fatalf("FreeEmail(%q) = true, but the input has no domain", s)
			}
			return
		}
		if again := FreeEmail(d); again != got {
			t.Fatalf("FreeEmail(%q) = %v, but FreeEmail(%q) = %v", s, got, d, again)
		}
		if up := strings.ToUpper(s); isASCII(s) && FreeEmail(up) != got {
			t.Fatalf("FreeEmail(%q) = %v differs from FreeEmail(%q)", s, got, up)
		}
	})
}

func BenchmarkFreeEmail(b *testing.B) {
	for _, input := range []string{"dana@gmail.com", "Dana@Yahoo.CO.UK", "dana@sales.globex.example"} {
		b.Run(input, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = FreeEmail(input)
			}
		})
	}
}

// isASCII reports whether s is all ASCII, for the case-insensitivity invariants of the fuzz
// targets (strings.ToUpper of other text can change its length or its lower-case form).
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
