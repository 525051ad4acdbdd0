// Package casejson holds the JSON forms that the test kit's case files and the analysis
// package's populations share — a case, a lead, an event, a stored lead — and their strict
// decoding, whose errors carry the offset of the problem so that each public package can
// report it with a line and column of its own.
//
// A lead of the standard leadscore.Lead decodes through Lead, which reads its times also as
// dates ("2026-03-02", midnight UTC) where the public type takes RFC 3339 alone; a lead of any
// other type L decodes as encoding/json decodes an L (its json tags, else its field names).
// An event decodes into the public leadscore.Event, its time also a date.
package casejson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/leadscore/leadscore"
)

// Case is one case of a case file, and one lead of a population in JSON Lines, its lead in the
// JSON form W (see CaseType). A case with "members" is an account case: its members' leads
// and events instead of a lead's, and "account" the key they should share; a population has
// none (the analysis package refuses them). "converted" is a population lead's known outcome,
// which a backtest reads (the test kit refuses it in a case file).
type Case[W any] struct {
	Name      string      `json:"name"`
	Lead      W           `json:"lead"`
	Events    []Event     `json:"events"`
	At        Time        `json:"at"`
	Converted *bool       `json:"converted"`
	Expect    Expect      `json:"expect"`
	Account   string      `json:"account"`
	Members   []Member[W] `json:"members"`
}

// Member is a member of an account case: a lead and what it did.
type Member[W any] struct {
	Lead   W       `json:"lead"`
	Events []Event `json:"events"`
}

// Decoded is a case decoded, its lead an L; its events are still checked by the caller.
// Members is nil unless the input had "members" (an empty list is not nil).
type Decoded[L any] struct {
	Name      string
	Lead      L
	Events    []Event
	At        time.Time
	Converted *bool // nil when the input has no "converted" (or null)
	Expect    Expect
	Account   string
	Members   []DecodedMember[L]
}

// DecodedMember is a member of an account case decoded, its lead an L.
type DecodedMember[L any] struct {
	Lead   L
	Events []Event
}

// standard reports whether L is leadscore.Lead, whose JSON form is Lead.
func standard[L any]() bool {
	_, ok := any(*new(L)).(leadscore.Lead)
	return ok
}

// CaseType is the type DecodeCase decodes a case of leads of type L into: Case[Lead] for
// the standard leadscore.Lead, Case[L] for any other L. A reader that checks the input
// before decoding (the YAML reader) walks it.
func CaseType[L any]() reflect.Type {
	if standard[L]() {
		return reflect.TypeFor[Case[Lead]]()
	}
	return reflect.TypeFor[Case[L]]()
}

// StoredType is the type DecodeStored decodes a stored lead of type L into.
func StoredType[L any]() reflect.Type {
	if standard[L]() {
		return reflect.TypeFor[Stored[Lead]]()
	}
	return reflect.TypeFor[Stored[L]]()
}

// DecodeCase decodes the case data[from:to] strictly (see DecodeStrict), its lead an L.
func DecodeCase[L any](data []byte, from, to int) (Decoded[L], error) {
	if standard[L]() {
		if c, ok := decodeCaseFast(data[from:to]); ok {
			return Decoded[L]{Name: c.Name, Lead: any(c.Lead.ToLead()).(L), Events: c.Events, At: c.At.Time, Converted: c.Converted, Expect: c.Expect}, nil
		}
		var c Case[Lead]
		err := DecodeStrict(data, from, to, &c)
		return decoded(c, func(l Lead) L { return any(l.ToLead()).(L) }), err
	}
	var c Case[L]
	err := DecodeStrict(data, from, to, &c)
	return decoded(c, func(l L) L { return l }), err
}

// decoded turns a case in the JSON form W into a Decoded[L], each lead by lead.
func decoded[W, L any](c Case[W], lead func(W) L) Decoded[L] {
	d := Decoded[L]{Name: c.Name, Lead: lead(c.Lead), Events: c.Events, At: c.At.Time, Converted: c.Converted, Expect: c.Expect, Account: c.Account}
	if c.Members != nil {
		d.Members = make([]DecodedMember[L], len(c.Members))
		for i, m := range c.Members {
			d.Members[i] = DecodedMember[L]{Lead: lead(m.Lead), Events: m.Events}
		}
	}
	return d
}

// DecodedStored is a stored lead decoded, its lead an L; its state is still base64.
type DecodedStored[L any] struct {
	ID    string
	Lead  L
	State string
	At    time.Time
}

// DecodeStored decodes the stored lead data[from:to] strictly, its lead an L.
func DecodeStored[L any](data []byte, from, to int) (DecodedStored[L], error) {
	if standard[L]() {
		var s Stored[Lead]
		err := DecodeStrict(data, from, to, &s)
		return DecodedStored[L]{ID: s.ID, Lead: any(s.Lead.ToLead()).(L), State: s.State, At: s.At.Time}, err
	}
	var s Stored[L]
	err := DecodeStrict(data, from, to, &s)
	return DecodedStored[L]{ID: s.ID, Lead: s.Lead, State: s.State, At: s.At.Time}, err
}

// Expect is a case's expectations; the test kit turns them into leadscoretest.Expect.
type Expect struct {
	Tier         string   `json:"tier"`
	Handoff      *bool    `json:"handoff"`
	Disqualified *bool    `json:"disqualified"`
	Stage        string   `json:"stage"`
	Persona      string   `json:"persona"`
	Track        string   `json:"track"`
	NoPersona    bool     `json:"no_persona"`
	Fired        []string `json:"fired"`
	NotFired     []string `json:"not_fired"`
	Signals      []string `json:"signals"`
	NoSignals    []string `json:"no_signals"`
	MinTotal     *float64 `json:"min_total"`
	MaxTotal     *float64 `json:"max_total"`
	// An account case's: roles that must be covered, required roles that must be missing,
	// and that none is.
	Covered   []string `json:"covered"`
	Missing   []string `json:"missing"`
	NoMissing bool     `json:"no_missing"`
}

// Lead is a leadscore.Lead in JSON, its customer_since also a date. The field shadows the
// embedded Lead's for encoding/json, which picks the shallower of two fields of one name.
type Lead struct {
	leadscore.Lead
	CustomerSince Time `json:"customer_since"`
}

// ToLead returns the lead decoded.
func (l Lead) ToLead() leadscore.Lead {
	out := l.Lead
	out.CustomerSince = l.CustomerSince.Time
	return out
}

// Event is a leadscore.Event in JSON, its time also a date.
type Event struct {
	leadscore.Event
	Time Time `json:"time"`
}

// ToEvent returns the event decoded.
func (e Event) ToEvent() leadscore.Event {
	out := e.Event
	out.Time = e.Time.Time
	return out
}

// Stored is a lead as a service stores it: {"id", "lead", "state" (base64 of
// State.MarshalBinary), "at"}, its lead in the JSON form W (see StoredType).
type Stored[W any] struct {
	ID    string `json:"id"`
	Lead  W      `json:"lead"`
	State string `json:"state"`
	At    Time   `json:"at"`
}

// Time is a time in JSON: RFC 3339 ("2026-03-02T09:00:00Z") or a date ("2026-03-02",
// midnight UTC). null leaves it zero.
type Time struct{ time.Time }

// TimeError is a Time that does not parse; Text is the JSON value as written, to locate it.
type TimeError struct{ Text string }

func (e *TimeError) Error() string {
	return fmt.Sprintf("%s is not an RFC 3339 time (2026-03-02T09:00:00Z) or a date (2026-03-02)", e.Text)
}

// UnmarshalJSON reads an RFC 3339 time or a date.
func (t *Time) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var s string
	if n := len(data); n >= 2 && data[0] == '"' && data[n-1] == '"' && !bytes.ContainsAny(data[1:n-1], `"\\`) {
		s = string(data[1 : n-1]) // no escapes: the string is its bytes (a full Unmarshal per time was a tenth of decoding)
	} else if err := json.Unmarshal(data, &s); err != nil {
		return &TimeError{Text: string(data)}
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	return &TimeError{Text: string(data)}
}
