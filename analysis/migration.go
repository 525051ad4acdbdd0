package analysis

import (
	"fmt"
	"strconv"
	"strings"
	"time"

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
			// The step's detail says which rule or signal to add renamed_from to.
			fix := "none needed if nothing replaces it"
			if s.Detail != "" {
				fix = s.Detail + "; " + fix
			}
			resets = append(resets, Finding{Severity: SeverityWarning, Kind: KindHistoryReset, ID: s.ID,
				Message: fmt.Sprintf("the %s is gone from the new rule set: %s dropped from every stored lead", s.Kind, what),
				Fix:     fix})
		case !s.Exact && (s.Action == leadscore.MigrationKept || s.Action == leadscore.MigrationRenamed || s.Action == leadscore.MigrationConverted):
			// The step's line, "kind \"id\": what", without the ID the finding names.
			line := s.String()
			if s.Kind != leadscore.MigrationVelocity {
				line = s.Kind + ": " + strings.TrimPrefix(line, fmt.Sprintf("%s %q: ", s.Kind, s.ID))
			}
			approximate = append(approximate, Finding{Severity: SeverityInfo, Kind: KindHistoryApproximate, ID: s.ID, Message: line, Fix: approximateFix(s)})
		}
	}
	return append(resets, approximate...), nil
}

// approximateFix says what to do about a history that carries over approximately: nothing,
// if approximate is good enough; else how to keep it exact.
func approximateFix(s leadscore.MigrationStep) string {
	const rebuild = "rebuild the States from the leads' events (leadscore score -write-states) to make them exact"
	var fixes []string
	switch s.Kind {
	case leadscore.MigrationEventRule:
		if s.Action == leadscore.MigrationConverted && s.Before != s.After {
			if s.Before == 0 {
				fixes = append(fixes, fmt.Sprintf(`to keep histories exact, remove "half_life" from event rule %q (no decay, as before)`, s.ID))
			} else {
				fixes = append(fixes, fmt.Sprintf(`to keep histories exact, keep "half_life" of event rule %q at %s`, s.ID, days(s.Before)))
			}
		}
		if strings.Contains(s.Detail, `"on" or "when" changed`) {
			fixes = append(fixes, fmt.Sprintf(`to count only what the new "on" and "when" match, give event rule %q a new "id" (its history then starts empty)`, s.ID))
		}
	case leadscore.MigrationVelocity:
		switch {
		case s.After == 0:
			return "none needed: nothing reads the velocity sums any more"
		case s.Before == 0:
			return "none needed: velocity builds up from new events; " + rebuild + " now"
		case s.Before != s.After:
			fixes = append(fixes, fmt.Sprintf(`to keep the sums exact, keep "window" of the velocity signal at %s`, days(s.Before)))
		}
	case leadscore.MigrationEventType:
		return "none needed: counts catch up as new events arrive; " + rebuild + " now"
	}
	if len(fixes) == 0 {
		fixes = []string{rebuild}
	}
	return "none needed if approximate is good enough; " + strings.Join(fixes, "; ")
}

// days renders a half-life or window as rule sets usually spell it: whole days as "14d",
// other durations as Duration does.
func days(d leadscore.Duration) string {
	if d > 0 && time.Duration(d)%leadscore.Day == 0 {
		return strconv.FormatInt(int64(time.Duration(d)/leadscore.Day), 10) + "d"
	}
	return d.String()
}
