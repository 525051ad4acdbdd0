package leadbeam

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
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

// The same over random times from the year -5000 to 15000, most beyond what UnixNano holds:
// a Horizon is taken, as its own UnixNano, exactly when it lies in [MinTime, MaxTime].
func TestHorizonRangeProperty(t *testing.T) {
	rules := ruleSet(t, false)
	rng := rand.New(rand.NewPCG(20, 26))
	span := time.Date(15000, 1, 1, 0, 0, 0, 0, time.UTC).Unix() - time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	from := time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for range 2000 {
		h := time.Unix(from+rng.Int64N(span), rng.Int64N(1e9)).UTC()
		if rng.IntN(4) == 0 { // near the ends of the range
			h = []time.Time{leadscore.MinTime, leadscore.MaxTime}[rng.IntN(2)].Add(time.Duration(rng.Int64N(2e9) - 1e9))
		}
		in := !h.Before(leadscore.MinTime) && !h.After(leadscore.MaxTime)
		sp, err := Options{RuleSet: rules, Horizon: h}.spec()
		switch {
		case in && (err != nil || sp.horizon() != h.UnixNano()):
			t.Fatalf("Horizon %s: %v, %d; want it taken", h, err, sp.horizon())
		case !in && err == nil:
			t.Fatalf("Horizon %s: taken as %d; want it refused", h, sp.horizon())
		}
	}
}
