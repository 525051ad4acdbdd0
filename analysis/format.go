package analysis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// points renders a score with at most two decimals: 64.25, 70, -3.5.
func points(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	v = math.Round(v*100) / 100
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// signed renders points with their sign: +20, -15, +0.
func signed(v float64) string {
	s := points(v)
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// orNone renders an empty name as "(none)".
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// change renders a difference of counts: "=", "+2", "-1".
func change(n int) string {
	if n == 0 {
		return "="
	}
	return fmt.Sprintf("%+d", n)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
