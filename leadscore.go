package leadscore

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/leadscore/leadscore/internal/budget"
	"github.com/leadscore/leadscore/internal/classify"
	"github.com/leadscore/leadscore/internal/fastpath"
	"github.com/leadscore/leadscore/internal/state"
	"github.com/leadscore/leadscore/internal/strindex"
	"github.com/leadscore/leadscore/internal/text"
)

// Scorer is a compiled rule set for leads of type L. Compile it once, usually at start-up, and
// use it for every lead: a Scorer is immutable and safe for concurrent use by multiple
// goroutines. Per-lead data lives in a State, which the caller owns and stores.
type Scorer[L any] struct {
	cfg            Config
	layout         *state.Layout
	empty          state.Data // a new lead, laid out: what Score reads for a State never observed
	dims           [3]dimensionBounds
	rules          []attrRule[L]
	batch          ruleBatch[L] // how scoreRules takes the rules (rule_batch.go)
	events         []eventRule[L]
	tiers          []band[L]
	hysteresis     float64
	grades         []band[L]
	pages          pageMatcher
	counts         []countSlot
	since          []int // days_since slots: tracked type per slot
	kinds          int   // number of signal kinds (has_signal slots)
	dedup          int
	typeOf         map[string]int // tracked type index by name
	categoryOf     map[string]int // page category → tracked type index of its page views
	detectors      []detector[L]
	detectorSets   detectorSets // the built-in detectors by what they need of a State (signals.go)
	velocity       int64        // the velocity detector's window (0: off)
	journey        journey[L]
	personas       []persona[L]
	warnings       []Warning
	leadFields     [nLeadFields]*program[L]  // what the lead-reading detectors read (lead_fields.go); nil: none does
	leadFieldStd   [nLeadFields]bool         // the field is read by the standard path, not a mapping: a failed read is an absent field
	custom         []int                     // the indexes in detectors of the custom ones, which run last
	leadClasses    [nLeadClasses]*program[L] // classifications of lead fields the detectors decide on (lead_fields.go)
	wake           timeUse                   // what NextWakeup watches
	exprOpts       []expr.Option             // for expressions compiled after Compile (CompileValue)
	limits         Limits
	listNames      map[string]bool
	wakeupInterval time.Duration
	fast           *fastpath.Plan[env[L]] // the fields the fast path reads (internal/fastpath)
	programs       []*program[L]          // every expression of the rule set, for Costs
	pool           sync.Pool              // *scratch[L]
	chunks         sync.Pool              // *scoreChunk[L], for ScoreAll (batch.go)
	// routeOf interns an event type to its route in routes, which ends with the route of
	// every type routeOf lacks (routes.go): one lookup per event, a few instructions where a
	// map's were a measurable share of Observe.
	routeOf strindex.Index
	routes  []eventRoute
	// accounts is the compiled accounts section (account.go); nil: none.
	accounts *accounts[L]
	// visits is how frequent_visits groups page views into visits (attribution.go).
	visits visitWatch
}

// scratch is what one evaluation needs, reused through the Scorer's pool so that evaluating
// allocates nothing per rule: the expr VM (not safe for concurrent use, so one per goroutine
// at a time) and the environment with its slot arrays.
type scratch[L any] struct {
	vm  vm.VM
	env env[L]
	// boxed is env converted to an interface for the VM, made when a VM program first needs
	// it after env changed (boxedOK false): converting a generic struct allocates, so doing it
	// per rule would cost a copy each.
	boxed   any
	boxedOK bool
	fast    fastEnv[L] // the fast path's slot tables over env (internal/fastpath)
	// Score and Observe evaluate into these, then copy them out at their exact size: one
	// allocation per non-empty slice of the Result instead of one per doubling (lend).
	contributions []Contribution
	signals       []Signal
	transitions   []Transition
	matched       []int
	held          []int32       // the plain rules whose conditions hold (rule_batch.go)
	budget        budget.Budget // the step budget of the expression running on the VM (internal/budget)
	// The lead fields of this evaluation, computed when a detector first reads them
	// (Scorer.leadField): bit f of leadHave says leadVals[f] and leadErrs[f] are current.
	leadVals [nLeadFields]string
	leadErrs [nLeadFields]error
	leadHave uint8
	leadRead uint8 // leadHave since the scratch left the pool: what put must clear
	eventSet bool  // env.Event holds an event, which put clears
}

// Option configures Compile.
type Option func(*options)

type options struct {
	functions      []function
	dedup          int
	wakeupInterval time.Duration
	limits         Limits
	err            error
}

// WithFunction adds a function to the expression language. fn receives the arguments as
// declared by types, pointers to function types such as new(func(string) bool), against which
// calls are type-checked (at least one is required). fn must be pure and safe for concurrent
// use; a panic inside it becomes a rule error, not a crash.
func WithFunction(name string, fn func(args ...any) (any, error), types ...any) Option {
	return func(o *options) { o.functions = append(o.functions, function{name, fn, types}) }
}

// DefaultDedupWindow is how many recent event IDs a State remembers by default.
const DefaultDedupWindow = 64

// WithDedupWindow sets how many recent event IDs each State remembers to ignore repeats (16
// bytes each; default DefaultDedupWindow, at most 16384; 0 turns de-duplication off). A State
// remembers the IDs of its n most recent events by event time, whatever order they arrived
// in and however it was merged, so a redelivery is recognised unless n newer events with IDs
// have been taken since. Services that need exactly-once delivery beyond that window keep a
// processed-events table beside the State.
func WithDedupWindow(n int) Option {
	return func(o *options) {
		if n < 0 || n > state.MaxIDs {
			o.err = errors.Join(o.err, fmt.Errorf("leadscore: WithDedupWindow(%d): want 0 to %d", n, state.MaxIDs))
		}
		o.dedup = n
	}
}

// MustCompile is like Compile but panics on error. It simplifies the initialisation of
// package-level scorers from rule sets known to be valid, such as the presets.
func MustCompile[L any](cfg Config, opts ...Option) *Scorer[L] {
	s, err := Compile[L](cfg, opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Compile checks and compiles cfg for leads of type L. Expressions are type-checked against
// L, so a misspelt field is an error here rather than a silent zero later. Every problem is
// reported at once: the error joins one *RuleError per problem (find them with errors.As or
// by unwrapping the join). A rule set beyond the size limits (Limits.MaxRules, MaxEventTypes,
// MaxListEntries, MaxConfigBytes) is refused before anything in it is compiled, with an error
// per limit it breaks (errors.Is ErrRuleSetTooLarge) and no others.
func Compile[L any](cfg Config, opts ...Option) (*Scorer[L], error) {
	o := options{dedup: DefaultDedupWindow, wakeupInterval: DefaultWakeupInterval, limits: DefaultLimits()}
	for _, opt := range opts {
		opt(&o)
	}
	if o.err != nil {
		return nil, o.err
	}
	var errs errorList
	if !o.limits.checkRuleSetSize(&cfg, &errs) {
		return nil, errs.err() // compiling it is the cost the limits bound
	}
	types := newTypeTable(cfg.EventTypes, cfg.Pages)
	for _, typ := range cfg.EventTypes {
		if typ == "" {
			errs.addf(ItemConfig, "event_types", "", "empty event type")
		}
	}
	lists := compileLists(cfg.Lists, &errs)
	kinds := signalKindIndex(cfg.Signals)

	// The clock and zone files are the world: time comes in as an argument, so the limits
	// always disable now, date and timezone.
	exprOpts := append([]expr.Option{expr.Env(env[L]{}), budget.Functions()}, o.limits.builtinOptions()...)
	exprOpts = append(exprOpts, builtinFunctions(lists)...)
	for _, f := range o.functions {
		opt, err := f.option()
		if err != nil {
			return nil, err
		}
		exprOpts = append(exprOpts, opt)
	}
	listNames := make(map[string]bool, len(lists))
	for name := range lists {
		listNames[name] = true
	}
	c := &exprCompiler[L]{types: types, lists: listNames, signalKinds: kinds, options: exprOpts, fast: fastpath.NewPlan[env[L]](fastDescription(lists)), limits: o.limits}

	cfg = cfg.Clone() // the caller may go on changing theirs: a Scorer is immutable
	s := &Scorer[L]{cfg: cfg, hysteresis: cfg.Hysteresis, pages: compilePages(cfg.Pages, &errs), dedup: o.dedup, wakeupInterval: o.wakeupInterval}
	s.dims = compileDimensions(cfg.Dimensions, &errs)
	seen := map[string]bool{}
	s.rules = compileRules(c, cfg.Rules, seen, &errs)
	s.events = compileEventRules(c, cfg.Events, seen, &errs)
	index := indexEventRules(s.events)
	s.tiers = compileTiers(c, cfg.Tiers, &errs)
	if !finite(cfg.Hysteresis) || cfg.Hysteresis < 0 {
		errs.addf(ItemConfig, "hysteresis", "", "hysteresis %v must be a finite number ≥ 0", cfg.Hysteresis)
	}
	s.grades = compileGrades[L](cfg.Grades, s.dims[0].max, &errs)
	s.detectors = compileSignals(c, cfg.Signals, lists, cfg.Pages, &errs)
	s.leadFields, s.leadFieldStd, s.detectors = compileLeadFields(c, cfg.LeadFields, cfg.Signals, s.detectors, &errs, &s.warnings)
	for i, d := range s.detectors {
		if d.when != nil {
			s.custom = append(s.custom, i)
		}
	}
	s.leadClasses = compileLeadClasses(c, cfg.LeadFields, s.leadFields, s.detectors)
	for _, d := range s.detectors {
		if d.kind == SignalVelocity {
			s.velocity = d.window
		}
	}
	s.journey = compileJourney(c, cfg.Journey, &errs)
	s.personas = compilePersonas(c, cfg.Personas, cfg.Tiers, &errs, &s.warnings)
	checkEventTypes(cfg, s.events, types, &errs, &s.warnings)
	// Per tracked type, the State keeps as many event times as its most demanding count()
	// needs (detectors have asked already): within the limit, checked with the other errors.
	for k, slot := range c.counts {
		need := c.countNeed[k]
		if c.countRefs[k] > 0 {
			need = max(need, defaultCountLimit)
		}
		types.keep(slot.typ, need)
	}
	warnCountsReadAsNumbers(c, types, &s.warnings)
	checkWindowSlots(o.limits, types, c, s.detectors, &errs)
	s.accounts = compileAccounts(c, cfg.Accounts, &errs) // account.go
	if len(errs) > 0 {
		return nil, errs.err()
	}

	// Lay out the State: one accumulator per event rule, the event times kept per type.
	s.layout = buildLayout(cfg, s.events, types, kinds, s.journey.stages, s.velocity, s.dedup)
	s.visits = visitWatchOf(s.detectors) // attribution.go
	s.layout.SessionGap, s.layout.SessionCap, s.layout.SessionRings = s.visits.gap, s.visits.cap, s.visits.rings
	s.empty.Bind(s.layout)
	for i := range s.detectors {
		s.detectors[i].placeRings(s.layout)
	}
	s.detectorSets = partitionDetectors(s.detectors)
	s.counts, s.since, s.kinds = c.counts, c.since, len(kinds)
	s.typeOf = types.index // tracked type → its ring, as laid out
	s.exprOpts, s.listNames, s.limits = exprOpts, listNames, o.limits
	s.compileWakeups()
	s.categoryOf = map[string]int{}
	for cat := range cfg.Pages {
		if i, ok := s.typeOf[categoryType(cat)]; ok {
			s.categoryOf[cat] = i
		}
	}
	for i := range s.pages.prefixes {
		p := &s.pages.prefixes[i]
		if r, ok := s.categoryOf[p.category]; ok {
			p.ring = r
		}
	}
	s.compileRoutes(index)
	s.fast = c.fast
	s.programs = c.programs
	s.batch = batchRules(s.rules)
	s.pool.New = func() any {
		sc := &scratch[L]{env: env[L]{
			Counts:    make([]int, len(s.counts)),
			DaysSince: make([]float64, len(s.since)),
			Signals:   make([]bool, s.kinds),
		}}
		sc.env.Budget = &sc.budget
		sc.held = make([]int32, len(s.batch.tests))
		sc.fast.Bind(s.fast, &sc.env)
		sc.vm.MemoryBudget = s.limits.MemoryBudget
		return sc
	}
	return s, nil
}

func compileLists(lists map[string][]string, errs *errorList) map[string]classify.List {
	out := make(map[string]classify.List, len(lists))
	for _, name := range text.SortedKeys(lists) {
		if name == "" {
			errs.addf(ItemList, name, "", "a list needs a name")
		}
		out[name] = classify.NewList(lists[name])
	}
	return out
}

func compileTiers[L any](c *exprCompiler[L], tiers []Tier, errs *errorList) []band[L] {
	names := make([]string, len(tiers))
	mins := make([]*float64, len(tiers))
	for i, t := range tiers {
		names[i], mins[i] = t.Name, t.Min
	}
	out := compileBands[L]("tier", names, mins, errs)
	for i, t := range tiers {
		if len(t.Name) > state.MaxName || !utf8.ValidString(t.Name) {
			// A State records its tier by name: one it cannot store (too long, or not UTF-8)
			// would make every State of the rule set fail MarshalBinary.
			errs.addf(ItemTier, shortName(t.Name), "name", "a tier name is at most %d bytes of UTF-8 (this one has %d)", state.MaxName, len(t.Name))
		}
		out[i].handoff = t.Handoff
		if t.When != "" {
			id := t.Name
			if id == "" {
				id = fmt.Sprintf("tiers[%d]", i) // as compileBands names it
			}
			out[i].guard = c.compile(t.When, scopeGuard, true, errs, "tier", id, "when")
		}
	}
	return out
}

func compileGrades[L any](grades []Grade, fitMax float64, errs *errorList) []band[L] {
	if len(grades) == 0 {
		grades = DefaultGrades(fitMax)
	}
	names := make([]string, len(grades))
	mins := make([]*float64, len(grades))
	for i, g := range grades {
		names[i], mins[i] = g.Name, g.Min
	}
	return compileBands[L]("grade", names, mins, errs)
}

// decidingPrograms are the expressions whose results can change a State in any stage:
// attribute rules (through the scores and tier), tier guards and custom signals. Journey
// guards, which matter only in their stage, are apart.
func (s *Scorer[L]) decidingPrograms() []*program[L] {
	var out []*program[L]
	for _, r := range s.rules {
		out = append(out, r.when, r.value)
	}
	for _, t := range s.tiers {
		out = append(out, t.guard)
	}
	for _, d := range s.detectors {
		out = append(out, d.when)
	}
	// The lead fields decide the competitor and target-account signals, and so hand-offs: one
	// that reads the clock (years_since) can change them with time alone.
	out = append(out, s.leadFields[:]...)
	return out
}

// Limits returns the limits s was compiled under.
func (s *Scorer[L]) Limits() Limits {
	l := s.limits
	l.Builtins = slices.Clone(l.Builtins)
	return l
}

// Warnings returns the findings of Compile that are not errors, such as a persona no lead can
// reach.
func (s *Scorer[L]) Warnings() []Warning { return slices.Clone(s.warnings) }

// Config returns the rule set s was compiled from, as a deep copy: changing it changes
// nothing in s.
func (s *Scorer[L]) Config() Config { return s.cfg.Clone() }

// get checks out a scratch for one call, with the call's step budget.
func (s *Scorer[L]) get() *scratch[L] {
	sc := s.pool.Get().(*scratch[L])
	sc.budget.StartCall(s.limits.CallBudget)
	return sc
}

// put gives sc back to the pool. It drops what the call's evaluations derived from the
// caller's lead (a boxed copy for the VM, the fast path's copies and memos, the lead fields
// the detectors read) but not env.Lead itself, which the next call overwrites: clearing it
// wrote every string of the lead again, and while the garbage collector marks, each of those
// writes goes through its write barrier (about 4 % of a Score's time in a profile taken while
// the collector ran). A pooled scratch keeps one
// lead alive until it is reused, or until the pool drops it at the second collection.
func (s *Scorer[L]) put(sc *scratch[L]) {
	if sc.eventSet {
		sc.env.Event, sc.eventSet = Event{}, false
	}
	if sc.boxed != nil {
		sc.boxed = nil
	}
	sc.boxedOK = false
	sc.fast.Release()
	if sc.leadRead|sc.leadHave != 0 {
		sc.leadVals, sc.leadErrs, sc.leadRead = [nLeadFields]string{}, [nLeadFields]error{}, 0
	}
	sc.leadHave = 0
	s.pool.Put(sc)
}

// Score evaluates the lead at now without modifying st, so any number of goroutines may
// Score one State at once. A now earlier than the State's clock (its latest event, or the
// latest time it was advanced to) is taken as the clock: scores never move backwards in time. The error is non-nil only for a nil st
// or an unusable now; a rule that fails at run time is reported in Result.Errors instead.
func (s *Scorer[L]) Score(lead L, st *State, now time.Time) (res Result, err error) {
	if st == nil {
		return Result{}, ErrNilState
	}
	at, err := unixTime("now", now)
	if err != nil {
		return Result{}, err
	}
	sc := s.get()
	defer s.put(sc)
	sc.lend(&res)
	s.evaluate(sc, &lead, s.view(&st.d), at, now, &res)
	sc.handOut(&res)
	return res, nil
}

// ScoreInto is Score writing into dst, whose slices it reuses: scoring many leads into one
// Result allocates nothing once the slices have grown. dst is overwritten, also on error.
func (s *Scorer[L]) ScoreInto(dst *Result, lead L, st *State, now time.Time) error {
	if st == nil {
		dst.reset()
		dst.emptyLists()
		return ErrNilState
	}
	at, err := unixTime("now", now)
	if err != nil {
		dst.reset()
		dst.emptyLists()
		return err
	}
	sc := s.get()
	defer s.put(sc)
	s.evaluate(sc, &lead, s.view(&st.d), at, now, dst)
	return nil
}

// lend points res's slices at sc's buffers, for an evaluation into a Result whose slices the
// caller will own: handOut takes the buffers back before sc is put back in the pool.
func (sc *scratch[L]) lend(res *Result) {
	res.Contributions, res.Signals, res.Transitions = sc.contributions[:0], sc.signals[:0], sc.transitions[:0]
}

// handOut takes back the buffers lend gave res, grown as they may be, and gives res copies of
// what they hold, each exactly as long: one allocation per non-empty slice, none when empty.
func (sc *scratch[L]) handOut(res *Result) {
	sc.contributions, sc.signals, sc.transitions = res.Contributions[:0], res.Signals[:0], res.Transitions[:0]
	res.Contributions, res.Signals, res.Transitions = cloneOrEmpty(res.Contributions), cloneOrEmpty(res.Signals), cloneOrEmpty(res.Transitions)
}

// cloneOrEmpty copies xs into a slice of its own, exactly as long (empty, not nil, and
// allocating nothing, when xs is empty: see orEmpty).
//
// It is written as make then copy, which the compiler turns into one runtime call
// (makeslicecopy) that, while the collector marks, records only xs's pointers in the
// write barrier: the new slice holds none yet. An append onto a made slice records the
// destination's nil pointers too, one more entry per pointer.
func cloneOrEmpty[T any](xs []T) []T {
	if len(xs) == 0 {
		return []T{}
	}
	out := make([]T, len(xs))
	copy(out, xs)
	return out
}

// Observe applies one event to st and evaluates the lead at the event's time. Tier, stage and
// signal changes the event causes are applied to st and listed in Result.Transitions. An event
// whose ID st has already seen changes nothing (Result.Duplicate). An invalid event (no type,
// zero or out-of-range time, non-finite value) is an error and leaves st untouched, and so is
// one beyond the event limits (ErrEventTooLarge: see Limits).
//
// Events may arrive late and out of order: decayed scores and window counts do not depend on
// the order, and the lead is evaluated at the latest event time seen. Journey transitions,
// being decisions, happen in the order events are observed.
func (s *Scorer[L]) Observe(lead L, st *State, ev Event) (Result, error) {
	var res Result
	err := s.observe(&lead, st, ev, &res, true)
	return res, err
}

// ObserveInto is Observe writing into dst, whose slices it reuses (see ScoreInto). dst is
// overwritten; on an invalid event it is left empty.
func (s *Scorer[L]) ObserveInto(dst *Result, lead L, st *State, ev Event) error {
	dst.reset()
	dst.emptyLists()
	return s.observe(&lead, st, ev, dst, false)
}

// Accumulate takes ev into st as Observe does — the decayed accumulators, window counts,
// de-duplication and what the detectors keep — without evaluating the lead: no Result, and
// the decisions an evaluation makes (tier, signals, guarded journey transitions) are left to
// the next Observe or Advance, which makes and reports them. It is the path for high-volume
// events that need no immediate decision, such as page views and email opens, and for
// loading history; its cost does not depend on the number of rules for other event types.
//
// It reports whether the event was taken (a repeated ID counts as taken: it changes nothing).
// When it reports false, st is untouched and the caller observes the event instead: the event
// may move the lead through the journey from its current stage (its type is in a
// transition's on), or a rule failed on it — then err joins the failures (errors.As finds
// each *RuleError), and Observe will take the event and report them in Result.Errors. An
// invalid event is an error too. So err != nil always means nothing was applied, and a
// caller that retries on error cannot count an event twice. An event beyond the event limits
// is an error wrapping ErrEventTooLarge, as in Observe.
//
// lead is read only by event rules whose when reads it.
func (s *Scorer[L]) Accumulate(lead L, st *State, ev Event) (bool, error) {
	if st == nil {
		return false, ErrNilState
	}
	t, r, err := s.checkEvent(&ev)
	if err != nil {
		return false, err
	}
	if s.movedBy(&st.d, r) {
		return false, nil
	}
	var idHash uint64
	if ev.ID != "" && s.dedup > 0 {
		idHash = state.HashID(ev.ID)
		if st.d.Seen(idHash) {
			return true, nil // a repeat changes nothing
		}
	}
	catRing := s.category(&ev)
	sc := s.get()
	defer s.put(sc)
	if ruleErrs := s.matchEvent(sc, &lead, &st.d, &ev, t, r); len(ruleErrs) > 0 {
		errs := make([]error, len(ruleErrs))
		for i, e := range ruleErrs {
			errs[i] = e
		}
		return false, errors.Join(errs...)
	}
	d := &st.d
	d.Bind(s.layout)
	s.record(d, &ev, t, r, catRing, sc.matched)
	d.Unsettled = true // decisions wait for the next Observe or Advance: NextWakeup says now
	if idHash != 0 {
		d.Remember(idHash, t)
	}
	return true, nil
}

// observe is Observe into res; with own, res is a fresh Result whose slices the caller will
// own, evaluated into the scratch's buffers and copied out at their exact size.
func (s *Scorer[L]) observe(lead *L, st *State, ev Event, res *Result, own bool) error {
	if st == nil {
		return ErrNilState
	}
	t, r, err := s.checkEvent(&ev)
	if err != nil {
		return err
	}
	d := &st.d
	var idHash uint64
	if ev.ID != "" && s.dedup > 0 {
		idHash = state.HashID(ev.ID)
		if d.Seen(idHash) {
			sc := s.get()
			defer s.put(sc)
			if own {
				sc.lend(res)
			}
			s.evaluate(sc, lead, s.view(&st.d), d.At(t), ev.Time, res)
			if own {
				sc.handOut(res)
			}
			res.Duplicate = true
			return nil
		}
	}
	catRing := s.category(&ev)
	sc := s.get()
	defer s.put(sc)
	if own {
		sc.lend(res)
	}

	// Decide which event rules match before touching st, so a failure leaves it as it was.
	ruleErrs := s.matchEvent(sc, lead, d, &ev, t, r)

	d.Bind(s.layout)
	s.record(d, &ev, t, r, catRing, sc.matched)
	if idHash != 0 {
		d.Remember(idHash, t)
	}
	// A late event is folded in at its own time but evaluated at the clock: the lead never
	// moves back in time, and no transition is dated before an earlier one.
	s.settle(sc, lead, d, d.Tick(t), ev.Time, r, res)
	s.setTrigger(res, &ev, sc.matched) // why.go
	if own {
		sc.handOut(res)
	}
	res.Errors = append(ruleErrs, res.Errors...)
	return nil
}

// category fills in the page category of a page view that has none from its path, and
// returns the event-time ring of its category's page views (-1: none, or not a page view).
func (s *Scorer[L]) category(ev *Event) int {
	if ev.Type != EventPageView {
		return -1
	}
	if ev.Category == "" {
		var ring int
		ev.Category, ring = s.pages.match(ev.Path)
		return ring
	}
	if ring, ok := s.categoryOf[ev.Category]; ok {
		return ring
	}
	return -1
}

// Merge combines src into dst under s's rule set: both are laid out for s first (remapped by
// name, see PlanMigration), so nothing either part holds for a rule of s is lost, whatever rule
// sets the parts were written under. Otherwise it is State.Merge. src is not modified.
func (s *Scorer[L]) Merge(dst, src *State) error {
	if dst == nil || src == nil {
		return errors.New("leadscore: Merge with a nil *State")
	}
	if src.d.IsNew() {
		return nil
	}
	dst.d.Bind(s.layout)
	dst.d.MergeBound(src.d.View(s.layout)) // visits grouped and capped as s keeps them
	return nil
}

// view returns d laid out for s without modifying it: the Scorer's empty State for a new
// lead, a remapped copy for a State last laid out by another rule set.
func (s *Scorer[L]) view(d *state.Data) *state.Data {
	if d.IsNew() {
		return &s.empty
	}
	return d.View(s.layout)
}

// record takes the event at UnixNano t, of route r, into d: event times (catRing: the ring
// of its page category, -1 for none), the accumulators of the event rules it matched and
// what the detectors and the funnel keep.
func (s *Scorer[L]) record(d *state.Data, ev *Event, t int64, r *eventRoute, catRing int, matched []int) {
	if r.ring >= 0 {
		state.Insert(d.Ring(r.ring), t)
	}
	if catRing >= 0 {
		state.Insert(d.Ring(catRing), t)
	}
	engagement := 0.0 // points the event earns, for the velocity signal
	for _, i := range matched {
		r := &s.events[i]
		d.Acc[i].Add(t, int64(r.halfLife))
		if r.dim == Engagement && r.points > 0 {
			engagement = state.Sum(engagement, r.points)
		}
	}
	if s.velocity > 0 && engagement > 0 {
		d.Vel[0].AddWeighted(t, engagement, s.velocity)
		d.Vel[1].AddWeighted(t, engagement, s.velocity*velocitySpan)
	}
	switch ev.Type {
	case EventCartAdd, EventCheckoutStart:
		// At a tied time, the tie-break Merge uses: the kept cart does not depend on arrival order.
		if t >= d.Cart.At {
			if c := (state.Cart{At: t, Value: ev.Value, Checkout: ev.Type == EventCheckoutStart, Step: cartStep(ev)}); d.Cart.Yields(c) {
				d.Cart = c
			}
		}
	case EventPurchase:
		if d.Purchases < math.MaxUint32 {
			d.Purchases++
		}
		d.Revenue = state.Sum(d.Revenue, ev.Value)
		if stage := s.stageOf(d); stage == StageExpand || s.ownerOf(stage) == OwnerService {
			d.ExpansionRevenue = state.Sum(d.ExpansionRevenue, ev.Value)
		}
	}
	if ev.Type == EventSalesRejected {
		d.Reject(rejectionReason(ev), t) // sla.go
	}
	if r.slaMet != 0 && t >= d.StageSince() && r.slaMet&(1<<s.journey.stageIndex(Stage(d.Stage))) != 0 {
		d.SLAMet = true // the stage's owner acted in time: it can no longer stall
	}
	d.Take(t)
	s.recordExtra(d, ev, t, r.ring, catRing) // attribution.go
}

// Advance evaluates the lead at now, like Score, and applies the time-driven changes to st: a
// tier left or entered through decay, a stage SLA running out, a signal raised or cleared by
// the passage of time (an abandoned cart, a window emptying), and journey transitions whose
// guards now hold. Call it when NextWakeup says so.
func (s *Scorer[L]) Advance(lead L, st *State, now time.Time) (Result, error) {
	var res Result
	err := s.advance(&lead, st, now, &res)
	return res, err
}

func (s *Scorer[L]) advance(lead *L, st *State, now time.Time, res *Result) error {
	if st == nil {
		return ErrNilState
	}
	at, err := unixTime("now", now)
	if err != nil {
		return err
	}
	d := &st.d
	d.Bind(s.layout)
	sc := s.get()
	defer s.put(sc)
	s.settle(sc, lead, d, d.Tick(at), now, nil, res)
	s.setTrigger(res, nil, nil) // why.go
	return nil
}

func runtimeError(kind ItemKind, id, field string, err error) *RuleError {
	var l errorList
	l.add(kind, id, field, err)
	return l[0].(*RuleError)
}
