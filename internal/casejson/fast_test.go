package casejson

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// decodeCaseFast takes a subset of what encoding/json takes, and decodes it identically:
// whatever it accepts, DecodeStrict accepts and decodes to the same case.
func FuzzDecodeCaseFast(f *testing.F) {
	for _, s := range []string{
		`{"lead": {"email": "dana@globex.example", "title": "VP Operations", "company": {"employees": 800}, "id": "lead-1"}, "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}], "at": "2026-03-03T09:00:00Z"}`,
		`{"name": "n", "lead": {"age": 31, "income": 5.5e4, "bant": {"budget": true}, "customer_since": "2020-01-02", "traits": {"a": [1, "x", null, {"b": false}]}}, "events": []}`,
		`{"events": [{"id": "e", "type": "page_view", "time": "2026-03-02", "path": "/p", "value": -0.5, "category": "c", "channel": "web", "properties": {"k": 1e3}}], "at": null}`,
		` { "lead" : { "company" : { "revenue" : 1E6 , "minority_owned" : false } } } `,
		`{"lead": {"age": 1.0}}`, `{"lead": {"Email": "x"}}`, `{"lead": {"email": "a\"b"}}`, `{"lead": {"age": 99999999999999999999}}`,
		`{"lead": {"email": "x", "email": "y"}}`, `{"expect": {"tier": "hot"}}`, `{"at": "yesterday"}`,
		`{"name": "acct", "account": "globex.example", "members": [{"lead": {"email": "a@globex.example"}, "events": [{"type": "call", "time": "2026-03-02"}]}]}`,
		`{"members": []}`, `{"account": "x"}`, `{"members": null}`, `{} x`, `{"lead": {"traits": {"a": 1, "a": 2}}}`,
		`{"lead": {"name": "\xff"}}`, `{"converted": true, "at": "2026-03-02"}`, `{"converted": false}`, `{"converted": null}`, `{"converted": 1}`, `{"converted": "true"}`, `{"events": [{"properties": null}]}`, `{"lead": {"age": -0}}`, `{"lead": {"age": 01}}`,
	} {
		f.Add(s)
	}
	for _, file := range []string{"leads.jsonl", filepath.Join("backtest", "leads.jsonl")} {
		if data, err := os.ReadFile(filepath.Join("..", "..", "cli", "testdata", file)); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				f.Add(line)
			}
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		fast, ok := decodeCaseFast([]byte(in))
		if !ok {
			return
		}
		var slow Case[Lead]
		if err := DecodeStrict([]byte(in), 0, len(in), &slow); err != nil {
			t.Fatalf("the fast path took %q, encoding/json refuses it: %v", in, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q decodes differently:\nfast %+v\nslow %+v", in, fast, slow)
		}
	})
}

// The fast path takes the plain cases score reads (else it would be dead code), and leaves
// escapes, unknown keys and mistyped numbers to encoding/json.
func TestDecodeCaseFastTakesPlainCases(t *testing.T) {
	for in, want := range map[string]bool{
		`{"lead": {"email": "dana@globex.example", "company": {"employees": 800}}, "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}]}`: true,
		`{"lead": {"email": "dana\u0040globex.example"}}`: false,
		`{"lead": {"emial": "x"}}`:                        false,
		`{"lead": {"age": 30.5}}`:                         false,
		`{"expect": {"tier": "hot"}}`:                     false,
		`{"account": "globex.example"}`:                   false,
		`{"members": [{"lead": {}}]}`:                     false,
		`{"lead": {}, "converted": true}`:                 true,
		`{"lead": {}, "converted": null}`:                 true,
		`{"lead": {}, "converted": 1}`:                    false,
	} {
		if _, ok := decodeCaseFast([]byte(in)); ok != want {
			t.Errorf("decodeCaseFast(%s): took it %v, want %v", in, ok, want)
		}
	}
}
