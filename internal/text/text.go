package text

import (
	"bytes"
	"cmp"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// LineColumn converts a byte offset in data into a 1-based line and a 1-based column counted
// in bytes. An offset outside data is clamped to its nearest end.
func LineColumn(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = offset - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// Plural returns one when n is 1 and many otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Thousands formats n with a comma between groups of three digits (4000 → "4,000"): figures
// compared by eye with limits read better grouped.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	b := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > start && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// Decimal renders v rounded to at most places decimals, without trailing zeros and without
// "-0": 64.25, 70, -3.5. NaN and infinities read as strconv writes them.
func Decimal(v float64, places int) string {
	var buf [32]byte
	return string(AppendDecimal(buf[:0], v, places))
}

// AppendDecimal appends Decimal(v, places) to dst.
func AppendDecimal(dst []byte, v float64, places int) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.AppendFloat(dst, v, 'g', -1, 64)
	}
	scale := math.Pow10(places)
	v = math.Round(v*scale) / scale
	if v == 0 {
		v = 0 // no "-0"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.AppendInt(dst, int64(v), 10) // points are mostly whole: skip the shortest-float search
	}
	return strconv.AppendFloat(dst, v, 'f', -1, 64)
}

// Signed is Decimal with the sign always written: +20, -15, +0.
func Signed(v float64, places int) string {
	s := Decimal(v, places)
	if !strings.HasPrefix(s, "-") && !math.IsNaN(v) && !math.IsInf(v, 0) {
		s = "+" + s
	}
	return s
}

// SortedKeys returns m's keys in order, so that walking a map is deterministic.
func SortedKeys[M ~map[K]V, K cmp.Ordered, V any](m M) []K {
	return slices.Sorted(maps.Keys(m))
}

// SortedSet returns the strings of xs in order, without duplicates; xs is not modified.
func SortedSet(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// Number formats v for a reader: at most prec decimals, no trailing zeros, a true minus sign
// (−), "0" for a negative zero, and NaN and the infinities as "n/a", "∞" and "−∞".
func Number(v float64, prec int) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "−∞"
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	switch {
	case s == "-0":
		return "0"
	case strings.HasPrefix(s, "-"):
		return "−" + s[1:]
	}
	return s
}
