package report_test

import (
	"math"
	"slices"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/report"
)

// R7: FunnelOf costs. Finite costs whose sum overflows give Cost/CostPerLead +Inf; a negative
// cost is taken as given (negative cost per lead); a misspelt attribute or touchpoint silently
// groups every lead under "".
func TestRegressFunnelCosts(t *testing.T) {
	s := attributionScorer(t)
	lead := leadscore.Lead{Email: "a@b.example"}
	var states []*leadscore.State
	for _, c := range []string{"spring", "summer"} {
		st := &leadscore.State{}
		observeT(t, s, lead, st, touch(leadscore.EventPageView, "web", c, 1))
		states = append(states, st)
	}
	f := report.FunnelOf(s, slices.Values(states), t0.Add(30*day), report.GroupBy(report.ByCampaign, report.FirstTouch),
		report.Costs(map[string]float64{"spring": math.MaxFloat64, "summer": math.MaxFloat64}))
	if math.IsInf(f.Cost, 0) || math.IsInf(f.CostPerLead, 0) {
		t.Errorf("two finite costs: funnel Cost %v, CostPerLead %v", f.Cost, f.CostPerLead)
	}
	f = report.FunnelOf(s, slices.Values(states), t0.Add(30*day), report.GroupBy(report.ByCampaign, report.FirstTouch),
		report.Costs(map[string]float64{"spring": -100}))
	for _, g := range f.Groups {
		if g.Key == "spring" && g.Cost < 0 {
			t.Errorf("negative cost accepted: group %q cost %v per lead %v", g.Key, g.Cost, g.CostPerLead)
		}
	}
	if len(f.Ignored) != 1 {
		t.Errorf("the negative cost is not listed as ignored: %q", f.Ignored)
	}
	f = report.FunnelOf(s, slices.Values(states), t0.Add(30*day), report.GroupBy("Campaign", "frist"))
	if len(f.Groups) == 1 && f.Groups[0].Key == "" {
		t.Errorf("GroupBy(%q, %q) (unknown attribute/touchpoint): every lead silently in group %q; GroupBy %q Touch %q", "Campaign", "frist", "", f.GroupBy, f.Touch)
	}
	if len(f.Groups) != 0 || f.GroupBy != "" || len(f.Ignored) != 2 {
		t.Errorf("unknown attribute and touchpoint: groups %v, GroupBy %q, ignored %q", f.Groups, f.GroupBy, f.Ignored)
	}
	// Cost keys are normalised as event texts are: " spring\n" is the campaign "spring".
	f = report.FunnelOf(s, slices.Values(states), t0.Add(30*day), report.GroupBy(report.ByCampaign, report.FirstTouch),
		report.Costs(map[string]float64{" spring\n": 10, "spring": 5}))
	for _, g := range f.Groups {
		if g.Key == "spring" && (g.Cost != 15 || g.Leads != 1) {
			t.Errorf("normalised cost keys: group %q cost %v, %d leads; want 15 over 1", g.Key, g.Cost, g.Leads)
		}
	}
	if len(f.Groups) != 2 {
		t.Errorf("normalised cost keys: %d groups, want 2", len(f.Groups))
	}
}
