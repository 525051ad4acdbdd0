package leadscore

import (
	"math"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"

	"github.com/leadscore/leadscore/internal/classify"
	"github.com/leadscore/leadscore/internal/text"
)

// The fast path compiles the checked, optimised expr AST of an expression (what the VM's
// bytecode was generated from) into Go closures over a fastEnv: field reads from typed slots,
// comparisons, in-sets, string tests, and/or/not, arithmetic, the built-in functions. Whatever
// it does not know — maps, user functions, closures over arrays, named types — leaves the
// program to the VM, whole. A closure that meets a case where the VM would fail (a nil
// pointer on a field path, an integer modulo by zero) sets fastEnv.slow, and the program runs
// on the VM instead, which reports the error exactly as it would have. So the two paths agree
// on results and on errors; fastpath_test.go checks it on generated expressions and leads.

// compileFast sets p's fast-path closures where the expression has a shape it knows. The
// closures must agree exactly with running p.prog on the VM (fastpath_test.go checks it).
func compileFast[L any](plan *fastPlan[L], p *program[L], asBool bool) {
	if plan == nil {
		return
	}
	fc := &fastCompiler[L]{plan: plan}
	root := p.prog.Node()
	x, ok := fc.compile(root)
	if !ok {
		return
	}
	switch {
	case asBool && x.kind == kBool:
		p.fastBool = x.b
	case !asBool && x.kind == kInt:
		i := x.i
		p.fastNum = func(f *fastEnv[L]) float64 { return float64(i(f)) }
	case !asBool && x.kind == kFloat:
		p.fastNum = x.f
	default:
		return
	}
	p.eventOnly = !fc.readsState && fc.reads&^(1<<plan.eventAt) == 0
	fc.commit()
}

// fastCompiler compiles one expression; the fields it stages join the plan only if the whole
// expression compiles.
type fastCompiler[L any] struct {
	plan           *fastPlan[L]
	staged         []stagedField
	stagedSlots    [nKinds]int
	stagedIndirect int
	stagedMemos    int
	stagedMemoKeys []stagedMemo
	reads          uint64 // bit i: the expression reads field i of env (or one inside it)
	readsState     bool   // it reads a count, days_since or has_signal slot
}

// fexpr is a compiled node: a closure of its kind and, for constants and plain field reads,
// what parents specialise on.
type fexpr[L any] struct {
	kind fkind
	b    func(*fastEnv[L]) bool
	i    func(*fastEnv[L]) int
	f    func(*fastEnv[L]) float64
	s    func(*fastEnv[L]) string
	t    func(*fastEnv[L]) time.Time

	isConst bool
	cb      bool
	ci      int
	cf      float64
	cs      string

	field *fastField // a field read in place (no check)
	rng   *intRange  // an int field compared with a constant, as a range
}

// intRange is field ∈ [lo, hi]: what an int field compared with a constant tests, so that
// "x >= 50 && x < 1000" becomes one closure.
type intRange struct {
	slot   int
	lo, hi int
}

// typeKind is the kind of a node's checked type.
func typeKind(n ast.Node) fkind { return kindOf(n.Type()) }

func (fc *fastCompiler[L]) compile(n ast.Node) (fexpr[L], bool) {
	var x fexpr[L]
	var ok bool
	switch n := n.(type) {
	case *ast.BoolNode:
		x, ok = constBool[L](n.Value), typeKind(n) == kBool
	case *ast.IntegerNode:
		switch n.Type().Kind() { // the checker may type an integer literal as a float
		case reflect.Int:
			x, ok = constInt[L](n.Value), true
		case reflect.Float64:
			x, ok = constFloat[L](float64(n.Value)), true
		}
	case *ast.FloatNode:
		x, ok = constFloat[L](n.Value), n.Type().Kind() == reflect.Float64
	case *ast.StringNode:
		x, ok = constString[L](n.Value), true
	case *ast.ConstantNode:
		x, ok = fc.constant(n)
	case *ast.IdentifierNode:
		x, ok = fc.identifier(n)
	case *ast.MemberNode:
		x, ok = fc.member(n)
	case *ast.UnaryNode:
		x, ok = fc.unary(n)
	case *ast.BinaryNode:
		x, ok = fc.binary(n)
	case *ast.ConditionalNode:
		x, ok = fc.conditional(n)
	case *ast.CallNode:
		x, ok = fc.call(n)
	case *ast.BuiltinNode:
		x, ok = fc.builtin(n)
	}
	if !ok {
		return fexpr[L]{}, false
	}
	// What the closure returns must be what the checker says the node is: where they differ
	// (an interface, a named type), the VM's dynamic behaviour is not ours to guess.
	if k := typeKind(n); k != x.kind {
		return fexpr[L]{}, false
	}
	return x, true
}

// Constants.

func constBool[L any](v bool) fexpr[L] {
	return fexpr[L]{kind: kBool, isConst: true, cb: v, b: func(*fastEnv[L]) bool { return v }}
}

func constInt[L any](v int) fexpr[L] {
	return fexpr[L]{kind: kInt, isConst: true, ci: v, i: func(*fastEnv[L]) int { return v }}
}

func constFloat[L any](v float64) fexpr[L] {
	return fexpr[L]{kind: kFloat, isConst: true, cf: v, f: func(*fastEnv[L]) float64 { return v }}
}

func constString[L any](v string) fexpr[L] {
	return fexpr[L]{kind: kString, isConst: true, cs: v, s: func(*fastEnv[L]) string { return v }}
}

func (fc *fastCompiler[L]) constant(n *ast.ConstantNode) (fexpr[L], bool) {
	switch v := n.Value.(type) {
	case bool:
		return constBool[L](v), true
	case int:
		return constInt[L](v), true
	case float64:
		return constFloat[L](v), true
	case string:
		return constString[L](v), true
	}
	return fexpr[L]{}, false // the in-sets are handled by "in"
}

// Names and fields.

func (fc *fastCompiler[L]) identifier(n *ast.IdentifierNode) (fexpr[L], bool) {
	p := fc.plan
	idx, ok := p.envNat.FieldIndex(p.cache, n.Value)
	if !ok {
		return fexpr[L]{}, false
	}
	return fc.read(idx)
}

func (fc *fastCompiler[L]) member(n *ast.MemberNode) (fexpr[L], bool) {
	if n.Method || n.Optional {
		return fexpr[L]{}, false
	}
	if id, ok := n.Node.(*ast.IdentifierNode); ok && strings.HasPrefix(id.Value, "·") {
		k, ok := n.Property.(*ast.IntegerNode)
		if !ok {
			return fexpr[L]{}, false
		}
		return fc.slotRead(id.Value, k.Value)
	}
	path, ok := fc.fieldPath(n)
	if !ok {
		return fexpr[L]{}, false
	}
	return fc.read(path)
}

// fieldPath returns the reflect index path from the env struct of a chain of field accesses
// ending in an env field, as expr's compiler folds it into one OpLoadField; false for
// anything else (a method, a map, an index, a computed base).
func (fc *fastCompiler[L]) fieldPath(n ast.Node) ([]int, bool) {
	p := fc.plan
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return p.envNat.FieldIndex(p.cache, n.Value)
	case *ast.MemberNode:
		if n.Method || n.Optional {
			return nil, false
		}
		if m, _, _ := checker.MethodIndex(p.cache, p.envNat, n); m {
			return nil, false
		}
		ok, idx, _ := checker.FieldIndex(p.cache, p.envNat, n)
		if !ok {
			return nil, false
		}
		base, ok := fc.fieldPath(n.Node)
		if !ok {
			return nil, false
		}
		return append(append([]int(nil), base...), idx...), true
	}
	return nil, false
}

func (fc *fastCompiler[L]) read(path []int) (fexpr[L], bool) {
	fd, ok := fc.field(path)
	if !ok || path[0] >= 64 {
		return fexpr[L]{}, false
	}
	fc.reads |= 1 << path[0]
	k, ind := fd.slot, fd.indirect
	x := fexpr[L]{kind: fd.kind}
	if ind < 0 {
		x.field = &fd
		switch fd.kind {
		case kInt:
			x.i = func(f *fastEnv[L]) int { return *f.ints[k] }
		case kFloat:
			x.f = func(f *fastEnv[L]) float64 { return *f.floats[k] }
		case kString:
			x.s = func(f *fastEnv[L]) string { return *f.strs[k] }
		case kBool:
			x.b = func(f *fastEnv[L]) bool { return *f.bools[k] }
		case kTime:
			x.t = func(f *fastEnv[L]) time.Time { return *f.times[k] }
		}
		return x, true
	}
	// Behind a pointer: the VM fails on a nil one, so leave the evaluation to it.
	switch fd.kind {
	case kInt:
		x.i = func(f *fastEnv[L]) int {
			if !f.ok[ind] {
				f.slow = true
				return 0
			}
			return *f.ints[k]
		}
	case kFloat:
		x.f = func(f *fastEnv[L]) float64 {
			if !f.ok[ind] {
				f.slow = true
				return 0
			}
			return *f.floats[k]
		}
	case kString:
		x.s = func(f *fastEnv[L]) string {
			if !f.ok[ind] {
				f.slow = true
				return ""
			}
			return *f.strs[k]
		}
	case kBool:
		x.b = func(f *fastEnv[L]) bool {
			if !f.ok[ind] {
				f.slow = true
				return false
			}
			return *f.bools[k]
		}
	case kTime:
		x.t = func(f *fastEnv[L]) time.Time {
			if !f.ok[ind] {
				f.slow = true
				return time.Time{}
			}
			return *f.times[k]
		}
	}
	return x, true
}

// slotRead compiles the reads the patcher rewrote count, days_since and has_signal into.
func (fc *fastCompiler[L]) slotRead(name string, k int) (fexpr[L], bool) {
	if k < 0 {
		return fexpr[L]{}, false
	}
	fc.readsState = true
	switch name {
	case "·count":
		return fexpr[L]{kind: kInt, i: func(f *fastEnv[L]) int { return f.env.Counts[k] }}, true
	case "·days_since":
		return fexpr[L]{kind: kFloat, f: func(f *fastEnv[L]) float64 { return f.env.DaysSince[k] }}, true
	case "·signal":
		return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return f.env.Signals[k] }}, true
	}
	return fexpr[L]{}, false
}

// Operators.

func (fc *fastCompiler[L]) unary(n *ast.UnaryNode) (fexpr[L], bool) {
	x, ok := fc.compile(n.Node)
	if !ok {
		return fexpr[L]{}, false
	}
	switch n.Operator {
	case "!", "not":
		if x.kind != kBool {
			return fexpr[L]{}, false
		}
		b := x.b
		return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return !b(f) }}, true
	case "+":
		if x.kind != kInt && x.kind != kFloat {
			return fexpr[L]{}, false
		}
		return x, true
	case "-":
		// expr negates in the operand's own type: int8(-128) stays -128. Only the types
		// whose negation int arithmetic reproduces are ours.
		switch n.Node.Type().Kind() {
		case reflect.Int, reflect.Int64:
			i := x.i
			return fexpr[L]{kind: kInt, i: func(f *fastEnv[L]) int { return -i(f) }}, true
		case reflect.Float32, reflect.Float64:
			g := x.f
			return fexpr[L]{kind: kFloat, f: func(f *fastEnv[L]) float64 { return -g(f) }}, true
		}
	}
	return fexpr[L]{}, false
}

func (fc *fastCompiler[L]) conditional(n *ast.ConditionalNode) (fexpr[L], bool) {
	c, ok1 := fc.compile(n.Cond)
	a, ok2 := fc.compile(n.Exp1)
	b, ok3 := fc.compile(n.Exp2)
	if !ok1 || !ok2 || !ok3 || c.kind != kBool || a.kind != b.kind {
		return fexpr[L]{}, false
	}
	cond := c.b
	x := fexpr[L]{kind: a.kind}
	switch a.kind {
	case kBool:
		p, q := a.b, b.b
		x.b = func(f *fastEnv[L]) bool {
			if cond(f) {
				return p(f)
			}
			return q(f)
		}
	case kInt:
		p, q := a.i, b.i
		x.i = func(f *fastEnv[L]) int {
			if cond(f) {
				return p(f)
			}
			return q(f)
		}
	case kFloat:
		p, q := a.f, b.f
		x.f = func(f *fastEnv[L]) float64 {
			if cond(f) {
				return p(f)
			}
			return q(f)
		}
	case kString:
		p, q := a.s, b.s
		x.s = func(f *fastEnv[L]) string {
			if cond(f) {
				return p(f)
			}
			return q(f)
		}
	case kTime:
		p, q := a.t, b.t
		x.t = func(f *fastEnv[L]) time.Time {
			if cond(f) {
				return p(f)
			}
			return q(f)
		}
	}
	return x, true
}

func (fc *fastCompiler[L]) binary(n *ast.BinaryNode) (fexpr[L], bool) {
	switch n.Operator {
	case "in":
		return fc.in(n)
	case "matches":
		return fc.matches(n)
	}
	l, ok := fc.compile(n.Left)
	if !ok {
		return fexpr[L]{}, false
	}
	if n.Operator == "??" {
		// No kind the fast path has is ever nil: the left side is the value, and the right
		// side is never evaluated.
		return l, true
	}
	r, ok := fc.compile(n.Right)
	if !ok {
		return fexpr[L]{}, false
	}
	switch n.Operator {
	case "and", "&&":
		return logical(l, r, true)
	case "or", "||":
		return logical(l, r, false)
	case "==", "!=", "<", ">", "<=", ">=":
		return compare(n.Operator, l, r)
	case "+", "-", "*", "/", "%", "**", "^":
		return arithmetic(n.Operator, l, r)
	case "contains", "startsWith", "endsWith":
		if l.kind != kString || r.kind != kString {
			return fexpr[L]{}, false
		}
		return stringTest(n.Operator, l, r), true
	}
	return fexpr[L]{}, false
}

// logical is and (and=true) or or, short-circuiting like the VM: the right side is not
// evaluated (and cannot fail) when the left decides.
func logical[L any](l, r fexpr[L], and bool) (fexpr[L], bool) {
	if l.kind != kBool || r.kind != kBool {
		return fexpr[L]{}, false
	}
	a, b := l.b, r.b
	if and {
		if x, y := l.rng, r.rng; x != nil && y != nil && x.slot == y.slot {
			// One field between two bounds: a range test, in one closure.
			k, lo, hi := x.slot, max(x.lo, y.lo), min(x.hi, y.hi)
			return fexpr[L]{kind: kBool, rng: &intRange{k, lo, hi}, b: func(f *fastEnv[L]) bool {
				v := *f.ints[k]
				return v >= lo && v <= hi
			}}, true
		}
		return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return a(f) && b(f) }}, true
	}
	return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return a(f) || b(f) }}, true
}

// matches handles a constant pattern, which expr compiles once too.
func (fc *fastCompiler[L]) matches(n *ast.BinaryNode) (fexpr[L], bool) {
	pat, ok := n.Right.(*ast.StringNode)
	if !ok {
		return fexpr[L]{}, false
	}
	re, err := regexp.Compile(pat.Value)
	if err != nil {
		return fexpr[L]{}, false
	}
	l, ok := fc.compile(n.Left)
	if !ok || l.kind != kString {
		return fexpr[L]{}, false
	}
	s := l.s
	return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return re.MatchString(s(f)) }}, true
}

func stringTest[L any](op string, l, r fexpr[L]) fexpr[L] {
	a := l.s
	if r.isConst {
		c := r.cs
		switch op {
		case "contains":
			if len(c) == 1 {
				ch := c[0]
				return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return strings.IndexByte(a(f), ch) >= 0 }}
			}
			return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return strings.Contains(a(f), c) }}
		case "startsWith":
			return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return strings.HasPrefix(a(f), c) }}
		default:
			return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return strings.HasSuffix(a(f), c) }}
		}
	}
	b := r.s
	var fn func(string, string) bool
	switch op {
	case "contains":
		fn = strings.Contains
	case "startsWith":
		fn = strings.HasPrefix
	default:
		fn = strings.HasSuffix
	}
	return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return fn(a(f), b(f)) }}
}

// in handles the constant sets expr's optimiser makes of literal arrays (map[string]struct{}
// for strings, map[int]struct{} for ints), and literal arrays it left alone, which the VM
// searches with its == (so 1 in [1.0] holds).
func (fc *fastCompiler[L]) in(n *ast.BinaryNode) (fexpr[L], bool) {
	l, ok := fc.compile(n.Left)
	if !ok {
		return fexpr[L]{}, false
	}
	switch set := n.Right.(type) {
	case *ast.ConstantNode:
		switch m := set.Value.(type) {
		case map[string]struct{}:
			if l.kind != kString {
				return fexpr[L]{}, false
			}
			return stringIn(l, text.SortedKeys(m)), true
		case map[int]struct{}:
			if l.kind != kInt {
				return fexpr[L]{}, false
			}
			s := l.i
			return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { _, ok := m[s(f)]; return ok }}, true
		case []any: // a literal array the parser folded
			var elems []fexpr[L]
			for _, v := range m {
				x, ok := fc.constant(&ast.ConstantNode{Value: v})
				if !ok {
					return fexpr[L]{}, false
				}
				elems = append(elems, x)
			}
			return arrayIn(l, elems)
		}
	case *ast.ArrayNode:
		var elems []fexpr[L]
		for _, e := range set.Nodes {
			x, ok := fc.compile(e)
			if !ok || !x.isConst {
				return fexpr[L]{}, false
			}
			elems = append(elems, x)
		}
		return arrayIn(l, elems)
	}
	return fexpr[L]{}, false
}

// stringIn tests membership in a constant set: a few strings are faster compared than hashed.
func stringIn[L any](l fexpr[L], set []string) fexpr[L] {
	s := l.s
	if len(set) > 8 {
		m := make(map[string]struct{}, len(set))
		for _, v := range set {
			m[v] = struct{}{}
		}
		return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { _, ok := m[s(f)]; return ok }}
	}
	return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool {
		v := s(f)
		for _, c := range set {
			if v == c {
				return true
			}
		}
		return false
	}}
}

// arrayIn is runtime.In over a literal array: Equal(element, needle) for each.
func arrayIn[L any](l fexpr[L], elems []fexpr[L]) (fexpr[L], bool) {
	var tests []func(*fastEnv[L]) bool
	for _, e := range elems {
		eq, ok := compare("==", e, l)
		if !ok {
			// Values of unrelated kinds are never equal (reflect.DeepEqual of a string and
			// an int); but the needle must still be evaluated, and may not fail.
			continue
		}
		tests = append(tests, eq.b)
	}
	// The needle is evaluated once by the VM; evaluating it per element is the same, as
	// expressions are pure, but it must be evaluated at least once to fail where the VM does.
	touch := touchFn(l)
	return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool {
		touch(f)
		for _, t := range tests {
			if t(f) {
				return true
			}
		}
		return false
	}}, true
}

// touchFn evaluates x for its failures only.
func touchFn[L any](x fexpr[L]) func(*fastEnv[L]) {
	switch x.kind {
	case kBool:
		return func(f *fastEnv[L]) { x.b(f) }
	case kInt:
		return func(f *fastEnv[L]) { x.i(f) }
	case kFloat:
		return func(f *fastEnv[L]) { x.f(f) }
	case kString:
		return func(f *fastEnv[L]) { x.s(f) }
	}
	return func(f *fastEnv[L]) { x.t(f) }
}

// Comparison, with expr's rules: ints compare as ints, an int and a float as floats, strings
// by bytes, bools for equality, times with Before/After/Equal.

func compare[L any](op string, l, r fexpr[L]) (fexpr[L], bool) {
	switch {
	case l.kind == kInt && r.kind == kInt:
		return compareInt(op, l, r), true
	case (l.kind == kInt || l.kind == kFloat) && (r.kind == kInt || r.kind == kFloat):
		return compareFloat(op, asFloat(l), asFloat(r)), true
	case l.kind == kString && r.kind == kString:
		return compareString(op, l, r), true
	case l.kind == kBool && r.kind == kBool && (op == "==" || op == "!="):
		a, b := l.b, r.b
		if op == "==" {
			return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return a(f) == b(f) }}, true
		}
		return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return a(f) != b(f) }}, true
	case l.kind == kTime && r.kind == kTime:
		return compareTime(op, l, r), true
	}
	return fexpr[L]{}, false
}

// asFloat converts an int expression to float64 as expr does when it meets a float.
func asFloat[L any](x fexpr[L]) fexpr[L] {
	if x.kind == kFloat {
		return x
	}
	if x.isConst {
		return constFloat[L](float64(x.ci))
	}
	i := x.i
	return fexpr[L]{kind: kFloat, f: func(f *fastEnv[L]) float64 { return float64(i(f)) }}
}

func compareInt[L any](op string, l, r fexpr[L]) fexpr[L] {
	if l.field != nil && r.isConst {
		k, c := l.field.slot, r.ci
		x := fexpr[L]{kind: kBool}
		switch {
		case op == ">=":
			x.rng = &intRange{k, c, math.MaxInt}
		case op == "<=":
			x.rng = &intRange{k, math.MinInt, c}
		case op == ">" && c < math.MaxInt:
			x.rng = &intRange{k, c + 1, math.MaxInt}
		case op == "<" && c > math.MinInt:
			x.rng = &intRange{k, math.MinInt, c - 1}
		}
		var b func(*fastEnv[L]) bool
		switch op {
		case "==":
			b = func(f *fastEnv[L]) bool { return *f.ints[k] == c }
		case "!=":
			b = func(f *fastEnv[L]) bool { return *f.ints[k] != c }
		case "<":
			b = func(f *fastEnv[L]) bool { return *f.ints[k] < c }
		case ">":
			b = func(f *fastEnv[L]) bool { return *f.ints[k] > c }
		case "<=":
			b = func(f *fastEnv[L]) bool { return *f.ints[k] <= c }
		default:
			b = func(f *fastEnv[L]) bool { return *f.ints[k] >= c }
		}
		x.b = b
		return x
	}
	a, c := l.i, r.i
	var b func(*fastEnv[L]) bool
	switch op {
	case "==":
		b = func(f *fastEnv[L]) bool { return a(f) == c(f) }
	case "!=":
		b = func(f *fastEnv[L]) bool { return a(f) != c(f) }
	case "<":
		b = func(f *fastEnv[L]) bool { return a(f) < c(f) }
	case ">":
		b = func(f *fastEnv[L]) bool { return a(f) > c(f) }
	case "<=":
		b = func(f *fastEnv[L]) bool { return a(f) <= c(f) }
	default:
		b = func(f *fastEnv[L]) bool { return a(f) >= c(f) }
	}
	return fexpr[L]{kind: kBool, b: b}
}

func compareFloat[L any](op string, l, r fexpr[L]) fexpr[L] {
	if l.field != nil && l.field.kind == kFloat && r.isConst {
		k, c := l.field.slot, r.cf
		var b func(*fastEnv[L]) bool
		switch op {
		case "==":
			b = func(f *fastEnv[L]) bool { return *f.floats[k] == c }
		case "!=":
			b = func(f *fastEnv[L]) bool { return *f.floats[k] != c }
		case "<":
			b = func(f *fastEnv[L]) bool { return *f.floats[k] < c }
		case ">":
			b = func(f *fastEnv[L]) bool { return *f.floats[k] > c }
		case "<=":
			b = func(f *fastEnv[L]) bool { return *f.floats[k] <= c }
		default:
			b = func(f *fastEnv[L]) bool { return *f.floats[k] >= c }
		}
		return fexpr[L]{kind: kBool, b: b}
	}
	a, c := l.f, r.f
	var b func(*fastEnv[L]) bool
	switch op {
	case "==":
		b = func(f *fastEnv[L]) bool { return a(f) == c(f) }
	case "!=":
		b = func(f *fastEnv[L]) bool { return a(f) != c(f) }
	case "<":
		b = func(f *fastEnv[L]) bool { return a(f) < c(f) }
	case ">":
		b = func(f *fastEnv[L]) bool { return a(f) > c(f) }
	case "<=":
		b = func(f *fastEnv[L]) bool { return a(f) <= c(f) }
	default:
		b = func(f *fastEnv[L]) bool { return a(f) >= c(f) }
	}
	return fexpr[L]{kind: kBool, b: b}
}

func compareString[L any](op string, l, r fexpr[L]) fexpr[L] {
	if l.field != nil && r.isConst && (op == "==" || op == "!=") {
		k, c := l.field.slot, r.cs
		if op == "==" {
			return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return *f.strs[k] == c }}
		}
		return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return *f.strs[k] != c }}
	}
	a, c := l.s, r.s
	var b func(*fastEnv[L]) bool
	switch op {
	case "==":
		b = func(f *fastEnv[L]) bool { return a(f) == c(f) }
	case "!=":
		b = func(f *fastEnv[L]) bool { return a(f) != c(f) }
	case "<":
		b = func(f *fastEnv[L]) bool { return a(f) < c(f) }
	case ">":
		b = func(f *fastEnv[L]) bool { return a(f) > c(f) }
	case "<=":
		b = func(f *fastEnv[L]) bool { return a(f) <= c(f) }
	default:
		b = func(f *fastEnv[L]) bool { return a(f) >= c(f) }
	}
	return fexpr[L]{kind: kBool, b: b}
}

func compareTime[L any](op string, l, r fexpr[L]) fexpr[L] {
	a, c := l.t, r.t
	var b func(*fastEnv[L]) bool
	switch op {
	case "==":
		b = func(f *fastEnv[L]) bool { return a(f).Equal(c(f)) }
	case "!=":
		b = func(f *fastEnv[L]) bool { return !a(f).Equal(c(f)) }
	case "<":
		b = func(f *fastEnv[L]) bool { return a(f).Before(c(f)) }
	case ">":
		b = func(f *fastEnv[L]) bool { return a(f).After(c(f)) }
	case "<=":
		b = func(f *fastEnv[L]) bool { x, y := a(f), c(f); return x.Before(y) || x.Equal(y) }
	default:
		b = func(f *fastEnv[L]) bool { x, y := a(f), c(f); return x.After(y) || x.Equal(y) }
	}
	return fexpr[L]{kind: kBool, b: b}
}

// arithmetic follows expr: int op int stays int (wrapping like Go), except / which is always
// a float division and ** which is math.Pow; a float on either side makes it float64; + joins
// strings. Each float result is converted explicitly so that no platform fuses a multiply
// and an add into one rounding, which the VM (one operation per instruction) never does.
func arithmetic[L any](op string, l, r fexpr[L]) (fexpr[L], bool) {
	if op == "+" && l.kind == kString && r.kind == kString {
		a, b := l.s, r.s
		return fexpr[L]{kind: kString, s: func(f *fastEnv[L]) string { return a(f) + b(f) }}, true
	}
	num := func(k fkind) bool { return k == kInt || k == kFloat }
	if !num(l.kind) || !num(r.kind) {
		return fexpr[L]{}, false
	}
	switch op {
	case "/":
		a, b := asFloat(l).f, asFloat(r).f
		return fexpr[L]{kind: kFloat, f: func(f *fastEnv[L]) float64 { return float64(a(f) / b(f)) }}, true
	case "**", "^":
		a, b := asFloat(l).f, asFloat(r).f
		return fexpr[L]{kind: kFloat, f: func(f *fastEnv[L]) float64 { return math.Pow(a(f), b(f)) }}, true
	case "%":
		if l.kind != kInt || r.kind != kInt {
			return fexpr[L]{}, false // the VM fails on every float modulo
		}
		a, b := l.i, r.i
		return fexpr[L]{kind: kInt, i: func(f *fastEnv[L]) int {
			x, y := a(f), b(f)
			if y == 0 {
				f.slow = true // the VM's "integer divide by zero"
				return 0
			}
			return x % y
		}}, true
	}
	if l.kind == kInt && r.kind == kInt {
		a, b := l.i, r.i
		var i func(*fastEnv[L]) int
		switch op {
		case "+":
			i = func(f *fastEnv[L]) int { return a(f) + b(f) }
		case "-":
			i = func(f *fastEnv[L]) int { return a(f) - b(f) }
		default:
			i = func(f *fastEnv[L]) int { return a(f) * b(f) }
		}
		return fexpr[L]{kind: kInt, i: i}, true
	}
	a, b := asFloat(l).f, asFloat(r).f
	var g func(*fastEnv[L]) float64
	switch op {
	case "+":
		g = func(f *fastEnv[L]) float64 { return float64(a(f) + b(f)) }
	case "-":
		g = func(f *fastEnv[L]) float64 { return float64(a(f) - b(f)) }
	default:
		g = func(f *fastEnv[L]) float64 { return float64(a(f) * b(f)) }
	}
	return fexpr[L]{kind: kFloat, f: g}, true
}

// Calls: the library's functions, called directly, and a few methods of time.Time.

func (fc *fastCompiler[L]) call(n *ast.CallNode) (fexpr[L], bool) {
	switch callee := n.Callee.(type) {
	case *ast.IdentifierNode:
		return fc.function(callee.Value, n.Arguments)
	case *ast.MemberNode:
		if callee.Optional {
			return fexpr[L]{}, false
		}
		name, ok := callee.Property.(*ast.StringNode)
		if !ok || callee.Node.Type() != timeType {
			return fexpr[L]{}, false
		}
		recv, ok := fc.compile(callee.Node)
		if !ok {
			return fexpr[L]{}, false
		}
		return fc.timeMethod(recv, name.Value, n.Arguments)
	}
	return fexpr[L]{}, false
}

func (fc *fastCompiler[L]) args(nodes []ast.Node, kinds ...fkind) ([]fexpr[L], bool) {
	if len(nodes) != len(kinds) {
		return nil, false
	}
	out := make([]fexpr[L], len(nodes))
	for i, n := range nodes {
		x, ok := fc.compile(n)
		if !ok || x.kind != kinds[i] {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}

func (fc *fastCompiler[L]) function(name string, nodes []ast.Node) (fexpr[L], bool) {
	switch name {
	case "domain", "seniority", "department":
		a, ok := fc.args(nodes, kString)
		if !ok {
			return fexpr[L]{}, false
		}
		fn := map[string]func(string) string{
			"domain": classify.Domain, "seniority": classify.Seniority, "department": classify.Department,
		}[name]
		return fc.memoString(a[0], fn), true
	case "free_email", "academic":
		a, ok := fc.args(nodes, kString)
		if !ok {
			return fexpr[L]{}, false
		}
		fn := classify.FreeEmail
		if name == "academic" {
			fn = classify.Academic
		}
		return fc.memoBool(a[0], fn), true
	case "listed":
		a, ok := fc.args(nodes, kString, kString)
		if !ok || !a[0].isConst {
			return fexpr[L]{}, false
		}
		list, found := fc.plan.lists[a[0].cs]
		s := a[1].s
		if !found {
			return constBool[L](false), true
		}
		return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return list.Contains(s(f)) }}, true
	case "·years_since":
		a, ok := fc.args(nodes, kTime, kTime)
		if !ok {
			return fexpr[L]{}, false
		}
		now, t := a[0].t, a[1].t
		return fexpr[L]{kind: kFloat, f: func(f *fastEnv[L]) float64 { return yearsBetween(t(f), now(f)) }}, true
	}
	return fexpr[L]{}, false // a user's function: the VM calls it
}

// memoString calls fn on x, remembering the result for the evaluation when x is a lead field:
// rule sets ask seniority(lead.Title) several times per lead.
func (fc *fastCompiler[L]) memoString(x fexpr[L], fn func(string) string) fexpr[L] {
	s := x.s
	if x.field == nil || !x.field.lead {
		return fexpr[L]{kind: kString, s: func(f *fastEnv[L]) string { return fn(s(f)) }}
	}
	m := fc.memo(x.field, reflect.ValueOf(fn).Pointer())
	return fexpr[L]{kind: kString, s: func(f *fastEnv[L]) string {
		if f.memoGen[m] == f.gen {
			return f.memoStr[m]
		}
		v := fn(s(f))
		f.memoGen[m], f.memoStr[m] = f.gen, v
		return v
	}}
}

func (fc *fastCompiler[L]) memoBool(x fexpr[L], fn func(string) bool) fexpr[L] {
	s := x.s
	if x.field == nil || !x.field.lead {
		return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return fn(s(f)) }}
	}
	m := fc.memo(x.field, reflect.ValueOf(fn).Pointer())
	return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool {
		if f.memoGen[m] == f.gen {
			return f.memoBool[m]
		}
		v := fn(s(f))
		f.memoGen[m], f.memoBool[m] = f.gen, v
		return v
	}}
}

// memo returns the memo slot of fn applied to the field, shared by every expression.
func (fc *fastCompiler[L]) memo(fd *fastField, fn uintptr) int {
	key := memoKey{field: fd.kind, slot: fd.slot, fn: fn}
	p := fc.plan
	if m, ok := p.memoIndex[key]; ok {
		return m
	}
	for _, s := range fc.stagedMemoKeys {
		if s.key == key {
			return s.slot
		}
	}
	m := p.memos + fc.stagedMemos
	fc.stagedMemos++
	fc.stagedMemoKeys = append(fc.stagedMemoKeys, stagedMemo{key, m})
	return m
}

type memoKey struct {
	field fkind
	slot  int
	fn    uintptr
}

type stagedMemo struct {
	key  memoKey
	slot int
}

func (fc *fastCompiler[L]) timeMethod(recv fexpr[L], name string, nodes []ast.Node) (fexpr[L], bool) {
	t := recv.t
	switch name {
	case "IsZero":
		if len(nodes) != 0 {
			return fexpr[L]{}, false
		}
		return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return t(f).IsZero() }}, true
	case "Year", "YearDay", "Day", "Hour", "Minute", "Second", "Unix":
		if len(nodes) != 0 {
			return fexpr[L]{}, false
		}
		fn := map[string]func(time.Time) int{
			"Year": time.Time.Year, "YearDay": time.Time.YearDay, "Day": time.Time.Day,
			"Hour": time.Time.Hour, "Minute": time.Time.Minute, "Second": time.Time.Second,
			"Unix": func(t time.Time) int { return int(t.Unix()) },
		}[name]
		return fexpr[L]{kind: kInt, i: func(f *fastEnv[L]) int { return fn(t(f)) }}, true
	case "Before", "After", "Equal":
		a, ok := fc.args(nodes, kTime)
		if !ok {
			return fexpr[L]{}, false
		}
		u := a[0].t
		fn := map[string]func(time.Time, time.Time) bool{
			"Before": time.Time.Before, "After": time.Time.After, "Equal": time.Time.Equal,
		}[name]
		return fexpr[L]{kind: kBool, b: func(f *fastEnv[L]) bool { return fn(t(f), u(f)) }}, true
	}
	return fexpr[L]{}, false
}

// builtin compiles the string built-ins of expr that rule sets use.
func (fc *fastCompiler[L]) builtin(n *ast.BuiltinNode) (fexpr[L], bool) {
	switch n.Name {
	case "lower", "upper":
		a, ok := fc.args(n.Arguments, kString)
		if !ok {
			return fexpr[L]{}, false
		}
		fn := strings.ToLower
		if n.Name == "upper" {
			fn = strings.ToUpper
		}
		s := a[0].s
		return fexpr[L]{kind: kString, s: func(f *fastEnv[L]) string { return fn(s(f)) }}, true
	case "trim":
		if len(n.Arguments) == 1 {
			a, ok := fc.args(n.Arguments, kString)
			if !ok {
				return fexpr[L]{}, false
			}
			s := a[0].s
			return fexpr[L]{kind: kString, s: func(f *fastEnv[L]) string { return strings.TrimSpace(s(f)) }}, true
		}
		a, ok := fc.args(n.Arguments, kString, kString)
		if !ok {
			return fexpr[L]{}, false
		}
		s, cut := a[0].s, a[1].s
		return fexpr[L]{kind: kString, s: func(f *fastEnv[L]) string { return strings.Trim(s(f), cut(f)) }}, true
	case "trimPrefix", "trimSuffix":
		a, ok := fc.args(n.Arguments, kString, kString)
		if !ok {
			return fexpr[L]{}, false
		}
		fn := strings.TrimPrefix
		if n.Name == "trimSuffix" {
			fn = strings.TrimSuffix
		}
		s, cut := a[0].s, a[1].s
		return fexpr[L]{kind: kString, s: func(f *fastEnv[L]) string { return fn(s(f), cut(f)) }}, true
	case "hasPrefix", "hasSuffix":
		a, ok := fc.args(n.Arguments, kString, kString)
		if !ok {
			return fexpr[L]{}, false
		}
		op := map[string]string{"hasPrefix": "startsWith", "hasSuffix": "endsWith"}[n.Name]
		return stringTest(op, a[0], a[1]), true
	case "len":
		a, ok := fc.args(n.Arguments, kString)
		if !ok {
			return fexpr[L]{}, false
		}
		s := a[0].s
		return fexpr[L]{kind: kInt, i: func(f *fastEnv[L]) int { return utf8.RuneCountInString(s(f)) }}, true
	}
	return fexpr[L]{}, false
}
