package state

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomLayout draws a layout from small pools of names, so that two draws share some rules,
// kinds and types and differ in others, and renames point at names the other draw may have.
func randomLayout(r *rand.Rand) *Layout {
	pick := func(pool []string) []string {
		var out []string
		for _, p := range r.Perm(len(pool))[:r.IntN(len(pool)+1)] {
			out = append(out, pool[p])
		}
		return out
	}
	halfLives := []int64{0, 24 * hour, 14 * 24 * hour, 15 * 24 * hour}
	var rules []Rule
	for _, id := range pick([]string{"a", "b", "c", "d", "e", "f"}) {
		rule := Rule{ID: id, HalfLife: halfLives[r.IntN(len(halfLives))], Once: r.IntN(4) == 0}
		for _, from := range pick([]string{"a", "b", "c", "d", "e", "f", "g"}) {
			if from != id && r.IntN(3) == 0 {
				rule.RenamedFrom = append(rule.RenamedFrom, from)
			}
		}
		rules = append(rules, rule)
	}
	var kinds []Kind
	for _, name := range pick([]string{"k1", "k2", "k3", "k4", "k5"}) {
		k := Kind{Name: name}
		if r.IntN(3) == 0 {
			k.RenamedFrom = pick([]string{"k1", "k2", "k3", "k4", "k5", "k6"})
		}
		kinds = append(kinds, k)
	}
	types := pick([]string{"t1", "t2", "t3", "t4"})
	caps := make([]int, len(types))
	for i := range caps {
		caps[i] = 1 + r.IntN(4)
	}
	velocities := []int64{0, 7 * 24 * hour, 14 * 24 * hour}
	return NewLayout(rules, types, caps, kinds, []string{"attract", "nurture"}, velocities[r.IntN(len(velocities))], 8)
}

// fill gives d, laid out by its layout, a history: each rule i takes i+1 events, so that an
// accumulator's event count tells which rule it came from; every ring and both velocity sums
// take events; every signal bit is set.
func fill(r *rand.Rand, d *Data) {
	l := d.Layout
	base := int64(1.7e18)
	for i, rule := range l.Rules {
		for range i + 1 {
			d.Acc[i].Add(base+r.Int64N(60*24*hour), rule.HalfLife)
		}
	}
	for i := range l.Types {
		for range 1 + r.IntN(6) {
			Insert(d.Ring(i), base+r.Int64N(60*24*hour))
		}
	}
	for range 4 {
		t, w := base+r.Int64N(60*24*hour), float64(1+r.IntN(40))
		d.Vel[0].AddWeighted(t, w, l.Velocity)
		d.Vel[1].AddWeighted(t, w, l.Velocity*velocitySum)
	}
	d.Signals = 1<<len(l.Kinds) - 1
}

// only returns a copy of d that keeps nothing but what keep leaves: to see where one part's
// history goes, and that it goes nowhere.
func only(d *Data, keepRule, keepType, keepKind int) *Data {
	c := d.Clone()
	for i := range c.Acc {
		if i != keepRule {
			c.Acc[i] = Accum{}
		}
	}
	for i := range c.Layout.Types {
		if i != keepType {
			ring := c.Ring(i)
			for k := range ring {
				ring[k] = None
			}
		}
	}
	c.Signals = 0
	if keepKind >= 0 {
		c.Signals = 1 << keepKind
	}
	return c
}

func index[T any](xs []T, match func(T) bool) int { return slices.IndexFunc(xs, match) }

// Plan agrees with what Bind does, over random pairs of layouts: every rule, kind and type of
// the new layout has one step, and a reset or dropped one of the old layout has one too;
// kept and renamed parts carry over as they were, converted ones as Accum.Convert makes them,
// new ones are empty, and the history of a reset or dropped part goes nowhere.
func TestPlanAgreesWithBind(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 3000 {
		old, next := randomLayout(r), randomLayout(r)
		var d Data
		d.Bind(old)
		fill(r, &d)
		bound := d.View(next)
		steps := Plan(old, next)
		if !slices.EqualFunc(steps, Plan(old, next), func(a, b Step) bool { return a == b }) {
			t.Fatalf("#%d: Plan is not deterministic", n)
		}
		counts := map[string]int{}
		for _, s := range steps {
			counts[s.Kind]++
		}
		resets := func(kind string) int {
			k := 0
			for _, s := range steps {
				if s.Kind == kind && (s.Action == ActionReset || s.Action == ActionDropped) {
					k++
				}
			}
			return k
		}
		if counts[StepRule] != len(next.Rules)+resets(StepRule) || counts[StepSignal] != len(next.Kinds)+resets(StepSignal) ||
			counts[StepType] != len(next.Types)+resets(StepType) || counts[StepVelocity] != 1 {
			t.Fatalf("#%d: steps %+v do not cover the layouts", n, steps)
		}
		ruleAt, kindAt, typeAt := 0, 0, 0
		for _, s := range steps {
			switch s.Kind {
			case StepRule:
				checkRuleStep(t, n, s, &d, bound, next, &ruleAt)
			case StepSignal:
				checkKindStep(t, n, s, &d, bound, next, &kindAt)
			case StepType:
				checkTypeStep(t, n, s, &d, bound, next, &typeAt)
			case StepVelocity:
				want := [2]Accum{d.Vel[0], d.Vel[1]}
				if s.Action == ActionConverted {
					want[0] = d.Vel[0].convertWeighted(old.Velocity, next.Velocity)
					want[1] = d.Vel[1].convertWeighted(old.Velocity*velocitySum, next.Velocity*velocitySum)
				} else if s.Action != ActionKept || old.Velocity != next.Velocity {
					t.Fatalf("#%d: velocity step %+v for windows %d → %d", n, s, old.Velocity, next.Velocity)
				}
				if bound.Vel != want {
					t.Fatalf("#%d: velocity step %+v: got %+v, want %+v", n, s, bound.Vel, want)
				}
			}
		}
	}
}

func checkRuleStep(t *testing.T, n int, s Step, d, bound *Data, next *Layout, at *int) {
	t.Helper()
	old := d.Layout
	if s.Action == ActionReset {
		j := index(old.Rules, func(r Rule) bool { return r.ID == s.ID })
		if j < 0 || s.Exact {
			t.Fatalf("#%d: %+v", n, s)
		}
		for i, a := range only(d, j, -1, -1).View(next).Acc {
			if a.N != 0 {
				t.Fatalf("#%d: %+v, but rule %q took its history", n, s, next.Rules[i].ID)
			}
		}
		return
	}
	i := *at
	*at++
	if next.Rules[i].ID != s.ID {
		t.Fatalf("#%d: step %+v out of order: rule %d is %q", n, s, i, next.Rules[i].ID)
	}
	got := bound.Acc[i]
	if s.Action == ActionNew {
		if got.N != 0 || s.Exact {
			t.Fatalf("#%d: %+v, but its accumulator has %d events", n, s, got.N)
		}
		return
	}
	from := s.ID
	if s.Action == ActionRenamed || s.From != "" {
		from = s.From
	}
	j := index(old.Rules, func(r Rule) bool { return r.ID == from })
	if j < 0 {
		t.Fatalf("#%d: %+v: no rule %q in the old layout", n, s, from)
	}
	src, oldHL, newHL := d.Acc[j], old.Rules[j].HalfLife, next.Rules[i].HalfLife
	if s.Before != oldHL || s.After != newHL {
		t.Fatalf("#%d: %+v: half-lives %d → %d", n, s, oldHL, newHL)
	}
	switch s.Action {
	case ActionKept, ActionRenamed:
		if got != src || oldHL != newHL || !s.Exact || (s.Action == ActionKept) != (s.From == "") {
			t.Fatalf("#%d: %+v: got %+v, want %+v", n, s, got, src)
		}
	case ActionConverted:
		want, _ := src.Convert(oldHL, newHL)
		if got != want || oldHL == newHL {
			t.Fatalf("#%d: %+v: got %+v, want %+v", n, s, got, want)
		}
		if s.Exact || src.N <= 2 { // approximate conversions are exact for one or two events
			checkExact(t, n, s, src, oldHL, next.Rules[i])
		}
	default:
		t.Fatalf("#%d: unexpected %+v", n, s)
	}
}

// checkExact checks that an exact conversion is exact: the converted accumulator's value
// equals that of one built under the new half-life from events that give src under the old.
func checkExact(t *testing.T, n int, s Step, src Accum, oldHL int64, rule Rule) {
	t.Helper()
	// Events that give src: the middle ones at the age that reproduces its sum.
	r := rand.New(rand.NewPCG(uint64(n), 7))
	times := []int64{src.First, src.Ref}
	for len(times) < int(src.N) {
		times = append(times, src.First+r.Int64N(src.Ref-src.First+1))
	}
	var built, replay Accum
	for _, tm := range times[:src.N] {
		built.Add(tm, oldHL)
		replay.Add(tm, rule.HalfLife)
	}
	converted, _ := built.Convert(oldHL, rule.HalfLife)
	at := src.Ref + 3*24*hour
	got, want := converted.Value(at, rule.HalfLife, rule.Once), replay.Value(at, rule.HalfLife, rule.Once)
	if math.Abs(got-want) > 1e-9*math.Max(1, want) {
		t.Fatalf("#%d: %+v says exact, but a converted %d-event history is worth %v, replayed %v", n, s, src.N, got, want)
	}
}

func checkKindStep(t *testing.T, n int, s Step, d, bound *Data, next *Layout, at *int) {
	t.Helper()
	old := d.Layout
	if s.Action == ActionReset {
		j := index(old.Kinds, func(k Kind) bool { return k.Name == s.ID })
		if j < 0 || only(d, -1, -1, j).View(next).Signals != 0 {
			t.Fatalf("#%d: %+v, but its bit went somewhere", n, s)
		}
		return
	}
	i := *at
	*at++
	if next.Kinds[i].Name != s.ID {
		t.Fatalf("#%d: step %+v out of order", n, s)
	}
	bit := bound.Signals&(1<<i) != 0
	switch s.Action {
	case ActionNew:
		if bit {
			t.Fatalf("#%d: %+v, but its bit is set", n, s)
		}
	case ActionKept, ActionRenamed:
		from := s.ID
		if s.Action == ActionRenamed {
			from = s.From
		}
		j := index(old.Kinds, func(k Kind) bool { return k.Name == from })
		if j < 0 || only(d, -1, -1, j).View(next).Signals&(1<<i) == 0 {
			t.Fatalf("#%d: %+v, but the bit of %q does not go to bit %d", n, s, from, i)
		}
	default:
		t.Fatalf("#%d: unexpected %+v", n, s)
	}
}

func checkTypeStep(t *testing.T, n int, s Step, d, bound *Data, next *Layout, at *int) {
	t.Helper()
	old := d.Layout
	if s.Action == ActionDropped {
		j, ok := old.typeIndex[s.ID]
		if !ok {
			t.Fatalf("#%d: %+v: no such type in the old layout", n, s)
		}
		for _, tm := range only(d, -1, j, -1).View(next).Times {
			if tm != None {
				t.Fatalf("#%d: %+v, but its times went somewhere", n, s)
			}
		}
		return
	}
	i := *at
	*at++
	if next.Types[i] != s.ID {
		t.Fatalf("#%d: step %+v out of order", n, s)
	}
	got := bound.Ring(i)
	switch s.Action {
	case ActionNew:
		for _, tm := range got {
			if tm != None {
				t.Fatalf("#%d: %+v, but its ring holds %v", n, s, got)
			}
		}
	case ActionKept:
		j, _ := old.typeIndex[s.ID]
		want := make([]int64, next.RingCap[i])
		for k := range want {
			want[k] = None
		}
		for _, tm := range d.Ring(j) {
			if tm != None {
				Insert(want, tm)
			}
		}
		if !slices.Equal(got, want) || s.Before != int64(old.RingCap[j]) || s.After != int64(next.RingCap[i]) ||
			s.Exact != (s.After <= s.Before) {
			t.Fatalf("#%d: %+v: ring %v, want %v", n, s, got, want)
		}
	default:
		t.Fatalf("#%d: unexpected %+v", n, s)
	}
}

// The conversion notes follow Accum.Convert: to no decay and for once rules exact, otherwise
// exact only for one or two events.
func TestPlanConversions(t *testing.T) {
	day := 24 * hour
	old := NewLayout([]Rule{
		{ID: "demo", HalfLife: 14 * day}, {ID: "pricing", HalfLife: 14 * day}, {ID: "signup", HalfLife: 14 * day},
		{ID: "old-webinar", HalfLife: 45 * day},
	}, []string{"page_view"}, []int{64}, []Kind{{Name: "vip"}}, nil, 7*day, 8)
	next := NewLayout([]Rule{
		{ID: "demo", HalfLife: 15 * day},
		{ID: "pricing-visits", RenamedFrom: []string{"pricing"}, HalfLife: 14 * day},
		{ID: "signup", HalfLife: 0},
		{ID: "webinar", HalfLife: 45 * day},
		{ID: "unsubscribed", HalfLife: 30 * day, Once: true, RenamedFrom: []string{"nope"}},
	}, []string{"page_view", "call"}, []int{1, 1}, []Kind{{Name: "influencer", RenamedFrom: []string{"vip"}}}, nil, 7*day, 8)
	want := []Step{
		{Kind: StepRule, ID: "demo", Action: ActionConverted, Before: 14 * day, After: 15 * day, Detail: noteApproximate},
		{Kind: StepRule, ID: "pricing-visits", From: "pricing", Action: ActionRenamed, Exact: true, Before: 14 * day, After: 14 * day},
		{Kind: StepRule, ID: "signup", Action: ActionConverted, Exact: true, Before: 14 * day, Detail: noteNoDecay},
		{Kind: StepRule, ID: "webinar", Action: ActionNew, After: 45 * day},
		{Kind: StepRule, ID: "unsubscribed", Action: ActionNew, After: 30 * day},
		{Kind: StepRule, ID: "old-webinar", Action: ActionReset, Before: 45 * day},
		{Kind: StepSignal, ID: "influencer", From: "vip", Action: ActionRenamed, Exact: true},
		{Kind: StepType, ID: "page_view", Action: ActionKept, Exact: true, Before: 64, After: 1, Detail: "the latest 1 are kept, all that the new rules read"},
		{Kind: StepType, ID: "call", Action: ActionNew, After: 1},
		{Kind: StepVelocity, ID: "velocity", Action: ActionKept, Exact: true, Before: 7 * day, After: 7 * day},
	}
	if got := Plan(old, next); !slices.Equal(got, want) {
		t.Errorf("Plan:\n got %+v\nwant %+v", got, want)
	}
	once := NewLayout([]Rule{{ID: "demo", HalfLife: 15 * day, Once: true}}, nil, nil, nil, nil, 0, 8)
	if s := Plan(old, once)[0]; !s.Exact || s.Detail != noteOnce {
		t.Errorf("once rule: %+v", s)
	}
	if steps := Plan(nil, once); len(steps) != 2 || steps[0].Action != ActionNew || steps[1].Action != ActionKept {
		t.Errorf("from a new lead: %+v", steps)
	}
}
