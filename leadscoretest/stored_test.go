package leadscoretest_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/leadscoretest"
)

// renamedRules is rules() after a clean-up: "pricing" renamed to "pricing-page" with
// renamed_from, "demo" renamed to "demo-request" without it.
func renamedRules() leadscore.Config {
	cfg := rules()
	cfg.Events = slices.Clone(cfg.Events)
	cfg.Events[0].ID = "demo-request"
	cfg.Events[1].ID, cfg.Events[1].RenamedFrom = "pricing-page", []string{"pricing"}
	return cfg
}

// stored replays the population under s and keeps each lead's State, as a service would have
// stored it.
func stored(t *testing.T, s *leadscore.Scorer[leadscore.Lead], cases []leadscoretest.Case[leadscore.Lead]) iter.Seq[leadscoretest.StoredLead[leadscore.Lead]] {
	t.Helper()
	var out []leadscoretest.StoredLead[leadscore.Lead]
	for _, c := range cases {
		tr, err := leadscoretest.Replay(s, c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, leadscoretest.StoredLead[leadscore.Lead]{Name: c.Name, Lead: c.Lead, State: tr.State, At: c.At})
	}
	return slices.Values(out)
}

// On stored States, a rename without renamed_from loses the history a replay still sees, and
// one with renamed_from keeps it.
func TestDiffStates(t *testing.T) {
	before, after := compile(t, rules()), compile(t, renamedRules())
	replayed, err := leadscoretest.Diff(before, after, slices.Values(population()))
	if err != nil {
		t.Fatal(err)
	}
	if replayed.Changed != 0 {
		t.Errorf("a replay sees no change in a rename: %+v", replayed.Changes)
	}
	rep, err := leadscoretest.DiffStates(before, after, stored(t, before, population()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Leads != 3 || rep.Changed != 1 || rep.Changes[0].Name != "vp asks for a demo" {
		t.Fatalf("leads %d, changed %d: %+v", rep.Leads, rep.Changed, rep.Changes)
	}
	d := rep.Changes[0]
	if d.Tier != (leadscoretest.Pair[string]{Before: "hot", After: "warm"}) || d.Total != (leadscoretest.Pair[float64]{Before: 90, After: 50}) ||
		len(d.Rules) != 1 || d.Rules[0].RuleID != "demo" {
		t.Errorf("the vp's demo history is reset: %+v", d)
	}
	// The renamed rule keeps the director's 20 pricing points.
	for _, r := range rep.Rules {
		if r.RuleID == "pricing-page" && r.Points.After != 30 || r.RuleID == "pricing" && r.Points.Before != 30 {
			t.Errorf("rule shift %+v: pricing points are kept under the new name", r)
		}
	}
	if resets := rep.Migration.Resets(); len(resets) != 1 || resets[0].ID != "demo" {
		t.Errorf("migration resets %+v, want demo", resets)
	}
	text := rep.String()
	for _, want := range []string{
		"stored leads under the new rule set\n" +
			"  event rule \"demo-request\": new — no stored lead has history for it: it counts events from now on\n" +
			"  event rule \"pricing-page\": renamed from \"pricing\" (history kept)\n" +
			"  event rule \"demo\": reset — its history is dropped from every stored lead; if \"demo-request\" replaces it, add \"renamed_from\": [\"demo\"]\n",
		"\n3 leads, 1 changed",
		"vp asks for a demo: tier hot → warm, hand-off yes → no; total 90 → 50",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("String() lacks %q:\n%s", want, text)
		}
	}
	data, _ := json.Marshal(rep)
	if !strings.Contains(string(data), `{"kind":"event rule","id":"demo","action":"reset","exact":false,"detail":"if \"demo-request\" replaces it, add \"renamed_from\": [\"demo\"]"}`) {
		t.Errorf("JSON lacks the reset step: %s", data)
	}
}

func TestDiffStatesErrors(t *testing.T) {
	s := compile(t, rules())
	for _, tc := range []struct {
		name string
		lead leadscoretest.StoredLead[leadscore.Lead]
		want string
	}{
		{"no state", leadscoretest.StoredLead[leadscore.Lead]{Name: "x"}, `leadscoretest: DiffStates: lead "x": no State`},
		{"no time", leadscoretest.StoredLead[leadscore.Lead]{State: new(leadscore.State)},
			`leadscoretest: DiffStates: lead "#1": a new State and no "at": nothing says when to evaluate the lead`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := leadscoretest.DiffStates(s, s, slices.Values([]leadscoretest.StoredLead[leadscore.Lead]{tc.lead}))
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
	// A new State with a time to evaluate it at is a lead without events: fine.
	rep, err := leadscoretest.DiffStates(s, s, slices.Values([]leadscoretest.StoredLead[leadscore.Lead]{{State: new(leadscore.State), At: t0}}))
	if err != nil || rep.Leads != 1 {
		t.Errorf("new State at t0: %+v, %v", rep, err)
	}
}

func TestParseStoredLead(t *testing.T) {
	s := compile(t, rules())
	tr, err := leadscoretest.Replay(s, vp())
	if err != nil {
		t.Fatal(err)
	}
	data, err := tr.State.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(data)
	line := `{"id": "lead-1", "lead": {"email": "dana@globex.example", "title": "VP Operations", "company": {"employees": 800}}, "state": "` + b64 + `", "at": "2026-03-04"}`
	sl, err := leadscoretest.ParseStoredLead([]byte(line))
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
		{`{"id": "x", "lead": {}}`, `leadscoretest: 1:1: no "state": the base64 of the lead's State.MarshalBinary`},
		{`{"id": "x", "lead": {}, "state": "%%%"}`, `leadscoretest: 1:25: state: not base64 (illegal base64 data at input byte 0)`},
		{`{"id": "x", "lead": {}, "state": "` + corrupt + `"}`, `leadscoretest: 1:25: state: corrupt state: checksum mismatch`},
		{`{"id": "x", "lead": {"titel": "VP"}, "state": "` + b64 + `"}`, `leadscoretest: 1:22: unknown field "titel"`},
		{`{"id": "x", "lead": {}, "state": "` + b64 + `", "at": "soon"}`, `leadscoretest: 1:`},
	} {
		_, err := leadscoretest.ParseStoredLead([]byte(tc.line))
		var pe *leadscoretest.ParseError
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &pe) {
			t.Errorf("%s:\n got %v\nwant %s…", tc.line[:min(len(tc.line), 60)], err, tc.want)
		}
	}
}

func TestLintMigration(t *testing.T) {
	next := renamedRules()
	next.Events[1].HalfLife = leadscore.Duration(15 * leadscore.Day) // pricing had no decay
	findings, err := leadscoretest.LintMigration[leadscore.Lead](rules(), next)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, f.String())
	}
	want := []string{
		`warning: history-reset "demo": the event rule is gone from the new rule set: its history is dropped from every stored lead; if "demo-request" replaces it, add "renamed_from": ["demo"]`,
		`info: history-approximate "pricing-page": event rule: renamed from "pricing", half-life none → 15d, history converted (exact for leads with 1–2 matched events, approximate otherwise)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if findings, err := leadscoretest.LintMigration[leadscore.Lead](rules(), rules()); err != nil || len(findings) != 0 {
		t.Errorf("an unchanged rule set: %v, %v", findings, err)
	}
	bad := rules()
	bad.Events[0].RenamedFrom = []string{"pricing"}
	if _, err := leadscoretest.LintMigration[leadscore.Lead](rules(), bad); err == nil ||
		err.Error() != `leadscore: to config: event rule "demo": renamed_from: "pricing" names a current event rule, which keeps that history` {
		t.Errorf("compile error: %v", err)
	}
}
