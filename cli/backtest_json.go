package cli

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
)

// backtest -json: the figures of a backtest as one JSON object.

// jsonNumber is a float64 that writes NaN and infinities as null, which JSON has no
// numbers for (a hand-off precision when nobody was handed off, a catch-all tier's min).
type jsonNumber float64

func (n jsonNumber) MarshalJSON() ([]byte, error) {
	v := float64(n)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	// 9 significant digits: more than any rate needs, and the same on every platform where the
	// last bits of a fit may differ.
	return strconv.AppendFloat(nil, v, 'g', 9, 64), nil
}

type backtestJSON struct {
	Rules         string           `json:"rules"`
	Leads         string           `json:"leads"`
	Outcome       string           `json:"outcome"`
	LeftOutEvents int              `json:"left_out_events"` // events after their lead's "at"
	Evaluation    evaluationJSON   `json:"evaluation"`
	Calibration   *calibrationJSON `json:"calibration,omitempty"`
	Charts        []string         `json:"charts,omitempty"`
	WroteRules    string           `json:"wrote_rules,omitempty"` // -write-rules
}

type evaluationJSON struct {
	Leads          int        `json:"leads"`
	Converted      int        `json:"converted"`
	ConversionRate jsonNumber `json:"conversion_rate"`
	AUC            jsonNumber `json:"auc"`
	Handoff        struct {
		Leads     int        `json:"leads"`
		Converted int        `json:"converted"`
		Share     jsonNumber `json:"share"`
		Precision jsonNumber `json:"precision"`
		Recall    jsonNumber `json:"recall"`
		Lift      jsonNumber `json:"lift"`
	} `json:"handoff"`
	Tiers       []tierJSON   `json:"tiers"`
	Deciles     []decileJSON `json:"deciles"`
	Calibration struct {
		Intercept      jsonNumber `json:"intercept"`
		Slope          jsonNumber `json:"slope"`
		PointsToDouble jsonNumber `json:"points_to_double"`
		Brier          jsonNumber `json:"brier"`
		MaxGap         jsonNumber `json:"max_gap"`
	} `json:"calibration"`
}

type tierJSON struct {
	Tier           string     `json:"tier"`
	Handoff        bool       `json:"handoff"`
	Leads          int        `json:"leads"`
	Converted      int        `json:"converted"`
	MinTotal       jsonNumber `json:"min_total"`
	MaxTotal       jsonNumber `json:"max_total"`
	ConversionRate jsonNumber `json:"conversion_rate"`
	Lift           jsonNumber `json:"lift"`
}

type decileJSON struct {
	Decile         int        `json:"decile"`
	MinTotal       jsonNumber `json:"min_total"`
	MaxTotal       jsonNumber `json:"max_total"`
	Leads          int        `json:"leads"`
	Converted      int        `json:"converted"`
	ConversionRate jsonNumber `json:"conversion_rate"`
	Predicted      jsonNumber `json:"predicted"`
	Lift           jsonNumber `json:"lift"`
	Captured       jsonNumber `json:"captured"`
}

type calibrationJSON struct {
	Folds      int           `json:"folds"`
	Seed       uint64        `json:"seed"`
	HeldOutAUC jsonNumber    `json:"held_out_auc"`
	FoldAUC    []jsonNumber  `json:"fold_auc"`
	BeforeAUC  jsonNumber    `json:"before_auc"`
	AfterAUC   jsonNumber    `json:"after_auc"` // in-sample
	Rules      []ruleFitJSON `json:"rules"`
	Tiers      []tierFitJSON `json:"tiers"`
	HeldOut    []groupJSON   `json:"held_out"` // tenths of the leads by held-out points, highest first
	Before     []groupJSON   `json:"before"`   // the same by the points before
	Summary    string        `json:"summary"`  // CalibrationReport.Summary, the text a marketer reads
}

type ruleFitJSON struct {
	ID          string     `json:"id"`
	Dimension   string     `json:"dimension"`
	Kind        string     `json:"kind"`
	Before      jsonNumber `json:"before"`
	After       jsonNumber `json:"after"`
	Fired       int        `json:"fired"`
	Converted   int        `json:"converted"`
	Fitted      bool       `json:"fitted"`
	Added       bool       `json:"added,omitempty"`
	Constrained bool       `json:"constrained,omitempty"`
	Shrunk      bool       `json:"shrunk,omitempty"`
}

type tierFitJSON struct {
	Tier             string     `json:"tier"`
	Before           jsonNumber `json:"before"`
	After            jsonNumber `json:"after"`
	Rate             jsonNumber `json:"rate,omitempty"`
	HeldOutLeads     int        `json:"held_out_leads"`
	HeldOutConverted int        `json:"held_out_converted"`
}

type groupJSON struct {
	Leads     int        `json:"leads"`
	Converted int        `json:"converted"`
	Predicted jsonNumber `json:"predicted"`
}

// writeJSON writes the figures as one indented JSON object.
func (b backtestRun) writeJSON(w io.Writer) error {
	r := b.report
	out := backtestJSON{Rules: b.rules, Leads: b.leads, Outcome: b.outcome, LeftOutEvents: b.leftOut, Charts: b.charts, WroteRules: b.wroteRules}
	ev := &out.Evaluation
	ev.Leads, ev.Converted, ev.ConversionRate, ev.AUC = r.Leads, r.Converted, jsonNumber(r.ConversionRate), jsonNumber(r.AUC)
	h := r.Handoff
	ev.Handoff.Leads, ev.Handoff.Converted = h.Leads, h.Converted
	ev.Handoff.Share, ev.Handoff.Precision, ev.Handoff.Recall, ev.Handoff.Lift = jsonNumber(h.Share), jsonNumber(h.Precision), jsonNumber(h.Recall), jsonNumber(h.Lift)
	for _, t := range r.Tiers {
		ev.Tiers = append(ev.Tiers, tierJSON{Tier: t.Tier, Handoff: t.Handoff, Leads: t.Leads, Converted: t.Converted,
			MinTotal: jsonNumber(t.MinTotal), MaxTotal: jsonNumber(t.MaxTotal), ConversionRate: jsonNumber(t.ConversionRate), Lift: jsonNumber(t.Lift)})
	}
	for _, d := range r.Deciles {
		ev.Deciles = append(ev.Deciles, decileJSON{Decile: d.Decile, MinTotal: jsonNumber(d.MinTotal), MaxTotal: jsonNumber(d.MaxTotal),
			Leads: d.Leads, Converted: d.Converted, ConversionRate: jsonNumber(d.ConversionRate), Predicted: jsonNumber(d.Predicted),
			Lift: jsonNumber(d.Lift), Captured: jsonNumber(d.Captured)})
	}
	c := r.Calibration
	ev.Calibration.Intercept, ev.Calibration.Slope, ev.Calibration.PointsToDouble = jsonNumber(c.Intercept), jsonNumber(c.Slope), jsonNumber(c.PointsToDouble)
	ev.Calibration.Brier, ev.Calibration.MaxGap = jsonNumber(c.Brier), jsonNumber(c.MaxGap)
	if cal := b.calibration; cal != nil {
		cj := &calibrationJSON{Folds: cal.Options.Folds, Seed: cal.Options.Seed, HeldOutAUC: jsonNumber(cal.HeldOutAUC),
			BeforeAUC: jsonNumber(cal.BeforeAUC), AfterAUC: jsonNumber(cal.AfterAUC), Summary: cal.Summary()}
		for _, a := range cal.FoldAUC {
			cj.FoldAUC = append(cj.FoldAUC, jsonNumber(a))
		}
		cj.Rules = make([]ruleFitJSON, len(cal.Rules))
		for i, f := range cal.Rules {
			rj := &cj.Rules[i]
			rj.ID, rj.Dimension, rj.Kind = f.RuleID, string(f.Dimension), f.Kind
			rj.Before, rj.After, rj.Fired, rj.Converted = jsonNumber(f.Before), jsonNumber(f.Points), f.Fired, f.Converted
			rj.Fitted, rj.Added, rj.Constrained, rj.Shrunk = f.Fitted, f.Added, f.Constrained, f.Shrunk
		}
		cj.Tiers = make([]tierFitJSON, len(cal.Tiers))
		for i, t := range cal.Tiers {
			tj := &cj.Tiers[i]
			tj.Tier, tj.Before, tj.After, tj.Rate = t.Tier, jsonNumber(t.Before), jsonNumber(t.After), jsonNumber(t.Rate)
			tj.HeldOutLeads, tj.HeldOutConverted = t.HeldOutLeads, t.HeldOutConverted
		}
		for _, g := range cal.HeldOut {
			cj.HeldOut = append(cj.HeldOut, groupJSON{Leads: g.Leads, Converted: g.Converted, Predicted: jsonNumber(g.Predicted)})
		}
		for _, g := range cal.Before {
			cj.Before = append(cj.Before, groupJSON{Leads: g.Leads, Converted: g.Converted, Predicted: jsonNumber(g.Predicted)})
		}
		out.Calibration = cj
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
