package backtest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/leadscore/leadscore"
)

// CalibrateOptions tunes Calibrate. The zero value asks for the defaults.
type CalibrateOptions struct {
	// PointsToDouble is how many points double the odds of converting: the scorecard's
	// "points to double the odds" (PDO). Default 20.
	PointsToDouble float64
	// Lambda is the strength of the L2 penalty on the standardised coefficients (the
	// inverse of scikit-learn's C). Default 1; it keeps coefficients finite when a rule
	// separates the outcomes perfectly and shrinks those of rare rules. Use a tiny value
	// such as 1e-9 for a practically unpenalised fit.
	Lambda float64
	// Folds is the number of stratified cross-validation folds. Default 5.
	Folds int
	// Seed seeds the shuffle that assigns cases to folds.
	Seed uint64
	// Step rounds suggested points to multiples of Step. Default 1.
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
	// cases cannot tell its effect from noise (a standardised penalty hardly shrinks a rare
	// rule). Default 20; 1 fits every rule that varies at all.
	MinFired int
}

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
	switch {
	case !(o.PointsToDouble > 0) || math.IsInf(o.PointsToDouble, 0):
		return o, fmt.Errorf("backtest: PointsToDouble %v: want a positive number", o.PointsToDouble)
	case !(o.Lambda > 0) || math.IsInf(o.Lambda, 0):
		return o, fmt.Errorf("backtest: Lambda %v: want a positive number", o.Lambda)
	case !(o.Step > 0) || math.IsInf(o.Step, 0):
		return o, fmt.Errorf("backtest: Step %v: want a positive number", o.Step)
	case o.Folds < 2:
		return o, fmt.Errorf("backtest: %d folds: need at least 2", o.Folds)
	case !(o.BaseOdds >= 0) || math.IsInf(o.BaseOdds, 0) || math.IsNaN(o.BaseScore) || math.IsInf(o.BaseScore, 0):
		return o, fmt.Errorf("backtest: BaseScore %v, BaseOdds %v: want finite numbers, BaseOdds ≥ 0", o.BaseScore, o.BaseOdds)
	case o.MinFired < 0:
		return o, fmt.Errorf("backtest: MinFired %d: want a positive number", o.MinFired)
	}
	return o, nil
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
	// Fitted is false when the data cannot say anything about the rule — it never fired,
	// always fired, or its dimension has weight 0 — and its points were kept.
	Fitted bool
}

// TierFit is a tier's threshold before and after calibration.
type TierFit struct {
	Tier          string
	Before, After float64 // Min; NaN for a catch-all tier
	Share         float64 // share of the cases at or above Min, the same before and after
	Probability   float64 // the probability Scale gives a total of After
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
//     hand-off volume sales agreed to stays the same; the leads in it get better);
//   - keeps everything else (hysteresis, grades, signals, journey) as it was.
//
// Rules the data cannot inform (fired or not fired in fewer than MinFired cases, or in a
// dimension of weight 0) keep their points and are reported as not fitted. An event rule of
// 0 points has no cap in events to carry over: it is fitted uncapped.
//
// The report's HeldOutAUC is measured honestly: the cases are split into stratified folds,
// and for each fold the whole procedure — fit, round, compile, score — runs on the other
// folds and the resulting points table is scored on the held-out fold with a real Scorer.
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

	features := featuresOf(cfg)
	x, p, fired, err := design(cfg, features, cases, opts)
	if err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}

	for k := range folds {
		train := folds.Train(k)
		fit, err := fitLogistic(withSupport(rows(x, p, train), p, o.MinFired), p, pick(y, train), o.Lambda)
		if err != nil {
			return leadscore.Config{}, CalibrationReport{}, fmt.Errorf("backtest: fold %d: %w", k, err)
		}
		foldCfg, _ := suggest(cfg, features, fit, o)
		test := pick(cases, folds[k])
		samples, err := scoreWith(foldCfg, test, opts)
		if err != nil {
			return leadscore.Config{}, CalibrationReport{}, fmt.Errorf("backtest: fold %d: %w", k, err)
		}
		auc, err := AUC(totalsOf(samples), pick(y, folds[k]))
		if err != nil {
			return leadscore.Config{}, CalibrationReport{}, fmt.Errorf("backtest: fold %d: %w", k, err)
		}
		rep.FoldAUC = append(rep.FoldAUC, auc)
		rep.HeldOutAUC += auc / float64(len(folds))
	}

	fit, err := fitLogistic(withSupport(slices.Clone(x), p, o.MinFired), p, y, o.Lambda)
	if err != nil {
		return leadscore.Config{}, CalibrationReport{}, err
	}
	out, rules := suggest(cfg, features, fit, o)
	for i := range rules {
		rules[i].Fired = fired[i]
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
			Reason: fmt.Sprintf("base score: %s points mean odds of %s to 1", num(o.BaseScore, 2), num(o.BaseOdds, 4)),
		})
		for i := range afterTotals {
			afterTotals[i] += points * w
		}
		rep.Scale.LogOddsAtZero -= points * w / factor
	}
	out.Tiers, rep.Tiers = placeTiers(cfg.Tiers, beforeTotals, afterTotals, o.Step, rep.Scale)
	return out, rep, nil
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
func featuresOf(cfg leadscore.Config) []feature {
	var out []feature
	column := 0
	add := func(f feature) {
		f.column = -1
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
// feature itself. It returns the n×p matrix and, per feature, the cases it fired in.
func design[L any](cfg leadscore.Config, features []feature, cases []Case[L], opts []leadscore.Option) (x []float64, p int, fired []int, err error) {
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
	byColumn := make([]int, p) // feature index of each column
	for k, f := range features {
		if f.column >= 0 {
			byColumn[f.column] = k
		}
	}
	x = make([]float64, len(cases)*p)
	fired = make([]int, len(features))
	for i, s := range samples {
		for _, c := range s.Result.Contributions {
			j, ok := column[c.RuleID]
			if !ok {
				continue
			}
			if math.IsNaN(c.Points) || math.IsInf(c.Points, 0) {
				return nil, 0, nil, fmt.Errorf("backtest: case %d: rule %q contributes %v", i, c.RuleID, c.Points)
			}
			x[i*p+j] = c.Points
			if c.Points != 0 {
				fired[byColumn[j]]++
			}
		}
	}
	return x, p, fired, nil
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
func suggest(cfg leadscore.Config, features []feature, fit logitFit, o CalibrateOptions) (leadscore.Config, []RuleFit) {
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
		if f.column >= 0 && fit.fitted[f.column] {
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
// calibrated totals as with the original ones.
func placeTiers(tiers []leadscore.Tier, before, after []float64, step float64, scale Scale) ([]leadscore.Tier, []TierFit) {
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
