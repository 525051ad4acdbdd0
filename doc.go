// Package leadscore scores sales leads: it turns what a business knows about a person
// (attributes) and what that person does (events) into an explained, three-dimensional score,
// a tier with a hand-off to sales, a lifecycle stage, buying signals and a persona.
//
// # The three dimensions
//
// Every score has three parts, kept apart so that none hides another:
//
//   - Fit: who they are — demographics, firmographics, job title, BANT.
//   - Engagement: how they interact — page views, email clicks, webinars, calls — with
//     exponential decay, so a lead that goes quiet cools down on its own.
//   - Relationship: where they are with you — lifecycle stage, tenure, purchases.
//
// Each dimension is the sum of its rules' contributions, clamped to the dimension's bounds;
// the total is the weighted sum of the three. Rules may add points, take them away, or add
// nothing and still be explained (neutral rules).
//
// # Rules
//
// A rule set is a Config, usually decoded from JSON with ParseConfig. Attribute rules (Config.Rules)
// read the lead; event rules (Config.Events) score each matching event with points that
// halve every HalfLife: at time t an event rule contributes
//
//	points × Σ 2^(−(t − tᵢ)/half_life)   over its matched events tᵢ, limited to ±max
//
// which is order-free: the same events observed in any order give the same score.
//
// Conditions are expressions in the expr language (github.com/expr-lang/expr), compiled once
// and type-checked against the lead type, so a misspelt field is a compile error. In scope:
//
//   - lead (the lead, of type L), now (the evaluation time), event (event rules only; its
//     Category is the page category from Config.Pages);
//   - count(type, window): events of type in [now − window, now], e.g. count("page_view", "14d");
//     type and window must be constants; "page_view/pricing" counts the page views of one
//     Config.Pages category. Compared with a constant (count(...) >= 100) it is exact: the
//     State keeps as many event times as the constant asks for. Read as a number in any other
//     way it stops at what the State keeps (64 times, or more when a comparison asks for
//     more), and Compile warns of it (Scorer.Warnings). count is overloaded: count(array, predicate), with an array
//     first, is expr's built-in — count(lead.Traits.tags, # == "vip") — a loop charged to the
//     step budget;
//   - days_since(type): days since the last such event, +Inf if never;
//   - domain(email), free_email(emailOrDomain), academic(emailOrDomain), seniority(title)
//     (c_level, vp, director, manager, individual, student or ""), department(title),
//     listed(list, value) (case-insensitive; emails and domains also match through their
//     parent domains), years_since(time);
//   - known(x) and unknown(x): whether a value is known — a number that is not 0, a string
//     that is not blank, a time that is not zero, a pointer, interface (a Traits entry) or
//     map that is not nil; a bool is always known, so known(aBool) does not compile. A blank
//     field is unknown rather than a bad value: write lead.Company.Employees < 10 as
//     known(lead.Company.Employees) && lead.Company.Employees < 10;
//   - stage and days_in_stage (the lead's place in the journey);
//   - in tiers, personas, signals and journey guards also fit, engagement, relationship,
//     total, disqualified and has_signal(kind); in personas and journey guards, tier,
//     handoff and fresh_handoff (a hand-off tier the lead has not yet been handed to sales
//     from).
//
// The clock- and zone-reading built-ins of expr (now(), date(), timezone()) are disabled;
// WithFunction adds functions of your own.
//
// Rules may name the built-in event types ([EventTypes]) and those declared in
// Config.EventTypes; another type in on, count, days_since, a transition or sla_met_by is a
// compile error. With Config.StrictEventTypes the vocabulary binds events too: Observe and
// Accumulate refuse an event of another type ([ErrUnknownEventType]; nothing is applied).
// Without it an event of any type is taken, and rules without on see it.
//
// # Journey, signals and personas
//
// [Scorer.Observe] and [Scorer.Advance] run the lifecycle state machine ([DefaultJourney]:
// attract → capture → nurture → convert → expand, with recycling to nurture), detect buying
// signals (the Signal… constants: frequent engagement and visits, questions, abandoned carts,
// target accounts, velocity, and the negative competitor, job seeker, student and free-mail
// signals) and pick the first [Persona] whose condition holds, and its track for the lead's
// tier ([PersonaTrack]: nurture by score, and re-nurture for a recycled lead). Every change they make to a
// [State] is a [Transition] in the [Result], so engines act on edges, once.
// [Scorer.NextWakeup] tells when time alone will change a State next.
//
// Around the scoring API: the package [github.com/leadscore/leadscore/report] reports on
// populations — the funnel, and personas ranked by ROI — through [Scorer.Lifecycle] and
// [Scorer.CompileValue]; [github.com/leadscore/leadscore/analysis] lints a rule set and diffs
// two of them over a population; [github.com/leadscore/leadscore/leadscoretest] is the test kit
// for rule sets.
//
// # Which call
//
// Three operations, each with a variant for hot loops:
//
//   - an event arrives: [Scorer.Observe] takes it and decides (tier, signals, journey);
//     [Scorer.Accumulate] only takes it, for high-volume events that need no decision now;
//     [Scorer.ObserveInto] is Observe writing into a reused [Result];
//   - time passes: [Scorer.Advance] applies what time alone changes (decay out of a tier, an
//     SLA running out, an abandoned cart), at the time [Scorer.NextWakeup] reports;
//   - a question is asked: [Scorer.Score] evaluates without changing the State;
//     [Scorer.ScoreInto] reuses a Result and [Scorer.ScoreAll] scores a batch on many
//     goroutines.
//
// A stream that reads each event's Result and lets it go calls ObserveInto with one Result
// per worker. Observe gives the caller lists of its own: when nothing fires, one allocation
// of 64 bytes per rule that contributed (about 1.2 KB on DefaultB2B), which in a process
// with a small heap costs half to all of the evaluation's time again, the collector's share
// included (BENCHMARKS.md). The Results are the same.
//
// Around them, for B2B: [Scorer.ScoreAccount] scores an account (Config.Accounts) from its
// members' leads and States, keeping the account's tier and hand-off in an [AccountState];
// [Scorer.PlanHandoffs] decides which hand-off candidates each owner takes now, within their
// capacity. Result.Trigger names what crossed a tier or hand-off line (why now).
//
// # State
//
// A [State] is bounded whatever the number of events, serialises with [State.MarshalBinary]
// (versioned and checksummed), survives rule-set changes and merges ([State.Merge]) when one
// lead's events were split across shards.
//
// # A State's lifetime
//
// A State's clock ([State.Clock]) is the latest of every event time it has taken and every
// now given to Advance. Observe folds an event in at its own time (decayed sums and windows do
// not depend on arrival order) and evaluates at the later of the event's time and the clock;
// Score and Advance evaluate at the later of now and the clock. A late event therefore never
// moves a lead back in time, and no Transition is dated before an earlier one. Each tier,
// stage, signal and SLA edge is reported once. Event rules may not read count, days_since or
// the stage, whose values at observation time depend on arrival order; attribute rules may.
//
// NextWakeup is never late: before the time it reports, Advance reports no transition. Merge
// is commutative, associative and bounded, keeps the most recent event IDs of both parts, and
// changes nothing when a State is merged with a copy of itself. A part equal byte for byte to
// the other is taken for such a copy: two shards that took the same events without IDs at the
// same instants, and nothing else, merge as one — give events IDs where that matters. Parts
// written under different rule sets are merged with [Scorer.Merge], which lays them out for one
// rule set first.
// MarshalBinary never writes bytes [State.UnmarshalBinary] rejects. Times must lie in
// [[MinTime], [MaxTime]) — 1900 to 2200 — and all time arithmetic saturates. Under a new rule
// set, event rules keep their history by ID or through renamed_from, and a changed half-life
// converts it; [PlanMigration] lists what a rule-set change does to stored States.
//
// # Untrusted rules
//
// Rule sets are data, possibly written by people who are not Go programmers or by other
// tenants, and events come from the public web. [Limits] are safe by default: they bound
// expression size, ranges and predicate nesting, and every evaluation's work through a step
// budget ([Limits.StepBudget], [Limits.CallBudget]) that charges loops, scans and the values
// an expression builds before or as they happen, so that a hostile rule stops with a rule
// error instead of exhausting the CPU or the memory; events beyond the size limits are
// refused ([ErrEventTooLarge]) and so are oversized rule sets ([ErrRuleSetTooLarge]).
// [Scorer.Costs] estimates each expression's worst case; [TrustedLimits] turns the guards off
// for rule sets the embedder writes itself. Panics inside expressions become rule errors.
//
// # Purity and time
//
// The package does no I/O and never reads the clock or a random source: time comes in as an
// argument (Score's now, an [Event]'s Time) and state comes in as a *State the caller keeps.
// The same inputs give the same Result, byte for byte in [Result.Explain].
//
// # Concurrency
//
// A [Scorer] is immutable once compiled and safe for concurrent use by multiple goroutines.
// A State belongs to one lead: Score only reads it (concurrent Score calls on one State are
// safe), while Observe, Accumulate and Advance modify it and need exclusive access.
//
// # Errors
//
// One convention throughout: a returned error means the call did nothing — the State is as it
// was, and a Result returned beside the error is not a score. Problems that do not stop a call
// are values in what it returns: a rule that fails while running (a nil map value compared
// with a number, say) contributes nothing and is listed in [Result.Errors]; a rule set that
// compiles but deserves a look is listed by [Scorer.Warnings].
//
// [Compile] reports every problem in a rule set at once: the error joins one *[RuleError] per
// problem, each naming the kind of item, its ID, the field and, inside an expression, the line
// and column, with expr's caret snippet; [ParseConfig] reports malformed text as a
// *[ConfigError] at the line and column of the first key or value that fails, naming the item
// and field it is in. Where a name does not exist — a field (lead.employees), a function
// (senority), a config key ("half_lfe"), an event type, a signal kind, a list — the message
// says which valid name was probably meant: "(did you mean Company.Employees?)". Invalid
// events are errors ([ErrEventTooLarge] and, under Config.StrictEventTypes,
// [ErrUnknownEventType] among them), and so is a nil State ([ErrNilState]) or unreadable State
// bytes ([ErrCorruptState]); match them with errors.Is and errors.As. Error messages start with "leadscore:".
//
// # Optional values
//
// One convention throughout the configuration: a field left at its zero value means "not set"
// and takes the documented default (HalfLife 0: no decay, Max 0: no limit, SLA 0: none,
// [Limits] fields 0: the safe default) — wherever zero is not a meaningful value. Where zero
// is meaningful (a dimension's weight or bounds, a tier's or grade's minimum), the field is a
// *float64 and nil means "not set"; [Float] makes one in a literal. [Unlimited] (-1) turns a
// limit off.
package leadscore
