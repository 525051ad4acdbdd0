package report_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/report"
)

// attributionScorer hands a lead off on a demo request.
func attributionScorer(t *testing.T) *leadscore.Scorer[leadscore.Lead] {
	cfg, err := leadscore.ParseConfig([]byte(`{
		"events": [{"id": "demo", "on": ["demo_request"], "points": 100}],
		"tiers": [{"name": "hot", "min": 50, "handoff": true}, {"name": "cold"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return compileT(t, cfg)
}

func touch(typ, channel, campaign string, days int) leadscore.Event {
	return leadscore.Event{Type: typ, Time: t0.Add(time.Duration(days) * day), Channel: channel, Campaign: campaign}
}

// same compares floats, NaN equal to NaN.
func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestFunnelGroups(t *testing.T) {
	s := attributionScorer(t)
	lead := leadscore.Lead{Email: "a@b.example"}
	var states []*leadscore.State
	run := func(evs ...leadscore.Event) *leadscore.State {
		st := &leadscore.State{}
		observeT(t, s, lead, st, evs...)
		states = append(states, st)
		return st
	}
	// Spring brought two leads, one of them to a hand-off (through a summer email: the
	// hand-off touch); summer one lead; one lead came with no campaign.
	a := run(touch(leadscore.EventPageView, "web", "spring", 0), touch(leadscore.EventEmailClick, "email", "summer", 2),
		touch(leadscore.EventDemoRequest, "", "", 3), touch(leadscore.EventEmailClick, "email", "autumn", 5))
	run(touch(leadscore.EventPageView, "social", "spring", 1))
	run(touch(leadscore.EventPageView, "email", "summer", 1))
	run(touch(leadscore.EventPageView, "", "", 1))
	if got := a.HandoffTouch(); got.Campaign != "summer" || got.Channel != "email" {
		t.Errorf("hand-off touch %+v, want the summer email", got)
	}
	if got := a.LastTouch(); got.Campaign != "autumn" {
		t.Errorf("last touch %+v, want autumn", got)
	}
	if got := a.FirstTouch(); got.Campaign != "spring" || got.Channel != "web" {
		t.Errorf("first touch %+v, want spring on the web", got)
	}

	costs := map[string]float64{"spring": 100, "summer": 0, "winter": 50, "broken": math.NaN()}
	f := report.FunnelOf(s, slices.Values(states), t0.Add(30*day), report.GroupBy(report.ByCampaign, ""), report.Costs(costs))
	if f.GroupBy != report.ByCampaign || f.Touch != report.FirstTouch {
		t.Errorf("grouped by %q of the %q touch", f.GroupBy, f.Touch)
	}
	nan := math.NaN()
	want := []struct {
		key                     string
		leads, mql              int
		cost, perLead, perMQL   float64
		enteredFirst, converted int
	}{
		{"spring", 2, 1, 100, 50, 100, 2, 1},
		{"", 1, 0, nan, nan, nan, 1, 0},      // no campaign, and no cost for it
		{"summer", 1, 0, 0, 0, nan, 1, 0},    // a zero cost: nothing per lead, no MQL to divide by
		{"winter", 0, 0, 50, nan, nan, 0, 0}, // spent, and brought no lead
	}
	if len(f.Groups) != len(want) {
		t.Fatalf("groups %+v, want %d", f.Groups, len(want))
	}
	for i, w := range want {
		g := f.Groups[i]
		if g.Key != w.key || g.Leads != w.leads || g.MQL != w.mql || !same(g.Cost, w.cost) ||
			!same(g.CostPerLead, w.perLead) || !same(g.CostPerMQL, w.perMQL) || g.Entered[0] != w.enteredFirst {
			t.Errorf("group %d: %+v, want %+v", i, g, w)
		}
		if len(g.Entered) != len(f.Stages) {
			t.Errorf("group %q: %d stage counts for %d stages", g.Key, len(g.Entered), len(f.Stages))
		}
	}
	if f.Cost != 150 || f.CostPerLead != 150.0/4 || f.CostPerMQL != 150 {
		t.Errorf("cost %v, per lead %v, per MQL %v; want 150, 37.5, 150", f.Cost, f.CostPerLead, f.CostPerMQL)
	}

	// By the channel of the hand-off touch: only the lead handed off has one.
	f = report.FunnelOf(s, slices.Values(states), t0.Add(30*day), report.GroupBy(report.ByChannel, report.HandoffTouch))
	if len(f.Groups) != 2 || f.Groups[0].Key != "" || f.Groups[0].Leads != 3 || f.Groups[1].Key != "email" || f.Groups[1].MQL != 1 {
		t.Errorf("by hand-off channel: %+v", f.Groups)
	}
	// Without options: no groups, no costs.
	f = report.FunnelOf(s, slices.Values(states), t0.Add(30*day))
	if f.Groups != nil || !math.IsNaN(f.Cost) || !math.IsNaN(f.CostPerLead) || f.GroupBy != "" {
		t.Errorf("ungrouped funnel has groups %+v or a cost %v", f.Groups, f.Cost)
	}
}

func TestFunnelGroupsWithoutLeads(t *testing.T) {
	s := attributionScorer(t)
	f := report.FunnelOf(s, slices.Values([]*leadscore.State{nil, {}}), t0,
		report.GroupBy(report.ByContent, report.LastTouch), report.Costs(map[string]float64{"guide.pdf": 10, "x": math.Inf(1)}))
	if f.Leads != 0 || len(f.Groups) != 1 || f.Groups[0].Key != "guide.pdf" || f.Groups[0].Leads != 0 ||
		f.Groups[0].Cost != 10 || !math.IsNaN(f.Groups[0].CostPerLead) || !math.IsNaN(f.Groups[0].CostPerMQL) {
		t.Errorf("no leads: %+v", f.Groups)
	}
	if f.Cost != 10 || !math.IsNaN(f.CostPerLead) || !math.IsNaN(f.CostPerMQL) {
		t.Errorf("no leads: cost %v, per lead %v, per MQL %v", f.Cost, f.CostPerLead, f.CostPerMQL)
	}
	// Costs without grouping: the whole funnel's cost per lead.
	st := &leadscore.State{}
	observeT(t, s, leadscore.Lead{}, st, touch(leadscore.EventPageView, "web", "", 0))
	f = report.FunnelOf(s, slices.Values([]*leadscore.State{st}), t0, report.Costs(map[string]float64{"a": 3, "b": 1}))
	if f.Groups != nil || f.Cost != 4 || f.CostPerLead != 4 || !math.IsNaN(f.CostPerMQL) {
		t.Errorf("ungrouped costs: groups %+v, cost %v, per lead %v, per MQL %v", f.Groups, f.Cost, f.CostPerLead, f.CostPerMQL)
	}
}
