package state

import (
	"cmp"
	"slices"
)

// ID is a remembered event ID: its hash and the event's time.
type ID struct {
	Hash uint64
	At   int64
}

func compareIDs(a, b ID) int {
	if c := cmp.Compare(a.At, b.At); c != 0 {
		return c
	}
	return cmp.Compare(a.Hash, b.Hash)
}

// HashID is FNV-1a over the event ID: 8 bytes per remembered event instead of the string.
func HashID(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h
}

// Seen reports whether the hash h is remembered.
func (d *Data) Seen(h uint64) bool {
	for _, id := range d.IDs {
		if id.Hash == h {
			return true
		}
	}
	return false
}

// Remember adds the ID of an event at t, keeping the Layout.IDCap most recent by (time, hash):
// a Data keeps the same IDs whatever order its events came in and however it was merged.
// An event older than every remembered one when the set is full is not remembered. The
// caller has checked that h is not Seen.
func (d *Data) Remember(h uint64, t int64) {
	capacity := d.Layout.IDCap
	if capacity <= 0 {
		return
	}
	id := ID{Hash: h, At: t}
	i, _ := slices.BinarySearchFunc(d.IDs, id, compareIDs)
	if len(d.IDs) >= capacity {
		if i == 0 {
			return // older than all: it would be dropped at once
		}
		// Drop the oldest and slide the new one in.
		copy(d.IDs, d.IDs[1:i])
		d.IDs[i-1] = id
		return
	}
	d.IDs = slices.Insert(d.IDs, i, id)
}

// unionIDs returns the capacity most recent IDs of a and b, each hash once (at its latest
// time): the IDs one State that saw both parts' events would remember.
func unionIDs(a, b []ID, capacity int) []ID {
	all := append(slices.Clone(a), b...)
	slices.SortFunc(all, func(x, y ID) int {
		if c := cmp.Compare(x.Hash, y.Hash); c != 0 {
			return c
		}
		return cmp.Compare(y.At, x.At) // latest first, so Compact keeps it
	})
	all = slices.CompactFunc(all, func(x, y ID) bool { return x.Hash == y.Hash })
	slices.SortFunc(all, compareIDs)
	if len(all) > capacity {
		all = all[len(all)-max(capacity, 0):]
	}
	if len(all) == 0 {
		return nil
	}
	return slices.Clip(all)
}
