package analysis_test

import (
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore/analysis"
)

func TestParseStoredLead(t *testing.T) {
	s := compile(t, rules())
	tr, err := analysis.Replay(s, vp())
	if err != nil {
		t.Fatal(err)
	}
	data, err := tr.State.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(data)
	line := `{"id": "lead-1", "lead": {"email": "dana@globex.example", "title": "VP Operations", "company": {"employees": 800}}, "state": "` + b64 + `", "at": "2026-03-04"}`
	sl, err := analysis.ParseStoredLead([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if sl.Name != "lead-1" || sl.Lead.Title != "VP Operations" || sl.Lead.Company.Employees != 800 || !sl.At.Equal(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("parsed %+v", sl)
	}
	if got, _ := sl.State.MarshalBinary(); !slices.Equal(got, data) {
		t.Error("the State does not round-trip")
	}

	corrupt := base64.StdEncoding.EncodeToString(append(slices.Clone(data[:len(data)-1]), data[len(data)-1]^1))
	for _, tc := range []struct{ line, want string }{
		{`{"id": "x", "lead": {}}`, `analysis: 1:1: no "state": the base64 of the lead's State.MarshalBinary`},
		{`{"id": "x", "lead": {}, "state": "%%%"}`, `analysis: 1:25: state: not base64 (illegal base64 data at input byte 0)`},
		{`{"id": "x", "lead": {}, "state": "` + corrupt + `"}`, `analysis: 1:25: state: corrupt state: checksum mismatch`},
		{`{"id": "x", "lead": {"titel": "VP"}, "state": "` + b64 + `"}`, `analysis: 1:22: unknown field "titel"`},
		{`{"id": "x", "lead": {}, "state": "` + b64 + `", "at": "soon"}`, `analysis: 1:`},
	} {
		_, err := analysis.ParseStoredLead([]byte(tc.line))
		var pe *analysis.ParseError
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &pe) {
			t.Errorf("%s:\n got %v\nwant %s…", tc.line[:min(len(tc.line), 60)], err, tc.want)
		}
	}
}

func TestParseReplayedLead(t *testing.T) {
	lead, err := analysis.ParseReplayedLead([]byte(`{"name": "dana", "lead": {"email": "dana@globex.example", "customer_since": "2024-05-01"},
		"events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z", "path": "/demo"}], "at": "2026-03-03"}`))
	if err != nil {
		t.Fatal(err)
	}
	if lead.Name != "dana" || lead.Lead.Email != "dana@globex.example" || !lead.Lead.CustomerSince.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) ||
		len(lead.Events) != 1 || lead.Events[0].Path != "/demo" || !lead.Events[0].Time.Equal(t0) || !lead.At.Equal(day(0).Add(24*time.Hour-9*time.Hour)) {
		t.Errorf("parsed %+v", lead)
	}
	// A case of a case file is a lead: its expectations are decoded, strictly, and ignored.
	if _, err := analysis.ParseReplayedLead([]byte(`{"lead": {}, "at": "2026-03-02", "expect": {"tier": "hot", "min_total": 70}}`)); err != nil {
		t.Errorf("a case with expectations: %v", err)
	}
	// "converted" is the lead's known outcome, for a backtest; nil when the line has none.
	for line, want := range map[string]string{
		`{"lead": {}, "at": "2026-03-02", "converted": true}`:  "true",
		`{"lead": {}, "at": "2026-03-02", "converted": false}`: "false",
		`{"lead": {}, "at": "2026-03-02", "converted": null}`:  "nil",
		`{"lead": {}, "at": "2026-03-02"}`:                     "nil",
	} {
		lead, err := analysis.ParseReplayedLead([]byte(line))
		got := "nil"
		if lead.Converted != nil {
			got = strconv.FormatBool(*lead.Converted)
		}
		if err != nil || got != want {
			t.Errorf("%s: converted %s, %v; want %s", line, got, err, want)
		}
	}
	// Neither events nor at is for Replay to report: a tool may set At itself.
	if lead, err := analysis.ParseReplayedLead([]byte(`{"lead": {"email": "a@b.example"}}`)); err != nil || !lead.At.IsZero() {
		t.Errorf("a lead without a time: %+v, %v", lead, err)
	}
	for _, tc := range []struct{ line, want string }{
		{`{"lead": {"titel": "VP"}}`, `analysis: 1:11: unknown field "titel"`},
		{`{"lead": {}, "expect": {"teir": "hot"}}`, `analysis: 1:25: unknown field "teir"`},
		{`{"lead": {"company": {"employees": "800"}}}`, `analysis: 1:36: lead.company.employees: expected a whole number, got a string`},
		{"{\"lead\": {},\n \"events\": [{\"type\": \"call\", \"time\": \"March 2\"}]}", `analysis: 2:38: "March 2" is not an RFC 3339 time (2026-03-02T09:00:00Z) or a date (2026-03-02)`},
		{` {"events": [{"time": "2026-03-02"}]}`, `analysis: 1:2: event 1 has no "type"`},
		{`{"events": [{"type": "call"}]}`, `analysis: 1:1: event 1 (call) has no "time"`},
		{`{"lead": {}} {}`, `analysis: 1:14: unexpected data after the value`},
		{`{"lead": {}, "converted": "yes"}`, `analysis: 1:27: converted: expected true or false, got a string`},
		{`{"lead": {}, "convertd": true}`, `analysis: 1:14: unknown field "convertd"`},
		// An account case is no lead: its members are leads of their own.
		{`{"name": "globex", "members": [{"lead": {}}]}`, `analysis: 1:20: an account case (members) is not a lead of a population: give each member as a lead of its own`},
		{`{"account": "globex.example", "at": "2026-03-02"}`, `analysis: 1:2: an account case (members) is not a lead of a population: give each member as a lead of its own`},
	} {
		_, err := analysis.ParseReplayedLead([]byte(tc.line))
		var pe *analysis.ParseError
		if err == nil || err.Error() != tc.want || !errors.As(err, &pe) {
			t.Errorf("%s:\n got %v\nwant %s", tc.line, err, tc.want)
		}
	}
}

type teamLead struct {
	Email    string `json:"email"`
	JobTitle string `json:"job_title"`
}

func TestParseLeadsFor(t *testing.T) {
	l, err := analysis.ParseReplayedLeadFor[teamLead]([]byte(`{"name": "n", "lead": {"email": "a@b.example", "job_title": "CTO"}, "at": "2026-03-02"}`))
	if err != nil || l.Name != "n" || l.Lead.JobTitle != "CTO" || l.At.IsZero() {
		t.Errorf("%+v, %v", l, err)
	}
	_, err = analysis.ParseReplayedLeadFor[teamLead]([]byte(`{"lead": {"title": "CTO"}}`))
	if err == nil || err.Error() != `analysis: 1:11: unknown field "title"` {
		t.Errorf("%v", err)
	}
	_, err = analysis.ParseStoredLeadFor[teamLead]([]byte(`{"id": "x", "lead": {"job_title": "CTO"}, "state": "%"}`))
	if err == nil || err.Error() != `analysis: 1:43: state: not base64 (illegal base64 data at input byte 0)` {
		t.Errorf("%v", err)
	}
}
