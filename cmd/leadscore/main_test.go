package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The built command is package cli's, wired to the process: its arguments, streams and exit
// code (package cli tests the commands themselves).
func TestBuiltCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	binary := filepath.Join(t.TempDir(), "leadscore")
	if out, err := exec.Command(goTool, "build", "-o", binary, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const testdata = "../../cli/testdata/"
	for _, tc := range []struct {
		args   []string
		code   int
		golden string
	}{
		{[]string{"-h"}, 0, "help.txt"},
		{[]string{"score", "-rules", testdata + "rules.yaml", testdata + "leads.jsonl"}, 0, "score.jsonl"},
		{[]string{"test", "-rules", testdata + "rules.json", testdata + "cases_fail.json"}, 1, "test_fail.txt"},
		{[]string{"lint", "-rules", testdata + "nope.json"}, 2, ""},
	} {
		cmd := exec.Command(binary, tc.args...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = exitErr.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code {
			t.Errorf("%q: exit %d, want %d\n%s", tc.args, code, tc.code, errOut.String())
		}
		if tc.golden == "" {
			continue
		}
		want, err := os.ReadFile(testdata + "golden/" + tc.golden)
		if err != nil {
			t.Fatal(err)
		}
		if out.String() != string(want) {
			t.Errorf("%q: output differs from %s:\n%s", tc.args, tc.golden, out.String())
		}
	}
}
