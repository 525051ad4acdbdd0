package backtest

import (
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

var (
	t0  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day = 24 * time.Hour
)

func pricingScorer(t *testing.T) *leadscore.Scorer[leadscore.Lead] {
	t.Helper()
	return leadscore.MustCompile[leadscore.Lead](leadscore.Config{
		Rules: []leadscore.Rule{{ID: "exec", Dimension: leadscore.Fit, When: `lead.Title == "CEO"`, Points: 20}},
		Events: []leadscore.EventRule{
			{ID: "pricing", On: []string{"page_view"}, When: `event.Path == "/pricing"`, Points: 10, HalfLife: leadscore.Duration(7 * day)},
			{ID: "purchase", On: []string{"purchase"}, Points: 100},
		},
		Tiers: []leadscore.Tier{{Name: "hot", Min: leadscore.Float(25), Handoff: true}, {Name: "cold"}},
	})
}

func TestScoreIsPointInTime(t *testing.T) {
	s := pricingScorer(t)
	lead := leadscore.Lead{Title: "CEO"}
	before := []leadscore.Event{
		{Type: "page_view", Path: "/pricing", Time: t0.Add(-7 * day)},
		{Type: "page_view", Path: "/pricing", Time: t0}, // at the cutoff: known in time
	}
	after := []leadscore.Event{
		{Type: "purchase", Time: t0.Add(time.Second)}, // the outcome itself: leakage
		{Type: "page_view", Path: "/pricing", Time: t0.Add(3 * day)},
	}
	samples, err := Score(s, []Case[leadscore.Lead]{
		{Lead: lead, Events: append(append([]leadscore.Event{}, after...), before...), Cutoff: t0, Converted: true},
		{Lead: lead, Events: before, Cutoff: t0},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, want := samples[0].Result, samples[1].Result
	if got.Total != want.Total || got.Total != 20+10+5 {
		t.Errorf("total with later events = %v, without = %v, want both 35", got.Total, want.Total)
	}
	if !got.At.Equal(t0) {
		t.Errorf("scored at %v, want the cutoff %v", got.At, t0)
	}
	if !samples[0].Converted || samples[1].Converted {
		t.Error("outcomes not carried over")
	}
	for _, c := range got.Contributions {
		if c.RuleID == "purchase" {
			t.Error("the purchase after the cutoff was counted")
		}
	}
}

func TestScoreKeepsCaseOrder(t *testing.T) {
	s := pricingScorer(t)
	var cases []Case[leadscore.Lead]
	for i := range 1000 {
		var events []leadscore.Event
		for k := range i % 7 {
			events = append(events, leadscore.Event{Type: "page_view", Path: "/pricing", Time: t0.Add(-time.Duration(k) * time.Hour)})
		}
		cases = append(cases, Case[leadscore.Lead]{Events: events, Cutoff: t0.Add(time.Hour), Converted: i%2 == 0})
	}
	samples, err := Score(s, cases)
	if err != nil {
		t.Fatal(err)
	}
	for i, smp := range samples {
		if n := i % 7; (n == 0) != (smp.Result.Total == 0) || smp.Converted != (i%2 == 0) {
			t.Fatalf("case %d: total %v, converted %v: out of order?", i, smp.Result.Total, smp.Converted)
		}
	}
}

func TestScoreErrors(t *testing.T) {
	s := pricingScorer(t)
	good := Case[leadscore.Lead]{Cutoff: t0}
	for _, tc := range []struct {
		name  string
		cases []Case[leadscore.Lead]
		want  string
	}{
		{"no cutoff", []Case[leadscore.Lead]{good, {}}, "case 1: no Cutoff"},
		{"bad event", []Case[leadscore.Lead]{good, good, {Cutoff: t0, Events: []leadscore.Event{{Type: "page_view"}}}}, "case 2:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Score(s, tc.cases)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "backtest: ") {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := Score[leadscore.Lead](nil, []Case[leadscore.Lead]{good}); err == nil {
		t.Error("nil Scorer: no error")
	}
	if samples, err := Score(s, nil); err != nil || len(samples) != 0 {
		t.Errorf("no cases: %v, %v", samples, err)
	}
}
