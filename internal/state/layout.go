package state

import (
	"hash/maphash"
)

// Layout is how a Data's arrays line up with a rule set: its event rules (one accumulator
// each), its tracked event types (a ring of times each), its signal kinds (bits of Signals),
// its journey stages (bits of Entered), the velocity window and how many event IDs to keep.
// A Layout is immutable once built and shared by a Scorer and every Data it has touched.
type Layout struct {
	Rules      []Rule
	Types      []string // tracked event types
	RingCap    []int    // per tracked type: how many times it keeps
	RingOffset []int    // per tracked type: where its ring starts in Data.Times
	RingTotal  int
	Kinds      []Kind   // signal kinds, by bit of Data.Signals
	Stages     []string // journey stages, by bit of Data.Entered
	Velocity   int64    // the velocity signal's window: the half-life of Data.Vel[0]
	IDCap      int      // how many event IDs a Data remembers
	// SessionGap and SessionCap say how Visit and Merge group page views into sessions: views
	// within SessionGap of each other are one, and SessionCap sessions (MaxVisits when 0) are
	// kept. A Scorer's layout sets them from its rule set; a decoded layout has those the bytes
	// recorded beside the visits (version 4 writes them whenever there are visits). Same ignores
	// them. SessionRings are the rings of the page views grouped into sessions (a Scorer's
	// layout only, not stored): Merge rebuilds from them the visits of a part that has none
	// (written before version 4).
	SessionGap   int64
	SessionCap   int
	SessionRings []int

	ruleIndex map[string]int // by ID
	typeIndex map[string]int
	hash      uint64 // of the whole layout, to tell different layouts apart quickly
	key       string // the layout as the codec writes it: compared in full, and ordered
}

// Rule is an event rule's key in a layout: its ID, the IDs it was renamed from (newest
// first), and how its accumulator decays.
type Rule struct {
	ID          string
	RenamedFrom []string // not stored in a State: only a Scorer's layout looks back
	HalfLife    int64
	Once        bool
}

// Kind is a signal kind and the kinds it was renamed from.
type Kind struct {
	Name        string
	RenamedFrom []string
}

// Limits of a layout: what a rule set may ask a State to hold, and what the codec accepts.
const (
	MaxName     = 1024    // bytes in a rule ID, event type, signal kind, stage or tier name
	MaxRules    = 1 << 14 // event rules
	MaxTypes    = 1 << 14 // tracked event types
	MaxRing     = 1024    // event times kept per type
	MaxKinds    = 64      // signal kinds: Data.Signals is a 64-bit set
	MaxStages   = 32      // journey stages: Data.Entered is a 32-bit set
	MaxIDs      = 1 << 14 // remembered event IDs
	MaxHistory  = 16      // completed stage stays kept
	maxDecoded  = 4096    // bytes of a decoded string: version 1 allowed 4 KiB names
	velocitySum = 4       // the slow velocity sum spans this many windows
)

var seed = maphash.MakeSeed()

// NewLayout builds a layout; the slices become the layout's.
func NewLayout(rules []Rule, types []string, caps []int, kinds []Kind, stages []string, velocity int64, idCap int) *Layout {
	l := &Layout{
		Rules: rules, Types: types, RingCap: caps, Kinds: kinds, Stages: stages,
		Velocity: velocity, IDCap: idCap,
		ruleIndex: make(map[string]int, len(rules)),
		typeIndex: make(map[string]int, len(types)),
	}
	var h maphash.Hash
	h.SetSeed(seed)
	str := func(s string) { // length-prefixed: no two lists of names hash alike by framing
		maphash.WriteComparable(&h, len(s))
		h.WriteString(s)
	}
	for i, r := range rules {
		l.ruleIndex[r.ID] = i
		str(r.ID)
		maphash.WriteComparable(&h, r.HalfLife)
		maphash.WriteComparable(&h, r.Once)
	}
	maphash.WriteComparable(&h, -1)
	for i, t := range types {
		l.typeIndex[t] = i
		l.RingOffset = append(l.RingOffset, l.RingTotal)
		l.RingTotal += caps[i]
		str(t)
		maphash.WriteComparable(&h, caps[i])
	}
	maphash.WriteComparable(&h, -2)
	for _, k := range kinds {
		str(k.Name)
	}
	maphash.WriteComparable(&h, -3)
	for _, s := range stages {
		str(s)
	}
	maphash.WriteComparable(&h, velocity)
	maphash.WriteComparable(&h, idCap)
	l.hash = h.Sum64()
	var e encoder
	e.layout(l)
	l.key = string(e.buf)
	return l
}

// Less orders layouts by their encoding: when two parts of a State written under different
// rule sets are merged and neither is later, the merge picks a layout by it, the same whichever
// part it is called on.
func (l *Layout) Less(m *Layout) bool { return l.key < m.key }

// Same reports whether Data laid out by l can be read as laid out by m: the two are equal in
// every name, order and size (a hash tells most layouts apart; equal hashes are compared in
// full, so a collision can never make a State trusted by the wrong rule set). Renames do not
// count: they say where to look in an older layout, not how this one lines up.
func (l *Layout) Same(m *Layout) bool {
	if l == m {
		return true
	}
	return l != nil && m != nil && l.hash == m.hash && l.key == m.key
}

// Ring returns d's event times for tracked type i.
func (d *Data) Ring(i int) []int64 {
	off := d.Layout.RingOffset[i]
	return d.Times[off : off+d.Layout.RingCap[i]]
}

// source returns the index in old of the rule that r continues: the same ID, else the first
// of its former IDs that old has.
func (old *Layout) source(r Rule) (int, bool) {
	if j, ok := old.ruleIndex[r.ID]; ok {
		return j, true
	}
	for _, id := range r.RenamedFrom {
		if j, ok := old.ruleIndex[id]; ok {
			return j, true
		}
	}
	return 0, false
}

// kindSource returns the bit in old of the kind k continues.
func (old *Layout) kindSource(k Kind) (int, bool) {
	for _, name := range append([]string{k.Name}, k.RenamedFrom...) {
		for j, o := range old.Kinds {
			if o.Name == name {
				return j, true
			}
		}
	}
	return 0, false
}
