package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/store"
)

// The PostgreSQL tests run against the database LEADSCORE_TEST_POSTGRES names (.ci/run starts
// one and sets it). They fail, not skip, without it: a service whose PostgreSQL path is never
// tested is not tested.
const postgresEnv = "LEADSCORE_TEST_POSTGRES"

const postgresHelp = "start PostgreSQL (pg_ctlcluster 15 main start) and set " + postgresEnv +
	" to a DSN the tests may create schemas in, e.g. postgres://user:pass@127.0.0.1:5432/db?sslmode=disable"

// backend is a kind of store the tests run against: fresh, empty and private to the test.
type backend struct {
	name string
	dsn  func(t *testing.T) string
}

var backends = []backend{
	{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "leadscore.db") }},
	{"postgres", postgresDSN},
}

// forEachBackend runs f as a subtest on every backend.
func forEachBackend(t *testing.T, f func(t *testing.T, dsn string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b.dsn(t)) })
	}
}

// postgresDSN returns a DSN whose tables live in a schema of their own, created for the test
// and dropped after it: tests sharing one database (and the outbox, which is global to a
// store) cannot see each other's rows.
func postgresDSN(t *testing.T) string {
	t.Helper()
	base := os.Getenv(postgresEnv)
	if base == "" {
		t.Fatalf("%s is not set: %s", postgresEnv, postgresHelp)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("PostgreSQL at %s is unreachable: %v\n%s", RedactDSN(base), err, postgresHelp)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("svc_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", postgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema) // a run-time parameter pgx sends at connect
	u.RawQuery = q.Encode()
	return u.String()
}

var schemaSeq atomic.Int64

// openStore opens dsn for the test and closes it after.
func openStore(t *testing.T, dsn string) store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := OpenStore(ctx, dsn)
	if err != nil {
		t.Fatalf("opening %s: %v", RedactDSN(dsn), err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// testClock is an injectable clock (Options.Now) the test moves.
type testClock struct{ ns atomic.Int64 }

func newClock(t time.Time) *testClock { c := &testClock{}; c.set(t); return c }
func (c *testClock) now() time.Time   { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) set(t time.Time)  { c.ns.Store(t.UnixNano()) }

// harness is a Server over a store, served in process over loopback HTTP.
type harness struct {
	t     *testing.T
	srv   *Server
	store store.Store
	http  *httptest.Server
}

func newHarness(t *testing.T, dsn string, opts Options) *harness {
	t.Helper()
	opts.Store = openStore(t, dsn)
	if opts.Config.Name == "" && opts.Config.Rules == nil {
		opts.Config = leadscore.DefaultB2B()
	}
	if opts.Logger == nil {
		opts.Logger = quietLogger(t)
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, srv: srv, store: opts.Store, http: httptest.NewServer(srv.Handler())}
	t.Cleanup(h.http.Close)
	return h
}

// do sends a request and returns the status and body.
func (h *harness) do(method, path string, body any) (int, []byte) {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, h.http.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	resp, err := h.http.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	return resp.StatusCode, out
}

// must sends a request that must answer want, and decodes the answer into v (if not nil).
func (h *harness) must(want int, method, path string, body, v any) {
	h.t.Helper()
	code, out := h.do(method, path, body)
	if code != want {
		h.t.Fatalf("%s %s: %d %s, want %d", method, path, code, out, want)
	}
	if v != nil {
		if err := json.Unmarshal(out, v); err != nil {
			h.t.Fatalf("%s %s: decoding %s: %v", method, path, out, err)
		}
	}
}

// ev is a wire event for a lead.
type ev struct {
	LeadID string `json:"lead_id"`
	leadscore.Event
}

// hotLead is a lead DefaultB2B scores as a fit: an executive at an enterprise.
func hotLead(id string) leadscore.Lead {
	return leadscore.Lead{ID: id, Email: "ceo@" + id + ".example", Title: "VP of Sales",
		Company: leadscore.Company{Name: "Big " + id, Employees: 5000, Industry: "software"}}
}

// journey is a lead's events that take it into the hand-off tier under DefaultB2B, dated
// from t0 a minute apart, with IDs.
func journey(leadID string, t0 time.Time, n int) []ev {
	kinds := []leadscore.Event{
		{Type: leadscore.EventPageView, Path: "/pricing"},
		{Type: leadscore.EventEmailClick, Channel: "email"},
		{Type: leadscore.EventFormSubmit},
		{Type: leadscore.EventPageView, Path: "/product"},
		{Type: leadscore.EventWebinarAttended},
		{Type: leadscore.EventDemoRequest},
		{Type: leadscore.EventPageView, Path: "/pricing"},
		{Type: leadscore.EventQuestion},
	}
	out := make([]ev, n)
	for i := range out {
		e := kinds[i%len(kinds)]
		e.ID = fmt.Sprintf("%s-e%d", leadID, i)
		e.Time = t0.Add(time.Duration(i) * time.Minute)
		out[i] = ev{LeadID: leadID, Event: e}
	}
	return out
}

// replay scores a lead's events in one process, one Observe each on a fresh State: what the
// service must agree with. It returns the State, the last Result and the transition parts of
// the outbox keys (store.MessageKey; see transitionPart), handoffs apart.
func replay(t *testing.T, s *leadscore.Scorer[leadscore.Lead], lead leadscore.Lead, events []ev) (*leadscore.State, leadscore.Result, map[string]string) {
	t.Helper()
	var st leadscore.State
	var res leadscore.Result
	keys := map[string]string{} // key → kind
	for _, e := range events {
		var err error
		if res, err = s.Observe(lead, &st, e.Event); err != nil {
			t.Fatalf("replay of lead %s: %v", lead.ID, err)
		}
		for _, tr := range res.Transitions {
			kind := string(tr.Kind)
			if tr.Kind == leadscore.TransitionTier && res.Handoff && tr.ToTier == res.Tier {
				kind = store.KindHandoff
			}
			keys[store.MessageKey(lead.ID, tr)] = kind
		}
	}
	return &st, res, keys
}

// transitionPart is an outbox key without its "#<version>.<n>" suffix: store.MessageKey of
// its transition, which a replay without a store can compute.
func transitionPart(key string) string {
	if i := strings.LastIndexByte(key, '#'); i >= 0 {
		return key[:i]
	}
	return key
}

// loadState reads a lead's stored State.
func loadState(t *testing.T, s store.Store, leadID string) (*leadscore.State, store.Record) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := s.Load(ctx, leadID)
	if err != nil {
		t.Fatalf("loading lead %s: %v", leadID, err)
	}
	var st leadscore.State
	if rec.State != nil {
		if err := st.UnmarshalBinary(rec.State); err != nil {
			t.Fatalf("lead %s: stored State: %v", leadID, err)
		}
	}
	return &st, rec
}

// pending returns the outbox's undelivered messages.
func pending(t *testing.T, s store.Store) []store.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msgs, err := s.Pending(ctx, 10_000)
	if err != nil {
		t.Fatalf("reading the outbox: %v", err)
	}
	return msgs
}

// eventually polls cond every 20ms until it holds, failing the test after d.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
