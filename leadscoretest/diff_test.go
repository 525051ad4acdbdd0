package leadscoretest_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/leadscoretest"
)

// population: the vp (hot), a director at a big company with two pricing visits (warm at 40),
// the competitor (cold).
func population() []leadscoretest.Case[leadscore.Lead] {
	director := leadscoretest.Case[leadscore.Lead]{
		Name:   "director",
		Lead:   leadscore.Lead{Title: "Director of IT", Company: leadscore.Company{Employees: 900}},
		Events: []leadscore.Event{{Type: "page_view", Path: "/pricing", Time: t0}, {Type: "page_view", Path: "/pricing", Time: day(1)}},
	}
	return []leadscoretest.Case[leadscore.Lead]{vp(), director, rival()}
}

func TestDiff(t *testing.T) {
	before := compile(t, rules())
	cfg := rules()
	// The change under review: directors count as executives too.
	cfg.Rules[0].When = `seniority(lead.Title) in ["c_level", "vp", "director"]`
	after := compile(t, cfg)

	rep, err := leadscoretest.Diff(before, after, slices.Values(population()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Leads != 3 || rep.Changed != 1 || len(rep.Changes) != 1 {
		t.Fatalf("leads %d, changed %d (%d listed), want 3, 1", rep.Leads, rep.Changed, len(rep.Changes))
	}
	d := rep.Changes[0]
	if d.Name != "director" || d.Tier != (leadscoretest.Pair[string]{Before: "warm", After: "hot"}) ||
		d.Handoff != (leadscoretest.Pair[bool]{Before: false, After: true}) ||
		d.Persona != (leadscoretest.Pair[string]{Before: "other", After: "other"}) ||
		d.Total != (leadscoretest.Pair[float64]{Before: 40, After: 70}) {
		t.Errorf("change %+v", d)
	}
	// Only the rule whose points changed explains the change.
	if len(d.Rules) != 1 || d.Rules[0].RuleID != "exec" || d.Rules[0].Points != (leadscoretest.Pair[float64]{Before: 0, After: 30}) {
		t.Errorf("explaining rules %+v, want exec 0 → 30", d.Rules)
	}
	if rep.Handoffs != (leadscoretest.Pair[int]{Before: 1, After: 2}) {
		t.Errorf("hand-offs %+v, want 1 → 2", rep.Handoffs)
	}
	wantTiers := []leadscoretest.Count{
		{Name: "hot", Pair: leadscoretest.Pair[int]{Before: 1, After: 2}},
		{Name: "warm", Pair: leadscoretest.Pair[int]{Before: 1, After: 0}},
		{Name: "cold", Pair: leadscoretest.Pair[int]{Before: 1, After: 1}},
	}
	if !slices.Equal(rep.Tiers, wantTiers) {
		t.Errorf("tiers %+v, want %+v", rep.Tiers, wantTiers)
	}
	if len(rep.Rules) != 1 || rep.Rules[0].RuleID != "exec" || rep.Rules[0].Fired != (leadscoretest.Pair[int]{Before: 1, After: 2}) {
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
	rep, err := leadscoretest.Diff(s, s, slices.Values(population()))
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
	_, err := leadscoretest.Diff(s, s, slices.Values([]leadscoretest.Case[leadscore.Lead]{bad}))
	if err == nil || !strings.Contains(err.Error(), `case "vp asks for a demo"`) {
		t.Errorf("got %v, want an error naming the case", err)
	}
}
