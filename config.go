package leadscore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/leadscore/leadscore/internal/text"
)

// Config is a rule set: everything Compile needs, as plain data. It decodes from JSON with
// ParseConfig and carries yaml tags so any YAML library can decode it too. The zero value is a
// valid, empty rule set.
type Config struct {
	Name  string              `json:"name,omitempty" yaml:"name,omitempty"`
	Lists map[string][]string `json:"lists,omitempty" yaml:"lists,omitempty"` // named value lists for listed() and list-based signals

	// Dimensions bounds and weighs each dimension; a dimension left out has weight 1 and no
	// bounds.
	Dimensions map[Dimension]DimensionConfig `json:"dimensions,omitempty" yaml:"dimensions,omitempty"`

	Rules  []Rule      `json:"rules,omitempty" yaml:"rules,omitempty"`   // attribute rules
	Events []EventRule `json:"events,omitempty" yaml:"events,omitempty"` // event rules

	Tiers      []Tier  `json:"tiers,omitempty" yaml:"tiers,omitempty"`
	Hysteresis float64 `json:"hysteresis,omitempty" yaml:"hysteresis,omitempty"` // points a lead may fall below its tier's min before it leaves
	Grades     []Grade `json:"grades,omitempty" yaml:"grades,omitempty"`         // fit grades; empty: DefaultGrades of the fit bounds

	// Pages maps a page category to path prefixes: {"pricing": ["/pricing"]}. A page_view's
	// Category is the category of its longest matching prefix.
	Pages map[string][]string `json:"pages,omitempty" yaml:"pages,omitempty"`

	// LeadFields tells the built-in detectors that read the lead (competitor, target_account,
	// student, generic_email) where their inputs are in a lead type other than Lead. Keys:
	// email, title, name, company and company_domain; values: string expressions over lead,
	// such as "lead.WorkEmail", or "''" for a type that has no such field. A key left out
	// reads the standard Lead's field (lead.Email, lead.Title, lead.Name, lead.Company.Name,
	// lead.Company.Domain), and a nil pointer on that path reads as "". When the lead type has
	// no such field, a detector the config asks for (competitor and target_account through
	// their lists, any through a SignalConfig) is a compile error that says what to map; one
	// that only runs by default (student, generic_email) is left out, with a Warning. A
	// mapping that fails at run time is a rule error in the Result, and a competitor check
	// that cannot run fails closed (the lead is disqualified).
	LeadFields map[string]string `json:"lead_fields,omitempty" yaml:"lead_fields,omitempty"`

	// EventTypes declares event types beyond the built-in vocabulary (EventTypes()) so that
	// rules may name them; an undeclared type in a rule is a compile error, which catches typos
	// (with the known type probably meant). A declared type that looks like a misspelling of a
	// built-in one ("page_veiw") is a warning (Scorer.Warnings).
	EventTypes []string `json:"event_types,omitempty" yaml:"event_types,omitempty"`
	// StrictEventTypes closes the vocabulary for events too: Observe and Accumulate refuse an
	// event whose type is neither built in nor declared in EventTypes (an error wrapping
	// ErrUnknownEventType, with the type probably meant), and an event rule comparing
	// event.Type with such a type does not compile. Without it, an event of any type is
	// taken — rules without "on" see it — and such a comparison is a warning when it looks
	// like a misspelling.
	StrictEventTypes bool `json:"strict_event_types,omitempty" yaml:"strict_event_types,omitempty"`

	Signals  []SignalConfig `json:"signals,omitempty" yaml:"signals,omitempty"`
	Personas []Persona      `json:"personas,omitempty" yaml:"personas,omitempty"`
	Journey  Journey        `json:"journey,omitzero" yaml:"journey,omitempty"`

	// Accounts groups leads into accounts and scores them with their buying groups
	// (Scorer.ScoreAccount); nil: no accounts. See AccountConfig.
	Accounts *AccountConfig `json:"accounts,omitempty" yaml:"accounts,omitempty"`
}

// Rule is an attribute rule: it reads the lead (and aggregates such as count or days_since) and
// contributes to one dimension when its condition holds.
type Rule struct {
	ID        string    `json:"id" yaml:"id"`
	Dimension Dimension `json:"dimension" yaml:"dimension"`
	// When is a boolean expression; empty means always.
	When string `json:"when,omitempty" yaml:"when,omitempty"`
	// Points are added when When holds. Negative points penalise; zero is a neutral rule that
	// still shows in the explanation.
	Points float64 `json:"points,omitempty" yaml:"points,omitempty"`
	// Value, instead of Points, is a numeric expression whose result is the contribution, such
	// as "lead.Purchases * 2". A NaN or infinite result is a rule error.
	Value string `json:"value,omitempty" yaml:"value,omitempty"`
	// Max limits the contribution's magnitude (0: no limit).
	Max    float64 `json:"max,omitempty" yaml:"max,omitempty"`
	Reason string  `json:"reason,omitempty" yaml:"reason,omitempty"` // what a salesperson reads; defaults to the ID
	// Disqualify marks a lead for which the rule fires as disqualified: never a hand-off.
	Disqualify bool `json:"disqualify,omitempty" yaml:"disqualify,omitempty"`
}

// EventRule scores events: each matching event adds Points, decaying with HalfLife.
// Its contribution at time t is Points × Σ 2^(−(t − tᵢ)/HalfLife) over the matched events,
// limited in magnitude to Max.
type EventRule struct {
	ID        string    `json:"id" yaml:"id"`
	Dimension Dimension `json:"dimension,omitempty" yaml:"dimension,omitempty"` // default engagement
	On        []string  `json:"on,omitempty" yaml:"on,omitempty"`               // event types; empty: all
	When      string    `json:"when,omitempty" yaml:"when,omitempty"`           // boolean over event, lead, now (= event time)
	Points    float64   `json:"points" yaml:"points"`
	HalfLife  Duration  `json:"half_life,omitempty" yaml:"half_life,omitempty"` // 0: no decay
	Max       float64   `json:"max,omitempty" yaml:"max,omitempty"`             // 0: no limit
	Once      bool      `json:"once,omitempty" yaml:"once,omitempty"`           // count only the earliest matched event
	Reason    string    `json:"reason,omitempty" yaml:"reason,omitempty"`
	// RenamedFrom lists the IDs the rule had before, newest first: a State written under an
	// older rule set keeps the history of the first of them it has. Without it, renaming a rule
	// resets its history in every stored State (PlanMigration lists what a change does).
	RenamedFrom []string `json:"renamed_from,omitempty" yaml:"renamed_from,omitempty"`
}

// DimensionConfig bounds and weighs one dimension. Nil fields take their defaults: weight 1,
// no lower or upper bound.
type DimensionConfig struct {
	Weight *float64 `json:"weight,omitempty" yaml:"weight,omitempty"`
	Min    *float64 `json:"min,omitempty" yaml:"min,omitempty"`
	Max    *float64 `json:"max,omitempty" yaml:"max,omitempty"`
}

// Tier is a band of the total. Tiers are tried in list order; the first whose Min ≤ total (and
// whose When holds) is the lead's tier. A tier without Min is the catch-all and must be last.
type Tier struct {
	Name    string   `json:"name" yaml:"name"`
	Min     *float64 `json:"min,omitempty" yaml:"min,omitempty"`
	When    string   `json:"when,omitempty" yaml:"when,omitempty"`       // optional guard over scores and signals
	Handoff bool     `json:"handoff,omitempty" yaml:"handoff,omitempty"` // an MQL tier: the lead goes to sales
}

// Grade is a fit band ("A".."D"): the first grade whose Min ≤ the fit score; one without Min is
// the catch-all.
type Grade struct {
	Name string   `json:"name" yaml:"name"`
	Min  *float64 `json:"min,omitempty" yaml:"min,omitempty"`
}

// Float returns a pointer to v, for the optional numbers in Config literals:
// DimensionConfig{Max: leadscore.Float(100)}.
func Float(v float64) *float64 { return &v }

// ConfigError reports malformed config text, with the 1-based line and column of the problem:
// the key that is not a field, the value of the wrong type or format, or, for malformed JSON,
// where decoding stopped.
//
// Kind and RuleID name the item of the rule set the problem is in, as a RuleError does
// ("event rule", "pricing"; an item without an id is named by its position, "events[2]"), and
// Field the key path inside it ("half_life", "on[1]"); outside any item Kind and RuleID are
// empty and Field is the path from the top ("hysteresis"); all three are empty for malformed
// JSON. Err says what is wrong, starting with Field when it is set (so that Err alone says
// where inside the item); Error puts the item before it:
//
//	leadscore: config 4:19: event rule "pricing": half_life: invalid duration "7 days": unknown unit " days"
//	leadscore: config 1:27: rule "exec": unknown field "pionts" (did you mean "points"?)
type ConfigError struct {
	Line, Column int
	Kind         ItemKind // the item the problem is in ("" for the config's own keys)
	RuleID       string   // its id or name, or its position such as "events[2]"
	Field        string
	Err          error
}

func (e *ConfigError) Error() string {
	item := ""
	if e.Kind != "" {
		item = fmt.Sprintf("%s %q: ", e.Kind, e.RuleID)
	}
	return fmt.Sprintf("leadscore: config %d:%d: %s%v", e.Line, e.Column, item, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// ParseConfig decodes a JSON rule set strictly: unknown fields, trailing data, wrongly typed
// values and a key given twice in one object (also in another case: "points" and "Points")
// are errors. The error is a *ConfigError positioned at the first problem in the text
// and naming the item it is in; an unknown key comes with the key probably meant. It does not
// compile the rules: Compile reports what is wrong inside them.
func ParseConfig(data []byte) (Config, error) {
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, configError(data, dec.InputOffset(), err, true)
	}
	// Trailing data is reported where it starts, at its first byte after white space: Token
	// would have read past it (a whole string, or the first token after it).
	trailing := dec.InputOffset()
	for int(trailing) < len(data) && isJSONSpace(data[trailing]) {
		trailing++
	}
	if _, err := dec.Token(); err != io.EOF {
		return Config{}, configError(data, trailing, errors.New("unexpected data after the config object"), false)
	}
	if p := duplicateConfigKey(data); p != nil {
		line, col := text.LineColumn(data, p.offset)
		return Config{}, &ConfigError{Line: line, Column: col, Kind: p.kind, RuleID: p.id, Field: p.field, Err: p.err}
	}
	return cfg, nil
}

// isJSONSpace reports whether b is white space between JSON tokens.
func isJSONSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// configError positions err; decoding: err is what decoding the config returned, and the text
// is a syntactically valid JSON value unless err is a syntax error.
func configError(data []byte, offset int64, err error, decoding bool) error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		offset = syn.Offset - 1 // Offset counts the offending byte as read
	case errors.Is(err, io.EOF):
		err = errors.New("empty config")
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = errors.New("unexpected end of config")
	case decoding:
		// An unknown key or a bad value: encoding/json does not say where (configpos.go).
		if p := locateConfigProblem(data); p != nil {
			line, col := text.LineColumn(data, p.offset)
			return &ConfigError{Line: line, Column: col, Kind: p.kind, RuleID: p.id, Field: p.field, Err: p.err}
		}
	}
	line, col := text.LineColumn(data, int(offset))
	return &ConfigError{Line: line, Column: col, Err: stripJSONPrefix(err)}
}

type messageError string

func (e messageError) Error() string { return string(e) }

// stripJSONPrefix drops the "json: " and "leadscore: " prefixes that would otherwise repeat
// inside a ConfigError's message.
func stripJSONPrefix(err error) error {
	s := err.Error()
	t := strings.TrimPrefix(strings.TrimPrefix(s, "json: "), "leadscore: ")
	if t == s {
		return err
	}
	return messageError(t)
}
