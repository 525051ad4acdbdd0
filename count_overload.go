package leadscore

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
)

// count is overloaded. count(type, window) counts the lead's events of a type in a window;
// count(array, predicate) is expr's built-in, the elements for which the predicate holds.
// The parser reads both as expr's built-in (leadscore declares no function named count, which
// would shadow it), so count("page_view", "14d") arrives as a BuiltinNode whose window is
// wrapped in a predicate. Which one a call is is decided here, from its first argument, in the
// tree: a string (a literal, or once types are known any string) makes it an event count, and
// so does a window, a string literal as second argument, which no predicate can be; an array,
// or anything else, expr's built-in. Everything that treats the two differently — the
// patcher (a slot read), type checking, the limits, the step budget (only the array form is a
// loop) — asks isEventCount, so an array count never reaches the slot read that the fast path
// compiles.

// isEventCount reports whether n is leadscore's count(type, window): its first argument is a
// string literal or, on a type-checked tree, of type string, or its second is a string literal
// (the patcher then rejects a first argument that is not a string constant, rather than expr
// an array count whose predicate is a string).
func isEventCount(n *ast.BuiltinNode) bool {
	if n.Name != "count" || len(n.Arguments) == 0 {
		return false
	}
	if _, ok := n.Arguments[0].(*ast.StringNode); ok {
		return true
	}
	if len(n.Arguments) == 2 {
		if p, ok := n.Arguments[1].(*ast.PredicateNode); ok {
			if _, ok := p.Node.(*ast.StringNode); ok {
				return true
			}
		}
	}
	t := n.Arguments[0].Type()
	return t != nil && t.Kind() == reflect.String
}

// rewriteEventCounts replaces the event counts of tree with what the patcher makes of them,
// slot reads of type int, so that the checker types the rest. Which count calls count events
// may depend on the type of their first argument: when one is not a literal, a first pass
// over another parse of src learns it.
func rewriteEventCounts(tree *parser.Tree, src string, config *conf.Config) {
	counts := func(t *parser.Tree) (out []*ast.Node) {
		ast.Walk(&t.Node, visitorFunc(func(n *ast.Node) {
			if b, ok := (*n).(*ast.BuiltinNode); ok && b.Name == "count" {
				out = append(out, n)
			}
		}))
		return out
	}
	nodes := counts(tree)
	events := make([]bool, len(nodes))
	typed := false
	for i, n := range nodes {
		if b := (*n).(*ast.BuiltinNode); len(b.Arguments) > 0 {
			events[i] = isEventCount(b) // on a tree not yet checked: by its literals
			typed = typed || !events[i]
		}
	}
	if typed {
		if first, err := parser.ParseWithConfig(src, config); err == nil {
			_, _ = checker.Check(first, config)
			for i, n := range counts(first) {
				events[i] = i < len(events) && isEventCount((*n).(*ast.BuiltinNode))
			}
		}
	}
	for i, n := range nodes {
		if events[i] {
			ast.Patch(n, withType(slotRead("·count", 0), reflect.TypeFor[int]()))
		}
	}
}

// eventCountCall returns an event count as the call it is: count(type, window), the window
// unwrapped from the predicate the parser made of it.
func eventCountCall(n *ast.BuiltinNode) *ast.CallNode {
	args := make([]ast.Node, len(n.Arguments))
	for i, a := range n.Arguments {
		if p, ok := a.(*ast.PredicateNode); ok {
			a = p.Node
		}
		args[i] = a
	}
	c := &ast.CallNode{Callee: &ast.IdentifierNode{Value: "count"}, Arguments: args}
	c.SetLocation(n.Location())
	return c
}
