package server

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
)

const rulesJSON = `{
  "name": "acme-b2b",
  "rules": [{"id": "exec", "dimension": "fit", "when": "seniority(lead.Title) in ['c_level','vp']", "points": 20, "reason": "executive title"}],
  "events": [{"id": "demo", "on": ["demo_request"], "points": 30, "half_life": "30d", "max": 30, "reason": "requested a demo"}],
  "tiers": [{"name": "hot", "min": 40, "handoff": true}, {"name": "cold"}],
  "hysteresis": 5
}`

const rulesYAML = `name: acme-b2b
rules:
  - id: exec
    dimension: fit
    when: "seniority(lead.Title) in ['c_level','vp']"
    points: 20
    reason: executive title
events:
  - id: demo
    on: [demo_request]
    points: 30
    half_life: 30d
    max: 30
    reason: requested a demo
tiers:
  - {name: hot, min: 40, handoff: true}
  - {name: cold}
hysteresis: 5
`

// JSON and YAML rule sets mean the same, and both compile.
func TestLoadRules(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fromJSON, err := LoadRules(write("rules.json", rulesJSON))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"rules.yaml", "rules.yml", "rules"} { // the last by its first character
		fromYAML, err := LoadRules(write(name, rulesYAML))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(fromJSON, fromYAML) {
			t.Errorf("%s: %+v\nJSON: %+v", name, fromYAML, fromJSON)
		}
	}
	if _, err := leadscore.Compile[leadscore.Lead](fromJSON); err != nil {
		t.Errorf("compiling: %v", err)
	}

	for _, c := range []struct{ name, text, want string }{
		{"typo.yaml", strings.Replace(rulesYAML, "points: 20", "pionts: 20", 1), `rules[0]: unknown field "pionts" (did you mean "points"?)`},
		{"duration.yaml", strings.Replace(rulesYAML, "half_life: 30d", "half_life: 30 days", 1), `events[0].half_life: invalid duration`},
		{"typo.json", strings.Replace(rulesJSON, `"points": 20`, `"pionts": 20`, 1), `rules ` + dir},
		{"two.yaml", rulesYAML + "---\nname: other\n", "a second YAML document"},
		{"empty.yaml", "", "empty rule set"},
		{"inf.yaml", strings.Replace(rulesYAML, "points: 20", "points: .inf", 1), "rules[0].points: "},
		{"bad.yaml", "rules: [\n", "yaml"},
	} {
		_, err := LoadRules(write(c.name, c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
	if _, err := LoadRules(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("a missing file: %v", err)
	}
}
