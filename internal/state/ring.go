package state

import "math"

// A ring keeps the latest event times of one event type, ascending, None in the slots not yet
// used (None sorts first). It is a fixed-size slice of Data.Times.

// Insert keeps t among the ring's latest times. A time older than everything kept, when the
// ring is full, is dropped: it would never be counted.
func Insert(ring []int64, t int64) {
	if len(ring) == 0 || t < ring[0] {
		return
	}
	i := 0
	for i+1 < len(ring) && ring[i+1] <= t {
		ring[i] = ring[i+1]
		i++
	}
	ring[i] = t
}

// CountIn counts the ring's times in [from, to]. When every kept time is in the window the
// true count may be larger; the ring's capacity is chosen so that this saturation does not
// change a comparison.
func CountIn(ring []int64, from, to int64) int {
	n, _, _ := SpanIn(ring, from, to)
	return n
}

// SpanIn counts the ring's times in [from, to], and returns the first and last of them
// (MaxInt64 and MinInt64 when there are none). The ring is ascending with None (the
// smallest int64) first, so it is read from the newest time back to the first one before
// from: an evaluation asks this of every tracked type, and most rings are empty or old.
func SpanIn(ring []int64, from, to int64) (n int, first, last int64) {
	first, last = math.MaxInt64, math.MinInt64
	for i := len(ring) - 1; i >= 0; i-- {
		t := ring[i]
		if t < from || t == None {
			break
		}
		if t <= to {
			n++
			first, last = t, max(last, t)
		}
	}
	return n, first, last
}

// LastIn returns the latest time in the ring that is ≤ to, or None.
func LastIn(ring []int64, to int64) int64 {
	for i := len(ring) - 1; i >= 0; i-- {
		if ring[i] != None && ring[i] <= to {
			return ring[i]
		}
	}
	return None
}

// Expiry returns the first time after from at which a time of the ring leaves a window of
// length w (a time t counts in [t, t + w]), or MaxInt64.
func Expiry(ring []int64, w, from int64) int64 {
	for _, t := range ring {
		if t != None && Add(t, w) >= from {
			return Add(Add(t, w), 1)
		}
	}
	return math.MaxInt64
}

// Window returns the start of the window of length w that ends at t, saturating.
func Window(t, w int64) int64 { return Add(t, -w) }
