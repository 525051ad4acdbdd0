package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// migrationLock is the advisory lock key migrations hold: two processes opening the database
// at once migrate one after the other, and the second finds nothing left to do.
const migrationLock = 0x6c656164_73636f72 // "leadscor"

// migrations are the schema's versions: migrations[i] takes the schema from version i to
// i+1. Append, never edit: a database records the version it is at.
//
// Times that order or identify things (wake-ups, message times) are Unix nanoseconds in bigint
// columns: timestamptz keeps microseconds, and a wake-up read back a few hundred nanoseconds
// early would make a lead due before NextWakeup and come back from Due again and again.
var migrations = []string{
	// 1: leads, processed events, outbox.
	`CREATE TABLE leads (
		lead_id text PRIMARY KEY,
		attrs   bytea,                     -- PutLead's bytes; NULL: none
		state   bytea,                     -- leadscore.State.MarshalBinary; NULL: no State yet
		version bigint NOT NULL DEFAULT 0, -- compare-and-swap token: 0 until the first Save
		wakeup  bigint                     -- next wake-up, Unix ns; NULL: none
	);
	CREATE INDEX leads_wakeup ON leads (wakeup) WHERE wakeup IS NOT NULL;
	CREATE TABLE processed (
		lead_id      text NOT NULL,
		event_id     text NOT NULL,
		processed_at timestamptz NOT NULL DEFAULT now(), -- for Prune
		PRIMARY KEY (lead_id, event_id)
	);
	CREATE INDEX processed_at ON processed (processed_at);
	CREATE TABLE outbox (
		id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		key        text NOT NULL UNIQUE,     -- idempotency key
		lead_id    text NOT NULL,
		kind       text NOT NULL,
		payload    bytea NOT NULL,           -- JSON, byte for byte as written
		created    bigint NOT NULL,          -- the transition's time, Unix ns
		attempts   integer NOT NULL DEFAULT 0,
		last_error text NOT NULL DEFAULT '',
		delivered  timestamptz               -- NULL: pending
	);
	CREATE INDEX outbox_pending ON outbox (created, id) WHERE delivered IS NULL;`,
}

// migrate brings the schema up to date in one transaction under the advisory lock.
func (s *Store) migrate(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
			return err
		}
		var version int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&version); err != nil {
			return fmt.Errorf("reading the schema version: %w", err)
		}
		if version > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this program knows (%d): upgrade it", version, len(migrations))
		}
		if version == len(migrations) {
			return nil
		}
		for v := version; v < len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("to schema version %d: %w", v+1, err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM schema_version`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, len(migrations))
		return err
	})
	if err != nil {
		return s.errorf("migrating: %w", err)
	}
	return nil
}

// SchemaVersion returns the version the database's schema is at.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, s.errorf("reading the schema version: %w", err)
	}
	return v, nil
}
