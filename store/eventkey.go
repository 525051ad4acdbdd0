package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"

	"github.com/leadscore/leadscore"
)

// EventKey is the ID given to an event that has none: a hash of the lead ID and the event's
// canonical content (type, time to the nanosecond, channel, path, category, value, properties
// as JSON). The same event delivered twice gets the same key, so the processed-events table
// recognises the redelivery; two events that differ in anything a rule can read get different
// keys. Two genuinely distinct events identical in all of it (same type at the same
// nanosecond, same everything) are taken as one: give such events IDs.
func EventKey(leadID string, ev leadscore.Event) string {
	h := sha256.New()
	// Every field is length-prefixed, so no choice of strings can make two events encode alike.
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	str := func(s string) { field([]byte(s)) }
	num := func(u uint64) {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], u)
		field(b[:])
	}
	str("leadscore/store.EventKey v1")
	str(leadID)
	str(ev.Type)
	num(uint64(ev.Time.UnixNano())) // the time zone and monotonic reading are not content
	str(ev.Channel)
	str(ev.Path)
	str(ev.Category)
	v := ev.Value
	if v == 0 {
		v = 0 // -0 and +0 are one value to every rule
	}
	num(math.Float64bits(v))
	field(canonicalProperties(ev.Properties))
	return "ek_" + hex.EncodeToString(h.Sum(nil)[:20])
}

// canonicalProperties encodes properties as JSON, whose map keys encoding/json sorts: the
// same properties give the same bytes whatever order they were built in. Values JSON cannot
// encode (NaN, channels: no decoded webhook has them) fall back to fmt, which sorts map keys too.
func canonicalProperties(props map[string]any) []byte {
	if len(props) == 0 {
		return nil
	}
	if b, err := json.Marshal(props); err == nil {
		return b
	}
	return fmt.Appendf(nil, "%#v", props)
}
