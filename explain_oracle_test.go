package leadscore

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leadscore/leadscore/internal/text"
)

// ExplainWith is written by hand for speed; explainReference is the fmt-based version it
// replaced, kept as the oracle: on generated Results, the two write the same text.
func TestExplainAgreesWithReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	points := func() float64 {
		switch rng.IntN(5) {
		case 0:
			return float64(rng.IntN(41) - 20)
		case 1:
			return math.Round((rng.Float64()*200-100)*100) / 100
		case 2:
			return 0.04 * float64(rng.IntN(3)-1)
		case 3:
			return 1e6 * rng.Float64()
		}
		return -0.05
	}
	dims := []Dimension{Fit, Engagement, Relationship}
	for i := range 3000 {
		r := Result{Total: points(), Fit: points(), Engagement: points(), Relationship: points(),
			Tier: []string{"", "hot", "wärm"}[rng.IntN(3)], Handoff: rng.IntN(2) == 0, Grade: []string{"", "A"}[rng.IntN(2)],
			Stage: []Stage{"", StageNurture}[rng.IntN(2)], Persona: []string{"", "Joe"}[rng.IntN(2)], Disqualified: rng.IntN(4) == 0}
		r.raw = [3]float64{r.Fit, points(), r.Relationship}
		for k := range rng.IntN(12) {
			r.Contributions = append(r.Contributions, Contribution{RuleID: fmt.Sprint(k), Dimension: dims[rng.IntN(3)], Points: points(),
				Reason: []string{"VP title", "visited pricing ×3", "ünïcode reason"}[rng.IntN(3)], Events: rng.IntN(3)})
		}
		for range rng.IntN(3) {
			r.Signals = append(r.Signals, Signal{Kind: "velocity", Reason: "engagement at 3.2× its usual pace"})
		}
		if rng.IntN(5) == 0 {
			r.Errors = append(r.Errors, &RuleError{RuleID: "r1", Err: fmt.Errorf("division\nsecond line")})
		}
		o := ExplainOptions{Reasons: []int{0, 1, 3, Unlimited}[rng.IntN(4)], Neutral: rng.IntN(2) == 0}
		if got, want := r.ExplainWith(o), explainReference(r, o); got != want {
			t.Fatalf("result %d, options %+v:\ngot:\n%s\nwant:\n%s", i, o, got, want)
		}
	}
}

func explainReference(r Result, o ExplainOptions) string {
	limit := o.Reasons
	switch {
	case limit == Unlimited:
		limit = math.MaxInt
	case limit <= 0:
		limit = DefaultExplainReasons
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Total %s", formatPoints(r.Total))
	if r.Tier != "" {
		fmt.Fprintf(&b, " — %s", r.Tier)
		if r.Handoff {
			b.WriteString(" (hand-off)")
		}
	}
	if r.Grade != "" {
		fmt.Fprintf(&b, ", grade %s", r.Grade)
	}
	if r.Stage != "" {
		fmt.Fprintf(&b, ", stage %s", r.Stage)
	}
	if r.Persona != "" {
		fmt.Fprintf(&b, ", persona %s", r.Persona)
	}
	b.WriteByte('\n')
	if r.Disqualified {
		b.WriteString("Disqualified: never a hand-off\n")
	}
	fmt.Fprintf(&b, "Fit %s · Engagement %s · Relationship %s\n",
		formatDimReference(r.Fit, r.raw[0]), formatDimReference(r.Engagement, r.raw[1]), formatDimReference(r.Relationship, r.raw[2]))

	reasons := r.rankedContributions(o.Neutral)
	if len(reasons) > 0 {
		b.WriteString("Why:\n")
		shown := reasons[:min(len(reasons), limit)]
		width := 0
		for _, c := range shown {
			width = max(width, len([]rune(signedReference(c.Points))))
		}
		for _, c := range shown {
			p := signedReference(c.Points)
			fmt.Fprintf(&b, "  %s%s  %-12s  %s", strings.Repeat(" ", width-len([]rune(p))), p, c.Dimension, c.Reason)
			if c.Events > 0 {
				fmt.Fprintf(&b, " (%d %s)", c.Events, text.Plural(c.Events, "event", "events"))
			}
			b.WriteByte('\n')
		}
		if rest := reasons[len(shown):]; len(rest) > 0 {
			sum := 0.0
			for _, c := range rest {
				sum += c.Points
			}
			fmt.Fprintf(&b, "  … and %d more (%s)\n", len(rest), signedReference(sum))
		}
	}
	for _, s := range r.Signals {
		fmt.Fprintf(&b, "Signal: %s — %s\n", s.Kind, s.Reason)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "Rule error: %s\n", firstLine(e.Error()))
	}
	return b.String()
}

func signedReference(v float64) string {
	s := formatPoints(v)
	switch {
	case strings.HasPrefix(s, "-"):
		return "−" + s[1:]
	case s == "0":
		return "±0"
	}
	return "+" + s
}

func formatDimReference(v, raw float64) string {
	if formatPoints(v) == formatPoints(raw) {
		return formatPoints(v)
	}
	return fmt.Sprintf("%s (capped from %s)", formatPoints(v), formatPoints(raw))
}
