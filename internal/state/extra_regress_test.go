package state

import "testing"

// R4: a State read from version 2/3 has no totals; Bind sets them to what the rings hold, a
// lower bound (older events may have left the full ring). CountTotal then calls that count
// exact whenever every event is in the window, so the evidence says "2 email clicks" for a
// lead that took 5, instead of "at least 2".
func TestRegressCountTotalExactAfterV3(t *testing.T) {
	l := NewLayout(nil, []string{"email_click"}, []int{2}, nil, nil, 0, 0)
	var d Data
	d.Bind(l)
	for i := range 5 {
		at := base + int64(i)*minute
		Insert(d.Ring(0), at)
		d.TakeType(0)
		d.Take(at)
	}
	if n, exact := d.CountTotal(0, base, base+day); n != 5 || !exact {
		t.Fatalf("fresh State: %d %v", n, exact)
	}
	// The same State as version 3 wrote it: no totals (simulated; Marshal writes v4 here).
	old := d.Clone()
	old.Totals = nil
	old.Layout = NewLayout(nil, []string{"email_click"}, []int{2}, nil, nil, 0, 0) // decoded: same layout, new pointer
	old.Bind(l)
	n, exact := old.CountTotal(0, base, base+day)
	t.Logf("after v3 load: count %d exact %v (took 5, of which the ring holds 2)", n, exact)
	if exact && n != 5 {
		t.Errorf("CountTotal says exactly %d for a type with 5 events, the ring keeping 2", n)
	}
}

// R6: Check (and so Unmarshal) admits texts Line never produces: a line or paragraph
// separator (two lines, though "every such text is one line"), leading/trailing or doubled
// white space, so hostile State bytes put text into Question/touches (and report.FunnelOf
// group keys) that no Observe could.
func TestRegressCheckLooserThanLine(t *testing.T) {
	l := NewLayout(nil, []string{"question"}, []int{2}, nil, nil, 0, 0)
	for _, text := range []string{"line one\u2028line two", "para\u2029graph", " web", "web ", "a  b", "nb\u00a0sp", "\u200bzero\u200dwidth"} {
		var d Data
		d.Bind(l)
		Insert(d.Ring(0), base)
		d.TakeType(0)
		d.Take(base)
		d.Question, d.QuestionAt = text, base
		d.FirstTouch = Touch{At: base, Channel: text}
		d.LastTouch = d.FirstTouch
		b := encode(&d)
		got, err := Unmarshal(b)
		if err == nil && Line(text, MaxQuestion) != text {
			t.Errorf("accepted %q from bytes as question and channel; Line makes it %q", got.Question, Line(text, MaxQuestion))
		}
	}
}

// The hand-off touch under Merge: one part became an MQL, the others each hold one touch
// (shards of events): a touch at or before the hand-off that another part saw becomes the
// hand-off touch when it is later, in every grouping and order.
func TestMergeHandoffAssociativeOneMQL(t *testing.T) {
	l := NewLayout(nil, []string{"click"}, []int{4}, nil, nil, 0, 0)
	part := func(at int64, campaign string, mql bool) *Data {
		var d Data
		d.Bind(l)
		Insert(d.Ring(0), at)
		d.TakeType(0)
		d.Take(at)
		d.TakeTouch(Touch{At: at, Campaign: campaign})
		if mql {
			d.MQLAt, d.HandoffTouch = base+3*day, d.LastTouch
			d.Take(base + 3*day)
		}
		return &d
	}
	a := part(base+day, "spring", true)
	b := part(base+2*day, "nurture", false) // before the hand-off: the hand-off touch
	c := part(base+4*day, "after", false)   // after it: not
	for _, m := range []*Data{
		merged(merged(a, b), c), merged(a, merged(b, c)), merged(merged(c, b), a),
		merged(merged(b, a), c), merged(c, merged(a, b)),
	} {
		if got := m.HandoffTouch.Campaign; got != "nurture" {
			t.Errorf("hand-off touch %q, want nurture", got)
		}
	}
	late := part(base+day, "spring", true) // the same, the nurture click delivered late
	late.TakeTouch(Touch{At: base + 2*day, Campaign: "nurture"})
	late.TakeHandoffTouch(Touch{At: base + 2*day, Campaign: "nurture"})
	late.TakeHandoffTouch(Touch{At: base + 4*day, Campaign: "after"})
	if got := late.HandoffTouch.Campaign; got != "nurture" {
		t.Errorf("late delivery: hand-off touch %q, want nurture", got)
	}
}
