package leadscore

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/leadscore/leadscore/internal/budget"
)

// errStepBudget is the cause of a rule error that ran out of steps, for the tests that
// check it.
var errStepBudget = budget.ErrExceeded

// The scorer hands its step budget to expressions as internal/budget says: through the
// environment field named budget.Field, with the same Unlimited.
func TestBudgetWiring(t *testing.T) {
	f, ok := reflect.TypeFor[env[Lead]]().FieldByName("Budget")
	if !ok || f.Tag.Get("expr") != budget.Field || f.Type != reflect.TypeFor[*budget.Budget]() {
		t.Errorf("env's Budget field: %+v, want a *budget.Budget tagged expr:%q", f, budget.Field)
	}
	if Unlimited != budget.Unlimited {
		t.Errorf("Unlimited is %d, budget.Unlimited %d", Unlimited, budget.Unlimited)
	}
	// Charged expressions reach it: one that would build 3 MB stops at the default budget.
	r := scoreT(t, budgetScorer(t, `len(repeat("abc", 1000000)) > 0`, 0), Lead{}, &State{}, t0)
	if len(r.Errors) != 1 || !errors.Is(r.Errors[0], errStepBudget) || !strings.HasPrefix(r.Errors[0].Error(), `leadscore: rule "r": when 1:5: the evaluation exceeded its step budget of 100000 steps (Limits.StepBudget): the rule builds or scans too much`+"\n") {
		t.Errorf("errors %v, want the step budget", r.Errors)
	}
}

// budgetScorer compiles one attribute rule with when under a step budget.
func budgetScorer(t testing.TB, when string, budget int64) *Scorer[Lead] {
	t.Helper()
	s, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: when, Points: 1}}}, WithLimits(Limits{StepBudget: budget}))
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	return s
}

// doubling returns an expression that doubles a string n times through let bindings.
func doubling(n int, build func(v string) string) string {
	var b strings.Builder
	b.WriteString(`let s0 = "abcdefgh";`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, " let s%d = %s;", i, build(fmt.Sprintf("s%d", i-1)))
	}
	fmt.Fprintf(&b, " len(s%d) > 0", n)
	return b.String()
}

// Nested loops over sizes that come from data stop at the budget; so do scans inside loops,
// such as a membership test against an array in the event.
func TestBudgetStopsLoops(t *testing.T) {
	skus := make([]any, 1000)
	wish := make([]any, 1000)
	for i := range skus {
		skus[i], wish[i] = fmt.Sprintf("sku-%d", i), fmt.Sprintf("wish-%d", i)
	}
	big := `"` + strings.Repeat("ab", 1000) + `"`
	for name, c := range map[string]struct {
		event bool
		when  string
	}{
		"quadratic over a split":        {false, `let a = split(` + big + `, ""); all(a, {all(a, {# != "x"})})`},
		"membership scan in a loop":     {true, `any(event.Properties.skus, {# in event.Properties.wishlist})`},
		"contains scan in a loop":       {true, `any(event.Properties.skus, {join(event.Properties.wishlist, ",") contains #})`},
		"count with a nested predicate": {false, `let a = split(` + big + `, ""); len(filter(a, {len(filter(a, {# == "a"})) > 0})) > 0`},
	} {
		t.Run(name, func(t *testing.T) {
			rule := Rule{ID: "r", Dimension: Fit, When: c.when, Points: 1}
			cfg := Config{Rules: []Rule{rule}}
			if c.event {
				cfg = Config{Events: []EventRule{{ID: "r", When: c.when, Points: 1}}}
			}
			s, err := Compile[Lead](cfg, WithLimits(Limits{StepBudget: 100_000}))
			if err != nil {
				t.Fatal(err)
			}
			var st State
			var r Result
			if c.event {
				r = observeT(t, s, Lead{}, &st, Event{Type: "page_view", Time: t0, Properties: map[string]any{"skus": skus, "wishlist": wish}})
			} else {
				r = scoreT(t, s, Lead{}, &st, t0)
			}
			if len(r.Errors) != 1 || !errors.Is(r.Errors[0], errStepBudget) {
				t.Fatalf("errors %v, want the step budget", r.Errors)
			}
		})
	}
}

// The budget costs the hot path nothing: expressions without loops, lets and the built-ins
// whose output is a product are not rewritten, and keep their fast-path closures.
func TestBudgetLeavesOrdinaryRulesAlone(t *testing.T) {
	for name, cfg := range map[string]Config{"b2b": DefaultB2B(), "b2c": DefaultB2C()} {
		charged, free := compileT(t, cfg), compileT(t, cfg, WithLimits(TrustedLimits()))
		for i := range charged.rules {
			for _, pair := range [][2]*program[Lead]{{charged.rules[i].when, free.rules[i].when}, {charged.rules[i].value, free.rules[i].value}} {
				a, b := pair[0], pair[1]
				if a == nil {
					continue
				}
				if (a.fastBool != nil || a.fastNum != nil) != (b.fastBool != nil || b.fastNum != nil) {
					t.Errorf("%s: rule %s lost its fast path to the budget", name, charged.rules[i].id)
				}
				if a.charged || strings.Contains(a.prog.Disassemble(), "·charge") {
					t.Errorf("%s: rule %s is charged: %s", name, charged.rules[i].id, a.src)
				}
			}
		}
	}
	// Unlimited turns the rewriting off altogether.
	if p := budgetScorer(t, `any(1..3, {# > 1})`, Unlimited).rules[0].when; p.charged || strings.Contains(p.prog.Disassemble(), "·") {
		t.Error("an Unlimited step budget still charges")
	}
}
