package leadscore

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestCountWindowEdges(t *testing.T) {
	s := compileT(t, Config{Rules: []Rule{
		{ID: "n", Dimension: Engagement, Value: `count("page_view", "7d")`},
	}})
	var st State
	observeT(t, s, Lead{}, &st, ev(EventPageView, t0), ev(EventPageView, t0.Add(2*Day)), ev(EventPageView, t0.Add(5*Day)))
	tests := []struct {
		at   time.Time
		want float64
	}{
		{t0.Add(5 * Day), 3},
		{t0.Add(7 * Day), 3},                  // [now−7d, now] includes t0 exactly
		{t0.Add(7*Day + time.Nanosecond), 2},  // t0 just left the window
		{t0.Add(9 * Day), 2},                  // t0+2d at the edge
		{t0.Add(9*Day + time.Nanosecond), 1},  //
		{t0.Add(12 * Day), 1},                 //
		{t0.Add(12*Day + time.Nanosecond), 0}, //
		{t0.Add(-time.Hour), 3},               // before the latest event: evaluated at it
	}
	for _, tt := range tests {
		if r := scoreT(t, s, Lead{}, &st, tt.at); r.Engagement != tt.want {
			t.Errorf("at t0+%v: count %v, want %v", tt.at.Sub(t0), r.Engagement, tt.want)
		}
	}
}

func TestCountThresholdEdges(t *testing.T) {
	s := compileT(t, Config{Rules: []Rule{
		{ID: "three", Dimension: Engagement, When: `count("email_click", "14d") >= 3`, Points: 1},
		{ID: "more-than-three", Dimension: Engagement, When: `3 < count("email_click", "14d")`, Points: 10},
	}})
	for n, want := range map[int]float64{0: 0, 2: 0, 3: 1, 4: 11, 40: 11} {
		var st State
		for i := range n {
			observeT(t, s, Lead{}, &st, ev(EventEmailClick, t0.Add(time.Duration(i)*time.Minute)))
		}
		if r := scoreT(t, s, Lead{}, &st, t0.Add(Day)); r.Engagement != want {
			t.Errorf("%d clicks: %v, want %v", n, r.Engagement, want)
		}
	}
	// Memory: "count >= 3" and "3 < count" need the latest 4 times, no more.
	if got := s.layout.RingCap[s.typeOf[EventEmailClick]]; got != 4 {
		t.Errorf("email_click keeps %d times, want 4", got)
	}
}

// A count used other than in a comparison with a constant is exact up to defaultCountLimit
// and saturates there; memory per lead stays bounded.
func TestCountSaturates(t *testing.T) {
	s := compileT(t, Config{Rules: []Rule{{ID: "n", Dimension: Engagement, Value: `count("page_view", "30d") * 1.0`}}})
	var st State
	for i := range defaultCountLimit + 10 {
		observeT(t, s, Lead{}, &st, ev(EventPageView, t0.Add(time.Duration(i)*time.Minute)))
	}
	if r := scoreT(t, s, Lead{}, &st, t0.Add(Day)); r.Engagement != defaultCountLimit {
		t.Fatalf("count %v, want saturation at %d", r.Engagement, defaultCountLimit)
	}
	if got := s.layout.RingCap[s.typeOf[EventPageView]]; got != defaultCountLimit {
		t.Fatalf("state keeps %d page_view times, want %d", got, defaultCountLimit)
	}
}

func TestCountOutOfOrder(t *testing.T) {
	s := compileT(t, Config{Rules: []Rule{{ID: "n", Dimension: Engagement, When: `count("call", "1d") >= 2`, Points: 1}}})
	var st State
	observeT(t, s, Lead{}, &st, ev(EventCall, t0.Add(10*Day)), ev(EventCall, t0.Add(10*Day-time.Hour)), ev(EventCall, t0))
	if r := scoreT(t, s, Lead{}, &st, t0.Add(10*Day)); r.Engagement != 1 {
		t.Fatalf("got %v, want the two recent calls to count", r.Engagement)
	}
}

func TestDaysSince(t *testing.T) {
	s := compileT(t, Config{Rules: []Rule{{ID: "d", Dimension: Engagement, Value: `days_since("form_submit") < 1000 ? days_since("form_submit") : -1`}}})
	var st State
	if r := scoreT(t, s, Lead{}, &st, t0); r.Engagement != -1 {
		t.Fatalf("never: %v, want -1 (+Inf)", r.Engagement)
	}
	observeT(t, s, Lead{}, &st, ev(EventFormSubmit, t0), ev(EventFormSubmit, t0.Add(-3*Day)))
	if r := scoreT(t, s, Lead{}, &st, t0.Add(36*time.Hour)); r.Engagement != 1.5 {
		t.Fatalf("days_since = %v, want 1.5", r.Engagement)
	}
	if d := daysSince(noTime, 0); !math.IsInf(d, 1) {
		t.Fatalf("daysSince(never) = %v", d)
	}
}

// An event rule decides when its event is observed, so what it reads must not depend on which
// other events have arrived yet: count, days_since, stage and days_in_stage are compile errors
// there (with the reason), and fine in attribute rules, which are evaluated at every Score.
func TestEventRulesCannotReadArrivalOrder(t *testing.T) {
	for _, when := range []string{
		`count("page_view", "7d") >= 3`,
		`days_since("form_submit") == 0`,
		`stage == "nurture"`,
		`days_in_stage > 2`,
		`event.Path == "/x" || count("call", "1d") > 0`,
	} {
		_, err := Compile[Lead](Config{Events: []EventRule{{ID: "ordered", On: []string{EventPageView}, When: when, Points: 10}}})
		var re *RuleError
		if !errors.As(err, &re) || re.RuleID != "ordered" || re.Field != "when" ||
			!strings.Contains(err.Error(), "is not available in event rules") || !strings.Contains(err.Error(), "attribute rule instead") {
			t.Errorf("event rule when %q: %v, want a RuleError for rule ordered explaining the order dependence", when, err)
		}
		if strings.Contains(when, "event.") {
			continue // attribute rules have no event
		}
		if _, err := Compile[Lead](Config{Rules: []Rule{{ID: "fine", Dimension: Engagement, When: when, Points: 10}}}); err != nil {
			t.Errorf("attribute rule when %q: %v", when, err)
		}
	}
}

func TestYearsSince(t *testing.T) {
	s := compileT(t, Config{Rules: []Rule{{ID: "tenure", Dimension: Relationship, Value: "years_since(lead.CustomerSince)"}}})
	var st State
	for _, tt := range []struct {
		since time.Time
		want  float64
	}{
		{time.Time{}, 0},
		{t0.Add(2 * 365.25 * 24 * time.Hour), 0},
		{t0.Add(-2 * 365.25 * 24 * time.Hour), 2},
	} {
		if r := scoreT(t, s, Lead{CustomerSince: tt.since}, &st, t0); !near(r.Relationship, tt.want) {
			t.Errorf("since %v: %v, want %v", tt.since, r.Relationship, tt.want)
		}
	}
}

// A count read as a number, in any form but a comparison with a constant, is capped by what
// the State keeps: Compile warns, naming the rule, the field and the cap; a comparison with a
// constant, exact up to the constant, is not warned of.
func TestCountReadAsNumberWarns(t *testing.T) {
	warned := []struct{ field, src string }{
		{"value", `count("page_view", "30d") * 1.0`},
		{"when", `count("page_view", "30d") / 10 >= 10`},
		{"when", `count("page_view", "30d") - 36 >= 64`},
		{"when", `count("page_view", "30d") in 100..200`},
		{"when", `let c = count("page_view", "30d"); c >= 100`},
		{"when", `count("page_view", "30d") >= count("email_open", "30d")`},
	}
	for _, c := range warned {
		r := Rule{ID: "busy", Dimension: Engagement}
		if c.field == "value" {
			r.Value = c.src
		} else {
			r.When, r.Points = c.src, 1
		}
		s := compileT(t, Config{Rules: []Rule{r}})
		var got *Warning
		for _, w := range s.Warnings() {
			if strings.Contains(w.Message, `count("page_view", "30d") is read as a number`) {
				got = &w
			}
		}
		if got == nil {
			t.Errorf("%s: no warning of the count read as a number in %v", c.src, s.Warnings())
			continue
		}
		if got.Kind != ItemRule || got.ID != "busy" || got.Field != c.field {
			t.Errorf("%s: the warning names %s %q %q, want rule \"busy\" %q", c.src, got.Kind, got.ID, got.Field, c.field)
		}
		if !strings.Contains(got.Message, "never counts more than 64") || !strings.Contains(got.Fix, `count("page_view", "30d") >= 100`) {
			t.Errorf("%s: the warning does not give the cap and the fix: %s (fix: %s)", c.src, got.Message, got.Fix)
		}
	}
	// A larger constant elsewhere raises what the State keeps (">= 500" keeps 501 times), and
	// the cap the warning gives.
	s := compileT(t, Config{Rules: []Rule{
		{ID: "many", Dimension: Engagement, When: `count("page_view", "30d") >= 500`, Points: 1},
		{ID: "n", Dimension: Engagement, Value: `count("page_view", "30d") * 1.0`},
	}})
	if ws := s.Warnings(); len(ws) != 1 || !strings.Contains(ws[0].Message, "never counts more than 501") || ws[0].ID != "n" {
		t.Errorf("with a comparison asking for 500: warnings %v", ws)
	}
	for _, src := range []string{
		`count("page_view", "30d") >= 100`, `100 <= count("page_view", "30d")`, `count("page_view", "30d") == 150`,
		`count("page_view", "30d") > 3 ? true : false`,
	} {
		s := compileT(t, Config{Rules: []Rule{{ID: "busy", Dimension: Engagement, When: src, Points: 1}}})
		if ws := s.Warnings(); len(ws) != 0 {
			t.Errorf("%s: exact, yet warned: %v", src, ws)
		}
	}
}
