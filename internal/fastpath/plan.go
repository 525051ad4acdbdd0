package fastpath

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/expr-lang/expr/checker/nature"

	"github.com/leadscore/leadscore/internal/classify"
)

// Description is what a Plan must be told about E beyond its Go type. Names are Go field
// names of E's top level (not expr tags); an empty one means there is no such field.
type Description struct {
	// Event is the field holding the event: an expression reading nothing else is EventOnly.
	Event string
	// Stable is the field (the lead) that changes only with a Load: calls of Funcs on its
	// string fields are memoised per Load.
	Stable string
	// Slices are []int, []float64, []bool, []string or []time.Time fields that expressions
	// read as name[k], k a constant. Bind points into their elements, so each must have its
	// final length when Bind runs (every k read must be in range) and be written only in place
	// afterwards, never reassigned.
	Slices []string
	// Funcs are the Go functions behind names an expression calls: func(string) string,
	// func(string) bool or func(time.Time, time.Time) float64. Each must compute exactly what
	// expr calls under that name, and be pure: the fast path calls it directly, memoises it,
	// and the VM may call it again after a hand-over.
	Funcs map[string]any
	// Cached names those Funcs, func(string) string or func(string) bool, whose results an Env
	// may also remember across Loads (see resultCache), with the key a result is remembered
	// under: nil, the whole input; else a function returning the part of the input the result
	// depends on (an email's domain), ok false when the input must not be cached. Each must
	// depend on its key alone, and a string result must never share memory with the input (a
	// constant, or a string of its own), so that remembering it keeps no input alive.
	Cached map[string]func(string) (key string, ok bool)
	// Listed names the function listed(name, value): membership of value in Lists[name],
	// name a constant; an unknown name is never a member.
	Listed string
	Lists  map[string]classify.List
}

// kind is the type of a fast-path value.
type kind uint8

const (
	kNone kind = iota
	kBool
	kInt    // int, int8…int64: expr does all integer arithmetic and comparison in int
	kFloat  // float32, float64: expr converts to float64
	kString // string
	kTime   // time.Time
	nKinds
)

var timeType = reflect.TypeFor[time.Time]()

// kindOf maps a Go type to the fast path's kind. Named types other than time.Time are not
// supported: expr compares them with reflect.DeepEqual (a named string never equals a
// string), which is not worth imitating.
func kindOf(t reflect.Type) kind {
	if t == nil {
		return kNone
	}
	if t == timeType {
		return kTime
	}
	if t.PkgPath() != "" {
		return kNone
	}
	switch t.Kind() {
	case reflect.Bool:
		return kBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return kInt
	case reflect.Float32, reflect.Float64:
		return kFloat
	case reflect.String:
		return kString
	}
	return kNone
}

// Plan is what the fast path knows of one environment type's expressions at compile time:
// the fields its closures read, each with a slot in the typed tables of every Env, and the
// memoised calls. See the package documentation for when it may change.
type Plan[E any] struct {
	cache    *nature.Cache
	envNat   nature.Nature
	envTyp   reflect.Type
	stableAt int          // index of the Stable field, or -1
	eventAt  int          // index of the Event field, or -1
	slices   map[int]bool // indexes of the Slices fields
	funcs    map[string]any
	listed   string
	lists    map[string]classify.List

	fields    []field
	byKey     map[string]int
	slots     [nKinds]int // slots per kind
	indirect  int         // fields copied per Load
	memos     int         // memoised calls
	memoIndex map[memoKey]int
	cached    map[string]cachedFunc // Description.Cached
	// listCache is, per list that listed() reads, its place in the resultCache: a value's
	// membership is remembered as a classification's is (List.Contains normalises the value
	// and looks up its domain and each parent: several map lookups).
	listCache map[string]cachedFunc
	bound     atomic.Bool // an Env was bound: Compile may no longer grow the tables
}

// ListCache is a list whose memberships an Env remembers as it does a classification's, for
// callers outside expressions (the list detectors): Plan.CacheList, Env.Contains.
type ListCache struct {
	cf       cachedFunc
	contains func(string) bool
}

// CacheList returns the ListCache of the Description's list name, adding it to the plan;
// false when there is no such list or it is empty (nothing to remember). It panics if an
// Env was bound already, as Compile does.
func (p *Plan[E]) CacheList(name string) (ListCache, bool) {
	list, ok := p.lists[name]
	if !ok || list.Len() == 0 {
		return ListCache{}, false
	}
	if p.bound.Load() {
		panic("fastpath: CacheList after Bind: the Envs bound already have tables too small for it")
	}
	cf, ok := p.listCache[name]
	if !ok {
		cf = cachedFunc{index: p.cachedFuncs()}
		p.listCache[name] = cf
	}
	return ListCache{cf, list.Contains}, true
}

// cachedFuncs is how many functions an Env's resultCache has lines for.
func (p *Plan[E]) cachedFuncs() int { return len(p.cached) + len(p.listCache) }

// field is one field the fast path reads.
type field struct {
	path     []int // reflect field indexes from E, as expr's OpLoadField has them
	elem     int   // ≥ 0: element elem of the Slices field at path; -1: the field itself
	kind     kind
	slot     int  // index in the kind's table
	indirect int  // -1: read in place; else its index among the fields Load copies
	stable   bool // under the Stable field: changes only with a Load
}

// NewPlan returns an empty Plan for E as d describes it. It panics if d names a field E
// does not have at its top level, or a function of a signature the fast path cannot call:
// both are mistakes in the caller's code.
func NewPlan[E any](d Description) *Plan[E] {
	c := new(nature.Cache)
	t := reflect.TypeFor[E]()
	top := func(name string) int {
		if name == "" {
			return -1
		}
		f, ok := t.FieldByName(name)
		if !ok || len(f.Index) != 1 {
			panic(fmt.Sprintf("fastpath: %v has no field %s at its top level", t, name))
		}
		return f.Index[0]
	}
	p := &Plan[E]{
		cache: c, envNat: c.FromType(t), envTyp: t, stableAt: top(d.Stable), eventAt: top(d.Event),
		slices: map[int]bool{}, funcs: d.Funcs, listed: d.Listed, lists: d.Lists,
		byKey: map[string]int{}, memoIndex: map[memoKey]int{}, cached: map[string]cachedFunc{}, listCache: map[string]cachedFunc{},
	}
	keyIDs := map[uintptr]int{} // one ID per distinct key function
	for _, name := range sortedNames(d.Cached) {
		switch d.Funcs[name].(type) {
		case func(string) string, func(string) bool:
			cf := cachedFunc{index: len(p.cached), key: d.Cached[name]}
			if cf.key != nil {
				ptr := reflect.ValueOf(cf.key).Pointer()
				if _, ok := keyIDs[ptr]; !ok {
					keyIDs[ptr] = len(keyIDs) + 1
				}
				cf.keyID = keyIDs[ptr]
			}
			p.cached[name] = cf
		default:
			panic(fmt.Sprintf("fastpath: Cached names %s, which is not a func(string) string or func(string) bool of Funcs", name))
		}
	}
	for _, name := range d.Slices {
		p.slices[top(name)] = true
	}
	for name, fn := range d.Funcs {
		switch fn.(type) {
		case func(string) string, func(string) bool, func(time.Time, time.Time) float64:
		default:
			panic(fmt.Sprintf("fastpath: function %s is a %T, not one of the signatures Description.Funcs lists", name, fn))
		}
	}
	return p
}

// field finds or stages the slot of the field at path (from E), or of its element elem when
// elem ≥ 0. It returns false for a type the fast path does not read.
func (fc *compiler[E]) field(path []int, elem int) (field, bool) {
	p := fc.plan
	t := p.envTyp
	direct := true
	for i, x := range path {
		if i > 0 && t.Kind() == reflect.Pointer {
			direct = false
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || x >= t.NumField() {
			return field{}, false
		}
		t = t.Field(x).Type
	}
	if elem >= 0 {
		if t.Kind() != reflect.Slice {
			return field{}, false
		}
		t = t.Elem()
	}
	k := kindOf(t)
	if k == kNone {
		return field{}, false
	}
	// Read in place only what has exactly the table's Go type.
	switch t.Kind() {
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32:
		if elem >= 0 {
			return field{}, false // a slice element cannot be copied by Load
		}
		direct = false
	}
	var key strings.Builder
	for _, x := range path {
		key.WriteString(strconv.Itoa(x))
		key.WriteByte('.')
	}
	if elem >= 0 {
		key.WriteString("[" + strconv.Itoa(elem) + "]")
	}
	if i, ok := p.byKey[key.String()]; ok {
		return p.fields[i], true
	}
	for _, f := range fc.staged {
		if f.key == key.String() {
			return f.field, true
		}
	}
	f := field{path: path, elem: elem, kind: k, slot: p.slots[k] + fc.stagedSlots[k], indirect: -1, stable: path[0] == p.stableAt}
	fc.stagedSlots[k]++
	if !direct {
		f.indirect = p.indirect + fc.stagedIndirect
		fc.stagedIndirect++
	}
	fc.staged = append(fc.staged, stagedField{key: key.String(), field: f})
	return f, true
}

type stagedField struct {
	key string
	field
}

// commit keeps the fields and memo slots an expression that compiled staged.
func (fc *compiler[E]) commit() {
	p := fc.plan
	for _, f := range fc.staged {
		p.byKey[f.key] = len(p.fields)
		p.fields = append(p.fields, f.field)
	}
	for k := range p.slots {
		p.slots[k] += fc.stagedSlots[k]
	}
	p.indirect += fc.stagedIndirect
	p.memos += fc.stagedMemos
	for _, m := range fc.stagedMemoKeys {
		p.memoIndex[m.key] = m.slot
	}
	for _, l := range fc.stagedLists {
		p.listCache[l.name] = l.cf
	}
}

// cachedFunc is a Cached function's place in an Env's resultCache and its key.
type cachedFunc struct {
	index int
	key   func(string) (string, bool) // nil: the whole input
	keyID int                         // the same for functions with the same key function; 0: none
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
