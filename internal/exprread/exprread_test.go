package exprread

import (
	"slices"
	"testing"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

func TestComparedEventTypes(t *testing.T) {
	for src, want := range map[string][]string{
		`event.Type == "a"`:                          {"a"},
		`"b" != event.Type`:                          {"b"},
		`event.Type in ["c", "d"]`:                   {"c", "d"},
		`event.Type not in ["e"]`:                    {"e"},
		`event.Type == x`:                            nil,
		`event.Path == "f"`:                          nil,
		`lead.Type == "g"`:                           nil,
		`"h" in event.Type`:                          nil,
		`event.Type startsWith "i"`:                  nil,
		`event.Type == "j" || event.Type == "k"`:     {"j", "k"},
		`event.Type in ["l", x, "m"]`:                {"l", "m"},
		`event["Type"] == "n"`:                       {"n"}, // the same member node as event.Type
		`("o" == event.Type) == (event.Type == "p")`: {"o", "p"},
	} {
		tree, err := parser.Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		var got []string
		ast.Walk(&tree.Node, visitor(func(n *ast.Node) {
			if b, ok := (*n).(*ast.BinaryNode); ok {
				for _, s := range ComparedEventTypes(b) {
					got = append(got, s.Value)
				}
			}
		}))
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", src, got, want)
		}
	}
}

type visitor func(*ast.Node)

func (v visitor) Visit(n *ast.Node) { v(n) }
