package analysis

import (
	"maps"
	"slices"
	"testing"
)

// What an expression reads comes from its syntax tree: each case here is one that scanning
// its text with regular expressions (as lint once did) gets wrong.
func TestReadsOf(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		idents    []string            // the identifiers read, sorted
		args      map[string][]string // listed and has_signal's constant arguments
		dynamic   []string
	}{
		{"string literal naming a call",
			`lead.Title == "has_signal('student') and listed('partners', x)"`,
			[]string{"lead"}, map[string][]string{}, nil},
		{"string literal naming a variable",
			`lead.Traits.reason == "handoff"`,
			[]string{"lead"}, map[string][]string{}, nil},
		{"member named like a variable",
			`lead.Traits.handoff == true`,
			[]string{"lead"}, map[string][]string{}, nil},
		{"comment inside the call",
			`listed(/* the partner list */ "partners", lead.Email)`,
			[]string{"lead"}, map[string][]string{"listed": {"partners"}}, nil},
		{"call over several lines with a line comment",
			"has_signal(\n  // asked a question\n  \"question\"\n) && handoff",
			[]string{"handoff"}, map[string][]string{"has_signal": {"question"}}, nil},
		{"quote inside the constant",
			`listed("o'brien accounts", lead.Company.Domain)`,
			[]string{"lead"}, map[string][]string{"listed": {"o'brien accounts"}}, nil},
		{"backquoted constant, two calls",
			"listed(`targets`, lead.Email) || listed(\"targets\", lead.Company.Domain)",
			[]string{"lead"}, map[string][]string{"listed": {"targets", "targets"}}, nil},
		{"non-constant argument",
			`listed(lead.Traits.list, lead.Email) || has_signal("vip" + "")`,
			[]string{"lead"}, map[string][]string{}, []string{"listed", "has_signal"}},
		{"let shadows",
			`let handoff = total > 50; handoff && fresh_handoff`,
			[]string{"fresh_handoff", "total"}, map[string][]string{}, nil},
		{"does not parse",
			`listed("partners", `,
			nil, map[string][]string{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := readsOf(tc.src)
			if got := slices.Sorted(maps.Keys(r.idents)); !slices.Equal(got, tc.idents) {
				t.Errorf("identifiers %q, want %q", got, tc.idents)
			}
			if !maps.EqualFunc(r.args, tc.args, slices.Equal) {
				t.Errorf("constant arguments %q, want %q", r.args, tc.args)
			}
			if !slices.Equal(r.dynamic, tc.dynamic) {
				t.Errorf("dynamic calls %q, want %q", r.dynamic, tc.dynamic)
			}
		})
	}
}

func TestReadsCalls(t *testing.T) {
	r := readsOf(`listed("a", x) || listed("b", y) || has_signal("c")`)
	for _, tc := range []struct {
		fn, arg string
		want    bool
	}{
		{"listed", "a", true}, {"listed", "b", true}, {"listed", "c", false}, {"has_signal", "c", true}, {"has_signal", "a", false},
	} {
		if got := r.calls(tc.fn, tc.arg); got != tc.want {
			t.Errorf("calls(%s, %s) = %t", tc.fn, tc.arg, got)
		}
	}
}

// The event types an expression reads: count and days_since's constant first argument, and
// the strings it compares event.Type with.
func TestReadsEventTypes(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		types     []string
		dynamic   []string
	}{
		{"count and days_since", `count("page_view", "7d") >= 3 && days_since("demo_request") < 7`, []string{"page_view", "demo_request"}, nil},
		{"count over an array", `count(lead.Tags, {# == "invoice_paid"}) > 0`, nil, nil},
		{"comparisons", `event.Type == "a" || "b" != event.Type || event.Type in ["c", "d"]`, []string{"a", "b", "c", "d"}, nil},
		{"other members", `lead.Type == "x" || event.Category == "y"`, nil, nil},
		{"string literal", `lead.Title == "event.Type == 'x' or count('y', '7d')"`, nil, nil},
		{"computed type", `days_since(lead.Title) < 3`, nil, []string{"days_since"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := readsOf(tc.src)
			if got := r.eventTypes(); !slices.Equal(got, tc.types) {
				t.Errorf("event types %q, want %q", got, tc.types)
			}
			if !slices.Equal(r.dynamic, tc.dynamic) {
				t.Errorf("dynamic calls %q, want %q", r.dynamic, tc.dynamic)
			}
		})
	}
}
