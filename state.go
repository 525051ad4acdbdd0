package leadscore

import (
	"errors"
	"time"

	"github.com/leadscore/leadscore/internal/state"
)

// State is one lead's state: decayed accumulators per event rule, the latest event times per
// tracked type (for count, days_since and detectors), the IDs of recent events (to ignore
// repeats), the clock, the stage and the tier. Its size is bounded whatever the number of
// events, merges or rule-set changes it goes through.
//
// The zero value is a new lead in the journey's first stage. A State is a plain value: copy it
// with Clone, persist it with MarshalBinary, combine parts with Merge. Score only reads it, so
// any number of goroutines may Score one State at once; Observe, Advance and Accumulate modify
// it and need exclusive access, like a map.
//
// See the package documentation, "A State's lifetime", for what holds across late events,
// timers, merges, storage and rule changes.
type State struct {
	d state.Data
}

// Stage returns the lead's lifecycle stage: StageAttract for a new lead (or the first stage
// of the journey that last moved it).
func (st *State) Stage() Stage {
	if st.d.Stage == "" {
		return StageAttract
	}
	return Stage(st.d.Stage)
}

// StageSince returns when the lead entered its stage: the time of its first event for a lead
// still in the first stage, the zero time for a new lead.
func (st *State) StageSince() time.Time {
	if st.d.IsNew() {
		return time.Time{}
	}
	return unixToTime(st.d.StageSince())
}

// History returns the lead's completed stays in stages, oldest first (at most the last 16).
func (st *State) History() []StageVisit {
	out := make([]StageVisit, len(st.d.History))
	for i, v := range st.d.History {
		out[i] = StageVisit{Stage: Stage(v.Stage), From: unixToTime(v.From), To: unixToTime(v.To)}
	}
	return out
}

// StageVisit is one completed stay in a stage.
type StageVisit struct {
	Stage    Stage
	From, To time.Time
}

// Tier returns the tier the lead was last placed in by Observe or Advance ("" before).
func (st *State) Tier() string { return st.d.Tier }

// Events returns how many events the State has taken in (repeated IDs not counted).
func (st *State) Events() uint64 { return st.d.Events }

// Latest returns the time of the latest event taken in, or the zero time.
func (st *State) Latest() time.Time {
	if st.d.Events == 0 {
		return time.Time{}
	}
	return unixToTime(st.d.Latest)
}

// Clock returns the State's clock: the latest of every event time it has taken and every time
// it was advanced to (the zero time for a new lead). Evaluations happen at the later of the
// time asked for and the clock, so a late event or an early Score never moves a lead back in
// time.
func (st *State) Clock() time.Time {
	if st.d.IsNew() {
		return time.Time{}
	}
	return unixToTime(st.d.Clock)
}

// Clone returns a deep copy of st.
func (st *State) Clone() *State { return &State{d: *st.d.Clone()} }

// Merge combines other into st: two partial states of one lead, such as the events of one lead
// split across shards or replicas, each observed into its own State. Decayed accumulators add
// up exactly as if one State had seen all the events, event times are united, and so are the
// remembered event IDs — keeping the most recent ones, within the Scorer's dedup window — so
// an event either part saw is still ignored when delivered again. Counts of events and
// purchases add up. The clock is the later of the two.
//
// Merge is commutative and associative (within floating-point rounding) for parts laid out by
// one rule set, and bounded: a State merged any number of times is no bigger than its limits
// and still decodes. Merging a State with itself or an identical copy changes nothing. Other
// parts must have seen different events: an event without an ID observed into both counts
// twice.
//
// Journey and tier bookkeeping cannot be added up: the merged State takes the stage the parts
// entered last (their histories combined), the tier of the part evaluated last, and the union
// of their active signals; the next Observe or Advance settles them from the merged scores.
// The parts may have been written under different rule sets: the merged State then takes the
// layout of the part with the later clock, and the other part is remapped into it by name —
// rules that layout lacks are dropped, so across rule sets Merge commutes but is not
// associative. Use Scorer.Merge there: it lays every part out for the scorer's rule set
// first, and is associative whatever rule sets the parts were written under. other is not
// modified.
func (st *State) Merge(other *State) error {
	if other == nil {
		return errors.New("leadscore: Merge with a nil *State")
	}
	st.d.Merge(&other.d)
	return nil
}

// MarshalBinary encodes st (encoding.BinaryMarshaler). The format is versioned and
// checksummed; it records the rule-set layout the values are laid out by, so a State written
// under one rule set reads back under any other and is remapped by name on first use (see
// PlanMigration). MarshalBinary never writes bytes UnmarshalBinary would reject: a State that
// breaks one of its invariants (which no sequence of calls can produce) is an error instead.
//
// Version 2 is written, or version 3 for a State holding a rejection by sales (its reason),
// or version 4 for a State holding visits, event totals beyond its rings, a question's text,
// a cart's step or touches; version 1, of the first release, is still read.
func (st *State) MarshalBinary() ([]byte, error) { return state.Marshal(&st.d) }

// UnmarshalBinary decodes data written by MarshalBinary into st (encoding.BinaryUnmarshaler).
// Truncated, corrupted or implausible bytes are an error wrapping ErrCorruptState, and st is
// then left as it was. Decoding allocates at most a small multiple of len(data) (see
// SECURITY.md): no length in the bytes is trusted before the bytes it announces are there.
func (st *State) UnmarshalBinary(data []byte) error {
	d, err := state.Unmarshal(data)
	if err != nil {
		return err
	}
	st.d = *d
	return nil
}

// unixToTime converts a State time to a time.Time (the zero time for None).
func unixToTime(t int64) time.Time {
	if t == state.None {
		return time.Time{}
	}
	return time.Unix(0, t).UTC()
}
