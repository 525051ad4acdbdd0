package leadscore

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leadscore/leadscore/internal/text"
)

// Result is an evaluated lead: the three dimension scores, their weighted total, the tier and
// grade they give, and every reason behind them.
//
// In a Result a call returns without error, Signals, Contributions and Transitions are never
// nil: an empty list is empty, and its JSON is [] whichever call filled the Result (Score or
// ScoreInto, a fresh Result or a reused one).
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
	// Trigger names what crossed the line when the call changed the tier or handed the lead
	// to sales: the event observed, or the passage of time (why.go). Nil otherwise.
	Trigger *Trigger `json:"trigger,omitempty"`
	// Rejection is the latest rejection of the lead by sales (a sales_rejected event), with
	// its reason, kept when the lead is recycled to marketing (sla.go). Nil: never rejected.
	Rejection *Rejection `json:"rejection,omitempty"`

	raw  [3]float64 // dimension sums before bounds, for Explain
	base [3]float64 // the attribute rules' part of raw
}

// reset empties r for reuse, keeping the capacity of its slices.
func (r *Result) reset() {
	// Zeroed, then the slices set: a composite literal would be built on the stack and
	// copied in 16-byte loads, which stall on its 8-byte stores.
	signals, contributions, transitions, errs := r.Signals[:0], r.Contributions[:0], r.Transitions[:0], r.Errors[:0]
	*r = Result{}
	r.Signals, r.Contributions, r.Transitions, r.Errors = signals, contributions, transitions, errs
}

// emptyLists makes r's nil lists empty: a Result's lists are never nil, so that its JSON says
// [] for an empty one whichever call filled it — a fresh Result or a reused one, Score or
// ScoreInto. It is apart from reset, which the compiler then inlines: inside it, reset's
// cost passed the inliner's budget, and Score on one lead ran 4.6 % slower (p=0.000).
// evaluate calls it only when a list is nil, the first time a Result is filled.
func (r *Result) emptyLists() {
	r.Signals, r.Contributions, r.Transitions = orEmpty(r.Signals), orEmpty(r.Contributions), orEmpty(r.Transitions)
}

// orEmpty is xs, or an empty slice (which allocates nothing) for nil.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
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
	// Appended by hand into one buffer sized up front: Explain runs for every lead the CLI
	// scores, and fmt's reflection was a sixth of that.
	reasons := r.rankedContributions(o.Neutral)
	shown := reasons[:min(len(reasons), limit)]
	b := make([]byte, 0, 160+72*len(shown)+96*len(r.Signals))
	b = append(b, "Total "...)
	b = appendPoints(b, r.Total)
	if r.Tier != "" {
		b = append(b, " — "...)
		b = append(b, r.Tier...)
		if r.Handoff {
			b = append(b, " (hand-off)"...)
		}
	}
	if r.Grade != "" {
		b = append(append(b, ", grade "...), r.Grade...)
	}
	if r.Stage != "" {
		b = append(append(b, ", stage "...), r.Stage...)
	}
	if r.Persona != "" {
		b = append(append(b, ", persona "...), r.Persona...)
	}
	b = append(b, '\n')
	if r.Disqualified {
		b = append(b, "Disqualified: never a hand-off\n"...)
	}
	b = append(b, "Fit "...)
	b = appendDim(b, r.Fit, r.raw[0])
	b = append(b, " · Engagement "...)
	b = appendDim(b, r.Engagement, r.raw[1])
	b = append(b, " · Relationship "...)
	b = appendDim(b, r.Relationship, r.raw[2])
	b = append(b, '\n')
	b = r.appendWhyNow(b) // why now and a rejection by sales, before the strongest reasons (why.go)

	if len(reasons) > 0 {
		b = append(b, "Why:\n"...)
		width := 0
		for _, c := range shown {
			width = max(width, signedWidth(c.Points))
		}
		for _, c := range shown {
			b = append(b, "  "...)
			for range width - signedWidth(c.Points) {
				b = append(b, ' ')
			}
			b = appendSigned(b, c.Points)
			b = append(append(b, "  "...), c.Dimension...)
			for range 12 - utf8.RuneCountInString(string(c.Dimension)) {
				b = append(b, ' ')
			}
			b = append(append(b, "  "...), c.Reason...)
			if c.Events > 0 {
				b = append(b, " ("...)
				b = strconv.AppendInt(b, int64(c.Events), 10)
				b = append(append(append(b, ' '), text.Plural(c.Events, "event", "events")...), ')')
			}
			b = append(b, '\n')
		}
		if rest := reasons[len(shown):]; len(rest) > 0 {
			sum := 0.0
			for _, c := range rest {
				sum += c.Points
			}
			b = append(b, "  … and "...)
			b = strconv.AppendInt(b, int64(len(rest)), 10)
			b = append(b, " more ("...)
			b = append(appendSigned(b, sum), ")\n"...)
		}
	}
	for _, s := range r.Signals {
		b = append(append(append(append(append(b, "Signal: "...), s.Kind...), " — "...), s.Reason...), '\n')
	}
	for _, e := range r.Errors {
		b = append(append(append(b, "Rule error: "...), firstLine(e.Error())...), '\n')
	}
	return string(b)
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

func appendPoints(dst []byte, v float64) []byte { return text.AppendDecimal(dst, v, 1) }

func signedPoints(v float64) string { return string(appendSigned(nil, v)) }

// appendSigned appends points with their sign: "+20", "−15" (a minus sign, not a hyphen),
// "±0".
func appendSigned(dst []byte, v float64) []byte {
	var buf [40]byte
	p := appendPoints(buf[:0], v)
	switch {
	case p[0] == '-':
		return append(append(dst, "−"...), p[1:]...)
	case string(p) == "0":
		return append(dst, "±0"...)
	}
	return append(append(dst, '+'), p...)
}

// signedWidth is how many characters appendSigned writes for v.
func signedWidth(v float64) int {
	var buf [40]byte
	return utf8.RuneCount(appendSigned(buf[:0], v))
}

// appendDim shows a dimension score, and the sum it was bounded from when they differ, so
// the reasons always add up to what the reader sees.
func appendDim(dst []byte, v, raw float64) []byte {
	var shown, from [40]byte
	p, q := appendPoints(shown[:0], v), appendPoints(from[:0], raw)
	dst = append(dst, p...)
	if string(p) != string(q) {
		dst = append(append(append(dst, " (capped from "...), q...), ')')
	}
	return dst
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
