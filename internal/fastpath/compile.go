package fastpath

import (
	"math"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"

	"github.com/leadscore/leadscore/internal/text"
)

// Compiled is an expression compiled to a closure: Bool for a boolean expression, Num for a
// numeric one (the other is nil). Run it with Env.RunBool or Env.RunNum.
type Compiled[E any] struct {
	Bool func(*Env[E]) bool
	Num  func(*Env[E]) float64
	// EventOnly: the closure reads nothing but fields inside the Event field, in place, and
	// constants, so it may run with only that field set, without a Load.
	EventOnly bool
}

// Compile compiles node, the root of a checked and optimised expr AST (vm.Program.Node) of a
// program whose result the checker made a bool (asBool) or a number (expr.AsFloat64). It
// returns false when any part of the expression has a shape the fast path does not know:
// the caller runs that program on the VM. It panics if an Env was bound to p already.
func (p *Plan[E]) Compile(node ast.Node, asBool bool) (Compiled[E], bool) {
	if p.bound.Load() {
		panic("fastpath: Compile after Bind: the Envs bound already have tables too small for it")
	}
	fc := &compiler[E]{plan: p}
	x, ok := fc.compile(node)
	if !ok {
		return Compiled[E]{}, false
	}
	var c Compiled[E]
	switch {
	case asBool && x.kind == kBool:
		c.Bool = x.b
	case !asBool && x.kind == kInt:
		i := x.i
		c.Num = func(f *Env[E]) float64 { return float64(i(f)) }
	case !asBool && x.kind == kFloat:
		c.Num = x.f
	default:
		return Compiled[E]{}, false
	}
	c.EventOnly = p.eventAt >= 0 && !fc.copies && fc.reads&^(1<<p.eventAt) == 0
	fc.commit()
	return c, true
}

// CompileString compiles node, the root of a checked and optimised expr AST of a program whose
// result the checker made a string (expr.AsKind(reflect.String)), such as a field read
// "lead.Email". It returns false, as Compile does, when the VM must run the program.
func (p *Plan[E]) CompileString(node ast.Node) (func(*Env[E]) string, bool) {
	if p.bound.Load() {
		panic("fastpath: Compile after Bind: the Envs bound already have tables too small for it")
	}
	fc := &compiler[E]{plan: p}
	x, ok := fc.compile(node)
	if !ok || x.kind != kString {
		return nil, false
	}
	fc.commit()
	return x.s, true
}

// compiler compiles one expression; the fields and memo slots it stages join the plan only
// if the whole expression compiles.
type compiler[E any] struct {
	plan           *Plan[E]
	staged         []stagedField
	stagedSlots    [nKinds]int
	stagedIndirect int
	stagedMemos    int
	stagedMemoKeys []stagedMemo
	stagedLists    []stagedList
	reads          uint64 // bit i: the expression reads field i of E (or one inside it)
	copies         bool   // it reads a field Load copies
}

// fexpr is a compiled node: a closure of its kind and, for constants and plain field reads,
// what parents specialise on.
type fexpr[E any] struct {
	kind kind
	b    func(*Env[E]) bool
	i    func(*Env[E]) int
	f    func(*Env[E]) float64
	s    func(*Env[E]) string
	t    func(*Env[E]) time.Time

	isConst bool
	cb      bool
	ci      int
	cf      float64
	cs      string

	field *field    // a field read in place (no check)
	rng   *intRange // an int field compared with a constant, as a range
	safe  bool      // it cannot hand over (see cannotFail)
}

// cannotFail reports that evaluating x never hands over: a constant, a field read in place,
// or a function of the Description called on one. Such an x may go unevaluated where the VM
// would evaluate it only for its failures.
func (x fexpr[E]) cannotFail() bool { return x.isConst || x.field != nil || x.safe }

// intRange is field ∈ [lo, hi]: what an int field compared with a constant tests, so that
// "x >= 50 && x < 1000" becomes one closure.
type intRange struct {
	slot   int
	lo, hi int
}

// typeKind is the kind of a node's checked type.
func typeKind(n ast.Node) kind { return kindOf(n.Type()) }

func (fc *compiler[E]) compile(n ast.Node) (fexpr[E], bool) {
	var x fexpr[E]
	var ok bool
	switch n := n.(type) {
	case *ast.BoolNode:
		x, ok = constBool[E](n.Value), typeKind(n) == kBool
	case *ast.IntegerNode:
		switch n.Type().Kind() { // the checker may type an integer literal as a float
		case reflect.Int:
			x, ok = constInt[E](n.Value), true
		case reflect.Float64:
			x, ok = constFloat[E](float64(n.Value)), true
		}
	case *ast.FloatNode:
		x, ok = constFloat[E](n.Value), n.Type().Kind() == reflect.Float64
	case *ast.StringNode:
		x, ok = constString[E](n.Value), true
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
		return fexpr[E]{}, false
	}
	// What the closure returns must be what the checker says the node is: where they differ
	// (an interface, a named type), the VM's dynamic behaviour is not ours to guess.
	if k := typeKind(n); k != x.kind {
		return fexpr[E]{}, false
	}
	return x, true
}

// Constants.

func constBool[E any](v bool) fexpr[E] {
	return fexpr[E]{kind: kBool, isConst: true, cb: v, b: func(*Env[E]) bool { return v }}
}

func constInt[E any](v int) fexpr[E] {
	return fexpr[E]{kind: kInt, isConst: true, ci: v, i: func(*Env[E]) int { return v }}
}

func constFloat[E any](v float64) fexpr[E] {
	return fexpr[E]{kind: kFloat, isConst: true, cf: v, f: func(*Env[E]) float64 { return v }}
}

func constString[E any](v string) fexpr[E] {
	return fexpr[E]{kind: kString, isConst: true, cs: v, s: func(*Env[E]) string { return v }}
}

func (fc *compiler[E]) constant(n *ast.ConstantNode) (fexpr[E], bool) {
	switch v := n.Value.(type) {
	case bool:
		return constBool[E](v), true
	case int:
		return constInt[E](v), true
	case float64:
		return constFloat[E](v), true
	case string:
		return constString[E](v), true
	}
	return fexpr[E]{}, false // the in-sets are handled by "in"
}

// Names and fields.

func (fc *compiler[E]) identifier(n *ast.IdentifierNode) (fexpr[E], bool) {
	p := fc.plan
	idx, ok := p.envNat.FieldIndex(p.cache, n.Value)
	if !ok {
		return fexpr[E]{}, false
	}
	return fc.read(idx, -1)
}

func (fc *compiler[E]) member(n *ast.MemberNode) (fexpr[E], bool) {
	if n.Method || n.Optional {
		return fexpr[E]{}, false
	}
	if id, ok := n.Node.(*ast.IdentifierNode); ok {
		if idx, ok := fc.plan.envNat.FieldIndex(fc.plan.cache, id.Value); ok && len(idx) == 1 && fc.plan.slices[idx[0]] {
			// One of the Slices, at a constant index; a negative one counts from the end
			// in expr, and is left to it.
			k, ok := n.Property.(*ast.IntegerNode)
			if !ok || k.Value < 0 {
				return fexpr[E]{}, false
			}
			return fc.read(idx, k.Value)
		}
	}
	path, ok := fc.fieldPath(n)
	if !ok {
		return fexpr[E]{}, false
	}
	return fc.read(path, -1)
}

// fieldPath returns the reflect index path from E of a chain of field accesses ending in a
// field of E, as expr's compiler folds it into one OpLoadField; false for
// anything else (a method, a map, an index, a computed base).
func (fc *compiler[E]) fieldPath(n ast.Node) ([]int, bool) {
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

// read compiles a read of the field at path (from E), or of its element elem when elem ≥ 0.
func (fc *compiler[E]) read(path []int, elem int) (fexpr[E], bool) {
	fd, ok := fc.field(path, elem)
	if !ok || path[0] >= 64 {
		return fexpr[E]{}, false
	}
	fc.reads |= 1 << path[0]
	k, ind := fd.slot, fd.indirect
	fc.copies = fc.copies || ind >= 0
	x := fexpr[E]{kind: fd.kind}
	if ind < 0 {
		x.field = &fd
		switch fd.kind {
		case kInt:
			x.i = func(f *Env[E]) int { return *f.ints[k] }
		case kFloat:
			x.f = func(f *Env[E]) float64 { return *f.floats[k] }
		case kString:
			x.s = func(f *Env[E]) string { return *f.strs[k] }
		case kBool:
			x.b = func(f *Env[E]) bool { return *f.bools[k] }
		case kTime:
			x.t = func(f *Env[E]) time.Time { return *f.times[k] }
		}
		return x, true
	}
	// Behind a pointer: the VM fails on a nil one, so leave the evaluation to it.
	switch fd.kind {
	case kInt:
		x.i = func(f *Env[E]) int {
			if !f.ok[ind] {
				f.slow = true
				return 0
			}
			return *f.ints[k]
		}
	case kFloat:
		x.f = func(f *Env[E]) float64 {
			if !f.ok[ind] {
				f.slow = true
				return 0
			}
			return *f.floats[k]
		}
	case kString:
		x.s = func(f *Env[E]) string {
			if !f.ok[ind] {
				f.slow = true
				return ""
			}
			return *f.strs[k]
		}
	case kBool:
		x.b = func(f *Env[E]) bool {
			if !f.ok[ind] {
				f.slow = true
				return false
			}
			return *f.bools[k]
		}
	case kTime:
		x.t = func(f *Env[E]) time.Time {
			if !f.ok[ind] {
				f.slow = true
				return time.Time{}
			}
			return *f.times[k]
		}
	}
	return x, true
}

// Operators.

func (fc *compiler[E]) unary(n *ast.UnaryNode) (fexpr[E], bool) {
	x, ok := fc.compile(n.Node)
	if !ok {
		return fexpr[E]{}, false
	}
	switch n.Operator {
	case "!", "not":
		if x.kind != kBool {
			return fexpr[E]{}, false
		}
		if x.isConst {
			return constBool[E](!x.cb), true
		}
		b := x.b
		return fexpr[E]{kind: kBool, safe: x.cannotFail(), b: func(f *Env[E]) bool { return !b(f) }}, true
	case "+":
		if x.kind != kInt && x.kind != kFloat {
			return fexpr[E]{}, false
		}
		return x, true
	case "-":
		// expr negates in the operand's own type: int8(-128) stays -128. Only the types
		// whose negation int arithmetic reproduces are ours.
		switch n.Node.Type().Kind() {
		case reflect.Int, reflect.Int64:
			i := x.i
			return fexpr[E]{kind: kInt, i: func(f *Env[E]) int { return -i(f) }}, true
		case reflect.Float32, reflect.Float64:
			g := x.f
			return fexpr[E]{kind: kFloat, f: func(f *Env[E]) float64 { return -g(f) }}, true
		}
	}
	return fexpr[E]{}, false
}

func (fc *compiler[E]) conditional(n *ast.ConditionalNode) (fexpr[E], bool) {
	c, ok1 := fc.compile(n.Cond)
	a, ok2 := fc.compile(n.Exp1)
	b, ok3 := fc.compile(n.Exp2)
	if !ok1 || !ok2 || !ok3 || c.kind != kBool || a.kind != b.kind {
		return fexpr[E]{}, false
	}
	cond := c.b
	x := fexpr[E]{kind: a.kind}
	switch a.kind {
	case kBool:
		p, q := a.b, b.b
		x.b = func(f *Env[E]) bool {
			if cond(f) {
				return p(f)
			}
			return q(f)
		}
	case kInt:
		p, q := a.i, b.i
		x.i = func(f *Env[E]) int {
			if cond(f) {
				return p(f)
			}
			return q(f)
		}
	case kFloat:
		p, q := a.f, b.f
		x.f = func(f *Env[E]) float64 {
			if cond(f) {
				return p(f)
			}
			return q(f)
		}
	case kString:
		p, q := a.s, b.s
		x.s = func(f *Env[E]) string {
			if cond(f) {
				return p(f)
			}
			return q(f)
		}
	case kTime:
		p, q := a.t, b.t
		x.t = func(f *Env[E]) time.Time {
			if cond(f) {
				return p(f)
			}
			return q(f)
		}
	}
	return x, true
}

func (fc *compiler[E]) binary(n *ast.BinaryNode) (fexpr[E], bool) {
	switch n.Operator {
	case "in":
		return fc.in(n)
	case "matches":
		return fc.matches(n)
	}
	l, ok := fc.compile(n.Left)
	if !ok {
		return fexpr[E]{}, false
	}
	if n.Operator == "??" {
		// No kind the fast path has is ever nil: the left side is the value, and the right
		// side is never evaluated.
		return l, true
	}
	r, ok := fc.compile(n.Right)
	if !ok {
		return fexpr[E]{}, false
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
			return fexpr[E]{}, false
		}
		return stringTest(n.Operator, l, r), true
	}
	return fexpr[E]{}, false
}

// logical is and (and=true) or or, short-circuiting like the VM: the right side is not
// evaluated (and cannot fail) when the left decides.
func logical[E any](l, r fexpr[E], and bool) (fexpr[E], bool) {
	if l.kind != kBool || r.kind != kBool {
		return fexpr[E]{}, false
	}
	if x, ok := foldLogical(l, r, and); ok {
		return x, true
	}
	a, b := l.b, r.b
	if and {
		if x, y := l.rng, r.rng; x != nil && y != nil && x.slot == y.slot {
			// One field between two bounds: a range test, in one closure.
			k, lo, hi := x.slot, max(x.lo, y.lo), min(x.hi, y.hi)
			return fexpr[E]{kind: kBool, rng: &intRange{k, lo, hi}, b: func(f *Env[E]) bool {
				v := *f.ints[k]
				return v >= lo && v <= hi
			}}, true
		}
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return a(f) && b(f) }}, true
	}
	return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return a(f) || b(f) }}, true
}

// foldLogical is l and r (and) or l or r with a constant side, as the VM evaluates it: the
// left side first, the right one only when the left does not decide. A constant right side
// that decides leaves the left one to be evaluated for its failures, unless it cannot fail.
func foldLogical[E any](l, r fexpr[E], and bool) (fexpr[E], bool) {
	switch {
	case l.isConst && l.cb == and: // true && r, false || r: r decides
		return r, true
	case l.isConst: // false && r, true || r: r is not evaluated
		return constBool[E](!and), true
	case r.isConst && r.cb == and: // l && true, l || false: l
		return l, true
	case r.isConst && l.cannotFail(): // l && false, l || true
		return constBool[E](!and), true
	}
	return fexpr[E]{}, false
}

// matches handles a constant pattern, which expr compiles once too.
func (fc *compiler[E]) matches(n *ast.BinaryNode) (fexpr[E], bool) {
	pat, ok := n.Right.(*ast.StringNode)
	if !ok {
		return fexpr[E]{}, false
	}
	re, err := regexp.Compile(pat.Value)
	if err != nil {
		return fexpr[E]{}, false
	}
	l, ok := fc.compile(n.Left)
	if !ok || l.kind != kString {
		return fexpr[E]{}, false
	}
	s := l.s
	return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return re.MatchString(s(f)) }}, true
}

func stringTest[E any](op string, l, r fexpr[E]) fexpr[E] {
	a := l.s
	if l.field != nil && r.isConst {
		return fieldStringTest[E](op, l.field.slot, r.cs)
	}
	if r.isConst {
		c := r.cs
		switch op {
		case "contains":
			if len(c) == 1 {
				ch := c[0]
				return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return strings.IndexByte(a(f), ch) >= 0 }}
			}
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return strings.Contains(a(f), c) }}
		case "startsWith":
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return strings.HasPrefix(a(f), c) }}
		default:
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return strings.HasSuffix(a(f), c) }}
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
	return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return fn(a(f), b(f)) }}
}

// fieldStringTest is stringTest of a field read in place against a constant: the field's
// slot is read in the test's own closure, one call where a read closure would make two.
func fieldStringTest[E any](op string, k int, c string) fexpr[E] {
	switch op {
	case "contains":
		if len(c) == 1 {
			ch := c[0]
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return strings.IndexByte(*f.strs[k], ch) >= 0 }}
		}
		if sc, ok := newShort(c); ok && len(c) > 0 {
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return sc.contains(*f.strs[k], c) }}
		}
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return strings.Contains(*f.strs[k], c) }}
	case "startsWith":
		if sc, ok := newShort(c); ok {
			return fexpr[E]{kind: kBool, b: fieldPrefixShort[E](k, sc)}
		}
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return strings.HasPrefix(*f.strs[k], c) }}
	}
	if sc, ok := newShort(c); ok {
		return fexpr[E]{kind: kBool, b: fieldSuffixShort[E](k, sc)}
	}
	return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return strings.HasSuffix(*f.strs[k], c) }}
}

// in handles the constant sets expr's optimiser makes of literal arrays (map[string]struct{}
// for strings, map[int]struct{} for ints), and literal arrays it left alone, which the VM
// searches with its == (so 1 in [1.0] holds).
func (fc *compiler[E]) in(n *ast.BinaryNode) (fexpr[E], bool) {
	l, ok := fc.compile(n.Left)
	if !ok {
		return fexpr[E]{}, false
	}
	switch set := n.Right.(type) {
	case *ast.ConstantNode:
		switch m := set.Value.(type) {
		case map[string]struct{}:
			if l.kind != kString {
				return fexpr[E]{}, false
			}
			return stringIn(l, text.SortedKeys(m)), true
		case map[int]struct{}:
			if l.kind != kInt {
				return fexpr[E]{}, false
			}
			s := l.i
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { _, ok := m[s(f)]; return ok }}, true
		case []any: // a literal array the parser folded
			var elems []fexpr[E]
			for _, v := range m {
				x, ok := fc.constant(&ast.ConstantNode{Value: v})
				if !ok {
					return fexpr[E]{}, false
				}
				elems = append(elems, x)
			}
			return arrayIn(l, elems)
		}
	case *ast.ArrayNode:
		var elems []fexpr[E]
		for _, e := range set.Nodes {
			x, ok := fc.compile(e)
			if !ok || !x.isConst {
				return fexpr[E]{}, false
			}
			elems = append(elems, x)
		}
		return arrayIn(l, elems)
	}
	return fexpr[E]{}, false
}

// stringIn tests membership in a constant set: short constants in a perfect hash table of
// their words (shortSet), else a few strings compared, or a map.
func stringIn[E any](l fexpr[E], set []string) fexpr[E] {
	s := l.s
	if short, ok := newShortSet(set); ok {
		if l.field != nil {
			k := l.field.slot
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return short.has(*f.strs[k]) }}
		}
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return short.has(s(f)) }}
	}
	if len(set) > 8 {
		m := make(map[string]struct{}, len(set))
		for _, v := range set {
			m[v] = struct{}{}
		}
		if l.field != nil {
			k := l.field.slot
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { _, ok := m[*f.strs[k]]; return ok }}
		}
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { _, ok := m[s(f)]; return ok }}
	}
	if l.field != nil {
		k := l.field.slot
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return inSmallSet(*f.strs[k], set) }}
	}
	return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return inSmallSet(s(f), set) }}
}

// inSmallSet is membership in a few strings, compared rather than hashed: a length check
// rejects most of them before any byte is read.
func inSmallSet(v string, set []string) bool {
	for _, c := range set {
		if len(v) == len(c) && v == c {
			return true
		}
	}
	return false
}

// arrayIn is runtime.In over a literal array: Equal(element, needle) for each.
func arrayIn[E any](l fexpr[E], elems []fexpr[E]) (fexpr[E], bool) {
	var tests []func(*Env[E]) bool
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
	return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool {
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
func touchFn[E any](x fexpr[E]) func(*Env[E]) {
	switch x.kind {
	case kBool:
		return func(f *Env[E]) { x.b(f) }
	case kInt:
		return func(f *Env[E]) { x.i(f) }
	case kFloat:
		return func(f *Env[E]) { x.f(f) }
	case kString:
		return func(f *Env[E]) { x.s(f) }
	}
	return func(f *Env[E]) { x.t(f) }
}

// Comparison, with expr's rules: ints compare as ints, an int and a float as floats, strings
// by bytes, bools for equality, times with Before/After/Equal.

func compare[E any](op string, l, r fexpr[E]) (fexpr[E], bool) {
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
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return a(f) == b(f) }}, true
		}
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return a(f) != b(f) }}, true
	case l.kind == kTime && r.kind == kTime:
		return compareTime(op, l, r), true
	}
	return fexpr[E]{}, false
}

// asFloat converts an int expression to float64 as expr does when it meets a float.
func asFloat[E any](x fexpr[E]) fexpr[E] {
	if x.kind == kFloat {
		return x
	}
	if x.isConst {
		return constFloat[E](float64(x.ci))
	}
	i := x.i
	return fexpr[E]{kind: kFloat, f: func(f *Env[E]) float64 { return float64(i(f)) }}
}

func compareInt[E any](op string, l, r fexpr[E]) fexpr[E] {
	if l.field != nil && r.isConst {
		k, c := l.field.slot, r.ci
		x := fexpr[E]{kind: kBool}
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
		var b func(*Env[E]) bool
		switch op {
		case "==":
			b = func(f *Env[E]) bool { return *f.ints[k] == c }
		case "!=":
			b = func(f *Env[E]) bool { return *f.ints[k] != c }
		case "<":
			b = func(f *Env[E]) bool { return *f.ints[k] < c }
		case ">":
			b = func(f *Env[E]) bool { return *f.ints[k] > c }
		case "<=":
			b = func(f *Env[E]) bool { return *f.ints[k] <= c }
		default:
			b = func(f *Env[E]) bool { return *f.ints[k] >= c }
		}
		x.b = b
		return x
	}
	a, c := l.i, r.i
	var b func(*Env[E]) bool
	switch op {
	case "==":
		b = func(f *Env[E]) bool { return a(f) == c(f) }
	case "!=":
		b = func(f *Env[E]) bool { return a(f) != c(f) }
	case "<":
		b = func(f *Env[E]) bool { return a(f) < c(f) }
	case ">":
		b = func(f *Env[E]) bool { return a(f) > c(f) }
	case "<=":
		b = func(f *Env[E]) bool { return a(f) <= c(f) }
	default:
		b = func(f *Env[E]) bool { return a(f) >= c(f) }
	}
	return fexpr[E]{kind: kBool, b: b}
}

func compareFloat[E any](op string, l, r fexpr[E]) fexpr[E] {
	if l.field != nil && l.field.kind == kFloat && r.isConst {
		k, c := l.field.slot, r.cf
		var b func(*Env[E]) bool
		switch op {
		case "==":
			b = func(f *Env[E]) bool { return *f.floats[k] == c }
		case "!=":
			b = func(f *Env[E]) bool { return *f.floats[k] != c }
		case "<":
			b = func(f *Env[E]) bool { return *f.floats[k] < c }
		case ">":
			b = func(f *Env[E]) bool { return *f.floats[k] > c }
		case "<=":
			b = func(f *Env[E]) bool { return *f.floats[k] <= c }
		default:
			b = func(f *Env[E]) bool { return *f.floats[k] >= c }
		}
		return fexpr[E]{kind: kBool, b: b}
	}
	a, c := l.f, r.f
	var b func(*Env[E]) bool
	switch op {
	case "==":
		b = func(f *Env[E]) bool { return a(f) == c(f) }
	case "!=":
		b = func(f *Env[E]) bool { return a(f) != c(f) }
	case "<":
		b = func(f *Env[E]) bool { return a(f) < c(f) }
	case ">":
		b = func(f *Env[E]) bool { return a(f) > c(f) }
	case "<=":
		b = func(f *Env[E]) bool { return a(f) <= c(f) }
	default:
		b = func(f *Env[E]) bool { return a(f) >= c(f) }
	}
	return fexpr[E]{kind: kBool, b: b}
}

func compareString[E any](op string, l, r fexpr[E]) fexpr[E] {
	if l.field != nil && r.isConst && (op == "==" || op == "!=") {
		k, c := l.field.slot, r.cs
		if sc, ok := newShort(c); ok {
			eq := fieldEqualShort[E](k, sc)
			if op == "==" {
				return fexpr[E]{kind: kBool, b: eq}
			}
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return !eq(f) }}
		}
		if op == "==" {
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return *f.strs[k] == c }}
		}
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return *f.strs[k] != c }}
	}
	a, c := l.s, r.s
	var b func(*Env[E]) bool
	switch op {
	case "==":
		b = func(f *Env[E]) bool { return a(f) == c(f) }
	case "!=":
		b = func(f *Env[E]) bool { return a(f) != c(f) }
	case "<":
		b = func(f *Env[E]) bool { return a(f) < c(f) }
	case ">":
		b = func(f *Env[E]) bool { return a(f) > c(f) }
	case "<=":
		b = func(f *Env[E]) bool { return a(f) <= c(f) }
	default:
		b = func(f *Env[E]) bool { return a(f) >= c(f) }
	}
	return fexpr[E]{kind: kBool, b: b}
}

func compareTime[E any](op string, l, r fexpr[E]) fexpr[E] {
	a, c := l.t, r.t
	var b func(*Env[E]) bool
	switch op {
	case "==":
		b = func(f *Env[E]) bool { return a(f).Equal(c(f)) }
	case "!=":
		b = func(f *Env[E]) bool { return !a(f).Equal(c(f)) }
	case "<":
		b = func(f *Env[E]) bool { return a(f).Before(c(f)) }
	case ">":
		b = func(f *Env[E]) bool { return a(f).After(c(f)) }
	case "<=":
		b = func(f *Env[E]) bool { x, y := a(f), c(f); return x.Before(y) || x.Equal(y) }
	default:
		b = func(f *Env[E]) bool { x, y := a(f), c(f); return x.After(y) || x.Equal(y) }
	}
	return fexpr[E]{kind: kBool, b: b}
}

// arithmetic follows expr: int op int stays int (wrapping like Go), except / which is always
// a float division and ** which is math.Pow; a float on either side makes it float64; + joins
// strings. Each float result is converted explicitly so that no platform fuses a multiply
// and an add into one rounding, which the VM (one operation per instruction) never does.
func arithmetic[E any](op string, l, r fexpr[E]) (fexpr[E], bool) {
	if op == "+" && l.kind == kString && r.kind == kString {
		a, b := l.s, r.s
		return fexpr[E]{kind: kString, s: func(f *Env[E]) string { return a(f) + b(f) }}, true
	}
	num := func(k kind) bool { return k == kInt || k == kFloat }
	if !num(l.kind) || !num(r.kind) {
		return fexpr[E]{}, false
	}
	switch op {
	case "/":
		a, b := asFloat(l).f, asFloat(r).f
		return fexpr[E]{kind: kFloat, f: func(f *Env[E]) float64 { return float64(a(f) / b(f)) }}, true
	case "**", "^":
		a, b := asFloat(l).f, asFloat(r).f
		return fexpr[E]{kind: kFloat, f: func(f *Env[E]) float64 { return math.Pow(a(f), b(f)) }}, true
	case "%":
		if l.kind != kInt || r.kind != kInt {
			return fexpr[E]{}, false // the VM fails on every float modulo
		}
		a, b := l.i, r.i
		return fexpr[E]{kind: kInt, i: func(f *Env[E]) int {
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
		var i func(*Env[E]) int
		switch op {
		case "+":
			i = func(f *Env[E]) int { return a(f) + b(f) }
		case "-":
			i = func(f *Env[E]) int { return a(f) - b(f) }
		default:
			i = func(f *Env[E]) int { return a(f) * b(f) }
		}
		return fexpr[E]{kind: kInt, i: i}, true
	}
	a, b := asFloat(l).f, asFloat(r).f
	var g func(*Env[E]) float64
	switch op {
	case "+":
		g = func(f *Env[E]) float64 { return float64(a(f) + b(f)) }
	case "-":
		g = func(f *Env[E]) float64 { return float64(a(f) - b(f)) }
	default:
		g = func(f *Env[E]) float64 { return float64(a(f) * b(f)) }
	}
	return fexpr[E]{kind: kFloat, f: g}, true
}

// Calls: the library's functions, called directly, and a few methods of time.Time.

func (fc *compiler[E]) call(n *ast.CallNode) (fexpr[E], bool) {
	switch callee := n.Callee.(type) {
	case *ast.IdentifierNode:
		return fc.function(callee.Value, n.Arguments)
	case *ast.MemberNode:
		if callee.Optional {
			return fexpr[E]{}, false
		}
		name, ok := callee.Property.(*ast.StringNode)
		if !ok || callee.Node.Type() != timeType {
			return fexpr[E]{}, false
		}
		recv, ok := fc.compile(callee.Node)
		if !ok {
			return fexpr[E]{}, false
		}
		return fc.timeMethod(recv, name.Value, n.Arguments)
	}
	return fexpr[E]{}, false
}

func (fc *compiler[E]) args(nodes []ast.Node, kinds ...kind) ([]fexpr[E], bool) {
	if len(nodes) != len(kinds) {
		return nil, false
	}
	out := make([]fexpr[E], len(nodes))
	for i, n := range nodes {
		x, ok := fc.compile(n)
		if !ok || x.kind != kinds[i] {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}

// function compiles a call of one of the Description's functions; any other is a user's
// function, which the VM calls.
func (fc *compiler[E]) function(name string, nodes []ast.Node) (fexpr[E], bool) {
	p := fc.plan
	if name == p.listed && name != "" {
		a, ok := fc.args(nodes, kString, kString)
		if !ok || !a[0].isConst {
			return fexpr[E]{}, false
		}
		list, found := p.lists[a[0].cs]
		s := a[1].s
		if !found || list.Len() == 0 { // false, once the value was evaluated for its failures
			if a[1].cannotFail() {
				return constBool[E](false), true // the default B2B's lists, before a user fills them
			}
			return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { s(f); return false }}, true
		}
		c, contains := fc.listCached(a[0].cs), list.Contains
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return f.cache.bool(c, s(f), contains) }}, true
	}
	switch fn := p.funcs[name].(type) {
	case func(string) string:
		a, ok := fc.args(nodes, kString)
		if !ok {
			return fexpr[E]{}, false
		}
		return fc.memoString(a[0], name, fn), true
	case func(string) bool:
		a, ok := fc.args(nodes, kString)
		if !ok {
			return fexpr[E]{}, false
		}
		return fc.memoBool(a[0], name, fn), true
	case func(time.Time, time.Time) float64:
		a, ok := fc.args(nodes, kTime, kTime)
		if !ok {
			return fexpr[E]{}, false
		}
		t, u := a[0].t, a[1].t
		return fexpr[E]{kind: kFloat, f: func(f *Env[E]) float64 { return fn(t(f), u(f)) }}, true
	}
	return fexpr[E]{}, false
}

// memoString calls fn on x, remembering the result until the next Load when x is a field of
// the Stable one read in place: rule sets ask seniority(lead.Title) several times per lead.
// A Cached function is also looked up in the Env's resultCache, whatever x is.
func (fc *compiler[E]) memoString(x fexpr[E], name string, fn func(string) string) fexpr[E] {
	s := x.s
	call := func(_ *Env[E], v string) string { return fn(v) }
	if c, ok := fc.plan.cached[name]; ok {
		call = func(f *Env[E], v string) string { return f.cache.str(c, v, fn) }
	}
	if x.field == nil || !x.field.stable {
		return fexpr[E]{kind: kString, safe: x.cannotFail(), s: func(f *Env[E]) string { return call(f, s(f)) }}
	}
	m, k := fc.memo(x.field, name), x.field.slot
	if c, ok := fc.plan.cached[name]; ok {
		// The commonest classification, a Cached function of a field read in place
		// (seniority(lead.Title)), written out: one closure where a read and a call would
		// make three, at every evaluation that asks it (the memo is new each Load).
		return fexpr[E]{kind: kString, safe: x.cannotFail(), s: func(f *Env[E]) string {
			if f.memoGen[m] == f.gen {
				return f.memoStr[m]
			}
			v := f.cache.str(c, *f.strs[k], fn)
			f.memoGen[m], f.memoStr[m] = f.gen, v
			return v
		}}
	}
	return fexpr[E]{kind: kString, safe: x.cannotFail(), s: func(f *Env[E]) string {
		if f.memoGen[m] == f.gen {
			return f.memoStr[m]
		}
		v := call(f, s(f))
		f.memoGen[m], f.memoStr[m] = f.gen, v
		return v
	}}
}

func (fc *compiler[E]) memoBool(x fexpr[E], name string, fn func(string) bool) fexpr[E] {
	s := x.s
	call := func(_ *Env[E], v string) bool { return fn(v) }
	if c, ok := fc.plan.cached[name]; ok {
		call = func(f *Env[E], v string) bool { return f.cache.bool(c, v, fn) }
	}
	if x.field == nil || !x.field.stable {
		return fexpr[E]{kind: kBool, safe: x.cannotFail(), b: func(f *Env[E]) bool { return call(f, s(f)) }}
	}
	m, k := fc.memo(x.field, name), x.field.slot
	if c, ok := fc.plan.cached[name]; ok { // written out, as in memoString
		return fexpr[E]{kind: kBool, safe: x.cannotFail(), b: func(f *Env[E]) bool {
			if f.memoGen[m] == f.gen {
				return f.memoBool[m]
			}
			v := f.cache.bool(c, *f.strs[k], fn)
			f.memoGen[m], f.memoBool[m] = f.gen, v
			return v
		}}
	}
	return fexpr[E]{kind: kBool, safe: x.cannotFail(), b: func(f *Env[E]) bool {
		if f.memoGen[m] == f.gen {
			return f.memoBool[m]
		}
		v := call(f, s(f))
		f.memoGen[m], f.memoBool[m] = f.gen, v
		return v
	}}
}

// memo returns the memo slot of the function name applied to the field, shared by every
// expression.
func (fc *compiler[E]) memo(fd *field, fn string) int {
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
	field kind
	slot  int
	fn    string // the function's name in Description.Funcs
}

type stagedList struct {
	name string
	cf   cachedFunc
}

// listCached returns the resultCache place of list name's memberships, staging one (after
// those committed and those staged) the first time the expression asks.
func (fc *compiler[E]) listCached(name string) cachedFunc {
	if cf, ok := fc.plan.listCache[name]; ok {
		return cf
	}
	for _, l := range fc.stagedLists {
		if l.name == name {
			return l.cf
		}
	}
	cf := cachedFunc{index: fc.plan.cachedFuncs() + len(fc.stagedLists)}
	fc.stagedLists = append(fc.stagedLists, stagedList{name, cf})
	return cf
}

type stagedMemo struct {
	key  memoKey
	slot int
}

func (fc *compiler[E]) timeMethod(recv fexpr[E], name string, nodes []ast.Node) (fexpr[E], bool) {
	t := recv.t
	switch name {
	case "IsZero":
		if len(nodes) != 0 {
			return fexpr[E]{}, false
		}
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return t(f).IsZero() }}, true
	case "Year", "YearDay", "Day", "Hour", "Minute", "Second", "Unix":
		if len(nodes) != 0 {
			return fexpr[E]{}, false
		}
		fn := map[string]func(time.Time) int{
			"Year": time.Time.Year, "YearDay": time.Time.YearDay, "Day": time.Time.Day,
			"Hour": time.Time.Hour, "Minute": time.Time.Minute, "Second": time.Time.Second,
			"Unix": func(t time.Time) int { return int(t.Unix()) },
		}[name]
		return fexpr[E]{kind: kInt, i: func(f *Env[E]) int { return fn(t(f)) }}, true
	case "Before", "After", "Equal":
		a, ok := fc.args(nodes, kTime)
		if !ok {
			return fexpr[E]{}, false
		}
		u := a[0].t
		fn := map[string]func(time.Time, time.Time) bool{
			"Before": time.Time.Before, "After": time.Time.After, "Equal": time.Time.Equal,
		}[name]
		return fexpr[E]{kind: kBool, b: func(f *Env[E]) bool { return fn(t(f), u(f)) }}, true
	}
	return fexpr[E]{}, false
}

// builtin compiles the string built-ins of expr that rule sets use.
func (fc *compiler[E]) builtin(n *ast.BuiltinNode) (fexpr[E], bool) {
	switch n.Name {
	case "lower", "upper":
		a, ok := fc.args(n.Arguments, kString)
		if !ok {
			return fexpr[E]{}, false
		}
		fn := strings.ToLower
		if n.Name == "upper" {
			fn = strings.ToUpper
		}
		s := a[0].s
		return fexpr[E]{kind: kString, s: func(f *Env[E]) string { return fn(s(f)) }}, true
	case "trim":
		if len(n.Arguments) == 1 {
			a, ok := fc.args(n.Arguments, kString)
			if !ok {
				return fexpr[E]{}, false
			}
			s := a[0].s
			return fexpr[E]{kind: kString, s: func(f *Env[E]) string { return strings.TrimSpace(s(f)) }}, true
		}
		a, ok := fc.args(n.Arguments, kString, kString)
		if !ok {
			return fexpr[E]{}, false
		}
		s, cut := a[0].s, a[1].s
		return fexpr[E]{kind: kString, s: func(f *Env[E]) string { return strings.Trim(s(f), cut(f)) }}, true
	case "trimPrefix", "trimSuffix":
		a, ok := fc.args(n.Arguments, kString, kString)
		if !ok {
			return fexpr[E]{}, false
		}
		fn := strings.TrimPrefix
		if n.Name == "trimSuffix" {
			fn = strings.TrimSuffix
		}
		s, cut := a[0].s, a[1].s
		return fexpr[E]{kind: kString, s: func(f *Env[E]) string { return fn(s(f), cut(f)) }}, true
	case "hasPrefix", "hasSuffix":
		a, ok := fc.args(n.Arguments, kString, kString)
		if !ok {
			return fexpr[E]{}, false
		}
		op := map[string]string{"hasPrefix": "startsWith", "hasSuffix": "endsWith"}[n.Name]
		return stringTest(op, a[0], a[1]), true
	case "len":
		a, ok := fc.args(n.Arguments, kString)
		if !ok {
			return fexpr[E]{}, false
		}
		s := a[0].s
		return fexpr[E]{kind: kInt, i: func(f *Env[E]) int { return utf8.RuneCountInString(s(f)) }}, true
	}
	return fexpr[E]{}, false
}
