package leadscore

import (
	"strings"
	"testing"
)

// The cost estimate orders expressions as their work does: constant for plain comparisons,
// multiplied by loops, exploding for nested replace; and it flags the ones the budget stops.
func TestCosts(t *testing.T) {
	nested := `"aaaaaaaaaa"`
	for range 9 {
		nested = `replace(` + nested + `, "a", "aaaaaaaaaa")`
	}
	cfg := Config{
		Rules: []Rule{
			{ID: "plain", Dimension: Fit, When: `lead.Age > 18 && lead.Title == "CEO"`, Points: 1},
			{ID: "loop", Dimension: Fit, When: `any(1..100, {# == lead.Age})`, Points: 1},
			{ID: "nested", Dimension: Fit, When: `any(1..100, {any(1..100, {# == lead.Age})})`, Points: 1},
			{ID: "bomb", Dimension: Fit, When: `len(` + nested + `) > 0`, Points: 1},
		},
		Events: []EventRule{{ID: "wish", When: `any(event.Properties.skus, {# in event.Properties.wishlist})`, Points: 1}},
	}
	s := compileT(t, cfg)
	costs := map[string]Cost{}
	for _, c := range s.Costs() {
		costs[c.ID] = c
	}
	plain, loop, nestedLoop, bomb, wish := costs["plain"], costs["loop"], costs["nested"], costs["bomb"], costs["wish"]
	switch {
	case plain.Charged || plain.Steps > 20+float64(DefaultLimits().MaxStringBytes):
		t.Errorf("plain: %+v, want a few steps and one string comparison, uncharged", plain)
	case !loop.Charged || loop.Steps < 100 || loop.Steps > 1000:
		t.Errorf("loop: %+v, want about 100 × its body", loop)
	case nestedLoop.Steps < 100*loop.Steps/2:
		t.Errorf("nested loop %v vs loop %v: want about 100 times more", nestedLoop.Steps, loop.Steps)
	case !bomb.OverBudget || bomb.Steps < 1e9:
		t.Errorf("bomb: %+v, want over the budget", bomb)
	case !wish.OverBudget:
		t.Errorf("wish: %+v, want over the budget (1,000 SKUs × 1,000 wishes × their bytes)", wish)
	case loop.OverBudget || nestedLoop.OverBudget:
		t.Errorf("loops of 100 and 100×100 flagged over the budget: %+v %+v", loop, nestedLoop)
	}
	if costs["plain"].Kind != "rule" || costs["plain"].Field != "when" || costs["wish"].Kind != "event rule" {
		t.Errorf("kinds and fields: %+v %+v", costs["plain"], costs["wish"])
	}
	// Under TrustedLimits nothing is charged, and nothing is over a budget there is not.
	for _, c := range compileT(t, cfg, WithLimits(TrustedLimits())).Costs() {
		if c.Charged || c.OverBudget {
			t.Errorf("trusted: %+v", c)
		}
	}
}

// No expression of the presets is charged or comes near the budget: each reads a few strings.
func TestPresetCostsAreSmall(t *testing.T) {
	for name, cfg := range map[string]Config{"b2b": DefaultB2B(), "b2c": DefaultB2C()} {
		for _, c := range compileT(t, cfg).Costs() {
			if c.Charged || c.OverBudget || c.Steps > 4*float64(DefaultLimits().MaxStringBytes) {
				t.Errorf("%s: %s %s.%s costs %v steps", name, c.Kind, c.ID, c.Field, c.Steps)
			}
			if strings.TrimSpace(c.ID) == "" {
				t.Errorf("%s: a cost without an ID: %+v", name, c)
			}
		}
	}
}

func TestCostString(t *testing.T) {
	for steps, want := range map[float64]string{0: "about 0 steps", 1234567: "about 1,234,567 steps", 3.4e16: "about 3.4e+16 steps"} {
		if got := (Cost{Steps: steps}).String(); got != want {
			t.Errorf("%v: %q, want %q", steps, got, want)
		}
	}
}
