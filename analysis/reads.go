package analysis

import (
	"slices"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/leadscore/leadscore/internal/exprread"
)

// reads is what an expression reads that lint checks against the rule set, found in its
// syntax tree rather than its text: a name inside a string literal or a comment is not a
// read, and a call is a call however it is spaced, commented or split over lines.
type reads struct {
	// idents are the environment's identifiers the expression reads ("handoff", "lead",
	// "total"): not a member's name (lead.Traits.handoff), not a function's name, not a
	// name a let declares.
	idents map[string]bool
	// args maps listed, has_signal, days_since and count (the event count, count(type,
	// window)) to the constant string first argument of each of their calls, in the
	// expression's order, duplicates included.
	args map[string][]string
	// dynamic lists the listed, has_signal and days_since calls whose first argument is not
	// a string constant: they read a list, signal or event type that only the run decides.
	// Compile rejects them (the list name, the signal kind and the event type must be
	// constants), so Lint never meets one; were it to, such a call reads no particular list,
	// signal or type. A count whose first argument is not a string is expr's count(array,
	// predicate), which reads no event type.
	dynamic []string
	// compared lists the strings event.Type is compared with — event.Type == "x",
	// "x" != event.Type, event.Type in ["x", "y"] — in the expression's order.
	compared []string
}

// constArgCalls are the functions whose constant first argument lint follows.
var constArgCalls = map[string]bool{"listed": true, "has_signal": true, "days_since": true}

// readsOf parses src and reports what it reads. An expression that does not parse reads
// nothing (Lint parses only expressions that compiled).
func readsOf(src string) reads {
	r := reads{idents: map[string]bool{}, args: map[string][]string{}}
	tree, err := parser.Parse(src)
	if err != nil {
		return r
	}
	// First pass: the names lets declare, and the identifiers that name a called function.
	// ast.Walk visits a node after its children, so these are known before the second pass
	// meets the identifiers they concern.
	declared := map[string]bool{}
	callees := map[*ast.IdentifierNode]bool{}
	ast.Walk(&tree.Node, visitor(func(n ast.Node) {
		switch n := n.(type) {
		case *ast.VariableDeclaratorNode:
			declared[n.Name] = true
		case *ast.CallNode:
			if id, ok := n.Callee.(*ast.IdentifierNode); ok {
				callees[id] = true
			}
		}
	}))
	ast.Walk(&tree.Node, visitor(func(n ast.Node) {
		switch n := n.(type) {
		case *ast.IdentifierNode:
			// A let's name shadows the environment's anywhere in the expression: an
			// approximation on the side of reading less, for names a rule set rarely reuses.
			if !callees[n] && !declared[n.Value] {
				r.idents[n.Value] = true
			}
		case *ast.CallNode:
			id, ok := n.Callee.(*ast.IdentifierNode)
			if !ok || !constArgCalls[id.Value] || len(n.Arguments) == 0 {
				return
			}
			if s, ok := n.Arguments[0].(*ast.StringNode); ok {
				r.args[id.Value] = append(r.args[id.Value], s.Value)
			} else {
				r.dynamic = append(r.dynamic, id.Value)
			}
		case *ast.BuiltinNode:
			// The parser reads count(type, window) as expr's built-in count; a string first
			// argument makes it the event count.
			if n.Name != "count" || len(n.Arguments) == 0 {
				return
			}
			if s, ok := n.Arguments[0].(*ast.StringNode); ok {
				r.args["count"] = append(r.args["count"], s.Value)
			}
		case *ast.BinaryNode:
			r.compared = append(r.compared, comparedTypes(n)...)
		}
	}))
	return r
}

// comparedTypes returns the strings n compares event.Type with (exprread).
func comparedTypes(n *ast.BinaryNode) []string {
	var out []string
	for _, s := range exprread.ComparedEventTypes(n) {
		out = append(out, s.Value)
	}
	return out
}

// eventTypes returns the event types the expression reads: the constant first arguments of
// count and days_since, and the strings it compares event.Type with.
func (r reads) eventTypes() []string {
	return slices.Concat(r.args["count"], r.args["days_since"], r.compared)
}

// calls reports whether the expression calls fn with the constant first argument arg.
func (r reads) calls(fn, arg string) bool {
	for _, a := range r.args[fn] {
		if a == arg {
			return true
		}
	}
	return false
}

// visitor adapts a function to ast.Visitor.
type visitor func(ast.Node)

func (v visitor) Visit(n *ast.Node) { v(*n) }
