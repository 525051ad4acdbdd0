package leadscore_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// TestRecycledLeadQualifiesAgain is a model-based test of the default journey's hand-off
// rule (DefaultJourney: nurture → convert on a fresh hand-off; a lead sales sent back must
// leave the hand-off tier and qualify again). Random histories of one lead — engagement
// that raises it into the hot tier, requests for sales, send-backs, purchases, quiet
// spells that let it decay, the State stored and loaded between calls — are played
// through DefaultB2B, beside a model that knows only what each Result said: a lead that
// was with sales (in convert) while in a hand-off tier has spent its hand-off until a
// Result shows it out of the hand-off tiers. The journey must never move it to convert for
// "reached a hand-off tier" while the hand-off is spent, whichever came first, the request
// for sales or the score.
func TestRecycledLeadQualifiesAgain(t *testing.T) {
	sc := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	lead := leadscore.Lead{Email: "sam@big.example", Title: "Sales Manager",
		Company: leadscore.Company{Name: "Big", Employees: 300, Industry: "software"}}
	engage := []string{leadscore.EventPageView, leadscore.EventEmailClick, leadscore.EventFormSubmit,
		leadscore.EventWebinarAttended, leadscore.EventMeeting, leadscore.EventContentDownload, leadscore.EventOfficeVisit}
	sales := []string{leadscore.EventDemoRequest, leadscore.EventCall}
	back := []string{leadscore.EventSalesRejected, leadscore.EventNoDecision, leadscore.EventOpportunityLost}
	r := rand.New(rand.NewPCG(18, 2026))
	recycledAndRequalified := 0
	for history := range 300 {
		var st leadscore.State
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		spent, recycled := false, false
		var log []string
		for step := range 40 {
			var res leadscore.Result
			var err error
			switch k := r.IntN(10); {
			case k < 6:
				at = at.Add(time.Duration(1+r.IntN(120)) * time.Minute)
				typ := engage[r.IntN(len(engage))]
				switch {
				case k == 0:
					typ = sales[r.IntN(len(sales))]
				case k == 1:
					typ = back[r.IntN(len(back))]
				case k == 2 && r.IntN(4) == 0:
					typ = leadscore.EventPurchase
				}
				res, err = sc.Observe(lead, &st, leadscore.Event{ID: fmt.Sprint(step), Type: typ, Path: "/pricing", Time: at})
				log = append(log, typ)
			default: // time passes: scores decay, timers fire
				at = at.Add(time.Duration(1+r.IntN(30*24)) * time.Hour)
				res, err = sc.Advance(lead, &st, at)
				log = append(log, "advance")
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range res.Transitions {
				if tr.Kind == leadscore.TransitionStage && tr.Reason == "reached a hand-off tier" {
					if spent {
						t.Fatalf("history %d, step %d: moved to convert for reaching a hand-off tier it never left since sales had it (%v)", history, step, log)
					}
					if recycled {
						recycledAndRequalified++
					}
				}
				if tr.Kind == leadscore.TransitionStage && tr.From == leadscore.StageConvert && tr.To == leadscore.StageNurture {
					recycled = true
				}
			}
			switch {
			case !res.Handoff:
				spent = false
			case res.Stage == leadscore.StageConvert:
				spent = true
			}
			if r.IntN(3) == 0 { // stored and loaded between calls
				b, err := st.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				st = leadscore.State{}
				if err := st.UnmarshalBinary(b); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if recycledAndRequalified == 0 {
		t.Fatalf("no history recycled a lead that then qualified again: the histories do not test the rule")
	}
}
