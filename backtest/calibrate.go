package backtest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/text"
)

// CalibrateOptions tunes Calibrate. The zero value asks for the defaults.
type CalibrateOptions struct {
	// PointsToDouble is how many points double the odds of converting: the scorecard's
	// "points to double the odds" (PDO). Default 20.
	PointsToDouble float64
	// Lambda is the strength of the L2 penalty on the coefficients, standardised ones by
	// default (see Penalty; the inverse of scikit-learn's C). Default 1; it keeps
	// coefficients finite when a rule separates the outcomes perfectly and shrinks those of
	// rare rules. Use a tiny value such as 1e-9 for a practically unpenalised fit.
	Lambda float64
	// Penalty is which coefficients Lambda penalises. StandardisedPenalty (the default):
	// λ/2 Σ (βⱼ sⱼ)², sⱼ the standard deviation of rule j's feature, so that the penalty
	// does not depend on a feature's units; a rule that fires in a share q of the cases has
	// sⱼ² = q(1 − q), and a rare rule is hardly shrunk. RawPenalty: λ/2 Σ βⱼ², on the
	// coefficients in the features' own units (scikit-learn's LogisticRegression with
	// C = 1/λ on unscaled features), which shrinks a rule that fires in 2% of the cases
	// about 50 times as hard as the default and one that fires in half of them 4 times as
	// hard: the choice for a table of many rare 0/1 rules (thresholds, the cells of
	// InputPairs' grids), less so for event and value rules, whose coefficients are per
	// event or per unit of their Value and are shrunk by their units.
	Penalty Penalty
	// PairLambda is the strength of the penalty on the rules of InputPairs and Interactions,
	// in place of Lambda (with the same Penalty): a larger one shrinks the corrections a
	// pair makes to its inputs' points more than the points themselves, since the grids
	// hold many rules chosen on the same data. Default 0: Lambda; otherwise a positive
	// number.
	PairLambda float64
	// Folds is the number of stratified cross-validation folds. Default 5.
	Folds int
	// Seed seeds the shuffle that assigns cases to folds.
	Seed uint64
	// Step rounds suggested points to multiples of Step, at least a millionth of a point.
	// Default 1.
	Step float64
	// BaseScore and BaseOdds anchor the scale, as in a credit scorecard: when BaseOdds > 0,
	// the calibrated Config gets one more attribute rule, BaseRuleID in the fit dimension,
	// that always fires and is worth the points that make a total of BaseScore mean odds of
	// BaseOdds to 1 (BaseScore 50 with BaseOdds 1: a total of 50 converts half the time).
	// Without them (BaseOdds 0, the default) the rules are left as they are, and a total
	// of 0 means odds of e^Scale.LogOddsAtZero, usually well below 1.
	BaseScore, BaseOdds float64
	// MinFired is the evidence a rule needs to be fitted: a rule that fired, or did not
	// fire, in fewer than MinFired of the cases keeps its points, because a handful of
	// cases cannot tell its effect from noise (the default, standardised penalty hardly
	// shrinks a rare rule). Default 20; 1 fits every rule that varies at all.
	MinFired int

	// Expect states, by rule ID, the sign a rule's points must keep and why (the domain notes'
	// buying signals, say). The constraint acts during the fit: a rule whose points would
	// take the other sign is held at 0 points and the other rules are fitted around it, and
	// the report says which rules the constraint held (RuleFit.Constrained). An ID that is
	// not a rule of the set is an error.
	Expect map[string]Expectation
	// ShrinkBelow gives 0 points to a fitted rule whose effect is within ShrinkBelow
	// standard errors of 0, where the data cannot tell it from no effect (RuleFit.Shrunk);
	// the weakest such rule is set to 0 first and the others refitted, one at a time.
	// Default 0: off; 1 drops the rules whose effect is smaller than its uncertainty, 2 about
	// those not significant at 95%.
	ShrinkBelow float64
	// TierRates places tiers at the conversion rates a team chooses instead of keeping
	// their share of the leads: by tier name, the rate at which a lead scoring the tier's
	// Min converts, measured on held-out leads ("hot" 0.6: a lead that just reaches hot
	// converts 60% of the time, those above it more). Tiers not listed keep their share.
	// Each rate must lie strictly between 0 and 1, and each tier must have a Min.
	TierRates map[string]float64
	// Bin lists numeric inputs to cut into threshold rules chosen from the data (see
	// Binned): their rules are added to the rule set, fitted with the others, and reported
	// with RuleFit.Added. The thresholds are chosen again on each fold's training cases, so
	// the held-out AUC includes choosing them (nested cross-validation).
	Bin []Binned
	// Interactions is how many rules "A and B" Calibrate may add, each pairing two attribute
	// rules (with a condition, not a Value; thresholds of Bin included) whose joint firing
	// the rules alone explain worst on the training cases (a score test), chosen again on
	// each fold's training cases. Default 0: none.
	Interactions int
	// InputPairs is how many pairs of inputs Calibrate may cross, the pairwise terms of a
	// GA2M: an input is a Binned input or an attribute rule with a condition (not a threshold
	// of Bin), and each chosen pair adds a grid of rules "A and B", one per threshold (or
	// rule) of A and of B, each with points of its own, so that the points of one input can
	// depend on the other (minutes on product pages count for more in one month). The pairs are
	// ranked by how much better one split of each would explain what the rules and
	// thresholds alone leave unexplained (GA2M's FAST screening), and chosen again on each
	// fold's training cases. Default 0: none.
	InputPairs int
	// PairBins is how many bins a Binned input is cut into for the grids of InputPairs, on
	// the training cases, whatever its direction. Default 4.
	PairBins int
	// Columns groups attribute rules into categorical inputs for InputPairs: by a column's
	// name, the IDs of its rules, typically one per value of a category (month == "Nov",
	// month == "Dec", …; the baseline value needs none). The column is then one input whose
	// steps are its rules, as a Binned input's steps are its thresholds: a grid crosses
	// every rule of the column with every step of the other input, and the screening ranks
	// the column as a whole (by its best split into one rule against the rest, or into the
	// rules whose cases the additive fit underrates most against the others, as a tree
	// splits a category), instead of each rule being an input of its own that pairs with
	// one other input at a time. Each ID must be an attribute rule of the set with a
	// condition (not a Value, not a threshold of Bin), in one column at most. The rules keep
	// their own points; only the pairs see the grouping. Default: no columns.
	Columns map[string][]string
	// Progress, when not nil, is called after each of the Folds+1 fits with the number of
	// fits done and the total, so that a long run can show it is moving.
	Progress func(done, total int)
}

// minStep is the finest Step: a millionth of a point (finer steps round nothing, and
// dividing by them overflows).
const minStep = 1e-6

func (o CalibrateOptions) withDefaults() (CalibrateOptions, error) {
	if o.PointsToDouble == 0 {
		o.PointsToDouble = 20
	}
	if o.Lambda == 0 {
		o.Lambda = 1
	}
	if o.Folds == 0 {
		o.Folds = 5
	}
	if o.Step == 0 {
		o.Step = 1
	}
	if o.MinFired == 0 {
		o.MinFired = 20
	}
	if o.PairBins == 0 {
		o.PairBins = 4
	}
	switch {
	case !(o.PointsToDouble > 0) || math.IsInf(o.PointsToDouble, 0):
		return o, fmt.Errorf("backtest: PointsToDouble %v: want a positive number", o.PointsToDouble)
	case !(o.Lambda > 0) || math.IsInf(o.Lambda, 0):
		return o, fmt.Errorf("backtest: Lambda %v: want a positive number", o.Lambda)
	case o.Penalty != StandardisedPenalty && o.Penalty != RawPenalty:
		return o, fmt.Errorf("backtest: unknown Penalty %v: want StandardisedPenalty or RawPenalty", o.Penalty)
	case !(o.PairLambda >= 0) || math.IsInf(o.PairLambda, 0):
		return o, fmt.Errorf("backtest: PairLambda %v: want a positive number (0: Lambda)", o.PairLambda)
	case !(o.Step >= minStep) || math.IsInf(o.Step, 0):
		return o, fmt.Errorf("backtest: Step %v: want a number of points ≥ %v", o.Step, minStep)
	case o.Folds < 2:
		return o, fmt.Errorf("backtest: %d folds: need at least 2", o.Folds)
	case !(o.BaseOdds >= 0) || math.IsInf(o.BaseOdds, 0) || math.IsNaN(o.BaseScore) || math.IsInf(o.BaseScore, 0):
		return o, fmt.Errorf("backtest: BaseScore %v, BaseOdds %v: want finite numbers, BaseOdds ≥ 0", o.BaseScore, o.BaseOdds)
	case o.MinFired < 0:
		return o, fmt.Errorf("backtest: MinFired %d: want a positive number", o.MinFired)
	case o.Interactions < 0:
		return o, fmt.Errorf("backtest: Interactions %d: want a number ≥ 0", o.Interactions)
	case o.InputPairs < 0:
		return o, fmt.Errorf("backtest: InputPairs %d: want a number ≥ 0", o.InputPairs)
	case o.PairBins < 2:
		return o, fmt.Errorf("backtest: PairBins %d: want 2 or more (0: the default)", o.PairBins)
	case !(o.ShrinkBelow >= 0) || math.IsInf(o.ShrinkBelow, 0):
		return o, fmt.Errorf("backtest: ShrinkBelow %v: want a number ≥ 0", o.ShrinkBelow)
	}
	for name, r := range o.TierRates {
		if !(r > 0 && r < 1) {
			return o, fmt.Errorf("backtest: TierRates[%q] %v: want a rate strictly between 0 and 1", name, r)
		}
	}
	for id, e := range o.Expect {
		if e.Sign < AnySign || e.Sign > Negative {
			return o, fmt.Errorf("backtest: Expect[%q]: unknown sign %v", id, e.Sign)
		}
	}
	return o, nil
}

// Check reports what Calibrate would refuse in o for the rule set cfg before it starts:
// a number out of range, an option naming a rule or tier cfg does not have, a column or
// binned input that cannot be. A mistake inside Columns or Bin is an *OptionError, which
// says where it is. It is for tools that take options from a user (a file, a form) and
// want to say what is wrong before a long run.
func (o CalibrateOptions) Check(cfg leadscore.Config) error {
	o, err := o.withDefaults()
	if err != nil {
		return err
	}
	return o.checkAgainst(cfg)
}

// OptionError is a mistake in an element of CalibrateOptions.Columns or Bin.
type OptionError struct {
	Option string // "Columns" or "Bin"
	Key    string // the column's name (Columns)
	Index  int    // the element: the rule's position in the column, the input's in Bin; -1: the column as a whole
	Err    error
}

func (e *OptionError) Error() string {
	where := e.Option
	if e.Option == "Columns" {
		where += fmt.Sprintf("[%q]", e.Key)
	}
	if e.Index >= 0 {
		where += fmt.Sprintf("[%d]", e.Index)
	}
	return "backtest: " + where + ": " + e.Err.Error()
}

func (e *OptionError) Unwrap() error { return e.Err }

// checkAgainst checks that the options name rules and tiers cfg has.
func (o CalibrateOptions) checkAgainst(cfg leadscore.Config) error {
	ids := map[string]bool{}
	for _, r := range cfg.Rules {
		ids[r.ID] = true
	}
	for _, r := range cfg.Events {
		ids[r.ID] = true
	}
	for k, b := range o.Bin {
		fail := func(format string, args ...any) error {
			return &OptionError{Option: "Bin", Index: k, Err: fmt.Errorf(format, args...)}
		}
		switch {
		case b.ID == "" || b.Value == "":
			return fail("want an ID and a Value")
		case b.Bins < 0 || b.Bins == 1:
			return fail("%q: %d bins, want 2 or more (0: the default)", b.ID, b.Bins)
		case b.Sign < AnySign || b.Sign > Negative:
			return fail("%q: unknown sign %v", b.ID, b.Sign)
		case b.Free && b.Sign != AnySign:
			return fail("%q: Free with Sign %v: a free shape keeps no direction", b.ID, b.Sign)
		}
		for _, other := range o.Bin[:k] {
			if other.ID == b.ID {
				return fail("a second input %q", b.ID)
			}
		}
		for _, id := range sortedKeys(ids) {
			if strings.HasPrefix(id, b.ID+" ≥ ") {
				return fail("%q: the rule set already has a rule %q", b.ID, id)
			}
		}
	}
	for _, id := range sortedKeys(o.Expect) {
		if !ids[id] {
			return fmt.Errorf("backtest: Expect[%q]: the rule set has no rule %q", id, id)
		}
	}
	if err := o.checkColumns(cfg); err != nil {
		return err
	}
	tiers := map[string]bool{}
	for _, t := range cfg.Tiers {
		tiers[t.Name] = t.Min != nil
	}
	for _, name := range sortedKeys(o.TierRates) {
		if hasMin, ok := tiers[name]; !ok || !hasMin {
			return fmt.Errorf("backtest: TierRates[%q]: the rule set has no tier %q with a Min", name, name)
		}
	}
	return nil
}

// checkColumns checks that each rule of o.Columns is an attribute rule of cfg with a
// condition, not a threshold of Bin, and in one column only.
func (o CalibrateOptions) checkColumns(cfg leadscore.Config) error {
	rules := map[string]leadscore.Rule{}
	for _, r := range cfg.Rules {
		rules[r.ID] = r
	}
	in := map[string]string{}
	for _, name := range sortedKeys(o.Columns) {
		ids := o.Columns[name]
		fail := func(i int, format string, args ...any) error {
			return &OptionError{Option: "Columns", Key: name, Index: i, Err: fmt.Errorf(format, args...)}
		}
		if name == "" || len(ids) == 0 {
			return fail(-1, "want a name and at least one rule")
		}
		for i, id := range ids {
			r, ok := rules[id]
			switch {
			case !ok:
				return fail(i, "the rule set has no attribute rule %q", id)
			case r.When == "" || r.Value != "":
				return fail(i, "rule %q: want a rule with a condition and no Value", id)
			case in[id] == name:
				return fail(i, "rule %q is in the column twice", id)
			case in[id] != "":
				return fail(i, "rule %q is already in column %q", id, in[id])
			}
			for _, b := range o.Bin {
				if strings.HasPrefix(id, b.ID+" ≥ ") {
					return fail(i, "rule %q is a threshold of Bin %q", id, b.ID)
				}
			}
			in[id] = name
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Penalty is which coefficients the L2 penalty of CalibrateOptions.Lambda acts on.
type Penalty int8

const (
	StandardisedPenalty Penalty = iota // λ/2 Σ (βⱼ sⱼ)², sⱼ the feature's standard deviation
	RawPenalty                         // λ/2 Σ βⱼ², as scikit-learn's C = 1/λ on unscaled features
)

// String returns "standardised" or "raw", the words of ParsePenalty.
func (p Penalty) String() string {
	switch p {
	case StandardisedPenalty:
		return "standardised"
	case RawPenalty:
		return "raw"
	}
	return fmt.Sprintf("Penalty(%d)", int8(p))
}

// ParsePenalty reads a Penalty from the word String gives it: "standardised" (or
// "standardized") or "raw".
func ParsePenalty(s string) (Penalty, error) {
	switch s {
	case "standardised", "standardized":
		return StandardisedPenalty, nil
	case "raw":
		return RawPenalty, nil
	}
	return 0, fmt.Errorf("backtest: penalty %q: want standardised or raw", s)
}

// ridge returns the penalty of a fit of the p columns of features.
func (o CalibrateOptions) ridge(features []feature, p int) ridge {
	r := ridge{lambda: o.Lambda, raw: o.Penalty == RawPenalty}
	if o.PairLambda > 0 {
		r.column = make([]float64, p)
		for _, f := range features {
			if f.column >= 0 && f.pair {
				r.column[f.column] = o.PairLambda
			}
		}
	}
	return r
}

// BaseRuleID is the ID of the rule Calibrate adds to anchor the scale (CalibrateOptions.BaseOdds).
const BaseRuleID = "base-score"

// CalibrationReport is what Calibrate learned and how well it generalises.
type CalibrationReport struct {
	Rules []RuleFit // one per rule, attribute rules first, in rule-set order
	Tiers []TierFit // each tier's min before and after

	// Intercept is the log-odds of converting when no rule fires, and InterceptStdErr its
	// standard error.
	Intercept, InterceptStdErr float64
	// Scale reads the calibrated total as a probability.
	Scale Scale

	FoldAUC    []float64 // ROC AUC of the calibrated points on each held-out fold
	HeldOutAUC float64   // their mean: what to expect on leads the fit has not seen
	BeforeAUC  float64   // the input rule set on all cases
	AfterAUC   float64   // the calibrated rule set on all cases (in-sample, optimistic)

	// HeldOut ranks every case by the points of the fold that did not see it and splits
	// them into ten groups of (about) equal size, highest first: the lift and calibration
	// charts of what to expect on new leads. Before does the same with the input rule set.
	HeldOut, Before []Group

	Cases, Converted int
	Options          CalibrateOptions // with the defaults filled in
	Iterations       int              // Newton steps of the final fit
}

// RuleFit is one rule's fitted weight and the points it suggests.
type RuleFit struct {
	RuleID    string
	Dimension leadscore.Dimension
	// Kind is "attribute" (the feature is 1 when the rule fires), "value" (the feature is
	// the rule's Value) or "event" (the feature is the rule's decayed, capped event count).
	Kind  string
	Fired int // cases in which the rule contributed

	// Coefficient is the change in the log-odds of converting per unit of the feature, and
	// StdErr its standard error; both NaN when the rule was not fitted.
	Coefficient, StdErr float64
	// Before and Points are the rule's points before and after calibration; for a "value"
	// rule they are the factor its Value is multiplied by (Before is 1).
	Before, Points float64
	// Added is true for a threshold rule Calibrate added for a Binned input (Before is 0).
	Added bool
	// Fitted is false when the data cannot say anything about the rule — it never fired,
	// always fired, or its dimension has weight 0 — and its points were kept.
	Fitted bool
	// Converted counts the converted cases among the Fired ones.
	Converted int
	// Expect is the rule's stated expectation (CalibrateOptions.Expect); Constrained is true
	// when it held the rule at 0 points because the data pointed the other way.
	Expect      Expectation
	Constrained bool
	// Shrunk is true when the rule's effect was within ShrinkBelow standard errors of 0 and
	// it got 0 points. A rule held at 0 either way has a Coefficient of 0 and a NaN StdErr.
	Shrunk bool
}

// Group is one group of cases ranked by their totals (CalibrationReport.HeldOut).
type Group struct {
	Leads, Converted int
	// Predicted is the mean probability of converting the fitted points gave the group's
	// cases; NaN for the input rule set, which has no probability.
	Predicted float64
}

// TierFit is a tier's threshold before and after calibration.
type TierFit struct {
	Tier          string
	Before, After float64 // Min; NaN for a catch-all tier
	Share         float64 // share of the cases at or above Min after calibration
	Probability   float64 // the probability Scale gives a total of After
	// Rate is the conversion rate chosen for the tier's Min (CalibrateOptions.TierRates);
	// 0 when the tier kept its share.
	Rate float64
	// HeldOutLeads and HeldOutConverted count the cases whose held-out total falls in the
	// tier (at or above After, below the next tier up's): how the tier will do on new leads.
	HeldOutLeads, HeldOutConverted int
}

// Scale converts a calibrated total into a probability of converting, the way a credit
// scorecard is read: odds = e^LogOddsAtZero × 2^(total / PointsToDouble).
type Scale struct {
	PointsToDouble float64
	LogOddsAtZero  float64 // log-odds of converting at a total of 0
}

// Probability returns the probability of converting at total.
func (s Scale) Probability(total float64) float64 {
	return sigmoid(s.LogOddsAtZero + total*math.Ln2/s.PointsToDouble)
}

// Total returns the total at which the probability of converting is p, for 0 < p < 1: the
// threshold to give a tier that should convert at rate p.
func (s Scale) Total(p float64) float64 {
	return (math.Log(p/(1-p)) - s.LogOddsAtZero) * s.PointsToDouble / math.Ln2
}

// feature is one column of the design matrix: a rule of cfg and how it is measured.
type feature struct {
	id       string
	index    int  // in cfg.Rules or cfg.Events
	event    bool // an event rule
	value    bool // an attribute rule with a Value expression
	dim      leadscore.Dimension
	weight   float64
	capCount float64 // event rules: Max in events (Max / |Points|); 0: no cap
	column   int     // in the design matrix; -1: left out (weight 0)
	pair     bool    // a rule of InputPairs or Interactions
	expect   Expectation
}

// Calibrate learns points for cfg's rules from cases with known outcomes, and returns a copy
// of cfg with the same rules and the suggested points, plus a report of the fit.
//
// Each case becomes a row of rule "firings", measured point-in-time as Score does: 1 for an
// attribute rule that fires, the Value of a value rule, and for an event rule its decayed
// event count Σ 2^(−Δt/half_life), capped where the rule's Max would cap its points (the
// cap is kept in events, so it means the same whatever points the rule ends up with). An
// L2-regularised logistic regression of the outcome on these features is fitted by
// Newton's method, and each coefficient β becomes points with scorecard scaling:
//
//	points = β × PointsToDouble / ln 2 / (the rule's dimension weight)
//
// rounded to Step, so that every PointsToDouble points of total double the odds of
// converting; a value rule's Value is multiplied by the same factor (to three significant
// digits), and an event rule's Max is rescaled to keep its cap in events. The returned
// Config also
//   - drops the dimensions' bounds (Min, Max) and keeps their weights: a fitted points table
//     is linear in the firings, and a bound would clip it;
//   - moves each tier's Min so that the same share of the cases reaches it as before (the
//     hand-off volume sales agreed to stays the same; the leads in it get better), or, for
//     the tiers in TierRates, to where held-out leads convert at the chosen rate;
//   - adds the threshold rules of the Binned inputs (Bin), after cfg's attribute rules;
//   - keeps everything else (hysteresis, grades, signals, journey) as it was.
//
// Rules the data cannot inform (fired or not fired in fewer than MinFired cases, or in a
// dimension of weight 0) keep their points and are reported as not fitted. An event rule of
// 0 points has no cap in events to carry over: it is fitted uncapped.
//
// Sign constraints (Expect) and shrinkage (ShrinkBelow) act inside the fit: a rule held at
// 0 is left out and the others are refitted (see the package documentation).
//
// The report's HeldOutAUC is measured honestly: the cases are split into stratified folds,
// and for each fold the whole procedure — choose the Bin thresholds, fit with the
// constraints, round, compile, score — runs on the other folds and the resulting points
// table is scored on the held-out fold with a real Scorer. The same held-out totals give
// the report's HeldOut groups (the charts) and place the TierRates tiers.
//
// Calibrate fails on invalid options, a cfg that does not compile (with opts, which it
// passes to Compile), a case Score rejects, cases that all share one outcome, or fewer
// converted or unconverted cases than folds. It is deterministic: the same input and Seed
// give the same output.
func Calibrate[L any](cfg leadscore.Config, cases []Case[L], o CalibrateOptions, opts ...leadscore.Option) (leadscore.Config, CalibrationReport, error) {
	o, err := o.withDefaults()
	if err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}
	if len(cases) == 0 {
		return leadscore.Config{}, CalibrationReport{}, errors.New("backtest: no cases to calibrate on")
	}
	if err := o.checkAgainst(cfg); err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}
	if o.BaseOdds > 0 {
		if weightOf(cfg, leadscore.Fit) == 0 {
			return leadscore.Config{}, CalibrationReport{}, errors.New("backtest: BaseOdds needs a fit dimension of weight ≠ 0 to hold the base score")
		}
		for _, r := range cfg.Rules {
			if r.ID == BaseRuleID {
				return leadscore.Config{}, CalibrationReport{}, fmt.Errorf("backtest: BaseOdds: the rule set already has a rule %q", BaseRuleID)
			}
		}
	}
	y := make([]bool, len(cases))
	rep := CalibrationReport{Cases: len(cases), Options: o}
	for i, c := range cases {
		y[i] = c.Converted
		if c.Converted {
			rep.Converted++
		}
	}
	folds, err := StratifiedKFold(y, o.Folds, o.Seed)
	if err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}

	// The rule set as it is: its AUC, and its totals for placing the tiers.
	before, err := scoreWith(cfg, cases, opts)
	if err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}
	beforeTotals := totalsOf(before)
	if rep.BeforeAUC, err = AUC(beforeTotals, y); err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}

	baseFeatures := featuresOf(cfg, o.Expect)
	baseX, baseP, values, err := design(cfg, baseFeatures, cases, opts, o.Bin)
	if err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}
	// The rule set to fit on the training cases train: cfg, plus the threshold rules of the
	// Binned inputs chosen on train.
	fits := compiles[L](cfg, opts)
	fitSet := func(train []int) (leadscore.Config, []feature, []float64, int, error) {
		if len(o.Bin) == 0 && o.Interactions == 0 && o.InputPairs == 0 {
			return cfg, baseFeatures, baseX, baseP, nil
		}
		return withBins(cfg, o, baseX, baseFeatures, values, y, train, fits)
	}
	progress := func(done int) {
		if o.Progress != nil {
			o.Progress(done, len(folds)+1)
		}
	}

	// heldOut[i] is case i's log-odds of converting by the points of the fold that held it out.
	heldOut := make([]float64, len(cases))
	slope := math.Ln2 / o.PointsToDouble
	for k := range folds {
		train := folds.Train(k)
		set, features, x, p, err := fitSet(train)
		if err != nil {
			return leadscore.Config{}, CalibrationReport{}, fmt.Errorf("backtest: fold %d: %w", k, err)
		}
		fit, state, err := fitConstrained(withSupport(rows(x, p, train), p, o.MinFired), p, pick(y, train), o.ridge(features, p), signsOf(features, p), o.ShrinkBelow)
		if err != nil {
			return leadscore.Config{}, CalibrationReport{}, fmt.Errorf("backtest: fold %d: %w", k, err)
		}
		foldCfg, _ := suggest(set, features, fit, state, o)
		test := pick(cases, folds[k])
		samples, err := scoreWith(foldCfg, test, opts)
		if err != nil {
			return leadscore.Config{}, CalibrationReport{}, fmt.Errorf("backtest: fold %d: %w", k, err)
		}
		totals := totalsOf(samples)
		auc, err := AUC(totals, pick(y, folds[k]))
		if err != nil {
			return leadscore.Config{}, CalibrationReport{}, fmt.Errorf("backtest: fold %d: %w", k, err)
		}
		for t, i := range folds[k] {
			heldOut[i] = fit.beta[0] + slope*totals[t]
		}
		rep.FoldAUC = append(rep.FoldAUC, auc)
		rep.HeldOutAUC += auc / float64(len(folds))
		progress(k + 1)
	}

	all := make([]int, len(cases))
	for i := range all {
		all[i] = i
	}
	set, features, x, p, err := fitSet(all)
	if err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}
	fit, state, err := fitConstrained(withSupport(slices.Clone(x), p, o.MinFired), p, y, o.ridge(features, p), signsOf(features, p), o.ShrinkBelow)
	if err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}
	progress(len(folds) + 1)
	out, rules := suggest(set, features, fit, state, o)
	fired, converted := firedAndConverted(x, p, y, features)
	for i := range rules {
		rules[i].Fired = fired[i]
		rules[i].Converted = converted[i]
		rules[i].Added = i >= len(cfg.Rules) && i < len(set.Rules)
	}
	rep.Rules = rules
	rep.Intercept, rep.InterceptStdErr = fit.beta[0], fit.se[0]
	rep.Iterations = fit.iterations

	// Score with the calibrated points: the in-sample AUC, the scale, and the totals the
	// tiers are placed on.
	after, err := scoreWith(out, cases, opts)
	if err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}
	afterTotals := totalsOf(after)
	if rep.AfterAUC, err = AUC(afterTotals, y); err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}
	rep.Scale = Scale{PointsToDouble: o.PointsToDouble, LogOddsAtZero: interceptFor(afterTotals, y, math.Ln2/o.PointsToDouble)}
	if o.BaseOdds > 0 {
		// A total of BaseScore should mean odds of BaseOdds: shift every total by base.
		w := weightOf(cfg, leadscore.Fit)
		factor := o.PointsToDouble / math.Ln2
		points := roundTo((o.BaseScore+factor*(rep.Scale.LogOddsAtZero-math.Log(o.BaseOdds)))/w, o.Step)
		out.Rules = append(out.Rules, leadscore.Rule{
			ID: BaseRuleID, Dimension: leadscore.Fit, Points: points,
			Reason: fmt.Sprintf("base score: %s points mean odds of %s to 1", text.Number(o.BaseScore, 2), text.Number(o.BaseOdds, 4)),
		})
		for i := range afterTotals {
			afterTotals[i] += points * w
		}
		rep.Scale.LogOddsAtZero -= points * w / factor
	}
	// The held-out log-odds in the final points' unit, for the tiers and the charts.
	heldOutTotals := make([]float64, len(heldOut))
	for i, l := range heldOut {
		heldOutTotals[i] = (l - rep.Scale.LogOddsAtZero) / slope
	}
	recal, err := recalibration(heldOut, y)
	if err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}
	atRate := func(r float64) float64 { // the final total at which held-out leads convert at r
		return ((math.Log(r/(1-r))-recal[0])/recal[1] - rep.Scale.LogOddsAtZero) / slope
	}
	out.Tiers, rep.Tiers = placeTiers(cfg.Tiers, beforeTotals, afterTotals, o.Step, rep.Scale, o.TierRates, atRate)
	countHeldOut(rep.Tiers, heldOutTotals, y)
	rep.HeldOut = groups(heldOut, y, true)
	rep.Before = groups(beforeTotals, y, false)
	return out, rep, nil
}

// firedAndConverted counts, per feature, the cases it fired in and the converted ones
// among them.
func firedAndConverted(x []float64, p int, y []bool, features []feature) (fired, converted []int) {
	fired = make([]int, len(features))
	converted = make([]int, len(features))
	for k, f := range features {
		if f.column < 0 {
			continue
		}
		for i, conv := range y {
			if x[i*p+f.column] != 0 {
				fired[k]++
				if conv {
					converted[k]++
				}
			}
		}
	}
	return fired, converted
}

// signsOf returns the sign constraint of each of the p columns of features.
func signsOf(features []feature, p int) []Sign {
	signs := make([]Sign, p)
	for _, f := range features {
		if f.column < 0 {
			continue
		}
		signs[f.column] = f.expect.Sign
		if f.weight < 0 { // points = β × factor / weight: the sign turns
			switch f.expect.Sign {
			case Positive:
				signs[f.column] = Negative
			case Negative:
				signs[f.column] = Positive
			}
		}
	}
	return signs
}

// recalibration fits P = σ(a + b × l) to held-out log-odds l: how the fold models'
// probabilities hold up on leads they did not see. It returns a and b.
func recalibration(l []float64, y []bool) ([2]float64, error) {
	fit, err := fitLogistic(l, 1, y, 1e-9)
	if errors.Is(err, errNotConverged) {
		// The held-out log-odds separate the outcomes (a rule that decides them): the
		// unpenalised slope is infinite, and the default penalty keeps it finite, as it
		// keeps the rules' coefficients.
		fit, err = fitLogistic(l, 1, y, 1)
	}
	if err != nil {
		return [2]float64{}, err
	}
	if !fit.fitted[0] || !(fit.beta[1] > 0) {
		// The held-out totals do not rank the leads at all: read them as they are.
		return [2]float64{0, 1}, nil
	}
	return [2]float64{fit.beta[0], fit.beta[1]}, nil
}

// groups ranks the cases by score, highest first (ties in case order), and splits them
// into ten groups of about equal size. When logOdds is true the scores are log-odds and
// each group gets its mean probability.
func groups(score []float64, y []bool, logOdds bool) []Group {
	n := len(score)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case score[a] > score[b]:
			return -1
		case score[a] < score[b]:
			return 1
		}
		return 0
	})
	k := min(10, n)
	out := make([]Group, k)
	for g := range k {
		var sum float64
		for _, i := range order[g*n/k : (g+1)*n/k] {
			out[g].Leads++
			if y[i] {
				out[g].Converted++
			}
			sum += sigmoid(score[i])
		}
		out[g].Predicted = math.NaN()
		if logOdds && out[g].Leads > 0 {
			out[g].Predicted = sum / float64(out[g].Leads)
		}
	}
	return out
}

// countHeldOut counts the held-out cases that fall in each tier.
func countHeldOut(tiers []TierFit, totals []float64, y []bool) {
	for i, t := range totals {
		for k := range tiers {
			if math.IsNaN(tiers[k].After) || t >= tiers[k].After {
				tiers[k].HeldOutLeads++
				if y[i] {
					tiers[k].HeldOutConverted++
				}
				break
			}
		}
	}
}

// compiles returns whether a rule Calibrate writes compiles in cfg under opts: two
// conditions within the expression limits each may break them once joined into a pair.
// The rule is compiled as the only attribute rule of cfg (its lists, lead fields, event
// rules and the rest kept). When cfg does not compile without its attribute rules, a rule
// cannot be tried alone: every rule is taken, and cfg's own compile says what is wrong.
func compiles[L any](cfg leadscore.Config, opts []leadscore.Option) func(leadscore.Rule) bool {
	probe := cfg
	probe.Rules = nil
	if _, err := leadscore.Compile[L](probe, opts...); err != nil {
		return func(leadscore.Rule) bool { return true }
	}
	return func(r leadscore.Rule) bool {
		probe.Rules = []leadscore.Rule{r}
		_, err := leadscore.Compile[L](probe, opts...)
		return err == nil
	}
}

// scoreWith compiles cfg and scores cases with it.
func scoreWith[L any](cfg leadscore.Config, cases []Case[L], opts []leadscore.Option) ([]Sample, error) {
	s, err := leadscore.Compile[L](cfg, opts...)
	if err != nil {
		return nil, err
	}
	return Score(s, cases)
}

func totalsOf(samples []Sample) []float64 {
	out := make([]float64, len(samples))
	for i, s := range samples {
		out[i] = s.Result.Total
	}
	return out
}

func pick[T any](s []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = s[i]
	}
	return out
}

// rows returns the rows idx of the n×p matrix x.
func rows(x []float64, p int, idx []int) []float64 {
	out := make([]float64, 0, len(idx)*p)
	for _, i := range idx {
		out = append(out, x[i*p:(i+1)*p]...)
	}
	return out
}

func weightOf(cfg leadscore.Config, d leadscore.Dimension) float64 {
	if d == "" {
		d = leadscore.Engagement
	}
	if dc, ok := cfg.Dimensions[d]; ok && dc.Weight != nil {
		return *dc.Weight
	}
	return 1
}

// featuresOf lists cfg's rules as features: attribute rules, then event rules.
func featuresOf(cfg leadscore.Config, expect map[string]Expectation) []feature {
	var out []feature
	column := 0
	add := func(f feature) {
		f.column = -1
		f.expect = expect[f.id]
		if f.weight != 0 {
			f.column = column
			column++
		}
		out = append(out, f)
	}
	for i, r := range cfg.Rules {
		add(feature{id: r.ID, index: i, value: r.Value != "", dim: r.Dimension, weight: weightOf(cfg, r.Dimension)})
	}
	for i, r := range cfg.Events {
		f := feature{id: r.ID, index: i, event: true, dim: r.Dimension, weight: weightOf(cfg, r.Dimension)}
		if f.dim == "" {
			f.dim = leadscore.Engagement
		}
		if r.Max != 0 && r.Points != 0 {
			f.capCount = math.Abs(r.Max / r.Points)
		}
		add(f)
	}
	return out
}

// design measures every case's features (point-in-time, like Score) with a probe rule set:
// cfg with every attribute rule worth 1 point, every event rule worth 1 point per event
// with its cap in events, and no dimension bounds, so that each contribution is the
// feature itself. It returns the n×p matrix.
//
// It also measures each Binned input's Value in every case (values[k][i]: input k, case i).
func design[L any](cfg leadscore.Config, features []feature, cases []Case[L], opts []leadscore.Option, bins []Binned) (x []float64, p int, values [][]float64, err error) {
	probe := cfg
	probe.Dimensions = nil
	probe.Tiers = nil
	probe.Hysteresis = 0
	probe.Rules = slices.Clone(cfg.Rules)
	probe.Events = slices.Clone(cfg.Events)
	for i := range probe.Rules {
		r := &probe.Rules[i]
		r.Disqualify = false
		if r.Value == "" {
			r.Points, r.Max = 1, 0
		}
	}
	for i := range probe.Events {
		r := &probe.Events[i]
		r.Points, r.Max = 1, features[len(cfg.Rules)+i].capCount
	}
	binColumn := map[string]int{}
	for k, b := range bins {
		id := "backtest-bin:" + b.ID
		binColumn[id] = k
		probe.Rules = append(probe.Rules, leadscore.Rule{ID: id, Dimension: leadscore.Fit, Value: "float(" + b.Value + ")"})
	}
	values = make([][]float64, len(bins))
	for k := range values {
		values[k] = make([]float64, len(cases))
	}
	samples, err := scoreWith(probe, cases, opts)
	if err != nil {
		return nil, 0, nil, err
	}
	column := map[string]int{}
	for _, f := range features {
		if f.column >= 0 {
			column[f.id] = f.column
			p++
		}
	}
	x = make([]float64, len(cases)*p)
	for i, s := range samples {
		// A Binned input's value must be a number for every case: where it fails, so would
		// its threshold rules once deployed, and a failure is no value to cut.
		for _, e := range s.Result.Errors {
			if k, ok := binColumn[e.RuleID]; ok {
				return nil, 0, nil, fmt.Errorf("backtest: Bin %q: value %q fails on case %d (%v); give every lead a number, e.g. with ?? 0 for a missing one",
					bins[k].ID, bins[k].Value, i, e.Err)
			}
		}
		for _, c := range s.Result.Contributions {
			if math.IsNaN(c.Points) || math.IsInf(c.Points, 0) {
				return nil, 0, nil, fmt.Errorf("backtest: case %d: rule %q contributes %v", i, c.RuleID, c.Points)
			}
			if k, ok := binColumn[c.RuleID]; ok {
				values[k][i] = c.Points
				continue
			}
			if j, ok := column[c.RuleID]; ok {
				x[i*p+j] = c.Points
			}
		}
	}
	return x, p, values, nil
}

// withSupport zeroes, in the n×p matrix x, the columns whose most common value leaves fewer
// than minFired rows with another value — a rule that fired, or did not fire, in fewer than
// minFired rows — so that the fit leaves them out, and returns x.
func withSupport(x []float64, p, minFired int) []float64 {
	if p == 0 {
		return x
	}
	n := len(x) / p
	col := make([]float64, n)
	for j := range p {
		for i := range n {
			col[i] = x[i*p+j]
		}
		slices.Sort(col)
		mode := 0
		for start := 0; start < n; {
			end := start + 1
			for end < n && col[end] == col[start] {
				end++
			}
			mode = max(mode, end-start)
			start = end
		}
		if n-mode < minFired {
			for i := range n {
				x[i*p+j] = 0
			}
		}
	}
	return x
}

// suggest turns a fit into points: the calibrated copy of cfg (tiers not yet placed) and one
// RuleFit per feature.
func suggest(cfg leadscore.Config, features []feature, fit logitFit, state []columnState, o CalibrateOptions) (leadscore.Config, []RuleFit) {
	out := cfg
	out.Rules = slices.Clone(cfg.Rules)
	out.Events = slices.Clone(cfg.Events)
	if cfg.Dimensions != nil {
		out.Dimensions = make(map[leadscore.Dimension]leadscore.DimensionConfig, len(cfg.Dimensions))
		for d, dc := range cfg.Dimensions {
			out.Dimensions[d] = leadscore.DimensionConfig{Weight: dc.Weight}
		}
	}
	factor := o.PointsToDouble / math.Ln2
	fits := make([]RuleFit, len(features))
	for k, f := range features {
		rf := RuleFit{RuleID: f.id, Dimension: f.dim, Kind: "attribute", Coefficient: math.NaN(), StdErr: math.NaN()}
		switch {
		case f.event:
			rf.Kind = "event"
			rf.Before = cfg.Events[f.index].Points
		case f.value:
			rf.Kind = "value"
			rf.Before = 1
		default:
			rf.Before = cfg.Rules[f.index].Points
		}
		rf.Points = rf.Before
		rf.Expect = f.expect
		held := f.column >= 0 && state[f.column] != columnFree
		if held {
			rf.Constrained = state[f.column] == columnConstrained
			rf.Shrunk = state[f.column] == columnShrunk
		}
		if f.column >= 0 && (fit.fitted[f.column] || held) {
			rf.Fitted = true
			rf.Coefficient, rf.StdErr = fit.beta[f.column+1], fit.se[f.column+1]
			raw := rf.Coefficient * factor / f.weight
			switch {
			case f.event:
				rf.Points = roundTo(raw, o.Step)
				r := &out.Events[f.index]
				r.Points = rf.Points
				r.Max = math.Abs(rf.Points) * f.capCount
			case f.value:
				rf.Points = roundSignificant(raw, 3)
				r := &out.Rules[f.index]
				r.Value = "(" + cfg.Rules[f.index].Value + ") * (" + strconv.FormatFloat(rf.Points, 'g', -1, 64) + ")"
				r.Max = math.Abs(rf.Points) * cfg.Rules[f.index].Max
			default:
				rf.Points = roundTo(raw, o.Step)
				r := &out.Rules[f.index]
				r.Points, r.Max = rf.Points, 0
			}
		}
		fits[k] = rf
	}
	return out, fits
}

func roundTo(v, step float64) float64 {
	r := math.Round(v/step) * step
	if r == 0 {
		return 0 // no -0
	}
	// Undo the float noise of the multiplication (0.1 × 3 = 0.30000000000000004).
	if s, err := strconv.ParseFloat(strconv.FormatFloat(r, 'g', 12, 64), 64); err == nil {
		return s
	}
	return r
}

func roundSignificant(v float64, digits int) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	s, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', digits, 64), 64)
	return s
}

// interceptFor fits the intercept a of P = σ(a + slope × total) by Newton's method, the
// slope being fixed by the scale.
func interceptFor(totals []float64, y []bool, slope float64) float64 {
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	a := math.Log(float64(pos) / float64(len(y)-pos))
	for range 100 {
		var g, h float64
		for i, t := range totals {
			p := sigmoid(a + slope*t)
			if y[i] {
				g += 1 - p
			} else {
				g -= p
			}
			h += p * (1 - p)
		}
		if h < 1e-300 {
			break
		}
		d := g / h
		a += d
		if math.Abs(d) < 1e-12 {
			break
		}
	}
	return a
}

// placeTiers moves each tier's Min so that the same share of cases reaches it with the
// calibrated totals as with the original ones, or, for a tier listed in rates, to
// atRate(its rate) rounded to step.
func placeTiers(tiers []leadscore.Tier, before, after []float64, step float64, scale Scale, rates map[string]float64, atRate func(float64) float64) ([]leadscore.Tier, []TierFit) {
	if len(tiers) == 0 {
		return nil, nil
	}
	out := slices.Clone(tiers)
	fits := make([]TierFit, len(tiers))
	sorted := slices.Clone(after)
	slices.Sort(sorted)
	slices.Reverse(sorted) // highest first
	n := len(before)
	for i, t := range tiers {
		fits[i] = TierFit{Tier: t.Name, Before: math.NaN(), After: math.NaN(), Share: 1, Probability: math.NaN()}
		if t.Min == nil {
			continue
		}
		if r, ok := rates[t.Name]; ok {
			m := roundTo(atRate(r), step)
			reach := 0
			for _, v := range after {
				if v >= m {
					reach++
				}
			}
			out[i].Min = leadscore.Float(m)
			fits[i] = TierFit{Tier: t.Name, Before: *t.Min, After: m, Share: float64(reach) / float64(n), Probability: scale.Probability(m), Rate: r}
			continue
		}
		reach := 0
		for _, v := range before {
			if v >= *t.Min {
				reach++
			}
		}
		var m float64
		switch reach {
		case 0: // nobody reached it before; nobody should now
			m = roundTo(math.Floor(sorted[0]/step)*step+step, step)
		default:
			m = roundTo(sorted[reach-1], step)
			if m > sorted[reach-1] { // rounded up past the lowest lead that should reach it
				m = roundTo(m-step, step)
			}
		}
		out[i].Min = leadscore.Float(m)
		fits[i] = TierFit{Tier: t.Name, Before: *t.Min, After: m, Share: float64(reach) / float64(n), Probability: scale.Probability(m)}
	}
	return out, fits
}
