package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/leadscore/leadscore/cli"
	"github.com/leadscore/leadscore/examples/customlead/lead"
)

// run runs the team's command — main's options, for package lead's Lead — on this
// directory's files.
func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := options
	opts.Stdout, opts.Stderr = &out, &errOut
	code := cli.Main[lead.Lead](args, opts)
	if errOut.Len() > 0 {
		t.Errorf("%q: stderr:\n%s", args, errOut.String())
	}
	return code, out.String()
}

// The team's rules pass the team's cases, every rule fired, with the YAML files as they are
// and rules.yaml read by default.
func TestCases(t *testing.T) {
	code, out := run(t, "test", "-v", "cases.yaml")
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"ok   logistics director asks for a demo\nok   paying team on a trial reads pricing\nok   a student browsing is cold\n",
		"ok   a competitor's director is never handed off\nok   a free-mail owner is flagged\n",
		"5 cases: 5 passed, 0 failed",
		"rules          7/7   100.0%",
		"tiers          3/3   100.0%",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// Scoring the team's leads: one result per lead, the lead's email and the team's function.
func TestScore(t *testing.T) {
	code, out := run(t, "score", "-rules", "rules.yaml", "leads.yaml")
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	type result struct {
		Line          int
		Name, Email   string
		Tier          string
		Handoff       bool
		Total         float64
		Contributions []struct{ Rule string }
	}
	var got []result
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var r result
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 2 {
		t.Fatalf("%d results:\n%s", len(got), out)
	}
	if r := got[0]; r.Line != 2 || r.Name != "dana" || r.Tier != "hot" || !r.Handoff || r.Total < 70 {
		t.Errorf("dana: %+v", r)
	}
	if r := got[1]; r.Line != 6 || r.Email != "lee@clinic.example" || r.Tier != "cold" || r.Handoff ||
		len(r.Contributions) != 2 || r.Contributions[0].Rule != "paying" {
		t.Errorf("lee: %+v", r)
	}
}

// The README's section "Your own lead type" shows this example: its YAML rules compile for
// package lead's Lead, and its main is this main.go.
func TestReadme(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Your own lead type")
	if !ok {
		t.Fatal("README.md: no section \"Your own lead type\"")
	}
	block := func(lang string) string {
		_, b, ok := strings.Cut(section, "```"+lang+"\n")
		b, _, ok2 := strings.Cut(b, "```")
		if !ok || !ok2 {
			t.Fatalf("README.md: no %s block in \"Your own lead type\"", lang)
		}
		return b
	}
	var out, errOut bytes.Buffer
	opts := options
	opts.Stdin, opts.Stdout, opts.Stderr = strings.NewReader(block("yaml")), &out, &errOut
	if code := cli.Main[lead.Lead]([]string{"lint", "-rules", "-"}, opts); code == cli.ExitBadInput {
		t.Errorf("the README's rules: exit %d\n%s", code, errOut.String())
	}
	main, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	goBlocks := strings.Split(section, "```go\n")
	if len(goBlocks) < 3 {
		t.Fatal("README.md: want the lead type and main.go")
	}
	program, _, _ := strings.Cut(goBlocks[2], "```")
	if !strings.HasSuffix(string(main), program) {
		t.Errorf("README.md's main is not main.go's:\n%s", program)
	}
}
