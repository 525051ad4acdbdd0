package leadscore

import (
	"errors"
	"strings"
	"testing"
)

// known(x) and unknown(x) by type, at the edge of each: the zero value (unknown), the
// smallest value that is not (known), and for a value that can be absent, absent and a
// present zero.
func TestKnownByType(t *testing.T) {
	rule := func(when string) Config {
		return Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: when, Points: 1, Reason: "r"}}}
	}
	for _, c := range []struct {
		name, when string
		lead       Lead
		want       bool
	}{
		{"int zero", "known(lead.Company.Employees)", Lead{}, false},
		{"int one", "known(lead.Company.Employees)", Lead{Company: Company{Employees: 1}}, true},
		{"int negative", "known(lead.Age)", Lead{Age: -1}, true},
		{"unknown int zero", "unknown(lead.Age)", Lead{}, true},
		{"unknown int set", "unknown(lead.Age)", Lead{Age: 37}, false},
		{"float zero", "known(lead.Income)", Lead{}, false},
		{"float tiny", "known(lead.Income)", Lead{Income: 0.01}, true},
		{"string empty", "known(lead.Occupation)", Lead{}, false},
		{"string blank", "known(lead.Occupation)", Lead{Occupation: " \t"}, false},
		{"string set", "known(lead.Occupation)", Lead{Occupation: "nurse"}, true},
		{"time zero", "known(lead.CustomerSince)", Lead{}, false},
		{"time set", "known(lead.CustomerSince)", Lead{CustomerSince: t0.AddDate(-1, 0, 0)}, true},
		{"trait absent", "known(lead.Traits.children)", Lead{}, false},
		{"trait absent, traits set", "known(lead.Traits.children)", Lead{Traits: map[string]any{"x": 1}}, false},
		{"trait present zero", "known(lead.Traits.children)", Lead{Traits: map[string]any{"children": 0}}, true},
		{"unknown trait present zero", "unknown(lead.Traits.children)", Lead{Traits: map[string]any{"children": 0}}, false},
		{"map nil", "known(lead.Traits)", Lead{}, false},
		{"in an expression", "unknown(lead.Company.Revenue) && known(lead.Title)", Lead{Title: "CTO"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := compileT(t, rule(c.when))
			res := scoreT(t, s, c.lead, &State{}, t0)
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %v", res.Errors)
			}
			if _, got := contribution(res, "r"); got != c.want {
				t.Errorf("%s on %+v: fired %v, want %v", c.when, c.lead, got, c.want)
			}
		})
	}
}

// A custom lead type with pointer fields says "known to be 0" and "unknown" apart.
func TestKnownPointer(t *testing.T) {
	type household struct{ Children *int }
	s, err := Compile[household](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "known(lead.Children)", Points: 1, Reason: "r"}}})
	if err != nil {
		t.Fatal(err)
	}
	zero := 0
	for _, c := range []struct {
		lead household
		want bool
	}{{household{}, false}, {household{Children: &zero}, true}} {
		res, err := s.Score(c.lead, &State{}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(res.Contributions) == 1; got != c.want {
			t.Errorf("Children %v: fired %v, want %v", c.lead.Children, got, c.want)
		}
	}
}

// A bool has no unknown, and a struct is not a value: both are compile errors that say why,
// positioned at the argument.
func TestKnownRefused(t *testing.T) {
	for _, c := range []struct{ when, want string }{
		{"known(lead.BANT.Budget)", "a bool is never unknown"},
		{"unknown(lead.Company)", "has no unknown value"},
		{"known(lead.Age, lead.Income)", "too many arguments"},
	} {
		_, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: c.when, Points: 1, Reason: "r"}}})
		var re *RuleError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a RuleError saying %q", c.when, err, c.want)
		}
	}
}

// known() is rewritten into plain comparisons, so the fast path compiles it.
func TestKnownOnFastPath(t *testing.T) {
	s := compileT(t, Config{Rules: []Rule{
		{ID: "n", Dimension: Fit, When: "unknown(lead.Company.Employees)", Points: 0, Reason: "company size unknown"},
		{ID: "s", Dimension: Fit, When: "known(lead.Title)", Points: 1, Reason: "s"},
		{ID: "t", Dimension: Fit, When: "known(lead.CustomerSince)", Points: 1, Reason: "t"},
	}})
	for _, p := range s.rules {
		if p.when == nil || p.when.fastBool == nil {
			t.Errorf("rule %s: not on the fast path", p.id)
		}
	}
}
