package cli

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/leadscore/leadscore/internal/casejson"
	"github.com/leadscore/leadscore/internal/text"
	"github.com/leadscore/leadscore/internal/yamljson"
	"github.com/leadscore/leadscore/leadscoretest"
)

const testHelp = `Runs the cases of a case file against a rule set, prints each failure with the lead's
(or account's) explanation, then the rule-set coverage: the rules, tiers, personas, signals,
journey transitions and buying-group roles that no case exercised.

A case file is a JSON (or YAML) array of cases:
  [{"name": "vp with demo is hot",
    "lead": {"email": "dana@globex.example", "title": "VP Operations", "company": {"employees": 800}},
    "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}],
    "at": "2026-03-03T09:00:00Z",
    "expect": {"tier": "hot", "handoff": true, "stage": "convert", "fired": ["demo"], "min_total": 70}}]
Expectations left out are not checked; "handoff": false and "min_total": 0 are, and
"no_persona": true asserts that no persona matched. Also: "disqualified", "persona",
"not_fired", "signals", "no_signals", "max_total".

An account case gives "members", each with its "lead" and "events", in place of a lead, and
optionally "account", the key they share; its members are scored together as one account
(the rule set needs an accounts section) at "at", else at their latest event:
  {"name": "globex has its buying group", "account": "globex.example",
   "members": [{"lead": {"email": "cfo@globex.example", "title": "CFO", "company": {"domain": "globex.example"}},
                "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}]}, …],
   "expect": {"tier": "hot", "handoff": true, "covered": ["economic-buyer"], "missing": ["technical-evaluator"]}}
Its "tier", "handoff", "disqualified", "min_total", "max_total", "fired" and "not_fired" are
the account's (its tiers and account rules); "covered" lists roles an engaged member must
cover, "missing" required roles that must be missing, "no_missing": true that none is.
Coverage then also lists the buying-group roles no account case covered.

Exit status: 0 all cases pass (and rule coverage reaches -min-coverage); 1 a case fails or
coverage falls short; 2 bad usage, rules or case file.
`

func testCommand[L any](args []string, e *env) int {
	c := newCommand("test", "-rules rules.json [-v] [-min-coverage percent] cases.json", testHelp, e)
	rules := c.rulesFlag("rules", "the rule set, JSON or YAML")
	verbose := c.fs.Bool("v", false, "list passing cases too")
	minCoverage := c.fs.Float64("min-coverage", 0, "fail unless the cases fire at least this `percent` of the rules")
	files, code, done := c.parse(args, 1, 1)
	if done {
		return code
	}
	if !c.require("rules", *rules) {
		return ExitBadInput
	}
	_, s, err := loadRules[L](e, *rules)
	if err != nil {
		return c.fail(err)
	}
	cases, err := loadCases[L](e, files[0])
	if err != nil {
		return c.fail(err)
	}

	byCase := map[string][]*leadscoretest.Mismatch{}
	if err := leadscoretest.Check(s, cases); err != nil {
		for _, err := range unjoin(err) {
			var m *leadscoretest.Mismatch
			if errors.As(err, &m) {
				byCase[m.Case] = append(byCase[m.Case], m)
			}
		}
	}
	w := e.stdout
	failed, printed := 0, false
	for i, cs := range cases {
		name := cs.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		ms := byCase[name]
		if len(ms) == 0 {
			if *verbose {
				fmt.Fprintf(w, "ok   %s\n", name)
				printed = true
			}
			continue
		}
		failed++
		printed = true
		fmt.Fprintf(w, "FAIL %s\n", name)
		for _, m := range ms {
			fmt.Fprintf(w, "       %s: %s\n", m.Field, m.Message)
		}
		explanation := ""
		if len(cs.Members) > 0 {
			if tr, err := leadscoretest.ReplayAccount(s, cs); err == nil {
				explanation = tr.Result.Explain()
			}
		} else if tr, err := leadscoretest.Replay(s, cs); err == nil {
			explanation = tr.Result.Explain()
		}
		if explanation != "" {
			for _, line := range strings.Split(strings.TrimRight(explanation, "\n"), "\n") {
				fmt.Fprintf(w, "     | %s\n", line)
			}
		}
	}
	if printed {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d %s: %d passed, %d failed\n\n", len(cases), text.Plural(len(cases), "case", "cases"), len(cases)-failed, failed)
	cov := leadscoretest.Coverage(s, cases)
	fmt.Fprint(w, cov)
	if cov.Rules.Percent < *minCoverage {
		fmt.Fprintf(w, "\nrule coverage %.1f%% is below -min-coverage %g%%\n", cov.Rules.Percent, *minCoverage)
		return ExitFailed
	}
	if failed > 0 {
		return ExitFailed
	}
	return ExitOK
}

// loadCases reads a case file, JSON or YAML, its leads of type L.
func loadCases[L any](e *env, name string) ([]leadscoretest.Case[L], error) {
	data, name, err := e.readInput(name)
	if err != nil {
		return nil, err
	}
	if !isYAML(name, data) {
		cases, err := leadscoretest.ParseCasesFor[L](data)
		var pe *leadscoretest.ParseError
		if errors.As(err, &pe) {
			msg := pe.Err.Error()
			if pe.Case != "" {
				msg = fmt.Sprintf("case %q: %s", pe.Case, msg)
			}
			return nil, &fileError{File: name, Line: pe.Line, Column: pe.Column, Msg: msg}
		}
		return cases, err
	}
	f, err := convertYAML(name, data, reflect.SliceOf(casejson.CaseType[L]()), caseContext)
	if err != nil {
		return nil, err
	}
	root, _ := f.doc.Get(nil)
	if root.IsScalar { // empty
		return nil, &fileError{File: name, Line: root.Line, Column: root.Column, Msg: "a case file is a list of cases: - name: …"}
	}
	// Names are unique; the JSON decoder would say so with the line of the JSON.
	first := map[string]int{}
	for i := range root.Len {
		v, ok := f.doc.Get(yamljson.Path{i, "name"})
		if !ok || v.Scalar == "" {
			continue
		}
		if line, dup := first[v.Scalar]; dup {
			return nil, f.errorAt(yamljson.Pos{Line: v.Line, Column: v.Column, Path: yamljson.Path{i}},
				fmt.Sprintf("another case has this name (line %d)", line))
		}
		first[v.Scalar] = v.Line
	}
	cases, err := leadscoretest.ParseCasesFor[L](f.doc.JSON)
	var pe *leadscoretest.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if pe.Case != "" {
			msg = fmt.Sprintf("case %q: %s", pe.Case, msg)
		}
		return nil, f.decoderError(pe.Line, pe.Column, msg)
	}
	return cases, err
}

// caseContext names the case that path is in: `case "vp with demo is hot"`, or `case #3`
// when it has no name.
func caseContext(doc *yamljson.Doc, path yamljson.Path) (string, yamljson.Path) {
	if len(path) == 0 {
		return "a case file is a list of cases", path
	}
	if i, ok := path[0].(int); ok {
		return "case " + itemName(doc, i, "name"), path[1:]
	}
	return "", path
}
