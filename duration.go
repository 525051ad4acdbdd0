package leadscore

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration that reads and writes the config's duration syntax: Go's
// (ns, us, µs, ms, s, m, h) plus d (24h) and w (7d), as in "14d", "36h", "2w", "1w3d" or "1.5d".
// Negative durations are rejected.
type Duration time.Duration

// Day and Week are the config's two extra units.
const (
	Day  = 24 * time.Hour
	Week = 7 * Day
)

var durationUnits = map[string]float64{
	"ns": float64(time.Nanosecond),
	"us": float64(time.Microsecond),
	"µs": float64(time.Microsecond),
	"μs": float64(time.Microsecond),
	"ms": float64(time.Millisecond),
	"s":  float64(time.Second),
	"m":  float64(time.Minute),
	"h":  float64(time.Hour),
	"d":  float64(Day),
	"w":  float64(Week),
}

// ParseDuration parses s in the config's duration syntax.
func ParseDuration(s string) (Duration, error) {
	orig := s
	if s == "" {
		return 0, errors.New(`leadscore: empty duration`)
	}
	if s[0] == '-' {
		return 0, fmt.Errorf("leadscore: negative duration %q", orig)
	}
	s = strings.TrimPrefix(s, "+")
	if s == "0" {
		return 0, nil
	}
	var total float64
	for s != "" {
		i := 0
		for i < len(s) && (s[i] == '.' || ('0' <= s[i] && s[i] <= '9')) {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("leadscore: invalid duration %q: expected a number", orig)
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("leadscore: invalid duration %q", orig)
		}
		s = s[i:]
		j := 0
		for j < len(s) && s[j] != '.' && (s[j] < '0' || s[j] > '9') {
			j++
		}
		unit, ok := durationUnits[s[:j]]
		if !ok {
			if j == 0 {
				return 0, fmt.Errorf("leadscore: invalid duration %q: missing unit (one of ns, us, ms, s, m, h, d, w)", orig)
			}
			return 0, fmt.Errorf("leadscore: invalid duration %q: unknown unit %q", orig, s[:j])
		}
		s = s[j:]
		total += n * unit
	}
	// float64(math.MaxInt64) rounds up to 2^63, which does not fit: compare with that.
	if total >= float64(math.MaxInt64) || math.IsNaN(total) {
		return 0, fmt.Errorf("leadscore: duration %q is too long", orig)
	}
	return Duration(total), nil
}

// String formats d in the largest whole unit that represents it exactly ("14d", "2w", "36h"),
// falling back to Go's syntax.
func (d Duration) String() string {
	switch {
	case d == 0:
		return "0"
	case d < 0:
		return time.Duration(d).String()
	case time.Duration(d)%Week == 0:
		return strconv.FormatInt(int64(time.Duration(d)/Week), 10) + "w"
	case time.Duration(d)%Day == 0:
		return strconv.FormatInt(int64(time.Duration(d)/Day), 10) + "d"
	}
	return time.Duration(d).String()
}

// MarshalText implements encoding.TextMarshaler (and so JSON and most YAML libraries).
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// UnmarshalJSON accepts only a JSON string: a bare number would be ambiguous (seconds? days?).
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' {
		return fmt.Errorf(`leadscore: duration must be a string such as "14d", got %s`, b)
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("leadscore: invalid duration %s", b)
	}
	return d.UnmarshalText([]byte(s))
}
