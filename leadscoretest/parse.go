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
// A case with "members" in place of "lead" and "events" is an account case (see the package
// documentation): each member has a "lead" and "events", "account" names the key they share,
// and its expectations are on the account, with "covered", "missing" and "no_missing" on its
// buying group's roles.
//
// Decoding is strict: unknown keys, wrongly typed values, a case without a name, two cases
// with one name, an event without a type or time, and a case with neither events nor "at" are
// errors, each a *ParseError with the line and column; so are an account case with no
// members, with a lead or events of its own or with a lead's stage, persona or signals
// expected, and a lead case that expects roles or names an account. Rule IDs and tier names
// are checked against a rule set later, by Check.
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
		Name:    cj.Name,
		Lead:    cj.Lead,
		Events:  make([]leadscore.Event, len(cj.Events)),
		At:      cj.At,
		Expect:  expect(cj.Expect),
		Account: cj.Account,
	}
	invalid := func(format string, args ...any) error {
		e := positioned(data, from+casejson.ObjectStart(data[from:to]), fmt.Errorf(format, args...))
		e.Case = c.Name
		return e
	}
	events := func(dst []leadscore.Event, src []casejson.Event, member string) error {
		for i, ej := range src {
			switch {
			case ej.Type == "":
				return invalid(`%sevent %d has no "type"`, member, i+1)
			case ej.Time.IsZero():
				return invalid(`%sevent %d (%s) has no "time"`, member, i+1, ej.Type)
			}
			dst[i] = ej.ToEvent()
		}
		return nil
	}
	if err := events(c.Events, cj.Events, ""); err != nil {
		return c, err
	}
	if cj.Converted != nil {
		return c, invalid(`"converted" is a lead's known outcome, which a backtest reads (leadscore backtest), not an expectation of a test case: leave it out, and say what to expect in "expect"`)
	}
	if cj.Members != nil {
		return c, accountCase(&c, cj, data[from:to], needTime, invalid, events)
	}
	x := cj.Expect
	switch {
	case c.Account != "":
		return c, invalid(`"account" names the account of an account case, whose leads are its "members"`)

	case len(x.Covered) > 0 || len(x.Missing) > 0 || x.NoMissing:
		return c, invalid(`expect: "covered", "missing" and "no_missing" are for an account case, whose leads are its "members"`)
	}
	if needTime && len(c.Events) == 0 && c.At.IsZero() {
		return c, invalid(`no events and no "at": nothing says when to evaluate the lead`)
	}
	return c, nil
}

// accountCase fills c's members from cj, an account case: members in place of a lead and
// events, expectations on the account.
func accountCase[L any](c *Case[L], cj casejson.Decoded[L], data []byte, needTime bool,
	invalid func(format string, args ...any) error, events func([]leadscore.Event, []casejson.Event, string) error) error {
	var keys map[string]json.RawMessage // the case's own keys, not its members'
	_ = json.Unmarshal(data, &keys)
	switch {
	case len(cj.Members) == 0:
		return invalid(`"members" is empty: an account case needs at least one member`)
	case keys["lead"] != nil && string(keys["lead"]) != "null", len(cj.Events) > 0:
		return invalid(`an account case gives "members", each with its "lead" and "events", not a "lead" or "events" of its own`)
	}
	x := cj.Expect
	for _, f := range []struct {
		key string
		set bool
	}{
		{"stage", x.Stage != ""}, {"persona", x.Persona != ""}, {"track", x.Track != ""}, {"no_persona", x.NoPersona},
		{"signals", len(x.Signals) > 0}, {"no_signals", len(x.NoSignals) > 0},
	} {
		if f.set {
			return invalid(`expect: %q is a lead's, not an account's: expect it on a case of the member's lead`, f.key)
		}
	}
	c.Events = nil
	c.Members = make([]Member[L], len(cj.Members))
	hasEvents := false
	for i, m := range cj.Members {
		c.Members[i] = Member[L]{Lead: m.Lead, Events: make([]leadscore.Event, len(m.Events))}
		if err := events(c.Members[i].Events, m.Events, fmt.Sprintf("member %d: ", i+1)); err != nil {
			return err
		}
		hasEvents = hasEvents || len(m.Events) > 0
	}
	if needTime && !hasEvents && c.At.IsZero() {
		return invalid(`no member events and no "at": nothing says when to evaluate the account`)
	}
	return nil
}
