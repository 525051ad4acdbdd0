package state

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What version 4 adds to a Data, each written only when a Data holds it (see Marshal): the
// visits (sessions) of the pages frequent_visits watches, exact per-type event totals beside
// the rings, the text of the latest question, the step an abandoned cart stopped at, and the
// first, last and hand-off touches (attribution).

// Bounds of the text a Data keeps from events. Every such text is one line: ReasonControl
// characters are refused by Check (and the codec) and replaced by the code that takes them.
const (
	MaxQuestion  = 280 // bytes of a question's text
	MaxStep      = 64  // bytes of the step an abandoned cart stopped at
	MaxTouchText = 128 // bytes of a touch's channel, campaign, content or call to action
	MaxVisits    = 64  // visits (sessions) kept: frequent_visits counts them exactly up to this
)

// MaxTotal is where the per-type event totals saturate.
const MaxTotal = math.MaxUint32

// Session is one visit: the watched page views within a gap of each other.
type Session struct {
	From, To int64  // its first and last event
	N        uint32 // its events (saturating)
}

// Touch is a marketing touch: the channel, campaign, content and call to action an event
// carried, and its time. The zero Touch is none; a touch has at least one non-empty field.
type Touch struct {
	At                              int64
	Channel, Campaign, Content, CTA string
}

// IsZero reports whether t is no touch.
func (t Touch) IsZero() bool { return t == Touch{} }

func compareTouch(a, b Touch) int {
	return cmp.Or(cmp.Compare(a.At, b.At), cmp.Compare(a.Channel, b.Channel), cmp.Compare(a.Campaign, b.Campaign),
		cmp.Compare(a.Content, b.Content), cmp.Compare(a.CTA, b.CTA))
}

// TakeTouch records a touch at its time: the first touch is the earliest, the last the
// latest (ties broken by the fields, so that merging commutes). It allocates nothing.
func (d *Data) TakeTouch(t Touch) {
	if t.none() {
		return
	}
	if f := &d.FirstTouch; f.none() || t.At < f.At || t.At == f.At && compareTouch(t, *f) < 0 {
		*f = t
	}
	if l := &d.LastTouch; l.none() || t.At > l.At || t.At == l.At && compareTouch(t, *l) > 0 {
		*l = t
	}
}

// none reports whether t is no touch, as IsZero does for a touch that is zero or has text: it
// looks at the texts only.
func (t *Touch) none() bool {
	return t.Channel == "" && t.Campaign == "" && t.Content == "" && t.CTA == ""
}

// mergeHandoff picks the hand-off touch of two parts: that of the earlier hand-off (ties: the
// later touch), or a later touch either part holds (its first, last or hand-off touch) that
// is still at or before that hand-off — a touch the part that became an MQL did not see.
// It stays approximate: a part keeps only those three touches, so one of its touches between
// them is not known to Merge.
func mergeHandoff(d, o *Data) Touch {
	var h Touch
	mql := d.MQLAt
	switch {
	case o.MQLAt == None:
		h = d.HandoffTouch
	case d.MQLAt == None:
		h, mql = o.HandoffTouch, o.MQLAt
	case o.MQLAt < d.MQLAt || o.MQLAt == d.MQLAt && compareTouch(o.HandoffTouch, d.HandoffTouch) > 0:
		h, mql = o.HandoffTouch, o.MQLAt
	default:
		h = d.HandoffTouch
	}
	if mql == None {
		return h
	}
	for _, t := range [...]Touch{d.FirstTouch, d.LastTouch, d.HandoffTouch, o.FirstTouch, o.LastTouch, o.HandoffTouch} {
		h = laterHandoff(h, t, mql)
	}
	return h
}

// laterHandoff returns t when it is a touch at or before the hand-off at mql and later than
// h (ties broken by the fields), else h.
func laterHandoff(h, t Touch, mql int64) Touch {
	if t.none() || t.At > mql {
		return h
	}
	if h.none() || t.At > h.At || t.At == h.At && compareTouch(t, h) > 0 {
		return t
	}
	return h
}

// TakeHandoffTouch takes a touch that arrived after the lead became an MQL: when it is dated
// at or before the hand-off and later than the hand-off touch kept, it is the hand-off touch
// (the last touch before the hand-off, whatever order events arrive in).
func (d *Data) TakeHandoffTouch(t Touch) {
	if d.MQLAt != None {
		d.HandoffTouch = laterHandoff(d.HandoffTouch, t, d.MQLAt)
	}
}

// Visit takes a watched page view at t into the sessions: it joins (or bridges) the sessions
// within gap of it, or starts one; past limit sessions (MaxVisits at most, and for 0) the
// oldest is dropped, and a view older than every session kept, with none within the gap, is
// not kept.
// The sessions are those one Data that saw every view in any order would hold (while none is
// dropped). It allocates once, room for every session it keeps: a bounded, constant footprint.
func (d *Data) Visit(t, gap int64, limit int) {
	limit = visitCap(limit)
	v := d.Sessions
	if cap(v) < limit {
		v = append(make([]Session, 0, limit), v...)
	}
	i, _ := slices.BinarySearchFunc(v, t, func(s Session, t int64) int { return cmp.Compare(Add(s.To, gap), t) })
	// v[i] is the first session that ends within the gap before t, or later.
	if i < len(v) && Add(v[i].From, -gap) <= t {
		s := &v[i]
		s.From, s.To, s.N = min(s.From, t), max(s.To, t), satAdd32(s.N, 1)
		for i+1 < len(v) && Add(v[i+1].From, -gap) <= s.To { // t bridged two sessions
			s.To, s.N = max(s.To, v[i+1].To), satAdd32(s.N, v[i+1].N)
			v = slices.Delete(v, i+1, i+2)
		}
		d.Sessions = v
		return
	}
	if len(v) >= limit {
		if i == 0 {
			return // older than every session kept
		}
		v = slices.Delete(v, 0, 1)
		i--
	}
	d.Sessions = slices.Insert(v, i, Session{From: t, To: t, N: 1}) // within the room made above
}

// regroup returns sessions grouped by l's session gap (a wider gap than they were grouped
// by joins them; a narrower one cannot split them) and at most l's session cap, the latest.
func regroup(v []Session, l *Layout) []Session {
	c := visitCap(l.SessionCap)
	for i := 1; i < len(v); i++ {
		if Add(v[i-1].To, l.SessionGap) >= v[i].From {
			return mergeSessions(v, nil, l.SessionGap, c)
		}
	}
	if len(v) > c {
		return slices.Clone(v[len(v)-c:])
	}
	return v
}

// ringSessions returns the sessions the times of d's rings hold, grouped by gap, at most
// limit (nil for none): the visits of a Data written before version 4, which has none. d is
// not modified.
func (d *Data) ringSessions(rings []int, gap int64, limit int) []Session {
	var tmp Data
	for _, r := range rings {
		if r < 0 || r >= len(d.Layout.Types) {
			continue
		}
		for _, t := range d.Ring(r) {
			if t != None {
				tmp.Visit(t, gap, limit)
			}
		}
	}
	return tmp.Sessions
}

func visitCap(c int) int {
	if c <= 0 || c > MaxVisits {
		return MaxVisits
	}
	return c
}

func satAdd32(a, b uint32) uint32 {
	if a+b < a {
		return math.MaxUint32
	}
	return a + b
}

// mergeSessions unites two parts' sessions: sessions within gap of each other become one
// (their events add up), and the latest limit are kept.
func mergeSessions(a, b []Session, gap int64, limit int) []Session {
	if len(a)+len(b) == 0 {
		return nil
	}
	all := append(slices.Clone(a), b...) // both coalesced under the gap, which either part's may not have been
	slices.SortFunc(all, func(x, y Session) int {
		if c := cmp.Compare(x.From, y.From); c != 0 {
			return c
		}
		return cmp.Compare(x.To, y.To)
	})
	out := all[:1]
	for _, s := range all[1:] {
		last := &out[len(out)-1]
		if Add(last.To, gap) >= s.From {
			last.To, last.N = max(last.To, s.To), satAdd32(last.N, s.N)
			continue
		}
		out = append(out, s)
	}
	if c := visitCap(limit); len(out) > c {
		out = slices.Clone(out[len(out)-c:])
	}
	return out
}

// SessionsIn counts the sessions that have an event in [from, to] and their events, and
// reports the span from the first to the last of them; exact is false when the sessions kept
// are full (limit) and the oldest is in the window (there may have been more).
func SessionsIn(v []Session, from, to int64, limit int) (n int, events uint64, first, last int64, exact bool) {
	first, last = math.MaxInt64, math.MinInt64
	for _, s := range v {
		if s.To < from || s.From > to {
			continue
		}
		n++
		events += uint64(s.N)
		first, last = min(first, max(s.From, from)), max(last, min(s.To, to))
	}
	exact = len(v) < visitCap(limit) || v[0].To < from
	return n, events, first, last, exact
}

// Filled counts the times a ring holds.
func Filled(ring []int64) uint32 {
	n := uint32(0)
	for _, t := range ring {
		if t != None {
			n++
		}
	}
	return n
}

// CountTotal returns how many events of tracked type i fall in [from, to]: exact when the
// ring is not full of times in the window, or when every event d took is in it (then the
// type's total is the count); otherwise the ring's count, and exact is false.
//
// The totals of a State written before version 4 are a lower bound (read from its rings):
// then the count is never exact when the ring is full of times in the window, and is the
// total ("at least") when every event d took is in the window.
func (d *Data) CountTotal(i int, from, to int64) (n uint32, exact bool) {
	ring := d.Ring(i)
	c := uint32(CountIn(ring, from, to))
	if c < uint32(len(ring)) || ring[0] < from {
		return c, true
	}
	partial := d.totalsPartial()
	if d.First >= from && d.Latest <= to {
		return d.total(i), !partial
	}
	return c, !partial && d.total(i) == c
}

// totalsPartial reports whether d's totals are a lower bound: read from the rings of a Data
// written before version 4 (none yet, or since set from them).
// Only a full ring can have lost events, so totals read from rings none of which is full are
// exact.
func (d *Data) totalsPartial() bool {
	return (d.TotalsPartial || d.Totals == nil) && d.anyRingFull()
}

// anyRingFull reports whether a ring of d is full: events of its type may have left it.
func (d *Data) anyRingFull() bool {
	if d.Layout == nil {
		return false
	}
	for i := range d.Layout.Types {
		if r := d.Ring(i); len(r) > 0 && r[0] != None {
			return true
		}
	}
	return false
}

// TakeType counts an event of tracked type i in the type's exact total.
func (d *Data) TakeType(i int) {
	if i < len(d.Totals) && d.Totals[i] < MaxTotal {
		d.Totals[i]++
	}
}

// SetQuestion keeps text as the latest question's, unless d holds a later one (ties broken
// by the text). Empty text keeps nothing.
func (d *Data) SetQuestion(text string, t int64) {
	if text == "" {
		return
	}
	if d.Question == "" || t > d.QuestionAt || t == d.QuestionAt && text > d.Question {
		d.Question, d.QuestionAt = text, t
	}
}

// Line returns s as one line of text of at most limit bytes: invalid UTF-8 replaced,
// ReasonControl characters and runs of white space made one space, the ends trimmed, cut at a
// rune boundary. It returns s itself, allocating nothing, when s already is such a line.
func Line(s string, limit int) string {
	if len(s) <= limit && isLine(s) {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if ReasonControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimSpace(s[:cut])
	}
	return strings.Clone(s)
}

// isLine reports whether s is valid UTF-8 without ReasonControl characters, leading or
// trailing white space or runs of it: what Line leaves unchanged. ASCII, the common case, is
// checked a byte at a time.
func isLine(s string) bool {
	space := true // at the start: no leading space
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			switch {
			case b < 0x20 || b == 0x7f:
				return false
			case b == ' ':
				if space {
					return false
				}
				space = true
			default:
				space = false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		// An invalid byte decodes as RuneError of width 1; U+FFFD itself, width 3, is text
		// (Line writes it for every invalid byte: refusing it made a State holding the text
		// of an event with one bad byte impossible to write).
		if r == utf8.RuneError && n == 1 || ReasonControl(r) || unicode.IsSpace(r) {
			return false
		}
		space = false
		i += n
	}
	return !space || s == ""
}

// checkText reports whether s is text a Data may keep: exactly what Line leaves unchanged
// (at most limit bytes of UTF-8 on one line, without control characters, line or paragraph
// separators, or leading, trailing or doubled white space), so that no bytes hold text no
// event could have left.
func checkText(what, s string, limit int) error {
	switch {
	case len(s) > limit || !utf8.ValidString(s):
		return fmt.Errorf("a %s is at most %d bytes of UTF-8", what, limit)
	case !isLine(s):
		return fmt.Errorf("a %s is not one line of text (a control character or stray white space)", what)
	}
	return nil
}

// checkExtra verifies what version 4 adds (invariant 8).
func (d *Data) checkExtra() error {
	l := d.Layout
	if len(d.Totals) != 0 && len(d.Totals) != len(l.Types) {
		return fmt.Errorf("%d event totals for %d tracked types", len(d.Totals), len(l.Types))
	}
	for i, n := range d.Totals {
		if uint64(n) > d.Events {
			return fmt.Errorf("the event total of %q is more than the events taken", l.Types[i])
		}
		if n < Filled(d.Ring(i)) {
			return fmt.Errorf("the event total of %q is less than its ring holds", l.Types[i])
		}
	}
	if len(d.Sessions) > MaxVisits {
		return fmt.Errorf("%d visits, at most %d", len(d.Sessions), MaxVisits)
	}
	views := uint64(0)
	for _, s := range d.Sessions {
		views += uint64(s.N)
	}
	if views > d.Events {
		return fmt.Errorf("visits of %d page views, more than the %d events taken", views, d.Events)
	}
	for i, s := range d.Sessions {
		switch {
		case !InRange(s.From) || !InRange(s.To) || s.From > s.To || s.To > d.Latest:
			return fmt.Errorf("visit times inconsistent")
		case s.N == 0 || uint64(s.N) > d.Events:
			return fmt.Errorf("a visit of %d events", s.N)
		case i > 0 && d.Sessions[i-1].To >= s.From:
			return fmt.Errorf("visits out of order or overlapping")
		}
	}
	if err := checkText("question", d.Question, MaxQuestion); err != nil {
		return err
	}
	if d.Question == "" && d.QuestionAt != 0 {
		return fmt.Errorf("a question time without a question")
	}
	if d.Question != "" && (!InRange(d.QuestionAt) || d.QuestionAt > d.Latest) {
		return fmt.Errorf("question time out of range or after the latest event")
	}
	if err := checkText("cart step", d.Cart.Step, MaxStep); err != nil {
		return err
	}
	if d.Cart.Step != "" && d.Cart.At == None {
		return fmt.Errorf("a cart step without a cart")
	}
	for _, t := range []struct {
		what string
		t    Touch
	}{{"first touch", d.FirstTouch}, {"last touch", d.LastTouch}, {"hand-off touch", d.HandoffTouch}} {
		if t.t.IsZero() {
			continue
		}
		if t.t.Channel == "" && t.t.Campaign == "" && t.t.Content == "" && t.t.CTA == "" {
			return fmt.Errorf("a %s without a channel, campaign, content or call to action", t.what)
		}
		if !InRange(t.t.At) || t.t.At > d.Latest {
			return fmt.Errorf("%s time out of range or after the latest event", t.what)
		}
		for _, s := range []string{t.t.Channel, t.t.Campaign, t.t.Content, t.t.CTA} {
			if err := checkText(t.what, s, MaxTouchText); err != nil {
				return err
			}
		}
	}
	if !d.FirstTouch.IsZero() && (d.LastTouch.IsZero() || compareTouch(d.FirstTouch, d.LastTouch) > 0) {
		return fmt.Errorf("first touch after the last")
	}
	if !d.HandoffTouch.IsZero() && d.MQLAt == None {
		return fmt.Errorf("a hand-off touch without a hand-off")
	}
	return nil
}

// hasExtra reports whether d holds anything only version 4 writes (partial totals that are
// their rings' counts need not be: a Data read from an older version gets them again).
func (d *Data) hasExtra() bool {
	if len(d.Sessions) > 0 || d.Question != "" || d.Cart.Step != "" || !d.FirstTouch.IsZero() ||
		!d.LastTouch.IsZero() || !d.HandoffTouch.IsZero() {
		return true
	}
	// Version 2 and 3 bytes with a full ring are read as partial totals: exact ones that are
	// their rings' counts are written as version 4 then.
	return d.totalsBeyondRings() || d.Totals != nil && !d.TotalsPartial && d.anyRingFull()
}

// totalsBeyondRings reports whether a type's total is more than its ring holds: otherwise the
// totals are the rings' counts, and need not be written.
func (d *Data) totalsBeyondRings() bool {
	for i, n := range d.Totals {
		if n > Filled(d.Ring(i)) {
			return true
		}
	}
	return false // no totals, or each is its ring's count
}

// total returns the event total of tracked type i: Totals[i], or what its ring holds for a
// Data without totals (read from a version before 4).
func (d *Data) total(i int) uint32 {
	if i < len(d.Totals) {
		return max(d.Totals[i], Filled(d.Ring(i)))
	}
	return Filled(d.Ring(i))
}

// totalsEqual compares the totals of two Datas laid out alike, a missing total being what
// its ring holds.
func totalsEqual(a, b *Data) bool {
	if a.Layout == nil {
		return len(a.Totals) == len(b.Totals)
	}
	for i := range a.Layout.Types {
		if a.total(i) != b.total(i) {
			return false
		}
	}
	return true
}

// ringTotals returns the totals read from the rings: what a Data written before version 4
// is known to have taken.
func (d *Data) ringTotals() []uint32 {
	out := make([]uint32, len(d.Layout.Types))
	for i := range out {
		out[i] = Filled(d.Ring(i))
	}
	return out
}

// SessionExpiry returns the first time after from at which a session leaves a window of
// length w (a session counts in [From, To + w]), or MaxInt64.
func SessionExpiry(v []Session, w, from int64) int64 {
	for _, s := range v {
		if Add(s.To, w) >= from {
			return Add(Add(s.To, w), 1)
		}
	}
	return math.MaxInt64
}
