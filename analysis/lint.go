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

// Finding is one thing [Lint] or [LintMigration] found in a rule set.
type Finding struct {
	Severity Severity `json:"severity"`
	// Kind names the check: "tier-shadowed", "rule-never-fires", "list-empty", … (see Lint
	// and LintMigration).
	Kind    string `json:"kind"`
	ID      string `json:"id"` // the rule, tier, persona, list, signal kind or transition concerned
	Message string `json:"message"`
}

// String renders the finding on one line: `warning: list-empty "partners": …`.
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s %q: %s", f.Severity, f.Kind, f.ID, f.Message)
}

// sortFindings orders findings most serious first, keeping the order of findings of one
// severity.
func sortFindings(findings []Finding) {
	slices.SortStableFunc(findings, func(a, b Finding) int { return cmp.Compare(a.Severity.rank(), b.Severity.rank()) })
}

// Lint compiles cfg for leads of type L and looks for what is wrong with it short of an
// error. Compile errors are returned as the error. Findings come most serious first, then
// in rule-set order. From the rule set alone:
//
//   - tier-shadowed (error): an earlier tier without a when takes every total the tier could have;
//   - tier-unreachable (error): the tier's min is above the highest total the rules and the
//     dimension bounds allow;
//   - persona-unreachable (warning), and other warnings of Compile (Scorer.Warnings);
//   - handoff-inverted (warning): a tier that does not hand off comes before, and above, one
//     that does, so higher totals lose the hand-off;
//   - handoff-overlap: several hand-off tiers (info), or a journey transition that sends
//     leads to sales on a condition of its own besides the hand-off tiers (warning) — one
//     whose when does not read the variable handoff or fresh_handoff;
//   - list-empty (warning): an empty list that an expression reads, so that part never matches;
//   - signal-idle (warning): a built-in detector that can never fire: its list is empty, the
//     page categories it counts are not in Config.Pages, no event rule adds engagement
//     (velocity), or the lead type is not leadscore.Lead (the detectors that read a Lead);
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
// call listed("name", …) and a signal by has_signal("kind"), however the call is spaced,
// commented or split over lines, and a name inside a string literal or a comment reads
// nothing. Compile requires the list name and the signal kind to be string constants, so a
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
	add := func(sev Severity, kind, id, format string, args ...any) {
		out = append(out, Finding{Severity: sev, Kind: kind, ID: id, Message: fmt.Sprintf(format, args...)})
	}
	for _, w := range s.Warnings() {
		kind := string(w.Kind) + "-warning"
		if w.Kind == "persona" && w.Field == "when" {
			kind = "persona-unreachable"
		}
		msg := w.Message
		if w.Field != "" {
			msg = w.Field + ": " + msg
		}
		add(SeverityWarning, kind, w.ID, "%s", msg)
	}
	exprs := expressions(cfg)
	lintTiers(cfg, add)
	lintHandoffs(s, add)
	lintLists(cfg, exprs, add)
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

type addFunc func(sev Severity, kind, id, format string, args ...any)

// lintCosts reports the expressions whose work depends on data, with their estimated cost.
func lintCosts[L any](s *leadscore.Scorer[L], add addFunc) {
	budget := s.Limits().StepBudget
	for _, c := range s.Costs() {
		where := fmt.Sprintf("%s %s", c.Kind, c.Field)
		switch {
		case c.OverBudget:
			add(SeverityWarning, "cost-over-budget", c.ID, "%s may take %s with inputs at their limits, over the step budget of %d: on large inputs it stops with a rule error; loop over less, or raise Limits.StepBudget",
				where, c, budget)
		case c.Charged:
			add(SeverityInfo, "cost", c.ID, "%s takes at most %s with inputs at their limits (step budget %d)", where, c, budget)
		}
	}
}

func lintTiers(cfg leadscore.Config, add addFunc) {
	top := highestTotal(cfg)
	for i, t := range cfg.Tiers {
		shadowed := false
		for _, e := range cfg.Tiers[:i] {
			if e.When == "" && e.Min != nil && t.Min != nil && *e.Min <= *t.Min {
				add(SeverityError, "tier-shadowed", t.Name, "can never be reached: tier %q before it (min %s, no when) takes every total from %s",
					e.Name, points(*e.Min), points(*t.Min))
				shadowed = true
				break
			}
		}
		if !shadowed && t.Min != nil && *t.Min > top {
			add(SeverityError, "tier-unreachable", t.Name, "needs a total of %s, but the rules and dimension bounds allow at most %s",
				points(*t.Min), points(top))
		}
	}
}

// highestTotal is the most a lead could score under cfg: per dimension, the positive points
// its rules can add (an unlimited value or event rule: no limit), within the dimension's max,
// weighed. +Inf when unbounded, or when a weight is negative.
func highestTotal(cfg leadscore.Config) float64 {
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
	total := 0.0
	for _, d := range []leadscore.Dimension{leadscore.Fit, leadscore.Engagement, leadscore.Relationship} {
		dc := cfg.Dimensions[d]
		w := 1.0
		if dc.Weight != nil {
			w = *dc.Weight
		}
		if w < 0 {
			return math.Inf(1)
		}
		reach := sum[d]
		if dc.Max != nil {
			reach = min(reach, *dc.Max)
		}
		if w > 0 {
			total += w * reach
		}
	}
	return total
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
				add(SeverityWarning, "handoff-inverted", t.Name, "tier %q (min %s) comes before it and does not hand off: leads from %s are handed off, leads from %s are not",
					e.Name, points(*e.Min), minText(t.Min), points(*e.Min))
			}
		}
	}
	if len(handoffs) > 1 {
		add(SeverityInfo, "handoff-overlap", handoffs[0], "several hand-off tiers (%s): each is an MQL, and the journey treats them alike", strings.Join(handoffs, ", "))
	}
	if len(handoffs) == 0 {
		return
	}
	keys := journeykey.New(s.Journey())
	stages := map[leadscore.Stage]leadscore.StageConfig{}
	for _, st := range s.Journey().Stages {
		stages[st.Name] = st
	}
	for i, t := range s.Journey().Transitions {
		toSales := t.To == leadscore.StageConvert || stages[t.To].Owner == leadscore.OwnerSales
		if !toSales || t.When == "" || len(t.On) > 0 {
			continue
		}
		if r := readsOf(t.When); r.idents["handoff"] || r.idents["fresh_handoff"] {
			continue
		}
		add(SeverityWarning, "handoff-overlap", keys.Keys[i], "sends leads to sales when %q, besides the hand-off %s %s: two definitions of a hand-off that can disagree",
			t.When, text.Plural(len(handoffs), "tier", "tiers"), strings.Join(handoffs, ", "))
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
			add(SeverityWarning, "list-empty", name, "the list is empty, so listed(%q, …) never matches in %s", name, strings.Join(rs, ", "))
		}
	}
}

// leadOnly are the built-in detectors that read the standard leadscore.Lead.
var leadOnly = []string{leadscore.SignalTargetAccount, leadscore.SignalCompetitor, leadscore.SignalStudent, leadscore.SignalGenericEmail}

func lintSignals[L any](s *leadscore.Scorer[L], exprs []expression, add addFunc) {
	cfg := s.Config()
	configured := map[string]leadscore.SignalConfig{}
	for _, sc := range cfg.Signals {
		configured[sc.Kind] = sc
	}
	_, standard := any(*new(L)).(leadscore.Lead)
	// The Scorer does not run a built-in detector that could never fire (no list, no page
	// category); those are linted too, unless the config turned them off.
	kinds := s.SignalKinds()
	for _, kind := range leadscore.BuiltinSignalKinds() {
		if !slices.Contains(kinds, kind) && !configured[kind].Off {
			kinds = append(kinds, kind)
		}
	}
	for _, kind := range kinds {
		if !standard && slices.Contains(leadOnly, kind) {
			add(SeverityWarning, "signal-idle", kind, "the %s detector reads the standard leadscore.Lead; with leads of type %T it never fires", kind, *new(L))
			continue
		}
		switch kind {
		case leadscore.SignalTargetAccount, leadscore.SignalCompetitor:
			list := configured[kind].List
			if list == "" {
				list = map[string]string{leadscore.SignalTargetAccount: "targets", leadscore.SignalCompetitor: "competitors"}[kind]
			}
			switch entries, ok := cfg.Lists[list]; {
			case !ok:
				add(SeverityWarning, "signal-idle", kind, "never fires: the config has no %q list", list)
			case len(entries) == 0:
				add(SeverityWarning, "signal-idle", kind, "never fires: the %q list is empty", list)
			}
		case leadscore.SignalFrequentVisits:
			if cfg.Pages["product"] == nil && cfg.Pages["pricing"] == nil {
				add(SeverityWarning, "signal-idle", kind, `never fires: it counts "product" and "pricing" page views, and pages defines neither category`)
			}
		case leadscore.SignalJobSeeker:
			if cfg.Pages["careers"] == nil {
				add(SeverityWarning, "signal-idle", kind, `never fires: it counts "careers" page views, and pages does not define the category`)
			}
		case leadscore.SignalVelocity:
			engaging := slices.ContainsFunc(cfg.Events, func(r leadscore.EventRule) bool {
				return r.Points > 0 && (r.Dimension == "" || r.Dimension == leadscore.Engagement)
			})
			if !engaging {
				add(SeverityWarning, "signal-idle", kind, "never fires: it measures event-rule engagement points, and no event rule adds any")
			}
		}
	}
	for _, sc := range cfg.Signals {
		if !sc.Off {
			continue
		}
		if rs := readers(exprs, "has_signal", sc.Kind); len(rs) > 0 {
			add(SeverityWarning, "signal-off", sc.Kind, "the detector is off, so has_signal(%q) is always false in %s", sc.Kind, strings.Join(rs, ", "))
		}
	}
}

func lintRules(cfg leadscore.Config, add addFunc) {
	for _, r := range cfg.Rules {
		if r.Value == "" && r.Max > 0 && math.Abs(r.Points) > r.Max {
			add(SeverityWarning, "max-below-points", r.ID, "max %s is below its points %s: it never gives more than %s", points(r.Max), points(r.Points), points(r.Max))
		}
	}
	for _, r := range cfg.Events {
		if r.Max > 0 && math.Abs(r.Points) > r.Max {
			add(SeverityWarning, "max-below-points", r.ID, "max %s is below its points %s: not even one event gives its points", points(r.Max), points(r.Points))
		}
	}
	seen := map[string]string{}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	for _, r := range cfg.Rules {
		if r.When == "" {
			continue
		}
		key := "rule\x00" + string(r.Dimension) + "\x00" + squash(r.When)
		if first, dup := seen[key]; dup {
			add(SeverityWarning, "duplicate-condition", r.ID, "has the same condition as rule %q in %s: the lead is counted twice", first, r.Dimension)
			continue
		}
		seen[key] = r.ID
	}
	for _, r := range cfg.Events {
		key := "event\x00" + string(r.Dimension) + "\x00" + strings.Join(text.SortedSet(r.On), ",") + "\x00" + squash(r.When)
		if first, dup := seen[key]; dup {
			add(SeverityWarning, "duplicate-condition", r.ID, "matches the same events as event rule %q: each event is counted twice", first)
			continue
		}
		seen[key] = r.ID
	}
}

func lintPopulation[L any](s *leadscore.Scorer[L], population iter.Seq[ReplayedLead[L]], add addFunc) error {
	cfg := s.Config()
	fired := map[string]int{}      // leads a rule fired for, at any step
	firedFinal := map[string]int{} // leads a rule fired for in the final evaluation
	tiers, personas := map[string]bool{}, map[string]bool{}
	types := map[string]bool{}
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
			add(SeverityWarning, "rule-never-fires", r.ID, "fired for none of the %s", leads)
		case r.When != "" && n >= 2 && firedFinal[r.ID] == n:
			add(SeverityInfo, "rule-always-fires", r.ID, "fired for all of the %s: %q does not tell them apart", leads, r.When)
		}
	}
	for _, r := range cfg.Events {
		if fired[r.ID] > 0 {
			continue
		}
		if len(r.On) > 0 && !slices.ContainsFunc(r.On, func(t string) bool { return types[t] }) {
			add(SeverityWarning, "event-type-absent", r.ID, "listens to %s, and none of the %s has such an event", strings.Join(r.On, ", "), leads)
			continue
		}
		add(SeverityWarning, "rule-never-fires", r.ID, "fired for none of the %s", leads)
	}
	for _, t := range cfg.Tiers {
		if !tiers[t.Name] {
			add(SeverityInfo, "tier-never-reached", t.Name, "none of the %s reached it", leads)
		}
	}
	for _, p := range cfg.Personas {
		if !personas[p.ID] {
			add(SeverityInfo, "persona-never-reached", p.ID, "none of the %s matched it", leads)
		}
	}
	return nil
}
