package leadscoretest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/leadscoretest"
)

func TestCheckPasses(t *testing.T) {
	s := compile(t, rules())
	if err := leadscoretest.Check(s, []leadscoretest.Case[leadscore.Lead]{vp(), rival()}); err != nil {
		t.Fatal(err)
	}
}

func TestRunPasses(t *testing.T) {
	leadscoretest.Run(t, compile(t, rules()), []leadscoretest.Case[leadscore.Lead]{vp(), rival()})
}

// Each expectation, when wrong, gives one mismatch naming the case and the field.
func TestCheckReportsEachMismatch(t *testing.T) {
	s := compile(t, rules())
	for _, tc := range []struct {
		field  string
		expect func(*leadscoretest.Expect)
		want   string
	}{
		{"tier", func(x *leadscoretest.Expect) { x.Tier = "warm" }, `got "hot", want "warm" (total 90)`},
		{"handoff", func(x *leadscoretest.Expect) { x.Handoff = leadscoretest.Bool(false) }, `got true, want false (tier "hot")`},
		{"disqualified", func(x *leadscoretest.Expect) { x.Disqualified = leadscoretest.Bool(true) }, "got false, want true"},
		{"stage", func(x *leadscoretest.Expect) { x.Stage = leadscore.StageExpand }, `got "convert", want "expand" (went attract → capture → nurture → convert)`},
		{"persona", func(x *leadscoretest.Expect) { x.Persona = "other" }, `got "exec", want "other"`},
		{"persona", func(x *leadscoretest.Expect) { x.Persona, x.NoPersona = "", true }, `got "exec", want none`},
		{"track", func(x *leadscoretest.Expect) { x.Track = "newsletter" }, `got "briefings", want "newsletter" (persona "exec", tier "hot")`},
		{"fired", func(x *leadscoretest.Expect) { x.Fired = []string{"pricing"} }, `rule "pricing" did not fire`},
		{"not_fired", func(x *leadscoretest.Expect) { x.NotFired = []string{"demo"} }, `rule "demo" fired (+40: asked for a demo)`},
		{"signals", func(x *leadscoretest.Expect) { x.Signals = []string{"question"} }, `no "question" signal (signals: target_account)`},
		{"no_signals", func(x *leadscoretest.Expect) { x.NoSignals = []string{"target_account"} }, `"target_account" signal present`},
		{"min_total", func(x *leadscoretest.Expect) { x.MinTotal = leadscore.Float(90.5) }, "total 90 is below 90.5"},
		{"max_total", func(x *leadscoretest.Expect) { x.MaxTotal = leadscore.Float(89.99) }, "total 90 is above 89.99"},
		// Names the rule set lacks are reported, not silently passed.
		{"fired", func(x *leadscoretest.Expect) { x.Fired = []string{"dmeo"} }, `the rule set has no rule "dmeo"`},
		{"not_fired", func(x *leadscoretest.Expect) { x.NotFired = []string{"dmeo"} }, `the rule set has no rule "dmeo"`},
		{"tier", func(x *leadscoretest.Expect) { x.Tier = "HOT" }, `the rule set has no tier "HOT"`},
		{"stage", func(x *leadscoretest.Expect) { x.Stage = "won" }, `the rule set has no stage "won"`},
		{"persona", func(x *leadscoretest.Expect) { x.Persona = "ceo" }, `the rule set has no persona "ceo"`},
		{"signals", func(x *leadscoretest.Expect) { x.Signals = []string{"hot_lead"} }, `the rule set has no signal kind "hot_lead"`},
		{"no_signals", func(x *leadscoretest.Expect) { x.NoSignals = []string{"hot_lead"} }, `the rule set has no signal kind "hot_lead"`},
	} {
		t.Run(tc.field+"/"+tc.want, func(t *testing.T) {
			c := vp()
			tc.expect(&c.Expect)
			err := leadscoretest.Check(s, []leadscoretest.Case[leadscore.Lead]{rival(), c})
			ms := mismatches(t, err)
			if len(ms) != 1 {
				t.Fatalf("want 1 mismatch, got %d: %v", len(ms), err)
			}
			m := ms[0]
			if m.Case != c.Name || m.Field != tc.field || !strings.HasPrefix(m.Message, tc.want) {
				t.Errorf("got %q %q %q, want %q %q %q…", m.Case, m.Field, m.Message, c.Name, tc.field, tc.want)
			}
			if msg := m.Error(); !strings.HasPrefix(msg, `leadscoretest: case "vp asks for a demo": `+tc.field+": ") {
				t.Errorf("Error() = %q", msg)
			}
		})
	}
}

func mismatches(t *testing.T, err error) []*leadscoretest.Mismatch {
	t.Helper()
	if err == nil {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Check's error is not a join: %T", err)
	}
	var out []*leadscoretest.Mismatch
	for _, e := range joined.Unwrap() {
		var m *leadscoretest.Mismatch
		if !errors.As(e, &m) {
			t.Fatalf("not a *Mismatch: %T %v", e, e)
		}
		out = append(out, m)
	}
	return out
}

// Zero-value expectations check nothing: an empty Expect passes any lead.
func TestCheckZeroExpectPasses(t *testing.T) {
	c := vp()
	c.Expect = leadscoretest.Expect{}
	if err := leadscoretest.Check(compile(t, rules()), []leadscoretest.Case[leadscore.Lead]{c}); err != nil {
		t.Fatal(err)
	}
}

// A rule that errors while a case runs is a bug in the rule set: the case fails.
func TestCheckFailsOnRuleErrors(t *testing.T) {
	cfg := rules()
	cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: "budget", Dimension: leadscore.Fit, When: `lead.Traits.budget > 1000`, Points: 5})
	c := vp()
	ms := mismatches(t, leadscoretest.Check(compile(t, cfg), []leadscoretest.Case[leadscore.Lead]{c}))
	if len(ms) != 1 || ms[0].Field != "errors" || !strings.Contains(ms[0].Message, `rule "budget"`) {
		t.Fatalf("want one rule-error mismatch for budget, got %v", ms)
	}
}

func TestCheckFailsCasesThatCannotRun(t *testing.T) {
	s := compile(t, rules())
	noTime := leadscoretest.Case[leadscore.Lead]{Name: "no time", Lead: leadscore.Lead{Title: "CEO"}}
	badEvent := vp()
	badEvent.Name = "event without a time"
	badEvent.Events = append(badEvent.Events, leadscore.Event{Type: "page_view"})
	unnamed := leadscoretest.Case[leadscore.Lead]{Events: []leadscore.Event{{Time: t0}}}
	ms := mismatches(t, leadscoretest.Check(s, []leadscoretest.Case[leadscore.Lead]{noTime, badEvent, unnamed}))
	want := []struct{ name, field, msg string }{
		{"no time", "at", "no events and no evaluation time"},
		{"event without a time", "events", "event 3 (page_view): leadscore: time out of range"},
		{"#3", "events", "event 1 (): leadscore: event has no type"},
	}
	if len(ms) != len(want) {
		t.Fatalf("got %d mismatches, want %d: %v", len(ms), len(want), ms)
	}
	for i, w := range want {
		if ms[i].Case != w.name || ms[i].Field != w.field || !strings.HasPrefix(ms[i].Message, w.msg) {
			t.Errorf("mismatch %d = %q %q %q, want %q %q %q…", i, ms[i].Case, ms[i].Field, ms[i].Message, w.name, w.field, w.msg)
		}
	}
}
