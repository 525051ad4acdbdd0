package leadbeam

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
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

// oldMeta lays m out as the first meta layout did (before AttrsAt): running pipelines hold
// metas written that way, and must keep reading them.
func oldMeta(m meta) []byte {
	var b []byte
	b = binary.AppendVarint(b, m.Seq)
	b = append(b, boolByte(m.Started))
	b = binary.AppendVarint(b, m.Done)
	b = append(b, boolByte(m.Armed))
	b = binary.AppendVarint(b, m.ArmedMs)
	b = binary.AppendVarint(b, m.Stale)
	return append(b, m.Attrs...)
}

func sameMeta(a, b meta) bool {
	return a.Seq == b.Seq && a.Started == b.Started && a.Done == b.Done && a.Armed == b.Armed &&
		a.ArmedMs == b.ArmedMs && a.Stale == b.Stale && a.AttrsAtSet == b.AttrsAtSet &&
		a.AttrsAt == b.AttrsAt && bytes.Equal(a.Attrs, b.Attrs)
}

// A meta of the first layout decodes field for field as it did, with the attributes' time
// unknown: such a lead's next lead record replaces its attributes, as before.
func TestMetaDecodesTheFirstLayout(t *testing.T) {
	for _, m := range []meta{
		{},
		{Seq: 42, Started: true, Done: -7, Armed: true, ArmedMs: 1740787201234, Stale: 3, Attrs: []byte(`{"title":"CEO"}`)},
		{Seq: 1, Done: math.MinInt64, ArmedMs: math.MaxInt64, Stale: 0, Attrs: []byte(`{}`)},
		{Seq: math.MaxInt64, Started: true, Done: math.MaxInt64, Armed: true, ArmedMs: math.MinInt64, Stale: math.MaxInt64},
		{Seq: 63, Attrs: []byte{1, 0x80, 0xff}}, // Seq 63 is one byte (126); Attrs are opaque
		{Seq: 64, Started: true, Done: 1, Attrs: []byte(`{"title":"VP Sales","email":"a@b.example"}`)},
	} {
		b := oldMeta(m)
		if b[0]&1 != 0 {
			t.Fatalf("first-layout meta %+v begins with odd byte %#02x: the layout mark would misread it", m, b[0])
		}
		got, err := decodeMeta(b)
		if err != nil || !sameMeta(got, m) {
			t.Errorf("decodeMeta(first layout of %+v) = %+v, %v", m, got, err)
		}
	}
}

func randomMeta(rng *rand.Rand) meta {
	num := func() int64 {
		switch rng.IntN(6) {
		case 0:
			return 0
		case 1:
			return math.MinInt64
		case 2:
			return math.MaxInt64
		case 3:
			return -rng.Int64N(1 << 20)
		default:
			return rng.Int64() - rng.Int64()
		}
	}
	m := meta{
		Seq: num(), Started: rng.IntN(2) == 1, Done: num(), Armed: rng.IntN(2) == 1, ArmedMs: num(),
		Stale: num(), AttrsAtSet: rng.IntN(2) == 1, AttrsAt: num(),
	}
	if n := rng.IntN(4) * rng.IntN(40); n > 0 { // none a quarter of the time and more
		m.Attrs = make([]byte, n)
		for i := range m.Attrs {
			m.Attrs[i] = byte(rng.UintN(256))
		}
	}
	return m
}

func TestMetaRoundTripProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 20_000 {
		m := randomMeta(rng)
		got, err := decodeMeta(m.encode())
		if err != nil || !sameMeta(got, m) {
			t.Fatalf("decodeMeta(encode(%+v)) = %+v, %v", m, got, err)
		}
	}
	for _, bad := range [][]byte{{metaWithAttrsAt}, {3, 0, 0, 0, 0, 0, 0, 0, 0}, meta{}.encode()[:8]} {
		if _, err := decodeMeta(bad); err == nil {
			t.Errorf("decodeMeta(%v): no error", bad)
		}
	}
}

// decodeMeta never panics, and what it accepts encodes back to a meta that decodes the same.
func FuzzDecodeMeta(f *testing.F) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		m := randomMeta(rng)
		f.Add(m.encode())
		f.Add(oldMeta(m))
	}
	f.Add([]byte{})
	f.Add([]byte{0x80})
	f.Add([]byte{metaWithAttrsAt, 0, 0, 0, 0, 0, 0, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeMeta(b)
		if err != nil {
			return
		}
		if len(b) > 0 && b[0]&1 == 0 && m.AttrsAtSet {
			t.Fatalf("decodeMeta(%v): a first-layout meta with the attributes' time set: %+v", b, m)
		}
		again, err := decodeMeta(m.encode())
		if err != nil || !sameMeta(again, m) {
			t.Fatalf("decodeMeta(%v) = %+v, which encodes to a meta that decodes as %+v, %v", b, m, again, err)
		}
	})
}
