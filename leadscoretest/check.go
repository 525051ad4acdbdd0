package leadscoretest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/text"
)

// Mismatch is one way a case failed: an expectation it did not meet, a rule that errored
// while it ran, an expectation naming something the rule set lacks, or an event the Scorer
// rejected.
type Mismatch struct {
	Case    string // the case's name ("#3" for the third case when it has none)
	Field   string // the expectation: "tier", "handoff", "fired", …; "errors" or "events" for a run that went wrong
	Message string // what was found and what was wanted
}

func (m *Mismatch) Error() string {
	return fmt.Sprintf("leadscoretest: case %q: %s: %s", m.Case, m.Field, m.Message)
}

// Check runs every case against s (see Replay) and reports the failures: nil when all pass,
// else the join of one *Mismatch per failure, each naming the case and what did not match.
// A case also fails when a rule errors while it runs, or when an expectation names a rule,
// tier, persona, signal kind or stage that s does not have (a typo would otherwise pass
// silently).
//
// An account case (Case.Members) is run by ReplayAccount and checked on the account: its
// tier and hand-off (of the accounts section's tiers), disqualification, total, the account
// rules that fired or not, the roles covered and the required roles missing, and its key
// (Case.Account). It fails when s has no accounts section, when it names an account tier,
// account rule or role that s lacks, and when it expects a lead's stage, persona or signals;
// a lead case fails when it expects roles or names an account.
func Check[L any](s *leadscore.Scorer[L], cases []Case[L]) error {
	known := newCatalog(s)
	var errs []error
	for i, c := range cases {
		_, ms := checkCase(s, known, caseName(i, c), c)
		for _, m := range ms {
			errs = append(errs, m)
		}
	}
	return errors.Join(errs...)
}

// Run runs every case against s as a subtest of t named after the case, and reports each
// mismatch with t.Errorf, followed by the case's explanation (Result.Explain, or for an
// account case AccountResult.Explain) as a log line.
// Like slogtest.Run it takes a *testing.T, for its subtests: go test -run 'TestRules/vp'
// runs one case.
func Run[L any](t *testing.T, s *leadscore.Scorer[L], cases []Case[L]) {
	t.Helper()
	known := newCatalog(s)
	for i, c := range cases {
		name := caseName(i, c)
		t.Run(name, func(t *testing.T) {
			t.Helper()
			explain, ms := checkCase(s, known, name, c)
			for _, m := range ms {
				t.Errorf("%s: %s", m.Field, m.Message)
			}
			if len(ms) > 0 && explain != nil {
				t.Log(explain())
			}
		})
	}
}

// catalog is what a rule set defines, for catching expectations that name something else.
type catalog struct {
	rules, tiers, personas, signals, stages map[string]bool
	accounts                                *accountCatalog // nil: no accounts section
}

func newCatalog[L any](s *leadscore.Scorer[L]) *catalog {
	cfg := s.Config()
	k := &catalog{rules: map[string]bool{}, tiers: map[string]bool{}, personas: map[string]bool{}, signals: map[string]bool{}, stages: map[string]bool{}}
	for _, r := range cfg.Rules {
		k.rules[r.ID] = true
	}
	for _, r := range cfg.Events {
		k.rules[r.ID] = true
	}
	for _, t := range cfg.Tiers {
		k.tiers[t.Name] = true
	}
	for _, p := range cfg.Personas {
		k.personas[p.ID] = true
	}
	for _, kind := range s.SignalKinds() {
		k.signals[kind] = true
	}
	for _, st := range s.Journey().Stages {
		k.stages[string(st.Name)] = true
	}
	k.accounts = newAccountCatalog(cfg.Accounts)
	return k
}

// checkCase replays c and compares the outcome with its expectations. explain, when the case
// ran, returns what Run logs of it.
func checkCase[L any](s *leadscore.Scorer[L], known *catalog, name string, c Case[L]) (explain func() string, _ []*Mismatch) {
	if len(c.Members) > 0 {
		return checkAccount(s, known, name, c)
	}
	var ms, typos []*Mismatch
	fail := func(field, format string, args ...any) {
		ms = append(ms, &Mismatch{Case: name, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	x := c.Expect
	unknown := func(field, what string, set map[string]bool, ids ...string) {
		for _, id := range ids {
			if id != "" && !set[id] {
				typos = append(typos, &Mismatch{Case: name, Field: field, Message: fmt.Sprintf("the rule set has no %s %q", what, id)})
			}
		}
	}
	unknown("tier", "tier", known.tiers, x.Tier)
	unknown("stage", "stage", known.stages, string(x.Stage))
	unknown("persona", "persona", known.personas, x.Persona)
	unknown("fired", "rule", known.rules, x.Fired...)
	unknown("not_fired", "rule", known.rules, x.NotFired...)
	unknown("signals", "signal kind", known.signals, x.Signals...)
	unknown("no_signals", "signal kind", known.signals, x.NoSignals...)
	for _, f := range []struct {
		field string
		set   bool
	}{{"covered", len(x.Covered) > 0}, {"missing", len(x.Missing) > 0}, {"no_missing", x.NoMissing}, {"account", c.Account != ""}} {
		if f.set {
			typos = append(typos, &Mismatch{Case: name, Field: f.field, Message: "a lead has no account or buying group: give the case members to make it an account case"})
		}
	}

	tr, err := Replay(s, c)
	if err != nil {
		field := "events"
		if (len(c.Events) == 0 && c.At.IsZero()) || strings.HasPrefix(err.Error(), "at:") {
			field = "at"
		}
		fail(field, "%v", err)
		return nil, append(ms, typos...)
	}
	r := &tr.Result
	explain = func() string {
		return fmt.Sprintf("result at %s:\n%s", r.At.Format("2006-01-02T15:04:05Z07:00"), r.Explain())
	}
	for _, e := range tr.Errors {
		fail("errors", "%s", firstLine(e.Error()))
	}
	if known.tiers[x.Tier] && r.Tier != x.Tier {
		fail("tier", "got %q, want %q (total %s)", r.Tier, x.Tier, points(r.Total))
	}
	if x.Handoff != nil && r.Handoff != *x.Handoff {
		why := ""
		if r.Disqualified {
			why = ", disqualified"
		}
		fail("handoff", "got %t, want %t (tier %q%s)", r.Handoff, *x.Handoff, r.Tier, why)
	}
	if x.Disqualified != nil && r.Disqualified != *x.Disqualified {
		fail("disqualified", "got %t, want %t", r.Disqualified, *x.Disqualified)
	}
	if known.stages[string(x.Stage)] && r.Stage != x.Stage {
		fail("stage", "got %q, want %q (%s)", r.Stage, x.Stage, stagePath(tr.Transitions))
	}
	if known.personas[x.Persona] && r.Persona != x.Persona {
		fail("persona", "got %q, want %q", r.Persona, x.Persona)
	}
	if x.Track != "" && r.Track != x.Track {
		fail("track", "got %q, want %q (persona %q, tier %q)", r.Track, x.Track, r.Persona, r.Tier)
	}
	if x.NoPersona && r.Persona != "" {
		fail("persona", "got %q, want none", r.Persona)
	}
	for _, id := range x.Fired {
		if known.rules[id] && contribution(r, id) == nil {
			fail("fired", "rule %q did not fire", id)
		}
	}
	for _, id := range x.NotFired {
		if c := contribution(r, id); c != nil {
			fail("not_fired", "rule %q fired (%s: %s)", id, signed(c.Points), c.Reason)
		}
	}
	for _, kind := range x.Signals {
		if known.signals[kind] && signal(r, kind) == nil {
			fail("signals", "no %q signal (signals: %s)", kind, signalList(r))
		}
	}
	for _, kind := range x.NoSignals {
		if sig := signal(r, kind); sig != nil {
			fail("no_signals", "%q signal present: %s", kind, sig.Reason)
		}
	}
	if x.MinTotal != nil && !(r.Total >= *x.MinTotal) {
		fail("min_total", "total %s is below %s", points(r.Total), points(*x.MinTotal))
	}
	if x.MaxTotal != nil && !(r.Total <= *x.MaxTotal) {
		fail("max_total", "total %s is above %s", points(r.Total), points(*x.MaxTotal))
	}
	return explain, append(ms, typos...)
}

func contribution(r *leadscore.Result, id string) *leadscore.Contribution {
	for i := range r.Contributions {
		if r.Contributions[i].RuleID == id {
			return &r.Contributions[i]
		}
	}
	return nil
}

func signal(r *leadscore.Result, kind string) *leadscore.Signal {
	for i := range r.Signals {
		if r.Signals[i].Kind == kind {
			return &r.Signals[i]
		}
	}
	return nil
}

func signalList(r *leadscore.Result) string {
	if len(r.Signals) == 0 {
		return "none"
	}
	kinds := make([]string, len(r.Signals))
	for i, s := range r.Signals {
		kinds[i] = s.Kind
	}
	return strings.Join(kinds, ", ")
}

// stagePath describes the stage moves of a run: "attract → capture → nurture".
func stagePath(ts []leadscore.Transition) string {
	var path []string
	for _, t := range ts {
		if t.Kind != leadscore.TransitionStage {
			continue
		}
		if len(path) == 0 {
			path = append(path, string(t.From))
		}
		path = append(path, string(t.To))
	}
	if len(path) == 0 {
		return "no stage transitions"
	}
	return "went " + strings.Join(path, " → ")
}

// points renders a score with at most two decimals: 64.25, 70, -3.5.
func points(v float64) string { return text.Decimal(v, 2) }

// signed renders points with their sign: +20, -15, +0.
func signed(v float64) string { return text.Signed(v, 2) }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
