package leadscore

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leadscore/leadscore/internal/classify"
)

// The lead-reading detectors build their reasons without fmt (quoteTitle); the text must be
// what the fmt formats gave, for any title: quotes, escapes, invalid UTF-8, longer than the
// buffer on the stack.
func TestLeadSignalReasonsAreTheFormatsText(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"Student", "Intern", "PhD candidate", `"quoted"`, "\\", "\t", "\x00", "\xff", "é", "日本", "Sales", " ", strings.Repeat("x", 130)}
	domains := []string{"uni.edu", "gmail.com", "Example.AC.UK", "globex.example", "GMAIL.COM"}
	s := compileT(t, Config{})
	for i := range 3000 {
		var title strings.Builder
		for n := rng.IntN(5); n >= 0; n-- {
			title.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if rng.IntN(3) == 0 {
			title.WriteString(" student")
		}
		lead := Lead{Title: title.String(), Email: fmt.Sprintf("p%d@%s", i, domains[rng.IntN(len(domains))])}
		var st State
		res := scoreT(t, s, lead, &st, t0)
		want := map[string]string{}
		acad, free := classify.Academic(lead.Email), classify.FreeEmail(lead.Email)
		stud := classify.Seniority(lead.Title) == SeniorityStudent
		switch {
		case acad && stud:
			want[SignalStudent] = fmt.Sprintf("student title %q and academic domain %s", lead.Title, classify.Domain(lead.Email))
		case acad:
			want[SignalStudent] = fmt.Sprintf("academic email domain %s", classify.Domain(lead.Email))
		case stud:
			want[SignalStudent] = fmt.Sprintf("student title %q", lead.Title)
		}
		if free {
			want[SignalGenericEmail] = fmt.Sprintf("free-mail address (%s)", classify.Domain(lead.Email))
		}
		got := map[string]string{}
		for _, sig := range res.Signals {
			if sig.Kind == SignalStudent || sig.Kind == SignalGenericEmail {
				got[sig.Kind] = sig.Reason
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("lead %+v: reasons %q, want %q", lead, got, want)
		}
	}
}

// quotesAsItself lets quoteTitle copy a title rather than quote it; it must hold only where
// strconv.Quote would give the title back between quotes. Every byte alone (which decides
// the ASCII case: Quote escapes rune by rune), then random strings and the fuzz target.
func TestQuotesAsItselfIsQuotesIdentity(t *testing.T) {
	for c := range 256 {
		s := string([]byte{byte(c)})
		if got, want := quotesAsItself(s), strconv.Quote(s) == `"`+s+`"` && c < utf8.RuneSelf; got != want {
			t.Errorf("byte %#x: quotesAsItself %v, want %v (Quote gives %s)", c, got, want, strconv.Quote(s))
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(256))
			if rng.IntN(4) != 0 {
				b[i] = byte(' ' + rng.IntN(95))
			}
		}
		checkQuoteTitle(t, string(b))
	}
}

func FuzzQuoteTitle(f *testing.F) {
	for _, s := range []string{"", "VP Sales", `say "hi"`, `a\b`, "\x7f", "\t", "é", "\xff", strings.Repeat("y", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) { checkQuoteTitle(t, title) })
}

// checkQuoteTitle holds quoteTitle to fmt's %q, and quotesAsItself to what it promises.
func checkQuoteTitle(t *testing.T, title string) {
	t.Helper()
	if quotesAsItself(title) && strconv.Quote(title) != `"`+title+`"` {
		t.Fatalf("quotesAsItself(%q) holds, but Quote gives %s", title, strconv.Quote(title))
	}
	if got, want := quoteTitle("student title ", title, " and ", "x.edu"), fmt.Sprintf("student title %q and x.edu", title); got != want {
		t.Fatalf("quoteTitle(%q) = %q, want %q", title, got, want)
	}
}
