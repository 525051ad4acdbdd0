package leadscore_test

// Adversarial property test of "A State's lifetime" with the presets (DefaultB2B, DefaultB2C:
// their built-in signals, default journey, personas), optionally with stage SLAs, under dedup
// windows 64, 1 and 0. Seeded random histories interleave Observe, Accumulate, Advance, Score,
// NextWakeup probes, marshal round trips and merges of shards (also written under the other
// preset), and check after every call:
//
//	(1) Result.At and every Transition.At never before an earlier one;
//	(2) each tier/stage/signal/SLA edge starts where the previous one left (never reported twice);
//	(4) MarshalBinary's bytes decode, and the round trip changes no Result;
//	(5) Advance at any time before NextWakeup reports no transition;
//	(6) no NaN/Inf in a Result;
//	(7) Score does not modify the State and agrees with Advance at the same time.
//
// TestLifetimeAttackMerge checks (3): commutative, associative, idempotent, bounded, and
// a redelivery after a merge is recognised.
//
// Run longer: go test -run TestLifetimeAttack -attack.seqs=2000

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

var (
	attackSeqs       = flag.Int("attack.seqs", 48, "TestLifetimeAttack: random histories per configuration")
	attackSteps      = flag.Int("attack.steps", 120, "TestLifetimeAttack: calls per history")
	attackMixedAssoc = flag.Bool("attack.mixedassoc", false, "TestLifetimeAttackMerge: also check State.Merge's associativity for parts under different rule sets (fails by design: see TestLifetimeAttackMergeMixedUnderOneScorer)")
	attackSeed       = flag.Uint64("attack.seed", 0, "TestLifetimeAttack: run only this seed (all configurations)")
)

var (
	atT0  = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	atMin = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	atMax = time.Date(2199, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

type atConfig struct {
	name  string
	cfg   leadscore.Config
	dedup int
}

func atWithSLAs(cfg leadscore.Config) leadscore.Config {
	j := leadscore.DefaultJourney()
	for i := range j.Stages {
		j.Stages[i].SLA = leadscore.Duration(time.Duration(i+1) * 2 * 24 * time.Hour)
	}
	cfg.Journey = j
	return cfg
}

func atConfigs() []atConfig {
	var out []atConfig
	for _, dedup := range []int{64, 1, 0} {
		out = append(out,
			atConfig{fmt.Sprintf("b2b/dedup%d", dedup), leadscore.DefaultB2B(), dedup},
			atConfig{fmt.Sprintf("b2c/dedup%d", dedup), leadscore.DefaultB2C(), dedup},
			atConfig{fmt.Sprintf("b2b-sla/dedup%d", dedup), atWithSLAs(leadscore.DefaultB2B()), dedup},
			atConfig{fmt.Sprintf("b2c-sla/dedup%d", dedup), atWithSLAs(leadscore.DefaultB2C()), dedup},
		)
	}
	return out
}

var atLeads = []leadscore.Lead{
	{Title: "VP of Sales", Email: "ann@acme.com", Phone: "1", Company: leadscore.Company{Employees: 5000, Revenue: 5e7}, BANT: leadscore.BANT{Budget: true, Authority: true, Need: true, Timing: true}},
	{Title: "Marketing Manager", Email: "bob@gmail.com", Company: leadscore.Company{Employees: 200}},
	{Title: "Student", Email: "carl@uni.edu"},
	{Age: 34, Income: 90000, Children: 2, Purchases: 2, AvgOrderValue: 250, Followers: 2000},
	{Age: 16},
}

var atTypes = []string{
	leadscore.EventPageView, leadscore.EventPageView, leadscore.EventPageView, leadscore.EventEmailOpen,
	leadscore.EventEmailClick, leadscore.EventFormSubmit, leadscore.EventSignup, leadscore.EventIdentify,
	leadscore.EventCall, leadscore.EventDemoRequest, leadscore.EventQuestion, leadscore.EventEmailReply,
	leadscore.EventWebinarAttended, leadscore.EventContentDownload, leadscore.EventCartAdd, leadscore.EventCartAdd,
	leadscore.EventCheckoutStart, leadscore.EventPurchase, leadscore.EventOpportunityLost, leadscore.EventNoDecision,
	leadscore.EventChurn, leadscore.EventSalesTouch, leadscore.EventEmailUnsubscribe, leadscore.EventEmailBounce,
	leadscore.EventSocialFollow, leadscore.EventSocialShare, leadscore.EventReferral, leadscore.EventEventAttended,
}

var atPaths = []string{"/pricing", "/product/x", "/careers", "/blog/a", "/cart", "/sale", "/", "/jobs"}

// atTracker follows a State through the transitions it reports.
type atTracker struct {
	tier     string
	stage    leadscore.Stage
	signals  map[string]bool
	stalled  bool
	spent    bool // a hand-off into convert has been reported and the lead has not left the hand-off tiers
	lastAt   time.Time
	clock    time.Time // the clock before the call
	lastEval time.Time
}

func newAtTracker() *atTracker {
	return &atTracker{stage: leadscore.StageAttract, signals: map[string]bool{}}
}

// merge takes in what o tracks, as State.Merge does.
func (tr *atTracker) merge(o *atTracker, st *leadscore.State) {
	for k, v := range o.signals {
		if v {
			tr.signals[k] = true
		}
	}
	tr.spent = tr.spent || o.spent
	if o.lastAt.After(tr.lastAt) {
		tr.lastAt = o.lastAt
	}
	tr.tier, tr.stage = st.Tier(), st.Stage()
	// Stalled follows the stage entry the merge chose (maybe the other part's stay in the
	// same stage): unknown here, so the next SLA edge is allowed.
	tr.stalled = false
}

func atNonFinite(r leadscore.Result) string {
	for _, v := range []float64{r.Fit, r.Engagement, r.Relationship, r.Total} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Sprintf("non-finite score %v", v)
		}
	}
	for _, c := range r.Contributions {
		if math.IsNaN(c.Points) || math.IsInf(c.Points, 0) {
			return fmt.Sprintf("non-finite contribution %s %v", c.RuleID, c.Points)
		}
	}
	for _, s := range r.Signals {
		v := reflect.ValueOf(s)
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.Kind() == reflect.Float64 && (math.IsNaN(f.Float()) || math.IsInf(f.Float(), 0)) {
				return fmt.Sprintf("non-finite signal field %s.%s", s.Kind, v.Type().Field(i).Name)
			}
		}
	}
	return ""
}

// check checks one Observe/Advance Result against the tracker and moves the tracker on.
// want is the time the call asked for (event time or now); dup reports a recognised repeat.
func (tr *atTracker) check(what string, r leadscore.Result, want time.Time, st *leadscore.State) string {
	if msg := atNonFinite(r); msg != "" {
		return what + ": " + msg
	}
	exp := want
	if tr.clock.After(exp) {
		exp = tr.clock
	}
	if !r.At.Equal(exp) {
		return fmt.Sprintf("%s: Result.At %s, want max(asked %s, clock %s)", what, r.At.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano), tr.clock.Format(time.RFC3339Nano))
	}
	if r.At.Before(tr.lastAt) {
		return fmt.Sprintf("%s: Result.At %s before an earlier transition at %s", what, r.At.Format(time.RFC3339Nano), tr.lastAt.Format(time.RFC3339Nano))
	}
	if r.Duplicate && len(r.Transitions) > 0 {
		return fmt.Sprintf("%s: a duplicate reported transitions %+v", what, r.Transitions)
	}
	for _, x := range r.Transitions {
		key := string(x.Kind)
		switch x.Kind {
		case leadscore.TransitionSignal:
			key += ":" + x.Signal
		case leadscore.TransitionStage:
			key += ":" + x.Reason
		}
		atCoverage[key]++
		if x.At.Before(tr.lastAt) {
			return fmt.Sprintf("%s: transition %+v dated before an earlier one at %s", what, x, tr.lastAt.Format(time.RFC3339Nano))
		}
		tr.lastAt = x.At
		switch x.Kind {
		case leadscore.TransitionTier:
			if x.FromTier != tr.tier || x.ToTier == x.FromTier {
				return fmt.Sprintf("%s: tier transition %q→%q but the lead was in %q", what, x.FromTier, x.ToTier, tr.tier)
			}
			tr.tier = x.ToTier
		case leadscore.TransitionStage:
			if x.From != tr.stage {
				return fmt.Sprintf("%s: stage transition %s→%s but the lead was in %s", what, x.From, x.To, tr.stage)
			}
			if x.Reason == "reached a hand-off tier" {
				if tr.spent {
					return fmt.Sprintf("%s: hand-off reported again without leaving the hand-off tiers: %+v", what, x)
				}
				tr.spent = true
			}
			if x.To == leadscore.StageConvert {
				tr.spent = true
			}
			tr.stage, tr.stalled = x.To, false
		case leadscore.TransitionSignal:
			if x.Raised == tr.signals[x.Signal] {
				return fmt.Sprintf("%s: signal %s raised=%v twice in a row", what, x.Signal, x.Raised)
			}
			tr.signals[x.Signal] = x.Raised
		case leadscore.TransitionSLA:
			if tr.stalled {
				return fmt.Sprintf("%s: SLA of %s reported twice", what, x.From)
			}
			tr.stalled = true
		}
	}
	if !r.Duplicate {
		if !r.Handoff {
			tr.spent = false
		}
		if r.Tier != tr.tier {
			return fmt.Sprintf("%s: Result.Tier %q but transitions leave %q", what, r.Tier, tr.tier)
		}
		if r.Stage != tr.stage {
			return fmt.Sprintf("%s: Result.Stage %q but transitions leave %q", what, r.Stage, tr.stage)
		}
		for _, s := range r.Signals {
			if !tr.signals[s.Kind] {
				return fmt.Sprintf("%s: signal %s active but never raised", what, s.Kind)
			}
		}
		n := 0
		for _, v := range tr.signals {
			if v {
				n++
			}
		}
		if n != len(r.Signals) {
			return fmt.Sprintf("%s: %d signals active, transitions leave %d (%v)", what, len(r.Signals), n, tr.signals)
		}
		tr.lastEval = r.At
	}
	if st.Tier() != tr.tier || st.Stage() != tr.stage {
		return fmt.Sprintf("%s: State in %q/%s, transitions leave %q/%s", what, st.Tier(), st.Stage(), tr.tier, tr.stage)
	}
	if c := st.Clock(); c.Before(tr.clock) {
		return fmt.Sprintf("%s: clock went back %s → %s", what, tr.clock, c)
	}
	tr.clock = st.Clock()
	return ""
}

// atCoverage counts the transitions the histories reported, by kind (and signal or reason).
var atCoverage = map[string]int{}

type atRun struct {
	t      testing.TB
	s      *leadscore.Scorer[leadscore.Lead]
	other  *leadscore.Scorer[leadscore.Lead] // the other preset, for shards written under it
	rng    *rand.Rand
	lead   leadscore.Lead
	now    time.Time // the history's wall clock
	last   time.Time // the last event time
	ids    []string
	n      int
	log    []string
	failed string
}

func (r *atRun) event(prefix string) leadscore.Event {
	g := r.rng
	ev := leadscore.Event{Type: atTypes[g.IntN(len(atTypes))]}
	if ev.Type == leadscore.EventPageView {
		ev.Path = atPaths[g.IntN(len(atPaths))]
	}
	if ev.Type == leadscore.EventCartAdd || ev.Type == leadscore.EventCheckoutStart || ev.Type == leadscore.EventPurchase {
		ev.Value = float64(g.IntN(4) * 60)
	}
	switch k := g.IntN(100); {
	case k < 55: // on time
		r.now = r.now.Add(time.Duration(g.Int64N(int64(36 * time.Hour))))
		ev.Time = r.now
	case k < 75: // late
		ev.Time = r.now.Add(-time.Duration(g.Int64N(int64(40 * 24 * time.Hour))))
	case k < 88: // the same nanosecond as the last event
		ev.Time = r.last
	case k < 94:
		ev.Time = r.now.Add(-time.Duration(g.IntN(3)))
	case k < 97:
		ev.Time = atMin.Add(time.Duration(g.IntN(2)))
	default:
		ev.Time = atMax.Add(-time.Duration(g.IntN(2)))
	}
	if ev.Time.IsZero() {
		ev.Time = r.now
	}
	if ev.Time.Before(atMin) {
		ev.Time = atMin
	}
	r.last = ev.Time
	switch k := g.IntN(10); {
	case k < 6:
		r.n++
		ev.ID = fmt.Sprintf("%s%d", prefix, r.n)
		r.ids = append(r.ids, ev.ID)
	case k < 9 && len(r.ids) > 0: // a redelivery, or the same ID at another time
		ev.ID = r.ids[g.IntN(len(r.ids))]
	}
	return ev
}

func (r *atRun) logf(format string, args ...any) {
	r.log = append(r.log, fmt.Sprintf(format, args...))
}

func (r *atRun) fail(format string, args ...any) {
	if r.failed == "" {
		r.failed = fmt.Sprintf(format, args...)
	}
}

func atEv(ev leadscore.Event) string {
	return fmt.Sprintf("{ID:%q Type:%q Time:%s Path:%q Value:%v}", ev.ID, ev.Type, ev.Time.Format(time.RFC3339Nano), ev.Path, ev.Value)
}

// scoreKey is what must agree between two Results evaluated at the same time.
func atKey(r leadscore.Result) string {
	sig := make([]string, len(r.Signals))
	for i, s := range r.Signals {
		sig[i] = s.Kind
	}
	slices.Sort(sig)
	return fmt.Sprintf("fit=%.9g eng=%.9g rel=%.9g total=%.9g tier=%s handoff=%v stage=%s stalled=%v persona=%s at=%s sig=%v",
		r.Fit, r.Engagement, r.Relationship, r.Total, r.Tier, r.Handoff, r.Stage, r.Stalled, r.Persona,
		r.At.Format(time.RFC3339Nano), sig)
}

func (r *atRun) observe(st *leadscore.State, tr *atTracker, ev leadscore.Event, what string) {
	res, err := r.s.Observe(r.lead, st, ev)
	if err != nil {
		r.fail("%s Observe(%s): %v", what, atEv(ev), err)
		return
	}
	r.logf("%s Observe(%s) → at %s tier %s stage %s dup=%v transitions %+v", what, atEv(ev), res.At.Format(time.RFC3339Nano), res.Tier, res.Stage, res.Duplicate, res.Transitions)
	if msg := tr.check(what+" Observe "+atEv(ev), res, ev.Time, st); msg != "" {
		r.fail("%s", msg)
	}
}

func (r *atRun) step(st **leadscore.State, tr *atTracker) {
	g := r.rng
	switch op := g.IntN(100); {
	case op < 40:
		r.observe(*st, tr, r.event("e"), "")
	case op < 55:
		ev := r.event("e")
		took, err := r.s.Accumulate(r.lead, *st, ev)
		r.logf("Accumulate(%s) → %v %v", atEv(ev), took, err)
		if err != nil {
			r.fail("Accumulate(%s): %v", atEv(ev), err)
			return
		}
		if took {
			if c := (*st).Clock(); c.Before(tr.clock) {
				r.fail("Accumulate moved the clock back")
			}
			tr.clock = (*st).Clock()
		} else {
			r.observe(*st, tr, ev, "(not accumulated)")
		}
	case op < 72:
		var now time.Time
		switch k := g.IntN(6); k {
		case 0:
			now = (*st).Clock().Add(-time.Duration(g.Int64N(int64(30 * 24 * time.Hour)))) // early
		case 1:
			now = (*st).Clock()
		default:
			r.now = r.now.Add(time.Duration(g.Int64N(int64(10 * 24 * time.Hour))))
			now = r.now
		}
		if now.Before(atMin) || now.IsZero() {
			now = r.now
		}
		// (7) Score first: it must not modify the State and must agree with Advance.
		before, err := (*st).MarshalBinary()
		if err != nil {
			r.fail("MarshalBinary: %v", err)
			return
		}
		sc, err := r.s.Score(r.lead, *st, now)
		if err != nil {
			r.fail("Score(%s): %v", now, err)
			return
		}
		after, _ := (*st).MarshalBinary()
		if string(before) != string(after) {
			r.fail("Score(%s) modified the State", now.Format(time.RFC3339Nano))
		}
		if msg := atNonFinite(sc); msg != "" {
			r.fail("Score: %s", msg)
		}
		res, err := r.s.Advance(r.lead, *st, now)
		if err != nil {
			r.fail("Advance(%s): %v", now, err)
			return
		}
		r.logf("Advance(%s) → at %s tier %s stage %s transitions %+v", now.Format(time.RFC3339Nano), res.At.Format(time.RFC3339Nano), res.Tier, res.Stage, res.Transitions)
		// Only a stage move (a pending guard-only transition) may make Advance differ from Score.
		moved := slices.ContainsFunc(res.Transitions, func(x leadscore.Transition) bool { return x.Kind == leadscore.TransitionStage })
		if !moved {
			if a, b := atKey(sc), atKey(res); a != b {
				r.fail("Score(%s) and Advance at the same time differ:\nscore   %s\nadvance %s", now.Format(time.RFC3339Nano), a, b)
			}
		}
		if msg := tr.check("Advance "+now.Format(time.RFC3339Nano), res, now, *st); msg != "" {
			r.fail("%s", msg)
		}
	case op < 82: // (5) NextWakeup is never late
		w, ok := r.s.NextWakeup(*st)
		clock := (*st).Clock()
		if clock.IsZero() {
			return
		}
		if !ok {
			w = clock.Add(400 * 24 * time.Hour)
			if w.After(atMax) {
				w = atMax
			}
		}
		if !w.After(clock) {
			return
		}
		// The last evaluation may be at the clock: probe strictly after it.
		span := w.Sub(clock)
		if span < 2 {
			return
		}
		probes := []time.Time{clock.Add(1), w.Add(-1), clock.Add(1 + time.Duration(g.Int64N(int64(span-1))))}
		for _, p := range probes {
			c := (*st).Clone()
			res, err := r.s.Advance(r.lead, c, p)
			if err != nil {
				r.fail("probe Advance(%s): %v", p, err)
				return
			}
			if len(res.Transitions) > 0 {
				r.fail("NextWakeup late: NextWakeup %s (ok=%v), clock %s, Advance(%s) reports %+v",
					w.Format(time.RFC3339Nano), ok, clock.Format(time.RFC3339Nano), p.Format(time.RFC3339Nano), res.Transitions)
				return
			}
		}
	case op < 92: // (4) a round trip through bytes
		b, err := (*st).MarshalBinary()
		if err != nil {
			r.fail("MarshalBinary: %v", err)
			return
		}
		var d leadscore.State
		if err := d.UnmarshalBinary(b); err != nil {
			r.fail("UnmarshalBinary rejects MarshalBinary's bytes: %v", err)
			return
		}
		now := (*st).Clock().Add(time.Duration(g.Int64N(int64(5 * 24 * time.Hour))))
		x, _ := r.s.Score(r.lead, *st, now)
		y, _ := r.s.Score(r.lead, &d, now)
		if atKey(x) != atKey(y) {
			r.fail("round trip changed the Result:\nbefore %s\nafter  %s", atKey(x), atKey(y))
		}
		wx, okx := r.s.NextWakeup(*st)
		wy, oky := r.s.NextWakeup(&d)
		if !wx.Equal(wy) || okx != oky {
			r.fail("round trip changed NextWakeup %s/%v → %s/%v", wx, okx, wy, oky)
		}
		r.logf("round trip")
		*st = &d
	default: // a shard with other events, under this rule set or the other preset, merged in
		shard := &leadscore.State{}
		str := newAtTracker()
		sc := r.s
		if g.IntN(3) == 0 {
			sc = r.other
		}
		saved := r.s
		r.s = sc
		k := 1 + g.IntN(4)
		for range k {
			r.observe(shard, str, r.event("shard"), "shard")
		}
		r.s = saved
		how := "State.Merge"
		var err error
		if g.IntN(2) == 0 {
			err = (*st).Merge(shard)
		} else {
			how = "Scorer.Merge"
			err = r.s.Merge(*st, shard)
		}
		r.logf("%s (shard under %s)", how, sc.Config().Name)
		if err != nil {
			r.fail("%s: %v", how, err)
			return
		}
		tr.merge(str, *st)
		if c := (*st).Clock(); c.Before(tr.clock) {
			r.fail("merge moved the clock back")
		}
		tr.clock = (*st).Clock()
		if _, err := (*st).MarshalBinary(); err != nil {
			r.fail("MarshalBinary after %s: %v", how, err)
		}
	}
}

func atScorers(t testing.TB, c atConfig) (*leadscore.Scorer[leadscore.Lead], *leadscore.Scorer[leadscore.Lead]) {
	s, err := leadscore.Compile[leadscore.Lead](c.cfg, leadscore.WithDedupWindow(c.dedup))
	if err != nil {
		t.Fatal(err)
	}
	other := leadscore.DefaultB2C()
	if strings.HasPrefix(c.name, "b2c") {
		other = leadscore.DefaultB2B()
	}
	o, err := leadscore.Compile[leadscore.Lead](other, leadscore.WithDedupWindow(c.dedup))
	if err != nil {
		t.Fatal(err)
	}
	return s, o
}

func atHistory(t testing.TB, c atConfig, s, o *leadscore.Scorer[leadscore.Lead], seed uint64, steps int) *atRun {
	rng := rand.New(rand.NewPCG(seed, 0xa77ac))
	r := &atRun{t: t, s: s, other: o, rng: rng, lead: atLeads[rng.IntN(len(atLeads))], now: atT0, last: atT0}
	st := &leadscore.State{}
	tr := newAtTracker()
	for i := 0; i < steps && r.failed == ""; i++ {
		r.step(&st, tr)
	}
	return r
}

func TestLifetimeAttack(t *testing.T) {
	total := 0
	for _, c := range atConfigs() {
		t.Run(c.name, func(t *testing.T) {
			s, o := atScorers(t, c)
			seeds := make([]uint64, 0, *attackSeqs)
			if *attackSeed != 0 {
				seeds = append(seeds, *attackSeed)
			} else {
				for i := range *attackSeqs {
					seeds = append(seeds, uint64(i+1))
				}
			}
			for _, seed := range seeds {
				r := atHistory(t, c, s, o, seed, *attackSteps)
				total += *attackSteps
				if r.failed != "" {
					// Shrink: the shortest prefix of the same history that fails.
					n := len(r.log)
					for steps := 1; steps <= *attackSteps; steps++ {
						if q := atHistory(t, c, s, o, seed, steps); q.failed != "" {
							r, n = q, steps
							break
						}
					}
					tail := r.log
					if len(tail) > 40 {
						tail = tail[len(tail)-40:]
					}
					t.Errorf("seed %d (fails at step %d), lead %+v:\n%s\nlast calls:\n  %s", seed, n, r.lead, r.failed, strings.Join(tail, "\n  "))
					return
				}
			}
		})
	}
	t.Logf("%d steps; transitions seen: %v", total, atCoverage)
}

// ---- (3) Merge -----------------------------------------------------------------------

func atPart(t testing.TB, s *leadscore.Scorer[leadscore.Lead], lead leadscore.Lead, rng *rand.Rand, prefix string, n int, ids *[]string, evs *[]leadscore.Event) *leadscore.State {
	st := &leadscore.State{}
	now := atT0.Add(time.Duration(rng.Int64N(int64(20 * 24 * time.Hour))))
	for i := range n {
		ev := leadscore.Event{ID: fmt.Sprintf("%s-%d", prefix, i), Type: atTypes[rng.IntN(len(atTypes))], Time: now.Add(-time.Duration(rng.Int64N(int64(15 * 24 * time.Hour))))}
		if rng.IntN(4) == 0 {
			ev.Time = now
		}
		if ev.Type == leadscore.EventPageView {
			ev.Path = atPaths[rng.IntN(len(atPaths))]
		}
		if ev.Type == leadscore.EventCartAdd || ev.Type == leadscore.EventPurchase {
			ev.Value = float64(rng.IntN(3) * 70)
		}
		var err error
		if rng.IntN(3) == 0 {
			var took bool
			took, err = s.Accumulate(lead, st, ev)
			if err == nil && !took {
				_, err = s.Observe(lead, st, ev)
			}
		} else {
			_, err = s.Observe(lead, st, ev)
		}
		if err != nil {
			t.Fatal(err)
		}
		*ids = append(*ids, ev.ID)
		*evs = append(*evs, ev)
		if rng.IntN(5) == 0 {
			if _, err := s.Advance(lead, st, now.Add(time.Duration(rng.Int64N(int64(3*24*time.Hour))))); err != nil {
				t.Fatal(err)
			}
		}
	}
	return st
}

func atBytes(t testing.TB, st *leadscore.State) string {
	b, err := st.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	var d leadscore.State
	if err := d.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary rejects MarshalBinary's bytes: %v", err)
	}
	return string(b)
}

func TestLifetimeAttackMerge(t *testing.T) {
	trials := 60
	for _, dedup := range []int{64, 1, 0} {
		b2b, err := leadscore.Compile[leadscore.Lead](leadscore.DefaultB2B(), leadscore.WithDedupWindow(dedup))
		if err != nil {
			t.Fatal(err)
		}
		b2c, err := leadscore.Compile[leadscore.Lead](leadscore.DefaultB2C(), leadscore.WithDedupWindow(dedup))
		if err != nil {
			t.Fatal(err)
		}
		scorers := []*leadscore.Scorer[leadscore.Lead]{b2b, b2c}
		for trial := range trials {
			rng := rand.New(rand.NewPCG(uint64(trial), uint64(dedup)))
			lead := atLeads[rng.IntN(len(atLeads))]
			var parts [3]*leadscore.State
			var ids [3][]string
			var evs [3][]leadscore.Event
			under := [3]int{}
			for i := range parts {
				under[i] = rng.IntN(2)
				if trial%2 == 0 {
					under[i] = trial / 2 % 2 // same rule set for all parts in half the trials
				}
				parts[i] = atPart(t, scorers[under[i]], lead, rng, fmt.Sprintf("p%d", i), 1+rng.IntN(12), &ids[i], &evs[i])
			}
			where := fmt.Sprintf("dedup %d trial %d (parts under %v)", dedup, trial, under)
			merged := func(xs ...*leadscore.State) *leadscore.State {
				m := xs[0].Clone()
				for _, x := range xs[1:] {
					if err := m.Merge(x); err != nil {
						t.Fatal(err)
					}
				}
				return m
			}
			a, b, c := parts[0], parts[1], parts[2]
			check := func(what string, x, y *leadscore.State) {
				t.Helper()
				for _, s := range scorers {
					at := x.Clock()
					if y.Clock().After(at) {
						at = y.Clock()
					}
					rx, _ := s.Score(lead, x, at.Add(time.Hour))
					ry, _ := s.Score(lead, y, at.Add(time.Hour))
					if !atNear(rx, ry) {
						t.Errorf("%s: %s differs under %s:\n  %s\n  %s", where, what, s.Config().Name, atKey(rx), atKey(ry))
					}
					x2, y2 := x.Clone(), y.Clone()
					ax, _ := s.Advance(lead, x2, at.Add(time.Hour))
					ay, _ := s.Advance(lead, y2, at.Add(time.Hour))
					if !atNear(ax, ay) || len(ax.Transitions) != len(ay.Transitions) {
						t.Errorf("%s: %s: Advance differs under %s:\n  %s %+v\n  %s %+v", where, what, s.Config().Name, atKey(ax), ax.Transitions, atKey(ay), ay.Transitions)
					}
				}
			}
			ab, ba := merged(a, b), merged(b, a)
			check("a.Merge(b) vs b.Merge(a)", ab, ba)
			mixed := under[0] != under[1] || under[1] != under[2]
			if !mixed || *attackMixedAssoc {
				check("(ab)c vs a(bc)", merged(ab, c), merged(a, merged(b, c)))
			}
			// Scorer.Merge lays both parts out for its rule set first: associative whatever
			// the parts were written under.
			for _, s := range scorers {
				sm := func(xs ...*leadscore.State) *leadscore.State {
					m := &leadscore.State{}
					for _, x := range xs {
						if err := s.Merge(m, x); err != nil {
							t.Fatal(err)
						}
					}
					return m
				}
				check("Scorer.Merge a,b vs b,a under "+s.Config().Name, sm(a, b), sm(b, a))
				check("Scorer.Merge (ab)c vs a(bc) under "+s.Config().Name, sm(sm(a, b), c), sm(a, sm(b, c)))
			}
			// Idempotent: a.Merge(a) and a.Merge(copy of a) change nothing.
			for _, p := range parts {
				before := atBytes(t, p)
				m := p.Clone()
				if err := m.Merge(p.Clone()); err != nil {
					t.Fatal(err)
				}
				if atBytes(t, m) != before {
					t.Errorf("%s: a.Merge(copy of a) changed the State", where)
				}
			}
			// Bounded: merging again and again stays within the limits and decodes.
			m := merged(a, b, c)
			for i := range 30 {
				extra := atPart(t, scorers[under[0]], lead, rng, fmt.Sprintf("x%d", i), 1+rng.IntN(5), new([]string), new([]leadscore.Event))
				if err := m.Merge(extra); err != nil {
					t.Fatal(err)
				}
			}
			bs := atBytes(t, m)
			for _, s := range scorers {
				if len(bs) > s.MaxStateBytes() && s == scorers[under[0]] {
					t.Errorf("%s: merged State %d bytes > MaxStateBytes %d", where, len(bs), s.MaxStateBytes())
				}
			}
			// Redelivery after a merge: with no more events than the dedup window, every event
			// of either part is a repeat of the merged State (under the same rule set); with
			// more, the strictly latest one is.
			if dedup > 0 && under[0] == under[1] {
				s := scorers[under[0]]
				for _, m := range []*leadscore.State{merged(a, b), merged(b, a)} {
					all := append(slices.Clone(evs[0]), evs[1]...)
					slices.SortFunc(all, func(x, y leadscore.Event) int { return y.Time.Compare(x.Time) })
					check := all
					if len(all) > dedup {
						check = nil
						if len(all) > 1 && all[0].Time.After(all[1].Time) {
							check = all[:1]
						}
					}
					for _, ev := range check {
						res, err := s.Observe(lead, m.Clone(), ev)
						if err != nil {
							t.Fatal(err)
						}
						if !res.Duplicate {
							t.Errorf("%s: redelivery of %s after a merge not recognised (dedup %d, %d events)", where, atEv(ev), dedup, len(all))
						}
					}
				}
			}
		}
	}
}

func atNear(a, b leadscore.Result) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-6*math.Max(1, math.Abs(x)) }
	return near(a.Fit, b.Fit) && near(a.Engagement, b.Engagement) && near(a.Relationship, b.Relationship) &&
		near(a.Total, b.Total) && a.Tier == b.Tier && a.Stage == b.Stage && a.Stalled == b.Stalled && a.At.Equal(b.At) &&
		slices.EqualFunc(a.Signals, b.Signals, func(x, y leadscore.Signal) bool { return x.Kind == y.Kind })
}

// Parts written under different rule sets: State.Merge cannot be associative there — each
// binary merge re-lays the result out for the part with the later clock and drops the rules
// that layout lacks, so a's demo request survives a·(b·c) but not (a·b)·c — which is why the
// documentation sends such merges to Scorer.Merge, which lays every part out for one rule set
// first: associative whatever rule sets the parts were written under.
func TestLifetimeAttackMergeMixedUnderOneScorer(t *testing.T) {
	b2b := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
	b2c := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2C())
	var lead leadscore.Lead
	part := func(s *leadscore.Scorer[leadscore.Lead], ev leadscore.Event) *leadscore.State {
		st := &leadscore.State{}
		if _, err := s.Observe(lead, st, ev); err != nil {
			t.Fatal(err)
		}
		return st
	}
	a := part(b2b, leadscore.Event{ID: "a", Type: leadscore.EventDemoRequest, Time: atT0})            // B2B only: demo-request
	b := part(b2c, leadscore.Event{ID: "b", Type: leadscore.EventCartAdd, Time: atT0.Add(time.Hour)}) // B2C only: cart-add
	c := part(b2b, leadscore.Event{ID: "c", Type: leadscore.EventEmailClick, Time: atT0.Add(2 * time.Hour)})

	merge := func(dst, src *leadscore.State) {
		if err := b2b.Merge(dst, src); err != nil {
			t.Fatal(err)
		}
	}
	left := a.Clone() // (a·b)·c
	merge(left, b)
	merge(left, c)
	bc := b.Clone() // a·(b·c)
	merge(bc, c)
	right := a.Clone()
	merge(right, bc)

	now := atT0.Add(3 * time.Hour)
	l, _ := b2b.Score(lead, left, now)
	r, _ := b2b.Score(lead, right, now)
	if !atNear(l, r) {
		t.Errorf("Scorer.Merge is not associative across rule sets:\n(a·b)·c: %s\na·(b·c): %s", atKey(l), atKey(r))
	}
}
