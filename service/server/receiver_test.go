package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// receiver is a webhook that records deliveries by Idempotency-Key, as a receiver that
// de-duplicates would, and can be told to fail.
type receiver struct {
	mu       sync.Mutex
	posts    int               // every POST, redeliveries included
	byKey    map[string]int    // deliveries per key
	kinds    map[string]string // transition part of the key (transitionPart) → Leadscore-Kind
	full     map[string]string // transition part → the whole key
	failNext int               // answer this many POSTs with 500
	bad      []string          // what was wrong with a request, if anything
	srv      *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{byKey: map[string]int{}, kinds: map[string]string{}, full: map[string]string{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.posts++
	if r.failNext > 0 {
		r.failNext--
		http.Error(w, "receiver is down", http.StatusInternalServerError)
		return
	}
	key := req.Header.Get("Idempotency-Key")
	var p struct {
		LeadID     string          `json:"lead_id"`
		Transition json.RawMessage `json:"transition"`
		Result     json.RawMessage `json:"result"`
	}
	switch {
	case req.Method != http.MethodPost:
		r.bad = append(r.bad, "method "+req.Method)
	case key == "":
		r.bad = append(r.bad, "no Idempotency-Key")
	case req.Header.Get("Content-Type") != "application/json":
		r.bad = append(r.bad, "Content-Type "+req.Header.Get("Content-Type"))
	case json.Unmarshal(body, &p) != nil || p.LeadID == "" || len(p.Transition) == 0 || len(p.Result) == 0:
		r.bad = append(r.bad, "payload "+string(body))
	}
	r.byKey[key]++
	// The tests' journeys never repeat a transition: one under two keys was queued twice.
	tk := transitionPart(key)
	if prev, ok := r.full[tk]; ok && prev != key {
		r.bad = append(r.bad, "one transition under two keys: "+prev+" and "+key)
	}
	r.full[tk] = key
	r.kinds[tk] = req.Header.Get("Leadscore-Kind")
	w.WriteHeader(http.StatusNoContent)
}

// view is the de-duplicated view: transition part of the key → kind.
func (r *receiver) view() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]string, len(r.kinds))
	for k, v := range r.kinds {
		out[k] = v
	}
	return out
}

func (r *receiver) stats() (posts int, bad []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.posts, append([]string(nil), r.bad...)
}
