package leadscore

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leadscore/leadscore/internal/text"
)

// How an event is measured against the limits.
//
// Its size is the bytes of its ID, Type, Channel, Path, Category, Campaign, Content and CTA and of everything in its
// Properties: a string counts its bytes (so does a []byte), a map key counts as a string, a
// number, a bool, a time or any other scalar 8. A nil, an empty string and an empty collection
// inside Properties count 1: no value is free, so the walk below is bounded by MaxEventBytes
// even with the element limit off.
//
// Properties is nesting level 1; a map, slice, array or struct in it is one level deeper than
// what holds it. Pointers and interfaces are looked through. Of a struct only the exported
// fields count: expressions see no others (a time.Time is a scalar).
//
// The walk stops at the first value that breaks a limit, and checks a collection's length and
// a string's before looking inside, so what it costs is bounded by the limits, not by the
// event: a 50 MB string or a 10⁶-element slice is rejected without being read. It also ends on
// the cyclic structures a Go caller can build (a map holding itself through an any): the
// nesting limit ends them, and with that limit off nestingCeiling does; a cycle of pointers
// with no collection in it (p := new(any); *p = p) ends after pointerChain hops.
const (
	nestingCeiling = 10_000 // the deepest any event may nest, whatever the limits (encoding/json's own ceiling)
	pointerChain   = 64     // pointers and interfaces followed in a row
	maxPathBytes   = 200    // of the path an error names
)

// CheckEvent reports whether Observe would accept ev: its time in range, its size within the
// Scorer's limits and, under Config.StrictEventTypes, its type in the vocabulary. It is for
// callers that take events in batches and apply all or none (a service answering a bad event
// in a batch with 400 before it writes anything); Observe checks the same itself. A redelivered
// event passes: whether an ID was seen is the State's to say.
func (s *Scorer[L]) CheckEvent(ev Event) error {
	_, _, err := s.checkEvent(&ev)
	return err
}

// checkEvent validates ev (validateEvent), holds it to the Scorer's event limits and, under
// Config.StrictEventTypes, to its vocabulary: what Observe, ObserveInto and Accumulate
// accept. It returns the event's time in UnixNano and the route of its type.
func (s *Scorer[L]) checkEvent(ev *Event) (int64, *eventRoute, error) {
	t, err := validateEvent(ev)
	if err != nil {
		return 0, nil, err
	}
	if _, err := s.limits.sizeEvent(ev); err != nil {
		return 0, nil, err
	}
	r := s.route(ev.Type)
	if !r.accepted {
		return 0, nil, unknownEventError(ev.Type, s.cfg.EventTypes)
	}
	return t, r, nil
}

// sizeEvent holds ev to l's event limits: nil, or an error wrapping ErrEventTooLarge. visited
// is how many values the walk looked at one by one, which tests hold to the limits.
func (l Limits) sizeEvent(ev *Event) (visited int, err error) {
	if l.MaxEventBytes == Unlimited && l.MaxPropertyDepth == Unlimited &&
		l.MaxPropertyElements == Unlimited && l.MaxStringBytes == Unlimited {
		return 0, nil // TrustedLimits: nothing to walk for
	}
	if len(ev.Properties) == 0 {
		// No properties, the commonest event: its eight strings within the limits need no
		// walk (which would count the same bytes, one string at a time).
		total, longest := 0, 0
		for _, v := range [...]string{ev.ID, ev.Type, ev.Channel, ev.Path, ev.Category, ev.Campaign, ev.Content, ev.CTA} {
			total, longest = total+len(v), max(longest, len(v))
		}
		if within(longest, l.MaxStringBytes) && within(total, l.MaxEventBytes) {
			return 0, nil
		}
	}
	s := eventSizer{maxBytes: l.MaxEventBytes, maxDepth: l.MaxPropertyDepth, maxElems: l.MaxPropertyElements, maxString: l.MaxStringBytes}
	if s.event(ev) {
		return s.visited, nil
	}
	return s.visited, s.err()
}

// eventSizer walks one event. Its methods return false as soon as a limit is broken, having
// set problem; each caller on the way back adds its step of the path.
type eventSizer struct {
	maxBytes, maxDepth, maxElems, maxString int // Unlimited: off

	bytes   int      // counted so far
	visited int      // values looked at one by one
	path    []string // on failure: where, innermost step first
	problem string   // on failure: what, said of the path
}

// eventFields names the strings of an Event in the order event measures them.
var eventFields = [...]string{"id", "type", "channel", "path", "category", "campaign", "content", "cta"}

func (s *eventSizer) event(ev *Event) bool {
	for i, v := range [...]string{ev.ID, ev.Type, ev.Channel, ev.Path, ev.Category, ev.Campaign, ev.Content, ev.CTA} {
		if v != "" && !s.str(len(v)) {
			s.at(eventFields[i])
			return false
		}
	}
	if len(ev.Properties) > 0 && !s.object(ev.Properties, 1) {
		s.at("properties")
		return false
	}
	return true
}

// value walks v, which is at nesting level depth if it is a collection. The common types of
// decoded JSON are walked without reflection.
func (s *eventSizer) value(v any, depth int) bool {
	s.visited++
	switch x := v.(type) {
	case nil:
		return s.add(1)
	case string:
		return s.str(len(x))
	case bool, float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		uintptr, complex64, complex128, time.Time, time.Duration:
		return s.add(8)
	case map[string]any:
		if x == nil {
			return s.add(1)
		}
		return s.object(x, depth)
	case []any:
		if x == nil {
			return s.add(1)
		}
		return s.array(x, depth)
	case []string:
		if x == nil {
			return s.add(1)
		}
		return s.stringSlice(x, depth)
	case []byte:
		return s.str(len(x))
	}
	return s.reflected(reflect.ValueOf(v), depth)
}

func (s *eventSizer) array(xs []any, depth int) bool {
	if !s.enter(depth, len(xs)) {
		return false
	}
	for i, x := range xs {
		if !s.value(x, depth+1) {
			s.at(index(i))
			return false
		}
	}
	return true
}

func (s *eventSizer) stringSlice(xs []string, depth int) bool {
	if !s.enter(depth, len(xs)) {
		return false
	}
	for i, x := range xs {
		s.visited++
		if !s.str(len(x)) {
			s.at(index(i))
			return false
		}
	}
	return true
}

func (s *eventSizer) object(m map[string]any, depth int) bool {
	if !s.enter(depth, len(m)) {
		return false
	}
	for k, v := range m {
		if !s.key(len(k)) {
			return false
		}
		if !s.value(v, depth+1) {
			s.at(keyStep(k))
			return false
		}
	}
	return true
}

// timeType is the one struct type measured as a scalar.
var timeType = reflect.TypeFor[time.Time]()

// reflected walks any other type: typed slices and maps, arrays, structs, pointers.
func (s *eventSizer) reflected(v reflect.Value, depth int) bool {
	for hops := 0; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; hops++ {
		if v.IsNil() {
			return s.add(1)
		}
		if hops == pointerChain {
			return s.fail("is a chain of more than %d pointers (is it cyclic?)", pointerChain)
		}
		v = v.Elem()
	}
	if (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.IsNil() {
		return s.add(1) // a nil, not a collection: no nesting
	}
	switch v.Kind() {
	case reflect.String:
		return s.str(v.Len())
	case reflect.Slice, reflect.Array:
		n, elem := v.Len(), v.Type().Elem()
		if elem.Kind() == reflect.Uint8 {
			return s.str(n) // bytes read as a string
		}
		if !s.enter(depth, n) {
			return false
		}
		if n > 0 && scalar(elem.Kind()) {
			return s.add(8 * n) // nothing inside to look at
		}
		for i := range n {
			s.visited++
			if !s.reflected(v.Index(i), depth+1) {
				s.at(index(i))
				return false
			}
		}
		return true
	case reflect.Map:
		if !s.enter(depth, v.Len()) {
			return false
		}
		t := v.Type()
		k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		for it := v.MapRange(); it.Next(); {
			k.SetIterKey(it)
			e.SetIterValue(it)
			s.visited++ // the entry: its key, then its value
			if k.Kind() == reflect.String {
				if !s.key(k.Len()) {
					return false
				}
			} else if !s.reflected(k, depth+1) {
				s.at("[key " + shortName(fmt.Sprint(k.Interface())) + "]")
				return false
			}
			if !s.reflected(e, depth+1) {
				if k.Kind() == reflect.String {
					s.at(keyStep(k.String()))
				} else {
					s.at("[" + shortName(fmt.Sprint(k.Interface())) + "]")
				}
				return false
			}
		}
		return true
	case reflect.Struct:
		if v.Type() == timeType {
			return s.add(8)
		}
		if !s.nested(depth) {
			return false
		}
		t, exported := v.Type(), false
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				exported = true
				s.visited++
				if !s.reflected(v.Field(i), depth+1) {
					s.at("." + f.Name)
					return false
				}
			}
		}
		return exported || s.add(1)
	}
	return s.add(8) // numbers, bools, funcs, channels
}

// scalar reports whether values of kind k are numbers or bools: 8 bytes each, nothing inside.
func scalar(k reflect.Kind) bool {
	return k >= reflect.Bool && k <= reflect.Complex128
}

// nested checks a collection or struct at nesting level depth.
func (s *eventSizer) nested(depth int) bool {
	switch {
	case !within(depth, s.maxDepth):
		return s.fail("is nested %d deep, at most %d (Limits.MaxPropertyDepth)", depth, s.maxDepth)
	case depth > nestingCeiling:
		return s.fail("is nested more than %s deep, the most any event may nest (is it cyclic?)", text.Thousands(nestingCeiling))
	}
	return true
}

// enter checks a collection of n elements at nesting level depth; an empty one counts 1 byte.
func (s *eventSizer) enter(depth, n int) bool {
	switch {
	case !s.nested(depth):
		return false
	case !within(n, s.maxElems):
		return s.fail("has %s elements, at most %s (Limits.MaxPropertyElements)", text.Thousands(n), text.Thousands(s.maxElems))
	}
	// A collection counts a byte of its own, empty or not (its brackets, in JSON): so nested
	// collections use up MaxEventBytes too, and the walk stays within it (FuzzEventSize).
	return s.add(1)
}

// str counts a string of n bytes (an empty one counts 1).
func (s *eventSizer) str(n int) bool {
	if !within(n, s.maxString) {
		return s.fail("has %s bytes, at most %s (Limits.MaxStringBytes)", text.Thousands(n), text.Thousands(s.maxString))
	}
	return s.add(max(n, 1))
}

// key counts a map key of n bytes; the path is then the map's.
func (s *eventSizer) key(n int) bool {
	if !within(n, s.maxString) {
		return s.fail("has a key of %s bytes, at most %s (Limits.MaxStringBytes)", text.Thousands(n), text.Thousands(s.maxString))
	}
	return s.add(max(n, 1))
}

func (s *eventSizer) add(n int) bool {
	s.bytes += n
	if !within(s.bytes, s.maxBytes) {
		return s.fail("brings the event to %s bytes, at most %s (Limits.MaxEventBytes)", text.Thousands(s.bytes), text.Thousands(s.maxBytes))
	}
	return true
}

func (s *eventSizer) fail(format string, args ...any) bool {
	s.problem = fmt.Sprintf(format, args...)
	return false
}

func (s *eventSizer) at(step string) { s.path = append(s.path, step) }

func (s *eventSizer) err() error {
	slices.Reverse(s.path)
	where := strings.Join(s.path, "")
	if len(where) > maxPathBytes {
		cut := maxPathBytes
		for cut > 0 && !utf8.RuneStart(where[cut]) {
			cut--
		}
		where = where[:cut] + "…"
	}
	return fmt.Errorf("%w: %s %s", ErrEventTooLarge, where, s.problem)
}

func index(i int) string { return "[" + strconv.Itoa(i) + "]" }

// keyStep is the path step of a map key: .name for a plain name, ["…"] for any other.
func keyStep(k string) string {
	plain := k != ""
	for i, r := range k {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			plain = false
			break
		}
	}
	if plain && len(k) <= 64 {
		return "." + k
	}
	return "[" + strconv.Quote(shortName(k)) + "]"
}
