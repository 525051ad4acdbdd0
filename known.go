package leadscore

import (
	"reflect"
	"time"

	"github.com/expr-lang/expr/ast"
)

// Unknown is not zero. A lead the team knows nothing about must not look like a bad fit: a
// company whose size nobody entered is not a one-person company, a consumer whose income is
// blank is not poor. Go's zero values cannot tell "absent" from 0, and the standard Lead's
// JSON leaves zero fields out, so the library settles it by type, once, in known(x) and
// unknown(x):
//
//   - a number is unknown when it is 0 (Age, Income, HomeSize, Employees, Revenue, Founded,
//     ServiceCenters: no one is 0 years old, no company has 0 employees);
//   - a string is unknown when it is empty or blank;
//   - a time is unknown when it is the zero time;
//   - a value that can be absent — a pointer, an interface such as a Traits entry, a map or
//     slice — is unknown exactly when it is nil: a custom lead type with a *int field, or a
//     trait the CRM sends only when it has it, says "known to be 0" and "unknown" apart;
//   - a bool is never unknown (false is an answer), so known(aBool) is a compile error that
//     says so: keep a yes/no that may be unasked in Traits, or as a *bool in your own type.
//
//   - a named type of a custom lead type (type Money float64, time.Duration, type Label
//     string) is unknown when it is its type's zero value (a blank named string is not trimmed);
//   - a field behind a nil pointer is unknown: known(lead.Co.Size) with a nil Co is
//     lead.Co != nil && lead.Co.Size != 0, an answer rather than a run-time error.
//
// Where 0 is a real answer (Children, Purchases, Followers), the presets score only the
// non-zero side, so a blank is neutral there too. The rewrite happens at compile time into
// plain comparisons (x != 0, trim(x) != "", !x.IsZero(), x != nil), so known() costs what the
// comparison costs. For a number, a string or a time that runs on the fast path; the x != nil
// form (pointers, interfaces such as a Traits entry, maps, slices), named types and nil-guarded
// chains run on expr's VM, like the same comparison written by hand.

// rewriteKnown patches known(x) or unknown(x) into the comparison for x's type, or fails.
//
// The patcher walks children first, so x may be a node another rewrite just made (count,
// days_since, years_since, has_signal, a nested known): those carry their result type (withType).
// A node whose type cannot be told is a compile error, never a guess.
func (p *patcher[L]) rewriteKnown(node *ast.Node, call *ast.CallNode, name string) {
	if len(call.Arguments) != 1 {
		p.fail(call, "%s takes 1 argument, got %d", name, len(call.Arguments))
		return
	}
	arg := call.Arguments[0]
	if ch, ok := arg.(*ast.ChainNode); ok { // x?.y: the nil guards below do what ?. does
		arg = ch.Node
		for m, ok := arg.(*ast.MemberNode); ok; m, ok = m.Node.(*ast.MemberNode) {
			m.Optional = false
		}
	}
	t := arg.Nature().Type
	if t == nil {
		t = patchedType(arg)
	}
	var known ast.Node
	switch {
	case t == nil:
		p.fail(arg, "%s(): cannot tell the type of %s; compare it yourself (x != 0, x != \"\", x != nil)", name, arg)
		return
	case t == reflect.TypeFor[time.Time]():
		known = &ast.UnaryNode{Operator: "!", Node: &ast.CallNode{
			Callee: &ast.MemberNode{Node: arg, Property: &ast.StringNode{Value: "IsZero"}, Method: true},
		}}
	case t.Kind() == reflect.Bool:
		p.fail(arg, "%s: a bool is never unknown (false is an answer); to tell \"not asked\" from \"no\", keep the answer in lead.Traits or use a *bool field in your own lead type", name)
		return
	case t.PkgPath() != "" && isScalarKind(t.Kind()):
		// A named type (type Money float64, time.Duration, type Label string): expr compares it
		// only with its own type, so compare with its zero value. A blank named string is not
		// trimmed: only "" is unknown.
		known = &ast.BinaryNode{Operator: "!=", Left: arg, Right: &ast.ConstantNode{Value: reflect.Zero(t).Interface()}}
	default:
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			known = &ast.BinaryNode{Operator: "!=", Left: arg, Right: &ast.IntegerNode{Value: 0}}
		case reflect.Float32, reflect.Float64:
			known = &ast.BinaryNode{Operator: "!=", Left: arg, Right: &ast.FloatNode{Value: 0}}
		case reflect.String:
			known = &ast.BinaryNode{Operator: "!=",
				Left: &ast.BuiltinNode{Name: "trim", Arguments: []ast.Node{arg}}, Right: &ast.StringNode{Value: ""}}
		case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice:
			known = &ast.BinaryNode{Operator: "!=", Left: arg, Right: &ast.NilNode{}}
		default:
			p.fail(arg, "%s: a %s has no unknown value; ask of one of its fields instead", name, t)
			return
		}
	}
	// A field behind a nil pointer is unknown too: known(lead.Co.Size) with a nil Co is
	// lead.Co != nil && lead.Co.Size != 0, an answer rather than a run-time error.
	for m, ok := arg.(*ast.MemberNode); ok; m, ok = m.Node.(*ast.MemberNode) {
		if pt := m.Node.Nature().Type; pt != nil && pt.Kind() == reflect.Pointer && !m.Method {
			known = &ast.BinaryNode{Operator: "&&",
				Left:  withType(&ast.BinaryNode{Operator: "!=", Left: m.Node, Right: &ast.NilNode{}}, reflect.TypeFor[bool]()),
				Right: known}
		}
	}
	if name == "unknown" {
		known = &ast.UnaryNode{Operator: "!", Node: known}
	}
	ast.Patch(node, withType(known, reflect.TypeFor[bool]()))
}

// patchedType is the result type of a node the patcher made in this walk and could not type
// (see withType): the years_since call.
func patchedType(n ast.Node) reflect.Type {
	if c, ok := n.(*ast.CallNode); ok {
		if id, ok := c.Callee.(*ast.IdentifierNode); ok && id.Value == "·years_since" {
			return reflect.TypeFor[float64]()
		}
	}
	return nil
}

func isScalarKind(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.String:
		return true
	}
	return false
}
