package state

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unsafe"
)

// A rejection by sales is written as version 3 and read back; a State without one is written
// as version 2, so releases that read 2 read it.
func TestRejectionCodec(t *testing.T) {
	r := newRand(31)
	for trial := range trials(300) {
		l := randLayout(r)
		d := randData(r, l)
		if d.Layout == nil || d.Clock == None {
			continue
		}
		d.Rejection, d.RejectedAt = "", 0 // randData may have rejected it
		withoutExtra(d)                   // and given it what version 4 adds
		plain := mustMarshal(t, d)
		if plain[len(magic)] != 2 {
			t.Fatalf("trial %d: a State without a rejection written as version %d", trial, plain[len(magic)])
		}
		d.Reject("no budget "+randName(r, "q"), between(r, MinTime, d.Clock+1))
		b := mustMarshal(t, d)
		if b[len(magic)] != 3 {
			t.Fatalf("trial %d: a rejected State written as version %d", trial, b[len(magic)])
		}
		back, err := Unmarshal(b)
		if err != nil || !Equal(back, d) || back.Rejection != d.Rejection || back.RejectedAt != d.RejectedAt {
			t.Fatalf("trial %d: %v, rejection %q at %d, want %q at %d", trial, err, back.Rejection, back.RejectedAt, d.Rejection, d.RejectedAt)
		}
		for _, cut := range []int{len(b) - 5, len(b) - 6} { // the rejection truncated: the CRC fails first
			if _, err := Unmarshal(b[:cut]); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("trial %d: truncated: %v", trial, err)
			}
		}
	}
}

func TestRejectionCheck(t *testing.T) {
	l := NewLayout(nil, nil, nil, nil, nil, 0, 0)
	d := &Data{}
	d.Bind(l)
	d.Take(base)
	for name, tc := range map[string]struct {
		reason string
		at     int64
	}{
		"time without a reason": {"", base},
		"after the clock":       {"x", base + 1},
		"out of range":          {"x", MaxTime},
		"not UTF-8":             {"\xff", base},
		"too long":              {string(make([]byte, MaxReason+1)), base},
	} {
		e := d.Clone()
		e.Rejection, e.RejectedAt = tc.reason, tc.at
		if e.Check() == nil {
			t.Errorf("%s: Check passed", name)
		}
		if _, err := Marshal(e); err == nil {
			t.Errorf("%s: Marshal wrote it", name)
		}
	}
}

// Merge keeps the latest rejection, whatever the order: commutative, associative, idempotent.
func TestRejectionMerge(t *testing.T) {
	r := newRand(32)
	l := NewLayout(nil, nil, nil, nil, nil, 0, 0)
	gen := func() *Data {
		d := &Data{}
		d.Bind(l)
		d.Take(base + 10*day)
		if r.IntN(4) > 0 {
			d.Reject([]string{"no budget", "wrong person", "bad timing"}[r.IntN(3)], base+int64(r.IntN(3))*day)
		}
		return d
	}
	merge := func(a, b *Data) *Data {
		out := a.Clone()
		out.Merge(b)
		return out
	}
	for range trials(2000) {
		a, b, c := gen(), gen(), gen()
		ab, ba := merge(a, b), merge(b, a)
		if ab.Rejection != ba.Rejection || ab.RejectedAt != ba.RejectedAt {
			t.Fatalf("not commutative: %q/%d vs %q/%d", ab.Rejection, ab.RejectedAt, ba.Rejection, ba.RejectedAt)
		}
		x, y := merge(ab, c), merge(a, merge(b, c))
		if x.Rejection != y.Rejection || x.RejectedAt != y.RejectedAt {
			t.Fatal("not associative")
		}
		if aa := merge(a, a); aa.Rejection != a.Rejection || aa.RejectedAt != a.RejectedAt {
			t.Fatal("not idempotent")
		}
		if latest := max(a.RejectedAt, b.RejectedAt); (a.Rejection != "" || b.Rejection != "") && ab.RejectedAt != latest && !(a.Rejection == "" || b.Rejection == "") {
			t.Fatalf("kept %d, want the latest %d", ab.RejectedAt, latest)
		}
	}
}

// State bytes whose rejection reason holds a control character are refused: a reason is one
// line of text, printed by Explain.
func TestRejectionReasonControlRefused(t *testing.T) {
	l := NewLayout(nil, nil, nil, nil, nil, 0, 0)
	d := &Data{}
	d.Bind(l)
	d.Take(base)
	for _, reason := range []string{"a\nb", "\x1b[31m", "x\u202ey"} {
		e := d.Clone()
		e.Reject(reason, base)
		if e.Check() == nil {
			t.Errorf("%q: Check passed", reason)
		}
		ok := d.Clone()
		ok.Reject("fine", base)
		b := mustMarshal(t, ok)
		bad := []byte(reason + "    ")[:4] // as long as "fine": only the reason changes
		b = withCRC(bytes.Replace(b, []byte("fine"), bad, 1))
		if _, err := Unmarshal(b); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "control") {
			t.Errorf("%q in the bytes: %v", bad, err)
		}
	}
}

// Footprint counts Data's own words as they are (the rejection added two) and the reason.
func TestFootprintSizes(t *testing.T) {
	if got := int(unsafe.Sizeof(Data{})); got != 688 {
		t.Errorf("Data is %d bytes; Footprint's dataSize says 688", got)
	}
	d := &Data{}
	n := d.Footprint()
	d.Rejection = "no budget"
	if d.Footprint() != n+len("no budget") {
		t.Error("Footprint does not count the rejection reason")
	}
}
