package analysis_test

import (
	"encoding/json"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

// population: the vp (hot), a director at a big company with two pricing visits (warm at 40),
// the competitor (cold).
func population() []analysis.ReplayedLead[leadscore.Lead] {
	director := analysis.ReplayedLead[leadscore.Lead]{
		Name:   "director",
		Lead:   leadscore.Lead{Title: "Director of IT", Company: leadscore.Company{Employees: 900}},
		Events: []leadscore.Event{{Type: "page_view", Path: "/pricing", Time: t0}, {Type: "page_view", Path: "/pricing", Time: day(1)}},
	}
	return []analysis.ReplayedLead[leadscore.Lead]{vp(), director, rival()}
}

func TestDiff(t *testing.T) {
	before := compile(t, rules())
	cfg := rules()
	// The change under review: directors count as executives too.
	cfg.Rules[0].When = `seniority(lead.Title) in ["c_level", "vp", "director"]`
	after := compile(t, cfg)

	rep, err := analysis.Diff(before, after, slices.Values(population()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Leads != 3 || rep.Changed != 1 || len(rep.Changes) != 1 {
		t.Fatalf("leads %d, changed %d (%d listed), want 3, 1", rep.Leads, rep.Changed, len(rep.Changes))
	}
	d := rep.Changes[0]
	if d.Name != "director" || d.Tier != (analysis.Pair[string]{Before: "warm", After: "hot"}) ||
		d.Handoff != (analysis.Pair[bool]{Before: false, After: true}) ||
		d.Persona != (analysis.Pair[string]{Before: "other", After: "other"}) ||
		d.Total != (analysis.Pair[float64]{Before: 40, After: 70}) {
		t.Errorf("change %+v", d)
	}
	// Only the rule whose points changed explains the change.
	if len(d.Rules) != 1 || d.Rules[0].RuleID != "exec" || d.Rules[0].Points != (analysis.Pair[float64]{Before: 0, After: 30}) {
		t.Errorf("explaining rules %+v, want exec 0 → 30", d.Rules)
	}
	if rep.Handoffs != (analysis.Pair[int]{Before: 1, After: 2}) {
		t.Errorf("hand-offs %+v, want 1 → 2", rep.Handoffs)
	}
	wantTiers := []analysis.Count{
		{Name: "hot", Pair: analysis.Pair[int]{Before: 1, After: 2}},
		{Name: "warm", Pair: analysis.Pair[int]{Before: 1, After: 0}},
		{Name: "cold", Pair: analysis.Pair[int]{Before: 1, After: 1}},
	}
	if !slices.Equal(rep.Tiers, wantTiers) {
		t.Errorf("tiers %+v, want %+v", rep.Tiers, wantTiers)
	}
	if len(rep.Rules) != 1 || rep.Rules[0].RuleID != "exec" || rep.Rules[0].Fired != (analysis.Pair[int]{Before: 1, After: 2}) {
		t.Errorf("rule shifts %+v, want exec firing for 1 → 2 leads", rep.Rules)
	}
	text := rep.String()
	for _, want := range []string{
		"3 leads, 1 changed",
		"  hot                      1       2      +1\n",
		"  hand-offs (MQL)          1       2      +1\n",
		"director: tier warm → hot, hand-off no → yes; total 40 → 70",
		"      exec               +0 → +30",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("String() lacks %q:\n%s", want, text)
		}
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"handoffs":{"before":1,"after":2}`, `{"name":"hot","before":1,"after":2}`, `"tier":{"before":"warm","after":"hot"}`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s:\n%s", want, data)
		}
	}
}

func TestDiffNoChange(t *testing.T) {
	s := compile(t, rules())
	rep, err := analysis.Diff(s, s, slices.Values(population()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changed != 0 || len(rep.Changes) != 0 || len(rep.Rules) != 0 {
		t.Errorf("a rule set against itself: %+v", rep)
	}
	data, _ := json.Marshal(rep)
	if !strings.Contains(string(data), `"changes":[]`) || !strings.Contains(string(data), `"rules":[]`) {
		t.Errorf("empty lists should marshal as [], got %s", data)
	}
}

func TestDiffStopsAtABadCase(t *testing.T) {
	s := compile(t, rules())
	bad := vp()
	bad.Events[0].Type = ""
	_, err := analysis.Diff(s, s, slices.Values([]analysis.ReplayedLead[leadscore.Lead]{bad}))
	if err == nil || !strings.Contains(err.Error(), `lead "vp asks for a demo"`) {
		t.Errorf("got %v, want an error naming the case", err)
	}
}

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
func stored(t *testing.T, s *leadscore.Scorer[leadscore.Lead], cases []analysis.ReplayedLead[leadscore.Lead]) iter.Seq[analysis.StoredLead[leadscore.Lead]] {
	t.Helper()
	var out []analysis.StoredLead[leadscore.Lead]
	for _, c := range cases {
		tr, err := analysis.Replay(s, c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, analysis.StoredLead[leadscore.Lead]{Name: c.Name, Lead: c.Lead, State: tr.State, At: c.At})
	}
	return slices.Values(out)
}

// On stored States, a rename without renamed_from loses the history a replay still sees, and
// one with renamed_from keeps it.
func TestDiffStates(t *testing.T) {
	before, after := compile(t, rules()), compile(t, renamedRules())
	replayed, err := analysis.Diff(before, after, slices.Values(population()))
	if err != nil {
		t.Fatal(err)
	}
	if replayed.Changed != 0 {
		t.Errorf("a replay sees no change in a rename: %+v", replayed.Changes)
	}
	rep, err := analysis.DiffStates(before, after, stored(t, before, population()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Leads != 3 || rep.Changed != 1 || rep.Changes[0].Name != "vp asks for a demo" {
		t.Fatalf("leads %d, changed %d: %+v", rep.Leads, rep.Changed, rep.Changes)
	}
	d := rep.Changes[0]
	if d.Tier != (analysis.Pair[string]{Before: "hot", After: "warm"}) || d.Total != (analysis.Pair[float64]{Before: 90, After: 50}) ||
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
		lead analysis.StoredLead[leadscore.Lead]
		want string
	}{
		{"no state", analysis.StoredLead[leadscore.Lead]{Name: "x"}, `analysis: DiffStates: lead "x": no State`},
		{"no time", analysis.StoredLead[leadscore.Lead]{State: new(leadscore.State)},
			`analysis: DiffStates: lead "#1": a new State and no "at": nothing says when to evaluate the lead`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := analysis.DiffStates(s, s, slices.Values([]analysis.StoredLead[leadscore.Lead]{tc.lead}))
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
	// A new State with a time to evaluate it at is a lead without events: fine.
	rep, err := analysis.DiffStates(s, s, slices.Values([]analysis.StoredLead[leadscore.Lead]{{State: new(leadscore.State), At: t0}}))
	if err != nil || rep.Leads != 1 {
		t.Errorf("new State at t0: %+v, %v", rep, err)
	}
}

// TestDiffSeesTrackChanges: giving the warm tier its own nurture track moves a warm lead to
// another programme, which is what the marketing automation acts on: Diff counts it as a
// change, names it, and counts the leads per track.
func TestDiffSeesTrackChanges(t *testing.T) {
	base := leadscore.Config{
		Rules:    []leadscore.Rule{{ID: "age", Dimension: leadscore.Fit, When: "lead.Age > 30", Points: 50, Reason: "age"}},
		Tiers:    []leadscore.Tier{{Name: "hot", Min: leadscore.Float(70), Handoff: true}, {Name: "warm", Min: leadscore.Float(40)}, {Name: "cold"}},
		Personas: []leadscore.Persona{{ID: "p", When: "lead.Age > 0", Track: "newsletter"}, {ID: "rest", Track: "newsletter"}},
	}
	next := base.Clone()
	next.Personas[0].Tracks = []leadscore.PersonaTrack{{Tier: "warm", Track: "thought-leadership"}}
	before, after := leadscore.MustCompile[leadscore.Lead](base), leadscore.MustCompile[leadscore.Lead](next)
	at := t0
	leads := []analysis.ReplayedLead[leadscore.Lead]{
		{Name: "joe", Lead: leadscore.Lead{Age: 40}, At: at},
		{Name: "kid", Lead: leadscore.Lead{Age: 20}, At: at},
	}
	rep, err := analysis.Diff(before, after, slices.Values(leads))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changed != 1 || len(rep.Changes) != 1 || rep.Changes[0].Track != (analysis.Pair[string]{Before: "newsletter", After: "thought-leadership"}) {
		t.Fatalf("Diff: %d changed, changes %+v; want joe newsletter → thought-leadership", rep.Changed, rep.Changes)
	}
	counts := map[string]analysis.Count{}
	for _, c := range rep.Tracks {
		counts[c.Name] = c
	}
	if c := counts["newsletter"]; c.Before != 2 || c.After != 1 {
		t.Errorf("newsletter: %+v, want 2 → 1", c)
	}
	if c := counts["thought-leadership"]; c.Before != 0 || c.After != 1 {
		t.Errorf("thought-leadership: %+v, want 0 → 1", c)
	}
	if s := rep.String(); !strings.Contains(s, "track newsletter → thought-leadership") {
		t.Errorf("the report does not name the track change:\n%s", s)
	}
}
