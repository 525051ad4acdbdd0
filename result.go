package leadscore

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/leadscore/leadscore/internal/text"
)

// Result is an evaluated lead: the three dimension scores, their weighted total, the tier and
// grade they give, and every reason behind them.
type Result struct {
	Fit           float64        `json:"fit"` // the three dimension scores, bounded
	Engagement    float64        `json:"engagement"`
	Relationship  float64        `json:"relationship"`
	Total         float64        `json:"total"` // Σ weight × dimension score
	Tier          string         `json:"tier"`
	Handoff       bool           `json:"handoff"`         // the tier is a hand-off (MQL) tier and the lead is not disqualified
	Grade         string         `json:"grade,omitempty"` // fit grade, "A".."D" by default
	Stage         Stage          `json:"stage"`
	Owner         Owner          `json:"owner,omitempty"`        // who owns the stage: "marketing", "sales", "service", …
	Stalled       bool           `json:"stalled,omitempty"`      // the lead has been in its stage longer than the stage's SLA
	StalledSince  time.Time      `json:"stalled_since,omitzero"` // when the SLA ran out
	Persona       string         `json:"persona,omitempty"`
	Track         string         `json:"track,omitempty"` // the persona's nurture track
	Disqualified  bool           `json:"disqualified"`
	Signals       []Signal       `json:"signals"`
	Contributions []Contribution `json:"contributions"` // every rule that fired, in rule-set order (attribute rules, then event rules)
	Transitions   []Transition   `json:"transitions"`   // what this call changed (Observe and Advance only)

	At        time.Time    `json:"at"`                  // the time the lead was evaluated at: the time asked for, or the State's clock if later
	Duplicate bool         `json:"duplicate,omitempty"` // Observe: the event's ID was seen before, so nothing changed
	Errors    []*RuleError `json:"errors,omitempty"`    // rules that failed at run time; each contributed nothing

	raw  [3]float64 // dimension sums before bounds, for Explain
	base [3]float64 // the attribute rules' part of raw
}

// reset empties r for reuse, keeping the capacity of its slices.
func (r *Result) reset() {
	*r = Result{
		Signals:       r.Signals[:0],
		Contributions: r.Contributions[:0],
		Transitions:   r.Transitions[:0],
		Errors:        r.Errors[:0],
	}
}

// Contribution is one fired rule's share of a dimension score.
type Contribution struct {
	RuleID    string    `json:"rule"`
	Dimension Dimension `json:"dimension"`
	Points    float64   `json:"points"` // after the rule's max, before the dimension's bounds
	Reason    string    `json:"reason"`
	Events    int       `json:"events,omitempty"` // event rules: how many events it counts (once rules: 1)
}

// DefaultExplainReasons is how many contributions Explain lists before summarising the rest.
const DefaultExplainReasons = 5

// ExplainOptions shapes the text of [Result.ExplainWith]. The zero value gives what
// [Result.Explain] gives.
type ExplainOptions struct {
	// Reasons is how many contributions are listed, strongest first, before the rest are
	// summarised in one line ("… and 2 more (+5)"): 0 means DefaultExplainReasons, Unlimited
	// lists them all.
	Reasons int
	// Neutral also lists the rules that fired with no points (neutral rules, and contributions
	// that round to 0), after the others: what a lead is, beside what it scores.
	Neutral bool
}

// Explain returns the text a salesperson reads at hand-off: the total and tier, the three
// dimensions, the strongest reasons with their points, the signals and anything that went
// wrong. It is deterministic: the same Result gives the same text, byte for byte.
//
//	Total 82 — hot (hand-off), grade A, stage nurture
//	Fit 45 · Engagement 37 · Relationship 0
//	Why:
//	  +20  fit           executive title
//	  +17  engagement    visited pricing pages (3 events)
//	  −10  fit           free-mail address
//	  … and 2 more (+5)
func (r Result) Explain() string { return r.ExplainWith(ExplainOptions{}) }

// ExplainWith is Explain shaped by o: how many reasons it lists, and whether neutral rules
// are among them. A negative Reasons other than Unlimited is taken as 0 (the default).
func (r Result) ExplainWith(o ExplainOptions) string {
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
		formatDim(r.Fit, r.raw[0]), formatDim(r.Engagement, r.raw[1]), formatDim(r.Relationship, r.raw[2]))

	reasons := r.rankedContributions(o.Neutral)
	if len(reasons) > 0 {
		b.WriteString("Why:\n")
		shown := reasons[:min(len(reasons), limit)]
		width := 0
		for _, c := range shown {
			width = max(width, len([]rune(signedPoints(c.Points))))
		}
		for _, c := range shown {
			p := signedPoints(c.Points)
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
			fmt.Fprintf(&b, "  … and %d more (%s)\n", len(rest), signedPoints(sum))
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

// rankedContributions orders the non-zero contributions by magnitude, largest first, ties in
// rule-set order, so the strongest reasons lead; with neutral, the contributions that round to
// 0 are kept too, and sort last.
func (r Result) rankedContributions(neutral bool) []Contribution {
	out := make([]Contribution, 0, len(r.Contributions))
	for _, c := range r.Contributions {
		if math.Abs(c.Points) >= 0.05 || neutral { // what rounds to ±0 says nothing about the score
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Contribution) int {
		return cmp.Compare(math.Abs(b.Points), math.Abs(a.Points))
	})
	return out
}

// formatPoints renders points with at most one decimal, without a trailing ".0".
func formatPoints(v float64) string { return text.Decimal(v, 1) }

func signedPoints(v float64) string {
	s := formatPoints(v)
	switch {
	case strings.HasPrefix(s, "-"):
		return "−" + s[1:]
	case s == "0":
		return "±0"
	}
	return "+" + s
}

// formatDim shows a dimension score, and the sum it was bounded from when they differ, so the
// reasons always add up to what the reader sees.
func formatDim(v, raw float64) string {
	if formatPoints(v) == formatPoints(raw) {
		return formatPoints(v)
	}
	return fmt.Sprintf("%s (capped from %s)", formatPoints(v), formatPoints(raw))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
