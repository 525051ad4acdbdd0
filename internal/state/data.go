package state

import (
	"cmp"
	"math"
	"slices"
	"unicode"
)

// Data is one lead's state. The zero value is a new lead (invariant 1).
type Data struct {
	Layout *Layout
	Acc    []Accum // per event rule
	Times  []int64 // per tracked type, its ring of latest event times
	IDs    []ID    // the most recent event IDs, ascending by (At, Hash)

	Clock     int64  // the latest event time taken or evaluation time given (None: none yet)
	Evaluated int64  // the time of the last evaluation that changed the State (None: never)
	Latest    int64  // the latest event taken (None: none)
	First     int64  // the earliest event taken (None: none)
	Events    uint64 // events taken (repeated IDs not counted)

	Tier      string
	Stage     string  // "" is the journey's first stage
	Since     int64   // when Stage was entered; None: at the first event
	Entered   uint32  // bit set of Layout.Stages entered
	History   []Visit // the last MaxHistory completed stays, oldest first
	Stalled   bool    // the stage's SLA ran out (reported once)
	SLAMet    bool    // the stage's SLA was met (a sales touch): it can no longer stall
	MQLAt     int64   // when the lead first reached a hand-off tier (None: never)
	HandedOff bool    // handed to sales and still in a hand-off tier: the hand-off is spent
	Unsettled bool    // decisions wait for the next evaluation (Accumulate, Merge, a pending transition)
	// TotalsPartial: Totals are a lower bound, not exact — they were read from the rings of a
	// State written before version 4, whose older events may have left a full ring.
	TotalsPartial bool

	Signals uint64     // bit set of Layout.Kinds active at the last evaluation
	Cart    Cart       // the latest cart_add or checkout_start
	Vel     [2]Accum   // engagement points decayed over the velocity window and velocitySum of them
	Base    [3]float64 // attribute-rule sums per dimension at the last evaluation

	Purchases        uint32
	Revenue          float64
	ExpansionRevenue float64

	// Rejection is the reason of the latest rejection by sales ("": never rejected; a
	// rejection always has a reason; at most MaxReason bytes), RejectedAt its time (0 when
	// there is none). Written in
	// version 3 only, so a State never rejected encodes as version 2 did.
	Rejection  string
	RejectedAt int64

	// Version 4 (extra.go): written only when a Data holds any of it.
	Totals                              []uint32  // per tracked type: events taken (saturating at MaxTotal; at least what its ring holds)
	Sessions                            []Session // visits to the pages frequent_visits watches, ascending, at most MaxVisits
	Question                            string    // the text of the latest question that had one ("": none; at most MaxQuestion bytes)
	QuestionAt                          int64     // its time (0 when there is none)
	FirstTouch, LastTouch, HandoffTouch Touch     // attribution: the earliest and latest touches, and the last touch before the hand-off
}

// Visit is one completed stay in a stage.
type Visit struct {
	Stage    string
	From, To int64
}

// Cart is the latest cart event: abandoned_cart needs its time, kind and value.
type Cart struct {
	At       int64 // None: none
	Value    float64
	Checkout bool
	Step     string // the step it stopped at ("shipping", "payment", …; at most MaxStep bytes)
}

// Yields reports whether cart o replaces c: o is later, or at the same time has the larger
// value, else is a checkout where c is not, else has the greater step. Observe and Merge both
// decide by it, so that the cart kept is the same whatever order events arrive in.
func (c Cart) Yields(o Cart) bool {
	return o.At > c.At || o.At == c.At && (o.Value > c.Value ||
		o.Value == c.Value && (o.Checkout && !c.Checkout || o.Checkout == c.Checkout && o.Step > c.Step))
}

// IsNew reports whether d is a new lead that has neither taken an event nor been evaluated.
func (d *Data) IsNew() bool { return d.Layout == nil }

// Bind lays d out for l. A new Data gets empty arrays and its "never" times; a Data laid out
// for another rule set is remapped by name (see Plan): accumulators of kept and renamed rules
// carry over, those whose half-life changed are converted, event times of types both track
// are kept, and bit sets are renamed.
func (d *Data) Bind(l *Layout) {
	if d.Layout.Same(l) {
		old := d.Layout
		d.Layout = l
		if d.Totals == nil && len(l.Types) > 0 {
			d.Totals = d.ringTotals() // read from an older version: counted from here on
			d.TotalsPartial = d.anyRingFull()
		}
		if len(d.Sessions) > 0 && old != l { // grouped by another gap or kept under another cap
			d.Sessions = regroup(d.Sessions, l)
		}
		return
	}
	old := d.Layout
	acc := make([]Accum, len(l.Rules))
	times := make([]int64, l.RingTotal)
	for i := range times {
		times[i] = None
	}
	if old == nil {
		*d = Data{
			Layout: l, Acc: acc, Times: times, Totals: make([]uint32, len(l.Types)),
			Clock: None, Evaluated: None, Latest: None, First: None, Since: None, MQLAt: None,
			Cart: Cart{At: None},
		}
		return
	}
	for i, r := range l.Rules {
		if j, ok := old.source(r); ok {
			acc[i], _ = d.Acc[j].Convert(old.Rules[j].HalfLife, r.HalfLife)
		}
	}
	totals := make([]uint32, len(l.Types))
	for i, typ := range l.Types {
		j, ok := old.typeIndex[typ]
		if !ok {
			continue
		}
		dst := times[l.RingOffset[i] : l.RingOffset[i]+l.RingCap[i]]
		for _, t := range d.Ring(j) {
			if t != None {
				Insert(dst, t)
			}
		}
		totals[i] = max(d.total(j), Filled(dst))
	}
	var signals uint64
	for i, k := range l.Kinds {
		if j, ok := old.kindSource(k); ok && d.Signals&(1<<j) != 0 {
			signals |= 1 << i
		}
	}
	var entered uint32
	for i, s := range l.Stages {
		if j := slices.Index(old.Stages, s); j >= 0 && d.Entered&(1<<j) != 0 {
			entered |= 1 << i
		}
	}
	if old.Velocity != l.Velocity {
		d.Vel[0] = d.Vel[0].convertWeighted(old.Velocity, l.Velocity)
		d.Vel[1] = d.Vel[1].convertWeighted(old.Velocity*velocitySum, l.Velocity*velocitySum)
	}
	d.TotalsPartial = d.totalsPartial()
	d.Layout, d.Acc, d.Times, d.Totals, d.Signals, d.Entered = l, acc, times, totals, signals, entered
	if len(d.Sessions) > 0 {
		d.Sessions = regroup(d.Sessions, l)
	}
	if len(d.IDs) > l.IDCap {
		d.IDs = slices.Clone(d.IDs[len(d.IDs)-l.IDCap:])
	}
}

// View returns d laid out for l without modifying d: d itself when it already is, else a
// remapped copy. A new Data is returned as it is.
func (d *Data) View(l *Layout) *Data {
	if d.Layout == nil || d.Layout.Same(l) {
		return d
	}
	c := d.Clone()
	c.Bind(l)
	return c
}

// Clone returns a deep copy of d.
func (d *Data) Clone() *Data {
	c := *d
	c.Acc = slices.Clone(d.Acc)
	c.Times = slices.Clone(d.Times)
	c.IDs = slices.Clone(d.IDs)
	c.History = slices.Clone(d.History)
	c.Totals = slices.Clone(d.Totals)
	c.Sessions = slices.Clone(d.Sessions)
	return &c
}

// Take records that an event at t was taken in: the clock, the event count and the first and
// latest event times. t must be in range.
func (d *Data) Take(t int64) {
	if d.Events == 0 || t > d.Latest {
		d.Latest = t
	}
	if d.Events == 0 || t < d.First {
		d.First = t
	}
	d.Clock = max(d.Clock, t)
	if d.Events < math.MaxUint64 {
		d.Events++
	}
}

// Tick moves the clock to t if t is later, and returns the clock: the time an evaluation
// asked for at t happens at. Scores never move backwards in time.
func (d *Data) Tick(t int64) int64 {
	d.Clock = max(d.Clock, t)
	return d.Clock
}

// At returns the time an evaluation asked for at t happens at, without moving the clock.
func (d *Data) At(t int64) int64 {
	if d.Layout == nil {
		return t
	}
	return max(d.Clock, t)
}

// StageSince returns when the stage was entered: Since, or the first event for a lead still
// in its first stage (None for a lead without events).
func (d *Data) StageSince() int64 {
	if d.Since != None {
		return d.Since
	}
	return d.First
}

// EnterStage moves d into stage (bit i of the layout's stages) at t.
func (d *Data) EnterStage(prev, stage string, i int, t int64) {
	if len(d.History) == MaxHistory {
		d.History = append(d.History[:0], d.History[1:]...)
	}
	if from := d.StageSince(); from != None {
		d.History = append(d.History, Visit{Stage: prev, From: from, To: t})
	}
	d.Stage, d.Since, d.Stalled, d.SLAMet = stage, t, false, false
	if i >= 0 && i < MaxStages {
		d.Entered |= 1 << i
	}
}

// Merge combines o into d: two partial states of one lead, such as the events of one lead
// split across shards. Accumulators, event times and IDs are exactly those one Data that saw
// both parts' events would hold; counts and revenue add up; the journey takes the later stage
// entry, the tier of the part evaluated last, the union of active signals. Merging is
// commutative, associative and idempotent in everything but counts and revenue, which add
// (two parts are assumed to hold different events; only a part merged with an identical copy
// of itself is recognised and changes nothing), and bounded: the IDs stay within the
// layout's capacity. Parts under different layouts merge under the layout of the part with the
// later clock. o is not modified.
func (d *Data) Merge(o *Data) { d.merge(o, false) }

// MergeBound is Merge for a d bound to a Scorer's layout: the visits are grouped by d's
// layout's session gap and kept up to its session cap, whatever settings o's layout carries
// (Merge takes the wider of the two, so that merging commutes).
func (d *Data) MergeBound(o *Data) { d.merge(o, true) }

func (d *Data) merge(o *Data, bound bool) {
	if o.Layout == nil {
		return
	}
	if d.Layout == nil {
		*d = *o.Clone()
		return
	}
	if d == o || Equal(d, o) {
		return // a part merged with itself (or a copy of it) adds nothing: Merge is idempotent
	}
	if !o.Layout.Same(d.Layout) {
		// Parts written under different rule sets: the merged State takes the layout of the
		// part with the later clock (ties broken by the layouts themselves), so that merging
		// commutes. To merge under a given rule set, lay both parts out for it first.
		if o.Clock > d.Clock || (o.Clock == d.Clock && o.Layout.Less(d.Layout)) {
			d.Bind(o.Layout)
		} else {
			o = o.Clone()
			o.Bind(d.Layout)
		}
	}
	l := d.Layout
	gap, limit := l.SessionGap, visitCap(l.SessionCap)
	if !bound {
		gap, limit = max(gap, o.Layout.SessionGap), max(limit, visitCap(o.Layout.SessionCap))
	}
	// A part without visits (written before version 4) has them rebuilt from its rings, before
	// the rings are merged, when the other part has visits (else both keep reading the rings).
	dv, ov := d.Sessions, o.Sessions
	if len(dv)+len(ov) > 0 {
		rings := l.SessionRings
		if rings == nil {
			rings = o.Layout.SessionRings
		}
		if len(dv) == 0 {
			dv = d.ringSessions(rings, gap, limit)
		}
		if len(ov) == 0 {
			ov = o.ringSessions(rings, gap, limit)
		}
	}
	for i := range d.Acc {
		d.Acc[i].Merge(o.Acc[i], l.Rules[i].HalfLife)
	}
	totals := make([]uint32, len(l.Types))
	for i := range l.Types {
		totals[i] = satAdd32(d.total(i), o.total(i))
		dst := d.Ring(i)
		for _, t := range o.Ring(i) {
			if t != None {
				Insert(dst, t)
			}
		}
		totals[i] = max(totals[i], Filled(dst))
	}
	d.TotalsPartial = d.totalsPartial() || o.totalsPartial()
	d.Totals = totals
	// Layouts that are the Same may still differ in their session settings (a decoded State's
	// has none): the wider gap and cap, so that merging commutes.
	d.Sessions = mergeSessions(dv, ov, gap, limit)
	d.SetQuestion(o.Question, o.QuestionAt)
	d.HandoffTouch = mergeHandoff(d, o) // from both parts' touches before they are merged
	d.TakeTouch(o.FirstTouch)
	d.TakeTouch(o.LastTouch)
	d.IDs = unionIDs(d.IDs, o.IDs, l.IDCap)

	if o.Events > 0 {
		if d.Events == 0 || o.Latest > d.Latest {
			d.Latest = o.Latest
		}
		if d.Events == 0 || o.First < d.First {
			d.First = o.First
		}
	}
	d.Events = satAdd(d.Events, o.Events)
	d.Clock = max(d.Clock, o.Clock)

	// Journey: the later stage entry wins, ties broken by name so that merging commutes; the
	// same for the tier and attribute sums of the later evaluation.
	if c := cmp.Compare(o.Since, d.Since); c > 0 || (c == 0 && o.Stage > d.Stage) {
		d.Stage, d.Since, d.Stalled, d.SLAMet = o.Stage, o.Since, o.Stalled, o.SLAMet
	} else if c == 0 && o.Stage == d.Stage {
		d.Stalled, d.SLAMet = d.Stalled || o.Stalled, d.SLAMet || o.SLAMet
	}
	d.Entered |= o.Entered
	d.History = mergeHistory(d.History, o.History)
	d.MQLAt = minTime(d.MQLAt, o.MQLAt)
	d.HandedOff = d.HandedOff || o.HandedOff
	d.Unsettled = true // the merged scores and signals are decided by the next evaluation
	if c := cmp.Compare(o.Evaluated, d.Evaluated); c > 0 || (c == 0 && (o.Tier > d.Tier ||
		o.Tier == d.Tier && slices.Compare(o.Base[:], d.Base[:]) > 0)) {
		d.Tier, d.Base = o.Tier, o.Base
	}
	d.Evaluated = max(d.Evaluated, o.Evaluated)
	d.Signals |= o.Signals

	if d.Cart.Yields(o.Cart) {
		d.Cart = o.Cart
	}
	d.Vel[0].Merge(o.Vel[0], l.Velocity)
	d.Vel[1].Merge(o.Vel[1], l.Velocity*velocitySum)
	if d.Purchases+o.Purchases < d.Purchases {
		d.Purchases = math.MaxUint32
	} else {
		d.Purchases += o.Purchases
	}
	d.Revenue = Sum(d.Revenue, o.Revenue)
	d.ExpansionRevenue = Sum(d.ExpansionRevenue, o.ExpansionRevenue)
	d.Reject(o.Rejection, o.RejectedAt)
}

// MaxReason bounds the bytes of a rejection reason a State keeps.
const MaxReason = 256

// ReasonControl reports whether a rejection reason may not hold r: a control character or a
// bidirectional control (a reason is one line of text, printed by Explain).
func ReasonControl(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }

// Reject records a rejection by sales for reason at t, unless d holds a later one (ties
// broken by the reason, so that merging commutes). An empty reason records nothing.
func (d *Data) Reject(reason string, t int64) {
	if reason == "" {
		return
	}
	if d.Rejection == "" || t > d.RejectedAt || (t == d.RejectedAt && reason > d.Rejection) {
		d.Rejection, d.RejectedAt = reason, t
	}
}

func satAdd(a, b uint64) uint64 {
	if a+b < a {
		return math.MaxUint64
	}
	return a + b
}

// minTime returns the earlier of two times, None counting as never.
func minTime(a, b int64) int64 {
	switch {
	case a == None:
		return b
	case b == None:
		return a
	}
	return min(a, b)
}

// mergeHistory unites two stage histories in time order, without repeats, keeping the last
// MaxHistory.
func mergeHistory(a, b []Visit) []Visit {
	out := append(slices.Clone(a), b...)
	slices.SortFunc(out, func(x, y Visit) int {
		if c := cmp.Compare(x.From, y.From); c != 0 {
			return c
		}
		if c := cmp.Compare(x.To, y.To); c != 0 {
			return c
		}
		return cmp.Compare(x.Stage, y.Stage)
	})
	out = slices.Compact(out)
	if len(out) > MaxHistory {
		out = out[len(out)-MaxHistory:]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Footprint estimates the bytes d holds (its struct and the arrays it owns), for the
// bounded-memory documentation and tests. The layout is shared and not counted.
func (d *Data) Footprint() int {
	// Sizes on 64-bit platforms: Data's words, an Accum, an event time, an ID, a Visit.
	const dataSize, accum, eventTime, id, visit, total, session = 688, 32, 8, 16, 32, 4, 24
	n := dataSize + accum*cap(d.Acc) + eventTime*cap(d.Times) + id*cap(d.IDs) + visit*cap(d.History) +
		total*cap(d.Totals) + session*cap(d.Sessions) +
		len(d.Tier) + len(d.Stage) + len(d.Rejection) + len(d.Question) + len(d.Cart.Step)
	for _, t := range [...]Touch{d.FirstTouch, d.LastTouch, d.HandoffTouch} {
		n += len(t.Channel) + len(t.Campaign) + len(t.Content) + len(t.CTA)
	}
	return n
}
