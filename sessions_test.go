package leadscore

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore/internal/state"
)

func view(path string, at time.Time) Event { return Event{Type: EventPageView, Path: path, Time: at} }

// frequent_visits counts visits — sessions of page views within the gap — not page views.
func TestSessionFrequentVisits(t *testing.T) {
	gapped := signalConfig()
	gapped.Signals = []SignalConfig{{Kind: SignalFrequentVisits, SessionGap: Duration(time.Hour)}}
	views := func(minutes ...int) []Event {
		var out []Event
		for _, m := range minutes {
			out = append(out, view("/pricing", t0.Add(time.Duration(m)*time.Minute)))
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		cfg    Config
		events []Event
		want   string // the reason, "" for no signal
	}{
		{"three pricing views in two minutes are one visit", signalConfig(), views(0, 1, 2), ""},
		{"three views exactly the gap apart are one visit", signalConfig(), views(0, 30, 60), ""},
		{"a minute more apart: three visits", signalConfig(), views(0, 31, 62), "3 product/pricing-page visits in 1 hour"},
		{"three visits of two views each", signalConfig(), views(0, 5, 60, 65, 120, 125), "3 product/pricing-page visits in 2 hours (6 page views)"},
		{"session_gap 1h: 45 minutes apart is one visit", gapped, views(0, 45, 90), ""},
		{"session_gap 1h: 61 minutes apart is not", gapped, views(0, 61, 122), "3 product/pricing-page visits in 2 hours"},
		{"ten visits are ten, not the ring's three", signalConfig(), views(0, 100, 200, 300, 400, 500, 600, 700, 800, 900), "10 product/pricing-page visits in 15 hours"},
		{"a late view bridges two visits", signalConfig(), views(0, 40, 100, 20), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := compileT(t, tc.cfg)
			var st State
			var r Result
			for _, e := range tc.events {
				r = observeT(t, s, Lead{}, &st, e)
			}
			sig, ok := signalOf(r, SignalFrequentVisits)
			switch {
			case tc.want == "" && ok:
				t.Errorf("fired: %q", sig.Reason)
			case tc.want != "" && !ok:
				t.Errorf("did not fire; visits %v", st.d.Sessions)
			case ok && sig.Reason != tc.want:
				t.Errorf("reason %q, want %q", sig.Reason, tc.want)
			}
			if ok && len(tc.events) == 10 && sig.Strength != 1 {
				t.Errorf("ten visits for a minimum of three: strength %v, want 1", sig.Strength)
			}
		})
	}
}

// When a visit leaves the window the signal clears, and NextWakeup is not late for it.
func TestSessionLeavesWindow(t *testing.T) {
	s := compileT(t, signalConfig())
	var st State
	for _, m := range []int{0, 5, 60, 120} { // visits [0, 5], [60], [120]
		observeT(t, s, Lead{}, &st, view("/pricing", t0.Add(time.Duration(m)*time.Minute)))
	}
	end := t0.Add(5*time.Minute + 14*Day) // the first visit's last view leaves the window after this
	if w, ok := s.NextWakeup(&st); !ok || w.After(end.Add(1)) {
		t.Fatalf("NextWakeup %v (%v), want by %v", w, ok, end.Add(1))
	}
	if r := scoreT(t, s, Lead{}, &st, end); !hasSignal(r, SignalFrequentVisits) {
		t.Errorf("cleared while the first visit is in the window")
	}
	if r := scoreT(t, s, Lead{}, &st, end.Add(1)); hasSignal(r, SignalFrequentVisits) {
		t.Errorf("still raised with two visits in the window")
	}
}

func hasSignal(r Result, kind string) bool { _, ok := signalOf(r, kind); return ok }

func TestSessionGapConfig(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{"pages": {"pricing": ["/pricing"]},
		"signals": [{"kind": "frequent_visits", "min": 3, "window": "14d", "session_gap": "45m"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s := compileT(t, cfg)
	if s.visits.gap != int64(45*time.Minute) || s.layout.SessionGap != int64(45*time.Minute) {
		t.Errorf("session gap %v", time.Duration(s.visits.gap))
	}
	if d := compileT(t, signalConfig()); d.visits.gap != int64(DefaultSessionGap) || d.visits.cap != 16 {
		t.Errorf("defaults: gap %v, cap %d", time.Duration(d.visits.gap), d.visits.cap)
	}
	for name, sc := range map[string]SignalConfig{
		"a negative gap":         {Kind: SignalFrequentVisits, SessionGap: -1},
		"a gap on another kind":  {Kind: SignalFrequentEngagement, SessionGap: Duration(time.Hour)},
		"more visits than kept":  {Kind: SignalFrequentVisits, Min: state.MaxVisits + 1},
		"a gap on a custom kind": {Kind: "vip", When: "true", SessionGap: Duration(time.Hour)},
	} {
		cfg := signalConfig()
		cfg.Signals = []SignalConfig{sc}
		if _, err := Compile[Lead](cfg); err == nil {
			t.Errorf("%s: compiled", name)
		}
	}
	cfg = signalConfig()
	cfg.Signals = []SignalConfig{{Kind: SignalFrequentVisits, Min: state.MaxVisits}}
	if s := compileT(t, cfg); s.visits.cap != state.MaxVisits {
		t.Errorf("min 64 keeps %d visits", s.visits.cap)
	}
}

// A State written before visits were kept (its rings only) counts visits from its rings, and
// its next watched view rebuilds them.
func TestSessionFromOlderState(t *testing.T) {
	s := compileT(t, signalConfig())
	var st State
	for _, m := range []int{0, 40, 80} {
		observeT(t, s, Lead{}, &st, view("/pricing", t0.Add(time.Duration(m)*time.Minute)))
	}
	st.d.Sessions, st.d.Totals = nil, nil // as version 2 decoded it
	if r := scoreT(t, s, Lead{}, &st, t0.Add(2*time.Hour)); !hasSignal(r, SignalFrequentVisits) {
		t.Fatal("the rings' three visits are not counted")
	}
	observeT(t, s, Lead{}, &st, view("/pricing", t0.Add(81*time.Minute)))
	// The ring of three kept the views at 40, 80 and 81 minutes: the one at 0 is gone.
	if len(st.d.Sessions) != 2 || st.d.Sessions[1].N != 2 {
		t.Errorf("visits rebuilt as %v", st.d.Sessions)
	}
}

// Evidence counts what happened: ten email clicks are ten, though the ring keeps four.
func TestSignalEvidenceCounts(t *testing.T) {
	s := compileT(t, signalConfig())
	var st State
	var r Result
	for i := range 10 {
		r = observeT(t, s, Lead{}, &st, ev(EventEmailClick, t0.Add(time.Duration(i)*time.Hour)))
	}
	sig, ok := signalOf(r, SignalFrequentEngagement)
	if !ok || !strings.HasPrefix(sig.Reason, "10 engagement actions in 9 hours (email_click ×10)") || sig.Strength != 1 {
		t.Errorf("frequent_engagement %+v (%v)", sig, ok)
	}
	// With events before the window, the State cannot tell how many of the window's it lost.
	var old State
	observeT(t, s, Lead{}, &old, ev(EventEmailClick, t0.Add(-60*Day)))
	for i := range 10 {
		r = observeT(t, s, Lead{}, &old, ev(EventEmailClick, t0.Add(time.Duration(i)*time.Hour)))
	}
	if sig, ok := signalOf(r, SignalFrequentEngagement); !ok || !strings.HasPrefix(sig.Reason, "at least 4 engagement actions") {
		t.Errorf("with history: %+v", sig)
	}
	// Job seekers: five careers views are five.
	var js State
	for i := range 5 {
		r = observeT(t, s, Lead{}, &js, view("/careers", t0.Add(time.Duration(i)*Day)))
	}
	if sig, ok := signalOf(r, SignalJobSeeker); !ok || sig.Reason != "5 careers-page visits in the last 60 days" {
		t.Errorf("job_seeker %+v", sig)
	}
}

// A question keeps its text, on one line and bounded, for the hand-off.
func TestSignalQuestionText(t *testing.T) {
	s := compileT(t, signalConfig())
	var st State
	text := "Do you\nsupport\u202E SSO?\x1b[2J " + strings.Repeat("x", 400)
	r := observeT(t, s, Lead{}, &st, Event{Type: EventQuestion, Time: t0, Channel: "chat", Properties: map[string]any{"text": text}})
	kept, at := st.Question()
	if !strings.HasPrefix(kept, "Do you support SSO? [2J xxx") || len(kept) > MaxQuestionText || !at.Equal(t0) {
		t.Fatalf("kept %q (%d bytes) at %v", kept, len(kept), at)
	}
	sig, _ := signalOf(r, SignalQuestion)
	if !strings.Contains(sig.Reason, `asking "Do you support SSO?`) {
		t.Errorf("reason %q", sig.Reason)
	}
	if !strings.Contains(r.Explain(), "Do you support SSO?") {
		t.Errorf("the hand-off text lacks the question:\n%s", r.Explain())
	}
	// A later question without text keeps the earlier text; a call outranks it but the text
	// is still quoted while in the window.
	observeT(t, s, Lead{}, &st, ev(EventQuestion, t0.Add(time.Hour)))
	r = observeT(t, s, Lead{}, &st, ev(EventCall, t0.Add(2*time.Hour)))
	if sig, _ := signalOf(r, SignalQuestion); !strings.HasPrefix(sig.Reason, "phone call") || !strings.Contains(sig.Reason, "SSO") {
		t.Errorf("reason %q", sig.Reason)
	}
	if r := scoreT(t, s, Lead{}, &st, t0.Add(31*Day)); hasSignal(r, SignalQuestion) {
		t.Error("the question outlived its window")
	}
}

// An abandoned cart names the step it stopped at.
func TestSignalAbandonedCartStep(t *testing.T) {
	s := compileT(t, signalConfig())
	var st State
	observeT(t, s, Lead{}, &st, Event{Type: EventCheckoutStart, Time: t0, Value: 120, Properties: map[string]any{"step": "payment"}})
	r, err := s.Advance(Lead{}, &st, t0.Add(2*Day))
	if err != nil {
		t.Fatal(err)
	}
	sig, ok := signalOf(r, SignalAbandonedCart)
	if !ok || sig.Reason != `checkout abandoned 2 days ago at the "payment" step (value 120), no purchase since` {
		t.Errorf("abandoned_cart %+v", sig)
	}
	observeT(t, s, Lead{}, &st, Event{Type: EventCartAdd, Time: t0.Add(3 * Day), Properties: map[string]any{"step": 7}})
	if st.d.Cart.Step != "" {
		t.Errorf("a step that is no string kept as %q", st.d.Cart.Step)
	}
}

// The State keeps the first, last and hand-off touches; a late event is placed by its time.
func TestAttributionTouches(t *testing.T) {
	cfg := signalConfig()
	cfg.Events = []EventRule{{ID: "demo", On: []string{EventDemoRequest}, Points: 100}}
	hot := 50.0
	cfg.Tiers = []Tier{{Name: "hot", Min: &hot, Handoff: true}, {Name: "cold"}}
	s := compileT(t, cfg)
	var st State
	touch := func(at time.Time, typ, channel, campaign string) Event {
		return Event{Type: typ, Time: at, Channel: channel, Campaign: campaign, Content: "guide.pdf", CTA: "download"}
	}
	observeT(t, s, Lead{}, &st, touch(t0.Add(Day), EventContentDownload, "web", "spring"))
	observeT(t, s, Lead{}, &st, touch(t0.Add(2*Day), EventEmailClick, "email", "nurture-1"))
	observeT(t, s, Lead{}, &st, touch(t0, EventEmailClick, "social", "launch")) // late, and the earliest
	observeT(t, s, Lead{}, &st, ev(EventDemoRequest, t0.Add(3*Day)))            // the hand-off: no touch of its own
	observeT(t, s, Lead{}, &st, touch(t0.Add(4*Day), EventEmailClick, "email\x00", " nurture-2 "))
	if f := st.FirstTouch(); f.Campaign != "launch" || f.Channel != "social" || !f.At.Equal(t0) {
		t.Errorf("first touch %+v", f)
	}
	if l := st.LastTouch(); l.Campaign != "nurture-2" || l.Channel != "email" || l.Content != "guide.pdf" || l.CTA != "download" {
		t.Errorf("last touch %+v", l)
	}
	if h := st.HandoffTouch(); h.Campaign != "nurture-1" {
		t.Errorf("hand-off touch %+v", h)
	}
	b, err := st.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := back.UnmarshalBinary(b); err != nil || back.FirstTouch() != st.FirstTouch() || back.HandoffTouch() != st.HandoffTouch() {
		t.Fatalf("round trip: %v", err)
	}
	// Merging a part with an earlier touch: it becomes the first.
	var other State
	observeT(t, s, Lead{}, &other, touch(t0.Add(-Day), EventPageView, "paid", "ads"))
	if err := back.Merge(&other); err != nil || back.FirstTouch().Campaign != "ads" || back.LastTouch().Campaign != "nurture-2" {
		t.Errorf("merged: %v, first %+v, last %+v", err, back.FirstTouch(), back.LastTouch())
	}
	// An event whose texts are only spaces and controls is no touch.
	var none State
	observeT(t, s, Lead{}, &none, Event{Type: EventEmailClick, Time: t0, Campaign: " \x01 "})
	if !none.FirstTouch().IsZero() {
		t.Errorf("a blank campaign made a touch: %+v", none.FirstTouch())
	}
}

// Attribution, visits and totals allocate nothing on the hot path.
func TestAttributionAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool allocate")
	}
	s := compileT(t, DefaultB2B())
	var st State
	observeT(t, s, benchLead, &st, ev(EventFormSubmit, t0))
	i := 0
	if n := testing.AllocsPerRun(200, func() {
		i++
		at := t0.Add(time.Duration(i) * 45 * time.Minute) // a new visit each time
		_, _ = s.Accumulate(benchLead, &st, Event{Type: EventPageView, Path: "/pricing", Time: at, Channel: "web",
			Campaign: []string{"spring", "summer"}[i%2], Content: "pricing", CTA: "trial"})
	}); n != 0 {
		t.Errorf("Accumulate with attribution and visits: %v allocations", n)
	}
}

func TestSessionErrorsWrap(t *testing.T) {
	cfg := signalConfig()
	cfg.Signals = []SignalConfig{{Kind: SignalFrequentVisits, SessionGap: -Duration(time.Minute)}}
	_, err := Compile[Lead](cfg)
	var re *RuleError
	if !errors.As(err, &re) || re.Field != "session_gap" {
		t.Errorf("error %v, want a RuleError on session_gap", err)
	}
}
