package backtest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/leadscore/leadscore/internal/text"
)

// String renders the report as plain-text tables, deterministic byte for byte:
//
//	Leads 9240 · converted 3561 (38.5%) · ROC AUC 0.812
//	Hand-off: 2010 leads (21.8%) · precision 71.2% · recall 40.2% · lift 1.85
//	Calibration: P(convert) = σ(−1.23 + 0.041 × total) · 17 points double the odds · Brier 0.171
//	…
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Leads %d · converted %d (%s) · ROC AUC %.3f\n", r.Leads, r.Converted, pct(r.ConversionRate), r.AUC)
	h := r.Handoff
	fmt.Fprintf(&b, "Hand-off: %d leads (%s) · precision %s · recall %s · lift %s\n",
		h.Leads, pct(h.Share), pct(h.Precision), pct(h.Recall), text.Number(h.Lift, 2))
	c := r.Calibration
	fmt.Fprintf(&b, "Calibration: P(convert) = σ(%s %s %s × total) · %s points double the odds · Brier %.3f · max gap %s\n",
		text.Number(c.Intercept, 2), sign(c.Slope), text.Number(math.Abs(c.Slope), 4), text.Number(c.PointsToDouble, 1), c.Brier, pct(c.MaxGap))

	b.WriteString("\n")
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "tier\tleads\tconverted\trate\tlift\ttotals\t")
	for _, t := range r.Tiers {
		name := t.Tier
		if name == "" {
			name = "(none)"
		}
		if t.Handoff {
			name += " (hand-off)"
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s\t%s … %s\t\n", name, t.Leads, t.Converted, pct(t.ConversionRate), text.Number(t.Lift, 2), text.Number(t.MinTotal, 1), text.Number(t.MaxTotal, 1))
	}
	w.Flush()

	b.WriteString("\n")
	w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "decile\ttotals\tleads\tconverted\trate\tfitted\tlift\tcaptured\t")
	for _, d := range r.Deciles {
		fmt.Fprintf(w, "%d\t%s … %s\t%d\t%d\t%s\t%s\t%s\t%s\t\n", d.Decile, text.Number(d.MinTotal, 1), text.Number(d.MaxTotal, 1),
			d.Leads, d.Converted, pct(d.ConversionRate), pct(d.Predicted), text.Number(d.Lift, 2), pct(d.Captured))
	}
	w.Flush()
	return b.String()
}

// String renders the report: the cross-validated AUC, then the points table with each
// rule's coefficient and standard error, then the tiers.
func (r CalibrationReport) String() string {
	var b strings.Builder
	lambda := text.Number(r.Options.Lambda, 4)
	if r.Options.Penalty != StandardisedPenalty {
		lambda += " (" + r.Options.Penalty.String() + ")"
	}
	if r.Options.PairLambda > 0 {
		lambda += " · pairs' λ " + text.Number(r.Options.PairLambda, 4)
	}
	fmt.Fprintf(&b, "Cases %d · converted %d · λ %s · %s points double the odds · %d folds (seed %d)\n",
		r.Cases, r.Converted, lambda, text.Number(r.Options.PointsToDouble, 2), r.Options.Folds, r.Options.Seed)
	folds := make([]string, len(r.FoldAUC))
	for i, a := range r.FoldAUC {
		folds[i] = fmt.Sprintf("%.3f", a)
	}
	fmt.Fprintf(&b, "ROC AUC: before %.3f · calibrated %.3f in-sample · %.3f held out (folds %s)\n",
		r.BeforeAUC, r.AfterAUC, r.HeldOutAUC, strings.Join(folds, ", "))
	anchor := 0.0
	if r.Options.BaseOdds > 0 {
		anchor = r.Options.BaseScore
	}
	fmt.Fprintf(&b, "Intercept %s ± %s log-odds; a total of %s converts at %s, every %s points double the odds\n\n",
		text.Number(r.Intercept, 3), text.Number(r.InterceptStdErr, 3), text.Number(anchor, 2), pct(r.Scale.Probability(anchor)), text.Number(r.Scale.PointsToDouble, 2))

	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "rule\tdimension\tkind\tfired\tcoef\t± s.e.\tpoints before\tafter\t")
	for _, f := range r.Rules {
		coef, se := "—", "—"
		if f.Fitted {
			coef, se = text.Number(f.Coefficient, 3), text.Number(f.StdErr, 3)
		}
		before, after := text.Number(f.Before, 2), text.Number(f.Points, 2)
		if f.Kind == "value" {
			before, after = "×"+before, "×"+after
		}
		switch {
		case !f.Fitted:
			after += " (kept)"
		case f.Constrained:
			after += " (sign held)"
		case f.Shrunk:
			after += " (shrunk)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t\n", f.RuleID, f.Dimension, f.Kind, f.Fired, coef, se, before, after)
	}
	w.Flush()

	if len(r.Tiers) > 0 {
		b.WriteString("\n")
		w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, "tier\tmin before\tafter\treached by\tP(convert) at min\t")
		for _, t := range r.Tiers {
			if math.IsNaN(t.After) {
				fmt.Fprintf(w, "%s\t—\t—\t%s\t—\t\n", t.Tier, pct(t.Share))
				continue
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t\n", t.Tier, text.Number(t.Before, 2), text.Number(t.After, 2), pct(t.Share), pct(t.Probability))
		}
		w.Flush()
	}
	return b.String()
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
}

func sign(v float64) string {
	if v < 0 {
		return "−"
	}
	return "+"
}

// Summary renders the report for the people who use the points rather than fit them: how
// well the new points rank leads they have not seen, in words; then, per rule, its points
// before and after, how many leads it touches and how many of those converted, and why it
// got its points; then the tiers, with how their leads converted when held out. The
// statistics (coefficients, standard errors, the scale) are in String.
func (r CalibrationReport) Summary() string {
	var b strings.Builder
	base := 0.0
	if r.Cases > 0 {
		base = float64(r.Converted) / float64(r.Cases)
	}
	fmt.Fprintf(&b, "%d leads, %d converted (%s).\n", r.Cases, r.Converted, pct(base))
	fmt.Fprintf(&b, "Of two leads the points had not seen, one that converted and one that did not, the new points\n"+
		"rank the converting one higher %s times in 100 (the points before: %s; a coin: 50).\n",
		text.Number(100*r.HeldOutAUC, 0), text.Number(100*r.BeforeAUC, 0))
	if len(r.HeldOut) > 0 && r.HeldOut[0].Leads > 0 && base > 0 {
		top := r.HeldOut[0]
		rate := float64(top.Converted) / float64(top.Leads)
		fmt.Fprintf(&b, "The top 10%% by the new points converted at %s, %s× the average.\n", pct(rate), text.Number(rate/base, 1))
	}
	held := 0
	for _, f := range r.Rules {
		if f.Constrained {
			held++
		}
	}
	if held > 0 {
		fmt.Fprintf(&b, "%d rule(s) held at 0 points because the data pointed against what the team expects of them.\n", held)
	}
	b.WriteString("\n")

	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "rule\tpoints\tleads\tconverted\twhy")
	for _, f := range r.Rules {
		before, after := text.Number(f.Before, 2), text.Number(f.Points, 2)
		if f.Kind == "value" {
			before, after = "×"+before, "×"+after
		}
		if f.Added {
			before = "new"
		}
		rate := "—"
		if f.Fired > 0 && f.Fitted {
			rate = pct(float64(f.Converted) / float64(f.Fired))
		}
		fmt.Fprintf(w, "%s\t%s → %s\t%d\t%s\t%s\n", f.RuleID, before, after, f.Fired, rate, r.why(f, base))
	}
	w.Flush()

	if len(r.Tiers) > 0 {
		b.WriteString("\n")
		w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "tier\tstarts at\tleads in it\tconverted, held out\thow it was placed")
		for _, t := range r.Tiers {
			starts, placed := "—", "the rest"
			if !math.IsNaN(t.After) {
				starts = text.Number(t.Before, 2) + " → " + text.Number(t.After, 2)
				placed = "keeps its share of the leads (" + pct(t.Share) + " reach it)"
				if t.Rate > 0 {
					placed = "where " + pct(t.Rate) + " of leads convert"
				}
			}
			rate := "—"
			if t.HeldOutLeads > 0 {
				rate = pct(float64(t.HeldOutConverted) / float64(t.HeldOutLeads))
			}
			fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\n", t.Tier, starts, t.HeldOutLeads, rate, placed)
		}
		w.Flush()
	}
	return b.String()
}

// why is the plain-language reason for a rule's new points.
func (r CalibrationReport) why(f RuleFit, base float64) string {
	switch {
	case !f.Fitted && f.Fired == 0:
		return "never fired: nothing to learn, points kept"
	case !f.Fitted && f.Fired == r.Cases:
		return "fires for every lead: nothing to learn, points kept"
	case !f.Fitted && min(f.Fired, r.Cases-f.Fired) < r.Options.MinFired:
		return fmt.Sprintf("too few leads (%d) to tell: points kept", min(f.Fired, r.Cases-f.Fired))
	case !f.Fitted:
		return "its dimension has weight 0: points kept"
	case f.Constrained:
		why := ""
		if f.Expect.Why != "" {
			why = " (" + f.Expect.Why + ")"
		}
		return fmt.Sprintf("held at 0: expected %s%s, but once the other rules are counted the data point the other way", f.Expect.Sign, why)
	}
	if f.Fired == 0 || base == 0 {
		if f.Shrunk {
			return "set to 0: the data cannot tell its effect from none"
		}
		return ""
	}
	ratio := float64(f.Converted) / float64(f.Fired) / base
	if f.Shrunk {
		if math.Abs(math.Log(ratio)) > math.Log(1.25) {
			return "set to 0: converts at " + text.Number(ratio, 1) + "× the average, but the other rules already account for that"
		}
		return "set to 0: the data cannot tell its effect from none"
	}
	s := "converts at " + text.Number(ratio, 1) + "× the average"
	switch {
	case ratio > 1 && f.Points < 0:
		s += "; negative once the other rules are counted (they already credit these leads)"
	case ratio < 1 && f.Points > 0:
		s += "; positive once the other rules are counted (they already penalise these leads)"
	}
	return s
}
