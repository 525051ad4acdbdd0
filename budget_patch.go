package leadscore

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/conf"
)

// budgetPatcher rewrites a type-checked expression so that every piece of work whose size
// depends on data is charged to the evaluation's step budget (budget.go). The argument that
// the bound is complete, construct by construct:
//
//   - Loops: expr has no loop but its predicate built-ins (all, any, map, filter, reduce, …).
//     Each is charged the size of its collection before it starts, every time it starts, so
//     nested loops are charged the product of their sizes.
//   - Where a value can be used more than once (let bindings) or an operation runs more than
//     once (loops), every operand of a comparison or membership test and every argument of a
//     call that may be a string or a collection is charged its whole size, to the bottom, as
//     it is read; and every string or collection built — by +, .., built-ins and functions —
//     is charged as it is built. A doubling chain stops at the budget having allocated at
//     most twice it, and a traversal of a value whose parts are shared is charged per visit.
//   - Work that is a product of input sizes even once — replace, join and repeat building,
//     toJSON, flatten and uniq working quadratically, fromJSON building nesting for them,
//     matches scanning its subject once per pattern instruction — is charged before it is
//     done. A pattern must be a literal of bounded size (Limits.check), compiled once.
//   - Everything else takes constant time per syntax node, or time linear in an input the
//     expression did not build (the lead, bounded by the embedder; the event, bounded by
//     the event limits), and runs once: MaxNodes bounds it.
//
// Expressions with none of loops, lets, replace, join, repeat and matches are left as they
// are, which keeps them on the fast path.
type budgetPatcher struct {
	reuses bool // the expression has let bindings or loops
	// chains: the expression adds more than two things, so string concatenations may build on
	// each other: 100 of them over a 16 KiB string allocate 80 MB though each input is small.
	chains bool
}

// budgetNeeds says what an expression needs charged, from the tree parsed without the config
// (before type checking): a built-in the config's functions shadow is a call there, not a
// loop, and so is leadscore's count(type, window) (isEventCount); count(array, predicate) is
// a loop, charged its array's length times its predicate's weight.
type budgetNeeds struct {
	reuses   bool // let bindings or loops: values may be read or built more than once
	chains   bool // more than one +: concatenations may build on each other
	products bool // replace, join, repeat, toJSON, … or matches: work beyond linear even once
}

func analyzeBudget(root ast.Node, shadowed conf.FunctionsTable) budgetNeeds {
	var b budgetNeeds
	adds := 0
	ast.Walk(&root, visitorFunc(func(n *ast.Node) {
		switch v := (*n).(type) {
		case *ast.VariableDeclaratorNode:
			b.reuses = true
		case *ast.BuiltinNode:
			_, isCall := shadowed[v.Name]
			b.reuses = b.reuses || (!isCall && !isEventCount(v) && loopBody(v) != nil)
			b.products = b.products || chargedBuiltins[v.Name] != ""
		case *ast.BinaryNode:
			b.products = b.products || v.Operator == "matches"
			if v.Operator == "+" {
				adds++
			}
		}
	}))
	b.chains = adds > 1
	return b
}

func (b budgetNeeds) any() bool { return b.reuses || b.chains || b.products }

// callsCharging reports whether a compiled expression charges the step budget.
func callsCharging(root ast.Node) bool {
	found := false
	ast.Walk(&root, visitorFunc(func(n *ast.Node) {
		if c, ok := (*n).(*ast.CallNode); ok && ours(c) {
			found = true
		}
	}))
	return found
}

type visitorFunc func(*ast.Node)

func (f visitorFunc) Visit(n *ast.Node) { f(n) }

func (p *budgetPatcher) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BuiltinNode:
		if body := loopBody(n); body != nil {
			// Each time the loop starts: its collection, and the weight of its body per element.
			c := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fnLoop},
				Arguments: []ast.Node{budgetRef(), n.Arguments[0], &ast.IntegerNode{Value: bodyWeight(*body)}}}
			c.SetLocation(n.Arguments[0].Location())
			n.Arguments[0] = c
			if collection(n.Type()) {
				*node = charged(n) // map, filter, groupBy, sortBy build what they return
			}
			return
		}
		if fn, ok := chargedBuiltins[n.Name]; ok {
			c := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn}, Arguments: append([]ast.Node{budgetRef()}, n.Arguments...)}
			c.SetLocation(n.Location())
			*node = c
			return
		}
		if p.reuses {
			for i := range n.Arguments {
				chargeOperand(&n.Arguments[i]) // what the built-in reads, to the bottom
			}
			if costly(n.Type()) {
				*node = charged(n) // what it builds
			}
		}
	case *ast.MemberNode:
		if p.reuses {
			chargeOperand(&n.Property) // a computed key is hashed whole: lead.Traits[lead.Title]
		}
	case *ast.CallNode:
		if ours(n) || !p.reuses {
			return
		}
		for i := range n.Arguments {
			chargeOperand(&n.Arguments[i])
		}
		if costly(n.Type()) {
			*node = charged(n)
		}
	case *ast.BinaryNode:
		if n.Operator == "matches" {
			if pattern, ok := n.Right.(*ast.StringNode); ok {
				insts, _ := patternInstructions(pattern.Value) // a bad pattern fails at compile
				m := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fnMatch},
					Arguments: []ast.Node{budgetRef(), n.Left, &ast.IntegerNode{Value: insts}}}
				m.SetLocation(n.Left.Location())
				n.Left = m
			}
			return
		}
		if (p.reuses || p.chains) && n.Operator == "+" && costly(n.Type()) {
			defer func() { *node = charged(*node) }() // what it builds, after its operands below
		}
		if !p.reuses {
			return
		}
		if scanOperators[n.Operator] {
			chargeOperand(&n.Left)
			chargeOperand(&n.Right)
		}
		if n.Operator == ".." && costly(n.Type()) {
			*node = charged(n)
		}
	}
}

// chargedBuiltins are the built-ins whose work is more than linear in their input, or whose
// output can be a product of their inputs' sizes: their charged versions charge first.
var chargedBuiltins = map[string]string{
	"replace": fnReplace, "join": fnJoin, "repeat": fnRepeat, // output a product of inputs
	"toJSON": fnToJSON, "flatten": fnFlatten, "uniq": fnUniq, // work quadratic in the input
	"fromJSON": fnFromJSON, // builds what the others work on, nested as deep as it likes
}

// scanOperators read all of a string or collection operand (== and in compare collections
// element by element, to the bottom).
var scanOperators = map[string]bool{
	"in": true, "contains": true, "startsWith": true, "endsWith": true,
	"==": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true, "+": true,
}

// bodyWeight is what one iteration of a loop body costs beyond what its own charges cover:
// a step per syntax node, and per byte of each string literal it reads (a literal is parsed,
// compared or hashed every iteration).
func bodyWeight(body ast.Node) int {
	w := 0
	ast.Walk(&body, visitorFunc(func(n *ast.Node) {
		w++
		if s, ok := (*n).(*ast.StringNode); ok {
			w += len(s.Value)
		}
	}))
	return w
}

// loopBody returns the body of a predicate built-in (all, any, map, reduce, …), or nil.
func loopBody(n *ast.BuiltinNode) *ast.Node {
	for i := range n.Arguments {
		if p, ok := n.Arguments[i].(*ast.PredicateNode); ok {
			return &p.Node
		}
	}
	return nil
}

// chargeOperand wraps an operand that may be a string or a collection and is not a literal.
func chargeOperand(node *ast.Node) {
	if n := *node; n != nil && !literal(n) && !isCharge(n) && costly(n.Type()) {
		*node = charged(n)
	}
}

func literal(n ast.Node) bool {
	switch n.(type) {
	case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NilNode, *ast.ConstantNode:
		return true
	}
	return false
}

// charged wraps n in ·charge(·budget, n): the same value, its steps charged.
func charged(n ast.Node) ast.Node {
	c := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fnCharge}, Arguments: []ast.Node{budgetRef(), n}}
	c.SetLocation(n.Location()) // a budget error points at what ran out
	return c
}

func budgetRef() ast.Node { return &ast.IdentifierNode{Value: "·budget"} }

func isCharge(n ast.Node) bool {
	c, ok := n.(*ast.CallNode)
	return ok && ours(c) && c.Callee.(*ast.IdentifierNode).Value == fnCharge
}

// ours reports whether n calls one of the charging functions.
func ours(n *ast.CallNode) bool {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return false
	}
	switch id.Value {
	case fnCharge, fnReplace, fnJoin, fnRepeat, fnMatch, fnLoop, fnToJSON, fnFromJSON, fnFlatten, fnUniq:
		return true
	}
	return false
}

// costly reports whether a value of type t may be a string or a collection (an unknown type
// may be either).
func costly(t reflect.Type) bool {
	if t == nil {
		return true
	}
	switch t.Kind() {
	case reflect.Interface, reflect.String, reflect.Slice, reflect.Array, reflect.Map:
		return true
	}
	return false
}

func collection(t reflect.Type) bool {
	return t == nil || t.Kind() == reflect.Interface || t.Kind() == reflect.Slice || t.Kind() == reflect.Map
}
