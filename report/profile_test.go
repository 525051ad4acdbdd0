package report_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/report"
)

func TestProfileRanksByROI(t *testing.T) {
	s := compileT(t, leadscore.DefaultB2C())
	joe := leadscore.Lead{Age: 37, AvgOrderValue: 300, Purchases: 0, Margin: 0.3, ServiceEffort: 2}
	sarah := leadscore.Lead{Age: 19, Followers: 3000, AvgOrderValue: 40, Margin: 0.2, ServiceEffort: 8}
	var samples []report.Sample[leadscore.Lead]
	add := func(l leadscore.Lead, n int, converted int) {
		for i := range n {
			var st leadscore.State
			r := scoreT(t, s, l, &st, t0)
			o := report.OutcomeNotConverted
			if i < converted {
				o = report.OutcomeConverted
			}
			samples = append(samples, report.Sample[leadscore.Lead]{Lead: l, Result: r, Outcome: o})
		}
	}
	add(joe, 3, 2)
	add(sarah, 1, 1)
	roi := report.ROI{Value: "lead.AvgOrderValue * 4 * lead.Margin", Cost: "lead.ServiceEffort * 5.0"}
	prof, err := report.Profile(s, slices.Values(samples), roi)
	if err != nil {
		t.Fatal(err)
	}
	if len(prof) != 2 || prof[0].Persona != "joe" || prof[1].Persona != "sarah" {
		t.Fatalf("ranking %+v", prof)
	}
	j := prof[0]
	// Joe: value 300·4·0.3 = 360 each, cost 10 each: ROI 35.
	if j.Size != 3 || j.Share != 0.75 || j.Value != 1080 || j.Cost != 30 || j.ROI != 35 || j.ValuePerLead != 360 {
		t.Errorf("joe %+v", j)
	}
	if math.Abs(j.ConversionRate-2.0/3) > 1e-12 || j.WithOutcome != 3 || j.Track != "holiday" {
		t.Errorf("joe conversion %+v", j)
	}
	// Track is the persona's own; Tracks says where its leads are now (cold: Joe's own).
	if len(j.Tracks) != 1 || j.Tracks["holiday"] != 3 {
		t.Errorf("joe tracks %v, want 3 on holiday", j.Tracks)
	}
	// Sarah: value 32, cost 40: ROI −0.2 — she costs more than she brings.
	if sa := prof[1]; math.Abs(sa.ROI+0.2) > 1e-12 || sa.ConversionRate != 1 {
		t.Errorf("sarah %+v", sa)
	}
	if _, err := report.Profile(s, slices.Values(samples), report.ROI{Value: "count('purchase', '30d')"}); err == nil {
		t.Error("count() accepted in an ROI expression")
	}
	if _, err := report.Profile(s, slices.Values(samples), report.ROI{Cost: "lead.Nope"}); err == nil {
		t.Error("a bad field accepted")
	}
	// Without ROI expressions: sizes and means only.
	prof, err = report.Profile(s, slices.Values(samples), report.ROI{})
	if err != nil || !math.IsNaN(prof[0].ROI) {
		t.Errorf("%v %+v", err, prof)
	}
}

// ROI expressions are compiled as the Scorer's rules are: a compile error is a RuleError named
// after the ROI field, the clock built-ins are refused, the rule set's functions are there, and
// a run-time failure names the lead.
func TestProfileExpressions(t *testing.T) {
	s := compileT(t, leadscore.DefaultB2C())
	lead := leadscore.Lead{Age: 37, AvgOrderValue: 300, Margin: 0.3, CustomerSince: t0.AddDate(-2, 0, 0)}
	var st leadscore.State
	samples := []report.Sample[leadscore.Lead]{{Lead: lead, Result: scoreT(t, s, lead, &st, t0)}}

	_, err := report.Profile(s, slices.Values(samples), report.ROI{Value: "1", Cost: "lead.Nope"})
	var re *leadscore.RuleError
	if !errors.As(err, &re) || re.Kind != "roi" || re.Field != "cost" || re.Line != 1 || !strings.Contains(err.Error(), `roi "profile": cost 1:`) {
		t.Errorf("bad cost: %v (%+v)", err, re)
	}
	for _, src := range []string{"now().Year()", "date('2026-01-01').Year()", "days_since('purchase')", "total", "stage == 'x'"} {
		if _, err := report.Profile(s, slices.Values(samples), report.ROI{Value: src}); err == nil {
			t.Errorf("%s accepted in an ROI expression", src)
		}
	}
	// years_since counts to the Result's time.
	prof, err := report.Profile(s, slices.Values(samples), report.ROI{Value: "lead.AvgOrderValue * max(years_since(lead.CustomerSince), 1)", Cost: "100"})
	if err != nil || math.Abs(prof[0].Value-600) > 1 {
		t.Errorf("years_since: %v %+v", err, prof)
	}
	_, err = report.Profile(s, slices.Values(samples), report.ROI{Value: "lead.AvgOrderValue / lead.ServiceEffort"})
	if err == nil || !strings.Contains(err.Error(), "report: Profile: lead 0:") || !strings.Contains(err.Error(), "not a finite number") {
		t.Errorf("division by zero: %v", err)
	}
}

// Outcomes unknown, an empty population, leads without persona.
func TestProfileEdges(t *testing.T) {
	s := compileT(t, leadscore.DefaultB2C())
	prof, err := report.Profile(s, slices.Values([]report.Sample[leadscore.Lead](nil)), report.ROI{Value: "1"})
	if err != nil || len(prof) != 0 {
		t.Errorf("empty: %v %+v", err, prof)
	}
	samples := []report.Sample[leadscore.Lead]{{Result: leadscore.Result{Total: 10}}, {Result: leadscore.Result{Total: 20}}}
	prof, err = report.Profile(s, slices.Values(samples), report.ROI{Value: "2"})
	if err != nil || len(prof) != 1 {
		t.Fatalf("%v %+v", err, prof)
	}
	if p := prof[0]; p.Persona != "" || p.Size != 2 || p.MeanTotal != 15 || !math.IsNaN(p.ConversionRate) || p.WithOutcome != 0 || !math.IsInf(p.ROI, 1) {
		t.Errorf("no persona: %+v", p)
	}
}
