package leadscore_test

// Defect 8: hostile State bytes. SECURITY.md states what UnmarshalBinary may allocate for an
// input; these tests measure it on crafted inputs that pass the checksum.

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/leadscore/leadscore"
)

// regressAllocBound is what UnmarshalBinary may allocate for n bytes of input.
func regressAllocBound(n int) uint64 { return 12*uint64(n) + 4<<10 } // SECURITY.md states this bound

// regressEncoder writes the version-1 State format (see MarshalBinary): uvarints, varints,
// length-prefixed strings, then the CRC-32C (Castagnoli) of everything before it.
type regressEncoder struct{ b []byte }

func regressHeader() *regressEncoder {
	return &regressEncoder{b: append([]byte("LSST"), 1)}
}

func (e *regressEncoder) uvarint(v uint64) *regressEncoder {
	e.b = binary.AppendUvarint(e.b, v)
	return e
}

func (e *regressEncoder) varint(v int64) *regressEncoder {
	e.b = binary.AppendVarint(e.b, v)
	return e
}

func (e *regressEncoder) float(v float64) *regressEncoder {
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v))
	return e
}

func (e *regressEncoder) boolean(v bool) *regressEncoder {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
	return e
}

func (e *regressEncoder) str(s string) *regressEncoder {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
	return e
}

var regressCastagnoli = crc32.MakeTable(crc32.Castagnoli)

// regressSeal appends the checksum that makes body pass UnmarshalBinary's integrity check.
func regressSeal(body []byte) []byte {
	out := append([]byte(nil), body...)
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, regressCastagnoli))
}

// regressUnmarshalAlloc returns the bytes UnmarshalBinary allocates for data: the least of a
// few runs, so that another goroutine's allocation does not count.
func regressUnmarshalAlloc(data []byte, runs int) uint64 {
	best := uint64(math.MaxUint64)
	var before, after runtime.MemStats
	for range runs {
		var st leadscore.State
		runtime.ReadMemStats(&before)
		_ = st.UnmarshalBinary(data)
		runtime.ReadMemStats(&after)
		best = min(best, after.TotalAlloc-before.TotalAlloc)
	}
	return best
}

// regressHostileBlobs returns inputs with a valid checksum whose length fields ask for much
// more than the input holds.
func regressHostileBlobs() map[string][]byte {
	out := map[string][]byte{}
	// The blob: 16,384 tracked types keeping 1,024 times each, then a count of 16M event
	// times, and nothing after it.
	e := regressHeader().uvarint(0).uvarint(1 << 14)
	for i := range 1 << 14 {
		e.str(fmt.Sprintf("%x", i)).uvarint(1024)
	}
	e.uvarint(0).uvarint(0).varint(0) // kinds, stages, velocity
	e.uvarint(1 << 24)                // event times
	out["16384 types × 1024 times, no times"] = regressSeal(e.b)

	for _, n := range []uint64{1 << 14, 1<<14 + 1, 1 << 24, 1 << 62, math.MaxUint64} {
		out[fmt.Sprintf("%d event rules, none written", n)] = regressSeal(regressHeader().uvarint(n).b)
		out[fmt.Sprintf("%d types, none written", n)] = regressSeal(regressHeader().uvarint(0).uvarint(n).b)
		out[fmt.Sprintf("%d kinds, none written", n)] = regressSeal(regressHeader().uvarint(0).uvarint(0).uvarint(n).b)
		out[fmt.Sprintf("%d stages, none written", n)] = regressSeal(regressHeader().uvarint(0).uvarint(0).uvarint(0).uvarint(n).b)
		out[fmt.Sprintf("one rule with a %d-byte ID, none written", n)] = regressSeal(regressHeader().uvarint(1).uvarint(n).b)
		// An empty layout, no event times, then n event IDs.
		out[fmt.Sprintf("%d event IDs, none written", n)] = regressSeal(regressHeader().uvarint(0).uvarint(0).uvarint(0).uvarint(0).varint(0).uvarint(0).uvarint(n).b)
		// One rule keeping nothing, one type keeping 1024 times, then n times.
		out[fmt.Sprintf("%d event times, none written", n)] = regressSeal(regressHeader().uvarint(0).uvarint(1).str("t").uvarint(1024).uvarint(0).uvarint(0).varint(0).uvarint(n).b)
	}
	return out
}

// regressValidBlobs returns encodings of real States, small to large.
func regressValidBlobs(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	add := func(name string, st *leadscore.State) {
		b, err := st.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary(%s): %v", name, err)
		}
		out[name] = b
	}
	add("new State", new(leadscore.State))
	cfg := leadscore.DefaultB2B()
	cfg.Rules = append(cfg.Rules,
		leadscore.Rule{ID: "many-views", Dimension: leadscore.Engagement, Value: `count("page_view", "30d") * 0.5`, Max: 10},
		leadscore.Rule{ID: "many-clicks", Dimension: leadscore.Engagement, Value: `count("email_click", "30d") * 1.0`, Max: 10})
	s := regressCompile(t, cfg)
	rng := rand.New(rand.NewPCG(11, 11))
	for _, n := range []int{1, 10, 100, 2000} {
		add(fmt.Sprintf("%d events", n), regressPart(t, s, regressHotLead(), rng, fmt.Sprint(n), n))
	}
	return out
}

// Promise (Contract: "corrupt State bytes get a clear error"; SECURITY.md): UnmarshalBinary
// allocates at most a small multiple of its input, 64 × len + 64 KiB, whatever the bytes say —
// counts are checked against the bytes left before anything is allocated for them. Inputs:
// crafted blobs with a valid checksum (every list length at and past its limit, the issue's
// 110 KB blob), every byte of real encodings overwritten by a large length (kept or
// truncated after it), and the real encodings themselves. Run with -v for the worst multiples.
func TestRegressHostileStateBytesAllocate(t *testing.T) {
	// The worst multiple alloc/len, and the worst slope once the fixed 64 KiB is set aside
	// (max(0, alloc − 64 KiB)/len): the k to state in SECURITY.md as "at most k × len + 64 KiB".
	var worstValid, worstHostile, slopeValid, slopeHostile float64
	var worstName, slopeName string
	check := func(name string, data []byte, hostile bool) {
		t.Helper()
		got := regressUnmarshalAlloc(data, 1)
		if got > regressAllocBound(len(data)) {
			got = regressUnmarshalAlloc(data, 3) // rule out noise before failing
		}
		multiple := float64(got) / float64(len(data))
		slope := max(0, float64(got)-64<<10) / float64(len(data))
		if hostile && multiple > worstHostile {
			worstHostile, worstName = multiple, name
		}
		if hostile && slope > slopeHostile {
			slopeHostile, slopeName = slope, name
		}
		if !hostile {
			worstValid, slopeValid = max(worstValid, multiple), max(slopeValid, slope)
		}
		if got > regressAllocBound(len(data)) {
			t.Errorf("UnmarshalBinary of %s (%d bytes) allocated %d bytes (%.0f× its size), want at most 64 × %d + 64 KiB = %d",
				name, len(data), got, multiple, len(data), regressAllocBound(len(data)))
		}
	}
	for name, data := range regressHostileBlobs() {
		check(name, data, true)
	}
	valid := regressValidBlobs(t)
	for name, data := range valid {
		check("the encoding of a State with "+name, data, false)
	}
	// Every byte of a real encoding overwritten by a large length, the rest kept or cut off.
	lengths := []uint64{1 << 10, 1 << 14, 1 << 20, 1 << 24, 1 << 40}
	base := valid["100 events"]
	body := base[:len(base)-4]
	for i := 5; i < len(body); i++ {
		for _, n := range lengths {
			v := binary.AppendUvarint(nil, n)
			kept := append(append(append([]byte(nil), body[:i]...), v...), body[i+1:]...)
			check(fmt.Sprintf("a 100-event State with byte %d replaced by length %d", i, n), regressSeal(kept), true)
			cut := append(append([]byte(nil), body[:i]...), v...)
			check(fmt.Sprintf("a 100-event State cut at byte %d after length %d", i, n), regressSeal(cut), true)
		}
	}
	t.Logf("UnmarshalBinary allocated at most %.1f× the input size on real encodings, %.1f× on hostile inputs (%s); %d mutations",
		worstValid, worstHostile, worstName, 2*len(lengths)*(len(body)-5))
	t.Logf("beyond a fixed 64 KiB: at most %.1f × len on real encodings, %.1f × len on hostile inputs (%s)",
		slopeValid, slopeHostile, slopeName)
}
