package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
)

// teamLead is a team's own lead type, without json tags: its keys are its field names (and,
// as encoding/json matches them, any case of them).
type teamLead struct {
	Email     string
	JobTitle  string
	Employees int
	Industry  string
	Plan      string
}

var teamFiles = map[string]string{
	"rules.yaml": `rules:
  - id: exec
    dimension: fit
    when: seniority(lead.JobTitle) in ['c_level', 'vp']
    points: 30
  - id: big
    dimension: fit
    when: lead.Employees >= 200
    points: 20
  - id: paid
    dimension: relationship
    when: isPaid(lead.Plan)
    points: 10
events:
  - id: demo
    on: [demo_request]
    points: 40
    half_life: 21d
tiers:
  - {name: hot, min: 80, handoff: true}
  - {name: cold}
`,
	"cases.yaml": `- name: vp of a big firm asks for a demo
  lead: {Email: dana@globex.example, JobTitle: VP Operations, Employees: 800, Plan: pro}
  events: [{type: demo_request, time: 2026-03-02}]
  expect: {tier: hot, handoff: true, fired: [exec, big, demo, paid]}
- name: student
  lead: {email: sam@uni.example, jobtitle: Student}
  at: 2026-03-02
  expect: {tier: cold, not_fired: [exec]}
`,
	"cases.json": `[{"name": "vp", "lead": {"JobTitle": "VP Sales", "Employees": 300}, "at": "2026-03-02", "expect": {"tier": "cold", "fired": ["exec", "big"]}}]`,
	"leads.yaml": `- lead: {Email: dana@globex.example, JobTitle: VP Operations, Employees: 800}
  events: [{type: demo_request, time: 2026-03-02T09:00:00Z}]
`,
	"bad_cases.yaml": `- name: typo
  lead: {JobTitel: CTO}
  at: 2026-03-02
`,
}

var teamOptions = []leadscore.Option{
	leadscore.WithFunction("isPaid", func(args ...any) (any, error) {
		plan, _ := args[0].(string)
		return plan == "pro" || plan == "enterprise", nil
	}, new(func(string) bool)),
}

// runTeam runs the command for teamLead, with the team's function and its default rule set.
func runTeam(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	e, out, errOut := fakeEnv(stdin, false)
	e.name, e.rules, e.scorer = "teamlead", "rules.yaml", teamOptions
	e.readFile = func(name string) ([]byte, error) { return []byte(teamFiles[name]), nil }
	code := run[teamLead](args, e)
	return code, out.String(), errOut.String()
}

func TestOwnLeadType(t *testing.T) {
	code, stdout, stderr := runTeam(t, "", "test", "-v", "cases.yaml")
	if code != ExitOK || stderr != "" || !strings.Contains(stdout, "ok   vp of a big firm asks for a demo\nok   student\n\n2 cases: 2 passed, 0 failed") {
		t.Errorf("test cases.yaml: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runTeam(t, "", "test", "-rules", "rules.yaml", "cases.json")
	if code != ExitOK || stderr != "" {
		t.Errorf("test cases.json: exit %d\n%s%s", code, stdout, stderr)
	}

	code, stdout, stderr = runTeam(t, teamFiles["leads.yaml"], "score")
	var res result
	if err := json.Unmarshal([]byte(stdout), &res); code != ExitOK || stderr != "" || err != nil {
		t.Fatalf("score: exit %d, %v\n%s%s", code, err, stdout, stderr)
	}
	if res.Line != 1 || res.Email != "dana@globex.example" || res.Tier != "hot" || res.Total != 90 || len(res.Contributions) != 3 {
		t.Errorf("score: %+v", res)
	}
	code, stdout, stderr = runTeam(t, `{"lead": {"JobTitle": "CTO"}, "at": "2026-03-02"}`+"\n", "score")
	if code != ExitOK || !strings.HasPrefix(stdout, `{"line":1,"at":"2026-03-02T00:00:00Z","total":30,`) {
		t.Errorf("score JSON Lines: exit %d\n%s%s", code, stdout, stderr)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"test", "bad_cases.yaml"}, "bad_cases.yaml:2:10: case \"typo\": lead: unknown field \"JobTitel\" (did you mean \"JobTitle\"?)\n"},
		{[]string{"test", "-rules", "testdata/rules.json", "cases.json"}, "testdata/rules.json:19: rule \"decision-maker\": when 1:16: type cli.teamLead has no field Title\n"},
		{[]string{"scroe"}, "teamlead: unknown command \"scroe\"\n\nteamlead scores leads"},
		{[]string{"lint", "-rules", ""}, "teamlead lint: -rules is required\nusage: teamlead lint -rules rules.json"},
	} {
		e, _, errOut := fakeEnv("", false)
		e.name, e.rules, e.scorer = "teamlead", "rules.yaml", teamOptions
		e.readFile = func(name string) ([]byte, error) {
			if data, ok := teamFiles[name]; ok {
				return []byte(data), nil
			}
			return os.ReadFile(name)
		}
		if code := run[teamLead](tc.args, e); code != ExitBadInput || !strings.HasPrefix(errOut.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant it to start with:\n%s", tc.args, code, errOut, tc.want)
		}
	}

	// The default rule set shows in the help, and the team's name.
	code, stdout, _ = runTeam(t, "", "score", "-h")
	if code != ExitOK || !strings.HasPrefix(stdout, "Usage: teamlead score -rules rules.json") ||
		!strings.Contains(stdout, "-rules string\n    \tthe rule set, JSON or YAML (default \"rules.yaml\")") {
		t.Errorf("score -h:\n%s", stdout)
	}
}

// A lead type's ID and email, for reports, are its string fields keyed "id" and "email".
func TestIdentify(t *testing.T) {
	type tagged struct {
		Key  string `json:"id"`
		Mail string `json:"email"`
	}
	type embedded struct {
		tagged
		Name string
	}
	if id, email := identify(leadscore.Lead{ID: "a", Email: "b"}); id != "a" || email != "b" {
		t.Error("leadscore.Lead")
	}
	if id, email := identify(tagged{Key: "a", Mail: "b"}); id != "a" || email != "b" {
		t.Error("tagged")
	}
	if id, email := identify(&embedded{tagged: tagged{Key: "a"}}); id != "a" || email != "" {
		t.Error("embedded, through a pointer")
	}
	if id, email := identify[*teamLead](nil); id != "" || email != "" {
		t.Error("nil")
	}
	if id, email := identify(teamLead{Email: "e"}); id != "" || email != "e" {
		t.Error("untagged")
	}
	if got := label(7, teamLead{}); got != "line 7" {
		t.Errorf("label %q", got)
	}
}
