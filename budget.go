package leadscore

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
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

// budget is what one evaluation of one expression may still spend, in steps.
type budget struct {
	left, limit int64
}

// errStepBudget is the cause of a rule error for an evaluation that ran out of steps.
var errStepBudget = errors.New("the evaluation exceeded its step budget")

func (b *budget) reset(limit int64) { b.left, b.limit = limit, limit }

// charge spends n steps, or fails without spending when fewer are left.
func (b *budget) charge(n int64) error {
	if b == nil || b.limit <= 0 {
		return nil // no budget: an evaluation outside a Scorer's scratch, or Unlimited
	}
	if n > b.left {
		b.left = -1
		return fmt.Errorf("%w of %d steps (Limits.StepBudget): the rule builds or scans too much", errStepBudget, b.limit)
	}
	b.left -= n
	return nil
}

// steps is what a value costs to build or to scan: a step per byte of a string and per
// element of a collection, and one for the value itself.
func steps(v any) int64 {
	switch v := v.(type) {
	case nil, bool, int, int64, float64:
		return 1
	case string:
		return int64(len(v)) + 1
	case []any:
		return int64(len(v)) + 1
	case map[string]any:
		return int64(len(v)) + 1
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String, reflect.Slice, reflect.Array, reflect.Map, reflect.Chan:
		return int64(rv.Len()) + 1
	}
	return 1
}

// The functions the patched expressions call. Their names start with '·', which the
// expression lexer rejects: only compilation can write them.
const (
	fnCharge  = "·charge"  // ·charge(budget, v): charges v's steps, returns v
	fnReplace = "·replace" // replace, charged before the new string is built
	fnJoin    = "·join"    // join, likewise
	fnRepeat  = "·repeat"  // repeat, likewise
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
	if err := budgetOf(args[0]).charge(steps(args[1])); err != nil {
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
