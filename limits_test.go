package leadscore

import (
	"strings"
	"testing"
)

// Each known way to make an expression unbounded in CPU or memory is rejected at compile time
// or bounded at run time.
func TestLimitsRejectKnownAttacks(t *testing.T) {
	tests := []struct {
		name, when, want string
	}{
		{"huge constant range (built when it runs)", `len(1..100000000) > 0`, "range of 100000000 elements"},
		{"range with a variable bound", `len(1..lead.Age) > 0`, "constant bounds"},
		{"quadratic predicates", `any(1..1000, {any(1..1000, {any(1..1000, {# > 1})})})`, "nested 3 deep"},
		{"long expression", strings.Repeat("lead.Age > 1 && ", 300) + "true", "longer than the limit"},
		{"many nodes", strings.Repeat("lead.Age + ", 200) + "1 > 0", "more than 256 nodes"},
		{"clock", `now().Year() > 2000`, "reads the clock"},
		{"zone files", `timezone("Europe/Paris") != nil`, "reads the clock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := compileErrors(t, Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: tt.when}}})
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
				t.Fatalf("got %v, want %q", errs, tt.want)
			}
		})
	}
}

func TestLimitsAdmitOrdinaryRules(t *testing.T) {
	for _, when := range []string{
		`lead.Age in 18..65`,
		`any(1..10, {# == lead.Children})`,
		`all(["a", "b"], {any(1..3, {# > 0})})`,
		`len(filter(["x", "y"], {# startsWith "x"})) == 1`,
		`upper(lead.Title) contains "VP"`,
	} {
		if _, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: when}}}); err != nil {
			t.Errorf("%s: %v", when, err)
		}
	}
}

func TestWithLimits(t *testing.T) {
	cfg := Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: `len(1..5000) > 0 && len(repeat("a", 3)) == 3`, Points: 1}}}
	if _, err := Compile[Lead](cfg); err == nil {
		t.Fatal("default limits admitted it")
	}
	s := compileT(t, cfg, WithLimits(Limits{MaxRange: 5000, Builtins: append(DefaultBuiltins(), "repeat")}))
	var st State
	if r := scoreT(t, s, Lead{}, &st, t0); r.Fit != 1 {
		t.Fatalf("fit %v, errors %v", r.Fit, r.Errors)
	}
	// The clock stays off whatever the allow-list says.
	_, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: `now() > lead.CustomerSince`}}},
		WithLimits(Limits{Builtins: []string{"now", "len"}}))
	if err == nil {
		t.Fatal("now() allowed through the allow-list")
	}
}

// The memory budget bounds what an evaluation may allocate: exceeding it is a rule error.
func TestMemoryBudgetIsARuleError(t *testing.T) {
	cfg := Config{Rules: []Rule{{ID: "big", Dimension: Fit, When: `len(map(1..1000, {[#, #, #, #, #]})) > 0`, Points: 1}}}
	s := compileT(t, cfg, WithLimits(Limits{MemoryBudget: 100}))
	var st State
	r := scoreT(t, s, Lead{}, &st, t0)
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Error(), "memory budget") || r.Fit != 0 {
		t.Fatalf("errors %v fit %v", r.Errors, r.Fit)
	}
}

// A range's size is computed without wrapping: 0..9223372036854775807 once passed MaxRange by
// overflow.
func TestRangeLimitDoesNotWrap(t *testing.T) {
	for _, src := range []string{"0..9223372036854775807", "-9223372036854775808..0", "-9223372036854775808..9223372036854775807", "0..1000"} {
		if _, err := DefaultLimits().check("len(" + src + ") > 0"); err == nil {
			t.Errorf("%s: accepted, want the range limit", src)
		}
	}
	for _, src := range []string{"1..0", "0..999", "5..5"} {
		if _, err := DefaultLimits().check("len(" + src + ") >= 0"); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
}

// The compile errors the lifetime and budget work added, each with the text a user reads.
func TestNewCompileErrors(t *testing.T) {
	journey := DefaultJourney()
	journey.Stages[3].SLAMetBy = []string{"sales_tuoch"}
	for name, c := range map[string]struct {
		cfg  Config
		opts []Option
		want string
	}{
		"dedup window": {Config{}, []Option{WithDedupWindow(1<<14 + 1)}, "WithDedupWindow(16385): want 0 to 16384"},
		"sla_met_by":   {Config{Journey: journey}, nil, `stage "convert": sla_met_by: unknown event type "sales_tuoch"`},
		"dynamic pattern": {Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: `lead.Title matches lead.Name`}}}, nil,
			"matches needs a literal pattern under the step budget"},
		"pattern program": {Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: `lead.Title matches ".{0,999}.{0,999}.{0,999}"`}}}, nil,
			"the pattern compiles to more than 2000 instructions"},
	} {
		_, err := Compile[Lead](c.cfg, c.opts...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	// Under TrustedLimits a pattern may be built at run time.
	if _, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: `lead.Title matches lead.Name`}}}, WithLimits(TrustedLimits())); err != nil {
		t.Errorf("trusted dynamic pattern: %v", err)
	}
}
