package leadscore

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

// Accumulate takes events in exactly as Observe does: after the same events, scoring the
// two States gives the same scores and reasons.
func TestAccumulateAgreesWithObserve(t *testing.T) {
	for _, cfg := range []Config{DefaultB2B(), DefaultB2C()} {
		s := compileT(t, cfg)
		r := rand.New(rand.NewPCG(1, 2))
		types := EventTypes()
		paths := []string{"/pricing", "/product/x", "/careers", "/blog/y", "/cart", ""}
		lead := benchLead
		refused := 0
		for round := range 20 {
			var observed, accumulated State
			for i := range 60 {
				ev := Event{
					Type: pick(r, types), Path: pick(r, paths), Value: float64(r.IntN(300)),
					Time: t0.Add(time.Duration(r.IntN(30*24)) * time.Hour),
				}
				if r.IntN(4) == 0 {
					ev.ID = pick(r, []string{"a", "b", "c", "d"}) // repeats are ignored
				}
				if _, err := s.Observe(lead, &observed, ev); err != nil {
					t.Fatal(err)
				}
				ok, err := s.Accumulate(lead, &accumulated, ev)
				if err != nil {
					t.Fatal(err)
				}
				if !ok { // it may move the journey: Observe decides
					refused++
					if _, err := s.Observe(lead, &accumulated, ev); err != nil {
						t.Fatal(err)
					}
				}
				if i%10 == 9 {
					at := t0.Add(time.Duration(r.IntN(40*24)) * time.Hour)
					a, b := scoreT(t, s, lead, &observed, at), scoreT(t, s, lead, &accumulated, at)
					if a.Total != b.Total || !sameContributions(a.Contributions, b.Contributions) {
						t.Fatalf("%s round %d event %d: Observe\n%s\nAccumulate\n%s", cfg.Name, round, i, a.Explain(), b.Explain())
					}
				}
			}
			if observed.Events() != accumulated.Events() {
				t.Fatalf("%s: Observe took %d events, Accumulate %d", cfg.Name, observed.Events(), accumulated.Events())
			}
		}
		if refused == 0 {
			t.Errorf("%s: Accumulate refused no event: the journey's event types went untested", cfg.Name)
		}
	}
}

func sameContributions(a, b []Contribution) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].RuleID != b[i].RuleID || !near(a[i].Points, b[i].Points) || a[i].Events != b[i].Events {
			return false
		}
	}
	return true
}

func TestAccumulateLeavesDecisionsToObserve(t *testing.T) {
	s := compileT(t, DefaultB2B())
	var st State
	observeT(t, s, benchLead, &st, ev(EventPageView, t0))
	before, _ := st.MarshalBinary()

	// A form in stage attract moves the lead to capture: a decision, so not Accumulate's.
	ok, err := s.Accumulate(benchLead, &st, ev(EventFormSubmit, t0.Add(time.Hour)))
	if ok || err != nil {
		t.Fatalf("Accumulate(form_submit) in attract = %v, %v; want false, nil", ok, err)
	}
	if after, _ := st.MarshalBinary(); !bytes.Equal(before, after) {
		t.Fatal("a refused event changed the State")
	}
	// Invalid events are errors and change nothing either.
	for _, bad := range []Event{{Type: EventPageView}, {Time: t0}} {
		if ok, err := s.Accumulate(benchLead, &st, bad); ok || err == nil {
			t.Errorf("Accumulate(%+v) = %v, %v; want an error", bad, ok, err)
		}
	}
	if _, err := s.Accumulate(benchLead, nil, ev(EventPageView, t0)); !errors.Is(err, ErrNilState) {
		t.Errorf("nil State: %v", err)
	}
	if after, _ := st.MarshalBinary(); !bytes.Equal(before, after) {
		t.Fatal("an invalid event changed the State")
	}

	// A lead made hot by accumulated events gets its tier from the next Observe or Advance.
	cold := Lead{Email: "a@globex.example"}
	st = State{}
	observeT(t, s, cold, &st, ev(EventPageView, t0))
	tier := st.Tier()
	for i, typ := range []string{EventEventAttended, EventEventAttended, EventWebinarAttended, EventWebinarAttended, EventContentDownload, EventContentDownload, EventContentDownload} {
		if ok, err := s.Accumulate(cold, &st, Event{Type: typ, ID: string(rune('a' + i)), Time: t0.Add(time.Duration(i) * time.Minute)}); !ok || err != nil {
			t.Fatalf("Accumulate: %v, %v", ok, err)
		}
	}
	if st.Tier() != tier {
		t.Errorf("tier %q → %q after Accumulate; want it left until Advance", tier, st.Tier())
	}
	res, err := s.Advance(cold, &st, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st.Tier() != res.Tier || res.Tier != "hot" || len(res.Transitions) == 0 {
		t.Errorf("Advance after Accumulate: tier %q (was %q), transitions %v", res.Tier, tier, res.Transitions)
	}
	// A repeated ID is taken as handled.
	n := st.Events()
	if ok, err := s.Accumulate(cold, &st, Event{Type: EventWebinarAttended, ID: "a", Time: t0}); !ok || err != nil || st.Events() != n {
		t.Errorf("repeat: %v, %v, events %d → %d", ok, err, n, st.Events())
	}
}

// An event rule whose condition reads the lead sees it; one that fails at run time is
// reported, and the event is not taken in (err != nil always means nothing was applied, so a
// retry cannot count it twice): Observe takes it and reports the failure in Result.Errors.
func TestAccumulateReadsTheLead(t *testing.T) {
	cfg := Config{
		Events: []EventRule{
			{ID: "big", On: []string{EventPageView}, When: `lead.Company.Employees >= 1000 && event.Category == "pricing"`, Points: 5},
			{ID: "bad", On: []string{EventPageView}, When: `lead.Traits.x > 1`, Points: 1},
		},
		Pages: map[string][]string{"pricing": {"/pricing"}},
	}
	s := compileT(t, cfg)
	for _, tc := range []struct {
		employees int
		want      float64
	}{{1200, 5}, {10, 0}} {
		lead := benchLead
		lead.Company.Employees = tc.employees
		var st State
		ok, err := s.Accumulate(lead, &st, Event{Type: EventPageView, Path: "/pricing", Time: t0})
		var re *RuleError
		if ok || !errors.As(err, &re) || re.RuleID != "bad" {
			t.Fatalf("Accumulate = %v, %v; want false and rule bad's error", ok, err)
		}
		if st.Events() != 0 {
			t.Fatalf("a failed Accumulate took the event in")
		}
		r := observeT(t, s, lead, &st, Event{Type: EventPageView, Path: "/pricing", Time: t0})
		if len(r.Errors) != 1 || r.Errors[0].RuleID != "bad" {
			t.Fatalf("Observe errors %v, want rule bad's", r.Errors)
		}
		if got := scoreT(t, s, lead, &st, t0).Engagement; got != tc.want {
			t.Errorf("employees %d: engagement %v, want %v", tc.employees, got, tc.want)
		}
	}
}

// The hot paths allocate nothing once warm. (Skipped under the race detector, whose
// sync.Pool drops items on purpose.)
func TestHotPathsDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool allocate")
	}
	s := compileT(t, rulesOnly(thirtyRules()))
	st := boundState(t, s)
	var res Result
	if n := testing.AllocsPerRun(200, func() { _ = s.ScoreInto(&res, benchLead, st, t0) }); n != 0 {
		t.Errorf("ScoreInto: %v allocations", n)
	}
	if n := testing.AllocsPerRun(200, func() { _, _ = s.Score(benchLead, st, t0) }); n > 1 {
		t.Errorf("Score: %v allocations, want at most 1", n)
	}
	b2b := compileT(t, DefaultB2B())
	var st2 State
	observeT(t, b2b, benchLead, &st2, ev(EventFormSubmit, t0)) // past attract: page views move nothing
	i := 0
	if n := testing.AllocsPerRun(200, func() {
		i++
		_, _ = b2b.Accumulate(benchLead, &st2, Event{Type: EventPageView, Path: "/pricing", Time: t0.Add(time.Duration(i) * time.Minute)})
	}); n != 0 {
		t.Errorf("Accumulate: %v allocations", n)
	}

	// On both presets, an event or evaluation where nothing fires — no signal, no transition —
	// allocates only the slices a fresh Result owns: Contributions (Signals, Transitions and
	// Errors are empty, so nil). The Into forms allocate nothing.
	for _, b2c := range []bool{false, true} {
		s, lead, st, event := quietScenario(t, b2c)
		name := s.cfg.Name
		i := len(quietEvents) + 1
		var res Result
		for _, tc := range []struct {
			what string
			want float64
			run  func() Result
		}{
			{"Observe", 1, func() Result {
				i++
				r, _ := s.Observe(lead, st, event(i))
				return r
			}},
			{"ObserveInto", 0, func() Result {
				i++
				_ = s.ObserveInto(&res, lead, st, event(i))
				return res
			}},
			{"Score", 1, func() Result {
				r, _ := s.Score(lead, st, event(i).Time)
				return r
			}},
			{"ScoreInto", 0, func() Result {
				_ = s.ScoreInto(&res, lead, st, event(i).Time)
				return res
			}},
		} {
			var last Result
			if n := testing.AllocsPerRun(100, func() { last = tc.run() }); n != tc.want {
				t.Errorf("%s %s: %v allocations, want %v", name, tc.what, n, tc.want)
			}
			if len(last.Signals)+len(last.Transitions)+len(last.Errors) > 0 || len(last.Contributions) == 0 {
				t.Errorf("%s %s: the scenario is not what the bound is for: %d contributions, signals %v, transitions %v, errors %v",
					name, tc.what, len(last.Contributions), last.Signals, last.Transitions, last.Errors)
			}
		}
		i++
		if n := testing.AllocsPerRun(100, func() {
			i++
			_, _ = s.Accumulate(lead, st, event(i))
		}); n != 0 {
			t.Errorf("%s Accumulate: %v allocations", name, n)
		}
	}

	// When signals fire, Observe allocates what ObserveInto does (their reasons) and one copy
	// per non-empty slice: Contributions and Signals.
	for _, preset := range []struct {
		cfg    Config
		lead   Lead
		state  func(testing.TB, *Scorer[Lead]) *State
		events []Event
	}{{DefaultB2B(), benchLead, b2bState, b2bEvents}, {DefaultB2C(), benchConsumer, b2cState, b2cEvents}} {
		cfg, lead, events := preset.cfg, preset.lead, preset.events
		s := compileT(t, cfg)
		st := preset.state(t, s)
		into := st.Clone()
		stream := func(i int) Event {
			e := events[i%len(events)]
			e.Time = t0.Add(time.Duration(100+i) * time.Minute)
			return e
		}
		var res Result
		i, j := 0, 0
		var last Result
		observe := testing.AllocsPerRun(100, func() {
			last, _ = s.Observe(lead, st, stream(i))
			i++
		})
		observeInto := testing.AllocsPerRun(100, func() {
			_ = s.ObserveInto(&res, lead, into, stream(j))
			j++
		})
		if len(last.Signals) == 0 || len(last.Transitions) > 0 {
			t.Fatalf("%s: want signals and no transitions: signals %v, transitions %v", cfg.Name, last.Signals, last.Transitions)
		}
		if observe != observeInto+2 {
			t.Errorf("%s: Observe %v allocations, ObserveInto %v: want ObserveInto's + 2", cfg.Name, observe, observeInto)
		}
	}
}
