package backtest_test

import (
	"fmt"
	"log"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/backtest"
)

// history returns 400 past leads of a made-up business: executives and leads who viewed the
// pricing page convert more often; a free-mail address says nothing, though the rule set
// below penalises it.
func history() []backtest.Case[leadscore.Lead] {
	cutoff := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var cases []backtest.Case[leadscore.Lead]
	for i := range 400 {
		lead := leadscore.Lead{Title: "Engineer", Email: fmt.Sprintf("lead%d@corp.example", i)}
		if i%3 == 0 {
			lead.Title = "CEO"
		}
		if i%2 == 0 {
			lead.Email = fmt.Sprintf("lead%d@gmail.com", i)
		}
		var events []leadscore.Event
		views := i % 5
		for k := range views {
			events = append(events, leadscore.Event{Type: "page_view", Path: "/pricing", Time: cutoff.Add(-time.Duration(k+1) * 24 * time.Hour)})
		}
		// The conversion the score should predict, and the purchase it led to: after the
		// cutoff, so Score ignores it.
		odds := 0.25 * float64((1+3*b2i(lead.Title == "CEO"))*(1+views))
		converted := uniform(i) < odds/(1+odds)
		if converted {
			events = append(events, leadscore.Event{Type: "purchase", Time: cutoff.Add(48 * time.Hour)})
		}
		cases = append(cases, backtest.Case[leadscore.Lead]{Lead: lead, Events: events, Cutoff: cutoff, Converted: converted})
	}
	return cases
}

// uniform is a fixed pseudo-random number in [0, 1) for i: Fibonacci hashing.
func uniform(i int) float64 { return float64((uint64(i+1)*0x9E3779B97F4A7C15)>>11) / (1 << 53) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func rules() leadscore.Config {
	return leadscore.Config{
		Rules: []leadscore.Rule{
			{ID: "exec", Dimension: leadscore.Fit, When: `seniority(lead.Title) == "c_level"`, Points: 10, Reason: "executive"},
			{ID: "free-mail", Dimension: leadscore.Fit, When: `free_email(lead.Email)`, Points: -20, Reason: "free-mail address"},
		},
		Events: []leadscore.EventRule{
			{ID: "pricing", On: []string{"page_view"}, When: `event.Path == "/pricing"`, Points: 5, HalfLife: leadscore.Duration(14 * 24 * time.Hour), Max: 15},
			{ID: "purchase", On: []string{"purchase"}, Points: 100},
		},
		Tiers: []leadscore.Tier{{Name: "hot", Min: leadscore.Float(15), Handoff: true}, {Name: "cold"}},
	}
}

// Replay history through a rule set and measure it.
func ExampleEvaluate() {
	scorer, err := leadscore.Compile[leadscore.Lead](rules())
	if err != nil {
		log.Fatal(err)
	}
	// Score each lead as it was at its Cutoff: the purchases after it are not seen.
	samples, err := backtest.Score(scorer, history())
	if err != nil {
		log.Fatal(err)
	}
	report, err := backtest.Evaluate(samples)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("AUC %.3f\n", report.AUC)
	fmt.Printf("hand-off: %d leads, precision %.2f, recall %.2f\n", report.Handoff.Leads, report.Handoff.Precision, report.Handoff.Recall)
	for _, t := range report.Tiers {
		fmt.Printf("%s: %d leads convert at %.2f\n", t.Tier, t.Leads, t.ConversionRate)
	}
	// Output:
	// AUC 0.621
	// hand-off: 67 leads, precision 0.72, recall 0.24
	// hot: 67 leads convert at 0.72
	// cold: 333 leads convert at 0.46
}

// Learn points from history: the same rules, with the points the outcomes support.
func ExampleCalibrate() {
	cfg, report, err := backtest.Calibrate(rules(), history(), backtest.CalibrateOptions{
		PointsToDouble: 20, // every 20 points double the odds of converting
		Folds:          5,
		Seed:           1,
	})
	if err != nil {
		log.Fatal(err)
	}
	// The purchase rule never fires before a cutoff, so the data say nothing about it and
	// its points are kept.
	for _, r := range report.Rules {
		fmt.Printf("%-9s %4g → %g\n", r.RuleID, r.Before, r.Points)
	}
	fmt.Printf("hot from %g points\n", *cfg.Tiers[0].Min)
	fmt.Printf("AUC %.2f before, %.2f calibrated on held-out folds\n", report.BeforeAUC, report.HeldOutAUC)
	// Output:
	// exec        10 → 40
	// free-mail  -20 → 0
	// pricing      5 → 14
	// purchase   100 → 100
	// hot from 66 points
	// AUC 0.62 before, 0.71 calibrated on held-out folds
}

func ExampleAUC() {
	scores := []float64{0.1, 0.4, 0.35, 0.8}
	converted := []bool{false, false, true, true}
	auc, _ := backtest.AUC(scores, converted)
	fmt.Println(auc)
	// Output: 0.75
}

func ExampleStratifiedKFold() {
	converted := []bool{true, false, false, true, false, false, true, false, false, false}
	folds, err := backtest.StratifiedKFold(converted, 3, 1)
	if err != nil {
		log.Fatal(err)
	}
	for i, held := range folds {
		fmt.Println("fold", i, "tests on", held, "trains on", folds.Train(i))
	}
	// Output:
	// fold 0 tests on [0 1 5 9] trains on [2 3 4 6 7 8]
	// fold 1 tests on [2 6 8] trains on [0 1 3 4 5 7 9]
	// fold 2 tests on [3 4 7] trains on [0 1 2 5 6 8 9]
}
