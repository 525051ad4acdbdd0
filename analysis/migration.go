package analysis

import (
	"fmt"
	"strings"

	"github.com/leadscore/leadscore"
)

// LintMigration compiles previous, the rule set stored States were written under, and cfg, the
// one about to read them, for leads of type L, and reports what cfg does to those States (see
// [leadscore.PlanMigration]), most serious first:
//
//   - history-reset (warning): an event rule or custom signal of previous that nothing in
//     cfg continues, so its history (or active flag) is dropped from every stored lead —
//     usually a rename without "renamed_from"; the message says which rule to add it to;
//   - history-approximate (info): a history that carries over but not exactly: a changed
//     half-life converted approximately, a rule whose "on" or "when" changed, an event type
//     that now keeps more times than stored States hold, a changed velocity window.
//
// It complements [Lint], which looks at one rule set; run both on a change before deploying
// it. Compile errors are returned as the error, each prefixed with the rule set it is about.
func LintMigration[L any](previous, cfg leadscore.Config, opts ...leadscore.Option) ([]Finding, error) {
	m, err := leadscore.PlanMigration[L](previous, cfg, opts...)
	if err != nil {
		return nil, err
	}
	var resets, approximate []Finding
	for _, s := range m.Steps {
		switch {
		case s.Action == leadscore.MigrationReset:
			what := "its history is"
			if s.Kind == leadscore.MigrationSignal {
				what = "its active flag is"
			}
			resets = append(resets, Finding{Severity: SeverityWarning, Kind: "history-reset", ID: s.ID,
				Message: fmt.Sprintf("the %s is gone from the new rule set: %s dropped from every stored lead; %s", s.Kind, what, s.Detail)})
		case !s.Exact && (s.Action == leadscore.MigrationKept || s.Action == leadscore.MigrationRenamed || s.Action == leadscore.MigrationConverted):
			// The step's line, "kind \"id\": what", without the ID the finding names.
			line := s.String()
			if s.Kind != leadscore.MigrationVelocity {
				line = s.Kind + ": " + strings.TrimPrefix(line, fmt.Sprintf("%s %q: ", s.Kind, s.ID))
			}
			approximate = append(approximate, Finding{Severity: SeverityInfo, Kind: "history-approximate", ID: s.ID, Message: line})
		}
	}
	return append(resets, approximate...), nil
}
