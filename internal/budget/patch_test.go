package budget

import (
	"strings"
	"testing"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Analyze finds what needs charging from the syntax alone, and leaves built-ins the caller
// calls calls.
func TestAnalyze(t *testing.T) {
	for src, want := range map[string]Needs{
		`lead.Age > 18 && lead.Title == "CEO"`:       {},
		`lead.Title + "x" == "CEOx"`:                 {},
		`lead.Title + "x" + "y" == "CEOxy"`:          {Chains: true},
		`let t = lead.Title; t == "CEO"`:             {Reuses: true},
		`any(1..3, {# > lead.Age})`:                  {Reuses: true},
		`count(1..3, {# > lead.Age}) > 1`:            {Reuses: true},
		`count("page_view", "7d") > 1`:               {}, // a call, for the caller's isCall
		`len(replace(lead.Title, "a", "b")) > 0`:     {Products: true},
		`len(toJSON(lead.Traits)) > 0`:               {Products: true},
		`lead.Title matches "^V"`:                    {Products: true},
		`let r = 1..3; any(r, {join([], "") == ""})`: {Reuses: true, Products: true},
	} {
		tree, err := parser.Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		isCall := func(n *ast.BuiltinNode) bool {
			_, literal := n.Arguments[0].(*ast.StringNode)
			return n.Name == "count" && literal
		}
		if got := Analyze(tree.Node, isCall); got != want || got.Any() != (want != Needs{}) {
			t.Errorf("%s: %+v, want %+v", src, got, want)
		}
	}
	// Without isCall, every built-in with a predicate is a loop.
	tree, _ := parser.Parse(`count("page_view", "7d") > 1`)
	if got := Analyze(tree.Node, nil); !got.Reuses {
		t.Errorf("count(type, window) without isCall: %+v, want a loop", got)
	}
}

// The Patcher rewrites what Analyze asks for, no more: loops charge, and an expression it did
// not patch calls nothing of the budget's.
func TestPatcher(t *testing.T) {
	for src, want := range map[string][]string{
		`lead.Age > 18`:                             nil,
		`any(1..3, {# > lead.Age})`:                 {fnLoop},
		`map(1..3, {# * 2})[0] == 2`:                {fnLoop, fnCharge},
		`let t = lead.Title; t + t == ""`:           {fnCharge},
		`lead.Title matches "^V"`:                   {fnMatch},
		`len(replace(lead.Title, "a", "b")) > 0`:    {fnReplace},
		`len(join(["a"], lead.Title)) > 0`:          {fnJoin},
		`len(repeat(lead.Title, 2)) > 0`:            {fnRepeat},
		`len(uniq(flatten([fromJSON("[1]")]))) > 0`: {fnUniq, fnFlatten, fnFromJSON},
	} {
		prog, err := compile(src, true)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		asm := prog.Disassemble()
		if Charged(prog.Node()) != (want != nil) {
			t.Errorf("%s: Charged %v", src, Charged(prog.Node()))
		}
		for _, fn := range want {
			if !strings.Contains(asm, fn) {
				t.Errorf("%s: does not call %s:\n%s", src, fn, asm)
			}
		}
	}
}

// PatternInstructions estimates from the syntax tree, multiplying repeats, and stops counting
// past the limit.
func TestPatternInstructions(t *testing.T) {
	for pattern, want := range map[string]int{
		`a`:                     2,
		`^V.*s$`:                9,
		`(?:.{0,30}){0,30}`:     1892, // 2 + 30 × (1 + 2 + 30 × (1 + 1)): repeats multiply
		`[a-z]{0,1000}`:         MaxPatternInstructions + 1,
		`(?:[a-z]{0,30}){0,30}`: MaxPatternInstructions + 1,
	} {
		got, err := PatternInstructions(pattern)
		if err != nil || got != want {
			t.Errorf("%s: %d %v, want %d", pattern, got, err, want)
		}
	}
	if _, err := PatternInstructions(`(`); err == nil {
		t.Error("a bad pattern: no error")
	}
}
