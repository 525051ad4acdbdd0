package state

import (
	"math"
	"testing"
)

// longestName is the longest tier or stage name d holds.
func longestName(d *Data) int {
	n := max(len(d.Tier), len(d.Stage))
	for _, v := range d.History {
		n = max(n, len(v.Stage))
	}
	return n
}

// MaxLen bounds Marshal's output: over random Datas, Datas at the codec's extremes (the
// longest names, times at the ends of the range, full rings and ID sets, every counter at
// its largest), merged ones and a new one.
func TestMaxLenBoundsMarshal(t *testing.T) {
	r := newRand(77)
	worst := 0.0
	check := func(what string, d *Data) {
		t.Helper()
		got, bound := len(mustMarshal(t, d)), MaxLen(d.Layout, longestName(d))
		if got > bound {
			t.Fatalf("%s: Marshal wrote %d bytes, MaxLen says at most %d", what, got, bound)
		}
		worst = max(worst, float64(got)/float64(bound))
	}
	check("new", &Data{})
	for range trials(2000) {
		l := randLayout(r)
		d := randData(r, l)
		check("random", d)
		d.Merge(randData(r, l))
		check("merged", d)
	}
	for range trials(20) {
		d := extremeData(r)
		check("extreme", d)
		// Fill every ring and ID slot, and push every counter to its largest encoding.
		for i := range d.Times {
			d.Times[i] = MaxTime - 1
		}
		for i := range d.Acc {
			d.Acc[i] = Accum{Sum: math.MaxFloat64, Ref: MaxTime - 1, First: MinTime, N: math.MaxUint64}
		}
		for i := range d.Totals { // at least what the filled rings hold (Check)
			d.Totals[i] = MaxTotal
		}
		d.Vel = [2]Accum{d.Acc[0], d.Acc[0]}
		d.Events, d.Signals, d.Entered = math.MaxUint64, 1<<len(d.Layout.Kinds)-1, 1<<len(d.Layout.Stages)-1
		check("saturated", d)
	}
	t.Logf("largest encoding: %.0f%% of MaxLen", 100*worst)
	if worst < 0.9 {
		t.Errorf("the saturated Datas use %.0f%% of MaxLen at most: the bound is looser than it need be", 100*worst)
	}
}

// MaxLenWithin bounds MaxLen over the layouts it describes.
func TestMaxLenWithin(t *testing.T) {
	r := newRand(78)
	for range trials(2000) {
		l := randLayout(r)
		if r.IntN(10) == 0 {
			l = extremeData(r).Layout
		}
		names := 0
		for _, x := range l.Rules {
			names += len(x.ID)
		}
		for _, x := range l.Types {
			names += len(x)
		}
		for _, x := range l.Kinds {
			names += len(x.Name)
		}
		for _, x := range l.Stages {
			names += len(x)
		}
		n := r.IntN(MaxStoredName + 1)
		if got, within := MaxLen(l, n), MaxLenWithin(len(l.Rules), len(l.Types), l.RingTotal, names, l.IDCap, n); got > within {
			t.Fatalf("MaxLen %d > MaxLenWithin %d for %d rules, %d types", got, within, len(l.Rules), len(l.Types))
		}
	}
}
