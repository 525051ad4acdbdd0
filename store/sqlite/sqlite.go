// Package sqlite is a store.Store in an SQLite database file, through modernc.org/sqlite (pure
// Go, no cgo): for a single server, tests and examples. See the module's README for the schema.
//
// Writes go through one connection and begin with BEGIN IMMEDIATE, so a Save holds SQLite's
// write lock from its first statement: the compare-and-swap is safe across processes sharing
// the file, which wait for each other up to the busy timeout. Reads use a small pool of their
// own; WAL mode lets them run beside a write.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/leadscore/leadscore/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// BusyTimeout is how long a write waits for another process's write lock before failing.
const BusyTimeout = 10 * time.Second

// Store is a store.Store in one SQLite database. It is safe for concurrent use.
type Store struct {
	path string
	w    *sql.DB // the one writer connection: BEGIN IMMEDIATE transactions
	r    *sql.DB // readers (the writer itself for an in-memory database)
}

var (
	_ store.Store  = (*Store)(nil)
	_ store.Pruner = (*Store)(nil)
)

// Open opens (creating it if need be) the database at path and brings its schema up to date.
// path is a file path, or ":memory:" for a private in-memory database (one connection: for
// tests of one process).
func Open(ctx context.Context, path string) (*Store, error) {
	s := &Store{path: path}
	memory := path == ":memory:"
	var err error
	if s.w, err = openDB(path, true); err != nil {
		return nil, err
	}
	s.w.SetMaxOpenConns(1)
	if memory {
		s.r = s.w // every connection to :memory: is a database of its own
	} else if s.r, err = openDB(path, false); err != nil {
		s.w.Close()
		return nil, err
	} else {
		s.r.SetMaxOpenConns(4)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openDB(path string, writer bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)") // WAL with NORMAL: durable except on power loss, never corrupt
	if writer {
		q.Set("_txlock", "immediate")
	}
	// SQLite reads a file: URI: "?" would start its parameters (mode=ro, vfs=…), "#" a
	// fragment, and "%" an escape. In a file name they are characters: escape them.
	dsn := "file:" + uriPath.Replace(path) + "?" + q.Encode()
	if path == ":memory:" {
		dsn = ":memory:?" + q.Encode()
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite %s: %w", path, err)
	}
	return db, nil
}

// uriPath escapes what a file: URI would read otherwise in a path.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// Close releases the store's connections.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

func (s *Store) errorf(format string, args ...any) error {
	return fmt.Errorf("store/sqlite %s: "+format, append([]any{s.path}, args...)...)
}

// Load returns the lead's record: Version 0 and no State for a lead never saved.
func (s *Store) Load(ctx context.Context, leadID string) (store.Record, error) {
	if err := store.CheckLeadID(leadID); err != nil {
		return store.Record{}, s.errorf("loading a lead: %w", err)
	}
	rec := store.Record{LeadID: leadID}
	err := s.r.QueryRowContext(ctx, `SELECT attrs, state, version FROM leads WHERE lead_id = ?`, leadID).
		Scan(&rec.Attrs, &rec.State, &rec.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return rec, nil
	}
	if err != nil {
		return store.Record{}, s.errorf("loading lead %q: %w", leadID, err)
	}
	return rec, nil
}

// PutLead stores the lead's attributes, leaving its State and version as they are.
func (s *Store) PutLead(ctx context.Context, leadID string, attrs []byte) error {
	if err := store.CheckLeadID(leadID); err != nil {
		return s.errorf("storing a lead: %w", err)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO leads (lead_id, attrs) VALUES (?, ?)
		ON CONFLICT (lead_id) DO UPDATE SET attrs = excluded.attrs`, leadID, attrs)
	if err != nil {
		return s.errorf("storing lead %q: %w", leadID, err)
	}
	return nil
}

// chunk is how many values one IN list carries: well under SQLite's variable limit.
const chunk = 500

// Processed returns those of ids recorded as processed for the lead.
func (s *Store) Processed(ctx context.Context, leadID string, ids []string) ([]string, error) {
	var out []string
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := make([]any, 0, n+1)
		args = append(args, leadID)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		rows, err := s.r.QueryContext(ctx, `SELECT event_id FROM processed WHERE lead_id = ? AND event_id IN (`+placeholders(n)+`)`, args...)
		if err != nil {
			return nil, s.errorf("reading processed events of lead %q: %w", leadID, err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, s.errorf("reading processed events of lead %q: %w", leadID, err)
			}
			out = append(out, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, s.errorf("reading processed events of lead %q: %w", leadID, err)
		}
		ids = ids[n:]
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// Save writes ch in one IMMEDIATE transaction (see the package documentation).
func (s *Store) Save(ctx context.Context, ch store.Change) (int64, error) {
	if err := store.CheckLeadID(ch.LeadID); err != nil {
		return 0, s.errorf("saving a lead: %w", err)
	}
	if ch.State == nil {
		return 0, s.errorf("saving lead %q: a Change without a State", ch.LeadID)
	}
	if id, ok := store.Repeated(ch.EventIDs); ok {
		return 0, s.errorf("saving lead %q: the Change lists event %q twice", ch.LeadID, id)
	}
	if !ch.Wakeup.IsZero() { // zero: no wake-up
		if err := store.CheckWakeup("the Change's wake-up", ch.Wakeup); err != nil {
			return 0, s.errorf("saving lead %q: %w", ch.LeadID, err)
		}
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.errorf("saving lead %q: %w", ch.LeadID, err)
	}
	defer tx.Rollback() // after Commit, a no-op
	version, err := s.save(ctx, tx, ch)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, s.errorf("saving lead %q: %w", ch.LeadID, err)
	}
	return version, nil
}

func (s *Store) save(ctx context.Context, tx *sql.Tx, ch store.Change) (int64, error) {
	wakeup := nanos(ch.Wakeup)
	var res sql.Result
	var err error
	if ch.Version == 0 {
		// A new State: the row may not exist, or exist with attributes only (version 0).
		res, err = tx.ExecContext(ctx, `INSERT INTO leads (lead_id, state, version, wakeup) VALUES (?, ?, 1, ?)
			ON CONFLICT (lead_id) DO UPDATE SET state = excluded.state, version = 1, wakeup = excluded.wakeup
			WHERE leads.version = 0`, ch.LeadID, ch.State, wakeup)
	} else {
		res, err = tx.ExecContext(ctx, `UPDATE leads SET state = ?, version = version + 1, wakeup = ?
			WHERE lead_id = ? AND version = ?`, ch.State, wakeup, ch.LeadID, ch.Version)
	}
	if err != nil {
		return 0, s.errorf("saving lead %q: %w", ch.LeadID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, s.errorf("saving lead %q: %w", ch.LeadID, err)
	} else if n != 1 {
		return 0, fmt.Errorf("store/sqlite %s: lead %q at version %d: %w", s.path, ch.LeadID, ch.Version, store.ErrConflict)
	}
	now := time.Now().UnixNano() // the store's clock: when the ID was recorded, for Prune
	for _, id := range ch.EventIDs {
		res, err := tx.ExecContext(ctx, `INSERT INTO processed (lead_id, event_id, processed_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, ch.LeadID, id, now)
		if err != nil {
			return 0, s.errorf("saving lead %q: recording event %q: %w", ch.LeadID, id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, s.errorf("saving lead %q: recording event %q: %w", ch.LeadID, id, err)
		} else if n != 1 {
			return 0, fmt.Errorf("store/sqlite %s: lead %q: event %q was processed meanwhile: %w", s.path, ch.LeadID, id, store.ErrConflict)
		}
	}
	for _, m := range ch.Messages {
		// A key already in the outbox is that message already queued: skipping it is what
		// makes a hand-off impossible to queue twice.
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (key, lead_id, kind, payload, created) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (key) DO NOTHING`, m.Key, ch.LeadID, m.Kind, m.Payload, m.Created.UnixNano()); err != nil {
			return 0, s.errorf("saving lead %q: queueing message %q: %w", ch.LeadID, m.Key, err)
		}
	}
	return ch.Version + 1, nil
}

// nanos is a wake-up as stored: Unix nanoseconds (exact, and ordered as the times are), NULL
// for none.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// Due returns up to limit leads whose wake-up is at or before t, earliest first.
func (s *Store) Due(ctx context.Context, t time.Time, limit int) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT lead_id FROM leads WHERE wakeup IS NOT NULL AND wakeup <= ?
		ORDER BY wakeup, lead_id LIMIT ?`, store.BoundNanos(t), limit)
	if err != nil {
		return nil, s.errorf("leads due: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.errorf("leads due: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("leads due: %w", err)
	}
	return out, nil
}

// Rewake makes every lead with a State due at t at the latest (see store.Store).
func (s *Store) Rewake(ctx context.Context, t time.Time) (int64, error) {
	if err := store.CheckWakeup("Rewake's time", t); err != nil {
		return 0, s.errorf("rewaking leads: %w", err)
	}
	r, err := s.w.ExecContext(ctx, `UPDATE leads SET wakeup = ? WHERE state IS NOT NULL AND (wakeup IS NULL OR wakeup > ?)`, t.UnixNano(), t.UnixNano()) // in range: checked above
	if err != nil {
		return 0, s.errorf("rewaking leads: %w", err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return 0, s.errorf("rewaking leads: %w", err)
	}
	return n, nil
}

// Pending returns up to limit undelivered outbox messages, oldest first.
func (s *Store) Pending(ctx context.Context, limit int) ([]store.Message, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, key, lead_id, kind, payload, created, attempts, last_error
		FROM outbox WHERE delivered IS NULL ORDER BY created, id LIMIT ?`, limit)
	if err != nil {
		return nil, s.errorf("pending messages: %w", err)
	}
	defer rows.Close()
	var out []store.Message
	for rows.Next() {
		var m store.Message
		var created int64
		if err := rows.Scan(&m.ID, &m.Key, &m.LeadID, &m.Kind, &m.Payload, &created, &m.Attempts, &m.LastErr); err != nil {
			return nil, s.errorf("pending messages: %w", err)
		}
		m.Created = time.Unix(0, created).UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("pending messages: %w", err)
	}
	return out, nil
}

// Delivered marks outbox messages as delivered.
func (s *Store) Delivered(ctx context.Context, ids ...int64) error {
	now := time.Now().UnixNano()
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := make([]any, 0, n+1)
		args = append(args, now)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		if _, err := s.w.ExecContext(ctx, `UPDATE outbox SET delivered = ? WHERE delivered IS NULL AND id IN (`+placeholders(n)+`)`, args...); err != nil {
			return s.errorf("marking messages delivered: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

// Attempt records a failed delivery of an outbox message; an unknown ID is no error.
func (s *Store) Attempt(ctx context.Context, id int64, failure string) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?`, store.FailureText(failure), id); err != nil {
		return s.errorf("recording a failed delivery of message %d: %w", id, err)
	}
	return nil
}

// Prune deletes processed-event IDs recorded, and outbox messages delivered, before before.
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.errorf("pruning: %w", err)
	}
	defer tx.Rollback()
	var total int64
	for _, q := range []string{
		`DELETE FROM processed WHERE processed_at < ?`,
		`DELETE FROM outbox WHERE delivered IS NOT NULL AND delivered < ?`,
	} {
		res, err := tx.ExecContext(ctx, q, store.BoundNanos(before))
		if err != nil {
			return 0, s.errorf("pruning: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	if err := tx.Commit(); err != nil {
		return 0, s.errorf("pruning: %w", err)
	}
	return total, nil
}
