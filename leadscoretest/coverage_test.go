package leadscoretest_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/leadscoretest"
)

func TestCoverage(t *testing.T) {
	s := compile(t, rules())
	cov := leadscoretest.Coverage(s, []leadscoretest.Case[leadscore.Lead]{vp(), rival()})
	if cov.Cases != 2 {
		t.Errorf("Cases = %d", cov.Cases)
	}
	check := func(what string, got leadscoretest.ItemCoverage, total int, uncovered ...string) {
		t.Helper()
		if got.Total != total || got.Covered != total-len(uncovered) || !slices.Equal(got.Uncovered, uncovered) {
			t.Errorf("%s: %+v, want %d in all, uncovered %v", what, got, total, uncovered)
		}
	}
	check("rules", cov.Rules, 5)
	check("tiers", cov.Tiers, 3) // the vp is warm after the form, hot after the demo; the rival cold
	check("personas", cov.Personas, 2)
	// The default journey: the vp goes attract → capture → nurture → convert (by the demo,
	// since a hand-off tier moves first when it holds).
	check("transitions", cov.Transitions, 7,
		"nurture→convert (asked for sales)", "convert→expand", "convert→nurture", "expand→nurture")
	if cov.Complete() {
		t.Error("Complete() with uncovered items")
	}
	if p := cov.Transitions.Percent; p < 42.8 || p > 42.9 {
		t.Errorf("transition percent %v, want 3/7", p)
	}
	s2 := cov.String()
	for _, want := range []string{"coverage of 2 cases", "rules          5/5   100.0%\n", "never taken: nurture→convert (asked for sales), convert→expand"} {
		if !strings.Contains(s2, want) {
			t.Errorf("String() lacks %q:\n%s", want, s2)
		}
	}
	if _, err := json.Marshal(cov); err != nil {
		t.Error(err)
	}
}

func TestCoverageOfNothing(t *testing.T) {
	cov := leadscoretest.Coverage(compile(t, leadscore.Config{}), nil)
	if cov.Rules.Percent != 100 || cov.Rules.Total != 0 || cov.Rules.Uncovered == nil {
		t.Errorf("empty rule set: %+v, want 100%% of nothing with an empty (not nil) list", cov.Rules)
	}
}

// An item counts when any evaluation of a run shows it, not only the final one: a signal
// raised and cleared again, a tier passed through.
func TestCoverageCountsEveryStep(t *testing.T) {
	s := compile(t, rules())
	c := leadscoretest.Case[leadscore.Lead]{
		Name: "pricing visits that cool down",
		Lead: leadscore.Lead{Title: "Engineer"},
		Events: []leadscore.Event{
			{Type: "page_view", Path: "/pricing", Time: t0},
			{Type: "page_view", Path: "/pricing", Time: day(0.1)},
			{Type: "page_view", Path: "/pricing", Time: day(0.2)},
		},
		At: day(60),
	}
	tr, err := leadscoretest.Replay(s, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Result.Signals) != 0 {
		t.Fatalf("signals still up at the end: %v", tr.Result.Signals)
	}
	cov := leadscoretest.Coverage(s, []leadscoretest.Case[leadscore.Lead]{c})
	if slices.Contains(cov.Signals.Uncovered, "frequent_visits") {
		t.Errorf("frequent_visits, raised on the third visit, counted as never raised: %v", cov.Signals.Uncovered)
	}
	if slices.Contains(cov.Tiers.Uncovered, "warm") {
		t.Errorf("warm, reached on the third visit, counted as never reached")
	}
}
