package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
)

const v1Blob = "../../testdata/state/v1-b2b.bin"

// withCRC replaces the last 4 bytes of b (if it has them) by the CRC-32C of the rest, as
// Marshal writes it: the codec's checks beyond the checksum are what is tested.
func withCRC(b []byte) []byte {
	if len(b) < 4 {
		return b
	}
	body := b[:len(b)-4]
	return binary.LittleEndian.AppendUint32(body[:len(body):len(body)], crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)))
}

// extremeData draws valid Datas at the limits the codec accepts: the longest names (of
// multi-byte UTF-8), times at the ends of the range, MaxFloat64 sums, full ID sets.
func extremeData(r *rand.Rand) *Data {
	long := strings.Repeat("é", maxDecoded/2) // 4096 bytes
	l := NewLayout(
		[]Rule{{ID: long, HalfLife: math.MaxInt64}, {ID: "b", HalfLife: 1, Once: true}, {ID: ""}},
		[]string{long, "t"}, []int{MaxRing, 1},
		[]Kind{{Name: long}, {Name: ""}}, []string{long, ""}, math.MaxInt64/velocitySum, 300)
	d := &Data{}
	d.Bind(l)
	for i := range 400 {
		t := []int64{MinTime, MaxTime - 1, base + int64(i)}[r.IntN(3)]
		apply(d, l, event{t: t, typ: r.IntN(2), rules: []int{0, 1, 2}[:r.IntN(4)], w: math.MaxFloat64, id: uint64(i + 1)})
	}
	d.Tick(MaxTime - 1)
	d.Evaluated, d.Tier, d.Stage, d.Since, d.MQLAt = MaxTime-1, long, long, MinTime, MaxTime-1
	for i := range MaxHistory {
		d.History = append(d.History, Visit{Stage: long, From: MinTime + int64(i), To: MaxTime - 1})
	}
	d.Entered, d.Signals, d.Purchases = 3, 3, math.MaxUint32
	d.Cart = Cart{At: MaxTime - 1, Value: math.MaxFloat64, Checkout: true}
	d.Base = [3]float64{math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64}
	d.Revenue, d.ExpansionRevenue = math.MaxFloat64, math.MaxFloat64
	return d
}

// Marshal never writes bytes Unmarshal rejects, and the round trip gives an Equal Data that
// marshals to the same bytes: over random valid Datas (extremes included), Datas bound to
// other layouts and merged ones, and a new Data.
func TestMarshalRoundTrip(t *testing.T) {
	r := newRand(40)
	check := func(what string, d *Data) {
		t.Helper()
		b := mustMarshal(t, d)
		got, err := Unmarshal(b)
		if err != nil {
			t.Fatalf("%s: Unmarshal rejects what Marshal wrote: %v", what, err)
		}
		if !Equal(got, d) {
			t.Fatalf("%s: round trip differs: %s", what, diff(got, d, 0))
		}
		if b2 := mustMarshal(t, got); !bytes.Equal(b2, b) {
			t.Fatalf("%s: re-marshalling gives other bytes", what)
		}
	}
	check("new", &Data{})
	for trial := range trials(700) {
		l := randLayout(r)
		d := randData(r, l)
		check(fmt.Sprintf("trial %d", trial), d)
		check(fmt.Sprintf("trial %d bound", trial), d.View(randLayout(r)))
		d.Merge(randData(r, l))
		check(fmt.Sprintf("trial %d merged", trial), d)
	}
	check("extremes", extremeData(r))
}

// encodings returns a few valid encodings to corrupt: small random ones, a new Data's, and
// the version 1 blob.
func encodings(t testing.TB) map[string][]byte {
	r := newRand(41)
	out := map[string][]byte{"new": mustMarshal(t, &Data{})}
	for i := 0; len(out) < 5; i++ {
		if b := mustMarshal(t, randData(r, randLayout(r))); len(b) < 400 {
			out[fmt.Sprintf("random %d", i)] = b
		}
	}
	v1, err := os.ReadFile(v1Blob)
	if err != nil {
		t.Fatal(err)
	}
	out["v1"] = v1
	return out
}

func mustReject(t *testing.T, what string, b []byte) {
	t.Helper()
	d, err := Unmarshal(b)
	if err == nil || d != nil {
		t.Fatalf("%s: accepted", what)
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("%s: error %v does not wrap ErrCorrupt", what, err)
	}
}

// Every single-byte corruption and every truncation is rejected with an error wrapping
// ErrCorrupt, and so is anything appended.
func TestCorruptionRejected(t *testing.T) {
	r := newRand(42)
	for name, good := range encodings(t) {
		for i := range good {
			b := bytes.Clone(good)
			for v := 1; v < 256; v++ {
				if name == "v1" && v&(v-1) != 0 && r.IntN(32) != 0 {
					continue // the large v1 blob: every bit flip and some other values
				}
				b[i] = good[i] ^ byte(v)
				mustReject(t, fmt.Sprintf("%s, byte %d ^ %#x", name, i, v), b)
			}
		}
		for n := range good {
			mustReject(t, fmt.Sprintf("%s truncated to %d bytes", name, n), good[:n:n])
		}
		mustReject(t, name+" and one byte more", append(bytes.Clone(good), 0))
		mustReject(t, name+" and one byte more, checksum fixed", withCRC(append(bytes.Clone(good), 0, 0, 0, 0, 0)))
	}
}

// The checks beyond the checksum: bytes corrupted (or cut short) under a valid CRC-32C are
// rejected with ErrCorrupt, or decode to a valid Data that round-trips.
func TestCorruptionWithValidChecksum(t *testing.T) {
	r := newRand(43)
	accepted, rejected := 0, 0
	for name, good := range encodings(t) {
		for i := range len(good) - 4 {
			for range max(trials(16)/8, 1) {
				b := bytes.Clone(good)
				b[i] ^= byte(1 + r.IntN(255))
				if acceptedOK(t, fmt.Sprintf("%s byte %d", name, i), withCRC(b)) {
					accepted++
				} else {
					rejected++
				}
			}
		}
		for n := 9; n < len(good); n++ {
			acceptedOK(t, fmt.Sprintf("%s cut to %d bytes", name, n), withCRC(bytes.Clone(good[:n])))
		}
		other := byte(3) // version 2 bytes read as 3, and 3 as 2 (the rejection is extra bytes)
		if good[len(magic)] == 3 {
			other = 2
		}
		for _, v := range []byte{0, other, 255} {
			b := bytes.Clone(good)
			b[len(magic)] = v
			mustReject(t, fmt.Sprintf("%s as version %d", name, v), withCRC(b))
		}
	}
	t.Logf("with a valid checksum: %d corruptions rejected, %d decoded to valid Datas", rejected, accepted)
}

// acceptedOK unmarshals b: an error must wrap ErrCorrupt; a Data must pass Check and
// re-marshal to bytes that decode to an Equal Data.
func acceptedOK(t testing.TB, what string, b []byte) bool {
	t.Helper()
	d, err := Unmarshal(b)
	if err != nil {
		if !errors.Is(err, ErrCorrupt) || d != nil {
			t.Fatalf("%s: %v (Data %v) does not wrap ErrCorrupt", what, err, d)
		}
		return false
	}
	if err := d.Check(); err != nil {
		t.Fatalf("%s: accepted a Data that fails Check: %v", what, err)
	}
	b2, err := Marshal(d)
	if err != nil {
		t.Fatalf("%s: accepted a Data Marshal refuses: %v", what, err)
	}
	d2, err := Unmarshal(b2)
	if err != nil || !Equal(d, d2) {
		t.Fatalf("%s: re-marshalled bytes do not decode to an Equal Data: %v", what, err)
	}
	return true
}

// The version 1 blob (the first release's format) decodes, passes Check, holds what it was
// written with, and re-encodes as version 2 that decodes to an Equal Data.
func TestVersion1(t *testing.T) {
	b, err := os.ReadFile(v1Blob)
	if err != nil {
		t.Fatal(err)
	}
	if b[len(magic)] != 1 {
		t.Fatalf("%s is version %d", v1Blob, b[len(magic)])
	}
	d, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	l := d.Layout
	if len(l.Rules) != 19 || len(l.Types) != 16 || len(l.Kinds) != 10 || len(l.Stages) != 5 || l.Velocity != 7*day || l.IDCap != MaxIDs {
		t.Errorf("layout: %d rules, %d types, %d kinds, %d stages, velocity %d, ID capacity %d",
			len(l.Rules), len(l.Types), len(l.Kinds), len(l.Stages), l.Velocity, l.IDCap)
	}
	if d.Tier != "hot" || d.Stage != "convert" || d.Events != 4 || len(d.IDs) != 4 || !d.HandedOff ||
		d.Cart.Value != 12.5 || d.Base[0] != 25 || len(d.History) != 3 || d.Clock != d.Latest || d.Clock < d.Evaluated {
		t.Errorf("decoded %+v", d)
	}
	for _, id := range d.IDs {
		if id.At != d.Latest {
			t.Errorf("a version 1 ID is dated %d, want the latest event %d", id.At, d.Latest)
		}
	}
	v2 := mustMarshal(t, d)
	if v2[len(magic)] != 2 { // version 3 only adds a rejection, which this State has not
		t.Fatalf("re-encoded as version %d", v2[len(magic)])
	}
	back, err := Unmarshal(v2)
	if err != nil || !Equal(back, d) {
		t.Fatalf("version 2 of the version 1 blob: %v, %s", err, diff(back, d, 0))
	}
}

// hostileInputs returns inputs of about size bytes with a valid checksum that announce as
// much as they can for the bytes they have (or far more): rules, types, ring sizes, kinds,
// stages, IDs, histories and strings, in both versions.
func hostileInputs(size int) map[string][]byte {
	out := map[string][]byte{}
	add := func(name string, v byte, body func(e *encoder, room int)) {
		e := &encoder{}
		e.buf = append(e.buf, magic...)
		e.buf = append(e.buf, v)
		if v == 2 {
			e.bool(true)
		}
		body(e, size-len(e.buf)-4)
		out[fmt.Sprintf("%s (v%d)", name, v)] = e.finish()
	}
	zeros := func(e *encoder, n int) { e.buf = append(e.buf, make([]byte, max(n, 0))...) }
	emptyLayout := func(e *encoder, v byte) {
		e.uvarint(0) // rules
		e.uvarint(0) // types
		e.uvarint(0) // kinds
		e.uvarint(0) // stages
		e.varint(0)  // velocity
		if v == 2 {
			e.uvarint(MaxIDs)
		}
	}
	for _, v := range []byte{1, 2} {
		add("huge rule count", v, func(e *encoder, room int) { e.uvarint(math.MaxUint64); zeros(e, room-10) })
		add("rule count at the limit", v, func(e *encoder, room int) { e.uvarint(MaxRules); zeros(e, room-3) })
		add("rules that fit", v, func(e *encoder, room int) {
			n := min(MaxRules, room/3-1)
			e.uvarint(uint64(n))
			zeros(e, 3*n) // "" with no decay, not once: all the same ID
		})
		add("rules that fit, then a layout", v, func(e *encoder, room int) {
			n := min(MaxRules, room/3-4)
			e.uvarint(uint64(n))
			zeros(e, 3*n+6) // and no types, kinds, stages; no velocity, no IDs
		})
		add("distinct rules that fit, then a layout", v, func(e *encoder, room int) {
			n := min(MaxRules, room/6-4)
			e.uvarint(uint64(n))
			for i := range n {
				e.string(string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26)))
				e.buf = append(e.buf, 0, 0)
			}
			zeros(e, 6)
		})
		add("rules with long IDs", v, func(e *encoder, room int) {
			n := max(room/(maxDecoded+4), 1)
			e.uvarint(uint64(n))
			for i := range n {
				e.string(strings.Repeat(string(rune('a'+i%26)), min(maxDecoded, room-8)))
				e.varint(1)
				e.bool(false)
			}
		})
		add("types that fit, rings of MaxRing", v, func(e *encoder, room int) {
			e.uvarint(0)
			n := min(MaxTypes, room/3-4)
			e.uvarint(uint64(n))
			for range n {
				e.string("")
				e.uvarint(MaxRing)
			}
			zeros(e, 4) // and no kinds, stages, velocity or IDs
		})
		add("huge type count", v, func(e *encoder, room int) { e.uvarint(0); e.uvarint(1 << 40); zeros(e, room-8) })
		add("huge ring size", v, func(e *encoder, room int) {
			e.uvarint(0)
			e.uvarint(1)
			e.string("t")
			e.uvarint(math.MaxUint64)
			zeros(e, room-16)
		})
		add("ring times that fit", v, func(e *encoder, room int) {
			e.uvarint(0)
			n := max((room-16)/(MaxRing+8), 1) // so that the times fit in the bytes left
			e.uvarint(uint64(n))
			for i := range n {
				e.string(fmt.Sprint(i))
				e.uvarint(MaxRing)
			}
			e.uvarint(0)
			e.uvarint(0)
			e.varint(0)
			if v == 2 {
				e.uvarint(0)
			} else {
				e.uvarint(uint64(n * MaxRing))
			}
			zeros(e, room-len(e.buf)) // event times of 0, then nothing
		})
		add("kinds and stages with long names", v, func(e *encoder, room int) {
			e.uvarint(0)
			e.uvarint(0)
			n := min(MaxKinds, max(room/(maxDecoded+2), 1))
			e.uvarint(uint64(n))
			for i := range n {
				e.string(fmt.Sprint(i) + strings.Repeat("k", min(maxDecoded-2, room)))
			}
			e.uvarint(MaxStages)
			for i := range MaxStages {
				e.string(fmt.Sprint(i) + strings.Repeat("s", min(maxDecoded-2, max(room-len(e.buf), 0))))
			}
		})
		add("huge string length", v, func(e *encoder, room int) {
			e.uvarint(1)
			e.uvarint(1 << 62)
			zeros(e, room-12)
		})
		add("IDs that fit", v, func(e *encoder, room int) {
			emptyLayout(e, v)
			if v == 1 {
				e.uvarint(0) // ring times
			}
			n := min(MaxIDs, room/9-1)
			e.uvarint(uint64(n))
			for i := range n {
				e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(i))
				if v == 2 {
					e.varint(base)
				}
			}
		})
		add("huge ID count", v, func(e *encoder, room int) {
			emptyLayout(e, v)
			if v == 1 {
				e.uvarint(0)
			}
			e.uvarint(1 << 50)
			zeros(e, room-20)
		})
		add("long tier and stage", v, func(e *encoder, room int) {
			emptyLayout(e, v)
			if v == 1 {
				e.uvarint(0) // ring times
				e.uvarint(0) // hashes
				e.uvarint(0) // next ID
				e.varint(0)  // latest
			} else {
				e.uvarint(0) // IDs
				e.varint(None)
				e.varint(None)
				e.varint(None)
				e.varint(None)
			}
			e.uvarint(0) // events
			e.string(strings.Repeat("t", min(maxDecoded, max(room-30, 0))))
			e.uvarint(maxDecoded)
			zeros(e, room-len(e.buf))
		})
	}
	return out
}

// allocated returns the bytes f allocates (the least of a few runs, against noise).
func allocated(f func()) uint64 {
	var m0, m1 runtime.MemStats
	best := uint64(math.MaxUint64)
	for range trials(3) {
		runtime.ReadMemStats(&m0)
		f()
		runtime.ReadMemStats(&m1)
		best = min(best, m1.TotalAlloc-m0.TotalAlloc)
	}
	return best
}

// Decoding allocates in proportion to the input, whatever it announces: at most 64 bytes per
// input byte plus 64 KiB, for valid inputs and for hostile ones with a valid checksum, from
// 100 B to 200 KB. Measured (TotalAlloc around Unmarshal, amd64, Go 1.26), the worst
// multiple of the input's size allocated:
//
//	input size (about)   100 B   1 KB    10 KB   100 KB   200 KB
//	valid encodings      5.5×    9.1×    8.5×    7.7×     7.3×    (many rules; many types)
//	hostile inputs       35.5×   33.1×   29.9×   36.4×    36.4×   (rules of 3 bytes, then a layout)
//
// The hostile worst case is a list of MaxRules rules of 3 bytes each that fit the input: a
// Rule (56 bytes) and a slot in the layout's ID index (about 50) per 3 bytes; types of
// MaxRing times come next (35.7×). Huge announced counts and string lengths are refused
// before anything is allocated (≤ 2.8× for 100 B, 0.0× from 10 KB).
func TestUnmarshalAllocations(t *testing.T) {
	r := newRand(44)
	limit := func(n int) uint64 { return 12*uint64(n) + 4<<10 } // SECURITY.md states this bound
	type worst struct {
		multiple float64
		name     string
	}
	sizes := []int{100, 1000, 10_000, 100_000, 200_000}
	if raceEnabled {
		sizes = sizes[:3] // the race detector's decoding is slow: the larger sizes run without it
	}
	var worstValid, worstHostile [5]worst
	for si, size := range sizes {
		measure := func(name string, b []byte, w *worst) {
			n := allocated(func() { _, _ = Unmarshal(b) })
			if n > limit(len(b)) {
				t.Errorf("%s, %d bytes: Unmarshal allocated %d bytes (%.1f×)", name, len(b), n, float64(n)/float64(len(b)))
			}
			if m := float64(n) / float64(len(b)); m > w.multiple {
				*w = worst{m, name}
			}
		}
		for name, b := range hostileInputs(size) {
			if _, err := Unmarshal(b); err == nil {
				t.Fatalf("hostile input %q accepted", name)
			} else if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("hostile input %q: %v", name, err)
			}
			measure(name, b, &worstHostile[si])
		}
		for name, b := range validInputs(r, size) {
			if _, err := Unmarshal(b); err != nil {
				t.Fatalf("valid input %q: %v", name, err)
			}
			measure(name, b, &worstValid[si])
		}
	}
	for si, size := range sizes {
		t.Logf("%7d B: worst valid %.1f× (%s), worst hostile %.1f× (%s)", size,
			worstValid[si].multiple, worstValid[si].name, worstHostile[si].multiple, worstHostile[si].name)
	}
}

// validInputs returns valid encodings of about size bytes: many rules, many types, many IDs,
// long names, or a random Data.
func validInputs(r *rand.Rand, size int) map[string][]byte {
	out := map[string][]byte{}
	enc := func(name string, d *Data) {
		b, err := Marshal(d)
		if err != nil {
			panic(err)
		}
		out[name] = b
	}
	{ // many rules with short IDs and accumulators
		n := min(MaxRules, max(size/16, 1))
		rules := make([]Rule, n)
		for i := range rules {
			rules[i] = Rule{ID: fmt.Sprint(i)}
		}
		d := &Data{}
		d.Bind(NewLayout(rules, nil, nil, nil, nil, 0, 0))
		enc("many rules", d)
	}
	{ // many tracked types with rings of one
		n := min(MaxTypes, max(size/12, 1))
		types, caps := make([]string, n), make([]int, n)
		for i := range types {
			types[i], caps[i] = fmt.Sprint(i), 1
		}
		d := &Data{}
		d.Bind(NewLayout(nil, types, caps, nil, nil, 0, 0))
		enc("many types", d)
	}
	{ // many IDs
		n := min(MaxIDs, max(size/10, 1))
		d := &Data{}
		d.Bind(NewLayout(nil, nil, nil, nil, nil, 0, n))
		for i := range n {
			d.Remember(uint64(i+1), base)
		}
		d.Take(base)
		enc("many IDs", d)
	}
	{ // long names
		d := &Data{}
		d.Bind(NewLayout(nil, nil, nil, nil, nil, 0, 0))
		d.Tier = strings.Repeat("t", min(maxDecoded, size))
		enc("long tier", d)
	}
	for i := range 4 { // random Datas
		d := randData(r, randLayout(r))
		enc(fmt.Sprint("random ", i), d)
	}
	return out
}

// FuzzUnmarshal: no input panics; every error wraps ErrCorrupt; whatever is accepted is a
// valid Data that re-marshals to bytes decoding to an Equal Data. fixCRC replaces the
// checksum by the right one so the fuzzer reaches the decoder's checks.
func FuzzUnmarshal(f *testing.F) {
	for _, b := range encodings(f) {
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Add(mustMarshal(f, extremeData(newRand(45))), false)
	f.Fuzz(func(t *testing.T, b []byte, fixCRC bool) {
		if fixCRC {
			b = withCRC(b)
		}
		acceptedOK(t, "fuzz input", b)
	})
}
