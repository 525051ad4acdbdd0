package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/leadscore/leadscore"
)

// DefaultMaxRetries is how many times a Processor tries one lead's step when Save keeps
// reporting ErrConflict. Every conflict means another writer saved, so contention this deep
// is a hot lead with many concurrent writers; the loop then gives up rather than spin.
const DefaultMaxRetries = 16

// Processor is the loop over a Store for one compiled Scorer: load a lead's State, observe or
// advance it, and save it back with the processed event IDs, the next wake-up and the
// outbox messages in one compare-and-swap Save, retrying on ErrConflict. A Processor holds no
// state of its own between calls: any number of goroutines and processes may run Processors
// over one Store at once.
type Processor[L any] struct {
	Scorer     *leadscore.Scorer[L]
	Store      Store
	DecodeLead func(attrs []byte) (L, error) // nil: encoding/json into L (wire format); no attrs: the zero L
	MaxRetries int                           // attempts on ErrConflict before giving up; 0 means 16
}

// Applied reports what one Apply did.
type Applied struct {
	Result      leadscore.Result       // after the last event (or the current Result if all were duplicates)
	Accepted    int                    // events observed
	Duplicates  int                    // events skipped: already processed, or repeated within the call
	Conflicts   int                    // ErrConflict retries it took
	Transitions []leadscore.Transition // what these events changed
	Messages    int                    // outbox messages written (a key the outbox holds already is dropped by the store)
}

// Apply observes events (all for leadID, in the given order) on the lead's stored State, and
// saves State, wake-up, processed event IDs and outbox messages in one Save, retrying on
// ErrConflict (reload, re-filter duplicates, recompute). Events already processed (exactly:
// Store.Processed, not only the State's window) are counted as Duplicates and skipped. An
// event without an ID gets EventKey(leadID, ev) as its ID, so a redelivered ID-less event is
// recognised too. If any event is refused (Scorer.CheckEvent / Observe error), nothing is
// saved and the error names the event's index.
func (p *Processor[L]) Apply(ctx context.Context, leadID string, events []leadscore.Event) (Applied, error) {
	if err := CheckLeadID(leadID); err != nil {
		return Applied{}, err
	}
	evs := make([]leadscore.Event, len(events))
	for i, ev := range events {
		if err := p.Scorer.CheckEvent(ev); err != nil {
			// Checked before any I/O: a refused event refuses the whole call, on every attempt.
			return Applied{}, fmt.Errorf("store: lead %q: event %d: %w", leadID, i, err)
		}
		if ev.ID == "" {
			ev.ID = EventKey(leadID, ev)
		}
		evs[i] = ev
	}
	ids := make([]string, 0, len(evs))
	inCall := make(map[string]bool, len(evs))
	for _, ev := range evs {
		if !inCall[ev.ID] {
			inCall[ev.ID] = true
			ids = append(ids, ev.ID)
		}
	}

	var out Applied
	err := p.retry(ctx, leadID, &out.Conflicts, func() error {
		a, ch, err := p.applyOnce(ctx, leadID, evs, ids)
		if err != nil {
			return err
		}
		if len(ch.EventIDs) > 0 {
			if _, err := p.Store.Save(ctx, ch); err != nil {
				return err
			}
		}
		a.Conflicts = out.Conflicts
		out = a
		return nil
	})
	return out, err
}

// applyOnce computes one attempt of Apply on the lead as stored now: what to report, and the
// Change to save (none when every event was a duplicate).
func (p *Processor[L]) applyOnce(ctx context.Context, leadID string, evs []leadscore.Event, ids []string) (Applied, Change, error) {
	lead, st, rec, err := p.load(ctx, leadID)
	if err != nil {
		return Applied{}, Change{}, err
	}
	done, err := p.Store.Processed(ctx, leadID, ids)
	if err != nil {
		return Applied{}, Change{}, fmt.Errorf("store: lead %q: reading processed events: %w", leadID, err)
	}
	skip := make(map[string]bool, len(done)+len(evs))
	for _, id := range done {
		skip[id] = true
	}
	var a Applied
	ch := Change{LeadID: leadID, Version: rec.Version}
	latest := time.Time{}
	observed := false
	for i, ev := range evs {
		if ev.Time.After(latest) {
			latest = ev.Time
		}
		if skip[ev.ID] {
			a.Duplicates++
			continue
		}
		skip[ev.ID] = true // a repeat later in the same call is a duplicate too
		res, err := p.Scorer.Observe(lead, &st, ev)
		if err != nil {
			return Applied{}, Change{}, fmt.Errorf("store: lead %q: event %d (id %q): %w", leadID, i, ev.ID, err)
		}
		ch.EventIDs = append(ch.EventIDs, ev.ID)
		if res.Duplicate {
			// Within the State's window though not in the processed table (pruned, or
			// written by something other than a Processor): still exactly once. Recording the
			// ID keeps it so.
			a.Duplicates++
		} else {
			a.Accepted++
		}
		for _, t := range res.Transitions {
			m, err := message(leadID, rec.Version+1, len(ch.Messages), t, res)
			if err != nil {
				return Applied{}, Change{}, err
			}
			ch.Messages = append(ch.Messages, m)
		}
		a.Transitions = append(a.Transitions, res.Transitions...)
		a.Result = res
		observed = true
	}
	if !observed {
		// Every event was processed before: report the lead as it stands, at the latest of
		// the events' times (the clock wins if later), as a duplicate Observe would.
		if latest.IsZero() {
			latest = st.Clock()
		}
		if latest.IsZero() {
			return a, ch, nil // no events at all, and a new lead: nothing to evaluate
		}
		res, err := p.Scorer.Score(lead, &st, latest)
		if err != nil {
			return Applied{}, Change{}, fmt.Errorf("store: lead %q: %w", leadID, err)
		}
		a.Result = res
		return a, Change{}, nil
	}
	if err := p.finish(leadID, &st, &ch); err != nil {
		return Applied{}, Change{}, err
	}
	a.Messages = len(ch.Messages)
	return a, ch, nil
}

// finish fills in ch's State and wake-up from st.
func (p *Processor[L]) finish(leadID string, st *leadscore.State, ch *Change) error {
	b, err := st.MarshalBinary()
	if err != nil {
		return fmt.Errorf("store: lead %q: encoding its State: %w", leadID, err)
	}
	ch.State = b
	if w, ok := p.Scorer.NextWakeup(st); ok {
		ch.Wakeup = w
	}
	return nil
}

// Current is the lead's Result at now (Scorer.Score on the stored State; read-only).
func (p *Processor[L]) Current(ctx context.Context, leadID string, now time.Time) (leadscore.Result, error) {
	lead, st, _, err := p.load(ctx, leadID)
	if err != nil {
		return leadscore.Result{}, err
	}
	res, err := p.Scorer.Score(lead, &st, now)
	if err != nil {
		return leadscore.Result{}, fmt.Errorf("store: lead %q: %w", leadID, err)
	}
	return res, nil
}

// load reads the lead's record and decodes its attributes and State.
func (p *Processor[L]) load(ctx context.Context, leadID string) (L, leadscore.State, Record, error) {
	var (
		lead L
		st   leadscore.State
	)
	rec, err := p.Store.Load(ctx, leadID)
	if err != nil {
		return lead, st, rec, fmt.Errorf("store: lead %q: loading: %w", leadID, err)
	}
	if len(rec.Attrs) > 0 {
		if p.DecodeLead != nil {
			lead, err = p.DecodeLead(rec.Attrs)
		} else {
			err = json.Unmarshal(rec.Attrs, &lead)
		}
		if err != nil {
			return lead, st, rec, fmt.Errorf("store: lead %q: decoding its attributes: %w (%w)", leadID, err, ErrStoredData)
		}
	}
	if rec.State != nil {
		// UnmarshalBinary checks the bytes (checksum, plausibility): a corrupt row is an
		// error naming the lead, never a panic or a silently reset State.
		if err := st.UnmarshalBinary(rec.State); err != nil {
			return lead, st, rec, fmt.Errorf("store: lead %q: decoding its stored State (version %d): %w (%w)", leadID, rec.Version, err, ErrStoredData)
		}
	}
	return lead, st, rec, nil
}

// retry runs step until it returns anything but ErrConflict, at most MaxRetries times,
// counting the conflicts. Between attempts it waits a short random time, growing with the
// attempts, so writers that collided do not collide again in lockstep.
func (p *Processor[L]) retry(ctx context.Context, leadID string, conflicts *int, step func() error) error {
	max := p.MaxRetries
	if max <= 0 {
		max = DefaultMaxRetries
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: lead %q: %w", leadID, err)
		}
		err := step()
		if !errors.Is(err, ErrConflict) {
			return err
		}
		if attempt >= max {
			return fmt.Errorf("store: lead %q: gave up after %d attempts: %w", leadID, attempt, err)
		}
		*conflicts++
		backoff := time.Duration(rand.Int64N(int64(min(attempt, 8)) * int64(time.Millisecond)))
		select {
		case <-ctx.Done():
			return fmt.Errorf("store: lead %q: %w", leadID, ctx.Err())
		case <-time.After(backoff):
		}
	}
}
