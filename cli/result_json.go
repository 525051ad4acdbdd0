package cli

import (
	"errors"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// appendJSON appends r as encoding/json writes it (HTML not escaped), and a newline, as
// json.Encoder.Encode does. score writes one line per lead, and reflection was a fifth of
// its time; TestResultJSONAgreesWithEncodingJSON holds the two to the same bytes.
func (r *result) appendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"line":`...)
	b = strconv.AppendInt(b, int64(r.Line), 10)
	if r.Name != "" {
		b = appendJSONString(append(b, `,"name":`...), r.Name)
	}
	if r.ID != "" {
		b = appendJSONString(append(b, `,"id":`...), r.ID)
	}
	if r.Email != "" {
		b = appendJSONString(append(b, `,"email":`...), r.Email)
	}
	if b, err = appendJSONTime(append(b, `,"at":`...), r.At); err != nil {
		return nil, err
	}
	for _, f := range [...]struct {
		key string
		v   float64
	}{{`,"total":`, r.Total}, {`,"fit":`, r.Fit}, {`,"engagement":`, r.Engagement}, {`,"relationship":`, r.Relationship}} {
		if b, err = appendJSONFloat(append(b, f.key...), f.v); err != nil {
			return nil, err
		}
	}
	b = appendJSONString(append(b, `,"tier":`...), r.Tier)
	b = strconv.AppendBool(append(b, `,"handoff":`...), r.Handoff)
	b = strconv.AppendBool(append(b, `,"disqualified":`...), r.Disqualified)
	if r.Grade != "" {
		b = appendJSONString(append(b, `,"grade":`...), r.Grade)
	}
	b = appendJSONString(append(b, `,"stage":`...), r.Stage)
	if r.Owner != "" {
		b = appendJSONString(append(b, `,"owner":`...), string(r.Owner))
	}
	if r.Stalled {
		b = append(b, `,"stalled":true`...)
	}
	if r.Persona != "" {
		b = appendJSONString(append(b, `,"persona":`...), r.Persona)
	}
	if r.Track != "" {
		b = appendJSONString(append(b, `,"track":`...), r.Track)
	}
	b = append(b, `,"signals":`...)
	if r.Signals == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, s := range r.Signals {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(append(b, `{"kind":`...), s.Kind)
			if b, err = appendJSONFloat(append(b, `,"strength":`...), s.Strength); err != nil {
				return nil, err
			}
			if b, err = appendJSONTime(append(b, `,"at":`...), s.At); err != nil {
				return nil, err
			}
			b = append(appendJSONString(append(b, `,"reason":`...), s.Reason), '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"contributions":`...)
	if r.Contributions == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range r.Contributions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(append(b, `{"rule":`...), c.RuleID)
			b = appendJSONString(append(b, `,"dimension":`...), string(c.Dimension))
			if b, err = appendJSONFloat(append(b, `,"points":`...), c.Points); err != nil {
				return nil, err
			}
			b = appendJSONString(append(b, `,"reason":`...), c.Reason)
			if c.Events != 0 {
				b = strconv.AppendInt(append(b, `,"events":`...), int64(c.Events), 10)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"transitions":`...)
	if r.Transitions == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, t := range r.Transitions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(append(b, `{"kind":`...), string(t.Kind))
			for _, f := range [...]struct{ key, v string }{
				{`,"from":`, string(t.From)}, {`,"to":`, string(t.To)}, {`,"from_tier":`, t.FromTier},
				{`,"to_tier":`, t.ToTier}, {`,"signal":`, t.Signal},
			} {
				if f.v != "" {
					b = appendJSONString(append(b, f.key...), f.v)
				}
			}
			if t.Raised {
				b = append(b, `,"raised":true`...)
			}
			if b, err = appendJSONTime(append(b, `,"at":`...), t.At); err != nil {
				return nil, err
			}
			b = append(appendJSONString(append(b, `,"reason":`...), t.Reason), '}')
		}
		b = append(b, ']')
	}
	if t := r.Trigger; t != nil {
		b = appendJSONString(append(b, `,"trigger":{"kind":`...), string(t.Kind))
		for _, f := range [...]struct{ key, v string }{{`,"event":`, t.Event}, {`,"event_id":`, t.EventID}, {`,"member":`, t.Member}} {
			if f.v != "" {
				b = appendJSONString(append(b, f.key...), f.v)
			}
		}
		if b, err = appendJSONTime(append(b, `,"at":`...), t.At); err != nil {
			return nil, err
		}
		b = append(appendJSONString(append(b, `,"reason":`...), t.Reason), '}')
	}
	if rj := r.Rejection; rj != nil {
		b = appendJSONString(append(b, `,"rejection":{"reason":`...), rj.Reason)
		if b, err = appendJSONTime(append(b, `,"at":`...), rj.At); err != nil {
			return nil, err
		}
		b = append(b, '}')
	}
	b = appendJSONString(append(b, `,"explanation":`...), r.Explanation)
	if len(r.Errors) > 0 {
		b = append(b, `,"errors":[`...)
		for i, e := range r.Errors {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, e)
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...), nil
}

// appendJSONString writes s as encoding/json does with HTML escaping off: invalid UTF-8
// becomes \ufffd, U+2028 and U+2029 are escaped, control characters too.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(append(b, s[start:i]...), `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(append(b, s[start:]...), '"')
}

// appendJSONFloat writes f as encoding/json does: like ES6, 'e' notation outside
// [1e-6, 1e21), its exponent unpadded. NaN and infinities are no JSON.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, errors.New("json: unsupported value: " + strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return b, nil
}

// appendJSONTime writes t as time.Time.MarshalJSON does, through it when t is outside what
// RFC 3339 can say (MarshalJSON's error is the answer then).
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		_, err := t.MarshalJSON()
		return nil, err
	}
	if _, off := t.Zone(); off%60 != 0 || off <= -24*3600 || off >= 24*3600 {
		m, err := t.MarshalJSON()
		return append(b, m...), err
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}
