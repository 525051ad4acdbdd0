package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/leadscore/leadscore/leadscoretest"
)

// The leadscore command on files, checked by exit code, output (against golden files under
// testdata/golden; go test -update rewrites them) and what stderr says.
func TestCommandEndToEnd(t *testing.T) {
	leads := mustRead(t, "testdata/leads.jsonl")
	for _, tc := range []struct {
		name   string
		args   []string
		stdin  string
		code   int
		golden string   // stdout's golden file, if any
		stderr []string // what stderr must contain ("" for nothing at all)
	}{
		// score
		{name: "score", args: []string{"score", "-rules", "testdata/rules.json", "testdata/leads.jsonl"}, golden: "score.jsonl", stderr: []string{""}},
		{name: "score stdin", args: []string{"score", "-rules", "testdata/rules.json"}, stdin: leads, golden: "score.jsonl", stderr: []string{""}},
		{name: "score yaml rules", args: []string{"score", "-rules", "testdata/rules.yaml", "-"}, stdin: leads, golden: "score.jsonl"},
		{name: "score flags after file", args: []string{"score", "testdata/leads.jsonl", "-rules", "testdata/rules.json"}, golden: "score.jsonl"},
		{name: "score at", args: []string{"score", "-rules", "testdata/rules.json", "-at", "2026-06-01"},
			stdin: `{"lead": {"id": "no-events", "title": "VP Operations", "company": {"employees": 800}}}`, golden: "score_at.jsonl"},
		{name: "score progress", args: []string{"score", "-progress", "-rules", "testdata/rules.json", "testdata/leads.jsonl"}, golden: "score.jsonl", stderr: []string{""}},
		{name: "score rule errors", args: []string{"score", "-rules", "testdata/rules_erroring.json"},
			stdin: `{"lead": {"email": "a@globex.example"}, "at": "2026-03-01"}`, code: 1, stderr: []string{`rules errored for 1 lead`}},

		// score -accounts: the leads' lines, then one per account in the order of its first member
		{name: "score accounts", args: []string{"score", "-accounts", "-rules", "testdata/accounts/rules.json", "testdata/accounts/leads.jsonl"}, golden: "score_accounts.jsonl", stderr: []string{""}},
		{name: "score accounts without an accounts section", args: []string{"score", "-accounts", "-rules", "testdata/rules.json", "testdata/leads.jsonl"}, code: 2,
			stderr: []string{"leadscore score: -accounts: the rule set testdata/rules.json has no accounts section, which says how leads group into accounts (its key) and how an account scores: add one, or leave out -accounts\n"}},
		{name: "score write-accounts without an accounts section", args: []string{"score", "-write-accounts", "accounts.jsonl", "-rules", "testdata/rules.json"}, code: 2,
			stderr: []string{"leadscore score: -write-accounts: the rule set testdata/rules.json has no accounts section"}},
		{name: "score accounts key errors", args: []string{"score", "-accounts", "-rules", "testdata/accounts/rules_key_erroring.json"},
			stdin: "{\"lead\": {\"id\": \"a\", \"traits\": {\"account\": \"globex\"}}, \"at\": \"2026-03-01\"}\n{\"lead\": {\"id\": \"b\"}, \"at\": \"2026-03-01\"}\n", code: 1,
			golden: "score_accounts_key_errors.jsonl", stderr: []string{"leadscore score: rules errored for 1 lead (see each result's \"errors\")\n"}},

		// YAML: rule sets (a bare on: is a key), case files, leads
		{name: "yaml bare on", args: []string{"score", "-rules", "testdata/yaml/bare_on.yaml"},
			stdin: `{"lead": {}, "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}]}`, golden: "score_bare_on.jsonl", stderr: []string{""}},
		{name: "test yaml cases", args: []string{"test", "-v", "-rules", "testdata/rules.yaml", "testdata/cases.yaml"}, golden: "test_pass.txt", stderr: []string{""}},
		{name: "score yaml leads", args: []string{"score", "-rules", "testdata/rules.yaml", "testdata/leads.yaml"}, golden: "score_yaml.jsonl", stderr: []string{""}},
		{name: "score yaml leads on stdin", args: []string{"score", "-rules", "testdata/rules.yaml"}, stdin: mustRead(t, "testdata/leads.yaml"), golden: "score_yaml.jsonl"},
		{name: "lint yaml population", args: []string{"lint", "-rules", "testdata/rules_v2.json", "testdata/leads.yaml"}, code: 1, golden: "lint_population.txt"},
		{name: "diff yaml population", args: []string{"diff", "-old", "testdata/rules.yaml", "-new", "testdata/rules_v2.json", "testdata/leads.yaml"}, code: 1, golden: "diff.txt"},

		// test
		{name: "test", args: []string{"test", "-v", "-rules", "testdata/rules.json", "testdata/cases.json"}, golden: "test_pass.txt", stderr: []string{""}},
		{name: "test failing", args: []string{"test", "-rules", "testdata/rules.json", "testdata/cases_fail.json"}, code: 1, golden: "test_fail.txt"},
		{name: "test min coverage", args: []string{"test", "-rules", "testdata/rules.json", "-min-coverage", "100", "testdata/cases.json"}, code: 1, golden: "test_min_coverage.txt"},
		{name: "test account cases", args: []string{"test", "-v", "-rules", "testdata/accounts/rules.json", "testdata/accounts/cases.yaml"}, golden: "test_accounts.txt", stderr: []string{""}},
		{name: "test account cases failing", args: []string{"test", "-rules", "testdata/accounts/rules.json", "testdata/accounts/cases_fail.json"}, code: 1, golden: "test_accounts_fail.txt", stderr: []string{""}},
		{name: "test account cases without accounts", args: []string{"test", "-rules", "testdata/rules.json", "testdata/accounts/cases.yaml"}, code: 1, golden: "test_accounts_no_section.txt",
			stderr: []string{""}},
		{name: "test bad account case", args: []string{"test", "-rules", "testdata/accounts/rules.json", "testdata/accounts/cases_bad.yaml"}, code: 2,
			stderr: []string{`testdata/accounts/cases_bad.yaml:3:39: case "a typo in a member": members[0].lead: unknown field "titel" (did you mean "title"?)`}},

		// diff
		{name: "diff", args: []string{"diff", "-old", "testdata/rules.json", "-new", "testdata/rules_v2.json", "testdata/leads.jsonl"}, code: 1, golden: "diff.txt"},
		{name: "diff json", args: []string{"diff", "-json", "-old", "testdata/rules.json", "-new", "testdata/rules_v2.json"}, stdin: leads, code: 1, golden: "diff.json"},
		{name: "diff limited", args: []string{"diff", "-leads", "1", "-old", "testdata/rules.json", "-new", "testdata/rules_v2.json", "testdata/leads.jsonl"}, code: 1, golden: "diff_limited.txt"},
		{name: "diff unchanged", args: []string{"diff", "-old", "testdata/rules.json", "-new", "testdata/rules.yaml", "testdata/leads.jsonl"}, golden: "diff_unchanged.txt"},
		// A replay hides what a rename does to stored States (TestStoredStatesEndToEnd shows
		// it); the migration plan at the top says it.
		{name: "diff migration", args: []string{"diff", "-old", "testdata/migrate/v1.json", "-new", "testdata/migrate/v2.json", "testdata/migrate/leads.jsonl"}, golden: "diff_migrate.txt"},
		{name: "diff states and population", args: []string{"diff", "-old", "testdata/rules.json", "-new", "testdata/rules.json", "-states", "s.jsonl", "testdata/leads.jsonl"}, code: 2,
			stderr: []string{"leadscore diff: give a population or -states, not both"}},
		{name: "diff bad state", args: []string{"diff", "-old", "testdata/rules.json", "-new", "testdata/rules.json", "-states", "testdata/bad/states_bad.jsonl"}, code: 2,
			stderr: []string{`testdata/bad/states_bad.jsonl:1:25: state: not base64 (illegal base64 data at input byte 3)`}},
		{name: "diff bad -at", args: []string{"diff", "-old", "testdata/rules.json", "-new", "testdata/rules.json", "-at", "later"}, code: 2,
			stderr: []string{`leadscore diff: -at: "later" is not an RFC 3339 time`}},

		// lint
		{name: "lint clean", args: []string{"lint", "-rules", "testdata/rules.json"}, golden: "lint_clean.txt"},
		{name: "lint findings", args: []string{"lint", "-rules", "testdata/bad/lint_rules.json"}, code: 1, golden: "lint.txt"},
		{name: "lint population", args: []string{"lint", "-rules", "testdata/rules_v2.json", "testdata/leads.jsonl"}, code: 1, golden: "lint_population.txt"},
		{name: "lint json", args: []string{"lint", "-json", "-rules", "testdata/bad/lint_rules.json"}, code: 1, golden: "lint.json"},
		{name: "lint previous", args: []string{"lint", "-rules", "testdata/migrate/v2.json", "-previous", "testdata/migrate/v1.json"}, code: 1, golden: "lint_previous.txt"},
		{name: "lint previous unchanged", args: []string{"lint", "-rules", "testdata/migrate/v2.json", "-previous", "testdata/migrate/v2.json"}, golden: "lint_clean.txt"},
		{name: "lint declared type unread", args: []string{"lint", "-rules", "testdata/lint_unread.json"}, code: 1, golden: "lint_unread.txt", stderr: []string{""}},
		{name: "lint strict declared type unread", args: []string{"lint", "-rules", "testdata/lint_strict.json"}, golden: "lint_strict.txt", stderr: []string{""}},

		// lint -fail-on: the least serious finding that fails the run
		{name: "lint fail-on error, an error", args: []string{"lint", "-fail-on", "error", "-rules", "testdata/bad/lint_rules.json"}, code: 1, golden: "lint.txt", stderr: []string{""}},
		{name: "lint fail-on error, warnings", args: []string{"lint", "-fail-on", "error", "-rules", "testdata/lint_unread.json"}, golden: "lint_unread.txt", stderr: []string{""}},
		{name: "lint fail-on warning, warnings", args: []string{"lint", "-fail-on", "warning", "-rules", "testdata/lint_unread.json"}, code: 1, golden: "lint_unread.txt", stderr: []string{""}},
		{name: "lint fail-on warning, info", args: []string{"lint", "-fail-on", "warning", "-rules", "testdata/lint_strict.json"}, golden: "lint_strict.txt", stderr: []string{""}},
		{name: "lint fail-on info, info", args: []string{"lint", "-fail-on", "info", "-rules", "testdata/lint_strict.json"}, code: 1, golden: "lint_strict.txt", stderr: []string{""}},
		{name: "lint fail-on info, nothing", args: []string{"lint", "-fail-on", "info", "-rules", "testdata/rules.json"}, golden: "lint_clean.txt", stderr: []string{""}},
		{name: "lint fail-on none, an error", args: []string{"lint", "-fail-on", "none", "-rules", "testdata/bad/lint_rules.json"}, golden: "lint.txt", stderr: []string{""}},
		{name: "lint fail-on none, json", args: []string{"lint", "-json", "-fail-on=none", "-rules", "testdata/bad/lint_rules.json"}, golden: "lint.json", stderr: []string{""}},
		{name: "lint fail-on previous", args: []string{"lint", "-fail-on", "error", "-rules", "testdata/migrate/v2.json", "-previous", "testdata/migrate/v1.json"}, golden: "lint_previous.txt"},
		{name: "lint fail-on abbreviated", args: []string{"lint", "-fail-on", "warn", "-rules", "testdata/rules.json"}, code: 2,
			stderr: []string{"leadscore lint: -fail-on: unknown severity \"warn\" (did you mean \"warning\"?); use error, warning, info or none\n"}},
		{name: "lint fail-on misspelt", args: []string{"lint", "-fail-on", "eror", "-rules", "testdata/rules.json"}, code: 2,
			stderr: []string{"leadscore lint: -fail-on: unknown severity \"eror\" (did you mean \"error\"?); use error, warning, info or none\n"}},
		{name: "lint fail-on capitals", args: []string{"lint", "-fail-on", "Info", "-rules", "testdata/rules.json"}, code: 2,
			stderr: []string{"leadscore lint: -fail-on: unknown severity \"Info\" (did you mean \"info\"?); use error, warning, info or none\n"}},
		{name: "lint fail-on unknown", args: []string{"lint", "-fail-on", "all", "-rules", "testdata/rules.json"}, code: 2,
			stderr: []string{"leadscore lint: -fail-on: unknown severity \"all\"; use error, warning, info or none\n"}},
		{name: "lint fail-on empty", args: []string{"lint", "-fail-on=", "-rules", "testdata/nope.json"}, code: 2,
			stderr: []string{"leadscore lint: -fail-on: unknown severity \"\"; use error, warning, info or none\n"}},
		{name: "lint previous with errors", args: []string{"lint", "-rules", "testdata/rules.json", "-previous", "testdata/bad/bad_rules.json"}, code: 2,
			stderr: []string{`testdata/bad/bad_rules.json:4: rule "exec": when 1:6: type leadscore.Lead has no field Titel`}},

		// bad files: exit 2, a message naming the file and the place, no stack trace
		{name: "unknown field", args: []string{"lint", "-rules", "testdata/bad/unknown_field.json"}, code: 2,
			stderr: []string{`testdata/bad/unknown_field.json:6:3: unknown field "teirs"`}},
		{name: "json syntax", args: []string{"test", "-rules", "testdata/bad/syntax.json", "testdata/cases.json"}, code: 2,
			stderr: []string{`testdata/bad/syntax.json:4:39: invalid character '"' after object key:value pair`}},
		{name: "rule errors", args: []string{"score", "-rules", "testdata/bad/bad_rules.json", "testdata/leads.jsonl"}, code: 2,
			stderr: []string{`testdata/bad/bad_rules.json:4: rule "exec": when 1:6: type leadscore.Lead has no field Titel`, " | .....^",
				`testdata/bad/bad_rules.json:8: event rule "pricing": on: unknown event type "page_veiw"`}},
		{name: "yaml syntax", args: []string{"lint", "-rules", "testdata/bad/syntax.yaml"}, code: 2,
			stderr: []string{`testdata/bad/syntax.yaml:5:4: did not find expected '-' indicator`}},
		{name: "yaml unknown field", args: []string{"lint", "-rules", "testdata/bad/unknown_field.yaml"}, code: 2,
			stderr: []string{`testdata/bad/unknown_field.yaml:6:5: rule "exec": unknown field "pionts"`}},
		{name: "bad case file", args: []string{"test", "-rules", "testdata/rules.json", "testdata/bad/cases_unknown_field.json"}, code: 2,
			stderr: []string{`testdata/bad/cases_unknown_field.json:3:45: case "typo in the lead": unknown field "titel"`}},
		{name: "bad lead line", args: []string{"score", "-rules", "testdata/rules.json", "testdata/bad/leads_bad_time.jsonl"}, code: 2,
			stderr: []string{`testdata/bad/leads_bad_time.jsonl:3:85: "yesterday" is not an RFC 3339 time`}},
		{name: "bad lead on stdin", args: []string{"diff", "-old", "testdata/rules.json", "-new", "testdata/rules.json"}, stdin: "{\"lead\": {}, \"at\": \"2026-03-01\"}\n\n{\"lead\": [1]}\n", code: 2,
			stderr: []string{`stdin:3:10: lead: expected an object, got a list`}},
		{name: "missing file", args: []string{"lint", "-rules", "testdata/nope.json"}, code: 2,
			stderr: []string{"testdata/nope.json: no such file or directory"}},
		{name: "missing leads", args: []string{"score", "-rules", "testdata/rules.json", "testdata/nope.jsonl"}, code: 2,
			stderr: []string{"testdata/nope.jsonl: no such file or directory"}},
		{name: "lead that cannot be scored", args: []string{"score", "-rules", "testdata/rules.json"}, stdin: `{"lead": {"email": "a@b.example"}}`, code: 2,
			stderr: []string{"stdin:1: no events and no evaluation time"}},

		// backtest: the fixture is synthetic (testdata/backtest), 120 leads with their outcome
		{name: "backtest", args: []string{"backtest", "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl"}, golden: "backtest.txt", stderr: []string{""}},
		{name: "backtest calibrate", args: []string{"backtest", "-calibrate", "-min-fired", "5", "-tiers", "hot=0.6,warm=40%", "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl"},
			golden: "backtest_calibrate.txt", stderr: []string{""}},
		{name: "backtest calibrate progress", args: []string{"backtest", "-calibrate", "-progress", "-folds", "3", "-seed", "7", "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl"},
			golden: "backtest_calibrate_folds.txt", stderr: []string{"calibrating: fit 1 of 4 (", "calibrating: fit 4 of 4 ("}},
		{name: "backtest json", args: []string{"backtest", "-json", "-calibrate", "-rules", "testdata/backtest/rules.json", "-"}, stdin: mustRead(t, "testdata/backtest/leads.jsonl"),
			golden: "backtest.json", stderr: []string{""}},
		{name: "backtest outcome trait", args: []string{"backtest", "-outcome", "traits.won", "-rules", "testdata/backtest/rules_trait.json"},
			stdin:  "{\"lead\": {\"title\": \"CEO\", \"traits\": {\"won\": true}}, \"at\": \"2026-03-01\"}\n{\"lead\": {\"title\": \"Intern\", \"traits\": {\"won\": false}}, \"at\": \"2026-03-01\"}\n",
			golden: "backtest_trait.txt", stderr: []string{""}},
		{name: "backtest lead without outcome", args: []string{"backtest", "-rules", "testdata/backtest/rules.json"},
			stdin: "{\"lead\": {}, \"at\": \"2026-03-01\", \"converted\": true}\n\n{\"lead\": {\"title\": \"CEO\"}, \"at\": \"2026-03-01\"}\n", code: 2,
			stderr: []string{"stdin:3: no \"converted\": a backtest needs each lead's outcome, \"converted\": true or false\n"}},
		{name: "backtest lead without outcome in a file", args: []string{"backtest", "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads_no_outcome.jsonl"}, code: 2,
			stderr: []string{"testdata/backtest/leads_no_outcome.jsonl:3: no \"converted\""}},
		{name: "backtest outcome not a boolean", args: []string{"backtest", "-rules", "testdata/backtest/rules.json"},
			stdin: `{"lead": {}, "at": "2026-03-01", "converted": "yes"}`, code: 2, stderr: []string{`stdin:1:47: converted: expected true or false, got a string`}},
		{name: "backtest unknown key", args: []string{"backtest", "-rules", "testdata/backtest/rules.json"},
			stdin: `{"lead": {}, "at": "2026-03-01", "convertd": true}`, code: 2, stderr: []string{`stdin:1:34: unknown field "convertd"`}},
		{name: "backtest lead without a time", args: []string{"backtest", "-rules", "testdata/backtest/rules.json"},
			stdin: `{"lead": {}, "converted": false}`, code: 2, stderr: []string{`stdin:1: no events and no "at": nothing says when to score the lead`}},
		{name: "backtest trait missing", args: []string{"backtest", "-outcome", "traits.won", "-rules", "testdata/backtest/rules.json"},
			stdin: `{"lead": {"traits": {"wn": true}}, "at": "2026-03-01"}`, code: 2, stderr: []string{`stdin:1: lead: no trait "won": a backtest needs each lead's outcome (-outcome traits.won), true or false`}},
		{name: "backtest single outcome", args: []string{"backtest", "-rules", "testdata/backtest/rules.json"},
			stdin: "{\"lead\": {}, \"at\": \"2026-03-01\", \"converted\": true}\n{\"lead\": {}, \"at\": \"2026-03-01\", \"converted\": true}\n", code: 2,
			stderr: []string{"stdin: all 2 leads converted: a backtest compares leads that converted with leads that did not, and needs both\n"}},
		{name: "backtest none converted", args: []string{"backtest", "-rules", "testdata/backtest/rules.json"},
			stdin: `{"lead": {}, "at": "2026-03-01", "converted": false}`, code: 2, stderr: []string{"stdin: none of the 1 lead converted"}},
		{name: "backtest no leads", args: []string{"backtest", "-rules", "testdata/backtest/rules.json"}, code: 2, stderr: []string{"stdin: no leads to backtest"}},
		{name: "backtest too few leads for the folds", args: []string{"backtest", "-calibrate", "-folds", "10", "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads_few.jsonl"}, code: 2,
			stderr: []string{"testdata/backtest/leads_few.jsonl: 10 folds need at least 10 converted and 10 unconverted leads, and there are 12 and 8: lower -folds (at least 2) or give more leads\n"}},
		{name: "backtest rule errors", args: []string{"backtest", "-rules", "testdata/rules_erroring.json"},
			stdin: "{\"lead\": {\"email\": \"a@globex.example\"}, \"at\": \"2026-03-01\", \"converted\": true}\n{\"lead\": {}, \"at\": \"2026-03-01\", \"converted\": false}\n", code: 1,
			stderr: []string{"leadscore backtest: rules errored for 2 leads"}},
		{name: "backtest charts without calibrate", args: []string{"backtest", "-charts", "out", "-rules", "testdata/backtest/rules.json"}, code: 2,
			stderr: []string{"leadscore backtest: -charts draws the calibration's charts: add -calibrate\n"}},
		{name: "backtest write-rules without calibrate", args: []string{"backtest", "-write-rules", "new.json", "-rules", "testdata/backtest/rules.json"}, code: 2,
			stderr: []string{"leadscore backtest: -write-rules writes the calibrated rule set: add -calibrate\n"}},
		{name: "backtest tiers without calibrate", args: []string{"backtest", "-tiers", "hot=0.6", "-rules", "testdata/backtest/rules.json"}, code: 2,
			stderr: []string{"leadscore backtest: -tiers places the tiers of the calibrated points: add -calibrate\n"}},
		{name: "backtest bad tiers", args: []string{"backtest", "-calibrate", "-tiers", "hot=1.5", "-rules", "testdata/backtest/rules.json"}, code: 2,
			stderr: []string{"leadscore backtest: -tiers: hot=1.5: want a conversion rate between 0 and 1 (0.6) or a percentage (60%)\n"}},
		{name: "backtest unknown tier", args: []string{"backtest", "-calibrate", "-tiers", "hott=0.6", "-rules", "testdata/backtest/rules.json"}, code: 2,
			stderr: []string{"leadscore backtest: -tiers: the rule set has no tier \"hott\" with a min (did you mean \"hot\"?) (tiers with a min: hot, warm)\n"}},
		{name: "backtest bad outcome", args: []string{"backtest", "-outcome", "won", "-rules", "testdata/backtest/rules.json"}, code: 2,
			stderr: []string{"leadscore backtest: -outcome: \"won\": use converted (the line's key) or traits.NAME (a trait of the lead)\n"}},
		{name: "backtest one fold", args: []string{"backtest", "-calibrate", "-folds", "1", "-rules", "testdata/backtest/rules.json"}, code: 2,
			stderr: []string{"leadscore backtest: -folds 1: need at least 2\n"}},
		{name: "backtest help", args: []string{"help", "backtest"}, golden: "help_backtest.txt", stderr: []string{""}},

		// usage
		{name: "no arguments", code: 2, stderr: []string{"Usage:\n  leadscore score"}},
		{name: "help", args: []string{"-h"}, golden: "help.txt", stderr: []string{""}},
		{name: "command help", args: []string{"diff", "-h"}, golden: "help_diff.txt", stderr: []string{""}},
		{name: "help command", args: []string{"help", "lint"}, golden: "help_lint.txt"},
		{name: "score help", args: []string{"score", "-h"}, golden: "help_score.txt"},
		{name: "unknown command", args: []string{"scroe"}, code: 2, stderr: []string{`leadscore: unknown command "scroe"`}},
		{name: "unknown flag", args: []string{"score", "-rule", "x.json"}, code: 2, stderr: []string{"flag provided but not defined: -rule", `Run "leadscore score -h" for help.`}},
		{name: "missing flag", args: []string{"diff", "-old", "testdata/rules.json"}, code: 2, stderr: []string{"leadscore diff: -new is required"}},
		{name: "missing argument", args: []string{"test", "-rules", "testdata/rules.json"}, code: 2, stderr: []string{"leadscore test: expected one file argument, got 0"}},
		{name: "bad -at", args: []string{"score", "-rules", "testdata/rules.json", "-at", "tomorrow"}, code: 2, stderr: []string{`-at: "tomorrow" is not an RFC 3339 time`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := execute(t, tc.stdin, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
			}
			if tc.golden != "" {
				leadscoretest.Golden(t, "testdata/golden/"+tc.golden, r.stdout, *update)
			}
			for _, want := range tc.stderr {
				if want == "" && r.stderr != "" {
					t.Errorf("stderr should be empty, got:\n%s", r.stderr)
				}
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			for _, never := range []string{"goroutine ", "panic", ".go:"} {
				if strings.Contains(r.stderr, never) {
					t.Errorf("stderr looks like a stack trace (%q):\n%s", never, r.stderr)
				}
			}
		})
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A bad -fail-on is a usage error, said in one line on stderr, before any file is read.
func TestLintFailOnUsage(t *testing.T) {
	for value, want := range map[string]string{
		"warn":     `leadscore lint: -fail-on: unknown severity "warn" (did you mean "warning"?); use error, warning, info or none`,
		"errors":   `leadscore lint: -fail-on: unknown severity "errors" (did you mean "error"?); use error, warning, info or none`,
		"in":       `leadscore lint: -fail-on: unknown severity "in" (did you mean "info"?); use error, warning, info or none`,
		"never":    `leadscore lint: -fail-on: unknown severity "never"; use error, warning, info or none`,
		"warning,": `leadscore lint: -fail-on: unknown severity "warning," (did you mean "warning"?); use error, warning, info or none`,
	} {
		r := execute(t, "", "lint", "-rules", "testdata/nope.json", "-fail-on", value)
		if r.code != ExitBadInput || r.stdout != "" || r.stderr != want+"\n" {
			t.Errorf("-fail-on %q: exit %d, stdout %q, stderr %q; want exit 2 and stderr %q", value, r.code, r.stdout, r.stderr, want+"\n")
		}
	}
}
