package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/backtest"
)

// datasetsDir returns the shared datasets folder (LEADSCORE_DATASETS, or ../shared/datasets
// beside the repository), skipping the test when it is absent.
func datasetsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LEADSCORE_DATASETS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "datasets")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no datasets folder at %s (set LEADSCORE_DATASETS): %v", dir, err)
	}
	return dir
}

// The goals of BACKTEST.md, on held-out folds, while remaining a points table whose signs
// keep the team's expectations: X Education within 0.005 of gradient-boosted trees, the
// online shoppers without PageValues near what BACKTEST.md records (shoppersGoal; the
// trees are 0.005 ahead there). These run the full calibration, X Education in about ten
// seconds, the shoppers' (with thresholds and grids of pairs chosen in every fold) in about
// two minutes, skipped with -short; under the race detector (ten times slower) all are
// skipped: the backtest package's own tests cover its concurrency.
func TestGoals(t *testing.T) {
	dir := datasetsDir(t)
	if raceEnabled {
		t.Skip("the real-data goals take minutes under -race; run them without it")
	}
	for _, tc := range []struct {
		name   string
		load   func(string) ([]backtest.Case[leadscore.Lead], error)
		rules  func([]backtest.Case[leadscore.Lead]) leadscore.Config
		opts   func(leadscore.Config) backtest.CalibrateOptions
		minAUC float64 // the goal: gradient-boosted trees (BACKTEST.md) − 0.005
		minRaw float64 // the hand-written rule set is better than chance
		long   bool    // skipped with -short
	}{
		{"X Education", loadXEducation, func([]backtest.Case[leadscore.Lead]) leadscore.Config { return xeducationRules() },
			func(leadscore.Config) backtest.CalibrateOptions { return xeducationOptions(calibrateOptions(1)) }, 0.871 - 0.005, 0.70, false},
		{"online shoppers without PageValues", loadShoppers, func(c []backtest.Case[leadscore.Lead]) leadscore.Config { return shoppersCalibrated(false, c) },
			func(cfg leadscore.Config) backtest.CalibrateOptions {
				return shoppersOptions(calibrateOptions(1), false, cfg)
			}, shoppersGoal, 0.65, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.long && testing.Short() {
				t.Skip("about two minutes: run without -short")
			}
			cases, err := tc.load(dir)
			if err != nil {
				t.Fatal(err)
			}
			rules := tc.rules(cases)
			opts := tc.opts(rules)
			m, err := measure(rules, cases, opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("hand-written %.3f, calibrated %.3f held out (folds %.3f)", m.before.AUC, m.calibration.HeldOutAUC, m.calibration.FoldAUC)
			if m.before.AUC < tc.minRaw {
				t.Errorf("hand-written AUC %.3f, want ≥ %v", m.before.AUC, tc.minRaw)
			}
			if m.calibration.HeldOutAUC < tc.minAUC {
				t.Errorf("calibrated held-out AUC %.3f, want ≥ %v\n%s", m.calibration.HeldOutAUC, tc.minAUC, m.calibration)
			}
			// Still an explainable points table: the same rules, the ones Calibrate added
			// and the base score, each with whole points, none against its expected sign.
			added := 0
			for _, f := range m.calibration.Rules {
				if f.Added {
					added++
				}
				switch want := opts.Expect[f.RuleID].Sign; {
				case want == backtest.Positive && f.Points < 0, want == backtest.Negative && f.Points > 0:
					t.Errorf("rule %s: %v points, against its expected sign (%v)", f.RuleID, f.Points, want)
				}
			}
			if got, want := len(m.config.Rules)+len(m.config.Events), len(rules.Rules)+len(rules.Events)+added+1; got != want {
				t.Errorf("%d rules after calibration, want %d (the rules, %d added and the base score)", got, want, added)
			}
			for _, r := range m.config.Rules {
				if r.Value == "" && r.Points != float64(int(r.Points)) {
					t.Errorf("rule %s: %v points, want whole points", r.ID, r.Points)
				}
			}
		})
	}
}

func TestXEducationMapping(t *testing.T) {
	cases, err := loadXEducation(datasetsDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 9240 {
		t.Fatalf("%d leads, want 9240", len(cases))
	}
	converted := 0
	for _, c := range cases {
		if c.Converted {
			converted++
		}
		for _, ev := range c.Events {
			if !ev.Time.Before(c.Cutoff) {
				t.Fatalf("lead %s: event %s at the cutoff or after", c.Lead.ID, ev.Type)
			}
		}
		for _, leaky := range []string{"Tags", "Lead Quality", "Lead Profile", "Last Activity"} {
			if _, ok := c.Lead.Traits[leaky]; ok {
				t.Fatalf("lead %s carries the leaky column %q", c.Lead.ID, leaky)
			}
		}
	}
	if converted != 3561 {
		t.Errorf("%d converted, want 3561 (SOURCE.md)", converted)
	}
	// The first row: API, Olark Chat, no visits, Unemployed.
	first := cases[0]
	types := map[string]int{}
	for _, ev := range first.Events {
		types[ev.Type]++
	}
	if first.Lead.Source != "chat" || first.Lead.Occupation != "Unemployed" || types["identify"] != 1 || types["question"] != 1 || types["visit"] != 0 {
		t.Errorf("first lead = %+v, events %v", first.Lead, types)
	}
	// The second: 5 visits, 2.5 pages a visit, 674 seconds.
	types = map[string]int{}
	for _, ev := range cases[1].Events {
		types[ev.Type]++
	}
	if types["visit"] != 5 || types["page_view"] != 13 || types["engaged_minute"] != 11 || types["form_submit"] != 0 {
		t.Errorf("second lead's events = %v", types)
	}
}

func TestShoppersMapping(t *testing.T) {
	cases, err := loadShoppers(datasetsDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 12330 {
		t.Fatalf("%d sessions, want 12330", len(cases))
	}
	converted := 0
	months := map[any]bool{}
	for _, c := range cases {
		if c.Converted {
			converted++
		}
		months[c.Lead.Traits["month"]] = true
	}
	if converted != 1908 {
		t.Errorf("%d converted, want 1908 (SOURCE.md)", converted)
	}
	if months["June"] || !months["Jun"] {
		t.Error(`"June" not read as "Jun"`)
	}
	// Every rule of both rule sets compiles and runs without a rule error on real sessions.
	for _, withPV := range []bool{false, true} {
		s, err := leadscore.Compile[leadscore.Lead](shoppersRules(withPV))
		if err != nil {
			t.Fatal(err)
		}
		samples, err := backtest.Score(s, cases[:500])
		if err != nil {
			t.Fatal(err)
		}
		for i, smp := range samples {
			if len(smp.Result.Errors) > 0 {
				t.Fatalf("session %d: %v", i, smp.Result.Errors[0])
			}
		}
	}
}

func TestMissingDatasetIsAnError(t *testing.T) {
	_, err := loadXEducation(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "Leads.csv") {
		t.Errorf("err = %v, want one naming Leads.csv", err)
	}
}
