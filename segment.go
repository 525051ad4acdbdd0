package leadscore

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"

	"github.com/expr-lang/expr/ast"
)

// Persona is a segment of leads: the first persona whose When holds; one without When is the
// default and must come last. Track names the nurture track the persona follows. When reads
// what tiers read: the lead, scores, signals, stage, tier and handoff.
type Persona struct {
	ID    string `json:"id" yaml:"id"`
	When  string `json:"when,omitempty" yaml:"when,omitempty"`
	Track string `json:"track,omitempty" yaml:"track,omitempty"`
}

// MaxPersonas is the most personas a rule set may define: "too broad loses personalisation,
// too narrow loses profitability" — DOMAIN.md's 2 to 20.
const MaxPersonas = 20

// Warning is a finding that does not stop Compile but deserves a look: a persona no lead could
// reach, say.
type Warning struct {
	Kind, ID, Field string
	Message         string
}

func (w Warning) String() string {
	s := fmt.Sprintf("%s %q", w.Kind, w.ID)
	if w.Field != "" {
		s += ": " + w.Field
	}
	return s + ": " + w.Message
}

type persona[L any] struct {
	id, track string
	when      *program[L]
}

func compilePersonas[L any](c *exprCompiler[L], cfg []Persona, errs *errorList, warns *[]Warning) []persona[L] {
	const kind = "persona"
	if len(cfg) > MaxPersonas {
		errs.addf(kind, "personas", "", "%d personas, at most %d: segments that narrow stop paying", len(cfg), MaxPersonas)
	}
	if len(cfg) == 1 {
		*warns = append(*warns, Warning{Kind: kind, ID: cfg[0].ID, Message: "a single persona does not segment anything"})
	}
	out := make([]persona[L], 0, len(cfg))
	seen := map[string]bool{}
	reachable := 0
	for i, pc := range cfg {
		id := pc.ID
		switch {
		case id == "":
			id = fmt.Sprintf("personas[%d]", i)
			errs.addf(kind, id, "id", "a persona needs an id")
		case seen[id]:
			errs.addf(kind, id, "id", "duplicate persona id")
		}
		seen[id] = true
		p := persona[L]{id: id, track: pc.Track}
		if pc.When == "" {
			if i != len(cfg)-1 {
				errs.addf(kind, id, "when", "only the last persona may omit when (the default); the personas after it could never match")
			}
		} else {
			p.when = c.compile(pc.When, scopeGuard, true, errs, kind, id, "when")
		}
		if p.when != nil && constantFalse(p.when) {
			*warns = append(*warns, Warning{Kind: kind, ID: id, Field: "when", Message: "the condition is always false: no lead can reach this persona"})
		} else {
			reachable++
		}
		out = append(out, p)
	}
	if len(cfg) > 0 && reachable == 0 && len(*errs) == 0 {
		errs.addf(kind, "personas", "", "no persona can be reached")
	}
	return out
}

// constantFalse reports whether expr's optimiser folded a condition to false.
func constantFalse[L any](p *program[L]) bool {
	b, ok := p.prog.Node().(*ast.BoolNode)
	return ok && !b.Value
}

// pickPersona sets res.Persona and res.Track: the first persona whose condition holds.
func (s *Scorer[L]) pickPersona(sc *scratch[L], res *Result) {
	for i := range s.personas {
		p := &s.personas[i]
		if p.when != nil {
			ok, err := s.runBool(sc, p.when)
			if err != nil {
				res.Errors = append(res.Errors, runtimeError("persona", p.id, "when", err))
				continue
			}
			if !ok {
				continue
			}
		}
		res.Persona, res.Track = p.id, p.track
		return
	}
}

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
	Result  Result
	Outcome Outcome
}

// ROI says how to value leads for Profile: Value is what a lead brings and Cost what serving it
// takes, both numeric expressions over lead (and now, the Result's time), such as
// "lead.AvgOrderValue * lead.Purchases * lead.Margin" and "lead.ServiceEffort * 20". Either may
// be empty (zero).
type ROI struct {
	Value string `json:"value,omitempty" yaml:"value,omitempty"`
	Cost  string `json:"cost,omitempty" yaml:"cost,omitempty"`
}

// PersonaProfile describes one persona of a population.
type PersonaProfile struct {
	Persona, Track string
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
	// costs nothing and brings something, NaN when it costs and brings nothing.
	ROI float64
}

// Profile groups a population by persona: size, share, mean scores, conversion where outcomes
// are known, and value, cost and ROI from the given expressions. Personas are ranked by ROI,
// best first, so a team sees whom to serve and whom to stop chasing (DOMAIN.md: "recognise
// the bad customers who cost more than they bring"). Leads with no persona form the group "".
func (s *Scorer[L]) Profile(samples iter.Seq[Sample[L]], roi ROI) ([]PersonaProfile, error) {
	var errs errorList
	// A compiler of its own: Profile may run concurrently, and ROI expressions get no slots.
	c := &exprCompiler[L]{types: newTypeTable(nil, nil), lists: s.listNames, options: s.exprOpts, limits: s.limits}
	value, cost := s.roiProgram(c, roi.Value, "value", &errs), s.roiProgram(c, roi.Cost, "cost", &errs)
	if len(errs) > 0 {
		return nil, errs.err()
	}
	sc := s.get()
	defer s.put(sc)
	byPersona := map[string]*PersonaProfile{}
	var order []string
	total := 0
	var runErr error
	for sm := range samples {
		r := &sm.Result
		p := byPersona[r.Persona]
		if p == nil {
			p = &PersonaProfile{Persona: r.Persona, Track: r.Track}
			byPersona[r.Persona] = p
			order = append(order, r.Persona)
		}
		total++
		p.Size++
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
		if value == nil && cost == nil {
			continue
		}
		sc.env.Lead, sc.env.Now = sm.Lead, r.At
		sc.boxedOK = false
		for _, x := range []struct {
			p   *program[L]
			dst *float64
		}{{value, &p.Value}, {cost, &p.Cost}} {
			if x.p == nil {
				continue
			}
			v, err := s.runNumber(sc, x.p)
			if err != nil && runErr == nil {
				runErr = fmt.Errorf("leadscore: Profile: lead %d: %w", total-1, err)
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

func (s *Scorer[L]) roiProgram(c *exprCompiler[L], src, field string, errs *errorList) *program[L] {
	if src == "" {
		return nil
	}
	return c.compile(src, scopeValue, false, errs, "roi", "profile", field)
}
