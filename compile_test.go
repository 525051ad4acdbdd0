package leadscore

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// compileErrors returns every *RuleError of a failed Compile.
func compileErrors(t *testing.T, cfg Config, opts ...Option) []*RuleError {
	t.Helper()
	_, err := Compile[Lead](cfg, opts...)
	if err == nil {
		t.Fatal("Compile succeeded, want errors")
	}
	var out []*RuleError
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var re *RuleError
		if !errors.As(err, &re) {
			t.Fatalf("error %v (%T) is not a *RuleError", err, err)
		}
		if !strings.HasPrefix(re.Error(), "leadscore: ") {
			t.Errorf("message %q lacks the leadscore: prefix", re.Error())
		}
		out = append(out, re)
	}
	walk(err)
	return out
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		wantID    string
		wantField string
		wantLine  int
		wantCol   int
		wantMsg   string
	}{
		{name: "syntax", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "lead.Company.Employees > 50 and\n  lead.Title startsWith 'VP' or"}}},
			wantID: "r", wantField: "when", wantLine: 2, wantCol: 31, wantMsg: "unexpected token EOF"},
		{name: "unknown field", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "lead.Titel == 'CEO'"}}},
			wantID: "r", wantField: "when", wantLine: 1, wantCol: 6, wantMsg: "has no field Titel"},
		{name: "not boolean", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "lead.Age + 1"}}},
			wantID: "r", wantField: "when", wantMsg: "bool"},
		{name: "value not numeric", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, Value: "lead.Title"}}},
			wantID: "r", wantField: "value", wantMsg: "float64"},
		{name: "points and value", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, Points: 1, Value: "1"}}},
			wantID: "r", wantField: "value", wantMsg: "either points or value"},
		{name: "clock disabled", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "now() > lead.CustomerSince"}}},
			wantID: "r", wantField: "when", wantLine: 1, wantCol: 1, wantMsg: "now() reads the clock"},
		{name: "date disabled", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "date('2024-01-01') > lead.CustomerSince"}}},
			wantID: "r", wantField: "when", wantMsg: "date() reads the clock"},
		{name: "duplicate id", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit}, {ID: "r", Dimension: Fit}}},
			wantID: "r", wantField: "id", wantMsg: "duplicate rule id"},
		{name: "duplicate id across kinds", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit}}, Events: []EventRule{{ID: "r", Points: 1}}},
			wantID: "r", wantField: "id", wantMsg: "duplicate rule id"},
		{name: "missing id", cfg: Config{Rules: []Rule{{Dimension: Fit}}},
			wantID: "rules[0]", wantField: "id", wantMsg: "needs an id"},
		{name: "unknown dimension", cfg: Config{Rules: []Rule{{ID: "r", Dimension: "fitness"}}},
			wantID: "r", wantField: "dimension", wantMsg: `unknown dimension "fitness"`},
		{name: "missing dimension", cfg: Config{Rules: []Rule{{ID: "r"}}},
			wantID: "r", wantField: "dimension", wantMsg: `unknown dimension ""`},
		{name: "NaN points", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, Points: math.NaN()}}},
			wantID: "r", wantField: "points", wantMsg: "not a finite number"},
		{name: "Inf points", cfg: Config{Events: []EventRule{{ID: "e", Points: math.Inf(1)}}},
			wantID: "e", wantField: "points", wantMsg: "not a finite number"},
		{name: "negative max", cfg: Config{Events: []EventRule{{ID: "e", Points: 1, Max: -3}}},
			wantID: "e", wantField: "max", wantMsg: "negative"},
		{name: "negative half-life", cfg: Config{Events: []EventRule{{ID: "e", Points: 1, HalfLife: -1}}},
			wantID: "e", wantField: "half_life", wantMsg: "negative duration"},
		{name: "unknown event type", cfg: Config{Events: []EventRule{{ID: "e", On: []string{"page_veiw"}, Points: 1}}},
			wantID: "e", wantField: "on", wantMsg: `unknown event type "page_veiw"`},
		{name: "event outside event rules", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "event.Path == '/'"}}},
			wantID: "r", wantField: "when", wantLine: 1, wantCol: 1, wantMsg: "only available in event rules"},
		{name: "scores in rules", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "lead.Age > 3 && total > 50"}}},
			wantID: "r", wantField: "when", wantLine: 1, wantCol: 17, wantMsg: "total is not available in rules"},
		{name: "has_signal in rules", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "has_signal('competitor')"}}},
			wantID: "r", wantField: "when", wantMsg: "has_signal is not available in rules"},
		{name: "count needs constants", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "count(lead.Source, '7d') > 1"}}},
			wantID: "r", wantField: "when", wantLine: 1, wantCol: 12, wantMsg: "event type must be a string constant"},
		{name: "count window", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "count('page_view', '7 days') > 1"}}},
			wantID: "r", wantField: "when", wantCol: 20, wantMsg: "not a positive duration"},
		{name: "count zero window", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "count('page_view', '0d') > 1"}}},
			wantID: "r", wantField: "when", wantMsg: "not a positive duration"},
		{name: "count unknown type", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "count('pageview', '7d') > 1"}}},
			wantID: "r", wantField: "when", wantMsg: `unknown event type "pageview"`},
		{name: "count arity", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "count('page_view') > 1"}}},
			wantID: "r", wantField: "when", wantMsg: "count takes 2 arguments, got 1"},
		// expr v1.17.8 skips the arguments of typed functions on its second checker pass;
		// the library type-checks without its patcher first so these are still caught.
		{name: "misspelt field inside a built-in call", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "seniority(lead.Titel) == 'vp'"}}},
			wantID: "r", wantField: "when", wantLine: 1, wantCol: 16, wantMsg: "has no field Titel"},
		{name: "misspelt field inside listed", cfg: Config{Lists: map[string][]string{"targets": {"x"}}, Rules: []Rule{{ID: "r", Dimension: Fit, When: "listed('targets', lead.Company.Domian)"}}},
			wantID: "r", wantField: "when", wantMsg: "has no field Domian"},
		{name: "days_since unknown type", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "days_since('x') < 3"}}},
			wantID: "r", wantField: "when", wantMsg: `unknown event type "x"`},
		{name: "listed unknown list", cfg: Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "listed('rivals', lead.Email)"}}},
			wantID: "r", wantField: "when", wantMsg: `no list "rivals"`},
		{name: "unknown signal", cfg: Config{Tiers: []Tier{{Name: "hot", Min: Float(1), When: "has_signal('hot_lead')"}, {Name: "cold"}}},
			wantID: "hot", wantField: "when", wantMsg: `unknown signal kind "hot_lead"`},
		{name: "catch-all tier not last", cfg: Config{Tiers: []Tier{{Name: "cold"}, {Name: "hot", Min: Float(70)}}},
			wantID: "cold", wantField: "min", wantMsg: "only the last tier may omit min"},
		{name: "duplicate tier", cfg: Config{Tiers: []Tier{{Name: "hot", Min: Float(70)}, {Name: "hot", Min: Float(40)}}},
			wantID: "hot", wantField: "name", wantMsg: "duplicate tier name"},
		{name: "tier NaN min", cfg: Config{Tiers: []Tier{{Name: "hot", Min: Float(math.NaN())}}},
			wantID: "hot", wantField: "min", wantMsg: "not a finite number"},
		{name: "negative hysteresis", cfg: Config{Hysteresis: -1},
			wantID: "hysteresis", wantMsg: "must be a finite number ≥ 0"},
		{name: "unknown dimension config", cfg: Config{Dimensions: map[Dimension]DimensionConfig{"fitt": {}}},
			wantID: "fitt", wantMsg: "unknown dimension"},
		{name: "dimension min above max", cfg: Config{Dimensions: map[Dimension]DimensionConfig{Fit: {Min: Float(10), Max: Float(5)}}},
			wantID: "fit", wantField: "min", wantMsg: "above max"},
		{name: "NaN weight", cfg: Config{Dimensions: map[Dimension]DimensionConfig{Fit: {Weight: Float(math.NaN())}}},
			wantID: "fit", wantField: "weight", wantMsg: "not a finite number"},
		{name: "custom event type undeclared", cfg: Config{Events: []EventRule{{ID: "e", On: []string{"trial_started"}, Points: 1}}},
			wantID: "e", wantField: "on", wantMsg: `unknown event type "trial_started"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := compileErrors(t, tt.cfg)
			if len(errs) != 1 {
				t.Fatalf("want 1 error, got %d: %v", len(errs), errors.Join(asErrors(errs)...))
			}
			e := errs[0]
			if e.RuleID != tt.wantID || e.Field != tt.wantField {
				t.Errorf("RuleID %q Field %q, want %q %q", e.RuleID, e.Field, tt.wantID, tt.wantField)
			}
			if (tt.wantLine != 0 && e.Line != tt.wantLine) || (tt.wantCol != 0 && e.Column != tt.wantCol) {
				t.Errorf("position %d:%d, want %d:%d", e.Line, e.Column, tt.wantLine, tt.wantCol)
			}
			if !strings.Contains(e.Error(), tt.wantMsg) {
				t.Errorf("message %q does not contain %q", e.Error(), tt.wantMsg)
			}
		})
	}
}

func asErrors(res []*RuleError) []error {
	out := make([]error, len(res))
	for i, r := range res {
		out[i] = r
	}
	return out
}

func TestCompileReportsEveryErrorAtOnce(t *testing.T) {
	cfg := Config{
		Rules: []Rule{
			{ID: "a", Dimension: Fit, When: "lead.Nope"},
			{ID: "b", Dimension: "x"},
			{ID: "ok", Dimension: Fit, When: "lead.Age > 30"},
		},
		Events: []EventRule{{ID: "c", On: []string{"nope"}, HalfLife: -5}},
		Tiers:  []Tier{{Name: "t", When: "total >"}},
	}
	errs := compileErrors(t, cfg)
	got := map[string]bool{}
	for _, e := range errs {
		got[e.RuleID+"."+e.Field] = true
	}
	for _, want := range []string{"a.when", "b.dimension", "c.on", "c.half_life", "t.when"} {
		if !got[want] {
			t.Errorf("missing error for %s; got %v", want, got)
		}
	}
	if len(errs) != 5 {
		t.Errorf("got %d errors, want 5: %v", len(errs), errors.Join(asErrors(errs)...))
	}
}

func TestCaretSnippetInMessage(t *testing.T) {
	errs := compileErrors(t, Config{Rules: []Rule{{ID: "exec", Dimension: Fit, When: "lead.Title startsWith 'VP' or"}}})
	want := "leadscore: rule \"exec\": when 1:29: unexpected token EOF\n | lead.Title startsWith 'VP' or\n | ............................^"
	if got := errs[0].Error(); got != want {
		t.Fatalf("message:\n%s\nwant:\n%s", got, want)
	}
}

func TestCustomEventTypesAndFunctions(t *testing.T) {
	cfg := Config{
		EventTypes: []string{"trial_started"},
		Rules:      []Rule{{ID: "vip", Dimension: Fit, When: `vip(lead.Email)`, Points: 5}},
		Events:     []EventRule{{ID: "trial", On: []string{"trial_started"}, Points: 7}},
	}
	vip := func(a ...any) (any, error) { return a[0].(string) == "ceo@bigco.example", nil }
	s := compileT(t, cfg, WithFunction("vip", vip, new(func(string) bool)))
	var st State
	r := observeT(t, s, Lead{Email: "ceo@bigco.example"}, &st, ev("trial_started", t0))
	if r.Fit != 5 || r.Engagement != 7 {
		t.Fatalf("fit %v engagement %v, want 5 7", r.Fit, r.Engagement)
	}
	if _, err := Compile[Lead](cfg); err == nil {
		t.Fatal("an unknown function compiled")
	}
	for _, bad := range []Option{
		WithFunction("count", vip, new(func(string) bool)),
		WithFunction("vip", vip),
		WithFunction("vip", vip, "not a function type"),
		WithFunction("", vip, new(func(string) bool)),
		WithDedupWindow(-1),
	} {
		if _, err := Compile[Lead](cfg, bad); err == nil || !strings.HasPrefix(err.Error(), "leadscore: ") {
			t.Errorf("bad option accepted or unprefixed error: %v", err)
		}
	}
}

// A user type L works as well as Lead: expressions are checked against its fields.
func TestCustomLeadType(t *testing.T) {
	type account struct {
		Plan  string
		Seats int
	}
	s, err := Compile[account](Config{Rules: []Rule{{ID: "big", Dimension: Fit, When: "lead.Seats >= 100 && lead.Plan != 'free'", Points: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	var st State
	r, err := s.Score(account{Plan: "pro", Seats: 100}, &st, t0)
	if err != nil || r.Fit != 10 {
		t.Fatalf("fit %v, %v", r.Fit, err)
	}
	if _, err := Compile[account](Config{Rules: []Rule{{ID: "x", Dimension: Fit, When: "lead.Title == ''"}}}); err == nil {
		t.Fatal("a field of Lead compiled against another type")
	}
}
