package budget

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// testLead and testEnv stand for an embedder's lead and environment: the Budget reaches
// patched expressions through the field named Field.
type testLead struct {
	Title, Email, Name string
	Age                int
	Company            testCompany
	Traits             map[string]any
}

type testCompany struct {
	Name      string
	Employees int
}

type testEnv struct {
	Lead   testLead `expr:"lead"`
	Budget *Budget  `expr:"·budget"`
}

// compile compiles src as a boolean expression over testEnv, patched as Analyze says when
// patch is set, as leadscore compiles a rule under a step budget.
func compile(src string, patch bool) (*vm.Program, error) {
	opts := []expr.Option{expr.Env(testEnv{}), Functions(), expr.AsBool()}
	if patch {
		tree, err := parser.Parse(src)
		if err != nil {
			return nil, err
		}
		if needs := Analyze(tree.Node, nil); needs.Any() {
			opts = append(opts, expr.Patch(&Patcher{Needs: needs}))
		}
	}
	return expr.Compile(src, opts...)
}

// run evaluates prog over lead with a budget of step steps, on a VM with leadscore's default
// memory budget.
func run(prog *vm.Program, lead testLead, step int64) (any, error) {
	var b Budget
	b.StartCall(Unlimited)
	b.Start(step, Unlimited)
	defer b.Finish()
	m := vm.VM{MemoryBudget: 100_000}
	return m.Run(prog, testEnv{Lead: lead, Budget: &b})
}

// The accounting of the two limits: an expression gets the step budget or what the call has
// left, whichever is less; what it spends (all of it, when it runs out) comes off the call's.
func TestBudgetAccounting(t *testing.T) {
	const stepText = "the evaluation exceeded its step budget of 100 steps (Limits.StepBudget): the rule builds or scans too much"
	const callText = "the evaluation exceeded its step budget of 50 steps (Limits.CallBudget, for all the rules of one call): the rule builds or scans too much"
	var b Budget
	b.StartCall(250)
	b.Start(100, 250)
	if err := b.Charge(60); err != nil {
		t.Fatalf("60 of 100: %v", err)
	}
	if err := b.Charge(50); !errors.Is(err, ErrExceeded) || err.Error() != stepText {
		t.Fatalf("50 more: %v, want %q", err, stepText)
	}
	b.Finish() // ran out: the whole 100 comes off the call's 250
	b.Start(100, 250)
	if err := b.Charge(100); err != nil {
		t.Fatalf("100 of 100: %v", err)
	}
	b.Finish() // 50 left for the call
	b.Start(100, 250)
	if err := b.Charge(51); !errors.Is(err, ErrExceeded) || err.Error() != callText {
		t.Fatalf("51 of the call's 50: %v, want %q", err, callText)
	}
	b.Finish()
	b.Start(100, 250)
	if err := b.Charge(0); err != nil {
		t.Errorf("nothing, with nothing left: %v", err)
	}
	if err := b.Charge(1); err == nil {
		t.Error("a step with the call's budget spent: no error")
	}
	b.Finish()
	b.Start(100, Unlimited) // no call budget: the step budget alone
	if err := b.Charge(100); err != nil {
		t.Errorf("no call budget: %v", err)
	}
	b.Finish()
	b.Start(Unlimited, 250) // no step budget: nothing is charged
	if err := b.Charge(1 << 62); err != nil {
		t.Errorf("Unlimited: %v", err)
	}
	b.Finish()
	if err := (*Budget)(nil).Charge(1 << 62); err != nil {
		t.Errorf("nil budget: %v", err)
	}
	b.StartCall(250) // a new call starts afresh
	b.Start(100, 250)
	if err := b.Charge(100); err != nil {
		t.Errorf("a new call: %v", err)
	}
}

// chargeDeep charges a step per value, a step per byte and per element, to the bottom, and
// stops when the budget does: values whose parts are shared, or that refer to themselves,
// cannot make the walk itself unbounded.
func TestChargeDeep(t *testing.T) {
	type node struct {
		Name string
		Next *node
		hid  string
	}
	cycle := &node{Name: "ab", hid: "not charged"}
	cycle.Next = cycle
	self := map[string]any{}
	self["self"] = self
	dag := any("x")
	for range 60 { // 2^60 visits
		dag = []any{dag, dag}
	}
	for name, c := range map[string]struct {
		v     any
		steps int64 // what it costs; -1: more than the budget
	}{
		"int":                {7, 1},
		"string":             {"abc", 4},
		"[]any":              {[]any{"ab", 1, []any{"c"}}, 4 + 2 + 3},
		"map[string]any":     {map[string]any{"ab": "cd"}, 2 + 2 + 3},
		"[]string":           {[]string{"ab", "c"}, 3 + 3 + 2},
		"[]int":              {[]int{1, 2, 3}, 4},
		"map[string]int":     {map[string]int{"ab": 1}, 2 + 3 + 1},
		"a pointer cycle":    {cycle, 32*5 + 2}, // a link: pointer, struct, Name; 64 levels deep, then it stops
		"a map holding self": {self, -1},
		"a DAG of 2^60":      {dag, -1},
	} {
		var b Budget
		b.StartCall(Unlimited)
		b.Start(10_000, Unlimited)
		err := b.chargeDeep(c.v)
		switch spent := 10_000 - b.left; {
		case c.steps < 0 && !errors.Is(err, ErrExceeded):
			t.Errorf("%s: %v, %d steps, want the budget to stop it", name, err, spent)
		case c.steps >= 0 && (err != nil || spent != c.steps):
			t.Errorf("%s: %v, %d steps, want %d", name, err, spent, c.steps)
		}
	}
}

// Every way an expression can build a string or a collection larger than its inputs stops at
// the step budget, having allocated at most a small multiple of it. Unbounded, each of these
// builds at least 100 times the budget (small enough here not to take the test down; the
// subprocess attacks in leadscore's security_attacks_test.go go to gigabytes).
func TestBudgetStopsGrowth(t *testing.T) {
	const budget = 20_000
	nestedReplace := `"aaaaaaaaaa"`
	for range 4 {
		nestedReplace = `replace(` + nestedReplace + `, "a", "aaaaaaaaaa")`
	}
	for name, src := range map[string]string{
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
			prog, err := compile(src, true)
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err = run(prog, testLead{Title: strings.Repeat("t", 16<<10)}, budget)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrExceeded) {
				t.Fatalf("error %v, want the step budget", err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64*budget+1<<20 {
				t.Errorf("allocated %d bytes, want at most %d", alloc, 64*budget+1<<20)
			}
		})
	}
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

// Charging changes no result: within the budget, expressions evaluate as they do without one.
func TestBudgetKeepsResults(t *testing.T) {
	lead := testLead{Title: "VP Sales", Email: "kim@globex.example", Age: 41, Traits: map[string]any{"tags": []any{"a", "bb", "ccc"}, "n": 3}}
	for _, src := range []string{
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
		// Each expression is true: both must say so, without errors.
		charged, err1 := compile(src, true)
		free, err2 := compile(src, false)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v, %v", src, err1, err2)
		}
		a, errA := run(charged, lead, 100_000)
		b, errB := run(free, lead, Unlimited)
		if errA != nil || errB != nil || a != true || b != true {
			t.Errorf("%s: charged %v %v, unlimited %v %v", src, a, errA, b, errB)
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
		lead := testLead{Title: "VP Sales", Company: testCompany{Name: "Globex", Employees: 7},
			Traits: map[string]any{"tags": []any{"x", "y", "x"}, "nested": []any{[]any{1}, 2}}}
		want, wantErr := expr.Eval("toJSON("+src+")", map[string]any{"lead": lead})
		if w, ok := want.(string); ok {
			lead.Name = w
		}
		prog, err := compile("toJSON("+src+") == lead.Name", true)
		if err != nil {
			if wantErr == nil {
				t.Errorf("%s: %v; expr compiles and runs it", src, err)
			}
			continue // rejected by the type checker, as by expr
		}
		if !Charged(prog.Node()) {
			t.Fatalf("%s: not charged", src)
		}
		got, err := run(prog, lead, 100_000)
		switch {
		case wantErr != nil && err == nil:
			t.Errorf("%s: expr fails (%v), the charged version does not (%v)", src, wantErr, got)
		case wantErr == nil && (err != nil || got != true):
			t.Errorf("%s: the charged version gives another value than expr's %v: %v, error %v", src, want, got, err)
		}
	}
}
