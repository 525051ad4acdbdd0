package leadscore

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/leadscore/leadscore/internal/state"
)

// ruleOut is what a rule that fires writes: its Contribution's strings, and the dimension
// it adds to. It is the part of a compiled rule that does not depend on the lead type, so
// that fire, which writes it, is an ordinary function rather than a generic one taking a
// dictionary.
type ruleOut struct {
	id       string
	dim      Dimension
	dimIndex int // dim.index(), once: evaluation adds to raw[dimIndex] for every rule that fires
	reason   string
}

// attrRule is a compiled Rule.
type attrRule[L any] struct {
	ruleOut
	when       *program[L] // nil: always
	value      *program[L] // nil: points
	points     float64
	max        float64 // 0: no limit
	disqualify bool
	// fastWhen is when.fastBool, kept here to save the rule loop a load per rule; plain: when
	// the condition holds, the rule adds its points and does nothing else (no value, max or
	// disqualification). Both decide how scoreRules takes the rule (rule_batch.go).
	fastWhen func(*fastEnv[L]) bool
	plain    bool
}

// eventRule is a compiled EventRule.
type eventRule[L any] struct {
	ruleOut
	on       []string
	when     *program[L]
	points   float64
	max      float64
	halfLife Duration
	once     bool
}

// contribution is what the rule adds at time at, given its accumulator: points times the
// decayed sum, limited to ±max.
func (r *eventRule[L]) contribution(a state.Accum, at int64) float64 {
	return limit(state.Finite(r.points*a.Value(at, int64(r.halfLife), r.once)), r.max)
}

// checkID records the problems with a rule's ID: empty, or used by an earlier rule. Attribute
// and event rules share one namespace, since Contributions name them side by side.
func checkID(kind ItemKind, id string, i int, seen map[string]bool, errs *errorList) string {
	if id == "" {
		id = fmt.Sprintf("%ss[%d]", map[ItemKind]string{ItemRule: "rule", ItemEventRule: "event"}[kind], i)
		errs.addf(kind, id, "id", "a rule needs an id")
		return id
	}
	if len(id) > state.MaxName || !utf8.ValidString(id) {
		short := shortName(id)
		errs.addf(kind, short, "id", "a rule id is at most %d bytes of UTF-8 (this one has %d)", state.MaxName, len(id))
		seen[id] = true
		return short
	}
	if seen[id] {
		errs.addf(kind, id, "id", "duplicate rule id")
	}
	seen[id] = true
	return id
}

// checkRenames records the problems with an item's renamed_from, its former names (noun: "id"
// or "kind"). A stored history under a former name goes to exactly one item (Layout.source),
// so a former name must be one no item has now — that item would keep the history — and be
// claimed by one item only; claimed maps each former name to its claimant so far.
func checkRenames(kind ItemKind, id, noun string, former []string, isCurrent func(string) bool, claimed map[string]string, errs *errorList) {
	for _, f := range former {
		prev, dup := claimed[f]
		switch {
		case f == "":
			errs.addf(kind, id, "renamed_from", "an empty former %s", noun)
		case f == id:
			errs.addf(kind, id, "renamed_from", "%q is its own %s", f, noun)
		case isCurrent(f):
			errs.addf(kind, id, "renamed_from", "%q names a current %s, which keeps that history", f, kind)
		case dup && prev == id:
			errs.addf(kind, id, "renamed_from", "%q is listed twice", f)
		case dup:
			errs.addf(kind, id, "renamed_from", "%q is also claimed by %s %q: a history goes to one %s only", f, kind, prev, kind)
		default:
			claimed[f] = id
		}
	}
}

func checkNumber(kind ItemKind, id, field string, v float64, errs *errorList) {
	if !finite(v) {
		errs.addf(kind, id, field, "%v is not a finite number", v)
	}
}

func checkMax(kind ItemKind, id string, v float64, errs *errorList) {
	checkNumber(kind, id, "max", v, errs)
	if v < 0 {
		errs.addf(kind, id, "max", "max %v is negative: it limits the contribution's magnitude", v)
	}
}

func compileRules[L any](c *exprCompiler[L], rules []Rule, seen map[string]bool, errs *errorList) []attrRule[L] {
	out := make([]attrRule[L], 0, len(rules))
	for i, r := range rules {
		const kind = ItemRule
		id := checkID(kind, r.ID, i, seen, errs)
		if r.Dimension.index() < 0 {
			errs.addf(kind, id, "dimension", "unknown dimension %q (want fit, engagement or relationship)", r.Dimension)
		}
		checkNumber(kind, id, "points", r.Points, errs)
		checkMax(kind, id, r.Max, errs)
		ar := attrRule[L]{
			ruleOut: ruleOut{id: id, dim: r.Dimension.canonical(), dimIndex: r.Dimension.index(), reason: r.Reason},
			points:  r.Points, max: r.Max, disqualify: r.Disqualify,
		}
		if ar.reason == "" {
			ar.reason = id
		}
		if r.When != "" {
			ar.when = c.compile(r.When, scopeRule, true, errs, kind, id, "when")
		}
		if ar.when != nil {
			ar.fastWhen = ar.when.fastBool
		}
		if r.Value != "" {
			if r.Points != 0 {
				errs.addf(kind, id, "value", "give either points or value, not both")
			}
			ar.value = c.compile(r.Value, scopeRule, false, errs, kind, id, "value")
		}
		ar.plain = ar.value == nil && ar.max == 0 && !ar.disqualify
		out = append(out, ar)
	}
	return out
}

func compileEventRules[L any](c *exprCompiler[L], rules []EventRule, seen map[string]bool, errs *errorList) []eventRule[L] {
	if len(rules) > state.MaxRules {
		errs.addf(ItemConfig, "events", "", "%d event rules, at most %d: a State keeps one accumulator per event rule", len(rules), state.MaxRules)
		rules = rules[:state.MaxRules]
	}
	current := make(map[string]bool, len(rules))
	for _, r := range rules {
		current[r.ID] = true
	}
	claimed := map[string]string{} // former ID → the rule that takes its history
	out := make([]eventRule[L], 0, len(rules))
	for i, r := range rules {
		const kind = ItemEventRule
		id := checkID(kind, r.ID, i, seen, errs)
		checkRenames(kind, id, "id", r.RenamedFrom, func(f string) bool { return current[f] }, claimed, errs)
		dim := r.Dimension
		if dim == "" {
			dim = Engagement
		}
		if dim.index() < 0 {
			errs.addf(kind, id, "dimension", "unknown dimension %q (want fit, engagement or relationship)", dim)
		}
		checkNumber(kind, id, "points", r.Points, errs)
		checkMax(kind, id, r.Max, errs)
		if r.HalfLife < 0 {
			errs.addf(kind, id, "half_life", "negative duration %v", r.HalfLife)
		}
		for _, typ := range r.On {
			if !c.types.known[typ] && !errs.full() {
				errs.addf(kind, id, "on", "%s", c.types.unknownEventType(typ))
			}
		}
		er := eventRule[L]{
			ruleOut: ruleOut{id: id, dim: dim.canonical(), dimIndex: dim.index(), reason: r.Reason},
			on:      slices.Clone(r.On), points: r.Points, max: r.Max, halfLife: r.HalfLife, once: r.Once,
		}
		if er.reason == "" {
			er.reason = id
		}
		if r.When != "" {
			er.when = c.compile(r.When, scopeEvent, true, errs, kind, id, "when")
		}
		out = append(out, er)
	}
	return out
}

// eventIndex maps an event type to the event rules that may match it, in rule order, so that
// Observe looks only at those.
type eventIndex struct {
	byType  map[string][]int
	anyType []int // rules without "on": they see every type, including unknown ones
}

func indexEventRules[L any](rules []eventRule[L]) eventIndex {
	ix := eventIndex{byType: map[string][]int{}}
	for i, r := range rules {
		if len(r.on) == 0 {
			ix.anyType = append(ix.anyType, i)
		}
	}
	for i, r := range rules {
		for _, typ := range r.on {
			if _, ok := ix.byType[typ]; !ok {
				ix.byType[typ] = slices.Clone(ix.anyType)
			}
			// Rule i is in the list only if this loop put it there, last: anyType holds
			// rules without "on". (A search of the list for each entry of on was quadratic:
			// 2,000 rules and an on repeating one type a million times took seconds.)
			if l := ix.byType[typ]; len(l) == 0 || l[len(l)-1] != i {
				ix.byType[typ] = append(l, i)
			}
		}
	}
	for typ := range ix.byType {
		slices.Sort(ix.byType[typ])
	}
	return ix
}

func (ix eventIndex) rules(typ string) []int {
	if r, ok := ix.byType[typ]; ok {
		return r
	}
	return ix.anyType
}
