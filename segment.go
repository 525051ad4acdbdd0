package leadscore

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"

	"github.com/leadscore/leadscore/internal/state"
)

// Persona is a segment of leads: the first persona whose When holds; one without When is the
// default and must come last. Track names the nurture track the persona follows. When reads
// what tiers read: the lead, scores, signals, stage, tier and handoff.
//
// Tracks nurtures by score as well as by persona: "low-scoring leads get the regular
// newsletter …; higher scores get more frequent, detailed thought-leadership and targeted
// offers", and rejected leads are re-nurtured. The first entry that matches the lead gives
// Result.Track; when none does (or there are none), Track does. The track follows the lead:
// the same person moves from track to track as their score moves, without changing persona.
// A Recycled entry holds until the lead leaves the stage it was recycled into (see
// PersonaTrack).
type Persona struct {
	ID     string         `json:"id" yaml:"id"`
	When   string         `json:"when,omitempty" yaml:"when,omitempty"`
	Track  string         `json:"track,omitempty" yaml:"track,omitempty"`
	Tracks []PersonaTrack `json:"tracks,omitempty" yaml:"tracks,omitempty"`
}

// PersonaTrack is one of a persona's tracks: it matches a lead whose tier is Tier (empty: any
// tier), that was recycled into its stage if Recycled is set (sales rejected it, or its deal
// was lost or ended in no decision: it came back from a later stage of the journey), and for
// which When holds (empty: always; When reads what a persona's When reads).
//
// Recycled has no time limit: it holds for as long as the lead stays in the stage it was sent
// back to — until a transition moves it on (it qualifies again, is disqualified, …), however
// long that takes and whatever its score does; StageConfig.RecycleSLA does not end it. To end
// a re-nurture track sooner, give the entry a When (say, on days_since of the event that
// recycled the lead) or list the tier entries before it.
type PersonaTrack struct {
	Tier     string `json:"tier,omitempty" yaml:"tier,omitempty"`
	Recycled bool   `json:"recycled,omitempty" yaml:"recycled,omitempty"`
	When     string `json:"when,omitempty" yaml:"when,omitempty"`
	Track    string `json:"track" yaml:"track"`
}

// MaxPersonas is the most personas a rule set may define: "too broad loses personalisation,
// too narrow loses profitability": a practical range of 2 to 20.
const MaxPersonas = 20

// Warning is a finding that does not stop Compile but deserves a look: a persona no lead could
// reach, say. Fix says what to change in the config to resolve it.
type Warning struct {
	Kind      ItemKind
	ID, Field string
	Message   string
	Fix       string
}

func (w Warning) String() string {
	s := fmt.Sprintf("%s %q", w.Kind, w.ID)
	if w.Field != "" {
		s += ": " + w.Field
	}
	return s + ": " + w.Message
}

type persona[L any] struct {
	id, track string
	when      *program[L]
	tracks    []personaTrack[L]
}

type personaTrack[L any] struct {
	tier     string
	recycled bool
	when     *program[L] // nil: always
	track    string
}

func compilePersonas[L any](c *exprCompiler[L], cfg []Persona, tiers []Tier, errs *errorList, warns *[]Warning) []persona[L] {
	const kind = ItemPersona
	if len(cfg) > MaxPersonas {
		errs.addf(kind, "personas", "", "%d personas, at most %d: segments that narrow stop paying", len(cfg), MaxPersonas)
	}
	if len(cfg) == 1 {
		*warns = append(*warns, Warning{Kind: kind, ID: cfg[0].ID, Message: "a single persona does not segment anything",
			Fix: `add another persona with its own "when" and "track", or remove "personas" if one track fits every lead`})
	}
	out := make([]persona[L], 0, len(cfg))
	seen := map[string]bool{}
	reachable := 0
	for i, pc := range cfg {
		id := pc.ID
		switch {
		case id == "":
			id = fmt.Sprintf("personas[%d]", i)
			errs.addf(kind, id, "id", "a persona needs an id")
		case seen[id]:
			errs.addf(kind, id, "id", "duplicate persona id")
		}
		seen[id] = true
		p := persona[L]{id: id, track: pc.Track}
		if pc.When == "" {
			if i != len(cfg)-1 {
				errs.addf(kind, id, "when", "only the last persona may omit when (the default); the personas after it could never match")
			}
		} else {
			p.when = c.compile(pc.When, scopeGuard, true, errs, kind, id, "when")
		}
		p.tracks = compilePersonaTracks(c, id, pc.Tracks, tiers, errs)
		if p.when != nil && constantFalse(p.when) {
			*warns = append(*warns, Warning{Kind: kind, ID: id, Field: "when", Message: "the condition is always false: no lead can reach this persona",
				Fix: fmt.Sprintf(`change "when" of persona %q so that some lead can satisfy it, or remove the persona`, id)})
		} else {
			reachable++
		}
		out = append(out, p)
	}
	if len(cfg) > 0 && reachable == 0 && len(*errs) == 0 {
		errs.addf(kind, "personas", "", "no persona can be reached")
	}
	return out
}

// compilePersonaTracks compiles persona id's tracks: each names a track, and a tier the rule
// set has.
func compilePersonaTracks[L any](c *exprCompiler[L], id string, cfg []PersonaTrack, tiers []Tier, errs *errorList) []personaTrack[L] {
	if len(cfg) == 0 {
		return nil
	}
	names := make([]string, 0, len(tiers))
	for _, t := range tiers {
		names = append(names, t.Name)
	}
	out := make([]personaTrack[L], 0, len(cfg))
	for i, tc := range cfg {
		field := fmt.Sprintf("tracks[%d]", i)
		if tc.Track == "" {
			errs.addf(ItemPersona, id, field+".track", "a persona's track needs a name")
		}
		if tc.Tier != "" && !slices.Contains(names, tc.Tier) {
			errs.addf(ItemPersona, id, field+".tier", "no tier %q; the tiers are %s", tc.Tier, strings.Join(names, ", "))
		}
		t := personaTrack[L]{tier: tc.Tier, recycled: tc.Recycled, track: tc.Track}
		if tc.When != "" {
			t.when = c.compile(tc.When, scopeGuard, true, errs, ItemPersona, id, field+".when")
		}
		out = append(out, t)
	}
	return out
}

// constantFalse reports whether expr's optimiser folded a condition to false.
func constantFalse[L any](p *program[L]) bool {
	b, ok := p.prog.Node().(*ast.BoolNode)
	return ok && !b.Value
}

// pickPersona sets res.Persona and res.Track: the first persona whose condition holds, and
// its track for where the lead stands (pickTrack).
func (s *Scorer[L]) pickPersona(sc *scratch[L], d *state.Data, res *Result) {
	for i := range s.personas {
		p := &s.personas[i]
		if p.when != nil {
			ok, err := s.runBool(sc, p.when)
			if err != nil {
				res.Errors = append(res.Errors, runtimeError(ItemPersona, p.id, "when", err))
				continue
			}
			if !ok {
				continue
			}
		}
		res.Persona, res.Track = p.id, s.pickTrack(sc, d, p, res)
		return
	}
}

// pickTrack returns persona p's track for the lead: its first matching entry's, else its
// Track. A When that fails is reported and does not match.
func (s *Scorer[L]) pickTrack(sc *scratch[L], d *state.Data, p *persona[L], res *Result) string {
	for i := range p.tracks {
		t := &p.tracks[i]
		if t.tier != "" && t.tier != res.Tier || t.recycled && !s.recycled(d) {
			continue
		}
		if t.when != nil {
			ok, err := s.runBool(sc, t.when)
			if err != nil {
				res.Errors = append(res.Errors, runtimeError(ItemPersona, p.id, fmt.Sprintf("tracks[%d].when", i), err))
				continue
			}
			if !ok {
				continue
			}
		}
		return t.track
	}
	return p.track
}
