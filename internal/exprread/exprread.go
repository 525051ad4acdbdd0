// Package exprread finds, in an expr syntax tree, what an expression reads that the scoring
// package and the rule-set analysis both need to know: the event types it compares
// event.Type with. One definition, so that Compile's warnings and lint's findings agree on
// what counts as reading an event type.
//
// Contract: pure; it only reads the tree, and never panics on any tree expr's parser makes.
package exprread

import "github.com/expr-lang/expr/ast"

// ComparedEventTypes returns the string literals n compares event.Type with:
// event.Type == "x", "x" != event.Type, event.Type in ["x", "y"] and not in. Other
// comparisons, and operands that are not literals, give none.
func ComparedEventTypes(n *ast.BinaryNode) []*ast.StringNode {
	var out []*ast.StringNode
	lit := func(n ast.Node) {
		if s, ok := n.(*ast.StringNode); ok {
			out = append(out, s)
		}
	}
	switch n.Operator {
	case "==", "!=":
		if isEventType(n.Left) {
			lit(n.Right)
		} else if isEventType(n.Right) {
			lit(n.Left)
		}
	case "in", "not in":
		if a, ok := n.Right.(*ast.ArrayNode); ok && isEventType(n.Left) {
			for _, e := range a.Nodes {
				lit(e)
			}
		}
	}
	return out
}

// isEventType reports whether n is event.Type.
func isEventType(n ast.Node) bool {
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return false
	}
	id, ok1 := m.Node.(*ast.IdentifierNode)
	p, ok2 := m.Property.(*ast.StringNode)
	return ok1 && ok2 && id.Value == "event" && p.Value == "Type"
}
