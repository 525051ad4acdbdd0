// Package journeykey names the transitions of a journey the one way the test kit's coverage
// report and the analysis package's findings both show them: "from→to", with the reason in
// parentheses when several transitions share from and to.
package journeykey

import (
	"fmt"

	"github.com/leadscore/leadscore"
)

// Keys names a journey's transitions, in the journey's order.
type Keys struct {
	Keys    []string // Keys[i] names the journey's transition i
	configs []leadscore.TransitionConfig
}

// New names the transitions of j.
func New(j leadscore.Journey) Keys {
	shared := map[string]int{}
	for _, t := range j.Transitions {
		shared[Arrow(t.From, t.To)]++
	}
	var k Keys
	for _, t := range j.Transitions {
		key := Arrow(t.From, t.To)
		if shared[key] > 1 {
			key = fmt.Sprintf("%s (%s)", key, reasonOf(t))
		}
		k.Keys = append(k.Keys, key)
		k.configs = append(k.configs, t)
	}
	return k
}

// Of names the configured transition that t took; "" when none matches.
func (k Keys) Of(t leadscore.Transition) string {
	for i, c := range k.configs {
		if c.From == t.From && c.To == t.To && reasonOf(c) == t.Reason {
			return k.Keys[i]
		}
	}
	return ""
}

// Arrow writes a move between stages: "nurture→convert".
func Arrow(from, to leadscore.Stage) string { return fmt.Sprintf("%s→%s", from, to) }

// reasonOf is the reason a transition reports: its own, or "from→to".
func reasonOf(t leadscore.TransitionConfig) string {
	if t.Reason != "" {
		return t.Reason
	}
	return Arrow(t.From, t.To)
}
