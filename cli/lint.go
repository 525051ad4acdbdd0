package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
	"github.com/leadscore/leadscore/internal/suggest"
	"github.com/leadscore/leadscore/internal/text"
)

const lintHelp = `Looks for mistakes in a rule set short of errors: tiers that are shadowed or out of
reach, personas no lead can reach, hand-off tiers that overlap or are inverted, empty lists
that rules read, declared event types nothing reads, signals that can never fire, rules whose
max is below their points, rules counted twice. Given a population (JSON Lines; "-" for
standard input), also rules that never or always fire on it, event rules whose events never
occur, tiers and personas no lead reaches. Each finding comes with a fix: the key to change
and, where it can be worked out, the value ("fix" in -json).

With -previous, the rule set in use: also what the rules do to the States stored under it —
an event rule or signal whose history is reset in every stored lead (warning; usually a
rename without "renamed_from", which the fix says where to add), and a history that
carries over only approximately, such as a converted half-life (info).

-fail-on sets the least serious finding that fails the run: error (only errors fail),
warning (errors and warnings: the default), info (any finding), none (lint never fails;
read its output).

Exit status: 0 no finding at or above -fail-on; 1 one or more; 2 bad usage, rules or input.
`

// failOnLevels are -fail-on's values, each at the index that counts the severities it fails
// on: a finding fails the run when its rank (error 0, warning 1, info 2) is below it.
var failOnLevels = []string{"none", "error", "warning", "info"}

// failOnHint is the did-you-mean of a -fail-on value: the level it abbreviates ("warn"), else
// the one it looks like a misspelling of ("eror").
func failOnHint(value string) string {
	var prefixed []string
	for _, l := range failOnLevels {
		if value != "" && strings.HasPrefix(l, strings.ToLower(value)) {
			prefixed = append(prefixed, l)
		}
	}
	if len(prefixed) == 1 {
		return suggest.Format(prefixed[0], true)
	}
	return suggest.Hint(value, failOnLevels, true)
}

func lintCommand[L any](args []string, e *env) int {
	c := newCommand("lint", "-rules rules.json [-previous old.json] [-fail-on severity] [-json] [-progress] [population.jsonl]", lintHelp, e)
	rules := c.rulesFlag("rules", "the rule set, JSON or YAML")
	previous := c.fs.String("previous", "", "the rule set in use, JSON or YAML: also lint what the rules do to the States stored under it")
	asJSON := c.fs.Bool("json", false, "write the findings as a JSON array")
	forceProgress := c.fs.Bool("progress", false, "report progress on stderr every 10,000 leads even when stderr is not a terminal")
	failOn := c.fs.String("fail-on", "warning", "fail the run (exit status 1) on a finding of this `severity` or a more serious one: error, warning, info or none")
	files, code, done := c.parse(args, 0, 1)
	if done {
		return code
	}
	threshold := slices.Index(failOnLevels, *failOn)
	if threshold < 0 {
		return c.errorf("-fail-on: unknown severity %q%s; use error, warning, info or none", *failOn, failOnHint(*failOn))
	}
	if !c.require("rules", *rules) {
		return ExitBadInput
	}
	cfg, _, err := loadRules[L](e, *rules)
	if err != nil {
		return c.fail(err)
	}
	var prev leadscore.Config // the rule set in use, with -previous
	if *previous != "" {
		if prev, _, err = loadRules[L](e, *previous); err != nil {
			return c.fail(err)
		}
	}
	var leads *leadReader[L]
	if len(files) == 1 {
		var closeLeads func()
		leads, closeLeads, err = openLeads[L](e, files, e.newProgress("read", *forceProgress))
		if err != nil {
			return c.fail(err)
		}
		defer closeLeads()
	}
	var findings []analysis.Finding
	if leads != nil {
		findings, err = analysis.Lint(cfg, leads.leads(), e.scorer...)
		leads.progress.done()
		if leads.err != nil {
			return c.fail(leads.err)
		}
	} else {
		findings, err = analysis.Lint[L](cfg, nil, e.scorer...)
	}
	if err != nil {
		return c.fail(err)
	}
	if *previous != "" {
		migration, err := analysis.LintMigration[L](prev, cfg, e.scorer...)
		if err != nil {
			return c.fail(err)
		}
		findings = append(findings, migration...)
		slices.SortStableFunc(findings, func(a, b analysis.Finding) int { return cmp.Compare(rank(a.Severity), rank(b.Severity)) })
	}
	count := map[analysis.Severity]int{}
	failed := false
	for _, f := range findings {
		count[f.Severity]++
		failed = failed || rank(f.Severity) < threshold
	}
	if *asJSON {
		if findings == nil {
			findings = []analysis.Finding{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(findings); err != nil {
			return c.fail(err)
		}
	} else {
		for _, f := range findings {
			fmt.Fprintf(e.stdout, "%s: %s\n", *rules, f)
		}
		fmt.Fprintf(e.stdout, "%d %s, %d %s, %d info\n",
			count[analysis.SeverityError], text.Plural(count[analysis.SeverityError], "error", "errors"),
			count[analysis.SeverityWarning], text.Plural(count[analysis.SeverityWarning], "warning", "warnings"),
			count[analysis.SeverityInfo])
	}
	if failed {
		return ExitFailed
	}
	return ExitOK
}

// rank orders findings as Lint does: errors, warnings, then info.
func rank(s analysis.Severity) int {
	return slices.Index([]analysis.Severity{analysis.SeverityError, analysis.SeverityWarning, analysis.SeverityInfo}, s)
}
