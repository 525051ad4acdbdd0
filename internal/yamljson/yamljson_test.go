package yamljson

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// halfLife takes a JSON string only, as leadscore.Duration does.
type halfLife string

func (h *halfLife) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '"' {
		return fmt.Errorf(`leadscore: duration must be a string such as "14d", got %s`, b)
	}
	return json.Unmarshal(b, (*string)(h))
}

// level is an encoding.TextUnmarshaler.
type level int

func (l *level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low", "high":
		return nil
	}
	return fmt.Errorf("unknown level %q", b)
}

type testRule struct {
	ID     string            `json:"id"`
	Points float64           `json:"points"`
	Count  int               `json:"count"`
	Small  uint8             `json:"small"`
	Ratio  float32           `json:"ratio"`
	On     []string          `json:"on"`
	Off    bool              `json:"off"`
	Half   halfLife          `json:"half_life"`
	Level  level             `json:"level"`
	Quoted int               `json:"quoted,string"`
	Tags   map[string]int    `json:"tags"`
	ByNum  map[int]string    `json:"by_num"`
	Extra  any               `json:"extra"`
	Ptr    *float64          `json:"ptr"`
	Data   []byte            `json:"data"`
	Nested map[string]string `json:"nested"`
	Plain  string            // no tag: the key is the field's name
}

type testDoc struct {
	Name  string     `json:"name"`
	Rules []testRule `json:"rules"`
}

var (
	anyType = reflect.Type(nil)
	docType = reflect.TypeFor[testDoc]()
)

func TestConvert(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		t    reflect.Type
		json string
	}{
		{"YAML 1.2: on is a key", "on: [page_view]\n", anyType, `{"on":["page_view"]}`},
		{"YAML 1.2: no is a string", "id: no\nok: yes\nt: true\n", anyType, `{"id":"no","ok":"yes","t":true}`},
		{"plain scalars bound for strings", "rules:\n  - id: 2024\n    Plain: 1.5\n  - id: true\n    nested: {a: null, b: 0x1F}\n", docType,
			`{"rules":[{"id":"2024","Plain":"1.5"},{"id":"true","nested":{"a":null,"b":"0x1F"}}]}`},
		{"numbers", "[0x1F, 0o17, 1_000, 1.5e3, -0.0, .5, 12345678901234567890]\n", anyType, `[31,15,1000,1500,0,0.5,12345678901234567890]`},
		{"times and binary stay text", "at: 2026-03-02\nb: !!binary aGk=\n", anyType, `{"at":"2026-03-02","b":"aGk="}`},
		{"typed values", "rules:\n- {count: 3, small: 255, ratio: 0.5, off: false, half_life: 14d, level: high, quoted: 5, tags: {a: 1}, by_num: {7: x}, ptr: ~, data: aGk=}\n", docType,
			`{"rules":[{"count":3,"small":255,"ratio":0.5,"off":false,"half_life":"14d","level":"high","quoted":"5","tags":{"a":1},"by_num":{"7":"x"},"ptr":null,"data":"aGk="}]}`},
		{"anchors and merges", "base: &b {points: 1, on: [x]}\nover: &o {points: 3, id: o}\nr:\n  <<: [*o, *b]\n  id: r\ncopy: *b\n", anyType,
			`{"base":{"points":1,"on":["x"]},"over":{"points":3,"id":"o"},"r":{"id":"r","points":3,"on":["x"]},"copy":{"points":1,"on":["x"]}}`},
		{"empty", "", docType, `null`},
		{"comments only", "# nothing\n", anyType, `null`},
		{"JSON is YAML", `{"name": "x", "rules": [{"id": "a", "points": 2}]}`, docType, `{"name":"x","rules":[{"id":"a","points":2}]}`},
		{"escapes", "s: \"tab\\there \\\"q\\\" \\u00e9 \\x7f\"\n", anyType, `{"s":"tab\there \"q\" é \u007f"}`},
		{"keys match fields as encoding/json does", "NAME: x\nrules: [{ID: a}]\n", docType, `{"NAME":"x","rules":[{"ID":"a"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Convert([]byte(tc.yaml), tc.t)
			if err != nil {
				t.Fatal(err)
			}
			if string(d.JSON) != tc.json {
				t.Errorf("got  %s\nwant %s", d.JSON, tc.json)
			}
			if tc.t != nil {
				v := reflect.New(tc.t).Interface()
				dec := json.NewDecoder(strings.NewReader(string(d.JSON)))
				dec.DisallowUnknownFields()
				if err := dec.Decode(v); err != nil {
					t.Errorf("encoding/json rejects it: %v", err)
				}
			}
		})
	}
}

func TestConvertErrors(t *testing.T) {
	laughs := "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e]\n" +
		"g: [*f, *f, *f, *f, *f, *f, *f, *f]\n"
	for _, tc := range []struct {
		name string
		yaml string
		t    reflect.Type
		want string // every error, one a line
	}{
		// The parser's own errors: its line, at the line's first character.
		{"syntax", "name: x\nrules: [1\n", docType, "2:1: did not find expected ',' or ']'"},
		{"indentation", "a: 1\n  b: 2\n", anyType, "2:3: mapping values are not allowed in this context"},
		{"indentation in a list", "name: x\nrules:\n  - id: exec\n    points: 1\n   when: x\n", docType, "5:4: did not find expected '-' indicator"},
		{"indentation in a mapping", "a:\n  b: 1\n  c: 2\n d: 3\n", anyType, "4:2: did not find expected key"},
		{"unclosed list at the end", "a: [1, 2\n", anyType, "2:1: did not find expected ',' or ']'"},
		{"tab", "a:\n\tb: 1\n", anyType, "2:1: found character that cannot start any token"},
		{"unknown anchor", "a: 1\nb: *x\n", anyType, "2:4: unknown anchor 'x' referenced"},
		{"control character", "a: b\x01\n", anyType, "1:5: control characters are not allowed"},
		{"second document", "a: 1\n---\nb: 2\n", anyType, "3:1: a second YAML document: the file holds one (remove the ---)"},
		{"aliases that explode", laughs, anyType, fmt.Sprintf("1:1: aliases expand the document to more than %d bytes", 64*len(laughs)+1<<20)},

		// What does not fit the type: all of it, at once, in order.
		{"unknown keys, all of them", "name: x\nnmae: y\nrules:\n  - id: a\n    pionts: 1\n    points: 2\n  - {id: b, onn: [x]}\n", docType,
			"2:1: unknown field \"nmae\" (did you mean \"name\"?)\n5:5: rules[0]: unknown field \"pionts\" (did you mean \"points\"?)\n7:13: rules[1]: unknown field \"onn\" (did you mean \"on\"?)"},
		{"column in bytes", "rules:\n  - {id: é, poïnts: 1}\n", docType, "2:14: rules[0]: unknown field \"poïnts\" (did you mean \"points\"?)"},
		{"duplicate key", "name: a\nrules: []\nname: b\n", docType, "3:1: key \"name\" is already defined on line 1"},
		{"string for a number", "rules: [{points: ten}]\n", docType, "1:18: rules[0].points: expected a number, got the string \"ten\""},
		{"quoted number", "rules: [{count: \"5\"}]\n", docType, "1:17: rules[0].count: expected a whole number, got the string \"5\""},
		{"fraction for a whole number", "rules: [{count: 1.5}]\n", docType, "1:17: rules[0].count: expected a whole number, got the number 1.5"},
		{"out of range", "rules: [{small: 256}]\n", docType, "1:17: rules[0].small: the number 256 is out of range"},
		{"negative for unsigned", "rules: [{small: -1}]\n", docType, "1:17: rules[0].small: expected a whole number of at least 0, got the number -1"},
		{"float32 out of range", "rules: [{ratio: 1e40}]\n", docType, "1:17: rules[0].ratio: the number 1e40 is out of range"},
		{"YAML 1.1 boolean", "rules: [{off: yes}]\n", docType,
			"1:15: rules[0].off: expected true or false, got the string \"yes\" (YAML 1.2 reads only true and false as booleans)"},
		{"string for a boolean", "rules: [{off: maybe}]\n", docType, "1:15: rules[0].off: expected true or false, got the string \"maybe\""},
		{"mapping for a list", "rules: [{on: {a: 1}}]\n", docType, "1:14: rules[0].on: expected a list, got a mapping"},
		{"scalar for a list", "rules: page_view\n", docType, "1:8: rules: expected a list, got the string \"page_view\""},
		{"list for a string", "name: [a]\n", docType, "1:7: name: expected a string, got a list"},
		{"time for a number", "rules: [{points: 2026-03-02}]\n", docType, "1:18: rules[0].points: expected a number, got the time 2026-03-02"},
		{"json.Unmarshaler's verdict", "rules:\n  - id: pricing\n    half_life: 30\n", docType,
			"3:16: rules[0].half_life: duration must be a string such as \"14d\", got 30"},
		{"TextUnmarshaler's verdict", "rules: [{level: medium}]\n", docType, "1:17: rules[0].level: unknown level \"medium\""},
		{"infinity", "rules: [{ptr: .inf}]\nx: .nan\n", docType, "1:15: rules[0].ptr: .inf is not a number JSON can hold\n2:1: unknown field \"x\""},
		{"NaN anywhere", "[.nan]\n", anyType, "1:2: [0]: .nan is not a number JSON can hold"},
		{"bad tag", "a: !!int abc\n", anyType, "1:4: a: cannot decode !!str `abc` as a !!int"},
		{"list as a key", "? [a]\n: 1\n", anyType, "1:3: a key must be a single value, not a list"},
		{"key of a map of numbers", "rules: [{by_num: {x: a}}]\n", docType, "1:19: rules[0].by_num: key \"x\" is not a whole number"},
		{"alias inside itself", "a: &a [*a]\n", anyType, "1:8: a[0]: alias *a is inside its own anchor's value"},
		{"merge of a scalar", "a: {<<: 1}\n", anyType, "1:9: a: a merge key (<<) takes a mapping or a list of mappings, not the number 1"},
		{"an alias's problem, once", "rules:\n  - &r {id: a, off: yes}\n  - *r\n", docType,
			"2:21: rules[0].off: expected true or false, got the string \"yes\" (YAML 1.2 reads only true and false as booleans)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Convert([]byte(tc.yaml), tc.t)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Column < 1 {
				t.Errorf("not positioned: %#v", err)
			}
		})
	}
}

func TestDocPositions(t *testing.T) {
	src := "name: x\nrules:\n  - id: pricing\n    points: 5\n  - id: demo\n"
	d, err := Convert([]byte(src), docType)
	if err != nil {
		t.Fatal(err)
	}
	// {"name":"x","rules":[{"id":"pricing","points":5},{"id":"demo"}]}
	for _, tc := range []struct {
		find string // the JSON text whose first byte is looked up
		pos  Pos
	}{
		{`{"name"`, Pos{1, 1, nil}},
		{`"name"`, Pos{1, 1, Path{"name"}}},
		{`"x"`, Pos{1, 7, Path{"name"}}},
		{`[{"id"`, Pos{3, 3, Path{"rules"}}},
		{`{"id":"pricing"`, Pos{3, 5, Path{"rules", 0}}},
		{`"pricing"`, Pos{3, 9, Path{"rules", 0, "id"}}},
		{`5}`, Pos{4, 13, Path{"rules", 0, "points"}}},
		{`,{"id":"demo"`, Pos{3, 3, Path{"rules"}}},
		{`"demo"`, Pos{5, 9, Path{"rules", 1, "id"}}},
	} {
		off := strings.Index(string(d.JSON), tc.find)
		if got := d.At(off); !reflect.DeepEqual(got, tc.pos) {
			t.Errorf("At(%d) (%s) = %v, want %v", off, tc.find, got, tc.pos)
		}
		if got := d.Position(1, off+1); !reflect.DeepEqual(got, tc.pos) {
			t.Errorf("Position(1, %d) = %v, want %v", off+1, got, tc.pos)
		}
	}
	if got := d.At(len(d.JSON) + 10); got.Line != 1 || got.Path != nil {
		t.Errorf("past the end: %v", got)
	}
	if got := d.Position(2, 1); got.Line != 1 || got.Path != nil {
		t.Errorf("a second JSON line: %v", got)
	}
	v, ok := d.Get(Path{"rules", 1, "id"})
	if !ok || !v.IsScalar || v.Scalar != "demo" || v.Line != 5 || v.Column != 9 || string(d.JSON[v.Start:v.End]) != `"demo"` {
		t.Errorf("Get rules[1].id = %+v, %v", v, ok)
	}
	if v, ok := d.Get(Path{"rules"}); !ok || v.IsScalar || v.Len != 2 {
		t.Errorf("Get rules = %+v, %v", v, ok)
	}
	if v, ok := d.Get(Path{"rules", 0, "points"}); !ok || v.Scalar != "5" {
		t.Errorf("Get rules[0].points = %+v, %v", v, ok)
	}
	if _, ok := d.Get(Path{"rules", 2}); ok {
		t.Error("Get of a missing index")
	}
	if got := (Path{"events", 3, "half_life"}).String(); got != "events[3].half_life" {
		t.Errorf("Path.String = %q", got)
	}
	if got := (Path{2, "lead"}).String(); got != "[2].lead" {
		t.Errorf("Path.String = %q", got)
	}
}

// The error list is what errors.As walks: each *Error.
func TestErrorList(t *testing.T) {
	_, err := Convert([]byte("a: 1\nb: 2\n"), reflect.TypeFor[struct{}]())
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 2 || list[1].Line != 2 || list[1].Error() != `2:1: unknown field "b"` {
		t.Fatalf("%#v", err)
	}
	if errs := list.Unwrap(); len(errs) != 2 {
		t.Error("Unwrap")
	}
}
