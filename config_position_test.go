package leadscore

import (
	"encoding/json"
	"errors"
	"testing"
)

// Finding 4: trailing data after the config was reported past its start — after a string
// (1:24 for one starting at 1:14), after the first token of an object (1:15) — or, after
// blank lines, on the right line at the wrong column. It is reported at its first byte.
func TestParseConfigTrailingDataPosition(t *testing.T) {
	for _, tt := range []struct {
		in             string
		line, col      int
		wantFirstError string
	}{
		{`{"name":"x"} "abcdefgh"`, 1, 14, `leadscore: config 1:14: unexpected data after the config object`},
		{`{"name":"x"} {"name":"y"}`, 1, 14, `leadscore: config 1:14: unexpected data after the config object`},
		{`{"name":"x"}{}`, 1, 13, `leadscore: config 1:13: unexpected data after the config object`},
		{"{\"name\":\"x\"}\n\n   [1]", 3, 4, `leadscore: config 3:4: unexpected data after the config object`},
		{"{\"name\":\"x\"}\r\n\t 12", 2, 3, `leadscore: config 2:3: unexpected data after the config object`},
		{`{"name":"x"} , 1`, 1, 14, `leadscore: config 1:14: unexpected data after the config object`},
		{`{"name":"x"} x`, 1, 14, `leadscore: config 1:14: unexpected data after the config object`},
	} {
		_, err := ParseConfig([]byte(tt.in))
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Fatalf("%q: %v, want a *ConfigError", tt.in, err)
		}
		if ce.Line != tt.line || ce.Column != tt.col || err.Error() != tt.wantFirstError {
			t.Errorf("%q: %d:%d %q, want %d:%d %q", tt.in, ce.Line, ce.Column, err, tt.line, tt.col, tt.wantFirstError)
		}
	}
	// White space after the config is no data.
	if _, err := ParseConfig([]byte("{\"name\":\"x\"} \r\n\t\n")); err != nil {
		t.Errorf("trailing white space: %v", err)
	}
}

// Finding 5: of keys that differ only in case, encoding/json decodes each into the field in
// turn, so the last wins ("ID" then "Id": the rule is "b"), an exact match included ("id"
// then "ID": "b"), and a null changes nothing. The error locating a problem names the item
// as Compile would, which is what encoding/json decoded.
func TestConfigErrorNamesItemAsDecoded(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"rules":[{"ID":"a","Id":"b","points":"x"}]}`, `leadscore: config 1:39: rule "b": points: cannot use JSON string "x" as a number`},
		{`{"rules":[{"Id":"b","ID":"a","points":"x"}]}`, `leadscore: config 1:39: rule "a": points: cannot use JSON string "x" as a number`},
		{`{"rules":[{"id":"a","ID":"b","points":"x"}]}`, `leadscore: config 1:39: rule "b": points: cannot use JSON string "x" as a number`},
		{`{"rules":[{"ID":"b","id":"a","points":"x"}]}`, `leadscore: config 1:39: rule "a": points: cannot use JSON string "x" as a number`},
		{`{"rules":[{"id":"a","ID":null,"points":"x"}]}`, `leadscore: config 1:40: rule "a": points: cannot use JSON string "x" as a number`},
		{`{"rules":[{"id":"a","iD":5,"points":"x"}]}`, `leadscore: config 1:26: rule "a": id: cannot use JSON number 5 as a string`},
		{`{"journey":{"transitions":[{"FROM":"a","from":"b","To":"c","points":1}]}}`, `leadscore: config 1:60: transition "b→c": unknown field "points"`},
	} {
		_, err := ParseConfig([]byte(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s:\n  %v\nwant\n  %s", tt.in, err, tt.want)
		}
		// What encoding/json makes of the same text names the item alike.
		var cfg Config
		_ = json.Unmarshal([]byte(tt.in), &cfg)
		var re *ConfigError
		if errors.As(err, &re) {
			switch {
			case len(cfg.Rules) == 1 && cfg.Rules[0].ID != re.RuleID:
				t.Errorf("%s: named rule %q, encoding/json decodes %q", tt.in, re.RuleID, cfg.Rules[0].ID)
			case len(cfg.Journey.Transitions) == 1 && string(cfg.Journey.Transitions[0].From)+"→"+string(cfg.Journey.Transitions[0].To) != re.RuleID:
				t.Errorf("%s: named %q, encoding/json decodes %+v", tt.in, re.RuleID, cfg.Journey.Transitions[0])
			}
		}
	}
}
