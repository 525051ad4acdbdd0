// Package casejson holds the JSON forms that the test kit's case files and the analysis
// package's populations share — a case, a lead, an event, a stored lead — and their strict
// decoding, whose errors carry the offset of the problem so that each public package can
// report it with a line and column of its own.
//
// A lead and an event decode into the public leadscore.Lead and leadscore.Event, whose JSON
// tags are the wire format; only their times are read here too, to accept a date
// ("2026-03-02", midnight UTC) where the public types take RFC 3339 alone.
package casejson

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/leadscore/leadscore"
)

// Case is one case of a case file, and one lead of a population in JSON Lines.
type Case struct {
	Name   string  `json:"name"`
	Lead   Lead    `json:"lead"`
	Events []Event `json:"events"`
	At     Time    `json:"at"`
	Expect Expect  `json:"expect"`
}

// Expect is a case's expectations; the test kit turns them into leadscoretest.Expect.
type Expect struct {
	Tier         string   `json:"tier"`
	Handoff      *bool    `json:"handoff"`
	Disqualified *bool    `json:"disqualified"`
	Stage        string   `json:"stage"`
	Persona      string   `json:"persona"`
	NoPersona    bool     `json:"no_persona"`
	Fired        []string `json:"fired"`
	NotFired     []string `json:"not_fired"`
	Signals      []string `json:"signals"`
	NoSignals    []string `json:"no_signals"`
	MinTotal     *float64 `json:"min_total"`
	MaxTotal     *float64 `json:"max_total"`
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
// State.MarshalBinary), "at"}.
type Stored struct {
	ID    string `json:"id"`
	Lead  Lead   `json:"lead"`
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
	if err := json.Unmarshal(data, &s); err != nil {
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
