package budget

import (
	"errors"
	"fmt"
	"reflect"
	"time"
)

// Unlimited, as a limit, turns it off: the value of leadscore.Unlimited.
const Unlimited = -1

// Field is the name of the environment field through which patched expressions reach the
// evaluation's Budget: the environment struct must have a field of type *Budget tagged
// expr:"·budget". The lexer rejects '·', so no expression can name it.
const Field = "·budget"

// ErrExceeded is the cause of the error of an evaluation that ran out of steps.
var ErrExceeded = errors.New("the evaluation exceeded its step budget")

// Budget is what one evaluation of one expression may still spend, in steps. Two limits meet
// in it: the step budget of the expression, and the call budget of all the expressions one
// call (a lead's Score, Observe or Advance) evaluates, so that a rule set of many expensive
// rules is bounded too. A Budget belongs to one goroutine at a time; its zero value is ready
// for StartCall.
type Budget struct {
	left  int64  // steps this expression may still take
	limit int64  // what it started with
	on    bool   // a budget applies (not Unlimited)
	why   string // the limit that set it, for the error
	call  int64  // steps the call may still take, across its expressions
}

// StartCall gives a new call its budget: call steps for all its expressions (Unlimited: no
// call budget).
func (b *Budget) StartCall(call int64) { b.call = call }

// Start gives the next expression its budget: step steps (Unlimited: none), or what the call
// has left when that is less and the call budget, call, is not Unlimited. Pass the limits
// the call was started with. The error of an evaluation that runs out names the limit, as
// the leadscore field a user sets: Limits.StepBudget or Limits.CallBudget.
func (b *Budget) Start(step, call int64) {
	b.on = step != Unlimited
	b.limit, b.why = step, "Limits.StepBudget"
	if call != Unlimited && b.call < b.limit {
		b.limit, b.why = max(b.call, 0), "Limits.CallBudget, for all the rules of one call"
	}
	b.left = b.limit
}

// Finish takes what the expression spent from the call's budget.
func (b *Budget) Finish() {
	if b.on {
		b.call -= b.limit - max(b.left, 0)
	}
}

// Charge spends n steps, or, when fewer are left, fails with an error wrapping ErrExceeded
// and spends all that is left. A nil Budget, or one started Unlimited, charges nothing.
func (b *Budget) Charge(n int64) error {
	if b == nil || !b.on {
		return nil // no budget: an evaluation outside a Scorer's scratch, or Unlimited
	}
	if n > b.left {
		b.left = -1
		return fmt.Errorf("%w of %d steps (%s): the rule builds or scans too much", ErrExceeded, b.limit, b.why)
	}
	b.left -= n
	return nil
}

// chargeDeep charges what it costs to traverse v: a step for v, one per byte of each string
// and one per element of each collection, all the way down. It charges as it walks and stops
// when the budget runs out, so values that share parts (a DAG of arrays built with let, whose
// traversal is exponential in its size) or refer to themselves cannot make the walk itself
// unbounded.
func (b *Budget) chargeDeep(v any) error {
	if b == nil || !b.on {
		return nil
	}
	switch v := v.(type) {
	case nil, bool, int, int64, float64:
		return b.Charge(1)
	case string:
		return b.Charge(int64(len(v)) + 1)
	case []any:
		if err := b.Charge(int64(len(v)) + 1); err != nil {
			return err
		}
		for _, e := range v {
			switch e := e.(type) {
			case nil, bool, int, int64, float64:
				// counted by the element's step
			case string:
				if err := b.Charge(int64(len(e))); err != nil {
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
		if err := b.Charge(int64(len(v)) + 1); err != nil {
			return err
		}
		for k, e := range v {
			if err := b.Charge(int64(len(k))); err != nil {
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
func (b *Budget) chargeValue(v reflect.Value, depth int) error {
	if err := b.Charge(1); err != nil {
		return err
	}
	if depth > 64 { // a pointer cycle the budget has not ended yet: its first 64 links are charged
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		return b.Charge(int64(v.Len()))
	case reflect.Slice, reflect.Array:
		if err := b.Charge(int64(v.Len())); err != nil {
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
		if err := b.Charge(int64(v.Len())); err != nil {
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
