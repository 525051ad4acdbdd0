// Package postgres is a store.Store in PostgreSQL, through pgx and its pool: for any number
// of processes sharing one database. See the module's README for the schema.
//
// Save is one READ COMMITTED transaction: an UPDATE … WHERE version = $n (an INSERT … ON
// CONFLICT for a lead's first State), which locks the lead's row so that a concurrent Save of
// the same lead waits and then finds the version moved; then the processed event IDs, whose
// primary key (lead_id, event_id) catches an event recorded meanwhile; then the outbox rows,
// whose unique key drops a message already queued. Any conflict rolls everything back.
//
// Due and Pending are plain reads, not SELECT … FOR UPDATE SKIP LOCKED: a row lock ends with
// the statement's transaction, before the caller acts on the rows, so it would only look like
// a claim. Two Wake workers that pick the same lead are made safe by the compare-and-swap (one
// saves, the other reloads and finds the lead no longer due); two outbox deliverers that pick
// the same message both deliver it, which the idempotency key makes harmless. Shard workers by
// lead if that duplicate work matters.
package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadscore/leadscore/store"
)

// Store is a store.Store in one PostgreSQL database (the first schema of the connection's
// search_path). It is safe for concurrent use.
type Store struct {
	name string // the database, for errors
	pool *pgxpool.Pool
}

var (
	_ store.Store  = (*Store)(nil)
	_ store.Pruner = (*Store)(nil)
)

// Open connects to the database dsn names (a URL or key=value string, as pgx takes it; a
// search_path parameter selects the schema) and brings its schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: %w", err) // pgx hides the password in its errors
	}
	s := &Store{name: cfg.ConnConfig.Database}
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, s.errorf("connecting: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the store's connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

func (s *Store) errorf(format string, args ...any) error {
	return fmt.Errorf("store/postgres %s: "+format, append([]any{s.name}, args...)...)
}

// Load returns the lead's record: Version 0 and no State for a lead never saved.
func (s *Store) Load(ctx context.Context, leadID string) (store.Record, error) {
	if err := store.CheckLeadID(leadID); err != nil {
		return store.Record{}, s.errorf("loading a lead: %w", err)
	}
	rec := store.Record{LeadID: leadID}
	err := s.pool.QueryRow(ctx, `SELECT attrs, state, version FROM leads WHERE lead_id = $1`, leadID).
		Scan(&rec.Attrs, &rec.State, &rec.Version)
	if errors.Is(err, pgx.ErrNoRows) {
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
	_, err := s.pool.Exec(ctx, `INSERT INTO leads (lead_id, attrs) VALUES ($1, $2)
		ON CONFLICT (lead_id) DO UPDATE SET attrs = EXCLUDED.attrs`, leadID, attrs)
	if err != nil {
		return s.errorf("storing lead %q: %w", leadID, err)
	}
	return nil
}

// Processed returns those of ids recorded as processed for the lead.
func (s *Store) Processed(ctx context.Context, leadID string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	stored := make([]string, len(ids))
	asGiven := make(map[string]string, len(ids)) // stored form → the ID as given
	for i, id := range ids {
		stored[i] = storedEventID(id)
		asGiven[stored[i]] = id
	}
	rows, err := s.pool.Query(ctx, `SELECT event_id FROM processed WHERE lead_id = $1 AND event_id = ANY($2)`, leadID, stored)
	if err != nil {
		return nil, s.errorf("reading processed events of lead %q: %w", leadID, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.errorf("reading processed events of lead %q: %w", leadID, err)
	}
	for i, id := range out {
		out[i] = asGiven[id]
	}
	return out, nil
}

// maxStoredEventID is the longest event ID processed.event_id holds as it is. A btree entry
// holds at most about 2.7 kB (after compression), and an event ID may be 16 KiB (the library's
// default MaxStringBytes): a longer ID as it is would make its Save fail, on every retry.
const maxStoredEventID = 1024

// hashedEventIDPrefix starts the stored form of an event ID that is not kept as it is.
const hashedEventIDPrefix = "~h:"

// storedEventID is the form of an event ID in processed.event_id: the ID itself when text
// can hold it (valid UTF-8 without NUL: PostgreSQL's text refuses NUL and invalid bytes) and
// it is at most maxStoredEventID bytes; else hashedEventIDPrefix and the hex SHA-256 of the
// ID. An ID that itself starts with the prefix is hashed too, so no ID stands for another.
func storedEventID(id string) string {
	if len(id) <= maxStoredEventID && utf8.ValidString(id) && !strings.ContainsRune(id, 0) &&
		!strings.HasPrefix(id, hashedEventIDPrefix) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return hashedEventIDPrefix + hex.EncodeToString(sum[:])
}

// Save writes ch in one transaction (see the package documentation).
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
	var version int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		version, err = s.save(ctx, tx, ch)
		return err
	})
	if err != nil {
		if errors.Is(err, store.ErrConflict) {
			return 0, err
		}
		return 0, s.errorf("saving lead %q: %w", ch.LeadID, err)
	}
	return version, nil
}

func (s *Store) save(ctx context.Context, tx pgx.Tx, ch store.Change) (int64, error) {
	var wakeup *int64 // Unix ns; NULL for none
	if !ch.Wakeup.IsZero() {
		w := ch.Wakeup.UnixNano()
		wakeup = &w
	}
	var sql string
	args := []any{ch.LeadID, ch.State, wakeup}
	if ch.Version == 0 {
		// A new State: the row may not exist, or exist with attributes only (version 0).
		sql = `INSERT INTO leads (lead_id, state, version, wakeup) VALUES ($1, $2, 1, $3)
			ON CONFLICT (lead_id) DO UPDATE SET state = EXCLUDED.state, version = 1, wakeup = EXCLUDED.wakeup
			WHERE leads.version = 0`
	} else {
		sql = `UPDATE leads SET state = $2, wakeup = $3, version = version + 1 WHERE lead_id = $1 AND version = $4`
		args = append(args, ch.Version)
	}
	tag, err := tx.Exec(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	if tag.RowsAffected() != 1 {
		return 0, fmt.Errorf("store/postgres %s: lead %q at version %d: %w", s.name, ch.LeadID, ch.Version, store.ErrConflict)
	}
	if len(ch.EventIDs) > 0 {
		stored := make([]string, len(ch.EventIDs))
		for i, id := range ch.EventIDs {
			stored[i] = storedEventID(id)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO processed (lead_id, event_id) SELECT $1, unnest($2::text[])
			ON CONFLICT DO NOTHING`, ch.LeadID, stored)
		if err != nil {
			return 0, fmt.Errorf("recording processed events: %w", err)
		}
		if n := tag.RowsAffected(); n != int64(len(ch.EventIDs)) {
			return 0, fmt.Errorf("store/postgres %s: lead %q: %d of its %d events were processed meanwhile: %w",
				s.name, ch.LeadID, int64(len(ch.EventIDs))-n, len(ch.EventIDs), store.ErrConflict)
		}
	}
	if len(ch.Messages) > 0 {
		keys := make([]string, len(ch.Messages))
		kinds := make([]string, len(ch.Messages))
		payloads := make([][]byte, len(ch.Messages))
		created := make([]int64, len(ch.Messages))
		for i, m := range ch.Messages {
			keys[i], kinds[i], payloads[i], created[i] = m.Key, m.Kind, m.Payload, m.Created.UnixNano()
		}
		// A key already in the outbox is that message already queued: skipping it is what
		// makes a hand-off impossible to queue twice.
		if _, err := tx.Exec(ctx, `INSERT INTO outbox (key, lead_id, kind, payload, created)
			SELECT k, $1, kind, p, c FROM unnest($2::text[], $3::text[], $4::bytea[], $5::bigint[]) AS m (k, kind, p, c)
			ON CONFLICT (key) DO NOTHING`, ch.LeadID, keys, kinds, payloads, created); err != nil {
			return 0, fmt.Errorf("queueing messages: %w", err)
		}
	}
	return ch.Version + 1, nil
}

// Due returns up to limit leads whose wake-up is at or before t, earliest first.
func (s *Store) Due(ctx context.Context, t time.Time, limit int) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT lead_id FROM leads WHERE wakeup <= $1 ORDER BY wakeup, lead_id LIMIT $2`, store.BoundNanos(t), limit)
	if err != nil {
		return nil, s.errorf("leads due: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.errorf("leads due: %w", err)
	}
	return out, nil
}

// Rewake makes every lead with a State due at t at the latest (see store.Store).
func (s *Store) Rewake(ctx context.Context, t time.Time) (int64, error) {
	if err := store.CheckWakeup("Rewake's time", t); err != nil {
		return 0, s.errorf("rewaking leads: %w", err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE leads SET wakeup = $1 WHERE state IS NOT NULL AND (wakeup IS NULL OR wakeup > $1)`, t.UnixNano()) // in range: checked above
	if err != nil {
		return 0, s.errorf("rewaking leads: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Pending returns up to limit undelivered outbox messages, oldest first.
func (s *Store) Pending(ctx context.Context, limit int) ([]store.Message, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, key, lead_id, kind, payload, created, attempts, last_error
		FROM outbox WHERE delivered IS NULL ORDER BY created, id LIMIT $1`, limit)
	if err != nil {
		return nil, s.errorf("pending messages: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Message, error) {
		var m store.Message
		var created int64
		err := row.Scan(&m.ID, &m.Key, &m.LeadID, &m.Kind, &m.Payload, &created, &m.Attempts, &m.LastErr)
		m.Created = time.Unix(0, created).UTC()
		return m, err
	})
	if err != nil {
		return nil, s.errorf("pending messages: %w", err)
	}
	return out, nil
}

// Delivered marks outbox messages as delivered.
func (s *Store) Delivered(ctx context.Context, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `UPDATE outbox SET delivered = now() WHERE id = ANY($1) AND delivered IS NULL`, ids); err != nil {
		return s.errorf("marking messages delivered: %w", err)
	}
	return nil
}

// Attempt records a failed delivery of an outbox message; an unknown ID is no error.
func (s *Store) Attempt(ctx context.Context, id int64, failure string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, id, store.FailureText(failure)); err != nil {
		return s.errorf("recording a failed delivery of message %d: %w", id, err)
	}
	return nil
}

// Prune deletes processed-event IDs recorded, and outbox messages delivered, before before.
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, q := range []string{
			`DELETE FROM processed WHERE processed_at < $1`,
			`DELETE FROM outbox WHERE delivered < $1`,
		} {
			tag, err := tx.Exec(ctx, q, before)
			if err != nil {
				return err
			}
			total += tag.RowsAffected()
		}
		return nil
	})
	if err != nil {
		return 0, s.errorf("pruning: %w", err)
	}
	return total, nil
}
