package leadscoretest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/casejson"
	"github.com/leadscore/leadscore/internal/text"
)

// ParseCases decodes a JSON array of cases for the standard leadscore.Lead (ParseCasesFor
// decodes them for a lead type of your own):
//
//	[{"name": "vp with demo is hot",
//	  "lead": {"email": "dana@globex.example", "title": "VP Operations", "company": {"employees": 800}},
//	  "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}],
//	  "at": "2026-03-03T09:00:00Z",
//	  "expect": {"tier": "hot", "handoff": true, "stage": "convert", "fired": ["demo"], "min_total": 70}}]
//
// Lead keys are the Lead's JSON names, its fields in snake_case ("postal_code",
// "customer_since", "avg_order_value", "company": {"employees"}, "bant": {"budget"},
// "traits"); event keys are the Event's: type, time, id, channel, path, value, category and
// properties. Times are RFC 3339 or dates
// ("2026-03-02", midnight UTC). Expectations follow Expect: a key left out is not checked,
// and "persona": "" or [] checks nothing either; "handoff": false, "disqualified": false and
// "min_total": 0 are checked, and "no_persona": true asserts that no persona matched.
//
// Decoding is strict: unknown keys, wrongly typed values, a case without a name, two cases
// with one name, an event without a type or time, and a case with neither events nor "at" are
// errors, each a *ParseError with the line and column. Rule IDs and tier names are checked
// against a rule set later, by Check.
func ParseCases(data []byte) ([]Case[leadscore.Lead], error) {
	return ParseCasesFor[leadscore.Lead](data)
}

// ParseCasesFor decodes a JSON array of cases as ParseCases does, their leads of type L. A
// lead decodes as encoding/json decodes an L — by its json tags, else its field names,
// strictly — except the standard leadscore.Lead, whose times may also be dates:
//
//	type Lead struct {
//		Email    string `json:"email"`
//		JobTitle string `json:"job_title"`
//	}
//	cases, err := leadscoretest.ParseCasesFor[Lead](data) // "lead": {"email": …, "job_title": …}
func ParseCasesFor[L any](data []byte) ([]Case[L], error) {
	if i := casejson.ObjectStart(data); i < len(data) && data[i] != '[' {
		return nil, positioned(data, i, errors.New("a case file is a JSON array of cases: [{\"name\": …}, …]"))
	}
	var raws []json.RawMessage
	if err := decodeStrict(data, 0, len(data), &raws); err != nil {
		return nil, err
	}
	out := make([]Case[L], 0, len(raws))
	names := map[string]int{}
	pos := 0
	for _, raw := range raws {
		start := pos + bytes.Index(data[pos:], raw) // RawMessage holds the input's bytes as they were
		pos = start + len(raw)
		c, err := parseCase[L](data, start, pos, true)
		if err != nil {
			return nil, err
		}
		if c.Name == "" {
			return nil, positioned(data, start, errors.New(`a case needs a "name"`))
		}
		if first, dup := names[c.Name]; dup {
			line, _ := text.LineColumn(data, first)
			e := positioned(data, start, fmt.Errorf("another case has this name (line %d)", line))
			e.Case = c.Name
			return nil, e
		}
		names[c.Name] = start
		out = append(out, c)
	}
	return out, nil
}

// ParseCase decodes one case, a JSON object as in ParseCases, for example one line of a JSON
// Lines file. The name may be left out, and so may both events and "at": a tool that scores
// leads at a time of its choosing sets At itself (Replay reports a case that still has
// neither).
func ParseCase(data []byte) (Case[leadscore.Lead], error) {
	return ParseCaseFor[leadscore.Lead](data)
}

// ParseCaseFor decodes one case as ParseCase does, its lead of type L (see ParseCasesFor).
func ParseCaseFor[L any](data []byte) (Case[L], error) {
	return parseCase[L](data, 0, len(data), false)
}

// parseCase decodes the case data[from:to] and checks its events; with needTime, also that
// it says when to evaluate the lead.
func parseCase[L any](data []byte, from, to int, needTime bool) (Case[L], error) {
	cj, err := casejson.DecodeCase[L](data, from, to)
	if err != nil {
		err = fromDecode(data, err)
		var named struct {
			Name string `json:"name"`
		}
		var pe *ParseError
		if errors.As(err, &pe) && json.Unmarshal(data[from:to], &named) == nil {
			pe.Case = named.Name
		}
		return Case[L]{}, err
	}
	c := Case[L]{
		Name:   cj.Name,
		Lead:   cj.Lead,
		Events: make([]leadscore.Event, len(cj.Events)),
		At:     cj.At,
		Expect: expect(cj.Expect),
	}
	invalid := func(format string, args ...any) error {
		e := positioned(data, from+casejson.ObjectStart(data[from:to]), fmt.Errorf(format, args...))
		e.Case = c.Name
		return e
	}
	for i, ej := range cj.Events {
		switch {
		case ej.Type == "":
			return c, invalid(`event %d has no "type"`, i+1)
		case ej.Time.IsZero():
			return c, invalid(`event %d (%s) has no "time"`, i+1, ej.Type)
		}
		c.Events[i] = ej.ToEvent()
	}
	if needTime && len(c.Events) == 0 && c.At.IsZero() {
		return c, invalid(`no events and no "at": nothing says when to evaluate the lead`)
	}
	return c, nil
}
