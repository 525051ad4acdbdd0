package leadscore

import (
	"errors"
	"strings"
	"testing"
)

func TestRuntimeRuleErrorsContributeNothing(t *testing.T) {
	cfg := Config{
		Rules: []Rule{
			{ID: "trait", Dimension: Fit, When: "lead.Traits.score > 5", Points: 10},
			{ID: "ratio", Dimension: Fit, Value: "lead.Company.Revenue / lead.Company.Employees"},
			{ID: "ok", Dimension: Fit, When: "lead.Age >= 0", Points: 1},
		},
		Events: []EventRule{{ID: "bad-event", On: []string{EventPurchase}, When: "event.Properties.sku > 3", Points: 5}},
	}
	s := compileT(t, cfg)
	var st State
	lead := Lead{Company: Company{Revenue: 1e6}} // no trait, zero employees: +Inf
	res := observeT(t, s, lead, &st, ev(EventPurchase, t0))
	if res.Fit != 1 || res.Engagement != 0 {
		t.Fatalf("fit %v engagement %v, want 1 0: failed rules must contribute nothing", res.Fit, res.Engagement)
	}
	ids := map[string]bool{}
	for _, e := range res.Errors {
		ids[e.RuleID+"."+e.Field] = true
		if !strings.HasPrefix(e.Error(), "leadscore: ") {
			t.Errorf("unprefixed: %v", e)
		}
	}
	for _, want := range []string{"trait.when", "ratio.value", "bad-event.when"} {
		if !ids[want] {
			t.Errorf("missing runtime error %s in %v", want, res.Errors)
		}
	}
	var ratio *RuleError
	for _, e := range res.Errors {
		if e.RuleID == "ratio" {
			ratio = e
		}
	}
	if ratio == nil || !errors.Is(ratio, errNotFinite) {
		t.Errorf("ratio error %v, want errNotFinite", ratio)
	}
	if st.Events() != 1 {
		t.Errorf("the event was not recorded: %d", st.Events())
	}
	if !strings.Contains(res.Explain(), "Rule error: ") {
		t.Errorf("Explain hides rule errors:\n%s", res.Explain())
	}
}

// A panic inside a user function becomes a rule error, not a crash.
func TestPanickingFunctionIsARuleError(t *testing.T) {
	boom := func(...any) (any, error) { panic("boom") }
	s := compileT(t, Config{Rules: []Rule{{ID: "p", Dimension: Fit, When: "boom()", Points: 1}}},
		WithFunction("boom", boom, new(func() bool)))
	var st State
	res := scoreT(t, s, Lead{}, &st, t0)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "boom") || res.Fit != 0 {
		t.Fatalf("errors %v fit %v", res.Errors, res.Fit)
	}
}

func TestBadCallsDoNotTouchState(t *testing.T) {
	s := compileT(t, DefaultB2B())
	var st State
	observeT(t, s, Lead{}, &st, ev(EventCall, t0))
	before := st.Clone()
	for _, bad := range []Event{{Type: EventCall}, {Time: t0}, {Type: EventPurchase, Time: t0, Value: 1 / zero()}} {
		if _, err := s.Observe(Lead{}, &st, bad); err == nil {
			t.Fatalf("Observe(%+v) accepted", bad)
		}
	}
	if st.Events() != before.Events() || st.d.Acc[0] != before.d.Acc[0] || st.d.Latest != before.d.Latest {
		t.Fatal("a rejected event changed the State")
	}
	if _, err := s.Observe(Lead{}, nil, ev(EventCall, t0)); !errors.Is(err, ErrNilState) {
		t.Fatalf("nil state: %v", err)
	}
	if _, err := s.Score(Lead{}, &st, zeroTime()); err == nil {
		t.Fatal("Score at the zero time accepted")
	}
}
