package leadscore

import (
	"github.com/leadscore/leadscore/internal/strindex"
	"github.com/leadscore/leadscore/internal/text"
)

// eventRoute is everything Observe and Accumulate look up by an event's type, precomputed at
// Compile: the event type is interned to its route with one lookup per event
// (Scorer.route), and every per-type table is a field of the route instead of a map of its own.
type eventRoute struct {
	ring      int   // the type's event-time ring in the State's layout; -1: not tracked
	rules     []int // the event rules that may match it, in rule order (eventIndex.rules)
	eventOnly bool  // every candidate rule's condition is a fast-path closure over the event alone
	accepted  bool  // an event of the type is taken: false only for a type StrictEventTypes refuses
	// from: bit i is set when a transition from stage i lists the type in its on (movedBy).
	// slaMet: bit i is set when the type meets stage i's SLA (sla_met_by). Stages fit: maxStages.
	from, slaMet uint64
	on           []uint64 // bit ti: journey transition ti lists the type in its on
}

// moves reports whether journey transition ti lists the route's type in its on. A nil route
// (Advance: no event) moves no transition that has an on.
func (r *eventRoute) moves(ti int) bool {
	return r != nil && ti>>6 < len(r.on) && r.on[ti>>6]&(1<<(ti&63)) != 0
}

// compileRoutes builds the route of every event type a table of s knows, and last the route
// of every other type. It runs once the State is laid out (s.typeOf) and the event rules,
// their index and the journey are compiled.
func (s *Scorer[L]) compileRoutes(index eventIndex) {
	strict := strictEventTypes(s.cfg)
	names := map[string]bool{}
	for _, t := range vocabulary {
		names[t] = true
	}
	for _, t := range s.cfg.EventTypes {
		names[t] = true
	}
	for t := range s.typeOf {
		names[t] = true
	}
	for t := range index.byType {
		names[t] = true
	}
	// The transitions that list each type in their on, and the stages whose SLA it meets,
	// gathered in one pass: searching every on for every type was quadratic (500 types
	// against a million entries of on took seconds).
	moves := map[string][]int{}
	for ti, tr := range s.journey.transitions {
		for _, t := range tr.on {
			names[t] = true
			if l := moves[t]; len(l) == 0 || l[len(l)-1] != ti {
				moves[t] = append(l, ti)
			}
		}
	}
	sla := map[string]uint64{}
	for i, st := range s.journey.stages {
		for _, t := range st.slaMetBy {
			names[t] = true
			sla[t] |= 1 << i
		}
	}
	keys := text.SortedKeys(names)
	s.routeOf = strindex.New(keys)
	s.routes = make([]eventRoute, 0, len(keys)+1)
	for _, typ := range keys {
		s.routes = append(s.routes, s.newRoute(index.rules(typ), typ, strict == nil || strict[typ], moves[typ], sla[typ]))
	}
	s.routes = append(s.routes, s.newRoute(index.anyType, "", strict == nil, nil, 0)) // any other type
}

// newRoute is the route of events of type typ ("": of a type no table knows), whose
// candidate event rules are rules, which moves the journey transitions moves (in order) and
// meets the SLA of the stages whose bits slaMet sets.
func (s *Scorer[L]) newRoute(rules []int, typ string, accepted bool, moves []int, slaMet uint64) eventRoute {
	r := eventRoute{ring: -1, rules: rules, accepted: accepted, eventOnly: true}
	if i, ok := s.typeOf[typ]; ok && typ != "" {
		r.ring = i
	}
	for _, i := range rules {
		if p := s.events[i].when; p != nil && (p.fastBool == nil || !p.eventOnly) {
			r.eventOnly = false
			break
		}
	}
	if typ == "" {
		return r
	}
	j := &s.journey
	for _, ti := range moves {
		if r.on == nil {
			r.on = make([]uint64, (len(j.transitions)+63)/64)
		}
		r.on[ti>>6] |= 1 << (ti & 63)
		r.from |= 1 << j.transitions[ti].from
	}
	r.slaMet = slaMet
	return r
}

// route returns the route of event type typ.
func (s *Scorer[L]) route(typ string) *eventRoute {
	if i := s.routeOf.Lookup(typ); i >= 0 {
		return &s.routes[i]
	}
	return &s.routes[len(s.routes)-1]
}
