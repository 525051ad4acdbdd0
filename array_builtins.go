package leadscore

import (
	"fmt"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker/nature"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
)

// expr's checker lets some calls of its array built-ins through that then fail at every
// evaluation: it types count(array) as an int whatever the elements, which the loop then reads
// as booleans (count(["a", "b"]) fails with "interface conversion: interface {} is string, not
// bool", and with disqualify: true every lead would be disqualified); sum(array) adds elements
// that need not be numbers, and sum(array, predicate) predicates that need not return one;
// max, min, mean and median take any array; join takes an array literal of anything. Compile
// rejects these where the elements' type is known — a typed array, or a literal's elements —
// and leaves values of unknown type (a trait, a property) to run time, as everywhere else.

// checkArrayBuiltins returns the first such call in tree, type-checked with config, or nil.
func checkArrayBuiltins(tree *ast.Node, config *conf.Config) *file.Error {
	cache := &config.NtCache
	var found *file.Error
	fail := func(n ast.Node, format string, args ...any) {
		if found == nil {
			found = &file.Error{Location: n.Location(), Message: fmt.Sprintf(format, args...)}
		}
	}
	isNumber := func(nt nature.Nature) bool { return nt.IsNumber() }
	isBool := func(nt nature.Nature) bool { return nt.IsBool() }
	isString := func(nt nature.Nature) bool { return nt.IsString() }
	ast.Walk(tree, visitorFunc(func(node *ast.Node) {
		n, ok := (*node).(*ast.BuiltinNode) // a built-in a function of the config overrides is a CallNode
		if !ok {
			return
		}
		switch {
		case n.Name == "count" && len(n.Arguments) == 1:
			if e, nt, ok := element(n.Arguments[0], cache, isBool); !ok {
				fail(e, "count(array) counts the elements that are true: they must be bool, not %s (to count others, give a predicate: count(array, predicate))", nt)
			}
		case n.Name == "sum" && len(n.Arguments) == 1:
			if e, nt, ok := element(n.Arguments[0], cache, isNumber); !ok {
				fail(e, "sum(array) adds the elements: they must be numbers, not %s", nt)
			}
		case n.Name == "sum" && len(n.Arguments) == 2:
			if p, ok := n.Arguments[1].(*ast.PredicateNode); ok {
				if nt := p.Node.Nature().Deref(cache); known(nt, cache) && !nt.IsNumber() {
					fail(p.Node, "sum(array, predicate) adds what the predicate returns: a number, not %s", typeName(nt))
				}
			}
		case n.Name == "max" || n.Name == "min" || n.Name == "mean" || n.Name == "median":
			for _, a := range n.Arguments {
				if e, nt, ok := numbers(a, cache); !ok {
					fail(e, "%s takes numbers and arrays of numbers: the elements must be numbers, not %s", n.Name, nt)
				}
			}
		case n.Name == "join" && len(n.Arguments) > 0:
			if e, nt, ok := element(n.Arguments[0], cache, isString); !ok {
				fail(e, "join joins strings: the elements must be string, not %s", nt)
			}
		}
	}))
	return found
}

// element checks the elements of the array arg: each of a literal's, else the array type's. It
// returns false, with the node to point at and the element's type, when one of a known type is
// not what want accepts.
func element(arg ast.Node, cache *nature.Cache, want func(nature.Nature) bool) (ast.Node, string, bool) {
	if lit, ok := arg.(*ast.ArrayNode); ok {
		for _, e := range lit.Nodes {
			if nt := e.Nature().Deref(cache); known(nt, cache) && !want(nt) {
				return e, typeName(nt), false
			}
		}
		return nil, "", true
	}
	nt := arg.Nature().Deref(cache)
	if !nt.IsArray() {
		return nil, "", true // of unknown type, or not an array: expr's checker says so
	}
	et := nt.Elem(cache)
	if et = et.Deref(cache); known(et, cache) && !want(et) {
		return arg, typeName(et), false
	}
	return nil, "", true
}

// numbers checks what max, min, mean and median take: numbers, and arrays of them, nested to
// any depth. It returns false, with the node to point at and the offending type, when n holds
// something of a known type that is not a number.
func numbers(n ast.Node, cache *nature.Cache) (ast.Node, string, bool) {
	nt := n.Nature().Deref(cache)
	switch {
	case !known(nt, cache) || nt.IsNumber():
		return nil, "", true
	case !nt.IsArray():
		return n, typeName(nt), false
	}
	if lit, ok := n.(*ast.ArrayNode); ok {
		for _, e := range lit.Nodes {
			if bad, name, ok := numbers(e, cache); !ok {
				return bad, name, false
			}
		}
		return nil, "", true
	}
	for et := nt.Elem(cache); ; et = et.Elem(cache) {
		switch et = et.Deref(cache); {
		case !known(et, cache) || et.IsNumber():
			return nil, "", true
		case !et.IsArray():
			return n, typeName(et), false
		}
	}
}

// typeName names a type for a message.
func typeName(nt nature.Nature) string {
	if nt.Nil {
		return "nil"
	}
	return nt.String()
}

// known reports whether nt is a type (nil among them), not an interface or nothing known.
func known(nt nature.Nature, cache *nature.Cache) bool {
	return !nt.IsUnknown(cache)
}
