package analysis_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

func TestLintMigration(t *testing.T) {
	next := renamedRules()
	next.Events[1].HalfLife = leadscore.Duration(15 * leadscore.Day) // pricing had no decay
	findings, err := analysis.LintMigration[leadscore.Lead](rules(), next)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, f.String())
	}
	want := []string{
		`warning: history-reset "demo": the event rule is gone from the new rule set: its history is dropped from every stored lead` +
			"\n  fix: " + `if "demo-request" replaces it, add "renamed_from": ["demo"]; none needed if nothing replaces it`,
		`info: history-approximate "pricing-page": event rule: renamed from "pricing", half-life none → 15d, history converted (exact for leads with 1–2 matched events, approximate otherwise)` +
			"\n  fix: " + `none needed if approximate is good enough; to keep histories exact, remove "half_life" from event rule "pricing-page" (no decay, as before)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if findings, err := analysis.LintMigration[leadscore.Lead](rules(), rules()); err != nil || len(findings) != 0 {
		t.Errorf("an unchanged rule set: %v, %v", findings, err)
	}
	bad := rules()
	bad.Events[0].RenamedFrom = []string{"pricing"}
	if _, err := analysis.LintMigration[leadscore.Lead](rules(), bad); err == nil ||
		err.Error() != `leadscore: to config: event rule "demo": renamed_from: "pricing" names a current event rule, which keeps that history` {
		t.Errorf("compile error: %v", err)
	}
}
