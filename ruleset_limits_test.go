package leadscore

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Each size limit at its edge: at the limit the rule set compiles, one over it is refused
// with one *RuleError naming the section, the figure, the limit and the field to raise.
func TestRuleSetLimitsAtTheEdge(t *testing.T) {
	rules := func(attr, event int) Config {
		var cfg Config
		for i := range attr {
			cfg.Rules = append(cfg.Rules, Rule{ID: fmt.Sprintf("a%d", i), Dimension: Fit, Points: 1})
		}
		for i := range event {
			cfg.Events = append(cfg.Events, EventRule{ID: fmt.Sprintf("e%d", i), Points: 1})
		}
		return cfg
	}
	counts := func(n, need int) Config {
		cfg := Config{}
		for i := range n {
			typ := fmt.Sprintf("t%d", i)
			cfg.EventTypes = append(cfg.EventTypes, typ)
			cfg.Rules = append(cfg.Rules, Rule{ID: typ, Dimension: Engagement, Points: 1, When: fmt.Sprintf(`count(%q, "1d") > %d`, typ, need-1)})
		}
		return cfg
	}
	tests := []struct {
		name     string
		limits   Limits
		ok, over Config
		field    string
		want     string
	}{
		{"rules", Limits{MaxRules: 5}, rules(3, 2), rules(3, 3), "rules",
			"6 rules, tiers, grades, signals, personas and transitions, at most 5 (Limits.MaxRules)"},
		{"event types", Limits{MaxEventTypes: 2}, Config{EventTypes: []string{"t1", "t2"}}, Config{EventTypes: []string{"t1", "t2", "t3"}},
			"event_types", "3 event types, at most 2 (Limits.MaxEventTypes)"},
		{"list entries", Limits{MaxListEntries: 3}, Config{Lists: map[string][]string{"a": {"x", "y"}, "b": {"z"}}},
			Config{Lists: map[string][]string{"a": {"x", "y"}, "b": {"z", "w"}}},
			"lists", `4 list entries, at most 3 (Limits.MaxListEntries); the longest list, "a", has 2`},
		// "n" + "r" + "fit" + "true" = 9 bytes.
		{"config bytes", Limits{MaxConfigBytes: 9}, Config{Name: "n", Rules: []Rule{{ID: "r", Dimension: Fit, When: "true"}}},
			Config{Name: "nn", Rules: []Rule{{ID: "r", Dimension: Fit, When: "true"}}},
			"config", "10 bytes of names, expressions, reasons and list entries, at most 9 (Limits.MaxConfigBytes)"},
		// Three types that keep 1,024 times each, besides what the built-in detectors keep (39
		// times of 12 types).
		{"window slots", Limits{MaxWindowSlots: 3072 + 39}, counts(3, 1024), counts(4, 1024), "count",
			`a State would keep 4,135 event times, at most 3,111 (Limits.MaxWindowSlots): count("t0", "1d") compared with 1023 asks 1,024, ` +
				`count("t1", "1d") compared with 1023 asks 1,024, count("t2", "1d") compared with 1023 asks 1,024; 13 other event types ask 1,063`},
	}
	if base := compileT(t, Config{}).layout.RingTotal; base != 39 {
		t.Fatalf("the built-in detectors keep %d event times: update the window slots case", base)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			compileT(t, tt.ok, WithLimits(tt.limits))
			errs := compileErrors(t, tt.over, WithLimits(tt.limits))
			if len(errs) != 1 {
				t.Fatalf("%d errors, want 1: %v", len(errs), errs)
			}
			re := errs[0]
			if re.Kind != "config" || re.RuleID != "size" || re.Field != tt.field || !errors.Is(re, ErrRuleSetTooLarge) {
				t.Fatalf("got %q %q %q (errors.Is ErrRuleSetTooLarge: %v)", re.Kind, re.RuleID, re.Field, errors.Is(re, ErrRuleSetTooLarge))
			}
			if want := fmt.Sprintf(`leadscore: config "size": %s: %s`, tt.field, tt.want); re.Error() != want {
				t.Fatalf("\n got %s\nwant %s", re.Error(), want)
			}
			// Unlimited turns the limit off.
			off := DefaultLimits()
			limit := tt.want[strings.Index(tt.want, "(Limits.")+len("(Limits."):]
			reflect.ValueOf(&off).Elem().FieldByName(limit[:strings.IndexByte(limit, ')')]).SetInt(Unlimited)
			compileT(t, tt.over, WithLimits(off))
		})
	}
}

// The window slots name the detectors and count() read as a number too.
func TestWindowSlotsNameWhatAsks(t *testing.T) {
	cfg := Config{
		Signals: []SignalConfig{{Kind: SignalFrequentEngagement, Min: 50}},
		Rules: []Rule{
			{ID: "n", Dimension: Fit, Value: `count("call", "7d") * 1.0`},
			{ID: "since", Dimension: Fit, When: `days_since("purchase") < 3`, Points: 1},
		},
	}
	errs := compileErrors(t, cfg, WithLimits(Limits{MaxWindowSlots: 100}))
	if len(errs) != 1 {
		t.Fatalf("%v", errs)
	}
	for _, want := range []string{
		`at most 100 (Limits.MaxWindowSlots): count("call", "1w") read as a number asks 64, the frequent_engagement signal (min 50) over "`,
		"other event types ask ",
	} {
		if !strings.Contains(errs[0].Error(), want) {
			t.Errorf("%s\nlacks %s", errs[0], want)
		}
	}
}

// Rule sets far beyond the limits are refused before anything is compiled: each rule here is
// invalid, so a compiled one would add an error of its own. (Compiling 10⁵ trivial rules took
// 21 s and 1 GB.)
func TestRuleSetLimitsRefuseBeforeCompiling(t *testing.T) {
	var cfg Config
	for i := range 100_000 {
		cfg.Rules = append(cfg.Rules, Rule{ID: fmt.Sprintf("r%d", i), Dimension: Fit, When: "lead.Nope >"})
	}
	cfg.Lists = map[string][]string{"big": make([]string, 200_000)}
	cfg.EventTypes = make([]string, 1000) // empty types are an error too, when compiled
	errs := compileErrors(t, cfg)
	var got []string
	for _, e := range errs {
		if !errors.Is(e, ErrRuleSetTooLarge) {
			t.Fatalf("an error from compiling: %v", e)
		}
		got = append(got, e.Field)
	}
	if want := "rules event_types lists"; strings.Join(got, " ") != want {
		t.Fatalf("sections %v, want %s", got, want)
	}
	if !strings.Contains(errs[0].Error(), "100,000 rules, tiers, grades, signals, personas and transitions, at most 2,000") {
		t.Fatal(errs[0])
	}
	// The joined error is matched by errors.Is as a whole.
	if _, err := Compile[Lead](cfg); !errors.Is(err, ErrRuleSetTooLarge) {
		t.Fatal(err)
	}
}

// The window-slot limit is found with the other compile errors.
func TestWindowSlotsReportedWithOtherErrors(t *testing.T) {
	cfg := Config{Rules: []Rule{
		{ID: "many", Dimension: Engagement, When: `count("call", "1d") > 1000`, Points: 1},
		{ID: "bad", Dimension: Fit, When: "lead.Nope"},
	}}
	errs := compileErrors(t, cfg, WithLimits(Limits{MaxWindowSlots: 1000}))
	if len(errs) != 2 || errs[0].RuleID != "bad" || errs[1].Field != "count" {
		t.Fatalf("%v", errs)
	}
}

// configBytes counts every string of a Config: filled by reflection with one byte per string,
// a Config holds as many bytes as strings. A string field added to Config and not to
// configBytes fails here.
func TestConfigBytesCountsEveryString(t *testing.T) {
	var cfg Config
	n := fill(reflect.ValueOf(&cfg).Elem())
	if n < 30 {
		t.Fatalf("filled only %d strings", n)
	}
	if got := configBytes(&cfg); got != n {
		t.Fatalf("configBytes = %d, want %d (one per string)", got, n)
	}
}

// fill sets every string reachable in v to "x" (slices and maps get one element), returning
// how many strings it set.
func fill(v reflect.Value) int {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
		return 1
	case reflect.Struct:
		n := 0
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				n += fill(v.Field(i))
			}
		}
		return n
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		return fill(v.Index(0))
	case reflect.Pointer: // Config.Accounts
		if v.Type().Elem().Kind() != reflect.Struct {
			return 0
		}
		v.Set(reflect.New(v.Type().Elem()))
		return fill(v.Elem())
	case reflect.Map:
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		n := fill(k) + fill(e)
		v.Set(reflect.MakeMap(v.Type()))
		v.SetMapIndex(k, e)
		return n
	}
	return 0 // numbers, bools, durations
}

// The presets and examples are far within the default size limits.
func TestPresetsWithinRuleSetLimits(t *testing.T) {
	d := DefaultLimits()
	for name, cfg := range map[string]Config{"B2B": DefaultB2B(), "B2C": DefaultB2C()} {
		s := compileT(t, cfg)
		rules, lists := len(cfg.Rules)+len(cfg.Events), 0
		for _, l := range cfg.Lists {
			lists += len(l)
		}
		slots, size := s.layout.RingTotal, configBytes(&cfg)
		t.Logf("%s: %d rules, %d event types, %d list entries, %d window slots, %d config bytes", name, rules, len(cfg.EventTypes), lists, slots, size)
		if rules*10 > d.MaxRules || len(cfg.EventTypes)*10 > d.MaxEventTypes || lists*10 > d.MaxListEntries ||
			slots*10 > d.MaxWindowSlots || size*10 > d.MaxConfigBytes {
			t.Errorf("%s is within a tenth of a default limit: the default is too tight", name)
		}
	}
}

// BenchmarkRuleSetTooLarge measures how fast Compile refuses 10⁵ trivial rules (compiling
// them took 21 s and 1 GB).
func BenchmarkRuleSetTooLarge(b *testing.B) {
	var cfg Config
	for i := range 100_000 {
		cfg.Rules = append(cfg.Rules, Rule{ID: fmt.Sprintf("r%d", i), Dimension: Fit, When: "lead.Age > 1", Points: 1})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile[Lead](cfg); !errors.Is(err, ErrRuleSetTooLarge) {
			b.Fatal(err)
		}
	}
}

// BenchmarkRuleSetSize measures the size checks on a preset, which every Compile pays.
func BenchmarkRuleSetSize(b *testing.B) {
	cfg, l := DefaultB2B(), DefaultLimits()
	b.ReportAllocs()
	for b.Loop() {
		var errs errorList
		if !l.checkRuleSetSize(&cfg, &errs) {
			b.Fatal(errs.err())
		}
	}
}

// Tiers, signals, personas and transitions hold expressions too: they count toward MaxRules,
// so 20,000 tiers cannot get around it.
func TestMaxRulesCountsEveryExpressionHolder(t *testing.T) {
	cfg := Config{Rules: []Rule{{ID: "a", Dimension: Fit, Points: 1}}}
	for i := range 4 {
		cfg.Tiers = append(cfg.Tiers, Tier{Name: fmt.Sprintf("t%d", i), Min: Float(float64(10 - i))})
	}
	if _, err := Compile[Lead](cfg, WithLimits(Limits{MaxRules: 5})); err != nil {
		t.Fatalf("1 rule and 4 tiers under a limit of 5: %v", err)
	}
	cfg.Journey = Journey{Stages: []StageConfig{{Name: "a"}, {Name: "b"}}, Transitions: []TransitionConfig{{From: "a", To: "b"}}}
	_, err := Compile[Lead](cfg, WithLimits(Limits{MaxRules: 5}))
	if !errors.Is(err, ErrRuleSetTooLarge) || !strings.Contains(err.Error(), "6 rules, tiers, grades, signals, personas and transitions, at most 5") {
		t.Fatalf("a transition over the limit: %v", err)
	}
}

// Every name a State records is bounded at Compile, so that no rule set makes its States
// unwritable: tiers and custom signal kinds as well as rules and stages.
func TestNamesAStateRecordsAreBounded(t *testing.T) {
	long := strings.Repeat("n", 5000)
	for name, cfg := range map[string]Config{
		"tier":   {Tiers: []Tier{{Name: long}}},
		"signal": {Signals: []SignalConfig{{Kind: long, When: "true"}}},
		"rule":   {Events: []EventRule{{ID: long, Points: 1}}},
		"stage":  {Journey: Journey{Stages: []StageConfig{{Name: Stage(long)}}}},
	} {
		_, err := Compile[Lead](cfg)
		var re *RuleError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "at most 1024 bytes") || len(re.RuleID) > 80 {
			t.Errorf("%s of 5,000 bytes: %v, want a RuleError naming the limit with the name cut short", name, err)
		}
	}
}

// Compile time grows with the syntax nodes of all expressions: MaxTotalNodes bounds them
// together (2,000 rules of 250 nodes once took 2 s and 309 MiB to compile).
func TestMaxTotalNodes(t *testing.T) {
	when := strings.TrimSuffix(strings.Repeat(`lower(lead.Title) == lead.Name || `, 25), ` || `)
	var cfg Config
	for i := range 20 {
		cfg.Rules = append(cfg.Rules, Rule{ID: fmt.Sprintf("r%d", i), Dimension: Fit, When: when, Points: 1})
	}
	if _, err := Compile[Lead](cfg, WithLimits(Limits{MaxTotalNodes: 20 * 300})); err != nil {
		t.Fatalf("20 rules of about 230 nodes under 6,000: %v", err)
	}
	_, err := Compile[Lead](cfg, WithLimits(Limits{MaxTotalNodes: 1000}))
	var re *RuleError
	if !errors.Is(err, ErrRuleSetTooLarge) || !errors.As(err, &re) || re.Field != "expressions" ||
		!strings.Contains(err.Error(), "at most 1,000 (Limits.MaxTotalNodes)") || strings.Count(err.Error(), "MaxTotalNodes") != 1 {
		t.Fatalf("over the limit: %v", err)
	}
}
