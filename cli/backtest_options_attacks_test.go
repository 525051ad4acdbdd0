package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// Mistakes that only the options as a whole show (a rule in two columns, an empty column)
// and a bin value that does not compile are reported at their line and column of the
// -calibration file, as every other mistake in it is, not by Calibrate without a place.
func TestCalibrationFileMistakesPlaced(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"empty column":          "columns:\n  who: []\n",
		"column without a name": "columns:\n  '': [decision-maker]\n",
		"rule in two columns":   "columns:\n  a: [decision-maker]\n  b: [decision-maker]\n",
		"rule twice in column":  "columns:\n  a: [decision-maker, decision-maker]\n",
		"bin value typo":        "bin:\n  - {id: x, value: lead.Company.Employes}\n",
	} {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
			writeFile(t, f, body)
			r := execute(t, "", "backtest", "-calibrate", "-folds", "2", "-calibration", f, "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
			if r.code != ExitBadInput {
				t.Errorf("exit %d, want %d", r.code, ExitBadInput)
			}
			if !strings.Contains(r.stderr, filepath.Base(f)+":2:") && !strings.Contains(r.stderr, filepath.Base(f)+":3:") {
				t.Errorf("the mistake is not placed in %s at its line and column:\n%s", filepath.Base(f), r.stderr)
			}
		})
	}
}

// A bin value that is not a number (an e-mail address) or fails on every lead (0/0) is an
// error: it was taken as 0 for every lead, no threshold cut, and the command exited 0.
func TestCalibrationBinValueThatFails(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"string":     "bin:\n  - {id: x, value: 'lead.Email'}\n",
		"not finite": "bin:\n  - {id: x, value: '0.0/0.0'}\n",
	} {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
			writeFile(t, f, body)
			r := execute(t, "", "backtest", "-calibrate", "-folds", "2", "-calibration", f, "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
			if r.code == ExitOK {
				t.Errorf("exit 0: a bin value that fails on every lead was taken as 0 without a word (stderr %q)", r.stderr)
			}
		})
	}
}

// The -help example's interactions and input_pairs together, on the command's own test
// data: both proposed "decision-maker & mid-market", and the command failed with a
// duplicate rule ID of its own making.
func TestCalibrationInteractionsWithInputPairs(t *testing.T) {
	f := filepath.Join(t.TempDir(), "calibration.yaml")
	writeFile(t, f, "interactions: 10\ninput_pairs: 5\n")
	r := execute(t, "", "backtest", "-calibrate", "-folds", "2", "-calibration", f, "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
	if r.code != ExitOK {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
}
