// Package report computes reports on populations of leads scored by a
// [github.com/leadscore/leadscore.Scorer]: where leads stand in the journey and how they move
// through it ([FunnelOf]), and what each persona is worth ([Profile]).
//
// # Contract
//
//   - Pure: a report reads the States and Samples it is given and modifies nothing, neither
//     them nor the Scorer. Reports may run concurrently with each other and with scoring.
//   - Deterministic: the same population, in the same order, gives the same report, to the
//     bit. Sums are taken in the population's order; ties in a ranking keep it.
//   - One pass: a population is an iter.Seq read once, so it may stream from storage.
//     [FunnelOf] keeps a few words per lead (the stages it entered, its completed stays);
//     [Profile] keeps one row per persona.
//   - Public API only: a report uses its Scorer only through the methods every caller has
//     ([github.com/leadscore/leadscore.Scorer.Journey],
//     [github.com/leadscore/leadscore.Scorer.Lifecycle],
//     [github.com/leadscore/leadscore.Scorer.CompileValue] and the State's accessors), so
//     it says nothing a caller could not compute.
//   - Empty groups: a rate or median over nothing is NaN, never 0 — a stage nobody entered
//     has no conversion rate ([FunnelStage.ConversionToNext]), one without completed stays no
//     median ([FunnelStage.MedianDays]), a persona without known outcomes no conversion rate
//     ([PersonaProfile.ConversionRate]). Test with math.IsNaN before formatting.
//   - Untrusted expressions: the ROI expressions of [Profile] are compiled by the Scorer under
//     its Limits (bounded size and work, no clock built-ins), as its own rules are.
package report
