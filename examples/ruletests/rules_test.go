package ruletests

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
	"github.com/leadscore/leadscore/leadscoretest"
)

// The test binary owns the -update flag; leadscoretest.Golden only obeys it.
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// scorer compiles the team's rule set, as the service that scores leads does at start-up.
func scorer(t *testing.T) *leadscore.Scorer[leadscore.Lead] {
	t.Helper()
	data, err := os.ReadFile("rules.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := leadscore.ParseConfig(data)
	if err != nil {
		t.Fatalf("rules.json: %v", err)
	}
	s, err := leadscore.Compile[leadscore.Lead](cfg)
	if err != nil {
		t.Fatalf("rules.json: %v", err)
	}
	return s
}

// fileCases are the cases marketing operations keep in cases.json, next to the rules.
func fileCases(t *testing.T) []leadscoretest.Case[leadscore.Lead] {
	t.Helper()
	data, err := os.ReadFile("cases.json")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := leadscoretest.ParseCases(data)
	if err != nil {
		t.Fatalf("cases.json: %v", err)
	}
	return cases
}

var monday = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// goCases are cases written in Go, for what reads better as code.
var goCases = []leadscoretest.Case[leadscore.Lead]{
	{
		Name: "competitor asking for a demo is disqualified and never reaches sales",
		Lead: leadscore.Lead{
			Email: "sam@slotly.example", Title: "Director of Operations",
			Company: leadscore.Company{Name: "Slotly", Domain: "slotly.example", Employees: 400},
		},
		Events: []leadscore.Event{
			{Type: "page_view", Path: "/pricing", Time: monday},
			{Type: "demo_request", Time: monday.Add(time.Hour)},
		},
		Expect: leadscoretest.Expect{
			Handoff:      leadscoretest.Bool(false),
			Disqualified: leadscoretest.Bool(true),
			Stage:        leadscore.StageNurture, // known, but never handed to sales
			Fired:        []string{"competitor", "demo"},
			Signals:      []string{"competitor"},
			MaxTotal:     leadscore.Float(0),
		},
	},
	{
		Name: "student who unsubscribes is cold",
		Lead: leadscore.Lead{Email: "jamie@mit.edu", Title: "Student"},
		Events: []leadscore.Event{
			{Type: "signup", Time: monday},
			{Type: "email_unsubscribe", Time: monday.Add(48 * time.Hour)},
		},
		At: monday.Add(72 * time.Hour),
		Expect: leadscoretest.Expect{
			Tier:      "cold",
			Persona:   "trialist",
			Fired:     []string{"trial", "unsubscribed"},
			NotFired:  []string{"decision-maker"},
			Signals:   []string{"student"},
			NoSignals: []string{"generic_email"},
		},
	},
}

func allCases(t *testing.T) []leadscoretest.Case[leadscore.Lead] {
	return append(fileCases(t), goCases...)
}

// TestRules runs every case as a subtest: go test -run 'TestRules/vp' runs one.
func TestRules(t *testing.T) {
	leadscoretest.Run(t, scorer(t), allCases(t))
}

// TestCoverage fails when a rule, tier, persona or journey transition has no case: a rule
// without a case is a rule nobody has checked.
func TestCoverage(t *testing.T) {
	cov := leadscoretest.Coverage(scorer(t), allCases(t))
	t.Log(cov)
	if !cov.Complete() {
		t.Errorf("the cases leave parts of the rule set unexercised:\n%s", cov)
	}
}

// TestHandoffText pins the text sales reads at hand-off: a changed reason or point value shows
// up in review as a diff of testdata/*.golden (go test -update rewrites them).
func TestHandoffText(t *testing.T) {
	s := scorer(t)
	for _, c := range allCases(t) {
		if c.Expect.Handoff == nil || !*c.Expect.Handoff {
			continue
		}
		tr, err := leadscoretest.Replay(s, c)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.NewReplacer(" ", "-", ",", "").Replace(c.Name)
		leadscoretest.Golden(t, "testdata/"+name+".golden", tr.Result.Explain(), *update)
	}
}

// TestLint keeps the rule set free of the mistakes analysis.Lint finds, on the cases' leads
// too.
func TestLint(t *testing.T) {
	data, err := os.ReadFile("rules.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := leadscore.ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	findings, err := analysis.Lint(cfg, leadscoretest.Population(allCases(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Severity != analysis.SeverityInfo {
			t.Error(f)
		} else {
			t.Log(f)
		}
	}
}
