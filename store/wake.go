package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Wake advances every lead due at or before now (Store.Due, up to limit), saving each like
// Apply (transitions → outbox, new wake-up). It returns how many leads it advanced.
//
// A lead whose stored State is not due after all (another worker advanced it between Due and
// Load) is not advanced; its wake-up is rewritten if the index disagrees with the State, so it
// does not come back from Due. A lead that fails (a corrupt State, a Scorer error) does not
// stop the others: the errors are joined, each naming its lead. Such a lead stays due, and is
// the earliest: Wake reads past the ones it tried (each is tried once a call), so that any
// number of them cannot keep the leads due after them from being advanced.
func (p *Processor[L]) Wake(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	advanced := 0
	var errs []error
	tried := make(map[string]bool)
	for advanced < limit {
		want := len(tried) + limit - advanced
		due, err := p.Store.Due(ctx, now, want)
		if err != nil {
			errs = append(errs, fmt.Errorf("store: leads due at %s: %w", now.Format(time.RFC3339Nano), err))
			break
		}
		fresh := 0
		for _, id := range due {
			if tried[id] {
				continue
			}
			if advanced == limit {
				break
			}
			if err := ctx.Err(); err != nil {
				return advanced, errors.Join(append(errs, err)...)
			}
			tried[id] = true
			fresh++
			var conflicts int
			moved := false
			err := p.retry(ctx, id, &conflicts, func() error {
				var err error
				moved, err = p.wakeOnce(ctx, id, now)
				return err
			})
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if moved {
				advanced++
			}
		}
		if fresh == 0 || len(due) < want {
			break // nothing new due
		}
	}
	return advanced, errors.Join(errs...)
}

// wakeOnce is one attempt at advancing one lead: it reports whether the lead was advanced.
func (p *Processor[L]) wakeOnce(ctx context.Context, leadID string, now time.Time) (bool, error) {
	lead, st, rec, err := p.load(ctx, leadID)
	if err != nil {
		return false, err
	}
	ch := Change{LeadID: leadID, Version: rec.Version, State: rec.State}
	if rec.State == nil {
		// Only a Save writes a wake-up, and a Save always writes a State: this is a store
		// written by something else. Report it rather than invent a State.
		return false, fmt.Errorf("store: lead %q: due for a wake-up but has no stored State", leadID)
	}
	w, ok := p.Scorer.NextWakeup(&st)
	if !ok || w.After(now) {
		// Not due (yet): Advance now would move the State's clock and change nothing else.
		// The index said otherwise, so set it right, or Due returns this lead forever.
		if ok {
			ch.Wakeup = w
		}
		_, err := p.Store.Save(ctx, ch)
		return false, err
	}
	res, err := p.Scorer.Advance(lead, &st, now)
	if err != nil {
		return false, fmt.Errorf("store: lead %q: advancing to %s: %w", leadID, now.Format(time.RFC3339Nano), err)
	}
	for _, t := range res.Transitions {
		m, err := message(leadID, rec.Version+1, len(ch.Messages), t, res)
		if err != nil {
			return false, err
		}
		ch.Messages = append(ch.Messages, m)
	}
	if err := p.finish(leadID, &st, &ch); err != nil {
		return false, err
	}
	if _, err := p.Store.Save(ctx, ch); err != nil {
		return false, err
	}
	return true, nil
}
