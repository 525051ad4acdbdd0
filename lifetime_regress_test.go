package leadscore_test

// Regression tests for the defects of the first release in a State's lifetime (DESIGN.md, "A
// State's lifetime", "Scoring semantics", "Contract"). Each test is named after its defect, says
// which promise it checks, and fails on the code that had the defect. They use the public API
// only, so they hold whatever the State looks like inside.

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/report"
)

// regressT0 is the fixed instant these tests start from: no test reads the clock.
var regressT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// The accepted time range, [1900-01-01, 2200-01-01): its first and last instants.
var (
	regressFirstInstant = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	regressLastInstant  = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
)

const regressDay = 24 * time.Hour

type regressScorer = *leadscore.Scorer[leadscore.Lead]

func regressCompile(t testing.TB, cfg leadscore.Config, opts ...leadscore.Option) regressScorer {
	t.Helper()
	s, err := leadscore.Compile[leadscore.Lead](cfg, opts...)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

// regressHotLead fits well (fit 50 under DefaultB2B) but has done nothing: one demo request
// makes it hot (80), and a month or more of silence takes it out of the hand-off tier.
func regressHotLead() leadscore.Lead {
	return leadscore.Lead{
		ID: "ann", Email: "ann@bigco.example", Title: "VP Marketing",
		Company: leadscore.Company{Name: "BigCo", Domain: "bigco.example", Employees: 1000, Revenue: 20e6},
	}
}

func regressObserve(t testing.TB, s regressScorer, lead leadscore.Lead, st *leadscore.State, evs ...leadscore.Event) leadscore.Result {
	t.Helper()
	var res leadscore.Result
	for _, ev := range evs {
		var err error
		if res, err = s.Observe(lead, st, ev); err != nil {
			t.Fatalf("Observe(%s at %v): %v", ev.Type, ev.Time, err)
		}
	}
	return res
}

func regressAdvance(t testing.TB, s regressScorer, lead leadscore.Lead, st *leadscore.State, now time.Time) leadscore.Result {
	t.Helper()
	res, err := s.Advance(lead, st, now)
	if err != nil {
		t.Fatalf("Advance(%v): %v", now, err)
	}
	return res
}

func regressScore(t testing.TB, s regressScorer, lead leadscore.Lead, st *leadscore.State, now time.Time) leadscore.Result {
	t.Helper()
	res, err := s.Score(lead, st, now)
	if err != nil {
		t.Fatalf("Score(%v): %v", now, err)
	}
	return res
}

// regressCatch runs f and returns the panic it raised with its stack, or "".
func regressCatch(f func()) (msg string) {
	defer func() {
		if p := recover(); p != nil {
			msg = fmt.Sprintf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	f()
	return ""
}

func regressTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// regressKey renders every field of a Result, so that two Results are the same exactly when
// their keys are (NaN included, which == cannot compare).
func regressKey(r leadscore.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "fit=%v eng=%v rel=%v total=%v tier=%q handoff=%v grade=%q stage=%q owner=%q stalled=%v since=%s persona=%q track=%q dq=%v at=%s dup=%v\n",
		r.Fit, r.Engagement, r.Relationship, r.Total, r.Tier, r.Handoff, r.Grade, r.Stage, r.Owner,
		r.Stalled, regressTime(r.StalledSince), r.Persona, r.Track, r.Disqualified, regressTime(r.At), r.Duplicate)
	for _, s := range r.Signals {
		fmt.Fprintf(&b, "signal %q %v %s %q\n", s.Kind, s.Strength, regressTime(s.At), s.Reason)
	}
	for _, c := range r.Contributions {
		fmt.Fprintf(&b, "contribution %q %q %v %q %d\n", c.RuleID, c.Dimension, c.Points, c.Reason, c.Events)
	}
	for _, tr := range r.Transitions {
		fmt.Fprintf(&b, "transition %s %q→%q %q→%q %q %v %s %q\n", tr.Kind, tr.From, tr.To, tr.FromTier, tr.ToTier, tr.Signal, tr.Raised, regressTime(tr.At), tr.Reason)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "error %s\n", e.Error())
	}
	return b.String()
}

// regressNonFinite names the first field of r that is NaN or ±Inf ("" if none).
func regressNonFinite(r leadscore.Result) string {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	names := [...]string{"Fit", "Engagement", "Relationship", "Total"}
	for i, v := range [...]float64{r.Fit, r.Engagement, r.Relationship, r.Total} {
		if bad(v) {
			return fmt.Sprintf("%s = %v", names[i], v)
		}
	}
	for _, c := range r.Contributions {
		if bad(c.Points) {
			return fmt.Sprintf("Contribution %q Points = %v", c.RuleID, c.Points)
		}
	}
	for _, s := range r.Signals {
		if bad(s.Strength) {
			return fmt.Sprintf("Signal %q Strength = %v", s.Kind, s.Strength)
		}
	}
	return ""
}

// ---------------------------------------------------------------------------------------------
// Defect 1: a late event re-fires a hand-off.

// regressSigned formats d with its sign: "+24h0m0s", "-1h0m0s".
func regressSigned(d time.Duration) string {
	if d < 0 {
		return d.String()
	}
	return "+" + d.String()
}

// regressLateEvents runs the scenario for each of many late events: a demo request
// makes the lead a hand-off at T, Advance at T+31…90d takes it out of the hand-off tier
// (moving the State's clock there), then one late event of a random type, timed anywhere from
// T−10d to the clock, is observed. The first is the issue's own: an email_sent at T+1d no rule
// scores, after Advance at T+30d1h. check gets the late event's Result and the State.
func regressLateEvents(t *testing.T, check func(where string, clock time.Time, typ string, res leadscore.Result, st *leadscore.State)) {
	s := regressCompile(t, leadscore.DefaultB2B())
	lead := regressHotLead()
	type trial struct {
		typ         string
		late, clock time.Duration // after the demo request
	}
	trials := []trial{{leadscore.EventEmailSent, regressDay, 30*regressDay + time.Hour}}
	rng := rand.New(rand.NewPCG(1, 1))
	types := leadscore.EventTypes()
	for range 300 {
		clock := time.Duration(31+rng.IntN(60)) * regressDay
		late := time.Duration(rng.Int64N(int64(clock+10*regressDay))) - 10*regressDay
		trials = append(trials, trial{types[rng.IntN(len(types))], late, clock})
	}
	for i, tr := range trials {
		var st leadscore.State
		demo := regressObserve(t, s, lead, &st, leadscore.Event{ID: "demo", Type: leadscore.EventDemoRequest, Time: regressT0})
		if !demo.Handoff {
			t.Fatalf("setup: the demo request should make the lead a hand-off, got tier %q total %v", demo.Tier, demo.Total)
		}
		clock := regressT0.Add(tr.clock)
		if adv := regressAdvance(t, s, lead, &st, clock); adv.Handoff || st.Tier() == demo.Tier {
			t.Fatalf("setup: %v of silence should take the lead out of the hand-off tier, got %q", tr.clock, adv.Tier)
		}
		ev := leadscore.Event{ID: "late", Type: tr.typ, Time: regressT0.Add(tr.late), Path: "/pricing", Value: 100}
		res := regressObserve(t, s, lead, &st, ev)
		where := fmt.Sprintf("trial %d: demo at T, Advance at T+%v, then a late %s at T%s", i, tr.clock, tr.typ, regressSigned(tr.late))
		check(where, clock, tr.typ, res, &st)
		if t.Failed() {
			return
		}
	}
}

// Promise ("A State's lifetime", Clock): a State's clock is the latest event time or Advance
// now it has taken; Observe evaluates at max(event time, clock), Score and Advance at max(now,
// clock). A late event never moves a Result back in time, no stage, tier or SLA transition is
// dated before an earlier one, and each edge is reported once: a late event no rule scores
// reports nothing, and Advance to the same clock afterwards has nothing left to report.
// Property over late events of every type and time.
func TestRegressLateEventRefiresHandoff(t *testing.T) {
	s := regressCompile(t, leadscore.DefaultB2B())
	lead := regressHotLead()
	// Events no rule, detector or default-journey transition reacts to.
	inert := map[string]bool{leadscore.EventEmailSent: true, leadscore.EventSalesTouch: true, leadscore.EventOpportunityCreated: true}
	regressLateEvents(t, func(where string, clock time.Time, typ string, res leadscore.Result, st *leadscore.State) {
		if inert[typ] && (len(res.Transitions) > 0 || res.Handoff) {
			t.Fatalf("%s: an event no rule scores reported %d transitions (handoff %v), want none:\n%s",
				where, len(res.Transitions), res.Handoff, regressKey(res))
		}
		for _, x := range res.Transitions {
			if x.Kind != leadscore.TransitionSignal && x.At.Before(clock) {
				t.Fatalf("%s: transition %s %q→%q %q→%q dated %s, before the earlier transition at %s",
					where, x.Kind, x.From, x.To, x.FromTier, x.ToTier, regressTime(x.At), regressTime(clock))
			}
		}
		if !res.At.Equal(clock) {
			t.Fatalf("%s: Observe evaluated at %s, want the State's clock %s (a late event never moves a Result back in time)",
				where, regressTime(res.At), regressTime(clock))
		}
		if again := regressAdvance(t, s, lead, st, clock); len(again.Transitions) > 0 {
			t.Fatalf("%s: Advance to the same clock afterwards reported %d transitions, want none (each edge once):\n%s",
				where, len(again.Transitions), regressKey(again))
		}
		if sc := regressScore(t, s, lead, st, regressT0); !sc.At.Equal(clock) {
			t.Fatalf("%s: Score at an earlier now evaluated at %s, want the clock %s", where, regressTime(sc.At), regressTime(clock))
		}
	})
}

// Promise ("A State's lifetime", Clock): "no transition is dated before an earlier one" —
// signal transitions included. A signal a late event raises (abandoned_cart, question,
// velocity) is a change the State makes at its clock; the evidence's own time stays in
// Result.Signals[i].At. (Kept apart from TestRegressLateEventRefiresHandoff because the first
// release dates a raised signal by its evidence: if that is meant to stay, this test and the
// contract's sentence change together.)
func TestRegressLateEventSignalTransitionDates(t *testing.T) {
	regressLateEvents(t, func(where string, clock time.Time, _ string, res leadscore.Result, _ *leadscore.State) {
		for _, x := range res.Transitions {
			if x.Kind == leadscore.TransitionSignal && x.At.Before(clock) {
				t.Fatalf("%s: signal %q (raised %v) reported with a transition dated %s, before the earlier transition at %s",
					where, x.Signal, x.Raised, regressTime(x.At), regressTime(clock))
			}
		}
	})
}

// ---------------------------------------------------------------------------------------------
// Defect 2: Merge forgets duplicates.

// Promise ("A State's lifetime", Merge): Merge keeps the most recent event IDs, so a
// redelivery after a merge is still recognised, also after newer events. Property over random
// splits of one lead's events between two parts, sizes around the dedup window, both merge
// orders: after the merge and one new event, each of the (window − 1) most recent events
// redelivered must be a duplicate.
func TestRegressMergeForgetsDuplicates(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	lead := leadscore.Lead{Email: "bo@corp.example"}
	for _, window := range []int{leadscore.DefaultDedupWindow, 8} {
		s := regressCompile(t, leadscore.DefaultB2B(), leadscore.WithDedupWindow(window))
		sizes := []int{window - 1, window, window + 1, 2 * window, 2*window + 3}
		for range 20 {
			sizes = append(sizes, 1+rng.IntN(3*window))
		}
		for trial, n := range sizes {
			share := rng.Float64()
			var a, b leadscore.State
			evs := make([]leadscore.Event, n)
			for i := range evs {
				evs[i] = leadscore.Event{ID: fmt.Sprintf("e%d", i), Type: leadscore.EventEmailOpen, Time: regressT0.Add(time.Duration(i) * time.Minute)}
				part := &a
				if rng.Float64() < share {
					part = &b
				}
				regressObserve(t, s, lead, part, evs[i])
			}
			for _, order := range []string{"a.Merge(b)", "b.Merge(a)"} {
				m, o := a.Clone(), b.Clone()
				if order == "b.Merge(a)" {
					m, o = o, m
				}
				if err := m.Merge(o); err != nil {
					t.Fatalf("%s: %v", order, err)
				}
				regressObserve(t, s, lead, m, leadscore.Event{ID: "fresh", Type: leadscore.EventEmailOpen, Time: regressT0.Add(time.Duration(n) * time.Minute)})
				events := m.Events()
				var missed []string
				for _, ev := range evs[max(0, n-(window-1)):] {
					res, err := s.Observe(lead, m, ev)
					if err != nil {
						t.Fatalf("redelivery of %s: %v", ev.ID, err)
					}
					if !res.Duplicate {
						missed = append(missed, ev.ID)
					}
				}
				if len(missed) > 0 || m.Events() != events {
					t.Fatalf("window %d, trial %d (%d events split %d/%d), %s then one new event: redeliveries of %v were counted again (events %d → %d), want every one of the %d most recent IDs recognised",
						window, trial, n, a.Events(), b.Events(), order, missed, events, m.Events(), min(n, window-1))
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Defect 3: Merge grows without bound; Merge's algebra.

// regressPart observes n random events with IDs id<prefix>-<i> into a new State, now and then
// advancing it, as one shard would.
func regressPart(t testing.TB, s regressScorer, lead leadscore.Lead, rng *rand.Rand, prefix string, n int) *leadscore.State {
	t.Helper()
	types := []string{
		leadscore.EventPageView, leadscore.EventEmailClick, leadscore.EventEmailOpen, leadscore.EventCall,
		leadscore.EventDemoRequest, leadscore.EventFormSubmit, leadscore.EventPurchase, leadscore.EventCartAdd,
		leadscore.EventContentDownload, leadscore.EventWebinarAttended, leadscore.EventOpportunityLost,
		leadscore.EventQuestion, leadscore.EventReferral,
	}
	paths := []string{"/pricing", "/product/x", "/careers", "/blog/y", "/"}
	st := new(leadscore.State)
	for i := range n {
		ev := leadscore.Event{
			ID: fmt.Sprintf("id%s-%d", prefix, i), Type: types[rng.IntN(len(types))],
			Time: regressT0.Add(time.Duration(rng.Int64N(int64(60 * regressDay)))),
			Path: paths[rng.IntN(len(paths))], Value: float64(rng.IntN(500)),
		}
		regressObserve(t, s, lead, st, ev)
		if rng.IntN(8) == 0 {
			regressAdvance(t, s, lead, st, ev.Time.Add(time.Duration(rng.IntN(72))*time.Hour))
		}
	}
	return st
}

// regressDiff describes how two States differ in what the public API shows of them, "" if it
// shows no difference: their accessors; Score at several times (floats within 1e-9 relative);
// which of ids each recognises as a duplicate; and what one more event does to each.
func regressDiff(t testing.TB, s regressScorer, lead leadscore.Lead, x, y *leadscore.State, ids []string) string {
	t.Helper()
	if x.Events() != y.Events() || x.Stage() != y.Stage() || x.Tier() != y.Tier() || !x.Latest().Equal(y.Latest()) || !x.StageSince().Equal(y.StageSince()) {
		return fmt.Sprintf("events %d/%d stage %q/%q tier %q/%q latest %s/%s stage since %s/%s",
			x.Events(), y.Events(), x.Stage(), y.Stage(), x.Tier(), y.Tier(), regressTime(x.Latest()), regressTime(y.Latest()),
			regressTime(x.StageSince()), regressTime(y.StageSince()))
	}
	if hx, hy := x.History(), y.History(); !reflect.DeepEqual(hx, hy) {
		return fmt.Sprintf("history %v / %v", hx, hy)
	}
	at := x.Latest()
	if at.IsZero() {
		at = regressT0
	}
	for _, now := range []time.Time{at, at.Add(3 * regressDay), at.Add(200 * regressDay)} {
		if d := regressResultDiff(regressScore(t, s, lead, x, now), regressScore(t, s, lead, y, now)); d != "" {
			return fmt.Sprintf("Score at %s: %s", regressTime(now), d)
		}
	}
	for _, id := range ids {
		ev := leadscore.Event{ID: id, Type: leadscore.EventEmailOpen, Time: at}
		rx := regressObserve(t, s, lead, x.Clone(), ev)
		ry := regressObserve(t, s, lead, y.Clone(), ev)
		if rx.Duplicate != ry.Duplicate {
			return fmt.Sprintf("redelivering %s: duplicate %v / %v", id, rx.Duplicate, ry.Duplicate)
		}
	}
	next := leadscore.Event{ID: "next", Type: leadscore.EventCall, Time: at.Add(time.Hour)}
	x, y = x.Clone(), y.Clone()
	if d := regressResultDiff(regressObserve(t, s, lead, x, next), regressObserve(t, s, lead, y, next)); d != "" {
		return "observing one more call: " + d
	}
	for _, id := range ids { // which IDs each still recognises after a newer event
		ev := leadscore.Event{ID: id, Type: leadscore.EventEmailOpen, Time: at}
		rx := regressObserve(t, s, lead, x.Clone(), ev)
		ry := regressObserve(t, s, lead, y.Clone(), ev)
		if rx.Duplicate != ry.Duplicate {
			return fmt.Sprintf("after one more call, redelivering %s: duplicate %v / %v", id, rx.Duplicate, ry.Duplicate)
		}
	}
	return ""
}

func regressNear(a, b float64) bool {
	if a == b || (math.IsNaN(a) && math.IsNaN(b)) {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// regressResultDiff compares two Results, floats within 1e-9 relative.
func regressResultDiff(a, b leadscore.Result) string {
	round := func(r leadscore.Result) leadscore.Result {
		r.Fit, r.Engagement, r.Relationship, r.Total = 0, 0, 0, 0
		r.Contributions = slices.Clone(r.Contributions)
		for i := range r.Contributions {
			r.Contributions[i].Points = 0
		}
		r.Signals = slices.Clone(r.Signals)
		for i := range r.Signals {
			r.Signals[i].Strength = 0
		}
		return r
	}
	if ka, kb := regressKey(round(a)), regressKey(round(b)); ka != kb {
		return fmt.Sprintf("\n%s\nvs\n%s", regressKey(a), regressKey(b))
	}
	ok := regressNear(a.Fit, b.Fit) && regressNear(a.Engagement, b.Engagement) && regressNear(a.Relationship, b.Relationship) && regressNear(a.Total, b.Total)
	for i := range a.Contributions {
		ok = ok && regressNear(a.Contributions[i].Points, b.Contributions[i].Points)
	}
	for i := range a.Signals {
		ok = ok && regressNear(a.Signals[i].Strength, b.Signals[i].Strength)
	}
	if !ok {
		return fmt.Sprintf("\n%s\nvs\n%s", regressKey(a), regressKey(b))
	}
	return ""
}

func regressIDs(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("id%s-%d", prefix, i)
	}
	return out
}

// Promise ("A State's lifetime", Merge): a State merged any number of times is no bigger than
// its limits and still decodes. The case: 300 shard parts of 64 events each.
func TestRegressMergeGrowsWithoutBound(t *testing.T) {
	s := regressCompile(t, leadscore.DefaultB2B())
	lead := leadscore.Lead{Email: "cy@corp.example"}
	rng := rand.New(rand.NewPCG(3, 3))
	const parts, perPart = 300, 64
	merged := new(leadscore.State)
	for p := range parts {
		if err := merged.Merge(regressPart(t, s, lead, rng, strconv.Itoa(p), perPart)); err != nil {
			t.Fatalf("merge %d: %v", p, err)
		}
	}
	// The same number of events observed into one State: what "its limits" allow.
	single := regressPart(t, s, lead, rng, "single", parts*perPart)
	ref, err := single.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary of one State: %v", err)
	}
	data, err := merged.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary after %d merges: %v", parts, err)
	}
	var back leadscore.State
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatalf("a State merged %d times (%d bytes) does not decode, want it to: %v", parts, len(data), err)
	}
	if limit := 2*len(ref) + 1024; len(data) > limit {
		t.Fatalf("a State merged %d times encodes in %d bytes; one State that took all %d events takes %d: want at most %d (bounded by its limits)",
			parts, len(data), parts*perPart, len(ref), limit)
	}
	now := merged.Latest().Add(regressDay)
	if d := regressResultDiff(regressScore(t, s, lead, merged, now), regressScore(t, s, lead, &back, now)); d != "" {
		t.Fatalf("the decoded merged State scores differently: %s", d)
	}
}

// regressMergeCase returns three random parts of one lead (shards of its events, IDs distinct
// across parts) and all their IDs.
func regressMergeCase(t testing.TB, s regressScorer, lead leadscore.Lead, rng *rand.Rand, trial int) ([3]*leadscore.State, []string) {
	var parts [3]*leadscore.State
	var ids []string
	for i := range parts {
		n := rng.IntN(40)
		prefix := fmt.Sprintf("%d.%d", trial, i)
		parts[i] = regressPart(t, s, lead, rng, prefix, n)
		ids = append(ids, regressIDs(prefix, n)...)
	}
	return parts, ids
}

func regressMerged(t testing.TB, x, y *leadscore.State) *leadscore.State {
	t.Helper()
	m := x.Clone()
	if err := m.Merge(y); err != nil {
		t.Fatalf("Merge: %v", err)
	}
	return m
}

// Promise ("A State's lifetime", Merge): Merge is commutative. Property over random parts.
func TestRegressMergeCommutative(t *testing.T) {
	s := regressCompile(t, leadscore.DefaultB2B())
	lead := regressHotLead()
	rng := rand.New(rand.NewPCG(4, 4))
	for trial := range 40 {
		p, ids := regressMergeCase(t, s, lead, rng, trial)
		if d := regressDiff(t, s, lead, regressMerged(t, p[0], p[1]), regressMerged(t, p[1], p[0]), ids); d != "" {
			t.Fatalf("trial %d: a.Merge(b) and b.Merge(a) differ, want the same State: %s", trial, d)
		}
	}
}

// Promise ("A State's lifetime", Merge): Merge is associative. Property over random parts.
func TestRegressMergeAssociative(t *testing.T) {
	s := regressCompile(t, leadscore.DefaultB2B())
	lead := regressHotLead()
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := range 40 {
		p, ids := regressMergeCase(t, s, lead, rng, trial)
		left := regressMerged(t, regressMerged(t, p[0], p[1]), p[2])
		right := regressMerged(t, p[0], regressMerged(t, p[1], p[2]))
		if d := regressDiff(t, s, lead, left, right, ids); d != "" {
			t.Fatalf("trial %d: (a∘b)∘c and a∘(b∘c) differ, want the same State: %s", trial, d)
		}
	}
}

// Promise ("A State's lifetime", Merge): Merge is idempotent, a.Merge(a) changes nothing —
// whether a is the same *State, a Clone, or a copy read back from its bytes (a shard replaying
// what it sent before).
func TestRegressMergeIdempotent(t *testing.T) {
	s := regressCompile(t, leadscore.DefaultB2B())
	lead := regressHotLead()
	rng := rand.New(rand.NewPCG(6, 6))
	for trial := range 30 {
		p, ids := regressMergeCase(t, s, lead, rng, trial)
		a := regressMerged(t, p[0], p[1])
		data, err := a.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary: %v", err)
		}
		var decoded leadscore.State
		if err := decoded.UnmarshalBinary(data); err != nil {
			t.Fatalf("UnmarshalBinary: %v", err)
		}
		copies := map[string]func(*leadscore.State) *leadscore.State{
			"itself":      func(x *leadscore.State) *leadscore.State { return x },
			"a Clone":     func(x *leadscore.State) *leadscore.State { return x.Clone() },
			"its decoded": func(*leadscore.State) *leadscore.State { return decoded.Clone() },
		}
		for _, name := range []string{"itself", "a Clone", "its decoded"} {
			x := a.Clone()
			if err := x.Merge(copies[name](x)); err != nil {
				t.Fatalf("trial %d: Merge with %s: %v", trial, name, err)
			}
			if d := regressDiff(t, s, lead, a, x, ids); d != "" {
				t.Fatalf("trial %d: a.Merge(%s) changed the State, want nothing changed: %s", trial, name, d)
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Defect 4: the time range, saturating arithmetic, no NaN or ±Inf.

// Promise ("A State's lifetime", Time range): event times and now outside [1900-01-01,
// 2200-01-01) are ErrEventTime in every entry point, and a rejected call changes nothing.
func TestRegressEventTimeOutOfRange(t *testing.T) {
	s := regressCompile(t, leadscore.DefaultB2B())
	lead := regressHotLead()
	out := []time.Time{
		time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), // the page view
		regressFirstInstant.Add(-time.Nanosecond),
		time.Date(1900, 1, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), // 1899-12-31T23:30Z
		time.Date(1800, 6, 1, 0, 0, 0, 0, time.UTC),
		regressLastInstant.Add(time.Nanosecond),                               // 2200-01-01 exactly
		time.Date(2199, 12, 31, 23, 30, 0, 0, time.FixedZone("EST", -5*3600)), // 2200-01-01T04:30Z
		time.Date(2250, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2262, 4, 11, 0, 0, 0, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
	}
	in := []time.Time{
		regressFirstInstant, regressLastInstant,
		time.Date(1900, 1, 1, 0, 30, 0, 0, time.FixedZone("EST", -5*3600)),
		time.Date(2199, 12, 31, 23, 30, 0, 0, time.FixedZone("CET", 3600)),
	}
	base := func() *leadscore.State {
		st := new(leadscore.State)
		regressObserve(t, s, lead, st, leadscore.Event{ID: "x", Type: leadscore.EventPageView, Path: "/pricing", Time: regressT0})
		return st
	}
	calls := map[string]func(st *leadscore.State, at time.Time) error{
		"Observe": func(st *leadscore.State, at time.Time) error {
			_, err := s.Observe(lead, st, leadscore.Event{Type: leadscore.EventPageView, Path: "/pricing", Time: at})
			return err
		},
		"ObserveInto": func(st *leadscore.State, at time.Time) error {
			var r leadscore.Result
			return s.ObserveInto(&r, lead, st, leadscore.Event{Type: leadscore.EventPageView, Path: "/pricing", Time: at})
		},
		"Accumulate": func(st *leadscore.State, at time.Time) error {
			_, err := s.Accumulate(lead, st, leadscore.Event{Type: leadscore.EventEmailOpen, Time: at})
			return err
		},
		"Score": func(st *leadscore.State, at time.Time) error { _, err := s.Score(lead, st, at); return err },
		"ScoreInto": func(st *leadscore.State, at time.Time) error {
			var r leadscore.Result
			return s.ScoreInto(&r, lead, st, at)
		},
		"Advance": func(st *leadscore.State, at time.Time) error { _, err := s.Advance(lead, st, at); return err },
		"ScoreAll": func(st *leadscore.State, at time.Time) error {
			seq, err := s.ScoreAll(func(yield func(leadscore.Lead, *leadscore.State) bool) { yield(lead, st) }, at, 1)
			if err == nil {
				for range seq {
				}
			}
			return err
		},
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range calls {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range names {
		for _, at := range out {
			st := base()
			before, _ := st.MarshalBinary()
			err := calls[name](st, at)
			if !errors.Is(err, leadscore.ErrEventTime) {
				t.Errorf("%s at %s: error %v, want one wrapping ErrEventTime (outside [1900-01-01, 2200-01-01))", name, at.Format(time.RFC3339Nano), err)
				continue
			}
			if after, _ := st.MarshalBinary(); string(after) != string(before) {
				t.Errorf("%s at %s was rejected but changed the State, want it untouched", name, at.Format(time.RFC3339Nano))
			}
		}
		for _, at := range in {
			if err := calls[name](base(), at); err != nil {
				t.Errorf("%s at %s (inside the range): %v, want no error", name, at.Format(time.RFC3339Nano), err)
			}
		}
	}
}

// regressExtremeConfig has event rules at the half-life extremes, no max and no bounds, and
// attribute rules that read count() over the widest window and days_since across the range.
func regressExtremeConfig() leadscore.Config {
	long := leadscore.Duration(math.MaxInt64)
	return leadscore.Config{
		Events: []leadscore.EventRule{
			{ID: "ns", On: []string{leadscore.EventPageView}, Points: 1, HalfLife: leadscore.Duration(time.Nanosecond)},
			{ID: "ns-once", On: []string{leadscore.EventPageView}, Points: 1, HalfLife: leadscore.Duration(time.Nanosecond), Once: true},
			{ID: "long", On: []string{leadscore.EventPageView}, Points: 1, HalfLife: long},
			{ID: "long-once", On: []string{leadscore.EventPageView}, Points: 1, HalfLife: long, Once: true},
			{ID: "day", On: []string{leadscore.EventPageView, leadscore.EventEmailClick}, Points: 3, HalfLife: leadscore.Duration(regressDay)},
			{ID: "none", On: []string{leadscore.EventPageView}, Points: 1},
			{ID: "buy", Dimension: leadscore.Relationship, On: []string{leadscore.EventPurchase}, Points: 5, HalfLife: leadscore.Duration(time.Nanosecond)},
		},
		Rules: []leadscore.Rule{
			{ID: "seen", Dimension: leadscore.Fit, When: `count("page_view", "106751d") >= 1`, Points: 1},
			{ID: "ancient", Dimension: leadscore.Fit, When: `days_since("page_view") > 100000`, Points: 1},
			{ID: "recent", Dimension: leadscore.Fit, When: `days_since("page_view") < 1`, Points: 1},
		},
	}
}

// Promise ("A State's lifetime", Time range): no Result holds NaN or ±Inf, at the two ends of
// the range in one State, under half-lives of 1ns and ~292 years, in every order.
func TestRegressNoNonFiniteResults(t *testing.T) {
	s := regressCompile(t, regressExtremeConfig())
	lead := leadscore.Lead{}
	ends := []time.Time{regressFirstInstant, regressLastInstant, regressFirstInstant.Add(time.Nanosecond), regressLastInstant.Add(-time.Nanosecond)}
	orders := [][]int{{0, 1}, {1, 0}, {0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}}
	for _, order := range orders {
		var st leadscore.State
		check := func(what string, r leadscore.Result) {
			t.Helper()
			if f := regressNonFinite(r); f != "" {
				t.Fatalf("order %v, %s: %s, want every Result field finite:\n%s", order, what, f, regressKey(r))
			}
		}
		for _, i := range order {
			for _, typ := range []string{leadscore.EventPageView, leadscore.EventEmailClick, leadscore.EventPurchase} {
				check(fmt.Sprintf("Observe %s at %s", typ, regressTime(ends[i])), regressObserve(t, s, lead, &st, leadscore.Event{Type: typ, Time: ends[i], Value: 1}))
			}
		}
		for _, now := range append(ends, regressT0) {
			check("Score at "+regressTime(now), regressScore(t, s, lead, &st, now))
		}
		check("Advance to the end", regressAdvance(t, s, lead, &st, regressLastInstant))
	}
}

// Promise ("A State's lifetime", Time range): duration arithmetic saturates, never wraps. A
// count() window of 292 years at 1900 still holds the event just taken; days_since across the
// whole range is ~110,000 days, not a wrapped negative; an SLA of 292 years never runs out.
func TestRegressDurationArithmeticSaturates(t *testing.T) {
	s := regressCompile(t, regressExtremeConfig())
	lead := leadscore.Lead{}
	has := func(r leadscore.Result, id string) bool {
		return slices.ContainsFunc(r.Contributions, func(c leadscore.Contribution) bool { return c.RuleID == id })
	}

	t.Run("count window", func(t *testing.T) {
		for _, at := range []time.Time{regressFirstInstant, regressT0, regressLastInstant} {
			var st leadscore.State
			r := regressObserve(t, s, lead, &st, leadscore.Event{Type: leadscore.EventPageView, Time: at})
			if !has(r, "seen") || !has(r, "recent") {
				t.Errorf(`a page view at %s evaluated then: count("page_view", "106751d") >= 1 and days_since("page_view") < 1 should both fire, got %v`,
					regressTime(at), r.Contributions)
			}
		}
	})
	t.Run("days_since across the range", func(t *testing.T) {
		var st leadscore.State
		regressObserve(t, s, lead, &st, leadscore.Event{Type: leadscore.EventPageView, Time: regressFirstInstant})
		if r := regressScore(t, s, lead, &st, regressLastInstant); !has(r, "ancient") || has(r, "recent") {
			t.Errorf("a page view at 1900 scored at 2199: days_since(\"page_view\") > 100000 should fire and < 1 should not, got %v", r.Contributions)
		}
	})
	t.Run("SLA", func(t *testing.T) {
		j := leadscore.DefaultJourney()
		for i := range j.Stages {
			j.Stages[i].SLA = leadscore.Duration(math.MaxInt64)
		}
		sla := regressCompile(t, leadscore.Config{Journey: j})
		for _, at := range []time.Time{regressFirstInstant, regressT0, regressLastInstant} {
			var st leadscore.State
			r := regressObserve(t, sla, lead, &st, leadscore.Event{Type: leadscore.EventFormSubmit, Time: at})
			r2 := regressAdvance(t, sla, lead, &st, regressLastInstant)
			// An SLA of MaxInt64 ns (~292.3 years) from 1900 runs out in 2192, inside the range:
			// then it must stall once, at the saturated due time; from later it never runs out.
			due := at.Add(time.Duration(math.MaxInt64))
			wantStall := due.Before(regressLastInstant)
			n := len(regressTransitions(r2, leadscore.TransitionSLA))
			if r.Stalled || r2.Stalled != wantStall || (n == 1) != wantStall || n > 1 ||
				(wantStall && !r2.StalledSince.Equal(due)) {
				t.Errorf("entered a stage at %s with an SLA of ~292 years: stalled %v, then at the end of the range stalled %v (since %s) with %d SLA transitions; want stalled %v (due %s)",
					regressTime(at), r.Stalled, r2.Stalled, regressTime(r2.StalledSince), n, wantStall, regressTime(due))
			}
		}
	})
}

// Promise ("Scoring semantics" and "Time range"): no Result holds NaN or ±Inf, also when the
// points themselves are at the edge of float64: contributions that each are finite must not
// add up to ±Inf (or Inf − Inf = NaN) in a dimension or the total.
func TestRegressNoNonFiniteResultsFromHugePoints(t *testing.T) {
	cfg := leadscore.Config{
		Rules: []leadscore.Rule{
			{ID: "a", Dimension: leadscore.Fit, Points: math.MaxFloat64},
			{ID: "b", Dimension: leadscore.Fit, Points: math.MaxFloat64},
			{ID: "c", Dimension: leadscore.Relationship, Points: -math.MaxFloat64},
		},
		Events: []leadscore.EventRule{{ID: "e", On: []string{leadscore.EventPageView}, Points: math.MaxFloat64}},
	}
	s, err := leadscore.Compile[leadscore.Lead](cfg)
	if err != nil {
		var re *leadscore.RuleError
		if !errors.As(err, &re) || re.Field != "points" {
			t.Fatalf("Compile: %v; refusing points this large is acceptable, as a *RuleError on \"points\"", err)
		}
		return
	}
	var st leadscore.State
	for i := range 3 {
		r := regressObserve(t, s, leadscore.Lead{}, &st, leadscore.Event{Type: leadscore.EventPageView, Time: regressT0.Add(time.Duration(i) * time.Hour)})
		if f := regressNonFinite(r); f != "" {
			t.Fatalf("points of ±MaxFloat64: %s, want every Result field finite (saturated):\n%s", f, regressKey(r))
		}
	}
}

// Promise ("A State's lifetime": duration arithmetic saturates, never wraps; Config: durations
// are non-negative): a duration string either fails to parse or gives a duration ≥ 0 within
// rounding of its exact value; one beyond math.MaxInt64 nanoseconds is an error. Property over
// big numbers in every unit, starting with the "9223372036854775807ns".
func TestRegressParseDurationNeverNegative(t *testing.T) {
	units := map[string]int64{"ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9, "w": 604800e9}
	unitNames := slices.Sorted(func(yield func(string) bool) {
		for k := range units {
			if !yield(k) {
				return
			}
		}
	})
	inputs := []string{
		"9223372036854775807ns", "9223372036854775808ns", "9223372036854775296ns", "9223372036854775295ns",
		"9223372036.854775807s", "106751d", "106752d", "15250w", "15251w", "2562047h", "2562048h",
		"153722867m", "153722868m", "9223372036854775ms", "9223372036854776ms", "99999999999999999999d",
		"1w106745d", "292w50000d", "9223372036854775807ns1ns", "0.5ns", "1e3s",
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(3) {
			digits := 1 + rng.IntN(22)
			for i := range digits {
				c := byte('0' + rng.IntN(10))
				if i == 0 && digits > 1 {
					c = byte('1' + rng.IntN(9))
				}
				b.WriteByte(c)
			}
			if rng.IntN(4) == 0 {
				b.WriteByte('.')
				for range 1 + rng.IntN(6) {
					b.WriteByte(byte('0' + rng.IntN(10)))
				}
			}
			b.WriteString(unitNames[rng.IntN(len(unitNames))])
		}
		inputs = append(inputs, b.String())
	}
	maxInt := new(big.Rat).SetInt64(math.MaxInt64)
	for _, in := range inputs {
		exact, wellFormed := regressExactDuration(in, units, unitNames)
		single := len(strings.FieldsFunc(in, unicode.IsLetter)) == 1 // one number, one unit
		d, err := leadscore.ParseDuration(in)
		switch {
		case err != nil && wellFormed && single && exact.Cmp(new(big.Rat).SetInt64(math.MaxInt64/2)) <= 0:
			t.Errorf("ParseDuration(%q) = error %v, want ≈ %s ns", in, err, exact.FloatString(0))
		case err != nil:
		case d < 0:
			t.Errorf("ParseDuration(%q) = %d (%v), no error: want an error or a duration ≥ 0", in, int64(d), time.Duration(d))
		case wellFormed && exact.Cmp(maxInt) > 0:
			t.Errorf("ParseDuration(%q) = %v, no error: its exact value %s ns is beyond math.MaxInt64, want an error", in, time.Duration(d), exact.FloatString(0))
		case wellFormed:
			got := new(big.Rat).SetInt64(int64(d))
			diff := new(big.Rat).Sub(got, exact)
			tol := new(big.Rat).Mul(exact, big.NewRat(1, 1e9))
			tol.Add(tol, big.NewRat(1, 1))
			if diff.Abs(diff).Cmp(tol) > 0 {
				t.Errorf("ParseDuration(%q) = %d ns, want ≈ %s ns", in, int64(d), exact.FloatString(0))
			}
		}
	}
}

// regressExactDuration is the exact value of a duration string in nanoseconds.
func regressExactDuration(s string, units map[string]int64, names []string) (*big.Rat, bool) {
	total := new(big.Rat)
	for s != "" {
		i := 0
		for i < len(s) && (s[i] == '.' || ('0' <= s[i] && s[i] <= '9')) {
			i++
		}
		n, ok := new(big.Rat).SetString(s[:i])
		if i == 0 || !ok || strings.Count(s[:i], ".") > 1 {
			return nil, false
		}
		s = s[i:]
		unit := ""
		for _, u := range names {
			if strings.HasPrefix(s, u) && len(u) > len(unit) {
				unit = u
			}
		}
		if unit == "" {
			return nil, false
		}
		s = s[len(unit):]
		total.Add(total, n.Mul(n, new(big.Rat).SetInt64(units[unit])))
	}
	return total, true
}

// ---------------------------------------------------------------------------------------------
// Defect 5: event rules whose when depends on arrival order.

// Promise ("Scoring semantics"): observing the same events in any order gives the same
// contributions. An event rule whose when reads count(), days_since(), stage or days_in_stage
// is evaluated against what has arrived so far, so it is either order-free or a compile error
// (*RuleError with the rule's ID and field "when", explaining the arrival-order dependence and
// pointing to an attribute rule). Both are accepted here; what is not is a rule that compiles
// and scores differently by order.
func TestRegressEventRuleOrderDependence(t *testing.T) {
	whens := []string{
		`count("page_view", "7d") >= 3`,
		`count("page_view", "7d") >= 2`,
		`days_since("page_view") < 1`,
		`days_since("form_submit") < 30`,
		`stage == "nurture"`,
		`days_in_stage > 0.01`,
		`event.Path startsWith "/" && count("form_submit", "30d") > 0`,
	}
	// A form (attract → capture → nurture) and three page views, an hour apart.
	events := []leadscore.Event{
		{Type: leadscore.EventFormSubmit, Time: regressT0},
		{Type: leadscore.EventPageView, Path: "/a", Time: regressT0.Add(time.Hour)},
		{Type: leadscore.EventPageView, Path: "/b", Time: regressT0.Add(2 * time.Hour)},
		{Type: leadscore.EventPageView, Path: "/c", Time: regressT0.Add(3 * time.Hour)},
	}
	for i, when := range whens {
		id := fmt.Sprintf("order-%d", i)
		cfg := leadscore.Config{Events: []leadscore.EventRule{{ID: id, When: when, Points: 10}}}
		s, err := leadscore.Compile[leadscore.Lead](cfg)
		if err != nil {
			var re *leadscore.RuleError
			if !errors.As(err, &re) || re.RuleID != id || re.Field != "when" {
				t.Errorf("event rule when %q: Compile error %v, want a *RuleError with RuleID %q and Field \"when\"", when, err, id)
				continue
			}
			msg := strings.ToLower(re.Error())
			if !strings.Contains(msg, "order") || !strings.Contains(msg, "attribute rule") {
				t.Errorf("event rule when %q: error %q should say it depends on arrival order and suggest an attribute rule", when, re.Error())
			}
			continue
		}
		scores := map[float64][]int{}
		for perm := range regressPermutations(len(events)) {
			var st leadscore.State
			for _, k := range perm {
				regressObserve(t, s, leadscore.Lead{}, &st, events[k])
			}
			r := regressScore(t, s, leadscore.Lead{}, &st, regressT0.Add(regressDay))
			if _, ok := scores[r.Engagement]; !ok {
				scores[r.Engagement] = perm
			}
		}
		if len(scores) > 1 {
			t.Errorf("event rule when %q compiled, but the same four events score by arrival order (engagement → first order giving it): %v; want one score, or a compile error",
				when, scores)
		}
	}
}

// The order-free shapes an event rule may keep: reading the event, the lead and now, and names
// that only look like the forbidden ones.
func TestRegressEventRuleOrderFreeShapesCompile(t *testing.T) {
	for _, when := range []string{
		`event.Path startsWith "/pricing"`,
		`event.Properties.stage == "won"`,
		`event.Properties.count > 1`,
		`lead.Title != "" && event.Value > 10`,
		`now.Year() > 2000`,
	} {
		cfg := leadscore.Config{Events: []leadscore.EventRule{{ID: "ok", When: when, Points: 1}}}
		if _, err := leadscore.Compile[leadscore.Lead](cfg); err != nil {
			t.Errorf("event rule when %q does not depend on arrival order but Compile rejects it: %v", when, err)
		}
	}
	cfg := leadscore.Config{Rules: []leadscore.Rule{{ID: "attr", Dimension: leadscore.Engagement, When: `count("page_view", "7d") >= 3 && days_since("call") < 5 && stage == "nurture" && days_in_stage > 1`, Points: 1}}}
	if _, err := leadscore.Compile[leadscore.Lead](cfg); err != nil {
		t.Errorf("an attribute rule may read count, days_since, stage and days_in_stage: %v", err)
	}
}

// regressPermutations yields every permutation of 0..n-1.
func regressPermutations(n int) iter.Seq[[]int] {
	return func(yield func([]int) bool) {
		p := make([]int, n)
		for i := range p {
			p[i] = i
		}
		var rec func(k int) bool
		rec = func(k int) bool {
			if k == n {
				return yield(slices.Clone(p))
			}
			for i := k; i < n; i++ {
				p[k], p[i] = p[i], p[k]
				if !rec(k + 1) {
					return false
				}
				p[k], p[i] = p[i], p[k]
			}
			return true
		}
		rec(0)
	}
}

// ---------------------------------------------------------------------------------------------
// Defect 6: States that cannot be read back.

// regressRoundTrip checks the promise that MarshalBinary never writes bytes UnmarshalBinary
// rejects, and that the decoded State scores exactly as the original at each of nows.
func regressRoundTrip(t testing.TB, s regressScorer, lead leadscore.Lead, st *leadscore.State, what string, nows ...time.Time) {
	t.Helper()
	data, err := st.MarshalBinary()
	if err != nil {
		t.Fatalf("%s: MarshalBinary: %v (a State that cannot be written cannot be stored)", what, err)
	}
	var back leadscore.State
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatalf("%s: UnmarshalBinary rejects the %d bytes MarshalBinary wrote: %v", what, len(data), err)
	}
	for _, now := range nows {
		a, b := regressScore(t, s, lead, st, now), regressScore(t, s, lead, &back, now)
		if ka, kb := regressKey(a), regressKey(b); ka != kb {
			t.Fatalf("%s: the decoded State scores differently at %s:\n%s\nvs decoded\n%s", what, regressTime(now), ka, kb)
		}
	}
}

// Promise (Contract; "A State's lifetime": bytes go to a database and back): MarshalBinary
// never writes bytes UnmarshalBinary rejects. The three cases.
func TestRegressMarshalThenReject(t *testing.T) {
	lead := leadscore.Lead{}
	nows := []time.Time{regressFirstInstant, regressT0, regressLastInstant}
	t.Run("two purchases of MaxFloat64", func(t *testing.T) {
		for _, v := range []float64{math.MaxFloat64, -math.MaxFloat64} {
			s := regressCompile(t, leadscore.DefaultB2C())
			var st leadscore.State
			for i := range 2 {
				regressObserve(t, s, lead, &st, leadscore.Event{Type: leadscore.EventPurchase, Value: v, Time: regressT0.Add(time.Duration(i) * time.Hour)})
			}
			regressRoundTrip(t, s, lead, &st, fmt.Sprintf("two purchases of %v", v), nows...)
		}
	})
	t.Run("rule ID of 5000 bytes", func(t *testing.T) {
		id := strings.Repeat("r", 5000)
		cfg := leadscore.Config{Events: []leadscore.EventRule{{ID: id, On: []string{leadscore.EventPageView}, Points: 1}}}
		s, err := leadscore.Compile[leadscore.Lead](cfg)
		if err != nil {
			var re *leadscore.RuleError
			named := errors.As(err, &re) && re.Field == "id" &&
				(re.RuleID == "events[0]" || re.RuleID != "" && strings.HasPrefix(id, strings.TrimRight(re.RuleID, "….")))
			if !named {
				t.Fatalf("Compile rejected a 5000-byte rule ID with %v, want a *RuleError on field \"id\" naming the rule", err)
			}
			return // rejected at compile time: acceptable
		}
		var st leadscore.State
		regressObserve(t, s, lead, &st, leadscore.Event{Type: leadscore.EventPageView, Time: regressT0})
		regressRoundTrip(t, s, lead, &st, "a 5000-byte rule ID", nows...)
	})
	t.Run("events at 1900 and 2199", func(t *testing.T) {
		s := regressCompile(t, regressExtremeConfig())
		for _, order := range [][2]time.Time{{regressFirstInstant, regressLastInstant}, {regressLastInstant, regressFirstInstant}} {
			var st leadscore.State
			for _, at := range order {
				regressObserve(t, s, lead, &st, leadscore.Event{Type: leadscore.EventPageView, Time: at})
				regressObserve(t, s, lead, &st, leadscore.Event{Type: leadscore.EventPurchase, Value: 1, Time: at})
			}
			regressRoundTrip(t, s, lead, &st, fmt.Sprintf("events at %s then %s", regressTime(order[0]), regressTime(order[1])), nows...)
		}
	})
}

// regressRuleID returns a rule ID of one of several awkward shapes, and whether it is ordinary
// (short, valid UTF-8, no control characters): a rule set of ordinary IDs must compile.
func regressRuleID(rng *rand.Rand, i int) (string, bool) {
	var id string
	switch rng.IntN(12) {
	case 0, 1:
		id = fmt.Sprintf("rule-%d", i)
	case 2:
		id = fmt.Sprintf("prix-été-日本語-%d", i)
	case 3:
		id = fmt.Sprintf("a\x00b\x00%d", i)
	case 4:
		id = strings.Repeat("x", 300) + strconv.Itoa(i)
	case 5:
		id = strings.Repeat("é", 2500) + strconv.Itoa(i) // 5000 bytes
	case 6:
		id = strings.Repeat("y", 4096-len(strconv.Itoa(i))) + strconv.Itoa(i) // 4096 bytes
	case 7:
		id = strings.Repeat("z", 4097) + strconv.Itoa(i)
	case 8:
		id = fmt.Sprintf("\xff\xfe-%d", i) // not UTF-8
	case 9:
		id = fmt.Sprintf("tab\tline\n-%d", i)
	case 10:
		id = strings.Repeat("\x00", 10) + strconv.Itoa(i)
	case 11:
		id = fmt.Sprintf("🙂%d", i)
	}
	ordinary := utf8.ValidString(id) && len(id) <= 64 && !strings.ContainsFunc(id, unicode.IsControl)
	return id, ordinary
}

// regressRandomConfig is a random rule set for the codec property: awkward rule IDs, half-lives
// from 1ns to ~292 years, max from none to MaxFloat64, count() and days_since(), an SLA.
func regressRandomConfig(rng *rand.Rand) (cfg leadscore.Config, ordinary bool) {
	pick := func(xs ...float64) float64 { return xs[rng.IntN(len(xs))] }
	halfLives := []leadscore.Duration{0, 1, leadscore.Duration(time.Hour), leadscore.Duration(14 * regressDay), math.MaxInt64 / 2, math.MaxInt64}
	types := []string{leadscore.EventPageView, leadscore.EventPurchase, leadscore.EventCall, leadscore.EventEmailClick, leadscore.EventCartAdd, leadscore.EventFormSubmit}
	ordinary = true
	cfg.Tiers = []leadscore.Tier{{Name: "hot", Min: leadscore.Float(10), Handoff: true}, {Name: "cold"}}
	for i := range 1 + rng.IntN(4) {
		id, ok := regressRuleID(rng, i)
		ordinary = ordinary && ok
		r := leadscore.EventRule{
			ID: id, Points: pick(1, -2.5, 40, math.SmallestNonzeroFloat64, 1e300),
			HalfLife: halfLives[rng.IntN(len(halfLives))], Max: pick(0, 0, 1, 1e308, math.SmallestNonzeroFloat64), Once: rng.IntN(5) == 0,
		}
		if rng.IntN(4) > 0 {
			for _, typ := range types {
				if rng.IntN(2) == 0 {
					r.On = append(r.On, typ)
				}
			}
		}
		if rng.IntN(3) == 0 {
			r.Dimension = leadscore.Relationship
		}
		cfg.Events = append(cfg.Events, r)
	}
	if rng.IntN(2) == 0 {
		cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: "attr-count", Dimension: leadscore.Engagement, When: `count("page_view", "30d") >= 2`, Points: 5})
	}
	if rng.IntN(2) == 0 {
		cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: "attr-since", Dimension: leadscore.Fit, When: `days_since("call") < 3`, Points: 7})
	}
	if rng.IntN(2) == 0 {
		cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: "attr-many", Dimension: leadscore.Fit, Value: `count("email_click", "106751d") * 1.0`})
	}
	if rng.IntN(2) == 0 {
		cfg.Pages = map[string][]string{"pricing": {"/pricing"}, "careers": {"/careers"}}
	}
	if rng.IntN(2) == 0 {
		j := leadscore.DefaultJourney()
		j.Stages[3].SLA = halfLives[1+rng.IntN(len(halfLives)-1)]
		cfg.Journey = j
	}
	return cfg, ordinary
}

// Promise (Contract; "A State's lifetime"): every MarshalBinary output decodes, and the decoded
// State scores identically. Property over random rule sets (IDs long, unicode, with NUL bytes,
// not UTF-8; half-lives 1ns … ~292y; any max) and random streams with extreme values (±MaxFloat64,
// ±SmallestNonzero) and times at the ends of the range, with Advance, Accumulate and Merge.
// A rule set may instead be refused by Compile, with a *RuleError on a rule's "id", when it has
// an unusual ID; a rule set of ordinary IDs must compile.
func TestRegressMarshalRoundTripProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	types := []string{
		leadscore.EventPageView, leadscore.EventPurchase, leadscore.EventCartAdd, leadscore.EventCheckoutStart,
		leadscore.EventCall, leadscore.EventDemoRequest, leadscore.EventFormSubmit, leadscore.EventEmailClick,
		leadscore.EventOpportunityLost, leadscore.EventChurn, leadscore.EventEmailOpen,
	}
	values := []float64{math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0, 99.5}
	span := regressLastInstant.Sub(regressFirstInstant) // saturates at ~292y: enough for a random instant
	randomTime := func() time.Time {
		switch rng.IntN(6) {
		case 0:
			return regressFirstInstant
		case 1:
			return regressLastInstant
		case 2:
			return regressFirstInstant.Add(time.Duration(rng.Int64N(int64(time.Hour))))
		case 3:
			return regressLastInstant.Add(-time.Duration(rng.Int64N(int64(time.Hour))))
		case 4:
			return regressFirstInstant.Add(time.Duration(rng.Int64N(int64(span))))
		}
		return regressT0.Add(time.Duration(rng.Int64N(int64(90*regressDay))) - 45*regressDay)
	}
	randomEvent := func() leadscore.Event {
		ev := leadscore.Event{Type: types[rng.IntN(len(types))], Time: randomTime(), Value: values[rng.IntN(len(values))], Path: "/pricing"}
		if rng.IntN(3) > 0 {
			ev.ID = fmt.Sprintf("id%d", rng.IntN(10))
		}
		if rng.IntN(3) == 0 {
			ev.Path = "/careers/x"
		}
		return ev
	}
	lead := leadscore.Lead{Email: "dee@corp.example", Title: "Director"}
	compiled := 0
	for trial := range 150 {
		cfg, ordinary := regressRandomConfig(rng)
		opts := []leadscore.Option{leadscore.WithDedupWindow([]int{0, 1, 64}[rng.IntN(3)])}
		s, err := leadscore.Compile[leadscore.Lead](cfg, opts...)
		if err != nil {
			var re *leadscore.RuleError
			if ordinary || !errors.As(err, &re) || re.Field != "id" {
				t.Fatalf("trial %d: Compile: %v; only a rule set with an unusual rule ID may be refused, with a *RuleError on \"id\"", trial, err)
			}
			continue
		}
		compiled++
		var st leadscore.State
		for step := range 1 + rng.IntN(25) {
			ev := randomEvent()
			what := fmt.Sprintf("trial %d step %d", trial, step)
			switch op := rng.IntN(10); {
			case op < 7:
				regressObserve(t, s, lead, &st, ev)
				what += fmt.Sprintf(" (Observe %s value %v at %s)", ev.Type, ev.Value, regressTime(ev.Time))
			case op == 7:
				regressAdvance(t, s, lead, &st, ev.Time)
				what += " (Advance to " + regressTime(ev.Time) + ")"
			case op == 8:
				if _, err := s.Accumulate(lead, &st, ev); err != nil {
					t.Fatalf("%s: Accumulate: %v", what, err)
				}
				what += fmt.Sprintf(" (Accumulate %s value %v at %s)", ev.Type, ev.Value, regressTime(ev.Time))
			default:
				var part leadscore.State
				other := randomEvent()
				regressObserve(t, s, lead, &part, other)
				if err := st.Merge(&part); err != nil {
					t.Fatalf("%s: Merge: %v", what, err)
				}
				what += fmt.Sprintf(" (Merge a part with %s value %v at %s)", other.Type, other.Value, regressTime(other.Time))
			}
			regressRoundTrip(t, s, lead, &st, what, regressFirstInstant, regressT0, regressLastInstant, ev.Time)
		}
	}
	if compiled < 20 {
		t.Fatalf("only %d of 150 random rule sets compiled: the property checked too little", compiled)
	}
}

// ---------------------------------------------------------------------------------------------
// Defect 7: a rule-set update must never panic, nor trust a State laid out for another.

// regressCollision is two rule sets whose State layouts the first release could not tell
// apart, because it hashed names joined with NUL (and other separators) that names may
// contain. ids are the event-rule IDs of each.
type regressCollision struct {
	name         string // for messages
	label        string // for the subtest
	a, b         leadscore.Config
	aIDs, bIDs   []string
	aTypes       []string  // event types to observe under a
	bTypes       []string  // event types to observe under b (default: page_view)
	stale        []string  // attribute rules that fire only on the other set's history of a type
	signalsOfB   []string  // custom signal kinds only b has
	aRaisesAlone []string  // custom signal kinds a's events raise
	v1           regressV1 // a State of a as a release that compiled a's names would write it
}

// regressV1 is what regressV1State writes: a State's layout and a few events' worth of values.
type regressV1 struct {
	rules   []leadscore.EventRule // ID, HalfLife and Once
	types   []string              // tracked types, keeping one event time each
	kinds   []string
	signals uint64 // active kinds, by bit
}

// regressV1State encodes v in format version 1 (MarshalBinary's doc): each rule has taken 3
// events from T to T+2h, each type one at T+2h; 3 events in all, evaluated at T+1d.
func regressV1State(v regressV1) []byte {
	first, last := regressT0.UnixNano(), regressT0.Add(2*time.Hour).UnixNano()
	e := regressHeader().uvarint(uint64(len(v.rules)))
	for _, r := range v.rules {
		e.str(r.ID).varint(int64(r.HalfLife)).boolean(r.Once)
	}
	e.uvarint(uint64(len(v.types)))
	for _, typ := range v.types {
		e.str(typ).uvarint(1)
	}
	e.uvarint(uint64(len(v.kinds)))
	for _, k := range v.kinds {
		e.str(k)
	}
	e.uvarint(0).varint(0) // stages, velocity window
	for range v.rules {
		e.float(3).varint(last).varint(first).uvarint(3)
	}
	e.uvarint(uint64(len(v.types)))
	for range v.types {
		e.varint(last)
	}
	e.uvarint(0).uvarint(0)                   // event IDs, ring position
	e.varint(last).uvarint(3).str("").str("") // latest, events, tier, stage
	e.varint(0).varint(first).uvarint(0)      // stage since, first event, stages entered
	e.uvarint(0).boolean(false).varint(0)     // history, stalled, MQL time
	e.boolean(false).uvarint(v.signals)       // handed off, signals
	e.varint(0).float(0).boolean(false)       // cart
	for range 2 {                             // velocity sums
		e.float(0).varint(0).varint(0).uvarint(0)
	}
	e.varint(regressT0.Add(regressDay).UnixNano()).float(0).float(0).float(0) // evaluated, base
	e.uvarint(0).float(0).float(0)                                            // purchases, revenue
	return regressSeal(e.b)
}

// regressCollidingState returns a State written under c.a: observed under it when it compiles
// (with the Scorer), else — Compile may refuse a's names, with a *RuleError — the version-1
// bytes an earlier release wrote for it, read back (nil if UnmarshalBinary refuses them).
func regressCollidingState(t testing.TB, c regressCollision) (*leadscore.State, regressScorer) {
	t.Helper()
	s, err := leadscore.Compile[leadscore.Lead](c.a)
	if err == nil {
		return regressStateUnder(t, s, c.aTypes), s
	}
	var re *leadscore.RuleError
	if !errors.As(err, &re) {
		t.Fatalf("%s: Compile: %v, want success or a *RuleError naming the item it refuses", c.name, err)
	}
	var st leadscore.State
	if err := st.UnmarshalBinary(regressV1State(c.v1)); err != nil {
		return nil, nil
	}
	return &st, nil
}

// regressCollisions builds colliding pairs: b's event rules r1…rk, and a with two adjacent
// rules of b joined into one whose ID is "r_i NUL half-life NUL once NUL r_{i+1}"; a tracked
// event type that is two types joined; a custom signal kind that is two joined.
func regressCollisions(rng *rand.Rand) []regressCollision {
	var out []regressCollision
	halfLives := []leadscore.Duration{0, leadscore.Duration(time.Hour), leadscore.Duration(14 * regressDay)}
	for k := range 12 {
		n := 2 + rng.IntN(3)
		var rules []leadscore.EventRule
		for i := range n {
			rules = append(rules, leadscore.EventRule{
				ID: fmt.Sprintf("%c%d", 'a'+i, k), On: []string{leadscore.EventPageView}, Points: float64(i + 1),
				HalfLife: halfLives[rng.IntN(len(halfLives))], Once: rng.IntN(4) == 0,
			})
		}
		j := rng.IntN(n - 1)
		r1, r2 := rules[j], rules[j+1]
		once := "\x00"
		if r1.Once {
			once = "\x01"
		}
		joined := r2
		joined.ID = r1.ID + "\x00" + strconv.FormatInt(int64(r1.HalfLife), 10) + "\x00" + once + "\x00" + r2.ID
		aRules := append(append(slices.Clone(rules[:j]), joined), rules[j+2:]...)
		c := regressCollision{
			name: fmt.Sprintf("event rules %d: %q", k, joined.ID), label: fmt.Sprintf("event rules %d", k),
			a: leadscore.Config{Events: aRules}, b: leadscore.Config{Events: rules},
			aTypes: []string{leadscore.EventPageView},
			v1:     regressV1{rules: aRules},
		}
		for _, r := range aRules {
			c.aIDs = append(c.aIDs, r.ID)
		}
		for _, r := range rules {
			c.bIDs = append(c.bIDs, r.ID)
		}
		out = append(out, c)
	}
	// Tracked types: "x NUL 1 NUL y" (keeping 1 time) against "x" and "y" (1 time each).
	out = append(out, regressCollision{
		name: "tracked event types", label: "tracked event types",
		a: leadscore.Config{
			EventTypes: []string{"x\x001\x00y"},
			Rules:      []leadscore.Rule{{ID: "r", Dimension: leadscore.Fit, When: `days_since("x\u00001\u0000y") < 10`, Points: 1}},
			Events:     []leadscore.EventRule{{ID: "e", Points: 1}},
		},
		b: leadscore.Config{
			EventTypes: []string{"x", "y"},
			Rules:      []leadscore.Rule{{ID: "r", Dimension: leadscore.Fit, When: `days_since("x") < 10 || days_since("y") < 10`, Points: 1}},
			Events:     []leadscore.EventRule{{ID: "e", Points: 1}},
		},
		aTypes: []string{"x\x001\x00y", leadscore.EventPageView, leadscore.EventCall},
		bTypes: []string{"x", leadscore.EventPageView, leadscore.EventCall},
		stale:  []string{"r"}, // the event times of "x\x001\x00y" are not those of "x", nor the other way round
		v1:     regressV1{rules: []leadscore.EventRule{{ID: "e"}}, types: []string{"x\x001\x00y"}},
	})
	// Signal kinds: "p STX q" against "p" and "q".
	out = append(out, regressCollision{
		name:         "custom signal kinds",
		label:        "custom signal kinds",
		a:            leadscore.Config{Signals: []leadscore.SignalConfig{{Kind: "p\x02q", When: "fit >= 0"}}},
		b:            leadscore.Config{Signals: []leadscore.SignalConfig{{Kind: "p", When: "fit > 1"}, {Kind: "q", When: "fit > 1"}}},
		aTypes:       []string{leadscore.EventPageView},
		signalsOfB:   []string{"p", "q"},
		aRaisesAlone: []string{"p\x02q"},
		v1:           regressV1{kinds: []string{"p\x02q"}, signals: 1},
	})
	return out
}

// regressStateUnder builds a State under rule set s from a few events of each type.
func regressStateUnder(t testing.TB, s regressScorer, types []string) *leadscore.State {
	st := new(leadscore.State)
	for i := range 3 {
		for k, typ := range types {
			regressObserve(t, s, leadscore.Lead{}, st, leadscore.Event{ID: fmt.Sprintf("%s-%d", typ, i), Type: typ, Time: regressT0.Add(time.Duration(3*k+i) * time.Hour)})
		}
	}
	regressAdvance(t, s, leadscore.Lead{}, st, regressT0.Add(regressDay))
	return st
}

// regressEventContributions returns the contributions of the named event rules.
func regressEventContributions(r leadscore.Result, ids []string) []leadscore.Contribution {
	var out []leadscore.Contribution
	for _, c := range r.Contributions {
		if slices.Contains(ids, c.RuleID) {
			out = append(out, c)
		}
	}
	return out
}

// Promise ("A State's lifetime", Rule-set evolution; "Bad input never panics"): a State
// written under one rule set loads under another — remapped by name (history only for rules,
// types and kinds of the same name) or refused with an error, never trusted as if laid out for
// the new rule set, and no call panics. Property over rule sets whose names collide under
// NUL-joined hashing, both directions, through Score, Observe, Advance, Merge, NextWakeup,
// Funnel, ScoreAll on one goroutine and a marshal round trip. (ScoreAll on worker goroutines
// is TestRegressRuleSetUpdateScoreAllWorkers: a panic there kills the process.)
func TestRegressRuleSetUpdatePanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	lead := leadscore.Lead{}
	later := regressT0.Add(2 * regressDay)
	for _, c := range regressCollisions(rng) {
		t.Run(c.label, func(t *testing.T) {
			oldA, sA := regressCollidingState(t, c)
			sB := regressCompile(t, c.b)
			for _, dir := range []string{"a→b", "b→a"} {
				fromIDs, toIDs, sTo, old := c.aIDs, c.bIDs, sB, oldA
				signals := c.signalsOfB
				if dir == "b→a" {
					if sA == nil {
						continue // Compile refuses a's names: no Scorer to load b's State under
					}
					types := c.bTypes
					if types == nil {
						types = []string{leadscore.EventPageView}
					}
					fromIDs, toIDs, sTo, old = c.bIDs, c.aIDs, sA, regressStateUnder(t, sB, types)
					signals = c.aRaisesAlone
				}
				if old == nil {
					continue // the old State's bytes were refused: acceptable
				}
				where := fmt.Sprintf("%s, State written under %s", c.name, dir)
				// Event rules of the new set that the old one lacks by name start with no history.
				var fresh []string
				for _, id := range toIDs {
					if !slices.Contains(fromIDs, id) {
						fresh = append(fresh, id)
					}
				}
				own := regressStateUnder(t, sTo, []string{leadscore.EventPageView})
				ownScore := regressScore(t, sTo, lead, own, later)
				data, err := old.MarshalBinary()
				if err != nil {
					t.Fatalf("%s: MarshalBinary: %v", where, err)
				}
				var decoded leadscore.State
				if err := decoded.UnmarshalBinary(data); err != nil {
					t.Fatalf("%s: UnmarshalBinary: %v", where, err)
				}
				for _, src := range []struct {
					name string
					st   *leadscore.State
				}{{"as observed", old}, {"read back from its bytes", &decoded}} {
					w := where + ", " + src.name
					checkFresh := func(call string, r leadscore.Result, maxEvents int) {
						t.Helper()
						for _, x := range regressEventContributions(r, fresh) {
							if x.Events > maxEvents {
								t.Fatalf("%s: %s credits event rule %q with %d events it never saw (the old State was trusted, not remapped by name)",
									w, call, x.RuleID, x.Events)
							}
						}
						for _, x := range r.Contributions {
							if slices.Contains(c.stale, x.RuleID) {
								t.Fatalf("%s: %s fires rule %q on event times of another type (the old State's times were trusted, not remapped by name)", w, call, x.RuleID)
							}
						}
						for _, x := range r.Transitions {
							if x.Kind == leadscore.TransitionSignal && !x.Raised && slices.Contains(signals, x.Signal) {
								t.Fatalf("%s: %s clears signal %q the new rule set never raised (the old State's bits were trusted)", w, call, x.Signal)
							}
						}
					}
					var r leadscore.Result
					var err error
					if p := regressCatch(func() { r, err = sTo.Score(lead, src.st, later) }); p != "" {
						t.Fatalf("%s: Score panicked, want a remap or an error: %s", w, p)
					} else if err == nil {
						checkFresh("Score", r, 0)
					}
					st := src.st.Clone()
					if p := regressCatch(func() {
						r, err = sTo.Observe(lead, st, leadscore.Event{Type: leadscore.EventPageView, Time: later})
					}); p != "" {
						t.Fatalf("%s: Observe panicked, want a remap or an error: %s", w, p)
					} else if err == nil {
						checkFresh("Observe", r, 1)
					}
					st = src.st.Clone()
					if p := regressCatch(func() { r, err = sTo.Advance(lead, st, later) }); p != "" {
						t.Fatalf("%s: Advance panicked, want a remap or an error: %s", w, p)
					} else if err == nil {
						checkFresh("Advance", r, 0)
					}
					if p := regressCatch(func() { sTo.NextWakeup(src.st) }); p != "" {
						t.Fatalf("%s: NextWakeup panicked: %s", w, p)
					}
					if p := regressCatch(func() { report.FunnelOf(sTo, slices.Values([]*leadscore.State{src.st}), later) }); p != "" {
						t.Fatalf("%s: Funnel panicked: %s", w, p)
					}
					if p := regressCatch(func() {
						seq, err := sTo.ScoreAll(func(yield func(leadscore.Lead, *leadscore.State) bool) { yield(lead, src.st) }, later, 1)
						if err != nil {
							return
						}
						for _, r := range seq {
							checkFresh("ScoreAll", *r, 0)
						}
					}); p != "" {
						t.Fatalf("%s: ScoreAll panicked, want a remap or an error: %s", w, p)
					}
					// Merging the old State into one of the new rule set under the new rule set
					// (Scorer.Merge) keeps the new one's accumulators, and never trusts the old
					// one's by position. (State.Merge picks the layout of the part with the later
					// clock; the other direction below only has to stay safe.)
					m := own.Clone()
					if p := regressCatch(func() { err = sTo.Merge(m, src.st) }); p != "" {
						t.Fatalf("%s: new.Merge(old) panicked, want a remap or an error: %s", w, p)
					}
					if err == nil {
						got := regressEventContributions(regressScore(t, sTo, lead, m, later), fresh)
						want := regressEventContributions(ownScore, fresh)
						if fmt.Sprint(got) != fmt.Sprint(want) {
							t.Fatalf("%s: after new.Merge(old) the new rules' contributions are %v, want %v (the old State's accumulators are not theirs)", w, got, want)
						}
					}
					m = src.st.Clone()
					if p := regressCatch(func() { err = m.Merge(own) }); p != "" {
						t.Fatalf("%s: old.Merge(new) panicked, want a remap or an error: %s", w, p)
					}
					if err == nil {
						if p := regressCatch(func() { r, err = sTo.Score(lead, m, later) }); p != "" {
							t.Fatalf("%s: Score of old.Merge(new) panicked: %s", w, p)
						}
					}
				}
			}
		})
	}
}

// regressChildEnv makes the test binary, run again, do the work of a test that may crash it.
const regressChildEnv = "LEADSCORE_REGRESS_CHILD"

// Promise ("Bad input never panics"; Rule-set evolution): ScoreAll over States written under a
// colliding rule set remaps or refuses them. It scores on worker goroutines, where a panic
// kills the process, so the test runs in a child process and fails if the child crashes.
func TestRegressRuleSetUpdateScoreAllWorkers(t *testing.T) {
	if os.Getenv(regressChildEnv) == t.Name() {
		rng := rand.New(rand.NewPCG(9, 9))
		later := regressT0.Add(2 * regressDay)
		for _, c := range regressCollisions(rng) {
			old, _ := regressCollidingState(t, c)
			if old == nil {
				continue
			}
			sB := regressCompile(t, c.b)
			states := slices.Repeat([]*leadscore.State{old}, 1024)
			seq, err := sB.ScoreAll(func(yield func(leadscore.Lead, *leadscore.State) bool) {
				for _, st := range states {
					if !yield(leadscore.Lead{}, st) {
						return
					}
				}
			}, later, 4)
			if err != nil {
				continue // refused: acceptable
			}
			for range seq {
			}
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), regressChildEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		text := string(out)
		if len(text) > 3000 {
			text = text[:3000] + "\n…"
		}
		t.Fatalf("ScoreAll with 4 workers over States from a colliding rule set crashed the process (%v), want a remap or an error:\n%s", err, text)
	}
}

// ---------------------------------------------------------------------------------------------
// Defect 9: smaller ones.

// Promise (Default journey; Result.Handoff): "a disqualified lead is never a hand-off". A
// disqualify rule that fails at run time cannot tell, so it fails closed: the lead is
// Disqualified, never a hand-off nor moved to convert, and the failure is in Result.Errors.
// Property over when expressions that type-check and fail at run time.
func TestRegressDisqualifyFailsClosed(t *testing.T) {
	whens := []string{
		`lead.Traits.competitor > 0`,
		`lead.Traits.list[5] == 1`,
		`[1, 2, 3][lead.Age + 5] == 1`,
		`lead.Company.Employees % lead.Age == 0`,
		`len(lead.Traits.s) > 0`,
		`int(lead.Traits.n) > 0`,
	}
	lead := regressHotLead()
	for i, when := range whens {
		t.Run(when, func(t *testing.T) {
			id := fmt.Sprintf("dq-%d", i)
			cfg := leadscore.DefaultB2B()
			cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: id, Dimension: leadscore.Fit, When: when, Disqualify: true, Reason: "competitor trait"})
			s := regressCompile(t, cfg)
			check := func(call string, r leadscore.Result) {
				t.Helper()
				failed := slices.ContainsFunc(r.Errors, func(e *leadscore.RuleError) bool { return e.RuleID == id && e.Field == "when" })
				toConvert := slices.ContainsFunc(r.Transitions, func(x leadscore.Transition) bool { return x.To == leadscore.StageConvert })
				if !r.Disqualified || r.Handoff || toConvert || !failed {
					t.Fatalf("disqualify rule when %q fails at run time; %s: disqualified %v handoff %v moved to convert %v rule error reported %v — want disqualified, no hand-off, not in convert, the error in Result.Errors",
						when, call, r.Disqualified, r.Handoff, toConvert, failed)
				}
			}
			var st leadscore.State
			check("Observe(demo_request)", regressObserve(t, s, lead, &st, leadscore.Event{Type: leadscore.EventDemoRequest, Time: regressT0}))
			if st.Stage() == leadscore.StageConvert {
				t.Fatalf("disqualify rule when %q fails at run time: the lead was moved to convert", when)
			}
			check("Score", regressScore(t, s, lead, &st, regressT0.Add(time.Hour)))
			check("Advance", regressAdvance(t, s, lead, &st, regressT0.Add(2*time.Hour)))
			seq, err := s.ScoreAll(func(yield func(leadscore.Lead, *leadscore.State) bool) { yield(lead, &st) }, regressT0.Add(time.Hour), 1)
			if err != nil {
				t.Fatalf("ScoreAll: %v", err)
			}
			for _, r := range seq {
				check("ScoreAll", *r)
			}
		})
	}
}

// Promise (Funnel: "States last changed by another rule set are read as they are (their stage
// names are matched to this journey's)"): the stages a lead entered are counted by name.
// Property: random leads under journey A = [a x y z]; the Funnel under B = [a z y x] (same
// stages, reordered) must count Entered and Current per stage name as the Funnel under A does.
func TestRegressFunnelRemapsEnteredByName(t *testing.T) {
	stages := func(names ...leadscore.Stage) []leadscore.StageConfig {
		var out []leadscore.StageConfig
		for _, n := range names {
			out = append(out, leadscore.StageConfig{Name: n, Owner: "marketing"})
		}
		return out
	}
	tr := func(from, to leadscore.Stage, on string) leadscore.TransitionConfig {
		return leadscore.TransitionConfig{From: from, To: to, On: []string{on}}
	}
	a := leadscore.Config{Journey: leadscore.Journey{
		Stages: stages("a", "x", "y", "z"),
		Transitions: []leadscore.TransitionConfig{
			tr("a", "x", leadscore.EventFormSubmit), tr("a", "y", leadscore.EventDemoRequest), tr("x", "a", leadscore.EventChurn),
			tr("x", "y", leadscore.EventCall), tr("y", "z", leadscore.EventPurchase), tr("y", "a", leadscore.EventChurn),
			tr("z", "a", leadscore.EventChurn),
		},
	}}
	b := leadscore.Config{Journey: leadscore.Journey{
		Stages: stages("a", "z", "y", "x"),
		Transitions: []leadscore.TransitionConfig{
			tr("a", "z", leadscore.EventFormSubmit), tr("z", "y", leadscore.EventCall), tr("y", "x", leadscore.EventPurchase),
			tr("x", "a", leadscore.EventChurn),
		},
	}}
	sA, sB := regressCompile(t, a), regressCompile(t, b)
	types := []string{leadscore.EventFormSubmit, leadscore.EventDemoRequest, leadscore.EventChurn, leadscore.EventCall, leadscore.EventPurchase, leadscore.EventPageView}
	rng := rand.New(rand.NewPCG(10, 10))
	// The shape first: a lead that went a → x → a entered x, not z.
	leads := [][]string{{leadscore.EventFormSubmit, leadscore.EventChurn}, {leadscore.EventDemoRequest}}
	for range 40 {
		var evs []string
		for range 1 + rng.IntN(6) {
			evs = append(evs, types[rng.IntN(len(types))])
		}
		leads = append(leads, evs)
	}
	var states []*leadscore.State
	for _, evs := range leads {
		st := new(leadscore.State)
		for i, typ := range evs {
			regressObserve(t, sA, leadscore.Lead{}, st, leadscore.Event{Type: typ, Time: regressT0.Add(time.Duration(i) * time.Hour)})
		}
		states = append(states, st)
	}
	now := regressT0.Add(regressDay)
	for n := 1; n <= len(states); n++ {
		fa := report.FunnelOf(sA, slices.Values(states[:n]), now)
		fb := report.FunnelOf(sB, slices.Values(states[:n]), now)
		for _, rowB := range fb.Stages {
			for _, rowA := range fa.Stages {
				if rowA.Stage == rowB.Stage && (rowA.Entered != rowB.Entered || rowA.Current != rowB.Current) {
					t.Fatalf("the first %d leads (last %v), stage %q: under journey B entered %d current %d, under A (where they were written) entered %d current %d; want the same, matched by stage name",
						n, leads[n-1], rowB.Stage, rowB.Entered, rowB.Current, rowA.Entered, rowA.Current)
				}
			}
		}
	}
}

// regressAliasConfig is DefaultB2B with a custom journey, fresh on every call.
func regressAliasConfig() leadscore.Config {
	cfg := leadscore.DefaultB2B()
	cfg.Lists["targets"] = []string{"bigco.example"}
	j := leadscore.DefaultJourney()
	j.Stages[3].SLA = leadscore.Duration(2 * regressDay)
	for i := range j.Transitions { // owned by this Config: DefaultJourney may share them
		j.Transitions[i].On = slices.Clone(j.Transitions[i].On)
	}
	cfg.Journey = j
	return cfg
}

// regressMutate changes everything reachable through cfg's maps, slices and pointers.
func regressMutate(cfg leadscore.Config) {
	cfg.Rules[0].Points, cfg.Rules[0].When = 999, "true"
	cfg.Events[0].On[0], cfg.Events[0].Points = leadscore.EventEmailOpen, 999
	cfg.Lists["targets"][0] = "other.example"
	cfg.Lists["competitors"] = []string{"bigco.example"}
	cfg.Dimensions[leadscore.Fit] = leadscore.DimensionConfig{Weight: leadscore.Float(100)}
	*cfg.Dimensions[leadscore.Engagement].Max = 1
	*cfg.Tiers[0].Min = 1
	cfg.Tiers[0].When = "true"
	cfg.Pages["pricing"][0] = "/nothing"
	cfg.Personas[0].When = "true"
	cfg.Journey.Stages[3].SLA = 1
	cfg.Journey.Stages[1].Owner = "nobody"
	cfg.Journey.Transitions[0].On[0] = leadscore.EventEmailOpen
}

// regressJSONDiff shows where the JSON of got first differs from want's.
func regressJSONDiff(got, want any) string {
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	from := max(0, i-60)
	return fmt.Sprintf("got …%s…, want …%s…", g[from:min(len(g), i+60)], w[from:min(len(w), i+60)])
}

// regressAliasScenario is what a lead scores through a few events, for comparing Scorers.
func regressAliasScenario(t testing.TB, s regressScorer) string {
	t.Helper()
	var st leadscore.State
	var b strings.Builder
	for i, ev := range []leadscore.Event{
		{Type: leadscore.EventPageView, Path: "/pricing"}, {Type: leadscore.EventFormSubmit}, {Type: leadscore.EventDemoRequest},
	} {
		ev.Time = regressT0.Add(time.Duration(i) * time.Hour)
		b.WriteString(regressKey(regressObserve(t, s, regressHotLead(), &st, ev)))
	}
	b.WriteString(regressKey(regressAdvance(t, s, regressHotLead(), &st, regressT0.Add(5*regressDay))))
	return b.String()
}

// Promise (Contract: "A compiled Scorer is immutable"): Config() and Journey() return values
// the caller owns; mutating what they return (or the Config given to Compile) changes neither
// what they return next nor how the Scorer scores.
func TestRegressScorerConfigAliased(t *testing.T) {
	t.Run("Config and Journey results", func(t *testing.T) {
		s := regressCompile(t, regressAliasConfig())
		before := regressAliasScenario(t, s)
		regressMutate(s.Config())
		j := s.Journey()
		j.Stages[0].Name, j.Stages[2].SLA = "zzz", 1
		j.Transitions[1].On = append(j.Transitions[1].On, "x")
		if len(j.Transitions[0].On) > 0 {
			j.Transitions[0].On[0] = leadscore.EventEmailOpen
		}
		if got, want := s.Config(), regressAliasConfig(); !reflect.DeepEqual(got, want) {
			t.Fatalf("after mutating what Config() returned, Config() changed, want it unchanged: %s", regressJSONDiff(got, want))
		}
		if got, want := s.Journey(), regressAliasConfig().Journey; !reflect.DeepEqual(got, want) {
			t.Fatalf("after mutating what Journey() returned, Journey() changed, want it unchanged: %s", regressJSONDiff(got, want))
		}
		if after := regressAliasScenario(t, s); after != before {
			t.Fatalf("mutating what Config() returned changed scoring:\nbefore\n%s\nafter\n%s", before, after)
		}
	})
	t.Run("DefaultJourney and the default Journey()", func(t *testing.T) {
		want := leadscore.DefaultJourney().Transitions[0].On[0]
		s := regressCompile(t, leadscore.Config{})
		got := s.Journey().Transitions[0].On
		first := leadscore.DefaultJourney().Transitions[0].On
		defer func() { got[0], first[0] = want, want }() // if they were shared, undo it for the other tests
		got[0], first[0] = "mutated", "mutated"
		if now := leadscore.DefaultJourney().Transitions[0].On[0]; now != want {
			t.Fatalf("after mutating the On of what DefaultJourney() and Journey() returned, DefaultJourney() starts with %q, want %q: they share the library's slice", now, want)
		}
		if now := s.Journey().Transitions[0].On[0]; now != want {
			t.Fatalf("after mutating what Journey() returned, Journey() starts with %q, want %q", now, want)
		}
	})
	t.Run("the Config given to Compile", func(t *testing.T) {
		in := regressAliasConfig()
		s := regressCompile(t, in)
		before := regressAliasScenario(t, s)
		regressMutate(in)
		if got, want := s.Config(), regressAliasConfig(); !reflect.DeepEqual(got, want) {
			t.Fatalf("after mutating the Config given to Compile, Config() changed, want it unchanged: %s", regressJSONDiff(got, want))
		}
		if after := regressAliasScenario(t, s); after != before {
			t.Fatalf("mutating the Config given to Compile changed scoring:\nbefore\n%s\nafter\n%s", before, after)
		}
	})
}

// Promise (Accumulate; "nothing already in a State is lost by a failed call"; exactly once): if
// Accumulate returns an error, nothing was applied, so a retry cannot count the event twice;
// without an error the event was taken once. Property over event rules whose when fails at run
// time, with and without event IDs, beside rules that match.
func TestRegressAccumulateErrorAfterApplying(t *testing.T) {
	whens := []string{`event.Properties.sku > 3`, `event.Properties.tags[2] == "x"`, `len(event.Properties.s) > 0`, `lead.Company.Employees % lead.Age == 0`}
	for i, when := range whens {
		t.Run(when, func(t *testing.T) {
			cfg := leadscore.DefaultB2B()
			cfg.Events = append(cfg.Events, leadscore.EventRule{ID: fmt.Sprintf("failing-%d", i), On: []string{leadscore.EventEmailOpen}, When: when, Points: 1})
			s := regressCompile(t, cfg)
			for _, id := range []string{"", "open-1"} {
				var st leadscore.State
				regressObserve(t, s, regressHotLead(), &st, leadscore.Event{Type: leadscore.EventPageView, Path: "/pricing", Time: regressT0})
				ev := leadscore.Event{ID: id, Type: leadscore.EventEmailOpen, Time: regressT0.Add(time.Hour)}
				before, _ := st.MarshalBinary()
				events := st.Events()
				ok, err := s.Accumulate(regressHotLead(), &st, ev)
				after, _ := st.MarshalBinary()
				switch {
				case err != nil && (ok || string(after) != string(before)):
					t.Fatalf("rule when %q fails at run time, event ID %q: Accumulate returned (%v, %v) and the State changed (events %d → %d); want: an error means nothing was applied",
						when, id, ok, err, events, st.Events())
				case err == nil && ok && st.Events() != events+1:
					t.Fatalf("rule when %q, event ID %q: Accumulate returned (true, nil) but events went %d → %d, want +1", when, id, events, st.Events())
				case err == nil && !ok && string(after) != string(before):
					t.Fatalf("rule when %q, event ID %q: Accumulate returned (false, nil) but changed the State", when, id)
				}
			}
		})
	}
}

// Promise (Default journey: "Each stage may set an SLA; a lead past it is reported as stalled";
// DOMAIN.md: sales promises to follow up each MQL within a set time): a sales_touch within the
// SLA is the follow-up, so the lead is not stalled later — no TransitionSLA, Result.Stalled
// false, not counted stalled in the Funnel. Property over touch and Advance times; a lead
// without the touch stalls (the control).
func TestRegressSLAStallAfterSalesTouch(t *testing.T) {
	j := leadscore.DefaultJourney()
	for i := range j.Stages {
		if j.Stages[i].Name == leadscore.StageConvert {
			j.Stages[i].SLA = leadscore.Duration(2 * regressDay)
		}
	}
	cfg := leadscore.DefaultB2B()
	cfg.Journey = j
	s := regressCompile(t, cfg)
	lead := regressHotLead()
	enter := func() *leadscore.State {
		st := new(leadscore.State)
		regressObserve(t, s, lead, st, leadscore.Event{Type: leadscore.EventDemoRequest, Time: regressT0})
		if st.Stage() != leadscore.StageConvert {
			t.Fatalf("setup: a demo request should move the lead to convert, got %q", st.Stage())
		}
		return st
	}
	for _, at := range []time.Duration{49 * time.Hour, 72 * time.Hour, 30 * regressDay} {
		control := enter()
		if r := regressAdvance(t, s, lead, control, regressT0.Add(at)); !r.Stalled || len(regressTransitions(r, leadscore.TransitionSLA)) != 1 {
			t.Fatalf("control: no sales touch, Advance at +%v: stalled %v, want one SLA transition (the setup is wrong)", at, r.Stalled)
		}
		for _, touch := range []time.Duration{time.Minute, time.Hour, 47 * time.Hour} {
			st := enter()
			regressObserve(t, s, lead, st, leadscore.Event{Type: leadscore.EventSalesTouch, Time: regressT0.Add(touch)})
			r := regressAdvance(t, s, lead, st, regressT0.Add(at))
			sla := regressTransitions(r, leadscore.TransitionSLA)
			score := regressScore(t, s, lead, st, regressT0.Add(at))
			f := report.FunnelOf(s, slices.Values([]*leadscore.State{st}), regressT0.Add(at))
			stalled := 0
			for _, row := range f.Stages {
				stalled += row.Stalled
			}
			if len(sla) > 0 || r.Stalled || score.Stalled || stalled > 0 {
				t.Fatalf("convert SLA 2d, sales_touch at +%v, Advance at +%v: %d SLA transitions, Advance stalled %v, Score stalled %v, Funnel stalled %d; want none: the touch met the SLA",
					touch, at, len(sla), r.Stalled, score.Stalled, stalled)
			}
		}
	}
}

func regressTransitions(r leadscore.Result, kind leadscore.TransitionKind) []leadscore.Transition {
	var out []leadscore.Transition
	for _, x := range r.Transitions {
		if x.Kind == kind {
			out = append(out, x)
		}
	}
	return out
}
