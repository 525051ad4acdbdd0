package leadscoretest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

// Account cases: the members of one account, each a lead with its events, scored together by
// Scorer.ScoreAccount, with expectations on the account — its tier, hand-off and buying group.

// AccountTrace is what replaying an account case produced: the AccountResult, and each
// member's Trace in the case's order.
type AccountTrace struct {
	Result  leadscore.AccountResult
	Members []Trace
}

// ReplayAccount runs the account case c against s the way Check does: each member's events
// are observed into a fresh State of its own and Advance evaluates the member at the
// account's time — c.At, else the latest event of any member — as Replay runs a lead; then
// Scorer.ScoreAccount scores the account from the members' leads and States at that time,
// with no AccountState (no hysteresis, no transitions: a first evaluation). The
// expectations play no part.
//
// The error reports a case without members, a member event that s rejected ("member 2:
// event 1 (call): …"), a case with no member events and no At, or what ScoreAccount refused:
// a rule set without an accounts section, members of different accounts or of none. The
// AccountTrace then holds the members replayed before it — on a member's error, ending with
// that member's Trace as Replay left it.
func ReplayAccount[L any](s *leadscore.Scorer[L], c Case[L]) (AccountTrace, error) {
	tr, _, _, err := replayAccount(s, c)
	return tr, err
}

// replayAccount is ReplayAccount, also saying which member failed (-1: none) and which part
// of the case an error is about: "members", "events" or "at", as Check reports it.
func replayAccount[L any](s *leadscore.Scorer[L], c Case[L]) (tr AccountTrace, failed int, field string, err error) {
	if len(c.Members) == 0 {
		return tr, -1, "members", errors.New("not an account case: it has no members")
	}
	at := accountTime(c)
	if at.IsZero() {
		return tr, -1, "at", errors.New("no member events and no evaluation time (at): nothing says when to evaluate the account")
	}
	tr.Members = make([]Trace, 0, len(c.Members))
	for i, m := range c.Members {
		mt, err := analysis.Replay(s, analysis.ReplayedLead[L]{Lead: m.Lead, Events: m.Events, At: at})
		tr.Members = append(tr.Members, mt)
		if err != nil {
			field := "events"
			if strings.HasPrefix(err.Error(), "at:") {
				field = "at"
			}
			return tr, i, field, fmt.Errorf("member %d: %w", i+1, err)
		}
	}
	res, err := s.ScoreAccount(func(yield func(L, *leadscore.State) bool) {
		for i := range tr.Members {
			if !yield(c.Members[i].Lead, tr.Members[i].State) {
				return
			}
		}
	}, nil, at)
	if err != nil {
		return tr, -1, "members", errors.New(strings.TrimPrefix(err.Error(), "leadscore: "))
	}
	tr.Result = res
	return tr, -1, "", nil
}

// accountTime is when an account case is evaluated: its At, else the latest event of any
// member (the zero time: neither).
func accountTime[L any](c Case[L]) time.Time {
	at := c.At
	if at.IsZero() {
		for _, m := range c.Members {
			for _, ev := range m.Events {
				if ev.Time.After(at) {
					at = ev.Time
				}
			}
		}
	}
	return at
}

// accountCatalog is what a rule set's accounts section defines.
type accountCatalog struct {
	tiers, rules map[string]bool
	roles        map[string]bool // role ID → required
}

func newAccountCatalog(cfg *leadscore.AccountConfig) *accountCatalog {
	if cfg == nil {
		return nil
	}
	k := &accountCatalog{tiers: map[string]bool{}, rules: map[string]bool{}, roles: map[string]bool{}}
	for _, t := range cfg.Tiers {
		k.tiers[t.Name] = true
	}
	for _, r := range cfg.Rules {
		k.rules[r.ID] = true
	}
	for _, r := range cfg.Roles {
		k.roles[r.ID] = r.Required
	}
	return k
}

// checkAccount replays the account case c and compares the account with its expectations.
// explain, when the case ran, returns what Run logs of it.
func checkAccount[L any](s *leadscore.Scorer[L], known *catalog, name string, c Case[L]) (explain func() string, _ []*Mismatch) {
	var ms, typos []*Mismatch
	fail := func(field, format string, args ...any) {
		ms = append(ms, &Mismatch{Case: name, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	typo := func(field, format string, args ...any) {
		typos = append(typos, &Mismatch{Case: name, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	x := c.Expect
	// A lead's expectations mean nothing on an account: say so rather than pass.
	for _, f := range []struct {
		field string
		set   bool
	}{
		{"stage", x.Stage != ""}, {"persona", x.Persona != ""}, {"track", x.Track != ""}, {"no_persona", x.NoPersona},
		{"signals", len(x.Signals) > 0}, {"no_signals", len(x.NoSignals) > 0},
	} {
		if f.set {
			typo(f.field, "an account case has no %s: expect it on a case of the member's lead", strings.ReplaceAll(f.field, "_", " "))
		}
	}
	k := known.accounts
	if k == nil {
		fail("members", "the rule set has no accounts section: an account case needs one")
		return nil, append(ms, typos...)
	}
	unknown := func(field, what string, set map[string]bool, ids ...string) {
		for _, id := range ids {
			if _, ok := set[id]; id != "" && !ok {
				typo(field, "the rule set has no %s %q", what, id)
			}
		}
	}
	unknown("tier", "account tier", k.tiers, x.Tier)
	unknown("fired", "account rule", k.rules, x.Fired...)
	unknown("not_fired", "account rule", k.rules, x.NotFired...)
	unknown("covered", "role", k.roles, x.Covered...)
	unknown("missing", "role", k.roles, x.Missing...)
	for _, id := range x.Missing {
		if required, ok := k.roles[id]; ok && !required {
			typo("missing", "role %q is not required: only required roles are ever missing", id)
		}
	}

	tr, _, field, err := replayAccount(s, c)
	if err != nil {
		fail(field, "%v", err)
		return nil, append(ms, typos...)
	}
	r := &tr.Result
	explain = func() string {
		return fmt.Sprintf("account at %s:\n%s", r.At.Format("2006-01-02T15:04:05Z07:00"), r.Explain())
	}
	var errs []*leadscore.RuleError // the members' runs', then ScoreAccount's: each rule once
	for _, mt := range tr.Members {
		errs = appendNewErrors(errs, mt.Errors)
	}
	for _, e := range appendNewErrors(errs, r.Errors) {
		fail("errors", "%s", firstLine(e.Error()))
	}
	if c.Account != "" && r.Key != c.Account {
		fail("account", "the members are of account %q, want %q", r.Key, c.Account)
	}
	if k.tiers[x.Tier] && r.Tier != x.Tier {
		fail("tier", "got %q, want %q (account total %s%s)", r.Tier, x.Tier, points(r.Total), missingNote(r))
	}
	if x.Handoff != nil && r.Handoff != *x.Handoff {
		why := ""
		switch {
		case r.Disqualified:
			why = ", disqualified"
		case r.Engaged == 0:
			why = ", no member engaged"
		}
		fail("handoff", "got %t, want %t (tier %q%s%s)", r.Handoff, *x.Handoff, r.Tier, why, missingNote(r))
	}
	if x.Disqualified != nil && r.Disqualified != *x.Disqualified {
		fail("disqualified", "got %t, want %t", r.Disqualified, *x.Disqualified)
	}
	for _, id := range x.Fired {
		if k.rules[id] && accountContribution(r, id) == nil {
			fail("fired", "account rule %q did not fire", id)
		}
	}
	for _, id := range x.NotFired {
		if c := accountContribution(r, id); c != nil {
			fail("not_fired", "account rule %q fired (%s: %s)", id, signed(c.Points), c.Reason)
		}
	}
	for _, id := range x.Covered {
		if rc := roleCoverage(r, id); rc != nil && !rc.Covered {
			fail("covered", "role %q is not covered: %s", id, uncoveredWhy(r, rc))
		}
	}
	for _, id := range x.Missing {
		if required := k.roles[id]; required && !slices.Contains(r.Missing, id) {
			rc := roleCoverage(r, id)
			fail("missing", "role %q is not missing: covered by %s", id, strings.Join(rc.Members, ", "))
		}
	}
	if x.NoMissing && len(r.Missing) > 0 {
		fail("no_missing", "missing: %s", strings.Join(r.Missing, ", "))
	}
	if x.MinTotal != nil && !(r.Total >= *x.MinTotal) {
		fail("min_total", "account total %s is below %s", points(r.Total), points(*x.MinTotal))
	}
	if x.MaxTotal != nil && !(r.Total <= *x.MaxTotal) {
		fail("max_total", "account total %s is above %s", points(r.Total), points(*x.MaxTotal))
	}
	return explain, append(ms, typos...)
}

// missingNote is ", missing: economic-buyer" when required roles are missing, else "".
func missingNote(r *leadscore.AccountResult) string {
	if len(r.Missing) == 0 {
		return ""
	}
	return ", missing: " + strings.Join(r.Missing, ", ")
}

// uncoveredWhy says why a role is not covered: who plays it without being engaged, or who
// is engaged but was not active within the role's recency.
func uncoveredWhy(r *leadscore.AccountResult, rc *leadscore.RoleCoverage) string {
	if len(rc.Members) > 0 {
		return fmt.Sprintf("%s %s it, last active %s: not within the role's recency",
			strings.Join(rc.Members, ", "), plays(len(rc.Members)), rc.LastEngaged.Format("2006-01-02"))
	}
	var idle []string
	for _, m := range r.Members {
		if slices.Contains(m.Roles, rc.Role) {
			idle = append(idle, m.Member)
		}
	}
	switch len(idle) {
	case 0:
		return "no member plays it"
	case 1:
		return idle[0] + " plays it but is not engaged"
	}
	return strings.Join(idle, ", ") + " play it but are not engaged"
}

func plays(n int) string {
	if n == 1 {
		return "plays"
	}
	return "play"
}

func accountContribution(r *leadscore.AccountResult, id string) *leadscore.Contribution {
	for i := range r.Contributions {
		if r.Contributions[i].RuleID == id {
			return &r.Contributions[i]
		}
	}
	return nil
}

func roleCoverage(r *leadscore.AccountResult, id string) *leadscore.RoleCoverage {
	for i := range r.Roles {
		if r.Roles[i].Role == id {
			return &r.Roles[i]
		}
	}
	return nil
}

// appendNewErrors appends to dst the errors of src whose kind, rule and field it lacks.
func appendNewErrors(dst, src []*leadscore.RuleError) []*leadscore.RuleError {
outer:
	for _, e := range src {
		for _, d := range dst {
			if d.Kind == e.Kind && d.RuleID == e.RuleID && d.Field == e.Field {
				continue outer
			}
		}
		dst = append(dst, e)
	}
	return dst
}
