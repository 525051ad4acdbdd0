package jsonfield

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

type inner struct {
	A    string `json:"a"`
	B    int
	Deep string `json:"deep"`
}

type Other struct {
	B    int    // as deep as inner.B, untagged both: hidden
	Deep string `json:"deep"`
	X    string `json:"x"`
}

type sample struct {
	inner
	*Other
	Name string `json:"name,omitempty"`
	Skip string `json:"-"`
	//lint:ignore SA5008 the key "-", which encoding/json takes from this tag
	Dash   string `json:"-,"`
	Count  int    `json:"count,string"`
	hidden string // unexported: no key
	//lint:ignore SA5008 an invalid name: encoding/json uses the field's name
	Bad     string `json:"a\"b"`
	Deep    string // another name: the tagged embedded "deep" fields tie and hide each other
	Pointer *inner `json:"pointer"`
}

var _ = sample{}.hidden

func names(fs []Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

func TestFields(t *testing.T) {
	got := names(Fields(reflect.TypeFor[*sample]()))
	want := []string{"a", "x", "name", "-", "count", "Bad", "Deep", "pointer"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Fields = %q, want %q", got, want)
	}
	if f, ok := Lookup(reflect.TypeFor[sample](), "count"); !ok || !f.Quoted {
		t.Errorf("count: %+v %v", f, ok)
	}
	if f, ok := Lookup(reflect.TypeFor[sample](), "NAME"); !ok || f.Name != "name" {
		t.Errorf("NAME: %+v %v", f, ok)
	}
	// Two tagged "deep" as deep as each other hide the name; the key matches Deep by case.
	if f, ok := Lookup(reflect.TypeFor[sample](), "deep"); !ok || f.Name != "Deep" || len(f.Index) != 1 {
		t.Errorf("deep: %+v %v", f, ok)
	}
	if _, ok := Lookup(reflect.TypeFor[sample](), "B"); ok {
		t.Error("B is ambiguous, encoding/json drops it")
	}
	if Fields(reflect.TypeFor[int]()) != nil || Fields(nil) != nil {
		t.Error("Fields of a non-struct")
	}
}

// Fields agrees with encoding/json: every key it lists decodes strictly, every key it leaves
// out is unknown.
func TestFieldsAgreeWithEncodingJSON(t *testing.T) {
	values := map[string]string{"count": `"3"`, "pointer": `{}`, "B": `1`}
	for _, key := range []string{"a", "deep", "Deep", "x", "name", "-", "count", "Bad", "pointer", "B", "Skip", "hidden", "inner", "Other", "DEEP", "Name"} {
		v := values[key]
		if v == "" {
			v = `"v"`
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(`{"` + key + `": ` + v + `}`)))
		dec.DisallowUnknownFields()
		var s sample
		err := dec.Decode(&s)
		_, ok := Lookup(reflect.TypeFor[sample](), key)
		if (err == nil) != ok {
			t.Errorf("key %q: Lookup %v, encoding/json %v", key, ok, err)
		}
	}
}
