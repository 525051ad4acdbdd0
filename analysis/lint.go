package analysis

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/journeykey"
	"github.com/leadscore/leadscore/internal/suggest"
	"github.com/leadscore/leadscore/internal/text"
)

// Severity ranks a [Finding].
type Severity string

// Severities, most serious first.
const (
	SeverityError   Severity = "error"   // something in the rule set can never happen as written
	SeverityWarning Severity = "warning" // very likely a mistake
	SeverityInfo    Severity = "info"    // worth a look; often intended
)

func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}

// Finding is one thing [Lint] or [LintMigration] found in a rule set, and how to fix it.
type Finding struct {
	Severity Severity `json:"severity"`
	// Kind names the check: "tier-shadowed", "rule-never-fires", "list-empty", … (the Kind
	// constants; see Lint and LintMigration).
	Kind    string `json:"kind"`
	ID      string `json:"id"` // the rule, tier, persona, list, signal kind or transition concerned
	Message string `json:"message"`
	// Fix says what to change to resolve the finding: the config key and, where it can be
	// worked out, the value. Every finding of Lint and LintMigration has one.
	Fix string `json:"fix,omitempty"`
}

// String renders the finding on one line, and its fix on a second one, indented:
//
//	warning: list-empty "partners": the list is empty, …
//	  fix: add entries to the "partners" list in "lists", …
func (f Finding) String() string {
	s := fmt.Sprintf("%s: %s %q: %s", f.Severity, f.Kind, f.ID, f.Message)
	if f.Fix != "" {
		s += "\n  fix: " + f.Fix
	}
	return s
}

// sortFindings orders findings most serious first, keeping the order of findings of one
// severity.
func sortFindings(findings []Finding) {
	slices.SortStableFunc(findings, func(a, b Finding) int { return cmp.Compare(a.Severity.rank(), b.Severity.rank()) })
}

// Lint compiles cfg for leads of type L and looks for what is wrong with it short of an
// error. Compile errors are returned as the error. Findings come most serious first, then
// in rule-set order, each with a Fix: what to change, and where it can be worked out, to
// what. From the rule set alone:
//
//   - tier-shadowed (error): an earlier tier without a when takes every total the tier could have;
//   - tier-unreachable (error): the tier's min is above the highest total the rules and the
//     dimension bounds allow;
//   - persona-unreachable (warning), and other warnings of Compile (Scorer.Warnings):
//     persona-warning (a single persona), config-warning (a declared event type that looks
//     like a misspelt built-in one, or a lead field no detector reads), event-rule-warning
//     (event.Type compared with a type that looks misspelt), signal-warning (a detector left
//     out because the lead type lacks its inputs), each with Compile's fix (Warning.Fix);
//   - handoff-inverted (warning): a tier that does not hand off comes before, and above, one
//     that does, so higher totals lose the hand-off;
//   - handoff-overlap: several hand-off tiers (info), or a journey transition that sends
//     leads to sales on a condition of its own besides the hand-off tiers (warning) — one
//     whose when does not read the variable handoff or fresh_handoff;
//   - list-empty (warning): an empty list that an expression reads, so that part never matches;
//   - event-type-unread (warning): a type declared in Config.EventTypes, not built in, that
//     nothing reads — no event rule's on, no count or days_since call, no event.Type
//     comparison, no transition's on, no stage's sla_met_by (an event rule without on whose
//     when compares no event.Type reads every type). Under Config.StrictEventTypes, where
//     declaring a type is what lets its events in, it is info;
//   - signal-idle (warning): a built-in detector that can never fire: its list is empty, the
//     page categories it counts are not in Config.Pages, no event rule adds engagement
//     (velocity);
//   - signal-off (warning): has_signal of a detector the config turns off (always false);
//   - max-below-points (warning): a rule's max is below its points, so it never gives them;
//   - duplicate-condition (warning): two rules of one dimension with the same condition
//     count the same thing twice;
//   - cost (info): an expression whose work depends on data (loops, lets, replace, join,
//     repeat), with its estimated worst-case cost in steps (Scorer.Costs);
//   - cost-over-budget (warning): such an expression that may need more than the step budget
//     on large inputs, where it stops with a rule error.
//
// What an expression reads is found in its syntax tree, not its text: a list is read by a
// call listed("name", …), a signal by has_signal("kind") and an event type by count("type",
// …), days_since("type") or event.Type == "type", however the call is spaced, commented or
// split over lines, and a name inside a string literal or a comment reads nothing. Compile
// requires the list name, the signal kind and the event type to be string constants, so a
// call with a computed one is the compile error Lint returns.
//
// From the population, when one is given (each lead replayed as [Replay] does):
//
//   - rule-never-fires (warning): a rule that fired for none of the leads;
//   - event-type-absent (warning): an event rule none of whose event types occurs;
//   - rule-always-fires (info): a conditional attribute rule that fired for every lead (two
//     or more), so its condition does not discriminate;
//   - tier-never-reached, persona-never-reached (info).
//
// The error also reports the first lead of population that cannot run.
func Lint[L any](cfg leadscore.Config, population iter.Seq[ReplayedLead[L]], opts ...leadscore.Option) ([]Finding, error) {
	s, err := leadscore.Compile[L](cfg, opts...)
	if err != nil {
		return nil, err
	}
	var out []Finding
	add := func(sev Severity, kind, id, message, fix string) {
		out = append(out, Finding{Severity: sev, Kind: kind, ID: id, Message: message, Fix: fix})
	}
	for _, w := range s.Warnings() {
		out = append(out, compileWarning(w))
	}
	exprs := expressions(cfg)
	lintTiers(cfg, add)
	lintHandoffs(s, add)
	lintLists(cfg, exprs, add)
	lintEventTypes(s, exprs, add)
	lintSignals(s, exprs, add)
	lintRules(cfg, add)
	lintCosts(s, add)
	if population != nil {
		if err := lintPopulation(s, population, add); err != nil {
			return nil, err
		}
	}
	sortFindings(out)
	return out, nil
}

// addFunc records a finding.
type addFunc func(sev Severity, kind, id, message, fix string)

// compileWarning is a warning of Compile as a finding, with the fix Compile gives it: a
// persona that cannot be reached is persona-unreachable, any other warning
// "<item kind>-warning" (persona-warning, config-warning, event-rule-warning, signal-warning).
func compileWarning(w leadscore.Warning) Finding {
	msg := w.Message
	if w.Field != "" {
		msg = w.Field + ": " + msg
	}
	f := Finding{Severity: SeverityWarning, ID: w.ID, Message: msg, Fix: w.Fix,
		Kind: strings.ReplaceAll(string(w.Kind), " ", "-") + "-warning"}
	if w.Kind == leadscore.ItemPersona && w.Field == "when" {
		f.Kind = KindPersonaUnreachable
	}
	switch { // a warning without a fix: point at its message
	case f.Fix != "":
	case w.Field != "":
		f.Fix = fmt.Sprintf(`edit %q of %s %q as the message says`, w.Field, w.Kind, w.ID)
	default:
		f.Fix = fmt.Sprintf(`edit %s %q as the message says`, w.Kind, w.ID)
	}
	return f
}

// lintCosts reports the expressions whose work depends on data, with their estimated cost.
func lintCosts[L any](s *leadscore.Scorer[L], add addFunc) {
	budget := s.Limits().StepBudget
	for _, c := range s.Costs() {
		where := fmt.Sprintf("%s %s", c.Kind, c.Field)
		cheaper := fmt.Sprintf("loop over fewer elements or build smaller strings in its %q", c.Field)
		switch {
		case c.OverBudget:
			fix := cheaper
			// A budget a hundred times the default still ends an evaluation in well under a
			// second; beyond that, raising it is no fix.
			if c.Steps <= 100*float64(budget) {
				fix += fmt.Sprintf(", or raise Limits.StepBudget to at least %s (leadscore.WithLimits)", text.Thousands(int(math.Ceil(c.Steps))))
			}
			add(SeverityWarning, KindCostOverBudget, c.ID,
				fmt.Sprintf("%s may take %s with inputs at their limits, over the step budget of %d: on large inputs it stops with a rule error", where, c, budget),
				fix)
		case c.Charged:
			add(SeverityInfo, KindCost, c.ID,
				fmt.Sprintf("%s takes at most %s with inputs at their limits (step budget %d)", where, c, budget),
				"none needed: it fits the step budget; to make it cheaper, "+cheaper)
		}
	}
}

func lintTiers(cfg leadscore.Config, add addFunc) {
	top := highestTotal(cfg)
	for i, t := range cfg.Tiers {
		shadowed := false
		for _, e := range cfg.Tiers[:i] {
			if e.When == "" && e.Min != nil && t.Min != nil && *e.Min <= *t.Min {
				fix := fmt.Sprintf(`move tier %q before tier %q (tiers are tried in order, highest "min" first), or give tier %q a "when"`, t.Name, e.Name, e.Name)
				if *e.Min == *t.Min {
					fix = fmt.Sprintf(`give tier %q a "min" above %s, or give tier %q a "when"`, t.Name, points(*e.Min), e.Name)
				}
				add(SeverityError, KindTierShadowed, t.Name,
					fmt.Sprintf("can never be reached: tier %q before it (min %s, no when) takes every total from %s", e.Name, points(*e.Min), points(*t.Min)),
					fix)
				shadowed = true
				break
			}
		}
		if !shadowed && t.Min != nil && *t.Min > top.total {
			add(SeverityError, KindTierUnreachable, t.Name,
				fmt.Sprintf("needs a total of %s, but the rules and dimension bounds allow at most %s", points(*t.Min), points(top.total)),
				top.fix(t.Name, *t.Min))
		}
	}
}

// reach is the most a lead could score under a rule set, and what bounds it.
type reach struct {
	total float64
	// capped are the dimensions of positive weight whose max is below what their rules
	// can give; open is whether a dimension of positive weight could take more points.
	capped []leadscore.Dimension
	open   bool
}

// fix says how to let a total of min be reached, in tier's fix.
func (r reach) fix(tier string, min float64) string {
	fixes := []string{fmt.Sprintf(`lower "min" of tier %q to at most %s`, tier, points(r.total))}
	if r.open {
		fixes = append(fixes, fmt.Sprintf("add rules worth %s more points of total", points(min-r.total)))
	}
	if len(r.capped) > 0 {
		names := make([]string, len(r.capped))
		for i, d := range r.capped {
			names[i] = string(d)
		}
		fixes = append(fixes, fmt.Sprintf(`raise "max" of the %s %s in "dimensions"`,
			strings.Join(names, " and "), text.Plural(len(names), "dimension", "dimensions")))
	}
	if !r.open && len(r.capped) == 0 {
		fixes = append(fixes, `give a dimension rules and a positive "weight" in "dimensions"`)
	}
	return strings.Join(fixes, ", or ")
}

// highestTotal is the most a lead could score under cfg: per dimension, the positive points
// its rules can add (an unlimited value or event rule: no limit), within the dimension's max,
// weighed. +Inf when unbounded, or when a weight is negative.
func highestTotal(cfg leadscore.Config) reach {
	sum := map[leadscore.Dimension]float64{}
	for _, r := range cfg.Rules {
		switch {
		case r.Value != "" && r.Max > 0:
			sum[r.Dimension] += r.Max
		case r.Value != "":
			sum[r.Dimension] = math.Inf(1)
		case r.Points > 0 && r.Max > 0:
			sum[r.Dimension] += min(r.Points, r.Max)
		case r.Points > 0:
			sum[r.Dimension] += r.Points
		}
	}
	for _, r := range cfg.Events {
		d := r.Dimension
		if d == "" {
			d = leadscore.Engagement
		}
		switch {
		case r.Points <= 0:
		case r.Max > 0:
			sum[d] += r.Max
		case r.Once:
			sum[d] += r.Points
		default:
			sum[d] = math.Inf(1)
		}
	}
	var out reach
	for _, d := range []leadscore.Dimension{leadscore.Fit, leadscore.Engagement, leadscore.Relationship} {
		dc := cfg.Dimensions[d]
		w := 1.0
		if dc.Weight != nil {
			w = *dc.Weight
		}
		if w < 0 {
			return reach{total: math.Inf(1)}
		}
		if w == 0 {
			continue
		}
		reached := sum[d]
		switch {
		case dc.Max == nil:
			out.open = true
		case reached > *dc.Max:
			reached = *dc.Max
			out.capped = append(out.capped, d)
		case reached < *dc.Max:
			out.open = true
		}
		out.total += w * reached
	}
	return out
}

func lintHandoffs[L any](s *leadscore.Scorer[L], add addFunc) {
	cfg := s.Config()
	var handoffs []string
	for i, t := range cfg.Tiers {
		if !t.Handoff {
			continue
		}
		handoffs = append(handoffs, t.Name)
		for _, e := range cfg.Tiers[:i] {
			if !e.Handoff && e.When == "" && e.Min != nil && (t.Min == nil || *e.Min > *t.Min) {
				add(SeverityWarning, KindHandoffInverted, t.Name,
					fmt.Sprintf("tier %q (min %s) comes before it and does not hand off: leads from %s are handed off, leads from %s are not",
						e.Name, points(*e.Min), minText(t.Min), points(*e.Min)),
					fmt.Sprintf(`set "handoff": true on tier %q too, or give it a "when" that keeps only the leads that should not be handed off`, e.Name))
			}
		}
	}
	if len(handoffs) > 1 {
		add(SeverityInfo, KindHandoffOverlap, handoffs[0],
			fmt.Sprintf("several hand-off tiers (%s): each is an MQL, and the journey treats them alike", strings.Join(handoffs, ", ")),
			fmt.Sprintf(`none needed if each of %s is meant to hand off; otherwise remove "handoff": true from all of them but one`, strings.Join(handoffs, ", ")))
	}
	if len(handoffs) == 0 {
		return
	}
	keys := journeykey.New(s.Journey())
	stages := map[leadscore.Stage]leadscore.StageConfig{}
	for _, st := range s.Journey().Stages {
		stages[st.Name] = st
	}
	tiers := text.Plural(len(handoffs), "tier", "tiers") + " " + strings.Join(handoffs, ", ")
	for i, t := range s.Journey().Transitions {
		toSales := t.To == leadscore.StageConvert || stages[t.To].Owner == leadscore.OwnerSales
		if !toSales || t.When == "" || len(t.On) > 0 {
			continue
		}
		if r := readsOf(t.When); r.idents["handoff"] || r.idents["fresh_handoff"] {
			continue
		}
		add(SeverityWarning, KindHandoffOverlap, keys.Keys[i],
			fmt.Sprintf("sends leads to sales when %q, besides the hand-off %s: two definitions of a hand-off that can disagree", t.When, tiers),
			fmt.Sprintf(`make "when" of transition %s read the hand-off, as in %q, or remove the transition and let the hand-off %s send leads to sales`,
				keys.Keys[i], "handoff && ("+t.When+")", tiers))
	}
}

func minText(m *float64) string {
	if m == nil {
		return "any total"
	}
	return points(*m)
}

// expression is one expression of a rule set, the item it belongs to and what it reads.
type expression struct {
	item  string // "rule \"exec\"", "tier \"hot\"", …
	reads reads
}

// expressions parses every expression of cfg, in rule-set order.
func expressions(cfg leadscore.Config) []expression {
	var out []expression
	addExpr := func(kind, id string, srcs ...string) {
		for _, src := range srcs {
			if src != "" {
				out = append(out, expression{fmt.Sprintf("%s %q", kind, id), readsOf(src)})
			}
		}
	}
	for _, r := range cfg.Rules {
		addExpr("rule", r.ID, r.When, r.Value)
	}
	for _, r := range cfg.Events {
		addExpr("event rule", r.ID, r.When)
	}
	for _, t := range cfg.Tiers {
		addExpr("tier", t.Name, t.When)
	}
	for _, p := range cfg.Personas {
		addExpr("persona", p.ID, p.When)
		for i, tr := range p.Tracks {
			if tr.When != "" {
				out = append(out, expression{fmt.Sprintf("persona %q tracks[%d]", p.ID, i), readsOf(tr.When)})
			}
		}
	}
	for _, sc := range cfg.Signals {
		addExpr("signal", sc.Kind, sc.When)
	}
	for _, t := range cfg.Journey.Transitions {
		addExpr("transition", journeykey.Arrow(t.From, t.To), t.When)
	}
	return out
}

// readers lists, once each, the items whose expressions call fn with the constant first
// argument arg.
func readers(exprs []expression, fn, arg string) []string {
	var out []string
	for _, e := range exprs {
		if e.reads.calls(fn, arg) && !slices.Contains(out, e.item) {
			out = append(out, e.item)
		}
	}
	return out
}

func lintLists(cfg leadscore.Config, exprs []expression, add addFunc) {
	for _, name := range text.SortedKeys(cfg.Lists) {
		if len(cfg.Lists[name]) > 0 {
			continue
		}
		if rs := readers(exprs, "listed", name); len(rs) > 0 {
			add(SeverityWarning, KindListEmpty, name,
				fmt.Sprintf("the list is empty, so listed(%q, …) never matches in %s", name, strings.Join(rs, ", ")),
				fmt.Sprintf(`add entries to the %q list in "lists", or remove listed(%q, …) from %s`, name, name, strings.Join(rs, ", ")))
		}
	}
}

// lintEventTypes reports the declared event types nothing reads.
func lintEventTypes[L any](s *leadscore.Scorer[L], exprs []expression, add addFunc) {
	cfg := s.Config()
	if len(cfg.EventTypes) == 0 {
		return
	}
	read := map[string]bool{}
	for _, r := range cfg.Events {
		if len(r.On) == 0 && (r.When == "" || len(readsOf(r.When).compared) == 0) {
			return // the rule reads every type
		}
		for _, t := range r.On {
			read[t] = true
		}
	}
	for _, e := range exprs {
		for _, t := range e.reads.eventTypes() {
			read[t] = true
		}
	}
	journey := s.Journey()
	for _, t := range journey.Transitions {
		for _, typ := range t.On {
			read[typ] = true
		}
	}
	for _, st := range journey.Stages {
		for _, typ := range st.SLAMetBy {
			read[typ] = true
		}
	}
	vocabulary := leadscore.EventTypes()
	seen := map[string]bool{}
	for _, typ := range cfg.EventTypes {
		if typ == "" || seen[typ] || read[typ] || slices.Contains(vocabulary, typ) {
			continue
		}
		seen[typ] = true
		if cfg.StrictEventTypes {
			add(SeverityInfo, KindEventTypeUnread, typ,
				"declared in event_types, but no rule, signal, transition or stage reads it: strict_event_types lets its events in, and they change nothing",
				fmt.Sprintf(`add an event rule with "on": [%q] if these events should score; none needed if it is declared only so that strict_event_types accepts them`, typ))
			continue
		}
		add(SeverityWarning, KindEventTypeUnread, typ,
			"declared in event_types, but no rule, signal, transition or stage reads it: its events change nothing",
			fmt.Sprintf(`remove %q from "event_types", or add an event rule with "on": [%q] (or a condition on count(%q, …)) that scores it`, typ, typ, typ))
	}
}

func lintSignals[L any](s *leadscore.Scorer[L], exprs []expression, add addFunc) {
	cfg := s.Config()
	configured := map[string]leadscore.SignalConfig{}
	for _, sc := range cfg.Signals {
		configured[sc.Kind] = sc
	}
	// The Scorer does not run a built-in detector that could never fire (no list, no page
	// category); those are linted too, unless the config turned them off.
	kinds := s.SignalKinds()
	for _, kind := range leadscore.BuiltinSignalKinds() {
		if !slices.Contains(kinds, kind) && !configured[kind].Off {
			kinds = append(kinds, kind)
		}
	}
	for _, kind := range kinds {
		off := fmt.Sprintf(`turn it off with {"kind": %q, "off": true} in "signals"`, kind)
		idle := func(message, fix string) { add(SeverityWarning, KindSignalIdle, kind, message, fix) }
		switch kind {
		case leadscore.SignalTargetAccount, leadscore.SignalCompetitor:
			list := configured[kind].List
			if list == "" {
				list = map[string]string{leadscore.SignalTargetAccount: "targets", leadscore.SignalCompetitor: "competitors"}[kind]
			}
			switch entries, ok := cfg.Lists[list]; {
			case !ok:
				idle(fmt.Sprintf("never fires: the config has no %q list", list),
					fmt.Sprintf(`add a %q list to "lists", or %s`, list, off))
			case len(entries) == 0:
				idle(fmt.Sprintf("never fires: the %q list is empty", list),
					fmt.Sprintf(`add entries to the %q list in "lists", or %s`, list, off))
			}
		case leadscore.SignalFrequentVisits:
			if cfg.Pages["product"] == nil && cfg.Pages["pricing"] == nil {
				idle(`never fires: it counts "product" and "pricing" page views, and pages defines neither category`,
					fmt.Sprintf(`add a "product" or "pricing" category to "pages", such as "pricing": ["/pricing"], or %s`, off))
			}
		case leadscore.SignalJobSeeker:
			if cfg.Pages["careers"] == nil {
				idle(`never fires: it counts "careers" page views, and pages does not define the category`,
					fmt.Sprintf(`add a "careers" category to "pages", such as "careers": ["/careers"], or %s`, off))
			}
		case leadscore.SignalVelocity:
			engaging := slices.ContainsFunc(cfg.Events, func(r leadscore.EventRule) bool {
				return r.Points > 0 && (r.Dimension == "" || r.Dimension == leadscore.Engagement)
			})
			if !engaging {
				idle("never fires: it measures event-rule engagement points, and no event rule adds any",
					fmt.Sprintf(`add an event rule with positive "points" in the engagement dimension, or %s`, off))
			}
		}
	}
	for _, sc := range cfg.Signals {
		if !sc.Off {
			continue
		}
		if rs := readers(exprs, "has_signal", sc.Kind); len(rs) > 0 {
			add(SeverityWarning, KindSignalOff, sc.Kind,
				fmt.Sprintf("the detector is off, so has_signal(%q) is always false in %s", sc.Kind, strings.Join(rs, ", ")),
				fmt.Sprintf(`remove "off": true from the %q signal in "signals", or remove has_signal(%q) from %s`, sc.Kind, sc.Kind, strings.Join(rs, ", ")))
		}
	}
}

func lintRules(cfg leadscore.Config, add addFunc) {
	for _, r := range cfg.Rules {
		if r.Value == "" && r.Max > 0 && math.Abs(r.Points) > r.Max {
			bound := "more"
			if r.Points < 0 {
				bound = "less"
			}
			add(SeverityWarning, KindMaxBelowPoints, r.ID,
				fmt.Sprintf("max %s is below its points %s: it never gives %s than %s", points(r.Max), points(r.Points), bound, points(math.Copysign(r.Max, r.Points))),
				fmt.Sprintf(`raise "max" of rule %q to at least %s, or set its "points" to %s`, r.ID, points(math.Abs(r.Points)), points(math.Copysign(r.Max, r.Points))))
		}
	}
	for _, r := range cfg.Events {
		if r.Max > 0 && math.Abs(r.Points) > r.Max {
			add(SeverityWarning, KindMaxBelowPoints, r.ID,
				fmt.Sprintf("max %s is below its points %s: not even one event gives its points", points(r.Max), points(r.Points)),
				fmt.Sprintf(`raise "max" of event rule %q to at least %s, or set its "points" to %s`, r.ID, points(math.Abs(r.Points)), points(math.Copysign(r.Max, r.Points))))
		}
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	seen := map[string]int{} // a condition → the first rule with it
	for i, r := range cfg.Rules {
		if r.When == "" {
			continue
		}
		key := string(r.Dimension) + "\x00" + squash(r.When)
		j, dup := seen[key]
		if !dup {
			seen[key] = i
			continue
		}
		first := cfg.Rules[j]
		fix := fmt.Sprintf(`remove rule %q, or change the "when" of one of them`, r.ID)
		if r.Value == "" && first.Value == "" {
			fix = fmt.Sprintf(`remove rule %q and set "points" of rule %q to %s if a lead should get both, or change the "when" of one of them`,
				r.ID, first.ID, points(first.Points+r.Points))
		}
		add(SeverityWarning, KindDuplicateCondition, r.ID,
			fmt.Sprintf("has the same condition as rule %q in %s: the lead is counted twice", first.ID, r.Dimension), fix)
	}
	seenEvents := map[string]int{}
	for i, r := range cfg.Events {
		key := string(r.Dimension) + "\x00" + strings.Join(text.SortedSet(r.On), ",") + "\x00" + squash(r.When)
		j, dup := seenEvents[key]
		if !dup {
			seenEvents[key] = i
			continue
		}
		first := cfg.Events[j]
		add(SeverityWarning, KindDuplicateCondition, r.ID,
			fmt.Sprintf("matches the same events as event rule %q: each event is counted twice", first.ID),
			fmt.Sprintf(`remove event rule %q and set "points" of event rule %q to %s if each event should count for both, or change the "on" or "when" of one of them`,
				r.ID, first.ID, points(first.Points+r.Points)))
	}
}

func lintPopulation[L any](s *leadscore.Scorer[L], population iter.Seq[ReplayedLead[L]], add addFunc) error {
	cfg := s.Config()
	fired := map[string]int{}      // leads a rule fired for, at any step
	firedFinal := map[string]int{} // leads a rule fired for in the final evaluation
	tiers, personas := map[string]bool{}, map[string]bool{}
	types := map[string]bool{}
	highest := math.Inf(-1) // the highest total of a lead not disqualified, at any step
	n := 0
	for lead := range population {
		name := leadName(n, lead.Name)
		n++
		for _, ev := range lead.Events {
			types[ev.Type] = true
		}
		hit := map[string]bool{}
		err := replay(s, lead, func(res *leadscore.Result, last bool) {
			for _, ct := range res.Contributions {
				hit[ct.RuleID] = true
				if last {
					firedFinal[ct.RuleID]++
				}
			}
			tiers[res.Tier] = true
			personas[res.Persona] = true
			if !res.Disqualified {
				highest = max(highest, res.Total)
			}
		}, nil)
		if err != nil {
			return fmt.Errorf("analysis: Lint: lead %q: %w", name, err)
		}
		for id := range hit {
			fired[id]++
		}
	}
	if n == 0 {
		return nil
	}
	leads := fmt.Sprintf("%d %s", n, text.Plural(n, "lead", "leads"))
	for _, r := range cfg.Rules {
		switch {
		case fired[r.ID] == 0:
			field := "when"
			if r.When == "" {
				field = "value"
			}
			add(SeverityWarning, KindRuleNeverFires, r.ID, fmt.Sprintf("fired for none of the %s", leads),
				fmt.Sprintf(`check %q of rule %q against these leads (a misspelt value or field?), or remove the rule if none of them should match it`, field, r.ID))
		case r.When != "" && n >= 2 && firedFinal[r.ID] == n:
			add(SeverityInfo, KindRuleAlwaysFires, r.ID, fmt.Sprintf("fired for all of the %s: %q does not tell them apart", leads, r.When),
				fmt.Sprintf(`make "when" of rule %q stricter so that it tells leads apart, or remove the "when" if every lead is meant to get its points`, r.ID))
		}
	}
	observed := text.SortedKeys(types)
	for _, r := range cfg.Events {
		if fired[r.ID] > 0 {
			continue
		}
		if len(r.On) > 0 && !slices.ContainsFunc(r.On, func(t string) bool { return types[t] }) {
			on := strings.Join(r.On, ", ")
			fix := fmt.Sprintf(`check that events of type %s are exported with the leads, or remove event rule %q if they never happen`, on, r.ID)
			for _, t := range r.On {
				c := suggest.Closest(t, observed)
				if c == "" {
					continue
				}
				declare := ""
				if !slices.Contains(leadscore.EventTypes(), c) && !slices.Contains(cfg.EventTypes, c) {
					declare = ` (declared in "event_types")`
				}
				fix = fmt.Sprintf(`change %q in "on" of event rule %q to %q%s, the type these leads' events have, if that is the one meant; otherwise check that events of type %s are exported with the leads, or remove the rule`,
					t, r.ID, c, declare, on)
				break
			}
			add(SeverityWarning, KindEventTypeAbsent, r.ID, fmt.Sprintf("listens to %s, and none of the %s has such an event", on, leads), fix)
			continue
		}
		field := "when"
		if r.When == "" {
			field = "on"
		}
		add(SeverityWarning, KindRuleNeverFires, r.ID, fmt.Sprintf("fired for none of the %s", leads),
			fmt.Sprintf(`check %q of event rule %q against these leads' events, or remove the rule if none of them should match it`, field, r.ID))
	}
	for _, t := range cfg.Tiers {
		if tiers[t.Name] {
			continue
		}
		fix := fmt.Sprintf(`check "min" and "when" of tier %q and of the tiers before it (the first that takes a lead wins); none needed if none of these leads belongs in it`, t.Name)
		if t.Min != nil && highest < *t.Min && !math.IsInf(highest, -1) {
			fix = fmt.Sprintf(`lower "min" of tier %q from %s to at most %s, the highest total of these leads, if some of them belong in it`, t.Name, points(*t.Min), points(highest))
		}
		add(SeverityInfo, KindTierNeverReached, t.Name, fmt.Sprintf("none of the %s reached it", leads), fix)
	}
	for _, p := range cfg.Personas {
		if personas[p.ID] {
			continue
		}
		fix := fmt.Sprintf(`check "when" of persona %q and of the personas before it (the first that matches wins); none needed if none of these leads is meant to match it`, p.ID)
		if p.When == "" {
			fix = `none needed if the personas before it are meant to take every lead; otherwise narrow their "when"`
		}
		add(SeverityInfo, KindPersonaNeverReached, p.ID, fmt.Sprintf("none of the %s matched it", leads), fix)
	}
	return nil
}
