package classify

import (
	"strings"
	"testing"
)

// TestOddInputs runs every exported function on inputs that are easy to get wrong; none may
// panic, and the invalid ones must give the zero answer.
func TestOddInputs(t *testing.T) {
	long := strings.Repeat("x", 10_000)
	tests := []struct {
		name  string
		input string
	}{
		{name: "empty", input: ""},
		{name: "space", input: " \t\r\n"},
		{name: "only at", input: "@"},
		{name: "double at", input: "@@"},
		{name: "only dots", input: "..."},
		{name: "at and dot", input: "@."},
		{name: "nul", input: "\x00"},
		{name: "invalid utf-8", input: "\xff\xfe\xfd"},
		{name: "truncated rune", input: "Gesch\xc3"},
		{name: "combining marks only", input: "\u0301\u0308"},
		{name: "unicode letters", input: "Генеральный директор"},
		{name: "cjk", input: "首席执行官@例子.中国"},
		{name: "emoji", input: "🚀 Founder 🚀"},
		{name: "ten thousand chars", input: long},
		{name: "ten thousand chars email", input: "a@" + long + ".com"},
		{name: "ten thousand words", input: strings.Repeat("Director ", 10_000)},
		{name: "ten thousand umlauts", input: strings.Repeat("Ä", 10_000)},
		{name: "ten thousand invalid bytes", input: strings.Repeat("\xff", 10_000)},
		{name: "ten thousand dots", input: strings.Repeat(".", 10_000)},
	}
	list := NewList([]string{"rival.example", "", "@", "\xff", long})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_ = Domain(tt.input)
			for range ParentDomains(tt.input) {
			}
			_, _ = Parent(tt.input)
			_ = FreeEmail(tt.input)
			_ = Academic(tt.input)
			_ = Seniority(tt.input)
			_ = Department(tt.input)
			_ = list.Contains(tt.input)
			_ = NewList([]string{tt.input}).Contains(tt.input)
		})
	}
	for _, s := range []string{"", "@", "@@", "...", "\xff\xfe\xfd", long, "a@" + long + ".com"} {
		if Domain(s) != "" || FreeEmail(s) || Academic(s) {
			t.Errorf("%.20q… is read as a domain", s)
		}
	}
	if !list.Contains(long) {
		t.Error("a 10,000-byte entry does not match itself")
	}
}
