package analysis

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/text"
)

// DiffReport is what changing a rule set does to a population of leads, before it ships:
// which leads change tier, hand-off, stage or persona and which rules explain each change,
// and how many leads each tier, persona and stage holds before and after — the MQL volume
// sales will see. It marshals to JSON as it is.
type DiffReport struct {
	Leads    int         `json:"leads"`    // the population's size
	Changed  int         `json:"changed"`  // leads whose tier, hand-off, stage, persona or track changed
	Handoffs Pair[int]   `json:"handoffs"` // leads handed off to sales (MQLs)
	Tiers    []Count     `json:"tiers"`    // leads per tier, the new rule set's tiers first
	Personas []Count     `json:"personas"` // leads per persona
	Tracks   []Count     `json:"tracks"`   // leads per nurture track (Result.Track)
	Stages   []Count     `json:"stages"`   // leads per stage
	Rules    []RuleShift `json:"rules"`    // rules that fire for other leads or with other points, largest shift first
	Changes  []LeadDiff  `json:"changes"`  // the leads that changed, in population order

	// Migration is what the new rule set does to States stored under the old one: which
	// histories it keeps, renames, converts or resets. It holds for every stored lead, so it
	// is there even without a population.
	Migration leadscore.Migration `json:"migration"`
}

// Pair is a value before and after a rule change.
type Pair[T any] struct {
	Before T `json:"before"`
	After  T `json:"after"`
}

// Count is how many leads a tier, persona or stage holds before and after. An empty Name
// counts the leads with none.
type Count struct {
	Name string `json:"name"`
	Pair[int]
}

// RuleShift is how a rule's effect on the population changed.
type RuleShift struct {
	RuleID string        `json:"rule"`
	Fired  Pair[int]     `json:"fired"`  // leads it fired for
	Points Pair[float64] `json:"points"` // its points summed over the population
}

// LeadDiff is one lead whose outcome changed.
type LeadDiff struct {
	Name    string                `json:"name"` // the lead's name
	Tier    Pair[string]          `json:"tier"`
	Handoff Pair[bool]            `json:"handoff"`
	Stage   Pair[leadscore.Stage] `json:"stage"`
	Persona Pair[string]          `json:"persona"`
	Track   Pair[string]          `json:"track"`
	Total   Pair[float64]         `json:"total"`
	// Rules are the rules whose points for this lead changed most, largest change first (at
	// most five): what explains the change. Empty when no rule's points changed, so that the
	// tiers, the hysteresis or the journey explain it.
	Rules []RuleDelta `json:"rules"`
}

// RuleDelta is one rule's points for a lead before and after (0 where it did not fire).
type RuleDelta struct {
	RuleID string        `json:"rule"`
	Points Pair[float64] `json:"points"`
}

// explainingRules is how many rules a LeadDiff lists.
const explainingRules = 5

// minDelta is the smallest change in a rule's points that explains anything: less is below
// the precision reports show.
const minDelta = 0.005

// Diff replays every lead of population (see [Replay]) against the rule set before and after
// a change, and reports what the change does. A lead without a name is named by its position
// ("#12"). The error reports the first lead that cannot run (an event a Scorer rejects).
// [DiffStates] does the same for stored States.
func Diff[L any](before, after *leadscore.Scorer[L], population iter.Seq[ReplayedLead[L]]) (DiffReport, error) {
	d := newDiffer(before, after)
	if population != nil {
		i := 0
		for lead := range population {
			name := leadName(i, lead.Name)
			i++
			old, err := final(before, lead)
			if err != nil {
				return DiffReport{}, fmt.Errorf("analysis: Diff: lead %q, old rule set: %w", name, err)
			}
			cur, err := final(after, lead)
			if err != nil {
				return DiffReport{}, fmt.Errorf("analysis: Diff: lead %q, new rule set: %w", name, err)
			}
			d.add(name, old, cur)
		}
	}
	return d.report(), nil
}

// differ builds a DiffReport one lead at a time, from the lead's Result under each rule set.
type differ struct {
	rep                             DiffReport
	tiers, personas, tracks, stages *counter
	rules                           map[string]*RuleShift
	ruleOrder                       []string
}

func newDiffer[L any](before, after *leadscore.Scorer[L]) *differ {
	d := &differ{
		rep:   DiffReport{Migration: after.MigrationFrom(before)},
		tiers: newCounter(), personas: newCounter(), tracks: newCounter(), stages: newCounter(),
		rules: map[string]*RuleShift{},
	}
	for _, t := range after.Config().Tiers {
		d.tiers.declare(t.Name)
	}
	for _, t := range before.Config().Tiers {
		d.tiers.declare(t.Name)
	}
	for _, p := range after.Config().Personas {
		d.personas.declare(p.ID)
	}
	for _, p := range before.Config().Personas {
		d.personas.declare(p.ID)
	}
	for _, cfg := range []leadscore.Config{after.Config(), before.Config()} {
		for _, p := range cfg.Personas {
			if p.Track != "" {
				d.tracks.declare(p.Track)
			}
			for _, t := range p.Tracks {
				d.tracks.declare(t.Track)
			}
		}
	}
	for _, s := range after.Journey().Stages {
		d.stages.declare(string(s.Name))
	}
	for _, s := range before.Journey().Stages {
		d.stages.declare(string(s.Name))
	}
	for _, cfg := range []leadscore.Config{after.Config(), before.Config()} {
		for _, r := range cfg.Rules {
			d.shift(r.ID)
		}
		for _, r := range cfg.Events {
			d.shift(r.ID)
		}
	}
	return d
}

func (d *differ) shift(id string) *RuleShift {
	r := d.rules[id]
	if r == nil {
		r = &RuleShift{RuleID: id}
		d.rules[id] = r
		d.ruleOrder = append(d.ruleOrder, id)
	}
	return r
}

// add counts one lead, whose Result was old under the old rule set and cur under the new.
func (d *differ) add(name string, old, cur leadscore.Result) {
	rep := &d.rep
	rep.Leads++
	d.tiers.add(old.Tier, cur.Tier)
	d.personas.add(old.Persona, cur.Persona)
	d.tracks.add(old.Track, cur.Track)
	d.stages.add(string(old.Stage), string(cur.Stage))
	if old.Handoff {
		rep.Handoffs.Before++
	}
	if cur.Handoff {
		rep.Handoffs.After++
	}
	deltas := ruleDeltas(old, cur)
	for _, rd := range deltas {
		r := d.shift(rd.RuleID)
		r.Points.Before += rd.Points.Before
		r.Points.After += rd.Points.After
	}
	for _, ct := range old.Contributions {
		d.shift(ct.RuleID).Fired.Before++
	}
	for _, ct := range cur.Contributions {
		d.shift(ct.RuleID).Fired.After++
	}
	if old.Tier == cur.Tier && old.Handoff == cur.Handoff && old.Stage == cur.Stage && old.Persona == cur.Persona && old.Track == cur.Track {
		return
	}
	rep.Changed++
	changed := slices.DeleteFunc(deltas, func(rd RuleDelta) bool { return math.Abs(rd.Points.After-rd.Points.Before) < minDelta })
	slices.SortStableFunc(changed, func(a, b RuleDelta) int {
		return cmp.Compare(math.Abs(b.Points.After-b.Points.Before), math.Abs(a.Points.After-a.Points.Before))
	})
	rep.Changes = append(rep.Changes, LeadDiff{
		Name:    name,
		Tier:    Pair[string]{old.Tier, cur.Tier},
		Handoff: Pair[bool]{old.Handoff, cur.Handoff},
		Stage:   Pair[leadscore.Stage]{old.Stage, cur.Stage},
		Persona: Pair[string]{old.Persona, cur.Persona},
		Track:   Pair[string]{old.Track, cur.Track},
		Total:   Pair[float64]{old.Total, cur.Total},
		Rules:   changed[:min(len(changed), explainingRules):min(len(changed), explainingRules)],
	})
}

// report finishes the report: the counts, and the rules that shifted, largest shift first.
func (d *differ) report() DiffReport {
	rep := d.rep
	rep.Tiers, rep.Personas, rep.Tracks, rep.Stages = d.tiers.counts(), d.personas.counts(), d.tracks.counts(), d.stages.counts()
	rep.Rules = []RuleShift{}
	for _, id := range d.ruleOrder {
		r := d.rules[id]
		if r.Fired.Before != r.Fired.After || math.Abs(r.Points.After-r.Points.Before) > 1e-9 {
			rep.Rules = append(rep.Rules, *r)
		}
	}
	slices.SortStableFunc(rep.Rules, func(a, b RuleShift) int {
		if c := cmp.Compare(abs(b.Fired.After-b.Fired.Before), abs(a.Fired.After-a.Fired.Before)); c != 0 {
			return c
		}
		return cmp.Compare(math.Abs(b.Points.After-b.Points.Before), math.Abs(a.Points.After-a.Points.Before))
	})
	if rep.Changes == nil {
		rep.Changes = []LeadDiff{}
	}
	return rep
}

// final replays lead and returns its final Result.
func final[L any](s *leadscore.Scorer[L], lead ReplayedLead[L]) (leadscore.Result, error) {
	var out leadscore.Result
	err := replay(s, lead, func(res *leadscore.Result, last bool) {
		if last {
			out = *res
		}
	}, nil)
	return out, err
}

// ruleDeltas pairs the contributions of two Results by rule ID, in the old order then the new.
func ruleDeltas(old, cur leadscore.Result) []RuleDelta {
	var out []RuleDelta
	index := map[string]int{}
	for _, c := range old.Contributions {
		index[c.RuleID] = len(out)
		out = append(out, RuleDelta{RuleID: c.RuleID, Points: Pair[float64]{Before: c.Points}})
	}
	for _, c := range cur.Contributions {
		if i, ok := index[c.RuleID]; ok {
			out[i].Points.After = c.Points
			continue
		}
		out = append(out, RuleDelta{RuleID: c.RuleID, Points: Pair[float64]{After: c.Points}})
	}
	return out
}

// counter counts leads per name before and after, in the order the names were declared or
// first seen.
type counter struct {
	order []string
	n     map[string]*Pair[int]
}

func newCounter() *counter { return &counter{n: map[string]*Pair[int]{}} }

func (c *counter) declare(name string) *Pair[int] {
	p := c.n[name]
	if p == nil {
		p = &Pair[int]{}
		c.n[name] = p
		c.order = append(c.order, name)
	}
	return p
}

func (c *counter) add(before, after string) {
	c.declare(before).Before++
	c.declare(after).After++
}

// counts lists the names with leads before or after.
func (c *counter) counts() []Count {
	out := []Count{}
	for _, name := range c.order {
		if p := c.n[name]; p.Before != 0 || p.After != 0 {
			out = append(out, Count{Name: name, Pair: *p})
		}
	}
	return out
}

// String renders the report for people: what the change does to stored leads (the
// migration), the counts before and after with their change, the rules that shifted, and
// every lead that changed with the rules that explain it.
func (r DiffReport) String() string {
	var b strings.Builder
	if len(r.Migration.Steps) > 0 {
		b.WriteString("stored leads under the new rule set\n")
		for _, line := range strings.SplitAfter(r.Migration.String(), "\n") {
			if line != "" {
				b.WriteString("  " + line)
			}
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%d %s, %d changed (tier, hand-off, stage, persona or track)\n", r.Leads, text.Plural(r.Leads, "lead", "leads"), r.Changed)
	table := func(title string, rows []Count) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%-20s %7s %7s %7s\n", title, "before", "after", "change")
		for _, c := range rows {
			fmt.Fprintf(&b, "  %-18s %7d %7d %7s\n", orNone(c.Name), c.Before, c.After, change(c.After-c.Before))
		}
	}
	table("tiers", r.Tiers)
	fmt.Fprintf(&b, "  %-18s %7d %7d %7s\n", "hand-offs (MQL)", r.Handoffs.Before, r.Handoffs.After, change(r.Handoffs.After-r.Handoffs.Before))
	table("personas", r.Personas)
	table("tracks", r.Tracks)
	table("stages", r.Stages)
	if len(r.Rules) > 0 {
		fmt.Fprintf(&b, "\n%-20s %15s %21s\n", "rules", "leads fired", "points (all leads)")
		for _, s := range r.Rules {
			fmt.Fprintf(&b, "  %-18s %6d → %-6d %9s → %s\n", s.RuleID, s.Fired.Before, s.Fired.After, points(s.Points.Before), points(s.Points.After))
		}
	}
	if len(r.Changes) > 0 {
		b.WriteString("\nchanged leads\n")
	}
	for _, d := range r.Changes {
		fmt.Fprintf(&b, "  %s: %s; total %s → %s\n", d.Name, d.summary(), points(d.Total.Before), points(d.Total.After))
		for _, rd := range d.Rules {
			fmt.Fprintf(&b, "      %-18s %s → %s\n", rd.RuleID, signed(rd.Points.Before), signed(rd.Points.After))
		}
		if len(d.Rules) == 0 {
			b.WriteString("      no rule's points changed: the tiers, hysteresis or journey explain it\n")
		}
	}
	return b.String()
}

// summary lists what changed: "tier warm → hot, hand-off no → yes".
func (d LeadDiff) summary() string {
	var parts []string
	if d.Tier.Before != d.Tier.After {
		parts = append(parts, fmt.Sprintf("tier %s → %s", orNone(d.Tier.Before), orNone(d.Tier.After)))
	}
	if d.Handoff.Before != d.Handoff.After {
		parts = append(parts, fmt.Sprintf("hand-off %s → %s", yesNo(d.Handoff.Before), yesNo(d.Handoff.After)))
	}
	if d.Stage.Before != d.Stage.After {
		parts = append(parts, fmt.Sprintf("stage %s → %s", orNone(string(d.Stage.Before)), orNone(string(d.Stage.After))))
	}
	if d.Persona.Before != d.Persona.After {
		parts = append(parts, fmt.Sprintf("persona %s → %s", orNone(d.Persona.Before), orNone(d.Persona.After)))
	}
	if d.Track.Before != d.Track.After {
		parts = append(parts, fmt.Sprintf("track %s → %s", orNone(d.Track.Before), orNone(d.Track.After)))
	}
	return strings.Join(parts, ", ")
}

// StoredLead is a lead as a service keeps it: its attributes and its State, written under
// some rule set, and when to look at it. [DiffStates] reads a population of them;
// [ParseStoredLead] reads one from a service's export.
type StoredLead[L any] struct {
	Name  string // how reports name the lead; empty: its position in the population ("#12")
	Lead  L
	State *leadscore.State
	// At is when to evaluate the lead; the zero time means at the State's clock (its latest
	// event or evaluation).
	At time.Time
}

// DiffStates is [Diff] for stored States instead of replayed events: each lead's State is
// evaluated under the old and under the new rule set — Advance on a copy at the lead's At, as
// the service's next wake-up would — and the report says what changes. Unlike a replay, it
// shows what a deployment does to the States that exist: a history the new rule set resets
// is gone, a converted one is approximate, a new rule counts nothing of the past. The States
// are not modified. A lead without a name is named by its position ("#12"). The error
// reports the first lead that cannot be evaluated (no State, or no time to evaluate it at).
func DiffStates[L any](before, after *leadscore.Scorer[L], stored iter.Seq[StoredLead[L]]) (DiffReport, error) {
	d := newDiffer(before, after)
	i := 0
	for sl := range stored {
		name := leadName(i, sl.Name)
		i++
		if sl.State == nil {
			return DiffReport{}, fmt.Errorf("analysis: DiffStates: lead %q: no State", name)
		}
		at := sl.At
		if at.IsZero() {
			at = clock(sl.State)
		}
		if at.IsZero() {
			return DiffReport{}, fmt.Errorf("analysis: DiffStates: lead %q: %w", name, errNoStoredTime)
		}
		old, err := before.Advance(sl.Lead, sl.State.Clone(), at)
		if err != nil {
			return DiffReport{}, fmt.Errorf("analysis: DiffStates: lead %q, old rule set: %w", name, err)
		}
		cur, err := after.Advance(sl.Lead, sl.State.Clone(), at)
		if err != nil {
			return DiffReport{}, fmt.Errorf("analysis: DiffStates: lead %q, new rule set: %w", name, err)
		}
		d.add(name, old, cur)
	}
	return d.report(), nil
}

// clock returns st's clock, the zero time for a new State. (State.Clock documents the zero
// time for a new lead, but returns the Unix epoch for one: a new State's clock field is 0.)
func clock(st *leadscore.State) time.Time {
	c := st.Clock()
	if st.Events() == 0 && c.Equal(time.Unix(0, 0)) {
		return time.Time{}
	}
	return c
}

var errNoStoredTime = errors.New(`a new State and no "at": nothing says when to evaluate the lead`)
