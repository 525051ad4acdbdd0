package leadscore

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Capacity-aware hand-off ("Don't flood sales: hand off the best leads sales can
// act on this week, hold the rest in nurture, and say why a lead is waiting"). PlanHandoffs
// is a pure function over a batch of candidates: it reads no clock and keeps nothing, so an
// engine calls it with the hand-offs it already made in the window.

// HandoffCandidate is a lead that may be handed to sales: its identity, the owner (a sales
// rep or team) it would go to, and its Result.
type HandoffCandidate struct {
	ID     string `json:"id"`              // the lead's identity: the last tie-break, and unique within a batch
	Owner  string `json:"owner,omitempty"` // who would take it; "" is the shared pool (Capacity.Default)
	Result Result `json:"result"`
}

// PastHandoff is a hand-off already made to an owner, which counts against their capacity
// while it is inside the window.
type PastHandoff struct {
	Owner string    `json:"owner"`
	At    time.Time `json:"at"`
}

// Capacity is what sales can take: hand-offs per owner per window.
type Capacity struct {
	// PerOwner is how many hand-offs each owner takes per Window.
	PerOwner map[string]int `json:"per_owner,omitempty"`
	// Default is the capacity of an owner PerOwner does not list (0: none; Unlimited: no
	// limit).
	Default int `json:"default,omitempty"`
	// Window is the span capacity is counted over, such as a week (0: Recent counts whatever
	// its time).
	Window Duration `json:"window,omitempty"`
	// Recent are the hand-offs already made: those within Window before the plan's now count
	// against their owner's capacity.
	Recent []PastHandoff `json:"recent,omitempty"`
}

// HandoffPlan is who is handed off now and who waits, each list in priority order.
type HandoffPlan struct {
	Now     []PlannedHandoff `json:"now"`
	Waiting []PlannedHandoff `json:"waiting"`
}

// PlannedHandoff is a candidate in a HandoffPlan, with its place in the priority order of its
// owner (1: their best) and, for one that waits, why.
type PlannedHandoff struct {
	HandoffCandidate
	Rank   int    `json:"rank"`
	Reason string `json:"reason,omitempty"`
}

// PlanHandoffs decides which candidates are handed off now, at now, so that each owner gets
// the best leads they can take, not the first. Candidates are ranked, best first, by:
//
//  1. tier, in the rule set's order (a tier it does not have ranks last);
//  2. total, higher first;
//  3. buying signals (Result.Signals that are not negative: competitor, job_seeker, student,
//     generic_email), more first;
//  4. fit grade, in the rule set's order (none ranks last);
//  5. ID, in byte order, the tie-break that makes the plan the same for any order of the
//     candidates.
//
// Each owner takes candidates in that order until their capacity (Capacity.PerOwner, else
// Default, less their Recent hand-offs within Window before now) is used. A candidate that
// is not a hand-off (Result.Handoff false) or is disqualified waits whatever the capacity, and
// so does a second candidate with an ID already in the batch. Every waiting candidate has its
// reason.
func (s *Scorer[L]) PlanHandoffs(candidates []HandoffCandidate, capacity Capacity, now time.Time) HandoffPlan {
	type ranked struct {
		c              HandoffCandidate
		tier, grade    int
		signals, input int
	}
	rs := make([]ranked, len(candidates))
	for i, c := range candidates {
		r := ranked{c: c, tier: s.tierIndex(c.Result.Tier), grade: -1, input: i}
		if r.tier < 0 {
			r.tier = len(s.tiers)
		}
		r.grade = len(s.grades)
		for k, g := range s.grades {
			if g.name == c.Result.Grade {
				r.grade = k
			}
		}
		for _, sig := range c.Result.Signals {
			if !negativeSignal(sig.Kind) {
				r.signals++
			}
		}
		rs[i] = r
	}
	slices.SortFunc(rs, func(x, y ranked) int {
		if c := cmp.Compare(x.tier, y.tier); c != 0 {
			return c
		}
		if c := cmp.Compare(y.c.Result.Total, x.c.Result.Total); c != 0 {
			return c
		}
		if c := cmp.Compare(y.signals, x.signals); c != 0 {
			return c
		}
		if c := cmp.Compare(x.grade, y.grade); c != 0 {
			return c
		}
		if c := cmp.Compare(x.c.ID, y.c.ID); c != 0 {
			return c
		}
		// The same ID twice: the second waits as a duplicate. Which is second must not depend
		// on the order of the candidates: one that can be handed off first, then by owner.
		if c := compareBool(eligible(&y.c.Result), eligible(&x.c.Result)); c != 0 {
			return c
		}
		if c := cmp.Compare(x.c.Owner, y.c.Owner); c != 0 {
			return c
		}
		return cmp.Compare(x.input, y.input)
	})
	used := map[string]int{}
	for _, h := range capacity.Recent {
		if capacity.Window <= 0 || (!h.At.After(now) && now.Sub(h.At) < time.Duration(capacity.Window)) {
			used[h.Owner]++
		}
	}
	limit := func(owner string) int {
		if n, ok := capacity.PerOwner[owner]; ok {
			return n
		}
		return capacity.Default
	}
	plan := HandoffPlan{Now: []PlannedHandoff{}, Waiting: []PlannedHandoff{}}
	rank := map[string]int{}
	seen := map[string]bool{}
	for _, r := range rs {
		c := r.c
		p := PlannedHandoff{HandoffCandidate: c}
		switch {
		case seen[c.ID]:
			p.Reason = "duplicate: candidate " + strconv.Quote(c.ID) + " is already in this batch"
		case c.Result.Disqualified:
			p.Reason = "disqualified: never a hand-off"
		case !c.Result.Handoff:
			p.Reason = "not in a hand-off tier (tier " + strconv.Quote(c.Result.Tier) + ")"
		}
		seen[c.ID] = true
		if p.Reason != "" {
			plan.Waiting = append(plan.Waiting, p)
			continue
		}
		rank[c.Owner]++
		p.Rank = rank[c.Owner]
		n := limit(c.Owner)
		if n == Unlimited || used[c.Owner] < n {
			used[c.Owner]++
			plan.Now = append(plan.Now, p)
			continue
		}
		p.Reason = ownerName(c.Owner) + " is at capacity: " + strconv.Itoa(used[c.Owner]) + " of " + strconv.Itoa(max(n, 0)) +
			" hand-offs" + windowText(capacity.Window) + "; ranked " + strconv.Itoa(p.Rank) + " for them (total " + formatPoints(c.Result.Total) + ")"
		plan.Waiting = append(plan.Waiting, p)
	}
	return plan
}

// eligible reports whether r may be handed off, capacity allowing.
func eligible(r *Result) bool { return r.Handoff && !r.Disqualified }

func ownerName(owner string) string {
	if owner == "" {
		return "the shared pool"
	}
	return "owner " + strconv.Quote(owner)
}

func windowText(w Duration) string {
	if w <= 0 {
		return ""
	}
	return " in " + humanSpan(int64(w))
}

// negativeSignal reports whether kind is one of the built-in negative signals.
func negativeSignal(kind string) bool {
	switch kind {
	case SignalCompetitor, SignalJobSeeker, SignalStudent, SignalGenericEmail:
		return true
	}
	return false
}
