package leadscore

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// name64 is a 64-byte name: prefix, then i, zero-padded. Names made alike differ in a few
// digits, so each is a near miss of every other: the worst case for the suggester, which can
// stop comparing two names early only when they are far apart.
func name64(prefix string, i int) string {
	return prefix + fmt.Sprintf("%0*d", 64-len(prefix), i)
}

// hintsConfigOn is 500 declared event types and one event rule whose "on" lists 4,000 types:
// unknown ones (near misses of the declared), or, fixed, declared ones.
func hintsConfigOn(fixed bool) Config {
	cfg := Config{}
	for i := range 500 {
		cfg.EventTypes = append(cfg.EventTypes, name64("custom_event_", i))
	}
	r := EventRule{ID: "many", Points: 1}
	for i := range 4000 {
		typ := name64("custom_evnet_", 1000+i) // unknown
		if fixed {
			typ = cfg.EventTypes[i%500]
		}
		r.On = append(r.On, typ)
	}
	cfg.Events = []EventRule{r}
	return cfg
}

// hintsConfigListed is 30,000 empty lists and a rule calling listed 20 times: with lists that
// do not exist (near misses), or, fixed, with lists that do.
func hintsConfigListed(fixed bool) Config {
	cfg := Config{Lists: map[string][]string{}}
	for i := range 30000 {
		cfg.Lists[name64("list_", i)] = nil
	}
	calls := make([]string, 20)
	for i := range calls {
		name := name64("lits_", 40000+i) // unknown
		if fixed {
			name = name64("list_", i)
		}
		calls[i] = fmt.Sprintf("listed(%q, lead.Email)", name)
	}
	cfg.Rules = []Rule{{ID: "listed", Dimension: Fit, When: strings.Join(calls, " || "), Points: 1}}
	return cfg
}

// hintSlack is the time a compile may take beyond 5× the same config's with the names fixed:
// enough for the suggestions it looks for (maxHints), far less than looking for them all.
// The race detector slows the distance's inner loop ten times over.
// The bound is loose on purpose: it is there to catch the quadratic blow-up (31 s and 13.8 s
// before the fix), not to time Compile, and a loaded CI machine stretched a 40 ms compile past a
// 100 ms slack.
func hintSlack() time.Duration {
	if raceEnabled {
		return 5 * time.Second
	}
	return 2 * time.Second
}

// compileTime is the least of three Compiles of cfg, and the error of the last.
func compileTime(cfg Config) (time.Duration, error) {
	best := time.Duration(1<<63 - 1)
	var err error
	for range 3 {
		start := time.Now()
		_, err = Compile[Lead](cfg)
		best = min(best, time.Since(start))
	}
	return best, err
}

// Finding 1: a suggestion compared a name with every candidate at the full cost of the
// distance, for every unknown name, each time sorting the candidates again, even for errors
// that were then dropped. 4,000 unknown 64-byte types in one "on" took 31 s to compile, and
// 20 listed calls of missing lists among 30,000 took 13.8 s (on the 2 cores this was
// measured on). Now a compile costs about what the same config with the names fixed costs.
func TestUnknownNamesCompileFast(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cfg        func(fixed bool) Config
		errs       int    // RuleErrors of the config with unknown names
		firstError string // the first line of the first
	}{
		{"4,000 unknown types in on", hintsConfigOn, 4000,
			`leadscore: event rule "many": on: unknown event type "custom_evnet_000000000000000000000000000000000000000000000001000" (did you mean "custom_event_000000000000000000000000000000000000000000000000000"?)`},
		{"20 listed calls of missing lists", hintsConfigListed, 1,
			`leadscore: rule "listed": when 1:8: listed: no list "lits_00000000000000000000000000000000000000000000000000000040000" in the config's lists (did you mean "list_00000000000000000000000000000000000000000000000000000000000"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good, err := compileTime(tc.cfg(true))
			if err != nil {
				t.Fatalf("the config with the names fixed: %v", err)
			}
			bad, err := compileTime(tc.cfg(false))
			var errs []*RuleError
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var re *RuleError
				if errors.As(e, &re) {
					errs = append(errs, re)
				}
			}
			if len(errs) != tc.errs {
				t.Fatalf("%d errors, want %d: %v", len(errs), tc.errs, err)
			}
			if first, _, _ := strings.Cut(errs[0].Error(), "\n"); first != tc.firstError {
				t.Errorf("first error\n  %s\nwant\n  %s", first, tc.firstError)
			}
			// The suggestions a compile looks for are the first maxHints, the rest go without.
			hinted := 0
			for _, re := range errs {
				if strings.Contains(re.Error(), "did you mean") {
					hinted++
				}
			}
			if hinted > maxHints {
				t.Errorf("%d errors with a suggestion, at most %d", hinted, maxHints)
			}
			if limit := 5*good + hintSlack(); bad > limit {
				t.Errorf("compiling took %v, the config with the names fixed %v: want at most 5× + %v = %v", bad, good, hintSlack(), limit)
			}
			t.Logf("%v, fixed %v", bad, good)
		})
	}
}

// A type compared with event.Type in an event rule gets a suggestion too (a warning): the same
// budget bounds them, so 2,000 near misses in event rules cost no more to compile.
func TestUnknownTypeComparisonsCompileFast(t *testing.T) {
	cfg := func(fixed bool) Config {
		c := hintsConfigOn(true)
		c.Events = nil
		for i := range 40 {
			var types []string
			for j := range 50 {
				typ := name64("custom_evnet_", 1000+i*50+j)
				if fixed {
					typ = c.EventTypes[(i*50+j)%500]
				}
				types = append(types, strconv.Quote(typ))
			}
			c.Events = append(c.Events, EventRule{ID: fmt.Sprint("e", i), Points: 1, When: "event.Type in [" + strings.Join(types, ", ") + "]"})
		}
		return c
	}
	good, err := compileTime(cfg(true))
	if err != nil {
		t.Fatal(err)
	}
	bad, err := compileTime(cfg(false))
	if err != nil {
		t.Fatal(err)
	}
	s := compileT(t, cfg(false))
	if n := len(s.Warnings()); n != maxHints {
		t.Errorf("%d warnings, want %d (one per suggestion)", n, maxHints)
	}
	if limit := 5*good + hintSlack(); bad > limit {
		t.Errorf("compiling took %v, the config with the types fixed %v: want at most 5× + %v = %v", bad, good, hintSlack(), limit)
	}
}

// Finding 3: a suggestion is a name the expression may read where it is written, in every
// scope: one table (scopeReads) says what each scope reads, for the checker and the
// suggestions alike.
func TestDidYouMeanRespectsScope(t *testing.T) {
	s := compileT(t, Config{})
	value := func(src string) error {
		_, err := s.CompileValue(src)
		return err
	}
	rule := func(when string) error {
		_, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: when}}})
		return err
	}
	event := func(when string) error {
		_, err := Compile[Lead](Config{Events: []EventRule{{ID: "e", When: when, Points: 1}}})
		return err
	}
	tier := func(when string) error {
		_, err := Compile[Lead](Config{Tiers: []Tier{{Name: "hot", When: when}}})
		return err
	}
	leadField := func(src string) error {
		_, err := Compile[Lead](Config{LeadFields: map[string]string{"email": src}})
		return err
	}
	for _, tt := range []struct {
		compile func(string) error
		src     string
		want    string // the first line of the message
	}{
		// Value scope: the lead and now, nothing of the journey, the events or the scores.
		{value, `stge == "mql" ? 1 : 0`, `leadscore: expression "stge == \"mql\" ? 1 : 0" 1:1: unknown name stge`},
		{value, `dayz_in_stage`, `leadscore: expression "dayz_in_stage" 1:1: unknown name dayz_in_stage`},
		{value, `totl`, `leadscore: expression "totl" 1:1: unknown name totl`},
		{value, `days_sinse("call")`, `leadscore: expression "days_sinse(\"call\")" 1:1: unknown name days_sinse`},
		{value, `leed.Purchases`, `leadscore: expression "leed.Purchases" 1:1: unknown name leed (did you mean lead?)`},
		{leadField, `stge`, `leadscore: config "lead_fields": email 1:1: unknown name stge`},
		// Event rules: the event, not the journey nor the history.
		{event, `stge == "mql"`, `leadscore: event rule "e": when 1:1: unknown name stge`},
		{event, `days_sinse("call") < 3`, `leadscore: event rule "e": when 1:1: unknown name days_sinse`},
		{event, `evnt.Path == ""`, `leadscore: event rule "e": when 1:1: unknown name evnt (did you mean event?)`},
		// Attribute rules: the journey and the history, not the scores.
		{rule, `stge == "mql"`, `leadscore: rule "r": when 1:1: unknown name stge (did you mean stage?)`},
		{rule, `totl > 3`, `leadscore: rule "r": when 1:1: unknown name totl`},
		{rule, `days_sinse("call") < 3`, `leadscore: rule "r": when 1:1: unknown name days_sinse (did you mean days_since?)`},
		// Guards: all of it.
		{tier, `totl > 3`, `leadscore: tier "hot": when 1:1: unknown name totl (did you mean total?)`},
		{tier, `dayz_in_stage > 3`, `leadscore: tier "hot": when 1:1: unknown name dayz_in_stage (did you mean days_in_stage?)`},
	} {
		err := tt.compile(tt.src)
		if err == nil {
			t.Errorf("%s: compiled", tt.src)
			continue
		}
		if first, _, _ := strings.Cut(err.Error(), "\n"); first != tt.want {
			t.Errorf("%s:\n  %s\nwant\n  %s", tt.src, first, tt.want)
		}
	}

	// The table is the checker's: a name is among a scope's suggestions exactly when reading
	// it there compiles.
	compilers := map[scope]func(string) error{scopeRule: rule, scopeEvent: event, scopeGuard: tier, scopeValue: value}
	calls := map[string]string{"count": `count("call", "7d")`, "days_since": `days_since("call")`, "has_signal": `has_signal("competitor")`}
	for sc, compile := range compilers {
		vars := variableNames[Lead](sc)
		for _, f := range structFields(reflect.TypeFor[env[Lead]]()) {
			src := fmt.Sprintf(`string(%s) != ""`, f.name)
			if sc == scopeValue {
				src += " ? 1 : 0"
			}
			err := compile(src)
			if listed := slices.Contains(vars, f.name); listed != (err == nil) {
				t.Errorf("%s: %s suggested %v, but reading it: %v", sc, f.name, listed, err)
			}
		}
		c := &exprCompiler[Lead]{types: newTypeTable(nil, nil), options: s.exprOpts, limits: s.limits}
		funcs := c.functionNames(sc)
		for name, call := range calls {
			src := fmt.Sprintf(`string(%s) != ""`, call)
			if sc == scopeValue {
				src += " ? 1 : 0"
			}
			err := compile(src)
			if name == "count" { // expr's count of an array is everywhere, leadscore's of events not
				if !slices.Contains(funcs, name) || sc.reads(name) != (err == nil) {
					t.Errorf("%s: count suggested %v, reads %v, counting events: %v", sc, slices.Contains(funcs, name), sc.reads(name), err)
				}
				continue
			}
			if listed := slices.Contains(funcs, name); listed != (err == nil) {
				t.Errorf("%s: %s suggested %v, but calling it: %v", sc, name, listed, err)
			}
		}
	}
}
