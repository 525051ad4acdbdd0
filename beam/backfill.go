package leadbeam

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/leadscore/leadscore"
)

// Backfill scores a whole history in batch: each lead's records are grouped, sorted by time
// and applied with the wakeups up to Options.Horizon — the same decisions Score makes for
// on-time data — and the lead's final State is written to Outputs.States, with its Result at
// the horizon as an Update of cause "final". Those States seed a streaming Score
// (Inputs.States) that takes over from the horizon.
//
// A lead's history is scored in one call: GroupByKey never splits a key, so the parts of a
// State never need merging here, and the order of the events is the one a single process
// replaying them would take. What bounds it is one lead's history in one worker's memory
// (records are about the size of their JSON), which a lead's event count keeps small. Merge
// would be needed to split a key — a CombinePerKey whose accumulators are States
// (Scorer.Accumulate, then Scorer.Merge) — at the price of the order-dependent decisions
// (tier path, journey) that only an ordered replay gets exactly right.
func Backfill(s beam.Scope, opts Options, in Inputs) Outputs {
	s = s.Scope("leadscore.Backfill")
	if opts.Horizon.IsZero() {
		panic("leadbeam: Backfill needs Options.Horizon: the instant the final States are taken at")
	}
	sp, records, stampFails := prepare(s, opts, in)
	grouped := beam.GroupByKey(s, records)
	updates, changes, fails, states := beam.ParDo4(s, &backfillFn{RuleSet: sp.RuleSet, Horizon: sp.Horizon, DedupWindow: sp.DedupWindow}, grouped)
	return Outputs{
		Updates:  updates,
		Changes:  changes,
		Handoffs: beam.ParDo(s, keepHandoffs, changes),
		Failures: beam.Flatten(s, stampFails, fails),
		States:   states,
	}
}

// backfillFn scores one lead's grouped history.
type backfillFn struct {
	RuleSet     []byte
	Horizon     int64
	DedupWindow int

	scorer *leadscore.Scorer[leadscore.Lead]
}

func (fn *backfillFn) spec() spec {
	return spec{RuleSet: fn.RuleSet, Horizon: fn.Horizon, DedupWindow: fn.DedupWindow}
}

// Setup compiles the rule set, once per worker process (see spec.scorer).
func (fn *backfillFn) Setup() error {
	s, err := fn.spec().scorer()
	fn.scorer = s
	return err
}

func (fn *backfillFn) ProcessElement(ctx context.Context, key string, values func(*[]byte) bool, updates, changes, fails, states func(string, []byte)) error {
	var recs []record
	var raw []byte
	for values(&raw) {
		rec, err := decodeRecord(raw)
		if err != nil {
			return fmt.Errorf("leadbeam: lead %q: %w", key, err) // only leadbeam's own stages write records
		}
		// The iterator may reuse its buffer: keep a copy of what the record points into.
		rec.Body = slices.Clone(rec.Body)
		recs = append(recs, rec)
	}
	slices.SortFunc(recs, compareRecords)
	out := emitters{ctx, updates, changes, fails}
	r := &leadRun{s: fn.scorer, key: key, lead: leadscore.Lead{ID: key}, horizon: fn.Horizon, out: out}
	for _, rec := range r.runUntil(recs, fn.Horizon) {
		r.fail(rec.Kind, rec.ID, "after the backfill's horizon: not applied", rec.Body)
	}
	if r.st.Events() == 0 {
		return nil // nothing was observed: no State to write, nothing to score
	}
	if res, err := r.s.Score(r.lead, &r.st, time.Unix(0, fn.Horizon).UTC()); err != nil {
		r.fail(kindState, "", "Score at the horizon: "+err.Error(), nil)
	} else {
		r.seq++
		out.update(Update{Lead: key, Seq: r.seq, Cause: CauseFinal, Result: res})
	}
	b, err := r.stateBytes()
	if err != nil {
		return err
	}
	states(key, b)
	return nil
}
