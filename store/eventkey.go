package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/leadscore/leadscore"
)

// EventKey is the ID given to an event that has none: a hash of the lead ID and the event's
// canonical content (type, time to the nanosecond, channel, path, category, value, campaign,
// content, CTA, properties byte for byte). The same event delivered twice gets the same key, so the processed-events table
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
	// The attribution fields came after the first keys: hashed only when set, so that an
	// event without them keeps the key it had (a redelivery across the upgrade is still
	// recognised), and one with them gets a key of its own.
	if ev.Campaign != "" || ev.Content != "" || ev.CTA != "" {
		str("attribution")
		str(ev.Campaign)
		str(ev.Content)
		str(ev.CTA)
	}
	return "ek_" + hex.EncodeToString(h.Sum(nil)[:20])
}

// canonicalProperties encodes properties as JSON, whose map keys encoding/json sorts: the
// same properties give the same bytes whatever order they were built in. JSON is not exact
// for every Go string (it writes each invalid UTF-8 byte as U+FFFD, so "\xff" and "\xfe"
// would be one), nor for values it cannot encode (NaN, channels): those properties are
// written exactly instead (exactProperties), after a 0 byte no JSON begins with.
func canonicalProperties(props map[string]any) []byte {
	if len(props) == 0 {
		return nil
	}
	if validUTF8(props) {
		if b, err := json.Marshal(props); err == nil {
			return b
		}
	}
	return exactValue([]byte{0}, props)
}

// validUTF8 reports whether every string in v (map keys included) is valid UTF-8.
func validUTF8(v any) bool {
	switch v := v.(type) {
	case string:
		return utf8.ValidString(v)
	case map[string]any:
		for k, e := range v {
			if !utf8.ValidString(k) || !validUTF8(e) {
				return false
			}
		}
	case []any:
		for _, e := range v {
			if !validUTF8(e) {
				return false
			}
		}
	}
	return true
}

// exactValue appends an encoding of v to b that tells apart any two values a rule can tell
// apart: each value tagged with its kind, strings and keys length-prefixed byte for byte,
// maps in key order. Kinds a decoded event does not hold fall back to fmt's Go syntax.
func exactValue(b []byte, v any) []byte {
	str := func(b []byte, s string) []byte { return append(binary.AppendUvarint(b, uint64(len(s))), s...) }
	switch v := v.(type) {
	case nil:
		return append(b, 'n')
	case string:
		return str(append(b, 's'), v)
	case bool:
		if v {
			return append(b, 't')
		}
		return append(b, 'f')
	case float64:
		return binary.BigEndian.AppendUint64(append(b, 'd'), math.Float64bits(v))
	case map[string]any:
		b = binary.AppendUvarint(append(b, 'm'), uint64(len(v)))
		for _, k := range slices.Sorted(maps.Keys(v)) {
			b = exactValue(str(b, k), v[k])
		}
		return b
	case []any:
		b = binary.AppendUvarint(append(b, 'a'), uint64(len(v)))
		for _, e := range v {
			b = exactValue(b, e)
		}
		return b
	}
	return str(append(b, 'g'), fmt.Sprintf("%#v", v))
}
