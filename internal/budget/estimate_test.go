package budget

import "testing"

// Estimate orders expressions as their work does: constant for plain comparisons, a scan for
// a string comparison, multiplied by loops, exploding for nested replace; and charging, which
// costs what it charges, adds nothing to it.
func TestEstimate(t *testing.T) {
	nested := `"aaaaaaaaaa"`
	for range 9 {
		nested = `replace(` + nested + `, "a", "aaaaaaaaaa")`
	}
	const str, elems = 16 << 10, 1000
	estimate := func(src string, patch bool) float64 {
		t.Helper()
		prog, err := compile(src, patch)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		return Estimate(prog.Node(), str, elems)
	}
	plain := estimate(`lead.Age > 18`, true)
	scan := estimate(`lead.Title == "CEO"`, true)
	loop := estimate(`any(1..100, {# == lead.Age})`, true)
	nestedLoop := estimate(`any(1..100, {any(1..100, {# == lead.Age})})`, true)
	bomb := estimate(`len(`+nested+`) > 0`, true)
	split := estimate(`any(split(lead.Title, ""), {# == "a"})`, true)
	switch {
	case plain > 10:
		t.Errorf("plain: %v steps, want a few", plain)
	case scan < 3 || scan > 20:
		t.Errorf("a comparison with a 3-byte literal: %v steps, want a few", scan)
	case loop < 100 || loop > 1000:
		t.Errorf("loop: %v, want about 100 × its body", loop)
	case nestedLoop < 100*loop/2:
		t.Errorf("nested loop %v vs loop %v: want about 100 times more", nestedLoop, loop)
	case bomb < 1e9:
		t.Errorf("nested replace: %v, want beyond 10^9", bomb)
	case split < str:
		t.Errorf("a loop over a split of an input string: %v, want at least its %d bytes", split, str)
	}
	for _, src := range []string{`any(1..100, {# == lead.Age})`, `len(` + nested + `) > 0`, `let t = lead.Title; t + t == ""`} {
		if a, b := estimate(src, true), estimate(src, false); a != b {
			t.Errorf("%s: %v patched, %v not", src, a, b)
		}
	}
}
