//lint:file-ignore SA1019 these tests are of the deprecated names, which must keep working.

package leadscoretest_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
	"github.com/leadscore/leadscore/leadscoretest"
)

// The names that moved to analysis still compile and do what they did, on cases.
func TestDeprecatedAliases(t *testing.T) {
	cfg := rules()
	cfg.Tiers[0], cfg.Tiers[1] = cfg.Tiers[1], cfg.Tiers[0]
	cases := []leadscoretest.Case[leadscore.Lead]{vp(), rival()}

	old, err := leadscoretest.Lint(cfg, slices.Values(cases))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := analysis.Lint(cfg, leadscoretest.Population(cases))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(old, cur) || len(old) == 0 || old[0].Severity != leadscoretest.SeverityError {
		t.Errorf("Lint on cases %v, analysis.Lint on their population %v", old, cur)
	}
	var f analysis.Finding = leadscoretest.Finding{Severity: leadscoretest.SeverityWarning} // one type
	if f.Severity != analysis.SeverityWarning {
		t.Error("SeverityWarning is not analysis.SeverityWarning")
	}
	if findings, err := leadscoretest.Lint[leadscore.Lead](rules(), nil); err != nil || len(findings) != 0 {
		t.Errorf("Lint without a population: %v, %v", findings, err)
	}

	before, after := compile(t, rules()), compile(t, cfg)
	rep, err := leadscoretest.Diff(before, after, slices.Values(cases))
	if err != nil {
		t.Fatal(err)
	}
	var pair leadscoretest.Pair[string] = analysis.Pair[string]{Before: "hot", After: "warm"}
	if rep.Leads != 2 || rep.Changed != 1 || rep.Changes[0].Tier != pair {
		t.Errorf("Diff: %+v", rep)
	}

	tr, err := leadscoretest.Replay(before, vp())
	if err != nil {
		t.Fatal(err)
	}
	stored := []leadscoretest.StoredLead[leadscore.Lead]{{Name: "vp", Lead: vp().Lead, State: tr.State}}
	if rep, err := leadscoretest.DiffStates(before, before, slices.Values(stored)); err != nil || rep.Leads != 1 || rep.Changed != 0 {
		t.Errorf("DiffStates: %+v, %v", rep, err)
	}
	if _, err := leadscoretest.LintMigration[leadscore.Lead](rules(), cfg); err != nil {
		t.Errorf("LintMigration: %v", err)
	}

	// ParseStoredLead's errors are still the kit's *ParseError.
	_, err = leadscoretest.ParseStoredLead([]byte(`{"id": "x", "lead": {}}`))
	var pe *leadscoretest.ParseError
	if !errors.As(err, &pe) || pe.Line != 1 || pe.Column != 1 || !strings.HasPrefix(err.Error(), `leadscoretest: 1:1: no "state"`) {
		t.Errorf("ParseStoredLead error %v", err)
	}
}
