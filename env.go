package leadscore

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/leadscore/leadscore/internal/budget"
	"github.com/leadscore/leadscore/internal/classify"
	"github.com/leadscore/leadscore/internal/fastpath"
	"github.com/leadscore/leadscore/internal/text"
)

// env is the expression environment: one value per evaluation, passed to the VM by value
// (a pointer env costs expr dozens of allocations per run). Fields whose names start with '·'
// cannot be written in an expression (the lexer rejects the character): they hold the values
// of count, days_since and has_signal calls, which compilation rewrites into indexed reads.
// Their slices are made once per scratch and written in place: the fast path points into
// them (fastDescription).
type env[L any] struct {
	Lead         L              `expr:"lead"`
	Now          time.Time      `expr:"now"`
	Event        Event          `expr:"event"`
	Stage        string         `expr:"stage"`
	DaysInStage  float64        `expr:"days_in_stage"`
	Fit          float64        `expr:"fit"`
	Engagement   float64        `expr:"engagement"`
	Relationship float64        `expr:"relationship"`
	Total        float64        `expr:"total"`
	Tier         string         `expr:"tier"`
	Handoff      bool           `expr:"handoff"`
	Disqualified bool           `expr:"disqualified"`
	FreshHandoff bool           `expr:"fresh_handoff"`
	Counts       []int          `expr:"·count"`
	DaysSince    []float64      `expr:"·days_since"`
	Signals      []bool         `expr:"·signal"`
	Budget       *budget.Budget `expr:"·budget"` // the evaluation's step budget (internal/budget: budget.Field)
}

// scope says where an expression lives, and so which names it may read.
type scope uint8

const (
	scopeRule  scope = iota // attribute rules: lead, now, stage, days_in_stage, count, days_since
	scopeEvent              // event rules: the above and event
	scopeGuard              // tiers, personas, signals, journey guards: the above (no event) and scores, has_signal
	scopeValue              // report values (CompileValue) and lead fields: lead and now only
)

func (s scope) String() string {
	switch s {
	case scopeRule:
		return "attribute rules"
	case scopeEvent:
		return "event rules"
	case scopeValue:
		return "expressions over the lead alone (report values, lead_fields)"
	}
	return "tiers, personas, signals and journey guards"
}

// scoreNames are the names only guards may read: rules feed the scores, so reading them would
// be a cycle.
var scoreNames = map[string]bool{
	"fit": true, "engagement": true, "relationship": true, "total": true,
	"tier": true, "handoff": true, "disqualified": true, "fresh_handoff": true,
}

// reads is what an expression may read beyond the lead, now and the functions every scope
// calls (listed, years_since, the classifiers, expr's built-ins, the embedder's).
type reads uint8

const (
	readsEvent   reads = 1 << iota // event
	readsJourney                   // stage, days_in_stage
	readsHistory                   // count(type, window), days_since
	readsScores                    // the scores and what follows from them (scoreNames)
	readsSignals                   // has_signal
)

// scopeReads is what each scope may read: the one table that both the patcher (checkName,
// rewriteCall) and the suggestions (teach.go) go by, so that no error suggests a name its
// expression could not read either.
var scopeReads = [...]reads{
	scopeRule:  readsJourney | readsHistory,
	scopeEvent: readsEvent, // an event rule decides once, when its event is observed: orderDependent
	scopeGuard: readsJourney | readsHistory | readsScores | readsSignals,
	scopeValue: 0, // the lead alone
}

// nameReads is what reading name, a variable of the environment or one of leadscore's
// functions, needs; 0 for what every scope reads.
func nameReads(name string) reads {
	switch {
	case name == "event":
		return readsEvent
	case name == "stage" || name == "days_in_stage":
		return readsJourney
	case name == "count" || name == "days_since": // count: the event count; expr's count is everywhere
		return readsHistory
	case name == "has_signal":
		return readsSignals
	case scoreNames[name]:
		return readsScores
	}
	return 0
}

// reads reports whether an expression of scope s may read name.
func (s scope) reads(name string) bool {
	need := nameReads(name)
	return scopeReads[s]&need == need
}

// fastEnv is the fast path's view of a scratch's env (internal/fastpath).
type fastEnv[L any] = fastpath.Env[env[L]]

// fastDescription tells the fast path what it cannot see in env's type: which field is the
// event and which the lead, the slices the patcher's indexed reads address, and the Go
// functions behind the built-ins (functions.go), which it calls directly.
func fastDescription(lists map[string]classify.List) fastpath.Description {
	return fastpath.Description{
		Event:  "Event",
		Stable: "Lead",
		Slices: []string{"Counts", "DaysSince", "Signals"},
		Funcs: map[string]any{
			"domain": classify.Domain, "seniority": classify.Seniority, "department": classify.Department,
			"free_email": classify.FreeEmail, "academic": classify.Academic,
			"·years_since": func(now, t time.Time) float64 { return yearsBetween(t, now) },
		},
		// Their results are constants (domain's is a substring of its input: not cached); an
		// email's classifications depend on its domain only, so leads at one company or on
		// one mail provider share them.
		Cached: map[string]func(string) (string, bool){
			"seniority": nil, "department": nil, "free_email": classify.DomainKey, "academic": classify.DomainKey,
		},
		Listed: "listed",
		Lists:  lists,
	}
}

// program is one compiled expression: expr's bytecode, and where the fast path could compile
// it, an equivalent Go closure over the environment (internal/fastpath).
type program[L any] struct {
	src      string
	prog     *vm.Program
	fastBool func(*fastEnv[L]) bool    // nil: run prog on the VM
	fastNum  func(*fastEnv[L]) float64 // nil: run prog on the VM
	fastStr  func(*fastEnv[L]) string  // nil: run prog on the VM
	// eventOnly: the fast closure reads nothing but event fields and constants, so it may
	// run with only env.Event set (Accumulate).
	eventOnly bool
	// Where it comes from, for reports such as Costs: kind, ID and field as in RuleError.
	kind      ItemKind
	id, field string
	charged   bool // rewritten to charge the step budget (internal/budget)
	// typeLits: an event rule's condition, the strings it compares event.Type with
	// (typeLiterals), found in the tree the limits checked rather than parsed again.
	typeLits []typeLiteral
}

// countSlot is one distinct count(type, window) in a rule set.
type countSlot struct {
	typ    int   // index into the layout's tracked types
	window int64 // nanoseconds
}

// exprCompiler compiles the expressions of one rule set, allocating the slots that count,
// days_since and has_signal read.
type exprCompiler[L any] struct {
	types       *typeTable
	lists       map[string]bool
	signalKinds map[string]int
	options     []expr.Option          // shared: environment, built-ins, user functions
	fast        *fastpath.Plan[env[L]] // the fields the fast path reads; nil: no fast path
	limits      Limits
	plain       *conf.Config // the options without the patcher, for typeCheck and compileExpr
	// plainPartial: building plain panicked part way (config), so compileExpr cannot start
	// from it.
	plainPartial bool

	counts    []countSlot
	countRefs []int         // per count slot: references outside a constant comparison
	countNeed []int         // per count slot: the largest constant it is compared against, plus one
	countRead []itemRef     // per count slot: the first expression that reads it as a number
	since     []int         // per days_since slot: tracked type
	programs  []*program[L] // every expression compiled, in config order
	nodes     int           // syntax nodes of the expressions checked so far
	nodesOver bool          // nodes went over Limits.MaxTotalNodes
}

// resultKind is what an expression must evaluate to.
type resultKind uint8

const (
	resultNumber resultKind = iota
	resultBool
	resultString // lead_fields (lead_fields.go)
)

// compile compiles src as a boolean (asBool) or numeric expression in the given scope. It
// returns nil and records a positioned RuleError when src is invalid.
func (c *exprCompiler[L]) compile(src string, sc scope, asBool bool, errs *errorList, kind ItemKind, id, field string) *program[L] {
	want := resultNumber
	if asBool {
		want = resultBool
	}
	return c.compileAs(src, sc, want, errs, kind, id, field)
}

// compileAs compiles src as an expression of the result kind want in the given scope.
func (c *exprCompiler[L]) compileAs(src string, sc scope, want resultKind, errs *errorList, kind ItemKind, id, field string) *program[L] {
	if c.nodesOver {
		return nil // the rule set is over MaxTotalNodes: reported once, nothing more compiles
	}
	tree, nodes, err := c.limits.checkCounting(src)
	c.nodes += nodes
	if !within(c.nodes, c.limits.MaxTotalNodes) {
		c.nodesOver = true
		errs.tooLarge("expressions", "the rule set's expressions have more than %s syntax nodes in all (a matches pattern counting its instructions), at most %s (Limits.MaxTotalNodes): %s %q is where they run over",
			text.Thousands(c.nodes), text.Thousands(c.limits.MaxTotalNodes), kind, shortName(id))
		return nil
	}
	if err != nil {
		errs.add(kind, id, field, err)
		return nil
	}
	needs, typeLits, err := c.readParsed(tree, sc)
	if err == nil {
		err = c.typeCheck(src, tree, sc)
	}
	if err != nil {
		errs.add(kind, id, field, err)
		return nil
	}
	v := &patcher[L]{c: c, scope: sc, src: file.NewSource(src)}
	opts := []expr.Option{expr.Patch(v)}
	if needs.Any() {
		opts = append(opts, expr.Patch(&budget.Patcher{Needs: needs}))
	}
	switch want {
	case resultBool:
		opts = append(opts, expr.AsBool())
	case resultString:
		opts = append(opts, expr.AsKind(reflect.String))
	default:
		opts = append(opts, expr.AsFloat64())
	}
	prog, err := c.compileExpr(src, opts)
	if v.err != nil { // the patcher's findings are more precise than what the checker says next
		err = v.err
	}
	if err != nil {
		errs.add(kind, id, field, err)
		return nil
	}
	v.commit(itemRef{kind, id, field})
	p := &program[L]{src: src, prog: prog, kind: kind, id: id, field: field, charged: budget.Charged(prog.Node()), typeLits: typeLits}
	c.programs = append(c.programs, p)
	switch {
	case c.fast == nil:
	case want == resultString:
		p.fastStr, _ = c.fast.CompileString(prog.Node())
	default:
		if x, ok := c.fast.Compile(prog.Node(), want == resultBool); ok {
			p.fastBool, p.fastNum, p.eventOnly = x.Bool, x.Num, x.EventOnly
		}
	}
	return p
}

// readParsed reads what compileAs needs of tree, src as the limits parsed it, before
// typeCheck rewrites it: what the step budget must charge, and for an event rule the strings it
// compares event.Type with. A panic building the configuration is an error, as in typeCheck.
func (c *exprCompiler[L]) readParsed(tree *parser.Tree, sc scope) (needs budget.Needs, lits []typeLiteral, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("expression rejected: %v", r)
		}
	}()
	if c.limits.StepBudget != Unlimited {
		needs = budget.Analyze(tree.Node, c.builtinIsCall)
	}
	if sc == scopeEvent {
		lits = typeLiterals(tree)
	}
	return needs, lits, nil
}

// typeCheck type-checks src without the patcher. It works around an expr v1.17.8 bug: after
// a patcher runs, the checker's second pass trusts the types its first pass gave calls to
// typed functions and skips their arguments, so seniority(lead.Titel) would compile and fail
// at every evaluation. An event count is checked as what the patcher makes of it, a slot read
// (count_overload.go), and calls of expr's array built-ins that its checker passes but that
// fail when they run are refused (array_builtins.go). An unknown name or field gets a
// suggestion (teach.go).
//
// parsed is src as the limits parsed it, without the configuration; typeCheck takes it over
// (checking rewrites it) unless the configuration would have parsed src otherwise
// (parsedAlike), and then parses src again.
func (c *exprCompiler[L]) typeCheck(src string, parsed *parser.Tree, sc scope) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("expression rejected: %v", r)
		}
	}()
	tree, reused := parsed, parsed != nil && c.parsedAlike(parsed)
	if !reused {
		if tree, err = parser.ParseWithConfig(src, c.config()); err != nil {
			return err
		}
	}
	rewriteEventCounts(tree, src, c.config())
	if _, err := checker.Check(tree, c.config()); err != nil {
		if reused {
			// Parsing with the configuration also bounds the nodes the parser makes (a count
			// the limits' walk need not share): its error is the one to report, as before.
			if _, perr := parser.ParseWithConfig(src, c.config()); perr != nil {
				return perr
			}
		}
		return c.teach(tree, err, sc)
	}
	if fe := checkArrayBuiltins(&tree.Node, c.config()); fe != nil {
		return fe.Bind(file.NewSource(src))
	}
	return nil
}

// parsedAlike reports whether tree, parsed without the configuration, is what parsing with it
// gives. They differ only where the parser meets a call of a built-in that the configuration
// disables or that a function or environment field of the same name overrides: the parser
// then makes a CallNode instead of a BuiltinNode.
func (c *exprCompiler[L]) parsedAlike(tree *parser.Tree) bool {
	cfg := c.config()
	if cfg.DisableIfOperator {
		return false
	}
	alike := true
	ast.Walk(&tree.Node, visitorFunc(func(n *ast.Node) {
		if b, ok := (*n).(*ast.BuiltinNode); ok && (cfg.Disabled[b.Name] || cfg.IsOverridden(b.Name)) {
			alike = false
		}
	}))
	return alike
}

// config returns the expression options as expr's configuration, without the patcher: what
// parsing and type checking need (leadscore's functions, such as count, parse as calls).
func (c *exprCompiler[L]) config() *conf.Config {
	if c.plain == nil {
		c.plain, c.plainPartial = conf.CreateNew(), true
		for _, op := range c.options {
			op(c.plain)
		}
		for name := range c.plain.Disabled {
			delete(c.plain.Builtins, name)
		}
		c.plain.Check()
		c.plainPartial = false
	}
	return c.plain
}

// builtinIsCall reports whether a built-in node of a tree parsed without the config is in
// fact a call, not one of expr's loops: a built-in the config's functions shadow, or
// leadscore's count(type, window) (isEventCount). The step budget charges loops.
func (c *exprCompiler[L]) builtinIsCall(n *ast.BuiltinNode) bool {
	_, shadowed := c.config().Functions[n.Name]
	return shadowed || isEventCount(n)
}

type visitorFunc func(*ast.Node)

func (f visitorFunc) Visit(n *ast.Node) { f(n) }

// compileExpr is expr.Compile(src, c.options followed by opts), turning a panic inside expr
// into an error: hostile rule text must never take the caller down. It does what
// expr.Compile does, but starts from a copy of the configuration of c.options, built once
// (config), instead of building it again for every expression: opts only add patchers and
// set the expected result.
func (c *exprCompiler[L]) compileExpr(src string, opts []expr.Option) (prog *vm.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, fmt.Errorf("expression rejected: %v", r)
		}
	}()
	if c.plainPartial { // building it panicked: do as expr.Compile does, which panics alike
		return expr.Compile(src, append(c.options[:len(c.options):len(c.options)], opts...)...)
	}
	config := *c.config()
	config.Visitors = slices.Clip(config.Visitors)
	for _, op := range opts {
		op(&config)
	}
	config.Check()
	tree, err := checker.ParseCheck(src, &config)
	if err != nil {
		return nil, err
	}
	if config.Optimize {
		if err := optimizer.Optimize(&tree.Node, &config); err != nil {
			var fe *file.Error
			if errors.As(err, &fe) {
				return nil, fe.Bind(tree.Source)
			}
			return nil, err
		}
	}
	prog, err = compiler.Compile(tree, &config)
	if err != nil {
		return nil, err
	}
	return prog, nil
}

// patcher checks the names an expression reads and rewrites the calls whose arguments must be
// constants. Slots it allocates are kept only if the expression compiles (commit).
type patcher[L any] struct {
	c     *exprCompiler[L]
	scope scope
	src   file.Source
	err   *file.Error

	newCounts []countSlot
	refs      map[int]int // count slot → references
	needs     map[int]int // count slot → constant comparison bound + 1
	cmpRefs   map[int]int // count slot → references inside constant comparisons
	newSince  []int
}

func (p *patcher[L]) fail(n ast.Node, format string, args ...any) {
	if p.err != nil {
		return
	}
	p.err = (&file.Error{Location: n.Location(), Message: fmt.Sprintf(format, args...)}).Bind(p.src)
}

// failHint is fail with a suggestion appended, looked for only when the failure is the one
// reported: an expression reports its first.
func (p *patcher[L]) failHint(n ast.Node, hint func() string, format string, args ...any) {
	if p.err == nil {
		p.fail(n, "%s%s", fmt.Sprintf(format, args...), hint())
	}
}

func (p *patcher[L]) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		p.checkName(n)
	case *ast.CallNode:
		if m, ok := n.Callee.(*ast.MemberNode); ok && m.Node.Type() == timeType {
			if name, ok := m.Property.(*ast.StringNode); ok && name.Value == "Local" {
				// time.Time's Local reads the server's zone (from the environment and the zone
				// files, at first use): a rule's result would depend on where it runs.
				p.fail(n, "Local() converts to the server's time zone, which rules never read: compare times as they are")
				return
			}
		}
		p.rewriteCall(node, n)
	case *ast.BuiltinNode:
		if isEventCount(n) {
			p.rewriteCall(node, eventCountCall(n))
		}
	case *ast.BinaryNode:
		p.noteComparison(n)
	}
}

func (p *patcher[L]) checkName(n *ast.IdentifierNode) {
	if p.scope.reads(n.Value) {
		return
	}
	switch need := nameReads(n.Value); {
	case need == readsEvent:
		p.fail(n, "event is only available in event rules")
	case need == readsScores && p.scope == scopeValue:
		p.fail(n, "%s is not available in %s", n.Value, p.scope)
	case need == readsJourney && p.scope == scopeValue:
		p.fail(n, "%s is not available in %s: they see the lead, not its journey", n.Value, p.scope)
	case need == readsJourney:
		p.fail(n, "%s is not available in event rules: %s", n.Value, orderDependent)
	case need == readsScores:
		p.fail(n, "%s is not available in rules: rules make the scores, so only tiers, personas, signals and journey guards may read them", n.Value)
	}
}

// orderDependent explains why event rules may not read the lead's history: an event rule
// decides once, when its event is observed, whether the event scores. What count, days_since
// or the stage say at that moment depends on which other events have arrived yet, so the same
// events observed in another order (late, redelivered, merged from shards) would score
// differently. Attribute rules are evaluated afresh at every Score, so they can read it.
const orderDependent = `the same events arriving in another order (late, redelivered, merged from shards) would score differently, because an event rule decides when its event is observed; read it in an attribute rule instead, such as when: count("page_view", "7d") >= 3`

// constString returns the value of a string literal argument, or fails.
func (p *patcher[L]) constString(call *ast.CallNode, fn string, i int, what string) (string, bool) {
	s, ok := call.Arguments[i].(*ast.StringNode)
	if !ok {
		p.fail(call.Arguments[i], "%s: the %s must be a string constant", fn, what)
		return "", false
	}
	return s.Value, true
}

func (p *patcher[L]) rewriteCall(node *ast.Node, call *ast.CallNode) {
	callee, ok := call.Callee.(*ast.IdentifierNode)
	if !ok {
		return
	}
	name := callee.Value
	if name == "known" || name == "unknown" {
		p.rewriteKnown(node, call, name)
		return
	}
	want := map[string]int{"count": 2, "days_since": 1, "has_signal": 1, "listed": 2, "years_since": 1}[name]
	if want == 0 {
		return
	}
	switch {
	case p.scope.reads(name):
	case p.scope == scopeValue:
		p.fail(call, "%s is not available in %s: they see the lead, not its events", name, p.scope)
		return
	case nameReads(name) == readsHistory:
		p.fail(call, "%s is not available in event rules: %s", name, orderDependent)
		return
	}
	if len(call.Arguments) != want {
		p.fail(call, "%s takes %d arguments, got %d", name, want, len(call.Arguments))
		return
	}
	switch name {
	case "count":
		typ, ok1 := p.constString(call, name, 0, "event type")
		win, ok2 := p.constString(call, name, 1, `window (e.g. "14d")`)
		if !ok1 || !ok2 {
			return
		}
		t, ok := p.eventType(call.Arguments[0], typ)
		if !ok {
			return
		}
		d, err := ParseDuration(win)
		if err != nil || d <= 0 {
			p.fail(call.Arguments[1], "count: window %q is not a positive duration such as \"14d\"", win)
			return
		}
		k := p.countSlot(countSlot{typ: t, window: int64(d)})
		p.refs[k]++
		ast.Patch(node, withType(slotRead("·count", k), reflect.TypeFor[int]()))
	case "days_since":
		typ, ok := p.constString(call, name, 0, "event type")
		if !ok {
			return
		}
		t, ok := p.eventType(call.Arguments[0], typ)
		if !ok {
			return
		}
		k := len(p.c.since) + len(p.newSince)
		p.newSince = append(p.newSince, t)
		ast.Patch(node, withType(slotRead("·days_since", k), reflect.TypeFor[float64]()))
	case "has_signal":
		if !p.scope.reads(name) {
			p.fail(call, "has_signal is not available in rules: signals are detected after the scores")
			return
		}
		kind, ok := p.constString(call, name, 0, "signal kind")
		if !ok {
			return
		}
		k, ok := p.c.signalKinds[kind]
		if !ok {
			p.failHint(call.Arguments[0], func() string {
				return p.c.types.hints.hint(kind, "signal kinds", func() []string { return text.SortedKeys(p.c.signalKinds) }, true)
			}, "has_signal: unknown signal kind %q", kind)
			return
		}
		ast.Patch(node, withType(slotRead("·signal", k), reflect.TypeFor[bool]()))
	case "listed":
		list, ok := p.constString(call, name, 0, "list name")
		if ok && !p.c.lists[list] {
			p.failHint(call.Arguments[0], func() string {
				return p.c.types.hints.hint(list, "lists", func() []string { return text.SortedKeys(p.c.lists) }, true)
			}, "listed: no list %q in the config's lists", list)
		}
	case "years_since":
		// Functions cannot see the environment, so pass now explicitly.
		// Not withType: the checker takes a call's type as final and would not resolve the
		// function; rewriteKnown knows this call's type (patchedType).
		ast.Patch(node, &ast.CallNode{
			Callee:    &ast.IdentifierNode{Value: "·years_since"},
			Arguments: []ast.Node{&ast.IdentifierNode{Value: "now"}, call.Arguments[0]},
		})
	}
}

// withType sets the result type of a node a patcher creates. ast.Patch drops the type of the node
// it replaces, and the checker types the new node only on its next pass, after this walk:
// without it, a call around the new node (known(count(…)), known(has_signal(…))) would see no
// type in the same walk.
func withType(n ast.Node, t reflect.Type) ast.Node {
	n.SetType(t)
	return n
}

func slotRead(field string, k int) ast.Node {
	return &ast.MemberNode{Node: &ast.IdentifierNode{Value: field}, Property: &ast.IntegerNode{Value: k}}
}

func (p *patcher[L]) eventType(n ast.Node, typ string) (int, bool) {
	t, ok := p.c.types.lookup(typ)
	if !ok && p.err == nil { // the first failure is the one reported: suggest only for it
		p.fail(n, "%s", p.c.types.unknownEventType(typ))
	}
	return t, ok
}

// countSlot returns the slot of (type, window), allocating it on first use.
func (p *patcher[L]) countSlot(s countSlot) int {
	if p.refs == nil {
		p.refs, p.needs, p.cmpRefs = map[int]int{}, map[int]int{}, map[int]int{}
	}
	for i, have := range p.c.counts {
		if have == s {
			return i
		}
	}
	for i, have := range p.newCounts {
		if have == s {
			return len(p.c.counts) + i
		}
	}
	p.newCounts = append(p.newCounts, s)
	return len(p.c.counts) + len(p.newCounts) - 1
}

// noteComparison records count(…) compared with a constant: "count(t, w) >= 3" needs only the
// last 3 event times of t, so the State keeps that few.
func (p *patcher[L]) noteComparison(n *ast.BinaryNode) {
	switch n.Operator {
	case "<", "<=", ">", ">=", "==", "!=":
	default:
		return
	}
	k, c, ok := countComparison(n.Left, n.Right)
	if !ok {
		k, c, ok = countComparison(n.Right, n.Left)
	}
	if !ok {
		return
	}
	p.cmpRefs[k]++
	need := 1
	if c >= 0 {
		need = int(math.Min(math.Floor(c), maxCountLimit)) + 1
	}
	p.needs[k] = max(p.needs[k], need)
}

func countComparison(slot, constant ast.Node) (k int, c float64, ok bool) {
	m, ok := slot.(*ast.MemberNode)
	if !ok {
		return 0, 0, false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	if !ok || id.Value != "·count" {
		return 0, 0, false
	}
	k = m.Property.(*ast.IntegerNode).Value
	switch v := constant.(type) {
	case *ast.IntegerNode:
		return k, float64(v.Value), true
	case *ast.FloatNode:
		return k, v.Value, true
	}
	return 0, 0, false
}

// itemRef names the item and field an expression belongs to, for a warning about it.
type itemRef struct {
	kind      ItemKind
	id, field string
}

// commit keeps the slots of an expression that compiled; at names where it is in the config.
func (p *patcher[L]) commit(at itemRef) {
	c := p.c
	c.counts = append(c.counts, p.newCounts...)
	for len(c.countRefs) < len(c.counts) {
		c.countRefs = append(c.countRefs, 0)
		c.countNeed = append(c.countNeed, 0)
		c.countRead = append(c.countRead, itemRef{})
	}
	for k, refs := range p.refs {
		if refs > p.cmpRefs[k] {
			if c.countRefs[k] == 0 {
				c.countRead[k] = at
			}
			c.countRefs[k] += refs - p.cmpRefs[k]
		}
		c.countNeed[k] = max(c.countNeed[k], p.needs[k])
	}
	c.since = append(c.since, p.newSince...)
}

// evaluation errors

// errNotFinite is the cause of a RuleError for a numeric result that is NaN or infinite.
var errNotFinite = errors.New("result is not a finite number")
