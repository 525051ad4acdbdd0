package journeykey

import (
	"slices"
	"testing"

	"github.com/leadscore/leadscore"
)

func TestKeys(t *testing.T) {
	j := leadscore.Journey{Transitions: []leadscore.TransitionConfig{
		{From: "nurture", To: "convert", When: "handoff"},
		{From: "nurture", To: "convert", When: `has_signal("question")`, Reason: "asked for sales"},
		{From: "convert", To: "expand", On: []string{"purchase"}},
	}}
	k := New(j)
	want := []string{"nurture→convert (nurture→convert)", "nurture→convert (asked for sales)", "convert→expand"}
	if !slices.Equal(k.Keys, want) {
		t.Errorf("keys %q, want %q", k.Keys, want)
	}
	for _, tc := range []struct {
		t    leadscore.Transition
		want string
	}{
		{leadscore.Transition{From: "nurture", To: "convert", Reason: "asked for sales"}, "nurture→convert (asked for sales)"},
		{leadscore.Transition{From: "nurture", To: "convert", Reason: "nurture→convert"}, "nurture→convert (nurture→convert)"},
		{leadscore.Transition{From: "convert", To: "expand", Reason: "convert→expand"}, "convert→expand"},
		{leadscore.Transition{From: "attract", To: "capture", Reason: "x"}, ""},
	} {
		if got := k.Of(tc.t); got != tc.want {
			t.Errorf("Of(%+v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}
