package leadbeam

import (
	"testing"
	"time"
)

// TestHorizonOutOfRangeIsRefused: Options.Horizon was converted with UnixNano, whose result
// is undefined outside 1678–2262, with no range check: a Horizon in 2300 (meant as "far
// away") became 1715-06-13, before every event, so Score armed no wakeup and Backfill applied
// nothing (every record "after the backfill's horizon"). A Horizon outside the library's
// range is refused at construction, as a bad rule set is; one inside it, its ends included,
// is taken as it is.
func TestHorizonOutOfRangeIsRefused(t *testing.T) {
	rules := ruleSet(t, false)
	for _, y := range []int{1000, 1500, 1677, 1899, 2201, 2262, 2300, 9999} {
		h := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		if sp, err := (Options{RuleSet: rules, Horizon: h}).spec(); err == nil {
			t.Errorf("Horizon %d: accepted, as Unix ns %d (%s)", y, sp.horizon(), time.Unix(0, sp.horizon()).UTC())
		}
	}
	for _, h := range []time.Time{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2199, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if sp, err := (Options{RuleSet: rules, Horizon: h}).spec(); err != nil || sp.horizon() != h.UnixNano() {
			t.Errorf("Horizon %s: %v, %d", h, err, sp.horizon())
		}
	}
}
