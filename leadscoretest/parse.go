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

// ParseCases decodes a JSON array of cases for the standard leadscore.Lead:
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
	if i := casejson.ObjectStart(data); i < len(data) && data[i] != '[' {
		return nil, positioned(data, i, errors.New("a case file is a JSON array of cases: [{\"name\": …}, …]"))
	}
	var raws []json.RawMessage
	if err := decodeStrict(data, 0, len(data), &raws); err != nil {
		return nil, err
	}
	out := make([]Case[leadscore.Lead], 0, len(raws))
	names := map[string]int{}
	pos := 0
	for _, raw := range raws {
		start := pos + bytes.Index(data[pos:], raw) // RawMessage holds the input's bytes as they were
		pos = start + len(raw)
		c, err := parseCase(data, start, pos, true)
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
	return parseCase(data, 0, len(data), false)
}

// parseCase decodes the case data[from:to] and checks its events; with needTime, also that
// it says when to evaluate the lead.
func parseCase(data []byte, from, to int, needTime bool) (Case[leadscore.Lead], error) {
	var cj casejson.Case
	if err := decodeStrict(data, from, to, &cj); err != nil {
		var named struct {
			Name string `json:"name"`
		}
		var pe *ParseError
		if errors.As(err, &pe) && json.Unmarshal(data[from:to], &named) == nil {
			pe.Case = named.Name
		}
		return Case[leadscore.Lead]{}, err
	}
	c := Case[leadscore.Lead]{
		Name:   cj.Name,
		Lead:   cj.Lead.ToLead(),
		Events: make([]leadscore.Event, len(cj.Events)),
		At:     cj.At.Time,
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
