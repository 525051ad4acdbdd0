package leadbeam

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// meta is a lead's bookkeeping beside its State, kept in one Beam state cell because every
// state read and write is a round trip to the runner (a write is several: clear, then
// append): the element path reads only this, and writes it only when the record is due
// before the timer already armed.
type meta struct {
	Seq        int64  // Updates emitted
	Started    bool   // Done is set: a timer has applied the lead up to it
	Done       int64  // Unix ns up to which records and wakeups have been applied
	Armed      bool   // Tick is set …
	ArmedMs    int64  // … for this millisecond
	Stale      int64  // records in the pending bag already applied (At <= Done), not yet removed
	AttrsAtSet bool   // AttrsAt is known; a meta written before it was kept has Attrs without it
	AttrsAt    int64  // Unix ns of the lead record Attrs came from: an older one must not replace them
	Attrs      []byte // the lead's attributes, leadscore.Lead JSON (empty: none yet)
}

var errBadMeta = errors.New("leadbeam: malformed lead bookkeeping")

// metaWithAttrsAt marks the layout that keeps AttrsAt. The first layout had no mark and
// began with Seq as a zigzag varint, whose first byte is even for every Seq it wrote (Seq
// counts from 0), so an odd first byte tells a newer layout apart from it; running
// pipelines hold metas of both.
const metaWithAttrsAt byte = 1

// encode lays m out as metaWithAttrsAt, varint Seq, flag Started, varint Done, flag Armed,
// varint ArmedMs, varint Stale, flag AttrsAtSet, varint AttrsAt, then Attrs to the end.
func (m meta) encode() []byte {
	b := make([]byte, 0, 1+5*binary.MaxVarintLen64+3+len(m.Attrs))
	b = append(b, metaWithAttrsAt)
	b = binary.AppendVarint(b, m.Seq)
	b = append(b, boolByte(m.Started))
	b = binary.AppendVarint(b, m.Done)
	b = append(b, boolByte(m.Armed))
	b = binary.AppendVarint(b, m.ArmedMs)
	b = binary.AppendVarint(b, m.Stale)
	b = append(b, boolByte(m.AttrsAtSet))
	b = binary.AppendVarint(b, m.AttrsAt)
	return append(b, m.Attrs...)
}

// decodeMeta reads both layouts: the first (the same fields without the mark and without
// AttrsAtSet and AttrsAt, which then stay unset) and metaWithAttrsAt's.
func decodeMeta(b []byte) (meta, error) {
	var m meta
	if len(b) == 0 {
		return m, nil // a lead seen for the first time
	}
	marked := b[0]&1 == 1
	if marked {
		if b[0] != metaWithAttrsAt {
			return meta{}, fmt.Errorf("%w: unknown layout %#02x (written by a newer release?)", errBadMeta, b[0])
		}
		b = b[1:]
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
	if marked && (!flag(&m.AttrsAtSet) || !varint(&m.AttrsAt)) {
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
