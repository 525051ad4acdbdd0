package budget

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// Patcher rewrites a type-checked expression, as an expr.Patch, so that every piece of work
// whose size depends on data is charged to the evaluation's Budget. The argument that the
// bound is complete, construct by construct:
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
//     done. A pattern must be a literal of at most MaxPatternInstructions, which the caller
//     checks before compiling; it is compiled once.
//   - Everything else takes constant time per syntax node, or time linear in an input the
//     expression did not build (the lead, bounded by the embedder; the event, bounded by
//     the event limits), and runs once: the caller's bound on syntax nodes bounds it.
//
// Expressions with none of loops, lets, + chains and the built-ins and operator of products
// need no Patcher (Needs.Any is false), which keeps them on the fast path.
type Patcher struct {
	Needs Needs // what Analyze found: Reuses and Chains decide what is charged
}

// Needs says what an expression needs charged.
type Needs struct {
	Reuses bool // let bindings or loops: values may be read or built more than once
	// Chains: the expression adds more than two things, so string concatenations may build on
	// each other: 100 of them over a 16 KiB string allocate 80 MB though each input is small.
	Chains   bool
	Products bool // replace, join, repeat, toJSON, … or matches: work beyond linear even once
}

// Analyze says what an expression needs charged, from the tree parsed without the config
// (before type checking). isCall reports whether a built-in node is in fact a call, not a
// loop: a built-in the config's functions shadow, or leadscore's count(type, window); nil
// means none is. count(array, predicate) is a loop, charged its array's length times its
// predicate's weight.
func Analyze(root ast.Node, isCall func(*ast.BuiltinNode) bool) Needs {
	var b Needs
	adds := 0
	ast.Walk(&root, visitorFunc(func(n *ast.Node) {
		switch v := (*n).(type) {
		case *ast.VariableDeclaratorNode:
			b.Reuses = true
		case *ast.BuiltinNode:
			b.Reuses = b.Reuses || ((isCall == nil || !isCall(v)) && loopBody(v) != nil)
			b.Products = b.Products || chargedBuiltins[v.Name] != "" || trimsCutset(v)
		case *ast.BinaryNode:
			b.Products = b.Products || v.Operator == "matches"
			if v.Operator == "+" {
				adds++
			}
		}
	}))
	b.Chains = adds > 1
	return b
}

// Any reports whether the expression needs charging at all: whether to patch it.
func (b Needs) Any() bool { return b.Reuses || b.Chains || b.Products }

// Charged reports whether a compiled expression charges its Budget: whether a Patcher
// rewrote it.
func Charged(root ast.Node) bool {
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

// Visit rewrites node, as expr.Patch calls it for every node, children first.
func (p *Patcher) Visit(node *ast.Node) {
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
		fn, ok := chargedBuiltins[n.Name]
		if trimsCutset(n) {
			fn, ok = fnTrim, true
		}
		if ok {
			c := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn}, Arguments: append([]ast.Node{budgetRef()}, n.Arguments...)}
			c.SetLocation(n.Location())
			*node = c
			return
		}
		if p.Needs.Reuses {
			for i := range n.Arguments {
				chargeOperand(&n.Arguments[i]) // what the built-in reads, to the bottom
			}
			if costly(n.Type()) {
				*node = charged(n) // what it builds
			}
		}
	case *ast.MemberNode:
		if p.Needs.Reuses {
			chargeOperand(&n.Property) // a computed key is hashed whole: lead.Traits[lead.Title]
		}
	case *ast.CallNode:
		if ours(n) || !p.Needs.Reuses {
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
				insts, _ := PatternInstructions(pattern.Value) // a bad pattern fails at compile
				m := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fnMatch},
					Arguments: []ast.Node{budgetRef(), n.Left, &ast.IntegerNode{Value: insts}}}
				m.SetLocation(n.Left.Location())
				n.Left = m
			}
			return
		}
		if (p.Needs.Reuses || p.Needs.Chains) && n.Operator == "+" && costly(n.Type()) {
			defer func() { *node = charged(*node) }() // what it builds, after its operands below
		}
		if !p.Needs.Reuses {
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
	// A string header per byte of the input (split(s, "")): the largest output per syntax node
	// of any built-in, charged even once, so that the call budget bounds a rule set of them.
	"split": fnSplit, "splitAfter": fnSplitAf,
}

// trimsCutset reports whether n is trim(s, cutset): its work is the product of its inputs'
// sizes (chargedTrim). trim(s) trims white space, in one pass.
func trimsCutset(n *ast.BuiltinNode) bool { return n.Name == "trim" && len(n.Arguments) == 2 }

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

func budgetRef() ast.Node { return &ast.IdentifierNode{Value: Field} }

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
	case fnCharge, fnReplace, fnJoin, fnRepeat, fnMatch, fnLoop, fnToJSON, fnFromJSON, fnFlatten, fnUniq, fnTrim, fnSplit, fnSplitAf:
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
