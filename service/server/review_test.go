package server

// A review of the service as a demanding user and an attacker would use it: the DESIGN.md
// contract point by point, hostile inputs, concurrency on one lead, a webhook that hangs or
// fails, and the two stores giving the same answers. Every test is bounded in time.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// reviewCtx is a context that ends the test's waiting after d.
func reviewCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// post sends body to the harness with a content type, bounded by ctx.
func (h *harness) post(ctx context.Context, path, contentType string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", h.http.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := h.http.Client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// Lead IDs in the path: escaped slashes and dots are an opaque ID (no file is named by it),
// invalid UTF-8 and control characters are refused, and the ID PUT stores is the one GET and
// the events find.
func TestReviewLeadIDsInPath(t *testing.T) {
	h := newHarness(t, "sqlite::memory:", Options{WakeInterval: time.Hour})
	for _, c := range []struct {
		path string
		id   string // "" : refused with 400
	}{
		{"/leads/..%2F..%2Fetc%2Fpasswd", "../../etc/passwd"},
		{"/leads/a%2Fb", "a/b"},
		{"/leads/%2E%2E", ".."},
		{"/leads/caf%C3%A9", "café"},
		{"/leads/%FF%FE", ""},
		{"/leads/a%00b", ""},
		{"/leads/a%0Ab", ""},
		{"/leads/a%1Bb", ""},
	} {
		code, body := h.do("PUT", c.path, `{"title":"CEO"}`)
		if c.id == "" {
			if code != http.StatusBadRequest || !json.Valid(body) {
				t.Errorf("PUT %s: %d %s, want a 400 JSON error", c.path, code, body)
			}
			if code, body := h.do("GET", c.path, nil); code != http.StatusBadRequest {
				t.Errorf("GET %s: %d %s, want 400", c.path, code, body)
			}
			continue
		}
		var lead leadscore.Lead
		if code != 200 || json.Unmarshal(body, &lead) != nil || lead.ID != c.id {
			t.Errorf("PUT %s: %d %s, want 200 with id %q", c.path, code, body, c.id)
			continue
		}
		ev := fmt.Sprintf(`{"lead_id":%q,"id":"e1","type":"page_view","path":"/pricing","time":"2026-03-02T09:00:00Z"}`, c.id)
		h.must(202, "POST", "/events", ev, nil)
		var ans leadAnswer
		h.must(200, "GET", c.path, nil, &ans)
		if ans.LeadID != c.id || ans.Engagement <= 0 || ans.Fit <= 0 {
			t.Errorf("GET %s: lead %q fit %v engagement %v; want the lead PUT and posted as %q", c.path, ans.LeadID, ans.Fit, ans.Engagement, c.id)
		}
	}
}

// JSON is UTF-8 (RFC 8259 §8.1), and the README says lead IDs are UTF-8. encoding/json turns
// every invalid byte of a string, and every escaped half of a surrogate pair ("\ud800", §8.2),
// into U+FFFD, so without a check of its own the service took "\xff1" and "\xfe1" (or
// "\ud800" and "\udbff") as one ID: two events with distinct IDs, one scored and the other
// counted as a duplicate, and two leads' events merged into one lead. Such a body is refused,
// naming the event, and nothing of the batch is applied.
func TestReviewInvalidUTF8Refused(t *testing.T) {
	h := newHarness(t, "sqlite::memory:", Options{WakeInterval: time.Hour})
	ctx := reviewCtx(t, 30*time.Second)
	good := `{"lead_id":"ann","id":"ok","type":"page_view","time":"2026-03-02T09:00:00Z"}`
	for _, c := range []struct {
		name  string
		body  string
		index int
	}{
		{"two event IDs read as one", `[{"lead_id":"ann","id":"` + "\xff" + `1","type":"page_view","time":"2026-03-02T09:00:00Z"},
			{"lead_id":"ann","id":"` + "\xfe" + `1","type":"page_view","time":"2026-03-02T09:01:00Z"}]`, 0},
		{"event ID", "[" + good + `,{"lead_id":"ann","id":"x` + "\xff" + `1","type":"page_view","time":"2026-03-02T09:01:00Z"}]`, 1},
		{"lead ID", `{"lead_id":"b` + "\xfe" + `b","type":"page_view","time":"2026-03-02T09:01:00Z"}`, 0},
		{"property", "[" + good + "," + good + `,{"lead_id":"ann","type":"page_view","time":"2026-03-02T09:01:00Z","properties":{"k":"` + "\xc3" + `"}}]`, 2},
		// Escapes of half a surrogate pair decode to U+FFFD as well (RFC 8259 §8.2).
		{"two escaped IDs read as one", `[{"lead_id":"ann","id":"\ud800","type":"page_view","time":"2026-03-02T09:00:00Z"},
			{"lead_id":"ann","id":"\udbff","type":"page_view","time":"2026-03-02T09:01:00Z"}]`, 0},
		{"a low half alone", "[" + good + `,{"lead_id":"ann","id":"a\udc00b","type":"page_view","time":"2026-03-02T09:01:00Z"}]`, 1},
		{"a high half before no low half", `{"lead_id":"ann","id":"a\ud83d\u0041","type":"page_view","time":"2026-03-02T09:01:00Z"}`, 0},
		{"a high half at the end of a string", `{"lead_id":"ann","id":"a\ud83d","type":"page_view","time":"2026-03-02T09:01:00Z"}`, 0},
	} {
		code, out, err := h.post(ctx, "/events", "application/json", []byte(c.body))
		if err != nil {
			t.Fatal(err)
		}
		var got errorBody
		if json.Unmarshal(out, &got) != nil || code != 400 || got.Index == nil || *got.Index != c.index || !strings.Contains(got.Error, "UTF-8") {
			t.Errorf("%s not UTF-8: %d %s; want 400 at index %d saying UTF-8", c.name, code, out, c.index)
		}
	}
	if code, body := h.do("GET", "/leads/ann", nil); code != 404 {
		t.Errorf("lead ann after refused batches: %d %s, want 404 (nothing applied)", code, body)
	}
	if code, body := h.do("PUT", "/leads/ann", "{\"title\":\"C\xffO\"}"); code != 400 || !strings.Contains(string(body), "UTF-8") {
		t.Errorf("PUT of a lead that is not UTF-8: %d %s, want 400", code, body)
	}
	if code, body := h.do("PUT", "/leads/ann", `{"title":"C\udc00O"}`); code != 400 || !strings.Contains(string(body), "UTF-8") {
		t.Errorf("PUT of a lead escaping half a surrogate pair: %d %s, want 400", code, body)
	}
	// A valid escaped U+FFFD is a character like any other, and so is a pair of halves; an
	// escaped backslash before "ud800" escapes no surrogate.
	var got eventsAnswer
	h.must(202, "POST", "/events", `[{"lead_id":"ann","id":"x\ufffd1","type":"page_view","time":"2026-03-02T09:01:00Z"},
		{"lead_id":"ann","id":"\ud83d\ude00","type":"page_view","time":"2026-03-02T09:02:00Z"},
		{"lead_id":"ann","id":"\uD83D\uDE01","type":"page_view","time":"2026-03-02T09:02:00Z"},
		{"lead_id":"ann","id":"\\ud800","type":"page_view","time":"2026-03-02T09:03:00Z"},
		{"lead_id":"ann","id":"\\\ud83d\ude00\"","type":"page_view","time":"2026-03-02T09:04:00Z"}]`, &got)
	if got != (eventsAnswer{Accepted: 5}) {
		t.Errorf("valid escapes: %+v, want 5 accepted", got)
	}
}

// Hostile bodies: deep nesting and odd shapes answer a JSON 400 quickly, never a panic, a
// hang or a 5xx, and without Go's type names ("Go value of type server.wireEvent"); the
// content type is not what decides (the body is JSON or refused).
func TestReviewHostileBodies(t *testing.T) {
	h := newHarness(t, "sqlite::memory:", Options{WakeInterval: time.Hour})
	ctx := reviewCtx(t, 60*time.Second)
	deepProps := `{"lead_id":"ann","type":"page_view","time":"2026-03-02T09:00:00Z","properties":{"a":` +
		strings.Repeat(`{"a":`, 300) + `1` + strings.Repeat(`}`, 300) + `}}`
	for _, c := range []struct {
		name, path, ctype, body string
		code                    int
	}{
		{"array nested 500k deep", "/events", "application/json", strings.Repeat("[", 500_000), 400},
		{"object nested 500k deep", "/events", "application/json", strings.Repeat(`{"a":`, 200_000), 400},
		{"properties 300 deep", "/events", "application/json", deepProps, 400},
		{"traits 20k deep", "/leads/ann", "application/json", `{"traits":` + strings.Repeat(`{"a":`, 20_000) + `1` + strings.Repeat(`}`, 20_000) + `}`, 400},
		{"form-encoded", "/events", "application/x-www-form-urlencoded", "lead_id=ann&type=page_view", 400},
		{"null", "/events", "application/json", "null", 400},
		{"array of null", "/events", "application/json", "[null]", 400},
		{"a number", "/events", "application/json", "42", 400},
		{"a string", "/events", "text/plain", `"event"`, 400},
		{"array in array", "/events", "application/json", `[[{"lead_id":"ann"}]]`, 400},
		{"lead as an array", "/leads/ann", "application/json", `[{"title":"CEO"}]`, 400},
		{"NUL bytes", "/events", "application/json", "\x00\x00\x00", 400},
		{"empty array", "/events", "application/json", "[]", 202},
	} {
		method := "POST"
		if strings.HasPrefix(c.path, "/leads/") {
			method = "PUT"
		}
		start := time.Now()
		req, _ := http.NewRequestWithContext(ctx, method, h.http.URL+c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.ctype)
		resp, err := h.http.Client().Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code || !json.Valid(out) || strings.Contains(string(out), "Go value") || strings.Contains(string(out), "server.") {
			t.Errorf("%s: %d %.200s, want %d with a JSON body", c.name, resp.StatusCode, out, c.code)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: answered after %s", c.name, d)
		}
	}
	if code, body := h.do("GET", "/leads/ann", nil); code != 404 {
		t.Errorf("lead ann after refused bodies: %d %s, want 404", code, body)
	}
}

// Event times at the edges: the library's range is [1900, 2200) and the service refuses
// anything more than MaxFutureSkew past its clock; an event far in the past is late, not
// refused, and does not move the lead's Result back in time.
func TestReviewEventTimeEdges(t *testing.T) {
	now := t0.Add(2 * time.Hour)
	clock := newClock(now)
	h := newHarness(t, "sqlite::memory:", Options{WakeInterval: time.Hour, Now: clock.now, MaxFutureSkew: time.Hour})
	h.must(200, "PUT", "/leads/ann", hotLead("ann"), nil)
	at := func(id string, tm time.Time) string {
		return fmt.Sprintf(`{"lead_id":"ann","id":%q,"type":"page_view","path":"/pricing","time":%q}`, id, tm.Format(time.RFC3339Nano))
	}
	for _, c := range []struct {
		id   string
		tm   time.Time
		code int
	}{
		{"before-1900", time.Date(1899, 12, 31, 23, 59, 59, 0, time.UTC), 400},
		{"far-future", time.Date(2199, 1, 1, 0, 0, 0, 0, time.UTC), 400},
		{"skew+1ns", now.Add(time.Hour + 1), 400},
		{"at-skew", now.Add(time.Hour), 202},
		{"year-1900", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), 202},
		{"other-zone", now.In(time.FixedZone("x", 14*3600)).Add(-time.Minute), 202},
	} {
		code, body := h.do("POST", "/events", at(c.id, c.tm))
		if code != c.code {
			t.Errorf("event %s at %s: %d %s, want %d", c.id, c.tm, code, body, c.code)
		}
	}
	var ans leadAnswer
	h.must(200, "GET", "/leads/ann", nil, &ans)
	if !ans.At.Equal(now.Add(time.Hour)) {
		t.Errorf("GET after an event at the skew's edge: evaluated at %s, want the State's clock %s", ans.At, now.Add(time.Hour))
	}
	st, _ := loadState(t, h.store, "ann")
	if st.Events() != 3 {
		t.Errorf("State holds %d events, want the 3 accepted", st.Events())
	}
}

// Event IDs are per lead: one ID on two leads is two events; one ID sent again in a later
// batch with other content is the same event (the first one wins), and so is an ID-less event
// sent again byte for byte, while an ID-less event that differs is another event.
func TestReviewDuplicatesAcrossBatches(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn, Options{WakeInterval: time.Hour})
		var got eventsAnswer
		h.must(202, "POST", "/events", `[{"lead_id":"a","id":"e1","type":"page_view","time":"2026-03-02T09:00:00Z"},
			{"lead_id":"b","id":"e1","type":"page_view","time":"2026-03-02T09:00:00Z"}]`, &got)
		if got != (eventsAnswer{Accepted: 2}) {
			t.Errorf("one ID on two leads: %+v, want 2 accepted", got)
		}
		h.must(202, "POST", "/events", `{"lead_id":"a","id":"e1","type":"demo_request","time":"2026-03-02T10:00:00Z"}`, &got)
		if got != (eventsAnswer{Duplicates: 1}) {
			t.Errorf("an ID sent again with other content: %+v, want a duplicate", got)
		}
		noID := `{"lead_id":"a","type":"page_view","path":"/pricing","time":"2026-03-02T09:30:00Z"}`
		h.must(202, "POST", "/events", noID, &got)
		h.must(202, "POST", "/events", "["+noID+","+noID+"]", &got)
		if got != (eventsAnswer{Duplicates: 2}) {
			t.Errorf("an ID-less event sent again: %+v, want 2 duplicates", got)
		}
		h.must(202, "POST", "/events", strings.Replace(noID, "09:30:00Z", "09:30:00.000000001Z", 1), &got)
		if got != (eventsAnswer{Accepted: 1}) {
			t.Errorf("an ID-less event a nanosecond later: %+v, want accepted", got)
		}
		st, _ := loadState(t, h.store, "a")
		if st.Events() != 3 {
			t.Errorf("lead a holds %d events, want 3", st.Events())
		}
	})
}

// Many clients posting to one lead at once: no update is lost and no event is scored twice.
// Distinct events from every client all land; the same batch from every client lands once.
// A client that gets 503 (the lead busy) sends again, as the README says.
func TestReviewConcurrentPostsOneLead(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn, Options{WakeInterval: time.Hour})
		ctx := reviewCtx(t, 90*time.Second)
		h.must(200, "PUT", "/leads/hot", hotLead("hot"), nil)
		const clients = 16
		shared := mustJSON(t, journey("hot", t0, 8))
		var accepted, duplicates, retries atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, 2*clients)
		send := func(body []byte) {
			defer wg.Done()
			for {
				code, out, err := h.post(ctx, "/events", "application/json", body)
				if err != nil {
					errs <- err
					return
				}
				if code == http.StatusServiceUnavailable {
					retries.Add(1)
					continue
				}
				var a eventsAnswer
				if code != http.StatusAccepted || json.Unmarshal(out, &a) != nil {
					errs <- fmt.Errorf("%d %s", code, out)
					return
				}
				accepted.Add(int64(a.Accepted))
				duplicates.Add(int64(a.Duplicates))
				return
			}
		}
		for i := range clients {
			own := fmt.Sprintf(`[{"lead_id":"hot","id":"own-%d","type":"page_view","path":"/docs","time":%q},
				{"lead_id":"hot","id":"own-%d-b","type":"email_click","channel":"email","time":%q}]`,
				i, t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i, t0.Add(time.Duration(i)*time.Second+time.Millisecond).Format(time.RFC3339Nano))
			wg.Add(2)
			go send([]byte(own))
			go send([]byte(shared))
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if accepted.Load() != 2*clients+8 || duplicates.Load() != 8*(clients-1) {
			t.Errorf("accepted %d, duplicates %d; want %d and %d", accepted.Load(), duplicates.Load(), 2*clients+8, 8*(clients-1))
		}
		st, rec := loadState(t, h.store, "hot")
		if st.Events() != 2*clients+8 {
			t.Errorf("the State holds %d events, want %d (a lost update or an event twice)", st.Events(), 2*clients+8)
		}
		// Every accepted request saved one version (a request whose events were all duplicates
		// saves none); the version counts Saves, so it can be no more than the requests.
		if rec.Version < 1 || rec.Version > 2*clients {
			t.Errorf("version %d after %d requests", rec.Version, 2*clients)
		}
		// Each transition queued once.
		seen := map[string]bool{}
		for _, m := range pending(t, h.store) {
			if seen[m.Key] {
				t.Errorf("message %s queued twice", m.Key)
			}
			seen[m.Key] = true
		}
		t.Logf("%d 503 retries", retries.Load())
	})
}

// SQLite and PostgreSQL answer the same: the same requests, serially, give byte-identical
// GET answers and the same outbox (keys, kinds and payloads).
func TestReviewStoresAgree(t *testing.T) {
	type outcome struct {
		answers []string
		outbox  []string
	}
	run := func(t *testing.T, dsn string) outcome {
		clock := newClock(t0.Add(3 * time.Hour))
		h := newHarness(t, dsn, Options{WakeInterval: time.Hour, Now: clock.now})
		var o outcome
		for i, id := range []string{"ada", "bob", "../x", "ünï"} {
			if i%2 == 0 {
				h.must(200, "PUT", "/leads/"+strings.ReplaceAll(id, "/", "%2F"), hotLead(id), nil)
			}
			evs := journey(id, t0.Add(time.Duration(i)*time.Minute), 8+i)
			// in two batches, the second one repeating the first's last event, and one ID-less
			evs[3].ID = ""
			_, b1 := h.do("POST", "/events", evs[:5])
			_, b2 := h.do("POST", "/events", evs[4:])
			_, g := h.do("GET", "/leads/"+strings.ReplaceAll(id, "/", "%2F"), nil)
			o.answers = append(o.answers, string(b1), string(b2), string(g))
		}
		for _, m := range pending(t, h.store) {
			o.outbox = append(o.outbox, m.Key+" "+m.Kind+" "+m.LeadID+" "+m.Created.String()+" "+string(m.Payload))
		}
		return o
	}
	var got [2]outcome
	for i, b := range backends {
		t.Run(b.name, func(t *testing.T) { got[i] = run(t, b.dsn(t)) })
	}
	if len(got[0].outbox) == 0 {
		t.Fatal("no outbox messages: the comparison proves nothing")
	}
	if a, b := strings.Join(got[0].answers, "\n"), strings.Join(got[1].answers, "\n"); a != b {
		t.Errorf("answers differ:\nsqlite:\n%s\npostgres:\n%s", a, b)
	}
	if a, b := strings.Join(got[0].outbox, "\n"), strings.Join(got[1].outbox, "\n"); a != b {
		t.Errorf("outboxes differ:\nsqlite:\n%s\npostgres:\n%s", a, b)
	}
}

// A webhook that hangs: each POST is cut at PostTimeout, the failure is recorded (attempts,
// backoff), one tick of the relay is bounded, and once the receiver answers again each
// message is delivered, once per key.
func TestReviewRelayHangingWebhook(t *testing.T) {
	var hang atomic.Bool
	hang.Store(true)
	release := make(chan struct{})
	var mu sync.Mutex
	delivered := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		if hang.Load() {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		mu.Lock()
		delivered[r.Header.Get("Idempotency-Key")]++
		mu.Unlock()
	}))
	defer hook.Close()
	defer close(release)
	h := newHarness(t, "sqlite::memory:", Options{Webhook: hook.URL, WakeInterval: time.Hour,
		PostTimeout: 100 * time.Millisecond, RelayBatch: 4, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond})
	h.must(200, "PUT", "/leads/ann", hotLead("ann"), nil)
	h.must(202, "POST", "/events", journey("ann", t0, 8), nil)
	msgs := pending(t, h.store)
	if len(msgs) < 2 {
		t.Fatalf("setup: %d messages", len(msgs))
	}
	r := &relay{s: h.srv, retry: map[int64]time.Time{}}
	start := time.Now()
	r.tick(reviewCtx(t, 30*time.Second))
	if d := time.Since(start); d > 4*time.Second { // at most RelayBatch POSTs of 100 ms
		t.Errorf("one tick against a hanging webhook took %s", d)
	}
	failed := 0
	for _, m := range pending(t, h.store) {
		if m.Attempts > 0 {
			failed++
			if !strings.Contains(m.LastErr, "deadline") && !strings.Contains(m.LastErr, "Timeout") && !strings.Contains(m.LastErr, "timeout") {
				t.Errorf("message %d: last error %q does not say it timed out", m.ID, m.LastErr)
			}
		}
	}
	if failed == 0 || failed > 4 {
		t.Errorf("%d messages with a failed attempt after one tick, want 1 to RelayBatch (4)", failed)
	}
	hang.Store(false)
	ctx := reviewCtx(t, 30*time.Second)
	for len(pending(t, h.store)) > 0 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond) // past the backoff
		r.tick(ctx)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(delivered) != len(msgs) {
		t.Errorf("%d of %d messages delivered after the webhook came back", len(delivered), len(msgs))
	}
	for k, n := range delivered {
		if n != 1 {
			t.Errorf("message %s delivered %d times", k, n)
		}
	}
}

// A webhook answering 500 for a while: every failure is recorded (attempts, last error, the
// failed counter), nothing is marked delivered, and after it recovers each message arrives.
// The retry delay is bounded by BackoffMax however many attempts failed.
func TestReviewRelayWebhook500(t *testing.T) {
	rcv := newReceiver(t)
	rcv.failNext = 1 << 30
	h := newHarness(t, "sqlite::memory:", Options{Webhook: rcv.srv.URL, WakeInterval: time.Hour,
		BackoffBase: time.Millisecond, BackoffMax: 3 * time.Millisecond})
	h.must(200, "PUT", "/leads/ann", hotLead("ann"), nil)
	h.must(202, "POST", "/events", journey("ann", t0, 8), nil)
	n := len(pending(t, h.store))
	r := &relay{s: h.srv, retry: map[int64]time.Time{}}
	ctx := reviewCtx(t, 30*time.Second)
	for range 5 {
		r.tick(ctx)
		time.Sleep(5 * time.Millisecond)
	}
	for _, m := range pending(t, h.store) {
		if m.Attempts != 5 || !strings.Contains(m.LastErr, "500") {
			t.Errorf("message %d after 5 refused ticks: attempts %d, last error %q", m.ID, m.Attempts, m.LastErr)
		}
	}
	if got := h.srv.metrics.failed.get(pending(t, h.store)[0].Kind); got == 0 {
		t.Error("no failed delivery counted")
	}
	for a := 1; a < 40; a++ {
		if d := r.backoff(a); d <= 0 || d > 3*time.Millisecond {
			t.Errorf("backoff after %d failures: %s, want in (0, BackoffMax]", a, d)
		}
	}
	rcv.mu.Lock()
	rcv.failNext = 0
	rcv.mu.Unlock()
	for len(pending(t, h.store)) > 0 && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
		r.tick(ctx)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.byKey) != n || len(rcv.bad) != 0 {
		t.Errorf("delivered %d distinct keys of %d; bad requests: %v", len(rcv.byKey), n, rcv.bad)
	}
}

// A webhook hanging mid-POST must not hold up a shutdown: Serve returns promptly after its
// context ends (the relay's POST is cancelled), not after PostTimeout.
func TestReviewShutdownWithHangingWebhook(t *testing.T) {
	inPost := make(chan struct{}, 1)
	release := make(chan struct{})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case inPost <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hook.Close()
	defer close(release)
	h := newHarness(t, "sqlite::memory:", Options{Webhook: hook.URL, WakeInterval: time.Hour,
		RelayInterval: 10 * time.Millisecond, PostTimeout: time.Minute})
	h.must(200, "PUT", "/leads/ann", hotLead("ann"), nil)
	h.must(202, "POST", "/events", journey("ann", t0, 8), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- h.srv.Serve(ctx, ln) }()
	select {
	case <-inPost:
	case <-time.After(10 * time.Second):
		t.Fatal("the relay never posted")
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve still running 5 s after its context ended, held by a hanging webhook")
	}
	if msgs := pending(t, h.store); len(msgs) == 0 {
		t.Error("a message was marked delivered though its POST never answered")
	} else if msgs[0].Attempts != 0 {
		t.Errorf("shutting down was recorded as a failed delivery: attempts %d, %q", msgs[0].Attempts, msgs[0].LastErr)
	}
}

// Routes and methods outside the contract are refused, and the contract's answers carry JSON.
func TestReviewRoutesAndMethods(t *testing.T) {
	h := newHarness(t, "sqlite::memory:", Options{WakeInterval: time.Hour})
	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"DELETE", "/leads/ann", http.StatusMethodNotAllowed},
		{"POST", "/leads/ann", http.StatusMethodNotAllowed},
		{"GET", "/events", http.StatusMethodNotAllowed},
		{"PUT", "/events", http.StatusMethodNotAllowed},
		{"GET", "/leads/", http.StatusNotFound},
		{"GET", "/leads/ann/extra", http.StatusNotFound},
		{"POST", "/healthz", http.StatusMethodNotAllowed},
	} {
		if code, body := h.do(c.method, c.path, nil); code != c.code {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, code, body, c.code)
		}
	}
	ctx := reviewCtx(t, 10*time.Second)
	req, _ := http.NewRequestWithContext(ctx, "GET", h.http.URL+"/metrics", nil)
	resp, err := h.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || !strings.Contains(string(body), "leadscore_events_accepted_total 0") {
		t.Errorf("GET /metrics: %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// A refused request body never reaches the store: a 413 in the middle of a batch, a batch of
// MaxBatch+1, all leave every lead untouched; exactly MaxBatch is taken.
func TestReviewBatchLimitsEdge(t *testing.T) {
	h := newHarness(t, "sqlite::memory:", Options{WakeInterval: time.Hour, MaxBatch: 5})
	var got eventsAnswer
	evs := journey("zed", t0, 6)
	if code, body := h.do("POST", "/events", evs); code != 400 {
		t.Errorf("a batch of 6 with MaxBatch 5: %d %s", code, body)
	}
	h.must(202, "POST", "/events", evs[:5], &got)
	if got != (eventsAnswer{Accepted: 5}) {
		t.Errorf("a batch of exactly MaxBatch: %+v", got)
	}
}

// A mistyped -webhook (no scheme, or another one) is refused at start; the error, which goes
// to the log, must not carry the URL's path or query, where webhooks keep their secret (the
// relay hides them in its errors for the same reason).
func TestReviewBadWebhookHidesSecret(t *testing.T) {
	for _, hook := range []string{
		"hooks.example.com/services/T0/s3cretpath",
		"ftp://hooks.example.com/services/T0/s3cretpath?token=s3cretquery",
		"https//hooks.example.com/s3cretpath",
	} {
		_, err := New(Options{Store: openStore(t, "sqlite::memory:"), Config: leadscore.DefaultB2B(), Webhook: hook})
		if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "http://") {
			t.Errorf("New with -webhook %q: %v; want a refusal without the secret", hook, err)
		}
	}
}

// The command's flags as DESIGN.md gives them: -addr defaults to 127.0.0.1:8080 and -store to
// sqlite:leadscore.db; a bad flag or a stray argument is a usage error (2), a bad store or
// rule file a failure (1) before anything listens.
func TestReviewCommandFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := leadscored(t)
	run := func(args ...string) (int, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return 0, string(out)
		case errors.As(err, &exit):
			return exit.ExitCode(), string(out)
		}
		t.Fatalf("leadscored %q: %v", args, err)
		return 0, ""
	}
	code, out := run("-h")
	for _, want := range []string{`-addr address`, `(default "127.0.0.1:8080")`, `-store`, `(default "sqlite:leadscore.db")`, `-rules file`, `-webhook URL`} {
		if !strings.Contains(out, want) {
			t.Errorf("leadscored -h lacks %q:\n%s", want, out)
		}
	}
	if code != 2 {
		t.Errorf("leadscored -h: exit %d", code)
	}
	for _, c := range []struct {
		args []string
		code int
		say  string
	}{
		{[]string{"-bogus"}, 2, "flag provided but not defined"},
		{[]string{"stray"}, 2, "unexpected arguments"},
		{[]string{"-store", "mysql://u:s3cret@db/x"}, 1, "write sqlite:PATH or a postgres:// URL"},
		{[]string{"-store", "sqlite:"}, 1, "no file"},
		{[]string{"-rules", "/nonexistent/rules.yaml"}, 1, "rules"},
		{[]string{"-webhook", "hooks.example.com/T0/s3cret"}, 1, "http://"},
	} {
		code, out := run(append([]string{"-addr", "127.0.0.1:0"}, c.args...)...)
		if code != c.code || !strings.Contains(out, c.say) || strings.Contains(out, "s3cret") || strings.Contains(out, "msg=listening") {
			t.Errorf("leadscored %q: exit %d\n%s\nwant exit %d saying %q, no secret, not listening", c.args, code, out, c.code, c.say)
		}
	}
}

// The command end to end on PostgreSQL (a postgres:// -store), with a YAML -rules file and a
// -webhook: an event that makes the lead hot reaches the webhook as a hand-off, once, and GET
// answers the Result by those rules with its explanation.
func TestReviewCommandYAMLPostgresWebhook(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	rules := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(rules, []byte(`# a rule set of one rule
name: review-yaml
events:
  - id: demo
    on: [demo_request]
    points: 50
    half_life: 1d
    max: 50
    reason: requested a demo
tiers:
  - {name: hot, min: 40, handoff: true}
  - name: cold
hysteresis: 5
`), 0o644); err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t)
	c := startChild(t, "-rules", rules, "-store", postgresDSN(t), "-webhook", rcv.srv.URL+"/hook", "-relay-interval", "20ms")
	base := "http://" + c.addr
	ctx := reviewCtx(t, 60*time.Second)
	do := func(method, path, body string) (int, string) {
		req, _ := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	now := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	if code, out := do("PUT", "/leads/ann", `{"title":"CTO"}`); code != 200 {
		t.Fatalf("PUT: %d %s", code, out)
	}
	batch := `[{"lead_id":"ann","id":"d1","type":"demo_request","time":"` + now + `"}]`
	for i, want := range []string{`{"accepted":1,"duplicates":0}`, `{"accepted":0,"duplicates":1}`} {
		if code, out := do("POST", "/events", batch); code != 202 || strings.TrimSpace(out) != want {
			t.Errorf("POST %d: %d %s, want 202 %s", i, code, out, want)
		}
	}
	code, out := do("GET", "/leads/ann", "")
	var ans leadAnswer
	if code != 200 || json.Unmarshal([]byte(out), &ans) != nil || ans.Tier != "hot" || !ans.Handoff ||
		!strings.Contains(ans.Explanation, "requested a demo") || len(ans.Contributions) == 0 || ans.Contributions[0].RuleID != "demo" {
		t.Errorf("GET: %d %s; want the lead hot by the YAML rule, explained", code, out)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		rcv.mu.Lock()
		n := len(rcv.byKey)
		kinds := fmt.Sprint(rcv.kinds)
		rcv.mu.Unlock()
		if n > 0 && strings.Contains(kinds, "handoff") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no hand-off reached the webhook within 20 s (kinds %s)\n%s", kinds, c.logText())
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.stop()
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	for k, n := range rcv.byKey {
		if n != 1 {
			t.Errorf("message %s posted %d times", k, n)
		}
	}
	if len(rcv.bad) > 0 {
		t.Errorf("bad webhook requests: %q", rcv.bad)
	}
}

// -store takes both URL schemes PostgreSQL's clients take, and sqlite: with or without "//".
func TestReviewOpenStoreSchemes(t *testing.T) {
	ctx := reviewCtx(t, 30*time.Second)
	pg := postgresDSN(t)
	dir := t.TempDir()
	for _, dsn := range []string{
		strings.Replace(pg, "postgres://", "postgresql://", 1),
		pg,
		"sqlite:" + filepath.Join(dir, "a.db"),
		"sqlite://" + filepath.Join(dir, "b.db"),
	} {
		st, err := OpenStore(ctx, dsn)
		if err != nil {
			t.Errorf("OpenStore(%s): %v", RedactDSN(dsn), err)
			continue
		}
		if _, err := st.Pending(ctx, 1); err != nil {
			t.Errorf("%s: %v", RedactDSN(dsn), err)
		}
		st.Close()
	}
	for _, name := range []string{"a.db", "b.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("the SQLite file %s was not created where the DSN says: %v", name, err)
		}
	}
}
