package leadscore

import (
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr/checker/nature"

	"github.com/leadscore/leadscore/internal/classify"
)

// The fast path reads the fields an expression names through typed slot tables: one pointer
// per distinct field, into the scratch's environment when the field sits at a fixed place in
// it (no pointer on the way), or into a per-evaluation copy otherwise. A scratch lives at one
// address for its whole life, so the in-place pointers are worked out once, with reflect,
// when the scratch is made; reading a field is then a load, with no reflect and no unsafe.

// fkind is the type of a fast-path value.
type fkind uint8

const (
	kNone fkind = iota
	kBool
	kInt    // int, int8…int64: expr does all integer arithmetic and comparison in int
	kFloat  // float32, float64: expr converts to float64
	kString // string
	kTime   // time.Time
	nKinds
)

var kindNames = [nKinds]string{"unsupported", "bool", "int", "float", "string", "time"}

func (k fkind) String() string { return kindNames[k] }

var timeType = reflect.TypeFor[time.Time]()

// kindOf maps a Go type to the fast path's kind. Named types other than time.Time are not
// supported: expr compares them with reflect.DeepEqual (a named string never equals a
// string), which is not worth imitating.
func kindOf(t reflect.Type) fkind {
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

// fastPlan is what the fast path of one Scorer knows at compile time: the fields its
// closures read, each with a slot in the typed tables of every fastEnv.
type fastPlan[L any] struct {
	cache   *nature.Cache
	envNat  nature.Nature
	envTyp  reflect.Type
	leadAt  int // index of env.Lead
	eventAt int // index of env.Event
	lists   map[string]classify.List

	fields    []fastField
	byKey     map[string]int
	slots     [nKinds]int // slots per kind
	indirect  int         // fields copied per evaluation
	memos     int         // memoised built-in calls
	memoIndex map[memoKey]int
}

// fastField is one field the fast path reads.
type fastField struct {
	path     []int // reflect field indexes from the env struct, as expr's OpLoadField has them
	kind     fkind
	slot     int  // index in the kind's table
	indirect int  // -1: read in place; else its index among the fields copied per evaluation
	lead     bool // under env.Lead: changes only when fillEnv sets a new lead
}

func newFastPlan[L any](lists map[string]classify.List) *fastPlan[L] {
	c := new(nature.Cache)
	t := reflect.TypeFor[env[L]]()
	lf, _ := t.FieldByName("Lead")
	ef, _ := t.FieldByName("Event")
	return &fastPlan[L]{
		cache: c, envNat: c.FromType(t), envTyp: t, leadAt: lf.Index[0], eventAt: ef.Index[0],
		lists: lists, byKey: map[string]int{}, memoIndex: map[memoKey]int{},
	}
}

// field finds or stages the slot of the field at path (from the env struct). It
// returns false for a leaf type the fast path does not read.
func (fc *fastCompiler[L]) field(path []int) (fastField, bool) {
	p := fc.plan
	t := p.envTyp
	direct := true
	for i, x := range path {
		if i > 0 && t.Kind() == reflect.Pointer {
			direct = false
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || x >= t.NumField() {
			return fastField{}, false
		}
		t = t.Field(x).Type
	}
	k := kindOf(t)
	if k == kNone {
		return fastField{}, false
	}
	// Read in place only what has exactly the table's Go type.
	switch t.Kind() {
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32:
		direct = false
	}
	var key strings.Builder
	for _, x := range path {
		key.WriteString(strconv.Itoa(x))
		key.WriteByte('.')
	}
	if i, ok := p.byKey[key.String()]; ok {
		return p.fields[i], true
	}
	for _, f := range fc.staged {
		if f.key == key.String() {
			return f.fastField, true
		}
	}
	f := fastField{path: path, kind: k, slot: p.slots[k] + fc.stagedSlots[k], indirect: -1, lead: path[0] == p.leadAt}
	fc.stagedSlots[k]++
	if !direct {
		f.indirect = p.indirect + fc.stagedIndirect
		fc.stagedIndirect++
	}
	fc.staged = append(fc.staged, stagedField{key: key.String(), fastField: f})
	return f, true
}

type stagedField struct {
	key string
	fastField
}

// commit keeps the fields and memo slots an expression that compiled staged.
func (fc *fastCompiler[L]) commit() {
	p := fc.plan
	for _, f := range fc.staged {
		p.byKey[f.key] = len(p.fields)
		p.fields = append(p.fields, f.fastField)
	}
	for k := range p.slots {
		p.slots[k] += fc.stagedSlots[k]
	}
	p.indirect += fc.stagedIndirect
	p.memos += fc.stagedMemos
	for _, m := range fc.stagedMemoKeys {
		p.memoIndex[m.key] = m.slot
	}
}

// fastEnv is the fast path's view of one evaluation: the environment, the slot tables
// pointing into it, and the per-evaluation copies of fields behind pointers.
type fastEnv[L any] struct {
	env  *env[L]
	slow bool // a closure met a case it leaves to the VM: a nil pointer on a field path, an integer modulo by zero
	gen  uint32

	ints   []*int
	floats []*float64
	strs   []*string
	bools  []*bool
	times  []*time.Time

	// Fields behind pointers (or of a narrower type) are copied here by load.
	plan  []fastField // the indirect ones, by their indirect index
	ok    []bool      // per indirect field: no nil pointer on its path this evaluation
	xint  []int
	xflt  []float64
	xstr  []string
	xbool []bool
	xtime []time.Time

	memoGen  []uint32 // per memoised call: the gen its result is for
	memoStr  []string
	memoBool []bool
}

// bind lays out f for the plan p over the environment e, which must not move afterwards (it
// lives in a pooled scratch).
func (f *fastEnv[L]) bind(p *fastPlan[L], e *env[L]) {
	f.env = e
	f.gen = 1 // no memo is current before the first load
	if p == nil {
		return
	}
	f.ints = make([]*int, p.slots[kInt])
	f.floats = make([]*float64, p.slots[kFloat])
	f.strs = make([]*string, p.slots[kString])
	f.bools = make([]*bool, p.slots[kBool])
	f.times = make([]*time.Time, p.slots[kTime])
	f.plan = make([]fastField, p.indirect)
	f.ok = make([]bool, p.indirect)
	var n [nKinds]int
	for _, fd := range p.fields {
		if fd.indirect >= 0 {
			f.plan[fd.indirect] = fd
			n[fd.kind]++
		}
	}
	f.xint, f.xflt, f.xstr = make([]int, n[kInt]), make([]float64, n[kFloat]), make([]string, n[kString])
	f.xbool, f.xtime = make([]bool, n[kBool]), make([]time.Time, n[kTime])
	var x [nKinds]int
	root := reflect.ValueOf(e).Elem()
	for _, fd := range p.fields {
		if fd.indirect >= 0 {
			i := x[fd.kind]
			x[fd.kind]++
			switch fd.kind {
			case kInt:
				f.ints[fd.slot] = &f.xint[i]
			case kFloat:
				f.floats[fd.slot] = &f.xflt[i]
			case kString:
				f.strs[fd.slot] = &f.xstr[i]
			case kBool:
				f.bools[fd.slot] = &f.xbool[i]
			case kTime:
				f.times[fd.slot] = &f.xtime[i]
			}
			continue
		}
		a := root.FieldByIndex(fd.path).Addr().Interface()
		switch fd.kind {
		case kInt:
			f.ints[fd.slot] = a.(*int)
		case kFloat:
			f.floats[fd.slot] = a.(*float64)
		case kString:
			f.strs[fd.slot] = a.(*string)
		case kBool:
			f.bools[fd.slot] = a.(*bool)
		case kTime:
			f.times[fd.slot] = a.(*time.Time)
		}
	}
	f.memoGen = make([]uint32, p.memos)
	f.memoStr = make([]string, p.memos)
	f.memoBool = make([]bool, p.memos)
}

// load starts an evaluation with a new lead: it invalidates memoised calls and copies the
// fields that cannot be read in place.
func (f *fastEnv[L]) load() {
	f.gen++
	if f.gen == 0 { // wrapped: no memo may look current
		clear(f.memoGen)
		f.gen = 1
	}
	if len(f.plan) == 0 {
		return
	}
	root := reflect.ValueOf(f.env).Elem()
	for i := range f.plan {
		fd := &f.plan[i]
		v, ok := fieldAt(root, fd.path)
		f.ok[i] = ok
		if !ok {
			continue
		}
		switch fd.kind {
		case kInt:
			*f.ints[fd.slot] = int(v.Int())
		case kFloat:
			*f.floats[fd.slot] = v.Float()
		case kString:
			*f.strs[fd.slot] = v.String()
		case kBool:
			*f.bools[fd.slot] = v.Bool()
		case kTime:
			*f.times[fd.slot] = *v.Addr().Interface().(*time.Time)
		}
	}
}

// fieldAt follows path from v as expr does, dereferencing pointers on the way; a nil one
// gives false (expr fails the evaluation there).
func fieldAt(v reflect.Value, path []int) (reflect.Value, bool) {
	for i, x := range path {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// release drops the strings a scratch would otherwise keep alive in the pool.
func (f *fastEnv[L]) release() {
	clear(f.xstr)
	clear(f.xtime)
	clear(f.memoStr)
	clear(f.memoGen)
}
