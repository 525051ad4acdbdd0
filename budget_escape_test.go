//go:build linux

package leadscore_test

// Escapes from the step budget found in review: expressions that, under DefaultLimits, make one
// Compile or one evaluation take more than ~100 ms or allocate more than evalAllocBound
// (64 bytes × StepBudget + 16 MiB). Each runs in a child of the attack harness
// (security_attacks_test.go): the rows are registered in harnessAttacks under "escape/…", and
// the child prints the full verdict of runAttack before TestAttackChild prints its own (the
// parent reads the first verdict line).
//
// These tests assert the promise, so they fail until the escapes are charged.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// escapeMaxTime is the bound the review holds an evaluation (and a compile) to.
const escapeMaxTime = 100 * time.Millisecond

// propsEvent returns an event of the given string properties: each within MaxStringBytes
// (16 KiB), together within MaxEventBytes (64 KiB).
func propsEvent(props map[string]string) func() leadscore.Event {
	return func() leadscore.Event {
		p := make(map[string]any, len(props))
		for k, v := range props {
			p[k] = v
		}
		return leadscore.Event{Type: leadscore.EventPageView, Time: attackTime, Properties: p}
	}
}

// regexRules returns n attribute rules each matching lead.Title against pattern.
func regexRules(n int, pattern string) func() leadscore.Config {
	return func() leadscore.Config {
		cfg := leadscore.Config{}
		for i := range n {
			cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: fmt.Sprintf("r%d", i), Dimension: leadscore.Fit,
				When: fmt.Sprintf("lead.Title matches %q", pattern), Points: 1})
		}
		return cfg
	}
}

var (
	// 16,000 bytes of JSON nested 8,000 deep: json.Unmarshal accepts 10,000.
	deepJSON = strings.Repeat("[", 8000) + strings.Repeat("]", 8000)
	// 4,000 levels around 4,001 leaves: flatten copies the leaves once per level.
	flatJSON = strings.Repeat("[", 4000) + strings.Repeat("1,", 4000) + "1" + strings.Repeat("]", 4000)
	// A 4 KiB literal pattern that compiles to ~900,000 instructions: {n} expands.
	hugeProgram = strings.Repeat(".{0,1000}", 450) + "x"
	// Nested counted repeats (30 × 33 < 1,000, so Go's parser accepts them): 480,000
	// instructions in 4 KiB, and a pike VM that allocates per instruction.
	nestedProgram = strings.Repeat("(?:.{0,30}){0,33}", 238) + "x"
)

func escapeTable() []attack {
	noLoop := []outcome{outOK, outRuleError, outCompileError}
	rows := []attack{
		// 1. Unpatched: no let, no loop, no replace/join/repeat/matches, so the fast path.
		{class: "escape", name: "toJSON(fromJSON(s)) of a 16 KB string nested 8,000 deep (MarshalIndent: quadratic)",
			expr: `len(toJSON(fromJSON(event.Properties.deep))) > 0`, event: propsEvent(map[string]string{"deep": deepJSON}),
			want: noLoop, maxTime: escapeMaxTime},
		{class: "escape", name: "flatten(fromJSON(s)) of 4,000 leaves under 4,000 levels (copies per level)",
			expr: `len(flatten(fromJSON(event.Properties.flat))) > 0`, event: propsEvent(map[string]string{"flat": flatJSON}),
			want: noLoop, maxTime: escapeMaxTime},
		{class: "escape", name: "toJSON(fromJSON(s)) inside a loop (charged only after MarshalIndent built it)",
			expr: `any(1..2, {len(toJSON(fromJSON(event.Properties.deep))) > 0})`, event: propsEvent(map[string]string{"deep": deepJSON}),
			want: []outcome{outOK, outRuleError}, maxTime: escapeMaxTime},
		{class: "escape", name: "uniq(split(s, \"\")) of 5,461 distinct runes (uniq compares each element with every kept one: quadratic)",
			expr: `len(uniq(split(event.Properties.runes, ""))) > 0`, event: propsEvent(map[string]string{"runes": distinctRunes(5461)}),
			want: noLoop, maxTime: escapeMaxTime},
		{class: "escape", name: "the same uniq inside a loop (its argument is charged, 22,000 steps; its 15 million comparisons are not)",
			expr: `any(1..3, {len(uniq(split(event.Properties.runes, ""))) > 0})`, event: propsEvent(map[string]string{"runes": distinctRunes(5461)}),
			want: []outcome{outOK, outRuleError}, maxTime: escapeMaxTime},
		// 2. matches: charged per pattern byte, but Go's regexp works per instruction, and {n}
		// makes 1,000 instructions of a few bytes.
		{class: "escape", name: `a 5,881-byte subject matches "(?:a*a?){0,200}x" (charged per instruction)`,
			expr: `event.Properties.s matches "(?:a*a?){0,200}x"`, event: propsEvent(map[string]string{"s": strings.Repeat("a", 5881)}),
			want: []outcome{outOK, outRuleError}, maxTime: escapeMaxTime},
		{class: "escape", name: `ten such rules in one Observe (CallBudget: 10^6 steps)`,
			config: func() leadscore.Config {
				cfg := leadscore.Config{}
				for i := range 10 {
					cfg.Events = append(cfg.Events, leadscore.EventRule{ID: fmt.Sprintf("e%d", i), When: `event.Properties.s matches "(?:a*a?){0,200}x"`, Points: 1})
				}
				return cfg
			},
			event: propsEvent(map[string]string{"s": strings.Repeat("a", 5881)}),
			want:  []outcome{outOK, outRuleError}, maxTime: escapeMaxTime},
		{class: "escape", name: "a 23-byte title against a 4 KiB pattern of 480,000 instructions (nested {n})",
			config: regexRules(1, nestedProgram), want: []outcome{outOK, outRuleError, outCompileError}, maxTime: escapeMaxTime},
		{class: "escape", name: "compile: one 4 KiB literal pattern of 900,000 instructions",
			config: regexRules(1, hugeProgram), want: []outcome{outOK, outRuleError, outCompileError}, maxTime: escapeMaxTime},
		{class: "escape", name: "compile: 4 rules of that pattern (16 KiB of config)",
			config: regexRules(4, hugeProgram), want: []outcome{outOK, outRuleError, outCompileError}, maxTime: escapeMaxTime},
	}
	for i := range rows {
		rows[i].lead = func() leadscore.Lead { return leadscore.Lead{Title: escapeTitle} } // the regex rows read it
	}
	return rows
}

// escapeTitle is the Title of the lead the escape rows are scored on: the regex rows read it.
const escapeTitle = "aaaaaaaaaaaaaaaaaaaaaaa" // 23 bytes: (23+1) × (4,081+1) < 100,000 steps

func init() { registerAttacks(escapeTable()) }

// TestBudgetEscapes runs every escape in a child and asserts the promise: within ~100 ms and
// evalAllocBound, compile and evaluation alike, and no crash.
func TestBudgetEscapes(t *testing.T) { runAttackRows(t, escapeTable()) }

// distinctRunes returns n distinct 3-byte runes (CJK ideographs): 16,383 bytes for 5,461.
func distinctRunes(n int) string {
	var b strings.Builder
	for r := rune(0x4E00); b.Len() < 3*n; r++ {
		b.WriteRune(r)
	}
	return b.String()
}
