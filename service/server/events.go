package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/jsontext"
	"github.com/leadscore/leadscore/store"
)

// wireEvent is one event of POST /events: the wire-format Event and the lead it is for.
type wireEvent struct {
	LeadID string `json:"lead_id"`
	leadscore.Event
}

// eventsAnswer is POST /events' 202: how many events were observed, and how many were
// skipped as already processed (a redelivery) or repeated within the batch.
type eventsAnswer struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
}

// badEvent is a refused batch: the index of the event at fault (-1: the body as a whole) and why.
type badEvent struct {
	index int
	err   error
}

func (e *badEvent) Error() string { return e.err.Error() }

// postEvents takes one event or a JSON array of them: POST /events. The batch is all or
// nothing as far as the client's mistakes go: every event is decoded and checked
// (Scorer.CheckEvent) before any is applied, and a bad one answers 400 with its index. Then
// the events are grouped by lead, in their order within each lead, and applied lead by lead
// (a few leads at once), each lead in one transaction; a store failure answers 503, and since
// a retried batch's applied events count as duplicates, the client simply sends it again.
func (s *Server) postEvents(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() { s.metrics.eventsLatency.observe(time.Since(start)) }()

	data, ok := readBody(w, r, s.opts.MaxBodyBytes)
	if !ok {
		s.metrics.eventsRejected.Add(1)
		return
	}
	events, err := s.decodeEvents(data)
	if err != nil {
		var bad *badEvent
		if !errors.As(err, &bad) {
			bad = &badEvent{index: -1, err: err}
		}
		s.metrics.eventsRejected.Add(int64(max(len(events), 1)))
		body := errorBody{Error: bad.err.Error()}
		if bad.index >= 0 {
			body.Index = &bad.index
		}
		writeJSON(w, http.StatusBadRequest, body)
		return
	}

	leads, byLead := groupByLead(events)
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	answer, failedLead, err := s.applyAll(ctx, leads, byLead)
	if err != nil {
		if !errors.Is(err, store.ErrConflict) && ctx.Err() == nil {
			s.opts.Logger.Error("applying events", "lead", failedLead, "err", err)
		}
		code, msg := storeFailure(err)
		advice := "send the batch again (applied events count as duplicates)"
		if code == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		} else {
			advice = "send the other leads' events again without this lead's (applied events count as duplicates)"
		}
		writeError(w, code, fmt.Sprintf(
			"applying the events of lead %q: %s; other leads of the batch may have been applied: %s", failedLead, msg, advice))
		return
	}
	writeJSON(w, http.StatusAccepted, answer)
}

// leadWorkers is how many leads of one batch are applied at once. Each lead is its own
// transaction (a commit, an fsync): a batch spread over many leads would otherwise wait for
// them one after the other. Each lead's events stay in order, in one Apply.
const leadWorkers = 4

// applyAll applies each lead's events, up to leadWorkers leads at once, and sums what was
// done. On failure it returns the first failed lead and its error; the other leads' Applies
// run to their end (each is all or nothing).
func (s *Server) applyAll(ctx context.Context, leads []string, byLead map[string][]leadscore.Event) (eventsAnswer, string, error) {
	var (
		mu         sync.Mutex
		answer     eventsAnswer
		failedLead string
		firstErr   error
		wg         sync.WaitGroup
	)
	work := make(chan string)
	for range min(leadWorkers, len(leads)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				a, err := s.proc.Apply(ctx, id, byLead[id])
				s.metrics.applied(a)
				mu.Lock()
				answer.Accepted += a.Accepted
				answer.Duplicates += a.Duplicates
				if err != nil && firstErr == nil {
					failedLead, firstErr = id, err
				}
				mu.Unlock()
			}
		}()
	}
	for _, id := range leads {
		work <- id
	}
	close(work)
	wg.Wait()
	return answer, failedLead, firstErr
}

// decodeEvents decodes the body (one event object, or an array of at most MaxBatch) and
// checks every event. On error it returns the events decoded so far, and a *badEvent when one
// event is at fault.
func (s *Server) decodeEvents(data []byte) ([]wireEvent, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errors.New("empty body: send an event object or an array of events")
	}
	var events []wireEvent
	if trimmed[0] != '[' {
		var ev wireEvent
		if err := decodeStrict(trimmed, &ev); err != nil {
			return nil, &badEvent{index: 0, err: fmt.Errorf("event: %w", err)}
		}
		if !jsontext.Valid(trimmed) {
			return nil, &badEvent{index: 0, err: errNotUTF8("event")}
		}
		events = append(events, ev)
	} else {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		dec.Token() // the '[' seen above
		for dec.More() {
			i := len(events)
			if i == s.opts.MaxBatch {
				return events, fmt.Errorf("more than %d events in one request: split the batch", s.opts.MaxBatch)
			}
			var ev wireEvent
			before := dec.InputOffset()
			if err := dec.Decode(&ev); err != nil {
				if len(bytes.Trim(trimmed[before:], " \t\r\n,")) == 0 {
					// Nothing but the end of the body where an event or ']' should be: Go 1.26's
					// decoder says so through More, 1.27's through Decode.
					return events, fmt.Errorf("malformed array of events after event %d: it ends without ']'", len(events)-1)
				}
				return events, &badEvent{index: i, err: fmt.Errorf("event %d: %w", i, jsonError(err))}
			}
			if !jsontext.Valid(trimmed[before:dec.InputOffset()]) {
				return events, &badEvent{index: i, err: errNotUTF8(fmt.Sprintf("event %d", i))}
			}
			events = append(events, ev)
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
			return events, fmt.Errorf("malformed array of events after event %d", len(events)-1)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return events, errors.New("unexpected data after the array of events")
		}
	}
	latest := s.opts.Now().Add(s.opts.MaxFutureSkew)
	for i, ev := range events {
		if err := checkLeadID(ev.LeadID); err != nil {
			return events, &badEvent{index: i, err: fmt.Errorf("event %d: lead_id: %w", i, err)}
		}
		if err := s.scorer.CheckEvent(ev.Event); err != nil {
			return events, &badEvent{index: i, err: fmt.Errorf("event %d: %w", i, err)}
		}
		// An event from the future would move the lead's clock there for good: every later
		// event would be scored at that time (scores never move back), decayed to nothing.
		if ev.Time.After(latest) {
			return events, &badEvent{index: i, err: fmt.Errorf("event %d: time %s is more than %s after the service's clock (%s): it has not happened yet (a wrong year or time zone?)",
				i, ev.Time.Format(time.RFC3339), s.opts.MaxFutureSkew, s.opts.Now().UTC().Format(time.RFC3339))}
		}
	}
	return events, nil
}

// errNotUTF8 refuses a JSON text that is not UTF-8 (RFC 8259 §8.1), or whose strings escape
// half a surrogate pair (§8.2: "\ud800"). encoding/json would read each invalid byte, and each
// such escape, as U+FFFD, so that distinct IDs ("\xff1", "\xfe1") became one: an event
// dropped as a duplicate of another, or two leads' events merged into one lead.
func errNotUTF8(what string) error {
	return fmt.Errorf("%s: not valid UTF-8 (a JSON text must be UTF-8, and a \\u escape of half a surrogate pair must be followed by the other half)", what)
}

// groupByLead splits events by lead: the leads in order of first appearance, and each lead's
// events in the batch's order.
func groupByLead(events []wireEvent) ([]string, map[string][]leadscore.Event) {
	var leads []string
	byLead := make(map[string][]leadscore.Event)
	for _, ev := range events {
		if _, seen := byLead[ev.LeadID]; !seen {
			leads = append(leads, ev.LeadID)
		}
		byLead[ev.LeadID] = append(byLead[ev.LeadID], ev.Event)
	}
	return leads, byLead
}
