package state

import (
	"encoding/binary"
	"math"
)

// MaxStoredName is the longest name, in bytes, a State can hold and the codec write: rule
// IDs, event types, signal kinds, stages and tiers (Check).
const MaxStoredName = maxDecoded

// Encoded sizes of Marshal's items at their largest.
const (
	varintLen = binary.MaxVarintLen64 // a time, a count, a half-life: any 64-bit varint
	accumLen  = 8 + 3*varintLen       // Sum, Ref, First, N
	idLen     = 8 + varintLen         // Hash, At
	visitLen  = 2 * varintLen         // From, To, besides the stage name
)

// MaxLen returns the most bytes Marshal writes for a Data laid out by l whose tier and stage
// names (Tier, Stage and the stages of History) are at most names bytes long: whatever the
// events it took, a Data's encoding is bounded by its layout. It follows Marshal item by
// item (a test holds the two together): the layout exactly as written, then every value at
// its largest encoding.
func MaxLen(l *Layout, names int) int {
	if l == nil {
		return headerLen + 4
	}
	return headerLen + len(l.key) + maxValuesLen(len(l.Rules), len(l.Types), l.RingTotal, l.IDCap, len(l.Kinds), len(l.Stages), visitCap(l.SessionCap), names) + 4
}

// MaxLenWithin bounds MaxLen over every layout of at most rules event rules and types tracked
// types keeping slots event times in all, whose names (rule IDs, types, signal kinds, stages)
// add up to at most nameBytes, that remembers idCap event IDs, for Datas whose tier and stage
// names are at most names bytes: what a whole family of rule sets may make a State weigh.
func MaxLenWithin(rules, types, slots, nameBytes, idCap, names int) int {
	// A name's length takes two bytes of uvarint: names are at most MaxStoredName bytes.
	const nameLen = 2
	key := uvarintLen(uint64(rules)) + rules*(nameLen+varintLen+1) // ID, half-life, once
	key += uvarintLen(uint64(types)) + types*(nameLen+uvarintLen(MaxRing))
	key += uvarintLen(MaxKinds) + MaxKinds*nameLen + uvarintLen(MaxStages) + MaxStages*nameLen
	key += varintLen + uvarintLen(uint64(idCap)) // velocity window, ID capacity
	key += nameBytes
	return headerLen + key + maxValuesLen(rules, types, slots, idCap, MaxKinds, MaxStages, MaxVisits, names) + 4
}

const headerLen = len(magic) + 1 + 1 // magic, version, whether there is a layout

// maxValuesLen bounds what Marshal writes after the layout, CRC excluded.
func maxValuesLen(rules, types, slots, idCap, kinds, stages, visits, names int) int {
	n := rules*accumLen + slots*varintLen
	n += uvarintLen(uint64(idCap)) + idCap*idLen
	n += 4*varintLen + varintLen // Clock, Evaluated, Latest, First; Events
	n += 2 * stringLen(names)    // Tier, Stage
	n += varintLen + uvarintLen(bitSet(min(stages, 32)))
	n += uvarintLen(MaxHistory) + MaxHistory*(stringLen(names)+visitLen)
	n += 2 + varintLen + 2 // Stalled, SLAMet; MQLAt; HandedOff, Unsettled
	n += uvarintLen(bitSet(kinds))
	n += varintLen + 8 + 1 // Cart
	n += 2 * accumLen      // Vel
	n += len(Data{}.Base) * 8
	n += uvarintLen(math.MaxUint32) + 2*8 // Purchases, Revenue, ExpansionRevenue
	n += stringLen(MaxReason) + varintLen // Rejection, RejectedAt (version 3)
	// Version 4: the totals, the visits, the question, the cart's step, three touches.
	n += uvarintLen(uint64(types)) + types*uvarintLen(MaxTotal) + 1                                                       // and whether they are partial
	n += uvarintLen(uint64(visits)) + varintLen + uvarintLen(MaxVisits) + visits*(2*varintLen+uvarintLen(math.MaxUint32)) // and their gap and cap
	n += stringLen(MaxQuestion) + varintLen + stringLen(MaxStep)
	n += 3 * (1 + varintLen + 4*stringLen(MaxTouchText))
	return n
}

// bitSet is the largest set of n bits.
func bitSet(n int) uint64 {
	if n >= 64 {
		return math.MaxUint64
	}
	return 1<<n - 1
}

func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

func stringLen(n int) int { return uvarintLen(uint64(n)) + n }
