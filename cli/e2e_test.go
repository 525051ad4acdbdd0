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
