package store

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// randomTime draws from the year -5000 to 15000, a quarter near the ends of the library's
// range or of what UnixNano holds.
func randomTime(rng *rand.Rand) time.Time {
	from := time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	to := time.Date(15000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	if rng.IntN(4) == 0 {
		ends := []time.Time{leadscore.MinTime, leadscore.MaxTime, minNanos, maxNanos}
		return ends[rng.IntN(len(ends))].Add(time.Duration(rng.Int64N(2e9) - 1e9))
	}
	return time.Unix(from+rng.Int64N(to-from), rng.Int64N(1e9)).UTC()
}

// BoundNanos orders as the times do, is UnixNano wherever that is defined, and the ends of
// an int64 beyond; CheckWakeup takes exactly the times in [MinTime, MaxTime].
func TestTimeBoundsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 4))
	for range 20_000 {
		a, b := randomTime(rng), randomTime(rng)
		if a.Before(b) && BoundNanos(a) > BoundNanos(b) || a.After(b) && BoundNanos(a) < BoundNanos(b) {
			t.Fatalf("BoundNanos(%s) = %d, BoundNanos(%s) = %d: out of order", a, BoundNanos(a), b, BoundNanos(b))
		}
		switch n := BoundNanos(a); {
		case !a.Before(minNanos) && !a.After(maxNanos) && n != a.UnixNano():
			t.Fatalf("BoundNanos(%s) = %d, want its UnixNano %d", a, n, a.UnixNano())
		case a.Before(minNanos) && n != math.MinInt64, a.After(maxNanos) && n != math.MaxInt64:
			t.Fatalf("BoundNanos(%s) = %d, want the end of an int64", a, n)
		}
		in := !a.Before(leadscore.MinTime) && !a.After(leadscore.MaxTime)
		err := CheckWakeup("the wake-up", a)
		if (err == nil) != in {
			t.Fatalf("CheckWakeup(%s) = %v; in range: %v", a, err, in)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "the wake-up "+a.UTC().Format(time.RFC3339Nano)+" is outside [1900-01-01T00:00:00Z, 2200-01-01T00:00:00Z]") {
			t.Fatalf("CheckWakeup(%s) = %q: it should name the value, the time and the range", a, err)
		}
	}
}
