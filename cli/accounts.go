package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
)

// score -accounts: the leads grouped by account (Scorer.AccountKey) as they are written, each
// member kept as its lead and final State only, then each account scored by ScoreAccount and
// written as one line, in the order of the accounts' first members in the input.

// accountGroups collects the members of each account.
type accountGroups[L any] struct {
	order []*accountGroup[L] // by first member
	byKey map[string]*accountGroup[L]
}

type accountGroup[L any] struct {
	key    string
	at     time.Time // the latest evaluation time of a member
	leads  []L
	states []*leadscore.State
}

func newAccountGroups[L any]() *accountGroups[L] {
	return &accountGroups[L]{byKey: map[string]*accountGroup[L]{}}
}

// add makes the lead with State st, evaluated at at, a member of account key.
func (g *accountGroups[L]) add(key string, lead L, st *leadscore.State, at time.Time) {
	a := g.byKey[key]
	if a == nil {
		a = &accountGroup[L]{key: key}
		g.byKey[key] = a
		g.order = append(g.order, a)
	}
	a.leads = append(a.leads, lead)
	a.states = append(a.states, st)
	if at.After(a.at) {
		a.at = at
	}
}

// accountLine is one line of score -accounts: an account's scores, tier, hand-off, buying
// group and explanation. Its numbers are rounded as a lead's line's are.
type accountLine struct {
	Account       string                   `json:"account"`
	At            time.Time                `json:"at"`
	Members       int                      `json:"members"`
	Engaged       int                      `json:"engaged"`
	Total         float64                  `json:"total"`
	Fit           float64                  `json:"fit"`
	Engagement    float64                  `json:"engagement"`
	Tier          string                   `json:"tier"`
	Handoff       bool                     `json:"handoff"`
	Disqualified  bool                     `json:"disqualified"`
	Roles         []leadscore.RoleCoverage `json:"roles"`   // each role: covered, by whom, last engaged
	Missing       []string                 `json:"missing"` // the required roles no engaged member covers
	Contributions []leadscore.Contribution `json:"contributions"`
	Trigger       *leadscore.Trigger       `json:"trigger,omitempty"` // a hand-off's: the member activity that crossed the line
	Explanation   string                   `json:"explanation"`
	Errors        []string                 `json:"errors,omitempty"`
}

func newAccountLine(r leadscore.AccountResult, members int) accountLine {
	if !r.Handoff {
		r.Trigger = nil // a first placement in a tier below the hand-off is no news
	}
	out := accountLine{
		Account: r.Key, At: r.At, Members: members, Engaged: r.Engaged,
		Total: round(r.Total), Fit: round(r.Fit), Engagement: round(r.Engagement),
		Tier: r.Tier, Handoff: r.Handoff, Disqualified: r.Disqualified,
		Roles: r.Roles, Missing: r.Missing, Contributions: make([]leadscore.Contribution, 0, len(r.Contributions)),
		Trigger: r.Trigger, Explanation: r.Explain(),
	}
	if out.Roles == nil {
		out.Roles = []leadscore.RoleCoverage{}
	}
	if out.Missing == nil {
		out.Missing = []string{}
	}
	for _, c := range r.Contributions {
		c.Points = round(c.Points)
		out.Contributions = append(out.Contributions, c)
	}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, e.Error())
	}
	return out
}

// scoreAccounts scores each account of g and writes its line to w, in g's order, on all
// processors; each account's members are let go once it is scored. Each account is scored at
// the latest time any of its members was evaluated at, with a fresh AccountState (a replay,
// as each lead's is), so that a hand-off says why now. It returns how many accounts had rule
// errors, and the error that stopped it.
func scoreAccounts[L any](program string, s *leadscore.Scorer[L], g *accountGroups[L], w io.Writer) (withErrors int, err error) {
	score := func() func(*accountGroup[L]) accountOut {
		return func(a *accountGroup[L]) accountOut { return scoreAccount(program, s, a) }
	}
	err = parallelInOrder(slices.Values(g.order), score, func(r accountOut) error {
		if r.err != nil {
			return r.err
		}
		if r.ruleError {
			withErrors++
		}
		if _, err := w.Write(r.data); err != nil {
			return fmt.Errorf("%s score: writing accounts: %w", program, err)
		}
		return nil
	})
	return withErrors, err
}

// accountOut is an account's line, or the error that stops the run.
type accountOut struct {
	data      []byte
	ruleError bool
	err       error
}

// scoreAccount scores a and renders its line, then lets its members go.
func scoreAccount[L any](program string, s *leadscore.Scorer[L], a *accountGroup[L]) (d accountOut) {
	members := func(yield func(L, *leadscore.State) bool) {
		for i := range a.leads {
			if !yield(a.leads[i], a.states[i]) {
				return
			}
		}
	}
	res, err := s.ScoreAccount(members, new(leadscore.AccountState), a.at)
	n := len(a.leads)
	a.leads, a.states = nil, nil
	if err != nil {
		d.err = fmt.Errorf("%s score: account %q: %w", program, a.key, err)
		return d
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(newAccountLine(res, n)); err != nil {
		d.err = fmt.Errorf("%s score: account %q: %w", program, a.key, err)
		return d
	}
	d.data, d.ruleError = buf.Bytes(), len(res.Errors) > 0
	return d
}
