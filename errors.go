package leadscore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/file"

	"github.com/leadscore/leadscore/internal/state"
	"github.com/leadscore/leadscore/internal/text"
)

// The errors a call returns for bad input, to match with errors.Is. Each error a call returns
// wraps one of them, or is a *RuleError or a *ConfigError, and its message says which value
// is wrong and where. Whatever the error, the call applied nothing (see the package
// documentation, "Errors").
var (
	// ErrNilState: a nil *State was passed where a lead's State is needed.
	ErrNilState = errors.New("leadscore: nil *State")
	// ErrEventType: the event has no type.
	ErrEventType = errors.New("leadscore: event has no type")
	// ErrUnknownEventType: under Config.StrictEventTypes, the event's type is neither built in
	// (EventTypes) nor declared in Config.EventTypes. The message names the type probably
	// meant, when one is close.
	ErrUnknownEventType = errors.New("leadscore: unknown event type")
	// ErrEventTime: an event's time, or a now, is zero or outside [MinTime, MaxTime).
	ErrEventTime = errors.New("leadscore: time out of range")
	// ErrEventNaN: an event's Value is NaN or infinite.
	ErrEventNaN = errors.New("leadscore: event value is not a finite number")
	// ErrEventTooLarge: the event is beyond the event limits (Limits.MaxEventBytes,
	// MaxPropertyDepth, MaxPropertyElements and MaxStringBytes). The message names the value
	// and the limit it breaks:
	//
	//	leadscore: event too large: properties.skus has 4,000 elements, at most 1,000 (Limits.MaxPropertyElements)
	ErrEventTooLarge = errors.New("leadscore: event too large")
	// ErrCorruptState is wrapped by every UnmarshalBinary error about the bytes themselves.
	ErrCorruptState = state.ErrCorrupt
	// ErrRuleSetTooLarge is wrapped by each *RuleError Compile returns for a limit on the size
	// of a rule set (Limits.MaxRules, MaxEventTypes, MaxListEntries, MaxWindowSlots,
	// MaxConfigBytes): errors.Is(err, ErrRuleSetTooLarge) tells a rule set that is too big from
	// one that is wrong. Such an error has Kind ItemConfig, RuleID "size" and the section as
	// Field:
	//
	//	leadscore: config "size": rules: 2,001 rules, tiers, grades, signals, personas and transitions, at most 2,000 (Limits.MaxRules)
	ErrRuleSetTooLarge = errors.New("leadscore: rule set too large")
)

// ItemKind names a part of a rule set, as a RuleError, a ConfigError or a Warning reports it.
type ItemKind string

// The parts of a rule set.
const (
	ItemRule       ItemKind = "rule"       // Config.Rules
	ItemEventRule  ItemKind = "event rule" // Config.Events
	ItemTier       ItemKind = "tier"       // Config.Tiers
	ItemGrade      ItemKind = "grade"      // Config.Grades
	ItemPersona    ItemKind = "persona"    // Config.Personas
	ItemSignal     ItemKind = "signal"     // Config.Signals
	ItemStage      ItemKind = "stage"      // Journey.Stages
	ItemTransition ItemKind = "transition" // Journey.Transitions
	ItemDimension  ItemKind = "dimension"  // Config.Dimensions
	ItemList       ItemKind = "list"       // Config.Lists
	ItemConfig     ItemKind = "config"     // the rule set as a whole: its name, pages, event types, size
	ItemExpression ItemKind = "expression" // a value expression compiled by Scorer.CompileValue
)

// RuleError reports what is wrong with one item of a rule set — a rule, an event rule, a tier,
// a persona, a signal, a journey transition — or, in a Result, a rule that failed at run time.
// Compile returns every RuleError it finds at once, joined with errors.Join; errors.As finds
// each.
type RuleError struct {
	Kind   ItemKind // which part of the rule set: ItemRule, ItemEventRule, ItemTier, …
	RuleID string   // the item's id or name (for unnamed items, its position, e.g. "tiers[2]")
	Field  string   // the config field: "when", "value", "points", "half_life", …
	// Line and Column locate the problem inside an expression, both 1-based (Column counts
	// runes); 0 when the error is not about a position.
	Line, Column int
	Err          error
}

func (e *RuleError) Error() string {
	var b strings.Builder
	b.WriteString("leadscore: ")
	kind := e.Kind
	if kind == "" {
		kind = "rule"
	}
	fmt.Fprintf(&b, "%s %q", kind, e.RuleID)
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, " %d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	var fe *file.Error
	if errors.As(e.Err, &fe) {
		b.WriteString(fe.Message)
		b.WriteString(fe.Snippet)
	} else if e.Err != nil {
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "leadscore: "))
	}
	return b.String()
}

func (e *RuleError) Unwrap() error { return e.Err }

// errorList collects RuleErrors during compilation.
type errorList []error

// maxErrors bounds the errors one Compile lists: a 4 MiB rule set can hold millions of
// problems (an "on" of four million unknown types), and each would cost a RuleError and a
// line of the joined message (300,000 of them allocated 405 MB). Past it, one last error says
// that more were found.
const maxErrors = 10_000

// full reports whether l lists no more errors: it holds maxErrors and the one saying there
// are more.
func (l errorList) full() bool { return len(l) > maxErrors }

func (l *errorList) add(kind ItemKind, id, field string, err error) {
	if len(*l) >= maxErrors {
		if len(*l) == maxErrors {
			*l = append(*l, &RuleError{Kind: ItemConfig, RuleID: "errors",
				Err: fmt.Errorf("more than %s errors: the rest are not listed", text.Thousands(maxErrors))})
		}
		return
	}
	re := &RuleError{Kind: kind, RuleID: id, Field: field, Err: err}
	var fe *file.Error
	if errors.As(err, &fe) && fe.Line > 0 {
		re.Line, re.Column = fe.Line, fe.Column+1
	}
	*l = append(*l, re)
}

func (l *errorList) addf(kind ItemKind, id, field, format string, args ...any) {
	if len(*l) >= maxErrors {
		l.add(kind, id, field, nil) // not formatted: it is not listed
		return
	}
	l.add(kind, id, field, fmt.Errorf(format, args...))
}

func (l errorList) err() error { return errors.Join(l...) }

// shortName cuts a name for an error message: a hostile 5,000-byte rule ID is named by its
// first 64 bytes.
func shortName(s string) string {
	if len(s) <= 64 {
		return s
	}
	cut := 64
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// ruleErrorJSON is a RuleError in the wire format: the cause as its message.
type ruleErrorJSON struct {
	Kind    ItemKind `json:"kind"`
	RuleID  string   `json:"rule"`
	Field   string   `json:"field,omitempty"`
	Line    int      `json:"line,omitempty"`
	Column  int      `json:"column,omitempty"`
	Message string   `json:"message"`
}

// MarshalJSON writes e in the wire format: {"kind", "rule", "field", "line", "column",
// "message"}, the message being the cause (what Error says after the rule's name).
func (e *RuleError) MarshalJSON() ([]byte, error) {
	w := ruleErrorJSON{Kind: e.Kind, RuleID: e.RuleID, Field: e.Field, Line: e.Line, Column: e.Column}
	if e.Err != nil {
		w.Message = e.Err.Error()
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes; the cause comes back as a plain error with the
// message.
func (e *RuleError) UnmarshalJSON(data []byte) error {
	var w ruleErrorJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*e = RuleError{Kind: w.Kind, RuleID: w.RuleID, Field: w.Field, Line: w.Line, Column: w.Column, Err: errors.New(w.Message)}
	return nil
}
