// Command backtest measures hand-written rule sets against real outcomes and calibrates them.
// It maps public datasets of leads and shop sessions into leadscore Leads and Events, scores
// them point-in-time with a rule set written by hand from the domain notes, and prints the rule
// set's ROC AUC, hand-off, tiers and lift table; then it learns points from the outcomes
// with backtest.Calibrate and prints the points table, its 5-fold held-out AUC and the same
// tables for the calibrated rule set, beside the AUC of a plain logistic regression (the
// datasets' reference model).
//
// Usage, from the repository root:
//
//	go run ./examples/backtest                  # datasets in ../shared/datasets
//	go run ./examples/backtest -data DIR        # or elsewhere
//	go run ./examples/backtest -only shoppers   # one dataset: xeducation or shoppers
//	go run ./examples/backtest -charts docs     # also write lift and calibration charts (SVG)
//
// For each calibration it prints first the report a marketer reads (CalibrationReport.Summary:
// per rule its points before and after, the leads it touches, how many of them converted, and
// why), then the statistics (CalibrationReport.String). Progress goes to stderr.
//
// The X Education data have no licence: they are read in place and never copied. BACKTEST.md
// holds the figures and what they mean.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/backtest"
)

func main() {
	data := flag.String("data", "../shared/datasets", "the datasets folder")
	only := flag.String("only", "", "run one dataset only: xeducation or shoppers")
	seed := flag.Uint64("seed", 1, "seed of the cross-validation folds")
	charts := flag.String("charts", "", "write each calibration's lift and calibration charts as SVG files into this folder")
	flag.Parse()
	log.SetFlags(0)
	if *charts != "" {
		if err := os.MkdirAll(*charts, 0o755); err != nil {
			log.Fatal(err)
		}
	}
	chartsDir = *charts

	var summary []row
	for _, d := range datasets {
		if *only != "" && *only != d.name {
			continue
		}
		rows, err := d.run(os.Stdout, *data, calibrateOptions(*seed))
		if err != nil {
			log.Fatalf("%s: %v", d.name, err)
		}
		summary = append(summary, rows...)
	}
	if len(summary) == 0 {
		log.Fatalf("no dataset named %q (want xeducation or shoppers)", *only)
	}
	fmt.Println("# Summary: ROC AUC (trees: BACKTEST.md; reference: plain logistic regression, one-hot categoricals)")
	fmt.Println()
	printSummary(os.Stdout, summary)
}

// calibrateOptions are the options every calibration here uses: 5 stratified folds, 20
// points to double the odds, a total of 50 meaning even odds, and a rule whose effect is
// smaller than its uncertainty (within one standard error of 0) set to 0 points.
func calibrateOptions(seed uint64) backtest.CalibrateOptions {
	return backtest.CalibrateOptions{Folds: 5, Seed: seed, PointsToDouble: 20, BaseScore: 50, BaseOdds: 1, ShrinkBelow: 1}
}

// chartsDir is the -charts folder; empty: no charts.
var chartsDir string

// progress returns a Progress callback that tells stderr how far the calibration of name is.
func progress(name string) func(done, total int) {
	return func(done, total int) {
		log.Printf("%s: calibrated %d of %d fits", name, done, total)
	}
}

// writeCharts writes rep's lift and calibration charts into chartsDir as slug-lift.svg and
// slug-calibration.svg.
func writeCharts(slug string, rep backtest.CalibrationReport) error {
	if chartsDir == "" {
		return nil
	}
	for _, c := range []struct {
		name  string
		write func(io.Writer) error
	}{{"lift", rep.LiftChart}, {"calibration", rep.CalibrationChart}} {
		var b strings.Builder
		if err := c.write(&b); err != nil {
			return err
		}
		path := filepath.Join(chartsDir, slug+"-"+c.name+".svg")
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return err
		}
		log.Printf("wrote %s", path)
	}
	return nil
}

type dataset struct {
	name string
	run  func(w io.Writer, dir string, opts backtest.CalibrateOptions) ([]row, error)
}

var datasets = []dataset{
	{name: "xeducation", run: runXEducation},
	{name: "shoppers", run: runShoppers},
}

// row is one line of the summary.
type row struct {
	dataset                  string
	rules                    int
	before, heldOut          float64 // the hand-written rule set; the calibrated one, 5-fold held out
	reference, referenceGoal float64 // reproduced here; quoted by SOURCE.md
	referenceRules           int
	trees                    float64 // gradient-boosted trees, by backtest/reference/trees.py (BACKTEST.md)
}

// printSummary prints the summary as a Markdown table, ready for BACKTEST.md.
func printSummary(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| dataset | rules | hand-written | calibrated, 5-fold held out | gradient-boosted trees | reference (SOURCE.md) | reference reproduced, 5-fold |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %d | %.3f | **%.3f** | %.3f | %.3f | %.3f (%d rules) |\n", r.dataset, r.rules, r.before, r.heldOut, r.trees, r.referenceGoal, r.reference, r.referenceRules)
	}
}

// measured is one rule set scored, calibrated, and the calibrated rule set scored.
type measured struct {
	before      backtest.Report
	calibration backtest.CalibrationReport
	config      leadscore.Config
	after       backtest.Report
}

// measure scores cases with cfg and evaluates it, calibrates it, and evaluates the
// calibrated rule set on the same cases (in-sample: the held-out figure is in the
// calibration report).
func measure[L any](cfg leadscore.Config, cases []backtest.Case[L], opts backtest.CalibrateOptions) (measured, error) {
	var m measured
	before, err := evaluate(cfg, cases)
	if err != nil {
		return m, err
	}
	m.before = before
	if m.config, m.calibration, err = backtest.Calibrate(cfg, cases, opts); err != nil {
		return m, err
	}
	m.after, err = evaluate(m.config, cases)
	return m, err
}

func evaluate[L any](cfg leadscore.Config, cases []backtest.Case[L]) (backtest.Report, error) {
	s, err := leadscore.Compile[L](cfg)
	if err != nil {
		return backtest.Report{}, err
	}
	samples, err := backtest.Score(s, cases)
	if err != nil {
		return backtest.Report{}, err
	}
	for i, smp := range samples {
		if len(smp.Result.Errors) > 0 { // a mapping or rule bug: fail loudly
			return backtest.Report{}, fmt.Errorf("case %d: rule error: %v", i, smp.Result.Errors[0])
		}
	}
	return backtest.Evaluate(samples)
}

func (m measured) print(w io.Writer, title string) {
	fmt.Fprintf(w, "## %s: the hand-written rule set (%d rules)\n\n%s\n", title, len(m.calibration.Rules), indent(m.before.String()))
	fmt.Fprintf(w, "## %s: what the outcomes say\n\n%s\n", title, indent(m.calibration.Summary()))
	fmt.Fprintf(w, "## %s: calibration, the statistics\n\n%s\n", title, indent(m.calibration.String()))
	fmt.Fprintf(w, "## %s: the calibrated rule set, in-sample\n\n%s\n", title, indent(m.after.String()))
}

// indent indents the non-empty lines of s by four spaces (a Markdown code block).
func indent(s string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if strings.TrimSpace(line) != "" {
			b.WriteString("    ")
		}
		b.WriteString(line)
	}
	return b.String()
}

func runXEducation(w io.Writer, dir string, opts backtest.CalibrateOptions) ([]row, error) {
	cases, err := loadXEducation(dir)
	if err != nil {
		return nil, err
	}
	cfg := xeducationRules()
	opts = xeducationOptions(opts)
	opts.Progress = progress("X Education")
	log.Printf("X Education: %d leads, calibrating", len(cases))
	m, err := measure(cfg, cases, opts)
	if err != nil {
		return nil, err
	}
	if err := writeCharts("xeducation", m.calibration); err != nil {
		return nil, err
	}
	t, err := readCSV(filepath.Join(dir, "xeducation", "Leads.csv"), ',', xeducationColumns...)
	if err != nil {
		return nil, err
	}
	ref, refRules, err := xeducationReference.heldOutAUC(t, opts)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "# X Education: %d leads\n\n", len(cases))
	m.print(w, "X Education")
	return []row{{
		dataset: "X Education, without the sales team's columns",
		rules:   len(cfg.Rules) + len(cfg.Events), before: m.before.AUC, heldOut: m.calibration.HeldOutAUC,
		reference: ref, referenceGoal: 0.865, referenceRules: refRules, trees: 0.871,
	}}, nil
}

func runShoppers(w io.Writer, dir string, opts backtest.CalibrateOptions) ([]row, error) {
	cases, err := loadShoppers(dir)
	if err != nil {
		return nil, err
	}
	t, err := readCSV(filepath.Join(dir, "online-shoppers", "online_shoppers_intention.csv"), ',', shoppersColumns...)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "# Online shoppers: %d sessions\n\n", len(cases))
	var rows []row
	for _, withPV := range []bool{false, true} {
		cfg := shoppersCalibrated(withPV, cases)
		slug := "shoppers"
		if withPV {
			slug = "shoppers-page-values"
		}
		opts := shoppersOptions(opts, withPV, cfg)
		opts.Progress = progress(slug)
		log.Printf("%s: %d sessions, calibrating", slug, len(cases))
		m, err := measure(cfg, cases, opts)
		if err != nil {
			return nil, err
		}
		if err := writeCharts(slug, m.calibration); err != nil {
			return nil, err
		}
		ref, refRules, err := shoppersReference(withPV).heldOutAUC(t, opts)
		if err != nil {
			return nil, err
		}
		title, name, goal, trees := "Online shoppers without PageValues", "online shoppers without PageValues", 0.749, 0.780
		if withPV {
			title, name, goal, trees = "Online shoppers with PageValues", "online shoppers with PageValues", 0.893, 0.931
		}
		m.print(w, title)
		rows = append(rows, row{
			dataset: name, rules: len(cfg.Rules) + len(cfg.Events), before: m.before.AUC,
			heldOut: m.calibration.HeldOutAUC, reference: ref, referenceGoal: goal, referenceRules: refRules, trees: trees,
		})
	}
	return rows, nil
}
