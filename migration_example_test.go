package leadscore_test

import (
	"fmt"

	"github.com/leadscore/leadscore"
)

// Before deploying a changed rule set to a service that stores States, list what it does to
// them: here a rename that keeps its history, a half-life change that converts it, and a
// rename that forgot renamed_from and so resets it in every stored lead.
func ExamplePlanMigration() {
	current := leadscore.Config{
		Pages: map[string][]string{"pricing": {"/pricing"}},
		Events: []leadscore.EventRule{
			{ID: "pricing", On: []string{"page_view"}, When: "event.Category == 'pricing'", Points: 8, HalfLife: leadscore.Duration(14 * leadscore.Day)},
			{ID: "demo", On: []string{"demo_request"}, Points: 40, HalfLife: leadscore.Duration(14 * leadscore.Day)},
			{ID: "old-webinar", On: []string{"webinar_attended"}, Points: 10, HalfLife: leadscore.Duration(45 * leadscore.Day)},
		},
	}
	next := leadscore.Config{
		Pages: map[string][]string{"pricing": {"/pricing"}},
		Events: []leadscore.EventRule{
			{ID: "pricing-visits", On: []string{"page_view"}, When: "event.Category == 'pricing'", Points: 8, HalfLife: leadscore.Duration(14 * leadscore.Day),
				RenamedFrom: []string{"pricing"}},
			{ID: "demo", On: []string{"demo_request"}, Points: 40, HalfLife: leadscore.Duration(15 * leadscore.Day)},
			{ID: "webinar", On: []string{"webinar_attended"}, Points: 10, HalfLife: leadscore.Duration(45 * leadscore.Day)},
		},
	}
	m, err := leadscore.PlanMigration[leadscore.Lead](current, next)
	if err != nil {
		panic(err)
	}
	fmt.Print(m)
	fmt.Println(len(m.Resets()), "reset")
	// Output:
	// event rule "pricing-visits": renamed from "pricing" (history kept)
	// event rule "demo": half-life 14d → 15d, history converted (exact for leads with 1–2 matched events, approximate otherwise)
	// event rule "webinar": new — no stored lead has history for it: it counts events from now on
	// event rule "old-webinar": reset — its history is dropped from every stored lead; if "webinar" replaces it, add "renamed_from": ["old-webinar"]
	// kept as they are: 10 signals, 13 event types, the velocity window
	// 1 reset
}
