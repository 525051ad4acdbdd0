package classify

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDomain(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{name: "email", input: "Dana@Globex.Example", want: "globex.example"},
		{name: "lower-case email", input: "dana@globex.example", want: "globex.example"},
		{name: "bare domain", input: "Globex.Example", want: "globex.example"},
		{name: "subdomain", input: "jo@sales.rival.example", want: "sales.rival.example"},
		{name: "surrounding space", input: " \tdana@globex.example\n", want: "globex.example"},
		{name: "trailing dot", input: "dana@globex.example.", want: "globex.example"},
		{name: "bare domain trailing dot", input: "globex.example.", want: "globex.example"},
		{name: "two trailing dots", input: "globex.example..", want: ""},
		{name: "plus address", input: "dana+leads@globex.example", want: "globex.example"},
		{name: "last at wins", input: `"a@b"@globex.example`, want: "globex.example"},
		{name: "hyphen and digits", input: "x@my-shop24.co.uk", want: "my-shop24.co.uk"},
		{name: "punycode", input: "x@xn--bcher-kva.example", want: "xn--bcher-kva.example"},
		{name: "unicode domain lower-cased", input: "x@BÜCHER.example", want: "bücher.example"},
		{name: "unicode domain kept", input: "x@bücher.example", want: "bücher.example"},
		{name: "empty", input: "", want: ""},
		{name: "only space", input: "   ", want: ""},
		{name: "only at", input: "@", want: ""},
		{name: "double at", input: "@@", want: ""},
		{name: "empty local part", input: "@globex.example", want: ""},
		{name: "nothing after at", input: "dana@", want: ""},
		{name: "single label", input: "dana@localhost", want: ""},
		{name: "bare word", input: "globex", want: ""},
		{name: "space in domain", input: "dana@glo bex.example", want: ""},
		{name: "space in local part", input: "da na@globex.example", want: ""},
		{name: "display name", input: "Dana <dana@globex.example>", want: ""},
		{name: "url", input: "https://www.globex.example/path", want: ""},
		{name: "mailto prefix is part of the local part", input: "mailto:dana@globex.example", want: "globex.example"},
		{name: "empty label", input: "dana@globex..example", want: ""},
		{name: "leading dot", input: ".globex.example", want: ""},
		{name: "leading hyphen", input: "-globex.example", want: ""},
		{name: "trailing hyphen", input: "globex-.example", want: ""},
		{name: "underscore", input: "glo_bex.example", want: ""},
		{name: "ip address", input: "dana@192.168.0.1", want: ""},
		{name: "ip literal", input: "dana@[192.168.0.1]", want: ""},
		{name: "numeric label", input: "dana@123.example", want: "123.example"},
		{name: "label of 63", input: strings.Repeat("a", 63) + ".example", want: strings.Repeat("a", 63) + ".example"},
		{name: "label of 64", input: strings.Repeat("a", 64) + ".example", want: ""},
		{name: "too long", input: "x@" + strings.Repeat("a.", 130) + "example", want: ""},
		{name: "invalid utf-8", input: "dana@glo\xffbex.example", want: ""},
		{name: "non-breaking space", input: "dana@glo\u00a0bex.example", want: ""},
		{name: "symbol in domain", input: "dana@glo☃bex.example", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Domain(tt.input); got != tt.want {
				t.Errorf("Domain(%q) = %q, want %q", tt.input, got, tt.want)
			}
		})
	}
}

func TestParentDomains(t *testing.T) {
	tests := []struct {
		name   string
		domain string
		want   []string
	}{
		{name: "deep", domain: "a.b.example.com", want: []string{"a.b.example.com", "b.example.com", "example.com", "com"}},
		{name: "two labels", domain: "example.com", want: []string{"example.com", "com"}},
		{name: "one label", domain: "com", want: []string{"com"}},
		{name: "empty", domain: "", want: nil},
		{name: "trailing dot", domain: "example.com.", want: []string{"example.com.", "com."}},
		{name: "leading dot", domain: ".com", want: []string{".com", "com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Collect(ParentDomains(tt.domain))
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParentDomains(%q) = %q, want %q", tt.domain, got, tt.want)
			}
			// Stopping early must be honoured.
			n := 0
			for range ParentDomains(tt.domain) {
				n++
				break
			}
			if want := min(1, len(tt.want)); n != want {
				t.Errorf("ParentDomains(%q) after break: %d values, want %d", tt.domain, n, want)
			}
		})
	}
}

func TestParent(t *testing.T) {
	tests := []struct {
		name   string
		domain string
		want   string
		wantOK bool
	}{
		{name: "subdomain", domain: "sales.rival.example", want: "rival.example", wantOK: true},
		{name: "registrable", domain: "rival.example", want: "example", wantOK: true},
		{name: "top level", domain: "example", want: "", wantOK: false},
		{name: "trailing dot", domain: "example.", want: "", wantOK: false},
		{name: "empty", domain: "", want: "", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parent(tt.domain)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Parent(%q) = %q, %v, want %q, %v", tt.domain, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestDomainAllocs(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  float64
	}{
		{name: "lower-case email", input: "dana@globex.example", want: 0},
		{name: "lower-case domain", input: "sales.globex.example", want: 0},
		{name: "invalid", input: "not an email", want: 0},
		{name: "mixed case", input: "Dana@Globex.Example", want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := testing.AllocsPerRun(100, func() { _ = Domain(tt.input) }); got != tt.want {
				t.Errorf("Domain(%q): %v allocations, want %v", tt.input, got, tt.want)
			}
		})
	}
	t.Run("parent walk", func(t *testing.T) {
		got := testing.AllocsPerRun(100, func() {
			for d, ok := "a.b.example.com", true; ok; d, ok = Parent(d) {
				_ = d
			}
		})
		if got != 0 {
			t.Errorf("Parent walk: %v allocations, want 0", got)
		}
	})
}

func FuzzDomain(f *testing.F) {
	for _, s := range []string{
		"", "@", "@@", "a@b.c", "Dana@Globex.Example", "globex.example.", " x@Y.Z ",
		"x@bücher.example", "x@BÜCHER.example", "\xff@\xfe.com", "x@xn--bcher-kva.example",
		"a@b@c.d", "1.2.3.4", "x@\u212Aakao.com", strings.Repeat("a", 300) + "@x.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Domain(s)
		if d == "" {
			return
		}
		if !utf8.ValidString(d) || len(d) > maxDomainLen {
			t.Fatalf("Domain(%q) = %q: invalid UTF-8 or too long", s, d)
		}
		if strings.ContainsAny(d, "@ \t\r\n") || !strings.Contains(d, ".") ||
			strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
			t.Fatalf("Domain(%q) = %q: not a host name", s, d)
		}
		if again := Domain(d); again != d {
			t.Fatalf("Domain(%q) = %q, but Domain(%q) = %q", s, d, d, again)
		}
		if strings.ToLower(d) != d {
			t.Fatalf("Domain(%q) = %q is not lower-case", s, d)
		}
	})
}

func FuzzParentDomains(f *testing.F) {
	for _, s := range []string{"", ".", "..", "a.b.example.com", "com", "a.", ".a", "a..b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := ""
		n := 0
		for d := range ParentDomains(s) {
			if d == "" || !strings.HasSuffix(s, d) {
				t.Fatalf("ParentDomains(%q) yielded %q", s, d)
			}
			if n > 0 && !strings.HasSuffix(prev, "."+d) {
				t.Fatalf("ParentDomains(%q) yielded %q after %q", s, d, prev)
			}
			prev = d
			n++
		}
		if n > strings.Count(s, ".")+1 {
			t.Fatalf("ParentDomains(%q) yielded %d values", s, n)
		}
	})
}

func BenchmarkDomain(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Domain("dana@sales.globex.example")
	}
}

// DomainKey's promise, on generated addresses: two inputs with the same key classify alike,
// so a cache may answer one with the other's result.
func FuzzDomainKey(f *testing.F) {
	for _, s := range []string{"dana@gmail.com", " x@mit.edu", "a b@gmail.com", "@gmail.com", "é@uni.edu", "x@Y.AC.UK "} {
		f.Add(s, "someone.else")
	}
	f.Fuzz(func(t *testing.T, email, local string) {
		key, ok := DomainKey(email)
		if !ok {
			return
		}
		other := local + key
		if k, ok := DomainKey(other); !ok || k != key {
			return // not the same key: no promise
		}
		if FreeEmail(email) != FreeEmail(other) || Academic(email) != Academic(other) {
			t.Fatalf("%q and %q share the key %q but classify differently: free %v/%v, academic %v/%v",
				email, other, key, FreeEmail(email), FreeEmail(other), Academic(email), Academic(other))
		}
	})
}
