package yamljson

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// FuzzConvert holds Convert to its contract on any input: no panic; every position — of an
// error, of each value and key, of every byte of the JSON — lies in the input; the JSON is
// valid, holds the value yaml.v3 itself reads, and converts to itself.
func FuzzConvert(f *testing.F) {
	for _, seed := range []string{
		"", "a: 1\n", "on: [a, b]\nid: no\n", "- {lead: {email: x}, events: [{type: t, time: 2026-03-02}]}\n",
		"name: x\nrules:\n  - id: a\n    points: ten\n    pionts: 1\n", "a: &a {b: [1, 2.5, true, null, ~]}\nc: {<<: *a, d: é}\n",
		"a: &a [*a]\n", "? [a]\n: 1\n", "a: !!binary aGk=\nb: 2026-03-02T09:00:00Z\n", "a: 'x\n", "a:\n\tb: 1\n", "a: 1\n---\nb: 2\n",
		"\ufeffa: 1\n", "{\"a\": \"\\u0000\\u2028\"}", "a: [0x1F, 0o7, 1_0, .inf, -.nan, 1e999]\n", "rules: [{small: 300, ratio: 1e40, quoted: 5, level: x}]\n",
		"k: |\n  block\n  text\nl: >-\n  folded\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Split(data, []byte("\n"))
		inFile := func(what string, line, col int) {
			t.Helper()
			if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1])+1 {
				t.Fatalf("%s at %d:%d, outside the input (%d lines)", what, line, col, len(lines))
			}
		}
		for _, typ := range []reflect.Type{nil, docType} {
			d, err := Convert(data, typ)
			var list ErrorList
			var one *Error
			switch {
			case errors.As(err, &list):
				for _, e := range list {
					inFile("error "+e.Error(), e.Line, e.Column)
				}
			case errors.As(err, &one):
				inFile("error "+one.Error(), one.Line, one.Column)
			case err != nil:
				t.Fatalf("an error of type %T: %v", err, err)
			}
			if d == nil {
				continue
			}
			if !json.Valid(d.JSON) {
				t.Fatalf("invalid JSON %q", d.JSON)
			}
			for _, s := range d.spans {
				inFile("a span", s.line, s.column)
				if s.start > s.end || s.end > len(d.JSON) {
					t.Fatalf("span %d..%d of %d bytes", s.start, s.end, len(d.JSON))
				}
			}
			for off := 0; off <= min(len(d.JSON), 4096); off++ {
				p := d.At(off)
				inFile("At", p.Line, p.Column)
			}
			if err != nil || typ != nil {
				continue
			}
			// The value round-trips: the JSON converts to itself…
			if again, err := Convert(d.JSON, nil); err == nil && !bytes.Equal(again.JSON, d.JSON) {
				t.Fatalf("not a fixpoint:\n%s\n%s", d.JSON, again.JSON)
			} else if err != nil && !longKey(d) {
				t.Fatalf("the JSON does not convert: %v\n%s", err, d.JSON)
			}
			// …and holds what yaml.v3 reads.
			var want any
			if bytes.Contains(data, []byte("!")) || yaml.Unmarshal(data, &want) != nil {
				continue // tags (!!binary…) or an input yaml.v3 refuses to decode
			}
			var got any
			if err := json.Unmarshal(d.JSON, &got); err != nil {
				t.Fatal(err)
			}
			if !same(want, got) {
				t.Fatalf("yaml.v3 reads %#v, the JSON holds %#v", want, got)
			}
		}
	})
}

// longKey reports whether the JSON has a key longer than YAML's 1024 characters for an
// implicit key, which yaml.v3 then does not read back.
func longKey(d *Doc) bool {
	for _, s := range d.spans {
		if s.key && s.end-s.start > 1024 {
			return true
		}
	}
	return false
}

// same compares what yaml.v3 decoded with what encoding/json decoded from the JSON: numbers
// as float64, times as the text they were written as, keys as text.
func same(y, j any) bool {
	switch y := y.(type) {
	case map[string]any:
		jm, ok := j.(map[string]any)
		if !ok || len(jm) != len(y) {
			return false
		}
		for k, v := range y {
			if !same(v, jm[k]) {
				return false
			}
		}
		return true
	case map[any]any:
		return true // keys that are no strings: their text is the YAML's, not Go's
	case []any:
		js, ok := j.([]any)
		if !ok || len(js) != len(y) {
			return false
		}
		for i := range y {
			if !same(y[i], js[i]) {
				return false
			}
		}
		return true
	case int:
		return j == float64(y)
	case int64:
		return j == float64(y)
	case uint64:
		return j == float64(y)
	case float64:
		jf, ok := j.(float64)
		return ok && (jf == y || math.Abs(jf-y) <= 1e-15*math.Abs(y))
	case time.Time:
		_, ok := j.(string)
		return ok
	}
	return reflect.DeepEqual(y, j)
}

// A fixed corpus of real files converts and round-trips (go test runs the seeds).
func TestConvertRealFiles(t *testing.T) {
	for _, src := range []string{
		"name: demo\non: [x]\nrules:\n  - id: exec\n    dimension: fit\n    when: seniority(lead.Title) >= 4\n    points: 20\n",
	} {
		d, err := Convert([]byte(src), nil)
		if err != nil || !strings.HasPrefix(string(d.JSON), `{"name":"demo","on":["x"]`) {
			t.Errorf("%v %s", err, d.JSON)
		}
	}
}
