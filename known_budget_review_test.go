package leadscore

import (
	"strings"
	"testing"
	"time"
)

// known() of a long blank string inside a loop: trim walks the whole string each iteration;
// the step budget must charge it like the hand-written trim(x) != "".
func TestReviewKnownInLoopIsCharged(t *testing.T) {
	lead := Lead{Title: strings.Repeat(" ", 60_000), Traits: map[string]any{"xs": make([]any, 10)}}
	for _, src := range []string{
		`none(1..1000, known(lead.Title))`,
		`none(1..1000, trim(lead.Title) != "")`,
		`none(lead.Traits.xs, known(lead.Title))`,
	} {
		s := compileT(t, Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: src, Points: 1, Reason: "r"}}})
		start := time.Now()
		res, err := s.Score(lead, &State{}, t0)
		el := time.Since(start)
		t.Logf("%s: %v, errors %v, err %v", src, el, res.Errors, err)
		if el > 100*time.Millisecond {
			t.Errorf("%s took %v: the step budget did not stop it", src, el)
		}
	}
}
