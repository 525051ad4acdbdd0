package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/leadscore/leadscore/store"
)

// maxRelayRounds bounds how many full batches one tick of the relay delivers in a row.
const maxRelayRounds = 20

// relay delivers the outbox to the webhook: each message POSTed with its idempotency key,
// marked delivered on a 2xx, its failure recorded and retried with exponential backoff
// otherwise. Delivery is at least once: a crash between the POST and the mark sends the
// message again, with the same key, so a receiver that de-duplicates on the key sees it once.
type relay struct {
	s     *Server
	retry map[int64]time.Time // message ID → not before; only this process's view, lost on restart
}

func (s *Server) relayLoop(ctx context.Context) {
	r := &relay{s: s, retry: make(map[int64]time.Time)}
	tick := time.NewTicker(s.opts.RelayInterval)
	defer tick.Stop()
	for {
		r.tick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// maxBackingOff bounds how many backing-off messages a poll reads past (see tick).
const maxBackingOff = 10_000

// tick delivers what is pending, batch after batch while batches come back full and were
// all delivered. Messages backing off are the oldest (Pending's order), so a poll asks for as
// many more as are backing off (at most maxBackingOff): a batch of them refused again and again
// does not keep the messages behind them from being delivered.
func (r *relay) tick(ctx context.Context) {
	for range maxRelayRounds {
		limit := r.s.opts.RelayBatch + min(len(r.retry), maxBackingOff)
		msgs, err := r.s.opts.Store.Pending(ctx, limit)
		if err != nil {
			if ctx.Err() == nil {
				r.s.metrics.loopErrors.add(1, "relay")
				r.s.opts.Logger.Error("outbox relay: reading pending messages", "err", err)
			}
			return
		}
		r.forget(msgs, limit)
		tried, delivered := 0, 0
		for _, m := range msgs {
			if ctx.Err() != nil {
				return
			}
			if r.backingOff(m) {
				continue
			}
			tried++
			if r.deliver(ctx, m) {
				delivered++
			}
			if tried == r.s.opts.RelayBatch {
				break
			}
		}
		if len(msgs) < limit || tried == 0 || delivered < tried {
			return
		}
	}
}

// forget drops the backoff of messages no longer pending (delivered by another process), so
// the map stays as small as the backlog. msgs is one page of the backlog, of at most limit:
// only when it is the whole backlog can absent IDs be dropped.
func (r *relay) forget(msgs []store.Message, limit int) {
	if len(msgs) >= limit {
		return
	}
	pending := make(map[int64]bool, len(msgs))
	for _, m := range msgs {
		pending[m.ID] = true
	}
	for id := range r.retry {
		if !pending[id] {
			delete(r.retry, id)
		}
	}
}

// backingOff reports whether m failed lately and waits for its next attempt.
func (r *relay) backingOff(m store.Message) bool {
	notBefore, ok := r.retry[m.ID]
	return ok && time.Now().Before(notBefore)
}

// deliver posts m unless it is backing off, and records the outcome. It reports whether m was
// delivered.
func (r *relay) deliver(ctx context.Context, m store.Message) bool {
	if r.backingOff(m) {
		return false
	}
	log := r.s.opts.Logger.With("message", m.ID, "key", m.Key, "kind", m.Kind, "lead", m.LeadID)
	if err := r.post(ctx, m); err != nil {
		if ctx.Err() != nil {
			return false // shutting down: not the receiver's failure
		}
		r.s.metrics.failed.add(1, m.Kind)
		wait := r.backoff(m.Attempts + 1)
		r.retry[m.ID] = time.Now().Add(wait)
		log.Warn("webhook delivery failed", "attempt", m.Attempts+1, "retry_in", wait, "err", err)
		if err := r.s.opts.Store.Attempt(ctx, m.ID, err.Error()); err != nil && ctx.Err() == nil {
			r.s.metrics.loopErrors.add(1, "relay")
			log.Error("outbox relay: recording a failed delivery", "err", err)
		}
		return false
	}
	r.s.metrics.delivered.add(1, m.Kind)
	delete(r.retry, m.ID)
	if err := r.s.opts.Store.Delivered(ctx, m.ID); err != nil {
		// Posted but not marked: it will be posted again, with the same key.
		if ctx.Err() == nil {
			r.s.metrics.loopErrors.add(1, "relay")
			log.Error("outbox relay: marking a message delivered", "err", err)
		}
		return false
	}
	return true
}

// post POSTs m's payload to the webhook; a non-2xx answer is an error quoting the start of
// the receiver's answer.
func (r *relay) post(ctx context.Context, m store.Message) error {
	ctx, cancel := context.WithTimeout(ctx, r.s.opts.PostTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.s.opts.Webhook, bytes.NewReader(m.Payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", m.Key)
	req.Header.Set("Leadscore-Kind", m.Kind)
	resp, err := r.s.opts.Client.Do(req)
	if err != nil {
		// net/http names the URL in its errors, which go to the log and the outbox: hide its
		// path and query, where webhooks keep their secret tokens.
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = hideSecrets(ue.URL)
		}
		return err
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection is reused
	if resp.Request != nil && resp.Request.Method != http.MethodPost {
		// A 301, 302 or 303 makes net/http follow with a GET and no body: the 2xx that GET
		// gets says nothing about the message, which reached no one. (307 and 308 re-send the
		// POST with its body, and are followed.)
		return fmt.Errorf("webhook redirected the POST to %s, which net/http follows as a %s without the payload: not delivered (set -webhook to the final URL)",
			hideSecrets(resp.Request.URL.String()), resp.Request.Method)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s: %s", resp.Status, strings.TrimSpace(string(snippet)))
	}
	return nil
}

// hideSecrets is a URL as logs may show it: its scheme and host, and "/…" for a path or query.
func hideSecrets(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(the webhook URL)"
	}
	out := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		out += "/…"
	}
	return out
}

// backoff is how long to wait after the attempt-th failure: BackoffBase·2^(attempt-1), at most
// BackoffMax, less up to a fifth at random so a receiver that comes back is not hit by every
// message at once.
func (r *relay) backoff(attempt int) time.Duration {
	d := r.s.opts.BackoffMax
	if attempt-1 < 30 {
		if e := r.s.opts.BackoffBase << (attempt - 1); e > 0 && e < d {
			d = e
		}
	}
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}
