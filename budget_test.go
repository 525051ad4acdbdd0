package leadscore

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
)

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

// Every way an expression can build a string or a collection larger than its inputs stops at
// the step budget, having allocated at most a small multiple of it. Unbounded, each of these
// builds at least 100 times the budget (small enough here not to take the test down; the
// subprocess attacks in security_attacks_test.go go to gigabytes).
func TestBudgetStopsGrowth(t *testing.T) {
	const budget = 20_000
	nestedReplace := `"aaaaaaaaaa"`
	for range 4 {
		nestedReplace = `replace(` + nestedReplace + `, "a", "aaaaaaaaaa")`
	}
	for name, when := range map[string]string{
		"nested replace":             `len(` + nestedReplace + `) > 0`,
		"replace with a long new":    `len(replace("` + strings.Repeat("a", 2000) + `", "a", "` + strings.Repeat("b", 2000) + `")) > 0`,
		"repeat":                     `len(repeat("abc", 1000000)) > 0`,
		"join with a long separator": `len(join(split("` + strings.Repeat("a", 1000) + `", ""), "` + strings.Repeat("-", 3000) + `")) > 0`,
		"+ doubling":                 doubling(20, func(v string) string { return v + " + " + v }),
		"upper of doubling":          doubling(20, func(v string) string { return "upper(" + v + " + " + v + ")" }),
		"concat doubling":            `let a0 = [1, 2, 3, 4]; let a1 = concat(a0, a0); let a2 = concat(a1, a1); let a3 = concat(a2, a2); let a4 = concat(a3, a3); let a5 = concat(a4, a4); let a6 = concat(a5, a5); let a7 = concat(a6, a6); let a8 = concat(a7, a7); let a9 = concat(a8, a8); let a10 = concat(a9, a9); let a11 = concat(a10, a10); let a12 = concat(a11, a11); let a13 = concat(a12, a12); len(a13) > 0`,
		"split of doubling":          doubling(20, func(v string) string { return "join(split(" + v + " + " + v + ", \"\"), \"\")" }),
		"toJSON of doubling":         doubling(20, func(v string) string { return "toJSON(" + v + " + " + v + ")" }),
		"map of a range, nested":     `len(map(1..1000, {map(1..1000, {# * 2})})) > 0`,
		"reduce concatenating":       `len(reduce(1..1000, #acc + "` + strings.Repeat("x", 100) + `", "")) > 0`,
		"string() of ranges":         `len(string(map(1..1000, {1..1000}))) > 0`,
	} {
		t.Run(name, func(t *testing.T) {
			s := budgetScorer(t, when, budget)
			var st State
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			r := scoreT(t, s, Lead{Title: strings.Repeat("t", 16<<10)}, &st, t0)
			runtime.ReadMemStats(&after)
			if len(r.Errors) != 1 || !errors.Is(r.Errors[0], errStepBudget) {
				t.Fatalf("errors %v, want the step budget", r.Errors)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64*budget+1<<20 {
				t.Errorf("allocated %d bytes, want at most %d", alloc, 64*budget+1<<20)
			}
		})
	}
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

// Charging changes no result: within the budget, expressions evaluate as they do without one.
func TestBudgetKeepsResults(t *testing.T) {
	lead := Lead{Title: "VP Sales", Email: "kim@globex.example", Age: 41, Traits: map[string]any{"tags": []any{"a", "bb", "ccc"}, "n": 3}}
	for _, when := range []string{
		`let t = upper(lead.Title); t contains "VP" && len(t + t) == 16`,
		`any(lead.Traits.tags, {len(#) == 2})`,
		`len(filter(lead.Traits.tags, {# startsWith "c"})) == 1`,
		`reduce(1..10, #acc + #, 0) == 55`,
		`join(map(lead.Traits.tags, {upper(#)}), "-") == "A-BB-CCC"`,
		`replace(lead.Email, "globex", "initech") endsWith "initech.example"`,
		`len(repeat("ab", 3)) == 6`,
		`let xs = map(1..5, {# * 2}); sum(xs) == 30 && all(xs, {# % 2 == 0})`,
		`"bb" in lead.Traits.tags && !("dd" in lead.Traits.tags)`,
		`len(groupBy(lead.Traits.tags, {len(#) > 1})[true]) == 2`,
	} {
		// Each expression is true: both must fire, without errors.
		charged := budgetScorer(t, when, 0)
		free := budgetScorer(t, when, Unlimited)
		var st State
		a, b := scoreT(t, charged, lead, &st, t0), scoreT(t, free, lead, &st, t0)
		if len(a.Errors)+len(b.Errors) > 0 || a.Fit != 1 || b.Fit != 1 {
			t.Errorf("%s: charged %v %v, unlimited %v %v", when, a.Fit, a.Errors, b.Fit, b.Errors)
		}
	}
}

// The charged built-ins do what expr's do: the same value, or an error where expr's fails,
// over inputs that exercise each one's corners (empty patterns and separators, counts, nested
// and typed values, bad arguments).
func TestChargedBuiltinsAgreeWithExpr(t *testing.T) {
	for _, src := range []string{
		`replace("banana", "an", "AN")`, `replace("banana", "", "-")`, `replace("banana", "a", "", 2)`, `replace("", "", "x")`,
		`join(["a", "b", "c"], ", ")`, `join(["a", "b"])`, `join([], "-")`, `join(split("a,b,c", ","), "+")`,
		`repeat("ab", 3)`, `repeat("ab", 0)`, `repeat("", 5)`,
		`toJSON({"a": [1, 2, {"b": nil}], "c": "x\ny"})`, `toJSON(lead.Traits)`, `toJSON(lead.Company)`, `toJSON([])`,
		`fromJSON("[1, [2, [3]], {\"a\": true}]")`, `fromJSON("\"s\"")`,
		`flatten([1, [2, [3, [4]]], [], [[5]]])`, `flatten([])`, `flatten(lead.Traits.nested)`,
		`uniq([1, 1.0, "1", 2, 2, "a", "a", nil, nil, true])`, `uniq([])`, `uniq(lead.Traits.tags)`,
		`lead.Title matches "^V.*s$"`, `"aaa" matches "(a|aa)*x"`,
		// Errors on both sides.
		`repeat("ab", -1)`, `join([1, 2], ",")`, `fromJSON("{")`, `flatten(1)`, `uniq("abc")`,
	} {
		// expr's own built-ins, uncharged, say what the value is (as JSON) or that it fails.
		lead := Lead{Title: "VP Sales", Company: Company{Name: "Globex", Employees: 7},
			Traits: map[string]any{"tags": []any{"x", "y", "x"}, "nested": []any{[]any{1}, 2}}}
		want, wantErr := expr.Eval("toJSON("+src+")", map[string]any{"lead": lead})
		if w, ok := want.(string); ok {
			lead.Name = w
		}
		s, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "toJSON(" + src + ") == lead.Name", Points: 1}}})
		if err != nil {
			if wantErr == nil {
				t.Errorf("%s: %v; expr compiles and runs it", src, err)
			}
			continue // rejected by the type checker, as by expr
		}
		if !strings.Contains(s.rules[0].when.prog.Disassemble(), "·") {
			t.Fatalf("%s: not charged", src)
		}
		var st State
		r := scoreT(t, s, lead, &st, t0)
		switch {
		case wantErr != nil && len(r.Errors) == 0:
			t.Errorf("%s: expr fails (%v), the charged version does not (fit %v)", src, wantErr, r.Fit)
		case wantErr == nil && (len(r.Errors) > 0 || r.Fit != 1):
			t.Errorf("%s: the charged version gives another value than expr's %v: fit %v, errors %v", src, want, r.Fit, r.Errors)
		}
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
				if strings.Contains(a.prog.Disassemble(), fnCharge) {
					t.Errorf("%s: rule %s is charged: %s", name, charged.rules[i].id, a.src)
				}
			}
		}
	}
	// Unlimited turns the rewriting off altogether.
	if strings.Contains(budgetScorer(t, `any(1..3, {# > 1})`, Unlimited).rules[0].when.prog.Disassemble(), fnCharge) {
		t.Error("an Unlimited step budget still charges")
	}
}
