package leadscore

import (
	"math"
	"slices"
	"time"
)

// State is one lead's state: decayed accumulators per event rule, the latest event times per
// tracked type (for count, days_since and detectors), the IDs of recent events (to ignore
// repeats), the stage and the tier. Its size is bounded whatever the number of events.
//
// The zero value is a new lead in stage attract. A State is a plain value: it may be copied
// with Clone, persisted with MarshalBinary, and combined with Merge. Score only reads it, so
// any number of goroutines may Score one State at once; Observe and Advance modify it and need
// exclusive access, like a map.
type State struct {
	layout *layout  // how acc and times line up; nil until the first Observe
	acc    []accum  // per event rule
	times  []int64  // per tracked type, its latest event times, ascending; noTime = empty slot
	ids    []uint64 // hashes of recent event IDs, a ring of at most the Scorer's dedup size
	idNext int      // next ring position to overwrite once ids is full
	latest int64    // time of the latest observed event (UnixNano); valid when events > 0
	events uint64   // events applied (repeats not counted)
	tier   string   // the tier the lead is in, for hysteresis

	// The journey.
	stage   Stage        // "" means the journey's first stage
	since   int64        // when the stage was entered (UnixNano); 0: at the first event
	first   int64        // time of the first event, valid when events > 0
	entered uint32       // bit set of the journey's stages the lead has entered
	history []stageVisit // the last maxHistory completed stays, oldest first
	stalled bool         // the current stage's SLA ran out (reported once)
	mqlAt   int64        // when the lead first reached a hand-off tier (0: never)
	// handedOff: the lead was handed to sales and has stayed in a hand-off tier since, so the
	// hand-off is spent (fresh_handoff is false) until it leaves the tier.
	handedOff bool

	// Signals and what the detectors need beyond event times.
	signals   uint64     // bit set of the signal kinds active at the last Observe or Advance
	cart      cartMark   // the latest cart_add or checkout_start
	vel       [2]accum   // engagement points, decayed fast and slow, for the velocity signal
	evaluated int64      // time of the last Observe or Advance, for NextWakeup
	base      [3]float64 // attribute-rule sums per dimension at that time: NextWakeup has no lead

	// Value, for the funnel.
	purchases        uint32
	revenue          float64 // purchase values
	expansionRevenue float64 // purchase values while in expand: revenue from existing customers
}

// stageVisit is one completed stay in a stage.
type stageVisit struct {
	stage    Stage
	from, to int64
}

// maxHistory bounds the stage history a State keeps.
const maxHistory = 16

// cartMark is the latest cart event: abandoned_cart needs its time, kind and value.
type cartMark struct {
	at       int64 // 0: none
	value    float64
	checkout bool
}

// accum is an event rule's accumulator. For a rule with half-life h it holds
// sum = Σ 2^(−(ref − tᵢ)/h) over the matched events, with ref the latest of them; the value at
// t ≥ ref is sum × 2^(−(t − ref)/h). Adding an event in any order gives the same sum, which is
// what makes scores independent of arrival order. Without decay, sum is the plain count.
type accum struct {
	sum   float64
	ref   int64 // latest matched event
	first int64 // earliest matched event, for once rules
	n     uint64
}

// decay is 2^(−Δ/h); h == 0 means no decay.
func decay(delta int64, h Duration) float64 {
	if h == 0 || delta == 0 {
		return 1
	}
	return math.Exp2(-float64(delta) / float64(h))
}

func (a *accum) add(t int64, h Duration) {
	switch {
	case a.n == 0:
		a.sum, a.ref, a.first = 1, t, t
	case t <= a.ref:
		a.sum += decay(a.ref-t, h)
	default:
		a.sum = a.sum*decay(t-a.ref, h) + 1
		a.ref = t
	}
	a.first = min(a.first, t)
	a.n++
}

// value is the decayed sum at now ≥ ref (a once rule counts its earliest event only).
func (a accum) value(now int64, h Duration, once bool) float64 {
	switch {
	case a.n == 0:
		return 0
	case once:
		return decay(now-a.first, h)
	}
	return a.sum * decay(now-a.ref, h)
}

// addWeighted adds an event worth w (instead of 1) to a decayed sum.
func (a *accum) addWeighted(t int64, w float64, h Duration) {
	switch {
	case a.n == 0:
		a.sum, a.ref, a.first = w, t, t
	case t <= a.ref:
		a.sum += w * decay(a.ref-t, h)
	default:
		a.sum = a.sum*decay(t-a.ref, h) + w
		a.ref = t
	}
	a.first = min(a.first, t)
	a.n++
}

func (a *accum) merge(b accum, h Duration) {
	switch {
	case b.n == 0:
		return
	case a.n == 0:
		*a = b
		return
	}
	ref := max(a.ref, b.ref)
	a.sum = a.sum*decay(ref-a.ref, h) + b.sum*decay(ref-b.ref, h)
	a.ref = ref
	a.first = min(a.first, b.first)
	a.n += b.n
}

// Stage returns the lead's lifecycle stage: StageAttract for a new lead (or the first stage
// of the journey that last moved it).
func (st *State) Stage() Stage {
	if st.stage == "" {
		return StageAttract
	}
	return st.stage
}

// StageSince returns when the lead entered its stage: the time of its first event for a lead
// still in the first stage, the zero time for a new lead.
func (st *State) StageSince() time.Time {
	if st.events == 0 && st.since == 0 {
		return time.Time{}
	}
	return unixToTime(st.stageSince())
}

func (st *State) stageSince() int64 {
	if st.since != 0 {
		return st.since
	}
	return st.first
}

func (st *State) daysInStage(at int64) float64 {
	if st.events == 0 && st.since == 0 {
		return 0
	}
	return float64(at-st.stageSince()) / float64(Day)
}

// enterStage moves st into stage (index i of its journey) at time at.
func (st *State) enterStage(stage Stage, i int, at int64) {
	prev := st.Stage()
	if len(st.history) == maxHistory {
		st.history = append(st.history[:0], st.history[1:]...)
	}
	st.history = append(st.history, stageVisit{stage: prev, from: st.stageSince(), to: at})
	st.stage, st.since, st.stalled = stage, at, false
	st.entered |= 1 << i
}

// History returns the lead's completed stays in stages, oldest first (at most the last 16).
func (st *State) History() []StageVisit {
	out := make([]StageVisit, len(st.history))
	for i, v := range st.history {
		out[i] = StageVisit{Stage: v.stage, From: unixToTime(v.from), To: unixToTime(v.to)}
	}
	return out
}

// StageVisit is one completed stay in a stage.
type StageVisit struct {
	Stage    Stage
	From, To time.Time
}

// velocity returns the fast and slow decayed sums of engagement points at time at.
func (st *State) velocity(at int64, window int64) (fast, slow float64, ok bool) {
	if st.vel[0].n == 0 {
		return 0, 0, false
	}
	return st.vel[0].value(at, Duration(window), false), st.vel[1].value(at, Duration(window*velocitySpan), false), true
}

// Tier returns the tier the lead was last placed in by Observe or Advance ("" before).
func (st *State) Tier() string { return st.tier }

// Events returns how many events the State has taken in (repeated IDs not counted).
func (st *State) Events() uint64 { return st.events }

// Latest returns the time of the latest event taken in, or the zero time.
func (st *State) Latest() time.Time {
	if st.events == 0 {
		return time.Time{}
	}
	return time.Unix(0, st.latest).UTC()
}

// Clone returns a deep copy of st.
func (st *State) Clone() *State {
	c := *st
	c.acc = slices.Clone(st.acc)
	c.times = slices.Clone(st.times)
	c.ids = slices.Clone(st.ids)
	c.history = slices.Clone(st.history)
	return &c
}

// ring returns the event times kept for tracked type i.
func (st *State) ring(l *layout, i int) []int64 {
	off := l.ringOffset[i]
	return st.times[off : off+l.ringCap[i]]
}

// insertTime keeps t among the ring's latest times, ascending.
func insertTime(ring []int64, t int64) {
	if len(ring) == 0 || t < ring[0] {
		return // older than everything kept, and the ring is full (or empty-capacity)
	}
	// Shift the oldest out and slide t into place.
	i := 0
	for i+1 < len(ring) && ring[i+1] <= t {
		ring[i] = ring[i+1]
		i++
	}
	ring[i] = t
}

// countIn counts the ring's times in [from, to]. When every kept time is in the window the
// true count may be larger; the caller's capacity makes that saturation harmless.
func countIn(ring []int64, from, to int64) int {
	n := 0
	for _, t := range ring {
		if t != noTime && t >= from && t <= to {
			n++
		}
	}
	return n
}

// lastIn returns the latest time in the ring that is ≤ to, or noTime.
func lastIn(ring []int64, to int64) int64 {
	for i := len(ring) - 1; i >= 0; i-- {
		if ring[i] != noTime && ring[i] <= to {
			return ring[i]
		}
	}
	return noTime
}

// bind lays st out for l: a new State gets empty arrays; a State from another rule set keeps
// the accumulators of rules with the same key and the event times of types both track.
func (st *State) bind(l *layout) {
	if st.layout.same(l) {
		st.layout = l
		return
	}
	acc := make([]accum, len(l.rules))
	times := make([]int64, l.ringTotal)
	for i := range times {
		times[i] = noTime
	}
	if old := st.layout; old != nil {
		for i, k := range l.rules {
			if j, ok := old.ruleIndex[k]; ok {
				acc[i] = st.acc[j]
			}
		}
		for i, typ := range l.types {
			j, ok := old.typeIndex[typ]
			if !ok {
				continue
			}
			dst := times[l.ringOffset[i] : l.ringOffset[i]+l.ringCap[i]]
			for _, t := range st.ring(old, j) {
				if t != noTime {
					insertTime(dst, t)
				}
			}
		}
	}
	if old := st.layout; old != nil {
		st.signals = remapBits(st.signals, old.kinds, l.kinds)
		st.entered = uint32(remapBits(uint64(st.entered), old.stages, l.stages))
		if old.velocity != l.velocity { // sums under another half-life mean nothing here
			st.vel = [2]accum{}
		}
	}
	st.layout, st.acc, st.times = l, acc, times
}

// view returns st laid out for l without modifying st (a copy when its layout differs).
func (st *State) view(l *layout) *State {
	if st.layout.same(l) || st.layout == nil {
		return st // a State never observed has nothing to lay out: readers treat it as empty
	}
	c := st.Clone()
	c.bind(l)
	return c
}

// seen reports whether the ID hash h is among the recent IDs.
func (st *State) seen(h uint64) bool { return slices.Contains(st.ids, h) }

func (st *State) remember(h uint64, capacity int) {
	if capacity <= 0 {
		return
	}
	if len(st.ids) < capacity {
		st.ids = append(st.ids, h)
		return
	}
	st.ids = st.ids[:capacity] // the Scorer's capacity may have shrunk
	st.ids[st.idNext%capacity] = h
	st.idNext = (st.idNext + 1) % capacity
}

// hashID is FNV-1a over the event ID: 8 bytes per remembered event instead of the string.
func hashID(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h
}

// footprint estimates the bytes a State holds (its struct and the arrays it owns), for the
// bounded-memory documentation and tests.
func (st *State) footprint() int {
	const stateSize = 8*3 + 24*4 + 8*20 // pointer, slices, scalars: a close upper bound
	return stateSize + 32*cap(st.acc) + 8*cap(st.times) + 8*cap(st.ids) + 40*cap(st.history) + len(st.tier) + len(st.stage)
}
