package leadbeam

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// Inputs are what a lead is scored from, each a PCollection<KV<string, []byte>> keyed by lead
// ID. Events is required; Leads and States may be left zero.
type Inputs struct {
	// Events: one leadscore.Event in its JSON wire format per element ({"id", "type", "time",
	// …}). Give events IDs: a repeated ID is ignored while it is among the lead's recent IDs,
	// and DedupeEvents removes exact repeats before scoring.
	Events beam.PCollection
	// Leads: leadscore.Lead JSON, valid from the element's timestamp on (a keyed join in event
	// time). An element made by beam.Create holds from the beginning.
	Leads beam.PCollection
	// States: State.MarshalBinary bytes (Backfill's States) merged into the lead's State at
	// the element's timestamp, with Scorer.Merge.
	States beam.PCollection
}

// Outputs are what scoring produces, each a PCollection<KV<string, []byte>> keyed by lead ID
// whose values are JSON.
type Outputs struct {
	Updates  beam.PCollection // Update: each evaluation's Result
	Changes  beam.PCollection // Change: each Transition
	Handoffs beam.PCollection // Change: the tier changes into a hand-off tier (Change.Handoff)
	Failures beam.PCollection // Failure: bad inputs and unreadable States
	States   beam.PCollection // Backfill only: each lead's final State, MarshalBinary bytes
}

// Score scores leads continuously: see the package documentation for how events are
// ordered, how late events are taken and how timers drive Advance. It panics, as Beam's own
// transforms do at construction, if the rule set does not compile or Events is missing.
func Score(s beam.Scope, opts Options, in Inputs) Outputs {
	s = s.Scope("leadscore.Score")
	sp, records, stampFails := prepare(s, opts, in)
	updates, changes, fails := beam.ParDo3(s, newScoreFn(sp), records)
	return Outputs{
		Updates:  updates,
		Changes:  changes,
		Handoffs: beam.ParDo(s, keepHandoffs, changes),
		Failures: beam.Flatten(s, stampFails, fails),
	}
}

// prepare checks the options and turns the inputs into one PCollection of records keyed by
// lead, each timestamped with the time it applies at.
func prepare(s beam.Scope, opts Options, in Inputs) (spec, beam.PCollection, beam.PCollection) {
	sp, err := opts.spec()
	if err != nil {
		panic(err)
	}
	if !in.Events.IsValid() {
		panic("leadbeam: Inputs.Events is required")
	}
	events, fails := beam.ParDo2(s, stampEvent, in.Events)
	all := []beam.PCollection{events}
	if in.Leads.IsValid() {
		all = append(all, beam.ParDo(s, stampLead, in.Leads))
	}
	if in.States.IsValid() {
		all = append(all, beam.ParDo(s, stampState, in.States))
	}
	records := events
	if len(all) > 1 {
		records = beam.Flatten(s, all...)
	}
	return sp, records, fails
}
