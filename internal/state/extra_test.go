package state

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

const minute = 60 * 1e9

// Visits: views within the gap of each other (inclusive) are one visit, a view may bridge two,
// and past the cap the oldest visit goes.
func TestVisit(t *testing.T) {
	const gap = 30 * minute
	at := func(m int64) int64 { return base + m*minute }
	for _, tc := range []struct {
		name  string
		views []int64 // minutes after base
		limit int
		want  []Session
	}{
		{"one view", []int64{0}, 0, []Session{{at(0), at(0), 1}}},
		{"three views in two minutes are one visit", []int64{0, 1, 2}, 0, []Session{{at(0), at(2), 3}}},
		{"exactly the gap apart: one visit", []int64{0, 30}, 0, []Session{{at(0), at(30), 2}}},
		{"a nanosecond more: two", []int64{0, 30}, 0, nil}, // filled in below
		{"a late view bridges two visits", []int64{0, 50, 25}, 0, []Session{{at(0), at(50), 3}}},
		{"a late view before every visit", []int64{50, 0}, 0, []Session{{at(0), at(0), 1}, {at(50), at(50), 1}}},
		{"past the cap the oldest goes", []int64{0, 100, 200}, 2, []Session{{at(100), at(100), 1}, {at(200), at(200), 1}}},
		{"full, and older than every visit: dropped", []int64{100, 200, 0}, 2, []Session{{at(100), at(100), 1}, {at(200), at(200), 1}}},
		{"full, and within the gap of the oldest: joins it", []int64{100, 200, 80}, 2, []Session{{at(80), at(100), 2}, {at(200), at(200), 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Data{}
			for i, m := range tc.views {
				v := at(m)
				if tc.want == nil && i == 1 {
					v++ // 30 minutes and a nanosecond
				}
				d.Visit(v, gap, tc.limit)
			}
			want := tc.want
			if want == nil {
				want = []Session{{at(0), at(0), 1}, {at(30) + 1, at(30) + 1, 1}}
			}
			if !slices.Equal(d.Sessions, want) {
				t.Errorf("visits %v, want %v", d.Sessions, want)
			}
		})
	}
}

// While none is dropped, the visits do not depend on the order of the views, and merging
// parts gives the visits of one Data that saw them all.
func TestVisitOrderFree(t *testing.T) {
	r := newRand(41)
	for trial := range trials(300) {
		gap := []int64{0, minute, 30 * minute, day}[r.IntN(4)]
		var views []int64
		for range 1 + r.IntN(20) {
			views = append(views, base+r.Int64N(3*day))
		}
		one := &Data{}
		for _, v := range views {
			one.Visit(v, gap, 0)
		}
		r.Shuffle(len(views), func(i, j int) { views[i], views[j] = views[j], views[i] })
		other, a, b := &Data{}, &Data{}, &Data{}
		cut := r.IntN(len(views) + 1)
		for i, v := range views {
			other.Visit(v, gap, 0)
			if i < cut {
				a.Visit(v, gap, 0)
			} else {
				b.Visit(v, gap, 0)
			}
		}
		if !slices.Equal(one.Sessions, other.Sessions) {
			t.Fatalf("trial %d: visits depend on order:\n%v\n%v", trial, one.Sessions, other.Sessions)
		}
		if m := mergeSessions(a.Sessions, b.Sessions, gap, 0); !slices.Equal(m, one.Sessions) {
			t.Fatalf("trial %d: merged parts %v, one Data %v", trial, m, one.Sessions)
		}
	}
}

// SessionsIn counts the visits with a view in the window, exactly unless the kept visits are
// full and the oldest is in it.
func TestSessionsIn(t *testing.T) {
	v := []Session{{10, 20, 2}, {40, 40, 1}, {60, 70, 5}}
	for _, tc := range []struct {
		from, to    int64
		n           int
		events      uint64
		first, last int64
		limit       int
		exact       bool
		name        string
	}{
		{0, 100, 3, 8, 10, 70, 0, true, "all"},
		{20, 100, 3, 8, 20, 70, 0, true, "a visit ending at the window's start counts"},
		{21, 100, 2, 6, 40, 70, 0, true, "one ending before it does not"},
		{21, 100, 2, 6, 40, 70, 3, true, "full, but the oldest is out of the window"},
		{0, 100, 3, 8, 10, 70, 3, false, "full, and the oldest is in it: maybe more"},
		{41, 59, 0, 0, 0, 0, 0, true, "none"},
	} {
		n, events, first, last, exact := SessionsIn(v, tc.from, tc.to, tc.limit)
		if n != tc.n || events != tc.events || exact != tc.exact || n > 0 && (first != tc.first || last != tc.last) {
			t.Errorf("%s: %d visits of %d events over [%d, %d], exact %v; want %d of %d over [%d, %d], %v",
				tc.name, n, events, first, last, exact, tc.n, tc.events, tc.first, tc.last, tc.exact)
		}
	}
}

// The event totals count what happened, not what the ring holds: exact while every event is
// in the window or the ring is not full of it, otherwise the ring's count, marked inexact.
func TestCountTotal(t *testing.T) {
	l := NewLayout(nil, []string{"x"}, []int{3}, nil, nil, 0, 0)
	d := &Data{}
	d.Bind(l)
	take := func(at int64) {
		Insert(d.Ring(0), at)
		d.TakeType(0)
		d.Take(at)
	}
	for i := range 10 {
		take(base + int64(i)*minute)
	}
	for _, tc := range []struct {
		from, to int64
		n        uint32
		exact    bool
		name     string
	}{
		{base, base + 9*minute, 10, true, "every event in the window: the total"},
		{base - day, base + day, 10, true, "a wider window"},
		{base + 7*minute, base + 9*minute, 3, false, "the ring full of a window that misses earlier events: at least 3"},
		{base + 8*minute, base + 9*minute, 2, true, "the ring not full of the window: exact"},
		{base + 10*minute, base + day, 0, true, "nothing in the window"},
	} {
		if n, exact := d.CountTotal(0, tc.from, tc.to); n != tc.n || exact != tc.exact {
			t.Errorf("%s: %d (exact %v), want %d (%v)", tc.name, n, exact, tc.n, tc.exact)
		}
	}
	// A State written before version 4 has no totals: its rings are what it knows.
	old := d.Clone()
	old.Totals = nil
	if n, exact := old.CountTotal(0, base, base+9*minute); n != 3 || exact {
		t.Errorf("without totals: %d (exact %v), want at least the ring's 3", n, exact)
	}
	old.Bind(l) // the next event counts from the ring's count on
	if !slices.Equal(old.Totals, []uint32{3}) {
		t.Errorf("totals after Bind %v, want [3]", old.Totals)
	}
}

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"Do you ship to Norway?", 64, "Do you ship to Norway?"},
		{"  two\t\tlines\nhere  ", 64, "two lines here"},
		{"evil\u202Egnp.exe", 64, "evil gnp.exe"},
		{"bad \xff byte", 64, "bad \uFFFD byte"},
		{"\x00\x01", 64, ""},
		{"non\u00a0breaking", 64, "non breaking"},
		{"exactly9!", 9, "exactly9!"},
		{strings.Repeat("é", 10), 9, strings.Repeat("é", 4)}, // cut at a rune boundary
		{"ab cd", 3, "ab"},                                   // no trailing space after the cut
	} {
		if got := Line(tc.in, tc.limit); got != tc.want {
			t.Errorf("Line(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
	clean := "spring-webinar-2026"
	if n := testing.AllocsPerRun(100, func() { _ = Line(clean, MaxTouchText) }); n != 0 {
		t.Errorf("a clean line allocates %v times", n)
	}
}

// extraData is a Data holding everything version 4 adds.
func extraData(t *testing.T) *Data {
	t.Helper()
	l := NewLayout(nil, []string{"page", "q"}, []int{2, 1}, nil, nil, 0, 0)
	d := &Data{}
	d.Bind(l)
	for i := range 5 {
		at := base + int64(i)*day
		Insert(d.Ring(0), at)
		d.TakeType(0)
		d.Visit(at, 30*minute, 0)
		d.Take(at)
	}
	d.SetQuestion("Do you support SSO?", base)
	d.Cart = Cart{At: base, Value: 10, Step: "payment"}
	d.TakeTouch(Touch{At: base, Channel: "email", Campaign: "spring"})
	d.TakeTouch(Touch{At: base + day, Channel: "web", CTA: "trial"})
	d.MQLAt, d.HandoffTouch = base+day, d.LastTouch
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	return d
}

// Version 4 is written only for a State holding what it adds, and reads back; without it the
// bytes are those of version 2 (or 3) as before.
func TestExtraCodec(t *testing.T) {
	d := extraData(t)
	b := mustMarshal(t, d)
	if b[len(magic)] != 4 {
		t.Fatalf("written as version %d", b[len(magic)])
	}
	back, err := Unmarshal(b)
	if err != nil || !Equal(back, d) {
		t.Fatalf("round trip: %v\n%s", err, diff(back, d, 0))
	}
	for name, clear := range map[string]func(*Data){
		"totals":   func(d *Data) { d.Totals = nil },
		"visits":   func(d *Data) { d.Sessions = nil },
		"question": func(d *Data) { d.Question, d.QuestionAt = "", 0 },
		"step":     func(d *Data) { d.Cart.Step = "" },
		"touches":  func(d *Data) { d.FirstTouch, d.LastTouch, d.HandoffTouch = Touch{}, Touch{}, Touch{} },
	} {
		e := d.Clone()
		clear(e)
		if b := mustMarshal(t, e); b[len(magic)] != 4 {
			t.Errorf("without %s: version %d, want 4 (the rest is there)", name, b[len(magic)])
		}
	}
	plain := d.Clone()
	withoutExtra(plain)
	plain.Totals = []uint32{2, 0} // no more events than the rings hold
	if b := mustMarshal(t, plain); b[len(magic)] != 4 {
		t.Errorf("exact totals with a full ring: version %d, want 4 (version 2 bytes with a full ring read as partial totals)", b[len(magic)])
	}
	plain.TotalsPartial = true // as read from version 2
	b2 := mustMarshal(t, plain)
	if b2[len(magic)] != 2 {
		t.Fatalf("without what version 4 adds: version %d", b2[len(magic)])
	}
	withoutTotals := plain.Clone()
	withoutTotals.Totals = nil
	if !bytes.Equal(b2, mustMarshal(t, withoutTotals)) {
		t.Error("totals that are the rings' counts change the bytes")
	}
	plain.Reject("no budget", base)
	if b := mustMarshal(t, plain); b[len(magic)] != 3 {
		t.Errorf("a rejection without what version 4 adds: version %d", b[len(magic)])
	}
}

// Hostile version 4 bytes are refused with a clear error, however they got their checksum.
func TestCorruptExtraRejected(t *testing.T) {
	for name, tc := range map[string]struct {
		breakIt func(*Data)
		want    string
	}{
		"a control character in the question": {func(d *Data) { d.Question = "hi\x1b[2J" }, "control character"},
		"a bidi control in a campaign":        {func(d *Data) { d.LastTouch.Campaign = "a\u202Eb" }, "control character"},
		"a long step":                         {func(d *Data) { d.Cart.Step = strings.Repeat("s", MaxStep+1) }, "at most"},
		"a long question":                     {func(d *Data) { d.Question = strings.Repeat("q", MaxQuestion+1) }, "at most"},
		"a long channel":                      {func(d *Data) { d.FirstTouch.Channel = strings.Repeat("c", MaxTouchText+1) }, "at most"},
		"visits out of order":                 {func(d *Data) { d.Sessions[0], d.Sessions[1] = d.Sessions[1], d.Sessions[0] }, "out of order"},
		"overlapping visits":                  {func(d *Data) { d.Sessions[0].To = d.Sessions[1].From }, "out of order"},
		"a visit of no events":                {func(d *Data) { d.Sessions[0].N = 0 }, "visit of 0"},
		"a visit after the latest event":      {func(d *Data) { d.Sessions[len(d.Sessions)-1].To = d.Latest + 1 }, "visit times"},
		"a total beyond the events":           {func(d *Data) { d.Totals[0] = 99 }, "more than the events"},
		"a question after the latest event":   {func(d *Data) { d.QuestionAt = d.Latest + 1 }, "question time"},
		"a question time without a question":  {func(d *Data) { d.Question = "" }, "question time"},
		"a step without a cart":               {func(d *Data) { d.Cart = Cart{At: None, Step: "payment"} }, "cart step"},
		"a touch without any text":            {func(d *Data) { d.FirstTouch = Touch{At: base} }, "without a channel"},
		"a first touch after the last":        {func(d *Data) { d.FirstTouch.At = d.LastTouch.At + 1 }, "first touch after"},
		"a hand-off touch without a hand-off": {func(d *Data) { d.MQLAt = None }, "hand-off touch"},
		"too many visits": {func(d *Data) {
			d.Sessions = nil
			for i := range MaxVisits + 1 {
				d.Sessions = append(d.Sessions, Session{From: base + int64(i), To: base + int64(i), N: 1})
			}
		}, "visits"},
	} {
		d := extraData(t)
		tc.breakIt(d)
		if d.Check() == nil {
			t.Errorf("%s: Check passed", name)
			continue
		}
		_, err := Unmarshal(encode(d))
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrCorrupt saying %q", name, err, tc.want)
		}
	}
	// Framing: a version 4 State without what it adds, and totals for another layout.
	d := extraData(t)
	b := encode(d)
	b[len(magic)] = 4
	plain := d.Clone()
	withoutExtra(plain)
	raw := encode(plain)
	raw = raw[:len(raw)-4]
	raw[len(magic)] = 4
	var e encoder
	e.buf = raw
	e.string("")
	e.varint(0)
	e.uvarint(0) // no totals
	e.bool(true) // partial, as the rings of version 2 say
	e.uvarint(0) // no visits
	e.string("")
	e.varint(0)
	e.string("")
	e.bool(false)
	e.bool(false)
	e.bool(false)
	if _, err := Unmarshal(e.finish()); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "without what it adds") {
		t.Errorf("an empty version 4: %v", err)
	}
}

// Merge: the first touch is the earliest, the last the latest, the hand-off touch that of the
// earlier hand-off; a question the latest; visits and totals add up.
func TestMergeExtra(t *testing.T) {
	a, b := extraData(t), extraData(t)
	b.FirstTouch = Touch{At: base - day, Channel: "social"}
	b.Take(base - day)
	b.LastTouch = Touch{At: base + 4*day, Campaign: "summer"}
	b.MQLAt, b.HandoffTouch = base+2*day, Touch{At: base + 2*day, Campaign: "autumn"}
	b.SetQuestion("Later question", base+3*day)
	b.Events++
	if err := b.Check(); err != nil {
		t.Fatal(err)
	}
	m := merged(a, b)
	if m.FirstTouch.Channel != "social" || m.LastTouch.Campaign != "summer" || m.HandoffTouch != a.HandoffTouch {
		t.Errorf("touches %+v %+v %+v", m.FirstTouch, m.LastTouch, m.HandoffTouch)
	}
	if m.Question != "Later question" {
		t.Errorf("question %q", m.Question)
	}
	if m.Totals[0] != 10 {
		t.Errorf("total %d, want 10", m.Totals[0])
	}
	if len(m.Sessions) != 5 || m.Sessions[0].N != 2 {
		t.Errorf("visits %v: want the 5 of each part, 2 events each", m.Sessions)
	}
	if err := m.Check(); err != nil {
		t.Error(err)
	}
	if mb := merged(b, a); !Equal(m, mb) {
		t.Errorf("merging does not commute:\n%s", diff(m, mb, 0))
	}
}
