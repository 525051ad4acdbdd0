package peers

import (
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// benchLead is leadscore's benchmark lead: it satisfies about half of the rules.
var benchLead = leadscore.Lead{
	Email: "dana@globex.example", Title: "VP Operations", Phone: "+1 555 0100", Country: "US", Source: "referral",
	Company: leadscore.Company{Name: "Globex", Domain: "globex.example", Industry: "software", Country: "US", Employees: 1200, Revenue: 250e6, Founded: 1998, ServiceCenters: 4},
	BANT:    leadscore.BANT{Need: true, Timing: true},
}

var testLeads = []leadscore.Lead{
	benchLead,
	{},
	{Title: "Marketing Intern", Email: "x+y@gmail.com", Source: "event", Company: leadscore.Company{Employees: 5, Industry: "education", Country: "FR"}},
	{Title: "Chief Student Director", Email: "s@uni.edu", Source: "paid", Phone: "1", BANT: leadscore.BANT{Budget: true, Authority: true},
		Company: leadscore.Company{Employees: 999, Revenue: 10e6, Founded: 2020, ServiceCenters: 3, MinorityOwned: true, Industry: "government"}},
}

type engines struct {
	ls     *leadscore.Scorer[leadscore.Lead]
	st     *leadscore.State
	expr   *ExprRules
	cel    *CELRules
	result leadscore.Result
}

func compileAll(t testing.TB) *engines {
	t.Helper()
	ls, err := leadscore.Compile[leadscore.Lead](Config())
	if err != nil {
		t.Fatal(err)
	}
	// A stored lead has had events: its State is laid out for the rule set.
	var st leadscore.State
	if _, err := ls.Observe(benchLead, &st, leadscore.Event{Type: leadscore.EventPageView, Time: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ex, err := CompileExpr()
	if err != nil {
		t.Fatal(err)
	}
	ce, err := CompileCEL()
	if err != nil {
		t.Fatal(err)
	}
	return &engines{ls: ls, st: &st, expr: ex, cel: ce}
}

// Every engine must give the hand-written score, or the comparison means nothing.
func TestEnginesAgree(t *testing.T) {
	e := compileAll(t)
	for _, l := range testLeads {
		want := HandWritten(&l)
		if err := e.ls.ScoreInto(&e.result, l, e.st, now); err != nil || e.result.Fit != want {
			t.Errorf("leadscore %v, %v; hand-written %v (lead %+v)", e.result.Fit, err, want, l)
		}
		for name, score := range map[string]func(*leadscore.Lead) (float64, error){
			"expr": e.expr.Score, "expr.Run": e.expr.ScoreRun, "cel-go": e.cel.Score,
		} {
			if got, err := score(&l); err != nil || got != want {
				t.Errorf("%s %v, %v; hand-written %v (lead %+v)", name, got, err, want, l)
			}
		}
	}
}

var sink float64

// BenchmarkPeers scores one lead against the 30 rules with each engine. BENCHMARKS.md
// divides each line by handwritten.
func BenchmarkPeers(b *testing.B) {
	e := compileAll(b)
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = HandWritten(&benchLead)
		}
	})
	b.Run("leadscore", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = e.ls.ScoreInto(&e.result, benchLead, e.st, now)
			sink = e.result.Fit
		}
	})
	b.Run("leadscore-Score", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, _ := e.ls.Score(benchLead, e.st, now)
			sink = r.Fit
		}
	})
	b.Run("expr-vm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink, _ = e.expr.Score(&benchLead)
		}
	})
	b.Run("expr-run", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink, _ = e.expr.ScoreRun(&benchLead)
		}
	})
	b.Run("cel-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink, _ = e.cel.Score(&benchLead)
		}
	})
}
