//go:build linux

package leadscore_test

// count is overloaded: count(type, window) counts events, count(array, predicate) is expr's
// built-in loop. The loop must be charged to the step budget like every other — its array's
// length times its predicate's weight, each time it starts — so that a huge or nested array
// count stops with a rule error instead of running for minutes. Same harness as
// budget_escape_test.go (rows registered in harnessAttacks under "count/…").

import (
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
)

func countTable() []attack {
	return []attack{
		{class: "count", name: "count(1..1000, …) nested two deep (10^6 predicate runs)",
			expr: `count(1..1000, {count(1..1000, {# > 0}) == 1000}) == 1000`,
			want: ruleError, match: anyBudget, maxTime: escapeMaxTime},
		{class: "count", name: "count over a let-bound 1..1000, nested twice, beside count(type, window)",
			expr: `let r = 1..1000; count(r, {count(r, {# > 0}) > 0}) > count("page_view", "7d")`,
			want: ruleError, match: anyBudget, maxTime: escapeMaxTime},
		{class: "count", name: "count of a 1,000-element event property, its predicate a 64-byte comparison, in a loop of 1,000",
			expr:  `any(1..1000, {count(event.Properties.skus, {# == "` + strings.Repeat("a", 64) + `"}) > 0})`,
			event: skusEvent, want: ruleError, match: anyBudget, maxTime: escapeMaxTime},
	}
}

// skusEvent returns a page view whose skus property lists 1,000 strings, within the event limits.
func skusEvent() leadscore.Event {
	skus := make([]any, 1000)
	for i := range skus {
		skus[i] = "sku"
	}
	return leadscore.Event{Type: leadscore.EventPageView, Time: attackTime, Properties: map[string]any{"skus": skus}}
}

func init() { registerAttacks(countTable()) }

// TestBudgetCount runs each huge array count in a child: stopped by the step budget with a
// rule error, within ~100 ms and evalAllocBound.
func TestBudgetCount(t *testing.T) { runAttackRows(t, countTable()) }
