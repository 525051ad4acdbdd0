package leadscore

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/leadscore/leadscore/internal/state"
)

// Property tests: hand-rolled generators with fixed seeds, so failures reproduce.

var propertyTypes = []string{
	EventPageView, EventEmailClick, EventEmailOpen, EventCall, EventFormSubmit, EventContentDownload,
	EventEmailBounce, EventEmailUnsubscribe, EventWebinarAttended, EventCartAdd, EventPurchase,
	EventQuestion, EventDemoRequest, EventNoDecision, EventReferral,
}
var propertyPaths = []string{"/pricing", "/product/x", "/blog/y", "/careers", "/features", "/"}

func randomEvents(rng *rand.Rand, n int, withIDs bool) []Event {
	evs := make([]Event, n)
	for i := range evs {
		evs[i] = Event{
			Type: propertyTypes[rng.IntN(len(propertyTypes))], Path: propertyPaths[rng.IntN(len(propertyPaths))],
			Value: float64(rng.IntN(500)), Time: t0.Add(time.Duration(rng.Int64N(int64(120 * Day)))),
		}
		if withIDs {
			evs[i].ID = string(rune('a'+i%26)) + string(rune('A'+i/26%26)) + string(rune('0'+i/676))
		}
	}
	return evs
}

func propertyLead(rng *rand.Rand) Lead {
	titles := []string{"VP Sales", "Engineer", "CEO", "Student", "Marketing Manager", ""}
	emails := []string{"a@globex.example", "b@gmail.com", "c@mit.edu", ""}
	return Lead{
		Title: titles[rng.IntN(len(titles))], Email: emails[rng.IntN(len(emails))],
		Company: Company{Employees: rng.IntN(5000), Revenue: float64(rng.IntN(1e8))},
		BANT:    BANT{Budget: rng.IntN(2) == 0, Need: rng.IntN(2) == 0},
	}
}

func sameScores(t *testing.T, label string, a, b Result) {
	t.Helper()
	if !near(a.Fit, b.Fit) || !near(a.Engagement, b.Engagement) || !near(a.Relationship, b.Relationship) || !near(a.Total, b.Total) {
		t.Fatalf("%s: scores differ: %v/%v/%v/%v vs %v/%v/%v/%v", label,
			a.Fit, a.Engagement, a.Relationship, a.Total, b.Fit, b.Engagement, b.Relationship, b.Total)
	}
	if len(a.Contributions) != len(b.Contributions) {
		t.Fatalf("%s: %d vs %d contributions", label, len(a.Contributions), len(b.Contributions))
	}
	for i := range a.Contributions {
		ca, cb := a.Contributions[i], b.Contributions[i]
		if ca.RuleID != cb.RuleID || !near(ca.Points, cb.Points) || ca.Events != cb.Events {
			t.Fatalf("%s: contribution %+v vs %+v", label, ca, cb)
		}
	}
}

// Any split of a lead's events across shards, merged in any order, scores as all in one.
func TestPropertyMergeOfAnySplit(t *testing.T) {
	s := compileT(t, DefaultB2B())
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 60 {
		lead := propertyLead(rng)
		evs := randomEvents(rng, 1+rng.IntN(60), true)
		var whole State
		observeT(t, s, lead, &whole, evs...)

		shards := make([]*State, 1+rng.IntN(4))
		for i := range shards {
			shards[i] = &State{}
		}
		for _, e := range evs {
			observeT(t, s, lead, shards[rng.IntN(len(shards))], e)
		}
		rng.Shuffle(len(shards), func(i, j int) { shards[i], shards[j] = shards[j], shards[i] })
		merged := &State{}
		for _, sh := range shards {
			if err := merged.Merge(sh); err != nil {
				t.Fatal(err)
			}
		}
		at := t0.Add(130 * Day)
		sameScores(t, "trial "+string(rune('0'+trial%10)), scoreT(t, s, lead, &whole, at), scoreT(t, s, lead, merged, at))
		if merged.Events() != whole.Events() || merged.d.Latest != whole.d.Latest {
			t.Fatalf("events %d vs %d", merged.Events(), whole.Events())
		}
		// De-duplicated IDs stay de-duplicated: redelivering any event changes nothing.
		if r := observeT(t, s, lead, merged, evs[rng.IntN(len(evs))]); !r.Duplicate {
			t.Fatal("a redelivered event was counted after the merge")
		}
	}
}

// Merge is commutative and associative for scores.
func TestPropertyMergeAlgebra(t *testing.T) {
	s := compileT(t, DefaultB2B())
	rng := rand.New(rand.NewPCG(5, 6))
	for range 40 {
		lead := propertyLead(rng)
		parts := make([]State, 3)
		for i := range parts {
			observeT(t, s, lead, &parts[i], randomEvents(rng, rng.IntN(20)+1, false)...)
		}
		merge := func(xs ...*State) *State {
			out := &State{}
			for _, x := range xs {
				if err := out.Merge(x); err != nil {
					t.Fatal(err)
				}
			}
			return out
		}
		a, b, c := &parts[0], &parts[1], &parts[2]
		ab := merge(a, b)
		bc := merge(b, c)
		at := t0.Add(200 * Day)
		sameScores(t, "commutative", scoreT(t, s, lead, merge(a, b), at), scoreT(t, s, lead, merge(b, a), at))
		sameScores(t, "associative", scoreT(t, s, lead, merge(ab, c), at), scoreT(t, s, lead, merge(a, bc), at))
	}
}

// MarshalBinary and UnmarshalBinary round-trip exactly, floats included.
func TestPropertyMarshalRoundTrip(t *testing.T) {
	s := compileT(t, DefaultB2B())
	rng := rand.New(rand.NewPCG(7, 8))
	for range 60 {
		lead := propertyLead(rng)
		var st State
		observeT(t, s, lead, &st, randomEvents(rng, rng.IntN(80), rng.IntN(2) == 0)...)
		if rng.IntN(2) == 0 {
			s.Advance(lead, &st, t0.Add(150*Day))
		}
		b, err := st.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back State
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		b2, _ := back.MarshalBinary()
		if !slices.Equal(b, b2) {
			t.Fatal("re-encoding differs")
		}
		if !equalStates(&st, &back) {
			t.Fatalf("round trip changed the state:\n%+v\n%+v", st, back)
		}
		at := t0.Add(160 * Day)
		ra, rb := scoreT(t, s, lead, &st, at), scoreT(t, s, lead, &back, at)
		if ra.Explain() != rb.Explain() || ra.Total != rb.Total {
			t.Fatal("the decoded state scores differently")
		}
	}
}

// equalStates compares everything, the layout by content.
func equalStates(a, b *State) bool { return state.Equal(&a.d, &b.d) }

// For rules with positive points only, decay makes engagement fall monotonically with time,
// and adding a positive event never lowers its dimension.
func TestPropertyDecayMonotone(t *testing.T) {
	cfg := DefaultB2B()
	cfg.Events = slices.DeleteFunc(cfg.Events, func(r EventRule) bool { return r.Points < 0 })
	s := compileT(t, cfg)
	rng := rand.New(rand.NewPCG(9, 10))
	for range 40 {
		lead := propertyLead(rng)
		var st State
		for _, e := range randomEvents(rng, 1+rng.IntN(30), false) {
			before := scoreT(t, s, lead, &st, e.Time)
			r := observeT(t, s, lead, &st, e)
			if r.Engagement < before.Engagement-1e-9 || r.Relationship < before.Relationship-1e-9 {
				t.Fatalf("a %s event lowered a dimension: %v → %v", e.Type, before.Engagement, r.Engagement)
			}
		}
		prev := scoreT(t, s, lead, &st, st.Latest()).Engagement
		for d := 1; d < 200; d += 7 {
			e := scoreT(t, s, lead, &st, st.Latest().Add(time.Duration(d)*Day)).Engagement
			if e > prev+1e-9 {
				t.Fatalf("engagement rose with time alone: %v → %v", prev, e)
			}
			prev = e
		}
	}
}

// Score is deterministic and never modifies the State.
func TestPropertyScoreIsPure(t *testing.T) {
	s := compileT(t, DefaultB2B())
	rng := rand.New(rand.NewPCG(11, 12))
	for range 30 {
		lead := propertyLead(rng)
		var st State
		observeT(t, s, lead, &st, randomEvents(rng, rng.IntN(40), true)...)
		before, _ := st.MarshalBinary()
		at := t0.Add(time.Duration(rng.Int64N(int64(200 * Day))))
		first := scoreT(t, s, lead, &st, at).Explain()
		for range 3 {
			if scoreT(t, s, lead, &st, at).Explain() != first {
				t.Fatal("Score is not deterministic")
			}
		}
		after, _ := st.MarshalBinary()
		if !slices.Equal(before, after) {
			t.Fatal("Score modified the State")
		}
	}
}
