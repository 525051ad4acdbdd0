package leadscore

import (
	"time"

	"github.com/leadscore/leadscore/internal/state"
)

// Touch is a marketing touch: where an event came from — its channel, campaign, content and
// call to action (Event.Channel, Campaign, Content, CTA) — and when. A State keeps three
// (FirstTouch, LastTouch, HandoffTouch), for the funnel's attribution by channel, campaign or
// content. Each text is one line of at most 128 bytes: control and bidirectional control
// characters become spaces, and longer text is cut, as the State keeps it. The zero Touch is
// none.
type Touch struct {
	At       time.Time `json:"at"`
	Channel  string    `json:"channel,omitempty"`
	Campaign string    `json:"campaign,omitempty"`
	Content  string    `json:"content,omitempty"`
	CTA      string    `json:"cta,omitempty"`
}

// IsZero reports whether t is no touch.
func (t Touch) IsZero() bool { return t == Touch{} }

// MaxTouchText bounds, in bytes, each text a Touch keeps (channel, campaign, content, call
// to action).
const MaxTouchText = state.MaxTouchText

// MaxQuestionText bounds, in bytes, the text of a question a State keeps.
const MaxQuestionText = state.MaxQuestion

// MaxCartStep bounds, in bytes, the step an abandoned cart names.
const MaxCartStep = state.MaxStep

// FirstTouch returns the earliest event that carried a channel, campaign, content or call to
// action (the zero Touch: none yet).
func (st *State) FirstTouch() Touch { return touchOut(st.d.FirstTouch) }

// LastTouch returns the latest event that carried a channel, campaign, content or call to
// action (the zero Touch: none yet). A late event is placed by its time: it is the last touch
// only if it is the latest.
func (st *State) LastTouch() Touch { return touchOut(st.d.LastTouch) }

// HandoffTouch returns the last touch before the lead first reached a hand-off tier (the
// touch that made it an MQL), or the zero Touch: not handed off, or no touch before. A touch
// dated at or before the hand-off that arrives after it (a late event) takes its place when it
// is later. Merge takes the hand-off touch of the part that became an MQL first, or a later
// touch at or before that hand-off among the first, last and hand-off touches of either part;
// it remains approximate there: a part keeps only those three touches, so a touch between its
// first and last is not known to Merge, and when parts became MQLs at different times the
// result may depend on how the merges are grouped.
func (st *State) HandoffTouch() Touch { return touchOut(st.d.HandoffTouch) }

// Question returns the text of the latest question event that had one, and its time ("":
// none). It is one line of at most MaxQuestionText bytes.
func (st *State) Question() (text string, at time.Time) {
	if st.d.Question == "" {
		return "", time.Time{}
	}
	return st.d.Question, unixToTime(st.d.QuestionAt)
}

func touchOut(t state.Touch) Touch {
	if t.IsZero() {
		return Touch{}
	}
	return Touch{At: unixToTime(t.At), Channel: t.Channel, Campaign: t.Campaign, Content: t.Content, CTA: t.CTA}
}

// touchOf is the touch ev makes at t (the zero one when it carries none of the four). Texts
// already clean, the common case, are kept as they are: nothing is allocated.
// TouchText returns the text a State keeps of an event's Channel, Campaign, Content or CTA:
// one line (control characters and runs of white space made one space, the ends trimmed) of
// at most 128 bytes of valid UTF-8. Keys matched against touches (report.Costs) are
// normalised by it.
func TouchText(s string) string { return state.Line(s, state.MaxTouchText) }

func touchOf(ev *Event, t int64) state.Touch {
	if ev.Channel == "" && ev.Campaign == "" && ev.Content == "" && ev.CTA == "" {
		return state.Touch{}
	}
	tc := state.Touch{
		At:       t,
		Channel:  state.Line(ev.Channel, state.MaxTouchText),
		Campaign: state.Line(ev.Campaign, state.MaxTouchText),
		Content:  state.Line(ev.Content, state.MaxTouchText),
		CTA:      state.Line(ev.CTA, state.MaxTouchText),
	}
	if tc.Channel == "" && tc.Campaign == "" && tc.Content == "" && tc.CTA == "" {
		return state.Touch{} // only white space and control characters
	}
	return tc
}

// questionText is the text of a question event: Properties["text"] when it is a string, on
// one line and cut to MaxQuestionText bytes.
func questionText(ev *Event) string {
	s, _ := ev.Properties["text"].(string)
	return state.Line(s, state.MaxQuestion)
}

// cartStep is the step a cart_add or checkout_start stopped at: Properties["step"] when it
// is a string ("shipping", "payment", "price", …), on one line and cut to MaxCartStep bytes.
func cartStep(ev *Event) string {
	if len(ev.Properties) == 0 {
		return ""
	}
	s, _ := ev.Properties["step"].(string)
	return state.Line(s, state.MaxStep)
}

// visitWatch is how the State groups the page views frequent_visits counts into visits.
type visitWatch struct {
	rings []int // the rings of the watched page categories (product, pricing)
	gap   int64 // views within the gap of each other are one visit
	cap   int   // visits kept
}

func (w *visitWatch) watches(ring int) bool {
	for _, r := range w.rings {
		if r == ring {
			return true
		}
	}
	return false
}

// recordExtra takes into d, besides what record keeps, the per-type event totals, the visit
// the event belongs to, a question's text and the event's touch. ring and catRing are the
// rings of the event's type and page category (-1: none). Only a question's text, a dirty
// text and a new visit allocate.
func (s *Scorer[L]) recordExtra(d *state.Data, ev *Event, t int64, ring, catRing int) {
	if ring >= 0 {
		d.TakeType(ring)
	}
	if catRing >= 0 {
		d.TakeType(catRing)
		if s.visits.watches(catRing) {
			s.takeVisit(d, t)
		}
	}
	if ev.Type == EventQuestion {
		d.SetQuestion(questionText(ev), t)
	}
	if ev.Channel != "" || ev.Campaign != "" || ev.Content != "" || ev.CTA != "" {
		tc := touchOf(ev, t)
		d.TakeTouch(tc)
		d.TakeHandoffTouch(tc) // a touch before the hand-off that arrives after it
	}
}

// takeVisit takes a watched page view at t into d's visits. A State without visits (new, or
// written before version 4) first has them rebuilt from the watched rings, which hold t.
func (s *Scorer[L]) takeVisit(d *state.Data, t int64) {
	w := &s.visits
	if len(d.Sessions) > 0 {
		d.Visit(t, w.gap, w.cap)
		return
	}
	for _, r := range w.rings {
		for _, u := range d.Ring(r) {
			if u != noTime {
				d.Visit(u, w.gap, w.cap)
			}
		}
	}
}

// visitCounts counts d's visits with a watched page view in [from, to], their page views and
// their span; exact is false when there may have been more visits than the State keeps. A
// State without visits (written before version 4) has them read from its rings.
func (s *Scorer[L]) visitCounts(d *state.Data, from, to int64) (n int, views uint64, first, last int64, exact bool) {
	if len(d.Sessions) > 0 {
		return state.SessionsIn(d.Sessions, from, to, s.visits.cap)
	}
	return ringVisits(d, s.visits.rings, s.visits.gap, from, to)
}

// ringVisits groups the times of the rings in [from, to] into visits, walking them in time
// order without allocating.
func ringVisits(d *state.Data, rings []int, gap, from, to int64) (n int, views uint64, first, last int64, exact bool) {
	var pos [8]int
	if len(rings) > len(pos) {
		rings = rings[:len(pos)]
	}
	prev := int64(noTime)
	first, last = noTime, noTime
	for {
		best, bestAt := -1, int64(0)
		for k, r := range rings {
			ring := d.Ring(r)
			for pos[k] < len(ring) && (ring[pos[k]] == noTime || ring[pos[k]] < from) {
				pos[k]++
			}
			if pos[k] < len(ring) && ring[pos[k]] <= to && (best < 0 || ring[pos[k]] < bestAt) {
				best, bestAt = k, ring[pos[k]]
			}
		}
		if best < 0 {
			break
		}
		pos[best]++
		if prev == noTime || state.Add(prev, gap) < bestAt {
			n++
		}
		if first == noTime {
			first = bestAt
		}
		prev, last = bestAt, bestAt
		views++
	}
	exact = true
	for _, r := range rings {
		if ring := d.Ring(r); ring[0] != noTime && ring[0] >= from {
			exact = false // the ring is full of views in the window: there may have been more
		}
	}
	return n, views, first, last, exact
}
