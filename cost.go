package leadscore

import (
	"fmt"
	"math"

	"github.com/leadscore/leadscore/internal/budget"
	"github.com/leadscore/leadscore/internal/text"
)

// Cost is the estimated worst-case work of one expression of a rule set, in steps of the step
// budget (Limits.StepBudget): with every input at its limit — strings from the lead or the
// event as long as Limits.MaxStringBytes, collections as large as Limits.MaxPropertyElements
// — loops multiplied out, values built as large as they can grow. It is an estimate from the
// expression's shape, for reviewing a rule set before it runs (leadscore lint reports it):
// an expression that may need more than the budget can stop with a rule error on large inputs.
type Cost struct {
	Kind      ItemKind // which expression, as in RuleError: ItemRule, "pricing", "when"
	ID, Field string
	Steps     float64
	// Charged: the expression's work depends on data (loops, lets, replace, join, repeat) and
	// is charged to the step budget as it runs. An uncharged expression takes time linear in
	// its inputs and its size.
	Charged bool
	// OverBudget: Steps exceeds the step budget, so an evaluation on large enough inputs
	// stops with a rule error instead of finishing.
	OverBudget bool
}

// String says the estimate as a reader scans it: "about 1,200 steps", "about 3.4e+12 steps".
func (c Cost) String() string {
	if c.Steps >= 1e15 {
		return fmt.Sprintf("about %.1e steps", c.Steps)
	}
	return "about " + text.Thousands(int(c.Steps)) + " steps"
}

// Costs estimates the worst-case work of every expression of the rule set, in config order.
func (s *Scorer[L]) Costs() []Cost {
	str, elems := max(s.limits.MaxStringBytes, 1), max(s.limits.MaxPropertyElements, 1)
	if s.limits.MaxStringBytes == Unlimited {
		str = DefaultLimits().MaxStringBytes
	}
	if s.limits.MaxPropertyElements == Unlimited {
		elems = DefaultLimits().MaxPropertyElements
	}
	out := make([]Cost, 0, len(s.programs))
	for _, p := range s.programs {
		steps := budget.Estimate(p.prog.Node(), str, elems)
		c := Cost{Kind: p.kind, ID: p.id, Field: p.field, Steps: math.Round(steps), Charged: p.charged}
		c.OverBudget = c.Charged && s.limits.StepBudget > 0 && c.Steps > float64(s.limits.StepBudget)
		out = append(out, c)
	}
	return out
}
