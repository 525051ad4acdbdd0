package analysis_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

// populationCase is a rule set and a population made to trip one check of Lint on the
// population, and the finding it gives.
type populationCase struct {
	kind, id     string
	sev          analysis.Severity
	change       func(*leadscore.Config)
	leads        func() []analysis.ReplayedLead[leadscore.Lead]
	message, fix string
}

// director is a director at a big company who looked at pricing twice: warm, 40 points.
func director() analysis.ReplayedLead[leadscore.Lead] { return population()[1] }

func leads(ls ...func() analysis.ReplayedLead[leadscore.Lead]) func() []analysis.ReplayedLead[leadscore.Lead] {
	return func() []analysis.ReplayedLead[leadscore.Lead] {
		var out []analysis.ReplayedLead[leadscore.Lead]
		for _, l := range ls {
			out = append(out, l())
		}
		return out
	}
}

var populationCases = []populationCase{
	{analysis.KindRuleNeverFires, "exec", analysis.SeverityWarning, nil, leads(rival), `fired for none of the 1 lead`,
		`check "when" of rule "exec" against these leads (a misspelt value or field?), or remove the rule if none of them should match it`},
	{analysis.KindRuleNeverFires, "careers", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Events = append(c.Events, leadscore.EventRule{ID: "careers", On: []string{"page_view"}, When: `event.Category == "careers"`, Points: -10})
	}, leads(director), `fired for none of the 1 lead`,
		`check "when" of event rule "careers" against these leads' events, or remove the rule if none of them should match it`},
	{analysis.KindEventTypeAbsent, "demo", analysis.SeverityWarning, nil, leads(rival), `listens to demo_request, and none of the 1 lead has such an event`,
		`check that events of type demo_request are exported with the leads, or remove event rule "demo" if they never happen`},
	{analysis.KindEventTypeAbsent, "booked", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.EventTypes = []string{"demo_booked"}
		c.Events = append(c.Events, leadscore.EventRule{ID: "booked", On: []string{"demo_booked"}, Points: 30})
	}, func() []analysis.ReplayedLead[leadscore.Lead] {
		l := director()
		l.Events = append(l.Events, leadscore.Event{Type: "demo_booking", Time: day(2)})
		return []analysis.ReplayedLead[leadscore.Lead]{l}
	}, `listens to demo_booked, and none of the 1 lead has such an event`,
		`change "demo_booked" in "on" of event rule "booked" to "demo_booking" (declared in "event_types"), the type these leads' events have, if that is the one meant; otherwise check that events of type demo_booked are exported with the leads, or remove the rule`},
	{analysis.KindRuleAlwaysFires, "has-title", analysis.SeverityInfo, func(c *leadscore.Config) {
		c.Rules = append(c.Rules, leadscore.Rule{ID: "has-title", Dimension: leadscore.Fit, When: `lead.Title != ""`, Points: 1})
	}, population, `fired for all of the 3 leads: "lead.Title != \"\"" does not tell them apart`,
		`make "when" of rule "has-title" stricter so that it tells leads apart, or remove the "when" if every lead is meant to get its points`},
	{analysis.KindTierNeverReached, "hot", analysis.SeverityInfo, nil, leads(director), `none of the 1 lead reached it`,
		`lower "min" of tier "hot" from 70 to at most 40, the highest total of these leads, if some of them belong in it`},
	{analysis.KindTierNeverReached, "cold", analysis.SeverityInfo, nil, leads(director), `none of the 1 lead reached it`,
		`check "min" and "when" of tier "cold" and of the tiers before it (the first that takes a lead wins); none needed if none of these leads belongs in it`},
	{analysis.KindPersonaNeverReached, "exec", analysis.SeverityInfo, nil, leads(director), `none of the 1 lead matched it`,
		`check "when" of persona "exec" and of the personas before it (the first that matches wins); none needed if none of these leads is meant to match it`},
	{analysis.KindPersonaNeverReached, "other", analysis.SeverityInfo, nil, leads(vp), `none of the 1 lead matched it`,
		`none needed if the personas before it are meant to take every lead; otherwise narrow their "when"`},
}

// Each check on a population: the finding's severity, message and fix.
func TestLintPopulationFindings(t *testing.T) {
	for _, tc := range populationCases {
		t.Run(tc.kind+"/"+tc.id, func(t *testing.T) {
			cfg := rules()
			if tc.change != nil {
				tc.change(&cfg)
			}
			findings, err := analysis.Lint(cfg, slices.Values(tc.leads()))
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(findings, func(f analysis.Finding) bool { return f.Kind == tc.kind && f.ID == tc.id })
			if i < 0 {
				t.Fatalf("no %s finding for %q in %v", tc.kind, tc.id, findings)
			}
			f := findings[i]
			if f.Severity != tc.sev || f.Message != tc.message || f.Fix != tc.fix {
				t.Errorf("got\n%s %#q\n%#q\nwant\n%s %#q\n%#q", f.Severity, f.Message, f.Fix, tc.sev, tc.message, tc.fix)
			}
		})
	}
}

// migrationCase is a change of rule set made to trip one check of LintMigration, and the
// finding it gives.
type migrationCase struct {
	kind, id       string
	sev            analysis.Severity
	previous, next func(*leadscore.Config)
	message, fix   string
}

var migrationCases = []migrationCase{
	{analysis.KindHistoryReset, "demo", analysis.SeverityWarning, nil, func(c *leadscore.Config) {
		c.Events[0].ID = "demo-request"
	}, `the event rule is gone from the new rule set: its history is dropped from every stored lead`,
		`if "demo-request" replaces it, add "renamed_from": ["demo"]; none needed if nothing replaces it`},
	{analysis.KindHistoryReset, "engaged", analysis.SeverityWarning, func(c *leadscore.Config) {
		c.Signals = []leadscore.SignalConfig{{Kind: "engaged", When: "engagement >= 30"}}
	}, nil, `the signal is gone from the new rule set: its active flag is dropped from every stored lead`,
		`if a signal replaces it, add "renamed_from": ["engaged"] to that signal; none needed if nothing replaces it`},
	{analysis.KindHistoryApproximate, "demo", analysis.SeverityInfo, func(c *leadscore.Config) {
		c.Events[0].HalfLife = leadscore.Duration(14 * leadscore.Day)
	}, func(c *leadscore.Config) {
		c.Events[0].HalfLife = leadscore.Duration(21 * leadscore.Day)
	}, `event rule: half-life 14d → 21d, history converted (exact for leads with 1–2 matched events, approximate otherwise)`,
		`none needed if approximate is good enough; to keep histories exact, keep "half_life" of event rule "demo" at 14d`},
	{analysis.KindHistoryApproximate, "pricing", analysis.SeverityInfo, nil, func(c *leadscore.Config) {
		c.Events[1].HalfLife = leadscore.Duration(15 * leadscore.Day)
	}, `event rule: half-life none → 15d, history converted (exact for leads with 1–2 matched events, approximate otherwise)`,
		`none needed if approximate is good enough; to keep histories exact, remove "half_life" from event rule "pricing" (no decay, as before)`},
	{analysis.KindHistoryApproximate, "pricing", analysis.SeverityInfo, nil, func(c *leadscore.Config) {
		c.Events[1].When = `event.Category == "product"`
	}, `event rule: kept (its "on" or "when" changed: stored history counts the events the old rule matched)`,
		`none needed if approximate is good enough; to count only what the new "on" and "when" match, give event rule "pricing" a new "id" (its history then starts empty)`},
	{analysis.KindHistoryApproximate, "page_view", analysis.SeverityInfo, func(c *leadscore.Config) {
		c.Rules = append(c.Rules, leadscore.Rule{ID: "visits", Dimension: leadscore.Engagement, When: `count("page_view", "7d") >= 1`, Points: 5})
	}, func(c *leadscore.Config) {
		c.Rules = append(c.Rules, leadscore.Rule{ID: "visits", Dimension: leadscore.Engagement, When: `count("page_view", "7d") >= 3`, Points: 5})
	}, `event type: kept (stored leads hold at most their latest 2; counts over past events may read low until new events fill the other 2)`,
		`none needed: counts catch up as new events arrive; rebuild the States from the leads' events (leadscore score -write-states) to make them exact now`},
	{analysis.KindHistoryApproximate, "velocity", analysis.SeverityInfo, nil, func(c *leadscore.Config) {
		c.Signals = []leadscore.SignalConfig{{Kind: leadscore.SignalVelocity, Window: leadscore.Duration(14 * leadscore.Day)}}
	}, `velocity: window 7d → 14d, sums converted (exact for leads with one engagement event, approximate otherwise)`,
		`none needed if approximate is good enough; to keep the sums exact, keep "window" of the velocity signal at 7d`},
	{analysis.KindHistoryApproximate, "velocity", analysis.SeverityInfo, nil, func(c *leadscore.Config) {
		c.Signals = []leadscore.SignalConfig{{Kind: leadscore.SignalVelocity, Off: true}}
	}, `velocity: window 7d → none, sums converted (the velocity signal is off: its sums are no longer read)`,
		`none needed: nothing reads the velocity sums any more`},
	{analysis.KindHistoryApproximate, "velocity", analysis.SeverityInfo, func(c *leadscore.Config) {
		c.Signals = []leadscore.SignalConfig{{Kind: leadscore.SignalVelocity, Off: true}}
	}, nil, `velocity: window none → 7d, sums converted (the velocity signal was off: stored leads build up their velocity from new events)`,
		`none needed: velocity builds up from new events; rebuild the States from the leads' events (leadscore score -write-states) to make them exact now`},
}

// Each check of LintMigration: the finding's severity, message and fix.
func TestLintMigrationFindings(t *testing.T) {
	for _, tc := range migrationCases {
		t.Run(tc.kind+"/"+tc.id, func(t *testing.T) {
			f := migrationFinding(t, tc)
			if f.Severity != tc.sev || f.Message != tc.message || f.Fix != tc.fix {
				t.Errorf("got\n%s %#q\n%#q\nwant\n%s %#q\n%#q", f.Severity, f.Message, f.Fix, tc.sev, tc.message, tc.fix)
			}
		})
	}
}

func migrationConfigs(tc migrationCase) (previous, next leadscore.Config) {
	previous, next = rules(), rules()
	if tc.previous != nil {
		tc.previous(&previous)
	}
	if tc.next != nil {
		tc.next(&next)
	}
	return previous, next
}

func migrationFinding(t *testing.T, tc migrationCase) analysis.Finding {
	t.Helper()
	previous, next := migrationConfigs(tc)
	findings, err := analysis.LintMigration[leadscore.Lead](previous, next)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(findings, func(f analysis.Finding) bool { return f.Kind == tc.kind && f.ID == tc.id })
	if i < 0 {
		t.Fatalf("no %s finding for %q in %v", tc.kind, tc.id, findings)
	}
	return findings[i]
}

// kindConstants returns the Kind constants of the package, by value, parsed from its source.
func kindConstants(t *testing.T) map[string]string {
	t.Helper()
	consts := map[string]string{} // value → name
	for _, file := range sourceFiles(t) {
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Kind") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s is not a string literal", name.Name)
					}
					v, _ := strconv.Unquote(lit.Value)
					consts[v] = name.Name
				}
			}
		}
	}
	if len(consts) == 0 {
		t.Fatal("no Kind constants")
	}
	return consts
}

// sourceFiles parses the package's non-test files.
func sourceFiles(t *testing.T) []*ast.File {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []*ast.File
	fset := token.NewFileSet()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

// Every finding the package makes names its kind by a Kind constant and passes a fix: the
// calls of add (Lint's checks), the Finding literals and the assignments to a Kind field. The
// exceptions are the add function itself (in Lint), and compileWarning's kind for a warning
// of Compile it does not know.
func TestFindingKindsAreConstants(t *testing.T) {
	consts := kindConstants(t)
	names := map[string]bool{}
	for _, name := range consts {
		names[name] = true
	}
	isConst := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && names[id.Name]
	}
	passing := map[string]bool{"Lint": true, "compileWarning": true} // the functions that pass a kind on
	sites := 0
	for _, file := range sourceFiles(t) {
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			where := fn.Name.Name
			ast.Inspect(fn, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "add" && len(n.Args) == 5 {
						sites++
						if !isConst(n.Args[1]) {
							t.Errorf("%s: add with kind %s, not a Kind constant", where, describe(n.Args[1]))
						}
						if lit, ok := n.Args[4].(*ast.BasicLit); ok && (lit.Value == `""` || lit.Value == "``") {
							t.Errorf("%s: add with an empty fix", where)
						}
					}
				case *ast.CompositeLit:
					if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Finding" {
						for _, e := range n.Elts {
							if kv, ok := e.(*ast.KeyValueExpr); ok && kv.Key.(*ast.Ident).Name == "Kind" {
								sites++
								if !isConst(kv.Value) && !passing[where] {
									t.Errorf("%s: Finding with kind %s, not a Kind constant", where, describe(kv.Value))
								}
							}
						}
					}
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "Kind" {
							sites++
							if !isConst(n.Rhs[i]) && !passing[where] {
								t.Errorf("%s: kind %s, not a Kind constant", where, describe(n.Rhs[i]))
							}
						}
					}
				}
				return true
			})
		}
	}
	if sites < len(consts) {
		t.Errorf("%d places make findings, fewer than the %d kinds: the check misses some", sites, len(consts))
	}
}

// describe describes an expression for an error message.
func describe(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Value
	case *ast.Ident:
		return e.Name
	}
	return "(an expression)"
}

// Every kind of finding is tripped by a case above, and every finding of every case has a
// fix: the kinds the cases give are exactly the Kind constants.
func TestEveryKindHasAFix(t *testing.T) {
	consts := kindConstants(t)
	got := map[string]bool{}
	check := func(where string, findings []analysis.Finding, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		for _, f := range findings {
			got[f.Kind] = true
			if f.Fix == "" {
				t.Errorf("%s: no fix: %s", where, f)
			}
		}
	}
	for _, tc := range lintCases {
		cfg := rules()
		tc.change(&cfg)
		findings, err := analysis.Lint[leadscore.Lead](cfg, nil)
		check(tc.kind+" "+tc.id, findings, err)
	}
	for _, tc := range populationCases {
		cfg := rules()
		if tc.change != nil {
			tc.change(&cfg)
		}
		findings, err := analysis.Lint(cfg, slices.Values(tc.leads()))
		check(tc.kind+" "+tc.id, findings, err)
	}
	for _, tc := range migrationCases {
		previous, next := migrationConfigs(tc)
		findings, err := analysis.LintMigration[leadscore.Lead](previous, next)
		check(tc.kind+" "+tc.id, findings, err)
	}
	type account struct{ Domain string }
	findings, err := analysis.Lint[account](leadscore.Config{}, nil)
	check("own lead type", findings, err)

	for kind, name := range consts {
		if !got[kind] {
			t.Errorf("no case trips %s (%q)", name, kind)
		}
	}
	for kind := range got {
		if consts[kind] == "" {
			t.Errorf("kind %q is no Kind constant", kind)
		}
	}
}
