package leadscore

import (
	"fmt"

	"github.com/expr-lang/expr/ast"
)

// Persona is a segment of leads: the first persona whose When holds; one without When is the
// default and must come last. Track names the nurture track the persona follows. When reads
// what tiers read: the lead, scores, signals, stage, tier and handoff.
type Persona struct {
	ID    string `json:"id" yaml:"id"`
	When  string `json:"when,omitempty" yaml:"when,omitempty"`
	Track string `json:"track,omitempty" yaml:"track,omitempty"`
}

// MaxPersonas is the most personas a rule set may define: "too broad loses personalisation,
// too narrow loses profitability" — DOMAIN.md's 2 to 20.
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
}

func compilePersonas[L any](c *exprCompiler[L], cfg []Persona, errs *errorList, warns *[]Warning) []persona[L] {
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

// constantFalse reports whether expr's optimiser folded a condition to false.
func constantFalse[L any](p *program[L]) bool {
	b, ok := p.prog.Node().(*ast.BoolNode)
	return ok && !b.Value
}

// pickPersona sets res.Persona and res.Track: the first persona whose condition holds.
func (s *Scorer[L]) pickPersona(sc *scratch[L], res *Result) {
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
		res.Persona, res.Track = p.id, p.track
		return
	}
}
