package sqlite

import (
	"context"
	"fmt"
)

// migrations are the schema's versions: migrations[i] takes the schema from version i to
// i+1. Append, never edit: a database records the version it is at.
//
// Times that order or identify things (wake-ups, message times) are Unix nanoseconds in
// INTEGER columns: exact, so a wake-up read back is the very instant NextWakeup gave.
var migrations = []string{
	// 1: leads, processed events, outbox.
	`CREATE TABLE leads (
		lead_id TEXT PRIMARY KEY,
		attrs   BLOB,                       -- PutLead's bytes; NULL: none
		state   BLOB,                       -- leadscore.State.MarshalBinary; NULL: no State yet
		version INTEGER NOT NULL DEFAULT 0, -- compare-and-swap token: 0 until the first Save
		wakeup  INTEGER                     -- next wake-up, Unix ns; NULL: none
	);
	CREATE INDEX leads_wakeup ON leads (wakeup) WHERE wakeup IS NOT NULL;
	CREATE TABLE processed (
		lead_id      TEXT NOT NULL,
		event_id     TEXT NOT NULL,
		processed_at INTEGER NOT NULL,      -- store clock, Unix ns: for Prune
		PRIMARY KEY (lead_id, event_id)
	) WITHOUT ROWID;
	CREATE INDEX processed_at ON processed (processed_at);
	CREATE TABLE outbox (
		id         INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, even after Prune
		key        TEXT NOT NULL UNIQUE,              -- idempotency key
		lead_id    TEXT NOT NULL,
		kind       TEXT NOT NULL,
		payload    BLOB NOT NULL,
		created    INTEGER NOT NULL,                  -- the transition's time, Unix ns
		attempts   INTEGER NOT NULL DEFAULT 0,
		last_error TEXT NOT NULL DEFAULT '',
		delivered  INTEGER                            -- store clock, Unix ns; NULL: pending
	);
	CREATE INDEX outbox_pending ON outbox (created, id) WHERE delivered IS NULL;`,
}

// migrate brings the schema up to date in one IMMEDIATE transaction: a second process
// opening the file at the same time waits for it, then finds nothing left to do.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.errorf("migrating: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return s.errorf("migrating: %w", err)
	}
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&version); err != nil {
		return s.errorf("migrating: reading the schema version: %w", err)
	}
	if version > len(migrations) {
		return s.errorf("schema version %d is newer than this program knows (%d): upgrade it", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return s.errorf("migrating to schema version %d: %w", v+1, err)
		}
	}
	if version < len(migrations) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
			return s.errorf("migrating: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, len(migrations)); err != nil {
			return s.errorf("migrating: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.errorf("migrating: %w", err)
	}
	return nil
}

// SchemaVersion returns the version the database's schema is at.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store/sqlite %s: reading the schema version: %w", s.path, err)
	}
	return v, nil
}
