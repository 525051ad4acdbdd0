package leadscore

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/leadscore/leadscore/internal/state"
	"github.com/leadscore/leadscore/internal/suggest"
)

// Accounts: in B2B the buyer is an account, and a purchase is decided by a buying group
// ("a purchase is decided by a buying group, typically 6–10 people … and a single
// engaged contact says little"). Scorer.ScoreAccount scores the account from its members'
// leads and States: firmographic fit from account rules, engagement combined across the
// members, the coverage of the buying group's roles, and a tier with hysteresis and a
// hand-off, kept in an AccountState.

// The parts of a rule set's accounts section, as RuleErrors name them.
const (
	ItemAccount     ItemKind = "account"      // Config.Accounts as a whole: key, member, label, engagement
	ItemAccountRule ItemKind = "account rule" // AccountConfig.Rules
	ItemRole        ItemKind = "role"         // AccountConfig.Roles
	ItemAccountTier ItemKind = "account tier" // AccountConfig.Tiers
)

// TransitionHandoff is an account's hand-off to sales: the account entered a hand-off tier
// (AccountResult.Transitions). Leads report theirs as tier and stage transitions.
const TransitionHandoff TransitionKind = "handoff"

// The ways AccountEngagement.Combine adds up the members' engagement.
const (
	CombineSum     = "sum"     // every engaged member's engagement, added up (then Cap)
	CombineTop     = "top"     // the Top most engaged members' engagement, added up (then Cap)
	CombineDecayed = "decayed" // each engaged member's engagement halved every HalfLife since their latest event, added up (then Cap)
)

// DefaultAccountTop is how many members CombineTop counts when AccountEngagement.Top is 0.
const DefaultAccountTop = 3

// AccountConfig is the accounts section of a rule set (Config.Accounts, the JSON key
// "accounts"): how leads group into accounts, and how an account is scored. Expressions read
// lead and now only (as report values do): an account is decided from its members' leads and
// their scores, not from a member's own history.
type AccountConfig struct {
	// Key is a string expression over the lead naming its account, such as
	// "lead.Company.Domain". Scorer.AccountKey evaluates it, to group leads; members of one
	// ScoreAccount call must share it. Required.
	Key string `json:"key" yaml:"key"`
	// Member is a string expression naming a member, unique within its account: contributions
	// and roles name members by it, and members are ordered by it. Default "lead.Email"
	// (a compile error, saying to set it, for a lead type without Email).
	Member string `json:"member,omitempty" yaml:"member,omitempty"`
	// Label is a string expression for how Explain shows a member ("CFO"). Default
	// "lead.Title" for a lead type that has a Title, else the member; an empty label reads as
	// the member.
	Label string `json:"label,omitempty" yaml:"label,omitempty"`
	// Rules are the account's fit: each adds its points once when its condition holds for
	// any member who is not disqualified.
	Rules []AccountRule `json:"rules,omitempty" yaml:"rules,omitempty"`
	// Engagement says how the members' engagement adds up to the account's.
	Engagement AccountEngagement `json:"engagement,omitzero" yaml:"engagement,omitempty"`
	// EngagedMin is the engagement a member must exceed to count as engaged (0: any positive
	// engagement). Only engaged members add engagement and cover roles.
	EngagedMin float64 `json:"engaged_min,omitempty" yaml:"engaged_min,omitempty"`
	// Roles are the buying group's roles, in the order Explain lists them.
	Roles []Role `json:"roles,omitempty" yaml:"roles,omitempty"`
	// Tiers are tried in order, as a lead's are; a hand-off tier hands the account to sales.
	// Empty: no tiers (AccountResult.Tier is "" and there is no hand-off).
	Tiers []AccountTier `json:"tiers,omitempty" yaml:"tiers,omitempty"`
	// Hysteresis keeps an account in its tier until its total falls this far below the
	// tier's min (the tier's required roles must still be covered).
	Hysteresis float64 `json:"hysteresis,omitempty" yaml:"hysteresis,omitempty"`
}

// AccountRule is a rule of an account's fit: Points (to the account's Fit) when When, a
// boolean expression over lead and now, holds for any member who is not disqualified. With
// Disqualify, the account is disqualified when it holds for any member at all: never a
// hand-off.
type AccountRule struct {
	ID         string  `json:"id" yaml:"id"`
	When       string  `json:"when" yaml:"when"`
	Points     float64 `json:"points,omitempty" yaml:"points,omitempty"`
	Reason     string  `json:"reason,omitempty" yaml:"reason,omitempty"` // what a salesperson reads; defaults to the ID
	Disqualify bool    `json:"disqualify,omitempty" yaml:"disqualify,omitempty"`
}

// AccountEngagement combines the members' engagement into the account's. Only engaged members
// count (their engagement above AccountConfig.EngagedMin; a disqualified member never), so
// that a member who visited the careers page takes nothing away from the others.
type AccountEngagement struct {
	// Combine is CombineSum (the default), CombineTop or CombineDecayed.
	Combine string `json:"combine,omitempty" yaml:"combine,omitempty"`
	// Cap limits the account's engagement (0: no limit): ten interns reading the blog do not
	// add up to a CFO asking for pricing.
	Cap float64 `json:"cap,omitempty" yaml:"cap,omitempty"`
	// Top is how many members CombineTop counts (0: DefaultAccountTop).
	Top int `json:"top,omitempty" yaml:"top,omitempty"`
	// HalfLife, for CombineDecayed (required there), halves a member's engagement for every
	// HalfLife since their latest event: a contact who went quiet counts less than one active
	// today, on top of the decay of their own events.
	HalfLife Duration `json:"half_life,omitempty" yaml:"half_life,omitempty"`
}

// Role is a role in a buying group, such as the economic buyer. A member plays it when When,
// a boolean expression over lead and now, holds for their lead; the role is covered when an
// engaged member who plays it was active within Recency (0: at any time).
type Role struct {
	ID       string   `json:"id" yaml:"id"`
	Name     string   `json:"name,omitempty" yaml:"name,omitempty"` // what Explain says ("economic buyer"); defaults to the ID
	When     string   `json:"when" yaml:"when"`
	Required bool     `json:"required,omitempty" yaml:"required,omitempty"` // uncovered, it is listed as missing
	Recency  Duration `json:"recency,omitempty" yaml:"recency,omitempty"`
}

// AccountTier is a band of an account's total: the first tier whose Min ≤ total and whose
// Requires roles are all covered. A tier without Min is the catch-all and must be last.
type AccountTier struct {
	Name    string   `json:"name" yaml:"name"`
	Min     *float64 `json:"min,omitempty" yaml:"min,omitempty"`
	Handoff bool     `json:"handoff,omitempty" yaml:"handoff,omitempty"`
	// Requires lists role IDs that must be covered for the tier: "no hand-off without an
	// economic buyer".
	Requires []string `json:"requires,omitempty" yaml:"requires,omitempty"`
}

func (a *AccountConfig) clone() *AccountConfig {
	if a == nil {
		return nil
	}
	out := *a
	out.Rules = slices.Clone(a.Rules)
	out.Roles = slices.Clone(a.Roles)
	out.Tiers = slices.Clone(a.Tiers)
	for i := range out.Tiers {
		out.Tiers[i].Min = cloneFloat(a.Tiers[i].Min)
		out.Tiers[i].Requires = slices.Clone(a.Tiers[i].Requires)
	}
	return &out
}

// accounts is a compiled AccountConfig.
type accounts[L any] struct {
	key, member, label *program[L]
	rules              []accountRule[L]
	combine            string
	cap                float64
	top                int
	halfLife           int64
	engagedMin         float64
	roles              []role[L]
	tiers              []accountTier
	hysteresis         float64
}

type accountRule[L any] struct {
	id, reason string
	when       *program[L]
	points     float64
	disqualify bool
}

type role[L any] struct {
	id, name string
	when     *program[L]
	required bool
	recency  int64
}

type accountTier struct {
	name     string
	min      float64 // -Inf: the catch-all
	handoff  bool
	requires []int // role indices
}

// compileAccounts compiles cfg (nil: no accounts section) with the rule set's expression
// compiler, so that account expressions have its functions, lists and limits.
func compileAccounts[L any](c *exprCompiler[L], cfg *AccountConfig, errs *errorList) *accounts[L] {
	if cfg == nil {
		return nil
	}
	a := &accounts[L]{engagedMin: cfg.EngagedMin, hysteresis: cfg.Hysteresis, cap: cfg.Engagement.Cap}
	if cfg.Key == "" {
		errs.addf(ItemAccount, "accounts", "key", "an accounts section needs a key: a string expression naming a lead's account, such as lead.Company.Domain")
	} else {
		a.key = c.compileAs(cfg.Key, scopeValue, resultString, errs, ItemAccount, "accounts", "key")
	}
	a.member = compileDefaulted(c, cfg.Member, "lead.Email", "member", "a string expression naming a member, such as lead.WorkEmail", errs)
	if cfg.Label != "" {
		a.label = c.compileAs(cfg.Label, scopeValue, resultString, errs, ItemAccount, "accounts", "label")
	} else {
		var quiet errorList // no Title: members are shown by their member expression
		a.label = c.compileAs("lead.Title", scopeValue, resultString, &quiet, ItemAccount, "accounts", "label")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"engaged_min", cfg.EngagedMin}, {"hysteresis", cfg.Hysteresis}, {"engagement.cap", cfg.Engagement.Cap}} {
		if !finite(f.v) || f.v < 0 {
			errs.addf(ItemAccount, "accounts", f.name, "%v must be a finite number ≥ 0", f.v)
		}
	}
	e := cfg.Engagement
	a.combine = e.Combine
	switch e.Combine {
	case "", CombineSum:
		a.combine = CombineSum
	case CombineTop:
	case CombineDecayed:
		if e.HalfLife <= 0 {
			errs.addf(ItemAccount, "accounts", "engagement.half_life", "combine %q needs a half_life > 0, such as \"14d\"", CombineDecayed)
		}
	default:
		errs.addf(ItemAccount, "accounts", "engagement.combine", "unknown combine mode %q%s", e.Combine,
			suggest.Hint(e.Combine, []string{CombineSum, CombineTop, CombineDecayed}, true))
	}
	if e.Top < 0 {
		errs.addf(ItemAccount, "accounts", "engagement.top", "%d: want 0 (the default, %d) or more", e.Top, DefaultAccountTop)
	}
	a.top = e.Top
	if a.top == 0 {
		a.top = DefaultAccountTop
	}
	if e.HalfLife < 0 {
		errs.addf(ItemAccount, "accounts", "engagement.half_life", "negative duration %v", e.HalfLife)
	}
	a.halfLife = int64(e.HalfLife)

	seen := map[string]bool{}
	for i, r := range cfg.Rules {
		id := checkAccountID(ItemAccountRule, "rules", r.ID, i, seen, errs)
		checkNumber(ItemAccountRule, id, "points", r.Points, errs)
		ar := accountRule[L]{id: id, reason: r.Reason, points: r.Points, disqualify: r.Disqualify}
		if ar.reason == "" {
			ar.reason = id
		}
		if r.When == "" {
			errs.addf(ItemAccountRule, id, "when", "an account rule needs a condition over its members' leads")
		} else {
			ar.when = c.compile(r.When, scopeValue, true, errs, ItemAccountRule, id, "when")
		}
		a.rules = append(a.rules, ar)
	}
	roleIDs := make([]string, 0, len(cfg.Roles))
	roleIndex := make(map[string]int, len(cfg.Roles)) // a role's first position: requires are looked up, not searched
	seen = map[string]bool{}
	for i, r := range cfg.Roles {
		id := checkAccountID(ItemRole, "roles", r.ID, i, seen, errs)
		roleIDs = append(roleIDs, r.ID)
		if _, ok := roleIndex[r.ID]; !ok {
			roleIndex[r.ID] = i
		}
		if r.Recency < 0 {
			errs.addf(ItemRole, id, "recency", "negative duration %v", r.Recency)
		}
		ro := role[L]{id: id, name: r.Name, required: r.Required, recency: int64(r.Recency)}
		if ro.name == "" {
			ro.name = id
		}
		if r.When == "" {
			errs.addf(ItemRole, id, "when", "a role needs a condition saying who plays it, such as seniority(lead.Title) in [\"c_level\", \"vp\"]")
		} else {
			ro.when = c.compile(r.When, scopeValue, true, errs, ItemRole, id, "when")
		}
		a.roles = append(a.roles, ro)
	}
	names := make([]string, len(cfg.Tiers))
	mins := make([]*float64, len(cfg.Tiers))
	for i, t := range cfg.Tiers {
		names[i], mins[i] = t.Name, t.Min
	}
	bands := compileBands[L](ItemAccountTier, names, mins, errs)
	for i, t := range cfg.Tiers {
		if len(t.Name) > maxAccountName || !utf8.ValidString(t.Name) {
			// An AccountState records its tier by name, and refuses to write one that is not
			// UTF-8: such a tier would make every AccountState of the rule set unwritable.
			errs.addf(ItemAccountTier, shortName(t.Name), "name", "an account tier name is at most %d bytes of UTF-8 (this one has %d)", maxAccountName, len(t.Name))
		}
		at := accountTier{name: t.Name, min: bands[i].min, handoff: t.Handoff}
		for k, req := range t.Requires {
			j, ok := roleIndex[req]
			if !ok {
				errs.addf(ItemAccountTier, shortName(bands[i].name), fmt.Sprintf("requires[%d]", k), "no role %q in accounts.roles%s", req, suggest.Hint(req, roleIDs, true))
				continue
			}
			at.requires = append(at.requires, j)
		}
		a.tiers = append(a.tiers, at)
	}
	return a
}

// compileDefaulted compiles the account's string expression src, or def when src is empty;
// a default the lead type cannot read is one error saying what to set.
func compileDefaulted[L any](c *exprCompiler[L], src, def, field, what string, errs *errorList) *program[L] {
	if src != "" {
		return c.compileAs(src, scopeValue, resultString, errs, ItemAccount, "accounts", field)
	}
	var quiet errorList
	p := c.compileAs(def, scopeValue, resultString, &quiet, ItemAccount, "accounts", field)
	if len(quiet) > 0 {
		errs.addf(ItemAccount, "accounts", field, "the default %s does not compile for this lead type: set %s to %s", def, field, what)
	}
	return p
}

// checkAccountID checks an account rule's or role's id; a missing one is named by position.
func checkAccountID(kind ItemKind, section, id string, i int, seen map[string]bool, errs *errorList) string {
	switch {
	case id == "":
		id = fmt.Sprintf("%s[%d]", section, i)
		errs.addf(kind, id, "id", "a %s needs an id", kind)
	case len(id) > maxAccountName || !utf8.ValidString(id):
		id = shortName(id)
		errs.addf(kind, id, "id", "a %s id is at most %d bytes of UTF-8", kind, maxAccountName)
	case seen[id]:
		errs.addf(kind, id, "id", "duplicate %s id", kind)
	}
	seen[id] = true
	return id
}

// AccountResult is an evaluated account: its fit, combined engagement and total, its tier and
// hand-off, the coverage of its buying group, every member's share, and what the call changed.
type AccountResult struct {
	Key          string  `json:"key"`
	Fit          float64 `json:"fit"`        // Σ the points of the account rules that hold
	Engagement   float64 `json:"engagement"` // the members' engagement, combined and capped
	Total        float64 `json:"total"`      // Fit + Engagement
	Tier         string  `json:"tier"`
	Handoff      bool    `json:"handoff"` // a hand-off tier, the account not disqualified and a member engaged
	Disqualified bool    `json:"disqualified"`
	// Engaged is how many members are engaged.
	Engaged int `json:"engaged"`
	// Members are every member, the engaged first by their share of the engagement (largest
	// first), then by Member.
	Members []AccountMember `json:"members"`
	// Roles is the coverage of each role of the buying group, in config order.
	Roles []RoleCoverage `json:"roles"`
	// Missing lists the IDs of the required roles no engaged member covers, in config order.
	Missing []string `json:"missing,omitempty"`
	// Contributions are the account rules that held, in config order.
	Contributions []Contribution `json:"contributions"`
	// Transitions are what the call changed in the AccountState: a tier change, a hand-off.
	Transitions []Transition `json:"transitions"`
	// Trigger, when the call changed the tier, is the member activity (or the passage of
	// time) that crossed the line.
	Trigger *Trigger     `json:"trigger,omitempty"`
	At      time.Time    `json:"at"`
	Errors  []*RuleError `json:"errors,omitempty"` // member rules and account expressions that failed at run time

	rawEngagement float64 // before Cap
}

// AccountMember is one member's part in an account.
type AccountMember struct {
	Member       string    `json:"member"`          // the member expression's value
	Label        string    `json:"label,omitempty"` // how Explain names them
	Fit          float64   `json:"fit"`             // the member's own scores, as Score gives them
	Engagement   float64   `json:"engagement"`
	Points       float64   `json:"points"` // their share of the account's engagement, before Cap
	Engaged      bool      `json:"engaged"`
	Disqualified bool      `json:"disqualified"`
	Roles        []string  `json:"roles,omitempty"`      // the roles they play (IDs, config order)
	LastActive   time.Time `json:"last_active,omitzero"` // their latest event
}

// RoleCoverage is one role of the buying group in an account.
type RoleCoverage struct {
	Role     string `json:"role"`
	Name     string `json:"name"`
	Required bool   `json:"required,omitempty"`
	// Covered: an engaged member plays the role and was active within its recency.
	Covered bool `json:"covered"`
	// Members are the engaged members who play it, covering it or not, ordered as
	// AccountResult.Members.
	Members []string `json:"members,omitempty"`
	// LastEngaged is the latest event of a member who plays it (the zero time: none).
	LastEngaged time.Time `json:"last_engaged,omitzero"`
}

// AccountKey returns lead's account: the value of the accounts section's key. It is an error
// when the rule set has no accounts section or the key fails on the lead; an empty key is no
// account.
func (s *Scorer[L]) AccountKey(lead L) (string, error) {
	if s.accounts == nil {
		return "", errNoAccounts
	}
	sc := s.get()
	defer s.put(sc)
	s.fillEnv(sc, &lead, &s.empty, 0, time.Unix(0, 0).UTC(), nil)
	k, err := s.runString(sc, s.accounts.key)
	if err != nil {
		return "", runtimeError(ItemAccount, "accounts", "key", err)
	}
	return k, nil
}

var errNoAccounts = fmt.Errorf("leadscore: the rule set has no accounts section (Config.Accounts)")

// accountMember is a member as ScoreAccount works on it.
type accountMember[L any] struct {
	AccountMember
	key    string
	latest int64 // state.None: no event
	plays  []bool
	rules  []bool // account rules that hold for the lead
	failed []bool // account rules that failed on the lead
	errs   []*RuleError
}

// ScoreAccount scores an account from its members — each member's lead and State (a nil
// State is a member without events) — at now. It applies the account-level decisions to acct:
// the tier, with hysteresis, and the hand-off, each change reported once in
// AccountResult.Transitions. With a nil acct it only evaluates: no hysteresis, no transitions.
//
// The members' States are only read (Score evaluates each). Every member is evaluated at the
// same time, the latest of now, each member's clock and acct's clock, so the result does not
// depend on the order of members: they are ordered by their member expression and scores first,
// and the same members in any order give the same AccountResult. A member who is disqualified
// (a competitor) adds no engagement, covers no role and counts for no account rule but the
// disqualifying ones; an account hands off only when it is in a hand-off tier, not
// disqualified, and at least one member is engaged.
//
// The error is non-nil, and nothing is applied to acct, when the rule set has no accounts
// section, now is out of range, or the members do not share one non-empty key (the message
// names both keys); member rules that fail are reported in AccountResult.Errors.
func (s *Scorer[L]) ScoreAccount(members iter.Seq2[L, *State], acct *AccountState, now time.Time) (AccountResult, error) {
	a := s.accounts
	if a == nil {
		return AccountResult{}, errNoAccounts
	}
	at, err := unixTime("now", now)
	if err != nil {
		return AccountResult{}, err
	}
	if acct != nil {
		if c := acct.norm().clock; c != state.None && c > at {
			at = c
		}
	}
	type pair struct {
		lead L
		st   *State
	}
	var in []pair
	if members != nil {
		for lead, st := range members {
			if st == nil {
				st = new(State)
			}
			if d := s.view(&st.d); !d.IsNew() && d.Clock != state.None && d.Clock > at {
				at = d.Clock
			}
			in = append(in, pair{lead, st})
		}
	}
	nowT := unixToTime(at)
	if at == now.UnixNano() {
		nowT = now
	}
	res := AccountResult{At: unixToTime(at)}
	ms := make([]accountMember[L], len(in))
	sc := s.get()
	for i, p := range in {
		m := &ms[i]
		r, err := s.Score(p.lead, p.st, nowT)
		if err != nil { // unreachable: st is not nil and now is in range
			s.put(sc)
			return AccountResult{}, err
		}
		m.Fit, m.Engagement, m.Disqualified = r.Fit, r.Engagement, r.Disqualified
		m.errs = append(m.errs, r.Errors...)
		m.latest = state.None
		if p.st.d.Events > 0 {
			m.latest = p.st.d.Latest
			m.LastActive = unixToTime(m.latest)
		}
		s.fillEnv(sc, &p.lead, s.view(&p.st.d), at, nowT, nil)
		if m.key, err = s.runString(sc, a.key); err != nil {
			s.put(sc)
			return AccountResult{}, fmt.Errorf("leadscore: member %d: %w", i, runtimeError(ItemAccount, "accounts", "key", err))
		}
		if a.member != nil {
			if m.Member, err = s.runString(sc, a.member); err != nil {
				m.errs = append(m.errs, runtimeError(ItemAccount, "accounts", "member", err))
			}
		}
		if a.label != nil {
			if m.Label, err = s.runString(sc, a.label); err != nil {
				m.errs = append(m.errs, runtimeError(ItemAccount, "accounts", "label", err))
			}
		}
		m.plays = make([]bool, len(a.roles))
		for k, ro := range a.roles {
			ok, err := s.runBool(sc, ro.when)
			if err != nil {
				m.errs = append(m.errs, runtimeError(ItemRole, ro.id, "when", err))
			}
			m.plays[k] = ok && err == nil
		}
		m.rules, m.failed = make([]bool, len(a.rules)), make([]bool, len(a.rules))
		for k, ar := range a.rules {
			ok, err := s.runBool(sc, ar.when)
			if err != nil {
				m.errs = append(m.errs, runtimeError(ItemAccountRule, ar.id, "when", err))
				m.failed[k] = true
			}
			m.rules[k] = ok && err == nil
		}
	}
	s.put(sc)
	// The errors name the same members and keys whatever the order of the members.
	keys, keyless := make([]string, 0, len(ms)), []string(nil)
	for i := range ms {
		if ms[i].key == "" {
			keyless = append(keyless, ms[i].Member)
		}
		keys = append(keys, ms[i].key)
	}
	if len(keyless) > 0 {
		return AccountResult{}, fmt.Errorf("leadscore: member %q has no account: the accounts key is empty for its lead", slices.Min(keyless))
	}
	slices.Sort(keys)
	if keys = slices.Compact(keys); len(keys) > 1 {
		return AccountResult{}, fmt.Errorf("leadscore: members of different accounts in one ScoreAccount call: %q and %q (group leads by Scorer.AccountKey)", keys[0], keys[1])
	}
	if len(ms) > 0 {
		res.Key = ms[0].key
	}
	// Order-free: everything below runs over the members in this order.
	slices.SortFunc(ms, compareMembers[L])

	// Engagement, per member, then combined.
	for i := range ms {
		m := &ms[i]
		m.Engaged = !m.Disqualified && m.Engagement > a.engagedMin && m.Engagement > 0
		if !m.Engaged {
			continue
		}
		res.Engaged++
		m.Points = m.Engagement
		if a.combine == CombineDecayed && m.latest != state.None {
			m.Points = m.Engagement * state.Exp2(-state.Span(at, m.latest)/float64(a.halfLife))
		}
	}
	if a.combine == CombineTop {
		order := make([]int, 0, len(ms))
		for i := range ms {
			if ms[i].Engaged {
				order = append(order, i)
			}
		}
		slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(ms[y].Points, ms[x].Points) })
		for rank, i := range order {
			if rank >= a.top {
				ms[i].Points = 0
			}
		}
	}
	for i := range ms {
		res.rawEngagement += ms[i].Points
	}
	res.Engagement = res.rawEngagement
	if a.cap > 0 {
		res.Engagement = min(res.Engagement, a.cap)
	}

	// Fit: each account rule once, when it holds for a member who is not disqualified.
	for k, ar := range a.rules {
		holds, disq := false, false
		for i := range ms {
			if ms[i].rules[k] && !ms[i].Disqualified {
				holds = true
			}
			if ar.disqualify && (ms[i].rules[k] || ms[i].failed[k]) { // fail closed
				disq = true
			}
		}
		if disq {
			res.Disqualified = true
		}
		if holds {
			res.Fit += ar.points
			res.Contributions = append(res.Contributions, Contribution{RuleID: ar.id, Dimension: Fit, Points: ar.points, Reason: ar.reason})
		}
	}
	res.Total = res.Fit + res.Engagement

	// Roles.
	res.Roles = make([]RoleCoverage, len(a.roles))
	covered := make([]bool, len(a.roles))
	for k, ro := range a.roles {
		rc := RoleCoverage{Role: ro.id, Name: ro.name, Required: ro.required}
		last := int64(state.None)
		for i := range ms {
			m := &ms[i]
			if !m.plays[k] || m.Disqualified {
				continue
			}
			m.Roles = append(m.Roles, ro.id)
			if !m.Engaged {
				continue
			}
			rc.Members = append(rc.Members, m.Member)
			if m.latest != state.None && m.latest > last {
				last = m.latest
			}
			if ro.recency == 0 || (m.latest != state.None && state.Span(at, m.latest) <= float64(ro.recency)) {
				rc.Covered = true
			}
		}
		rc.LastEngaged = unixToTime(last)
		covered[k] = rc.Covered
		res.Roles[k] = rc
		if ro.required && !rc.Covered {
			res.Missing = append(res.Missing, ro.id)
		}
	}

	// The members, engaged first by their share, for the result.
	slices.SortStableFunc(ms, func(x, y accountMember[L]) int {
		if x.Engaged != y.Engaged {
			if x.Engaged {
				return -1
			}
			return 1
		}
		return cmp.Compare(y.Points, x.Points)
	})
	res.Members = make([]AccountMember, len(ms))
	for i := range ms {
		res.Members[i] = ms[i].AccountMember
		for _, e := range ms[i].errs {
			res.Errors = appendMemberError(res.Errors, e)
		}
	}

	// Tier, with hysteresis against acct.
	current := ""
	if acct != nil {
		current = acct.tier
	}
	ti := a.pickTier(res.Total, covered, current)
	if ti >= 0 {
		res.Tier = a.tiers[ti].name
		res.Handoff = a.tiers[ti].handoff && !res.Disqualified && res.Engaged > 0
	}
	if acct != nil {
		s.applyAccount(acct, &res, ti, ms, at)
	}
	return res, nil
}

// appendMemberError adds e once: the same rule failing for several members is one error.
func appendMemberError(errs []*RuleError, e *RuleError) []*RuleError {
	for _, f := range errs {
		if f.Kind == e.Kind && f.RuleID == e.RuleID && f.Field == e.Field {
			return errs
		}
	}
	return append(errs, e)
}

// compareMembers orders members by everything ScoreAccount reads of them, so that members in
// any order are ordered alike: by member, then by their scores, activity, label and roles.
func compareMembers[L any](x, y accountMember[L]) int {
	if c := cmp.Compare(x.Member, y.Member); c != 0 {
		return c
	}
	if c := cmp.Compare(x.Engagement, y.Engagement); c != 0 {
		return c
	}
	if c := cmp.Compare(x.Fit, y.Fit); c != 0 {
		return c
	}
	if c := cmp.Compare(x.latest, y.latest); c != 0 {
		return c
	}
	if c := cmp.Compare(x.Label, y.Label); c != 0 {
		return c
	}
	if x.Disqualified != y.Disqualified {
		if x.Disqualified {
			return 1
		}
		return -1
	}
	if c := slices.CompareFunc(x.plays, y.plays, compareBool); c != 0 {
		return c
	}
	if c := slices.CompareFunc(x.rules, y.rules, compareBool); c != 0 {
		return c
	}
	if c := slices.CompareFunc(x.failed, y.failed, compareBool); c != 0 {
		return c
	}
	// Last, their errors: members alike in everything else may fail differently, and the
	// errors are reported in the members' order.
	return slices.CompareFunc(x.errs, y.errs, func(e, f *RuleError) int {
		return cmp.Or(cmp.Compare(e.Kind, f.Kind), cmp.Compare(e.RuleID, f.RuleID), cmp.Compare(e.Field, f.Field), cmp.Compare(e.Error(), f.Error()))
	})
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// pickTier is the account's tier: the first whose min ≤ total and whose required roles are
// covered; an account in a higher tier stays there until its total falls below the tier's
// min − hysteresis or a role the tier requires is no longer covered.
func (a *accounts[L]) pickTier(total float64, covered []bool, current string) int {
	ok := func(i int) bool {
		for _, r := range a.tiers[i].requires {
			if !covered[r] {
				return false
			}
		}
		return true
	}
	natural := -1
	for i, t := range a.tiers {
		if total >= t.min && ok(i) {
			natural = i
			break
		}
	}
	if current == "" || a.hysteresis == 0 {
		return natural
	}
	c := slices.IndexFunc(a.tiers, func(t accountTier) bool { return t.name == current })
	if c < 0 || (natural >= 0 && c >= natural) {
		return natural
	}
	if total >= a.tiers[c].min-a.hysteresis && ok(c) {
		return c
	}
	return natural
}

// applyAccount records res's tier in acct and reports the change, and a hand-off, once.
func (s *Scorer[L]) applyAccount(acct *AccountState, res *AccountResult, ti int, ms []accountMember[L], at int64) {
	a := s.accounts
	*acct = acct.norm()
	if acct.clock == state.None || at > acct.clock {
		acct.clock = at
	}
	if !res.Handoff {
		acct.handedOff = false
	}
	if res.Tier != acct.tier {
		reason := ""
		switch {
		case ti < 0:
			reason = "total " + formatPoints(res.Total) + " matches no account tier"
		case a.tiers[ti].min > math.Inf(-1):
			reason = "total " + formatPoints(res.Total) + " reached " + res.Tier + " (min " + formatPoints(a.tiers[ti].min) + ")"
		default:
			reason = "total " + formatPoints(res.Total) + " is below every other account tier"
		}
		if acct.tier != "" {
			if prev := slices.IndexFunc(a.tiers, func(t accountTier) bool { return t.name == acct.tier }); prev >= 0 && (ti < 0 || prev < ti) {
				reason = "total " + formatPoints(res.Total) + " fell below " + acct.tier + "'s " + formatPoints(a.tiers[prev].min) + " − " + formatPoints(a.hysteresis) + " hysteresis"
				if res.Total >= a.tiers[prev].min-a.hysteresis {
					reason = acct.tier + " needs roles no engaged member covers now"
				}
			}
		}
		res.Transitions = append(res.Transitions, Transition{Kind: TransitionTier, FromTier: acct.tier, ToTier: res.Tier, At: res.At, Reason: reason})
		acct.tier, acct.since = res.Tier, at
	}
	if res.Handoff && !acct.handedOff {
		acct.handedOff = true
		res.Transitions = append(res.Transitions, Transition{Kind: TransitionHandoff, ToTier: res.Tier, At: res.At, Reason: handoffReason(res)})
	}
	if len(res.Transitions) > 0 {
		res.Trigger = accountTrigger(res, ms, at)
	}
}

// handoffReason is the one line a hand-off transition carries: who is engaged, what is missing.
func handoffReason(res *AccountResult) string {
	b := []byte("account reached " + res.Tier + ": ")
	b = appendEngaged(b, res, 3)
	if len(res.Missing) > 0 {
		b = append(b, "; missing: "...)
		b = appendMissing(b, res)
	}
	return string(b)
}

// accountTrigger names what crossed the line: the member whose activity is the latest, when
// it is recent enough to be the cause (at the evaluation's time), else the passage of time.
func accountTrigger[L any](res *AccountResult, ms []accountMember[L], at int64) *Trigger {
	best := -1
	for i := range ms {
		if ms[i].Engaged && ms[i].latest != state.None && (best < 0 || ms[i].latest > ms[best].latest) {
			best = i
		}
	}
	upward := false
	for _, tr := range res.Transitions {
		if tr.Kind == TransitionHandoff {
			upward = true
		}
	}
	if best >= 0 && (upward || ms[best].latest == at) {
		m := &ms[best]
		return &Trigger{Kind: TriggerEvent, Member: m.Member, At: unixToTime(m.latest),
			Reason: memberName(m.AccountMember) + " was active (" + signedPoints(m.Points) + " engagement)"}
	}
	return &Trigger{Kind: TriggerTime, At: res.At, Reason: "time passed: engagement decayed"}
}

func memberName(m AccountMember) string {
	if m.Label != "" {
		return m.Label
	}
	if m.Member != "" {
		return m.Member
	}
	return "a member"
}

// appendEngaged writes "3 engaged: CFO (+40), IT director (+25), … and 1 more".
func appendEngaged(b []byte, res *AccountResult, limit int) []byte {
	b = strconv.AppendInt(b, int64(res.Engaged), 10)
	b = append(b, " engaged"...)
	shown := 0
	for _, m := range res.Members {
		if !m.Engaged {
			continue
		}
		if shown == limit {
			b = append(b, ", … and "...)
			b = strconv.AppendInt(b, int64(res.Engaged-limit), 10)
			b = append(b, " more"...)
			break
		}
		if shown == 0 {
			b = append(b, ": "...)
		} else {
			b = append(b, ", "...)
		}
		b = append(b, memberName(m)...)
		b = append(append(append(b, " ("...), signedPoints(m.Points)...), ')')
		shown++
	}
	return b
}

func appendMissing(b []byte, res *AccountResult) []byte {
	for i, id := range res.Missing {
		if i > 0 {
			b = append(b, ", "...)
		}
		for _, rc := range res.Roles {
			if rc.Role == id {
				b = append(b, rc.Name...)
			}
		}
	}
	return b
}

// Explain returns the text sales reads for an account: the total and tier, why now, who is
// engaged with their share, the buying group's coverage with what is missing, and the account
// rules behind the fit. It is deterministic.
//
//	Account globex.example — total 92 — hot (hand-off)
//	Fit 35 · Engagement 57 (capped from 61)
//	Why now: Dana Reyes was active (+29.4 engagement) on 2026-02-01
//	3 engaged: CFO (+40), IT director (+25), Ops manager (+12)
//	Buying group: economic buyer ✓ (cfo@globex.example), champion ✓, technical evaluator —
//	Missing: technical evaluator
//	Fit:
//	  +20  enterprise company
func (r AccountResult) Explain() string {
	b := make([]byte, 0, 256+64*len(r.Members))
	b = append(b, "Account "...)
	b = append(b, r.Key...)
	b = append(b, " — total "...)
	b = appendPoints(b, r.Total)
	if r.Tier != "" {
		b = append(append(b, " — "...), r.Tier...)
		if r.Handoff {
			b = append(b, " (hand-off)"...)
		}
	}
	b = append(b, '\n')
	if r.Disqualified {
		b = append(b, "Disqualified: never a hand-off\n"...)
	}
	b = append(b, "Fit "...)
	b = appendPoints(b, r.Fit)
	b = append(b, " · Engagement "...)
	b = appendDim(b, r.Engagement, r.rawEngagement)
	b = append(b, '\n')
	if r.Trigger != nil {
		b = appendTrigger(b, r.Trigger)
	}
	b = appendEngaged(b, &r, 5)
	b = append(b, '\n')
	if len(r.Roles) > 0 {
		b = append(b, "Buying group:"...)
		for i, rc := range r.Roles {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(append(b, ' '), rc.Name...)
			switch {
			case rc.Covered:
				b = append(b, " ✓"...)
			case len(rc.Members) > 0:
				b = append(b, " (not recently)"...)
			default:
				b = append(b, " —"...)
			}
		}
		b = append(b, '\n')
	}
	if len(r.Missing) > 0 {
		b = append(b, "Missing: "...)
		b = appendMissing(b, &r)
		b = append(b, '\n')
	}
	if len(r.Contributions) > 0 {
		b = append(b, "Fit:\n"...)
		for _, c := range r.Contributions {
			b = append(b, "  "...)
			b = appendSigned(b, c.Points)
			b = append(append(append(b, "  "...), c.Reason...), '\n')
		}
	}
	for _, e := range r.Errors {
		b = append(append(append(b, "Rule error: "...), firstLine(e.Error())...), '\n')
	}
	return string(b)
}

// maxAccountName bounds the names an AccountState stores (tiers) and the IDs of account
// rules and roles, as a State's are bounded.
const maxAccountName = state.MaxName
