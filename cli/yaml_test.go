package cli

import (
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
)

// runFiles runs the command for leads of type L on files held in memory (names not in files
// are read from disk), and returns the exit code, stdout and stderr.
func runFiles[L any](t *testing.T, files map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	e, out, errOut := fakeEnv(stdin, false)
	e.readFile = func(name string) ([]byte, error) {
		if data, ok := files[name]; ok {
			return []byte(data), nil
		}
		return os.ReadFile(name)
	}
	e.open = func(name string) (io.ReadCloser, error) {
		if data, ok := files[name]; ok {
			return io.NopCloser(strings.NewReader(data)), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	code := run[L](args, e)
	return code, out.String(), errOut.String()
}

// Every problem in a YAML rule set, case file or leads file is reported at its line and
// column, inside a rule or case by its ID or name; the unknown keys all at once.
func TestYAMLErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		args  []string
		want  string // stderr, exactly
	}{
		{
			name: "rule set: every problem of every rule",
			files: map[string]string{"rules.yaml": `name: demo
events:
  - id: pricing
    on: [page_view]
    points: 5
    half_life: 30
    maxx: 3
rules:
  - id: exec
    dimension: fit
    when: lead.Title != ''
    pionts: 20
    points: ten
hysteresis: yes
`},
			args: []string{"lint", "-rules", "rules.yaml"},
			want: `rules.yaml:6:16: event rule "pricing": half_life: duration must be a string such as "14d", got 30
rules.yaml:7:5: event rule "pricing": unknown field "maxx" (did you mean "max"?)
rules.yaml:12:5: rule "exec": unknown field "pionts" (did you mean "points"?)
rules.yaml:13:13: rule "exec": points: expected a number, got the string "ten"
rules.yaml:14:13: hysteresis: expected a number, got the string "yes"
`,
		},
		{
			name: "rule set: items without IDs, maps, journey",
			files: map[string]string{"rules.yaml": `rules:
  - dimension: fit
    max: lots
dimensions:
  fit: {weight: heavy}
journey:
  stages: [{name: new, sla: 3}]
  transitions: [{from: new, to: won, on: demo_request}]
lists:
  targets: globex.example
`},
			args: []string{"lint", "-rules", "rules.yaml"},
			want: `rules.yaml:3:10: rule "rules[0]": max: expected a number, got the string "lots"
rules.yaml:5:17: dimension "fit": weight: expected a number, got the string "heavy"
rules.yaml:7:29: stage "new": sla: duration must be a string such as "14d", got 3
rules.yaml:8:42: transition "new→won": on: expected a list, got the string "demo_request"
rules.yaml:10:12: list "targets": expected a list, got the string "globex.example"
`,
		},
		{
			name: "rule set: compile errors at the field",
			files: map[string]string{"rules.yaml": `rules:
  - id: exec
    dimension: fit
    when: lead.Titel == 'x'
    points: 10
events:
  - id: pricing
    on: [page_veiw]
    points: 8
tiers:
  - {name: hot, min: 50}
  - {name: hot}
`},
			args: []string{"score", "-rules", "rules.yaml"},
			want: `rules.yaml:4:11: rule "exec": when 1:6: type leadscore.Lead has no field Titel (did you mean Title?)
 | lead.Titel == 'x'
 | .....^
rules.yaml:8:9: event rule "pricing": on: unknown event type "page_veiw" (did you mean "page_view"?)
rules.yaml:12:12: tier "hot": name: duplicate tier name
`,
		},
		{
			name:  "rule set: syntax",
			files: map[string]string{"rules.yaml": "rules:\n  - id: exec\n    when: x\n   points: 1\n"},
			args:  []string{"lint", "-rules", "rules.yaml"},
			want:  "rules.yaml:4:4: did not find expected '-' indicator\n",
		},
		{
			name: "case file: unknown keys and types, by case",
			files: map[string]string{"cases.yaml": `- name: typo in the lead
  lead: {titel: VP}
  at: 2026-03-01
- name: bad employees
  lead: {company: {employees: many}}
  at: 2026-03-01
  expect: {handoff: no}
`},
			args: []string{"test", "-rules", "testdata/rules.yaml", "cases.yaml"},
			want: `cases.yaml:2:10: case "typo in the lead": lead: unknown field "titel" (did you mean "title"?)
cases.yaml:5:31: case "bad employees": lead.company.employees: expected a whole number, got the string "many"
cases.yaml:7:21: case "bad employees": expect.handoff: expected true or false, got the string "no" (YAML 1.2 reads only true and false as booleans)
`,
		},
		{
			name:  "case file: two cases of one name",
			files: map[string]string{"cases.yaml": "- name: a\n  at: 2026-03-01\n- name: a\n  at: 2026-03-01\n"},
			args:  []string{"test", "-rules", "testdata/rules.yaml", "cases.yaml"},
			want:  "cases.yaml:3:9: case \"a\": another case has this name (line 1)\n",
		},
		{
			name:  "case file: a case without a name",
			files: map[string]string{"cases.yaml": "- name: a\n  at: 2026-03-01\n- lead: {}\n  at: 2026-03-01\n"},
			args:  []string{"test", "-rules", "testdata/rules.yaml", "cases.yaml"},
			want:  "cases.yaml:3:3: case #2: a case needs a \"name\"\n",
		},
		{
			name:  "case file: nothing says when",
			files: map[string]string{"cases.yaml": "- name: no\n  lead: {}\n"},
			args:  []string{"test", "-rules", "testdata/rules.yaml", "cases.yaml"},
			want:  "cases.yaml:1:3: case \"no\": no events and no \"at\": nothing says when to evaluate the lead\n",
		},
		{
			name:  "case file: an event without a time",
			files: map[string]string{"cases.yaml": "- name: a\n  events: [{type: demo_request}]\n"},
			args:  []string{"test", "-rules", "testdata/rules.yaml", "cases.yaml"},
			want:  "cases.yaml:1:3: case \"a\": event 1 (demo_request) has no \"time\"\n",
		},
		{
			name:  "case file: not a list",
			files: map[string]string{"cases.yaml": "name: a\nat: 2026-03-01\n"},
			args:  []string{"test", "-rules", "testdata/rules.yaml", "cases.yaml"},
			want:  "cases.yaml:1:1: a case file is a list of cases: expected a list, got a mapping\n",
		},
		{
			name:  "case file: empty",
			files: map[string]string{"cases.yaml": "# no cases yet\n"},
			args:  []string{"test", "-rules", "testdata/rules.yaml", "cases.yaml"},
			want:  "cases.yaml:1:1: a case file is a list of cases: - name: …\n",
		},
		{
			name: "leads file: every problem",
			files: map[string]string{"leads.yaml": `- lead: {email: a@b.example}
  events: [{type: demo_request, time: yesterday}]
- lead: {titel: x}
`},
			args: []string{"score", "-rules", "testdata/rules.yaml", "leads.yaml"},
			want: `leads.yaml:2:39: events[0].time: "yesterday" is not an RFC 3339 time (2026-03-02T09:00:00Z) or a date (2026-03-02)
leads.yaml:3:10: lead: unknown field "titel" (did you mean "title"?)
`,
		},
		{
			name:  "leads file: a lead that cannot be scored",
			files: map[string]string{"leads.yaml": "- lead: {email: a@b.example}\n"},
			args:  []string{"score", "-rules", "testdata/rules.yaml", "leads.yaml"},
			want:  "leads.yaml:1:3: no events and no evaluation time (at): nothing says when to evaluate the lead\n",
		},
		{
			name:  "leads file: an event without a type",
			files: map[string]string{"leads.yaml": "- name: x\n  events: [{time: 2026-03-01}]\n"},
			args:  []string{"lint", "-rules", "testdata/rules.yaml", "leads.yaml"},
			want:  "leads.yaml:1:3: event 1 has no \"type\"\n",
		},
		{
			name:  "leads file: not a list",
			files: map[string]string{"leads.yaml": "lead: {}\n"},
			args:  []string{"score", "-rules", "testdata/rules.yaml", "leads.yaml"},
			want:  "leads.yaml:1:1: a YAML leads file is a list of leads: expected a list, got a mapping\n",
		},
		{
			name:  "stored leads in YAML",
			files: map[string]string{"states.yaml": "- id: x\n  lead: {}\n  state: '%%%'\n"},
			args:  []string{"diff", "-old", "testdata/rules.yaml", "-new", "testdata/rules.yaml", "-states", "states.yaml"},
			want:  "states.yaml:3:3: state: not base64 (illegal base64 data at input byte 0)\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runFiles[leadscore.Lead](t, tc.files, "", tc.args...)
			if code != ExitBadInput {
				t.Errorf("exit %d, want %d", code, ExitBadInput)
			}
			if stderr != tc.want {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, tc.want)
			}
		})
	}
}

// YAML 1.2: a bare on is a key, no is a string where a string is wanted, 2024 an ID.
func TestYAML12(t *testing.T) {
	files := map[string]string{
		"rules.yaml": `rules:
  - id: no
    dimension: fit
    when: lead.Title == 'no'
    points: 10
  - id: 2024
    dimension: fit
    when: true
    points: 1
events:
  - id: on
    on: [demo_request]
    points: 30
`,
		"cases.yaml": `- name: no
  lead: {title: no}
  events: [{type: demo_request, time: 2026-03-02}]
  expect: {fired: [no, 2024, on], min_total: 41, max_total: 41}
`,
	}
	code, stdout, stderr := runFiles[leadscore.Lead](t, files, "", "test", "-v", "-rules", "rules.yaml", "cases.yaml")
	if code != ExitOK || stderr != "" || !strings.HasPrefix(stdout, "ok   no\n") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// A rule set's problem reads the same in JSON and in YAML: at its line and column, inside the
// item by its ID (or position), and an unknown key with the key probably meant.
func TestConfigErrorsJSONAndYAML(t *testing.T) {
	for _, tc := range []struct {
		name, file, data, want string
	}{
		{"json unknown field", "r.json", `{"rules": [{"id": "a", "dimension": "fit", "pionts": 1}]}`,
			`r.json:1:44: rule "a": unknown field "pionts" (did you mean "points"?)`},
		{"yaml unknown field", "r.yaml", "rules:\n  - id: a\n    dimension: fit\n    pionts: 1\n",
			`r.yaml:4:5: rule "a": unknown field "pionts" (did you mean "points"?)`},
		{"json item without an ID", "r.json", "{\"events\": [\n  {\"on\": [\"demo\"], \"half_lfe\": \"7d\"}]}",
			`r.json:2:20: event rule "events[0]": unknown field "half_lfe" (did you mean "half_life"?)`},
		{"yaml item without an ID", "r.yaml", "events:\n  - on: [demo]\n    half_lfe: 7d\n",
			`r.yaml:3:5: event rule "events[0]": unknown field "half_lfe" (did you mean "half_life"?)`},
		{"json field of an item", "r.json", `{"events": [{"id": "p", "on": ["demo"], "half_life": "7 days"}]}`,
			`r.json:1:54: event rule "p": half_life: invalid duration "7 days": unknown unit " days"`},
		{"yaml field of an item", "r.yaml", "events:\n  - {id: p, on: [demo], half_life: 7 days}\n",
			`r.yaml:2:36: event rule "p": half_life: invalid duration "7 days": unknown unit " days"`},
		{"json key of the config", "r.json", `{"teirs": []}`,
			`r.json:1:2: unknown field "teirs" (did you mean "tiers"?)`},
		{"yaml key of the config", "r.yaml", "teirs: []\n",
			`r.yaml:1:1: unknown field "teirs" (did you mean "tiers"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runFiles[leadscore.Lead](t, map[string]string{tc.file: tc.data}, "", "lint", "-rules", tc.file)
			if code != ExitBadInput || stderr != tc.want+"\n" {
				t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", code, stderr, tc.want)
			}
		})
	}
}
