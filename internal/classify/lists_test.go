package classify

import (
	"strings"
	"testing"
)

func TestNewList(t *testing.T) {
	tests := []struct {
		name    string
		values  []string
		wantLen int
	}{
		{name: "nil", values: nil, wantLen: 0},
		{name: "empty values ignored", values: []string{"", "  ", "\t", "@", " @ "}, wantLen: 0},
		{name: "case duplicates collapse", values: []string{"Rival.Example", "rival.example", " RIVAL.EXAMPLE "}, wantLen: 1},
		{name: "at prefix collapses", values: []string{"@rival.example", "rival.example"}, wantLen: 1},
		{name: "distinct", values: []string{"rival.example", "jo@rival.example", "Acme Corp"}, wantLen: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewList(tt.values).Len(); got != tt.wantLen {
				t.Errorf("NewList(%q).Len() = %d, want %d", tt.values, got, tt.wantLen)
			}
		})
	}
}

func TestListContains(t *testing.T) {
	list := NewList([]string{
		"rival.example", "jo@partner.example", "Acme Corp", "@blocked.example", "Ünïcode GmbH",
		"co.uk.example", "gov",
	})
	tests := []struct {
		name  string
		value string
		want  bool
	}{
		{name: "domain exact", value: "rival.example", want: true},
		{name: "domain upper-case", value: "RIVAL.Example", want: true},
		{name: "domain trailing dot", value: "rival.example.", want: true},
		{name: "email at domain", value: "jo@rival.example", want: true},
		{name: "email mixed case", value: " Jo@Rival.Example ", want: true},
		{name: "email at subdomain", value: "jo@sales.rival.example", want: true},
		{name: "subdomain", value: "sales.rival.example", want: true},
		{name: "deep subdomain", value: "a.b.c.rival.example", want: true},
		{name: "at domain value", value: "@rival.example", want: true},
		{name: "look-alike prefix", value: "notrival.example", want: false},
		{name: "look-alike suffix", value: "rival.example.evil.example", want: false},
		{name: "email entry exact", value: "jo@partner.example", want: true},
		{name: "email entry case", value: "JO@Partner.Example", want: true},
		{name: "email entry other address", value: "amy@partner.example", want: false},
		{name: "email entry domain", value: "partner.example", want: false},
		{name: "at-prefixed entry", value: "x@blocked.example", want: true},
		{name: "name exact", value: "acme corp", want: true},
		{name: "name case", value: "  ACME CORP ", want: true},
		{name: "name partial", value: "acme", want: false},
		{name: "name longer", value: "acme corp inc", want: false},
		{name: "unicode name", value: "ÜNÏCODE gmbh", want: true},
		{name: "top-level entry", value: "x@agency.gov", want: true},
		{name: "top-level entry exact", value: "GOV", want: true},
		{name: "invalid email", value: "jo@rival example", want: false},
		{name: "space in value", value: "sales rival.example", want: false},
		{name: "empty", value: "", want: false},
		{name: "only at", value: "@", want: false},
		{name: "double at", value: "@@", want: false},
		{name: "long value", value: strings.Repeat("x", 300) + ".rival.example", want: false},
		{name: "invalid utf-8", value: "\xff@rival.example", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := list.Contains(tt.value); got != tt.want {
				t.Errorf("Contains(%q) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
	t.Run("zero list", func(t *testing.T) {
		var zero List
		if zero.Contains("rival.example") || zero.Len() != 0 {
			t.Error("the zero List is not empty")
		}
	})
	t.Run("long exact entry", func(t *testing.T) {
		long := strings.Repeat("Long Name ", 40)
		if !NewList([]string{long}).Contains(strings.ToLower(long)) {
			t.Error("a value longer than an address is not matched exactly")
		}
	})
}

func TestListContainsAllocs(t *testing.T) {
	list := NewList([]string{"rival.example", "jo@partner.example", "Acme Corp"})
	tests := []struct {
		name  string
		value string
	}{
		{name: "email through parent", value: "jo@sales.rival.example"},
		{name: "email miss", value: "dana@globex.example"},
		{name: "exact name", value: "acme corp"},
		{name: "name miss", value: "globex"},
		{name: "mixed case", value: "Jo@Sales.Rival.Example"},
		{name: "unicode", value: "jörg@rival.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := testing.AllocsPerRun(100, func() { _ = list.Contains(tt.value) }); got != 0 {
				t.Errorf("Contains(%q): %v allocations, want 0", tt.value, got)
			}
		})
	}
}

func FuzzListContains(f *testing.F) {
	for _, s := range []string{"", "@", "@@", "rival.example", "jo@sales.rival.example",
		"Acme Corp", "@rival.example", "\xff", "ǅ", "İ", strings.Repeat("a", 300)} {
		f.Add(s, "rival.example")
	}
	f.Fuzz(func(t *testing.T, value, entry string) {
		list := NewList([]string{entry})
		got := list.Contains(value)
		if trimValue(entry) != "" && !list.Contains(entry) {
			t.Fatalf("NewList([%q]).Contains(%q) = false", entry, entry)
		}
		if up := strings.ToUpper(value); isASCII(value) && list.Contains(up) != got {
			t.Fatalf("Contains(%q) = %v differs from Contains(%q)", value, got, up)
		}
		// Every email at the domain of an entry, or below it, matches.
		if d := Domain(entry); d != "" && d == trimValue(strings.ToLower(strings.TrimSpace(entry))) &&
			len(d) < maxDomainLen-4 && !list.Contains("jo@x."+d) {
			t.Fatalf("NewList([%q]).Contains(%q) = false", entry, "jo@x."+d)
		}
	})
}

func BenchmarkListContains(b *testing.B) {
	values := make([]string, 0, 1000)
	for i := range 1000 {
		values = append(values, "company"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+".example")
	}
	values = append(values, "rival.example", "Acme Corp")
	list := NewList(values)
	for _, value := range []string{"jo@sales.rival.example", "Jo@Sales.Rival.Example", "dana@globex.example", "acme corp"} {
		b.Run(value, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = list.Contains(value)
			}
		})
	}
}
