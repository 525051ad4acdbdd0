package leadscore

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseConfigStrict(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantLine int
		wantCol  int
		wantMsg  string
	}{
		{name: "unknown field", in: "{\n  \"rules\": [{\"id\": \"a\", \"pointz\": 3}]\n}", wantLine: 2, wantCol: 25, wantMsg: `unknown field "pointz"`},
		{name: "syntax", in: "{\n  \"name\": \"x\",,\n}", wantLine: 2, wantCol: 15, wantMsg: "invalid character ','"},
		{name: "wrong type", in: `{"hysteresis": "five"}`, wantLine: 1, wantMsg: "hysteresis: cannot use JSON string"},
		{name: "bad duration", in: `{"events": [{"id": "e", "points": 1, "half_life": "14 days"}]}`, wantLine: 1, wantMsg: "invalid duration"},
		{name: "trailing data", in: `{} {}`, wantLine: 1, wantMsg: "unexpected data after the config object"},
		{name: "empty", in: ``, wantLine: 1, wantCol: 1, wantMsg: "empty config"},
		{name: "truncated", in: `{"rules": [`, wantLine: 1, wantMsg: "unexpected end of config"},
		{name: "not an object", in: `[1, 2]`, wantLine: 1, wantMsg: "cannot use JSON array [1, 2] as an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.in))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("ParseConfig = %v, want a *ConfigError", err)
			}
			if ce.Line != tt.wantLine || (tt.wantCol != 0 && ce.Column != tt.wantCol) {
				t.Errorf("position %d:%d, want %d:%d", ce.Line, ce.Column, tt.wantLine, tt.wantCol)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "leadscore: config ") || !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q, want prefix %q and %q", msg, "leadscore: config ", tt.wantMsg)
			}
		})
	}
}

func TestParseConfigDesignExample(t *testing.T) {
	// The example config of DESIGN.md, verbatim.
	cfg, err := ParseConfig([]byte(`{
  "name": "acme-b2b",
  "lists": {"competitors": ["rival.example"], "targets": ["bigco.example"]},
  "dimensions": {"fit": {"weight": 1, "min": -50, "max": 100},
                 "engagement": {"weight": 1, "min": 0, "max": 100},
                 "relationship": {"weight": 0.5}},
  "rules":  [{"id": "exec", "dimension": "fit", "when": "seniority(lead.Title) in ['c_level','vp']",
              "points": 20, "reason": "executive title"}],
  "events": [{"id": "pricing", "on": ["page_view"], "when": "event.Path startsWith '/pricing'",
              "points": 10, "half_life": "14d", "max": 30}],
  "tiers":  [{"name": "hot", "min": 70, "handoff": true}, {"name": "warm", "min": 40}, {"name": "cold"}],
  "hysteresis": 5,
  "signals":  [], "personas": [], "journey": {}
}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Events[0].HalfLife != Duration(14*Day) || *cfg.Dimensions[Relationship].Weight != 0.5 || *cfg.Tiers[0].Min != 70 {
		t.Errorf("decoded %+v", cfg)
	}
	if _, err := Compile[Lead](cfg); err != nil {
		t.Fatal(err)
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	for name, cfg := range map[string]Config{"b2b": DefaultB2B(), "b2c": DefaultB2C()} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(cfg)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseConfig(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, cfg) {
				t.Errorf("round trip changed the config:\n%s", b)
			}
		})
	}
}
