package store_test

// A review of the stores as a deployment uses them: the wake-up loop racing the events of the
// same lead, two processes (two Store handles) on one database, batches past SQLite's chunk of
// bind variables, and SQLite and PostgreSQL giving the same answers. Every test is bounded in
// time (reviewTimeout) and runs on both stores.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/store"
	"github.com/leadscore/leadscore/store/postgres"
	"github.com/leadscore/leadscore/store/sqlite"
)

const reviewTimeout = 2 * time.Minute

// reviewBackends open a fresh, empty database of each kind and return a function opening a
// Store on it (called more than once: two handles are two processes).
var reviewBackends = []struct {
	name string
	db   func(t *testing.T) func(t *testing.T) store.Store
}{
	{"sqlite", func(t *testing.T) func(t *testing.T) store.Store {
		path := filepath.Join(t.TempDir(), "leads.db")
		return func(t *testing.T) store.Store {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	}},
	{"postgres", func(t *testing.T) func(t *testing.T) store.Store {
		dsn := reviewSchema(t)
		return func(t *testing.T) store.Store {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := postgres.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	}},
}

var reviewSchemas atomic.Int64

// reviewSchema creates a schema of the test's own in the database LEADSCORE_TEST_POSTGRES names
// (as .ci/run sets it up), dropped after the test, and returns a DSN using it. Without the
// variable the test fails: the PostgreSQL path must be tested.
func reviewSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("LEADSCORE_TEST_POSTGRES")
	if base == "" {
		t.Fatal("LEADSCORE_TEST_POSTGRES is not set: start PostgreSQL as .ci/run does and set it, e.g. postgres:///leadscore_test?host=/var/run/postgresql")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("PostgreSQL is not reachable: %v", err)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("review_%d_%d", os.Getpid(), reviewSchemas.Add(1))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, base); err == nil {
			conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			conn.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func forEachReviewBackend(t *testing.T, f func(t *testing.T, ctx context.Context, open func(t *testing.T) store.Store)) {
	for _, b := range reviewBackends {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), reviewTimeout)
			defer cancel()
			f(t, ctx, b.db(t))
		})
	}
}

// reviewDecay hands a lead off on a demo request and lets it cool down within days.
const reviewDecay = `{
  "name": "review-decay",
  "events": [{"id": "demo", "on": ["demo_request"], "points": 50, "half_life": "1d", "max": 50, "reason": "requested a demo"}],
  "tiers": [{"name": "hot", "min": 40, "handoff": true}, {"name": "cold"}],
  "hysteresis": 5
}`

func compile(t *testing.T, js string) *leadscore.Scorer[leadscore.Lead] {
	t.Helper()
	cfg, err := leadscore.ParseConfig([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := leadscore.Compile[leadscore.Lead](cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// queued is an outbox message with the version and place its key names ("#<version>.<n>").
type queued struct {
	store.Message
	version, seq int
	payload      struct {
		Transition leadscore.Transition `json:"transition"`
	}
}

// leadOutbox is the lead's outbox messages in the order their Saves wrote them.
func leadOutbox(t *testing.T, ctx context.Context, s store.Store, leadID string) []queued {
	t.Helper()
	msgs, err := s.Pending(ctx, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	var out []queued
	for _, m := range msgs {
		if m.LeadID != leadID {
			continue
		}
		q := queued{Message: m}
		i := strings.LastIndexByte(m.Key, '#')
		v, n, ok := strings.Cut(m.Key[i+1:], ".")
		var err1, err2 error
		q.version, err1 = strconv.Atoi(v)
		q.seq, err2 = strconv.Atoi(n)
		if i < 0 || !ok || err1 != nil || err2 != nil {
			t.Fatalf("outbox key %q has no #<version>.<n>", m.Key)
		}
		if err := json.Unmarshal(m.Payload, &q.payload); err != nil {
			t.Fatalf("payload of %s: %v", m.Key, err)
		}
		out = append(out, q)
	}
	slices.SortFunc(out, func(a, b queued) int {
		if a.version != b.version {
			return a.version - b.version
		}
		return a.seq - b.seq
	})
	return out
}

// The wake-up loop and the events of one lead racing each other (as the service's loop and its
// requests do, or two processes): every event is scored once, and the lead's transitions, in
// the order of the Saves that wrote them, are one consistent history — each tier transition
// leaves the tier the previous one entered (no edge reported twice or lost), and none is dated
// before an earlier one (DESIGN.md: "no transition is dated before an earlier one").
func TestReviewWakeRacesEvents(t *testing.T) {
	forEachReviewBackend(t, func(t *testing.T, ctx context.Context, open func(t *testing.T) store.Store) {
		s := open(t)
		sc := compile(t, reviewDecay)
		p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s, MaxRetries: 1000}
		t0 := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		const demos = 12
		var wg sync.WaitGroup
		var errMu sync.Mutex
		var errs []error
		fail := func(err error) { errMu.Lock(); errs = append(errs, err); errMu.Unlock() }
		accepted := 0
		var applied atomic.Int64 // demo requests saved so far
		applied.Store(-1)
		wg.Add(1)
		go func() { // the events: a demo request every other day
			defer wg.Done()
			defer applied.Store(demos)
			for i := range demos {
				a, err := p.Apply(ctx, "racer", []leadscore.Event{{ID: fmt.Sprint("demo-", i), Type: leadscore.EventDemoRequest, Time: t0.Add(time.Duration(i) * 48 * time.Hour)}})
				if err != nil {
					fail(err)
					return
				}
				accepted += a.Accepted
				applied.Store(int64(i))
			}
		}()
		// Three wake-up loops keep pace with the events, their clocks up to two days past the
		// last demo request saved: they race the next one (due two days after it), and catch
		// the lead cooling (about half a day after each) in between.
		for w := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for step := 0; ctx.Err() == nil; step++ {
					i := applied.Load()
					if i < 0 {
						time.Sleep(time.Millisecond)
						continue
					}
					now := t0.Add(time.Duration(i)*48*time.Hour + time.Duration((step*7+w*5)%48)*time.Hour)
					if _, err := p.Wake(ctx, now, 10); err != nil {
						fail(err)
						return
					}
					if i == demos {
						return
					}
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			t.Error(err)
		}
		if accepted != demos {
			t.Errorf("%d of %d events accepted", accepted, demos)
		}
		st, err := s.Load(ctx, "racer")
		if err != nil {
			t.Fatal(err)
		}
		var state leadscore.State
		if err := state.UnmarshalBinary(st.State); err != nil {
			t.Fatal(err)
		}
		if state.Events() != demos {
			t.Errorf("the State took %d events, want %d", state.Events(), demos)
		}
		if tier := checkHistory(t, leadOutbox(t, ctx, s, "racer"), 2); tier != state.Tier() {
			t.Errorf("the last tier transition entered %q, the State is in %q", tier, state.Tier())
		}
	})
}

// checkHistory fails unless msgs (one lead's, in Save order) are one consistent history: no
// transition dated before an earlier one, each tier transition leaving the tier the previous
// one entered, hand-offs exactly the transitions into the hand-off tier "hot", and at least
// minTiers tier transitions. It returns the tier the last one entered.
func checkHistory(t *testing.T, msgs []queued, minTiers int) string {
	t.Helper()
	tier := ""
	var last time.Time
	tiers := 0
	for _, m := range msgs {
		tr := m.payload.Transition
		if tr.At.Before(last) {
			t.Errorf("%s dated %s, before the previous transition (%s)", m.Key, tr.At, last)
		}
		last = tr.At
		if tr.Kind != leadscore.TransitionTier {
			continue
		}
		tiers++
		if tiers > 1 && tr.FromTier != tier {
			t.Errorf("%s: from tier %q, but the previous transition entered %q", m.Key, tr.FromTier, tier)
		}
		if (tr.ToTier == "hot") != (m.Kind == store.KindHandoff) {
			t.Errorf("%s into %s has kind %s", m.Key, tr.ToTier, m.Kind)
		}
		tier = tr.ToTier
	}
	if tiers < minTiers {
		t.Errorf("%d tier transitions, want at least %d: the test proves nothing", tiers, minTiers)
	}
	return tier
}

// Two processes (two Store handles on one database) deliver the same events at once, in
// opposite orders and batches: each event is scored once, and each transition queued once.
func TestReviewTwoProcessesExactlyOnce(t *testing.T) {
	forEachReviewBackend(t, func(t *testing.T, ctx context.Context, open func(t *testing.T) store.Store) {
		sc := compile(t, reviewDecay)
		t0 := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		var events []leadscore.Event
		for i := range 40 {
			ev := leadscore.Event{ID: fmt.Sprint("e", i), Type: leadscore.EventDemoRequest, Time: t0.Add(time.Duration(i) * 72 * time.Hour)}
			if i%4 == 0 {
				ev.ID = "" // identified by content
			}
			events = append(events, ev)
		}
		var acc, dup atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for g := range 2 {
			s := open(t)
			order := slices.Clone(events)
			if g == 1 {
				slices.Reverse(order)
			}
			for lead := range 2 { // two leads, so that both handles also write side by side
				wg.Add(1)
				go func() {
					defer wg.Done()
					p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s, MaxRetries: 1000}
					for i := 0; i < len(order); i += 3 + g {
						a, err := p.Apply(ctx, fmt.Sprint("lead-", lead), order[i:min(i+3+g, len(order))])
						if err != nil {
							errs <- err
							return
						}
						acc.Add(int64(a.Accepted))
						dup.Add(int64(a.Duplicates))
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if acc.Load() != 2*40 || dup.Load() != 2*40 {
			t.Errorf("accepted %d, duplicates %d; want 80 each", acc.Load(), dup.Load())
		}
		s := open(t)
		for lead := range 2 {
			id := fmt.Sprint("lead-", lead)
			rec, err := s.Load(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var st leadscore.State
			if err := st.UnmarshalBinary(rec.State); err != nil {
				t.Fatal(err)
			}
			if st.Events() != 40 {
				t.Errorf("%s: the State took %d events, want 40", id, st.Events())
			}
			if tier := checkHistory(t, leadOutbox(t, ctx, s, id), 1); tier != st.Tier() {
				t.Errorf("%s: the last tier transition entered %q, the State is in %q", id, tier, st.Tier())
			}
		}
	})
}

// Batches past SQLite's chunk of 500 bind variables: 1,200 events of one lead in one Apply
// (Processed reads their IDs in chunks), redelivered whole (all duplicates), and 1,200 outbox
// messages marked delivered in one call.
func TestReviewLargeBatches(t *testing.T) {
	forEachReviewBackend(t, func(t *testing.T, ctx context.Context, open func(t *testing.T) store.Store) {
		s := open(t)
		sc := compile(t, reviewDecay)
		p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s}
		t0 := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		events := make([]leadscore.Event, 1200)
		for i := range events {
			events[i] = leadscore.Event{ID: fmt.Sprint("big-", i), Type: leadscore.EventPageView, Path: "/x", Time: t0.Add(time.Duration(i) * time.Second)}
		}
		if a, err := p.Apply(ctx, "big", events); err != nil || a.Accepted != len(events) {
			t.Fatalf("Apply of %d events: %+v, %v", len(events), a.Accepted, err)
		}
		if a, err := p.Apply(ctx, "big", events); err != nil || a.Duplicates != len(events) || a.Accepted != 0 {
			t.Fatalf("redelivery of %d events: accepted %d, duplicates %d, %v", len(events), a.Accepted, a.Duplicates, err)
		}
		ids := make([]string, len(events))
		for i, ev := range events {
			ids[i] = ev.ID
		}
		done, err := s.Processed(ctx, "big", append(ids, "never"))
		if err != nil || len(done) != len(ids) {
			t.Fatalf("Processed of %d IDs: %d, %v", len(ids)+1, len(done), err)
		}

		rec, err := s.Load(ctx, "big")
		if err != nil {
			t.Fatal(err)
		}
		var msgs []store.Message
		for i := range 1200 {
			msgs = append(msgs, store.Message{Key: fmt.Sprint("review-", i), Kind: "tier", Payload: []byte(`{}`), Created: t0.Add(time.Duration(i))})
		}
		if _, err := s.Save(ctx, store.Change{LeadID: "big", Version: rec.Version, State: rec.State, Messages: msgs}); err != nil {
			t.Fatal(err)
		}
		pending, err := s.Pending(ctx, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		var all []int64
		for _, m := range pending {
			all = append(all, m.ID)
		}
		if len(all) < 1200 {
			t.Fatalf("%d messages pending, want at least 1200", len(all))
		}
		if err := s.Delivered(ctx, all...); err != nil {
			t.Fatal(err)
		}
		if left, err := s.Pending(ctx, 10_000); err != nil || len(left) != 0 {
			t.Errorf("after Delivered of all %d: %d pending, %v", len(all), len(left), err)
		}
	})
}

// The same calls give the same answers on SQLite and PostgreSQL: versions, Results, processed
// IDs (awkward ones included), Due, and the outbox byte for byte.
func TestReviewStoresAgree(t *testing.T) {
	sc := compile(t, reviewDecay)
	t0 := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	run := func(t *testing.T, ctx context.Context, s store.Store) []string {
		p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s}
		var log []string
		note := func(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }
		long := strings.Repeat("é", 700) // 1,400 bytes: PostgreSQL stores its hash
		ids := []string{"a", long, "~h:x", "nul\x00", "bad\xff", ""}
		for i, lead := range []string{"ann", "../b", "ünï"} {
			var evs []leadscore.Event
			for j, id := range ids {
				evs = append(evs, leadscore.Event{ID: id, Type: leadscore.EventDemoRequest, Time: t0.Add(time.Duration(i*50+j*7) * time.Hour)})
			}
			a, err := p.Apply(ctx, lead, evs)
			note("%s apply %d %d %s %v %v", lead, a.Accepted, a.Duplicates, a.Result.Tier, a.Result.Total, err)
			a, err = p.Apply(ctx, lead, evs[2:])
			note("%s again %d %d %v", lead, a.Accepted, a.Duplicates, err)
			done, err := s.Processed(ctx, lead, append(slices.Clone(ids[:5]), "nope"))
			slices.Sort(done)
			note("%s processed %q %v", lead, done, err)
			rec, err := s.Load(ctx, lead)
			note("%s version %d %v", lead, rec.Version, err)
		}
		for _, at := range []time.Time{t0, t0.Add(100 * time.Hour), t0.Add(1000 * time.Hour)} {
			due, err := s.Due(ctx, at, 10)
			note("due %s %q %v", at, due, err)
		}
		n, err := p.Wake(ctx, t0.Add(1000*time.Hour), 10)
		note("wake %d %v", n, err)
		msgs, err := s.Pending(ctx, 1000)
		note("pending %d %v", len(msgs), err)
		for _, m := range msgs {
			note("%s %s %s %s %s", m.Key, m.LeadID, m.Kind, m.Created, m.Payload)
		}
		return log
	}
	var got [2][]string
	for i, b := range reviewBackends {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), reviewTimeout)
			defer cancel()
			got[i] = run(t, ctx, b.db(t)(t))
		})
	}
	if len(got[0]) < 20 {
		t.Fatalf("sqlite's run logged %d lines", len(got[0]))
	}
	for i := range max(len(got[0]), len(got[1])) {
		var a, b string
		if i < len(got[0]) {
			a = got[0][i]
		}
		if i < len(got[1]) {
			b = got[1][i]
		}
		if a != b {
			t.Errorf("line %d:\nsqlite:   %.300s\npostgres: %.300s", i, a, b)
		}
	}
}
