package leadscore

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
)

// Errors that teach: each reported defect with its exact message, then a property for its
// class.

// 1 and 2: ParseConfig reports the key or value that failed, naming the item it is in.
func TestConfigErrorsTeach(t *testing.T) {
	tests := []struct {
		name, in                string
		want                    string // the whole message
		wantKind, wantID, field string
	}{
		{name: "the same unknown key in two items: the first",
			in:   `{"rules":[{"id":"a","dimension":"fit","bogus":1}],"events":[{"id":"b","bogus":2}]}`,
			want: `leadscore: config 1:39: rule "a": unknown field "bogus"`, wantKind: "rule", wantID: "a"},
		{name: "a key unknown here, known in another item type",
			in:   `{"tiers":[{"name":"hot","points":3}],"rules":[{"id":"r","points":1}]}`,
			want: `leadscore: config 1:25: tier "hot": unknown field "points"`, wantKind: "tier", wantID: "hot"},
		{name: "bad duration, at its value, not at the end",
			in:       "{\n  \"events\": [\n    {\"id\": \"pricing\", \"on\": [\"page_view\"], \"points\": 1,\n     \"half_life\": \"7 days\"}\n  ]\n}",
			want:     `leadscore: config 4:19: event rule "pricing": half_life: invalid duration "7 days": unknown unit " days"`,
			wantKind: "event rule", wantID: "pricing", field: "half_life"},
		{name: "string for a number",
			in:       `{"events":[{"id":"pricing","points":"10"}]}`,
			want:     `leadscore: config 1:37: event rule "pricing": points: cannot use JSON string "10" as a number`,
			wantKind: "event rule", wantID: "pricing", field: "points"},
		{name: "wrong type for on",
			in:       `{"events":[{"id":"pricing","on":"page_view"}]}`,
			want:     `leadscore: config 1:33: event rule "pricing": on: cannot use JSON string "page_view" as a list of strings`,
			wantKind: "event rule", wantID: "pricing", field: "on"},
		{name: "wrong element of on",
			in:       `{"events":[{"id":"pricing","on":["page_view", 3]}]}`,
			want:     `leadscore: config 1:47: event rule "pricing": on[1]: cannot use JSON number 3 as a string`,
			wantKind: "event rule", wantID: "pricing", field: "on[1]"},
		{name: "an item without id, by position",
			in:       `{"events":[{"points":1},{"points":2, "half_life": 3}]}`,
			want:     `leadscore: config 1:51: event rule "events[1]": half_life: duration must be a string such as "14d", got 3`,
			wantKind: "event rule", wantID: "events[1]", field: "half_life"},
		{name: "the id itself wrong",
			in:       `{"rules":[{"id":5}]}`,
			want:     `leadscore: config 1:17: rule "rules[0]": id: cannot use JSON number 5 as a string`,
			wantKind: "rule", wantID: "rules[0]", field: "id"},
		{name: "tier", in: `{"tiers":[{"name":"hot","min":"70"}]}`,
			want:     `leadscore: config 1:31: tier "hot": min: cannot use JSON string "70" as a number`,
			wantKind: "tier", wantID: "hot", field: "min"},
		{name: "a number out of range", in: `{"tiers":[{"name":"hot","min":1e400}]}`,
			want:     `leadscore: config 1:31: tier "hot": min: JSON number 1e400 is out of range`,
			wantKind: "tier", wantID: "hot", field: "min"},
		{name: "dimension", in: `{"dimensions":{"fit":{"weight":"1"}}}`,
			want:     `leadscore: config 1:32: dimension "fit": weight: cannot use JSON string "1" as a number`,
			wantKind: "dimension", wantID: "fit", field: "weight"},
		{name: "list", in: `{"lists":{"targets":["a", 1]}}`,
			want:     `leadscore: config 1:27: list "targets": [1]: cannot use JSON number 1 as a string`,
			wantKind: "list", wantID: "targets", field: "[1]"},
		{name: "stage", in: `{"journey":{"stages":[{"name":"a","sla":"2 days"}]}}`,
			want:     `leadscore: config 1:41: stage "a": sla: invalid duration "2 days": unknown unit " days"`,
			wantKind: "stage", wantID: "a", field: "sla"},
		{name: "transition", in: `{"journey":{"transitions":[{"from":"a","to":"b","on":"call"}]}}`,
			want:     `leadscore: config 1:54: transition "a→b": on: cannot use JSON string "call" as a list of strings`,
			wantKind: "transition", wantID: "a→b", field: "on"},
		{name: "signal", in: `{"signals":[{"kind":"frequent_visits","min":"3"}]}`,
			want:     `leadscore: config 1:45: signal "frequent_visits": min: cannot use JSON string "3" as an integer`,
			wantKind: "signal", wantID: "frequent_visits", field: "min"},
		{name: "outside any item", in: `{"hysteresis":"five"}`,
			want: `leadscore: config 1:15: hysteresis: cannot use JSON string "five" as a number`, field: "hysteresis"},
		{name: "did you mean a key", in: `{"events":[{"id":"pricing","half_lfe":"7d"}]}`,
			want:     `leadscore: config 1:28: event rule "pricing": unknown field "half_lfe" (did you mean "half_life"?)`,
			wantKind: "event rule", wantID: "pricing"},
		{name: "did you mean a top-level key", in: `{"evnts":[]}`,
			want: `leadscore: config 1:2: unknown field "evnts" (did you mean "events"?)`},
		{name: "did you mean a nested key", in: `{"journey":{"stagez":[]}}`,
			want: `leadscore: config 1:13: journey: unknown field "stagez" (did you mean "stages"?)`, field: "journey"},
		{name: "strict_event_types", in: `{"strict_event_types": "yes"}`,
			want: `leadscore: config 1:24: strict_event_types: cannot use JSON string "yes" as true or false`, field: "strict_event_types"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.in))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("ParseConfig = %v, want a *ConfigError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("message\n  %s\nwant\n  %s", err, tt.want)
			}
			if string(ce.Kind) != tt.wantKind || ce.RuleID != tt.wantID || ce.Field != tt.field {
				t.Errorf("Kind %q RuleID %q Field %q, want %q %q %q", ce.Kind, ce.RuleID, ce.Field, tt.wantKind, tt.wantID, tt.field)
			}
		})
	}
}

// jsonDoc builds JSON text and remembers where one key or value was written.
type jsonDoc struct {
	b      strings.Builder
	r      *rand.Rand
	marked int // offset of the marked key or value; -1 before it is written
}

func (d *jsonDoc) space() {
	d.b.WriteString([]string{"", " ", "\n  ", "\t", "\r\n"}[d.r.IntN(5)])
}

// object writes the members, marking the one at index mark (a key when markKey, else its
// value; mark < 0: none).
func (d *jsonDoc) object(keys []string, vals []func(), mark int, markKey bool) {
	d.b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			d.b.WriteByte(',')
		}
		d.space()
		if i == mark && markKey {
			d.marked = d.b.Len()
		}
		d.b.WriteString(strconvQuote(k))
		d.space()
		d.b.WriteByte(':')
		d.space()
		if i == mark && !markKey {
			d.marked = d.b.Len()
		}
		vals[i]()
		d.space()
	}
	d.b.WriteByte('}')
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func (d *jsonDoc) raw(s string) func() { return func() { d.b.WriteString(s) } }

// A property of defect 1's class: in generated configs — items of every kind, with ids that
// repeat key names, an unknown key or a wrongly typed value injected at a random place, the
// same key name often valid elsewhere — the error points at what was injected, and names the
// item it is in.
func TestConfigErrorPositionProperty(t *testing.T) {
	type itemKind struct {
		typ                  reflect.Type
		section, kind, idKey string
		keys                 map[string]string // valid key → a valid JSON value
		wrong                map[string]string // key → a value of the wrong type
	}
	kinds := []itemKind{
		{reflect.TypeFor[Rule](), "rules", "rule", "id", map[string]string{"dimension": `"fit"`, "when": `"true"`, "points": `1`, "max": `3`, "reason": `"x"`},
			map[string]string{"points": `"1"`, "disqualify": `1`, "when": `[]`}},
		{reflect.TypeFor[EventRule](), "events", "event rule", "id", map[string]string{"on": `["page_view"]`, "points": `2`, "half_life": `"7d"`, "once": `true`},
			map[string]string{"half_life": `"7 days"`, "on": `"call"`, "points": `{}`, "once": `"yes"`}},
		{reflect.TypeFor[Tier](), "tiers", "tier", "name", map[string]string{"min": `70`, "handoff": `true`, "when": `"total > 1"`},
			map[string]string{"min": `"70"`, "handoff": `0`}},
		{reflect.TypeFor[Persona](), "personas", "persona", "id", map[string]string{"when": `"true"`, "track": `"t"`},
			map[string]string{"track": `5`}},
		{reflect.TypeFor[SignalConfig](), "signals", "signal", "kind", map[string]string{"min": `3`, "window": `"14d"`, "off": `false`},
			map[string]string{"min": `3.5`, "window": `14`}},
	}
	allKeys := []string{"id", "name", "kind", "points", "half_life", "on", "min", "when", "reason", "track", "window"}
	r := rand.New(rand.NewPCG(7, 11))
	for n := range 3000 {
		d := &jsonDoc{r: r, marked: -1}
		// Which section, item and member get the injection.
		sections := r.Perm(len(kinds))[:1+r.IntN(len(kinds))]
		target := sections[r.IntN(len(sections))]
		items := 1 + r.IntN(3)
		targetItem := r.IntN(items)
		wrongValue := r.IntN(2) == 0
		var wantKind, wantID, wantField string
		var topKeys []string
		var topVals []func()
		for _, si := range sections {
			k := kinds[si]
			topKeys = append(topKeys, k.section)
			topVals = append(topVals, func() {
				d.b.WriteByte('[')
				for it := range items {
					if it > 0 {
						d.b.WriteByte(',')
					}
					d.space()
					// Items repeat key names, also as ids: "on", "points", "id"….
					id := allKeys[r.IntN(len(allKeys))] + fmt.Sprint(it)
					if r.IntN(4) == 0 {
						id = ""
					}
					keys, vals := []string{}, []func(){}
					if id != "" {
						keys, vals = append(keys, k.idKey), append(vals, d.raw(strconvQuote(id)))
					}
					for _, key := range slices.Sorted(mapKeys(k.keys)) {
						if r.IntN(2) == 0 {
							keys, vals = append(keys, key), append(vals, d.raw(k.keys[key]))
						}
					}
					mark := -1
					if si == target && it == targetItem {
						wantKind, wantID = k.kind, id
						if id == "" {
							wantID = fmt.Sprintf("%s[%d]", k.section, it)
						}
						wrongKeys := slices.Sorted(mapKeys(k.wrong))
						var key, val string
						if wrongValue {
							key = wrongKeys[r.IntN(len(wrongKeys))]
							val = k.wrong[key]
							wantField = key
							if i := slices.Index(keys, key); i >= 0 { // the key once, wrongly
								keys, vals = slices.Delete(keys, i, i+1), slices.Delete(vals, i, i+1)
							}
						} else {
							// A key valid in other items, or a near miss of a valid one.
							for _, known := fieldByJSONName(jsonFields(k.typ), key); key == "" || known; _, known = fieldByJSONName(jsonFields(k.typ), key) {
								key = allKeys[r.IntN(len(allKeys))]
								if r.IntN(3) == 0 {
									key += "x"
								}
							}
							val, wantField = `1`, ""
						}
						mark = r.IntN(len(keys) + 1)
						keys = slices.Insert(keys, mark, key)
						vals = slices.Insert(vals, mark, d.raw(val))
					}
					d.object(keys, vals, mark, !wrongValue)
				}
				d.space()
				d.b.WriteByte(']')
			})
		}
		d.object(topKeys, topVals, -1, false)
		data := []byte(d.b.String())
		_, err := ParseConfig(data)
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Fatalf("#%d: ParseConfig = %v, want a *ConfigError\n%s", n, err, data)
		}
		line, col := 1+strings.Count(string(data[:d.marked]), "\n"), d.marked-strings.LastIndexByte(string(data[:d.marked]), '\n')
		if ce.Line != line || ce.Column != col || string(ce.Kind) != wantKind || ce.RuleID != wantID || ce.Field != wantField {
			t.Fatalf("#%d: %v\nat %d:%d %s %q %q, want %d:%d %s %q %q\n%s", n, err, ce.Line, ce.Column, ce.Kind, ce.RuleID, ce.Field,
				line, col, wantKind, wantID, wantField, data)
		}
	}
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// 3: every expression error is a RuleError naming its item, whatever the item's kind.
func TestExpressionErrorsNameTheirItem(t *testing.T) {
	bad := `lead.Titel == ""`
	snippet := "\n | lead.Titel == \"\"\n | .....^"
	journey := func(tc TransitionConfig) Journey {
		return Journey{Stages: []StageConfig{{Name: "a"}, {Name: "b"}}, Transitions: []TransitionConfig{tc}}
	}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"rule when", Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: bad}}}, `leadscore: rule "r": when 1:6: type leadscore.Lead has no field Titel (did you mean Title?)`},
		{"rule value", Config{Rules: []Rule{{ID: "r", Dimension: Fit, Value: `lead.Titel`}}}, ""},
		{"event rule", Config{Events: []EventRule{{ID: "e", When: bad, Points: 1}}}, `leadscore: event rule "e": when 1:6: type leadscore.Lead has no field Titel (did you mean Title?)`},
		{"tier", Config{Tiers: []Tier{{Name: "hot", Min: Float(1), When: bad}, {Name: "cold"}}}, `leadscore: tier "hot": when 1:6: type leadscore.Lead has no field Titel (did you mean Title?)`},
		{"persona", Config{Personas: []Persona{{ID: "p", When: bad}, {ID: "q"}}}, `leadscore: persona "p": when 1:6: type leadscore.Lead has no field Titel (did you mean Title?)`},
		{"signal", Config{Signals: []SignalConfig{{Kind: "mine", When: bad}}}, `leadscore: signal "mine": when 1:6: type leadscore.Lead has no field Titel (did you mean Title?)`},
		{"transition", Config{Journey: journey(TransitionConfig{From: "a", To: "b", When: bad})}, `leadscore: transition "a→b": when 1:6: type leadscore.Lead has no field Titel (did you mean Title?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile[Lead](tt.cfg)
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("Compile = %v, want a *RuleError", err)
			}
			if re.RuleID == "" || re.Kind == "" || re.Field == "" || re.Line != 1 || re.Column != 6 {
				t.Errorf("%+v: want kind, id, field and 1:6", re)
			}
			if tt.want != "" && re.Error() != tt.want+snippet {
				t.Errorf("message\n  %s\nwant\n  %s", re, tt.want+snippet)
			}
		})
	}
	// Unnamed items are named by their position, as their other errors are.
	for _, tt := range []struct {
		cfg    Config
		kind   string
		wantID string
	}{
		{Config{Tiers: []Tier{{When: bad}}}, "tier", "tiers[0]"},
		{Config{Journey: Journey{Stages: []StageConfig{{Name: "a"}}, Transitions: []TransitionConfig{{From: "a", When: bad}}}}, "transition", "transitions[0]"},
	} {
		found := false
		for _, e := range compileErrors(t, tt.cfg) {
			if string(e.Kind) == tt.kind && e.Field == "when" {
				found = true
				if e.RuleID != tt.wantID {
					t.Errorf("%s when error names %q, want %q", tt.kind, e.RuleID, tt.wantID)
				}
			}
		}
		if !found {
			t.Errorf("no %s when error", tt.kind)
		}
	}
}

// crmLead is a caller's own lead type, with the names of case files' snake_case keys in Go
// case.
type crmLead struct {
	JobTitle  string
	Employees int
	Company   crmCompany
	Tags      []string
}

type crmCompany struct{ Domain string }

// 4: did you mean, for every kind of name an expression or a rule set gives.
func TestDidYouMean(t *testing.T) {
	journey := func(tc TransitionConfig) Journey {
		return Journey{Stages: []StageConfig{{Name: "a"}, {Name: "b"}}, Transitions: []TransitionConfig{tc}}
	}
	rule := func(when string) Config { return Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: when}}} }
	tier := func(when string) Config { return Config{Tiers: []Tier{{Name: "hot", When: when}}} }
	event := func(when string) Config { return Config{Events: []EventRule{{ID: "e", When: when, Points: 1}}} }
	tests := []struct {
		name string
		cfg  Config
		want string // the first line of the message
	}{
		{"snake_case field of a nested struct", rule(`lead.employees > 10`),
			`leadscore: rule "r": when 1:6: type leadscore.Lead has no field employees (did you mean Company.Employees?)`},
		{"near miss", rule(`lead.Company.employes > 10`),
			`leadscore: rule "r": when 1:14: type leadscore.Company has no field employes (did you mean Employees?)`},
		{"a chain in the wrong case", rule(`lead.company.domain == ""`),
			`leadscore: rule "r": when 1:6: type leadscore.Lead has no field company (did you mean Company.Domain?)`},
		{"through a map", rule(`lead.traits.tags == nil`),
			`leadscore: rule "r": when 1:6: type leadscore.Lead has no field traits (did you mean Traits.tags?)`},
		{"event field", event(`event.path == "/pricing"`),
			`leadscore: event rule "e": when 1:7: type leadscore.Event has no field path (did you mean Path?)`},
		{"function", rule(`senority(lead.Title) == "vp"`),
			`leadscore: rule "r": when 1:1: unknown name senority (did you mean seniority?)`},
		{"function in camel case", rule(`daysSince("call") < 3`),
			`leadscore: rule "r": when 1:1: unknown name daysSince (did you mean days_since?)`},
		{"a function of another scope is no suggestion", rule(`has_signl("competitor")`),
			`leadscore: rule "r": when 1:1: unknown name has_signl`},
		{"a function of this scope", tier(`has_signl("competitor")`),
			`leadscore: tier "hot": when 1:1: unknown name has_signl (did you mean has_signal?)`},
		{"variable", event(`evnt.Path == ""`),
			`leadscore: event rule "e": when 1:1: unknown name evnt (did you mean event?)`},
		{"a variable of another scope is no suggestion", rule(`evnt.Path == ""`),
			`leadscore: rule "r": when 1:1: unknown name evnt`},
		{"score", tier(`totl > 3`), `leadscore: tier "hot": when 1:1: unknown name totl (did you mean total?)`},
		{"event type in count", rule(`count("page_veiw", "7d") > 1`),
			`leadscore: rule "r": when 1:7: unknown event type "page_veiw" (did you mean "page_view"?)`},
		{"event type in days_since", rule(`days_since("emial_click") < 3`),
			`leadscore: rule "r": when 1:12: unknown event type "emial_click" (did you mean "email_click"?)`},
		{"event type in on", Config{Events: []EventRule{{ID: "e", On: []string{"page_veiw"}, Points: 1}}},
			`leadscore: event rule "e": on: unknown event type "page_veiw" (did you mean "page_view"?)`},
		{"event type in a transition", Config{Journey: journey(TransitionConfig{From: "a", To: "b", On: []string{"demo_reqest"}})},
			`leadscore: transition "a→b": on: unknown event type "demo_reqest" (did you mean "demo_request"?)`},
		{"a declared type", Config{EventTypes: []string{"trial_started"}, Rules: []Rule{{ID: "r", Dimension: Fit, When: `count("trial_start", "7d") > 0`}}},
			`leadscore: rule "r": when 1:7: unknown event type "trial_start" (did you mean "trial_started"?)`},
		{"no type near", rule(`count("zzz", "7d") > 1`),
			`leadscore: rule "r": when 1:7: unknown event type "zzz" (declare custom types in the config's event_types)`},
		{"signal kind", tier(`has_signal("competitr")`),
			`leadscore: tier "hot": when 1:12: has_signal: unknown signal kind "competitr" (did you mean "competitor"?)`},
		{"signal config kind", Config{Signals: []SignalConfig{{Kind: "competitr"}}},
			`leadscore: signal "competitr": when: unknown built-in signal kind (did you mean "competitor"?); a custom signal needs a when expression`},
		{"list", Config{Lists: map[string][]string{"competitors": {"x"}}, Rules: []Rule{{ID: "r", Dimension: Fit, When: `listed("competitrs", lead.Email)`}}},
			`leadscore: rule "r": when 1:8: listed: no list "competitrs" in the config's lists (did you mean "competitors"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile[Lead](tt.cfg)
			if err == nil {
				t.Fatal("compiled")
			}
			if first, _, _ := strings.Cut(err.Error(), "\n"); first != tt.want {
				t.Errorf("message\n  %s\nwant\n  %s", first, tt.want)
			}
		})
	}
	// A caller's own lead type: Go names for the snake_case keys of its JSON.
	for when, want := range map[string]string{
		`lead.job_title == ""`:      `type leadscore.crmLead has no field job_title (did you mean JobTitle?)`,
		`lead.employees > 3`:        `type leadscore.crmLead has no field employees (did you mean Employees?)`,
		`lead.company.domain == ""`: `type leadscore.crmLead has no field company (did you mean Company.Domain?)`,
		`lead.Company.domian == ""`: `type leadscore.crmCompany has no field domian (did you mean Domain?)`,
	} {
		_, err := Compile[crmLead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: when}}})
		var re *RuleError
		if !errors.As(err, &re) {
			t.Fatalf("%s: %v", when, err)
		}
		var msg string
		if i := strings.Index(re.Error(), ": when 1:"); i > 0 {
			msg, _, _ = strings.Cut(re.Error()[i:], "\n")
			msg = msg[strings.Index(msg, " type ")+1:]
		}
		if msg != want {
			t.Errorf("%s: %q, want %q", when, msg, want)
		}
		// The position and snippet are expr's: the suggestion goes before the snippet.
		if re.Line != 1 || re.Column < 6 || !strings.Contains(re.Error(), "\n | "+when+"\n | ") {
			t.Errorf("%s: position %d:%d, snippet lost: %s", when, re.Line, re.Column, re)
		}
	}
}

var didYouMean = regexp.MustCompile(`\(did you mean "?([^"?]+)"?\?\)`)

// A property of defect 4's class: a suggestion is always a valid name where it is written.
// Valid expressions have one name misspelt at random (case, underscores, a rune dropped,
// doubled, swapped or changed); where the error suggests a name, writing it there compiles.
func TestDidYouMeanSuggestsOnlyValidNames(t *testing.T) {
	type source struct {
		scope    string   // "rule", "event", "tier"
		segments []string // a path read as string(path) != "", or a call (one segment, the callee)
		call     string   // the call's argument list, for a callee
	}
	sources := []source{
		{"rule", []string{"lead", "Company", "Employees"}, ""},
		{"rule", []string{"lead", "Company", "ServiceCenters"}, ""},
		{"rule", []string{"lead", "BANT", "Budget"}, ""},
		{"rule", []string{"lead", "CustomerSince"}, ""},
		{"rule", []string{"lead", "PostalCode"}, ""},
		{"rule", []string{"lead", "AvgOrderValue"}, ""},
		{"event", []string{"event", "Category"}, ""},
		{"event", []string{"event", "Properties"}, ""},
		{"tier", []string{"fresh_handoff"}, ""},
		{"tier", []string{"days_in_stage"}, ""},
		{"rule", []string{"seniority"}, "(lead.Title)"},
		{"rule", []string{"department"}, "(lead.Title)"},
		{"rule", []string{"free_email"}, "(lead.Email)"},
		{"rule", []string{"days_since"}, `("call")`},
		{"tier", []string{"has_signal"}, `("competitor")`},
		{"rule", []string{"trimPrefix"}, `(lead.Title, "x")`},
	}
	compile := func(scope, expr string) error {
		cfg := Config{}
		switch scope {
		case "rule":
			cfg.Rules = []Rule{{ID: "r", Dimension: Fit, When: expr}}
		case "event":
			cfg.Events = []EventRule{{ID: "e", When: expr, Points: 1}}
		case "tier":
			cfg.Tiers = []Tier{{Name: "t", When: expr}}
		}
		_, err := Compile[Lead](cfg)
		return err
	}
	build := func(src source, segs []string) string {
		if src.call != "" {
			return fmt.Sprintf("string(%s%s) != \"\"", strings.Join(segs, "."), src.call)
		}
		return fmt.Sprintf("string(%s) != \"\"", strings.Join(segs, "."))
	}
	r := rand.New(rand.NewPCG(3, 5))
	suggested := 0
	for n := range 2000 {
		src := sources[r.IntN(len(sources))]
		if err := compile(src.scope, build(src, src.segments)); err != nil {
			t.Fatalf("the valid %s does not compile: %v", build(src, src.segments), err)
		}
		segs := slices.Clone(src.segments)
		k := r.IntN(len(segs))
		segs[k] = misspell(r, segs[k])
		expr := build(src, segs)
		err := compile(src.scope, expr)
		if err == nil {
			continue
		}
		m := didYouMean.FindStringSubmatch(err.Error())
		if m == nil {
			continue
		}
		suggested++
		// The suggestion replaces the failing name: find it by the error's column.
		var re *RuleError
		if !errors.As(err, &re) || re.Line != 1 {
			t.Fatalf("#%d %s: %v", n, expr, err)
		}
		at := re.Column - 1 - len("string(")
		fixed, pos := []string{}, 0
		for i, s := range segs {
			if pos == at {
				fixed = append(fixed, strings.Split(m[1], ".")...)
				break
			}
			fixed = append(fixed, s)
			pos += len(s) + 1
			if i == len(segs)-1 {
				t.Fatalf("#%d %s: no name at column %d: %v", n, expr, re.Column, err)
			}
		}
		again := build(src, fixed)
		if err := compile(src.scope, again); err != nil {
			t.Fatalf("#%d: %s suggests %q, but %s does not compile: %v", n, expr, m[1], again, err)
		}
	}
	if suggested < 500 {
		t.Errorf("only %d of 2,000 misspellings got a suggestion", suggested)
	}
}

// misspell changes s as a typist might: case, underscores, a rune dropped, doubled, swapped or
// changed.
func misspell(r *rand.Rand, s string) string {
	b := []byte(s)
	i := r.IntN(len(b))
	switch r.IntN(7) {
	case 0:
		return strings.ToLower(s)
	case 1:
		var out strings.Builder
		for j, c := range s {
			if j > 0 && 'A' <= c && c <= 'Z' {
				out.WriteByte('_')
			}
			out.WriteRune(c)
		}
		return strings.ToLower(out.String())
	case 2:
		return string(slices.Delete(b, i, i+1))
	case 3:
		return string(slices.Insert(b, i, b[i]))
	case 4:
		if i+1 < len(b) {
			b[i], b[i+1] = b[i+1], b[i]
		}
		return string(b)
	case 5:
		b[i] = "abcdefghijklmnopqrstuvwxyz"[r.IntN(26)]
		return string(b)
	}
	return strings.ReplaceAll(s, "_", "")
}

// The same for event types, signal kinds and config keys: a suggestion is a known one.
func TestDidYouMeanNamesAreKnown(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 1))
	types := append(EventTypes(), "trial_started")
	keys := []string{"dimension", "when", "points", "value", "max", "reason", "disqualify"}
	for n := range 1500 {
		typ := misspell(r, types[r.IntN(len(types))])
		_, err := Compile[Lead](Config{EventTypes: []string{"trial_started"},
			Rules: []Rule{{ID: "r", Dimension: Fit, When: fmt.Sprintf("count(%q, \"7d\") >= 0", typ)}}})
		if m := didYouMean.FindStringSubmatch(fmt.Sprint(err)); m != nil && !slices.Contains(types, m[1]) {
			t.Fatalf("#%d: %q suggests %q, no known type", n, typ, m[1])
		}
		kind := misspell(r, builtinSignalKinds[r.IntN(len(builtinSignalKinds))])
		_, err = Compile[Lead](Config{Tiers: []Tier{{Name: "t", When: fmt.Sprintf("has_signal(%q)", kind)}}})
		if m := didYouMean.FindStringSubmatch(fmt.Sprint(err)); m != nil && !slices.Contains(builtinSignalKinds, m[1]) {
			t.Fatalf("#%d: %q suggests %q, no signal kind", n, kind, m[1])
		}
		key := misspell(r, keys[r.IntN(len(keys))])
		src := fmt.Sprintf(`{"rules": [{"id": "r", %q: 1}]}`, key)
		_, err = ParseConfig([]byte(src))
		if m := didYouMean.FindStringSubmatch(fmt.Sprint(err)); m != nil {
			fixed := strings.Replace(src, strconvQuote(key), strconvQuote(m[1]), 1)
			if _, err := ParseConfig([]byte(fixed)); err != nil && strings.Contains(err.Error(), "unknown field") {
				t.Fatalf("#%d: %q suggests %q, which is no key either: %v", n, key, m[1], err)
			}
		}
	}
}

// 5: event types under a strict vocabulary, and warnings without one.
func TestStrictEventTypes(t *testing.T) {
	cfg := Config{
		StrictEventTypes: true, EventTypes: []string{"trial_started"},
		Events: []EventRule{{ID: "any", Points: 1}},
	}
	s := compileT(t, cfg)
	var st State
	_, err := s.Observe(Lead{}, &st, ev("page_veiw", t0))
	if !errors.Is(err, ErrUnknownEventType) {
		t.Fatalf("Observe of an unknown type: %v, want ErrUnknownEventType", err)
	}
	const want = `leadscore: unknown event type "page_veiw" (did you mean "page_view"?): strict_event_types takes only the built-in types and the config's event_types`
	if err.Error() != want {
		t.Errorf("message\n  %s\nwant\n  %s", err, want)
	}
	if ok, err := s.Accumulate(Lead{}, &st, ev("trial_startd", t0)); ok || !errors.Is(err, ErrUnknownEventType) || !strings.Contains(err.Error(), `(did you mean "trial_started"?)`) {
		t.Errorf("Accumulate of an unknown type: %v %v", ok, err)
	}
	if st.Clock() != new(State).Clock() {
		t.Error("a refused event changed the State")
	}
	// Known types, built in or declared, are taken.
	res := observeT(t, s, Lead{}, &st, ev(EventPageView, t0), ev("trial_started", t0.Add(1)))
	if res.Engagement != 2 {
		t.Errorf("engagement %v, want 2", res.Engagement)
	}
	// Without the flag any type is taken, and seen by rules without on.
	cfg.StrictEventTypes = false
	res = observeT(t, compileT(t, cfg), Lead{}, &State{}, ev("page_veiw", t0))
	if res.Engagement != 1 {
		t.Errorf("non-strict: engagement %v, want 1", res.Engagement)
	}

	// A comparison of event.Type with an unknown type: an error under strict, else a warning
	// when it looks like a misspelling.
	cmp := Config{Events: []EventRule{{ID: "e", When: `event.Type in ["page_view", "emial_click"]`, Points: 1}}}
	w := compileT(t, cmp).Warnings()
	wantWarning := `event rule "e": when: event.Type is compared with "emial_click", which is no known event type (did you mean "email_click"?): no event of a known type matches it`
	if len(w) != 1 || w[0].String() != wantWarning {
		t.Errorf("warnings %v, want [%s]", w, wantWarning)
	}
	cmp.StrictEventTypes = true
	errs := compileErrors(t, cmp)
	wantErr := `leadscore: event rule "e": when 1:29: event.Type is compared with "emial_click", a type strict_event_types does not know (did you mean "email_click"?)` +
		"\n | event.Type in [\"page_view\", \"emial_click\"]\n | ............................^"
	if len(errs) != 1 || errs[0].Error() != wantErr {
		t.Errorf("errors %v, want [%s]", asErrors(errs), wantErr)
	}
	// A declared type that looks like a misspelt built-in one: a warning, strict or not.
	for _, strict := range []bool{false, true} {
		w := compileT(t, Config{StrictEventTypes: strict, EventTypes: []string{"page_veiw", "trial_started"}}).Warnings()
		want := `config "event_types": declared event type "page_veiw" is not built in (did you mean "page_view"?): rules on "page_veiw" never see "page_view" events`
		if len(w) != 1 || w[0].String() != want {
			t.Errorf("strict %v: warnings %v, want [%s]", strict, w, want)
		}
	}
	// The flag reads from JSON.
	parsed, err := ParseConfig([]byte(`{"strict_event_types": true}`))
	if err != nil || !parsed.StrictEventTypes {
		t.Errorf("ParseConfig: %v %v", parsed.StrictEventTypes, err)
	}
}

// 6: count is overloaded — count(type, window) counts events, count(array, predicate) is
// expr's built-in.
func TestCountOverload(t *testing.T) {
	lead := Lead{Traits: map[string]any{"tags": []any{"x", "y", "x"}}}
	for _, tt := range []struct {
		value string
		want  float64
	}{
		{`count([1, 2, 3], # > 1)`, 2},
		{`count([1, 2, 3], {# > 1})`, 2},
		{`count(lead.Traits.tags, # == "x")`, 2},
		{`[1, 2, 3] | count(# >= 1)`, 3},
		{`count([true, false, true])`, 2},
		{`count(["page_view"], # == "page_view")`, 1},
		{`count("page_view", "7d")`, 1},
		{`count("page_view", "7d") + count([1, 2], # > 0) * 10`, 21},
	} {
		s := compileT(t, Config{Rules: []Rule{{ID: "n", Dimension: Engagement, Value: tt.value}}})
		var st State
		observeT(t, s, lead, &st, ev(EventPageView, t0))
		if r := scoreT(t, s, lead, &st, t0); r.Engagement != tt.want || len(r.Errors) > 0 {
			t.Errorf("%s = %v %v, want %v", tt.value, r.Engagement, r.Errors, tt.want)
		}
	}
	// Only the event count is a slot read on the fast path; the array count is a loop,
	// charged to the step budget, and costed.
	s := compileT(t, Config{Rules: []Rule{
		{ID: "events", Dimension: Engagement, When: `count("page_view", "7d") > 2`, Points: 1},
		{ID: "array", Dimension: Engagement, When: `count(lead.Traits.tags, # == "x") > 2`, Points: 1},
	}})
	if p := s.rules[0].when; p.fastBool == nil || p.charged {
		t.Errorf("count(type, window): fast %v, charged %v; want fast and uncharged", p.fastBool != nil, p.charged)
	}
	if p := s.rules[1].when; p.fastBool != nil || !p.charged {
		t.Errorf("count(array, predicate): fast %v, charged %v; want charged on the VM", p.fastBool != nil, p.charged)
	}
	if c := s.Costs(); !c[1].Charged || c[1].Steps <= c[0].Steps {
		t.Errorf("Costs %v: the array count is charged and costs more", c)
	}
	// An event rule may count an array (it is not the lead's history).
	compileT(t, Config{Events: []EventRule{{ID: "e", When: `count(event.Properties.skus ?? [], # == "a") > 0`, Points: 1}}})
	// count(type, window) keeps its errors; count(array, …) gets expr's.
	for when, want := range map[string]string{
		`count(lead.Source, "7d") > 1`: `count: the event type must be a string constant`,
		`count("page_view") > 1`:       `count takes 2 arguments, got 1`,
		`count(lead.Age, # > 1) > 1`:   `builtin count takes only array (got int); count(type, window) counts events and takes a constant type, such as count("page_view", "14d")`,
		`count([1], # > "a") > 0`:      `invalid operation: > (mismatched types int and string)`,
	} {
		_, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: when}}})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", when, err, want)
		}
	}
	// Limits.Builtins allows or refuses expr's count; leadscore's is not a built-in.
	restricted := WithLimits(Limits{Builtins: []string{"len"}})
	compileT(t, Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: `count("page_view", "7d") > 1`}}}, restricted)
	if _, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: `count([1], # > 0) > 0`}}}, restricted); err == nil ||
		!strings.Contains(err.Error(), "built-in count is not allowed") {
		t.Errorf("count(array, …) without the built-in: %v", err)
	}
	// A huge array count stops at the step budget.
	s = compileT(t, Config{Rules: []Rule{{ID: "huge", Dimension: Fit, When: `count(1..1000, {count(1..1000, {# > 0}) == 1000}) == 1000`, Points: 1}}})
	r := scoreT(t, s, Lead{}, &State{}, t0)
	if len(r.Errors) != 1 || !errors.Is(r.Errors[0], errStepBudget) {
		t.Errorf("huge count: %v, want a step-budget error", r.Errors)
	}
}

// A property of defect 6's class: on generated arrays and predicates, leadscore's count agrees
// with expr's built-in.
func TestCountOverloadAgreesWithExpr(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	preds := []string{`# > %d`, `# < %d`, `# == %d`, `# %% 2 == %d %% 2`, `# != %d && # > 0`, `{# >= %d}`}
	for n := range 300 {
		xs := make([]any, r.IntN(40))
		for i := range xs {
			xs[i] = r.IntN(10) - 3
		}
		pred := fmt.Sprintf(preds[r.IntN(len(preds))], r.IntN(8)-2)
		src := fmt.Sprintf("count(lead.Traits.xs, %s)", pred)
		want, err := expr.Eval(src, map[string]any{"lead": map[string]any{"Traits": map[string]any{"xs": xs}}})
		if err != nil {
			t.Fatalf("expr: %s: %v", src, err)
		}
		s := compileT(t, Config{Rules: []Rule{{ID: "n", Dimension: Fit, Value: src}}})
		res := scoreT(t, s, Lead{Traits: map[string]any{"xs": xs}}, &State{}, t0)
		if len(res.Errors) > 0 || res.Fit != float64(want.(int)) {
			t.Fatalf("#%d %s over %v: leadscore %v %v, expr %v", n, src, xs, res.Fit, res.Errors, want)
		}
	}
}
