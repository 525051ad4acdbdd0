package state

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randIDs draws a pool of distinct IDs (each hash with its one event time; ties in time and
// the extreme hashes and times come up) and a delivery sequence over it with redeliveries.
func randIDs(r *rand.Rand) (pool, deliveries []ID) {
	seen := map[uint64]bool{}
	for range r.IntN(40) {
		h := r.Uint64() | 1
		switch r.IntN(10) {
		case 0:
			h = math.MaxUint64
		case 1:
			h = 1 + r.Uint64N(4)
		}
		if seen[h] {
			continue
		}
		seen[h] = true
		at := randTime(r)
		if r.IntN(3) == 0 {
			at = base + r.Int64N(3) // ties broken by hash
		}
		pool = append(pool, ID{Hash: h, At: at})
	}
	deliveries = slices.Clone(pool)
	for range r.IntN(len(pool) + 1) {
		deliveries = append(deliveries, pool[r.IntN(len(pool))]) // redeliveries
	}
	r.Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })
	return pool, deliveries
}

// topIDs is invariant 5's reference: the capacity most recent distinct IDs by (At, Hash).
func topIDs(pool []ID, capacity int) []ID {
	all := slices.Clone(pool)
	slices.SortFunc(all, compareIDs)
	all = slices.Compact(all)
	if len(all) > capacity {
		all = all[len(all)-capacity:]
	}
	if len(all) == 0 {
		return nil
	}
	return all
}

func idLayout(capacity int) *Layout { return NewLayout(nil, nil, nil, nil, nil, 0, capacity) }

// remember delivers ids to d as the scorer does: an ID already Seen is not taken again.
func remember(d *Data, ids []ID) {
	for _, id := range ids {
		if !d.Seen(id.Hash) {
			d.Remember(id.Hash, id.At)
			d.Take(id.At)
		}
		if err := d.Check(); err != nil {
			panic(err)
		}
	}
}

// Invariant 5: after any sequence of deliveries (in any order, with redeliveries) the
// remembered IDs are the IDCap most recent distinct ones by (At, Hash), ascending and unique.
func TestRememberKeepsMostRecent(t *testing.T) {
	r := newRand(20)
	for trial := range trials(3000) {
		capacity := []int{0, 1, 2, 5, 16, 64}[r.IntN(6)]
		pool, deliveries := randIDs(r)
		d := &Data{}
		d.Bind(idLayout(capacity))
		remember(d, deliveries)
		if want := topIDs(pool, capacity); !slices.Equal(d.IDs, want) {
			t.Fatalf("trial %d, capacity %d: remembered %v, want %v", trial, capacity, d.IDs, want)
		}
		for _, id := range topIDs(pool, capacity) {
			if !d.Seen(id.Hash) {
				t.Fatalf("trial %d: %v remembered but not Seen", trial, id)
			}
		}
	}
}

// Invariant 5: unionIDs of the parts of any split of the deliveries, in any order and
// grouping, is what one Data that saw every delivery remembers: so merging IDs commutes,
// associates, is idempotent and bounded.
func TestUnionIDs(t *testing.T) {
	r := newRand(21)
	for trial := range trials(3000) {
		capacity := []int{0, 1, 2, 5, 16, 64}[r.IntN(6)]
		pool, deliveries := randIDs(r)
		want := topIDs(pool, capacity)
		parts := make([][]ID, 1+r.IntN(5))
		for i := range parts {
			d := &Data{}
			d.Bind(idLayout(capacity))
			var mine []ID
			for _, id := range deliveries {
				if r.IntN(len(parts)) == 0 || r.IntN(5) == 0 { // some in several parts
					mine = append(mine, id)
				}
			}
			remember(d, mine)
			parts[i] = d.IDs
		}
		a, b := parts[0], parts[len(parts)-1]
		if ab, ba := unionIDs(a, b, capacity), unionIDs(b, a, capacity); !slices.Equal(ab, ba) {
			t.Fatalf("trial %d: unionIDs does not commute: %v, %v", trial, ab, ba)
		}
		if aa := unionIDs(a, a, capacity); !slices.Equal(aa, a) {
			t.Fatalf("trial %d: unionIDs(a, a) = %v, want %v", trial, aa, a)
		}
		// All parts together, in random grouping, and each delivery in at least one part.
		parts = append(parts, func() []ID {
			d := &Data{}
			d.Bind(idLayout(capacity))
			remember(d, deliveries)
			return d.IDs
		}())
		for len(parts) > 1 {
			i, j := r.IntN(len(parts)), r.IntN(len(parts)-1)
			if j >= i {
				j++
			}
			parts[i] = unionIDs(parts[i], parts[j], capacity)
			if len(parts[i]) > capacity {
				t.Fatalf("trial %d: %d IDs, capacity %d", trial, len(parts[i]), capacity)
			}
			parts = slices.Delete(parts, j, j+1)
		}
		if !slices.Equal(parts[0], want) {
			t.Fatalf("trial %d, capacity %d: union %v, want %v", trial, capacity, parts[0], want)
		}
	}
}

// A redelivery after a merge is Seen: every ID the merged Data remembers is recognised, and
// delivering it again changes nothing.
func TestRedeliveryAfterMergeIsSeen(t *testing.T) {
	r := newRand(22)
	for trial := range trials(1000) {
		l := randLayout(r)
		evs := randEvents(r, l, 1+r.IntN(40), 0)
		a, b := &Data{}, &Data{}
		a.Bind(l)
		b.Bind(l)
		for _, ev := range evs {
			switch r.IntN(3) {
			case 0:
				apply(a, l, ev)
			case 1:
				apply(b, l, ev)
			default:
				apply(a, l, ev)
				apply(b, l, ev)
			}
		}
		a.Merge(b)
		whole := build(l, evs)
		if !slices.Equal(a.IDs, whole.IDs) {
			t.Fatalf("trial %d: merged IDs %v, one Data's %v", trial, a.IDs, whole.IDs)
		}
		before := a.Clone()
		for _, ev := range evs {
			if ev.id == 0 || !slices.ContainsFunc(a.IDs, func(id ID) bool { return id.Hash == ev.id }) {
				continue
			}
			if !a.Seen(ev.id) {
				t.Fatalf("trial %d: remembered ID %x not Seen after a merge", trial, ev.id)
			}
			apply(a, l, ev)
			if !Equal(a, before) {
				t.Fatalf("trial %d: a redelivery after a merge changed the state", trial)
			}
		}
	}
}

// Remember keeps nothing when the layout keeps no IDs, and HashID is 64-bit FNV-1a.
func TestRememberNoCapacityAndHashID(t *testing.T) {
	d := &Data{}
	d.Bind(idLayout(0))
	d.Remember(42, base)
	if len(d.IDs) != 0 || d.Seen(42) {
		t.Errorf("a layout without ID capacity remembered %v", d.IDs)
	}
	for _, s := range []string{"", "a", "evt-0001", "\x00", "é"} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got := HashID(s); got != h.Sum64() {
			t.Errorf("HashID(%q) = %x, want FNV-1a %x", s, got, h.Sum64())
		}
	}
}
