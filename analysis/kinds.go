package analysis

// The kinds of [Finding] that [Lint] and [LintMigration] report, as Finding.Kind. Every
// finding of every kind carries a Fix. Besides these, Lint passes on a warning of Compile
// that it does not know as "<item kind>-warning" (a space in the item's kind spelt "-").
const (
	// From the rule set alone.
	KindTierShadowed       = "tier-shadowed"       // error
	KindTierUnreachable    = "tier-unreachable"    // error
	KindPersonaUnreachable = "persona-unreachable" // warning (Compile)
	KindPersonaWarning     = "persona-warning"     // warning (Compile): a single persona
	KindConfigWarning      = "config-warning"      // warning (Compile): a declared event type that looks like a misspelt built-in one; a lead field no detector reads
	KindEventRuleWarning   = "event-rule-warning"  // warning (Compile): event.Type compared with a type that looks misspelt
	KindSignalWarning      = "signal-warning"      // warning (Compile): a lead-reading detector left out, its inputs missing from the lead type
	KindHandoffInverted    = "handoff-inverted"    // warning
	KindHandoffOverlap     = "handoff-overlap"     // info (several hand-off tiers) or warning (a transition to sales)
	KindListEmpty          = "list-empty"          // warning
	KindEventTypeUnread    = "event-type-unread"   // warning; info under strict_event_types
	KindSignalIdle         = "signal-idle"         // warning
	KindSignalOff          = "signal-off"          // warning
	KindMaxBelowPoints     = "max-below-points"    // warning
	KindDuplicateCondition = "duplicate-condition" // warning
	KindCost               = "cost"                // info
	KindCostOverBudget     = "cost-over-budget"    // warning

	// From a population.
	KindRuleNeverFires      = "rule-never-fires"      // warning
	KindEventTypeAbsent     = "event-type-absent"     // warning
	KindRuleAlwaysFires     = "rule-always-fires"     // info
	KindTierNeverReached    = "tier-never-reached"    // info
	KindPersonaNeverReached = "persona-never-reached" // info

	// From LintMigration.
	KindHistoryReset       = "history-reset"       // warning
	KindHistoryApproximate = "history-approximate" // info
)
