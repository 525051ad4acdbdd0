package analysis

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{points(64.254), "64.25"}, {points(70), "70"}, {points(-3.5), "-3.5"}, {points(-0.001), "0"},
		{points(math.Inf(1)), "+Inf"}, {points(math.NaN()), "NaN"},
		{signed(20), "+20"}, {signed(-15), "-15"}, {signed(0), "+0"},
		{orNone(""), "(none)"}, {orNone("hot"), "hot"}, {yesNo(true), "yes"}, {yesNo(false), "no"},
		{change(0), "="}, {change(2), "+2"}, {change(-1), "-1"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if abs(-3) != 3 || abs(3) != 3 {
		t.Error("abs")
	}
}
