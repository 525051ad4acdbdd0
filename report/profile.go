package report

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
)

// Outcome is what became of a lead, for population reports.
type Outcome int8

// Outcomes.
const (
	OutcomeUnknown      Outcome = iota // no outcome yet: left out of conversion rates
	OutcomeConverted                   // became a customer (or whatever the team counts)
	OutcomeNotConverted                // lost, or never will
)

// Sample is one lead of a population as a report sees it: the lead, its Result, and its
// outcome where known.
type Sample[L any] struct {
	Lead    L
	Result  leadscore.Result
	Outcome Outcome
}

// ROI says how to value leads for Profile: Value is what a lead brings and Cost what serving it
// takes, both numeric expressions over lead (and now, the Result's time), such as
// "lead.AvgOrderValue * lead.Purchases * lead.Margin" and "lead.ServiceEffort * 20". Either may
// be empty (zero). They are compiled by the Scorer
// ([github.com/leadscore/leadscore.Scorer.CompileValue]): its functions, lists and limits
// apply, and they may not read the lead's events, scores or stage.
type ROI struct {
	Value string `json:"value,omitempty" yaml:"value,omitempty"`
	Cost  string `json:"cost,omitempty" yaml:"cost,omitempty"`
}

// PersonaProfile describes one persona of a population. Track is the persona's own track
// (leadscore.Persona.Track); where the persona has tracks by tier, its leads are spread over
// them, and Tracks counts the leads on each.
type PersonaProfile struct {
	Persona, Track string
	Tracks         map[string]int // leads per Result.Track
	Size           int
	Share          float64 // of the population
	MeanFit        float64
	MeanEngagement float64
	MeanRelationship,
	MeanTotal float64
	WithOutcome, Converted int     // leads with a known outcome, and those that converted
	ConversionRate         float64 // Converted / WithOutcome; NaN without outcomes
	Value, Cost            float64 // totals of the ROI expressions
	ValuePerLead           float64
	CostPerLead            float64
	// ROI is (Value − Cost) / Cost: what each unit spent on the persona returns. +Inf when it
	// costs nothing and brings something, NaN when it costs nothing and brings nothing (or
	// less).
	ROI float64
}

// Profile groups a population by persona (each Sample's Result.Persona): size, share, mean
// scores, conversion where outcomes are known, and value, cost and ROI from the given
// expressions, evaluated for each lead at its Result's time. Personas are ranked by ROI, best
// first, so a team sees whom to serve and whom to stop chasing ("recognise the bad
// customers who cost more than they bring"); those whose ROI is NaN come last, by value per
// lead, and ties keep the order in which the personas first appear. Leads with no persona
// form the group "".
//
// An ROI expression that does not compile is a [leadscore.RuleError] (kind "roi", field "value"
// or "cost"); one that fails for a lead (not a finite number, over its step budget) is an
// error naming the lead's position in samples. Either way Profile returns no profiles.
func Profile[L any](s *leadscore.Scorer[L], samples iter.Seq[Sample[L]], roi ROI) ([]PersonaProfile, error) {
	value, errV := compileROI(s, roi.Value, "value")
	cost, errC := compileROI(s, roi.Cost, "cost")
	if err := errors.Join(errV, errC); err != nil {
		return nil, err
	}
	own := map[string]string{} // each persona's own track
	for _, p := range s.Config().Personas {
		own[p.ID] = p.Track
	}
	byPersona := map[string]*PersonaProfile{}
	var order []string
	total := 0
	var runErr error
	for sm := range samples {
		r := &sm.Result
		p := byPersona[r.Persona]
		if p == nil {
			track, ok := own[r.Persona]
			if !ok {
				track = r.Track
			}
			p = &PersonaProfile{Persona: r.Persona, Track: track, Tracks: map[string]int{}}
			byPersona[r.Persona] = p
			order = append(order, r.Persona)
		}
		total++
		p.Size++
		p.Tracks[r.Track]++
		p.MeanFit += r.Fit
		p.MeanEngagement += r.Engagement
		p.MeanRelationship += r.Relationship
		p.MeanTotal += r.Total
		switch sm.Outcome {
		case OutcomeConverted:
			p.WithOutcome++
			p.Converted++
		case OutcomeNotConverted:
			p.WithOutcome++
		}
		for _, x := range []struct {
			fn  func(L, time.Time) (float64, error)
			dst *float64
		}{{value, &p.Value}, {cost, &p.Cost}} {
			if x.fn == nil {
				continue
			}
			v, err := x.fn(sm.Lead, r.At)
			if err != nil && runErr == nil {
				runErr = fmt.Errorf("report: Profile: lead %d: %w", total-1, err)
			}
			*x.dst += v
		}
	}
	if runErr != nil {
		return nil, runErr
	}
	out := make([]PersonaProfile, 0, len(order))
	for _, id := range order {
		p := *byPersona[id]
		n := float64(p.Size)
		p.Share = n / float64(total)
		p.MeanFit /= n
		p.MeanEngagement /= n
		p.MeanRelationship /= n
		p.MeanTotal /= n
		p.ConversionRate = math.NaN()
		if p.WithOutcome > 0 {
			p.ConversionRate = float64(p.Converted) / float64(p.WithOutcome)
		}
		p.ValuePerLead, p.CostPerLead = p.Value/n, p.Cost/n
		switch {
		case p.Cost != 0:
			p.ROI = (p.Value - p.Cost) / p.Cost
		case p.Value > 0:
			p.ROI = math.Inf(1)
		default:
			p.ROI = math.NaN()
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b PersonaProfile) int {
		switch {
		case math.IsNaN(a.ROI) && math.IsNaN(b.ROI):
			return cmp.Compare(b.ValuePerLead, a.ValuePerLead)
		case math.IsNaN(a.ROI):
			return 1
		case math.IsNaN(b.ROI):
			return -1
		}
		return cmp.Compare(b.ROI, a.ROI)
	})
	return out, nil
}

// compileROI compiles one ROI expression (nil for none), its errors named as Profile's were
// when it lived in the root package: kind "roi", rule "profile", field value or cost.
func compileROI[L any](s *leadscore.Scorer[L], src, field string) (func(L, time.Time) (float64, error), error) {
	if src == "" {
		return nil, nil
	}
	fn, err := s.CompileValue(src)
	if err != nil {
		var re *leadscore.RuleError
		if errors.As(err, &re) { // a fresh error of CompileValue's: ours to name
			re.Kind, re.RuleID, re.Field = "roi", "profile", field
		}
		return nil, err
	}
	return fn, nil
}
