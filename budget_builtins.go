package leadscore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp/syntax"

	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/vm/runtime"
)

// Charged versions of the built-ins whose work is not linear in their input: toJSON indents
// each line by its depth (quadratic in nesting), flatten appends level by level (depth ×
// leaves), uniq compares each element with every one kept (quadratic), fromJSON can turn a
// flat string into a structure 10,000 levels deep for the others to work on. Each charges its
// work before doing it, then does exactly what expr's built-in does.
const (
	fnToJSON   = "·toJSON"
	fnFromJSON = "·fromJSON"
	fnFlatten  = "·flatten"
	fnUniq     = "·uniq"
)

var anyType = reflect.TypeFor[any]()
var anySliceType = reflect.TypeFor[[]any]()

// chargedToJSON charges the JSON's size before writing it: per element and key its
// indentation (two spaces a level) and punctuation, and the bytes of its strings.
func chargedToJSON(args ...any) (any, error) {
	if err := budgetOf(args[0]).chargeJSON(reflect.ValueOf(args[1]), 0); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(args[1], "", "  ")
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func (b *budget) chargeJSON(v reflect.Value, depth int) error {
	if b == nil || !b.on {
		return nil
	}
	if err := b.charge(2*int64(depth) + 4); err != nil {
		return err
	}
	if depth > builtin.MaxDepth {
		return nil // json.Marshal refuses it first
	}
	switch v.Kind() {
	case reflect.String:
		return b.charge(int64(v.Len()))
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := b.chargeJSON(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := b.chargeJSON(it.Key(), depth+1); err != nil {
				return err
			}
			if err := b.chargeJSON(it.Value(), depth+1); err != nil {
				return err
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return b.chargeJSON(v.Elem(), depth)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if err := b.chargeJSON(v.Field(i), depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// chargedFromJSON charges the parse, and the values it builds, before parsing: a value per
// input byte at most, of a few words each.
func chargedFromJSON(args ...any) (any, error) {
	s, ok := args[1].(string)
	if !ok {
		return nil, fmt.Errorf("fromJSON: want a string, got %T", args[1])
	}
	if err := budgetOf(args[0]).charge(4*int64(len(s)) + 1); err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	return v, nil
}

// chargedFlatten charges the input to the bottom, then flattens it into one slice: linear,
// where expr's flatten copies each level into the one above.
func chargedFlatten(args ...any) (any, error) {
	v := reflect.ValueOf(args[1])
	if v.Kind() != reflect.Array && v.Kind() != reflect.Slice {
		return nil, fmt.Errorf("cannot flatten %s", v.Kind())
	}
	if err := budgetOf(args[0]).chargeDeep(args[1]); err != nil {
		return nil, err
	}
	out := []any{}
	if err := flattenInto(&out, v, 0); err != nil {
		return nil, err
	}
	return out, nil
}

func flattenInto(out *[]any, v reflect.Value, depth int) error {
	if depth > builtin.MaxDepth {
		return builtin.ErrorMaxDepth
	}
	for i := range v.Len() {
		e := v.Index(i)
		for (e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface) && !e.IsNil() {
			e = e.Elem()
		}
		if e.Kind() == reflect.Array || e.Kind() == reflect.Slice {
			if err := flattenInto(out, e, depth+1); err != nil {
				return err
			}
			continue
		}
		*out = append(*out, e.Interface())
	}
	return nil
}

// chargedUniq is expr's uniq, each element charged the comparisons it takes before they run.
func chargedUniq(args ...any) (any, error) {
	v := reflect.ValueOf(args[1])
	if v.Kind() != reflect.Array && v.Kind() != reflect.Slice {
		return nil, fmt.Errorf("cannot uniq %s", v.Kind())
	}
	b := budgetOf(args[0])
	if err := b.chargeDeep(args[1]); err != nil {
		return nil, err
	}
	out := []any{}
next:
	for i := range v.Len() {
		if err := b.charge(int64(len(out)) + 1); err != nil {
			return nil, err
		}
		x := v.Index(i).Interface()
		for _, kept := range out {
			if runtime.Equal(x, kept) {
				continue next
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// maxPatternInstructions bounds the program a literal matches pattern compiles to: a few bytes
// such as "(?:.{0,1000}){0,999}" compile to a million instructions, which take seconds and
// gigabytes to compile and time per instruction to match.
const maxPatternInstructions = 2_000

// patternInstructions estimates how many instructions a regular expression compiles to,
// from its syntax tree, without compiling it: repeats multiply their body.
func patternInstructions(pattern string) (int, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 0, err
	}
	var size func(r *syntax.Regexp) int
	size = func(r *syntax.Regexp) int {
		n := 1 + len(r.Rune)
		for _, s := range r.Sub {
			n += size(s)
			n = min(n, maxPatternInstructions+1)
		}
		if r.Op == syntax.OpRepeat {
			m := r.Max
			if m < 0 {
				m = r.Min + 1
			}
			n = min(2+max(m, 1)*n, maxPatternInstructions+1)
		}
		return n
	}
	return size(re), nil
}
