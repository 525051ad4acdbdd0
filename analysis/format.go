package analysis

import (
	"fmt"

	"github.com/leadscore/leadscore/internal/text"
)

// points renders a score with at most two decimals: 64.25, 70, -3.5.
func points(v float64) string { return text.Decimal(v, 2) }

// signed renders points with their sign: +20, -15, +0.
func signed(v float64) string { return text.Signed(v, 2) }

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
