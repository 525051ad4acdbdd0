package store

import (
	"fmt"
	"math"
	"time"

	"github.com/leadscore/leadscore"
)

// Stores index wake-ups as Unix nanoseconds, exact and ordered as the times are. But
// time.Time.UnixNano is undefined outside the years 1678–2262, and the times a Store is
// given come from its caller: a Due or Prune "up to the year 3000" wrapped to a time in the
// 1800s and found nothing, a Rewake to the year 3000 wrote that wrapped time as every lead's
// wake-up.

var (
	minNanos = time.Unix(0, math.MinInt64)
	maxNanos = time.Unix(0, math.MaxInt64)
)

// BoundNanos is t in Unix nanoseconds as a bound to compare stored times with (Due's "at or
// before t", Prune's "before t"): a time beyond what an int64 of nanoseconds holds becomes
// its end, which every stored time is on the near side of.
func BoundNanos(t time.Time) int64 {
	switch {
	case t.Before(minNanos):
		return math.MinInt64
	case t.After(maxNanos):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// CheckWakeup refuses a wake-up a lead cannot have: one outside the library's range of
// times, [leadscore.MinTime, leadscore.MaxTime], where NextWakeup's answers lie (the zero
// time among them: a Change without a wake-up is not checked). what names the value in the
// error ("the Change's wake-up", "Rewake's time").
func CheckWakeup(what string, t time.Time) error {
	if !t.Before(leadscore.MinTime) && !t.After(leadscore.MaxTime) {
		return nil
	}
	return fmt.Errorf("%s %s is outside [%s, %s], the times a lead can wake at",
		what, t.UTC().Format(time.RFC3339Nano), leadscore.MinTime.Format(time.RFC3339), leadscore.MaxTime.Format(time.RFC3339))
}
