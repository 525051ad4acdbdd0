package leadscoretest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/leadscore/leadscore"
)

// The JSON forms of a case, of the standard lead and of an event. leadscore.Lead has no json
// tags (its expressions read the Go field names), so cases spell its fields in snake_case
// here, and decoding is strict: an unknown key is an error, which catches typos.

type caseJSON struct {
	Name   string      `json:"name"`
	Lead   leadJSON    `json:"lead"`
	Events []eventJSON `json:"events"`
	At     jsonTime    `json:"at"`
	Expect expectJSON  `json:"expect"`
}

type expectJSON struct {
	Tier         string   `json:"tier"`
	Handoff      *bool    `json:"handoff"`
	Disqualified *bool    `json:"disqualified"`
	Stage        string   `json:"stage"`
	Persona      string   `json:"persona"`
	NoPersona    bool     `json:"no_persona"`
	Fired        []string `json:"fired"`
	NotFired     []string `json:"not_fired"`
	Signals      []string `json:"signals"`
	NoSignals    []string `json:"no_signals"`
	MinTotal     *float64 `json:"min_total"`
	MaxTotal     *float64 `json:"max_total"`
}

type leadJSON struct {
	ID            string         `json:"id"`
	Email         string         `json:"email"`
	Name          string         `json:"name"`
	Title         string         `json:"title"`
	Phone         string         `json:"phone"`
	Country       string         `json:"country"`
	PostalCode    string         `json:"postal_code"`
	Source        string         `json:"source"`
	Company       companyJSON    `json:"company"`
	Age           int            `json:"age"`
	Children      int            `json:"children"`
	Gender        string         `json:"gender"`
	Occupation    string         `json:"occupation"`
	MaritalStatus string         `json:"marital_status"`
	Income        float64        `json:"income"`
	HomeSize      float64        `json:"home_size"`
	CustomerSince jsonTime       `json:"customer_since"`
	Purchases     int            `json:"purchases"`
	AvgOrderValue float64        `json:"avg_order_value"`
	Margin        float64        `json:"margin"`
	ServiceEffort int            `json:"service_effort"`
	Followers     int            `json:"followers"`
	BANT          bantJSON       `json:"bant"`
	Traits        map[string]any `json:"traits"`
}

type companyJSON struct {
	Name           string  `json:"name"`
	Domain         string  `json:"domain"`
	Industry       string  `json:"industry"`
	Country        string  `json:"country"`
	PostalCode     string  `json:"postal_code"`
	Employees      int     `json:"employees"`
	Founded        int     `json:"founded"`
	ServiceCenters int     `json:"service_centers"`
	Revenue        float64 `json:"revenue"`
	MinorityOwned  bool    `json:"minority_owned"`
}

type bantJSON struct {
	Budget    bool `json:"budget"`
	Authority bool `json:"authority"`
	Need      bool `json:"need"`
	Timing    bool `json:"timing"`
}

type eventJSON struct {
	Type       string         `json:"type"`
	Time       jsonTime       `json:"time"`
	ID         string         `json:"id"`
	Channel    string         `json:"channel"`
	Path       string         `json:"path"`
	Value      float64        `json:"value"`
	Category   string         `json:"category"`
	Properties map[string]any `json:"properties"`
}

func (l leadJSON) lead() leadscore.Lead {
	c := l.Company
	return leadscore.Lead{
		ID: l.ID, Email: l.Email, Name: l.Name, Title: l.Title, Phone: l.Phone,
		Country: l.Country, PostalCode: l.PostalCode, Source: l.Source,
		Company: leadscore.Company{
			Name: c.Name, Domain: c.Domain, Industry: c.Industry, Country: c.Country, PostalCode: c.PostalCode,
			Employees: c.Employees, Founded: c.Founded, ServiceCenters: c.ServiceCenters,
			Revenue: c.Revenue, MinorityOwned: c.MinorityOwned,
		},
		Age: l.Age, Children: l.Children, Gender: l.Gender, Occupation: l.Occupation,
		MaritalStatus: l.MaritalStatus, Income: l.Income, HomeSize: l.HomeSize,
		CustomerSince: l.CustomerSince.Time, Purchases: l.Purchases,
		AvgOrderValue: l.AvgOrderValue, Margin: l.Margin, ServiceEffort: l.ServiceEffort,
		Followers: l.Followers,
		BANT:      leadscore.BANT{Budget: l.BANT.Budget, Authority: l.BANT.Authority, Need: l.BANT.Need, Timing: l.BANT.Timing},
		Traits:    l.Traits,
	}
}

func (e eventJSON) event() leadscore.Event {
	return leadscore.Event{
		ID: e.ID, Type: e.Type, Time: e.Time.Time, Channel: e.Channel, Path: e.Path,
		Value: e.Value, Category: e.Category, Properties: e.Properties,
	}
}

func (x expectJSON) expect() Expect {
	return Expect{
		Tier: x.Tier, Handoff: x.Handoff, Disqualified: x.Disqualified, Stage: leadscore.Stage(x.Stage),
		Persona: x.Persona, NoPersona: x.NoPersona, Fired: x.Fired, NotFired: x.NotFired,
		Signals: x.Signals, NoSignals: x.NoSignals, MinTotal: x.MinTotal, MaxTotal: x.MaxTotal,
	}
}

// jsonTime is a time in JSON: RFC 3339 ("2026-03-02T09:00:00Z") or a date ("2026-03-02",
// midnight UTC).
type jsonTime struct{ time.Time }

// timeError is a jsonTime that does not parse; Text is the JSON string, to locate it.
type timeError struct{ Text string }

func (e *timeError) Error() string {
	return fmt.Sprintf("%s is not an RFC 3339 time (2026-03-02T09:00:00Z) or a date (2026-03-02)", e.Text)
}

func (t *jsonTime) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return &timeError{Text: string(data)}
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	return &timeError{Text: string(data)}
}

// ParseError reports a case file that does not decode, or a case in it that makes no sense,
// with the 1-based line and column (in bytes) where the problem is.
type ParseError struct {
	Line, Column int
	Case         string // the case's name, when known
	Err          error
}

func (e *ParseError) Error() string {
	s := fmt.Sprintf("leadscoretest: %d:%d: ", e.Line, e.Column)
	if e.Case != "" {
		s += fmt.Sprintf("case %q: ", e.Case)
	}
	return s + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// decodeStrict decodes the single JSON value data[from:to] into v, rejecting unknown keys and
// trailing data. Errors are *ParseErrors positioned in data.
func decodeStrict(data []byte, from, to int, v any) error {
	part := data[from:to]
	dec := json.NewDecoder(bytes.NewReader(part))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		end := int(dec.InputOffset())
		if _, terr := dec.Token(); terr != io.EOF {
			return positioned(data, from+skipSpace(part, end), errors.New("unexpected data after the value"))
		}
		return nil
	}
	offset := int(dec.InputOffset())
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tim *timeError
	switch {
	case errors.As(err, &syn):
		offset = int(syn.Offset) - 1
	case errors.As(err, &typ):
		offset = int(typ.Offset) // after the value: find its start through its key
		if typ.Field != "" {
			key := typ.Field[strings.LastIndexByte(typ.Field, '.')+1:]
			if k := keyOffset(part, offset, `"`+key+`"`); k != offset {
				colon := k + bytes.IndexByte(part[k:], ':')
				offset = skipSpace(part, colon+1)
			}
		}
		err = fmt.Errorf("%sexpected %s, got %s", fieldPrefix(typ.Field), typeName(typ.Type), valueName(typ.Value))
	case errors.As(err, &tim):
		if i := bytes.Index(part, []byte(tim.Text)); i >= 0 {
			offset = i
		}
	case strings.HasPrefix(err.Error(), `json: unknown field "`):
		key := strings.TrimPrefix(err.Error(), "json: unknown field ")
		offset = keyOffset(part, offset, key)
		err = fmt.Errorf("unknown field %s", key)
	case errors.Is(err, io.ErrUnexpectedEOF):
		offset = len(part)
		err = errors.New("unexpected end of input")
	case errors.Is(err, io.EOF):
		err = errors.New("empty input")
	}
	return positioned(data, from+offset, errors.New(strings.TrimPrefix(err.Error(), "json: ")))
}

func positioned(data []byte, offset int, err error) *ParseError {
	line, col := lineColumn(data, offset)
	return &ParseError{Line: line, Column: col, Err: err}
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

// valueName names the kind of JSON value a type error found ("string", "number 1.5", …).
func valueName(v string) string {
	switch {
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case v == "string":
		return "a string"
	case v == "bool":
		return "true or false"
	case strings.HasPrefix(v, "number"):
		return v
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

// keyOffset finds where the object key quotedName (with its quotes) was read: the last
// occurrence before offset that a colon follows.
func keyOffset(data []byte, offset int, quotedName string) int {
	end := min(max(offset, 0), len(data))
	for i := bytes.LastIndex(data[:end], []byte(quotedName)); i >= 0; i = bytes.LastIndex(data[:i], []byte(quotedName)) {
		rest := bytes.TrimLeft(data[i+len(quotedName):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return i
		}
	}
	return offset
}

// lineColumn converts a byte offset into a 1-based line and column.
func lineColumn(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = offset - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
