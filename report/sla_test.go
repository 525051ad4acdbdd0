package report_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/report"
)

// The funnel reports SLA compliance per owner and the reasons sales gave for rejections.
func TestFunnelSLAAndRejections(t *testing.T) {
	cfg := leadscore.DefaultB2B()
	cfg.Journey = leadscore.DefaultJourney()
	cfg.Journey.Stages[3].SLA = leadscore.Duration(2 * leadscore.Day)        // convert: sales
	cfg.Journey.Stages[2].RecycleSLA = leadscore.Duration(3 * leadscore.Day) // nurture: marketing, recycled leads
	cfg.Journey.Stages[2].SLAMetBy = []string{leadscore.EventEmailSent}
	s := leadscore.MustCompile[leadscore.Lead](cfg)
	lead := leadscore.Lead{Email: "ceo@bigco.example", Title: "CEO", Company: leadscore.Company{Employees: 5000}}
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	run := func(evs ...leadscore.Event) *leadscore.State {
		st := new(leadscore.State)
		all := append([]leadscore.Event{{Type: "form_submit", Time: t0}, {Type: "demo_request", Time: t0.Add(time.Minute)}}, evs...)
		for _, ev := range all {
			if _, err := s.Observe(lead, st, ev); err != nil {
				t.Fatal(err)
			}
		}
		return st
	}
	reject := func(reason string, at time.Duration) leadscore.Event {
		return leadscore.Event{Type: "sales_rejected", Time: t0.Add(at), Properties: map[string]any{"reason": reason}}
	}
	states := []*leadscore.State{
		run(leadscore.Event{Type: "sales_touch", Time: t0.Add(time.Hour)}), // sales: met
		run(),                               // sales: stalled by day 10
		run(reject("no budget", time.Hour)), // marketing: stalled (not re-nurtured)
		run(reject("no budget", time.Hour), leadscore.Event{Type: "email_sent", Time: t0.Add(Day(1))}), // marketing: met
		run(reject("wrong person", time.Hour)),                                                         // marketing: stalled
	}
	f := report.FunnelOf(s, slices.Values(states), t0.Add(Day(10)))
	want := []report.OwnerSLA{
		{Owner: leadscore.OwnerMarketing, Met: 1, Stalled: 2, Compliance: 1.0 / 3},
		{Owner: leadscore.OwnerSales, Met: 1, Stalled: 1, Compliance: 0.5},
	}
	if !reflect.DeepEqual(f.SLA, want) {
		t.Errorf("SLA %+v\nwant %+v", f.SLA, want)
	}
	if f.Rejected != 3 || !reflect.DeepEqual(f.Rejections, []report.ReasonCount{{"no budget", 2}, {"wrong person", 1}}) {
		t.Errorf("rejected %d, reasons %+v", f.Rejected, f.Rejections)
	}
	// A journey without SLAs: no rows.
	if g := report.FunnelOf(leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B()), slices.Values(states), t0.Add(Day(10))); len(g.SLA) != 0 {
		t.Errorf("no SLAs configured: %+v", g.SLA)
	}
}

func Day(n float64) time.Duration { return time.Duration(n * float64(leadscore.Day)) }
