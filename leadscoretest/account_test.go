package leadscoretest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/leadscoretest"
)

// accountRules is rules() with an accounts section: accounts by company domain, an
// enterprise account rule, three roles (the economic buyer and the technical evaluator
// required) and three tiers, the hand-off needing an economic buyer.
func accountRules() leadscore.Config {
	cfg := rules()
	cfg.Accounts = &leadscore.AccountConfig{
		Key: "lead.Company.Domain",
		Rules: []leadscore.AccountRule{
			{ID: "enterprise", When: "lead.Company.Employees >= 1000", Points: 30, Reason: "enterprise account"},
			{ID: "tiny", When: "lead.Company.Employees < 10", Points: -20, Reason: "tiny company"},
		},
		Roles: []leadscore.Role{
			{ID: "economic-buyer", Name: "economic buyer", When: `seniority(lead.Title) in ["c_level", "vp"]`, Required: true},
			{ID: "champion", When: `seniority(lead.Title) in ["director", "manager"]`},
			{ID: "technical-evaluator", Name: "technical evaluator", When: `department(lead.Title) in ["it", "engineering"]`, Required: true},
		},
		Tiers: []leadscore.AccountTier{
			{Name: "hot", Min: leadscore.Float(80), Handoff: true, Requires: []string{"economic-buyer"}},
			{Name: "warm", Min: leadscore.Float(30)},
			{Name: "cold"},
		},
	}
	return cfg
}

// globex is an account case: Globex's CFO asked for a demo (40) and its director of
// operations read pricing twice (20); with the enterprise rule (30) the account totals 90,
// hot and handed off, its economic buyer and champion covered, no technical evaluator.
func globex() leadscoretest.Case[leadscore.Lead] {
	company := leadscore.Company{Domain: "globex.example", Employees: 1200}
	return leadscoretest.Case[leadscore.Lead]{
		Name:    "globex buying group",
		Account: "globex.example",
		Members: []leadscoretest.Member[leadscore.Lead]{
			{Lead: leadscore.Lead{Email: "cfo@globex.example", Title: "CFO", Company: company},
				Events: []leadscore.Event{{Type: "demo_request", Time: day(1)}}},
			{Lead: leadscore.Lead{Email: "dir@globex.example", Title: "Director of Operations", Company: company},
				Events: []leadscore.Event{{Type: "page_view", Path: "/pricing", Time: t0}, {Type: "page_view", Path: "/pricing", Time: day(2)}}},
			{Lead: leadscore.Lead{Email: "intern@globex.example", Title: "IT Intern", Company: company}},
		},
		At: day(3),
		Expect: leadscoretest.Expect{
			Tier: "hot", Handoff: leadscoretest.Bool(true), Disqualified: leadscoretest.Bool(false),
			Covered: []string{"economic-buyer", "champion"}, Missing: []string{"technical-evaluator"},
			Fired: []string{"enterprise"}, NotFired: []string{"tiny"},
			MinTotal: leadscore.Float(90), MaxTotal: leadscore.Float(90),
		},
	}
}

func TestAccountCasePasses(t *testing.T) {
	s := compile(t, accountRules())
	cases := []leadscoretest.Case[leadscore.Lead]{vp(), globex()}
	if err := leadscoretest.Check(s, cases); err != nil {
		t.Fatal(err)
	}
	leadscoretest.Run(t, s, cases)
}

func TestReplayAccount(t *testing.T) {
	s := compile(t, accountRules())
	tr, err := leadscoretest.ReplayAccount(s, globex())
	if err != nil {
		t.Fatal(err)
	}
	r := tr.Result
	if len(tr.Members) != 3 || r.Key != "globex.example" || r.Tier != "hot" || !r.Handoff || r.Total != 90 || !r.At.Equal(day(3)) {
		t.Fatalf("%d members, account %+v", len(tr.Members), r)
	}
	if !slices.Equal(r.Missing, []string{"technical-evaluator"}) {
		t.Errorf("missing %v", r.Missing)
	}
	// Without At, the account is evaluated at the latest event of any member.
	noAt := globex()
	noAt.At = time.Time{}
	tr, err = leadscoretest.ReplayAccount(s, noAt)
	if err != nil || !tr.Result.At.Equal(day(2)) {
		t.Errorf("without At: evaluated at %v (%v), want the latest member event, %v", tr.Result.At, err, day(2))
	}
}

// Each expectation on an account, when wrong, gives one mismatch naming the case, the
// expectation and what the account has.
func TestAccountCaseReportsEachMismatch(t *testing.T) {
	s := compile(t, accountRules())
	for _, tc := range []struct {
		field  string
		change func(*leadscoretest.Case[leadscore.Lead])
		want   string
	}{
		{"tier", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Tier = "warm" }, `got "hot", want "warm" (account total 90, missing: technical-evaluator)`},
		{"handoff", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Handoff = leadscoretest.Bool(false) }, `got true, want false (tier "hot", missing: technical-evaluator)`},
		{"disqualified", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Disqualified = leadscoretest.Bool(true) }, "got false, want true"},
		{"covered", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Covered = []string{"technical-evaluator"} },
			`role "technical-evaluator" is not covered: intern@globex.example plays it but is not engaged`},
		{"missing", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Missing = []string{"economic-buyer"} },
			`role "economic-buyer" is not missing: covered by cfo@globex.example`},
		{"no_missing", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Missing, c.Expect.NoMissing = nil, true }, "missing: technical-evaluator"},
		{"fired", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Fired = []string{"tiny"} }, `account rule "tiny" did not fire`},
		{"not_fired", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.NotFired = []string{"enterprise"} }, `account rule "enterprise" fired (+30: enterprise account)`},
		{"min_total", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.MinTotal = leadscore.Float(95) }, "account total 90 is below 95"},
		{"max_total", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.MaxTotal = leadscore.Float(80) }, "account total 90 is above 80"},
		{"account", func(c *leadscoretest.Case[leadscore.Lead]) { c.Account = "initech.example" }, `the members are of account "globex.example", want "initech.example"`},
		// Names the accounts section lacks, and expectations no account has, fail the case.
		{"tier", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Tier = "HOT" }, `the rule set has no account tier "HOT"`},
		{"fired", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Fired = []string{"exec"} }, `the rule set has no account rule "exec"`},
		{"covered", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Covered = []string{"cfo"} }, `the rule set has no role "cfo"`},
		{"missing", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Missing = []string{"champion"} },
			`role "champion" is not required: only required roles are ever missing`},
		{"stage", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Stage = leadscore.StageConvert }, "an account case has no stage: expect it on a case of the member's lead"},
		{"signals", func(c *leadscoretest.Case[leadscore.Lead]) { c.Expect.Signals = []string{"competitor"} }, "an account case has no signals: expect it on a case of the member's lead"},
	} {
		t.Run(tc.field+"/"+tc.want, func(t *testing.T) {
			c := globex()
			tc.change(&c)
			ms := mismatches(t, leadscoretest.Check(s, []leadscoretest.Case[leadscore.Lead]{vp(), c}))
			if len(ms) != 1 {
				t.Fatalf("want 1 mismatch, got %d: %v", len(ms), ms)
			}
			m := ms[0]
			if m.Case != c.Name || m.Field != tc.field || m.Message != tc.want {
				t.Errorf("got %q %q %q,\nwant %q %q %q", m.Case, m.Field, m.Message, c.Name, tc.field, tc.want)
			}
			if msg := m.Error(); !strings.HasPrefix(msg, `leadscoretest: case "globex buying group": `+tc.field+": ") {
				t.Errorf("Error() = %q", msg)
			}
		})
	}
}

// A role an engaged member plays, but not recently, is not covered, and the mismatch says when
// they were last active.
func TestAccountCaseRoleNotRecent(t *testing.T) {
	cfg := accountRules()
	cfg.Accounts.Roles[1].Recency = leadscore.Duration(12 * time.Hour)
	c := globex()
	c.Expect = leadscoretest.Expect{Covered: []string{"champion"}}
	ms := mismatches(t, leadscoretest.Check(compile(t, cfg), []leadscoretest.Case[leadscore.Lead]{c}))
	want := `role "champion" is not covered: dir@globex.example plays it, last active 2026-03-04: not within the role's recency`
	if len(ms) != 1 || ms[0].Field != "covered" || ms[0].Message != want {
		t.Fatalf("got %v, want one covered mismatch %q", ms, want)
	}
}

// An account case that cannot run, and a lead case with an account's expectations, fail.
func TestAccountCasesThatCannotRun(t *testing.T) {
	s := compile(t, accountRules())
	noAccounts := globex()
	noAccounts.Name = "no accounts section"
	twoAccounts := globex()
	twoAccounts.Name = "two accounts"
	twoAccounts.Members[2].Lead.Company.Domain = "initech.example"
	badEvent := globex()
	badEvent.Name = "bad member event"
	badEvent.Members[1].Events = append(badEvent.Members[1].Events, leadscore.Event{Type: "page_view"})
	noTime := globex()
	noTime.Name = "no time"
	noTime.At = time.Time{}
	for i := range noTime.Members {
		noTime.Members[i].Events = nil
	}
	leadWithRoles := vp()
	leadWithRoles.Expect.Covered = []string{"champion"}
	for _, tc := range []struct {
		s                *leadscore.Scorer[leadscore.Lead]
		c                leadscoretest.Case[leadscore.Lead]
		field, msgPrefix string
	}{
		{compile(t, rules()), noAccounts, "members", "the rule set has no accounts section"},
		{s, twoAccounts, "members", `members of different accounts in one ScoreAccount call: "globex.example" and "initech.example"`},
		{s, badEvent, "events", "member 2: event 3 (page_view): leadscore: time out of range"},
		{s, noTime, "at", "no member events and no evaluation time (at)"},
		{s, leadWithRoles, "covered", "a lead has no account or buying group"},
	} {
		ms := mismatches(t, leadscoretest.Check(tc.s, []leadscoretest.Case[leadscore.Lead]{tc.c}))
		if len(ms) != 1 || ms[0].Case != tc.c.Name || ms[0].Field != tc.field || !strings.HasPrefix(ms[0].Message, tc.msgPrefix) {
			t.Errorf("%s: got %v, want one %s mismatch %q…", tc.c.Name, ms, tc.field, tc.msgPrefix)
		}
	}
	if _, err := leadscoretest.Replay(s, globex()); err == nil {
		t.Error("Replay ran an account case")
	}
}

// Coverage counts the roles account cases cover, and the members' leads as leads.
func TestCoverageOfRoles(t *testing.T) {
	s := compile(t, accountRules())
	cov := leadscoretest.Coverage(s, []leadscoretest.Case[leadscore.Lead]{globex()})
	if cov.Roles.Total != 3 || cov.Roles.Covered != 2 || !slices.Equal(cov.Roles.Uncovered, []string{"technical-evaluator"}) {
		t.Errorf("roles %+v, want technical-evaluator uncovered", cov.Roles)
	}
	// The CFO's demo request and the director's pricing views fired their lead rules.
	if slices.Contains(cov.Rules.Uncovered, "demo") || slices.Contains(cov.Rules.Uncovered, "pricing") || slices.Contains(cov.Rules.Uncovered, "exec") {
		t.Errorf("rules uncovered %v: the members' rules fired", cov.Rules.Uncovered)
	}
	if cov.Complete() {
		t.Error("Complete() with a role uncovered")
	}
	if s := cov.String(); !strings.Contains(s, "  roles          2/3    66.7%  never covered: technical-evaluator\n") {
		t.Errorf("String() lacks the roles line:\n%s", s)
	}
	// With an IT manager engaged, every role is covered.
	c := globex()
	c.Members[2].Lead.Title = "IT Manager"
	c.Members[2].Events = []leadscore.Event{{Type: "page_view", Path: "/pricing", Time: day(2)}}
	if cov := leadscoretest.Coverage(s, []leadscoretest.Case[leadscore.Lead]{c}); len(cov.Roles.Uncovered) != 0 {
		t.Errorf("roles uncovered %v with every role engaged", cov.Roles.Uncovered)
	}
	// Without an accounts section there are no roles, and no roles line.
	cov = leadscoretest.Coverage(compile(t, rules()), []leadscoretest.Case[leadscore.Lead]{vp()})
	if cov.Roles.Total != 0 || cov.Roles.Percent != 100 || strings.Contains(cov.String(), "roles") {
		t.Errorf("no accounts section: roles %+v\n%s", cov.Roles, cov.String())
	}
}

// Population gives an account case's members as leads of their own, at the account's time.
func TestPopulationOfAccountCase(t *testing.T) {
	var names []string
	for l := range leadscoretest.Population([]leadscoretest.Case[leadscore.Lead]{vp(), globex()}) {
		names = append(names, l.Name)
		if strings.HasPrefix(l.Name, "globex") && !l.At.Equal(day(3)) {
			t.Errorf("%s at %v, want the account's time", l.Name, l.At)
		}
	}
	if want := []string{"vp asks for a demo", "globex buying group/1", "globex buying group/2", "globex buying group/3"}; !slices.Equal(names, want) {
		t.Errorf("population %v, want %v", names, want)
	}
}
