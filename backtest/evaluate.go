package backtest

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Report measures how well a rule set's totals rank and separate leads whose outcome is
// known. Rates are fractions (0.25 = 25%); a lift is a rate divided by the overall
// conversion rate.
type Report struct {
	Leads, Converted int
	ConversionRate   float64 // Converted / Leads: the base rate every lift is relative to

	// AUC is the ROC AUC of the total: the probability that a converted lead, picked at
	// random, has a higher total than an unconverted one (ties count half). 0.5 is a coin
	// toss, 1 a perfect ranking.
	AUC float64

	Handoff     HandoffRow  // the leads the rule set handed to sales (Result.Handoff)
	Tiers       []TierRow   // per tier, highest totals first
	Deciles     []DecileRow // the lift table: leads ranked by total, in tenths
	Calibration Calibration // how the total maps to the probability of converting
}

// HandoffRow is the hand-off decision judged against the outcomes.
type HandoffRow struct {
	Leads, Converted int
	Share            float64 // Leads / all leads: how much of the funnel goes to sales
	Precision        float64 // Converted / Leads: the hand-off's conversion rate (NaN when nobody was handed off)
	Recall           float64 // share of all conversions that were handed off
	Lift             float64 // Precision / the base rate
}

// TierRow is one tier's leads and their conversion.
type TierRow struct {
	Tier               string // "" for leads that matched no tier
	Handoff            bool   // some of its leads were handed off
	Leads, Converted   int
	MinTotal, MaxTotal float64
	ConversionRate     float64
	Lift               float64
}

// DecileRow is one tenth of the leads ranked by total, decile 1 holding the highest totals.
// Leads with equal totals always share a row, so with many ties a row may hold more than a
// tenth of the leads and some deciles are missing.
type DecileRow struct {
	Decile             int
	MinTotal, MaxTotal float64
	Leads, Converted   int
	ConversionRate     float64
	Predicted          float64 // mean probability that Calibration's fit gives these leads
	Lift               float64
	Captured           float64 // share of all conversions in this decile and the ones above it
}

// Calibration is the logistic fit of the outcome on the total,
//
//	P(converted | total) = 1 / (1 + e^−(Intercept + Slope × total))
//
// which reads a points table the way a credit scorecard is read: every PointsToDouble points
// double the odds of converting. A rule set whose totals are calibrated this way (Calibrate
// returns one) can state the probability behind each tier; how far DecileRow.Predicted is
// from DecileRow.ConversionRate shows where the total is not linear in log-odds.
type Calibration struct {
	Intercept, Slope float64
	PointsToDouble   float64 // ln 2 / Slope; negative when higher totals convert less
	Brier            float64 // mean squared error of the fitted probabilities
	MaxGap           float64 // largest |Predicted − ConversionRate| over the deciles
}

// Evaluate measures samples, typically from Score: the AUC of the total, the hand-off's
// precision and recall, conversion per tier and per decile, and the calibration of the total.
// It fails when there are no samples, when all of them have the same outcome (nothing to
// rank against) or when a total is not a finite number.
func Evaluate(samples []Sample) (Report, error) {
	n := len(samples)
	if n == 0 {
		return Report{}, errors.New("backtest: no samples to evaluate")
	}
	totals := make([]float64, n)
	converted := make([]bool, n)
	for i, s := range samples {
		totals[i], converted[i] = s.Result.Total, s.Converted
	}
	auc, err := AUC(totals, converted)
	if err != nil {
		return Report{}, err
	}
	r := Report{Leads: n, AUC: auc}
	for _, s := range samples {
		if s.Converted {
			r.Converted++
		}
	}
	base := float64(r.Converted) / float64(n)
	r.ConversionRate = base

	for _, s := range samples {
		if s.Result.Handoff {
			r.Handoff.Leads++
			if s.Converted {
				r.Handoff.Converted++
			}
		}
	}
	h := &r.Handoff
	h.Share = float64(h.Leads) / float64(n)
	h.Precision = ratio(h.Converted, h.Leads)
	h.Recall = float64(h.Converted) / float64(r.Converted)
	h.Lift = h.Precision / base

	r.Tiers = tierRows(samples, base)
	r.Calibration = calibrate1D(totals, converted)
	r.Deciles = deciles(totals, converted, base, r.Calibration)
	for _, d := range r.Deciles {
		r.Calibration.MaxGap = max(r.Calibration.MaxGap, math.Abs(d.Predicted-d.ConversionRate))
	}
	return r, nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

func tierRows(samples []Sample, base float64) []TierRow {
	index := map[string]int{}
	var rows []TierRow
	var sums []float64
	for _, s := range samples {
		i, ok := index[s.Result.Tier]
		if !ok {
			i = len(rows)
			index[s.Result.Tier] = i
			rows = append(rows, TierRow{Tier: s.Result.Tier, MinTotal: s.Result.Total, MaxTotal: s.Result.Total})
			sums = append(sums, 0)
		}
		row := &rows[i]
		row.Leads++
		if s.Converted {
			row.Converted++
		}
		row.Handoff = row.Handoff || s.Result.Handoff
		row.MinTotal = min(row.MinTotal, s.Result.Total)
		row.MaxTotal = max(row.MaxTotal, s.Result.Total)
		sums[i] += s.Result.Total
	}
	for i := range rows {
		rows[i].ConversionRate = ratio(rows[i].Converted, rows[i].Leads)
		rows[i].Lift = rows[i].ConversionRate / base
		sums[i] /= float64(rows[i].Leads)
	}
	// Highest mean total first, which is the tier list's order for tiers without guards.
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(sums[b], sums[a]); c != 0 {
			return c
		}
		return cmp.Compare(rows[a].Tier, rows[b].Tier)
	})
	out := make([]TierRow, len(rows))
	for i, j := range order {
		out[i] = rows[j]
	}
	return out
}

// deciles ranks the leads by total, highest first, and groups them in tenths, keeping ties
// together: a group of equal totals goes to the decile of its middle rank.
func deciles(totals []float64, converted []bool, base float64, cal Calibration) []DecileRow {
	n := len(totals)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(totals[b], totals[a]) })
	var rows []DecileRow
	positives := 0
	for _, c := range converted {
		if c {
			positives++
		}
	}
	captured := 0
	for start := 0; start < n; {
		end := start + 1
		for end < n && totals[order[end]] == totals[order[start]] {
			end++
		}
		mid := float64(start+end-1) / 2
		d := int(mid*10/float64(n)) + 1
		if len(rows) == 0 || rows[len(rows)-1].Decile != d {
			rows = append(rows, DecileRow{Decile: d, MaxTotal: totals[order[start]]})
		}
		row := &rows[len(rows)-1]
		row.MinTotal = totals[order[end-1]]
		for _, i := range order[start:end] {
			row.Leads++
			if converted[i] {
				row.Converted++
				captured++
			}
			row.Predicted += cal.probability(totals[i])
		}
		row.Captured = float64(captured) / float64(positives)
		start = end
	}
	for i := range rows {
		row := &rows[i]
		row.ConversionRate = ratio(row.Converted, row.Leads)
		row.Predicted /= float64(row.Leads)
		row.Lift = row.ConversionRate / base
	}
	return rows
}

// AUC returns the ROC AUC of scores against the outcomes: the probability that a converted
// case scores higher than an unconverted one, ties counting half (the Mann–Whitney U
// statistic, normalised). It fails when the lengths differ, a score is NaN or infinite, or
// one class is empty.
func AUC(scores []float64, converted []bool) (float64, error) {
	if len(scores) != len(converted) {
		return 0, fmt.Errorf("backtest: %d scores but %d outcomes", len(scores), len(converted))
	}
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return 0, fmt.Errorf("backtest: score %d is %v", i, s)
		}
	}
	var pos, neg int
	for _, c := range converted {
		if c {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return 0, fmt.Errorf("backtest: AUC needs converted and unconverted cases, have %d and %d", pos, neg)
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(scores[a], scores[b]) })
	// Sum of the positives' ranks, ties sharing the average rank.
	var rankSum float64
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && scores[order[end]] == scores[order[start]] {
			end++
		}
		avg := float64(start+end+1) / 2 // ranks start..end-1, 1-based
		for _, i := range order[start:end] {
			if converted[i] {
				rankSum += avg
			}
		}
		start = end
	}
	p, q := float64(pos), float64(neg)
	return (rankSum - p*(p+1)/2) / (p * q), nil
}

// calibrate1D fits the outcome on the total (Calibration).
func calibrate1D(totals []float64, converted []bool) Calibration {
	n := len(totals)
	x := make([]float64, n)
	copy(x, totals)
	// A whisper of ridge keeps the fit finite when the total separates the outcomes perfectly.
	fit, err := fitLogistic(x, 1, converted, 1e-6)
	if err != nil {
		return Calibration{Intercept: math.NaN(), Slope: math.NaN(), PointsToDouble: math.NaN(), Brier: math.NaN(), MaxGap: math.NaN()}
	}
	c := Calibration{Intercept: fit.beta[0], Slope: fit.beta[1]}
	if !fit.fitted[0] { // every total the same
		c.Slope = 0
	}
	c.PointsToDouble = math.Ln2 / c.Slope
	for i, t := range totals {
		d := c.probability(t)
		if converted[i] {
			d = 1 - d
		}
		c.Brier += d * d
	}
	c.Brier /= float64(n)
	return c
}

func (c Calibration) probability(total float64) float64 {
	return sigmoid(c.Intercept + c.Slope*total)
}
