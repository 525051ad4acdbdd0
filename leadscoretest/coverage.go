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
// which signals were never raised, which journey transitions were never taken and which
// buying-group roles no account case covered.
type CoverageReport struct {
	Cases       int          `json:"cases"`
	Rules       ItemCoverage `json:"rules"`       // attribute and event rules, by ID
	Tiers       ItemCoverage `json:"tiers"`       // by name
	Personas    ItemCoverage `json:"personas"`    // by ID
	Signals     ItemCoverage `json:"signals"`     // the kinds the Scorer can report (Scorer.SignalKinds)
	Transitions ItemCoverage `json:"transitions"` // the journey's transitions, "from→to" (with the reason when two share from→to)
	Roles       ItemCoverage `json:"roles"`       // the accounts section's roles, by ID (none without one)
}

// ItemCoverage is the coverage of one kind of item of a rule set.
type ItemCoverage struct {
	Total     int      `json:"total"`
	Covered   int      `json:"covered"`
	Percent   float64  `json:"percent"`   // 100 × Covered / Total; 100 when there is nothing to cover
	Uncovered []string `json:"uncovered"` // in rule-set order
}

// Complete reports whether the cases exercised everything: every rule, tier, persona,
// signal kind, journey transition and role.
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
		{"signals", r.Signals}, {"transitions", r.Transitions}, {"roles", r.Roles},
	}
}

// String renders the report, one line per kind of item, with what was never exercised:
//
//	coverage of 12 cases
//	  rules         44/46   95.7%  never fired: competitor, email-bounce
//	  tiers          3/3   100.0%
//	  personas       4/5    80.0%  never reached: practitioner
//
// Roles have a line only when the rule set has an accounts section with roles.
func (r CoverageReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "coverage of %d %s\n", r.Cases, text.Plural(r.Cases, "case", "cases"))
	for _, it := range r.items() {
		c := it.cov
		if it.name == "roles" && c.Total == 0 {
			continue
		}
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
	case "roles":
		return "never covered"
	}
	return "never reached"
}

// Coverage replays the cases against s (see Replay) and reports what they never exercised.
// An item counts as exercised when any evaluation of the run shows it, an Observe's as well as
// the final one: a rule in Result.Contributions, a tier as Result.Tier, a persona as
// Result.Persona, a signal in Result.Signals, a transition in Result.Transitions. The members
// of an account case count as leads, and a role counts as covered when an account case's
// AccountResult covers it (an engaged member plays it within its recency). Expectations play
// no part; a case that cannot run (a rejected event) counts for the events before it (Check
// reports it).
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

	roles := newTally()
	if cfg.Accounts != nil {
		for _, r := range cfg.Accounts.Roles {
			roles.add(r.ID)
		}
	}

	count := func(tr Trace, ran bool) {
		results := tr.Steps
		if ran {
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
	for _, c := range cases {
		if len(c.Members) == 0 {
			tr, err := Replay(s, c)
			count(tr, err == nil)
			continue
		}
		at, failed, _, err := replayAccount(s, c)
		for i, mt := range at.Members {
			count(mt, i != failed)
		}
		if err != nil {
			continue
		}
		for _, rc := range at.Result.Roles {
			if rc.Covered {
				roles.hit(rc.Role)
			}
		}
	}
	return CoverageReport{
		Cases: len(cases), Rules: rules.report(), Tiers: tiers.report(), Personas: personas.report(),
		Signals: signals.report(), Transitions: transitions.report(), Roles: roles.report(),
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
