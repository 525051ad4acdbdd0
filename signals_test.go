package leadscore

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func signalOf(r Result, kind string) (Signal, bool) {
	for _, s := range r.Signals {
		if s.Kind == kind {
			return s, true
		}
	}
	return Signal{}, false
}

func signalConfig() Config {
	return Config{
		Lists: map[string][]string{"targets": {"globex.example", "Initech"}, "competitors": {"rival.example"}},
		Pages: map[string][]string{"product": {"/product"}, "pricing": {"/pricing"}, "careers": {"/careers"}},
	}
}

func TestFrequentVisitsEdges(t *testing.T) {
	s := compileT(t, signalConfig())
	view := func(path string, at time.Time) Event { return Event{Type: EventPageView, Path: path, Time: at} }
	tests := []struct {
		name   string
		events []Event
		at     time.Time
		want   bool
	}{
		{"two visits", []Event{view("/pricing", t0), view("/product/a", t0.Add(Day))}, t0.Add(Day), false},
		{"three visits", []Event{view("/pricing", t0), view("/product/a", t0.Add(Day)), view("/pricing/x", t0.Add(6*Day))}, t0.Add(6 * Day), true},
		{"other pages do not count", []Event{view("/pricing", t0), view("/blog", t0), view("/careers", t0)}, t0, false},
		{"window edge: still in", []Event{view("/pricing", t0), view("/pricing", t0.Add(Day)), view("/pricing", t0.Add(2*Day))}, t0.Add(14 * Day), true},
		{"window edge: one out", []Event{view("/pricing", t0), view("/pricing", t0.Add(Day)), view("/pricing", t0.Add(2*Day))}, t0.Add(14*Day + 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st State
			observeT(t, s, Lead{}, &st, tt.events...)
			sig, ok := signalOf(scoreT(t, s, Lead{}, &st, tt.at), SignalFrequentVisits)
			if ok != tt.want {
				t.Fatalf("frequent_visits = %v (%+v), want %v", ok, sig, tt.want)
			}
			if ok && (sig.Strength != 0.5 || !strings.Contains(sig.Reason, "3 product/pricing-page visits in")) {
				t.Errorf("signal %+v", sig)
			}
		})
	}
}

func TestFrequentVisitsReason(t *testing.T) {
	s := compileT(t, signalConfig())
	var st State
	for i := range 3 {
		observeT(t, s, Lead{}, &st, Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(time.Duration(i) * 3 * Day)})
	}
	sig, _ := signalOf(scoreT(t, s, Lead{}, &st, t0.Add(6*Day)), SignalFrequentVisits)
	if sig.Reason != "3 product/pricing-page visits in 6 days" || !sig.At.Equal(t0.Add(6*Day)) {
		t.Fatalf("%+v", sig)
	}
}

func TestQuestionSignal(t *testing.T) {
	s := compileT(t, signalConfig())
	tests := []struct {
		events   []Event
		at       time.Time
		strength float64
		reason   string
	}{
		{[]Event{{Type: EventEmailReply, Time: t0}}, t0.Add(Day), 0.6, "email reply 1 day ago"},
		{[]Event{{Type: EventEmailReply, Time: t0}, {Type: EventQuestion, Channel: "social", Time: t0.Add(-Day)}}, t0.Add(Day), 0.8, "question 2 days ago"},
		{[]Event{{Type: EventQuestion, Time: t0}, {Type: EventCall, Time: t0.Add(-5 * Day)}}, t0.Add(Day), 1, "phone call 6 days ago"},
		{[]Event{{Type: EventCall, Time: t0}}, t0.Add(30 * Day), 1, "phone call 30 days ago"},
		{[]Event{{Type: EventCall, Time: t0}}, t0.Add(30*Day + 1), 0, ""},
	}
	for i, tt := range tests {
		var st State
		observeT(t, s, Lead{}, &st, tt.events...)
		sig, ok := signalOf(scoreT(t, s, Lead{}, &st, tt.at), SignalQuestion)
		if ok != (tt.strength > 0) || sig.Strength != tt.strength || sig.Reason != tt.reason {
			t.Errorf("case %d: %v %+v, want strength %v reason %q", i, ok, sig, tt.strength, tt.reason)
		}
	}
}

func TestAbandonedCart(t *testing.T) {
	s := compileT(t, signalConfig())
	cart := Event{Type: EventCheckoutStart, Value: 129.9, Time: t0}
	tests := []struct {
		name   string
		events []Event
		at     time.Time
		want   bool
	}{
		{"before the timeout", []Event{cart}, t0.Add(Day - 1), false},
		{"at the timeout", []Event{cart}, t0.Add(Day), true},
		{"bought", []Event{cart, {Type: EventPurchase, Time: t0.Add(time.Hour)}}, t0.Add(2 * Day), false},
		{"bought before the cart", []Event{cart, {Type: EventPurchase, Time: t0.Add(-time.Hour)}}, t0.Add(2 * Day), true},
		{"remembered for the window", []Event{cart}, t0.Add(14 * Day), true},
		{"forgotten after it", []Event{cart}, t0.Add(14*Day + 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st State
			observeT(t, s, Lead{}, &st, tt.events...)
			sig, ok := signalOf(scoreT(t, s, Lead{}, &st, tt.at), SignalAbandonedCart)
			if ok != tt.want {
				t.Fatalf("abandoned_cart = %v, want %v", ok, tt.want)
			}
			if ok && (sig.Strength != 1 || !strings.HasPrefix(sig.Reason, "checkout abandoned") || !strings.Contains(sig.Reason, "value 129.9")) {
				t.Errorf("%+v", sig)
			}
		})
	}
	// Advance raises it when it comes due, once, and NextWakeup says when.
	var st State
	observeT(t, s, Lead{}, &st, Event{Type: EventCartAdd, Time: t0})
	wake, ok := s.NextWakeup(&st)
	if !ok || !wake.Equal(t0.Add(Day)) {
		t.Fatalf("NextWakeup = %v %v, want t0+1d", wake, ok)
	}
	r, _ := s.Advance(Lead{}, &st, wake)
	raised := transitionsOf(r, TransitionSignal)
	if len(raised) != 1 || raised[0].Signal != SignalAbandonedCart || !raised[0].Raised {
		t.Fatalf("transitions %+v", r.Transitions)
	}
	if r, _ = s.Advance(Lead{}, &st, wake.Add(time.Hour)); len(transitionsOf(r, TransitionSignal)) != 0 {
		t.Fatalf("raised twice: %+v", r.Transitions)
	}
	r = observeT(t, s, Lead{}, &st, Event{Type: EventPurchase, Time: wake.Add(2 * time.Hour)})
	cleared := transitionsOf(r, TransitionSignal)
	if len(cleared) != 1 || cleared[0].Raised || cleared[0].Signal != SignalAbandonedCart {
		t.Fatalf("after the purchase: %+v", r.Transitions)
	}
}

func TestListAndProfileSignals(t *testing.T) {
	s := compileT(t, signalConfig())
	tests := []struct {
		lead Lead
		kind string
		want string
	}{
		{Lead{Company: Company{Domain: "globex.example"}}, SignalTargetAccount, `company domain "globex.example" is on the targets list`},
		{Lead{Company: Company{Name: "INITECH"}}, SignalTargetAccount, `company "INITECH" is on the targets list`},
		{Lead{Email: "jo@eu.rival.example"}, SignalCompetitor, `email "jo@eu.rival.example" is on the competitors list`},
		{Lead{Email: "jo@stanford.edu"}, SignalStudent, "academic email domain stanford.edu"},
		{Lead{Title: "Marketing Intern"}, SignalStudent, `student title "Marketing Intern"`},
		{Lead{Email: "jo@gmail.com"}, SignalGenericEmail, "free-mail address (gmail.com)"},
	}
	for _, tt := range tests {
		var st State
		r := scoreT(t, s, tt.lead, &st, t0)
		sig, ok := signalOf(r, tt.kind)
		if !ok || sig.Reason != tt.want {
			t.Errorf("%+v: %s = %v %q, want %q", tt.lead, tt.kind, ok, sig.Reason, tt.want)
		}
		if tt.kind == SignalCompetitor && !r.Disqualified {
			t.Errorf("a competitor is not disqualified")
		}
	}
	var st State
	if r := scoreT(t, s, Lead{Email: "dana@globex.example", Title: "VP"}, &st, t0); len(r.Signals) != 1 {
		t.Errorf("an ordinary target lead has signals %+v", r.Signals)
	}
}

func TestJobSeekerAndEngagement(t *testing.T) {
	s := compileT(t, signalConfig())
	var st State
	observeT(t, s, Lead{}, &st, Event{Type: EventPageView, Path: "/careers/engineer", Time: t0})
	if _, ok := signalOf(scoreT(t, s, Lead{}, &st, t0.Add(60*Day)), SignalJobSeeker); !ok {
		t.Error("job_seeker missing at the window's end")
	}
	if _, ok := signalOf(scoreT(t, s, Lead{}, &st, t0.Add(60*Day+1)), SignalJobSeeker); ok {
		t.Error("job_seeker after the window")
	}
	st = State{}
	for i, typ := range []string{EventEmailClick, EventContentDownload, EventEmailOpen, EventWebinarAttended} {
		observeT(t, s, Lead{}, &st, ev(typ, t0.Add(time.Duration(i)*Day)))
	}
	if _, ok := signalOf(scoreT(t, s, Lead{}, &st, t0.Add(3*Day)), SignalFrequentEngagement); ok {
		t.Error("email opens count as engagement")
	}
	observeT(t, s, Lead{}, &st, ev(EventSocialShare, t0.Add(4*Day)))
	sig, ok := signalOf(scoreT(t, s, Lead{}, &st, t0.Add(4*Day)), SignalFrequentEngagement)
	if !ok || !strings.HasPrefix(sig.Reason, "4 engagement actions in 4 days (") {
		t.Errorf("frequent_engagement %v %+v", ok, sig)
	}
}

func TestVelocity(t *testing.T) {
	cfg := signalConfig()
	cfg.Events = []EventRule{{ID: "click", On: []string{EventEmailClick}, Points: 5, HalfLife: Duration(30 * Day)}}
	s := compileT(t, cfg)
	var st State
	// A steady month: one click a week, then a burst of four in two days.
	for i := range 5 {
		observeT(t, s, Lead{}, &st, ev(EventEmailClick, t0.Add(time.Duration(i)*Week)))
	}
	if _, ok := signalOf(scoreT(t, s, Lead{}, &st, t0.Add(4*Week)), SignalVelocity); ok {
		t.Fatal("a steady pace is velocity")
	}
	for i := range 4 {
		observeT(t, s, Lead{}, &st, ev(EventEmailClick, t0.Add(4*Week+time.Duration(i)*12*time.Hour)))
	}
	r := scoreT(t, s, Lead{}, &st, t0.Add(4*Week+2*Day))
	sig, ok := signalOf(r, SignalVelocity)
	if !ok || !strings.Contains(sig.Reason, "its usual pace") || sig.Strength <= 0 || sig.Strength > 1 {
		t.Fatalf("velocity %v %+v", ok, sig)
	}
	// It clears on its own; NextWakeup knows when, and is not late.
	observeT(t, s, Lead{}, &st, ev(EventPageView, t0.Add(4*Week+2*Day)))
	wake, ok := s.NextWakeup(&st)
	if !ok {
		t.Fatal("no wakeup")
	}
	if _, still := signalOf(scoreT(t, s, Lead{}, &st, wake.Add(-time.Second)), SignalVelocity); !still {
		t.Fatalf("velocity cleared before the wakeup %v", wake)
	}
}

func TestSignalConfig(t *testing.T) {
	cfg := signalConfig()
	cfg.Signals = []SignalConfig{
		{Kind: SignalFrequentVisits, Min: 2, Window: Duration(Day)},
		{Kind: SignalGenericEmail, Off: true},
		{Kind: "vip", When: "lead.Followers > 10000 && fit >= 0", Strength: 0.5, Reason: "influencer"},
	}
	cfg.Tiers = []Tier{{Name: "vip-tier", Min: Float(0), When: `has_signal("vip")`}, {Name: "other"}}
	s := compileT(t, cfg)
	var st State
	lead := Lead{Email: "x@gmail.com", Followers: 20000}
	r := observeT(t, s, lead, &st, Event{Type: EventPageView, Path: "/pricing", Time: t0}, Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(time.Hour)})
	if _, ok := signalOf(r, SignalFrequentVisits); !ok {
		t.Error("min 2 not applied")
	}
	if _, ok := signalOf(r, SignalGenericEmail); ok {
		t.Error("off not applied")
	}
	if sig, ok := signalOf(r, "vip"); !ok || sig.Strength != 0.5 || sig.Reason != "influencer" || r.Tier != "vip-tier" {
		t.Errorf("custom signal %v %+v tier %q", ok, sig, r.Tier)
	}
	if r := scoreT(t, s, lead, &st, t0.Add(Day+time.Hour+1)); len(r.Signals) != 1 {
		t.Errorf("window of 1 day not applied: %+v", r.Signals)
	}
	for _, bad := range []struct {
		sc   SignalConfig
		want string
	}{
		{SignalConfig{Kind: SignalStudent, Window: Duration(Day)}, "does not use window"},
		{SignalConfig{Kind: SignalAbandonedCart, Min: 3}, "does not use min"},
		{SignalConfig{Kind: SignalTargetAccount, List: "nope"}, `no list "nope"`},
		{SignalConfig{Kind: "mystery"}, "needs a when"},
		{SignalConfig{Kind: "x", When: "true", Strength: 2}, "not in [0, 1]"},
		{SignalConfig{Kind: "x", When: "true", Window: Duration(Day)}, "does not use window"},
		{SignalConfig{Kind: SignalFrequentVisits, Min: -1}, "negative"},
		{SignalConfig{}, "needs a kind"},
	} {
		cfg := signalConfig()
		cfg.Signals = []SignalConfig{bad.sc}
		if _, err := Compile[Lead](cfg); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: %v, want %q", bad.sc, err, bad.want)
		}
	}
}

// A user lead type gets the event-based detectors as they are, and the lead-based ones
// through lead_fields: the list detectors, which the config asks for by giving their lists,
// are a compile error until their fields are mapped.
func TestSignalsWithCustomLeadType(t *testing.T) {
	type acct struct{ Email string }
	_, err := Compile[acct](signalConfig())
	for _, kind := range []string{SignalTargetAccount, SignalCompetitor} {
		var re *RuleError
		want := "the " + kind + " detector reads the lead's company, company_domain, name and title, which lead type leadscore.acct does not have: map them in the config's lead_fields"
		if !errors.As(err, &re) || !strings.Contains(err.Error(), `signal "`+kind+`": lead_fields: `+want) {
			t.Errorf("Compile: %v, want an error for %s saying %q", err, kind, want)
		}
	}
	// student reads a title acct lacks, and runs only by default: it is left out, with a warning.
	cfg := signalConfig()
	cfg.LeadFields = map[string]string{"company": "''", "company_domain": "domain(lead.Email)", "name": "''", "title": "''"}
	s, err := Compile[acct](cfg)
	if err != nil {
		t.Fatal(err)
	}
	var st State
	r, err := s.Observe(acct{Email: "x@gmail.com"}, &st, Event{Type: EventCall, Time: t0})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, sig := range r.Signals {
		kinds = append(kinds, sig.Kind)
	}
	if want := []string{SignalQuestion, SignalGenericEmail}; !slices.Equal(kinds, want) { // no event rules: no velocity
		t.Fatalf("signals %v, want %v", kinds, want)
	}
	r, err = s.Score(acct{Email: "ceo@rival.example"}, &st, t0)
	if err != nil || !r.Disqualified || !slices.ContainsFunc(r.Signals, func(s Signal) bool { return s.Kind == SignalCompetitor }) {
		t.Fatalf("a lead at a competitor's domain (mapped from its email): %v, disqualified %v, signals %+v", err, r.Disqualified, r.Signals)
	}
}
