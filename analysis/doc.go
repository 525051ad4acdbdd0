// Package analysis looks at rule sets before they ship: what is wrong with one ([Lint]),
// what a change does to the States a service has stored ([LintMigration]), and what a change
// does to a population of leads ([Diff] on replayed events, [DiffStates] on stored States).
// It reads the populations a production system exports: leads with their events
// ([ReplayedLead], [ParseReplayedLead]) and stored States ([StoredLead], [ParseStoredLead]),
// of a lead type of your own too ([ParseReplayedLeadFor], [ParseStoredLeadFor]), and runs a
// lead the way [Lint] and [Diff] do ([Replay], giving a [Trace]).
//
// It is the home of what the test kit once held besides tests: a deployment pipeline or a
// command-line tool imports analysis and links no test code. The test kit,
// [github.com/leadscore/leadscore/leadscoretest], keeps cases, Check, coverage and golden
// files, and aliases its old names for what moved here (deprecated).
//
// # Contract
//
//   - Pure: no I/O, no clock, no randomness. Every input is an argument (a population is an
//     iter.Seq the caller feeds from wherever it keeps its leads), every output a return value.
//   - Deterministic order: the same input gives the same output, byte for byte. Findings come
//     most serious first (error, warning, info), and within a severity in rule-set order: the
//     order of the checks listed below, each in the order of the items it concerns; lists by
//     name. A [DiffReport] counts tiers, personas and stages in the new rule set's order
//     then the old one's, lists the rules that shifted largest shift first (ties in the
//     same order: the new rule set's rules, then the old one's) and the changed leads in
//     population order.
//   - Never imports testing, directly or through the packages it imports (a test checks it).
//   - A population is read once, in order, and stops at the first lead that cannot run; the
//     error names it ("#12" for a lead without a name).
//
// # Findings
//
// A [Finding] is a [Severity], a kind (one of the Kind constants, such as [KindTierShadowed]),
// the ID of what it concerns, a message and a fix: what to change — the config key, and
// where it can be worked out the value — to resolve it ("lower \"min\" of tier \"hot\" to at
// most 60, or …"). Every finding has a fix. Errors are things that can never happen as
// written; warnings are very likely mistakes; info is worth a look and often intended.
// [Lint] reports, from the rule set alone:
//
//	tier-shadowed          error    an earlier tier without a when takes every total the tier could have
//	tier-unreachable       error    the tier's min is above the highest total the rules allow
//	persona-unreachable    warning  a persona whose when can never hold
//	persona-warning        warning  a single persona (Compile)
//	config-warning         warning  a declared event type that looks like a misspelt built-in one (Compile)
//	event-rule-warning     warning  event.Type compared with a type that looks misspelt (Compile)
//	signal-warning         warning  a lead-reading detector left out: the lead type lacks its inputs (Compile)
//	<kind>-warning         warning  Compile's other warnings (Scorer.Warnings), by the item's kind
//	handoff-inverted       warning  a tier that does not hand off comes before, and above, one that does
//	handoff-overlap        info     several hand-off tiers
//	                       warning  a transition to sales on a condition that does not read handoff
//	list-empty             warning  an empty list that a listed("name", …) call reads
//	event-type-unread      warning  a declared event type that nothing reads
//	                       info     the same, under strict_event_types (declaring it lets its events in)
//	signal-idle            warning  a built-in detector that can never fire
//	signal-off             warning  has_signal("kind") of a detector the config turns off
//	max-below-points       warning  a rule's max is below its points
//	duplicate-condition    warning  two rules that count the same thing
//	cost                   info     an expression whose work depends on data, with its cost
//	cost-over-budget       warning  such an expression that may exceed the step budget
//
// and, given a population:
//
//	rule-never-fires       warning  a rule that fired for none of the leads
//	event-type-absent      warning  an event rule none of whose event types occurs
//	rule-always-fires      info     a conditional rule that fired for every lead
//	tier-never-reached     info     a tier no lead reached
//	persona-never-reached  info     a persona no lead matched
//
// [LintMigration] reports history-reset (warning: a history every stored lead loses) and
// history-approximate (info: a history carried over, not exactly).
//
// What an expression reads is found in its syntax tree (expr's parser), not its text: a
// name in a string literal or a comment reads nothing, and listed, has_signal, count and
// days_since calls are found however they are spaced, commented or split over lines, by their
// constant first argument, and event.Type comparisons by their string constants. Compile
// rejects a computed list name, signal kind or event type, so [Lint] returns that error
// rather than guessing which list such a call reads.
package analysis
