package state

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randPair draws two Datas for one layout, often tied in the fields Merge orders by (stage
// entry, evaluation time and tier, cart time), where only a tie-break keeps it commutative.
func randPair(r *rand.Rand, l *Layout) (a, b *Data) {
	a, b = randData(r, l), randData(r, l)
	if r.IntN(2) == 0 {
		b.Evaluated, b.Tier, b.Clock = a.Evaluated, a.Tier, max(a.Clock, b.Clock)
	}
	if r.IntN(2) == 0 {
		b.Since, b.Clock = a.Since, max(a.Clock, b.Clock)
		if r.IntN(2) == 0 {
			b.Stage = a.Stage
		}
	}
	if r.IntN(2) == 0 {
		b.Cart.At = a.Cart.At
		if b.Cart.At == None {
			b.Cart.Step = ""
		}
	}
	return a, b
}

func merged(a, b *Data) *Data {
	c := a.Clone()
	c.Merge(b)
	return c
}

// Merge is commutative: exactly, so compared by the bytes Marshal writes.
func TestMergeCommutative(t *testing.T) {
	r := newRand(30)
	for trial := range trials(800) {
		l := randLayout(r)
		a, b := randPair(r, l)
		ab, ba := merged(a, b), merged(b, a)
		if err := ab.Check(); err != nil {
			t.Fatalf("trial %d: merged Data fails Check: %v", trial, err)
		}
		if !bytes.Equal(mustMarshal(t, ab), mustMarshal(t, ba)) {
			t.Fatalf("trial %d: a.Merge(b) and b.Merge(a) differ: %s", trial, diff(ab, ba, 0))
		}
	}
}

// Merge is associative, up to float rounding (1e-9 relative) in the sums, for sums of up
// to MaxFloat64/1024 points. Velocity sums that saturate at MaxFloat64 may differ in how
// much the saturation cut off (see TestAccumSaturates); everything else stays associative.
func TestMergeAssociative(t *testing.T) {
	r := newRand(31)
	for trial := range trials(800) {
		heavy := math.MaxFloat64 / 1024
		saturating := trial%4 == 0
		if saturating {
			heavy = math.MaxFloat64
		}
		l := randLayout(r)
		a, b, c := randDataHeavy(r, l, heavy), randDataHeavy(r, l, heavy), randDataHeavy(r, l, heavy)
		if r.IntN(2) == 0 {
			b.Evaluated, b.Tier, b.Clock = a.Evaluated, a.Tier, max(a.Clock, b.Clock)
			c.Since, c.Stage, c.Clock = b.Since, b.Stage, max(b.Clock, c.Clock)
		}
		left, right := merged(merged(a, b), c), merged(a, merged(b, c))
		if saturating {
			right.Vel = left.Vel
		}
		// The hand-off touch takes touches of the other parts at or before the earliest
		// hand-off: approximate, and not associative when the parts became MQLs at different
		// times (see mergeHandoff). TestMergeHandoffAssociativeOneMQL covers where it is.
		right.HandoffTouch = left.HandoffTouch
		if d := diff(left, right, 1e-9); d != "" {
			t.Fatalf("trial %d: (a+b)+c and a+(b+c) differ: %s", trial, d)
		}
	}
}

// Merge is idempotent: merging a Data with itself or a copy of itself changes nothing. And
// it never modifies its argument; a new Data merges as the identity on either side.
func TestMergeIdempotent(t *testing.T) {
	r := newRand(32)
	for trial := range trials(800) {
		l := randLayout(r)
		d := randData(r, l)
		before := mustMarshal(t, d)
		d.Merge(d.Clone())
		d.Merge(d)
		if got := mustMarshal(t, d); !bytes.Equal(got, before) {
			t.Fatalf("trial %d: d.Merge(d.Clone()) changed d", trial)
		}
		o := randData(r, l)
		ob := mustMarshal(t, o)
		d.Merge(o)
		if !bytes.Equal(mustMarshal(t, o), ob) {
			t.Fatalf("trial %d: Merge modified its argument", trial)
		}
		n := &Data{}
		n.Merge(o)
		if !Equal(n, o) {
			t.Fatalf("trial %d: a new Data merged with o is not o", trial)
		}
		d2 := o.Clone()
		d2.Merge(&Data{})
		if !Equal(d2, o) {
			t.Fatalf("trial %d: merging a new Data changed o", trial)
		}
	}
}

// split deals evs into k parts (some may stay empty), each taken by its own Data.
func split(r *rand.Rand, l *Layout, evs []event, k int) []*Data {
	parts := make([][]event, k)
	for _, ev := range evs {
		i := r.IntN(k)
		parts[i] = append(parts[i], ev)
	}
	out := make([]*Data, k)
	for i, p := range parts {
		out[i] = build(l, p)
	}
	return out
}

// mergeAll merges parts in a random grouping and order.
func mergeAll(r *rand.Rand, parts []*Data) *Data {
	for len(parts) > 1 {
		i, j := r.IntN(len(parts)), r.IntN(len(parts)-1)
		if j >= i {
			j++
		}
		parts[i].Merge(parts[j])
		parts = slices.Delete(parts, j, j+1)
	}
	return parts[0]
}

// A Data merged from the parts of any split of the events equals (within 1e-9) one Data that
// took all the events: accumulators, velocity sums, rings, IDs, counts, times and clock.
func TestMergeEqualsOneData(t *testing.T) {
	r := newRand(33)
	for trial := range trials(1500) {
		l := randLayout(r)
		evs := randEvents(r, l, r.IntN(40), math.MaxFloat64/1024)
		whole := build(l, evs)
		got := mergeAll(r, split(r, l, evs, 1+r.IntN(6)))
		if d := diff(got, whole, 1e-9); d != "" {
			t.Fatalf("trial %d: merged parts differ from one Data: %s", trial, d)
		}
	}
}

// Merge is bounded: 300 merges of shard parts keep the IDs within capacity, and every
// intermediate Data round-trips through the codec (so passes Check); the result equals one
// Data that took every event.
func TestMergeBounded(t *testing.T) {
	r := newRand(34)
	l := NewLayout(
		[]Rule{{ID: "a", HalfLife: 7 * day}, {ID: "b", HalfLife: 1}, {ID: "c", HalfLife: math.MaxInt64}, {ID: "d"}},
		[]string{"x", "y"}, []int{4, 1}, []Kind{{Name: "k"}}, []string{"s"}, 7*day, 16)
	evs := randEvents(r, l, 900, 0)
	parts := split(r, l, evs, 300)
	acc := &Data{}
	for i, p := range parts {
		acc.Merge(p)
		if len(acc.IDs) > l.IDCap {
			t.Fatalf("after %d merges: %d IDs, capacity %d", i+1, len(acc.IDs), l.IDCap)
		}
		if back, err := Unmarshal(mustMarshal(t, acc)); err != nil || !Equal(back, acc) {
			t.Fatalf("round trip after %d merges: %v", i+1, err)
		}
	}
	if d := diff(acc, build(l, evs), 1e-9); d != "" {
		t.Fatalf("300 merged parts differ from one Data: %s", d)
	}
	if acc.Footprint() > 688+MaxReason+32*4+8*5+16*16+32*MaxHistory+4*2+24*MaxVisits+MaxQuestion+MaxStep+3*4*MaxTouchText {
		t.Errorf("footprint %d after 300 merges", acc.Footprint())
	}
}

// Parts of other rule sets merge under the layout of the part with the later clock (ties
// broken by the layouts): merging is merging the other part's View, and it commutes.
func TestMergeOtherLayout(t *testing.T) {
	r := newRand(35)
	for trial := range trials(300) {
		l, m := randLayout(r), randLayout(r)
		d, o := randData(r, l), randData(r, m)
		if trial%3 == 0 { // a tie: decided by the layouts
			c := max(d.Clock, o.Clock)
			d.Clock, o.Clock = c, c
		}
		ob := mustMarshal(t, o)
		var want *Data
		if o.Clock > d.Clock || (o.Clock == d.Clock && m.Less(l)) {
			want = merged(d.View(m), o)
		} else {
			want = merged(d, o.View(l))
		}
		got := merged(d, o)
		if dd := diff(got, want, 0); dd != "" {
			t.Fatalf("trial %d: %s", trial, dd)
		}
		if dd := diff(merged(o, d), got, 1e-9); dd != "" {
			t.Fatalf("trial %d: merging across layouts does not commute: %s", trial, dd)
		}
		if !bytes.Equal(mustMarshal(t, o), ob) {
			t.Fatalf("trial %d: Merge modified its argument", trial)
		}
	}
}

// bindFixture is a Data laid out for an old rule set with known contents.
func bindFixture() (*Layout, *Data) {
	old := NewLayout(
		[]Rule{{ID: "a", HalfLife: 7 * day}, {ID: "b", HalfLife: 7 * day}, {ID: "c"}, {ID: "gone", HalfLife: day}},
		[]string{"x", "y", "z"}, []int{4, 2, 3},
		[]Kind{{Name: "k0"}, {Name: "k1"}, {Name: "k2"}},
		[]string{"s0", "s1", "s2"}, 7*day, 8)
	var evs []event
	for i := range 10 {
		evs = append(evs, event{
			t: base + int64(i)*day, typ: i % 3, rules: []int{i % 4, (i + 1) % 4}, w: 5, id: uint64(100 + i),
		})
	}
	d := build(old, evs)
	d.Signals = 1<<0 | 1<<1 // k0, k1
	d.Entered = 1<<0 | 1<<2 // s0, s2
	return old, d
}

// Invariant 1: a new Data is zero; Bind lays it out with empty arrays and "never" times.
func TestBindNew(t *testing.T) {
	d := &Data{}
	if !d.IsNew() || d.Check() != nil || d.StageSince() != 0 {
		t.Fatal("the zero Data is not a valid new Data")
	}
	l := NewLayout([]Rule{{ID: "a"}}, []string{"x", "y"}, []int{2, 3}, nil, nil, day, 4)
	d.Bind(l)
	if d.IsNew() || len(d.Acc) != 1 || len(d.Times) != 5 || d.Acc[0] != (Accum{}) {
		t.Fatalf("bound: %+v", d)
	}
	for _, x := range append(slices.Clone(d.Times), d.Clock, d.Evaluated, d.Latest, d.First, d.Since, d.MQLAt, d.Cart.At, d.StageSince()) {
		if x != None {
			t.Fatalf("a new Data's time is %d, want None: %+v", x, d)
		}
	}
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(mustMarshal(t, d))
	if err != nil || !Equal(back, d) {
		t.Fatalf("round trip of a bound new Data: %v", err)
	}
	if got := d.At(base); got != base {
		t.Errorf("At(%d) = %d without a clock", base, got)
	}
}

// Bind remaps by name: renamed rules and kinds carry over, a changed half-life converts,
// rings are kept for types both track (resized keeping the latest), stages are remapped by
// name, the ID capacity shrinks keeping the most recent, and what the new layout does not
// know is dropped.
func TestBindRemaps(t *testing.T) {
	old, d := bindFixture()
	orig := d.Clone()
	l := NewLayout(
		[]Rule{
			{ID: "b2", RenamedFrom: []string{"b"}, HalfLife: 7 * day},
			{ID: "a", HalfLife: 14 * day},
			{ID: "new", HalfLife: day},
			{ID: "c2", RenamedFrom: []string{"nope", "c"}},
		},
		[]string{"y", "x", "w"}, []int{5, 2, 1},
		[]Kind{{Name: "K1", RenamedFrom: []string{"k1"}}, {Name: "k0"}, {Name: "k2"}, {Name: "knew"}},
		[]string{"s2", "snew", "s0"}, 14*day, 3)
	d.Bind(l)
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	conv, _ := orig.Acc[0].Convert(7*day, 14*day)
	wantAcc := []Accum{orig.Acc[1], conv, {}, orig.Acc[2]}
	if !slices.Equal(d.Acc, wantAcc) {
		t.Errorf("accumulators %+v, want %+v", d.Acc, wantAcc)
	}
	ringY := append([]int64{None, None, None}, orig.Ring(1)...)
	ringX := orig.Ring(0)[2:]
	if !slices.Equal(d.Ring(0), ringY) || !slices.Equal(d.Ring(1), ringX) || !slices.Equal(d.Ring(2), []int64{None}) {
		t.Errorf("rings %v %v %v, want %v %v [None]", d.Ring(0), d.Ring(1), d.Ring(2), ringY, ringX)
	}
	if d.Signals != 1<<0|1<<1 { // K1 (was k1) and k0
		t.Errorf("signals %b", d.Signals)
	}
	if d.Entered != 1<<0|1<<2 { // s2 and s0
		t.Errorf("entered %b", d.Entered)
	}
	if !slices.Equal(d.IDs, orig.IDs[len(orig.IDs)-3:]) {
		t.Errorf("IDs %v, want the 3 most recent of %v", d.IDs, orig.IDs)
	}
	if d.Clock != orig.Clock || d.Events != orig.Events || d.Latest != orig.Latest || d.First != orig.First {
		t.Errorf("clock or counts changed")
	}
	// Back to the old layout: what both know is there again; renamed kinds are not renamed back.
	d.Bind(old)
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	back, _ := conv.Convert(14*day, 7*day)
	if !slices.Equal(d.Acc, []Accum{back, {}, {}, {}}) { // b2 and c2 do not say they became b and c
		t.Errorf("accumulators after binding back %+v, want %+v", d.Acc, back)
	}
}

// Binding converts the velocity sums, which are weighted by points: the same way as a rule's
// count for one event, exactly for equal weights, and for any weights between "every event
// at Ref" and "every event at First" (each event's weight changes by a factor between 1 and
// the decay ratio over the whole span).
func TestBindConvertsVelocity(t *testing.T) {
	r := newRand(36)
	for trial := range trials(2000) {
		oldV, newV := randHalfLife(r), randHalfLife(r)
		if oldV == 0 || newV == 0 {
			continue // no velocity signal: the sums are not kept
		}
		old := NewLayout(nil, nil, nil, nil, nil, oldV, 0)
		l := NewLayout(nil, nil, nil, nil, nil, newV, 0)
		n := 1 + r.IntN(6)
		equal := r.IntN(2) == 0
		w := float64(1 + r.IntN(40))
		var evs []timed
		for range n {
			if !equal {
				w = float64(1 + r.IntN(40))
			}
			evs = append(evs, timed{t: base + r.Int64N(30*day), w: w})
		}
		d := &Data{}
		d.Bind(old)
		for _, e := range evs {
			apply(d, old, event{t: e.t, typ: -1, w: e.w})
		}
		src := d.Vel
		d.Bind(l)
		for i, h := range []int64{newV, newV * velocitySum} {
			got := d.Vel[i]
			want, ref, first := trueSum(evs, h)
			if got.Ref != ref || got.First != first || got.N != uint64(n) {
				t.Fatalf("trial %d: velocity sum %d %+v lost its times or count", trial, i, got)
			}
			if equal && n <= 2 && !near(got.Sum, want, 1e-12) {
				t.Fatalf("trial %d: %d events of weight %v, velocity sum %d converted from h=%d to h=%d: %v, want %v",
					trial, n, w, i, oldV, newV, got.Sum, want)
			}
			oldH := []int64{oldV, oldV * velocitySum}[i]
			rho := Decay(Span(ref, first), h) / Decay(Span(ref, first), oldH)
			lo, hi := src[i].Sum*min(1, rho), src[i].Sum*max(1, rho)
			if got.Sum < lo*(1-1e-12) || got.Sum > hi*(1+1e-12) {
				t.Fatalf("trial %d: velocity sum %d of %v converted from h=%d to h=%d: %v, want within [%v, %v] (true %v)",
					trial, i, evs, oldH, h, got.Sum, lo, hi, want)
			}
		}
	}
}

// Binding to any layout gives a valid Data, View gives the same without modifying its
// receiver, and binding to the same layout again changes nothing.
func TestViewNeverModifies(t *testing.T) {
	r := newRand(37)
	for trial := range trials(800) {
		l, m := randLayout(r), randLayout(r)
		d := randData(r, l)
		before, clone := mustMarshal(t, d), d.Clone()
		v := d.View(m)
		if !bytes.Equal(mustMarshal(t, d), before) || !Equal(d, clone) || d.Layout != l {
			t.Fatalf("trial %d: View modified its receiver", trial)
		}
		if err := v.Check(); err != nil {
			t.Fatalf("trial %d: the View fails Check: %v", trial, err)
		}
		b := d.Clone()
		b.Bind(m)
		if !Equal(b, v) {
			t.Fatalf("trial %d: View and Bind differ: %s", trial, diff(b, v, 0))
		}
		if d.View(l) != d {
			t.Fatalf("trial %d: View of its own layout is not the Data itself", trial)
		}
		again := v.Clone()
		again.Bind(NewLayout(m.Rules, m.Types, m.RingCap, m.Kinds, m.Stages, m.Velocity, m.IDCap))
		if !Equal(again, v) {
			t.Fatalf("trial %d: binding to an equal layout changed the Data", trial)
		}
		n := &Data{}
		if n.View(m) != n || !n.IsNew() {
			t.Fatalf("trial %d: View of a new Data is not itself", trial)
		}
	}
}

// Same compares layouts in full: equal layouts built apart are Same (renames do not count);
// changing any one attribute, or moving names across lists or boundaries (NUL bytes and
// digits that a careless framing would confuse), never is.
func TestLayoutSame(t *testing.T) {
	type spec struct {
		rules  []Rule
		types  []string
		caps   []int
		kinds  []Kind
		stages []string
		vel    int64
		idCap  int
	}
	mk := func(s spec) *Layout {
		return NewLayout(slices.Clone(s.rules), slices.Clone(s.types), slices.Clone(s.caps),
			slices.Clone(s.kinds), slices.Clone(s.stages), s.vel, s.idCap)
	}
	ref := spec{
		rules: []Rule{{ID: "a", HalfLife: day}, {ID: "b", Once: true}},
		types: []string{"x", "y"}, caps: []int{2, 3},
		kinds: []Kind{{Name: "k"}}, stages: []string{"s", "t"}, vel: day, idCap: 8,
	}
	if a, b := mk(ref), mk(ref); !a.Same(b) || !b.Same(a) {
		t.Fatal("equal layouts built apart are not Same")
	}
	renamed := ref
	renamed.rules = []Rule{{ID: "a", HalfLife: day, RenamedFrom: []string{"old"}}, {ID: "b", Once: true}}
	renamed.kinds = []Kind{{Name: "k", RenamedFrom: []string{"k0"}}}
	if !mk(ref).Same(mk(renamed)) {
		t.Error("renames changed Same")
	}
	var nilLayout *Layout
	if !nilLayout.Same(nil) || nilLayout.Same(mk(ref)) || mk(ref).Same(nil) {
		t.Error("Same with nil")
	}
	variants := map[string]func(s *spec){
		"rule id":       func(s *spec) { s.rules = []Rule{{ID: "A", HalfLife: day}, {ID: "b", Once: true}} },
		"half-life":     func(s *spec) { s.rules = []Rule{{ID: "a", HalfLife: day + 1}, {ID: "b", Once: true}} },
		"once":          func(s *spec) { s.rules = []Rule{{ID: "a", HalfLife: day}, {ID: "b"}} },
		"rule order":    func(s *spec) { s.rules = []Rule{{ID: "b", Once: true}, {ID: "a", HalfLife: day}} },
		"one rule more": func(s *spec) { s.rules = append(slices.Clone(s.rules), Rule{ID: "c"}) },
		"type":          func(s *spec) { s.types = []string{"x", "z"} },
		"ring size":     func(s *spec) { s.caps = []int{2, 4} },
		"kind":          func(s *spec) { s.kinds = []Kind{{Name: "K"}} },
		"no kinds":      func(s *spec) { s.kinds = nil },
		"stage":         func(s *spec) { s.stages = []string{"s", "u"} },
		"stage order":   func(s *spec) { s.stages = []string{"t", "s"} },
		"velocity":      func(s *spec) { s.vel = 2 * day },
		"ID capacity":   func(s *spec) { s.idCap = 9 },
		"kind to stage": func(s *spec) { s.kinds, s.stages = nil, []string{"k", "s", "t"} },
		"stage to kind": func(s *spec) { s.kinds, s.stages = []Kind{{Name: "k"}, {Name: "s"}}, []string{"t"} },
		"type to rule": func(s *spec) {
			s.rules, s.types, s.caps = append(slices.Clone(s.rules), Rule{ID: "y"}), []string{"x"}, []int{2}
		},
		"names joined":    func(s *spec) { s.stages = []string{"st"} },
		"names NUL-split": func(s *spec) { s.stages = []string{"s\x00t"} },
	}
	for name, change := range variants {
		s := ref
		change(&s)
		if a, b := mk(ref), mk(s); a.Same(b) || b.Same(a) {
			t.Errorf("%s: different layouts are Same", name)
		}
	}
	// Crafted names: one list's framing written into another's names.
	crafted := [][2][]string{
		{{"a\x000\x00\x00\x00b"}, {"a", "b"}},
		{{"a\x01\x00\x00\x00\x00\x00\x00\x00b"}, {"a", "b"}},
		{{"a", "b"}, {"ab"}},
		{{"", ""}, {""}},
		{{""}, nil},
		{{"\x00"}, {"", ""}},
	}
	for _, c := range crafted {
		for _, place := range []string{"rules", "types", "kinds", "stages"} {
			build := func(names []string) *Layout {
				var s spec
				for _, n := range names {
					switch place {
					case "rules":
						s.rules = append(s.rules, Rule{ID: n})
					case "types":
						s.types, s.caps = append(s.types, n), append(s.caps, 1)
					case "kinds":
						s.kinds = append(s.kinds, Kind{Name: n})
					case "stages":
						s.stages = append(s.stages, n)
					}
				}
				return mk(s)
			}
			if a, b := build(c[0]), build(c[1]); a.Same(b) || b.Same(a) {
				t.Errorf("%s %q and %q are Same", place, c[0], c[1])
			}
		}
	}
	// A hash collision cannot make different layouts Same: copies with the hash kept and
	// one attribute changed.
	for name, change := range map[string]func(m *Layout){
		"rule":      func(m *Layout) { m.Rules = []Rule{{ID: "a", HalfLife: day}, {ID: "B", Once: true}} },
		"half-life": func(m *Layout) { m.Rules = []Rule{{ID: "a"}, {ID: "b", Once: true}} },
		"once":      func(m *Layout) { m.Rules = []Rule{{ID: "a", HalfLife: day}, {ID: "b"}} },
		"type":      func(m *Layout) { m.Types = []string{"x", "Y"} },
		"ring size": func(m *Layout) { m.RingCap = []int{3, 2} },
		"kind":      func(m *Layout) { m.Kinds = []Kind{{Name: "K"}} },
		"stage":     func(m *Layout) { m.Stages = []string{"s"} },
		"velocity":  func(m *Layout) { m.Velocity++ },
		"ID cap":    func(m *Layout) { m.IDCap-- },
	} {
		l := mk(ref)
		c := *l
		change(&c)
		m := NewLayout(c.Rules, c.Types, c.RingCap, c.Kinds, c.Stages, c.Velocity, c.IDCap)
		m.hash = l.hash // a collision
		if l.Same(m) || m.Same(l) {
			t.Errorf("a layout with the same hash but another %s is Same", name)
		}
	}
	// Random layouts are Same exactly when they are equal.
	r := newRand(38)
	for range trials(2000) {
		a, b := randLayout(r), randLayout(r)
		equal := slices.EqualFunc(a.Rules, b.Rules, func(x, y Rule) bool { return x.ID == y.ID && x.HalfLife == y.HalfLife && x.Once == y.Once }) &&
			slices.Equal(a.Types, b.Types) && slices.Equal(a.RingCap, b.RingCap) &&
			slices.EqualFunc(a.Kinds, b.Kinds, func(x, y Kind) bool { return x.Name == y.Name }) &&
			slices.Equal(a.Stages, b.Stages) && a.Velocity == b.Velocity && a.IDCap == b.IDCap
		if a.Same(b) != equal {
			t.Fatalf("Same(%+v, %+v) = %v", a, b, a.Same(b))
		}
	}
}

// The clock never moves backwards (invariant 3): Take and Tick only move it forward, At
// reads without moving it, and the first and latest event times follow the events.
func TestClock(t *testing.T) {
	r := newRand(39)
	for trial := range trials(1000) {
		d := &Data{}
		if d.At(base) != base {
			t.Fatal("a new Data's At is not the time asked for")
		}
		d.Bind(randLayout(r))
		prev, first, latest := int64(None), int64(math.MaxInt64), int64(None)
		for range r.IntN(20) {
			x := randTime(r)
			if r.IntN(2) == 0 {
				d.Take(x)
				first, latest = min(first, x), max(latest, x)
			} else if got := d.Tick(x); got != max(prev, x) {
				t.Fatalf("trial %d: Tick(%d) = %d after %d", trial, x, got, prev)
			}
			if d.Clock < prev || d.Clock < x || d.At(x-1) != d.Clock {
				t.Fatalf("trial %d: clock %d after %d and %d", trial, d.Clock, prev, x)
			}
			prev = d.Clock
			if d.Events > 0 && (d.First != first || d.Latest != latest) {
				t.Fatalf("trial %d: first %d latest %d, want %d %d", trial, d.First, d.Latest, first, latest)
			}
			if err := d.Check(); err != nil {
				t.Fatalf("trial %d: %v", trial, err)
			}
		}
	}
}

// EnterStage keeps at most MaxHistory stays, oldest dropped, and sets the stage's bit.
func TestEnterStage(t *testing.T) {
	d := &Data{}
	d.Bind(NewLayout(nil, nil, nil, nil, []string{"a", "b"}, 0, 0))
	d.Take(base)
	if d.StageSince() != base {
		t.Errorf("StageSince of the first stage is %d, want the first event", d.StageSince())
	}
	for i := range 40 {
		d.EnterStage(d.Stage, []string{"a", "b"}[i%2], i%2, d.Tick(base+int64(i+1)*hour))
		if len(d.History) > MaxHistory {
			t.Fatalf("%d stays", len(d.History))
		}
		if err := d.Check(); err != nil {
			t.Fatal(err)
		}
	}
	if d.History[0].From != base+24*hour || d.Entered != 3 || d.Since != base+40*hour {
		t.Errorf("history starts at %d, entered %b, since %d", d.History[0].From, d.Entered, d.Since)
	}
}
