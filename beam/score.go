package leadbeam

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/state"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/timers"
	"github.com/leadscore/leadscore"
)

// scoreFn is the stateful DoFn of Score. Per lead (the key) it keeps three cells:
//
//   - State: the leadscore State, State.MarshalBinary bytes;
//   - Meta: the lead's attributes and bookkeeping (see meta);
//   - Pending: on-time records not yet applied, encoded.
//
// One event-time timer, Tick, is armed for the millisecond after the earliest of the first
// pending record and the next wakeup. When it fires the watermark has reached that
// millisecond, so no on-time record before it can still come: the pending records up to its
// start are applied in order, interleaved with the wakeups, and Tick is armed again. (Arming
// a millisecond later costs a millisecond of latency and makes the rule hold whether a
// runner fires a timer when the watermark reaches its time, as prism does, or when it passes
// it.)
//
// Records applied stay in Pending, skipped by time, until they are as many as those still
// waiting: rewriting the bag after every firing would cost a lead whose records all arrive
// before the watermark moves (a bounded run) a quadratic number of state writes.
type scoreFn struct {
	RuleSet     []byte
	Horizon     int64
	DedupWindow int

	State   state.Value[[]byte]
	Meta    state.Value[[]byte]
	Pending state.Bag[[]byte]
	Tick    timers.EventTime

	scorer *leadscore.Scorer[leadscore.Lead]
}

func newScoreFn(sp spec) *scoreFn {
	return &scoreFn{
		RuleSet: sp.RuleSet, Horizon: sp.Horizon, DedupWindow: sp.DedupWindow,
		State:   state.MakeValueState[[]byte]("state"),
		Meta:    state.MakeValueState[[]byte]("meta"),
		Pending: state.MakeBagState[[]byte]("pending"),
		Tick:    timers.InEventTime("tick"),
	}
}

func (fn *scoreFn) spec() spec {
	return spec{RuleSet: fn.RuleSet, Horizon: fn.Horizon, DedupWindow: fn.DedupWindow}
}

// Setup compiles the rule set, once per worker process (see spec.scorer).
func (fn *scoreFn) Setup() error {
	s, err := fn.spec().scorer()
	fn.scorer = s
	return err
}

// ProcessElement holds an on-time record until the watermark passes it, and applies a late
// one at once.
func (fn *scoreFn) ProcessElement(ctx context.Context, sp state.Provider, tp timers.Provider, key string, raw []byte, updates, changes, fails func(string, []byte)) error {
	rec, err := decodeRecord(raw)
	if err != nil {
		return fmt.Errorf("leadbeam: lead %q: %w", key, err) // only leadbeam's own stages write records
	}
	m, err := fn.readMeta(sp, key)
	if err != nil {
		return err
	}
	if m.Started && rec.At <= m.Done {
		// Late: the lead has been applied past this record's time. The lifetime contract
		// folds it in at its own time and evaluates at the clock; wakeups it brings forward
		// that the lead has already passed are applied now.
		out := emitters{ctx, updates, changes, fails}
		out.count("late")
		r, err := fn.load(sp, key, m, out)
		if err != nil {
			return err
		}
		r.apply(rec)
		r.runUntil(nil, m.Done)
		return fn.save(sp, tp, r, m, nil, false)
	}
	if err := fn.Pending.Add(sp, raw); err != nil {
		return err
	}
	if ms := dueMillis(rec.At); !m.Armed || ms < m.ArmedMs {
		fn.Tick.Set(tp, time.UnixMilli(ms))
		m.Armed, m.ArmedMs = true, ms
		return fn.Meta.Write(sp, m.encode())
	}
	return nil // the armed timer comes first: nothing else to write
}

// OnTimer applies everything due before the millisecond the timer fired for. ts is the
// timer's hold, which scoreFn never sets apart from its firing time.
func (fn *scoreFn) OnTimer(ctx context.Context, ts beam.EventTime, sp state.Provider, tp timers.Provider, key string, timer timers.Context, updates, changes, fails func(string, []byte)) error {
	if timer.Family != fn.Tick.Family {
		return nil
	}
	m, err := fn.readMeta(sp, key)
	if err != nil {
		return err
	}
	out := emitters{ctx, updates, changes, fails}
	r, err := fn.load(sp, key, m, out)
	if err != nil {
		return err
	}
	raws, _, err := fn.Pending.Read(sp)
	if err != nil {
		return err
	}
	recs := make([]record, 0, len(raws))
	for _, b := range raws {
		rec, err := decodeRecord(b)
		if err != nil {
			return fmt.Errorf("leadbeam: lead %q: pending: %w", key, err)
		}
		if m.Started && rec.At <= m.Done {
			continue // applied by an earlier firing
		}
		recs = append(recs, rec)
	}
	slices.SortFunc(recs, compareRecords)
	m.Armed = false // this firing consumed it
	m.Started, m.Done = true, millisToNanos(int64(ts))-1
	rest := r.runUntil(recs, m.Done)
	m.Stale = int64(len(raws) - len(rest))
	switch {
	case len(rest) == 0 && len(raws) > 0:
		m.Stale = 0
		if err := fn.Pending.Clear(sp); err != nil {
			return err
		}
	case m.Stale > int64(len(rest)):
		// Compact: keep what still waits. Amortised, each record is written twice at most.
		m.Stale = 0
		if err := fn.Pending.Clear(sp); err != nil {
			return err
		}
		for _, rec := range rest {
			if err := fn.Pending.Add(sp, rec.encode()); err != nil {
				return err
			}
		}
	}
	return fn.save(sp, tp, r, m, rest, true)
}

func (fn *scoreFn) readMeta(sp state.Provider, key string) (meta, error) {
	b, _, err := fn.Meta.Read(sp)
	if err != nil {
		return meta{}, err
	}
	m, err := decodeMeta(b)
	if err != nil {
		return meta{}, fmt.Errorf("leadbeam: lead %q: %w", key, err) // only scoreFn writes it
	}
	return m, nil
}

// load reads a lead's State and takes its attributes and Update counter from m.
func (fn *scoreFn) load(sp state.Provider, key string, m meta, out sink) (*leadRun, error) {
	r := &leadRun{s: fn.scorer, key: key, horizon: fn.spec().horizon(), out: out, seq: m.Seq}
	b, _, err := fn.State.Read(sp)
	if err != nil {
		return nil, err
	}
	r.loadState(b)
	r.loadAttrs(m)
	return r, nil
}

// save writes the lead back and arms Tick for what comes next: the first record left
// pending (rest, sorted) or the next wakeup, whichever is first. fired: Tick has just fired
// and must be armed anew; otherwise (the late path) a timer armed for earlier stays.
func (fn *scoreFn) save(sp state.Provider, tp timers.Provider, r *leadRun, m meta, rest []record, fired bool) error {
	b, err := r.stateBytes()
	if err != nil {
		return err
	}
	if b != nil {
		if err := fn.State.Write(sp, b); err != nil {
			return err
		}
	}
	m.Seq = r.seq
	r.saveAttrs(&m)
	next, ok := int64(0), false
	if len(rest) > 0 {
		next, ok = dueMillis(rest[0].At), true
	}
	if w, wake := r.wakeup(); wake && (!ok || dueMillis(w) < next) {
		next, ok = dueMillis(w), true
	}
	if ok && (fired || !m.Armed || next < m.ArmedMs) {
		fn.Tick.Set(tp, time.UnixMilli(next))
		m.Armed, m.ArmedMs = true, next
	}
	return fn.Meta.Write(sp, m.encode())
}
