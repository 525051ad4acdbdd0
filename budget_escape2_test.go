//go:build linux

package leadscore_test

// Second review of the step budget: expressions that, under DefaultLimits, make one Compile or
// one evaluation take more than ~100 ms or allocate more than evalAllocBound. Same harness as
// budget_escape_test.go (rows registered in harnessAttacks under "escape2/…"), with a lead
// whose strings may be 16 KiB (a lead's strings are not bounded by the event limits).

import (
	"cmp"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

type escape2 struct {
	attack
	lead func() leadscore.Lead
}

// loop2 nests body in two loops over 1..1000: the budget charges 1,000 steps per inner loop,
// so about 99,000 iterations of body run before 100,000 steps are spent.
func loop2(body string) string {
	return fmt.Sprintf(`any(1..1000, {any(1..1000, {%s})})`, body)
}

// joinN joins n copies of s with sep.
func joinN(s, sep string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = s
	}
	return strings.Join(parts, sep)
}

// bigKeyEvent returns an event with 16 string properties (so its map is past Go's small-map
// linear scan and lookups hash their key) and k, a 16,000-byte string that is not a key.
func bigKeyEvent() leadscore.Event {
	p := map[string]any{"k": strings.Repeat("k", 16000)}
	for i := range 16 {
		p[fmt.Sprintf("p%d", i)] = i
	}
	return leadscore.Event{Type: leadscore.EventPageView, Time: attackTime, Properties: p}
}

func bigLead() leadscore.Lead {
	big := strings.Repeat("a", 16<<10)
	traits := map[string]any{}
	for i := range 16 {
		traits[fmt.Sprintf("t%d", i)] = i
	}
	return leadscore.Lead{Title: big, Email: big + "@" + big, Name: big, Company: leadscore.Company{Domain: big, Name: big}, Traits: traits}
}

func escape2Table() []escape2 {
	bounded := []outcome{outOK, outRuleError, outCompileError}
	row := func(name, expr string, ev func() leadscore.Event, lead func() leadscore.Lead) escape2 {
		return escape2{attack: attack{class: "escape2", name: name, expr: expr, event: ev, want: bounded, maxTime: escapeMaxTime}, lead: lead}
	}
	durLit := strings.Repeat("1ns", 1300)     // 3,900 bytes: a literal is never charged
	intLit := strings.Repeat("0", 3950) + "1" // ParseInt of 3,951 digits
	keyLookups := joinN(`event.Properties[event.Properties.k]`, " ?? ", 15) + " ?? 1"
	traitLookups := joinN(`lead.Traits[lead.Title]`, " ?? ", 25) + " ?? 1"
	adds := joinN("#", " + ", 120)
	return []escape2{
		row("duration() of a 3,900-byte literal, 99,000 times (literals are not charged)",
			loop2(fmt.Sprintf(`duration(%q) < duration("0s")`, durLit)), nil, nil),
		row("int() of a 3,951-digit literal, 99,000 times",
			loop2(fmt.Sprintf(`int(%q) < 0`, intLit)), nil, nil),
		row("15 map lookups by a 16,000-byte event key per iteration, 99,000 iterations (member keys are not charged)",
			loop2(`(`+keyLookups+`) == 0`), bigKeyEvent, nil),
		row("25 lookups of lead.Traits by a 16 KiB lead.Title per iteration, 99,000 iterations",
			loop2(`(`+traitLookups+`) == 0`), nil, bigLead),
		row("120 integer additions per iteration, 99,000 iterations (the body is not charged)",
			loop2(adds+` < 0`), nil, nil),
		row("sort of a 1,000-element split inside a loop (charged n, costs n log n)",
			`any(1..100, {len(sort(split(event.Properties.s, ","))) < 0})`,
			propsEvent(map[string]string{"s": strings.TrimSuffix(strings.Repeat("abcdefghijklmno,", 1000), ",")}), nil),
		row("float() of a 3,951-digit literal, 99,000 times",
			loop2(fmt.Sprintf(`float(%q) < 0`, intLit)), nil, nil),
		row("trim() of a 3,900-byte literal of spaces, 99,000 times",
			loop2(fmt.Sprintf(`trim(%q) == "x"`, strings.Repeat(" ", 1950)+"x"+strings.Repeat(" ", 1950))), nil, nil),
		row("two 1,950-byte literals compared with <, 99,000 times",
			loop2(fmt.Sprintf(`%q < %q`, strings.Repeat("a", 1950), strings.Repeat("a", 1949)+"b")), nil, nil),
		row("25 ternaries on # per iteration, 99,000 iterations",
			loop2(joinN("(# > 0 ? # : 1)", " * ", 25)+` == -1`), nil, nil),
		row("lead.CustomerSince.AddDate(#, #, #) 15 times per iteration, 99,000 iterations",
			loop2(joinN("lead.CustomerSince.AddDate(#, #, #).Year()", " + ", 15)+` < 0`), nil, nil),
		{attack: attack{class: "escape2", name: "2,000 fast-path rules, each 25 lower() of a 16 KiB lead string (MaxTotalNodes)",
			config: func() leadscore.Config {
				cfg := leadscore.Config{}
				w := joinN("lower(lead.Title) == lead.Name", " || ", 25)
				for i := range 2000 {
					cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: fmt.Sprintf("r%d", i), Dimension: leadscore.Fit, When: w, Points: 1})
				}
				return cfg
				// Limits.MaxTotalNodes refuses it part way, after about 100,000 nodes: a
				// compile of the largest rule set admitted is allowed a second and its
				// proportion of memory.
			}, want: bounded, maxTime: time.Second, maxAlloc: 8 * evalAllocBound(leadscore.DefaultLimits())}, lead: bigLead},
		row("time.Format with a 3,900-byte layout, 99,000 times",
			loop2(fmt.Sprintf(`lead.CustomerSince.Format(%q) == ""`, strings.Repeat("2006", 975))), nil, nil),
	}
}

func init() {
	for _, a := range escape2Table() {
		harnessAttacks[a.class+"/"+a.name] = func() outcome {
			v := runEscape2(a)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			v.HeapSys, v.PeakRSS = ms.HeapSys, peakRSS()
			line, _ := json.Marshal(v)
			fmt.Printf("%s%s\n", verdictPrefix, line)
			return v.Outcome
		}
	}
}

func runEscape2(a escape2) verdict {
	cfg := a.buildConfig()
	var ev leadscore.Event
	if a.event != nil {
		ev = a.event()
	}
	lead := leadscore.Lead{Title: escapeTitle}
	if a.lead != nil {
		lead = a.lead()
	}
	var v verdict
	var s *leadscore.Scorer[leadscore.Lead]
	var err error
	v.CompileMS, v.CompileAlloc = measure(func() { s, err = leadscore.Compile[leadscore.Lead](cfg, a.opts...) })
	if err != nil {
		v.Outcome, v.Message = outCompileError, cut(err.Error())
		return v
	}
	v.Evaluated = true
	var res leadscore.Result
	var st leadscore.State
	v.EvalMS, v.EvalAlloc = measure(func() {
		if a.event != nil {
			res, err = s.Observe(lead, &st, ev)
		} else {
			res, err = s.Score(lead, &st, attackTime)
		}
	})
	v.Outcome, v.Message, v.Errors, v.Fired = classify(res, err)
	return v
}

func TestBudgetEscapes2(t *testing.T) {
	skipUnlessIsolatable(t)
	for _, a := range escape2Table() {
		t.Run(a.name, func(t *testing.T) {
			v := runChild(t, a.class+"/"+a.name, childTimeout, nil)
			problems := a.check(v)
			if bound := cmp.Or(a.maxAlloc, evalAllocBound(leadscore.DefaultLimits())); v.CompileAlloc > bound {
				problems = append(problems, fmt.Sprintf("Compile allocated %s, over the bound of %s", mib(v.CompileAlloc), mib(bound)))
			}
			if len(problems) > 0 {
				t.Errorf("%s: %s\n  %s", v, v.Message, strings.Join(problems, "\n  "))
			} else {
				t.Logf("%s: %s", v, v.Message)
			}
		})
	}
}
