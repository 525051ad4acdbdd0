package leadscoretest

import (
	"fmt"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/journeykey"
	"github.com/leadscore/leadscore/internal/text"
)

// CoverageReport says how much of a rule set a set of cases exercises — rule-set coverage,
// like code coverage: which rules never fired, which tiers and personas no case reached,
// which signals were never raised and which journey transitions were never taken.
type CoverageReport struct {
	Cases       int          `json:"cases"`
	Rules       ItemCoverage `json:"rules"`       // attribute and event rules, by ID
	Tiers       ItemCoverage `json:"tiers"`       // by name
	Personas    ItemCoverage `json:"personas"`    // by ID
	Signals     ItemCoverage `json:"signals"`     // the kinds the Scorer can report (Scorer.SignalKinds)
	Transitions ItemCoverage `json:"transitions"` // the journey's transitions, "from→to" (with the reason when two share from→to)
}

// ItemCoverage is the coverage of one kind of item of a rule set.
type ItemCoverage struct {
	Total     int      `json:"total"`
	Covered   int      `json:"covered"`
	Percent   float64  `json:"percent"`   // 100 × Covered / Total; 100 when there is nothing to cover
	Uncovered []string `json:"uncovered"` // in rule-set order
}

// Complete reports whether the cases exercised everything: every rule, tier, persona,
// signal kind and journey transition.
func (r CoverageReport) Complete() bool {
	for _, c := range r.items() {
		if len(c.cov.Uncovered) > 0 {
			return false
		}
	}
	return true
}

func (r CoverageReport) items() []struct {
	name string
	cov  ItemCoverage
} {
	return []struct {
		name string
		cov  ItemCoverage
	}{
		{"rules", r.Rules}, {"tiers", r.Tiers}, {"personas", r.Personas},
		{"signals", r.Signals}, {"transitions", r.Transitions},
	}
}

// String renders the report, one line per kind of item, with what was never exercised:
//
//	coverage of 12 cases
//	  rules         44/46   95.7%  never fired: competitor, email-bounce
//	  tiers          3/3   100.0%
//	  personas       4/5    80.0%  never reached: practitioner
func (r CoverageReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "coverage of %d %s\n", r.Cases, text.Plural(r.Cases, "case", "cases"))
	for _, it := range r.items() {
		c := it.cov
		fmt.Fprintf(&b, "  %-12s %3d/%-3d %5.1f%%", it.name, c.Covered, c.Total, c.Percent)
		if len(c.Uncovered) > 0 {
			fmt.Fprintf(&b, "  %s: %s", missingLabel(it.name), strings.Join(c.Uncovered, ", "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func missingLabel(kind string) string {
	switch kind {
	case "rules":
		return "never fired"
	case "signals":
		return "never raised"
	case "transitions":
		return "never taken"
	}
	return "never reached"
}

// Coverage replays the cases against s (see Replay) and reports what they never exercised.
// An item counts as exercised when any evaluation of the run shows it, an Observe's as well as
// the final one: a rule in Result.Contributions, a tier as Result.Tier, a persona as
// Result.Persona, a signal in Result.Signals, a transition in Result.Transitions. Expectations
// play no part; a case that cannot run (a rejected event) counts for the events before it
// (Check reports it).
func Coverage[L any](s *leadscore.Scorer[L], cases []Case[L]) CoverageReport {
	cfg := s.Config()
	rules := newTally()
	for _, r := range cfg.Rules {
		rules.add(r.ID)
	}
	for _, r := range cfg.Events {
		rules.add(r.ID)
	}
	tiers := newTally()
	for _, t := range cfg.Tiers {
		tiers.add(t.Name)
	}
	personas := newTally()
	for _, p := range cfg.Personas {
		personas.add(p.ID)
	}
	signals := newTally()
	for _, k := range s.SignalKinds() {
		signals.add(k)
	}
	journey := journeykey.New(s.Journey())
	transitions := newTally()
	for _, k := range journey.Keys {
		transitions.add(k)
	}

	for _, c := range cases {
		tr, err := Replay(s, c)
		results := tr.Steps
		if err == nil {
			results = append(results, tr.Result)
		}
		for _, res := range results {
			for _, ct := range res.Contributions {
				rules.hit(ct.RuleID)
			}
			tiers.hit(res.Tier)
			personas.hit(res.Persona)
			for _, sig := range res.Signals {
				signals.hit(sig.Kind)
			}
		}
		for _, t := range tr.Transitions {
			switch t.Kind {
			case leadscore.TransitionStage:
				transitions.hit(journey.Of(t))
			case leadscore.TransitionSignal:
				if t.Raised {
					signals.hit(t.Signal)
				}
			case leadscore.TransitionTier:
				tiers.hit(t.ToTier)
			}
		}
	}
	return CoverageReport{
		Cases: len(cases), Rules: rules.report(), Tiers: tiers.report(), Personas: personas.report(),
		Signals: signals.report(), Transitions: transitions.report(),
	}
}

// tally counts which of a list of items were hit.
type tally struct {
	order []string
	hits  map[string]bool
}

func newTally() *tally { return &tally{hits: map[string]bool{}} }

func (t *tally) add(id string) {
	if _, dup := t.hits[id]; !dup {
		t.order = append(t.order, id)
		t.hits[id] = false
	}
}

func (t *tally) hit(id string) {
	if _, ok := t.hits[id]; ok {
		t.hits[id] = true
	}
}

func (t *tally) report() ItemCoverage {
	c := ItemCoverage{Total: len(t.order), Uncovered: []string{}}
	for _, id := range t.order {
		if t.hits[id] {
			c.Covered++
		} else {
			c.Uncovered = append(c.Uncovered, id)
		}
	}
	c.Percent = 100
	if c.Total > 0 {
		c.Percent = 100 * float64(c.Covered) / float64(c.Total)
	}
	return c
}
