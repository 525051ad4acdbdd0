// Package state is the one home of a lead's State: its data, the invariants that data keeps,
// its clock and time arithmetic, Merge, the remapping between rule sets and the binary codec.
// The root package's State is a thin face over Data; scoring reads and writes Data's fields,
// and everything that must hold across a State's lifetime is stated and enforced here.
//
// # Invariants
//
// Check verifies each of them; the codec never writes a Data that fails Check and never
// accepts bytes that decode to one.
//
//  1. A Data with a nil Layout is new: every other field is zero. Bind gives it a layout and
//     sets its "never" times to None. Every other Data has a Layout, and its arrays line up
//     with it: one Accum per rule, Layout.RingTotal event times.
//  2. Every time held is None or within [MinTime, MaxTime). Arithmetic on times saturates
//     (Add) or is done in floating point (Span): nothing wraps.
//  3. The clock is the latest of every event time taken and every evaluation time given; it
//     never moves backwards. Evaluated ≤ Clock, Latest ≤ Clock, and so is every event time
//     held (rings, accumulators, IDs, the cart).
//  4. Event rings are ascending with None first; an accumulator is zero exactly when it has
//     no events, and otherwise has First ≤ Ref and a finite, non-negative Sum.
//  5. Remembered event IDs are the Layout.IDCap most recent ones by (event time, hash),
//     ascending and unique: what one State that saw every event would keep. So Merge is
//     commutative, associative and idempotent on them, and bounded.
//  6. Every float is finite: sums saturate at ±MaxFloat64 instead of overflowing.
//  7. Bit sets name only the layout's signal kinds and stages; the history holds at most
//     MaxHistory stays; every string is UTF-8 and at most 4 KiB long (a rule set's names
//     are at most MaxName bytes; version 1 allowed 4 KiB).
//  8. What version 4 adds (extra.go): a per-type event total is at most the events taken and
//     counts at least what its ring holds (no totals: the rings' counts); the visits are
//     ascending, disjoint, at most MaxVisits, each of at least one event and no later than the
//     latest event; the question's text, the cart's step and the touches' texts are one line
//     (no ReasonControl character) within MaxQuestion, MaxStep and MaxTouchText bytes; a touch
//     has a text and a time no later than the latest event, the first touch is not after the
//     last, and a hand-off touch needs a hand-off.
package state
