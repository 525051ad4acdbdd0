package leadbeam

import (
	"cmp"
	"encoding/binary"
	"errors"
	"math"
)

// kind says what a record carries. Records of one lead at the same instant are applied in
// kind order: a seed State first, then the lead's attributes, then events — so an event is
// scored with the attributes that were valid at its time, and on top of its seeded history.
type kind uint8

const (
	kindState kind = 1 + iota // Body: State.MarshalBinary bytes
	kindLead                  // Body: leadscore.Lead JSON
	kindEvent                 // Body: leadscore.Event JSON
)

func (k kind) String() string {
	switch k {
	case kindState:
		return "state"
	case kindLead:
		return "lead"
	case kindEvent:
		return "event"
	}
	return "unknown"
}

// record is one input of a lead as it travels between stages and waits in the pending bag.
// It is encoded by hand (not by a Beam coder) so that the bag and the shuffles carry plain
// bytes on every runner, and so that At keeps the event's nanoseconds: Beam's timestamps
// are milliseconds, and NextWakeup and the order of events within a millisecond are not.
type record struct {
	Kind kind
	At   int64  // Unix nanoseconds: the event's own time, or the element timestamp
	ID   string // event ID (may be empty)
	Body []byte
}

var errBadRecord = errors.New("leadbeam: malformed internal record")

// encode lays r out as kind, At (8 bytes, big-endian), uvarint len(ID), ID, Body.
func (r record) encode() []byte {
	b := make([]byte, 0, 1+8+binary.MaxVarintLen64+len(r.ID)+len(r.Body))
	b = append(b, byte(r.Kind))
	b = binary.BigEndian.AppendUint64(b, uint64(r.At))
	b = binary.AppendUvarint(b, uint64(len(r.ID)))
	b = append(b, r.ID...)
	return append(b, r.Body...)
}

func decodeRecord(b []byte) (record, error) {
	if len(b) < 9 {
		return record{}, errBadRecord
	}
	r := record{Kind: kind(b[0]), At: int64(binary.BigEndian.Uint64(b[1:9]))}
	n, w := binary.Uvarint(b[9:])
	if w <= 0 || n > uint64(len(b)-9-w) {
		return record{}, errBadRecord
	}
	rest := b[9+w:]
	r.ID = string(rest[:n])
	r.Body = rest[n:]
	if r.Kind < kindState || r.Kind > kindEvent {
		return record{}, errBadRecord
	}
	return r, nil
}

// compareRecords is the order a lead's records are applied in: time, then kind, then ID,
// then bytes — a total order, so the result does not depend on the order Beam delivered
// them in, even for two different events at the same nanosecond.
func compareRecords(a, b record) int {
	if c := cmp.Compare(a.At, b.At); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := cmp.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	return cmp.Compare(string(a.Body), string(b.Body))
}

const nanosPerMilli = int64(1e6)

// millisToNanos converts a Beam timestamp (milliseconds) to nanoseconds, saturating: Beam's
// minimum timestamp (that of elements made by beam.Create) is far outside an int64 of
// nanoseconds.
func millisToNanos(ms int64) int64 {
	switch {
	case ms > math.MaxInt64/nanosPerMilli:
		return math.MaxInt64
	case ms < math.MinInt64/nanosPerMilli:
		return math.MinInt64
	}
	return ms * nanosPerMilli
}

// floorMillis is the millisecond a nanosecond time falls in (rounding towards −∞): the Beam
// timestamp of an element at that time.
func floorMillis(ns int64) int64 {
	ms := ns / nanosPerMilli
	if ns%nanosPerMilli < 0 {
		ms--
	}
	return ms
}

// dueMillis is the millisecond a timer is set for to apply what happens at ns: the one after
// ns's own. A timer fires once the watermark has reached its time, and only then is it sure
// that no on-time element of ns's millisecond is still to come.
func dueMillis(ns int64) int64 { return floorMillis(ns) + 1 }
