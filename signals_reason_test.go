package leadscore

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

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
