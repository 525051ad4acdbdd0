package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/backtest"
)

// The reference model of the datasets' SOURCE.md files is a plain logistic regression with
// one-hot categoricals and standardised numerics, cross-validated in 5 stratified folds. It
// is reproduced here with the same machinery as everything else, to check the figures on
// equal terms: one neutral attribute rule per category (the most frequent category of each
// column is the baseline, as in dummy coding) and one value rule per numeric column, then
// backtest.Calibrate with every rule fitted (MinFired 1) and fine rounding (Step 0.1).
// Calibrate standardises the features internally, so the penalty acts on standardised
// coefficients, as in the reference.

// reference is the reference model's inputs: the outcome and the columns it reads.
type reference struct {
	outcome     func(t *table, row []string) (bool, error)
	categorical []string
	numeric     []string
}

// config returns the one-rule-per-category rule set and the cases, each lead carrying the
// raw columns in Traits (a missing number is 0).
func (ref reference) build(t *table) (leadscore.Config, []backtest.Case[leadscore.Lead], error) {
	cases := make([]backtest.Case[leadscore.Lead], len(t.rows))
	counts := make([]map[string]int, len(ref.categorical))
	for k := range counts {
		counts[k] = map[string]int{}
	}
	for i, row := range t.rows {
		y, err := ref.outcome(t, row)
		if err != nil {
			return leadscore.Config{}, nil, fmt.Errorf("%s: row %d: %w", t.path, i+2, err)
		}
		traits := map[string]any{}
		for k, col := range ref.categorical {
			v := t.str(row, col)
			traits[col] = v
			counts[k][v]++
		}
		for _, col := range ref.numeric {
			v, _ := t.num(row, col)
			traits[col] = v
		}
		cases[i] = backtest.Case[leadscore.Lead]{Lead: leadscore.Lead{Traits: traits}, Cutoff: xeducationCutoff, Converted: y}
	}
	cfg := leadscore.Config{Name: "reference"}
	for k, col := range ref.categorical {
		values := make([]string, 0, len(counts[k]))
		for v := range counts[k] {
			values = append(values, v)
		}
		// Most frequent first (ties by value): it is the baseline and gets no rule.
		slices.SortFunc(values, func(a, b string) int {
			if c := counts[k][b] - counts[k][a]; c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
		for _, v := range values[1:] {
			cfg.Rules = append(cfg.Rules, leadscore.Rule{
				ID: col + " = " + strconv.Quote(v), Dimension: leadscore.Fit,
				When: fmt.Sprintf("lead.Traits[%s] == %s", strconv.Quote(col), strconv.Quote(v)),
			})
		}
	}
	for _, col := range ref.numeric {
		cfg.Rules = append(cfg.Rules, leadscore.Rule{
			ID: col, Dimension: leadscore.Fit, Value: fmt.Sprintf("float(lead.Traits[%s])", strconv.Quote(col)),
		})
	}
	return cfg, cases, nil
}

// heldOutAUC returns the reference model's 5-fold held-out AUC.
func (ref reference) heldOutAUC(t *table, opts backtest.CalibrateOptions) (float64, int, error) {
	cfg, cases, err := ref.build(t)
	if err != nil {
		return 0, 0, err
	}
	opts.MinFired, opts.Step = 1, 0.1
	// A plain logistic regression: none of the options that shape the points.
	opts.Expect, opts.TierRates, opts.ShrinkBelow, opts.Progress, opts.Bin, opts.Interactions = nil, nil, 0, nil, nil, 0
	opts.InputPairs, opts.Columns, opts.PairBins, opts.PairLambda = 0, nil, 0, 0
	// Standardised numerics, as the reference of SOURCE.md: the penalty on standardised
	// coefficients (a raw one would depend on each number's units).
	opts.Penalty = backtest.StandardisedPenalty
	_, rep, err := backtest.Calibrate(cfg, cases, opts)
	if err != nil {
		return 0, 0, err
	}
	return rep.HeldOutAUC, len(cfg.Rules), nil
}
