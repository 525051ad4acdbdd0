// Package store keeps leads' States where a deployment keeps them — a database — and runs the
// loop every deployment of leadscore needs: load a lead's State, Observe, save it back without
// losing a concurrent update, record each event as processed exactly once, index the lead's
// next wake-up, and queue its hand-offs in an outbox written in the same transaction.
//
// A Store is the small interface a database implements (sqlite and postgres, in the
// subpackages); a Processor is the loop over it for one compiled Scorer. The leadscore library
// stays pure: the I/O is here, in a module of its own, so a library user pulls in no driver.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrLeadID is wrapped by the errors about a lead ID no Store keeps (CheckLeadID): no retry
// can fix it.
var ErrLeadID = errors.New("store: a lead ID must be 1 to 1,024 bytes of UTF-8 without NUL")

// MaxLeadIDBytes is the longest lead ID a Store keeps: every store indexes lead IDs, and a
// database's index entry is bounded (PostgreSQL's btree, about 2.7 kB, also holds the
// outbox keys that quote the ID).
const MaxLeadIDBytes = 1024

// CheckLeadID reports a lead ID that no Store keeps: empty, longer than MaxLeadIDBytes, not
// UTF-8 or holding a NUL (which PostgreSQL's text refuses). Every Store refuses such an ID
// on Save and PutLead, and the Processor before any I/O, wrapping ErrLeadID, so that one
// store does not take what another refuses on every retry.
func CheckLeadID(id string) error {
	switch {
	case id == "" || len(id) > MaxLeadIDBytes:
		return fmt.Errorf("%w: %d bytes", ErrLeadID, len(id))
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: %q is not UTF-8", ErrLeadID, id)
	case strings.IndexByte(id, 0) >= 0:
		return fmt.Errorf("%w: %q holds a NUL", ErrLeadID, id)
	}
	return nil
}

// ErrStoredData is wrapped by the Processor's errors about a lead whose stored row does not
// decode — its attributes, or its State (corrupt bytes, a State of another program): no
// retry can help; the row must be restored or the lead deleted. A service answers it as
// its own fault (500), not as a store that is busy (503, retry).
var ErrStoredData = errors.New("store: the lead's stored data do not decode")

// ErrConflict is what Save returns when the lead's stored version is no longer the one the
// Change was computed from, or one of its event IDs was recorded as processed meanwhile: a
// concurrent writer got there first. Nothing of the Change is written; the Processor loads the
// lead again and retries.
var ErrConflict = errors.New("store: concurrent update (the lead's version moved, or an event was processed meanwhile)")

// Store keeps, per lead: its attributes, its State with a version, the IDs of the events
// processed for it, its next wake-up; and one outbox of messages (hand-offs) to deliver.
// Implementations are safe for concurrent use by many goroutines and processes.
type Store interface {
	// Load returns the lead's record. A lead never stored is no error: Version 0, no State,
	// no attributes. Load, PutLead and Save refuse a lead ID CheckLeadID refuses (ErrLeadID).
	Load(ctx context.Context, leadID string) (Record, error)

	// PutLead stores the lead's attributes (the wire-format JSON of a Lead, or the caller's
	// own encoding). It does not change the State or its version.
	PutLead(ctx context.Context, leadID string, attrs []byte) error

	// Processed returns those of ids already recorded as processed for the lead, in any order.
	Processed(ctx context.Context, leadID string, ids []string) ([]string, error)

	// Save writes a Change in one transaction: the State with compare-and-swap on the version
	// it was computed from, the wake-up, the processed event IDs and the outbox messages. It
	// returns the new version (the old plus one). ErrConflict (wrapped or not: test with
	// errors.Is) when the version moved or an event ID was recorded meanwhile; then nothing is
	// written. A message whose Key the outbox holds already (pending or delivered) is that
	// message queued before: it is skipped, and the Save succeeds. A Change without a State,
	// or listing an event ID twice, is an error that is not ErrConflict (no retry can fix it).
	Save(ctx context.Context, ch Change) (version int64, err error)

	// Due returns up to limit leads whose wake-up is at or before t, earliest first. Any t
	// is a bound: one past the year 2262 finds every wake-up (BoundNanos).
	Due(ctx context.Context, t time.Time, limit int) ([]string, error)

	// Rewake makes every lead with a State due at t at the latest (a wake-up after t, or
	// none, becomes t) and returns how many it changed. The wake-up index holds the times the
	// rules of the last Save gave: after a rule change it may wake a lead late, or never.
	// Rewake once after the change, and the next Wake calls set each lead's wake-up by the
	// new rules (Advancing those due, re-indexing the others: one Save each). A t outside
	// [leadscore.MinTime, leadscore.MaxTime] is refused (CheckWakeup), as is a Change whose
	// Wakeup is.
	Rewake(ctx context.Context, t time.Time) (int64, error)

	// Pending returns up to limit undelivered outbox messages, oldest first.
	Pending(ctx context.Context, limit int) ([]Message, error)

	// Delivered marks outbox messages as delivered; unknown or already delivered IDs are no
	// error. Attempt records a failed delivery (the count and the error), for backoff; the
	// error is recorded as FailureText gives it, whatever bytes the receiver answered with.
	Delivered(ctx context.Context, ids ...int64) error
	Attempt(ctx context.Context, id int64, failure string) error

	// Close releases the store's connections.
	Close() error
}

// Record is a lead as stored.
type Record struct {
	LeadID  string
	Attrs   []byte // the lead's attributes as PutLead stored them; nil: none
	State   []byte // leadscore.State.MarshalBinary; nil: no State yet (a new lead)
	Version int64  // 0: no State stored yet; Save's compare-and-swap token
}

// Change is what one Processor step writes for one lead, all or nothing.
type Change struct {
	LeadID   string
	Version  int64     // the version the State was computed from (Record.Version)
	State    []byte    // the new State
	Wakeup   time.Time // the lead's next wake-up (Scorer.NextWakeup); zero: none
	EventIDs []string  // recorded as processed for the lead; one already recorded is ErrConflict
	Messages []Message // appended to the outbox
}

// Message is one outbox entry: a hand-off (or another transition) to deliver once.
type Message struct {
	ID       int64     // assigned by the store
	Key      string    // idempotency key, unique in the outbox: a receiver de-duplicates on it
	LeadID   string    //
	Kind     string    // "handoff" (KindHandoff), or the transition's kind: "tier", "stage", "signal", "sla"
	Payload  []byte    // JSON: the transition and the Result that caused it
	Created  time.Time // the transition's time (the event's evaluation time, not the wall clock)
	Attempts int       // failed deliveries so far
	LastErr  string    // the last failure, if any
}

// FailureText is a delivery failure as a Store records it: valid UTF-8 with no NUL, every
// other byte kept. A failure quotes what a receiver answered, cut at any byte and in any
// encoding, and a database's text column (PostgreSQL's) refuses what is not UTF-8: the
// failure must be recorded all the same, or its attempt is not counted and backoff fails.
func FailureText(failure string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(failure, "\x00", "\uFFFD"), "\uFFFD")
}
