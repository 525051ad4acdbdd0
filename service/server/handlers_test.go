package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// The routes, one after the other, as a client uses them.
func TestRoutes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		clock := newClock(t0.Add(time.Hour))
		h := newHarness(t, dsn, Options{Now: clock.now})

		code, body := h.do("GET", "/leads/ada", nil)
		if code != http.StatusNotFound || !strings.Contains(string(body), `lead \"ada\" not found`) {
			t.Fatalf("GET of an unknown lead: %d %s, want 404 naming the lead", code, body)
		}
		var health map[string]string
		h.must(200, "GET", "/healthz", nil, &health)
		if health["status"] != "ok" {
			t.Errorf("healthz: %v", health)
		}

		var stored leadscore.Lead
		h.must(200, "PUT", "/leads/ada", hotLead("ada"), &stored)
		if stored.ID != "ada" || stored.Company.Employees != 5000 {
			t.Errorf("PUT answered %+v", stored)
		}
		// A lead known by its attributes alone is found: fit only, nothing observed yet.
		var ans leadAnswer
		h.must(200, "GET", "/leads/ada", nil, &ans)
		if ans.Fit <= 0 || ans.Engagement != 0 || ans.LeadID != "ada" {
			t.Errorf("lead without events: %+v", ans.Result)
		}

		// One event alone, then an array.
		events := journey("ada", t0, 8)
		var got eventsAnswer
		h.must(202, "POST", "/events", events[0], &got)
		if got != (eventsAnswer{Accepted: 1}) {
			t.Errorf("one event: %+v", got)
		}
		h.must(202, "POST", "/events", events[1:], &got)
		if got != (eventsAnswer{Accepted: 7}) {
			t.Errorf("seven events: %+v", got)
		}

		h.must(200, "GET", "/leads/ada", nil, &ans)
		st, want, _ := replay(t, h.srv.Scorer(), hotLead("ada"), events)
		wantNow, err := h.srv.Scorer().Score(hotLead("ada"), st, clock.now())
		if err != nil {
			t.Fatal(err)
		}
		if ans.Total != wantNow.Total || ans.Tier != wantNow.Tier || ans.Stage != wantNow.Stage || !ans.At.Equal(clock.now()) {
			t.Errorf("GET: total %v tier %s stage %s at %s; the replay at the clock: %v %s %s",
				ans.Total, ans.Tier, ans.Stage, ans.At, wantNow.Total, wantNow.Tier, wantNow.Stage)
		}
		if !want.Handoff || ans.Tier != "hot" {
			t.Errorf("the journey should end in the hand-off tier: replay %s, service %s", want.Tier, ans.Tier)
		}
		if ans.Explanation != wantNow.Explain() || !strings.HasPrefix(ans.Explanation, "Total ") {
			t.Errorf("explanation:\n%s\nwant:\n%s", ans.Explanation, wantNow.Explain())
		}
		// The wire format: snake_case keys as the library writes them.
		_, raw := h.do("GET", "/leads/ada", nil)
		for _, key := range []string{`"fit":`, `"total":`, `"tier":"hot"`, `"handoff":true`, `"contributions":`, `"explanation":`} {
			if !strings.Contains(string(raw), key) {
				t.Errorf("GET /leads/ada lacks %s: %s", key, raw)
			}
		}

		// Redelivery: the whole batch again, and a batch repeating an event within itself.
		h.must(202, "POST", "/events", events, &got)
		if got != (eventsAnswer{Duplicates: 8}) {
			t.Errorf("redelivered batch: %+v, want 8 duplicates", got)
		}
		again := journey("bob", t0, 2)
		h.must(202, "POST", "/events", []ev{again[0], again[1], again[0]}, &got)
		if got != (eventsAnswer{Accepted: 2, Duplicates: 1}) {
			t.Errorf("a batch repeating an event: %+v", got)
		}
		stNow, _ := loadState(t, h.store, "ada")
		if stNow.Events() != 8 {
			t.Errorf("lead ada's State holds %d events, want 8", stNow.Events())
		}

		// Every transition of the journey is in the outbox (no webhook here), the hand-off
		// with its own kind.
		_, _, keys := replay(t, h.srv.Scorer(), hotLead("ada"), events)
		inOutbox := map[string]string{}
		for _, m := range pending(t, h.store) {
			if m.LeadID == "ada" {
				if _, dup := inOutbox[transitionPart(m.Key)]; dup {
					t.Errorf("one transition queued twice: %s", m.Key)
				}
				inOutbox[transitionPart(m.Key)] = m.Kind
			}
		}
		if fmt.Sprint(inOutbox) != fmt.Sprint(keys) {
			t.Errorf("outbox of lead ada:\n%v\nwant:\n%v", inOutbox, keys)
		}
		if !containsValue(inOutbox, "handoff") {
			t.Errorf("no hand-off in the outbox: %v", inOutbox)
		}
	})
}

func containsValue(m map[string]string, v string) bool {
	for _, x := range m {
		if x == v {
			return true
		}
	}
	return false
}

// A bad event anywhere in a batch refuses the whole batch, naming its index; nothing of it is
// applied, so sending the batch again once fixed applies every event.
func TestBatchAllOrNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn, Options{})
		good := append(journey("carl", t0, 3), journey("dora", t0, 3)...)
		cases := []struct {
			name   string
			body   string
			index  int
			reason string
		}{
			{"time out of range", batchWith(t, good, 4, `{"lead_id":"dora","type":"page_view","time":"2300-01-01T00:00:00Z"}`), 4, "outside"},
			{"no time", batchWith(t, good, 2, `{"lead_id":"carl","type":"page_view"}`), 2, "zero time"},
			{"no type", batchWith(t, good, 5, `{"lead_id":"dora","time":"2026-03-02T09:00:00Z"}`), 5, "type"},
			{"no lead", batchWith(t, good, 1, `{"type":"page_view","time":"2026-03-02T09:00:00Z"}`), 1, "lead_id"},
			{"unknown field", batchWith(t, good, 3, `{"lead_id":"dora","type":"page_view","time":"2026-03-02T09:00:00Z","tpye":"x"}`), 3, `unknown field "tpye"`},
			{"wrong type", batchWith(t, good, 0, `{"lead_id":"carl","type":"page_view","time":"2026-03-02T09:00:00Z","value":"ten"}`), 0, `"value"`},
			{"bad time", batchWith(t, good, 6, `{"lead_id":"carl","type":"page_view","time":"yesterday"}`), 6, "time"},
		}
		for _, c := range cases {
			code, body := h.do("POST", "/events", c.body)
			var got struct {
				Error string `json:"error"`
				Index *int   `json:"index"`
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("%s: %d %s: %v", c.name, code, body, err)
			}
			if code != http.StatusBadRequest || got.Index == nil || *got.Index != c.index || !strings.Contains(got.Error, c.reason) {
				t.Errorf("%s: %d %s, want 400 at index %d saying %q", c.name, code, body, c.index, c.reason)
			}
		}
		// Nothing applied: neither lead exists, and the good batch is taken whole, not as
		// duplicates.
		for _, id := range []string{"carl", "dora"} {
			if code, body := h.do("GET", "/leads/"+id, nil); code != http.StatusNotFound {
				t.Errorf("lead %s after refused batches: %d %s, want 404", id, code, body)
			}
			if _, rec := loadState(t, h.store, id); rec.Version != 0 {
				t.Errorf("lead %s: stored at version %d after refused batches", id, rec.Version)
			}
		}
		var got eventsAnswer
		h.must(202, "POST", "/events", good, &got)
		if got != (eventsAnswer{Accepted: 6}) {
			t.Errorf("the good batch: %+v, want 6 accepted", got)
		}
		if n := len(pending(t, h.store)); n == 0 {
			t.Error("the good batch wrote no outbox messages: the check above proves nothing")
		}
	})
}

// batchWith is good as a JSON array with bad inserted at index i.
func batchWith(t *testing.T, good []ev, i int, bad string) string {
	t.Helper()
	parts := make([]string, 0, len(good)+1)
	for _, e := range good {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, string(b))
	}
	parts = append(parts[:i], append([]string{bad}, parts[i:]...)...)
	return "[" + strings.Join(parts, ",") + "]"
}

// Bodies and batches past the limits are refused with a clear error; so are malformed bodies
// and bad leads.
func TestRefusals(t *testing.T) {
	h := newHarness(t, backends[0].dsn(t), Options{MaxBodyBytes: 64 << 10, MaxBatch: 10})
	big := `{"lead_id":"x","type":"page_view","time":"2026-03-02T09:00:00Z","properties":{"blob":"` + strings.Repeat("x", 64<<10) + `"}}`
	tooMany := journey("eve", t0, 11)
	cases := []struct {
		method, path, body string
		code               int
		reason             string
	}{
		{"POST", "/events", big, 413, "larger than 65536 bytes"},
		{"PUT", "/leads/eve", `{"name":"` + strings.Repeat("x", 64<<10) + `"}`, 413, "larger than"},
		{"POST", "/events", mustJSON(t, tooMany), 400, "more than 10 events"},
		{"POST", "/events", ``, 400, "empty body"},
		{"POST", "/events", `[{"lead_id":"eve","type":"page_view","time":"2026-03-02T09:00:00Z"}`, 400, "malformed"},
		{"POST", "/events", `{"lead_id":"eve","type":"page_view","time":"2026-03-02T09:00:00Z"} {}`, 400, "unexpected data"},
		{"POST", "/events", `not json`, 400, "invalid"},
		{"PUT", "/leads/eve", `{"titel":"CEO"}`, 400, `unknown field "titel"`},
		{"PUT", "/leads/eve", `{"company":{"employees":"many"}}`, 400, `"company.employees"`},
		{"PUT", "/leads/eve", `{"id":"someone-else"}`, 400, `the path names "eve"`},
		{"PUT", "/leads/eve", `[]`, 400, "lead"},
		{"PUT", "/leads/" + strings.Repeat("x", 300), `{}`, 400, "at most 256"},
		{"GET", "/leads/" + strings.Repeat("x", 300), ``, 400, "at most 256"},
	}
	for _, c := range cases {
		code, body := h.do(c.method, c.path, c.body)
		var got errorBody
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("%s %s %.40q: %d %s: %v", c.method, c.path, c.body, code, body, err)
			continue
		}
		if code != c.code || !strings.Contains(got.Error, c.reason) {
			t.Errorf("%s %s %.40q: %d %s, want %d saying %q", c.method, c.path, c.body, code, body, c.code, c.reason)
		}
	}
	// A lead refused is not stored.
	if code, _ := h.do("GET", "/leads/eve", nil); code != 404 {
		t.Errorf("lead eve after refused PUTs: %d, want 404", code)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// GET /healthz says when the store is gone.
func TestHealthzUnavailable(t *testing.T) {
	h := newHarness(t, backends[0].dsn(t), Options{})
	h.must(200, "GET", "/healthz", nil, nil)
	h.store.Close()
	code, body := h.do("GET", "/healthz", nil)
	if code != http.StatusServiceUnavailable || !strings.Contains(string(body), `"status":"unavailable"`) {
		t.Errorf("healthz on a closed store: %d %s, want 503", code, body)
	}
	if code, body := h.do("POST", "/events", journey("fay", t0, 1)); code != http.StatusServiceUnavailable {
		t.Errorf("POST /events on a closed store: %d %s, want 503", code, body)
	}
}
