package casejson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/leadscore/leadscore/internal/jsonfield"
)

// Error is a decoding problem at a byte offset of the input.
type Error struct {
	Offset int // where the problem is, in the data given to DecodeStrict
	Err    error
}

func (e *Error) Error() string { return e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// DecodeStrict decodes the single JSON value data[from:to] into v, rejecting unknown keys and
// trailing data. Its errors are *Errors positioned in data (not in the part), their messages
// in JSON's terms: "lead.company.employees: expected a whole number, got a string".
func DecodeStrict(data []byte, from, to int, v any) error {
	part := data[from:to]
	dec := json.NewDecoder(bytes.NewReader(part))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		end := int(dec.InputOffset())
		if _, terr := dec.Token(); terr != io.EOF {
			return &Error{Offset: from + skipSpace(part, end), Err: errors.New("unexpected data after the value")}
		}
		return nil
	}
	offset := int(dec.InputOffset())
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tim *TimeError
	switch {
	case errors.As(err, &syn):
		offset = int(syn.Offset) - 1
	case errors.As(err, &typ):
		offset = int(typ.Offset) // after the value: find its start through its key
		if typ.Field != "" {
			key := typ.Field[strings.LastIndexByte(typ.Field, '.')+1:]
			if k := KeyOffset(part, offset, `"`+key+`"`); k != offset {
				colon := k + bytes.IndexByte(part[k:], ':')
				offset = skipSpace(part, colon+1)
			}
		}
		err = fmt.Errorf("%sexpected %s, got %s", fieldPrefix(jsonPath(reflect.TypeOf(v), typ.Field)), typeName(typ.Type), valueName(typ.Value))
	case errors.As(err, &tim):
		if i := bytes.Index(part, []byte(tim.Text)); i >= 0 {
			offset = i
		}
	case strings.HasPrefix(err.Error(), `json: unknown field "`):
		key := strings.TrimPrefix(err.Error(), "json: unknown field ")
		offset = KeyOffset(part, offset, key)
		err = fmt.Errorf("unknown field %s", key)
	case errors.Is(err, io.ErrUnexpectedEOF):
		offset = len(part)
		err = errors.New("unexpected end of input")
	case errors.Is(err, io.EOF):
		err = errors.New("empty input")
	}
	return &Error{Offset: from + offset, Err: errors.New(strings.TrimPrefix(err.Error(), "json: "))}
}

// jsonPath drops from a type error's field path (encoding/json's, from the value of type t)
// the Go names of the embedded structs on the way, which are no keys of the input: Lead's
// leadscore.Lead, Event's leadscore.Event, those of a team's own lead type.
func jsonPath(t reflect.Type, field string) string {
	var keys []string
	for _, p := range strings.Split(field, ".") {
		t = structOf(t)
		if f, ok := jsonfield.Lookup(t, p); ok && f.Name == p {
			keys = append(keys, p)
			t = f.Type
			continue
		}
		if t != nil {
			if sf, ok := t.FieldByName(p); ok && sf.Anonymous {
				t = sf.Type
				continue
			}
		}
		keys = append(keys, p)
		t = nil
	}
	return strings.Join(keys, ".")
}

// structOf returns the struct type that values of t hold, through pointers, lists and maps;
// nil when there is none.
func structOf(t reflect.Type) reflect.Type {
	for t != nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			return t
		default:
			return nil
		}
	}
	return nil
}

func fieldPrefix(field string) string {
	if field == "" {
		return ""
	}
	return field + ": "
}

// typeName says in JSON terms what a Go type takes.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return typeName(t.Elem())
	}
	return t.String()
}

// valueName names the kind of JSON value a type error found ("a string", "number 1.5", …).
func valueName(v string) string {
	switch v {
	case "array":
		return "a list"
	case "object":
		return "an object"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	}
	return v
}

// skipSpace returns the offset of the first byte at or after i that is not JSON white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
		i++
	}
	return i
}

// KeyOffset finds where the object key quotedName (with its quotes) was read: the last
// occurrence before offset that a colon follows; offset itself when there is none.
func KeyOffset(data []byte, offset int, quotedName string) int {
	end := min(max(offset, 0), len(data))
	for i := bytes.LastIndex(data[:end], []byte(quotedName)); i >= 0; i = bytes.LastIndex(data[:i], []byte(quotedName)) {
		rest := bytes.TrimLeft(data[i+len(quotedName):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return i
		}
	}
	return offset
}

// ObjectStart returns the offset of the first byte of data that is not white space.
func ObjectStart(data []byte) int {
	return len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
}
