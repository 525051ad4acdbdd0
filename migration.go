package leadscore

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadscore/leadscore/internal/state"
	"github.com/leadscore/leadscore/internal/text"
)

// MigrationAction is what a new rule set does to one part of every stored State: an event
// rule's history, a signal's active flag, an event type's times, the velocity sums.
type MigrationAction string

// Migration actions.
const (
	MigrationKept      MigrationAction = "kept"      // carried over as it is
	MigrationRenamed   MigrationAction = "renamed"   // carried over from a former ID (renamed_from)
	MigrationConverted MigrationAction = "converted" // carried over under a changed half-life or window
	MigrationNew       MigrationAction = "new"       // no stored State has any: it starts empty
	MigrationReset     MigrationAction = "reset"     // nothing in the new rule set continues it: dropped from every stored State
	MigrationDropped   MigrationAction = "dropped"   // an event type no rule reads any more: its times are dropped
)

// Kinds of MigrationStep.
const (
	MigrationEventRule = state.StepRule     // "event rule"
	MigrationSignal    = state.StepSignal   // "signal"
	MigrationEventType = state.StepType     // "event type"
	MigrationVelocity  = state.StepVelocity // "velocity"
)

// MigrationStep is one thing a new rule set does to the States an older one wrote.
type MigrationStep struct {
	Kind   string          `json:"kind"`           // MigrationEventRule, MigrationSignal, MigrationEventType or MigrationVelocity
	ID     string          `json:"id"`             // the rule ID, signal kind or event type ("velocity" for the velocity window)
	From   string          `json:"from,omitempty"` // the former ID whose history a renamed rule or signal takes
	Action MigrationAction `json:"action"`
	// Exact reports whether a stored State read under the new rule set holds what the new
	// rule set would have built from the same events: true for what is kept or renamed as it
	// is and for exact conversions; false for approximate conversions, for parts with nothing
	// to carry over (new, reset, dropped), and for a kept rule whose "on" or "when" changed.
	Exact bool `json:"exact"`
	// Before and After are an event rule's half-life, or the velocity window, under the old
	// and the new rule set (0: no decay, or no such rule on that side).
	Before Duration `json:"before,omitempty"`
	After  Duration `json:"after,omitempty"`
	// Detail says why a step is or is not exact, and for a reset how to keep the history.
	Detail string `json:"detail,omitempty"`
}

// Migration is what loading States written under one rule set does under another, part by
// part: which histories are kept, renamed, converted or reset. Review it before deploying a
// rule-set change to a service with stored States (leadscore diff and lint show it too).
type Migration struct {
	Steps []MigrationStep `json:"steps"`
}

// PlanMigration compiles from, the rule set the stored States were written under, and to, the
// one that will read them, for leads of type L, and lists what to does to those States. It
// reads no State: the plan holds for every stored lead. Compile errors of either rule set are
// returned, all of them, each prefixed with "from config" or "to config" (errors.As still
// finds each *RuleError).
func PlanMigration[L any](from, to Config, opts ...Option) (Migration, error) {
	old, errFrom := Compile[L](from, opts...)
	cur, errTo := Compile[L](to, opts...)
	if errFrom != nil || errTo != nil {
		return Migration{}, errors.Join(sideErrors("from config", errFrom), sideErrors("to config", errTo))
	}
	return cur.MigrationFrom(old), nil
}

// MigrationFrom lists what s does to the States written by old: PlanMigration for rule sets
// already compiled (with the options they need).
func (s *Scorer[L]) MigrationFrom(old *Scorer[L]) Migration {
	plan := state.Plan(old.layout, s.layout)
	m := Migration{Steps: make([]MigrationStep, len(plan))}
	for i, p := range plan {
		m.Steps[i] = MigrationStep{
			Kind: p.Kind, ID: p.ID, From: p.From, Action: MigrationAction(p.Action), Exact: p.Exact, Detail: p.Detail,
		}
		if p.Kind == state.StepRule || p.Kind == state.StepVelocity {
			m.Steps[i].Before, m.Steps[i].After = Duration(p.Before), Duration(p.After)
		}
	}
	oldRules, newRules := eventRulesByID(old.cfg), eventRulesByID(s.cfg)
	for i := range m.Steps {
		st := &m.Steps[i]
		switch {
		case st.Kind == MigrationEventRule && (st.Action == MigrationKept || st.Action == MigrationRenamed || st.Action == MigrationConverted):
			from := st.ID
			if st.From != "" {
				from = st.From
			}
			if o, n := oldRules[from], newRules[st.ID]; !sameMatching(o, n) {
				// The stored history counts what the old rule matched; a replay would count
				// what the new one matches.
				st.Exact = false
				st.Detail = joinNotes(st.Detail, `its "on" or "when" changed: stored history counts the events the old rule matched`)
			}
		case st.Kind == MigrationEventRule && st.Action == MigrationReset:
			var successors []string
			for _, c := range m.Steps {
				if c.Kind == MigrationEventRule && c.Action == MigrationNew && sharesEvents(oldRules[st.ID], newRules[c.ID]) {
					successors = append(successors, c.ID)
				}
			}
			st.Detail = renameHint("rule", st.ID, successors)
		case st.Kind == MigrationSignal && st.Action == MigrationReset:
			var successors []string
			for _, c := range m.Steps {
				if c.Kind == MigrationSignal && c.Action == MigrationNew && !slices.Contains(builtinSignalKinds, c.ID) {
					successors = append(successors, c.ID)
				}
			}
			st.Detail = renameHint("signal", st.ID, successors)
		}
	}
	return m
}

// Resets returns the steps that drop an event rule's history or a signal's active flag from
// every stored State: what a rename without renamed_from does, and what a review should look
// at first.
func (m Migration) Resets() []MigrationStep {
	var out []MigrationStep
	for _, s := range m.Steps {
		if s.Action == MigrationReset {
			out = append(out, s)
		}
	}
	return out
}

// String renders the plan for the people who change rule sets: one line per step that
// changes something in stored States, then one line counting the parts kept as they are
// (every rule set has ten built-in signals and a dozen tracked event types, which a review
// need not read one by one).
func (m Migration) String() string {
	var b strings.Builder
	kept := map[string]int{}
	for _, s := range m.Steps {
		if s.Action == MigrationKept && s.Detail == "" {
			kept[s.Kind]++
			continue
		}
		b.WriteString(s.String())
		b.WriteByte('\n')
	}
	var parts []string
	for _, k := range []struct{ kind, one, many string }{
		{MigrationEventRule, "event rule", "event rules"},
		{MigrationSignal, "signal", "signals"},
		{MigrationEventType, "event type", "event types"},
	} {
		if n := kept[k.kind]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+text.Plural(n, k.one, k.many))
		}
	}
	if kept[MigrationVelocity] > 0 {
		parts = append(parts, "the velocity window")
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, "kept as they are: %s\n", strings.Join(parts, ", "))
	}
	return b.String()
}

// String renders the step as one line: what happens to every stored lead, and what to do
// about a reset.
func (s MigrationStep) String() string {
	paren := func(text string) string {
		if text == "" {
			return ""
		}
		return " (" + text + ")"
	}
	if s.Kind == MigrationVelocity {
		if s.Action == MigrationKept {
			return fmt.Sprintf("velocity: window %s, kept%s", days(s.After), paren(s.Detail))
		}
		return fmt.Sprintf("velocity: window %s → %s, sums converted%s", days(s.Before), days(s.After), paren(s.Detail))
	}
	head := fmt.Sprintf("%s %q: ", s.Kind, s.ID)
	switch s.Action {
	case MigrationKept:
		return head + "kept" + paren(s.Detail)
	case MigrationRenamed:
		kept := "history kept"
		if s.Kind == MigrationSignal {
			kept = "active flag kept: it is not raised again"
		}
		return head + fmt.Sprintf("renamed from %q", s.From) + paren(joinNotes(kept, s.Detail))
	case MigrationConverted:
		renamed := ""
		if s.From != "" {
			renamed = fmt.Sprintf("renamed from %q, ", s.From)
		}
		return head + renamed + fmt.Sprintf("half-life %s → %s, history converted", days(s.Before), days(s.After)) + paren(s.Detail)
	case MigrationNew:
		switch s.Kind {
		case MigrationEventRule:
			return head + "new — no stored lead has history for it: it counts events from now on" + paren(s.Detail)
		case MigrationSignal:
			return head + "new — a stored lead it holds for sees it raised at its next evaluation" + paren(s.Detail)
		}
		return head + "new — stored leads have no times for it: count and days_since see events from now on" + paren(s.Detail)
	case MigrationReset:
		what := "its history"
		if s.Kind == MigrationSignal {
			what = "its active flag"
		}
		return head + joinNotes("reset — "+what+" is dropped from every stored lead", s.Detail)
	case MigrationDropped:
		return head + "dropped — no rule reads it any more, so stored leads drop its times" + paren(s.Detail)
	}
	return head + string(s.Action) + paren(s.Detail)
}

// joinNotes joins two notes with "; ", either of which may be empty.
func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// days formats a half-life or window the way rule sets usually spell them: whole days as
// "14d" (Duration.String would say "2w"), no decay as "none".
func days(d Duration) string {
	switch {
	case d == 0:
		return "none"
	case time.Duration(d)%Day == 0:
		return strconv.FormatInt(int64(time.Duration(d)/Day), 10) + "d"
	}
	return d.String()
}

// renameHint says how to keep a reset item's history: name its former ID in the item that
// replaces it. successors are the new items that may (for a rule: those listening to an event
// type it listened to).
func renameHint(noun, id string, successors []string) string {
	fix := fmt.Sprintf(`add "renamed_from": [%q]`, id)
	switch len(successors) {
	case 0:
		return fmt.Sprintf("if a %s replaces it, %s to that %s", noun, fix, noun)
	case 1:
		return fmt.Sprintf("if %q replaces it, %s", successors[0], fix)
	}
	quoted := make([]string, len(successors))
	for i, s := range successors {
		quoted[i] = strconv.Quote(s)
	}
	return fmt.Sprintf("if one of %s replaces it, %s to that %s", strings.Join(quoted, ", "), fix, noun)
}

func eventRulesByID(cfg Config) map[string]EventRule {
	m := make(map[string]EventRule, len(cfg.Events))
	for _, r := range cfg.Events {
		m[r.ID] = r
	}
	return m
}

// sameMatching reports whether two event rules match the same events: the same event types
// (in any order) and the same condition.
func sameMatching(a, b EventRule) bool {
	on := func(r EventRule) []string {
		s := slices.Clone(r.On)
		slices.Sort(s)
		return slices.Compact(s)
	}
	return slices.Equal(on(a), on(b)) && strings.Join(strings.Fields(a.When), " ") == strings.Join(strings.Fields(b.When), " ")
}

// sharesEvents reports whether two event rules may match events of one type: a rule without
// "on" matches every type.
func sharesEvents(a, b EventRule) bool {
	if len(a.On) == 0 || len(b.On) == 0 {
		return true
	}
	return slices.ContainsFunc(a.On, func(t string) bool { return slices.Contains(b.On, t) })
}

// sideError is a compile error of one of PlanMigration's two rule sets, saying which.
type sideError struct {
	side string
	err  error
}

func (e *sideError) Error() string {
	return "leadscore: " + e.side + ": " + strings.TrimPrefix(e.err.Error(), "leadscore: ")
}

func (e *sideError) Unwrap() error { return e.err }

// sideErrors prefixes each of Compile's joined errors with the rule set it is about.
func sideErrors(side string, err error) error {
	if err == nil {
		return nil
	}
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = &sideError{side: side, err: e}
	}
	return errors.Join(out...)
}
