package analysis

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/casejson"
	"github.com/leadscore/leadscore/internal/text"
)

// ParseError reports a lead that does not decode, with the 1-based line and column (in
// bytes) where the problem is.
type ParseError struct {
	Line, Column int
	Err          error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("analysis: %d:%d: %s", e.Line, e.Column, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ParseReplayedLead decodes one lead of a population of the standard leadscore.Lead, a JSON
// object such as a line of a JSON Lines export (ParseReplayedLeadFor decodes a lead type of
// your own):
//
//	{"name": "dana", "lead": {"email": "dana@globex.example", "title": "VP Operations", "company": {"employees": 800}},
//	 "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}], "at": "2026-03-03T09:00:00Z"}
//
// Lead keys are the Lead's JSON names, snake_case ("postal_code", "customer_since",
// "company": {"employees"}, "bant": {"budget"}, "traits"); event keys are the Event's (type,
// time, id, channel, path, value, category, properties). Times are RFC 3339 or dates
// ("2026-03-02", midnight UTC). "converted" (true or false) is the lead's known outcome,
// for a backtest. Every key is optional; the events need a type and a time.
// A case of a leadscoretest case file is a lead too: its "expect" is decoded (so a typo in
// it is still an error) and ignored; an account case ("members") is an error.
//
// Decoding is strict: an unknown key, a wrongly typed value or an event without a type or
// time is a *[ParseError] with the line and column. A lead with neither events nor "at" is
// not an error here: a tool may set At itself ([Replay] reports a lead that still has
// neither).
func ParseReplayedLead(data []byte) (ReplayedLead[leadscore.Lead], error) {
	return ParseReplayedLeadFor[leadscore.Lead](data)
}

// ParseReplayedLeadFor decodes one lead of a population as ParseReplayedLead does, the lead
// of type L: decoded as encoding/json decodes an L (by its json tags, else its field names),
// strictly, except the standard leadscore.Lead, whose times may also be dates.
func ParseReplayedLeadFor[L any](data []byte) (ReplayedLead[L], error) {
	cj, err := casejson.DecodeCase[L](data, 0, len(data))
	if err != nil {
		return ReplayedLead[L]{}, fromDecode(data, err)
	}
	if cj.Members != nil || cj.Account != "" {
		key := `"members"`
		if cj.Members == nil {
			key = `"account"`
		}
		return ReplayedLead[L]{}, positioned(data, casejson.KeyOffset(data, len(data), key),
			errors.New("an account case (members) is not a lead of a population: give each member as a lead of its own"))
	}
	lead := ReplayedLead[L]{
		Name:      cj.Name,
		Lead:      cj.Lead,
		Events:    make([]leadscore.Event, len(cj.Events)),
		At:        cj.At,
		Converted: cj.Converted,
	}
	for i, ej := range cj.Events {
		switch {
		case ej.Type == "":
			return lead, positioned(data, casejson.ObjectStart(data), fmt.Errorf(`event %d has no "type"`, i+1))
		case ej.Time.IsZero():
			return lead, positioned(data, casejson.ObjectStart(data), fmt.Errorf(`event %d (%s) has no "time"`, i+1, ej.Type))
		}
		lead.Events[i] = ej.ToEvent()
	}
	return lead, nil
}

// ParseStoredLead decodes one stored lead of the standard leadscore.Lead, a JSON object such as
// a line of a JSON Lines export of a service's store (what leadscore score -write-states
// writes; ParseStoredLeadFor decodes a lead type of your own):
//
//	{"id": "lead-1", "lead": {"email": "dana@globex.example", "title": "VP Operations"},
//	 "state": "<base64 of State.MarshalBinary>", "at": "2026-03-03T09:00:00Z"}
//
// The lead is in the form of [ParseReplayedLead]; "id" names the lead in reports; "at" is
// optional. Decoding is strict: an unknown key, a missing or malformed "state" are
// *[ParseError]s with the line and column.
func ParseStoredLead(data []byte) (StoredLead[leadscore.Lead], error) {
	return ParseStoredLeadFor[leadscore.Lead](data)
}

// ParseStoredLeadFor decodes one stored lead as ParseStoredLead does, the lead of type L (see
// ParseReplayedLeadFor).
func ParseStoredLeadFor[L any](data []byte) (StoredLead[L], error) {
	sj, err := casejson.DecodeStored[L](data, 0, len(data))
	if err != nil {
		return StoredLead[L]{}, fromDecode(data, err)
	}
	sl := StoredLead[L]{Name: sj.ID, Lead: sj.Lead, At: sj.At}
	at := casejson.KeyOffset(data, len(data), `"state"`)
	if sj.State == "" {
		return sl, positioned(data, casejson.ObjectStart(data), errors.New(`no "state": the base64 of the lead's State.MarshalBinary`))
	}
	raw, err := base64.StdEncoding.DecodeString(sj.State)
	if err != nil {
		return sl, positioned(data, at, fmt.Errorf("state: not base64 (%v)", err))
	}
	sl.State = new(leadscore.State)
	if err := sl.State.UnmarshalBinary(raw); err != nil {
		return sl, positioned(data, at, fmt.Errorf("state: %s", strings.TrimPrefix(err.Error(), "leadscore: ")))
	}
	return sl, nil
}

func positioned(data []byte, offset int, err error) *ParseError {
	line, col := text.LineColumn(data, offset)
	return &ParseError{Line: line, Column: col, Err: err}
}

// fromDecode positions an error of casejson.DecodeStrict.
func fromDecode(data []byte, err error) error {
	var de *casejson.Error
	if errors.As(err, &de) {
		return positioned(data, de.Offset, de.Err)
	}
	return err
}
