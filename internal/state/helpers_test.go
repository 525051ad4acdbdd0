package state

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// Generators and comparisons shared by the package's tests. Every property test draws from a
// seeded math/rand/v2 source so that a failure names the seed and trial that reproduce it.

const (
	hour = int64(time.Hour)
	day  = 24 * hour
)

// base is a realistic time around which most generated events fall.
var base = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC).UnixNano()

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// trials scales a property test's trial count down under the race detector, which is about ten
// times slower, so the package's tests stay fast either way.
func trials(n int) int {
	if raceEnabled {
		return max(n/8, 1)
	}
	return n
}

// randHalfLife draws a half-life: no decay, the extremes 1ns and MaxInt64, or a realistic one.
func randHalfLife(r *rand.Rand) int64 {
	switch r.IntN(8) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return math.MaxInt64
	case 3:
		return 7 * day
	case 4:
		return 30 * day
	}
	return 1 + r.Int64N(365*day)
}

// randTime draws an event time: mostly within 90 days of base, sometimes at the limits of
// the range, sometimes anywhere in it.
func randTime(r *rand.Rand) int64 {
	switch r.IntN(20) {
	case 0:
		return MinTime
	case 1:
		return MaxTime - 1
	case 2:
		return between(r, MinTime, MaxTime)
	case 3:
		return base // ties
	}
	return base + r.Int64N(90*day)
}

// between draws a time in [lo, hi): the range is wider than an int64 difference holds.
func between(r *rand.Rand, lo, hi int64) int64 {
	return lo + int64(r.Uint64N(uint64(hi)-uint64(lo)))
}

// randName draws a short name; some are not ASCII and some are empty.
func randName(r *rand.Rand, prefix string) string {
	switch r.IntN(10) {
	case 0:
		return ""
	case 1:
		return prefix + "é\u4e16"
	}
	return fmt.Sprintf("%s%d", prefix, r.IntN(1000))
}

// randLayout draws a layout: up to 8 rules (half-lives from 1ns to MaxInt64), up to 5
// tracked types of 1 to 8 times (rarely MaxRing), up to 6 kinds and 5 stages, and an ID
// capacity from 0 to 64.
func randLayout(r *rand.Rand) *Layout {
	var rules []Rule
	for i := range r.IntN(9) {
		rules = append(rules, Rule{ID: fmt.Sprintf("rule-%d", i), HalfLife: randHalfLife(r), Once: r.IntN(4) == 0})
	}
	var types []string
	var caps []int
	for i := range r.IntN(6) {
		types = append(types, fmt.Sprintf("type_%d", i))
		c := 1 + r.IntN(8)
		if r.IntN(20) == 0 {
			c = MaxRing
		}
		caps = append(caps, c)
	}
	var kinds []Kind
	for i := range r.IntN(7) {
		kinds = append(kinds, Kind{Name: fmt.Sprintf("kind_%d", i)})
	}
	var stages []string
	for i := range r.IntN(6) {
		stages = append(stages, fmt.Sprintf("stage_%d", i))
	}
	velocity := []int64{0, 1, 7 * day, 30 * day}[r.IntN(4)]
	idCap := []int{0, 1, 3, 8, 64}[r.IntN(5)]
	l := NewLayout(rules, types, caps, kinds, stages, velocity, idCap)
	// Sessions group views of the first type; the cap keeps every session of the ≤ 30 events
	// drawn, so that the sessions are order-free (dropping one is not). Layouts that are the
	// Same have the same gap, as those of one Scorer do.
	l.SessionGap = []int64{0, 1, 30 * 60 * 1e9, day, 365 * day}[(len(types)+len(rules))%5] // alike for layouts alike
	return l
}

// event is what the scorer records of one event: its time, the ring it goes in (-1: none),
// the event rules it matched, the engagement points it earned and its ID's hash (0: none).
type event struct {
	t     int64
	typ   int
	rules []int
	w     float64
	id    uint64
	// What version 4 keeps: the touch (its At is t), a question's text (for type 1).
	touch    Touch
	question string
}

// randEvents draws n events for l with distinct IDs (or none); a quarter of those that earn
// engagement points earn heavy points, if heavy > 0.
func randEvents(r *rand.Rand, l *Layout, n int, heavy float64) []event {
	evs := make([]event, n)
	for i := range evs {
		ev := event{t: randTime(r), typ: -1}
		if len(l.Types) > 0 && r.IntN(4) != 0 {
			ev.typ = r.IntN(len(l.Types))
		}
		for j := range l.Rules {
			if r.IntN(3) == 0 {
				ev.rules = append(ev.rules, j)
			}
		}
		if r.IntN(3) != 0 {
			ev.w = float64(1 + r.IntN(30))
			if heavy > 0 && r.IntN(4) == 0 {
				ev.w = heavy
			}
		}
		if r.IntN(4) != 0 {
			ev.id = uint64(i+1)*0x9e3779b97f4a7c15 | 1
		}
		if r.IntN(2) == 0 {
			ev.touch = Touch{At: ev.t, Channel: []string{"", "email", "web"}[r.IntN(3)], Campaign: []string{"", "spring", "summer"}[r.IntN(3)],
				Content: []string{"", strings.Repeat("é", MaxTouchText/2)}[r.IntN(2)], CTA: "trial"}
		}
		ev.question = []string{"", "do you support SSO?", strings.Repeat("q", MaxQuestion)}[r.IntN(3)]
		evs[i] = ev
	}
	return evs
}

// apply takes ev into d as the scorer's Accumulate does: bind, skip a remembered ID, insert
// the time into its ring, add to matched accumulators and the velocity sums, remember the ID,
// take the time, and leave the decisions to the next evaluation (Unsettled).
func apply(d *Data, l *Layout, ev event) {
	d.Bind(l)
	if ev.id != 0 && d.Seen(ev.id) {
		return
	}
	if ev.typ >= 0 {
		Insert(d.Ring(ev.typ), ev.t)
		d.TakeType(ev.typ)
		if ev.typ == 0 { // the watched page views: visits
			d.Visit(ev.t, l.SessionGap, l.SessionCap)
		}
	}
	for _, i := range ev.rules {
		d.Acc[i].Add(ev.t, l.Rules[i].HalfLife)
	}
	if l.Velocity > 0 && ev.w > 0 {
		d.Vel[0].AddWeighted(ev.t, ev.w, l.Velocity)
		d.Vel[1].AddWeighted(ev.t, ev.w, l.Velocity*velocitySum)
	}
	if ev.id != 0 {
		d.Remember(ev.id, ev.t)
	}
	d.Take(ev.t)
	d.TakeTouch(ev.touch)
	if ev.typ == 1 {
		d.SetQuestion(ev.question, ev.t)
	}
	d.Unsettled = true
}

// build returns a Data that took evs in order.
func build(l *Layout, evs []event) *Data {
	d := &Data{}
	d.Bind(l)
	for _, ev := range evs {
		apply(d, l, ev)
	}
	return d
}

// randData draws a valid Data for l: events, then every other field within its invariants.
// Extremes (times at the range's ends, MaxFloat64 sums and weights) come up often.
func randData(r *rand.Rand, l *Layout) *Data { return randDataHeavy(r, l, math.MaxFloat64) }

// randDataHeavy is randData with heavy engagement points of the given weight.
func randDataHeavy(r *rand.Rand, l *Layout, heavy float64) *Data {
	d := build(l, randEvents(r, l, r.IntN(30), heavy))
	if r.IntN(3) == 0 {
		d.Tick(randTime(r))
	}
	if d.Clock != None && r.IntN(2) == 0 {
		d.Evaluated = d.Clock - r.Int64N(day)
		if d.Evaluated < MinTime {
			d.Evaluated = d.Clock
		}
	}
	if r.IntN(2) == 0 {
		d.Tier = randName(r, "tier")
	}
	if r.IntN(2) == 0 && d.Clock != None {
		d.Stage = randName(r, "stage")
		d.Since = d.Clock
	}
	if len(l.Stages) > 0 {
		d.Entered = uint32(r.Uint64()) & (1<<len(l.Stages) - 1)
	}
	var visits []Visit
	for range r.IntN(MaxHistory + 4) {
		from := randTime(r)
		visits = append(visits, Visit{Stage: randName(r, "stage"), From: from, To: between(r, from, MaxTime)})
	}
	d.History = mergeHistory(nil, visits)
	d.Stalled, d.SLAMet, d.HandedOff = r.IntN(2) == 0, r.IntN(2) == 0, r.IntN(2) == 0
	if r.IntN(2) == 0 {
		d.MQLAt = randTime(r)
	}
	if len(l.Kinds) > 0 {
		d.Signals = r.Uint64() & (1<<len(l.Kinds) - 1)
	}
	if r.IntN(2) == 0 {
		d.Cart = Cart{At: randTime(r), Value: randFloat(r), Checkout: r.IntN(2) == 0}
		d.Tick(d.Cart.At) // a cart event's time: the clock is at or after it
	}
	for i := range d.Base {
		d.Base[i] = randFloat(r)
		if r.IntN(3) == 0 && d.Base[i] != 0 { // not −0: Equal but not the same bytes
			d.Base[i] = -d.Base[i]
		}
	}
	d.Purchases = uint32(r.IntN(5))
	if r.IntN(10) == 0 {
		d.Purchases = math.MaxUint32
	}
	d.Revenue, d.ExpansionRevenue = randFloat(r), randFloat(r)
	if d.Cart.At != None && r.IntN(2) == 0 {
		d.Cart.Step = []string{"payment", "shipping", strings.Repeat("s", MaxStep)}[r.IntN(3)]
	}
	if d.MQLAt != None && r.IntN(2) == 0 {
		d.HandoffTouch = d.LastTouch
	}
	if d.Clock != None && r.IntN(3) == 0 { // a rejection by sales: version 3
		reason := []string{"no budget", "wrong person", strings.Repeat("é", MaxReason/2), strings.Repeat("x", MaxReason)}[r.IntN(4)]
		d.Reject(reason, between(r, MinTime, d.Clock+1))
	}
	return d
}

// randFloat draws a finite, non-negative float: small, large, MaxFloat64, the smallest
// subnormal or zero.
func randFloat(r *rand.Rand) float64 {
	switch r.IntN(8) {
	case 0:
		return 0
	case 1:
		return math.MaxFloat64
	case 2:
		return math.SmallestNonzeroFloat64
	case 3:
		return r.Float64() * 1e300
	}
	return math.Round(r.Float64()*10000) / 100
}

// near reports whether a and b agree within rel relative to the larger (or both are
// within 1e-300 of each other: underflowed decays).
func near(a, b, rel float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b)) || math.Abs(a-b) < 1e-300
}

func accumClose(a, b Accum, rel float64) bool {
	return a.Ref == b.Ref && a.First == b.First && a.N == b.N && near(a.Sum, b.Sum, rel)
}

// diff describes how a and b differ, comparing floats within rel (0: exactly), or "".
func diff(a, b *Data, rel float64) string {
	if !a.Layout.Same(b.Layout) {
		return "layouts differ"
	}
	if !slices.EqualFunc(a.Acc, b.Acc, func(x, y Accum) bool { return accumClose(x, y, rel) }) {
		return fmt.Sprintf("accumulators differ:\n%+v\n%+v", a.Acc, b.Acc)
	}
	if !slices.Equal(a.Times, b.Times) {
		return fmt.Sprintf("event times differ:\n%v\n%v", a.Times, b.Times)
	}
	if !slices.Equal(a.IDs, b.IDs) {
		return fmt.Sprintf("IDs differ:\n%v\n%v", a.IDs, b.IDs)
	}
	if !slices.Equal(a.History, b.History) {
		return fmt.Sprintf("histories differ:\n%v\n%v", a.History, b.History)
	}
	for i := range a.Vel {
		if !accumClose(a.Vel[i], b.Vel[i], rel) {
			return fmt.Sprintf("velocity sum %d differs: %+v, %+v", i, a.Vel[i], b.Vel[i])
		}
	}
	fa := []float64{a.Cart.Value, a.Base[0], a.Base[1], a.Base[2], a.Revenue, a.ExpansionRevenue}
	fb := []float64{b.Cart.Value, b.Base[0], b.Base[1], b.Base[2], b.Revenue, b.ExpansionRevenue}
	for i := range fa {
		if !near(fa[i], fb[i], rel) {
			return fmt.Sprintf("float %d differs: %v, %v", i, fa[i], fb[i])
		}
	}
	if !slices.Equal(a.Sessions, b.Sessions) {
		return fmt.Sprintf("visits differ:\n%v\n%v", a.Sessions, b.Sessions)
	}
	if !totalsEqual(a, b) {
		return fmt.Sprintf("event totals differ:\n%v\n%v", a.Totals, b.Totals)
	}
	// The rest compares exactly: copy the compared floats across and compare the scalars.
	x, y := a.scalars(), b.scalars()
	y.vel, y.base, y.revenue, y.expansionRevenue, y.cart.Value = x.vel, x.base, x.revenue, x.expansionRevenue, x.cart.Value
	if x != y {
		return fmt.Sprintf("fields differ:\n%+v\n%+v", x, y)
	}
	return ""
}

// mustMarshal marshals d, failing the test if it cannot.
func mustMarshal(t testing.TB, d *Data) []byte {
	t.Helper()
	b, err := Marshal(d)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return b
}

// withoutExtra clears what version 4 adds from d.
func withoutExtra(d *Data) {
	d.Totals, d.Sessions, d.Question, d.QuestionAt, d.Cart.Step = nil, nil, "", 0, ""
	d.FirstTouch, d.LastTouch, d.HandoffTouch = Touch{}, Touch{}, Touch{}
}
