// Package leadscoretest is to rule sets what net/http/httptest is to handlers: it tests a
// team's lead-scoring rule set the way the team tests its code, with cases that say what
// the rules should make of a lead, run by go test.
//
// # How a team uses it
//
// Marketing operations keep the rule set (rules.json) and, next to it, a case file
// (cases.json): leads they know, what those leads did, and what should come of it. A Go test
// reads both and runs them:
//
//   - [ParseCases] reads the case file into [Case] values ([ParseCasesFor] for a lead type of
//     your own) — or the cases are written in Go, with [Expect] and [Bool] for the optional
//     expectations;
//   - [Run] runs each case as a subtest (go test -run 'TestRules/vp' runs one) and reports
//     every expectation it misses, with the lead's explanation; [Check] does the same
//     without a *testing.T and returns one [Mismatch] per failure;
//   - [Coverage] reports which rules, tiers, personas, signals, journey transitions and
//     buying-group roles no case exercised — rule-set coverage, like code coverage — and
//     [CoverageReport.Complete] makes a gap fail the build;
//   - [Golden] pins texts people read, such as the hand-off explanation sales receives
//     ([leadscore.Result.Explain]), in golden files that a review sees change;
//   - [Replay] shows what one case does, step by step ([Trace]): each event's Result, every
//     transition, the rule errors and the final State.
//
// A worked example: the rule set gives 30 points to executives, 20 to companies of 500 or
// more, 40 to a demo request, and hands off leads of 70 and above ("hot"). The team's first
// case is a VP of an 800-person company who filled in a form on Monday and asked for a demo
// on Tuesday; it expects tier "hot", a hand-off, stage "convert", persona "exec", and that
// the demo rule fired. Run passes it. Someone then raises the hot tier to 100 points; the
// case fails with `tier: got "warm", want "hot" (total 90)` followed by the explanation of
// the 90 points, and the change is caught before it ships. Coverage meanwhile lists the
// competitor rule as never fired, so the team adds a case for a competitor's employee,
// expecting no hand-off and "disqualified": true; the golden file of the VP's hand-off text
// shows, in review, the wording sales will read.
//
// # The case file
//
// A case file is a JSON array of cases (the leadscore command also reads them in YAML,
// converted to JSON):
//
//	[{"name": "vp with demo is hot",
//	  "lead": {"email": "dana@globex.example", "title": "VP Operations", "company": {"employees": 800}},
//	  "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}],
//	  "at": "2026-03-03T09:00:00Z",
//	  "expect": {"tier": "hot", "handoff": true, "stage": "convert", "fired": ["demo"], "min_total": 70}}]
//
// Its keys:
//
//   - "name": required, and unique in the file: it names the subtest and the mismatches.
//   - "lead": the standard [leadscore.Lead] by its JSON names, snake_case ("postal_code",
//     "customer_since", "company": {"employees"}, "bant": {"budget"}, "traits": {…}); a lead
//     type of your own ([ParseCasesFor]) by its json tags, else its field names.
//   - "events": in the order they are observed; each needs "type" and "time", and may have
//     "id", "channel", "path", "value", "category" and "properties".
//   - "at": when to evaluate the lead after its events; without it, at the latest event.
//     A case needs events or "at".
//   - "expect": "tier", "handoff", "disqualified", "stage", "persona", "track", "no_persona",
//     "fired", "not_fired", "signals", "no_signals", "min_total", "max_total". A key left
//     out is not checked, and neither is "persona": "" or an empty list; "handoff": false,
//     "disqualified": false and "min_total": 0 are.
//
// An account case tests a rule set's accounts section: in place of "lead" and "events" it
// gives "members", each with its "lead" and "events", scored together as one account by
// Scorer.ScoreAccount ([ReplayAccount]), and optionally "account", the key they share:
//
//	{"name": "globex has its buying group", "account": "globex.example",
//	 "members": [{"lead": {"email": "cfo@globex.example", "title": "CFO", "company": {"domain": "globex.example"}},
//	              "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}]},
//	             {"lead": {"email": "raj@globex.example", "title": "IT Manager", "company": {"domain": "globex.example"}}}],
//	 "at": "2026-03-05",
//	 "expect": {"tier": "hot", "handoff": true, "covered": ["economic-buyer"], "missing": ["technical-evaluator"]}}
//
// Its "tier", "handoff", "disqualified", "min_total", "max_total", "fired" and "not_fired"
// are the account's — its tiers and account rules — and "covered" (roles an engaged member
// covers), "missing" (required roles missing) and "no_missing" its buying group's; a lead's
// "stage", "persona" and "signals" are errors there, and the buying group's on a lead case.
//
// Times are RFC 3339 or dates ("2026-03-02", midnight UTC). Decoding is strict: an unknown
// key (a typo), a wrongly typed value, a case without a name, two cases of one name, an
// event without a type or time and a case with neither events nor "at" are errors, each a
// *[ParseError] with the line and column. Names in the expectations are checked against the
// rule set when the cases run: an expectation naming a rule, tier, persona, signal kind or
// stage the rule set lacks fails its case. [ParseCase] reads one case, a JSON object as on a
// line of a JSON Lines file, without requiring a name or a time.
//
// # Where lint and diff went
//
// Rule-set analysis — Lint, LintMigration, Diff, DiffStates, StoredLead and ParseStoredLead —
// moved to [github.com/leadscore/leadscore/analysis], which production tools import without
// linking the testing package. The old names remain here as deprecated aliases and thin
// wrappers; [Population] turns cases into the population analysis.Lint and analysis.Diff
// read, so that a test can lint its rule set on its cases:
//
//	findings, err := analysis.Lint(cfg, leadscoretest.Population(cases))
package leadscoretest
