// Command leadscore scores leads with a rule set and tests rule sets before they ship.
//
// Usage:
//
//	leadscore score -rules rules.json [-at time] [-write-states states.jsonl] [-progress] [leads.jsonl]
//	leadscore test  -rules rules.json [-v] [-min-coverage percent] cases.json
//	leadscore diff  -old old.json -new new.json [-json] [-leads n] [-at time] [-progress] [population.jsonl | -states states.jsonl]
//	leadscore lint  -rules rules.json [-previous old.json] [-json] [-progress] [population.jsonl]
//	leadscore version
//
// Rule sets are JSON or YAML (by extension: .yaml or .yml; otherwise by content). Case files
// are JSON arrays of cases (see leadscoretest.ParseCases); leads and populations are JSON
// Lines, one case-shaped object per line — {"lead": {…}, "events": […], "at": "…"}, see
// analysis.ParseReplayedLead — read from standard input when no file is given. Stored States
// (diff -states, written by score -write-states) are JSON Lines too: {"id": …, "lead": {…},
// "state": "<base64>", "at": …} (analysis.ParseStoredLead).
//
// The score, diff and lint commands run on the analysis package; only test uses the test
// kit, leadscoretest.
//
// Exit status: 0 when all is well; 1 when a test fails (or coverage is below -min-coverage),
// diff finds leads that change, lint has errors or warnings, or a rule errors while scoring;
// 2 for a usage error or a file that cannot be read or makes no sense, reported with the
// file, line and column or rule ID.
package main

import (
	"io"
	"os"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], &env{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		stderrTTY: isTerminal(os.Stderr),
		now:       time.Now,
		readFile:  os.ReadFile,
		open:      func(name string) (readCloser, error) { return os.Open(name) },
		create:    func(name string) (io.WriteCloser, error) { return os.Create(name) },
	}))
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
