package leadscore

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/expr-lang/expr"

	"github.com/leadscore/leadscore/internal/classify"

	"github.com/leadscore/leadscore/internal/state"
)

// builtinNames are the functions the library puts in scope; user functions may not reuse them.
var builtinNames = []string{
	"count", "days_since", "has_signal", "listed", "domain", "free_email", "academic",
	"seniority", "department", "years_since", "known", "unknown",
}

// Seniority values returned by seniority(title).
const (
	SeniorityCLevel     = "c_level"
	SeniorityVP         = "vp"
	SeniorityDirector   = "director"
	SeniorityManager    = "manager"
	SeniorityIndividual = "individual"
	SeniorityStudent    = "student"
)

// builtinFunctions returns the expr options that define the library's functions over the
// compiled lists. days_since, has_signal, known and unknown are declared only for type checking: the patcher
// rewrites every call to them into a slot read. count is not declared: it is expr's built-in
// count(array, predicate), overloaded with count(type, window) (count_overload.go).
func builtinFunctions(lists map[string]classify.List) []expr.Option {
	unreachable := func(...any) (any, error) {
		return nil, fmt.Errorf("leadscore: internal error: call was not rewritten")
	}
	str := func(f func(string) string) func(...any) (any, error) {
		return func(a ...any) (any, error) { return f(a[0].(string)), nil }
	}
	pred := func(f func(string) bool) func(...any) (any, error) {
		return func(a ...any) (any, error) { return f(a[0].(string)), nil }
	}
	return []expr.Option{
		expr.Function("days_since", unreachable, new(func(string) float64)),
		expr.Function("has_signal", unreachable, new(func(string) bool)),
		expr.Function("years_since", unreachable, new(func(time.Time) float64)),
		// known and unknown are rewritten by type into comparisons (known.go).
		expr.Function("known", unreachable, new(func(any) bool)),
		expr.Function("unknown", unreachable, new(func(any) bool)),
		expr.Function("·years_since", func(a ...any) (any, error) {
			return yearsBetween(a[1].(time.Time), a[0].(time.Time)), nil
		}, new(func(time.Time, time.Time) float64)),
		expr.Function("domain", str(classify.Domain), new(func(string) string)),
		expr.Function("free_email", pred(classify.FreeEmail), new(func(string) bool)),
		expr.Function("academic", pred(classify.Academic), new(func(string) bool)),
		expr.Function("seniority", str(classify.Seniority), new(func(string) string)),
		expr.Function("department", str(classify.Department), new(func(string) string)),
		expr.Function("listed", func(a ...any) (any, error) {
			l, ok := lists[a[0].(string)]
			return ok && l.Contains(a[1].(string)), nil
		}, new(func(string, string) bool)),
	}
}

// yearsBetween is years_since(t) at now: years of 365.25 days, 0 for the zero time or a time
// after now.
func yearsBetween(t, now time.Time) float64 {
	if t.IsZero() || !t.Before(now) {
		return 0
	}
	return now.Sub(t).Hours() / (24 * 365.25)
}

// daysSince converts a nanosecond interval to days; never → +Inf.
func daysSince(last, now int64) float64 {
	if last == noTime {
		return math.Inf(1)
	}
	return state.Span(now, last) / float64(Day)
}

// function is a user function added with WithFunction.
type function struct {
	Name  string
	Fn    func(args ...any) (any, error)
	Types []any
}

func (f function) option() (expr.Option, error) {
	if f.Name == "" || f.Fn == nil {
		return nil, fmt.Errorf("leadscore: WithFunction: a function needs a name and an Fn")
	}
	for _, b := range builtinNames {
		if f.Name == b {
			return nil, fmt.Errorf("leadscore: WithFunction: %q is a built-in function", f.Name)
		}
	}
	if len(f.Types) == 0 {
		return nil, fmt.Errorf("leadscore: WithFunction %q: give at least one signature, e.g. new(func(string) bool)", f.Name)
	}
	for _, t := range f.Types {
		rt := reflect.TypeOf(t)
		if rt != nil && rt.Kind() == reflect.Pointer {
			rt = rt.Elem()
		}
		if rt == nil || rt.Kind() != reflect.Func {
			return nil, fmt.Errorf("leadscore: WithFunction %q: signature %T is not a function type", f.Name, t)
		}
	}
	return expr.Function(f.Name, f.Fn, f.Types...), nil
}
