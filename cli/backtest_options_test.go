package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// -calibration reads what a team states before the data speak: a sign held by Expect shows in
// the report as held, a binned number adds its threshold rules, and the same file in JSON
// gives the same report.
func TestBacktestCalibrationFile(t *testing.T) {
	dir := t.TempDir()
	yamlFile := filepath.Join(dir, "calibration.yaml")
	writeFile(t, yamlFile, `# what we know before the data speak
expect:
  free-mail: {sign: positive, why: we sell to freelancers}
  demo: {sign: positive, why: a demo request is a buying signal}
shrink_below: 1
bin:
  - {id: employees, value: lead.Company.Employees, sign: positive, bins: 3, dimension: fit, reason: employees}
input_pairs: 1
`)
	jsonFile := filepath.Join(dir, "calibration.json")
	writeFile(t, jsonFile, `{"expect": {"free-mail": {"sign": "positive", "why": "we sell to freelancers"},
 "demo": {"sign": "positive", "why": "a demo request is a buying signal"}},
 "shrink_below": 1,
 "bin": [{"id": "employees", "value": "lead.Company.Employees", "sign": "positive", "bins": 3, "dimension": "fit", "reason": "employees"}],
 "input_pairs": 1}`)
	var outs []string
	for _, f := range []string{yamlFile, jsonFile} {
		r := execute(t, "", "backtest", "-calibrate", "-folds", "2", "-calibration", f, "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", f, r.code, r.stderr)
		}
		for _, want := range []string{
			`(?m)^free-mail +−10 → 0 +37 +35\.1% +held at 0: expected positive \(we sell to freelancers\)`,
			`(?m)^employees ≥ 200 +new → `, `(?m)^employees ≥ 100 & free-mail +new → `, `1 rule\(s\) held at 0 points`,
		} {
			if !regexp.MustCompile(want).MatchString(r.stdout) {
				t.Errorf("%s: the report does not match %q:\n%s", f, want, r.stdout)
			}
		}
		outs = append(outs, r.stdout)
	}
	if outs[0] != outs[1] {
		t.Errorf("YAML and JSON give different reports:\n%s\n----\n%s", outs[0], outs[1])
	}
	// Without the file the free-mail rule keeps a negative weight and nothing is binned: the
	// file is what held it and added the thresholds.
	r := execute(t, "", "backtest", "-calibrate", "-folds", "2", "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
	if r.code != ExitOK || strings.Contains(r.stdout, "held at 0") || strings.Contains(r.stdout, "employees ≥") || !regexp.MustCompile(`(?m)^free-mail +−10 → −22 `).MatchString(r.stdout) {
		t.Fatalf("exit %d, stdout:\n%s", r.code, r.stdout)
	}
}

// penalty and pair_lambda reach the fit: a huge pair_lambda holds the grid's rules at 0
// points, and a raw penalty gives other points than the default, standardised one.
func TestBacktestCalibrationPenalty(t *testing.T) {
	dir := t.TempDir()
	run := func(extra string) string {
		t.Helper()
		f := filepath.Join(dir, "calibration.yaml")
		writeFile(t, f, "bin:\n  - {id: employees, value: lead.Company.Employees, sign: positive, bins: 3, dimension: fit}\ninput_pairs: 1\n"+extra)
		r := execute(t, "", "backtest", "-calibrate", "-folds", "2", "-calibration", f, "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
		if r.code != ExitOK {
			t.Fatalf("%q: exit %d\n%s", extra, r.code, r.stderr)
		}
		return r.stdout
	}
	grid := regexp.MustCompile(`(?m)^employees ≥ 100 & free-mail +new → (\S+) `)
	plain := run("")
	if m := grid.FindStringSubmatch(plain); m == nil || m[1] == "0" {
		t.Fatalf("without pair_lambda the grid rule should have points:\n%s", plain)
	}
	if held := run("pair_lambda: 1000000\n"); !regexp.MustCompile(`(?m)^employees ≥ 100 & free-mail +new → 0 `).MatchString(held) {
		t.Errorf("pair_lambda 1000000: the grid rule should get 0 points:\n%s", held)
	}
	if raw := run("penalty: raw\n"); raw == plain {
		t.Errorf("penalty: raw gives the same report as the default penalty:\n%s", raw)
	}
	if std := run("penalty: standardised\n"); std != plain {
		t.Errorf("penalty: standardised differs from the default:\n%s\n----\n%s", std, plain)
	}
}

// Every mistake in the file is reported at its line and column, all at once, with the name
// probably meant.
func TestBacktestCalibrationFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, file string
		want       []string
	}{
		{"unknown key", "shrink_belwo: 1\n", []string{`calibration.yaml:1:1: unknown field "shrink_belwo"`, `(did you mean "shrink_below"?)`}},
		{"unknown rule and sign", "expect:\n  free-mial: {sign: positive}\n  demo: {sign: postive}\n",
			[]string{`calibration.yaml:2:14: expect.free-mial: no rule "free-mial" in the rule set (did you mean "free-mail"?)`,
				`calibration.yaml:3:16: expect.demo.sign: "postive" is not a sign: positive, negative or any (did you mean "positive"?)`}},
		{"missing sign", "expect:\n  demo: {why: demos}\n", []string{`calibration.yaml:2:9: expect.demo: say the sign`}},
		{"bins", "bin:\n  - {id: demo, value: lead.Company.Employees, bins: 1, dimension: fitt}\n  - {value: '1'}\n",
			[]string{`calibration.yaml:2:10: bin[0].id: id "demo" is taken`, `calibration.yaml:2:53: bin[0].bins: bins 1: at least 2`,
				`bin[0].dimension: unknown dimension "fitt": fit, engagement or relationship (did you mean "fit"?)`,
				`calibration.yaml:3:5: bin[1]: a binned input needs an id`}},
		{"numbers", "lambda: -1\ninteractions: -2\npair_bins: 1\n", []string{`calibration.yaml:1:9: lambda: lambda -1: want more than 0`,
			`calibration.yaml:2:15: interactions: interactions -2: want the most pairs`, `calibration.yaml:3:12: pair_bins: pair_bins 1: want 2 or more`}},
		{"penalty", "penalty: rwa\npair_lambda: -1\n", []string{`calibration.yaml:1:10: penalty: "rwa" is not a penalty: standardised or raw (did you mean "raw"?)`,
			`calibration.yaml:2:14: pair_lambda: pair_lambda -1: want more than 0`}},
		{"columns", "columns:\n  who: [decision-maker, mid-markt]\n",
			[]string{`calibration.yaml:2:25: columns.who[1]: no attribute rule "mid-markt" in the rule set (did you mean "mid-market"?)`}},
		{"free with a sign", "bin:\n  - {id: age, value: lead.Age, free: true, sign: positive}\n",
			[]string{`bin[0].free: a free shape keeps no direction: give free or a sign, not both`}},
		{"wrong type", "interactions: many\n", []string{"calibration.yaml:1:15: interactions:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(dir, "calibration.yaml")
			writeFile(t, f, tc.file)
			r := execute(t, "", "backtest", "-calibrate", "-folds", "2", "-calibration", f, "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
			if r.code != ExitBadInput {
				t.Fatalf("exit %d, want %d\n%s", r.code, ExitBadInput, r.stderr)
			}
			got := strings.ReplaceAll(r.stderr, dir+string(filepath.Separator), "")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("stderr lacks %q:\n%s", w, got)
				}
			}
		})
	}
	r := execute(t, "", "backtest", "-calibration", "x.yaml", "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
	if r.code != ExitBadInput || !strings.Contains(r.stderr, "-calibration sets how the points are calibrated: add -calibrate") {
		t.Errorf("without -calibrate: exit %d, stderr %s", r.code, r.stderr)
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
