package leadscore

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// teamLead is a team's own lead type: the detectors' inputs live elsewhere than in Lead.
type teamLead struct {
	WorkEmail string
	JobTitle  string
	FullName  string
	Account   struct{ Name, Website string }
	Employees int
}

// teamFields maps the detectors' inputs onto teamLead.
var teamFields = map[string]string{
	"email": "lead.WorkEmail", "title": "lead.JobTitle", "name": "lead.FullName",
	"company": "lead.Account.Name", "company_domain": "lead.Account.Website",
}

// detectorConfig is the presets' detectors with both of their lists, and no rules (the
// presets' rules read Lead's fields).
func detectorConfig() Config {
	cfg := DefaultB2B()
	cfg.Rules, cfg.Events, cfg.Personas, cfg.Accounts = nil, nil, nil, nil // they read Lead's fields
	cfg.Lists = map[string][]string{"competitors": {"rival.example", "Rival Inc"}, "targets": {"bigco.example", "Initech"}}
	return cfg
}

func toTeam(l Lead) teamLead {
	c := teamLead{WorkEmail: l.Email, JobTitle: l.Title, FullName: l.Name, Employees: l.Company.Employees}
	c.Account.Name, c.Account.Website = l.Company.Name, l.Company.Domain
	return c
}

// leadView is what the lead-reading detectors decide, to compare across lead types.
func leadView(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "disqualified=%v handoff=%v errors=%d\n", r.Disqualified, r.Handoff, len(r.Errors))
	for _, s := range r.Signals {
		fmt.Fprintf(&b, "%s %.2f %s\n", s.Kind, s.Strength, s.Reason)
	}
	return b.String()
}

// TestDetectorsForAnyLeadType: the presets' detectors, compiled for Lead, for *Lead and for a
// custom struct with lead_fields, decide exactly the same for the same person — on the
// issue's leads (a competitor is disqualified, a student and a free-mail address are
// flagged) and on generated ones.
func TestDetectorsForAnyLeadType(t *testing.T) {
	plain := compileT(t, detectorConfig())
	ptr, err := Compile[*Lead](detectorConfig())
	if err != nil {
		t.Fatal(err)
	}
	cfg := detectorConfig()
	cfg.LeadFields = teamFields
	crm, err := Compile[teamLead](cfg)
	if err != nil {
		t.Fatal(err)
	}
	if w := crm.Warnings(); len(w) != 0 {
		t.Errorf("warnings for a complete mapping: %v", w)
	}
	for _, s := range [][]string{ptr.SignalKinds(), crm.SignalKinds()} {
		if !slices.Equal(s, plain.SignalKinds()) {
			t.Fatalf("signal kinds %v, want %v", s, plain.SignalKinds())
		}
	}
	same := func(l Lead) (Result, bool) {
		var st State
		want, err := plain.Score(l, &st, t0)
		if err != nil {
			t.Fatal(err)
		}
		lp := l
		gotPtr, err := ptr.Score(&lp, &st, t0)
		if err != nil {
			t.Fatal(err)
		}
		gotCRM, err := crm.Score(toTeam(l), &st, t0)
		if err != nil {
			t.Fatal(err)
		}
		w := leadView(want)
		if p, c := leadView(gotPtr), leadView(gotCRM); p != w || c != w {
			t.Errorf("lead %+v:\nLead:\n%s*Lead:\n%scrmLead:\n%s", l, w, p, c)
			return want, false
		}
		return want, true
	}
	has := func(r Result, kind string) bool {
		return slices.ContainsFunc(r.Signals, func(s Signal) bool { return s.Kind == kind })
	}
	for _, c := range []struct {
		lead Lead
		kind string
	}{
		{Lead{Email: "eve@rival.example", Title: "CEO"}, SignalCompetitor},
		{Lead{Email: "ann@acme.example", Company: Company{Name: "Rival Inc"}}, SignalCompetitor},
		{Lead{Email: "sam@mit.edu", Title: "PhD Student"}, SignalStudent},
		{Lead{Email: "joe@gmail.com", Title: "Owner"}, SignalGenericEmail},
		{Lead{Email: "kim@bigco.example", Title: "VP Sales"}, SignalTargetAccount},
	} {
		r, ok := same(c.lead)
		if ok && !has(r, c.kind) {
			t.Errorf("%+v: no %s signal: %s", c.lead, c.kind, leadView(r))
		}
		if c.kind == SignalCompetitor && !r.Disqualified {
			t.Errorf("%+v: a competitor is not disqualified", c.lead)
		}
	}
	rng := rand.New(rand.NewPCG(3, 11))
	emails := []string{"a@rival.example", "b@bigco.example", "c@gmail.com", "d@stanford.edu", "e@acme.example", "", "f@sub.rival.example", "g@yahoo.co.uk"}
	titles := []string{"", "CEO", "Student", "Graduate Student", "VP Sales", "Intern", "Head of IT"}
	companies := []string{"", "Rival Inc", "Initech", "Acme", "initech"}
	domains := []string{"", "rival.example", "bigco.example", "acme.example"}
	for range 500 {
		l := Lead{Email: pick(rng, emails), Title: pick(rng, titles), Name: pick(rng, []string{"", "Initech", "Ann"}),
			Company: Company{Name: pick(rng, companies), Domain: pick(rng, domains)}}
		if _, ok := same(l); !ok {
			break
		}
	}
}

func TestLeadFieldErrors(t *testing.T) {
	type bare struct{ Seats int }
	for _, c := range []struct {
		name   string
		fields map[string]string
		want   string
	}{
		{"unknown key", map[string]string{"emial": "lead.WorkEmail"},
			`leadscore: config "lead_fields": emial: unknown lead field "emial" (did you mean "email"?); the lead fields are email, title, name, company, company_domain`},
		{"not a string", map[string]string{"email": "lead.Employees"},
			`leadscore: config "lead_fields": email: expected string, but got int`},
		{"events are not the lead", map[string]string{"email": `count("page_view", "7d") > 0 ? "a" : "b"`},
			`leadscore: config "lead_fields": email 1:1: count is not available in expressions over the lead alone (report values, lead_fields): they see the lead, not its events`},
		{"misspelt field", map[string]string{"title": "lead.JobTitel"},
			`leadscore: config "lead_fields": title 1:6: type leadscore.teamLead has no field JobTitel (did you mean JobTitle?)`},
	} {
		cfg := detectorConfig()
		cfg.LeadFields = withFields(teamFields, c.fields)
		_, err := Compile[teamLead](cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant an error containing\n%s", c.name, err, c.want)
		}
	}

	// A type with none of the fields: the list detectors, asked for by their lists, are errors
	// naming what to map; student and generic_email run only by default, so they are left out
	// with a warning saying the same.
	_, err := Compile[bare](detectorConfig())
	want := `leadscore: signal "competitor": lead_fields: the competitor detector reads the lead's company, company_domain, email, name and title, which lead type leadscore.bare does not have: map them in the config's lead_fields, e.g. "lead_fields": {"company": "lead.Account.Name", "company_domain": "lead.Account.Domain", "email": "lead.WorkEmail", "name": "lead.FullName", "title": "lead.JobTitle"} ('' for a field your leads lack), or turn the detector off: {"kind": "competitor", "off": true}`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("bare lead type: %v\nwant an error containing\n%s", err, want)
	}
	cfg := detectorConfig()
	cfg.Lists = nil
	s, err := Compile[bare](cfg)
	if err != nil {
		t.Fatalf("a lead type without emails or titles, no lists: %v", err)
	}
	if slices.Contains(s.SignalKinds(), SignalStudent) || slices.Contains(s.SignalKinds(), SignalGenericEmail) {
		t.Errorf("detectors that cannot read bare run: %v", s.SignalKinds())
	}
	var kinds []string
	for _, w := range s.Warnings() {
		if w.Field == "lead_fields" {
			kinds = append(kinds, w.ID)
		}
	}
	if !slices.Equal(kinds, []string{SignalStudent, SignalGenericEmail}) {
		t.Errorf("warnings about the detectors left out: %v", s.Warnings())
	}
	// Asked for by a SignalConfig, student is an error instead.
	cfg.Signals = []SignalConfig{{Kind: SignalStudent}}
	if _, err := Compile[bare](cfg); err == nil || !strings.Contains(err.Error(), `signal "student": lead_fields: the student detector reads the lead's email and title`) {
		t.Errorf("a configured student detector on a type without email: %v", err)
	}

	// A mapping no detector reads is a warning.
	cfg = detectorConfig()
	cfg.Lists = nil
	cfg.LeadFields = withFields(teamFields, nil)
	team, err := Compile[teamLead](cfg)
	if err != nil {
		t.Fatal(err)
	}
	var unread []string
	for _, w := range team.Warnings() {
		if w.ID == "lead_fields" {
			unread = append(unread, w.Field)
		}
	}
	if !slices.Equal(unread, []string{"name", "company", "company_domain"}) {
		t.Errorf("unread mapped fields warned about: %v (%v)", unread, team.Warnings())
	}
}

// TestLeadFieldRuntimeError: a mapped lead field that fails at run time (a nil pointer on its
// path) is a rule error in the Result, and the competitor check fails closed; a nil *Lead on
// the standard paths reads as a lead with no fields.
func TestLeadFieldRuntimeError(t *testing.T) {
	type account struct{ Name string }
	type mapped struct {
		Email   string
		Account *account
	}
	cfg := detectorConfig()
	cfg.LeadFields = map[string]string{"company": "lead.Account.Name", "company_domain": "''", "name": "''", "title": "''"}
	s, err := Compile[mapped](cfg)
	if err != nil {
		t.Fatal(err)
	}
	var st State
	r, err := s.Score(mapped{Email: "ann@acme.example"}, &st, t0)
	if err != nil {
		t.Fatal(err)
	}
	var re *RuleError
	if len(r.Errors) == 0 || !errors.As(r.Errors[0], &re) || re.Kind != ItemSignal || re.Field != "lead_fields" {
		t.Fatalf("errors %v, want a signal's lead_fields rule error", r.Errors)
	}
	if !r.Disqualified || r.Handoff {
		t.Errorf("a competitor check that cannot run: disqualified %v, hand-off %v; want it to fail closed", r.Disqualified, r.Handoff)
	}
	p, err := Compile[*Lead](detectorConfig())
	if err != nil {
		t.Fatal(err)
	}
	if r, err := p.Score(nil, &st, t0); err != nil || len(r.Errors) > 0 || r.Disqualified {
		t.Errorf("a nil *Lead: %v, errors %v, disqualified %v; want a lead with no fields", err, r.Errors, r.Disqualified)
	}
}

// withFields returns a copy of base with over's entries set.
func withFields(base, over map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// TestWarningsHaveFixes: every warning Compile gives says how to resolve it. The configs
// below produce each kind of warning there is.
func TestWarningsHaveFixes(t *testing.T) {
	type bare struct{ Seats int }
	configs := []Config{
		{Personas: []Persona{{ID: "only", When: "true"}}},
		{Personas: []Persona{{ID: "never", When: "false"}, {ID: "rest"}}},
		{EventTypes: []string{"page_veiw"}},
		{Events: []EventRule{{ID: "e", When: `event.Type == "page_veiw"`, Points: 1}}},
		{LeadFields: map[string]string{"email": "''"}, Signals: []SignalConfig{{Kind: SignalStudent, Off: true}, {Kind: SignalGenericEmail, Off: true}}},
	}
	seen := map[string]bool{}
	for _, cfg := range configs {
		s, err := Compile[bare](cfg)
		if err != nil {
			t.Fatalf("%+v: %v", cfg, err)
		}
		if len(s.Warnings()) == 0 {
			t.Errorf("%+v: no warning", cfg)
		}
		for _, w := range s.Warnings() {
			seen[string(w.Kind)+"/"+w.Field] = true
			if w.Fix == "" {
				t.Errorf("warning without a fix: %s", w)
			}
		}
	}
	for _, want := range []string{"persona/", "persona/when", "config/", "event rule/when", "config/email", "signal/lead_fields"} {
		if !seen[want] {
			t.Errorf("no warning of kind/field %q among %v", want, seen)
		}
	}
}

// Review findings: named string fields, nil pointers on a standard path, and lead fields that
// read the clock.
func TestLeadFieldEdges(t *testing.T) {
	type email string
	type named struct {
		Email email
		Title string
	}
	cfg := detectorConfig()
	cfg.LeadFields = map[string]string{"company": "''", "company_domain": "domain(string(lead.Email))", "name": "''"}
	s, err := Compile[named](cfg)
	if err != nil {
		t.Fatal(err)
	}
	var st State
	r, err := s.Score(named{Email: "joe@gmail.com"}, &st, t0)
	if err != nil || len(r.Errors) > 0 || r.Disqualified || !slices.ContainsFunc(r.Signals, func(s Signal) bool { return s.Kind == SignalGenericEmail }) {
		t.Fatalf("a named string type: %v, errors %v, disqualified %v, signals %+v", err, r.Errors, r.Disqualified, r.Signals)
	}

	// A nil *Company on the standard path is an absent company, as an empty Company is in a
	// Lead: for generated leads, a type with a Company pointer decides exactly as Lead does.
	type co struct{ Name, Domain string }
	type ptrCo struct {
		Email, Title, Name string
		Company            *co
	}
	p, err := Compile[ptrCo](detectorConfig())
	if err != nil {
		t.Fatal(err)
	}
	plain := compileT(t, detectorConfig())
	rng := rand.New(rand.NewPCG(5, 8))
	for range 300 {
		l := Lead{Email: pick(rng, []string{"", "ann@acme.example", "b@rival.example", "c@gmail.com", "d@mit.edu"}),
			Title: pick(rng, []string{"", "Student", "CEO"}), Name: pick(rng, []string{"", "Initech"})}
		pl := ptrCo{Email: l.Email, Title: l.Title, Name: l.Name}
		if rng.IntN(2) == 0 {
			l.Company = Company{Name: pick(rng, []string{"", "Rival Inc", "Acme"}), Domain: pick(rng, []string{"", "bigco.example"})}
			pl.Company = &co{Name: l.Company.Name, Domain: l.Company.Domain}
		}
		want, err := plain.Score(l, &st, t0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Score(pl, &st, t0)
		if err != nil {
			t.Fatal(err)
		}
		if leadView(got) != leadView(want) {
			t.Fatalf("%+v (company %v):\n%s\nLead decides:\n%s", pl, pl.Company, leadView(got), leadView(want))
		}
	}

	// A lead field that reads the clock decides signals as time passes: NextWakeup sees it.
	cfg = detectorConfig()
	cfg.LeadFields = map[string]string{"email": "years_since(lead.CustomerSince) < 1 ? lead.Email : 'x@acme.example'"}
	w := compileT(t, cfg)
	lead := Lead{Email: "eve@rival.example", CustomerSince: t0.AddDate(0, -6, 0)}
	var ws State
	observeT(t, w, lead, &ws, ev(EventPageView, t0))
	if _, ok := w.NextWakeup(&ws); !ok {
		t.Error("NextWakeup: never, though the email a detector reads changes with time")
	}
}
