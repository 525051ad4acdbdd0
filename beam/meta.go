package leadbeam

import (
	"encoding/binary"
	"errors"
)

// meta is a lead's bookkeeping beside its State, kept in one Beam state cell because every
// state read and write is a round trip to the runner (a write is several: clear, then
// append): the element path reads only this, and writes it only when the record is due
// before the timer already armed.
type meta struct {
	Seq     int64  // Updates emitted
	Started bool   // Done is set: a timer has applied the lead up to it
	Done    int64  // Unix ns up to which records and wakeups have been applied
	Armed   bool   // Tick is set …
	ArmedMs int64  // … for this millisecond
	Stale   int64  // records in the pending bag already applied (At <= Done), not yet removed
	Attrs   []byte // the lead's attributes, leadscore.Lead JSON (empty: none yet)
}

var errBadMeta = errors.New("leadbeam: malformed lead bookkeeping")

func (m meta) encode() []byte {
	b := make([]byte, 0, 4*binary.MaxVarintLen64+2+len(m.Attrs))
	b = binary.AppendVarint(b, m.Seq)
	b = append(b, boolByte(m.Started))
	b = binary.AppendVarint(b, m.Done)
	b = append(b, boolByte(m.Armed))
	b = binary.AppendVarint(b, m.ArmedMs)
	b = binary.AppendVarint(b, m.Stale)
	return append(b, m.Attrs...)
}

func decodeMeta(b []byte) (meta, error) {
	var m meta
	if len(b) == 0 {
		return m, nil // a lead seen for the first time
	}
	varint := func(dst *int64) bool {
		v, n := binary.Varint(b)
		if n <= 0 {
			return false
		}
		*dst, b = v, b[n:]
		return true
	}
	flag := func(dst *bool) bool {
		if len(b) == 0 || b[0] > 1 {
			return false
		}
		*dst, b = b[0] == 1, b[1:]
		return true
	}
	if !varint(&m.Seq) || !flag(&m.Started) || !varint(&m.Done) || !flag(&m.Armed) || !varint(&m.ArmedMs) || !varint(&m.Stale) {
		return meta{}, errBadMeta
	}
	if len(b) > 0 {
		m.Attrs = b
	}
	return m, nil
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
