package leadscore

import (
	"fmt"
	"slices"
	"time"

	"github.com/leadscore/leadscore/internal/state"
	"github.com/leadscore/leadscore/internal/strindex"
)

// Stage is a lead's place in the customer journey.
type Stage string

// The five stages of the default journey (DOMAIN-COVERAGE.md): prospects become aware (attract), become
// known contacts (capture), are nurtured to sales readiness (nurture), are worked by sales
// (convert) and, once customers, are grown (expand).
const (
	StageAttract Stage = "attract"
	StageCapture Stage = "capture"
	StageNurture Stage = "nurture"
	StageConvert Stage = "convert"
	StageExpand  Stage = "expand"
)

// Owner is the team that owns a stage: who acts on a lead while it is there, and whose SLA
// runs. Any name works; the default journey uses these three, and a stage owned by
// OwnerSales is one where a lead is a sales-qualified lead (SQL).
type Owner string

// Owners of the default journey's stages.
const (
	OwnerMarketing Owner = "marketing"
	OwnerSales     Owner = "sales"
	OwnerService   Owner = "service"
)

// TransitionKind says what a Transition changed.
type TransitionKind string

// The kinds of change Observe and Advance report.
const (
	TransitionStage  TransitionKind = "stage"  // the lead moved From one stage To another
	TransitionTier   TransitionKind = "tier"   // the lead moved FromTier ToTier
	TransitionSLA    TransitionKind = "sla"    // the lead outstayed its stage's SLA: it is stalled
	TransitionSignal TransitionKind = "signal" // Signal was raised (Raised) or cleared
)

// Transition records one change a call made to a State, with its time and reason. Engines act
// on transitions (an edge) rather than on a Result's levels, so a hand-off, a stall or an
// abandoned cart is reported once, not on every evaluation.
type Transition struct {
	Kind     TransitionKind `json:"kind"`
	From     Stage          `json:"from,omitempty"`      // TransitionStage
	To       Stage          `json:"to,omitempty"`        // TransitionStage
	FromTier string         `json:"from_tier,omitempty"` // TransitionTier
	ToTier   string         `json:"to_tier,omitempty"`   // TransitionTier
	Signal   string         `json:"signal,omitempty"`    // TransitionSignal: the signal kind
	Raised   bool           `json:"raised,omitempty"`    // TransitionSignal: raised (true) or cleared (false)
	At       time.Time      `json:"at"`
	Reason   string         `json:"reason"`
}

// Journey configures the lifecycle state machine; the zero value is the default journey
// (DefaultJourney).
type Journey struct {
	Stages      []StageConfig      `json:"stages,omitempty" yaml:"stages,omitempty"`
	Transitions []TransitionConfig `json:"transitions,omitempty" yaml:"transitions,omitempty"`
}

// StageConfig names a stage, its owner ("marketing", "sales", "service", or your own) and its
// SLA: the longest a lead should stay in it before it is reported as stalled (0: none). The
// first stage is where new leads start.
type StageConfig struct {
	Name  Stage    `json:"name" yaml:"name"`
	Owner Owner    `json:"owner,omitempty" yaml:"owner,omitempty"`
	SLA   Duration `json:"sla,omitempty" yaml:"sla,omitempty"`
	// SLAMetBy lists the event types that meet the SLA: once one is observed in the stage
	// (timed at or after the lead entered it), the lead can no longer stall there. Default:
	// sales_touch, sales_accepted and sales_rejected for a stage sales owns (following up,
	// accepting and rejecting with a reason are all keeping the SLA), none otherwise.
	SLAMetBy []string `json:"sla_met_by,omitempty" yaml:"sla_met_by,omitempty"`
	// RecycleSLA is the SLA of a lead recycled into the stage — one that entered it from a
	// later stage of the journey, such as a lead sales rejected back to nurture — in place of
	// SLA (0: SLA applies to it too). It is the other side of the agreement: marketing
	// re-nurtures a rejected lead within RecycleSLA, which an event of SLAMetBy (such as
	// email_sent) meets.
	RecycleSLA Duration `json:"recycle_sla,omitempty" yaml:"recycle_sla,omitempty"`
}

// TransitionConfig moves a lead From one stage To another on an event whose type is in On,
// and/or when the When guard holds (over scores, signals, stage and days_in_stage). A
// transition with neither moves at once. Transitions are tried in config order.
type TransitionConfig struct {
	From   Stage    `json:"from" yaml:"from"`
	To     Stage    `json:"to" yaml:"to"`
	On     []string `json:"on,omitempty" yaml:"on,omitempty"`
	When   string   `json:"when,omitempty" yaml:"when,omitempty"`
	Reason string   `json:"reason,omitempty" yaml:"reason,omitempty"`
}

// identifyingEvents are the events an anonymous visitor cannot cause: each makes the lead a
// known contact.
var identifyingEvents = []string{
	EventIdentify, EventSignup, EventFormSubmit, EventDemoRequest, EventWebinarRegistered,
	EventQuestion, EventEmailReply, EventCall, EventPurchase,
}

// DefaultJourney returns the journey used when a Config has none: attract → capture on an
// identifying event (identify, signup, form_submit, and the others an anonymous visitor cannot
// cause: a demo request, webinar registration, question, email reply, call or purchase);
// capture → nurture at once; nurture → convert on a fresh hand-off (a hand-off tier the lead
// has not already been handed to sales from: a recycled lead must leave the tier and qualify
// again) or a call or demo request; convert → expand on a purchase; convert → nurture (recycle) on a lost
// opportunity or no decision, or when sales rejects the lead (sales_rejected, its reason kept:
// Result.Rejection); expand → nurture on churn. Marketing owns attract, capture and
// nurture, sales convert, service expand. No stage has an SLA; set one per stage to have
// stalled leads reported.
func DefaultJourney() Journey {
	return Journey{
		Stages: []StageConfig{
			{Name: StageAttract, Owner: OwnerMarketing},
			{Name: StageCapture, Owner: OwnerMarketing},
			{Name: StageNurture, Owner: OwnerMarketing},
			{Name: StageConvert, Owner: OwnerSales},
			{Name: StageExpand, Owner: OwnerService},
		},
		Transitions: []TransitionConfig{
			{From: StageAttract, To: StageCapture, On: slices.Clone(identifyingEvents), Reason: "became a known contact"},
			{From: StageCapture, To: StageNurture, Reason: "captured leads are nurtured"},
			{From: StageNurture, To: StageConvert, When: "fresh_handoff", Reason: "reached a hand-off tier"},
			{From: StageNurture, To: StageConvert, On: []string{EventCall, EventDemoRequest}, Reason: "asked for sales"},
			{From: StageConvert, To: StageExpand, On: []string{EventPurchase}, Reason: "bought"},
			// A rejection by sales is no deal this time too; its reason is kept (Result.Rejection).
			{From: StageConvert, To: StageNurture, On: []string{EventOpportunityLost, EventNoDecision, EventSalesRejected}, Reason: "recycled: no deal this time"},
			{From: StageExpand, To: StageNurture, On: []string{EventChurn}, Reason: "churned"},
		},
	}
}

// maxStages bounds a journey: a State keeps the stages a lead entered as a bit set.
const maxStages = 32

// journey is a compiled Journey.
type journey[L any] struct {
	stages []stageDef
	// index is each stage's position in stages. Observe looks a lead's stage up several
	// times per event, where a map's string hashing was a measurable share of the work.
	index       strindex.Index
	transitions []transitionDef[L]
	from        [][]int // per stage: its transitions, in config order
}

type stageDef struct {
	name       Stage
	owner      Owner
	sla        int64
	recycleSLA int64 // the SLA of a lead recycled into the stage (0: sla)
	slaMetBy   []string
}

type transitionDef[L any] struct {
	from, to int
	on       []string
	when     *program[L]
	reason   string
}

func compileJourney[L any](c *exprCompiler[L], cfg Journey, errs *errorList) journey[L] {
	if len(cfg.Stages) == 0 && len(cfg.Transitions) == 0 {
		cfg = DefaultJourney()
	}
	j := journey[L]{}
	index := map[Stage]int{} // while the stages are checked; j.index once they are
	if len(cfg.Stages) == 0 {
		errs.addf(ItemStage, "journey", "stages", "a journey with transitions needs stages")
	}
	if len(cfg.Stages) > maxStages {
		errs.addf(ItemStage, "journey", "stages", "%d stages, at most %d", len(cfg.Stages), maxStages)
	}
	for i, sc := range cfg.Stages {
		id := string(sc.Name)
		if id == "" {
			id = fmt.Sprintf("stages[%d]", i)
			errs.addf(ItemStage, id, "name", "a stage needs a name")
		} else if _, dup := index[sc.Name]; dup {
			errs.addf(ItemStage, id, "name", "duplicate stage")
		}
		if sc.SLA < 0 {
			errs.addf(ItemStage, id, "sla", "negative duration %v", sc.SLA)
		}
		if err := state.CheckName("stage", string(sc.Name)); err != nil || len(sc.Name) > state.MaxName {
			errs.addf(ItemStage, shortName(id), "name", "a stage name is at most %d bytes of UTF-8", state.MaxName)
		}
		if sc.RecycleSLA < 0 {
			errs.addf(ItemStage, id, "recycle_sla", "negative duration %v", sc.RecycleSLA)
		}
		metBy := slices.Clone(sc.SLAMetBy)
		if metBy == nil && sc.Owner == OwnerSales {
			metBy = []string{EventSalesTouch, EventSalesAccepted, EventSalesRejected}
		}
		for _, typ := range metBy {
			if !c.types.known[typ] {
				errs.addf(ItemStage, id, "sla_met_by", "%s", c.types.unknownEventType(typ))
			}
		}
		index[sc.Name] = len(j.stages)
		j.stages = append(j.stages, stageDef{name: sc.Name, owner: sc.Owner, sla: int64(sc.SLA), recycleSLA: int64(sc.RecycleSLA), slaMetBy: metBy})
	}
	names := make([]string, len(j.stages))
	for i, st := range j.stages {
		names[i] = string(st.name)
	}
	j.index = strindex.New(names) // a duplicate name (an error) keeps its last position, as index does
	j.from = make([][]int, len(j.stages))
	for i, tc := range cfg.Transitions {
		id := fmt.Sprintf("%s→%s", tc.From, tc.To)
		if tc.From == "" || tc.To == "" {
			id = fmt.Sprintf("transitions[%d]", i)
		}
		from, okFrom := index[tc.From]
		to, okTo := index[tc.To]
		if !okFrom {
			errs.addf(ItemTransition, id, "from", "no stage %q in the journey", tc.From)
		}
		if !okTo {
			errs.addf(ItemTransition, id, "to", "no stage %q in the journey", tc.To)
		}
		if okFrom && okTo && from == to {
			errs.addf(ItemTransition, id, "to", "a transition must change the stage")
		}
		for _, typ := range tc.On {
			if !c.types.known[typ] && !errs.full() {
				errs.addf(ItemTransition, id, "on", "%s", c.types.unknownEventType(typ))
			}
		}
		t := transitionDef[L]{from: from, to: to, on: slices.Clone(tc.On), reason: tc.Reason}
		if t.reason == "" {
			t.reason = id
		}
		if tc.When != "" {
			t.when = c.compile(tc.When, scopeGuard, true, errs, "transition", id, "when")
		}
		if okFrom && okTo {
			j.from[from] = append(j.from[from], len(j.transitions))
			j.transitions = append(j.transitions, t)
		}
	}
	// Every stage must be reachable from the first, or leads could never be there.
	if len(j.stages) > 0 && len(*errs) == 0 {
		seen := make([]bool, len(j.stages))
		queue := []int{0}
		seen[0] = true
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			for _, ti := range j.from[s] {
				if to := j.transitions[ti].to; !seen[to] {
					seen[to] = true
					queue = append(queue, to)
				}
			}
		}
		for i, ok := range seen {
			if !ok {
				errs.addf(ItemStage, string(j.stages[i].name), "", "unreachable: no transitions lead to it from %q", j.stages[0].name)
			}
		}
	}
	return j
}

// stageIndex returns the index of st's stage; a State from another journey whose stage this
// one lacks is taken to be in the first stage.
func (j *journey[L]) stageIndex(stage Stage) int {
	if stage == "" {
		return 0 // a new lead's: decided here, without a call
	}
	return max(j.index.Lookup(string(stage)), 0)
}

// lookup returns the index of stage in the journey, or -1 when the journey has no such stage.
func (j *journey[L]) lookup(stage Stage) int {
	return j.index.Lookup(string(stage))
}

// blocked reports whether a disqualified lead may not enter stage to: convert, or any stage
// that sales owns.
func (j *journey[L]) blocked(to int) bool {
	return j.stages[to].name == StageConvert || j.stages[to].owner == OwnerSales
}

// advanceStage applies the journey's transitions to st after an evaluation: those whose On
// contains the type of route r (when an event is being observed; nil otherwise) or that have
// no On, and whose When holds.
// Transitions chain (attract → capture → nurture on one form), each stage at most once per
// call, and each is recorded in res.Transitions.
func (s *Scorer[L]) advanceStage(sc *scratch[L], d *state.Data, r *eventRoute, at int64, res *Result) bool {
	j := &s.journey
	if len(j.stages) == 0 {
		return false
	}
	cur := j.stageIndex(Stage(d.Stage))
	moved := false
	var visited uint64 = 1 << cur
	for {
		next := -1
		for _, ti := range j.from[cur] {
			t := &j.transitions[ti]
			// Each stage once per call, so that a cycle of transitions ends: a guard-only
			// transition left that way is found by settle's pendingTransition.
			if visited&(1<<t.to) != 0 || (res.Disqualified && j.blocked(t.to)) {
				continue
			}
			if len(t.on) > 0 && !r.moves(ti) {
				continue
			}
			if t.when != nil {
				s.setGuardStage(sc, d, cur, at, res)
				ok, err := s.runBool(sc, t.when)
				if err != nil {
					res.Errors = append(res.Errors, runtimeError(ItemTransition, t.reason, "when", err))
					continue
				}
				if !ok {
					continue
				}
			}
			next = ti
			break
		}
		if next < 0 {
			break
		}
		t := &j.transitions[next]
		res.Transitions = append(res.Transitions, Transition{
			Kind: TransitionStage, From: j.stages[cur].name, To: j.stages[t.to].name,
			At: unixToTime(at), Reason: t.reason,
		})
		d.EnterStage(string(j.stages[cur].name), string(j.stages[t.to].name), t.to, at)
		if j.blocked(t.to) { // handed to sales: the hand-off is spent until the lead leaves the tier
			d.HandedOff = true
		}
		cur = t.to
		visited |= 1 << cur
		moved = true
	}
	res.Stage = j.stages[cur].name
	return moved
}

// guardHolds reports whether transition t's guard holds (true without one); a failing guard
// does not hold, and its error is reported when the transition is tried for real.
func (s *Scorer[L]) guardHolds(sc *scratch[L], d *state.Data, t *transitionDef[L], cur int, at int64, res *Result) bool {
	if t.when == nil {
		return true
	}
	s.setGuardStage(sc, d, cur, at, res)
	ok, err := s.runBool(sc, t.when)
	return err == nil && ok
}

// setGuardStage points the guard environment at the stage a transition leaves from.
func (s *Scorer[L]) setGuardStage(sc *scratch[L], d *state.Data, cur int, at int64, res *Result) {
	e := &sc.env
	name := string(s.journey.stages[cur].name)
	days := daysInStage(d, at)
	fresh := res.Handoff && !d.HandedOff
	if e.Stage != name || e.DaysInStage != days || e.Handoff != res.Handoff || e.Tier != res.Tier || e.FreshHandoff != fresh {
		e.Stage, e.DaysInStage, e.Handoff, e.Tier, e.FreshHandoff = name, days, res.Handoff, res.Tier, fresh
		sc.boxedOK = false
	}
}

// daysInStage returns how long d has been in its stage at at, in days (0 for a new lead).
func daysInStage(d *state.Data, at int64) float64 {
	since := d.StageSince()
	if since == noTime {
		return 0
	}
	return state.Span(at, since) / float64(Day)
}

// stageStatus fills the owner and SLA status of res's stage.
func (s *Scorer[L]) stageStatus(d *state.Data, at int64, res *Result) {
	j := &s.journey
	if len(j.stages) == 0 {
		return
	}
	stage := j.stageIndex(Stage(d.Stage)) // once: a lookup of the name
	res.Owner = j.stages[stage].owner
	s.rejection(d, res) // sla.go
	if sla := s.slaIn(d, stage); sla > 0 && d.Events > 0 && !d.SLAMet {
		due := state.Add(d.StageSince(), sla)
		if at > due {
			res.Stalled = true
			res.StalledSince = unixToTime(due)
		}
	}
}

// ownerOf returns the owner of a stage in s's journey ("" if unknown).
func (s *Scorer[L]) ownerOf(stage Stage) Owner {
	if i := s.journey.lookup(stage); i >= 0 {
		return s.journey.stages[i].owner
	}
	return ""
}

// Journey returns the journey s runs: the config's, or DefaultJourney when it has none.
func (s *Scorer[L]) Journey() Journey {
	if len(s.cfg.Journey.Stages) == 0 && len(s.cfg.Journey.Transitions) == 0 {
		return DefaultJourney()
	}
	return s.cfg.Journey.Clone()
}
