package leadscore

import (
	"errors"
	"iter"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

var acctT0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// acctConfig scores each call 10 points that never decay, so account engagement is exact.
func acctConfig() Config {
	return Config{
		Rules: []Rule{{ID: "rival", Dimension: Fit, When: `lead.Company.Name == "Rival"`, Points: -100, Disqualify: true, Reason: "a competitor"}},
		Events: []EventRule{
			{ID: "call", On: []string{EventCall}, Points: 10, Reason: "talked to us"},
			{ID: "careers", On: []string{EventPageView}, Points: -5, Reason: "careers"},
		},
		Accounts: &AccountConfig{
			Key: "lead.Company.Domain",
			Rules: []AccountRule{
				{ID: "big", When: "lead.Company.Employees >= 1000", Points: 30, Reason: "enterprise account"},
				{ID: "rival", When: `lead.Company.Name == "Rival"`, Disqualify: true, Reason: "a competitor"},
			},
			Roles: []Role{
				{ID: "economic-buyer", Name: "economic buyer", When: `seniority(lead.Title) in ["c_level", "vp"]`, Required: true, Recency: Duration(30 * Day)},
				{ID: "tech", Name: "technical evaluator", When: `department(lead.Title) == "it"`},
			},
			Tiers: []AccountTier{
				{Name: "hot", Min: Float(80), Handoff: true},
				{Name: "warm", Min: Float(40)},
				{Name: "cold"},
			},
			Hysteresis: 10,
		},
	}
}

type acctMember struct {
	lead Lead
	st   *State
}

// member observes calls calls for a lead at days after acctT0.
func member(t *testing.T, s *Scorer[Lead], email, title, company string, employees int, days ...float64) acctMember {
	t.Helper()
	l := Lead{Email: email, Title: title, Company: Company{Name: company, Domain: "acme.example", Employees: employees}}
	st := new(State)
	for i, d := range days {
		ev := Event{ID: email + string(rune('a'+i)), Type: EventCall, Time: acctT0.Add(time.Duration(d * float64(Day)))}
		if _, err := s.Observe(l, st, ev); err != nil {
			t.Fatal(err)
		}
	}
	return acctMember{l, st}
}

func seq(ms []acctMember) iter.Seq2[Lead, *State] {
	return func(yield func(Lead, *State) bool) {
		for _, m := range ms {
			if !yield(m.lead, m.st) {
				return
			}
		}
	}
}

func scoreAcct(t *testing.T, s *Scorer[Lead], ms []acctMember, acct *AccountState, at time.Time) AccountResult {
	t.Helper()
	r, err := s.ScoreAccount(seq(ms), acct, at)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAccountRoleCoverageAndRecency(t *testing.T) {
	s := compileT(t, acctConfig())
	cfo := member(t, s, "cfo@acme.example", "CFO", "Acme", 2000, 0)
	it := member(t, s, "it@acme.example", "IT Director", "Acme", 2000, 0, 1)
	intern := member(t, s, "intern@acme.example", "Intern", "Acme", 2000) // no events: not engaged
	ms := []acctMember{cfo, it, intern}

	// Day 10: the CFO's call is 10 days old, within the 30-day recency: covered.
	r := scoreAcct(t, s, ms, nil, acctT0.Add(10*Day))
	if !r.Roles[0].Covered || len(r.Missing) != 0 || !r.Roles[1].Covered {
		t.Fatalf("day 10: roles %+v, missing %v; want both covered", r.Roles, r.Missing)
	}
	if r.Engaged != 2 || r.Fit != 30 || r.Engagement != 30 || r.Total != 60 {
		t.Errorf("day 10: engaged %d fit %v engagement %v total %v; want 2, 30, 30, 60", r.Engaged, r.Fit, r.Engagement, r.Total)
	}
	if got := r.Roles[0].Members; !reflect.DeepEqual(got, []string{"cfo@acme.example"}) {
		t.Errorf("economic buyer members %v", got)
	}
	if !r.Roles[0].LastEngaged.Equal(acctT0) {
		t.Errorf("economic buyer last engaged %v, want %v", r.Roles[0].LastEngaged, acctT0)
	}
	// Day 31: older than 30 days: the required economic buyer is missing; the tech role has
	// no recency and stays covered.
	r = scoreAcct(t, s, ms, nil, acctT0.Add(31*Day))
	if r.Roles[0].Covered || !reflect.DeepEqual(r.Missing, []string{"economic-buyer"}) || !r.Roles[1].Covered {
		t.Fatalf("day 31: roles %+v, missing %v; want economic buyer missing", r.Roles, r.Missing)
	}
	if x := r.Explain(); !strings.Contains(x, "Missing: economic buyer") || !strings.Contains(x, "economic buyer (not recently)") {
		t.Errorf("day 31 explanation:\n%s", x)
	}
	// The intern plays no role and is not engaged, but is a member.
	if len(r.Members) != 3 || r.Members[2].Member != "intern@acme.example" || r.Members[2].Engaged {
		t.Errorf("members %+v", r.Members)
	}
}

func TestAccountCombineModes(t *testing.T) {
	build := func(e AccountEngagement) *Scorer[Lead] {
		cfg := acctConfig()
		cfg.Accounts.Engagement = e
		return compileT(t, cfg)
	}
	for _, tc := range []struct {
		name string
		e    AccountEngagement
		want float64 // members: 30, 20, 10 points of engagement (3, 2, 1 calls)
		raw  float64
	}{
		{"sum", AccountEngagement{}, 60, 60},
		{"sum capped", AccountEngagement{Combine: CombineSum, Cap: 45}, 45, 60},
		{"top 2", AccountEngagement{Combine: CombineTop, Top: 2}, 50, 50},
		{"top default 3", AccountEngagement{Combine: CombineTop}, 60, 60},
		// Latest events at days 2, 1 and 0; evaluated at day 4 with a 2-day half-life:
		// 30·2^−1 + 20·2^−1.5 + 10·2^−2.
		{"decayed", AccountEngagement{Combine: CombineDecayed, HalfLife: Duration(2 * Day)}, 15 + 20*math.Exp2(-1.5) + 2.5, 15 + 20*math.Exp2(-1.5) + 2.5},
	} {
		s := build(tc.e)
		ms := []acctMember{
			member(t, s, "a@acme.example", "Engineer", "Acme", 10, 0, 1, 2),
			member(t, s, "b@acme.example", "Engineer", "Acme", 10, 0, 1),
			member(t, s, "c@acme.example", "Engineer", "Acme", 10, 0),
		}
		r := scoreAcct(t, s, ms, nil, acctT0.Add(4*Day))
		if math.Abs(r.Engagement-tc.want) > 1e-9 || math.Abs(r.rawEngagement-tc.raw) > 1e-9 {
			t.Errorf("%s: engagement %v (raw %v), want %v (raw %v)", tc.name, r.Engagement, r.rawEngagement, tc.want, tc.raw)
		}
		if tc.name == "top 2" && (r.Members[2].Member != "c@acme.example" || r.Members[2].Points != 0 || r.Members[0].Points != 30) {
			t.Errorf("top 2: the third member should add nothing: %+v", r.Members)
		}
		if tc.name == "sum capped" && !strings.Contains(r.Explain(), "Engagement 45 (capped from 60)") {
			t.Errorf("sum capped: explanation:\n%s", r.Explain())
		}
	}
}

// A member with negative engagement (careers pages) is not engaged and takes nothing away.
func TestAccountNegativeMemberTakesNothing(t *testing.T) {
	s := compileT(t, acctConfig())
	a := member(t, s, "a@acme.example", "CFO", "Acme", 10, 0)
	b := member(t, s, "b@acme.example", "Engineer", "Acme", 10)
	if _, err := s.Observe(b.lead, b.st, Event{Type: EventPageView, Path: "/careers", Time: acctT0}); err != nil {
		t.Fatal(err)
	}
	r := scoreAcct(t, s, []acctMember{a, b}, nil, acctT0)
	if r.Engagement != 10 || r.Engaged != 1 {
		t.Errorf("engagement %v engaged %d, want 10 and 1", r.Engagement, r.Engaged)
	}
}

func TestAccountHysteresisAndEdgesOnce(t *testing.T) {
	cfg := acctConfig()
	cfg.Events[0].HalfLife = Duration(10 * Day) // engagement decays: the account cools down
	s := compileT(t, cfg)
	ms := []acctMember{
		member(t, s, "cfo@acme.example", "CFO", "Acme", 2000, 0, 0, 0),
		member(t, s, "it@acme.example", "IT Manager", "Acme", 2000, 0, 0),
	}
	var acct AccountState
	// 30 fit + 50 engagement = 80: hot, and a hand-off.
	r := scoreAcct(t, s, ms, &acct, acctT0)
	if r.Tier != "hot" || !r.Handoff || len(r.Transitions) != 2 || r.Transitions[1].Kind != TransitionHandoff {
		t.Fatalf("t0: tier %q handoff %v transitions %+v", r.Tier, r.Handoff, r.Transitions)
	}
	if r.Trigger == nil || r.Trigger.Kind != TriggerEvent || r.Trigger.Member != "cfo@acme.example" {
		t.Errorf("t0 trigger %+v, want the CFO's activity", r.Trigger)
	}
	if !strings.Contains(r.Transitions[1].Reason, "2 engaged: CFO (+30), IT Manager (+20)") {
		t.Errorf("hand-off reason %q", r.Transitions[1].Reason)
	}
	// Again at the same time: nothing new to report.
	if r = scoreAcct(t, s, ms, &acct, acctT0); len(r.Transitions) != 0 || r.Trigger != nil {
		t.Errorf("repeat: transitions %+v trigger %+v, want none", r.Transitions, r.Trigger)
	}
	// Day 2: engagement 50·2^−0.2 ≈ 43.5, total 73.5 < 80 but ≥ 70: still hot (hysteresis).
	if r = scoreAcct(t, s, ms, &acct, acctT0.Add(2*Day)); r.Tier != "hot" || len(r.Transitions) != 0 {
		t.Errorf("day 2: total %v tier %q transitions %+v; want hot kept by hysteresis", r.Total, r.Tier, r.Transitions)
	}
	// Without an AccountState there is no hysteresis: warm.
	if r = scoreAcct(t, s, ms, nil, acctT0.Add(2*Day)); r.Tier != "warm" {
		t.Errorf("day 2 without state: tier %q, want warm", r.Tier)
	}
	// Day 5: 50·2^−0.5 ≈ 35.4, total 65.4 < 70: warm, reported once, by the passage of time.
	r = scoreAcct(t, s, ms, &acct, acctT0.Add(5*Day))
	if r.Tier != "warm" || len(r.Transitions) != 1 || !strings.Contains(r.Transitions[0].Reason, "fell below hot's 80 − 10 hysteresis") {
		t.Fatalf("day 5: total %v tier %q transitions %+v", r.Total, r.Tier, r.Transitions)
	}
	if r.Trigger == nil || r.Trigger.Kind != TriggerTime {
		t.Errorf("day 5 trigger %+v, want the passage of time", r.Trigger)
	}
	if acct.Tier() != "warm" || acct.HandedOff() {
		t.Errorf("state: tier %q handed off %v", acct.Tier(), acct.HandedOff())
	}
	// A call brings it back: a fresh hand-off.
	ms[0] = member(t, s, "cfo@acme.example", "CFO", "Acme", 2000, 0, 0, 0, 5, 5)
	r = scoreAcct(t, s, ms, &acct, acctT0.Add(5*Day))
	if r.Tier != "hot" || len(r.Transitions) != 2 {
		t.Errorf("day 5 after calls: total %v tier %q transitions %+v", r.Total, r.Tier, r.Transitions)
	}
}

// The order of members is irrelevant: every permutation gives the same result.
func TestAccountOrderFree(t *testing.T) {
	cfg := acctConfig()
	cfg.Accounts.Engagement = AccountEngagement{Combine: CombineTop, Top: 2, Cap: 35}
	cfg.Events[0].HalfLife = Duration(7 * Day)
	s := compileT(t, cfg)
	titles := []string{"CFO", "VP Sales", "IT Manager", "Engineer", "Intern", "CTO", "Rival CEO"}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 30 {
		var ms []acctMember
		for i := range 2 + rng.IntN(6) {
			var days []float64
			for range rng.IntN(4) {
				days = append(days, float64(rng.IntN(20)))
			}
			email := "p" + string(rune('a'+rng.IntN(4))) + "@acme.example" // repeats: same member twice
			company := "Acme"
			if titles[i%len(titles)] == "Rival CEO" {
				company = "Rival"
			}
			ms = append(ms, member(t, s, email, titles[rng.IntN(len(titles))], company, 500*i, days...))
		}
		var acct0 AccountState
		want := scoreAcct(t, s, ms, &acct0, acctT0.Add(21*Day))
		for range 8 {
			perm := append([]acctMember(nil), ms...)
			rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			var acct AccountState
			got := scoreAcct(t, s, perm, &acct, acctT0.Add(21*Day))
			if !reflect.DeepEqual(got, want) || got.Explain() != want.Explain() || acct != acct0 {
				t.Fatalf("round %d: a permutation of the members changed the result:\n%s\nvs\n%s", round, got.Explain(), want.Explain())
			}
		}
	}
}

// An account whose only engaged member is a disqualified competitor never hands off, however
// much that member does.
func TestAccountCompetitorNeverHandsOff(t *testing.T) {
	s := compileT(t, acctConfig())
	rival := member(t, s, "ceo@rival.example", "CEO", "Rival", 5000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	quiet := member(t, s, "ops@rival.example", "Ops", "Acme", 5000)
	var acct AccountState
	r := scoreAcct(t, s, []acctMember{rival, quiet}, &acct, acctT0)
	if r.Handoff || !r.Disqualified || r.Engaged != 0 || r.Engagement != 0 || r.Roles[0].Covered {
		t.Fatalf("handoff %v disqualified %v engaged %d engagement %v roles %+v", r.Handoff, r.Disqualified, r.Engaged, r.Engagement, r.Roles)
	}
	for _, tr := range r.Transitions {
		if tr.Kind == TransitionHandoff {
			t.Errorf("hand-off reported: %+v", tr)
		}
	}
	// Without a disqualifying account rule, the competitor still adds nothing: an account
	// with fit alone in a hand-off tier does not hand off without an engaged member.
	cfg := acctConfig()
	cfg.Accounts.Rules = []AccountRule{{ID: "big", When: "lead.Company.Employees >= 1000", Points: 100}}
	s = compileT(t, cfg)
	rival = member(t, s, "ceo@rival.example", "CEO", "Rival", 5000, 0, 0, 0, 0, 0)
	quiet = member(t, s, "ops@rival.example", "Ops", "Acme", 5000) // the fit comes from them
	if r = scoreAcct(t, s, []acctMember{rival, quiet}, nil, acctT0); r.Tier != "hot" || r.Handoff || r.Engaged != 0 {
		t.Errorf("fit-only: tier %q handoff %v engaged %d; want hot without a hand-off", r.Tier, r.Handoff, r.Engaged)
	}
}

func TestAccountTierRequiresRoles(t *testing.T) {
	cfg := acctConfig()
	cfg.Accounts.Tiers[0].Requires = []string{"economic-buyer"}
	s := compileT(t, cfg)
	ms := []acctMember{member(t, s, "it@acme.example", "IT Manager", "Acme", 2000, 0, 0, 0, 0, 0)}
	if r := scoreAcct(t, s, ms, nil, acctT0); r.Total != 80 || r.Tier != "warm" {
		t.Errorf("without an economic buyer: total %v tier %q, want 80 and warm", r.Total, r.Tier)
	}
	ms = append(ms, member(t, s, "vp@acme.example", "VP Finance", "Acme", 2000, 0))
	if r := scoreAcct(t, s, ms, nil, acctT0); r.Tier != "hot" || !r.Handoff {
		t.Errorf("with one: tier %q handoff %v, want hot", r.Tier, r.Handoff)
	}
}

func TestAccountExplain(t *testing.T) {
	s := compileT(t, acctConfig())
	ms := []acctMember{
		member(t, s, "it@acme.example", "IT Director", "Acme", 2000, 0, 0),
		member(t, s, "eng@acme.example", "Engineer", "Acme", 2000, 0),
	}
	var acct AccountState
	r := scoreAcct(t, s, ms, &acct, acctT0)
	want := "Account acme.example — total 60 — warm\n" +
		"Fit 30 · Engagement 30\n" +
		"Why now: IT Director was active (+20 engagement) (2026-03-01 09:00)\n" +
		"2 engaged: IT Director (+20), Engineer (+10)\n" +
		"Buying group: economic buyer —, technical evaluator ✓\n" +
		"Missing: economic buyer\n" +
		"Fit:\n  +30  enterprise account\n"
	if got := r.Explain(); got != want {
		t.Errorf("Explain:\n%s\nwant:\n%s", got, want)
	}
}

func TestAccountErrors(t *testing.T) {
	s := compileT(t, acctConfig())
	a := member(t, s, "a@acme.example", "CFO", "Acme", 10, 0)
	b := member(t, s, "b@other.example", "CFO", "Acme", 10, 0)
	b.lead.Company.Domain = "other.example"
	var acct AccountState
	if _, err := s.ScoreAccount(seq([]acctMember{a, b}), &acct, acctT0); err == nil || !strings.Contains(err.Error(), `"acme.example" and "other.example"`) {
		t.Errorf("members of two accounts: %v", err)
	}
	if acct != (AccountState{}) {
		t.Errorf("an error applied something: %+v", acct)
	}
	b.lead.Company.Domain = ""
	if _, err := s.ScoreAccount(seq([]acctMember{b}), &acct, acctT0); err == nil || !strings.Contains(err.Error(), "no account") {
		t.Errorf("empty key: %v", err)
	}
	if _, err := s.ScoreAccount(seq([]acctMember{a}), &acct, time.Time{}); !errors.Is(err, ErrEventTime) {
		t.Errorf("zero now: %v", err)
	}
	plain := compileT(t, Config{})
	if _, err := plain.ScoreAccount(nil, nil, acctT0); err == nil || !strings.Contains(err.Error(), "no accounts section") {
		t.Errorf("no accounts: %v", err)
	}
	if _, err := plain.AccountKey(Lead{}); err == nil {
		t.Error("AccountKey without accounts: no error")
	}
	if k, err := s.AccountKey(a.lead); k != "acme.example" || err != nil {
		t.Errorf("AccountKey = %q, %v", k, err)
	}
	// No members, and a nil member State: no error, nothing engaged.
	if r, err := s.ScoreAccount(nil, nil, acctT0); err != nil || r.Engaged != 0 || r.Tier != "cold" {
		t.Errorf("no members: %+v, %v", r, err)
	}
	if r, err := s.ScoreAccount(func(yield func(Lead, *State) bool) { yield(a.lead, nil) }, nil, acctT0); err != nil || r.Engaged != 0 {
		t.Errorf("nil State: %+v, %v", r, err)
	}
}

func TestAccountCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(a *AccountConfig)
		want []string
	}{
		{"no key", func(a *AccountConfig) { a.Key = "" }, []string{`account "accounts": key: an accounts section needs a key`}},
		{"bad key field", func(a *AccountConfig) { a.Key = "lead.Company.Domian" }, []string{`account "accounts": key`, "did you mean"}},
		{"unknown role in requires", func(a *AccountConfig) { a.Tiers[0].Requires = []string{"economic_buyer"} }, []string{`account tier "hot": requires[0]: no role "economic_buyer"`, `did you mean "economic-buyer"?`}},
		{"combine", func(a *AccountConfig) { a.Engagement.Combine = "summ" }, []string{`engagement.combine: unknown combine mode "summ"`, `did you mean "sum"?`}},
		{"decayed without half-life", func(a *AccountConfig) { a.Engagement.Combine = CombineDecayed }, []string{"engagement.half_life"}},
		{"duplicate role", func(a *AccountConfig) { a.Roles[1].ID = "economic-buyer" }, []string{`role "economic-buyer": id: duplicate role id`}},
		{"role without when", func(a *AccountConfig) { a.Roles[0].When = "" }, []string{`role "economic-buyer": when: a role needs a condition`}},
		{"role reading history", func(a *AccountConfig) { a.Roles[0].When = `count("call", "7d") > 0` }, []string{`role "economic-buyer": when`}},
		{"rule id", func(a *AccountConfig) { a.Rules[0].ID = "" }, []string{`account rule "rules[0]": id`}},
		{"negative cap", func(a *AccountConfig) { a.Engagement.Cap = -1 }, []string{"engagement.cap"}},
		{"tier order", func(a *AccountConfig) { a.Tiers[0].Min = nil }, []string{`account tier "hot": min`}},
	} {
		cfg := acctConfig()
		tc.edit(cfg.Accounts)
		_, err := Compile[Lead](cfg)
		if err == nil {
			t.Errorf("%s: compiled", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v\nwant %q", tc.name, err, w)
			}
		}
	}
	// A lead type without Email needs a member expression.
	type bare struct{ Domain string }
	cfg := Config{Accounts: &AccountConfig{Key: "lead.Domain"}}
	if _, err := Compile[bare](cfg); err == nil || !strings.Contains(err.Error(), "member: the default lead.Email does not compile") {
		t.Errorf("bare lead type: %v", err)
	}
	cfg.Accounts.Member = "lead.Domain"
	if _, err := Compile[bare](cfg); err != nil {
		t.Errorf("bare lead type with a member: %v", err)
	}
}

func TestAccountConfigParse(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{"accounts": {"key": "lead.Company.Domain", "roles": [{"id": "eb", "when": "true", "required": true, "recency": "30d"}],
		"engagement": {"combine": "top", "top": 2, "cap": 50}, "tiers": [{"name": "hot", "min": 10, "handoff": true, "requires": ["eb"]}, {"name": "cold"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Accounts.Roles[0].Recency != Duration(30*Day) || cfg.Accounts.Engagement.Top != 2 || cfg.Accounts.Tiers[0].Requires[0] != "eb" {
		t.Errorf("parsed %+v", cfg.Accounts)
	}
	if _, err := Compile[Lead](cfg); err != nil {
		t.Fatal(err)
	}
	_, err = ParseConfig([]byte(`{"accounts": {"key": "k", "roles": [{"id": "eb", "whne": "true"}]}}`))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Kind != ItemRole || ce.RuleID != "eb" || !strings.Contains(err.Error(), `did you mean "when"?`) {
		t.Errorf("unknown key in a role: %v", err)
	}
}

// The Scorer keeps its own copy of the accounts section.
func TestAccountConfigNotAliased(t *testing.T) {
	cfg := acctConfig()
	s := compileT(t, cfg)
	cfg.Accounts.Tiers[0].Requires = append(cfg.Accounts.Tiers[0].Requires, "x")
	*cfg.Accounts.Tiers[0].Min = 1
	got := s.Config()
	if len(got.Accounts.Tiers[0].Requires) != 0 || *got.Accounts.Tiers[0].Min != 80 {
		t.Errorf("the Scorer's accounts changed through the caller's Config: %+v", got.Accounts.Tiers[0])
	}
}

func TestAccountStateCodec(t *testing.T) {
	s := compileT(t, acctConfig())
	ms := []acctMember{member(t, s, "cfo@acme.example", "CFO", "Acme", 2000, 0, 0, 0, 0, 0)}
	var acct AccountState
	scoreAcct(t, s, ms, &acct, acctT0)
	for _, a := range []AccountState{{}, acct} {
		b, err := a.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back AccountState
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if back.norm() != a.norm() {
			t.Errorf("round trip: %+v, want %+v", back, a)
		}
		// Every truncation and every flipped bit is refused, leaving the receiver alone.
		for i := range b {
			for _, bad := range [][]byte{b[:i], flip(b, i)} {
				keep := acct
				if err := keep.UnmarshalBinary(bad); !errors.Is(err, ErrCorruptState) || keep != acct {
					t.Fatalf("bad bytes at %d: %v, receiver %+v", i, err, keep)
				}
			}
		}
	}
	if acct.Tier() != "hot" || !acct.HandedOff() || !acct.Clock().Equal(acctT0) {
		t.Errorf("state %+v", acct)
	}
}

func flip(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x10
	return out
}

// Merge is commutative, associative and idempotent.
func TestAccountStateMergeLaws(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	gen := func() AccountState {
		if rng.IntN(5) == 0 {
			return AccountState{}
		}
		clock := acctT0.Add(time.Duration(rng.IntN(4)) * Day).UnixNano()
		return AccountState{tier: []string{"hot", "warm", "cold"}[rng.IntN(3)], since: clock - int64(rng.IntN(2))*int64(Day), clock: clock, handedOff: rng.IntN(2) == 0}
	}
	merge := func(a, b AccountState) AccountState {
		if err := a.Merge(&b); err != nil {
			t.Fatal(err)
		}
		return a
	}
	for range 2000 {
		a, b, c := gen(), gen(), gen()
		if merge(a, b) != merge(b, a) {
			t.Fatalf("not commutative: %+v %+v", a, b)
		}
		if merge(merge(a, b), c) != merge(a, merge(b, c)) {
			t.Fatalf("not associative: %+v %+v %+v", a, b, c)
		}
		if merge(a, a) != a.norm() {
			t.Fatalf("not idempotent: %+v", a)
		}
	}
	var a AccountState
	if err := a.Merge(nil); err == nil {
		t.Error("Merge(nil): no error")
	}
}

// ScoreAccount only reads the members' States, so it runs concurrently on one Scorer.
func TestAccountConcurrent(t *testing.T) {
	s := compileT(t, acctConfig())
	ms := []acctMember{member(t, s, "cfo@acme.example", "CFO", "Acme", 2000, 0, 1), member(t, s, "it@acme.example", "IT Manager", "Acme", 2000, 0)}
	want := scoreAcct(t, s, ms, nil, acctT0.Add(Day))
	done := make(chan AccountResult)
	for range 8 {
		go func() {
			r, _ := s.ScoreAccount(seq(ms), nil, acctT0.Add(Day))
			done <- r
		}()
	}
	for range 8 {
		if r := <-done; !reflect.DeepEqual(r, want) {
			t.Error("a concurrent ScoreAccount differs")
		}
	}
}

// DefaultB2B's accounts section compiles and hands off an engaged buying group.
func TestDefaultB2BAccounts(t *testing.T) {
	cfg := DefaultB2B()
	cfg.Lists["targets"] = []string{"globex.example"}
	s := compileT(t, cfg)
	co := Company{Name: "Globex", Domain: "globex.example", Employees: 1200, Revenue: 50e6}
	obs := func(title string, evs ...string) acctMember {
		l := Lead{Email: strings.ToLower(strings.ReplaceAll(title, " ", ".")) + "@globex.example", Title: title, Company: co}
		st := new(State)
		for i, typ := range evs {
			if _, err := s.Observe(l, st, Event{Type: typ, Time: acctT0.Add(time.Duration(i) * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		return acctMember{l, st}
	}
	ms := []acctMember{
		obs("IT Director", EventWebinarAttended, EventContentDownload),
		obs("Operations Manager", EventFormSubmit, EventContentDownload),
		obs("Intern", EventPageView),
	}
	var acct AccountState
	r := scoreAcct(t, s, ms, &acct, acctT0.Add(2*time.Hour))
	if r.Handoff || !reflect.DeepEqual(r.Missing, []string{"economic-buyer"}) {
		t.Errorf("without the CFO: total %v tier %q missing %v\n%s", r.Total, r.Tier, r.Missing, r.Explain())
	}
	ms = append(ms, obs("CFO", EventDemoRequest))
	r = scoreAcct(t, s, ms, &acct, acctT0.Add(2*time.Hour))
	if !r.Handoff || len(r.Missing) != 0 || r.Engaged != 3 {
		t.Errorf("with the CFO: %s", r.Explain())
	}
	if k, _ := s.AccountKey(Lead{Email: "joe@gmail.com"}); k != "" {
		t.Errorf("a free-mail lead's account key is %q, want none", k)
	}
	if k, _ := s.AccountKey(Lead{Email: "joe@initech.example"}); k != "initech.example" {
		t.Errorf("account key from the email: %q", k)
	}
}
