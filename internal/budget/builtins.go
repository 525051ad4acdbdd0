package budget

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/vm/runtime"
)

// The functions the patched expressions call. Their names start with '·', which the
// expression lexer rejects: only compilation can write them.
const (
	fnCharge  = "·charge"  // ·charge(budget, v): charges v's steps, returns v
	fnReplace = "·replace" // replace, charged before the new string is built
	fnJoin    = "·join"    // join, likewise
	fnRepeat  = "·repeat"  // repeat, likewise
	fnMatch   = "·match"   // ·match(budget, s, n): charges matching s against a pattern of n instructions, returns s
	fnLoop    = "·loop"    // ·loop(budget, c, w): charges a loop over c whose body weighs w, returns c
	fnTrim    = "·trim"    // trim(s, cutset), charged before it runs: runes of s times the cutset
	fnSplit   = "·split"   // split and splitAfter, charged for the list they build before building it
	fnSplitAf = "·splitAfter"
)

// Functions declares to expr the functions the Patcher's rewritten expressions call: an
// option for every expr.Compile of an expression the Patcher may rewrite.
func Functions() expr.Option {
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
		c.Functions[fnTrim] = &builtin.Function{Name: fnTrim, Func: chargedTrim, Validate: returns(stringType, 3, 3)}
		c.Functions[fnSplit] = &builtin.Function{Name: fnSplit, Func: chargedSplit("split", strings.SplitN), Validate: returns(stringsType, 3, 4)}
		c.Functions[fnSplitAf] = &builtin.Function{Name: fnSplitAf, Func: chargedSplit("splitAfter", strings.SplitAfterN), Validate: returns(stringsType, 3, 4)}
		c.Functions[fnToJSON] = &builtin.Function{Name: fnToJSON, Func: chargedToJSON, Validate: returns(stringType, 2, 2)}
		c.Functions[fnFromJSON] = &builtin.Function{Name: fnFromJSON, Func: chargedFromJSON, Validate: returns(anyType, 2, 2)}
		c.Functions[fnFlatten] = &builtin.Function{Name: fnFlatten, Func: chargedFlatten, Validate: returns(anySliceType, 2, 2)}
		c.Functions[fnUniq] = &builtin.Function{Name: fnUniq, Func: chargedUniq, Validate: returns(anySliceType, 2, 2)}
	}
}

var (
	stringType  = reflect.TypeOf("")
	stringsType = reflect.TypeFor[[]string]()
)

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

func budgetOf(v any) *Budget {
	b, _ := v.(*Budget)
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
	if err := b.Charge(n * int64(runtime.ToInt(args[2]))); err != nil {
		return nil, err
	}
	return args[1], nil
}

// chargeMatch charges a regular-expression match: the subject's bytes times the pattern's
// compiled instructions (Go's regexp runs in time proportional to both).
func chargeMatch(args ...any) (any, error) {
	s, _ := args[1].(string)
	pattern := int64(runtime.ToInt(args[2]))
	if err := budgetOf(args[0]).Charge((int64(len(s)) + 1) * (pattern + 1)); err != nil {
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
	if err := budgetOf(args[0]).Charge(int64(len(s)) + size + 1); err != nil {
		return nil, err
	}
	return strings.Replace(s, old, repl, n), nil
}

// chargedTrim is expr's trim(s, cutset), charged before it runs: strings.Trim looks each rune
// it cuts up in a cutset that is not ASCII by scanning the cutset, so its work is the runes of
// s times the bytes of the cutset — 5,000 runes against a 16 KiB cutset took 7 ms, uncharged,
// once per call of an expression that needs no other charge. An ASCII cutset is a table: a
// step a byte.
func chargedTrim(args ...any) (any, error) {
	s, ok1 := args[1].(string)
	cutset, ok2 := args[2].(string)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("trim: want strings, got %T, %T", args[1], args[2])
	}
	steps := int64(len(s)) + int64(len(cutset)) + 1
	if !isASCII(cutset) {
		steps += int64(utf8.RuneCountInString(s)) * int64(len(cutset))
	}
	if err := budgetOf(args[0]).Charge(steps); err != nil {
		return nil, err
	}
	return strings.Trim(s, cutset), nil
}

// chargedSplit is expr's split(s, sep[, n]) or splitAfter (split: strings.SplitN or
// strings.SplitAfterN), charged before building for the bytes it scans and the strings it
// returns: split(s, "") builds a 16-byte string header per byte of s, so without a loop or a
// let, 23 of them in a rule, over a 16 KB event string, allocated 6 MB uncharged, and 390
// such rules 2.2 GB in one Observe.
func chargedSplit(name string, split func(s, sep string, n int) []string) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		s, ok1 := args[1].(string)
		sep, ok2 := args[2].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: want strings, got %T, %T", name, args[1], args[2])
		}
		n := -1
		if len(args) == 4 {
			n = runtime.ToInt(args[3])
		}
		var parts int64
		if sep == "" {
			parts = int64(utf8.RuneCountInString(s))
		} else {
			parts = int64(strings.Count(s, sep)) + 1
		}
		if n >= 0 {
			parts = min(parts, int64(n))
		}
		if err := budgetOf(args[0]).Charge(int64(len(s)) + parts + 1); err != nil {
			return nil, err
		}
		return split(s, sep, n), nil
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
	if err := budgetOf(args[0]).Charge(size + 1); err != nil {
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
	if err := budgetOf(args[0]).Charge(size); err != nil {
		return nil, err
	}
	return strings.Repeat(s, n), nil
}

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

func (b *Budget) chargeJSON(v reflect.Value, depth int) error {
	if b == nil || !b.on {
		return nil
	}
	if err := b.Charge(2*int64(depth) + 4); err != nil {
		return err
	}
	if depth > builtin.MaxDepth {
		return nil // json.Marshal refuses it first
	}
	switch v.Kind() {
	case reflect.String:
		return b.Charge(int64(v.Len()))
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
	if err := budgetOf(args[0]).Charge(4*int64(len(s)) + 1); err != nil {
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
		if err := b.Charge(int64(len(out)) + 1); err != nil {
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

// MaxPatternInstructions bounds the program a literal matches pattern compiles to: a few bytes
// such as "(?:.{0,1000}){0,999}" compile to a million instructions, which take seconds and
// gigabytes to compile and time per instruction to match. The caller refuses larger patterns
// before compiling (leadscore's limits); the Patcher charges a match by PatternInstructions.
const MaxPatternInstructions = 2_000

// PatternInstructions estimates how many instructions a regular expression compiles to,
// from its syntax tree, without compiling it: repeats multiply their body. Past
// MaxPatternInstructions it says MaxPatternInstructions+1, not more.
func PatternInstructions(pattern string) (int, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 0, err
	}
	var size func(r *syntax.Regexp) int
	size = func(r *syntax.Regexp) int {
		n := 1 + len(r.Rune)
		for _, s := range r.Sub {
			n += size(s)
			n = min(n, MaxPatternInstructions+1)
		}
		if r.Op == syntax.OpRepeat {
			m := r.Max
			if m < 0 {
				m = r.Min + 1
			}
			n = min(2+max(m, 1)*n, MaxPatternInstructions+1)
		}
		return n
	}
	return size(re), nil
}
