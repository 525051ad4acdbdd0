package budget

import (
	"math"
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// Estimate is the worst-case work of evaluating a compiled expression (patched or not), in
// steps of the Budget: with every input at its limit — strings the expression reads
// stringBytes long, collections elements large —, loops multiplied out, values built as large
// as they can grow. It is an estimate from the expression's shape, for reviewing a rule set
// before it runs, not a bound the Budget enforces; pure, like the Patcher.
func Estimate(root ast.Node, stringBytes, elements int) float64 {
	m := costModel{str: float64(stringBytes), elems: float64(elements), vars: map[string]float64{}}
	steps, _ := m.estimate(root)
	return steps
}

// costModel estimates, for a node, the steps its evaluation takes and the size of its value
// (bytes of a string, elements of a collection).
type costModel struct {
	str, elems float64            // the size of an input string and of an input collection
	vars       map[string]float64 // sizes of let-bound values
}

func (m *costModel) estimate(n ast.Node) (steps, size float64) {
	switch n := n.(type) {
	case nil:
		return 0, 0
	case *ast.StringNode:
		return 1, float64(len(n.Value))
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NilNode, *ast.ConstantNode, *ast.PointerNode:
		return 1, 1
	case *ast.IdentifierNode:
		if v, ok := m.vars[n.Value]; ok {
			return 1, v
		}
		return 1, m.input(n)
	case *ast.MemberNode:
		s, _ := m.estimate(n.Node)
		p, _ := m.estimate(n.Property)
		return s + p + 1, m.input(n)
	case *ast.ChainNode:
		return m.estimate(n.Node)
	case *ast.UnaryNode:
		s, z := m.estimate(n.Node)
		return s + 1, z
	case *ast.BinaryNode:
		ls, lz := m.estimate(n.Left)
		rs, rz := m.estimate(n.Right)
		switch n.Operator {
		case "..":
			lo, ok1 := n.Left.(*ast.IntegerNode)
			hi, ok2 := n.Right.(*ast.IntegerNode)
			size := m.elems
			if ok1 && ok2 {
				size = math.Max(float64(hi.Value)-float64(lo.Value)+1, 0)
			}
			return ls + rs + size, size
		case "+":
			return ls + rs + lz + rz, lz + rz
		}
		switch n.Operator {
		case "==", "!=", "<", ">", "<=", ">=":
			return ls + rs + math.Min(lz, rz), 1 // a comparison stops at the shorter
		case "in", "contains", "startsWith", "endsWith", "matches":
			return ls + rs + lz + rz, 1
		}
		return ls + rs + 1, 1
	case *ast.ConditionalNode:
		cs, _ := m.estimate(n.Cond)
		as, az := m.estimate(n.Exp1)
		bs, bz := m.estimate(n.Exp2)
		return cs + math.Max(as, bs), math.Max(az, bz)
	case *ast.VariableDeclaratorNode:
		vs, vz := m.estimate(n.Value)
		old, had := m.vars[n.Name]
		m.vars[n.Name] = vz
		es, ez := m.estimate(n.Expr)
		if had {
			m.vars[n.Name] = old
		} else {
			delete(m.vars, n.Name)
		}
		return vs + es, ez
	case *ast.SequenceNode:
		var steps, size float64
		for _, x := range n.Nodes {
			s, z := m.estimate(x)
			steps, size = steps+s, z
		}
		return steps, size
	case *ast.ArrayNode:
		return 1 + m.sum(n.Nodes), float64(len(n.Nodes))
	case *ast.MapNode:
		return 1 + m.sum(n.Pairs), float64(len(n.Pairs))
	case *ast.PairNode:
		ks, _ := m.estimate(n.Key)
		vs, _ := m.estimate(n.Value)
		return ks + vs, 1
	case *ast.PredicateNode:
		return m.estimate(n.Node)
	case *ast.BuiltinNode:
		return m.call(n.Name, n.Arguments)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			if id.Value == fnCharge || id.Value == fnLoop {
				return m.estimate(n.Arguments[1]) // charging costs what it charges: counted below
			}
			if id.Value == fnMatch { // the subject, scanned once per pattern byte
				s, z := m.estimate(n.Arguments[1])
				k := 1.0
				if c, ok := n.Arguments[2].(*ast.IntegerNode); ok {
					k = float64(c.Value) + 1
				}
				return s + z*k, z
			}
			name := map[string]string{fnReplace: "replace", fnJoin: "join", fnRepeat: "repeat",
				fnToJSON: "toJSON", fnFromJSON: "fromJSON", fnFlatten: "flatten", fnUniq: "uniq", fnTrim: "trim", fnSplit: "split", fnSplitAf: "splitAfter"}[id.Value]
			if name != "" {
				return m.call(name, n.Arguments[1:])
			}
		}
		return m.call("", n.Arguments)
	}
	return 1, 1
}

// sum is the steps of evaluating each of nodes.
func (m *costModel) sum(nodes []ast.Node) float64 {
	var steps float64
	for _, x := range nodes {
		s, _ := m.estimate(x)
		steps += s
	}
	return steps
}

// call estimates a built-in or function call: its arguments, then its own work — a loop's
// body once per element, a scan of its inputs, the output it builds.
func (m *costModel) call(name string, args []ast.Node) (float64, float64) {
	var steps, in float64
	sizes := make([]float64, len(args))
	var body ast.Node
	for i, a := range args {
		if p, ok := a.(*ast.PredicateNode); ok {
			body = p.Node
			continue
		}
		s, z := m.estimate(a)
		steps, in, sizes[i] = steps+s, in+z, z
	}
	if body != nil {
		n := sizes[0]
		bs, bz := m.estimate(body)
		steps += n * (bs + 1)
		switch name {
		case "map":
			return steps, n
		case "filter", "sortBy", "groupBy":
			return steps, n
		case "reduce":
			return steps + n*bz, n * bz // the accumulator may grow by the body's value each time
		}
		return steps, 1
	}
	switch name {
	case "replace":
		if len(sizes) >= 3 {
			out := sizes[0] * math.Max(sizes[2], 1)
			return steps + sizes[0] + out, out
		}
	case "join":
		if len(sizes) >= 1 {
			sep := 0.0
			if len(sizes) > 1 {
				sep = sizes[1]
			}
			out := sizes[0] * (m.str + sep)
			return steps + out, out
		}
	case "repeat":
		if len(sizes) == 2 {
			n := m.elems
			if c, ok := args[1].(*ast.IntegerNode); ok {
				n = float64(c.Value)
			}
			out := sizes[0] * n
			return steps + out, out
		}
	case "split", "splitAfter":
		return steps + in, in
	case "uniq": // each element against every one kept
		return steps + in*in, in
	case "trim": // with a cutset: each rune of s looked up in it
		if len(sizes) == 2 {
			return steps + in + sizes[0]*sizes[1], sizes[0]
		}
	}
	return steps + in + 1, math.Max(in, 1)
}

// input is the size of a value the expression reads: a number is 1; a string or a collection
// (or a value of unknown type, which may be either) is at its limit.
func (m *costModel) input(n ast.Node) float64 {
	switch t := n.Type(); {
	case t == nil || t.Kind() == reflect.Interface:
		return math.Max(m.str, m.elems)
	case t.Kind() == reflect.String:
		return m.str
	case costly(t):
		return m.elems
	}
	return 1
}
