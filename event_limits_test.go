package leadscore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// smallLimits are limits small enough to write each edge out: 10-byte strings, 4 elements,
// 3 levels, 100 bytes in all.
func smallLimits() Limits {
	l := DefaultLimits()
	l.MaxStringBytes, l.MaxPropertyElements, l.MaxPropertyDepth, l.MaxEventBytes = 10, 4, 3, 100
	return l
}

func props(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func anys(n int, v any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// nest wraps v in n maps: nest(1, v) = {"a": v}.
func nest(n int, v any) any {
	for range n {
		v = map[string]any{"a": v}
	}
	return v
}

type item struct {
	Name   string
	Tags   []string
	hidden string // expressions cannot read it: it does not count
}

// Each limit at its edge: exactly at the limit passes, one over fails with a message naming
// the value and the limit.
func TestEventLimitsAtTheEdge(t *testing.T) {
	s10, s11 := strings.Repeat("x", 10), strings.Repeat("x", 11)
	onlyBytes := func(l Limits) Limits {
		l.MaxStringBytes, l.MaxPropertyElements, l.MaxPropertyDepth = Unlimited, Unlimited, Unlimited
		return l
	}
	same := func(l Limits) Limits { return l }
	var nilPtr *item
	tests := []struct {
		name   string
		limits func(Limits) Limits
		ok     Event
		over   Event
		want   string // after "leadscore: event too large: "
	}{
		{"ID", same, Event{ID: s10}, Event{ID: s11}, "id has 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		{"path", same, Event{Path: s10}, Event{Path: s11}, "path has 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		{"property string", same, Event{Properties: props("note", s10)}, Event{Properties: props("note", s11)},
			"properties.note has 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		{"property key", same, Event{Properties: props(s10, 1)}, Event{Properties: props(s11, 1)},
			"properties has a key of 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		{"[]byte is a string", same, Event{Properties: props("raw", []byte(s10))}, Event{Properties: props("raw", []byte(s11))},
			"properties.raw has 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		{"string in an array", same, Event{Properties: props("l", []any{"a", s10})}, Event{Properties: props("l", []any{"a", s11})},
			"properties.l[1] has 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		{"[]any elements", same, Event{Properties: props("skus", anys(4, 1))}, Event{Properties: props("skus", anys(5, 1))},
			"properties.skus has 5 elements, at most 4 (Limits.MaxPropertyElements)"},
		{"Properties' own elements", same, Event{Properties: props("a", 1, "b", 2, "c", 3, "d", 4)},
			Event{Properties: props("a", 1, "b", 2, "c", 3, "d", 4, "e", 5)},
			"properties has 5 elements, at most 4 (Limits.MaxPropertyElements)"},
		{"[]string", same, Event{Properties: props("tags", []string{"a", "b", "c", "d"})},
			Event{Properties: props("tags", []string{"a", "b", "c", "d", "e"})},
			"properties.tags has 5 elements, at most 4 (Limits.MaxPropertyElements)"},
		{"[]string element", same, Event{Properties: props("tags", []string{"a", s10})},
			Event{Properties: props("tags", []string{"a", s11})},
			"properties.tags[1] has 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		{"[]int", same, Event{Properties: props("ns", []int{1, 2, 3, 4})}, Event{Properties: props("ns", []int{1, 2, 3, 4, 5})},
			"properties.ns has 5 elements, at most 4 (Limits.MaxPropertyElements)"},
		{"array [n]float64", same, Event{Properties: props("ns", [4]float64{})}, Event{Properties: props("ns", [5]float64{})},
			"properties.ns has 5 elements, at most 4 (Limits.MaxPropertyElements)"},
		{"map[int]string elements", same, Event{Properties: props("m", map[int]string{1: "a", 2: "b", 3: "c", 4: "d"})},
			Event{Properties: props("m", map[int]string{1: "a", 2: "b", 3: "c", 4: "d", 5: "e"})},
			"properties.m has 5 elements, at most 4 (Limits.MaxPropertyElements)"},
		{"map[int]string value", same, Event{Properties: props("m", map[int]string{7: s10})},
			Event{Properties: props("m", map[int]string{7: s11})},
			"properties.m[7] has 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		{"map[string][]string key", same, Event{Properties: props("m", map[string][]string{s10: nil})},
			Event{Properties: props("m", map[string][]string{s11: nil})},
			"properties.m has a key of 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		{"map[string][]string value", same, Event{Properties: props("m", map[string][]string{"k-1": {s10}})},
			Event{Properties: props("m", map[string][]string{"k-1": {s11}})},
			`properties.m["k-1"][0] has 11 bytes, at most 10 (Limits.MaxStringBytes)`},
		{"pointer to a string", same, Event{Properties: props("p", &s10)}, Event{Properties: props("p", &s11)},
			"properties.p has 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		{"pointer to a struct", same, Event{Properties: props("p", &item{Name: "n", Tags: []string{"a", "b", "c", "d"}, hidden: s11}, "nil", nilPtr)},
			Event{Properties: props("p", &item{Name: "n", Tags: []string{"a", "b", "c", "d", "e"}})},
			"properties.p.Tags has 5 elements, at most 4 (Limits.MaxPropertyElements)"},
		{"slice of pointers", same, Event{Properties: props("ps", []*item{{Name: s10}})}, Event{Properties: props("ps", []*item{{Name: "a"}, {Name: s11}})},
			"properties.ps[1].Name has 11 bytes, at most 10 (Limits.MaxStringBytes)"},
		// Properties is level 1: {"a": {"a": 1}} nests 3 deep.
		{"maps nested", same, Event{Properties: props("a", nest(2, 1))}, Event{Properties: props("a", nest(3, 1))},
			"properties.a.a.a is nested 4 deep, at most 3 (Limits.MaxPropertyDepth)"},
		{"arrays of arrays", same, Event{Properties: props("x", []any{[]any{1}})}, Event{Properties: props("x", []any{[]any{[]any{1}}})},
			"properties.x[0][0] is nested 4 deep, at most 3 (Limits.MaxPropertyDepth)"},
		{"typed arrays of arrays", same, Event{Properties: props("x", [][]int{{1}})}, Event{Properties: props("x", [][][]int{{{1}}})},
			"properties.x[0][0] is nested 4 deep, at most 3 (Limits.MaxPropertyDepth)"},
		{"struct in a map", same, Event{Properties: props("x", map[string]item{"k": {}})}, Event{Properties: props("x", map[string]item{"k": {Tags: []string{}}})},
			"properties.x.k.Tags is nested 4 deep, at most 3 (Limits.MaxPropertyDepth)"},
		// "view" (4) + Properties' own byte (1) + "n" (1) + 94 = 100.
		{"event bytes, in a string", onlyBytes, Event{Type: "view", Properties: props("n", strings.Repeat("x", 94))},
			Event{Type: "view", Properties: props("n", strings.Repeat("x", 95))},
			"properties.n brings the event to 101 bytes, at most 100 (Limits.MaxEventBytes)"},
		// "t" (1) + Properties (1) + "a" (1) + the slice's own byte (1) + 12 numbers (8 each) = 100.
		{"event bytes, numbers", onlyBytes, Event{Type: "t", Properties: props("a", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})},
			Event{Type: "tt", Properties: props("a", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})},
			"properties.a brings the event to 101 bytes, at most 100 (Limits.MaxEventBytes)"},
		// "t" (1) + Properties (1) + 11 keys (1 each) + 10 scalars (8 each) + "1234567" = 100.
		{"event bytes, scalars", onlyBytes, Event{Type: "t", Properties: props("a", 1, "b", int8(2), "c", uint(3), "d", float32(4), "e", 5, "f", 6, "g", 7, "h", time.Second, "i", 9, "j", true, "k", "1234567")},
			Event{Type: "tt", Properties: props("a", 1, "b", int8(2), "c", uint(3), "d", float32(4), "e", 5, "f", 6, "g", 7, "h", time.Second, "i", 9, "j", true, "k", "1234567")}, ""},
		// An empty value counts 1: no type + Properties (1) + 33 keys of 2 bytes + 33 empty
		// values = 100.
		{"event bytes, empty values", onlyBytes, Event{Properties: emptyValues(33)}, Event{Type: "t", Properties: emptyValues(33)}, ""},
		{"event bytes, fixed fields", onlyBytes, Event{ID: strings.Repeat("i", 50), Type: strings.Repeat("t", 50)},
			Event{ID: strings.Repeat("i", 50), Type: strings.Repeat("t", 50), Channel: "c"},
			"channel brings the event to 101 bytes, at most 100 (Limits.MaxEventBytes)"},
		{"times count 8", onlyBytes, Event{Type: strings.Repeat("t", 90), Properties: props("a", t0)},
			Event{Type: strings.Repeat("t", 91), Properties: props("a", t0)},
			"properties.a brings the event to 101 bytes, at most 100 (Limits.MaxEventBytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.limits(smallLimits())
			if _, err := l.sizeEvent(&tt.ok); err != nil {
				t.Fatalf("at the limit: %v", err)
			}
			_, err := l.sizeEvent(&tt.over)
			if !errors.Is(err, ErrEventTooLarge) {
				t.Fatalf("one over: %v, want ErrEventTooLarge", err)
			}
			if tt.want != "" && err.Error() != "leadscore: event too large: "+tt.want {
				t.Fatalf("one over:\n got %s\nwant leadscore: event too large: %s", err, tt.want)
			}
		})
	}
}

// emptyValues returns n properties with 2-byte keys and empty values of every kind.
func emptyValues(n int) map[string]any {
	empties := []any{nil, "", []any{}, map[string]any{}, []string{}, map[int]int{}, (*item)(nil), struct{ x int }{}}
	m := map[string]any{}
	for i := range n {
		m[string([]byte{'a' + byte(i/26), 'a' + byte(i%26)})] = empties[i%len(empties)]
	}
	return m
}

// Unlimited turns each limit off; TrustedLimits turns all of them off and walks nothing.
func TestEventLimitsUnlimited(t *testing.T) {
	big := Event{Type: strings.Repeat("t", 1<<20), Properties: props("a", nest(20, anys(5000, "x")))}
	l := DefaultLimits()
	if _, err := l.sizeEvent(&big); err == nil {
		t.Fatal("default limits admitted a 1 MiB type")
	}
	l.MaxEventBytes, l.MaxStringBytes, l.MaxPropertyDepth, l.MaxPropertyElements = Unlimited, Unlimited, Unlimited, Unlimited
	if visited, err := l.sizeEvent(&big); err != nil || visited != 0 {
		t.Fatalf("all limits off: %v, visited %d", err, visited)
	}
	if visited, err := TrustedLimits().sizeEvent(&big); err != nil || visited != 0 {
		t.Fatalf("TrustedLimits: %v, visited %d", err, visited)
	}
	// One limit on, the others off.
	l.MaxPropertyElements = 5000
	if _, err := l.sizeEvent(&big); err != nil {
		t.Fatalf("only MaxPropertyElements: %v", err)
	}
	l.MaxPropertyElements = 4999
	if _, err := l.sizeEvent(&big); !errors.Is(err, ErrEventTooLarge) {
		t.Fatalf("MaxPropertyElements 4999: %v", err)
	}
}

// A cyclic structure — which only Go code can build — ends the walk: the nesting limit stops
// it, or with that limit off the nesting ceiling, or for a cycle of pointers the chain limit.
func TestEventLimitsCycles(t *testing.T) {
	self := map[string]any{}
	self["self"] = self
	loop := []any{nil}
	loop[0] = loop
	p := new(any)
	*p = p
	type node struct{ Next *node }
	ring := &node{}
	ring.Next = ring
	depthOff := DefaultLimits()
	depthOff.MaxPropertyDepth = Unlimited
	tests := []struct {
		name   string
		limits Limits
		props  map[string]any
		want   string
	}{
		{"map holding itself", DefaultLimits(), props("m", self),
			"properties.m.self.self.self.self.self.self.self is nested 9 deep, at most 8 (Limits.MaxPropertyDepth)"},
		{"slice holding itself", DefaultLimits(), props("l", loop), "properties.l[0][0][0][0][0][0][0] is nested 9 deep, at most 8 (Limits.MaxPropertyDepth)"},
		{"struct pointing to itself", DefaultLimits(), props("n", ring), "properties.n.Next.Next.Next.Next.Next.Next.Next is nested 9 deep, at most 8 (Limits.MaxPropertyDepth)"},
		{"pointer to itself", DefaultLimits(), props("p", p), "properties.p is a chain of more than 64 pointers (is it cyclic?)"},
		{"map holding itself, depth off", depthOff, props("m", self), "is nested more than 10,000 deep, the most any event may nest (is it cyclic?)"},
		{"slice holding itself, depth off", depthOff, props("l", loop), "is nested more than 10,000 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Event{Type: "t", Properties: tt.props}
			visited, err := tt.limits.sizeEvent(&ev)
			if !errors.Is(err, ErrEventTooLarge) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want …%s", err, tt.want)
			}
			if visited > nestingCeiling+2 {
				t.Fatalf("visited %d values", visited)
			}
			if len(err.Error()) > 400 {
				t.Fatalf("message of %d bytes: the path must be cut", len(err.Error()))
			}
		})
	}
}

// A huge event is rejected by looking at a bounded number of values: its strings' and
// collections' lengths are checked before anything inside them, and the walk stops at the
// first value beyond a limit. (BenchmarkEventSizeHuge measures the time.)
func TestEventLimitsHugeEventsStopEarly(t *testing.T) {
	million := anys(1_000_000, "ab")
	manyKeys := make(map[string]any, 200_000)
	for i := range 200_000 {
		manyKeys[strings.Repeat("k", 1+i%7)+string(rune('a'+i%26))+strconv.Itoa(i)] = i
	}
	strs := make([]string, 1_000_000)
	elementsOff := DefaultLimits()
	elementsOff.MaxPropertyElements = Unlimited
	depthOff := DefaultLimits()
	depthOff.MaxPropertyDepth = Unlimited
	tests := []struct {
		name       string
		limits     Limits
		ev         Event
		maxVisited int
	}{
		{"50 MB string", DefaultLimits(), Event{Type: "t", Properties: props("s", strings.Repeat("x", 50<<20))}, 1},
		{"50 MB type", DefaultLimits(), Event{Type: strings.Repeat("x", 50<<20)}, 0},
		{"10⁶-element slice", DefaultLimits(), Event{Type: "t", Properties: props("l", million)}, 1},
		{"10⁶-element []string", DefaultLimits(), Event{Type: "t", Properties: props("l", strs)}, 1},
		{"10⁶-element []float64", DefaultLimits(), Event{Type: "t", Properties: props("l", make([]float64, 1_000_000))}, 1},
		{"200,000 keys", DefaultLimits(), Event{Type: "t", Properties: manyKeys}, 0},
		// With the element limit off, MaxEventBytes stops the walk: every value counts at
		// least a byte, so at most MaxEventBytes + 1 of them are looked at.
		{"10⁶-element slice, elements off", elementsOff, Event{Type: "t", Properties: props("l", million)}, elementsOff.MaxEventBytes + 1},
		{"10⁶ empty strings, elements off", elementsOff, Event{Type: "t", Properties: props("l", strs)}, elementsOff.MaxEventBytes + 1},
		{"10⁶ nils, elements off", elementsOff, Event{Type: "t", Properties: props("l", anys(1_000_000, nil))}, elementsOff.MaxEventBytes + 1},
		{"200,000 keys, elements off", elementsOff, Event{Type: "t", Properties: manyKeys}, elementsOff.MaxEventBytes + 1},
		{"20,000 levels, depth off", depthOff, Event{Type: "t", Properties: props("a", nest(20_000, 1))}, nestingCeiling + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			visited, err := tt.limits.sizeEvent(&tt.ev)
			if !errors.Is(err, ErrEventTooLarge) {
				t.Fatalf("admitted: %v", err)
			}
			if visited > tt.maxVisited {
				t.Fatalf("visited %d values, want at most %d (%v)", visited, tt.maxVisited, err)
			}
		})
	}
}

// Observe, ObserveInto and Accumulate reject an event beyond the limits, leaving the State as
// it was; the Scorer keeps the limits it was compiled with.
func TestEventTooLargeLeavesStateUntouched(t *testing.T) {
	cfg := Config{Events: []EventRule{{ID: "any", Points: 1}}}
	scorers := map[string]*Scorer[Lead]{
		"default": compileT(t, cfg),
		"small":   compileT(t, cfg, WithLimits(Limits{MaxPropertyElements: 2})),
	}
	for name, s := range scorers {
		t.Run(name, func(t *testing.T) {
			var st State
			observeT(t, s, Lead{}, &st, Event{ID: "1", Type: "visit", Time: t0, Properties: props("l", anys(2, 1))})
			before, _ := st.MarshalBinary()
			tooBig := Event{ID: "2", Type: "visit", Time: t0.Add(time.Hour), Properties: props("l", anys(1001, 1))}
			if name == "small" {
				tooBig.Properties = props("l", anys(3, 1))
			}
			_, err := s.Observe(Lead{}, &st, tooBig)
			check := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, ErrEventTooLarge) {
					t.Fatalf("%s: %v, want ErrEventTooLarge", what, err)
				}
				if after, _ := st.MarshalBinary(); !bytes.Equal(before, after) {
					t.Fatalf("%s changed the State", what)
				}
			}
			check("Observe", err)
			var res Result
			check("ObserveInto", s.ObserveInto(&res, Lead{}, &st, tooBig))
			taken, err := s.Accumulate(Lead{}, &st, tooBig)
			check("Accumulate", err)
			if taken {
				t.Fatal("Accumulate took it")
			}
			// A repeat of a seen ID is measured too: the limits come before de-duplication.
			tooBig.ID = "1"
			_, err = s.Observe(Lead{}, &st, tooBig)
			check("Observe of a repeated ID", err)
		})
	}
	s := compileT(t, cfg, WithLimits(TrustedLimits()))
	var st State
	observeT(t, s, Lead{}, &st, Event{Type: "visit", Time: t0, Properties: props("l", anys(100_000, 1))})
}

// Measuring a small event allocates nothing.
func TestEventSizeAllocatesNothing(t *testing.T) {
	ev := smallEvent()
	l := DefaultLimits()
	if n := testing.AllocsPerRun(100, func() {
		if _, err := l.sizeEvent(&ev); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

func smallEvent() Event {
	return Event{
		ID: "evt_01HZX3", Type: EventPageView, Time: t0, Channel: "web", Path: "/pricing?plan=team",
		Properties: map[string]any{"utm_source": "newsletter", "duration_s": 42.0, "logged_in": true, "tags": []any{"a", "b", "c"}},
	}
}

func BenchmarkEventSize(b *testing.B) {
	l := DefaultLimits()
	events := map[string]Event{
		"no properties": {ID: "evt_01HZX3", Type: EventPageView, Time: t0, Channel: "web", Path: "/pricing"},
		"4 properties":  smallEvent(),
		"typed":         {Type: "order", Time: t0, Properties: map[string]any{"skus": []string{"a-1", "b-2", "c-3"}, "qty": []int{1, 2, 3}, "item": &item{Name: "x"}}},
		"1,000 numbers": {Type: "t", Time: t0, Properties: map[string]any{"l": anys(1000, 1.5)}},
	}
	for name, ev := range events {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.sizeEvent(&ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEventSizeHuge measures how fast a huge event is rejected.
func BenchmarkEventSizeHuge(b *testing.B) {
	elementsOff := DefaultLimits()
	elementsOff.MaxPropertyElements = Unlimited
	depthOff := DefaultLimits()
	depthOff.MaxPropertyDepth = Unlimited
	self := map[string]any{}
	self["self"] = self
	cases := []struct {
		name   string
		limits Limits
		ev     Event
	}{
		{"50 MB string", DefaultLimits(), Event{Type: "t", Properties: props("s", strings.Repeat("x", 50<<20))}},
		{"10⁶-element slice", DefaultLimits(), Event{Type: "t", Properties: props("l", anys(1_000_000, "ab"))}},
		{"10⁶-element slice, elements off", elementsOff, Event{Type: "t", Properties: props("l", anys(1_000_000, "ab"))}},
		{"10⁶ numbers, elements off", elementsOff, Event{Type: "t", Properties: props("l", anys(1_000_000, 1.0))}},
		{"cyclic map", DefaultLimits(), Event{Type: "t", Properties: self}},
		{"cyclic map, depth off", depthOff, Event{Type: "t", Properties: self}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := c.limits.sizeEvent(&c.ev); err == nil {
					b.Fatal("admitted")
				}
			}
		})
	}
}

// measure is the reference the walk is held to: it measures all of a decoded-JSON value
// (nil, bool, float64, string, []any, map[string]any) at nesting level depth, never
// stopping early.
type measure struct{ bytes, depth, elems, str int }

func (m *measure) of(v any, depth int) {
	switch x := v.(type) {
	case string:
		m.bytes += max(len(x), 1)
		m.str = max(m.str, len(x))
	case []any:
		m.container(depth, len(x))
		for _, e := range x {
			m.of(e, depth+1)
		}
	case map[string]any:
		m.container(depth, len(x))
		for k, e := range x {
			m.bytes += max(len(k), 1)
			m.str = max(m.str, len(k))
			m.of(e, depth+1)
		}
	case nil:
		m.bytes++
	default:
		m.bytes += 8
	}
}

func (m *measure) container(depth, n int) {
	m.depth, m.elems = max(m.depth, depth), max(m.elems, n)
	m.bytes++ // a collection's own byte, empty or not
}

// The walk accepts exactly the events whose full measure is within every limit, and looks at
// no more values than the limits allow.
func FuzzEventSize(f *testing.F) {
	f.Add([]byte(`{"a": [1, "xy", {"b": null}], "c": true}`), "id", uint8(40), uint8(3), uint8(3), uint8(5))
	f.Add([]byte(`{"a": [[[[[]]]]], "": ""}`), "", uint8(0), uint8(4), uint8(0), uint8(0))
	f.Add([]byte(`{"skus": ["a", "b", "c", "d", "e"]}`), "evt", uint8(30), uint8(2), uint8(4), uint8(1))
	f.Add([]byte(`{"k": {"k": {"k": {}}, "l": [{}, [], "", null]}}`), "", uint8(12), uint8(9), uint8(9), uint8(9))
	f.Fuzz(func(t *testing.T, data []byte, id string, maxBytes, maxDepth, maxElems, maxString uint8) {
		var props map[string]any
		if json.Unmarshal(data, &props) != nil {
			return
		}
		limit := func(v uint8) int {
			if v == 0 {
				return Unlimited
			}
			return int(v)
		}
		l := Limits{MaxEventBytes: limit(maxBytes), MaxPropertyDepth: limit(maxDepth), MaxPropertyElements: limit(maxElems), MaxStringBytes: limit(maxString)}
		ev := Event{ID: id, Type: "t", Properties: props}
		m := measure{bytes: len(id) + 1, str: len(id)}
		if len(props) > 0 {
			m.depth, m.elems = 1, len(props)
			m.bytes++ // Properties' own byte
			for k, v := range props {
				m.bytes += max(len(k), 1)
				m.str = max(m.str, len(k))
				m.of(v, 2)
			}
		}
		want := within(m.bytes, l.MaxEventBytes) && within(m.depth, l.MaxPropertyDepth) &&
			within(m.elems, l.MaxPropertyElements) && within(m.str, l.MaxStringBytes)
		visited, err := l.sizeEvent(&ev)
		if (err == nil) != want {
			t.Fatalf("limits %+v, measure %+v: got %v, want accepted %v", l, m, err, want)
		}
		if err != nil && !errors.Is(err, ErrEventTooLarge) {
			t.Fatal(err)
		}
		if l.MaxEventBytes != Unlimited && visited > l.MaxEventBytes+1 {
			t.Fatalf("visited %d values for a limit of %d bytes", visited, l.MaxEventBytes)
		}
	})
}

// CheckEvent says what Observe would say about an event, and changes nothing: every event
// Observe refuses, CheckEvent refuses with the same sentinel, and every event it accepts,
// Observe accepts.
func TestCheckEventAgreesWithObserve(t *testing.T) {
	strict := DefaultB2B()
	strict.StrictEventTypes = true
	s := compileT(t, strict)
	big := map[string]any{"blob": strings.Repeat("x", DefaultLimits().MaxEventBytes+1)}
	events := []Event{
		{Type: EventPageView, Time: t0, Path: "/pricing"},
		{Type: EventPageView, Time: t0, ID: "same"},
		{Type: EventPageView, Time: t0, ID: "same"}, // a redelivery passes: the State says duplicate
		{Type: EventPageView},                       // zero time
		{Type: EventPageView, Time: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Type: EventPageView, Time: t0, Properties: big},
		{Type: "page_veiw", Time: t0},
	}
	var st State
	for i, ev := range events {
		checked := s.CheckEvent(ev)
		before, _ := st.MarshalBinary()
		_, observed := s.Observe(benchLead, &st, ev)
		if (checked == nil) != (observed == nil) {
			t.Errorf("event %d: CheckEvent %v, Observe %v", i, checked, observed)
			continue
		}
		for _, sentinel := range []error{ErrEventTime, ErrEventTooLarge, ErrUnknownEventType} {
			if errors.Is(checked, sentinel) != errors.Is(observed, sentinel) {
				t.Errorf("event %d: CheckEvent %v and Observe %v disagree on %v", i, checked, observed, sentinel)
			}
		}
		if checked != nil {
			after, _ := st.MarshalBinary()
			if !bytes.Equal(before, after) {
				t.Errorf("event %d: refused, yet the State changed", i)
			}
		}
	}
}

// An event without properties is sized without the walk (sizeEvent's shortcut): on random
// strings and limits at their edges, it must accept exactly what the walk accepts, and
// refuse with the walk's error.
func TestEventSizeShortcutAgreesWithWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(91, 92))
	str := func() string { return strings.Repeat("x", pick(r, []int{0, 1, 2, 7, 8, 9, 16, 40})) }
	lim := func() int { return pick(r, []int{Unlimited, 0, 1, 7, 8, 9, 16, 24, 40, 100}) }
	for range 20000 {
		ev := Event{ID: str(), Type: str(), Channel: str(), Path: str(), Category: str(), Campaign: str(), Content: str(), CTA: str()}
		l := Limits{MaxEventBytes: lim(), MaxStringBytes: lim(), MaxPropertyDepth: lim(), MaxPropertyElements: lim()}
		_, got := l.sizeEvent(&ev)
		walk := eventSizer{maxBytes: l.MaxEventBytes, maxDepth: l.MaxPropertyDepth, maxElems: l.MaxPropertyElements, maxString: l.MaxStringBytes}
		var want error
		if !walk.event(&ev) {
			want = walk.err()
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("limits %+v, event %+v: sizeEvent %v, the walk %v", l, ev, got, want)
		}
	}
}
