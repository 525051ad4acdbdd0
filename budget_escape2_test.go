//go:build linux

package leadscore_test

// Second review of the step budget: expressions that, under DefaultLimits, make one Compile or
// one evaluation take more than ~100 ms or allocate more than evalAllocBound. Same harness as
// budget_escape_test.go (rows registered in harnessAttacks under "escape2/…"), with a lead
// whose strings may be 16 KiB (a lead's strings are not bounded by the event limits).

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

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

func escape2Table() []attack {
	bounded := []outcome{outOK, outRuleError, outCompileError}
	row := func(name, expr string, ev func() leadscore.Event, lead func() leadscore.Lead) attack {
		return attack{class: "escape2", name: name, expr: expr, event: ev, lead: lead, want: bounded, maxTime: escapeMaxTime}
	}
	durLit := strings.Repeat("1ns", 1300)     // 3,900 bytes: a literal is never charged
	intLit := strings.Repeat("0", 3950) + "1" // ParseInt of 3,951 digits
	keyLookups := joinN(`event.Properties[event.Properties.k]`, " ?? ", 15) + " ?? 1"
	traitLookups := joinN(`lead.Traits[lead.Title]`, " ?? ", 25) + " ?? 1"
	adds := joinN("#", " + ", 120)
	return []attack{
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
		{class: "escape2", name: "2,000 fast-path rules, each 25 lower() of a 16 KiB lead string (MaxTotalNodes)",
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
			}, lead: bigLead, want: bounded, maxTime: time.Second, maxAlloc: 8 * evalAllocBound(leadscore.DefaultLimits())},
		row("time.Format with a 3,900-byte layout, 99,000 times",
			loop2(fmt.Sprintf(`lead.CustomerSince.Format(%q) == ""`, strings.Repeat("2006", 975))), nil, nil),
	}
}

func init() { registerAttacks(escape2Table()) }

func TestBudgetEscapes2(t *testing.T) { runAttackRows(t, escape2Table()) }
