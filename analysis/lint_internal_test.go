package analysis

import (
	"testing"

	"github.com/leadscore/leadscore"
)

// A warning of Compile is passed on as "<item kind>-warning" with Compile's fix, or, for a
// warning without one, a fix that points at its message.
func TestCompileWarningUnknown(t *testing.T) {
	for _, tc := range []struct {
		w    leadscore.Warning
		want Finding
	}{
		{leadscore.Warning{Kind: "stage", ID: "demo", Field: "sla", Message: "too short"},
			Finding{SeverityWarning, "stage-warning", "demo", "sla: too short", `edit "sla" of stage "demo" as the message says`}},
		{leadscore.Warning{Kind: "event rule", ID: "x", Field: "when", Message: "something new"},
			Finding{SeverityWarning, "event-rule-warning", "x", "when: something new", `edit "when" of event rule "x" as the message says`}},
		{leadscore.Warning{Kind: "persona", ID: "a", Message: "something new"},
			Finding{SeverityWarning, "persona-warning", "a", "something new", `edit persona "a" as the message says`}},
		{leadscore.Warning{Kind: "config", ID: "event_types", Message: "something new"},
			Finding{SeverityWarning, "config-warning", "event_types", "something new", `edit config "event_types" as the message says`}},
		{leadscore.Warning{Kind: "persona", ID: "a", Field: "when", Message: "never", Fix: "change it"},
			Finding{SeverityWarning, "persona-unreachable", "a", "when: never", "change it"}},
		{leadscore.Warning{Kind: "signal", ID: "student", Field: "lead_fields", Message: "does not run", Fix: "map title"},
			Finding{SeverityWarning, "signal-warning", "student", "lead_fields: does not run", "map title"}},
	} {
		if got := compileWarning(tc.w); got != tc.want {
			t.Errorf("%s:\ngot  %#v\nwant %#v", tc.w, got, tc.want)
		}
	}
}
