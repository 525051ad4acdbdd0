package leadscore

import "github.com/leadscore/leadscore/internal/state"

// MaxStateBytes returns an upper bound of len(MarshalBinary()) for the States of this rule
// set, whatever events they take: how many, how late, at what times and values, under how
// many IDs. A storage layer can size its column by it, and refuse a stored row beyond it as
// damaged before decoding it.
//
// The figure is the rule set's layout as the State records it (its event rule IDs, tracked
// types, signal kinds and stages, with their sizes), then at most 38 bytes per event rule, 10
// per event time kept for count() and the detectors (Limits.MaxWindowSlots bounds those), 18
// per remembered event ID (WithDedupWindow), 16 completed stage stays with their names, and
// the tier and stage names, about 300 bytes of fixed fields and 268 for a rejection by
// sales (its reason, at most 256 bytes, and time); and what format version 4 keeps: 5 bytes
// per tracked type for the exact event totals (and a byte saying whether they are a lower
// bound, read from an older State), 25 per visit kept for frequent_visits (16 by default,
// MaxVisits at most) and 11 for the session gap and cap the visits were grouped by, 292 for a question's text, 65 for an abandoned cart's step and
// 1,593 for the first, last and hand-off touches (four texts of at most MaxTouchText bytes
// each). With the default dedup window it is 6,746 bytes for DefaultB2B and 6,458 for
// DefaultB2C (TestMaxStateBytesFigures holds the figures of this comment); 2,000 events bring
// their States to about 3,000.
//
// Under DefaultLimits and the default dedup window, no rule set can make a State encode to
// more than 4,613,941 bytes: 4.28 MB of names (the 4 MiB MaxConfigBytes admits, the built-in
// ones), 115 KB the 8,192 window slots, 102 KB the 2,000 event rules, 74 KB the tier, stage
// and 16 stage stays with names of up to 4 KiB. Each remembered ID beyond the default 64
// adds 18 bytes.
//
// The bound holds for a State every change of which was made through s (s.Observe,
// s.ObserveInto, s.Accumulate, s.Advance, s.Merge) from a new State or from the bytes of such
// a State. A State written under another rule set keeps that rule set's tier and stage names
// until s next moves it, so until then it is bounded by the sum of the two rule sets' figures.
func (s *Scorer[L]) MaxStateBytes() int {
	names := 0 // the longest tier or stage name, which a State holds as values
	for _, t := range s.tiers {
		names = max(names, len(t.name))
	}
	for _, st := range s.journey.stages {
		names = max(names, len(st.name))
	}
	return state.MaxLen(s.layout, names)
}

// maxStateBytesUnder bounds MaxStateBytes over every rule set Compile admits under l with a
// dedup window of dedup IDs: the figure MaxStateBytes' documentation gives for DefaultLimits.
func maxStateBytesUnder(l Limits, dedup int) int {
	rules, slots := state.MaxRules, state.MaxTypes*state.MaxRing
	if l.MaxRules != Unlimited {
		rules = min(rules, l.MaxRules)
	}
	if l.MaxWindowSlots != Unlimited {
		slots = min(slots, l.MaxWindowSlots)
	}
	types := min(slots, state.MaxTypes) // a tracked type keeps one event time at least
	// Each name in a layout is one string of the config (a rule ID, a declared event type, a
	// page category after "page_view/", a custom signal kind, a stage) or a built-in one (the
	// event vocabulary, the built-in signal kinds, the default journey's stages), and at most
	// state.MaxStoredName bytes.
	names := (rules + types + maxSignalKinds + maxStages) * state.MaxStoredName
	if l.MaxConfigBytes != Unlimited {
		builtin := strs(vocabulary) + strs(builtinSignalKinds) + len(EventPageView+"/")*types
		for _, st := range DefaultJourney().Stages {
			builtin += len(st.Name)
		}
		names = min(names, l.MaxConfigBytes+builtin)
	}
	return state.MaxLenWithin(rules, types, slots, names, dedup, state.MaxStoredName)
}
