package leadscore

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"

	"github.com/leadscore/leadscore/internal/budget"
)

// Limits bound what a rule set and the events it reads may cost, for rule sets written by
// people you do not fully trust and events from the public web (SECURITY.md has the threat
// model). They are safe by default: the zero value of a field means its default
// (DefaultLimits), and Unlimited (-1) turns a limit off; TrustedLimits turns off every limit
// that guards against hostile input, for embedders who write their own rule sets.
type Limits struct {
	MaxExpressionLength int  // bytes per expression (default 4096)
	MaxNodes            uint // syntax-tree nodes per expression (default 256)
	MaxRange            int  // elements of a range a..b, whose bounds must be constants (default 1000)
	MaxPredicateDepth   int  // nesting of all/any/filter/map/… predicates (default 2)
	// MemoryBudget is expr's per-evaluation allocation budget, in its units (default 100000;
	// expr's own default is 1000000). It does not count strings; StepBudget does.
	MemoryBudget uint
	// StepBudget bounds the work of one evaluation of one expression, in steps: an iteration
	// of a predicate (all, any, map, filter, reduce, …), a byte of a string built or scanned,
	// an element of a collection built or scanned. Work is charged before it is done; an
	// evaluation that would exceed the budget stops with a rule error (default 100,000 steps,
	// a few ms of the worst kind of work on a 2020s server core: SECURITY.md has the figures).
	StepBudget int64
	// CallBudget bounds the steps of all the expressions one call (a lead's Score, Observe or
	// Advance) evaluates together (default 1,000,000, tens of ms at worst): a rule set of
	// many rules each near its StepBudget stops there, the rules still to run failing with a
	// rule error, instead of costing MaxRules times the step budget.
	CallBudget int64
	// Builtins lists the expr built-in functions expressions may call (default
	// DefaultBuiltins). The clock built-ins now, date and timezone are never allowed.
	Builtins []string

	// What Observe and Accumulate accept from the public web (ErrEventTooLarge otherwise).
	MaxEventBytes       int // bytes of an event: its strings, and its Properties (default 64 KiB)
	MaxPropertyDepth    int // nesting of maps and arrays in Properties (default 8)
	MaxPropertyElements int // elements of one array or map in Properties (default 1,000)
	MaxStringBytes      int // bytes of one string in an event (default 16 KiB)

	// The size of a rule set (Compile errors otherwise).
	MaxRules       int // rules, event rules, tiers, grades, signals, personas, transitions and the accounts section's rules, roles and tiers together (default 2,000)
	MaxEventTypes  int // event types declared in the config (default 500)
	MaxListEntries int // entries in all lists together (default 100,000)
	MaxWindowSlots int // event times a State keeps for count() and detectors, over all types (default 8,192)
	MaxConfigBytes int // bytes of the rule set's names, expressions, lists and reasons together (default 4 MiB)
	MaxTotalNodes  int // syntax nodes of all the rule set's expressions together, a matches pattern counting its instructions: compile time (default 100,000)
}

// Unlimited, as the value of a Limits field, turns that limit off.
const Unlimited = -1

// DefaultLimits returns the limits Compile applies unless WithLimits says otherwise. They
// admit every rule set the presets and examples contain, with a wide margin.
func DefaultLimits() Limits {
	return Limits{
		MaxExpressionLength: 4096,
		MaxNodes:            256,
		MaxRange:            1000,
		MaxPredicateDepth:   2,
		MemoryBudget:        100_000,
		StepBudget:          100_000,
		CallBudget:          1_000_000,
		Builtins:            DefaultBuiltins(),
		MaxEventBytes:       64 << 10,
		MaxPropertyDepth:    8,
		MaxPropertyElements: 1000,
		MaxStringBytes:      16 << 10,
		MaxRules:            2000,
		MaxEventTypes:       500,
		MaxListEntries:      100_000,
		MaxWindowSlots:      8192,
		MaxConfigBytes:      4 << 20,
		MaxTotalNodes:       100_000,
	}
}

// TrustedLimits returns limits for rule sets and events the embedder trusts: no step budget,
// no event or rule-set size limits. The expression limits stay (they cost nothing at run
// time), and so do the limits the State format needs (name lengths, rule and type counts).
func TrustedLimits() Limits {
	l := DefaultLimits()
	l.StepBudget, l.CallBudget = Unlimited, Unlimited
	l.MaxEventBytes, l.MaxPropertyDepth, l.MaxPropertyElements, l.MaxStringBytes = Unlimited, Unlimited, Unlimited, Unlimited
	l.MaxRules, l.MaxEventTypes, l.MaxListEntries, l.MaxWindowSlots, l.MaxConfigBytes = Unlimited, Unlimited, Unlimited, Unlimited, Unlimited
	l.MaxTotalNodes = Unlimited
	return l
}

// DefaultBuiltins returns the expr built-ins allowed by default: all of expr's except the
// clock (now, date, timezone). repeat, whose output grows with its count argument, is charged
// to the step budget before it builds anything.
func DefaultBuiltins() []string {
	var out []string
	for _, b := range builtin.Builtins {
		if !deniedBuiltins[b.Name] {
			out = append(out, b.Name)
		}
	}
	return out
}

var deniedBuiltins = map[string]bool{"now": true, "date": true, "timezone": true}

var clockBuiltins = []string{"now", "date", "timezone"}

// WithLimits sets the limits on rule sets, expressions and events; zero fields keep their
// defaults, Unlimited turns a limit off.
func WithLimits(l Limits) Option {
	return func(o *options) {
		d := DefaultLimits()
		if l.MaxExpressionLength > 0 {
			d.MaxExpressionLength = l.MaxExpressionLength
		}
		if l.MaxNodes > 0 {
			d.MaxNodes = l.MaxNodes
		}
		if l.MaxRange > 0 {
			d.MaxRange = l.MaxRange
		}
		if l.MaxPredicateDepth > 0 {
			d.MaxPredicateDepth = l.MaxPredicateDepth
		}
		if l.MemoryBudget > 0 {
			d.MemoryBudget = l.MemoryBudget
		}
		if l.Builtins != nil {
			d.Builtins = l.Builtins
		}
		if l.StepBudget != 0 {
			d.StepBudget = l.StepBudget
		}
		if l.CallBudget != 0 {
			d.CallBudget = l.CallBudget
		}
		for _, f := range []struct {
			dst *int
			v   int
		}{
			{&d.MaxEventBytes, l.MaxEventBytes}, {&d.MaxPropertyDepth, l.MaxPropertyDepth},
			{&d.MaxPropertyElements, l.MaxPropertyElements}, {&d.MaxStringBytes, l.MaxStringBytes},
			{&d.MaxRules, l.MaxRules}, {&d.MaxEventTypes, l.MaxEventTypes}, {&d.MaxListEntries, l.MaxListEntries},
			{&d.MaxWindowSlots, l.MaxWindowSlots}, {&d.MaxConfigBytes, l.MaxConfigBytes}, {&d.MaxTotalNodes, l.MaxTotalNodes},
		} {
			if f.v != 0 {
				*f.dst = f.v
			}
		}
		o.limits = d
	}
}

// within reports whether n is within the limit max (Unlimited: always).
func within(n, max int) bool { return max == Unlimited || n <= max }

// builtinOptions disables every expr built-in the limits do not allow.
func (l Limits) builtinOptions() []expr.Option {
	var opts []expr.Option
	for _, b := range builtin.Builtins {
		if !slices.Contains(l.Builtins, b.Name) || slices.Contains(clockBuiltins, b.Name) {
			opts = append(opts, expr.DisableBuiltin(b.Name))
		}
	}
	return append(opts, expr.MaxNodes(l.MaxNodes))
}

// check rejects src if it breaks the limits, before expr type-checks and compiles it: the
// expression's size, its syntax nodes, its ranges (a range builds its array when it runs, so
// its size must be known), the nesting of its predicates and the built-ins it calls.
func (l Limits) check(src string) (*parser.Tree, error) {
	tree, _, err := l.checkCounting(src)
	return tree, err
}

// checkCounting is check, also returning what the expression weighs toward MaxTotalNodes: its
// syntax nodes, and its matches patterns by their instructions (patternInstructionsPerNode).
func (l Limits) checkCounting(src string) (*parser.Tree, int, error) {
	if len(src) > l.MaxExpressionLength {
		return nil, 0, fmt.Errorf("expression of %d bytes, longer than the limit of %d", len(src), l.MaxExpressionLength)
	}
	if !utf8.ValidString(src) {
		return nil, 0, fmt.Errorf("expression is not valid UTF-8")
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, 0, err
	}
	c := limitChecker{limits: l, src: file.NewSource(src)}
	c.walk(tree.Node, 0)
	weight := int(c.nodes) + c.patterns/patternInstructionsPerNode
	if c.err != nil {
		return nil, weight, c.err
	}
	return tree, weight, nil
}

// patternInstructionsPerNode is what a matches pattern weighs toward MaxTotalNodes: a
// literal pattern is compiled at every stage of compiling its expression (type checks,
// compiler, fast path: about 8 times, 2 MB for 2,000 instructions), so each of its
// (estimated) instructions counts as a syntax node. Uncounted, 1,990 rules each matching a
// pattern of 1,956 instructions were 6,000 nodes, well within the limit, and took Compile
// 2.5 s and 4 GB.
const patternInstructionsPerNode = 1

type limitChecker struct {
	limits   Limits
	src      file.Source
	nodes    uint
	patterns int // instructions of the literal matches patterns (PatternInstructions)
	err      *file.Error
}

func (c *limitChecker) fail(n ast.Node, format string, args ...any) {
	if c.err == nil {
		c.err = (&file.Error{Location: n.Location(), Message: fmt.Sprintf(format, args...)}).Bind(c.src)
	}
}

// walk visits n with depth predicates around it.
func (c *limitChecker) walk(n ast.Node, depth int) {
	if n == nil || c.err != nil {
		return
	}
	c.nodes++
	if c.nodes > c.limits.MaxNodes {
		c.fail(n, "expression has more than %d nodes (the limit)", c.limits.MaxNodes)
		return
	}
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if n.Value == "$env" {
			// $env is the whole environment: through it an expression reached what its scope
			// hides (the journey from an event rule) and the step budget itself
			// ($env["·budget"].Charge(-now.UnixNano()) refilled it, and a 10 GB replace ran).
			c.fail(n, "$env is not available: read lead, now and the names of the expression's scope")
		}
	case *ast.BinaryNode:
		if n.Operator == ".." {
			lo, ok1 := n.Left.(*ast.IntegerNode)
			hi, ok2 := n.Right.(*ast.IntegerNode)
			switch {
			case !ok1 || !ok2:
				c.fail(n, "a range needs constant bounds (a..b with integer literals)")
			case hi.Value >= lo.Value && uint64(hi.Value)-uint64(lo.Value) >= uint64(c.limits.MaxRange):
				// Computed unsigned: 0..9223372036854775807 would wrap a signed difference.
				c.fail(n, "range of %d elements, more than the limit of %d", uint64(hi.Value)-uint64(lo.Value)+1, c.limits.MaxRange)
			}
		}
		if pattern, ok := n.Right.(*ast.StringNode); ok && n.Operator == "matches" {
			if insts, err := budget.PatternInstructions(pattern.Value); err == nil {
				c.patterns += insts
			}
		}
		if n.Operator == "matches" && c.limits.StepBudget != Unlimited {
			pattern, ok := n.Right.(*ast.StringNode)
			if !ok {
				c.fail(n.Right, "matches needs a literal pattern under the step budget: a pattern built at run time is compiled at every evaluation, at a cost no budget can charge beforehand")
			} else if insts, err := budget.PatternInstructions(pattern.Value); err == nil && insts > budget.MaxPatternInstructions {
				c.fail(n.Right, "the pattern compiles to more than %d instructions (its repeats multiply): too costly to compile and to match", budget.MaxPatternInstructions)
			}
		}
		c.walk(n.Left, depth)
		c.walk(n.Right, depth)
	case *ast.BuiltinNode:
		if isEventCount(n) { // leadscore's count(type, window): a call, its window no predicate
			for _, a := range n.Arguments {
				if p, ok := a.(*ast.PredicateNode); ok {
					c.nodes++
					a = p.Node
				}
				c.walk(a, depth)
			}
			return
		}
		switch {
		case slices.Contains(clockBuiltins, n.Name):
			c.fail(n, "%s() reads the clock or the zone files, which rules never do: the variable now is the evaluation time", n.Name)
		case !slices.Contains(c.limits.Builtins, n.Name):
			c.fail(n, "built-in %s is not allowed (see Limits.Builtins)", n.Name)
		}
		for _, a := range n.Arguments {
			c.walk(a, depth)
		}
	case *ast.PredicateNode:
		if depth+1 > c.limits.MaxPredicateDepth {
			c.fail(n, "predicates nested %d deep, more than the limit of %d", depth+1, c.limits.MaxPredicateDepth)
			return
		}
		c.walk(n.Node, depth+1)
	case *ast.UnaryNode:
		c.walk(n.Node, depth)
	case *ast.ChainNode:
		c.walk(n.Node, depth)
	case *ast.MemberNode:
		c.walk(n.Node, depth)
		c.walk(n.Property, depth)
	case *ast.SliceNode:
		c.walk(n.Node, depth)
		c.walk(n.From, depth)
		c.walk(n.To, depth)
	case *ast.CallNode:
		c.walk(n.Callee, depth)
		for _, a := range n.Arguments {
			c.walk(a, depth)
		}
	case *ast.VariableDeclaratorNode:
		c.walk(n.Value, depth)
		c.walk(n.Expr, depth)
	case *ast.SequenceNode:
		for _, s := range n.Nodes {
			c.walk(s, depth)
		}
	case *ast.ConditionalNode:
		c.walk(n.Cond, depth)
		c.walk(n.Exp1, depth)
		c.walk(n.Exp2, depth)
	case *ast.ArrayNode:
		for _, e := range n.Nodes {
			c.walk(e, depth)
		}
	case *ast.MapNode:
		for _, p := range n.Pairs {
			c.walk(p, depth)
		}
	case *ast.PairNode:
		c.walk(n.Key, depth)
		c.walk(n.Value, depth)
	}
}
