package leadscoretest

// Rule-set analysis — Lint, LintMigration, Diff, DiffStates and stored leads — moved to the
// package analysis, which a production tool can import without the testing package. These
// names remain so that existing code compiles; each is the analysis package's, or a thin
// wrapper where a generic function takes cases (generic functions cannot be aliased).

import (
	"errors"
	"iter"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

// Severity ranks a Finding.
//
// Deprecated: use [analysis.Severity].
type Severity = analysis.Severity

// Severities, most serious first.
const (
	// Deprecated: use [analysis.SeverityError].
	SeverityError = analysis.SeverityError
	// Deprecated: use [analysis.SeverityWarning].
	SeverityWarning = analysis.SeverityWarning
	// Deprecated: use [analysis.SeverityInfo].
	SeverityInfo = analysis.SeverityInfo
)

// Finding is one thing Lint found in a rule set.
//
// Deprecated: use [analysis.Finding].
type Finding = analysis.Finding

// Lint lints cfg and, when population is not nil, the cases' leads.
//
// Deprecated: use [analysis.Lint], with [Population](cases) for a population of cases.
func Lint[L any](cfg leadscore.Config, population iter.Seq[Case[L]], opts ...leadscore.Option) ([]Finding, error) {
	return analysis.Lint(cfg, replayedSeq(population), opts...)
}

// LintMigration reports what cfg does to States stored under previous.
//
// Deprecated: use [analysis.LintMigration].
func LintMigration[L any](previous, cfg leadscore.Config, opts ...leadscore.Option) ([]Finding, error) {
	return analysis.LintMigration[L](previous, cfg, opts...)
}

// DiffReport is what changing a rule set does to a population of leads.
//
// Deprecated: use [analysis.DiffReport].
type DiffReport = analysis.DiffReport

// Pair is a value before and after a rule change.
//
// Deprecated: use [analysis.Pair].
type Pair[T any] = analysis.Pair[T]

// Count is how many leads a tier, persona or stage holds before and after.
//
// Deprecated: use [analysis.Count].
type Count = analysis.Count

// RuleShift is how a rule's effect on the population changed.
//
// Deprecated: use [analysis.RuleShift].
type RuleShift = analysis.RuleShift

// LeadDiff is one lead whose outcome changed.
//
// Deprecated: use [analysis.LeadDiff].
type LeadDiff = analysis.LeadDiff

// RuleDelta is one rule's points for a lead before and after.
//
// Deprecated: use [analysis.RuleDelta].
type RuleDelta = analysis.RuleDelta

// Diff replays the cases' leads under the rule set before and after a change.
//
// Deprecated: use [analysis.Diff], with [Population](cases) for a population of cases.
func Diff[L any](before, after *leadscore.Scorer[L], population iter.Seq[Case[L]]) (DiffReport, error) {
	return analysis.Diff(before, after, replayedSeq(population))
}

// StoredLead is a lead as a service keeps it.
//
// Deprecated: use [analysis.StoredLead].
type StoredLead[L any] = analysis.StoredLead[L]

// DiffStates is Diff for stored States.
//
// Deprecated: use [analysis.DiffStates].
func DiffStates[L any](before, after *leadscore.Scorer[L], stored iter.Seq[StoredLead[L]]) (DiffReport, error) {
	return analysis.DiffStates(before, after, stored)
}

// ParseStoredLead decodes one stored lead. Its errors are *ParseErrors, as they were.
//
// Deprecated: use [analysis.ParseStoredLead], whose errors are *[analysis.ParseError]s.
func ParseStoredLead(data []byte) (StoredLead[leadscore.Lead], error) {
	sl, err := analysis.ParseStoredLead(data)
	var pe *analysis.ParseError
	if errors.As(err, &pe) {
		return sl, &ParseError{Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	return sl, err
}

// replayedSeq is a sequence of cases as a population; nil for nil.
func replayedSeq[L any](cases iter.Seq[Case[L]]) iter.Seq[analysis.ReplayedLead[L]] {
	if cases == nil {
		return nil
	}
	return func(yield func(analysis.ReplayedLead[L]) bool) {
		for c := range cases {
			if !yield(c.replayed()) {
				return
			}
		}
	}
}
