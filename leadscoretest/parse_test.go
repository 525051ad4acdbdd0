package leadscoretest_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/leadscoretest"
)

// The issue's example case, as written there.
const issueExample = `[{"name": "vp with demo is hot",
  "lead": {"email": "dana@globex.example", "title": "VP Operations", "company": {"employees": 800}},
  "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}],
  "at": "2026-03-03T09:00:00Z",
  "expect": {"tier": "hot", "handoff": true, "stage": "convert", "persona": "", "fired": ["demo"], "not_fired": [], "signals": [], "min_total": 70, "max_total": 200}}]`

func TestParseCasesIssueExample(t *testing.T) {
	cases, err := leadscoretest.ParseCases([]byte(issueExample))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Fatalf("%d cases", len(cases))
	}
	c := cases[0]
	if c.Name != "vp with demo is hot" || c.Lead.Email != "dana@globex.example" || c.Lead.Title != "VP Operations" || c.Lead.Company.Employees != 800 {
		t.Errorf("case %+v", c)
	}
	if len(c.Events) != 1 || c.Events[0].Type != "demo_request" || !c.Events[0].Time.Equal(t0) {
		t.Errorf("events %+v", c.Events)
	}
	if !c.At.Equal(day(1)) {
		t.Errorf("at %v", c.At)
	}
	x := c.Expect
	if x.Tier != "hot" || x.Handoff == nil || !*x.Handoff || x.Stage != leadscore.StageConvert || x.Persona != "" || x.NoPersona ||
		len(x.Fired) != 1 || x.Fired[0] != "demo" || *x.MinTotal != 70 || *x.MaxTotal != 200 || x.Disqualified != nil {
		t.Errorf("expect %+v", x)
	}
}

func TestParseCasesEveryField(t *testing.T) {
	data := `[{"name": "everything",
	  "lead": {"id": "l1", "email": "e@x.example", "name": "N", "title": "T", "phone": "P", "country": "DE", "postal_code": "10115",
	           "source": "referral", "age": 40, "children": 2, "gender": "f", "occupation": "o", "marital_status": "m",
	           "income": 50000, "home_size": 90, "customer_since": "2024-05-01", "purchases": 3, "avg_order_value": 120.5,
	           "margin": 0.25, "service_effort": 4, "followers": 1500,
	           "company": {"name": "X", "domain": "x.example", "industry": "retail", "country": "DE", "postal_code": "10117",
	                       "employees": 50, "founded": 1999, "service_centers": 2, "revenue": 1e6, "minority_owned": true},
	           "bant": {"budget": true, "authority": true, "need": true, "timing": true},
	           "traits": {"plan": "pro", "seats": 12}},
	  "events": [{"type": "purchase", "time": "2026-03-02T09:00:00.5+01:00", "id": "ev1", "channel": "store", "path": "/p/1",
	              "value": 99.5, "category": "product", "properties": {"sku": "A1"}}],
	  "expect": {"disqualified": false, "no_persona": true, "not_fired": ["a"], "signals": ["b"], "no_signals": ["c"], "min_total": 0}}]`
	cases, err := leadscoretest.ParseCases([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	l := cases[0].Lead
	want := leadscore.Lead{
		ID: "l1", Email: "e@x.example", Name: "N", Title: "T", Phone: "P", Country: "DE", PostalCode: "10115", Source: "referral",
		Age: 40, Children: 2, Gender: "f", Occupation: "o", MaritalStatus: "m", Income: 50000, HomeSize: 90,
		CustomerSince: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Purchases: 3, AvgOrderValue: 120.5, Margin: 0.25,
		ServiceEffort: 4, Followers: 1500,
		Company: leadscore.Company{Name: "X", Domain: "x.example", Industry: "retail", Country: "DE", PostalCode: "10117",
			Employees: 50, Founded: 1999, ServiceCenters: 2, Revenue: 1e6, MinorityOwned: true},
		BANT: leadscore.BANT{Budget: true, Authority: true, Need: true, Timing: true},
	}
	traits := l.Traits
	l.Traits = nil
	if !reflect.DeepEqual(l, want) {
		t.Errorf("lead\n got %+v\nwant %+v", l, want)
	}
	if traits["plan"] != "pro" || traits["seats"] != 12.0 {
		t.Errorf("traits %v", traits)
	}
	ev := cases[0].Events[0]
	if ev.ID != "ev1" || ev.Channel != "store" || ev.Path != "/p/1" || ev.Value != 99.5 || ev.Category != "product" ||
		ev.Properties["sku"] != "A1" || !ev.Time.Equal(time.Date(2026, 3, 2, 8, 0, 0, 5e8, time.UTC)) {
		t.Errorf("event %+v", ev)
	}
	x := cases[0].Expect
	if x.Disqualified == nil || *x.Disqualified || !x.NoPersona || x.MinTotal == nil || *x.MinTotal != 0 || x.MaxTotal != nil || x.Handoff != nil {
		t.Errorf("expect %+v", x)
	}
}

func TestParseCasesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data   string
		line, column int
		want         string
	}{
		{"not an array", `{"name": "x"}`, 1, 1, "a case file is a JSON array"},
		{"syntax", "[\n {\"name\": \"a\" \"lead\": {}}]", 2, 15, "invalid character '\"' after object key:value pair"},
		{"unknown case key", "[\n {\"name\": \"a\", \"at\": \"2026-03-02\", \"expct\": {}}]", 2, 36, `unknown field "expct"`},
		{"unknown lead key", "[{\"name\": \"a\", \"at\": \"2026-03-02\",\n  \"lead\": {\"titel\": \"VP\"}}]", 2, 12, `unknown field "titel"`},
		{"wrong type", "[{\"name\": \"a\", \"at\": \"2026-03-02\",\n  \"lead\": {\"company\": {\"employees\": \"800\"}}}]", 2, 37, "lead.company.employees: expected a whole number, got a string"},
		{"bad time", "[{\"name\": \"a\",\n \"events\": [{\"type\": \"call\", \"time\": \"March 2\"}]}]", 2, 38, `"March 2" is not an RFC 3339 time`},
		{"no name", "[{\"at\": \"2026-03-02\"},\n {\"at\": \"2026-03-02\"}]", 1, 2, `a case needs a "name"`},
		{"duplicate name", "[{\"name\": \"a\", \"at\": \"2026-03-02\"},\n {\"name\": \"a\", \"at\": \"2026-03-02\"}]", 2, 2, "another case has this name (line 1)"},
		{"event without type", "[\n{\"name\": \"a\", \"events\": [{\"time\": \"2026-03-02\"}]}]", 2, 1, `event 1 has no "type"`},
		{"event without time", "[\n{\"name\": \"a\", \"events\": [{\"type\": \"call\"}]}]", 2, 1, `event 1 (call) has no "time"`},
		{"no time at all", "[{\"name\": \"a\", \"lead\": {}}]", 1, 2, `no events and no "at"`},
		{"trailing data", `[] []`, 1, 4, "unexpected data after the value"},
		{"empty", ``, 1, 1, "empty input"},
		{"truncated", `[{"name": "a"`, 1, 14, "unexpected end of input"},
		// account cases
		{"empty members", "[{\"name\": \"a\", \"at\": \"2026-03-02\", \"members\": []}]", 1, 2, `"members" is empty`},
		{"members and a lead", "[{\"name\": \"a\", \"at\": \"2026-03-02\", \"lead\": {}, \"members\": [{}]}]", 1, 2, `an account case gives "members", each with its "lead" and "events", not a "lead" or "events" of its own`},
		{"members and events", "[{\"name\": \"a\", \"events\": [{\"type\": \"call\", \"time\": \"2026-03-02\"}], \"members\": [{}]}]", 1, 2, `not a "lead" or "events" of its own`},
		{"lead expectation on an account", "[{\"name\": \"a\", \"at\": \"2026-03-02\", \"members\": [{}], \"expect\": {\"stage\": \"convert\"}}]", 1, 2, `expect: "stage" is a lead's, not an account's`},
		{"account expectation on a lead", "[{\"name\": \"a\", \"at\": \"2026-03-02\", \"expect\": {\"missing\": [\"x\"]}}]", 1, 2, `expect: "covered", "missing" and "no_missing" are for an account case`},
		{"an outcome", "[{\"name\": \"a\", \"at\": \"2026-03-02\", \"converted\": true}]", 1, 2, `"converted" is a lead's known outcome, which a backtest reads`},
		{"an outcome on an account", "[{\"name\": \"a\", \"at\": \"2026-03-02\", \"converted\": false, \"members\": [{}]}]", 1, 2, `"converted" is a lead's known outcome`},
		{"account without members", "[{\"name\": \"a\", \"at\": \"2026-03-02\", \"account\": \"globex.example\"}]", 1, 2, `"account" names the account of an account case`},
		{"member event without type", "[{\"name\": \"a\", \"members\": [{}, {\"events\": [{\"time\": \"2026-03-02\"}]}]}]", 1, 2, `member 2: event 1 has no "type"`},
		{"no member events and no at", "[{\"name\": \"a\", \"members\": [{\"lead\": {}}]}]", 1, 2, `no member events and no "at"`},
		{"unknown member key", "[{\"name\": \"a\", \"members\": [{\"lead\": {}, \"evnts\": []}]}]", 1, 41, `unknown field "evnts"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := leadscoretest.ParseCases([]byte(tc.data))
			var pe *leadscoretest.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v (%T), want a *ParseError", err, err)
			}
			if pe.Line != tc.line || pe.Column != tc.column || !strings.Contains(pe.Err.Error(), tc.want) {
				t.Errorf("got %d:%d %q, want %d:%d …%q…", pe.Line, pe.Column, pe.Err, tc.line, tc.column, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "leadscoretest: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
		})
	}
}

// An account case decodes its members — leads and events, times also as dates — its account
// and its expectations on the account.
func TestParseAccountCase(t *testing.T) {
	cases, err := leadscoretest.ParseCases([]byte(`[{"name": "globex", "account": "globex.example",
	  "members": [{"lead": {"email": "cfo@globex.example", "title": "CFO", "company": {"domain": "globex.example"}},
	               "events": [{"type": "demo_request", "time": "2026-03-03"}]},
	              {"lead": {"email": "it@globex.example", "customer_since": "2024-01-01"}}],
	  "at": "2026-03-05",
	  "expect": {"tier": "hot", "handoff": true, "covered": ["economic-buyer"], "missing": ["technical-evaluator"], "no_missing": false, "fired": ["enterprise"]}}]`))
	if err != nil {
		t.Fatal(err)
	}
	c := cases[0]
	if c.Account != "globex.example" || len(c.Members) != 2 || c.Events != nil || c.Members[0].Lead.Title != "CFO" ||
		len(c.Members[0].Events) != 1 || !c.Members[0].Events[0].Time.Equal(day(1).Add(-9*time.Hour)) ||
		c.Members[1].Lead.CustomerSince.Year() != 2024 || c.Members[1].Events == nil {
		t.Errorf("parsed %+v", c)
	}
	x := c.Expect
	if x.Tier != "hot" || !*x.Handoff || !slices.Equal(x.Covered, []string{"economic-buyer"}) || !slices.Equal(x.Missing, []string{"technical-evaluator"}) || x.NoMissing {
		t.Errorf("expect %+v", x)
	}
}

// ParseCase reads one JSON Lines object: no name needed, and the caller may supply the time.
func TestParseCase(t *testing.T) {
	c, err := leadscoretest.ParseCase([]byte(`{"lead": {"email": "a@b.example"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "" || c.Lead.Email != "a@b.example" || !c.At.IsZero() {
		t.Errorf("case %+v", c)
	}
	_, err = leadscoretest.ParseCase([]byte(`{"lead": {"emial": "a@b.example"}}`))
	var pe *leadscoretest.ParseError
	if !errors.As(err, &pe) || pe.Column != 11 {
		t.Errorf("got %v, want a ParseError at column 11", err)
	}
}

func FuzzParseCases(f *testing.F) {
	f.Add([]byte(issueExample))
	f.Add([]byte(`[{"name": "a", "at": "2026-03-02", "lead": {"traits": {"x": [1, {"y": null}]}}}]`))
	f.Add([]byte(`[{"name": "a", "events": [{"type": "call", "time": "2026-03-02T09:00:00Z", "value": 1e400}]}]`))
	f.Add([]byte(`[`))
	s := compile(f, rules())
	f.Fuzz(func(t *testing.T, data []byte) {
		cases, err := leadscoretest.ParseCases(data)
		if err != nil {
			var pe *leadscoretest.ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		_ = leadscoretest.Check(s, cases) // must not panic
		_ = leadscoretest.Coverage(s, cases)
	})
}

// teamLead is a lead type of a team's own: its JSON keys are its json tags, else its names.
type teamLead struct {
	Email     string `json:"email"`
	JobTitle  string `json:"job_title"`
	Employees int
	Since     time.Time `json:"since"`
}

func TestParseCasesFor(t *testing.T) {
	data := `[{"name": "cto", "lead": {"email": "a@b.example", "job_title": "CTO", "Employees": 40, "since": "2024-01-02T00:00:00Z"},
  "events": [{"type": "demo_request", "time": "2026-03-02"}], "expect": {"tier": "hot"}}]`
	cases, err := leadscoretest.ParseCasesFor[teamLead]([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if c := cases[0]; c.Name != "cto" || c.Lead.JobTitle != "CTO" || c.Lead.Employees != 40 || c.Lead.Since.Year() != 2024 ||
		len(c.Events) != 1 || c.Expect.Tier != "hot" {
		t.Errorf("%+v", c)
	}
	c, err := leadscoretest.ParseCaseFor[teamLead]([]byte(`{"lead": {"employees": 3}}`))
	if err != nil || c.Lead.Employees != 3 {
		t.Errorf("ParseCaseFor: %+v, %v", c, err)
	}
	for _, tc := range []struct{ data, want string }{
		{`[{"name": "x", "lead": {"title": "CTO"}, "at": "2026-03-02"}]`, `leadscoretest: 1:25: case "x": unknown field "title"`},
		{`[{"name": "x", "lead": {"Employees": "many"}, "at": "2026-03-02"}]`, `leadscoretest: 1:38: case "x": lead.Employees: expected a whole number, got a string`},
		{`[{"name": "x", "lead": {"since": "2024-01-02"}, "at": "2026-03-02"}]`, `leadscoretest: 1:`},
	} {
		_, err := leadscoretest.ParseCasesFor[teamLead]([]byte(tc.data))
		var pe *leadscoretest.ParseError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.data, err, tc.want)
		}
	}
}
