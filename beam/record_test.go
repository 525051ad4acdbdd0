package leadbeam

import (
	"math"
	"testing"
)

func TestRecordRoundTrip(t *testing.T) {
	for _, r := range []record{
		{Kind: kindEvent, At: 1740787201234567891, ID: "ev-1", Body: []byte(`{"type":"call"}`)},
		{Kind: kindLead, At: math.MinInt64, Body: []byte(`{}`)},
		{Kind: kindState, At: -1, ID: "", Body: nil},
	} {
		got, err := decodeRecord(r.encode())
		if err != nil || got.Kind != r.Kind || got.At != r.At || got.ID != r.ID || string(got.Body) != string(r.Body) {
			t.Errorf("decode(encode(%+v)) = %+v, %v", r, got, err)
		}
	}
	for _, bad := range [][]byte{nil, {3}, {9, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {3, 0, 0, 0, 0, 0, 0, 0, 0, 5, 'a'}} {
		if _, err := decodeRecord(bad); err == nil {
			t.Errorf("decodeRecord(%v): no error", bad)
		}
	}
}

// Records of one instant apply seed, then attributes, then events by ID, whatever order
// they came in.
func TestCompareRecordsIsTotal(t *testing.T) {
	a := record{Kind: kindState, At: 5}
	b := record{Kind: kindLead, At: 5}
	c := record{Kind: kindEvent, At: 5, ID: "a"}
	d := record{Kind: kindEvent, At: 5, ID: "b"}
	e := record{Kind: kindEvent, At: 4, ID: "z"}
	order := []record{e, a, b, c, d}
	for i := range order {
		for j := range order {
			got := compareRecords(order[i], order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("compare(%d, %d) = %d, want %d", i, j, got, want)
			}
		}
	}
}

// A timer for something at ns must not fire before the watermark has passed all of ns's
// millisecond, including for times before 1970.
func TestDueMillis(t *testing.T) {
	for _, c := range []struct{ ns, floor int64 }{
		{0, 0}, {999_999, 0}, {1_000_000, 1}, {-1, -1}, {-1_000_000, -1}, {-1_000_001, -2},
	} {
		if got := floorMillis(c.ns); got != c.floor {
			t.Errorf("floorMillis(%d) = %d, want %d", c.ns, got, c.floor)
		}
		if due := dueMillis(c.ns); millisToNanos(due)-1 < c.ns {
			t.Errorf("dueMillis(%d) = %d: a timer then covers only up to %d", c.ns, due, millisToNanos(due)-1)
		}
	}
	if millisToNanos(math.MinInt64/1000) != math.MinInt64 || millisToNanos(math.MaxInt64/1000) != math.MaxInt64 {
		t.Error("millisToNanos does not saturate")
	}
}

func TestMetaRoundTrip(t *testing.T) {
	m := meta{Seq: 42, Started: true, Done: -7, Armed: true, ArmedMs: 1740787201234, Stale: 3, Attrs: []byte(`{"title":"CEO"}`)}
	got, err := decodeMeta(m.encode())
	if err != nil || got.Seq != m.Seq || got.Started != m.Started || got.Done != m.Done || got.Armed != m.Armed ||
		got.ArmedMs != m.ArmedMs || got.Stale != m.Stale || string(got.Attrs) != string(m.Attrs) {
		t.Errorf("decodeMeta(encode(%+v)) = %+v, %v", m, got, err)
	}
	if _, err := decodeMeta([]byte{0x80}); err == nil {
		t.Error("decodeMeta of a truncated varint: no error")
	}
}
