package leadscore

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/leadscore/leadscore/internal/text"
)

// tooLarge is the cause of a size RuleError: its message, which errors.Is matches with
// ErrRuleSetTooLarge.
type tooLarge string

func (e tooLarge) Error() string        { return string(e) }
func (e tooLarge) Is(target error) bool { return target == ErrRuleSetTooLarge }

func (l *errorList) tooLarge(section, format string, args ...any) {
	l.add(ItemConfig, "size", section, tooLarge(fmt.Sprintf(format, args...)))
}

// checkRuleSetSize holds cfg to the size limits that can be checked before anything is
// compiled — rules, event types, list entries, config bytes — adding an error to errs for each
// it breaks, and reports whether all held. Compile stops when one does not: compiling is the
// cost these limits bound (10⁵ trivial rules took 21 s and 1 GB to compile). Its own cost is
// one pass over the config's strings, without allocating.
func (l Limits) checkRuleSetSize(cfg *Config, errs *errorList) bool {
	n := len(*errs)
	// Everything that holds an expression counts: tiers, signals, personas and journey
	// transitions are evaluated as rules are, and cost as much to compile.
	rules := len(cfg.Rules) + len(cfg.Events) + len(cfg.Tiers) + len(cfg.Grades) + len(cfg.Signals) +
		len(cfg.Personas) + len(cfg.Journey.Transitions)
	for _, p := range cfg.Personas {
		rules += len(p.Tracks) // a track may hold an expression too
	}
	if a := cfg.Accounts; a != nil {
		// The accounts section's rules and roles hold expressions; its tiers name roles.
		rules += len(a.Rules) + len(a.Roles) + len(a.Tiers)
	}
	if !within(rules, l.MaxRules) {
		errs.tooLarge("rules", "%s rules, tiers, grades, signals, personas and transitions, at most %s (Limits.MaxRules)", text.Thousands(rules), text.Thousands(l.MaxRules))
	}
	if types := len(cfg.EventTypes); !within(types, l.MaxEventTypes) {
		errs.tooLarge("event_types", "%s event types, at most %s (Limits.MaxEventTypes)", text.Thousands(types), text.Thousands(l.MaxEventTypes))
	}
	entries, longest := 0, ""
	for name, list := range cfg.Lists {
		entries += len(list)
		if m := len(cfg.Lists[longest]); len(list) > m || len(list) == m && name < longest {
			longest = name
		}
	}
	if !within(entries, l.MaxListEntries) {
		errs.tooLarge("lists", "%s list entries, at most %s (Limits.MaxListEntries); the longest list, %q, has %s",
			text.Thousands(entries), text.Thousands(l.MaxListEntries), shortName(longest), text.Thousands(len(cfg.Lists[longest])))
	}
	if size := configBytes(cfg); !within(size, l.MaxConfigBytes) {
		errs.tooLarge("config", "%s bytes of names, expressions, reasons and list entries, at most %s (Limits.MaxConfigBytes)",
			text.Thousands(size), text.Thousands(l.MaxConfigBytes))
	}
	return len(*errs) == n
}

// configBytes is the size of cfg for MaxConfigBytes: the bytes of every string in it — names,
// IDs, dimensions, expressions, reasons, list entries, page prefixes, event types, signal,
// persona and journey fields. (A test fills every string field of Config by reflection to
// hold this list complete.)
func configBytes(cfg *Config) int {
	n := len(cfg.Name) + strs(cfg.EventTypes)
	for name, list := range cfg.Lists {
		n += len(name) + strs(list)
	}
	for cat, prefixes := range cfg.Pages {
		n += len(cat) + strs(prefixes)
	}
	for key, src := range cfg.LeadFields {
		n += len(key) + len(src)
	}
	for dim := range cfg.Dimensions {
		n += len(dim)
	}
	for _, r := range cfg.Rules {
		n += len(r.ID) + len(r.Dimension) + len(r.When) + len(r.Value) + len(r.Reason)
	}
	for _, r := range cfg.Events {
		n += len(r.ID) + len(r.Dimension) + strs(r.On) + len(r.When) + len(r.Reason) + strs(r.RenamedFrom)
	}
	for _, t := range cfg.Tiers {
		n += len(t.Name) + len(t.When)
	}
	for _, g := range cfg.Grades {
		n += len(g.Name)
	}
	for _, s := range cfg.Signals {
		n += len(s.Kind) + len(s.List) + len(s.When) + len(s.Reason) + strs(s.RenamedFrom)
	}
	for _, p := range cfg.Personas {
		n += len(p.ID) + len(p.When) + len(p.Track)
		for _, t := range p.Tracks {
			n += len(t.Tier) + len(t.When) + len(t.Track)
		}
	}
	for _, s := range cfg.Journey.Stages {
		n += len(s.Name) + len(s.Owner) + strs(s.SLAMetBy)
	}
	for _, t := range cfg.Journey.Transitions {
		n += len(t.From) + len(t.To) + strs(t.On) + len(t.When) + len(t.Reason)
	}
	if a := cfg.Accounts; a != nil {
		n += len(a.Key) + len(a.Member) + len(a.Label) + len(a.Engagement.Combine)
		for _, r := range a.Rules {
			n += len(r.ID) + len(r.When) + len(r.Reason)
		}
		for _, r := range a.Roles {
			n += len(r.ID) + len(r.Name) + len(r.When)
		}
		for _, t := range a.Tiers {
			n += len(t.Name) + strs(t.Requires)
		}
	}
	return n
}

func strs(xs []string) int {
	n := 0
	for _, x := range xs {
		n += len(x)
	}
	return n
}

// checkWindowSlots holds the event times a State keeps — the layout's RingTotal: per tracked
// event type, as many as its most demanding count(), detector or days_since needs — to
// MaxWindowSlots. It runs after the expressions are compiled, which is when those needs are
// known; the error names the calls that ask for the most.
func checkWindowSlots[L any](l Limits, types *typeTable, c *exprCompiler[L], detectors []detector[L], errs *errorList) {
	total := 0
	for _, n := range types.need {
		total += n
	}
	if within(total, l.MaxWindowSlots) {
		return
	}
	// What asks each type for the most times: a count() or a detector, else days_since (one).
	type asker struct {
		what string
		n    int
	}
	askers := make([]asker, len(types.tracked))
	ask := func(typ int, what string, n int) {
		if n = min(n, maxCountLimit); n > askers[typ].n {
			askers[typ] = asker{what, n}
		}
	}
	for k, slot := range c.counts {
		call := fmt.Sprintf("count(%q, %q)", shortName(types.tracked[slot.typ]), Duration(slot.window))
		ask(slot.typ, fmt.Sprintf("%s compared with %d", call, c.countNeed[k]-1), c.countNeed[k])
		if c.countRefs[k] > 0 {
			ask(slot.typ, call+" read as a number", defaultCountLimit)
		}
	}
	for _, d := range detectors {
		for _, r := range d.rings {
			ask(r, fmt.Sprintf("the %s signal (min %d) over %q", d.kind, d.min, shortName(types.tracked[r])), max(d.min, 1))
		}
	}
	for i, typ := range types.tracked {
		ask(i, fmt.Sprintf("days_since(%q)", shortName(typ)), 1)
	}
	slices.SortStableFunc(askers, func(a, b asker) int { return cmp.Compare(b.n, a.n) })
	const named = 3
	var b strings.Builder
	for i, a := range askers[:min(named, len(askers))] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s asks %s", a.what, text.Thousands(a.n))
	}
	if rest := len(askers) - named; rest > 0 {
		others := 0
		for _, a := range askers[named:] {
			others += a.n
		}
		if rest == 1 {
			fmt.Fprintf(&b, "; 1 other event type asks %s", text.Thousands(others))
		} else {
			fmt.Fprintf(&b, "; %d other event types ask %s", rest, text.Thousands(others))
		}
	}
	errs.tooLarge("count", "a State would keep %s event times, at most %s (Limits.MaxWindowSlots): %s",
		text.Thousands(total), text.Thousands(l.MaxWindowSlots), b.String())
}
