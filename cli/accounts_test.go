package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
)

// -write-accounts puts the account lines in a file of their own: standard output is what
// score writes without grouping, and the file is the lines -accounts appends.
func TestScoreWriteAccounts(t *testing.T) {
	const rules, leads = "testdata/accounts/rules.json", "testdata/accounts/leads.jsonl"
	plain := execute(t, "", "score", "-rules", rules, leads)
	grouped := execute(t, "", "score", "-accounts", "-rules", rules, leads)
	file := filepath.Join(t.TempDir(), "accounts.jsonl")
	split := execute(t, "", "score", "-write-accounts", file, "-rules", rules, leads)
	for _, r := range []execResult{plain, grouped, split} {
		if r.code != ExitOK || r.stderr != "" {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
	}
	if split.stdout != plain.stdout {
		t.Errorf("with -write-accounts, stdout differs from score's without grouping")
	}
	accounts, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if grouped.stdout != plain.stdout+string(accounts) {
		t.Errorf("-accounts's output is not the leads' lines then the account lines:\n%s", grouped.stdout)
	}
	// Three accounts, in the order of their first members; the gmail.com lead is in none.
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(string(accounts)), "\n") {
		var a accountLine
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, a.Account)
		switch a.Account {
		case "globex.example":
			if a.Members != 3 || a.Tier != "hot" || !a.Handoff || len(a.Missing) != 0 || a.Trigger == nil || a.Trigger.Member != "raj@globex.example" {
				t.Errorf("globex: %+v", a)
			}
			if rc := a.Roles[0]; rc.Role != "economic-buyer" || !rc.Covered || len(rc.Members) != 1 || rc.Members[0] != "ana@globex.example" || rc.LastEngaged.IsZero() {
				t.Errorf("globex's economic buyer: %+v", rc)
			}
		case "initech.example":
			if a.Handoff || a.Trigger != nil || strings.Join(a.Missing, ",") != "economic-buyer,technical-evaluator" ||
				!strings.Contains(a.Explanation, "Missing: economic buyer, technical evaluator") {
				t.Errorf("initech: %+v", a)
			}
		}
	}
	if strings.Join(keys, " ") != "globex.example initech.example vandelay.example" {
		t.Errorf("accounts %v", keys)
	}
}

// An account line is the AccountResult's, rounded, its lists never null.
func TestAccountLine(t *testing.T) {
	r := leadscore.AccountResult{Key: "k", Total: 1.23456, Fit: 1, Engagement: 0.23456,
		Contributions: []leadscore.Contribution{{RuleID: "r", Points: 2.00049}}, Trigger: &leadscore.Trigger{Kind: leadscore.TriggerTime}}
	a := newAccountLine(r, 2)
	if a.Total != 1.235 || a.Engagement != 0.235 || a.Contributions[0].Points != 2 || a.Members != 2 {
		t.Errorf("not rounded: %+v", a)
	}
	if a.Trigger != nil {
		t.Error("a trigger without a hand-off")
	}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"roles":[]`, `"missing":[]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("%s lacks %s", data, want)
		}
	}
}

// The README's account case passes against testdata/accounts/rules.json, whose accounts
// section is the one it assumes.
func TestReadmeAccountCase(t *testing.T) {
	readme := mustRead(t, "../README.md")
	_, after, ok := strings.Cut(readme, "An account case gives")
	if !ok {
		t.Fatal(`README.md: no "An account case gives" paragraph`)
	}
	_, block, ok := strings.Cut(after, "```json\n")
	if !ok {
		t.Fatal("README.md: no json block after the account-case paragraph")
	}
	block, _, _ = strings.Cut(block, "```")
	file := filepath.Join(t.TempDir(), "cases.json")
	if err := os.WriteFile(file, []byte("["+block+"]"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := execute(t, "", "test", "-rules", "testdata/accounts/rules.json", file); r.code != ExitOK {
		t.Errorf("the README's account case: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
