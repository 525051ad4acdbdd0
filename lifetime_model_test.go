package leadscore_test

// A model-based test of a State's lifetime (DESIGN.md, "A State's lifetime"), in the style of
// FoundationDB's and Jepsen's simulation tests: a deliberately simple reference keeps every
// event and recomputes everything from that log at each step, and a driver runs long random
// histories — events in order, late and redelivered; Advance and Score at any time, earlier
// than the clock too; merges of split shards; marshal round trips; rule-set changes with
// renamed rules — on the real Scorer and the reference side by side, comparing every Result
// and every Transition.
//
// The reference covers a restricted rule-set family it can evaluate by hand: attribute rules
// over a few lead fields (each mirrored by a Go condition), event rules with "on" types and an
// optional "event.Value > x", bounded and weighted dimensions, tiers with hysteresis, built-in
// signals off, and a four-stage journey moved by events plus at most one "total >= x" guard.
//
// Run longer:     go test -run TestLifetimeModel -lifetime.steps=1000000
// One history:    go test -run TestLifetimeModel -lifetime.seed=N (prints it whole)
// Some steps:     go test -run TestLifetimeModel -lifetime.ops=observe,late,score
// Fuzz:           go test -run '^$' -fuzz FuzzLifetime

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

var (
	lifetimeSteps = flag.Int("lifetime.steps", 12000, "TestLifetimeModel: random steps to generate in total")
	lifetimeSeed  = flag.Uint64("lifetime.seed", 0, "TestLifetimeModel: run only the history of this seed, and print it whole")
	lifetimeOps   = flag.String("lifetime.ops", "", "TestLifetimeModel: comma-separated kinds of step to generate (default all): "+strings.Join(ltOpNames, ","))
)

var (
	ltT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // where histories start

	// The contract's time range, [1900-01-01, 2200-01-01).
	ltMinTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	ltEnd     = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	ltMaxTime = ltEnd.Add(-1)
)

const (
	ltDay = 24 * time.Hour
	// ltDedup is the Scorer's ID window: larger than any history's events, so that no ID is
	// ever evicted and every redelivery must be recognised.
	ltDedup = 4096
)

// ---- The rule-set family ----------------------------------------------------------------

var (
	ltDims       = [3]leadscore.Dimension{leadscore.Fit, leadscore.Engagement, leadscore.Relationship}
	ltStages     = []leadscore.Stage{leadscore.StageAttract, "s1", "s2", "s3"} // attract first: a new State's Stage()
	ltEventTypes = []string{
		leadscore.EventPageView, leadscore.EventEmailClick, leadscore.EventFormSubmit, leadscore.EventCall,
		leadscore.EventPurchase, leadscore.EventWebinarAttended, leadscore.EventContentDownload,
	}
	ltJourneyTypes = []string{
		leadscore.EventFormSubmit, leadscore.EventCall, leadscore.EventPurchase,
		leadscore.EventWebinarAttended, leadscore.EventEmailClick,
	}
	ltValues = []float64{0, 20, 75, 150}
)

// ltRules is a generated rule set: what its JSON says, in a form the reference evaluates.
type ltRules struct {
	Dims       [3]ltDim
	Attrs      []ltAttr
	Events     []ltEventRule
	Tiers      []ltTier // the last is the catch-all
	Hysteresis float64
	Trans      []ltTrans // in config order
}

type ltDim struct {
	Weight         float64
	HasMin, HasMax bool
	Min, Max       float64
}

// Attribute-rule conditions, each an expression and its Go mirror (ltAttr.holds).
const (
	ltCondAlways = iota
	ltCondEmployees
	ltCondCEO
	ltCondFollowers
	ltCondYoung
	ltConds
)

type ltAttr struct {
	ID         string
	Dim        int
	Cond, N    int
	Points     float64
	Disqualify bool
}

type ltEventRule struct {
	ID          string
	RenamedFrom []string // former IDs, most recent first; kept for good (see ltGen.mutate)
	Dim         int
	On          []string // empty: all types
	HasWhen     bool     // "event.Value > MinValue"
	MinValue    float64
	Points, Max float64
	HalfLife    time.Duration
	Once        bool
}

type ltTier struct {
	Name     string
	Min      float64
	CatchAll bool
	Handoff  bool
}

type ltTrans struct {
	From, To int
	On       []string
	Guard    bool // "total >= Total", and no On
	Total    float64
}

func (a ltAttr) when() string {
	switch a.Cond {
	case ltCondEmployees:
		return fmt.Sprintf("lead.Company.Employees >= %d", a.N)
	case ltCondCEO:
		return `lead.Title == "CEO"`
	case ltCondFollowers:
		return fmt.Sprintf("lead.Followers > %d", a.N)
	case ltCondYoung:
		return fmt.Sprintf("lead.Age < %d", a.N)
	}
	return ""
}

func (a ltAttr) holds(l leadscore.Lead) bool {
	switch a.Cond {
	case ltCondEmployees:
		return l.Company.Employees >= a.N
	case ltCondCEO:
		return l.Title == "CEO"
	case ltCondFollowers:
		return l.Followers > a.N
	case ltCondYoung:
		return l.Age < a.N
	}
	return true
}

func (e ltEventRule) matches(ev ltEvent) bool {
	return (len(e.On) == 0 || slices.Contains(e.On, ev.Type)) && (!e.HasWhen || ev.Value > e.MinValue)
}

// value is the rule's contribution at `at` over its matched event times: points × Σ 2^(−(at −
// tᵢ)/h), over the earliest event only for a once rule, limited in magnitude to max.
func (e ltEventRule) value(times []time.Time, at time.Time) float64 {
	if e.Once {
		first := times[0]
		for _, t := range times {
			if t.Before(first) {
				first = t
			}
		}
		times = []time.Time{first}
	}
	sum := 0.0
	for _, t := range times {
		if e.HalfLife == 0 {
			sum++
			continue
		}
		// Sub saturates past 292 years, where the factor is 0 anyway for these half-lives.
		sum += math.Exp2(-float64(at.Sub(t)) / float64(e.HalfLife))
	}
	v := e.Points * sum
	if e.Max > 0 {
		v = min(max(v, -e.Max), e.Max)
	}
	return v
}

func (r *ltRules) clone() *ltRules {
	c := *r
	c.Attrs = slices.Clone(r.Attrs)
	c.Events = slices.Clone(r.Events)
	for i := range c.Events {
		c.Events[i].On = slices.Clone(c.Events[i].On)
		c.Events[i].RenamedFrom = slices.Clone(c.Events[i].RenamedFrom)
	}
	c.Tiers = slices.Clone(r.Tiers)
	c.Trans = slices.Clone(r.Trans)
	for i := range c.Trans {
		c.Trans[i].On = slices.Clone(c.Trans[i].On)
	}
	return &c
}

// JSON is the rule set as config text. It is parsed with ParseConfig rather than built as a
// Config literal so that this file compiles before EventRule has its RenamedFrom field.
func (r *ltRules) JSON() string {
	type jsonDim struct {
		Weight float64  `json:"weight"`
		Min    *float64 `json:"min,omitempty"`
		Max    *float64 `json:"max,omitempty"`
	}
	type jsonRule struct {
		ID         string  `json:"id"`
		Dimension  string  `json:"dimension"`
		When       string  `json:"when,omitempty"`
		Points     float64 `json:"points"`
		Disqualify bool    `json:"disqualify,omitempty"`
	}
	type jsonEvent struct {
		ID          string   `json:"id"`
		RenamedFrom []string `json:"renamed_from,omitempty"`
		Dimension   string   `json:"dimension"`
		On          []string `json:"on,omitempty"`
		When        string   `json:"when,omitempty"`
		Points      float64  `json:"points"`
		HalfLife    string   `json:"half_life,omitempty"`
		Max         float64  `json:"max,omitempty"`
		Once        bool     `json:"once,omitempty"`
	}
	type jsonTier struct {
		Name    string   `json:"name"`
		Min     *float64 `json:"min,omitempty"`
		Handoff bool     `json:"handoff,omitempty"`
	}
	type jsonSignal struct {
		Kind string `json:"kind"`
		Off  bool   `json:"off"`
	}
	type jsonStage struct {
		Name  string `json:"name"`
		Owner string `json:"owner"`
	}
	type jsonTrans struct {
		From string   `json:"from"`
		To   string   `json:"to"`
		On   []string `json:"on,omitempty"`
		When string   `json:"when,omitempty"`
	}
	type jsonJourney struct {
		Stages      []jsonStage `json:"stages"`
		Transitions []jsonTrans `json:"transitions"`
	}
	type jsonConfig struct {
		Name       string             `json:"name"`
		Dimensions map[string]jsonDim `json:"dimensions"`
		Rules      []jsonRule         `json:"rules,omitempty"`
		Events     []jsonEvent        `json:"events,omitempty"`
		Tiers      []jsonTier         `json:"tiers"`
		Hysteresis float64            `json:"hysteresis,omitempty"`
		Signals    []jsonSignal       `json:"signals"`
		Journey    jsonJourney        `json:"journey"`
	}
	c := jsonConfig{Name: "lifetime-model", Dimensions: map[string]jsonDim{}, Hysteresis: r.Hysteresis}
	for i, d := range r.Dims {
		jd := jsonDim{Weight: d.Weight}
		if d.HasMin {
			jd.Min = leadscore.Float(d.Min)
		}
		if d.HasMax {
			jd.Max = leadscore.Float(d.Max)
		}
		c.Dimensions[string(ltDims[i])] = jd
	}
	for _, a := range r.Attrs {
		c.Rules = append(c.Rules, jsonRule{ID: a.ID, Dimension: string(ltDims[a.Dim]), When: a.when(), Points: a.Points, Disqualify: a.Disqualify})
	}
	for _, e := range r.Events {
		je := jsonEvent{ID: e.ID, RenamedFrom: e.RenamedFrom, Dimension: string(ltDims[e.Dim]), On: e.On, Points: e.Points, Max: e.Max, Once: e.Once}
		if e.HasWhen {
			je.When = fmt.Sprintf("event.Value > %g", e.MinValue)
		}
		if e.HalfLife > 0 {
			je.HalfLife = leadscore.Duration(e.HalfLife).String()
		}
		c.Events = append(c.Events, je)
	}
	for _, t := range r.Tiers {
		jt := jsonTier{Name: t.Name, Handoff: t.Handoff}
		if !t.CatchAll {
			jt.Min = leadscore.Float(t.Min)
		}
		c.Tiers = append(c.Tiers, jt)
	}
	for _, k := range leadscore.BuiltinSignalKinds() {
		c.Signals = append(c.Signals, jsonSignal{Kind: k, Off: true})
	}
	for _, s := range ltStages {
		c.Journey.Stages = append(c.Journey.Stages, jsonStage{Name: string(s), Owner: string(leadscore.OwnerMarketing)})
	}
	for _, t := range r.Trans {
		jt := jsonTrans{From: string(ltStages[t.From]), To: string(ltStages[t.To]), On: t.On}
		if t.Guard {
			jt.When = fmt.Sprintf("total >= %g", t.Total)
		}
		c.Journey.Transitions = append(c.Journey.Transitions, jt)
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // plain structs: cannot happen
	}
	return string(b)
}

// tier is the tier for total, given the tier the lead was in (DESIGN.md): the first tier
// whose min ≤ total, unless the lead is already in a higher tier and total is still at least
// that tier's min − hysteresis.
func (r *ltRules) tier(prev string, total float64) string {
	natural := len(r.Tiers) - 1
	for i, t := range r.Tiers {
		if t.CatchAll || total >= t.Min {
			natural = i
			break
		}
	}
	c := slices.IndexFunc(r.Tiers, func(t ltTier) bool { return t.Name == prev })
	if c >= 0 && c < natural && r.Hysteresis > 0 && total >= r.Tiers[c].Min-r.Hysteresis {
		return r.Tiers[c].Name
	}
	return r.Tiers[natural].Name
}

func (r *ltRules) handoff(tier string) bool {
	i := slices.IndexFunc(r.Tiers, func(t ltTier) bool { return t.Name == tier })
	return i >= 0 && r.Tiers[i].Handoff
}

// moves applies the journey after an evaluation with the given total, from stage, for an
// event of type evType ("" for Advance): transitions are tried in config order, those with
// "on" only for their event types; they chain, each stage at most once per call.
func (r *ltRules) moves(stage int, evType string, total float64) (moves [][2]int, final int) {
	visited := 1 << stage
	for {
		next := -1
		for _, t := range r.Trans {
			if t.From != stage || visited&(1<<t.To) != 0 {
				continue
			}
			if len(t.On) > 0 && !slices.Contains(t.On, evType) {
				continue
			}
			if t.Guard && !(total >= t.Total) {
				continue
			}
			next = t.To
			break
		}
		if next < 0 {
			return moves, stage
		}
		moves = append(moves, [2]int{stage, next})
		stage = next
		visited |= 1 << next
	}
}

// ambiguous reports whether a decision on total (a tier or a guard) could legitimately go
// either way: the reference's and the real totals differ in rounding and straddle (or touch)
// a threshold. Bit-identical totals must decide alike.
func (r *ltRules) ambiguous(want, got float64) bool {
	if want == got {
		return false
	}
	lo, hi := min(want, got), max(want, got)
	return slices.ContainsFunc(r.thresholds(), func(thr float64) bool {
		tol := 1e-9 * max(1, math.Abs(thr))
		return thr >= lo-tol && thr <= hi+tol
	})
}

// nearThreshold reports whether total is within a relative 1e-6 of a threshold.
func (r *ltRules) nearThreshold(total float64) bool {
	return slices.ContainsFunc(r.thresholds(), func(thr float64) bool {
		return math.Abs(total-thr) <= 1e-6*max(1, math.Abs(thr))
	})
}

func (r *ltRules) thresholds() []float64 {
	var out []float64
	for _, t := range r.Tiers {
		if !t.CatchAll {
			out = append(out, t.Min, t.Min-r.Hysteresis)
		}
	}
	for _, t := range r.Trans {
		if t.Guard {
			out = append(out, t.Total)
		}
	}
	return out
}

// ---- The reference ------------------------------------------------------------------------

// ltRef is the reference State: every event it has taken, nothing decayed or summed.
type ltRef struct {
	ids     map[string]bool        // IDs taken
	matched map[string][]time.Time // per event rule of the current rule set: the times of its matched events
	events  int
	clock   time.Time // latest event time taken or Advance now; zero: none yet
	tier    string    // the tier of the last Observe/Advance evaluation ("" before the first)
	stage   int       // index in ltStages
}

// ltExpect is what the reference computes for one evaluation.
type ltExpect struct {
	at            time.Time
	dims          [3]float64
	total         float64
	disqualified  bool
	contributions []leadscore.Contribution // RuleID, Dimension, Points, Events
}

func newLtRef() ltRef {
	return ltRef{ids: map[string]bool{}, matched: map[string][]time.Time{}}
}

// take folds an event in: its ID, its time into the clock, its time into each rule it matches.
func (ref *ltRef) take(r *ltRules, ev ltEvent) {
	if ev.ID != "" {
		ref.ids[ev.ID] = true
	}
	for _, e := range r.Events {
		if e.matches(ev) {
			ref.matched[e.ID] = append(ref.matched[e.ID], ev.At)
		}
	}
	ref.events++
	ref.clock = ltLater(ref.clock, ev.At)
}

// rebind moves the rules' histories to a new rule set: a rule keeps the history of its own ID
// or, failing that, of the first former ID (renamed_from) that has one. A half-life change
// needs nothing: the reference keeps event times, not decayed sums.
func (ref *ltRef) rebind(r *ltRules) {
	m := map[string][]time.Time{}
	for _, e := range r.Events {
		for _, id := range append([]string{e.ID}, e.RenamedFrom...) {
			if ts, ok := ref.matched[id]; ok {
				m[e.ID] = ts
				break
			}
		}
	}
	ref.matched = m
}

// evaluate computes the scores at `at` from the log (DESIGN.md, "Scoring semantics (exact)").
func (ref *ltRef) evaluate(r *ltRules, lead leadscore.Lead, at time.Time) ltExpect {
	x := ltExpect{at: at}
	var raw [3]float64
	for _, a := range r.Attrs {
		if !a.holds(lead) {
			continue
		}
		raw[a.Dim] += a.Points
		x.disqualified = x.disqualified || a.Disqualify
		x.contributions = append(x.contributions, leadscore.Contribution{RuleID: a.ID, Dimension: ltDims[a.Dim], Points: a.Points})
	}
	for _, e := range r.Events {
		ts := ref.matched[e.ID]
		if len(ts) == 0 {
			continue
		}
		v := e.value(ts, at)
		raw[e.Dim] += v
		n := len(ts)
		if e.Once {
			n = 1
		}
		x.contributions = append(x.contributions, leadscore.Contribution{RuleID: e.ID, Dimension: ltDims[e.Dim], Points: v, Events: n})
	}
	for i, d := range r.Dims {
		v := raw[i]
		if d.HasMin {
			v = max(v, d.Min)
		}
		if d.HasMax {
			v = min(v, d.Max)
		}
		x.dims[i] = v
		x.total += d.Weight * v
	}
	return x
}

// ---- Histories ----------------------------------------------------------------------------

type ltOp uint8

const (
	ltObserve ltOp = iota
	ltAdvance
	ltScore
	ltMerge
	ltMarshal
	ltClone
	ltNewRules
	ltNewLead
)

type ltEvent struct {
	ID, Type string
	At       time.Time
	Value    float64
}

func (e ltEvent) event() leadscore.Event {
	return leadscore.Event{ID: e.ID, Type: e.Type, Time: e.At, Value: e.Value}
}

type ltShardOp struct {
	Advance bool
	Ev      ltEvent   // !Advance
	At      time.Time // Advance
}

type ltStep struct {
	Op     ltOp
	Ev     ltEvent       // ltObserve
	At     time.Time     // ltAdvance, ltScore
	Shards [][]ltShardOp // ltMerge: each shard is a new State that takes these
	Order  []int         // ltMerge: the order the shards are merged in on the other side
	Keep   int           // ltMerge: which merged State the history goes on with (ltMerge doc)
	Rules  *ltRules      // ltNewRules
	Lead   leadscore.Lead
}

type ltHistory struct {
	Seed  uint64 // 0: from bytes (fuzzing)
	Ops   string // the -lifetime.ops it was generated with
	Rules *ltRules
	Lead  leadscore.Lead
	Steps []ltStep
}

// ---- Generating histories -----------------------------------------------------------------

// ltSource is where the generator's choices come from: a seeded PCG, or a fuzzer's bytes.
type ltSource interface {
	IntN(n int) int
	Int64N(n int64) int64
}

// ltBytes reads choices from a fuzzer's bytes; once they run out every choice is 0.
type ltBytes struct {
	data []byte
	pos  int
}

func (b *ltBytes) Int64N(n int64) int64 {
	if n <= 1 {
		return 0
	}
	var v uint64
	for need := uint64(n - 1); need > 0; need >>= 8 {
		v <<= 8
		if b.pos < len(b.data) {
			v |= uint64(b.data[b.pos])
			b.pos++
		}
	}
	return int64(v % uint64(n))
}

func (b *ltBytes) IntN(n int) int { return int(b.Int64N(int64(n))) }

var (
	ltOpNames   = []string{"observe", "late", "dup", "advance", "rewind", "score", "merge", "marshal", "clone", "rules", "lead", "range"}
	ltOpWeights = []int{30, 10, 8, 12, 5, 12, 4, 5, 2, 3, 2, 2}
)

func ltParseOps(s string) ([]int, error) {
	if s == "" {
		return ltOpWeights, nil
	}
	w := make([]int, len(ltOpNames))
	for _, name := range strings.Split(s, ",") {
		i := slices.Index(ltOpNames, strings.TrimSpace(name))
		if i < 0 {
			return nil, fmt.Errorf("-lifetime.ops: unknown step kind %q (want some of %s)", name, strings.Join(ltOpNames, ","))
		}
		w[i] = ltOpWeights[i]
	}
	return w, nil
}

type ltGen struct {
	src     ltSource
	wide    bool  // fuzzing: times anywhere in the accepted range
	weights []int // per ltOpNames
	clock   time.Time
	sent    []ltEvent // events taken with an ID, for redelivery
	ids     int       // event IDs made
	ruleIDs int       // rule IDs made: never reused, so a rule's history is unambiguous
	rules   *ltRules
}

func (g *ltGen) pick(n int) int { return g.src.IntN(n) }

func (g *ltGen) chance(oneIn int) bool { return g.src.IntN(oneIn) == 0 }

func (g *ltGen) ruleID(prefix string) string {
	g.ruleIDs++
	return fmt.Sprintf("%s%d", prefix, g.ruleIDs)
}

func (g *ltGen) genRules() *ltRules {
	r := &ltRules{}
	for i := range r.Dims {
		d := ltDim{Weight: []float64{1, 1, 0.5, 2}[g.pick(4)]}
		if g.chance(3) {
			d.HasMin, d.Min = true, float64(-10*g.pick(6))
		}
		if g.chance(3) {
			d.HasMax, d.Max = true, float64(20+10*g.pick(9))
		}
		r.Dims[i] = d
	}
	for range g.pick(3) {
		r.Attrs = append(r.Attrs, g.genAttr())
	}
	for range 1 + g.pick(4) {
		r.Events = append(r.Events, g.genEventRule())
	}
	names := [][]string{{"hot", "cold"}, {"hot", "warm", "cold"}, {"hot", "warm", "cool", "cold"}}[g.pick(3)]
	r.Tiers = make([]ltTier, len(names))
	floor := 0.0
	for i := len(names) - 1; i >= 0; i-- {
		r.Tiers[i] = ltTier{Name: names[i]}
		if i == len(names)-1 {
			r.Tiers[i].CatchAll = true
			floor = float64(g.pick(30))
			continue
		}
		floor += float64(5 + g.pick(30))
		r.Tiers[i].Min = floor
	}
	r.Tiers[0].Handoff = true
	if len(r.Tiers) > 2 && g.chance(4) {
		r.Tiers[1].Handoff = true
	}
	r.Hysteresis = []float64{0, 0, 3, 8}[g.pick(4)]

	// The journey: a path attract → s1 → s2 → s3 keeps every stage reachable; one of its
	// steps may be a guard; a few extra event-driven transitions add shortcuts and recycling.
	guard := g.pick(4) // 3: no guard
	for i := range 3 {
		t := ltTrans{From: i, To: i + 1}
		if i == guard {
			t.Guard, t.Total = true, float64(5+g.pick(50))
		} else {
			t.On = g.types(ltJourneyTypes, 1+g.pick(2))
		}
		r.Trans = append(r.Trans, t)
	}
	for range g.pick(4) {
		from := g.pick(len(ltStages))
		to := (from + 1 + g.pick(len(ltStages)-1)) % len(ltStages)
		r.Trans = append(r.Trans, ltTrans{From: from, To: to, On: g.types(ltJourneyTypes, 1+g.pick(2))})
	}
	g.shuffle(len(r.Trans), func(i, j int) { r.Trans[i], r.Trans[j] = r.Trans[j], r.Trans[i] })
	return r
}

func (g *ltGen) genAttr() ltAttr {
	a := ltAttr{ID: g.ruleID("a"), Dim: g.pick(3), Cond: g.pick(ltConds), Points: float64(g.pick(41) - 10), Disqualify: g.chance(12)}
	switch a.Cond {
	case ltCondEmployees:
		a.N = []int{50, 100, 500, 1000}[g.pick(4)]
	case ltCondFollowers:
		a.N = []int{100, 10000}[g.pick(2)]
	case ltCondYoung:
		a.N = []int{25, 40}[g.pick(2)]
	}
	return a
}

func (g *ltGen) genEventRule() ltEventRule {
	e := ltEventRule{
		ID:       g.ruleID("e"),
		Dim:      []int{0, 1, 1, 1, 2}[g.pick(5)],
		Points:   float64(g.pick(41)-10) + 0.5*float64(g.pick(2)),
		HalfLife: []time.Duration{0, 12 * time.Hour, 3 * ltDay, 7 * ltDay, 30 * ltDay}[g.pick(5)],
		Once:     g.chance(5),
	}
	if !g.chance(7) {
		e.On = g.types(ltEventTypes, 1+g.pick(2))
	}
	if g.chance(4) {
		e.HasWhen, e.MinValue = true, []float64{10, 50, 100}[g.pick(3)]
	}
	if g.chance(3) {
		e.Max = []float64{15, 40}[g.pick(2)]
	}
	return e
}

// types picks n distinct types (a partial shuffle: no retries, which a fuzzer's exhausted
// bytes, all zeros, would repeat forever).
func (g *ltGen) types(from []string, n int) []string {
	out := slices.Clone(from)
	for i := range n {
		j := i + g.pick(len(out)-i)
		out[i], out[j] = out[j], out[i]
	}
	return out[:n]
}

func (g *ltGen) shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, g.pick(i+1))
	}
}

func (g *ltGen) genLead() leadscore.Lead {
	return leadscore.Lead{
		Title:     []string{"CEO", "Engineer", ""}[g.pick(3)],
		Age:       []int{22, 35, 50}[g.pick(3)],
		Followers: []int{0, 500, 20000}[g.pick(3)],
		Company:   leadscore.Company{Employees: []int{10, 100, 500, 2000}[g.pick(4)]},
	}
}

// mutate derives the next rule set: renamed, re-weighted, added and removed event rules,
// once rules with a new half-life (the conversion the contract calls exact), attribute rules
// re-weighted. A rule keeps its renamed_from for good: a State last bound to an older rule
// set must find its history whatever rule sets it skipped.
func (g *ltGen) mutate(r *ltRules) *ltRules {
	r = r.clone()
	for range 1 + g.pick(3) {
		i := g.pick(len(r.Events))
		e := &r.Events[i]
		switch g.pick(8) {
		case 0, 1:
			e.RenamedFrom = append([]string{e.ID}, e.RenamedFrom...)
			e.ID = g.ruleID("e")
		case 2:
			e.Points = float64(g.pick(41)-10) + 0.5*float64(g.pick(2))
		case 3:
			e.Max = []float64{0, 15, 40}[g.pick(3)]
		case 4:
			if e.Once {
				e.HalfLife = []time.Duration{0, 12 * time.Hour, 3 * ltDay, 7 * ltDay, 30 * ltDay}[g.pick(5)]
			} else {
				e.Dim = g.pick(3)
			}
		case 5:
			r.Events = append(r.Events, g.genEventRule())
		case 6:
			if len(r.Events) > 1 {
				r.Events = slices.Delete(r.Events, i, i+1)
			}
		case 7:
			if len(r.Attrs) > 0 {
				r.Attrs[g.pick(len(r.Attrs))].Points = float64(g.pick(41) - 10)
			}
		}
	}
	return r
}

// Times: forward from the clock by a gap, or back from it (late).

func (g *ltGen) base() time.Time {
	if g.clock.IsZero() {
		return ltT0
	}
	return g.clock
}

func (g *ltGen) gap() time.Duration {
	switch g.pick(10) {
	case 0:
		return 0
	case 1, 2, 3:
		return time.Duration(g.src.Int64N(int64(6 * time.Hour)))
	case 4, 5, 6, 7:
		return time.Duration(g.src.Int64N(int64(3 * ltDay)))
	}
	return time.Duration(g.src.Int64N(int64(12 * ltDay)))
}

func (g *ltGen) future() time.Time {
	if g.wide && g.chance(20) {
		return ltMaxTime.Add(-time.Duration(g.src.Int64N(int64(ltDay))))
	}
	t := g.base().Add(g.gap())
	if t.After(ltMaxTime) {
		t = ltMaxTime
	}
	return t
}

func (g *ltGen) past() time.Time {
	if g.wide && g.chance(20) {
		return ltMinTime.Add(time.Duration(g.src.Int64N(int64(ltDay))))
	}
	t := g.base().Add(-1 - time.Duration(g.src.Int64N(int64(20*ltDay))))
	if t.Before(ltMinTime) {
		t = ltMinTime
	}
	return t
}

func (g *ltGen) anyTime() time.Time {
	if g.chance(2) {
		return g.past()
	}
	return g.future()
}

func (g *ltGen) newEvent(at time.Time) ltEvent {
	ev := ltEvent{Type: ltEventTypes[g.pick(len(ltEventTypes))], At: at, Value: ltValues[g.pick(len(ltValues))]}
	if !g.chance(10) {
		g.ids++
		ev.ID = fmt.Sprintf("e%d", g.ids)
	}
	return ev
}

// taken records an event the State takes (in range).
func (g *ltGen) taken(ev ltEvent) {
	g.clock = ltLater(g.clock, ev.At)
	if ev.ID != "" {
		g.sent = append(g.sent, ev)
	}
}

func (g *ltGen) observe(at time.Time) ltStep {
	ev := g.newEvent(at)
	g.taken(ev)
	return ltStep{Op: ltObserve, Ev: ev}
}

func (g *ltGen) step() ltStep {
	total := 0
	for _, w := range g.weights {
		total += w
	}
	n := g.pick(total)
	op := 0
	for n >= g.weights[op] {
		n -= g.weights[op]
		op++
	}
	switch ltOpNames[op] {
	case "late":
		return g.observe(g.past())
	case "dup":
		if len(g.sent) > 0 {
			return ltStep{Op: ltObserve, Ev: g.sent[g.pick(len(g.sent))]}
		}
		return g.observe(g.future())
	case "advance", "rewind":
		t := g.future()
		if ltOpNames[op] == "rewind" {
			t = g.past()
		}
		g.clock = ltLater(g.clock, t)
		return ltStep{Op: ltAdvance, At: t}
	case "score":
		switch g.pick(3) {
		case 0:
			return ltStep{Op: ltScore, At: g.future()}
		case 1:
			return ltStep{Op: ltScore, At: g.past()}
		}
		return ltStep{Op: ltScore, At: g.base()}
	case "merge":
		return g.merge()
	case "marshal":
		return ltStep{Op: ltMarshal}
	case "clone":
		return ltStep{Op: ltClone}
	case "rules":
		g.rules = g.mutate(g.rules)
		return ltStep{Op: ltNewRules, Rules: g.rules}
	case "lead":
		return ltStep{Op: ltNewLead, Lead: g.genLead()}
	case "range":
		return g.outOfRange()
	}
	return g.observe(g.future())
}

// merge splits the next few events (and maybe an Advance) across 2–3 new shard States.
// Shards start empty and see events no other State saw: the split is of the lead's future.
func (g *ltGen) merge() ltStep {
	s := ltStep{Op: ltMerge, Shards: make([][]ltShardOp, 2+g.pick(2)), Keep: g.pick(3)}
	before := g.clock
	clock := g.clock
	for i := range s.Shards {
		for range 1 + g.pick(4) {
			g.clock = before // shard times are drawn around the lead's clock, not each other's
			if g.chance(6) {
				t := g.anyTime()
				clock = ltLater(clock, t)
				s.Shards[i] = append(s.Shards[i], ltShardOp{Advance: true, At: t})
				continue
			}
			ev := g.newEvent(g.anyTime())
			g.taken(ev)
			clock = ltLater(clock, g.clock)
			s.Shards[i] = append(s.Shards[i], ltShardOp{Ev: ev})
		}
	}
	g.clock = clock
	s.Order = make([]int, len(s.Shards))
	for i := range s.Order {
		s.Order[i] = i
	}
	g.shuffle(len(s.Order), func(i, j int) { s.Order[i], s.Order[j] = s.Order[j], s.Order[i] })
	return s
}

// outOfRange is a call at a time outside [1900, 2200), which must fail with ErrEventTime and
// leave the State as it was, or at one of the range's ends, which must work.
func (g *ltGen) outOfRange() ltStep {
	bad := []time.Time{ltMinTime.Add(-1), ltEnd, time.Date(1850, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2250, 6, 1, 0, 0, 0, 0, time.UTC)}[g.pick(4)]
	switch g.pick(5) {
	case 0:
		return ltStep{Op: ltObserve, Ev: g.newEvent(bad)}
	case 1:
		return ltStep{Op: ltAdvance, At: bad}
	case 2:
		return ltStep{Op: ltScore, At: bad}
	case 3:
		return g.observe(ltMinTime)
	}
	return ltStep{Op: ltScore, At: ltMaxTime}
}

func ltGenerate(src ltSource, weights []int, wide bool, steps int, more func() bool) *ltHistory {
	g := &ltGen{src: src, wide: wide, weights: weights}
	h := &ltHistory{}
	g.rules = g.genRules()
	h.Rules, h.Lead = g.rules, g.genLead()
	for len(h.Steps) < steps && more() {
		h.Steps = append(h.Steps, g.step())
	}
	return h
}

// ltGenerateSeed makes history seed: 100–300 steps, times within weeks of each other, except
// every eighth history, whose times may jump to either end of the accepted range.
func ltGenerateSeed(seed uint64, ops string, weights []int) *ltHistory {
	rng := rand.New(rand.NewPCG(seed, 0x11fe))
	h := ltGenerate(rng, weights, seed%8 == 0, 100+rng.IntN(200), func() bool { return true })
	h.Seed, h.Ops = seed, ops
	return h
}

// ---- Running a history side by side --------------------------------------------------------

// ltFailure is the first disagreement in a history.
type ltFailure struct {
	Step   int    // index in the history's steps (-1: setting up)
	Label  string // what failed, stable across histories: failures are grouped and shrunk by it
	Detail string
}

func ltFail(label, format string, args ...any) *ltFailure {
	return &ltFailure{Label: label, Detail: fmt.Sprintf(format, args...)}
}

// ltRunner runs histories, compiling each rule set once.
type ltRunner struct {
	compiled map[string]ltCompiled
}

type ltCompiled struct {
	scorer *leadscore.Scorer[leadscore.Lead]
	fail   *ltFailure
}

func newLtRunner() *ltRunner { return &ltRunner{compiled: map[string]ltCompiled{}} }

func (rn *ltRunner) compile(r *ltRules) (*leadscore.Scorer[leadscore.Lead], *ltFailure) {
	text := r.JSON()
	if c, ok := rn.compiled[text]; ok {
		return c.scorer, c.fail
	}
	if len(rn.compiled) > 512 { // fuzzing makes endless rule sets
		clear(rn.compiled)
	}
	var c ltCompiled
	cfg, err := leadscore.ParseConfig([]byte(text))
	if err != nil {
		what := "rule set rejected"
		if strings.Contains(text, "renamed_from") {
			what = "rule set with renamed_from rejected"
		}
		c.fail = ltFail("ParseConfig: "+what, "%v", err)
	} else if c.scorer, err = leadscore.Compile[leadscore.Lead](cfg, leadscore.WithDedupWindow(ltDedup)); err != nil {
		c.fail = ltFail("Compile: rule set rejected", "%v", err)
	}
	rn.compiled[text] = c
	return c.scorer, c.fail
}

// ltExec is one history in progress: the real State and the reference.
type ltExec struct {
	rules  *ltRules
	scorer *leadscore.Scorer[leadscore.Lead]
	lead   leadscore.Lead
	st     *leadscore.State
	ref    ltRef
	// lastAt is the date of the latest transition reported: none may be dated before it.
	lastAt time.Time
	// wake is NextWakeup after the last Observe or Advance, while nothing but time has changed.
	wake struct {
		valid, ok bool
		at        time.Time
	}
	ambiguous int // decisions too close to a threshold to compare
}

func (rn *ltRunner) run(h *ltHistory) (executed int, ambiguous int, f *ltFailure) {
	x := &ltExec{rules: h.Rules, lead: h.Lead, st: new(leadscore.State), ref: newLtRef()}
	step := -1
	defer func() {
		if p := recover(); p != nil {
			f = ltFail("panic", "%v\n%s", p, debug.Stack())
			f.Step, executed = step, step+1
		}
	}()
	if x.scorer, f = rn.compile(h.Rules); f != nil {
		f.Step = -1
		return 0, 0, f
	}
	for step = range h.Steps {
		if f = x.apply(rn, h.Steps[step]); f != nil {
			f.Step = step
			return step + 1, x.ambiguous, f
		}
	}
	// Whatever a history did, the State it leaves must encode and decode.
	if f = x.apply(rn, ltStep{Op: ltMarshal}); f != nil {
		f.Step = len(h.Steps) - 1
		f.Detail += " (the round trip after the last step)"
		return len(h.Steps), x.ambiguous, f
	}
	return len(h.Steps), x.ambiguous, nil
}

func (x *ltExec) apply(rn *ltRunner, s ltStep) *ltFailure {
	switch s.Op {
	case ltObserve:
		return x.observe(s.Ev)
	case ltAdvance:
		return x.advance(s.At)
	case ltScore:
		return x.score("Score", s.At)
	case ltMerge:
		return x.merge(s)
	case ltMarshal:
		data, err := x.st.MarshalBinary()
		if err != nil {
			return ltFail("MarshalBinary: error", "%v", err)
		}
		back := new(leadscore.State)
		if err := back.UnmarshalBinary(data); err != nil {
			return ltFail("UnmarshalBinary: rejects MarshalBinary's output", "%v (%d bytes)", err, len(data))
		}
		x.st = back
	case ltClone:
		x.st = x.st.Clone()
	case ltNewRules:
		sc, f := rn.compile(s.Rules)
		if f != nil {
			return f
		}
		x.scorer, x.rules = sc, s.Rules
		x.ref.rebind(s.Rules)
		x.wake.valid = false
	case ltNewLead:
		x.lead = s.Lead
		x.wake.valid = false
	}
	return nil
}

func ltInRange(t time.Time) bool { return !t.Before(ltMinTime) && t.Before(ltEnd) }

// rejected checks a call at a time outside the range: ErrEventTime, and the State as it was.
func (x *ltExec) rejected(call string, at time.Time, do func() error) *ltFailure {
	before, err := x.st.MarshalBinary()
	if err != nil {
		return ltFail("MarshalBinary: error", "%v", err)
	}
	err = do()
	if !errors.Is(err, leadscore.ErrEventTime) {
		return ltFail("time range: "+call+" outside [1900, 2200) not rejected with ErrEventTime", "%s at %s: error %v", call, ltFmt(at), err)
	}
	after, err := x.st.MarshalBinary()
	if err != nil {
		return ltFail("MarshalBinary: error", "%v", err)
	}
	if !bytes.Equal(before, after) {
		return ltFail("time range: a rejected "+call+" changed the State", "%s at %s", call, ltFmt(at))
	}
	return nil
}

func (x *ltExec) observe(ev ltEvent) *ltFailure {
	if !ltInRange(ev.At) {
		return x.rejected("Observe", ev.At, func() error {
			_, err := x.scorer.Observe(x.lead, x.st, ev.event())
			return err
		})
	}
	res, err := x.scorer.Observe(x.lead, x.st, ev.event())
	if err != nil {
		return ltFail("Observe: error", "%v", err)
	}
	if ev.ID != "" && x.ref.ids[ev.ID] {
		// A redelivery: ignored, the Result is that of the State as it is, at its clock.
		if !res.Duplicate {
			return ltFail("Observe: redelivered ID not recognised", "event %s was taken before; Result.Duplicate is false", ev.ID)
		}
		return x.check("Observe (redelivery)", res, x.ref.evaluate(x.rules, x.lead, ltLater(x.ref.clock, ev.At)), false, "")
	}
	if res.Duplicate {
		return ltFail("Observe: new event reported as a duplicate", "event %q was never taken", ev.ID)
	}
	x.ref.take(x.rules, ev)
	return x.check("Observe", res, x.ref.evaluate(x.rules, x.lead, x.ref.clock), true, ev.Type)
}

func (x *ltExec) advance(now time.Time) *ltFailure {
	if !ltInRange(now) {
		return x.rejected("Advance", now, func() error {
			_, err := x.scorer.Advance(x.lead, x.st, now)
			return err
		})
	}
	res, err := x.scorer.Advance(x.lead, x.st, now)
	if err != nil {
		return ltFail("Advance: error", "%v", err)
	}
	lastEval, wake := x.ref.clock, x.wake
	x.ref.clock = ltLater(x.ref.clock, now)
	want := x.ref.evaluate(x.rules, x.lead, x.ref.clock)
	if f := x.check("Advance", res, want, true, ""); f != nil {
		return f
	}
	// NextWakeup is never late: Advance at a time between the last evaluation and the
	// wakeup changes nothing. (Checked after the Result, so a wrong Advance is named first.)
	if wake.valid && now.After(lastEval) && (!wake.ok || now.Before(wake.at)) && len(res.Transitions) > 0 &&
		!x.rules.nearThreshold(want.total) {
		when := "never"
		if wake.ok {
			when = ltFmt(wake.at)
		}
		return ltFail("NextWakeup: late", "after the evaluation at %s NextWakeup said %s, but Advance(%s) changed the State: %s",
			ltFmt(lastEval), when, ltFmt(now), ltTransitions(res.Transitions))
	}
	return nil
}

func (x *ltExec) score(call string, now time.Time) *ltFailure {
	if !ltInRange(now) {
		return x.rejected("Score", now, func() error {
			_, err := x.scorer.Score(x.lead, x.st, now)
			return err
		})
	}
	res, err := x.scorer.Score(x.lead, x.st, now)
	if err != nil {
		return ltFail(call+": error", "%v", err)
	}
	return x.check(call, res, x.ref.evaluate(x.rules, x.lead, ltLater(x.ref.clock, now)), false, "")
}

// check compares a Result with the reference's evaluation. settle: the call is an Observe or
// Advance that decides (the tier and stage it reaches are the State's from now on, and each
// change is a transition); otherwise the Result reads the State and reports no transitions.
func (x *ltExec) check(call string, res leadscore.Result, want ltExpect, settle bool, evType string) *ltFailure {
	if f := ltSameScores(call, res, want); f != nil {
		return f
	}
	if x.rules.ambiguous(want.total, res.Total) {
		// Rounding decides this one: follow the real State rather than guess.
		x.ambiguous++
		if settle {
			x.ref.tier, x.ref.stage = res.Tier, slices.Index(ltStages, res.Stage)
			x.noteWake()
			if len(res.Transitions) > 0 {
				x.lastAt = ltLater(x.lastAt, res.Transitions[len(res.Transitions)-1].At)
			}
		}
		return nil
	}
	tier, stage := x.rules.tier(x.ref.tier, want.total), x.ref.stage
	var moves [][2]int
	if settle {
		moves, stage = x.rules.moves(x.ref.stage, evType, want.total)
	}
	expect := fmt.Sprintf("tier %q, handoff %v, stage %s", tier, x.rules.handoff(tier) && !want.disqualified, ltStages[stage])
	if res.Tier != tier || res.Handoff != (x.rules.handoff(tier) && !want.disqualified) {
		return ltFail(call+": tier", "got tier %q, handoff %v; want %s (total %v, previous tier %q, hysteresis %v)",
			res.Tier, res.Handoff, expect, want.total, x.ref.tier, x.rules.Hysteresis)
	}
	if res.Stage != ltStages[stage] {
		return ltFail(call+": stage", "got stage %s; want %s (from %s)", res.Stage, ltStages[stage], ltStages[x.ref.stage])
	}

	var wantTr []string
	for _, m := range moves {
		wantTr = append(wantTr, fmt.Sprintf("stage %s→%s", ltStages[m[0]], ltStages[m[1]]))
	}
	if settle && tier != x.ref.tier {
		wantTr = append(wantTr, fmt.Sprintf("tier %q→%q", x.ref.tier, tier))
	}
	var gotTr []string
	for _, t := range res.Transitions {
		gotTr = append(gotTr, ltTransition(t))
	}
	// Stage transitions in the order they chain; the tier one wherever it is.
	if !slices.Equal(ltKind(gotTr, "stage"), ltKind(wantTr, "stage")) ||
		!slices.Equal(ltKind(gotTr, "tier"), ltKind(wantTr, "tier")) || len(gotTr) != len(wantTr) {
		return ltFail(call+": transitions", "got %s; want %s (previous tier %q, stage %s)",
			ltList(gotTr), ltList(wantTr), x.ref.tier, ltStages[x.ref.stage])
	}
	// A transition happens by the evaluation that reports it, and never before an earlier one
	// (when in between is the library's choice: a decay crossing may be dated when it fell).
	for _, t := range res.Transitions {
		if t.At.Before(x.lastAt) {
			return ltFail("transition dated before an earlier one", "%s: %s dated %s, after one dated %s",
				call, ltTransition(t), ltFmt(t.At), ltFmt(x.lastAt))
		}
		if t.At.After(want.at) {
			return ltFail(call+": transition dated after its evaluation", "%s dated %s; evaluated at %s", ltTransition(t), ltFmt(t.At), ltFmt(want.at))
		}
		x.lastAt = t.At
	}
	if settle {
		x.ref.tier, x.ref.stage = tier, stage
		x.noteWake()
	}
	return nil
}

func (x *ltExec) noteWake() {
	x.wake.at, x.wake.ok = x.scorer.NextWakeup(x.st)
	x.wake.valid = true
}

// ltSameScores compares what does not depend on the State's path: time, scores, contributions.
func ltSameScores(call string, res leadscore.Result, want ltExpect) *ltFailure {
	if !res.At.Equal(want.at) {
		return ltFail(call+": Result.At (the clock)", "evaluated at %s; want %s", ltFmt(res.At), ltFmt(want.at))
	}
	if !ltFinite(res) {
		return ltFail(call+": NaN or Inf in Result", "%s", ltResult(res))
	}
	got := [4]float64{res.Fit, res.Engagement, res.Relationship, res.Total}
	exp := [4]float64{want.dims[0], want.dims[1], want.dims[2], want.total}
	same := len(res.Contributions) == len(want.contributions) && res.Disqualified == want.disqualified
	for i := range got {
		same = same && ltNear(got[i], exp[i])
	}
	for i := 0; same && i < len(res.Contributions); i++ {
		g, w := res.Contributions[i], want.contributions[i]
		same = g.RuleID == w.RuleID && g.Dimension == w.Dimension && ltNear(g.Points, w.Points) && g.Events == w.Events
	}
	if !same {
		return ltFail(call+": scores", "got  %s\nwant %s", ltResult(res), ltExpectString(want))
	}
	return nil
}

// ltMerge: A is the lead's State merged with each shard in turn, B the shards merged with each
// other in another order and then with the lead's State, C is A merged with itself. All three
// must agree (commutative, associative, idempotent); the history goes on with one of them.
func (x *ltExec) merge(s ltStep) *ltFailure {
	shards := make([]*leadscore.State, len(s.Shards))
	for i, ops := range s.Shards {
		shards[i] = new(leadscore.State)
		for _, op := range ops {
			if op.Advance {
				if _, err := x.scorer.Advance(x.lead, shards[i], op.At); err != nil {
					return ltFail("Merge: shard Advance error", "%v", err)
				}
				x.ref.clock = ltLater(x.ref.clock, op.At)
				continue
			}
			if _, err := x.scorer.Observe(x.lead, shards[i], op.Ev.event()); err != nil {
				return ltFail("Merge: shard Observe error", "%v", err)
			}
			x.ref.take(x.rules, op.Ev)
		}
	}
	// The parts may be laid out by an earlier rule set (a rule-set change since): merge under
	// the one being scored with, as a service would.
	merge := func(st, other *leadscore.State) error {
		if err := x.scorer.Merge(st, other); err != nil {
			return fmt.Errorf("Merge: %w", err)
		}
		return nil
	}
	a := x.st.Clone()
	for _, sh := range shards {
		if err := merge(a, sh); err != nil {
			return ltFail("Merge: error", "%v", err)
		}
	}
	b := shards[s.Order[0]].Clone()
	for _, j := range s.Order[1:] {
		if err := merge(b, shards[j]); err != nil {
			return ltFail("Merge: error", "%v", err)
		}
	}
	if err := merge(b, x.st); err != nil {
		return ltFail("Merge: error", "%v", err)
	}
	c := a.Clone()
	if err := merge(c, c); err != nil {
		return ltFail("Merge: error", "a.Merge(a): %v", err)
	}
	d := a.Clone()
	if err := merge(d, a); err != nil {
		return ltFail("Merge: error", "a.Merge(copy of a): %v", err)
	}
	probes := []time.Time{x.ref.clock, x.ref.clock.Add(3 * ltDay)}
	// Two parts that are equal byte for byte are, to Merge, one part and its copy: that is what
	// makes a.Merge(a) change nothing. Parts that are equal only because they hold the same
	// events without IDs at the same instants are therefore merged as one (doc.go, "A State's
	// lifetime"), and the order of merging decides whether they met as equals. The orders are
	// compared only when no two parts are equal; the history goes on with A, which met none.
	keep := s.Keep
	if ltEqualParts(append([]*leadscore.State{x.st}, shards...)) {
		keep = 0
	} else if f := x.sameState("Merge: not commutative or associative", "the lead's State merged with the shards", "the shards merged and then with the lead's State", a, b, probes); f != nil {
		return f
	}
	if f := x.sameState("Merge: a.Merge(a) changed a", "a", "a after a.Merge(a)", a, c, probes); f != nil {
		return f
	}
	if f := x.sameState("Merge: merging a copy of itself changed a", "a", "a after a.Merge(a.Clone())", a, d, probes); f != nil {
		return f
	}

	// Tier and stage bookkeeping is the merged State's own (the contract does not say which
	// part's wins): follow it. The scores are the union's, at the latest clock.
	x.st = []*leadscore.State{a, b, c}[keep]
	x.ref.tier = x.st.Tier()
	if x.ref.stage = slices.Index(ltStages, x.st.Stage()); x.ref.stage < 0 {
		return ltFail("Merge: stage outside the journey", "merged State in stage %q", x.st.Stage())
	}
	x.wake.valid = false
	early := x.ref.clock.Add(-time.Hour)
	if early.Before(ltMinTime) {
		early = ltMinTime
	}
	return x.score("Score after Merge", early)
}

// ltEqualParts reports whether any two non-empty parts encode to the same bytes.
func ltEqualParts(parts []*leadscore.State) bool {
	seen := map[string]bool{}
	for _, p := range parts {
		if p.Events() == 0 {
			continue
		}
		b, err := p.MarshalBinary()
		if err != nil {
			return false
		}
		if seen[string(b)] {
			return true
		}
		seen[string(b)] = true
	}
	return false
}

// sameState compares two States that must be the same lead: stage, tier and Score at probes.
func (x *ltExec) sameState(label, nameA, nameB string, a, b *leadscore.State, probes []time.Time) *ltFailure {
	if a.Stage() != b.Stage() || a.Tier() != b.Tier() {
		return ltFail(label, "%s: stage %s, tier %q; %s: stage %s, tier %q", nameA, a.Stage(), a.Tier(), nameB, b.Stage(), b.Tier())
	}
	for _, at := range probes {
		if !ltInRange(at) {
			continue
		}
		ra, err := x.scorer.Score(x.lead, a, at)
		if err != nil {
			return ltFail("Score: error", "%v", err)
		}
		rb, err := x.scorer.Score(x.lead, b, at)
		if err != nil {
			return ltFail("Score: error", "%v", err)
		}
		if !ltFinite(ra) || !ltFinite(rb) {
			return ltFail("Merge: NaN or Inf in Result", "Score at %s:\n%s: %s\n%s: %s", ltFmt(at), nameA, ltResult(ra), nameB, ltResult(rb))
		}
		same := ra.At.Equal(rb.At) && ra.Stage == rb.Stage && len(ra.Contributions) == len(rb.Contributions) &&
			ltNear(ra.Fit, rb.Fit) && ltNear(ra.Engagement, rb.Engagement) && ltNear(ra.Relationship, rb.Relationship) && ltNear(ra.Total, rb.Total)
		for i := 0; same && i < len(ra.Contributions); i++ {
			ca, cb := ra.Contributions[i], rb.Contributions[i]
			same = ca.RuleID == cb.RuleID && ltNear(ca.Points, cb.Points) && ca.Events == cb.Events
		}
		if same && !x.rules.ambiguous(ra.Total, rb.Total) {
			same = ra.Tier == rb.Tier && ra.Handoff == rb.Handoff
		}
		if !same {
			return ltFail(label, "Score at %s:\n%s: %s\n%s: %s", ltFmt(at), nameA, ltResult(ra), nameB, ltResult(rb))
		}
	}
	return nil
}

// ---- Helpers --------------------------------------------------------------------------------

// ltLater is the later of two times, a zero time meaning none.
func ltLater(a, b time.Time) time.Time {
	if a.IsZero() || b.After(a) {
		return b
	}
	return a
}

// ltNear: equal within 1e-9, absolute near zero and relative above 1.
func ltNear(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b))
}

// ltFinite reports whether r's scores and points are all finite numbers.
func ltFinite(r leadscore.Result) bool {
	vs := []float64{r.Fit, r.Engagement, r.Relationship, r.Total}
	for _, c := range r.Contributions {
		vs = append(vs, c.Points)
	}
	return !slices.ContainsFunc(vs, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) })
}

// ltFmt writes times relative to ltT0, exactly.
func ltFmt(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := t.Sub(ltT0)
	if d.Abs() > 100*365*ltDay {
		return t.UTC().Format(time.RFC3339Nano)
	}
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	s := "t0" + sign
	if days := d / ltDay; days > 0 {
		s += fmt.Sprintf("%dd", days)
		d -= days * ltDay
		if d == 0 {
			return s
		}
	}
	return s + d.String()
}

func ltTransition(t leadscore.Transition) string {
	switch t.Kind {
	case leadscore.TransitionStage:
		return fmt.Sprintf("stage %s→%s", t.From, t.To)
	case leadscore.TransitionTier:
		return fmt.Sprintf("tier %q→%q", t.FromTier, t.ToTier)
	case leadscore.TransitionSignal:
		return fmt.Sprintf("signal %s raised=%v", t.Signal, t.Raised)
	}
	return fmt.Sprintf("%s %s", t.Kind, t.To)
}

func ltTransitions(ts []leadscore.Transition) string {
	var out []string
	for _, t := range ts {
		out = append(out, ltTransition(t)+" @"+ltFmt(t.At))
	}
	return ltList(out)
}

func ltKind(ts []string, kind string) []string {
	var out []string
	for _, t := range ts {
		if strings.HasPrefix(t, kind+" ") {
			out = append(out, t)
		}
	}
	return out
}

func ltList(xs []string) string { return "[" + strings.Join(xs, ", ") + "]" }

func ltResult(r leadscore.Result) string {
	var cs []string
	for _, c := range r.Contributions {
		cs = append(cs, fmt.Sprintf("%s %s %v (%d)", c.RuleID, c.Dimension, c.Points, c.Events))
	}
	return fmt.Sprintf("at %s: fit %v, engagement %v, relationship %v, total %v, disqualified %v, tier %q, stage %s, contributions %s, transitions %s",
		ltFmt(r.At), r.Fit, r.Engagement, r.Relationship, r.Total, r.Disqualified, r.Tier, r.Stage, ltList(cs), ltTransitions(r.Transitions))
}

func ltExpectString(x ltExpect) string {
	var cs []string
	for _, c := range x.contributions {
		cs = append(cs, fmt.Sprintf("%s %s %v (%d)", c.RuleID, c.Dimension, c.Points, c.Events))
	}
	return fmt.Sprintf("at %s: fit %v, engagement %v, relationship %v, total %v, disqualified %v, contributions %s",
		ltFmt(x.at), x.dims[0], x.dims[1], x.dims[2], x.total, x.disqualified, ltList(cs))
}

func ltLeadString(l leadscore.Lead) string {
	return fmt.Sprintf("Lead{Title: %q, Age: %d, Followers: %d, Company: Company{Employees: %d}}", l.Title, l.Age, l.Followers, l.Company.Employees)
}

func (e ltEvent) String() string {
	id := e.ID
	if id == "" {
		id = "(no ID)"
	}
	return fmt.Sprintf("%s %s @%s value %v", id, e.Type, ltFmt(e.At), e.Value)
}

// String lists the history as a reader reproduces it, each step annotated with how it
// stands to the clock (late, redelivered, before the clock).
func (h *ltHistory) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rule set: %s\nlead: %s\nt0 = %s\n", h.Rules.JSON(), ltLeadString(h.Lead), ltT0.Format(time.RFC3339))
	var clock time.Time
	ids := map[string]bool{}
	take := func(ev ltEvent) string {
		note := ""
		switch {
		case !ltInRange(ev.At):
			return "  // out of range"
		case ev.ID != "" && ids[ev.ID]:
			return "  // redelivery"
		case !clock.IsZero() && ev.At.Before(clock):
			note = "  // late: clock " + ltFmt(clock)
		}
		ids[ev.ID] = ev.ID != ""
		clock = ltLater(clock, ev.At)
		return note
	}
	for i, s := range h.Steps {
		fmt.Fprintf(&b, "%4d  ", i)
		switch s.Op {
		case ltObserve:
			fmt.Fprintf(&b, "Observe(%s)%s", s.Ev, take(s.Ev))
		case ltAdvance, ltScore:
			name := map[ltOp]string{ltAdvance: "Advance", ltScore: "Score"}[s.Op]
			fmt.Fprintf(&b, "%s(%s)", name, ltFmt(s.At))
			switch {
			case !ltInRange(s.At):
				b.WriteString("  // out of range")
			case !clock.IsZero() && s.At.Before(clock):
				fmt.Fprintf(&b, "  // before the clock %s", ltFmt(clock))
			}
			if s.Op == ltAdvance && ltInRange(s.At) {
				clock = ltLater(clock, s.At)
			}
		case ltMerge:
			b.WriteString("Merge")
			newClock := clock
			for j, ops := range s.Shards {
				var parts []string
				for _, op := range ops {
					if op.Advance {
						parts = append(parts, "Advance("+ltFmt(op.At)+")")
						newClock = ltLater(newClock, op.At)
						continue
					}
					parts = append(parts, "Observe("+op.Ev.String()+")")
					ids[op.Ev.ID] = op.Ev.ID != ""
					newClock = ltLater(newClock, op.Ev.At)
				}
				fmt.Fprintf(&b, " shard%d=%s", j, ltList(parts))
			}
			clock = newClock
			var order []string
			for _, j := range s.Order {
				order = append(order, fmt.Sprintf("shard%d", j))
			}
			fmt.Fprintf(&b, "; A = st⊔shards in turn, B = (%s)⊔st, C = A⊔A; go on with %s", strings.Join(order, "⊔"), []string{"A", "B", "C"}[s.Keep])
		case ltMarshal:
			b.WriteString("MarshalBinary → UnmarshalBinary")
		case ltClone:
			b.WriteString("Clone")
		case ltNewRules:
			fmt.Fprintf(&b, "new rule set: %s", s.Rules.JSON())
		case ltNewLead:
			fmt.Fprintf(&b, "new lead: %s", ltLeadString(s.Lead))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// ---- Shrinking ------------------------------------------------------------------------------

// shrink looks for a shorter history that fails with the same label: without whole steps,
// then without operations inside merges, then with a simpler initial rule set; it keeps every
// simplification after which the failure stays, until none helps or the budget of runs is spent.
func (rn *ltRunner) shrink(h *ltHistory, f *ltFailure, budget int) (*ltHistory, *ltFailure) {
	best := *h
	best.Steps = slices.Clone(h.Steps[:max(f.Step+1, 0)])
	try := func(c ltHistory) bool {
		if budget <= 0 {
			return false
		}
		budget--
		_, _, g := rn.run(&c)
		if g == nil || g.Label != f.Label {
			return false
		}
		c.Steps = c.Steps[:max(g.Step+1, 0)]
		best, f = c, g
		return true
	}
	for progress := true; progress && budget > 0; {
		progress = false
		for chunk := max(len(best.Steps)/2, 1); chunk >= 1; chunk /= 2 {
			for i := 0; i < len(best.Steps); {
				c := best
				c.Steps = slices.Delete(slices.Clone(best.Steps), i, min(i+chunk, len(best.Steps)))
				if try(c) {
					progress = true
					continue
				}
				i += chunk
			}
		}
		isMerge := func(i int) bool { return i < len(best.Steps) && best.Steps[i].Op == ltMerge }
		for i := 0; i < len(best.Steps); i++ {
			for j := 0; isMerge(i) && j < len(best.Steps[i].Shards); j++ {
				for k := 0; isMerge(i) && j < len(best.Steps[i].Shards) && k < len(best.Steps[i].Shards[j]); {
					if try(ltWithoutShardOp(best, i, j, k)) {
						progress = true
						continue
					}
					k++
				}
			}
		}
		for i := 0; ; i++ {
			edits := ltRuleEdits(best.Rules)
			if i >= len(edits) {
				break
			}
			c := best
			c.Rules = edits[i]
			if try(c) {
				progress = true
				i-- // the edits renumber: the same index is the next one
			}
		}
	}
	return &best, f
}

// ltWithoutShardOp is h without operation k of shard j of merge step i (and without the
// shard, or the merge, left empty).
func ltWithoutShardOp(h ltHistory, i, j, k int) ltHistory {
	h.Steps = slices.Clone(h.Steps)
	m := &h.Steps[i]
	m.Shards = slices.Clone(m.Shards)
	m.Shards[j] = slices.Delete(slices.Clone(m.Shards[j]), k, k+1)
	if len(m.Shards[j]) > 0 {
		return h
	}
	m.Shards = slices.Delete(m.Shards, j, j+1)
	var order []int
	for _, o := range m.Order {
		switch {
		case o < j:
			order = append(order, o)
		case o > j:
			order = append(order, o-1)
		}
	}
	m.Order = order
	if len(m.Shards) == 0 {
		h.Steps = slices.Delete(h.Steps, i, i+1)
	}
	return h
}

// ltRuleEdits lists the simpler variants of r: each without one of its rules or journey
// transitions, without hysteresis, with plain dimensions.
func ltRuleEdits(r *ltRules) []*ltRules {
	var out []*ltRules
	edit := func(change func(c *ltRules)) {
		c := r.clone()
		change(c)
		out = append(out, c)
	}
	for i := range r.Attrs {
		edit(func(c *ltRules) { c.Attrs = slices.Delete(c.Attrs, i, i+1) })
	}
	for i := range r.Events {
		edit(func(c *ltRules) { c.Events = slices.Delete(c.Events, i, i+1) })
	}
	for i := range r.Trans {
		edit(func(c *ltRules) { c.Trans = slices.Delete(c.Trans, i, i+1) })
	}
	if r.Hysteresis != 0 {
		edit(func(c *ltRules) { c.Hysteresis = 0 })
	}
	if plain := [3]ltDim{{Weight: 1}, {Weight: 1}, {Weight: 1}}; r.Dims != plain {
		edit(func(c *ltRules) { c.Dims = plain })
	}
	return out
}

// ---- The tests ------------------------------------------------------------------------------

// TestLifetimeModel runs random histories (at least -lifetime.steps steps in all) on the real
// Scorer and the reference side by side. Each kind of failure is reported once, with the seed
// that found it, the step, and the history shrunk to the steps that still fail that way.
func TestLifetimeModel(t *testing.T) {
	weights, err := ltParseOps(*lifetimeOps)
	if err != nil {
		t.Fatal(err)
	}
	rn := newLtRunner()
	type group struct {
		histories int
		seed      uint64
	}
	groups := map[string]*group{}
	var labels []string
	generated, executed, ambiguous, histories := 0, 0, 0, 0
	const shrinkBudget, reports = 1500, 12
	for seed := uint64(1); generated < *lifetimeSteps || *lifetimeSeed != 0; seed++ {
		if *lifetimeSeed != 0 {
			seed = *lifetimeSeed
		}
		h := ltGenerateSeed(seed, *lifetimeOps, weights)
		n, amb, f := rn.run(h)
		generated, executed, ambiguous, histories = generated+len(h.Steps), executed+n, ambiguous+amb, histories+1
		if *lifetimeSeed != 0 {
			t.Logf("history %d (%d steps):\n%s", seed, len(h.Steps), h)
		}
		if f != nil {
			g := groups[f.Label]
			if g == nil {
				g = &group{seed: seed}
				groups[f.Label] = g
				labels = append(labels, f.Label)
				if len(labels) <= reports {
					t.Error(ltReport(rn, h, f, shrinkBudget))
				}
			}
			g.histories++
		}
		if *lifetimeSeed != 0 {
			break
		}
	}
	t.Logf("%d histories, %d steps generated, %d run (%d decisions too close to a threshold to compare)", histories, generated, executed, ambiguous)
	if len(labels) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%d kinds of contract violation (histories stop at their first):\n", len(labels))
		for _, l := range labels {
			fmt.Fprintf(&b, "  %-70s %4d histories, first seed %d\n", l, groups[l].histories, groups[l].seed)
		}
		t.Error(b.String())
	}
}

func ltReport(rn *ltRunner, h *ltHistory, f *ltFailure, budget int) string {
	var b strings.Builder
	run := "go test -run 'TestLifetimeModel$' -lifetime.seed=" + fmt.Sprint(h.Seed)
	if h.Ops != "" {
		run += " -lifetime.ops=" + h.Ops
	}
	if h.Seed == 0 {
		run = "(from fuzz input)"
	}
	fmt.Fprintf(&b, "%s\nseed %d, step %d of %d: %s\nreproduce: %s\n", f.Label, h.Seed, f.Step, len(h.Steps), f.Detail, run)
	small, sf := rn.shrink(h, f, budget)
	fmt.Fprintf(&b, "shrunk to %d steps, failing at step %d: %s\n%s", len(small.Steps), sf.Step, sf.Detail, small)
	return b.String()
}

// FuzzLifetime decodes its input into a rule set and a history (each choice a few bytes: op
// codes, times, IDs), with times anywhere in the accepted range, and runs it as
// TestLifetimeModel does: the same comparisons against the reference, no panic, and every
// MarshalBinary output accepted by UnmarshalBinary.
func FuzzLifetime(f *testing.F) {
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 0xf022))
		data := make([]byte, 32+rng.IntN(600))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		f.Add(data)
	}
	f.Add([]byte{})
	rn := newLtRunner()
	f.Fuzz(func(t *testing.T, data []byte) {
		src := &ltBytes{data: data}
		h := ltGenerate(src, ltOpWeights, true, 120, func() bool { return src.pos < len(src.data) })
		if _, _, fail := rn.run(h); fail != nil {
			t.Fatalf("%s\nstep %d: %s\nhistory:\n%s", fail.Label, fail.Step, fail.Detail, h)
		}
	})
}

// TestLifetimeReference checks the reference itself against numbers worked out by hand, so
// that a disagreement in TestLifetimeModel is the library's.
func TestLifetimeReference(t *testing.T) {
	r := &ltRules{
		Dims: [3]ltDim{{Weight: 1}, {Weight: 1}, {Weight: 0.5}},
		Attrs: []ltAttr{
			{ID: "ceo", Dim: 0, Cond: ltCondCEO, Points: 10},
			{ID: "big", Dim: 0, Cond: ltCondEmployees, N: 500, Points: 99},
		},
		Events: []ltEventRule{
			{ID: "click", Dim: 1, On: []string{leadscore.EventEmailClick}, Points: 10, HalfLife: ltDay},
			{ID: "form", Dim: 1, On: []string{leadscore.EventFormSubmit}, Points: 20, HalfLife: 2 * ltDay, Once: true},
			{ID: "buy", Dim: 2, On: []string{leadscore.EventPurchase}, HasWhen: true, MinValue: 50, Points: 30, Max: 40},
		},
		Tiers:      []ltTier{{Name: "hot", Min: 40, Handoff: true}, {Name: "warm", Min: 20}, {Name: "cold", CatchAll: true}},
		Hysteresis: 5,
		Trans: []ltTrans{
			{From: 0, To: 1, On: []string{leadscore.EventFormSubmit}},
			{From: 1, To: 2, Guard: true, Total: 40},
			{From: 2, To: 3, On: []string{leadscore.EventPurchase}},
		},
	}
	lead := leadscore.Lead{Title: "CEO", Company: leadscore.Company{Employees: 10}}
	ref := newLtRef()
	at := func(d time.Duration) time.Time { return ltT0.Add(d) }
	for _, ev := range []ltEvent{
		{Type: leadscore.EventEmailClick, At: at(0)},
		{Type: leadscore.EventFormSubmit, At: at(2 * ltDay)},
		{Type: leadscore.EventEmailClick, At: at(ltDay)},      // late
		{Type: leadscore.EventFormSubmit, At: at(0)},          // late, and now the earliest form
		{Type: leadscore.EventPurchase, At: at(0), Value: 20}, // not above 50: no match
		{Type: leadscore.EventPurchase, At: at(ltDay), Value: 100},
		{Type: leadscore.EventPurchase, At: at(ltDay), Value: 60},
	} {
		ref.take(r, ev)
	}
	x := ref.evaluate(r, lead, ref.clock) // at t0+2d
	// click 10 × (2^-2 + 2^-1) = 7.5; form (once: the one at t0) 20 × 2^-1 = 10; buy 2 × 30
	// = 60, limited to 40, in relationship at weight 0.5: fit 10 + engagement 17.5 + 20.
	if !ltNear(x.dims[0], 10) || !ltNear(x.dims[1], 17.5) || !ltNear(x.dims[2], 40) || !ltNear(x.total, 47.5) {
		t.Fatalf("at t0+2d: %s", ltExpectString(x))
	}
	if x.contributions[2].Events != 1 || x.contributions[3].Events != 2 || len(x.contributions) != 4 {
		t.Fatalf("contributions: %s", ltExpectString(x))
	}
	if got := r.tier("", x.total); got != "hot" {
		t.Fatalf("tier at 47.5: %s", got)
	}
	// At t0+4d: click 10 × (2^-4 + 2^-3) = 1.875, form 20 × 2^-2 = 5: total 36.875, below
	// hot's 40 but not below 40 − 5, so hot stays hot and warm stays warm.
	x = ref.evaluate(r, lead, at(4*ltDay))
	if !ltNear(x.total, 36.875) {
		t.Fatalf("at t0+4d: %s", ltExpectString(x))
	}
	if a, b := r.tier("hot", x.total), r.tier("warm", x.total); a != "hot" || b != "warm" {
		t.Fatalf("hysteresis at %v: from hot %s, from warm %s", x.total, a, b)
	}
	if got := r.tier("hot", 34.9); got != "warm" {
		t.Fatalf("hysteresis below 35: %s", got)
	}
	moves, stage := r.moves(0, leadscore.EventFormSubmit, 47.5)
	if !slices.Equal(moves, [][2]int{{0, 1}, {1, 2}}) || stage != 2 {
		t.Fatalf("journey: %v, %d", moves, stage)
	}
	if moves, stage := r.moves(0, leadscore.EventFormSubmit, 39); len(moves) != 1 || stage != 1 {
		t.Fatalf("journey below the guard: %v, %d", moves, stage)
	}
	// The rule set compiles, and a rename carries the history over.
	if _, f := newLtRunner().compile(r); f != nil {
		t.Fatalf("%s: %s", f.Label, f.Detail)
	}
	r2 := r.clone()
	r2.Events[0].ID, r2.Events[0].RenamedFrom = "clicks", []string{"click"}
	ref.rebind(r2)
	if len(ref.matched["clicks"]) != 2 || len(ref.matched["click"]) != 0 {
		t.Fatalf("rename: %v", ref.matched)
	}
}
