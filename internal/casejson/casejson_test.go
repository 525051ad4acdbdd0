package casejson

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

func TestTimeForms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{`"2026-03-02T09:00:00Z"`, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), true},
		{`"2026-03-02"`, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), true},
		{`null`, time.Time{}, true},
		{`"March 2"`, time.Time{}, false},
		{`20260302`, time.Time{}, false},
	} {
		var got Time
		err := got.UnmarshalJSON([]byte(tc.in))
		if (err == nil) != tc.ok || !got.Equal(tc.want) {
			t.Errorf("%s: got %v, %v", tc.in, got.Time, err)
		}
	}
}

// The public types decode through the shadowing times: a date where they take RFC 3339
// alone, and every other key by the public JSON tags, strictly.
func TestLeadAndEventDecodeThePublicTypes(t *testing.T) {
	data := []byte(`{"name": "n", "lead": {"email": "a@b.example", "customer_since": "2024-05-01", "company": {"employees": 5}},
		"events": [{"type": "call", "time": "2026-03-02", "path": "/x"}]}`)
	var c Case[Lead]
	if err := DecodeStrict(data, 0, len(data), &c); err != nil {
		t.Fatal(err)
	}
	l, ev := c.Lead.ToLead(), c.Events[0].ToEvent()
	if l.Email != "a@b.example" || l.Company.Employees != 5 || !l.CustomerSince.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("lead %+v", l)
	}
	if ev.Type != "call" || ev.Path != "/x" || !ev.Time.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("event %+v", ev)
	}
}

func TestDecodeStrictErrors(t *testing.T) {
	for _, tc := range []struct {
		data   string
		offset int
		msg    string
	}{
		{`{"lead": {"titel": "x"}}`, 10, `unknown field "titel"`},
		{`{"lead": {"company": {"employees": "5"}}}`, 35, "lead.company.employees: expected a whole number, got a string"},
		{`{"at": "soon"}`, 7, `"soon" is not an RFC 3339 time`},
		{`{} x`, 3, "unexpected data after the value"},
		{`{"name": `, 9, "unexpected end of input"},
		{``, 0, "empty input"},
	} {
		var c Case[Lead]
		err := DecodeStrict([]byte(tc.data), 0, len(tc.data), &c)
		var e *Error
		if !errors.As(err, &e) || e.Offset != tc.offset || len(e.Error()) < len(tc.msg) || e.Error()[:len(tc.msg)] != tc.msg {
			t.Errorf("%s: got %v (offset %v), want %q at %d", tc.data, err, e, tc.msg, tc.offset)
		}
	}
}

func TestKeyOffsetAndObjectStart(t *testing.T) {
	data := []byte(`  {"a": {"a": 1}, "b": "a"}`)
	if got := KeyOffset(data, len(data), `"a"`); got != 9 {
		t.Errorf("KeyOffset = %d, want the last key \"a\", at 9", got)
	}
	if got := KeyOffset(data, 5, `"b"`); got != 5 {
		t.Errorf("KeyOffset of an absent key = %d, want the offset given", got)
	}
	if got := ObjectStart(data); got != 2 {
		t.Errorf("ObjectStart = %d", got)
	}
}

// A team's own lead type decodes by its json tags, else its Go field names; a type error
// names the keys, not the Go names of embedded structs.
type firmo struct {
	Employees int `json:"employees"`
}

type teamLead struct {
	Email    string
	JobTitle string `json:"job_title"`
	firmo
	Company struct{ Employees int } `json:"company"`
}

func TestDecodeCaseOfATeamsLead(t *testing.T) {
	data := []byte(`{"name": "n", "lead": {"Email": "a@b.example", "job_title": "CTO", "employees": 5}, "at": "2026-03-02"}`)
	c, err := DecodeCase[teamLead](data, 0, len(data))
	if err != nil || c.Lead.Email != "a@b.example" || c.Lead.JobTitle != "CTO" || c.Lead.Employees != 5 || c.Name != "n" ||
		!c.At.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v, %v", c, err)
	}
	for _, tc := range []struct{ data, msg string }{
		{`{"lead": {"employees": "5"}}`, "lead.employees: expected a whole number, got a string"},
		{`{"lead": {"company": {"Employees": "5"}}}`, "lead.company.Employees: expected a whole number, got a string"},
		{`{"lead": {"job_title": 1}}`, "lead.job_title: expected a string, got number"},
		{`{"lead": {"JobTitle": "x"}}`, `unknown field "JobTitle"`},
		{`{"lead": {"title": "x"}}`, `unknown field "title"`},
	} {
		_, err := DecodeCase[teamLead]([]byte(tc.data), 0, len(tc.data))
		if err == nil || err.Error() != tc.msg {
			t.Errorf("%s: %v, want %q", tc.data, err, tc.msg)
		}
	}
	if CaseType[teamLead]() != reflect.TypeFor[Case[teamLead]]() || StoredType[leadscore.Lead]() != reflect.TypeFor[Stored[Lead]]() {
		t.Error("CaseType, StoredType")
	}
	std := []byte(`{"id": "x", "lead": {"customer_since": "2024-05-01"}, "state": "AA=="}`)
	s, err := DecodeStored[leadscore.Lead](std, 0, len(std))
	if err != nil || s.ID != "x" || s.Lead.CustomerSince.IsZero() || s.State != "AA==" {
		t.Errorf("%+v, %v", s, err)
	}
}

// An account case's members decode as leads do — the standard Lead's dates too, a lead type
// of one's own by its tags — through encoding/json, the fast path leaving "members" to it.
func TestDecodeAccountCase(t *testing.T) {
	data := []byte(`{"name": "globex", "account": "globex.example", "at": "2026-03-05",
		"members": [{"lead": {"email": "a@globex.example", "customer_since": "2024-05-01"}, "events": [{"type": "call", "time": "2026-03-02"}]}, {}],
		"expect": {"covered": ["champion"], "missing": ["economic-buyer"], "no_missing": false}}`)
	c, err := DecodeCase[leadscore.Lead](data, 0, len(data))
	if err != nil {
		t.Fatal(err)
	}
	if c.Account != "globex.example" || len(c.Members) != 2 || c.Members[0].Lead.Email != "a@globex.example" ||
		!c.Members[0].Lead.CustomerSince.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) || len(c.Members[0].Events) != 1 ||
		c.Members[1].Events != nil || !reflect.DeepEqual(c.Expect.Covered, []string{"champion"}) || !reflect.DeepEqual(c.Expect.Missing, []string{"economic-buyer"}) {
		t.Errorf("decoded %+v", c)
	}
	type own struct {
		Email string `json:"email"`
	}
	mine := []byte(`{"members": [{"lead": {"email": "x@y.example"}}], "at": "2026-03-05"}`)
	if o, err := DecodeCase[own](mine, 0, len(mine)); err != nil || len(o.Members) != 1 || o.Members[0].Lead.Email != "x@y.example" {
		t.Errorf("a lead type of one's own: %+v, %v", o, err)
	}
	// Without "members", Members is nil; with an empty list, empty but not nil.
	for in, wantNil := range map[string]bool{`{"at": "2026-03-05"}`: true, `{"members": []}`: false} {
		c, err := DecodeCase[leadscore.Lead]([]byte(in), 0, len(in))
		if err != nil || (c.Members == nil) != wantNil {
			t.Errorf("%s: members %#v, %v", in, c.Members, err)
		}
	}
}
