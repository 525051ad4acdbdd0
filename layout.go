package leadscore

import (
	"hash/fnv"
	"math"
	"strconv"
)

// Limits on what a State keeps per event type.
const (
	// defaultCountLimit is how many event times a State keeps for a type that count() reads
	// other than in a comparison with a constant: counts are exact up to it and saturate there.
	defaultCountLimit = 64
	// maxCountLimit bounds what a comparison may ask a State to keep ("count(t, w) > 1e9").
	maxCountLimit = 1024
)

// typeTable interns the event types a rule set refers to. Known types are the vocabulary and
// the config's declared ones; a type becomes tracked (gets per-lead event times in the State)
// when count, days_since or a detector reads it.
type typeTable struct {
	known   map[string]bool
	tracked []string
	index   map[string]int
	need    []int // per tracked type: how many of its latest event times the State keeps
}

func newTypeTable(declared []string, pages map[string][]string) *typeTable {
	t := &typeTable{known: map[string]bool{}, index: map[string]int{}}
	for _, v := range vocabulary {
		t.known[v] = true
	}
	for _, v := range declared {
		t.known[v] = true
	}
	for cat := range pages {
		t.known[categoryType(cat)] = true // page views of one category: "page_view/pricing"
	}
	return t
}

// lookup returns typ's tracked index, tracking it (keeping one event time) on first use.
func (t *typeTable) lookup(typ string) (int, bool) {
	if !t.known[typ] {
		return 0, false
	}
	if i, ok := t.index[typ]; ok {
		return i, true
	}
	t.index[typ] = len(t.tracked)
	t.tracked = append(t.tracked, typ)
	t.need = append(t.need, 1)
	return len(t.tracked) - 1, true
}

func (t *typeTable) keep(i, n int) { t.need[i] = max(t.need[i], min(n, maxCountLimit)) }

// layout is how a State's per-lead arrays line up with a rule set. It is immutable once built
// and shared by the Scorer and every State it has touched. A State carries its layout so that
// a Scorer compiled from another rule set can remap it by rule ID and type name.
type layout struct {
	fingerprint uint64
	rules       []ruleKey // event rules, in config order
	ruleIndex   map[ruleKey]int
	types       []string // tracked event types
	typeIndex   map[string]int
	ringOffset  []int // per tracked type: where its event times start in State.times
	ringCap     []int // per tracked type: how many event times it keeps
	ringTotal   int
	kinds       []string // signal kinds, by bit of State.signals
	stages      []Stage  // journey stages, by bit of State.entered
	velocity    int64    // the velocity signal's window: the half-life of State.vel[0]
}

// ruleKey identifies an event rule's accumulator. The half-life and once flag are part of it
// because an accumulated sum means nothing under another half-life: change either and the
// rule starts afresh; keep them and the ID, and the history carries over.
type ruleKey struct {
	id       string
	halfLife Duration
	once     bool
}

func newLayout(rules []ruleKey, types []string, caps []int, kinds []string, stages []Stage, velocity int64) *layout {
	l := &layout{
		rules:     rules,
		ruleIndex: make(map[ruleKey]int, len(rules)),
		types:     types,
		typeIndex: make(map[string]int, len(types)),
		ringCap:   caps,
		kinds:     kinds,
		stages:    stages,
		velocity:  velocity,
	}
	h := fnv.New64a()
	for i, r := range rules {
		l.ruleIndex[r] = i
		h.Write([]byte(r.id))
		h.Write([]byte{0})
		h.Write(strconv.AppendInt(nil, int64(r.halfLife), 10))
		h.Write([]byte{0, boolByte(r.once), 0})
	}
	h.Write([]byte{1})
	for i, t := range types {
		l.typeIndex[t] = i
		l.ringOffset = append(l.ringOffset, l.ringTotal)
		l.ringTotal += caps[i]
		h.Write([]byte(t))
		h.Write([]byte{0})
		h.Write(strconv.AppendInt(nil, int64(caps[i]), 10))
		h.Write([]byte{0})
	}
	for _, k := range kinds {
		h.Write([]byte{2})
		h.Write([]byte(k))
	}
	for _, s := range stages {
		h.Write([]byte{3})
		h.Write([]byte(s))
	}
	h.Write(strconv.AppendInt([]byte{4}, velocity, 10))
	l.fingerprint = h.Sum64()
	return l
}

// remapBits translates a bit set over the names from into one over the names to.
func remapBits[N comparable](bits uint64, from, to []N) uint64 {
	var out uint64
	for i, name := range from {
		if i >= 64 || bits&(1<<i) == 0 {
			continue
		}
		for j, other := range to {
			if other == name && j < 64 {
				out |= 1 << j
			}
		}
	}
	return out
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// same reports whether states laid out by l and m can be used interchangeably.
func (l *layout) same(m *layout) bool {
	return l == m || (l != nil && m != nil && l.fingerprint == m.fingerprint)
}

// noTime marks "never" in per-type event times.
const noTime = math.MinInt64
