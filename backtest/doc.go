// Package backtest measures a rule set against leads whose outcome is known, and learns
// explainable points from them.
//
// Before a team turns a rule set on, it can replay history through it: Score scores past
// leads as they were at the moment a decision was due, Evaluate says how well the totals
// separate the leads that converted from those that did not (ROC AUC, the hand-off's
// precision and recall, conversion per tier and per decile of the total, and how the total
// maps to a probability), and Calibrate fits the rule set's points to the outcomes with a
// logistic regression, returning the same rules with new points — still a points table a
// salesperson can read, not a black box — and the fit's report, with an AUC measured on
// held-out folds (StratifiedKFold).
//
// Everything is a value in and a value out: the package does no I/O, reads no clock and
// uses no global randomness (the folds' shuffle is a seeded splitmix64), so a backtest is
// reproducible and can run in a unit test.
//
// # Point-in-time correctness and leakage
//
// A backtest is only as honest as its data. If a lead is scored with anything that became
// known after the moment you would have had to score it, the rule set is credited with
// foresight it will not have in production: this is leakage, and it makes a backtest look
// better than the live system will ever be. The classic cases:
//
//   - events that happen because the lead converted, or after it did (the purchase itself,
//     the onboarding emails, the opportunity that sales opened after qualifying the lead);
//   - attributes filled in after contact (a sales rep's notes or tags, a "lead quality"
//     judgement, a BANT checklist completed during the sales call, a purchase count that
//     includes the purchase being predicted);
//   - aggregates computed over the whole history (a "page value" derived from the
//     transactions that followed).
//
// Each Case therefore carries a Cutoff: the time at which the lead is scored, usually the
// moment the hand-off decision was due or just before the outcome became known. Score (and
// Calibrate, which scores the same way) drops every event after Cutoff and evaluates at
// Cutoff, so decay and count windows see exactly what they would have seen then. Events
// are the part of a lead the library can cut in time; the lead's attributes it cannot: pass
// the lead as it was at Cutoff, and leave out fields that were set later.
//
// # Calibration: a scorecard, fitted
//
// Calibrate treats each rule as a feature — 1 when an attribute rule fires, the decayed
// event count Σ 2^(−Δt/half_life) for an event rule (capped where the rule's Max caps it,
// the cap expressed in events), the Value of a value rule — and fits an L2-regularised
// logistic regression of the outcome on them. Each coefficient β, the change in the
// log-odds of converting per firing, becomes points with the scaling of credit scorecards:
//
//	points = β × PDO / ln 2
//
// where PDO (CalibrateOptions.PointsToDouble) is the number of points that double the odds
// of converting. Summed, the points are the log-odds in a fixed unit, so the total reads as
// a probability (Scale) and tiers can be stated as conversion rates. Optional anchoring
// (BaseScore, BaseOdds) adds a base rule so that, say, a total of 50 means even odds.
//
// The fit is standard: the penalty λ/2 Σ (βⱼ sⱼ)² acts on standardised coefficients (sⱼ is
// feature j's standard deviation; Penalty RawPenalty puts it on the coefficients themselves,
// λ/2 Σ βⱼ², which shrinks rare rules harder, and PairLambda gives the rules of pairs a λ
// of their own), the intercept is free, and Newton's method (iteratively reweighted least
// squares) with a backtracking line search converges in a handful of steps. Standard errors
// come from the inverse of the penalised Hessian at the optimum.
//
// # Points a team believes
//
// A fitted coefficient answers "what does this rule add once every other rule is counted",
// which is not the question a salesperson asks of a points table. These options keep the
// table believable while it gains accuracy, and each says what it did:
//
//   - Expect states a rule's sign before looking at outcomes ("questions are a buying
//     signal": Positive). The fit keeps it with an active-set method — a rule the data would
//     turn around is held at 0 and the others are refitted around it — and the rule is
//     reported as Constrained, with the team's reason.
//   - ShrinkBelow gives 0 points to a rule whose effect is within so many standard errors of
//     0, one at a time from the weakest, refitting the others each time (RuleFit.Shrunk).
//   - Bin cuts numeric inputs into threshold rules ("exit-rate ≥ 0.025") chosen from the
//     data: quantile groups pooled until their conversion rates are monotone, then merged
//     down to a few, each threshold the shortest number between two groups; every threshold
//     rule of an input is constrained to the input's direction, so its points rise (or fall)
//     with it. The thresholds are chosen on each fold's training cases only. A Free input
//     keeps no direction: its thresholds are chosen by likelihood alone and their points
//     take either sign, so its points can rise and fall (the shape functions of a GAM).
//   - Interactions adds rules "A and B" for the pairs of rules whose joint firing the rules
//     alone explain worst (a score test on the training cases), chosen again in each fold.
//   - InputPairs crosses whole inputs, the pairwise terms of a GA2M (Lou, Caruana, Gehrke
//     and Hooker, KDD 2013): the pairs of inputs (a Binned input, or a rule) that one split
//     of each would explain best beyond the additive fit are chosen on the training cases
//     (FAST), and each adds a grid of rules "x ≥ a and y ≥ b" with points of their own, so
//     that minutes on product pages can count for more in one month than in another.
//     Columns groups the rules of a categorical column (one per month, say) into one input,
//     so that a grid crosses the other input with every month, not with one month alone.
//   - TierRates places tiers where held-out leads convert at the rates a team chooses,
//     instead of keeping each tier's share.
//
// CalibrationReport.Summary reads the result in plain words — per rule its points before
// and after, the leads it touches, how many of them converted, and why — and LiftChart and
// CalibrationChart draw the held-out lift and calibration as SVG images, written to an
// io.Writer the caller provides.
//
// # Why the standard library
//
// The problem is small: one row per lead and one column per rule, tens of columns. Newton's
// method on it needs a gradient, a Hessian and a Cholesky solve of a matrix of a few dozen
// rows, about a hundred lines of straightforward code, and converges to machine precision
// in under ten iterations. A numeric library such as gonum would add a dependency tree to
// every user of an embeddable library for code that is easy to review and test here (the
// tests recover known coefficients from generated data, and the example reproduces the
// reference logistic regressions of real datasets to within 0.005 AUC).
//
// # Determinism
//
// The same cases, rule set and options give the same Config and report, byte for byte in
// their String forms: the folds come from a seeded generator, every sum runs in a fixed
// order, and Score's parallelism only splits independent cases. (Across CPU architectures
// the last bits of a float may differ where Go fuses a multiply and an add.)
package backtest
