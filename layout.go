package leadscore

import (
	"fmt"

	"github.com/leadscore/leadscore/internal/state"
	"github.com/leadscore/leadscore/internal/text"
)

// Limits on what a State keeps per event type.
const (
	// defaultCountLimit is how many event times a State keeps for a type that count() reads
	// other than in a comparison with a constant: counts are exact up to it and saturate there.
	defaultCountLimit = 64
	// maxCountLimit bounds what a comparison may ask a State to keep ("count(t, w) > 1e9").
	maxCountLimit = state.MaxRing
)

// typeTable interns the event types a rule set refers to. Known types are the vocabulary and
// the config's declared ones; a type becomes tracked (gets per-lead event times in the State)
// when count, days_since or a detector reads it.
type typeTable struct {
	known   map[string]bool
	tracked []string
	index   map[string]int
	need    []int // per tracked type: how many of its latest event times the State keeps
	// hints looks for the compile's did-you-mean suggestions (teach.go): here because every
	// part of a compile that may name something unknown reaches the type table.
	hints hinter
}

func newTypeTable(declared []string, pages map[string][]string) *typeTable {
	t := &typeTable{known: map[string]bool{}, index: map[string]int{}}
	for _, v := range vocabulary {
		t.known[v] = true
	}
	for _, v := range declared {
		t.known[v] = true
	}
	for cat := range pages {
		t.known[categoryType(cat)] = true // page views of one category: "page_view/pricing"
	}
	return t
}

// lookup returns typ's tracked index, tracking it (keeping one event time) on first use.
func (t *typeTable) lookup(typ string) (int, bool) {
	if !t.known[typ] {
		return 0, false
	}
	if i, ok := t.index[typ]; ok {
		return i, true
	}
	t.index[typ] = len(t.tracked)
	t.tracked = append(t.tracked, typ)
	t.need = append(t.need, 1)
	return len(t.tracked) - 1, true
}

func (t *typeTable) keep(i, n int) { t.need[i] = max(t.need[i], min(n, maxCountLimit)) }

// warnCountsReadAsNumbers warns of each count() an expression reads as a number rather than
// comparing it with a constant. A State keeps a bounded number of a type's latest event
// times, so such a count stops there, where a comparison with a constant is exact (the State
// keeps as many times as the constant asks for). Without it a rule such as
// count("page_view", "30d") / 10 >= 10 would never hold, and nothing would say why.
func warnCountsReadAsNumbers[L any](c *exprCompiler[L], types *typeTable, warns *[]Warning) {
	for k, slot := range c.counts {
		if c.countRefs[k] == 0 {
			continue
		}
		at, typ := c.countRead[k], shortName(types.tracked[slot.typ])
		call := fmt.Sprintf("count(%q, %q)", typ, Duration(slot.window))
		limit := text.Thousands(types.need[slot.typ])
		*warns = append(*warns, Warning{Kind: at.kind, ID: at.id, Field: at.field,
			Message: fmt.Sprintf("%s is read as a number: a State keeps the latest %s %s times for it, so it never counts more than %s",
				call, limit, typ, limit),
			Fix: fmt.Sprintf("compare the count with a constant, as in %s >= 100: such a comparison is exact up to its constant (at most %s)",
				call, text.Thousands(maxCountLimit))})
	}
}

// noTime marks "never" in per-type event times.
const noTime = state.None

// buildLayout lays out the State for a compiled rule set: one accumulator per event rule (with
// the IDs it was renamed from, so older States keep its history), per tracked type as many
// event times as its most demanding reader needs, the signal kinds (with their former names)
// and the journey's stages.
func buildLayout[L any](cfg Config, events []eventRule[L], types *typeTable, kinds map[string]int, stages []stageDef, velocity int64, dedup int) *state.Layout {
	renamed := map[string][]string{}
	for _, r := range cfg.Events {
		renamed[r.ID] = r.RenamedFrom
	}
	rules := make([]state.Rule, len(events))
	for i, r := range events {
		rules[i] = state.Rule{ID: r.id, RenamedFrom: renamed[r.id], HalfLife: int64(r.halfLife), Once: r.once}
	}
	kindRenames := map[string][]string{}
	for _, sc := range cfg.Signals {
		kindRenames[sc.Kind] = sc.RenamedFrom
	}
	kindList := make([]state.Kind, len(kinds))
	for k, bit := range kinds {
		kindList[bit] = state.Kind{Name: k, RenamedFrom: kindRenames[k]}
	}
	stageNames := make([]string, len(stages))
	for i, d := range stages {
		stageNames[i] = string(d.name)
	}
	return state.NewLayout(rules, types.tracked, types.need, kindList, stageNames, velocity, dedup)
}
