package leadscore

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A brute-force oracle for NextWakeup's promise (DESIGN.md, "A State's lifetime"): for every t
// after st's last evaluation and before NextWakeup(st), Advance(t) reports no transition; when
// NextWakeup says never, no Advance ever does. Each scenario compiles a rule set, observes
// events into a State, and then, round after round, asks NextWakeup, advances clones of the
// State at every probe before the answer (a time grid plus the edges the rule set's durations
// put around every event), and finally advances the State itself at the answer.
//
// A failure is shrunk (events, rules, signals, tiers and journey dropped while it still fails)
// and printed with its seed, so it reproduces with
//
//	go test -run 'TestWakeupOracle/<family>' -wakeup.oracle.seed=<seed>
//
// -wakeup.oracle.long runs many more scenarios, probed every hour to the horizon.

var (
	wakeupOracleLong = flag.Bool("wakeup.oracle.long", false, "NextWakeup oracle: many more scenarios, probed every hour up to the horizon")
	wakeupOracleSeed = flag.Int64("wakeup.oracle.seed", -1, "NextWakeup oracle: run only this seed of each family")
)

// oracleGrid says how densely and how far the oracle probes.
type oracleGrid struct {
	rounds  int           // NextWakeup–Advance rounds after each batch of events
	fine    time.Duration // probe step within near of the last evaluation
	near    time.Duration
	coarse  time.Duration // probe step beyond near
	horizon time.Duration // how far to probe when NextWakeup says never
}

func oracleGridFor(long bool) oracleGrid {
	if long {
		return oracleGrid{rounds: 6, fine: time.Hour, near: 400 * Day, coarse: time.Hour, horizon: 400 * Day}
	}
	return oracleGrid{rounds: 4, fine: time.Hour, near: 3 * Day, coarse: 12 * time.Hour, horizon: 400 * Day}
}

// oracleEvent is an event of a scenario; Accumulate takes it in without an evaluation, when
// Accumulate accepts it (Observe otherwise). In a merge scenario, the first batch is observed
// into two States, by Shard, which are then merged.
type oracleEvent struct {
	Event
	Accumulate bool
	Shard      int
}

// oracleCase is one scenario: a rule set, a lead, and batches of events with NextWakeup rounds
// after each batch.
type oracleCase struct {
	family    string
	seed      uint64
	about     string // how the rule set was made, for the report
	cfg       Config
	lead      Lead
	batches   [][]oracleEvent
	rounds    int  // overrides the grid's rounds when > 0 (polled rule sets wake daily)
	merge     bool // the first batch goes to two States by Shard, merged before the first round
	roundTrip bool // the State is marshalled and unmarshalled before each NextWakeup
}

// oracleFailure is a transition Advance reported before NextWakeup said anything could change.
type oracleFailure struct {
	where       string    // which batch and round
	from        time.Time // the last evaluation
	wake        time.Time // what NextWakeup reported (ok: whether it reported a time)
	ok          bool
	at          time.Time // the earliest Advance found to report a transition
	transitions []Transition
	notAfter    bool // NextWakeup reported a time not after the last evaluation
	spin        int  // NextWakeup answered this many times in a row within a microsecond of the last evaluation, each Advance there changing nothing
}

// signature groups failures that are probably one defect.
func (f *oracleFailure) signature() string {
	if f.notAfter {
		return "wakeup not after the last evaluation"
	}
	if f.spin > 0 {
		return "wakeup spins: answers a nanosecond or so ahead, again and again, and nothing changes"
	}
	var parts []string
	for _, tr := range f.transitions {
		parts = append(parts, transitionKey(tr))
	}
	slices.Sort(parts)
	parts = slices.Compact(parts)
	never := "late"
	if !f.ok {
		never = "never"
	}
	return never + ": " + strings.Join(parts, ", ")
}

func transitionKey(tr Transition) string {
	switch tr.Kind {
	case TransitionSignal:
		if tr.Raised {
			return "signal " + tr.Signal + " raised"
		}
		return "signal " + tr.Signal + " cleared"
	case TransitionTier:
		return "tier"
	case TransitionStage:
		return "stage"
	}
	return string(tr.Kind)
}

// run plays the scenario; it returns the first failure, or an error when the scenario itself
// is broken (its rule set does not compile, an event is rejected).
func (c *oracleCase) run(g oracleGrid) (*oracleFailure, error) {
	s, err := Compile[Lead](c.cfg)
	if err != nil {
		return nil, err
	}
	if c.rounds > 0 {
		g.rounds = c.rounds
	}
	spans := configSpans(c.cfg)
	st := &State{}
	shards := [2]*State{st, {}}
	var from time.Time         // the last evaluation
	var evaluated [2]time.Time // per shard
	var anchors []time.Time
	for b, batch := range c.batches {
		for _, e := range batch {
			anchors = append(anchors, e.Time)
			st, shard := st, 0
			if c.merge && b == 0 {
				st, shard = shards[e.Shard], e.Shard
			}
			if e.Accumulate {
				took, err := s.Accumulate(c.lead, st, e.Event)
				if err != nil {
					return nil, fmt.Errorf("Accumulate(%s): %v", formatOracleEvent(e), err)
				}
				if took {
					continue
				}
			}
			res, err := s.Observe(c.lead, st, e.Event)
			if err != nil {
				return nil, fmt.Errorf("Observe(%s): %v", formatOracleEvent(e), err)
			}
			if !res.Duplicate { // a repeat is evaluated but not applied: st is as it was
				from, evaluated[shard] = res.At, res.At
			}
		}
		if c.merge && b == 0 {
			if err := st.Merge(shards[1]); err != nil {
				return nil, fmt.Errorf("Merge: %v", err)
			}
			from = evaluated[0] // the merged State was last evaluated where either part was
			if evaluated[1].After(from) {
				from = evaluated[1]
			}
		}
		if from.IsZero() { // every event accumulated: nothing evaluated yet
			from = st.Latest()
		}
		idle := 0 // wakes in a row just past the last evaluation that changed nothing
		for round := range g.rounds {
			where := fmt.Sprintf("after batch %d of %d, round %d", b+1, len(c.batches), round+1)
			if c.roundTrip {
				data, err := st.MarshalBinary()
				if err != nil {
					return nil, fmt.Errorf("MarshalBinary: %v", err)
				}
				st = &State{}
				if err := st.UnmarshalBinary(data); err != nil {
					return nil, fmt.Errorf("UnmarshalBinary: %v", err)
				}
			}
			w, ok := s.NextWakeup(st)
			if ok && !w.After(from) {
				return &oracleFailure{where: where, from: from, wake: w, ok: true, notAfter: true}, nil
			}
			end := from.Add(g.horizon)
			if ok {
				end = w
			}
			edges := append(slices.Clone(anchors), from, st.StageSince())
			at, trs, err := c.sweep(s, st, from, oracleProbes(from, end, g, edges, spans))
			if err != nil {
				return nil, err
			}
			if len(trs) > 0 {
				return &oracleFailure{where: where, from: from, wake: w, ok: ok, at: at, transitions: trs}, nil
			}
			if !ok {
				break
			}
			before := scoreForIdle(s, c.lead, st, from)
			res, err := s.Advance(c.lead, st, w)
			if err != nil {
				return nil, fmt.Errorf("Advance(%v): %v", w, err)
			}
			// Progress: a wake-up is never late, and it is not a busy loop either. Waking
			// within a microsecond to find nothing changed may happen at the edge of a
			// threshold (days_since ≥ d and > d are a nanosecond apart), not on and on.
			if w.Sub(from) < time.Microsecond && len(res.Transitions) == 0 && before == idleKey(res) {
				if idle++; idle > maxIdleWakes {
					return &oracleFailure{where: where, from: from, wake: w, ok: true, spin: idle}, nil
				}
			} else {
				idle = 0
			}
			from = res.At
		}
	}
	return nil, nil
}

// sweep advances a clone of st through the probes in order and returns the earliest time
// found at which Advance reports a transition. Advancing one clone step by step is the same as
// advancing a fresh clone at each probe as long as nothing changes; the first change is then
// confirmed, and narrowed down to the nanosecond, on fresh clones.
func (c *oracleCase) sweep(s *Scorer[Lead], st *State, from time.Time, probes []time.Time) (time.Time, []Transition, error) {
	advance := func(st *State, at time.Time) ([]Transition, error) {
		res, err := s.Advance(c.lead, st, at)
		if err != nil {
			return nil, fmt.Errorf("Advance(%v): %v", at, err)
		}
		return res.Transitions, nil
	}
	clone := st.Clone()
	prev := from
	for _, p := range probes {
		trs, err := advance(clone, p)
		if err != nil {
			return time.Time{}, nil, err
		}
		if len(trs) == 0 {
			prev = p
			continue
		}
		fresh, err := advance(st.Clone(), p)
		if err != nil {
			return time.Time{}, nil, err
		}
		if len(fresh) == 0 {
			return p, trs, nil // only after the earlier probes: report what the sweep saw
		}
		lo, hi := prev, p
		for hi.Sub(lo) > 1 {
			mid := lo.Add(hi.Sub(lo) / 2)
			trs, err := advance(st.Clone(), mid)
			if err != nil {
				return time.Time{}, nil, err
			}
			if len(trs) > 0 {
				hi, fresh = mid, trs
			} else {
				lo = mid
			}
		}
		return hi, fresh, nil
	}
	return time.Time{}, nil, nil
}

// oracleProbes returns the times in (from, end) to advance at, ascending: a grid (fine near
// from, coarse beyond), the nanosecond before end, and every edge ± 1ns plus every span.
func oracleProbes(from, end time.Time, g oracleGrid, edges []time.Time, spans []time.Duration) []time.Time {
	var out []time.Time
	add := func(t time.Time) {
		if t.After(from) && t.Before(end) {
			out = append(out, t)
		}
	}
	for d := g.fine; ; {
		t := from.Add(d)
		if !t.Before(end) {
			break
		}
		add(t)
		if d < g.near {
			d += g.fine
		} else {
			d += g.coarse
		}
	}
	add(end.Add(-1))
	for _, e := range edges {
		if e.IsZero() {
			continue
		}
		for _, d := range spans {
			for _, eps := range []time.Duration{-1, 0, 1} {
				add(e.Add(d + eps))
			}
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.CompactFunc(out, time.Time.Equal)
}

var (
	oracleDurationLit = regexp.MustCompile(`"([0-9.]+[a-zµμ]+)"`)
	oracleClockRead   = regexp.MustCompile(`\bnow\b|years_since`)
	oracleDayBound    = regexp.MustCompile(`days_(?:in_stage|since\([^)]*\))\s*[<>=!]+\s*([0-9.]+)`)
)

// configSpans returns the durations after an event (or a stage entry) at which something in
// cfg may change: windows, timeouts, SLAs (and those of the built-in detectors' defaults),
// count windows and the day thresholds of days_since and days_in_stage comparisons.
func configSpans(cfg Config) []time.Duration {
	spans := []time.Duration{0}
	for _, d := range builtinSignalDefaults {
		spans = append(spans, time.Duration(d.window), time.Duration(d.timeout))
	}
	for _, sc := range cfg.Signals {
		spans = append(spans, time.Duration(sc.Window), time.Duration(sc.Timeout))
	}
	for _, st := range cfg.Journey.Stages {
		spans = append(spans, time.Duration(st.SLA), time.Duration(st.RecycleSLA))
	}
	var exprs []string
	for _, r := range cfg.Rules {
		exprs = append(exprs, r.When, r.Value)
	}
	for _, t := range cfg.Tiers {
		exprs = append(exprs, t.When)
	}
	for _, sc := range cfg.Signals {
		exprs = append(exprs, sc.When)
	}
	for _, t := range cfg.Journey.Transitions {
		exprs = append(exprs, t.When)
	}
	for _, e := range exprs {
		for _, m := range oracleDurationLit.FindAllStringSubmatch(e, -1) {
			if d, err := ParseDuration(m[1]); err == nil {
				spans = append(spans, time.Duration(d))
			}
		}
		for _, m := range oracleDayBound.FindAllStringSubmatch(e, -1) {
			if f, err := strconv.ParseFloat(m[1], 64); err == nil {
				spans = append(spans, time.Duration(f*float64(Day)))
			}
		}
	}
	slices.Sort(spans)
	return slices.Compact(spans)
}

// report describes a failure with everything needed to reproduce it.
func (c *oracleCase) report(f *oracleFailure) string {
	var b strings.Builder
	wake := "never (ok=false)"
	if f.ok {
		wake = fmt.Sprintf("%s (last evaluation + %v)", f.wake.Format(time.RFC3339Nano), f.wake.Sub(f.from))
	}
	fmt.Fprintf(&b, "%s: last evaluation at %s; NextWakeup = %s\n", f.where, f.from.Format(time.RFC3339Nano), wake)
	switch {
	case f.notAfter:
		b.WriteString("NextWakeup reported a time not after the last evaluation\n")
	case f.spin > 0:
		fmt.Fprintf(&b, "and that is the %d-th wake-up in a row within a microsecond of the last evaluation at which Advance changes nothing: a busy loop for an engine that sets timers\n", f.spin)
	default:
		early := "before it"
		if f.ok {
			early = fmt.Sprintf("%v before it", f.wake.Sub(f.at))
		}
		fmt.Fprintf(&b, "but Advance(%s) (last evaluation + %v, %s) reports:\n", f.at.Format(time.RFC3339Nano), f.at.Sub(f.from), early)
		for _, tr := range f.transitions {
			fmt.Fprintf(&b, "\t%s\n", formatTransition(tr))
		}
	}
	return c.describe() + b.String()
}

// describe prints the scenario: its seed, rule set, lead and events.
func (c *oracleCase) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, seed %d: %s\n", c.family, c.seed, c.about)
	cfg, err := json.Marshal(c.cfg)
	if err != nil {
		cfg = []byte(err.Error())
	}
	lead, err := json.Marshal(c.lead)
	if err != nil {
		lead = []byte(err.Error())
	}
	fmt.Fprintf(&b, "rule set: %s\nlead: %s\nevents (t0 = %s):\n", cfg, lead, t0.Format(time.RFC3339))
	for i, batch := range c.batches {
		fmt.Fprintf(&b, "\tbatch %d:\n", i+1)
		for _, e := range batch {
			fmt.Fprintf(&b, "\t\t%s\n", formatOracleEvent(e))
		}
	}
	if c.merge {
		b.WriteString("(the first batch observed into two States, by shard, then merged)\n")
	}
	return b.String()
}

func formatTransition(tr Transition) string {
	var what string
	switch tr.Kind {
	case TransitionStage:
		what = fmt.Sprintf("%s → %s", tr.From, tr.To)
	case TransitionTier:
		what = fmt.Sprintf("%q → %q", tr.FromTier, tr.ToTier)
	case TransitionSLA:
		what = string(tr.To)
	case TransitionSignal:
		what = transitionKey(tr)
	}
	return fmt.Sprintf("Kind=%s %s At=%s Reason=%q", tr.Kind, what, tr.At.Format(time.RFC3339Nano), tr.Reason)
}

func formatOracleEvent(e oracleEvent) string {
	var b strings.Builder
	fmt.Fprintf(&b, "t0+%-12v %s", e.Time.Sub(t0), e.Type)
	if e.Path != "" {
		fmt.Fprintf(&b, " path=%s", e.Path)
	}
	if e.Value != 0 {
		fmt.Fprintf(&b, " value=%v", e.Value)
	}
	if e.ID != "" {
		fmt.Fprintf(&b, " id=%s", e.ID)
	}
	if e.Accumulate {
		b.WriteString(" (Accumulate)")
	}
	if e.Shard != 0 {
		b.WriteString(" (second shard)")
	}
	return b.String()
}

// shrink simplifies a failing case while it still fails the same way (signature): a greedy
// pass over candidate simplifications, within a budget of runs.
func (c oracleCase) shrink(g oracleGrid, signature string, budget int) oracleCase {
	for progress := true; progress && budget > 0; {
		progress = false
		for _, cand := range c.simplifications() {
			if budget--; budget < 0 {
				break
			}
			if f, err := cand.run(g); err == nil && f != nil && f.signature() == signature {
				c, progress = cand, true
				break
			}
		}
	}
	return c
}

// simplifications lists smaller variants of c, the biggest cuts first.
func (c oracleCase) simplifications() []oracleCase {
	var out []oracleCase
	with := func(edit func(*oracleCase)) {
		d := c
		d.cfg.Journey.Stages = slices.Clone(c.cfg.Journey.Stages)
		edit(&d)
		out = append(out, d)
	}
	if len(c.batches) > 1 {
		for i := range c.batches {
			with(func(d *oracleCase) { d.batches = slices.Delete(slices.Clone(c.batches), i, i+1) })
		}
	}
	if len(c.cfg.Personas) > 0 {
		with(func(d *oracleCase) { d.cfg.Personas = nil })
	}
	if !oracleEqualLead(c.lead, Lead{}) {
		with(func(d *oracleCase) { d.lead = Lead{} })
	}
	if len(c.cfg.Journey.Stages) != 1 {
		with(func(d *oracleCase) { d.cfg.Journey = Journey{Stages: []StageConfig{{Name: StageAttract}}} })
	}
	for i := range c.cfg.Events {
		with(func(d *oracleCase) { d.cfg.Events = slices.Delete(slices.Clone(c.cfg.Events), i, i+1) })
	}
	for i := range c.cfg.Rules {
		with(func(d *oracleCase) { d.cfg.Rules = slices.Delete(slices.Clone(c.cfg.Rules), i, i+1) })
	}
	for i := range c.cfg.Tiers {
		with(func(d *oracleCase) { d.cfg.Tiers = slices.Delete(slices.Clone(c.cfg.Tiers), i, i+1) })
	}
	if c.cfg.Hysteresis != 0 {
		with(func(d *oracleCase) { d.cfg.Hysteresis = 0 })
	}
	if len(c.cfg.Dimensions) > 0 {
		with(func(d *oracleCase) { d.cfg.Dimensions = nil })
	}
	for i, sc := range c.cfg.Signals {
		if !sc.Off {
			with(func(d *oracleCase) { d.cfg.Signals = slices.Delete(slices.Clone(c.cfg.Signals), i, i+1) })
		}
	}
	for _, k := range BuiltinSignalKinds() {
		if !slices.ContainsFunc(c.cfg.Signals, func(sc SignalConfig) bool { return sc.Kind == k }) {
			with(func(d *oracleCase) {
				d.cfg.Signals = append(slices.Clone(c.cfg.Signals), SignalConfig{Kind: k, Off: true})
			})
		}
	}
	for i := range c.cfg.Journey.Transitions {
		with(func(d *oracleCase) {
			d.cfg.Journey.Transitions = slices.Delete(slices.Clone(c.cfg.Journey.Transitions), i, i+1)
		})
	}
	for b, batch := range c.batches {
		for i, e := range batch {
			with(func(d *oracleCase) {
				d.batches = slices.Clone(c.batches)
				d.batches[b] = slices.Delete(slices.Clone(batch), i, i+1)
			})
			if e.Accumulate || e.Shard != 0 {
				with(func(d *oracleCase) {
					d.batches = slices.Clone(c.batches)
					d.batches[b] = slices.Clone(batch)
					d.batches[b][i].Accumulate, d.batches[b][i].Shard = false, 0
				})
			}
		}
	}
	return out
}

func oracleEqualLead(a, b Lead) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// runOracleFamily runs n scenarios of a family and reports, per kind of failure, how many
// scenarios failed that way, and the first one (shrunk, for the first two kinds).
func runOracleFamily(t *testing.T, n int, g oracleGrid, gen func(seed uint64) oracleCase) {
	t.Helper()
	type group struct {
		first oracleCase
		seeds []uint64
	}
	groups := map[string]*group{}
	var order []string
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = uint64(i)
	}
	if *wakeupOracleSeed >= 0 {
		seeds = []uint64{uint64(*wakeupOracleSeed)}
	}
	for _, seed := range seeds {
		c := gen(seed)
		if seed%2 == 1 { // odd seeds store and load the State, as engines do between timers
			c.roundTrip = true
			c.about += ", stored and loaded before each NextWakeup"
		}
		f, err := c.run(g)
		if err != nil {
			t.Fatalf("broken scenario (a generator bug): %v\n%s", err, c.describe())
		}
		if f == nil {
			continue
		}
		key := f.signature()
		if groups[key] == nil {
			groups[key] = &group{first: c}
			order = append(order, key)
		}
		groups[key].seeds = append(groups[key].seeds, seed)
	}
	for i, key := range order {
		gr := groups[key]
		if i >= 2 { // shrinking costs hundreds of runs: the first two kinds are shrunk
			t.Errorf("NextWakeup is late (%s) in %d of %d scenarios, seeds %v (rerun the first with -run '^%s$' -wakeup.oracle.seed=%d)",
				key, len(gr.seeds), len(seeds), oracleSeeds(gr.seeds), t.Name(), gr.seeds[0])
			continue
		}
		small := gr.first.shrink(g, key, 150)
		f, _ := small.run(g)
		small.about += " (shrunk)"
		t.Errorf("NextWakeup is late (%s) in %d of %d scenarios, seeds %v (rerun the first with -run '^%s$' -wakeup.oracle.seed=%d)\n%s",
			key, len(gr.seeds), len(seeds), oracleSeeds(gr.seeds), t.Name(), gr.seeds[0], small.report(f))
	}
}

func oracleSeeds(seeds []uint64) string {
	if len(seeds) > 10 {
		return fmt.Sprint(seeds[:10]) + "…"
	}
	return fmt.Sprint(seeds)
}

func TestWakeupOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("brute force")
	}
	g := oracleGridFor(*wakeupOracleLong)
	scale := func(quick, thorough int) int {
		switch {
		case *wakeupOracleLong:
			return thorough
		case raceEnabled:
			return max(quick/4, 2)
		}
		return quick
	}
	t.Run("regressions", func(t *testing.T) {
		for i, c := range oracleRegressions() {
			c.family, c.seed = t.Name(), uint64(i)
			for _, c.roundTrip = range []bool{false, true} {
				f, err := c.run(g)
				if err != nil {
					t.Fatalf("broken scenario: %v\n%s", err, c.describe())
				}
				if f != nil {
					t.Errorf("NextWakeup is late (%s, State stored and loaded: %v)\n%s", f.signature(), c.roundTrip, c.report(f))
				}
			}
		}
	})
	for _, p := range []struct {
		name string
		cfg  func() Config
		b2c  bool
	}{{"b2b", DefaultB2B, false}, {"b2c", DefaultB2C, true}} {
		// As shipped: rules reading now and years_since make NextWakeup poll daily; the leads
		// leave those rules inert (no founding year, not a customer), so anything else that
		// changes before the daily wakeup is late.
		t.Run(p.name+"-polled", func(t *testing.T) {
			runOracleFamily(t, scale(12, 200), g, func(seed uint64) oracleCase {
				return presetCase(t.Name(), seed, p.cfg(), p.b2c, false, false)
			})
		})
		// Without those rules NextWakeup is exact, and may say never.
		t.Run(p.name+"-exact", func(t *testing.T) {
			runOracleFamily(t, scale(25, 400), g, func(seed uint64) oracleCase {
				return presetCase(t.Name(), seed, p.cfg(), p.b2c, true, false)
			})
		})
		// Events taken in with Accumulate are decided by the next Observe or Advance.
		t.Run(p.name+"-accumulate", func(t *testing.T) {
			runOracleFamily(t, scale(10, 200), g, func(seed uint64) oracleCase {
				return presetCase(t.Name(), seed, p.cfg(), p.b2c, true, true)
			})
		})
		// So is a merged State.
		t.Run(p.name+"-merge", func(t *testing.T) {
			runOracleFamily(t, scale(10, 200), g, func(seed uint64) oracleCase {
				return withShards(presetCase(t.Name(), seed, p.cfg(), p.b2c, true, false))
			})
		})
	}
	t.Run("random", func(t *testing.T) {
		runOracleFamily(t, scale(150, 3000), g, func(seed uint64) oracleCase {
			return randomOracleCase(t.Name(), seed, false)
		})
	})
	t.Run("random-accumulate", func(t *testing.T) {
		runOracleFamily(t, scale(20, 500), g, func(seed uint64) oracleCase {
			return randomOracleCase(t.Name(), seed, true)
		})
	})
	t.Run("random-merge", func(t *testing.T) {
		runOracleFamily(t, scale(20, 500), g, func(seed uint64) oracleCase {
			return withShards(randomOracleCase(t.Name(), seed, false))
		})
	})
}

// oracleRegressions are minimal scenarios, one per way NextWakeup was found late, each named
// for it.
func oracleRegressions() []oracleCase {
	at := func(d time.Duration, typ string) oracleEvent {
		return oracleEvent{Event: Event{Type: typ, Time: t0.Add(d)}}
	}
	accumulated := func(e oracleEvent) oracleEvent { e.Accumulate = true; return e }
	shard := func(e oracleEvent) oracleEvent { e.Shard = 1; return e }
	only := func(kinds ...string) []SignalConfig { // every built-in detector but kinds off
		return slices.DeleteFunc(offSignals(), func(sc SignalConfig) bool { return slices.Contains(kinds, sc.Kind) })
	}
	oneStage := Journey{Stages: []StageConfig{{Name: StageAttract}}}
	b2b, removed := withoutClockRules(DefaultB2B())
	return []oracleCase{{
		about:   "velocity of a new lead: one demo request worth 30 points fires velocity a week later",
		cfg:     Config{Events: []EventRule{{ID: "demo", On: []string{EventDemoRequest}, Points: 30}}},
		batches: [][]oracleEvent{{at(0, EventDemoRequest)}},
	}, {
		about: "velocity of a new lead: DefaultB2B() without " + strings.Join(removed, ", ") + ", a form and three downloads in an hour",
		cfg:   b2b,
		batches: [][]oracleEvent{{at(0, EventFormSubmit), at(10*time.Minute, EventContentDownload),
			at(20*time.Minute, EventContentDownload), at(time.Hour, EventContentDownload)}},
	}, {
		about: "velocity of a new lead: ExampleScorer_NextWakeup's rule set, velocity fires at 168h, NextWakeup says 168h+1ns",
		cfg: Config{
			Events: []EventRule{{ID: "call", On: []string{EventCall}, Points: 80, HalfLife: Duration(7 * Day)}},
			Tiers:  []Tier{{Name: "hot", Min: Float(40), Handoff: true}, {Name: "cold"}},
		},
		batches: [][]oracleEvent{{at(0, EventCall)}},
	}, {
		about: "velocity clearing: the signal holds at exactly the ratio, and clears a nanosecond later",
		cfg: Config{Events: []EventRule{{ID: "click", On: []string{EventEmailClick}, Points: 11}},
			Signals: only(SignalVelocity), Journey: oneStage},
		batches: [][]oracleEvent{{at(311*time.Hour, EventEmailClick), at(287*time.Hour, EventEmailClick), at(81*time.Hour, EventEmailClick)}},
	}, {
		about:   "accumulated events: an email reply taken in by Accumulate raises question at the next Advance",
		cfg:     Config{Signals: only(SignalQuestion), Journey: oneStage},
		batches: [][]oracleEvent{{at(0, EventPageView), accumulated(at(time.Hour, EventEmailReply))}},
	}, {
		about: "merged States: two clicks in each part make the four of frequent_engagement",
		cfg:   Config{Signals: only(SignalFrequentEngagement), Journey: oneStage},
		merge: true,
		batches: [][]oracleEvent{{at(0, EventEmailClick), at(time.Hour, EventEmailClick),
			shard(at(2*time.Hour, EventEmailClick)), shard(at(3*time.Hour, EventEmailClick))}},
	}, {
		about: "a strict comparison: 80 points halve to exactly 40 at 168h, where engagement > 40 turns false",
		cfg: Config{Events: []EventRule{{ID: "call", On: []string{EventCall}, Points: 80, HalfLife: Duration(7 * Day)}},
			Signals: append(only(), SignalConfig{Kind: "engaged", When: "engagement > 40"}), Journey: oneStage},
		batches: [][]oracleEvent{{at(0, EventCall)}},
	}, {
		about: "underflow: a point lost with a one-hour half-life is -0 after 1074 hours, where a tier's min 0 is reached",
		cfg: Config{Events: []EventRule{{ID: "call", On: []string{EventCall}, Points: -1, HalfLife: Duration(time.Hour)}},
			Tiers: []Tier{{Name: "even", Min: Float(0)}}, Signals: only(), Journey: oneStage},
		batches: [][]oracleEvent{{at(0, EventCall)}},
	}, {
		about: "the journey: b → a moves at once, but not in the call that entered b from a",
		cfg: Config{Signals: only(), Journey: Journey{
			Stages:      []StageConfig{{Name: "a"}, {Name: "b"}},
			Transitions: []TransitionConfig{{From: "a", To: "b", On: []string{EventIdentify}}, {From: "b", To: "a"}},
		}},
		batches: [][]oracleEvent{{at(0, EventIdentify)}},
	}, {
		about: "the journey: a guard tried on the scores before a move holds on those after it",
		cfg: Config{
			Rules:   []Rule{{ID: "new-in-stage", Dimension: Fit, When: "days_in_stage < 1", Points: -5}},
			Signals: only(),
			Journey: Journey{
				Stages: []StageConfig{{Name: "a"}, {Name: "b"}},
				Transitions: []TransitionConfig{{From: "a", To: "b", When: "total < 0"},
					{From: "b", To: "a", On: []string{EventQuestion}}},
			},
		},
		batches: [][]oracleEvent{{at(0, EventPageView), at(2*Day, EventQuestion)}},
	}}
}

// withShards deals the first batch of c's events to two shards (by a PCG of the seed), to be
// merged.
func withShards(c oracleCase) oracleCase {
	rng := rand.New(rand.NewPCG(c.seed, 0x5eed0003))
	c.merge = true
	c.batches = slices.Clone(c.batches)
	c.batches[0] = slices.Clone(c.batches[0])
	for i := range c.batches[0] {
		c.batches[0][i].Shard = rng.IntN(2)
	}
	return c
}

// withoutClockRules drops the rules that read now or years_since (NextWakeup polls for them).
func withoutClockRules(cfg Config) (Config, []string) {
	var removed []string
	cfg.Rules = slices.DeleteFunc(slices.Clone(cfg.Rules), func(r Rule) bool {
		if oracleClockRead.MatchString(r.When) || oracleClockRead.MatchString(r.Value) {
			removed = append(removed, r.ID)
			return true
		}
		return false
	})
	return cfg, removed
}

var (
	b2bOraclePaths = []string{"/pricing", "/plans", "/product/a", "/features", "/careers", "/blog/x", "/docs", "/case-studies", "/"}
	b2cOraclePaths = []string{"/shop/a", "/p/b", "/sale", "/deals", "/cart", "/checkout", "/help", "/careers", "/"}
)

// presetCase is a preset with a random lead and events of the whole vocabulary; exact drops
// the rules that read the clock; accumulate takes some events in with Accumulate.
func presetCase(family string, seed uint64, cfg Config, b2c, exact, accumulate bool) oracleCase {
	rng := rand.New(rand.NewPCG(seed, 0x5eed0001))
	c := oracleCase{family: family, seed: seed, about: cfg.Name}
	if exact {
		var removed []string
		cfg, removed = withoutClockRules(cfg)
		c.about += " without " + strings.Join(removed, ", ")
	} else {
		c.rounds = 30 // the wakeup is at most a day away: look a month ahead
	}
	c.cfg = cfg
	paths := b2bOraclePaths
	if b2c {
		paths = b2cOraclePaths
	}
	c.lead = randomOracleLead(rng)
	start := t0
	for range 1 + rng.IntN(3) {
		batch := randomOracleEvents(rng, vocabulary, paths, start, 1+rng.IntN(25), accumulate)
		c.batches = append(c.batches, batch)
		start = start.Add(time.Duration(10+rng.IntN(50)) * Day)
	}
	return c
}

// randomOracleLead is a lead for the presets and random rule sets. It has no founding year and
// is not a customer, so the presets' clock-reading rules never fire for it.
func randomOracleLead(rng *rand.Rand) Lead {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	return Lead{
		Title:   pick("CEO", "VP Marketing", "Director of IT", "Marketing Manager", "Engineer", "Student", ""),
		Email:   pick("a@globex.example", "b@gmail.com", "c@mit.edu", ""),
		Phone:   pick("", "+1 555 0100"),
		Source:  pick("referral", "organic", "event", ""),
		Company: Company{Employees: []int{0, 5, 200, 5000}[rng.IntN(4)], Revenue: float64(rng.IntN(3)) * 1e7},
		BANT:    BANT{Budget: rng.IntN(2) == 0, Authority: rng.IntN(2) == 0, Need: rng.IntN(2) == 0, Timing: rng.IntN(3) == 0},
		Age:     []int{0, 16, 22, 35, 60}[rng.IntN(5)], Children: rng.IntN(3), Income: float64(rng.IntN(4)) * 30000,
		Purchases: rng.IntN(4), AvgOrderValue: float64(rng.IntN(400)), Margin: float64(rng.IntN(30)) / 100,
		ServiceEffort: 1 + rng.IntN(10), Followers: []int{0, 500, 2000, 20000}[rng.IntN(4)],
	}
}

// randomOracleEvents makes n events from start: mostly hours to days apart, some in bursts
// minutes apart, a few late (before the latest so far), some with IDs (a few repeated), and,
// if accumulate, some taken in with Accumulate.
func randomOracleEvents(rng *rand.Rand, types, paths []string, start time.Time, n int, accumulate bool) []oracleEvent {
	out := make([]oracleEvent, 0, n)
	cursor := start
	for i := range n {
		switch r := rng.Float64(); {
		case r < 0.35: // a burst
			cursor = cursor.Add(time.Duration(rng.Int64N(int64(2 * time.Hour))))
		case r < 0.8:
			cursor = cursor.Add(time.Duration(rng.Int64N(int64(3 * Day))))
		default:
			cursor = cursor.Add(time.Duration(rng.Int64N(int64(10 * Day))))
		}
		at := cursor
		if i > 0 && rng.IntN(12) == 0 {
			at = at.Add(-time.Duration(rng.Int64N(int64(3 * Day)))) // late
		}
		e := oracleEvent{Event: Event{Type: types[rng.IntN(len(types))], Time: at}}
		switch e.Type {
		case EventPageView:
			e.Path = paths[rng.IntN(len(paths))]
		case EventPurchase, EventCartAdd, EventCheckoutStart:
			e.Value = float64(10 * rng.IntN(50))
		}
		if rng.IntN(2) == 0 {
			e.ID = fmt.Sprintf("e%d", i)
			if i > 0 && rng.IntN(20) == 0 {
				e.ID = fmt.Sprintf("e%d", rng.IntN(i)) // a redelivery, or a clash
			}
		}
		e.Accumulate = accumulate && rng.IntN(4) == 0
		out = append(out, e)
	}
	return out
}

// The random rule sets draw from these.
var (
	oracleTypes = []string{
		EventPageView, EventEmailOpen, EventEmailClick, EventEmailReply, EventFormSubmit, EventIdentify,
		EventContentDownload, EventWebinarAttended, EventSocialShare, EventQuestion, EventCall,
		EventDemoRequest, EventCartAdd, EventCheckoutStart, EventPurchase, EventEmailUnsubscribe,
		EventOpportunityLost, EventChurn,
	}
	oraclePaths      = []string{"/pricing", "/product/a", "/careers", "/blog/b", "/"}
	oracleWindows    = []string{"1h", "6h", "12h", "1d", "2d", "3d", "7d", "14d"}
	oracleHalfLives  = []Duration{0, Duration(time.Hour), Duration(6 * time.Hour), Duration(Day), Duration(3 * Day), Duration(7 * Day), Duration(30 * Day)}
	oracleDays       = []string{"0.1", "0.5", "1", "1.3", "2", "2.5", "3", "7"}
	oracleQuantities = []string{"fit", "engagement", "relationship", "total"}
	oracleOps        = []string{">=", ">", "<", "<="}
)

// randomOracleCase makes a random rule set (event rules, attribute rules over counts, days
// since and days in stage, tiers with hysteresis, built-in detectors configured, custom
// signals, a custom journey with guards and SLAs) and random events for it. No expression reads
// now or years_since, and days_since and days_in_stage are compared with constants only: for
// such rule sets NextWakeup promises an exact answer.
func randomOracleCase(family string, seed uint64, accumulate bool) oracleCase {
	rng := rand.New(rand.NewPCG(seed, 0x5eed0002))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	types := slices.Clone(oracleTypes)
	rng.Shuffle(len(types), func(i, j int) { types[i], types[j] = types[j], types[i] })
	types = types[:3+rng.IntN(6)]
	cfg := Config{
		Name:  fmt.Sprintf("random-%d", seed),
		Pages: map[string][]string{"pricing": {"/pricing"}, "product": {"/product"}, "careers": {"/careers"}},
	}
	num := func(lo, hi int) string { return strconv.Itoa(lo + rng.IntN(hi-lo+1)) }
	countCmp := func() string {
		return fmt.Sprintf("count(%q, %q) >= %s", pick(types), pick(oracleWindows), num(1, 3))
	}
	sinceCmp := func() string {
		return fmt.Sprintf("days_since(%q) %s %s", pick(types), pick(oracleOps), pick(oracleDays))
	}
	stageCmp := func() string { return fmt.Sprintf("days_in_stage %s %s", pick(oracleOps[:2]), pick(oracleDays)) }
	scoreCmp := func() string {
		c := num(-10, 50)
		if rng.IntN(4) == 0 {
			c = "0"
		}
		return fmt.Sprintf("%s %s %s", pick(oracleQuantities), pick(oracleOps), c)
	}
	signalKinds := BuiltinSignalKinds()
	signalCmp := func() string { return fmt.Sprintf("has_signal(%q)", pick(signalKinds)) }
	leadCmp := func() string { return pick([]string{"lead.Age >= 30", "lead.Followers > 1000", "lead.BANT.Budget"}) }
	combine := func(parts ...func() string) string {
		e := parts[rng.IntN(len(parts))]()
		if rng.IntN(4) == 0 {
			e = fmt.Sprintf("(%s) %s (%s)", e, pick([]string{"&&", "||"}), parts[rng.IntN(len(parts))]())
		}
		return e
	}
	dims := []Dimension{Fit, Engagement, Relationship}

	for i := range 1 + rng.IntN(6) {
		r := EventRule{ID: fmt.Sprintf("ev%d", i), Points: float64(rng.IntN(41) - 10), HalfLife: oracleHalfLives[rng.IntN(len(oracleHalfLives))]}
		if rng.IntN(3) == 0 {
			r.Dimension = dims[rng.IntN(3)]
		}
		if rng.IntN(7) > 0 {
			for range 1 + rng.IntN(3) {
				if t := pick(types); !slices.Contains(r.On, t) {
					r.On = append(r.On, t)
				}
			}
		}
		if rng.IntN(8) == 0 {
			r.When = pick([]string{`event.Value >= 100`, `event.Category == "pricing"`, `event.Path != "/"`})
		}
		if rng.IntN(2) == 0 {
			r.Max = float64(5 + rng.IntN(36))
		}
		r.Once = rng.IntN(7) == 0
		cfg.Events = append(cfg.Events, r)
	}
	for i := range rng.IntN(5) {
		r := Rule{ID: fmt.Sprintf("attr%d", i), Dimension: dims[rng.IntN(3)], Points: float64(rng.IntN(41) - 15)}
		r.When = combine(countCmp, sinceCmp, stageCmp, leadCmp)
		r.Disqualify = rng.IntN(20) == 0
		cfg.Rules = append(cfg.Rules, r)
	}
	if rng.IntN(3) > 0 {
		bounds := func() *float64 {
			if rng.IntN(2) == 0 {
				return nil
			}
			return Float(float64(rng.IntN(40)))
		}
		cfg.Dimensions = map[Dimension]DimensionConfig{}
		for _, d := range dims {
			dc := DimensionConfig{Max: bounds()}
			if rng.IntN(2) == 0 {
				dc.Min = Float(float64(-rng.IntN(20)))
			}
			if rng.IntN(3) == 0 {
				dc.Weight = Float([]float64{0.5, 1.5, 2}[rng.IntN(3)])
			}
			if dc.Max != nil && dc.Min != nil && *dc.Max < *dc.Min {
				dc.Max = nil
			}
			cfg.Dimensions[d] = dc
		}
	}
	// Built-in detectors, some reconfigured or off; then custom ones.
	for _, k := range []string{SignalAbandonedCart, SignalFrequentVisits, SignalFrequentEngagement, SignalQuestion, SignalVelocity, SignalJobSeeker} {
		sc := SignalConfig{Kind: k}
		switch rng.IntN(6) {
		case 0:
			sc.Off = true
		case 1, 2:
			win, _ := ParseDuration(pick(oracleWindows[2:]))
			sc.Window = win
			switch k {
			case SignalAbandonedCart:
				sc.Timeout, _ = ParseDuration(pick([]string{"1h", "6h", "1d", "2d"}))
			case SignalQuestion: // a window only
			case SignalVelocity:
				sc.Min = []int{5, 10, 20}[rng.IntN(3)]
			default:
				sc.Min = 1 + rng.IntN(3)
			}
		default:
			continue
		}
		cfg.Signals = append(cfg.Signals, sc)
	}
	for i := range rng.IntN(4) {
		kind := fmt.Sprintf("custom%d", i)
		cfg.Signals = append(cfg.Signals, SignalConfig{Kind: kind, When: combine(countCmp, scoreCmp, sinceCmp, stageCmp, signalCmp)})
	}
	if rng.IntN(6) > 0 {
		n := 1 + rng.IntN(3)
		mins := rng.Perm(15)[:n]
		slices.SortFunc(mins, func(a, b int) int { return b - a })
		for i, m := range mins {
			t := Tier{Name: fmt.Sprintf("tier%d", i), Min: Float(float64(5*m - 10)), Handoff: i == 0 && rng.IntN(2) == 0}
			if rng.IntN(4) == 0 {
				t.When = combine(scoreCmp, signalCmp)
			}
			cfg.Tiers = append(cfg.Tiers, t)
		}
		if rng.IntN(5) > 0 {
			cfg.Tiers = append(cfg.Tiers, Tier{Name: "rest"})
		}
		cfg.Hysteresis = []float64{0, 0, 3, 5, 12.5}[rng.IntN(5)]
	}
	if rng.IntN(2) == 0 {
		n := 2 + rng.IntN(3)
		j := Journey{}
		for i := range n {
			sc := StageConfig{Name: Stage(fmt.Sprintf("s%d", i)), Owner: Owner(pick([]string{string(OwnerMarketing), string(OwnerSales), string(OwnerService)}))}
			sc.SLA, _ = ParseDuration(pick([]string{"0", "0", "12h", "2d", "5d"}))
			j.Stages = append(j.Stages, sc)
		}
		guard := func() string { return combine(stageCmp, stageCmp, scoreCmp, signalCmp, countCmp, sinceCmp) }
		for i := range n - 1 {
			tc := TransitionConfig{From: j.Stages[i].Name, To: j.Stages[i+1].Name}
			switch rng.IntN(5) {
			case 0:
				tc.On = []string{pick(types)}
			case 1:
				tc.On, tc.When = []string{pick(types)}, guard()
			case 2, 3:
				tc.When = guard()
			}
			j.Transitions = append(j.Transitions, tc)
		}
		for range rng.IntN(3) {
			from, to := rng.IntN(n), rng.IntN(n)
			if from == to {
				continue
			}
			tc := TransitionConfig{From: j.Stages[from].Name, To: j.Stages[to].Name}
			if rng.IntN(2) == 0 {
				tc.On = []string{pick(types)}
			} else {
				tc.When = guard()
			}
			j.Transitions = append(j.Transitions, tc)
		}
		cfg.Journey = j
	}

	c := oracleCase{family: family, seed: seed, about: "random rule set", cfg: cfg, lead: randomOracleLead(rng)}
	start := t0
	for range 1 + rng.IntN(2) {
		c.batches = append(c.batches, randomOracleEvents(rng, types, oraclePaths, start, 1+rng.IntN(12), accumulate))
		start = start.Add(time.Duration(5+rng.IntN(30)) * Day)
	}
	return c
}

// maxIdleWakes is how many wake-ups in a row may land within a microsecond of the last
// evaluation and change nothing before the oracle calls it a spin.
const maxIdleWakes = 3

// idleKey is what a wake-up that changes nothing leaves as it was.
func idleKey(r Result) string {
	return fmt.Sprintf("%.9g %s %s %v %d", r.Total, r.Tier, r.Stage, r.Handoff, len(r.Signals))
}

func scoreForIdle(s *Scorer[Lead], lead Lead, st *State, at time.Time) string {
	r, err := s.Score(lead, st, at)
	if err != nil {
		return err.Error()
	}
	return idleKey(r)
}
