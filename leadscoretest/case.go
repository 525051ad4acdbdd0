package leadscoretest

import (
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

// Case is one test of a rule set: a lead, what it did, when to look at it, and what the rule
// set should make of it. L is the lead type the Scorer was compiled for.
//
// A case with Members is an account case: the members of one account — each a lead and its
// events, in place of Lead and Events — scored together by Scorer.ScoreAccount at At, and
// its Expect is on the account (see [ReplayAccount]).
type Case[L any] struct {
	Name   string
	Lead   L
	Events []leadscore.Event // observed in order into a fresh State
	// At is when the lead is evaluated after its events; the zero time means at the latest
	// event's time (for an account case, the latest of any member's). A case without events
	// needs an At.
	At     time.Time
	Expect Expect

	// Account is the key an account case's members should share (Scorer.AccountKey):
	// checked when set.
	Account string
	// Members make the case an account case: the leads of one account and their events.
	Members []Member[L]
}

// Member is a member of an account case: a lead and what it did.
type Member[L any] struct {
	Lead   L
	Events []leadscore.Event // observed in order into a fresh State of its own
}

// Expect is what a Case should produce. Zero values are not checked: an empty Tier, a nil
// Handoff or an empty Fired asserts nothing. Handoff, Disqualified, MinTotal and MaxTotal are
// pointers so that false and 0 can be asserted (Bool(false), leadscore.Float(0)); NoPersona
// asserts that no persona matched, since an empty Persona is not checked.
type Expect struct {
	Tier         string          // the tier's name
	Handoff      *bool           // whether the lead is handed off to sales (an MQL)
	Disqualified *bool           // whether a rule or the competitor signal disqualified the lead
	Stage        leadscore.Stage // the journey stage after the events (and any time-driven moves to At)
	Persona      string          // the persona's ID
	Track        string          // the nurture track (Result.Track), which follows the tier where the persona has tracks
	NoPersona    bool            // no persona matched
	Fired        []string        // rule IDs (attribute or event rules) that must contribute
	NotFired     []string        // rule IDs that must not
	Signals      []string        // signal kinds that must be present
	NoSignals    []string        // signal kinds that must be absent
	MinTotal     *float64        // the total is at least this
	MaxTotal     *float64        // the total is at most this

	// An account case's expectations: Tier, Handoff, Disqualified, MinTotal, MaxTotal, Fired
	// and NotFired are then the account's (its tiers and account rules), and these are its
	// buying group's. Stage, Persona, Track, NoPersona, Signals and NoSignals are a lead's: an
	// account case that sets them fails.
	Covered   []string // role IDs an engaged member must cover (AccountResult.Roles)
	Missing   []string // required role IDs that must be missing (AccountResult.Missing)
	NoMissing bool     // no required role is missing
}

// Bool returns a pointer to v, for Expect's optional booleans: Expect{Handoff: Bool(false)}.
func Bool(v bool) *bool { return &v }

// Trace is what replaying a Case produced: its Result, the Result of each event, every
// transition, the rule errors and the final State (see [analysis.Trace]).
type Trace = analysis.Trace

// Replay runs c against s the way Check does: a fresh State observes each event in order,
// then Advance evaluates the lead at c.At (or at the latest event's time when c.At is zero),
// applying what time alone changes, as an engine that calls Advance would — as
// [analysis.Replay] runs a lead of a population; the expectations play no part. The error
// reports an event that s rejected or a case with neither events nor At; rule errors are in
// Trace.Errors. An account case is an error: [ReplayAccount] runs it.
func Replay[L any](s *leadscore.Scorer[L], c Case[L]) (Trace, error) {
	if len(c.Members) > 0 {
		return Trace{}, errors.New("an account case (members): ReplayAccount runs it")
	}
	return analysis.Replay(s, c.replayed())
}

// Population returns the cases as a population of leads for [analysis.Lint] and
// [analysis.Diff]: each case's name, lead, events and At, its expectations left out. The
// members of an account case are leads of their own, named after the case ("globex/2" for
// its second member) and evaluated at the account's time.
//
//	findings, err := analysis.Lint(cfg, leadscoretest.Population(cases))
func Population[L any](cases []Case[L]) iter.Seq[analysis.ReplayedLead[L]] {
	return func(yield func(analysis.ReplayedLead[L]) bool) {
		for _, c := range cases {
			if len(c.Members) == 0 {
				if !yield(c.replayed()) {
					return
				}
				continue
			}
			for i, m := range c.Members {
				name := ""
				if c.Name != "" {
					name = fmt.Sprintf("%s/%d", c.Name, i+1)
				}
				if !yield(analysis.ReplayedLead[L]{Name: name, Lead: m.Lead, Events: m.Events, At: accountTime(c)}) {
					return
				}
			}
		}
	}
}

// replayed is the case as a lead of a population.
func (c Case[L]) replayed() analysis.ReplayedLead[L] {
	return analysis.ReplayedLead[L]{Name: c.Name, Lead: c.Lead, Events: c.Events, At: c.At}
}

// caseName labels a case in reports: its name, or its position when it has none.
func caseName[L any](i int, c Case[L]) string {
	if c.Name != "" {
		return c.Name
	}
	return fmt.Sprintf("#%d", i+1)
}
