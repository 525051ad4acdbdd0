package leadbeam

import (
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/leadscore/leadscore/beam/internal/gen"
)

// stream is the generated population of the equivalence tests: 20,000 events over 2,000
// leads by default (100,000 over 10,000 with the flags), in 30 days, and a horizon three days after the last event, so that leads decay
// out of their tiers after their last event too.
func stream(t testing.TB) (gen.Stream, time.Time) {
	t.Helper()
	st := gen.Generate(gen.Spec{Seed: 20250301, Leads: *flagLeads, Events: *flagEvents, Start: testStart, Span: 30 * 24 * time.Hour})
	return st, st.End.Add(3 * 24 * time.Hour)
}

// checkNotVacuous fails if the reference has nothing the test is about: hand-offs, and
// leads decaying out of a tier on a timer.
func checkNotVacuous(t *testing.T, want replayed) {
	t.Helper()
	handoffs, wakeups := 0, 0
	for _, ups := range want.updates {
		for _, u := range ups {
			if u.Cause == CauseWakeup {
				wakeups++
			}
			for _, tr := range u.Result.Transitions {
				if tr.Kind == "tier" && tr.ToTier == "hot" {
					handoffs++
				}
			}
		}
	}
	t.Logf("reference: %d leads, %d hand-offs, %d wakeups with transitions", len(want.updates), handoffs, wakeups)
	if handoffs == 0 || wakeups == 0 {
		t.Fatalf("the generated stream has %d hand-offs and %d timer-driven transitions: the test would prove nothing", handoffs, wakeups)
	}
}

// TestScoreMatchesReplay: the streaming pipeline, fed the events shuffled and with 5% of them
// delivered twice, emits exactly the Updates (every Result, every transition, every
// hand-off) that a single process replaying the events in time order makes.
func TestScoreMatchesReplay(t *testing.T) {
	st, horizon := stream(t)
	rules := ruleSet(t, false)
	want := replay(t, rules, st.Leads, st.Events, horizon)
	checkNotVacuous(t, want)

	input := gen.Shuffled(st.Events, 7, 0.05)
	p, s := beam.NewPipelineWithRoot()
	out := Score(s, Options{RuleSet: rules, Horizon: horizon}, Inputs{Events: createKeyed(s, input), Leads: createKeyed(s, gen.Shuffled(st.Leads, 8, 0))})
	passert.Equals(s, digestUpdates(s, out.Updates), strs(want.digests(t, false))...)
	passert.Empty(s, out.Failures)
	ptest.RunAndValidate(t, p)
}

// TestBackfillMatchesReplay: Backfill, fed the same shuffled and duplicated events, writes
// the final States a single-process replay ends with, byte for byte, and the same Updates
// followed by the Result at the horizon.
func TestBackfillMatchesReplay(t *testing.T) {
	st, horizon := stream(t)
	rules := ruleSet(t, false)
	want := replay(t, rules, st.Leads, st.Events, horizon)

	input := gen.Shuffled(st.Events, 9, 0.05)
	p, s := beam.NewPipelineWithRoot()
	out := Backfill(s, Options{RuleSet: rules, Horizon: horizon}, Inputs{Events: createKeyed(s, input), Leads: createKeyed(s, st.Leads)})
	var states []string
	size, largest := 0, 0
	for id, b := range want.states {
		states = append(states, stateLine(id, b))
		size, largest = size+len(b), max(largest, len(b))
	}
	t.Logf("final States: %d leads, %.0f bytes a lead on average, %d at most", len(states), float64(size)/float64(len(states)), largest)
	passert.Equals(s, digestStates(s, out.States), strs(states)...)
	passert.Equals(s, digestUpdates(s, out.Updates), strs(want.digests(t, true))...)
	passert.Empty(s, out.Failures)
	ptest.RunAndValidate(t, p)
}

// TestScoreMatchesReplayDailyWakeups is TestScoreMatchesReplay under the full DefaultB2B,
// whose clock-reading rules make NextWakeup come at least daily, on a tenth of the stream: a
// timer per lead per day is what makes it slower, not different.
func TestScoreMatchesReplayDailyWakeups(t *testing.T) {
	st := gen.Generate(gen.Spec{Seed: 99, Leads: max(*flagLeads/10, 10), Events: max(*flagEvents/10, 100), Start: testStart, Span: 20 * 24 * time.Hour})
	horizon := st.End.Add(2 * 24 * time.Hour)
	rules := ruleSet(t, true)
	want := replay(t, rules, st.Leads, st.Events, horizon)
	checkNotVacuous(t, want)

	p, s := beam.NewPipelineWithRoot()
	out := Score(s, Options{RuleSet: rules, Horizon: horizon}, Inputs{Events: createKeyed(s, gen.Shuffled(st.Events, 11, 0.05)), Leads: createKeyed(s, st.Leads)})
	passert.Equals(s, digestUpdates(s, out.Updates), strs(want.digests(t, false))...)
	passert.Empty(s, out.Failures)
	ptest.RunAndValidate(t, p)
}

func strs(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
