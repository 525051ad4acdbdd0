// Command backtest measures hand-written rule sets against real outcomes and calibrates them.
// It maps public datasets of leads and shop sessions into leadscore Leads and Events, scores
// them point-in-time with a rule set written by hand from DOMAIN.md, and prints the rule
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
	flag.Parse()
	log.SetFlags(0)

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
	fmt.Println("# Summary: ROC AUC (reference: plain logistic regression, one-hot categoricals)")
	fmt.Println()
	printSummary(os.Stdout, summary)
}

// calibrateOptions are the options every calibration here uses: 5 stratified folds, 20
// points to double the odds, and a total of 50 meaning even odds.
func calibrateOptions(seed uint64) backtest.CalibrateOptions {
	return backtest.CalibrateOptions{Folds: 5, Seed: seed, PointsToDouble: 20, BaseScore: 50, BaseOdds: 1}
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
}

// printSummary prints the summary as a Markdown table, ready for BACKTEST.md.
func printSummary(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| dataset | rules | hand-written | calibrated, 5-fold held out | reference (SOURCE.md) | reference reproduced, 5-fold |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %d | %.3f | **%.3f** | %.3f | %.3f (%d rules) |\n", r.dataset, r.rules, r.before, r.heldOut, r.referenceGoal, r.reference, r.referenceRules)
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
	fmt.Fprintf(w, "## %s: calibration\n\n%s\n", title, indent(m.calibration.String()))
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
	m, err := measure(cfg, cases, opts)
	if err != nil {
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
		reference: ref, referenceGoal: 0.865, referenceRules: refRules,
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
		cfg := shoppersRules(withPV)
		m, err := measure(cfg, cases, opts)
		if err != nil {
			return nil, err
		}
		ref, refRules, err := shoppersReference(withPV).heldOutAUC(t, opts)
		if err != nil {
			return nil, err
		}
		title, name, goal := "Online shoppers without PageValues", "online shoppers without PageValues", 0.749
		if withPV {
			title, name, goal = "Online shoppers with PageValues", "online shoppers with PageValues", 0.893
		}
		m.print(w, title)
		rows = append(rows, row{
			dataset: name, rules: len(cfg.Rules) + len(cfg.Events), before: m.before.AUC,
			heldOut: m.calibration.HeldOutAUC, reference: ref, referenceGoal: goal, referenceRules: refRules,
		})
	}
	return rows, nil
}
