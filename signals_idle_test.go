package leadscore

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestDetectorIdleNeverHidesASignal: detect skips a built-in detector that idle says cannot
// fire, so idle must never say so of one that would. On the presets and on a config with
// every detector at its defaults, after random event histories (page categories, carts,
// purchases, questions and engagement, spread over months), at random times after them,
// every detector idle calls quiet must find nothing and fail on nothing when run anyway.
func TestDetectorIdleNeverHidesASignal(t *testing.T) {
	configs := []struct {
		name string
		cfg  Config
	}{{"b2b", DefaultB2B()}, {"b2c", DefaultB2C()}, {"defaults", thirtyRules()}}
	paths := []string{"/pricing", "/product/a", "/careers", "/blog/x", "/features", "/jobs/1", "/"}
	fired := map[string]bool{} // the kinds seen firing, so the test is known to reach them
	for k, c := range configs {
		name, rng := c.name, rand.New(rand.NewPCG(7, uint64(k)))
		s := compileT(t, c.cfg)
		types := EventTypes()
		for trial := range 400 {
			var st State
			at := t0
			gap := []Duration{Duration(time.Hour), Duration(Day), Duration(10 * Day)}[rng.IntN(3)]
			// Some histories favour page views, so that visits (views an hour or more apart
			// are separate ones) reach frequent_visits' minimum.
			views := rng.IntN(3) == 0
			for range rng.IntN(40) {
				at = at.Add(time.Duration(rng.Int64N(int64(gap))))
				e := Event{Type: types[rng.IntN(len(types))], Time: at, Value: float64(rng.IntN(300))}
				if views && rng.IntN(2) == 0 {
					e.Type = EventPageView
				}
				if e.Type == EventPageView {
					e.Path = paths[rng.IntN(len(paths))]
				}
				if _, err := s.Observe(benchLead, &st, e); err != nil {
					t.Fatalf("%s: Observe(%+v): %v", name, e, err)
				}
			}
			sc := s.get()
			d := s.view(&st.d)
			for range 5 {
				now := at.Add(time.Duration(rng.Int64N(int64([]Duration{Duration(time.Hour), Duration(5 * Day), Duration(60 * Day)}[rng.IntN(3)]))))
				u := d.At(now.UnixNano())
				s.fillEnv(sc, &benchLead, d, u, now, nil)
				for i := range s.detectors {
					det := &s.detectors[i]
					if det.when != nil {
						continue
					}
					if !det.idle(d, true, u) {
						if _, ok, _ := s.detectBuiltin(det, sc, d, true, u); ok {
							fired[det.kind] = true
						}
						continue
					}
					if sig, ok, err := s.detectBuiltin(det, sc, d, true, u); ok || err != nil {
						t.Fatalf("%s trial %d: %s is idle at %v, yet detects %+v (err %v)", name, trial, det.kind, now, sig, err)
					}
				}
			}
			s.put(sc)
		}
	}
	for _, k := range []string{SignalFrequentEngagement, SignalFrequentVisits, SignalJobSeeker, SignalQuestion, SignalAbandonedCart, SignalVelocity} {
		if !fired[k] {
			t.Errorf("no history made %s fire: the test does not reach it", k)
		}
	}
}
