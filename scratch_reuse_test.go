package leadscore

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// reuseCfg has one rule of every kind the rule loop tells apart: plain fast-path rules, no
// condition, a fast closure that hands over to the VM (nil pointers), VM-only conditions,
// value rules (finite and not), max, disqualify on each of those paths, and event rules on
// the event-only route and the lead route.
func reuseCfg() Config {
	min := func(v float64) *float64 { return &v }
	return Config{
		Name: "review",
		Rules: []Rule{
			{ID: "plain", Dimension: Fit, When: "lead.N > 2", Points: 3},
			{ID: "nowhen", Dimension: Engagement, Points: 1},
			{ID: "nowhen_value", Dimension: Relationship, Value: "lead.F32 * 1"},
			{ID: "ptr", Dimension: Fit, When: "lead.Ptr.Size > 0", Points: 2},
			{ID: "ptr_dq", Dimension: Fit, When: "lead.Ptr.Public", Disqualify: true},
			{ID: "ptr_value", Dimension: Relationship, When: "lead.Ptr.Rev > 0", Value: "lead.Ptr.Rev / 1e6", Max: 40},
			{ID: "value", Dimension: Relationship, When: "lead.B", Value: "lead.F", Max: 50},
			{ID: "value_dq", Dimension: Fit, When: "lead.C && lead.M > 100", Value: "lead.G * 2", Disqualify: true},
			{ID: "vm", Dimension: Engagement, When: `any(lead.Tags, # == "a")`, Points: 4},
			{ID: "vm_map", Dimension: Engagement, When: `lead.Traits.s == "abc"`, Points: 6, Disqualify: true},
			{ID: "max", Dimension: Fit, When: "lead.F32 > 0", Points: 100, Max: 10},
			{ID: "pemb", Dimension: Engagement, When: "lead.PEmbN > 1", Points: 7},
			{ID: "pemb_max", Dimension: Engagement, When: "lead.PEmbS == 'a' || lead.PEmbN < 0", Points: -9, Max: 5},
			{ID: "neg", Dimension: Engagement, When: "lead.I8 < 0", Points: -5},
			{ID: "neutral", Dimension: Relationship, When: "lead.Title != ''", Points: 0},
		},
		Events: []EventRule{
			{ID: "pricing", On: []string{EventPageView}, When: `event.Path == "/pricing"`, Points: 5, HalfLife: Duration(7 * Day)},
			{ID: "form", Dimension: Relationship, On: []string{EventFormSubmit}, Points: 8, Once: true},
			{ID: "form_lead", Dimension: Fit, On: []string{EventFormSubmit}, When: "lead.Ptr.Size > 1", Points: 3},
			{ID: "props", On: []string{EventFormSubmit}, When: "event.Properties.x > 1", Points: 2},
		},
		Tiers:      []Tier{{Name: "hot", Min: min(20), Handoff: true}, {Name: "warm", Min: min(5)}, {Name: "cold"}},
		Personas:   []Persona{{ID: "fitted", When: "fit > 3"}, {ID: "other"}},
		Signals:    []SignalConfig{{Kind: "big", When: "total > 30"}},
		Lists:      map[string][]string{"competitors": {"globex.example"}},
		LeadFields: map[string]string{"name": "lead.Name", "company": "lead.Co.Name", "company_domain": "''"},
	}
}

func compileReuse(t testing.TB) *Scorer[diffLead] {
	t.Helper()
	s, err := Compile[diffLead](reuseCfg())
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

// listsJSON is the JSON of r's lists, which is null for a nil one and [] for an empty one.
func listsJSON(r *Result) string {
	b, err := json.Marshal([]any{r.Signals, r.Contributions, r.Transitions})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// canon is a Result as text, with empty slices as nil and errors as their messages.
func canon(r *Result) string {
	c := *r
	errs := make([]string, len(c.Errors))
	for i, e := range c.Errors {
		errs[i] = e.Error()
	}
	c.Errors = nil
	if len(c.Contributions) == 0 {
		c.Contributions = nil
	}
	if len(c.Signals) == 0 {
		c.Signals = nil
	}
	if len(c.Transitions) == 0 {
		c.Transitions = nil
	}
	var trig, rej string
	if c.Trigger != nil {
		trig = fmt.Sprintf("%#v", *c.Trigger)
	}
	if c.Rejection != nil {
		rej = fmt.Sprintf("%#v", *c.Rejection)
	}
	c.Trigger, c.Rejection = nil, nil
	return fmt.Sprintf("%#v\ntrigger %s rejection %s\nerrors: %q", c, trig, rej, errs)
}

func reuseEvent(r *rand.Rand, at time.Time) Event {
	ev := Event{Type: pick(r, []string{EventPageView, EventFormSubmit}), Time: at, Path: pick(r, []string{"/pricing", "/blog", ""})}
	if r.IntN(3) == 0 {
		ev.ID = fmt.Sprint("e", r.IntN(20))
	}
	if r.IntN(2) == 0 {
		ev.Properties = map[string]any{"x": pick(r, []any{0, 2, 5.5, "s"})}
	}
	return ev
}

// One Scorer driven through every entry point, ScoreInto into one reused Result and
// ObserveInto into another, against a reference Scorer that only ever runs Score and Observe,
// and a VM-only Scorer: every Result must be the same.
func TestReuseAgainstReference(t *testing.T) {
	s, ref, vm := compileReuse(t), compileReuse(t), withoutFastPath(compileReuse(t))
	// The rule loop's two paths are both exercised.
	var fast, slow int
	for _, r := range s.rules {
		if r.fastWhen != nil {
			fast++
		} else {
			slow++
		}
		if (r.when == nil) != (r.fastWhen == nil) && (r.when == nil || r.when.fastBool != nil) {
			t.Errorf("%s: fastWhen disagrees with when.fastBool", r.id)
		}
	}
	if fast == 0 || slow == 0 {
		t.Fatalf("fast %d, slow %d rules: want both", fast, slow)
	}
	val, err := s.CompileValue("lead.F * 2 + lead.N")
	if err != nil {
		t.Fatal(err)
	}
	refVal, _ := ref.CompileValue("lead.F * 2 + lead.N")

	r := rand.New(rand.NewPCG(1, 2))
	const nLeads = 5
	leads := make([]diffLead, nLeads)
	sts, refSts, vmSts := make([]*State, nLeads), make([]*State, nLeads), make([]*State, nLeads)
	for i := range nLeads {
		leads[i] = genDiffLead(r)
		sts[i], refSts[i], vmSts[i] = &State{}, &State{}, &State{}
	}
	var dst, odst Result
	now := t0
	check := func(step int, what string, got, want *Result) {
		t.Helper()
		if g, w := canon(got), canon(want); g != w {
			t.Fatalf("step %d %s:\n got %s\nwant %s", step, what, g, w)
		}
		// canon does not tell an empty list from nil; the JSON does ([] or null), and it
		// must not depend on which call filled the Result, or on what it held before.
		if g, w := listsJSON(got), listsJSON(want); g != w {
			t.Fatalf("step %d %s: lists in JSON\n got %s\nwant %s", step, what, g, w)
		}
	}
	for step := range 4000 {
		k := r.IntN(nLeads)
		if r.IntN(4) == 0 {
			leads[k] = genDiffLead(r) // the lead's attributes change between calls
		}
		lead := leads[k]
		now = now.Add(time.Duration(r.IntN(int(6 * time.Hour))))
		switch op := r.IntN(8); op {
		case 0: // ScoreInto into a reused Result
			if err := s.ScoreInto(&dst, lead, sts[k], now); err != nil {
				t.Fatal(err)
			}
			want, _ := ref.Score(lead, refSts[k], now)
			check(step, "ScoreInto", &dst, &want)
			wantVM, _ := vm.Score(lead, vmSts[k], now)
			check(step, "ScoreInto vs VM", &dst, &wantVM)
		case 1: // Observe
			ev := reuseEvent(r, now.Add(-time.Duration(r.IntN(int(time.Hour)))))
			got, err1 := s.Observe(lead, sts[k], ev)
			want, err2 := ref.Observe(lead, refSts[k], ev)
			wantVM, err3 := vm.Observe(lead, vmSts[k], ev)
			if fmt.Sprint(err1) != fmt.Sprint(err2) || fmt.Sprint(err1) != fmt.Sprint(err3) {
				t.Fatalf("step %d Observe errors: %v / %v / %v", step, err1, err2, err3)
			}
			check(step, "Observe", &got, &want)
			check(step, "Observe vs VM", &got, &wantVM)
		case 2: // ObserveInto into a reused Result
			ev := reuseEvent(r, now)
			err1 := s.ObserveInto(&odst, lead, sts[k], ev)
			want, err2 := ref.Observe(lead, refSts[k], ev)
			_, _ = vm.Observe(lead, vmSts[k], ev)
			if fmt.Sprint(err1) != fmt.Sprint(err2) {
				t.Fatalf("step %d ObserveInto errors: %v / %v", step, err1, err2)
			}
			check(step, "ObserveInto", &odst, &want)
		case 3: // Accumulate, the event-only route among them
			ev := reuseEvent(r, now)
			ok1, err1 := s.Accumulate(lead, sts[k], ev)
			ok2, err2 := ref.Accumulate(lead, refSts[k], ev)
			ok3, err3 := vm.Accumulate(lead, vmSts[k], ev)
			if ok1 != ok2 || ok1 != ok3 || fmt.Sprint(err1) != fmt.Sprint(err2) || fmt.Sprint(err1) != fmt.Sprint(err3) {
				t.Fatalf("step %d Accumulate: %v %v / %v %v / %v %v", step, ok1, err1, ok2, err2, ok3, err3)
			}
		case 4: // CompileValue's function
			v1, err1 := val(lead, now)
			v2, err2 := refVal(lead, now)
			if fmt.Sprint(v1, err1) != fmt.Sprint(v2, err2) {
				t.Fatalf("step %d CompileValue: %v %v / %v %v", step, v1, err1, v2, err2)
			}
		case 5: // Advance
			got, err1 := s.Advance(lead, sts[k], now)
			want, err2 := ref.Advance(lead, refSts[k], now)
			_, _ = vm.Advance(lead, vmSts[k], now)
			if fmt.Sprint(err1) != fmt.Sprint(err2) {
				t.Fatalf("step %d Advance errors: %v / %v", step, err1, err2)
			}
			check(step, "Advance", &got, &want)
		case 6: // ScoreAll over every lead, nil States among them
			seq := func(yield func(diffLead, *State) bool) {
				for i := range nLeads {
					st := sts[i]
					if i == 0 {
						st = nil
					}
					if !yield(leads[i], st) {
						return
					}
				}
			}
			all, err := s.ScoreAll(seq, now, 1+r.IntN(3))
			if err != nil {
				t.Fatal(err)
			}
			for i, res := range all {
				st := refSts[i]
				if i == 0 {
					st = nil
				}
				var want Result
				if st == nil {
					want, _ = ref.Score(leads[i], &State{}, now)
				} else {
					want, _ = ref.Score(leads[i], st, now)
				}
				check(step, fmt.Sprint("ScoreAll ", i), res, &want)
			}
		case 7: // a different lead into the reused Result: stale contributions would show
			other := genDiffLead(r)
			if err := s.ScoreInto(&dst, other, &State{}, now); err != nil {
				t.Fatal(err)
			}
			want, _ := ref.Score(other, &State{}, now)
			check(step, "ScoreInto other", &dst, &want)
		}
	}
}

// The same, with the shared Scorer used from several goroutines at once (run with -race):
// each goroutine's ScoreInto must equal a Score of the VM-only Scorer.
func TestReuseConcurrent(t *testing.T) {
	s, vm := compileReuse(t), withoutFastPath(compileReuse(t))
	done := make(chan string, 4)
	for g := range 4 {
		go func() {
			r := rand.New(rand.NewPCG(uint64(g), 9))
			var dst Result
			for i := range 500 {
				lead := genDiffLead(r)
				st := &State{}
				now := t0.Add(time.Duration(i) * time.Minute)
				if r.IntN(2) == 0 {
					_, _ = s.Observe(lead, st, reuseEvent(r, now))
				}
				if err := s.ScoreInto(&dst, lead, st, now); err != nil {
					done <- err.Error()
					return
				}
				want, _ := vm.Score(lead, st, now)
				if gs, ws := canon(&dst), canon(&want); gs != ws {
					done <- fmt.Sprintf("goroutine %d, lead %d:\n got %s\nwant %s", g, i, gs, ws)
					return
				}
			}
			done <- ""
		}()
	}
	for range 4 {
		if msg := <-done; msg != "" {
			t.Fatal(msg)
		}
	}
}

// A Result reused by ScoreInto keeps no field of an earlier, longer Contributions list: an
// event rule's Events, in particular, must not survive into an attribute rule's slot.
func TestGrowLeavesNothingStale(t *testing.T) {
	cfg := Config{
		Rules: []Rule{{ID: "a", Dimension: Fit, When: "lead.N > 0", Points: 1}, {ID: "b", Dimension: Fit, Points: 2}},
		Events: []EventRule{
			{ID: "e1", On: []string{EventPageView}, Points: 1},
			{ID: "e2", On: []string{EventPageView}, Points: 1},
		},
	}
	s, err := Compile[diffLead](cfg)
	if err != nil {
		t.Fatal(err)
	}
	var dst Result
	st := &State{}
	for i := range 5 {
		if _, err := s.Observe(diffLead{}, st, Event{Type: EventPageView, Time: t0.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	// Long first: a, b (attribute) then e1, e2 (Events 5).
	if err := s.ScoreInto(&dst, diffLead{N: 1}, st, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if len(dst.Contributions) != 4 {
		t.Fatalf("%d contributions, want 4", len(dst.Contributions))
	}
	// Then a new lead: only b fires, in slot 0, and a new lead with events: b, e1, e2 in
	// slots 0..2, where a and b and e1 were.
	if err := s.ScoreInto(&dst, diffLead{}, &State{}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	want, _ := s.Score(diffLead{}, &State{}, t0.Add(time.Hour))
	if g, w := canon(&dst), canon(&want); g != w {
		t.Fatalf("got %s\nwant %s", g, w)
	}
	if err := s.ScoreInto(&dst, diffLead{}, st, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	want, _ = s.Score(diffLead{}, st, t0.Add(time.Hour))
	if g, w := canon(&dst), canon(&want); g != w {
		t.Fatalf("got %s\nwant %s", g, w)
	}
	for _, c := range dst.Contributions {
		if c.RuleID == "b" && c.Events != 0 {
			t.Errorf("attribute rule b kept Events %d", c.Events)
		}
	}
}

// A rule whose fast closure hands over to the VM runs the closure once per evaluation, as it
// did before the rule loop's own path: scoreRule must not try the closure again.
func TestHandOverRunsClosureOnce(t *testing.T) {
	s, err := Compile[diffLead](Config{Rules: []Rule{
		{ID: "ptr", Dimension: Fit, When: "lead.Ptr.Size > 0", Points: 2},                      // plain
		{ID: "ptr_max", Dimension: Fit, When: "lead.Ptr.Size > 0", Points: 2, Max: 1},          // not plain
		{ID: "ptr_dq", Dimension: Fit, When: "lead.Ptr.Size > 0", Points: 2, Disqualify: true}, // not plain
	}})
	if err != nil {
		t.Fatal(err)
	}
	runs := make([]int, len(s.rules))
	for i := range s.rules {
		r := &s.rules[i]
		fn := r.fastWhen
		if fn == nil {
			t.Fatalf("%s: not on the fast path", r.id)
		}
		wrapped := func(e *fastEnv[diffLead]) bool { runs[i]++; return fn(e) }
		r.fastWhen, r.when.fastBool = wrapped, wrapped
	}
	res, _ := s.Score(diffLead{}, &State{}, t0) // Ptr nil: every closure hands over
	if len(res.Errors) != 3 || !res.Disqualified {
		t.Fatalf("errors %v, disqualified %v: want 3 errors, disqualified (fail closed)", res.Errors, res.Disqualified)
	}
	for i, n := range runs {
		if n != 1 {
			t.Errorf("%s: closure ran %d times in one evaluation, want 1", s.rules[i].id, n)
		}
	}
}

// fresh_handoff was set only where the journey's guards run: personas and signals, which read
// it earlier in an evaluation, saw the previous call's value (another lead's). Signals and
// tiers see it false, as they see tier and handoff empty; personas see the lead's own.
func TestFreshHandoffNotStale(t *testing.T) {
	min := func(v float64) *float64 { return &v }
	cfg := Config{
		Rules:    []Rule{{ID: "big", Dimension: Fit, When: "lead.N > 5", Points: 50}},
		Tiers:    []Tier{{Name: "hot", Min: min(20), Handoff: true}, {Name: "cold"}},
		Personas: []Persona{{ID: "fresh", When: "fresh_handoff"}, {ID: "other"}},
		Signals:  []SignalConfig{{Kind: "fresh_sig", When: "fresh_handoff"}},
	}
	s, err := Compile[diffLead](cfg)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := Compile[diffLead](cfg)
	for i := range 50 {
		// A hot lead through Observe: the guards run with fresh_handoff true.
		_, _ = s.Observe(diffLead{N: 10}, &State{}, Event{Type: EventFormSubmit, Time: t0.Add(time.Duration(i) * time.Minute)})
		// Then a cold, new lead on the same Scorer, against a Scorer that scored nothing else.
		got, _ := s.Score(diffLead{}, &State{}, t0)
		want, _ := ref.Score(diffLead{}, &State{}, t0)
		if g, w := canon(&got), canon(&want); g != w {
			t.Fatalf("after a hot lead:\n got %s\nwant %s", g, w)
		}
		if got.Persona != "other" || len(got.Signals) != 0 {
			t.Fatalf("a cold lead: persona %q, signals %v", got.Persona, got.Signals)
		}
	}
	// A hot lead never handed to sales: its persona sees fresh_handoff; once it has been
	// handed off (Observe applied the tier), no longer.
	var st State
	hot, err := s.Score(diffLead{N: 10}, &st, t0)
	if err != nil || !hot.Handoff || hot.Persona != "fresh" {
		t.Fatalf("a hot lead never handed off: handoff %v, persona %q, err %v", hot.Handoff, hot.Persona, err)
	}
	if _, err := s.Observe(diffLead{N: 10}, &st, Event{Type: EventFormSubmit, Time: t0}); err != nil {
		t.Fatal(err)
	}
	again, _ := s.Score(diffLead{N: 10}, &st, t0.Add(time.Hour))
	if again.Persona != "other" {
		t.Fatalf("a hot lead already handed off: persona %q, want other", again.Persona)
	}
}

// grow hands out elements within capacity without zeroing them: a Result whose spare
// capacity holds garbage in every field gives the same Result as a fresh one, for attribute
// and event rules alike (a field a future Contribution gains and fire forgets shows here).
func TestGrowPoisonedCapacity(t *testing.T) {
	s := compileReuse(t)
	r := rand.New(rand.NewPCG(3, 4))
	st := &State{}
	for i := range 30 {
		_, _ = s.Observe(genDiffLead(r), st, reuseEvent(r, t0.Add(time.Duration(i)*time.Hour)))
	}
	for range 200 {
		lead := genDiffLead(r)
		now := t0.Add(48 * time.Hour)
		poison := make([]Contribution, 64)
		for i := range poison {
			poison[i] = Contribution{RuleID: "stale", Dimension: "stale", Points: 1e9, Reason: "stale", Events: 99}
		}
		dst := Result{Contributions: poison[:0]}
		if err := s.ScoreInto(&dst, lead, st, now); err != nil {
			t.Fatal(err)
		}
		want, _ := s.Score(lead, st, now)
		if g, w := canon(&dst), canon(&want); g != w {
			t.Fatalf("got %s\nwant %s", g, w)
		}
	}
}
