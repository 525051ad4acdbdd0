package leadscore

import (
	"cmp"
	"errors"
	"slices"
)

// Merge combines other into st: two partial states of one lead, such as the events of one lead
// split across shards or replicas, each observed into its own State. Decayed accumulators add
// up (exactly as if one State had seen all the events: merging is commutative and associative,
// within floating-point rounding), event times and remembered event IDs are united (so an
// event either part saw is still ignored when delivered again), once rules keep the earliest
// event, counts of events and purchases add up.
//
// The two parts must have seen different events: an event observed into both counts twice,
// as it would if observed twice without an ID. Journey and tier bookkeeping cannot be added
// up: the merged State takes the stage the parts entered last (their histories combined), the
// tier of the part evaluated last, and the union of their active signals; the next Observe or
// Advance settles them from the merged scores.
//
// The parts may have been written under different rule sets: other is read in st's layout
// (or st takes other's, when st is new). other is not modified.
func (st *State) Merge(other *State) error {
	if other == nil {
		return errors.New("leadscore: Merge with a nil *State")
	}
	if other.events == 0 && other.layout == nil {
		return nil
	}
	if st.layout == nil && st.events == 0 {
		*st = *other.Clone()
		return nil
	}
	o := other
	if st.layout == nil {
		st.bind(other.layout)
	} else if !other.layout.same(st.layout) {
		o = other.Clone()
		o.bind(st.layout)
	}
	l := st.layout
	for i := range st.acc {
		st.acc[i].merge(o.acc[i], l.rules[i].halfLife)
	}
	for i := range l.types {
		dst := st.ring(l, i)
		for _, t := range o.ring(l, i) {
			if t != noTime {
				insertTime(dst, t)
			}
		}
	}
	for _, id := range o.ids {
		if !slices.Contains(st.ids, id) {
			st.ids = append(st.ids, id)
		}
	}
	// The ring order of IDs is lost in a union; restart it so the oldest entries of st go first.
	st.idNext = 0

	if o.events > 0 {
		if st.events == 0 || o.latest > st.latest {
			st.latest = o.latest
		}
		if st.events == 0 || o.first < st.first {
			st.first = o.first
		}
	}
	st.events += o.events

	// Journey: the later stage entry wins, ties broken by name so that merging commutes.
	mine, theirs := st.stageEntry(), o.stageEntry()
	if c := cmp.Compare(theirs.at, mine.at); c > 0 || (c == 0 && theirs.stage > mine.stage) {
		st.stage, st.since, st.stalled = o.stage, o.since, o.stalled
	}
	st.entered |= o.entered
	st.history = mergeHistory(st.history, o.history)
	st.mqlAt = minNonZero(st.mqlAt, o.mqlAt)
	st.handedOff = st.handedOff || o.handedOff
	if c := cmp.Compare(o.evaluated, st.evaluated); c > 0 || (c == 0 && o.tier > st.tier) {
		st.tier, st.base = o.tier, o.base
	}
	st.evaluated = max(st.evaluated, o.evaluated)
	st.signals |= o.signals

	if o.cart.at > st.cart.at || (o.cart.at == st.cart.at && o.cart.value > st.cart.value) {
		st.cart = o.cart
	}
	st.vel[0].merge(o.vel[0], Duration(l.velocity))
	st.vel[1].merge(o.vel[1], Duration(l.velocity*velocitySpan))
	st.purchases += o.purchases
	st.revenue += o.revenue
	st.expansionRevenue += o.expansionRevenue
	return nil
}

type stageEntry struct {
	stage Stage
	at    int64
}

func (st *State) stageEntry() stageEntry { return stageEntry{st.stage, st.since} }

func minNonZero(a, b int64) int64 {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}

// mergeHistory unites two stage histories in time order, without repeats, keeping the last
// maxHistory.
func mergeHistory(a, b []stageVisit) []stageVisit {
	out := append(slices.Clone(a), b...)
	slices.SortFunc(out, func(x, y stageVisit) int {
		if c := cmp.Compare(x.from, y.from); c != 0 {
			return c
		}
		if c := cmp.Compare(x.to, y.to); c != 0 {
			return c
		}
		return cmp.Compare(x.stage, y.stage)
	})
	out = slices.Compact(out)
	if len(out) > maxHistory {
		out = out[len(out)-maxHistory:]
	}
	return out
}
