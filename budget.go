package leadscore

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/vm/runtime"
)

// The step budget: expr has no CPU limit and its memory budget does not count strings, so
// leadscore charges the work of an evaluation itself. Compilation (budget_patch.go) rewrites
// the expressions whose work depends on data so that the work is charged to a per-evaluation
// budget before or as it is done; the functions below do the charging. An evaluation that
// runs out stops with errStepBudget, which becomes a rule error.

// budget is what one evaluation of one expression may still spend, in steps. Two limits meet
// in it: Limits.StepBudget for the expression, and Limits.CallBudget for all the expressions
// one call (Score, Observe, Advance) evaluates, so that a rule set of many expensive rules is
// bounded too.
type budget struct {
	left  int64  // steps this expression may still take
	limit int64  // what it started with
	on    bool   // a budget applies (not Unlimited)
	why   string // the limit that set it, for the error
	call  int64  // steps the call may still take, across its expressions
}

// errStepBudget is the cause of a rule error for an evaluation that ran out of steps.
var errStepBudget = errors.New("the evaluation exceeded its step budget")

// startCall gives a new call (one lead's Score, Observe or Advance) its budget.
func (b *budget) startCall(l Limits) { b.call = l.CallBudget }

// start gives the next expression its budget: the step budget, or what the call has left.
func (b *budget) start(l Limits) {
	b.on = l.StepBudget != Unlimited
	b.limit, b.why = l.StepBudget, "Limits.StepBudget"
	if l.CallBudget != Unlimited && b.call < b.limit {
		b.limit, b.why = max(b.call, 0), "Limits.CallBudget, for all the rules of one call"
	}
	b.left = b.limit
}

// finish takes what the expression spent from the call's budget.
func (b *budget) finish() {
	if b.on {
		b.call -= b.limit - max(b.left, 0)
	}
}

// charge spends n steps, or fails without spending when fewer are left.
func (b *budget) charge(n int64) error {
	if b == nil || !b.on {
		return nil // no budget: an evaluation outside a Scorer's scratch, or Unlimited
	}
	if n > b.left {
		b.left = -1
		return fmt.Errorf("%w of %d steps (%s): the rule builds or scans too much", errStepBudget, b.limit, b.why)
	}
	b.left -= n
	return nil
}

// chargeDeep charges what it costs to traverse v: a step for v, one per byte of each string
// and one per element of each collection, all the way down. It charges as it walks and stops
// when the budget runs out, so values that share parts (a DAG of arrays built with let, whose
// traversal is exponential in its size) or refer to themselves cannot make the walk itself
// unbounded.
func (b *budget) chargeDeep(v any) error {
	if b == nil || !b.on {
		return nil
	}
	switch v := v.(type) {
	case nil, bool, int, int64, float64:
		return b.charge(1)
	case string:
		return b.charge(int64(len(v)) + 1)
	case []any:
		if err := b.charge(int64(len(v)) + 1); err != nil {
			return err
		}
		for _, e := range v {
			switch e := e.(type) {
			case nil, bool, int, int64, float64:
				// counted by the element's step
			case string:
				if err := b.charge(int64(len(e))); err != nil {
					return err
				}
			default:
				if err := b.chargeDeep(e); err != nil {
					return err
				}
			}
		}
		return nil
	case map[string]any:
		if err := b.charge(int64(len(v)) + 1); err != nil {
			return err
		}
		for k, e := range v {
			if err := b.charge(int64(len(k))); err != nil {
				return err
			}
			if err := b.chargeDeep(e); err != nil {
				return err
			}
		}
		return nil
	}
	return b.chargeValue(reflect.ValueOf(v), 0)
}

// chargeValue is chargeDeep for the typed values expressions read from the lead and built-ins
// return: typed slices and maps, structs, pointers.
func (b *budget) chargeValue(v reflect.Value, depth int) error {
	if err := b.charge(1); err != nil {
		return err
	}
	if depth > 64 { // a pointer cycle the budget has not ended yet: its first 64 links are charged
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		return b.charge(int64(v.Len()))
	case reflect.Slice, reflect.Array:
		if err := b.charge(int64(v.Len())); err != nil {
			return err
		}
		if simple(v.Type().Elem()) {
			return nil
		}
		for i := range v.Len() {
			if err := b.chargeValue(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		if err := b.charge(int64(v.Len())); err != nil {
			return err
		}
		if simple(v.Type().Key()) && simple(v.Type().Elem()) {
			return nil
		}
		for it := v.MapRange(); it.Next(); {
			if err := b.chargeValue(it.Key(), depth+1); err != nil {
				return err
			}
			if err := b.chargeValue(it.Value(), depth+1); err != nil {
				return err
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return b.chargeValue(v.Elem(), depth+1)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return nil
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if err := b.chargeValue(v.Field(i), depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// simple reports whether values of type t have a fixed, small size.
func simple(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// The functions the patched expressions call. Their names start with '·', which the
// expression lexer rejects: only compilation can write them.
const (
	fnCharge  = "·charge"  // ·charge(budget, v): charges v's steps, returns v
	fnReplace = "·replace" // replace, charged before the new string is built
	fnJoin    = "·join"    // join, likewise
	fnRepeat  = "·repeat"  // repeat, likewise
	fnMatch   = "·match"   // ·match(budget, s, n): charges matching s against a pattern of n instructions, returns s
	fnLoop    = "·loop"    // ·loop(budget, c, w): charges a loop over c whose body weighs w, returns c
)

// budgetFunctions declares the charging functions to expr.
func budgetFunctions() expr.Option {
	return func(c *conf.Config) {
		if c.Functions == nil {
			c.Functions = conf.FunctionsTable{}
		}
		c.Functions[fnCharge] = &builtin.Function{Name: fnCharge, Func: chargeValue, Validate: sameTypeAs(1, 2)}
		c.Functions[fnReplace] = &builtin.Function{Name: fnReplace, Func: chargedReplace, Validate: returns(stringType, 4, 5)}
		c.Functions[fnJoin] = &builtin.Function{Name: fnJoin, Func: chargedJoin, Validate: returns(stringType, 2, 3)}
		c.Functions[fnRepeat] = &builtin.Function{Name: fnRepeat, Func: chargedRepeat, Validate: returns(stringType, 3, 3)}
		c.Functions[fnMatch] = &builtin.Function{Name: fnMatch, Func: chargeMatch, Validate: sameTypeAs(1, 3)}
		c.Functions[fnLoop] = &builtin.Function{Name: fnLoop, Func: chargeLoop, Validate: sameTypeAs(1, 3)}
		c.Functions[fnToJSON] = &builtin.Function{Name: fnToJSON, Func: chargedToJSON, Validate: returns(stringType, 2, 2)}
		c.Functions[fnFromJSON] = &builtin.Function{Name: fnFromJSON, Func: chargedFromJSON, Validate: returns(anyType, 2, 2)}
		c.Functions[fnFlatten] = &builtin.Function{Name: fnFlatten, Func: chargedFlatten, Validate: returns(anySliceType, 2, 2)}
		c.Functions[fnUniq] = &builtin.Function{Name: fnUniq, Func: chargedUniq, Validate: returns(anySliceType, 2, 2)}
	}
}

var stringType = reflect.TypeOf("")

// sameTypeAs types a call as its argument i: ·charge is the identity, so patching an
// expression with it changes no type.
func sameTypeAs(i, n int) func([]reflect.Type) (reflect.Type, error) {
	return func(args []reflect.Type) (reflect.Type, error) {
		if len(args) != n {
			return nil, fmt.Errorf("want %d arguments, got %d", n, len(args))
		}
		return args[i], nil
	}
}

func returns(t reflect.Type, lo, hi int) func([]reflect.Type) (reflect.Type, error) {
	return func(args []reflect.Type) (reflect.Type, error) {
		if len(args) < lo || len(args) > hi {
			return nil, fmt.Errorf("want %d to %d arguments, got %d", lo, hi, len(args))
		}
		return t, nil
	}
}

func budgetOf(v any) *budget {
	b, _ := v.(*budget)
	return b
}

func chargeValue(args ...any) (any, error) {
	if err := budgetOf(args[0]).chargeDeep(args[1]); err != nil {
		return nil, err
	}
	return args[1], nil
}

// chargeLoop charges a loop before it starts: its collection, read to the bottom, and each
// iteration the weight of the body — its syntax nodes and the bytes of the literals it reads,
// the work one iteration does that no other charge covers.
func chargeLoop(args ...any) (any, error) {
	b := budgetOf(args[0])
	if err := b.chargeDeep(args[1]); err != nil {
		return nil, err
	}
	n := int64(1)
	if v := reflect.ValueOf(args[1]); v.Kind() == reflect.Slice || v.Kind() == reflect.Array || v.Kind() == reflect.Map || v.Kind() == reflect.String {
		n = int64(v.Len())
	}
	if err := b.charge(n * int64(runtime.ToInt(args[2]))); err != nil {
		return nil, err
	}
	return args[1], nil
}

// chargeMatch charges a regular-expression match: the subject's bytes times the pattern's
// compiled instructions (Go's regexp runs in time proportional to both).
func chargeMatch(args ...any) (any, error) {
	s, _ := args[1].(string)
	pattern := int64(runtime.ToInt(args[2]))
	if err := budgetOf(args[0]).charge((int64(len(s)) + 1) * (pattern + 1)); err != nil {
		return nil, err
	}
	return args[1], nil
}

// chargedReplace is expr's replace(s, old, new[, n]), charged for the string it builds before
// building it: its size is the product of two inputs', so charging afterwards could be too late.
func chargedReplace(args ...any) (any, error) {
	s, ok1 := args[1].(string)
	old, ok2 := args[2].(string)
	repl, ok3 := args[3].(string)
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("replace: want strings, got %T, %T, %T", args[1], args[2], args[3])
	}
	n := -1
	if len(args) == 5 {
		n = runtime.ToInt(args[4])
	}
	count := int64(strings.Count(s, old)) // for old == "": runes + 1, as strings.Replace does
	if old == "" {
		count = int64(utf8.RuneCountInString(s)) + 1
	}
	if n >= 0 {
		count = min(count, int64(n))
	}
	size := int64(len(s)) + count*max(int64(len(repl))-int64(len(old)), 0)
	if err := budgetOf(args[0]).charge(int64(len(s)) + size + 1); err != nil {
		return nil, err
	}
	return strings.Replace(s, old, repl, n), nil
}

// chargedJoin is expr's join(list[, sep]), charged before building: the separator repeats
// once per element.
func chargedJoin(args ...any) (any, error) {
	sep := ""
	if len(args) == 3 {
		s, ok := args[2].(string)
		if !ok {
			return nil, fmt.Errorf("join: the separator is %T, want a string", args[2])
		}
		sep = s
	}
	var parts []string
	switch list := args[1].(type) {
	case []string:
		parts = list
	case []any:
		parts = make([]string, len(list))
		for i, v := range list {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("join: element %d is %T, want a string", i, v)
			}
			parts[i] = s
		}
	default:
		return nil, fmt.Errorf("invalid argument for join (type %T)", args[1])
	}
	size := int64(len(parts)) * int64(len(sep))
	for _, p := range parts {
		size += int64(len(p))
	}
	if err := budgetOf(args[0]).charge(size + 1); err != nil {
		return nil, err
	}
	return strings.Join(parts, sep), nil
}

// chargedRepeat is expr's repeat(s, n), charged before building.
func chargedRepeat(args ...any) (any, error) {
	s, ok := args[1].(string)
	if !ok {
		return nil, fmt.Errorf("repeat: want a string, got %T", args[1])
	}
	n := runtime.ToInt(args[2])
	if n < 0 {
		return nil, fmt.Errorf("invalid argument for repeat (expected positive integer, got %d)", n)
	}
	size := int64(math.MaxInt64)
	if len(s) == 0 || int64(n) <= math.MaxInt64/int64(len(s)) {
		size = int64(len(s)) * int64(n)
	}
	if err := budgetOf(args[0]).charge(size); err != nil {
		return nil, err
	}
	return strings.Repeat(s, n), nil
}
