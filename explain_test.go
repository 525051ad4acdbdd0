package leadscore

import (
	"strconv"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	r := Result{
		Fit: 100, Engagement: 31.25, Relationship: 0, Total: 131.25,
		Tier: "hot", Handoff: true, Grade: "A", Stage: StageNurture,
		Contributions: []Contribution{
			{RuleID: "a", Dimension: Fit, Points: 20, Reason: "executive title"},
			{RuleID: "b", Dimension: Fit, Points: 90, Reason: "target account"},
			{RuleID: "c", Dimension: Fit, Points: -10, Reason: "free-mail address"},
			{RuleID: "d", Dimension: Engagement, Points: 24, Reason: "visited pricing pages", Events: 3},
			{RuleID: "e", Dimension: Engagement, Points: 0.01, Reason: "opened an email", Events: 1},
			{RuleID: "f", Dimension: Engagement, Points: 7.25, Reason: "filled in a form", Events: 1},
			{RuleID: "g", Dimension: Fit, Points: 0, Reason: "individual contributor"},
			{RuleID: "h", Dimension: Engagement, Points: 0.5, Reason: "clicked an email", Events: 1},
			{RuleID: "i", Dimension: Engagement, Points: -0.5, Reason: "unsubscribed", Events: 1},
		},
		Signals: []Signal{{Kind: "frequent_visits", Reason: "3 pricing-page visits in 6 days"}},
		raw:     [3]float64{100, 31.26, 0},
	}
	want := `Total 131.3 — hot (hand-off), grade A, stage nurture
Fit 100 · Engagement 31.3 · Relationship 0
Why:
   +90  fit           target account
   +24  engagement    visited pricing pages (3 events)
   +20  fit           executive title
   −10  fit           free-mail address
  +7.3  engagement    filled in a form (1 event)
  … and 2 more (±0)
Signal: frequent_visits — 3 pricing-page visits in 6 days
`
	if got := r.Explain(); got != want {
		t.Fatalf("Explain:\n%s\nwant:\n%s", got, want)
	}
	for range 10 {
		if r.Explain() != want {
			t.Fatal("Explain is not deterministic")
		}
	}
}

func TestExplainShowsCapsAndDisqualification(t *testing.T) {
	cfg := Config{
		Dimensions: map[Dimension]DimensionConfig{Fit: {Max: Float(30)}},
		Rules: []Rule{
			{ID: "big", Dimension: Fit, Points: 50, Reason: "big company"},
			{ID: "rival", Dimension: Fit, Points: 0, Disqualify: true, Reason: "works for a competitor"},
		},
		Tiers: []Tier{{Name: "hot", Min: Float(10), Handoff: true}},
	}
	s := compileT(t, cfg)
	var st State
	r := scoreT(t, s, Lead{}, &st, t0)
	if r.Handoff || !r.Disqualified || r.Tier != "hot" {
		t.Fatalf("tier %q handoff %v disqualified %v", r.Tier, r.Handoff, r.Disqualified)
	}
	text := r.Explain()
	for _, want := range []string{"Total 30 — hot, grade", "Disqualified: never a hand-off", "Fit 30 (capped from 50)", "+50  fit           big company"} {
		if !strings.Contains(text, want) {
			t.Errorf("Explain lacks %q:\n%s", want, text)
		}
	}
}

func TestFormatPoints(t *testing.T) {
	for v, want := range map[float64]string{0: "0", -0.01: "0", 1.25: "1.3", -1.25: "-1.3", 100: "100", 99.96: "100", 12.34: "12.3"} {
		if got := formatPoints(v); got != want {
			t.Errorf("formatPoints(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestExplainWith(t *testing.T) {
	r := Result{
		Fit: 30, Engagement: 10, Total: 40, Tier: "warm",
		Contributions: []Contribution{
			{RuleID: "a", Dimension: Fit, Points: 20, Reason: "executive title"},
			{RuleID: "g", Dimension: Fit, Points: 0, Reason: "individual contributor"},
			{RuleID: "b", Dimension: Fit, Points: 10, Reason: "mid-size company"},
			{RuleID: "c", Dimension: Engagement, Points: 6, Reason: "opened emails", Events: 6},
			{RuleID: "d", Dimension: Engagement, Points: 4, Reason: "visited the blog", Events: 2},
		},
		raw: [3]float64{30, 10, 0},
	}
	head := "Total 40 — warm\nFit 30 · Engagement 10 · Relationship 0\nWhy:\n"
	for _, c := range []struct {
		name string
		o    ExplainOptions
		want string
	}{
		{"zero value is Explain", ExplainOptions{}, head +
			"  +20  fit           executive title\n  +10  fit           mid-size company\n   +6  engagement    opened emails (6 events)\n   +4  engagement    visited the blog (2 events)\n"},
		{"two reasons", ExplainOptions{Reasons: 2}, head +
			"  +20  fit           executive title\n  +10  fit           mid-size company\n  … and 2 more (+10)\n"},
		{"one reason", ExplainOptions{Reasons: 1}, head +
			"  +20  fit           executive title\n  … and 3 more (+20)\n"},
		{"neutral, all", ExplainOptions{Reasons: Unlimited, Neutral: true}, head +
			"  +20  fit           executive title\n  +10  fit           mid-size company\n   +6  engagement    opened emails (6 events)\n   +4  engagement    visited the blog (2 events)\n   ±0  fit           individual contributor\n"},
		{"negative other than Unlimited is the default", ExplainOptions{Reasons: -7}, head +
			"  +20  fit           executive title\n  +10  fit           mid-size company\n   +6  engagement    opened emails (6 events)\n   +4  engagement    visited the blog (2 events)\n"},
	} {
		if got := r.ExplainWith(c.o); got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.name, got, c.want)
		}
	}
	if r.Explain() != r.ExplainWith(ExplainOptions{}) {
		t.Error("Explain differs from ExplainWith(ExplainOptions{})")
	}
}

// TestExplainWithListsEveryReason: with Unlimited, every contribution that is not neutral is
// listed exactly once and nothing is summarised, whatever their number.
func TestExplainWithListsEveryReason(t *testing.T) {
	for n := range 40 {
		var r Result
		for i := range n {
			r.Contributions = append(r.Contributions, Contribution{RuleID: "r", Dimension: Fit, Points: float64(i + 1), Reason: "reason-" + strings.Repeat("x", i)})
		}
		got := r.ExplainWith(ExplainOptions{Reasons: Unlimited})
		if c := strings.Count(got, "reason-"); c != n {
			t.Fatalf("%d contributions: %d listed", n, c)
		}
		if strings.Contains(got, "more (") {
			t.Fatalf("%d contributions: summarised with Unlimited:\n%s", n, got)
		}
		if d := r.ExplainWith(ExplainOptions{}); n > DefaultExplainReasons && !strings.Contains(d, "… and "+strconv.Itoa(n-DefaultExplainReasons)+" more") {
			t.Fatalf("%d contributions: default does not summarise the rest:\n%s", n, d)
		}
	}
}
