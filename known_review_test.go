package leadscore

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Regression tests from the review of f407352: known()/unknown().

// known(x) of a call the patcher rewrites first (count, days_since, years_since, has_signal, a
// nested known) knows the rewritten node's type: ast.Patch drops it, and known() used to fall
// back to x != nil, always true for a number.
func TestReviewKnownOfRewrittenCall(t *testing.T) {
	for _, c := range []struct {
		when string
		want bool // on an empty lead with no events
	}{
		{`known(count("page_view", "7d"))`, false},        // count is 0
		{`unknown(count("page_view", "7d"))`, true},       // count is 0
		{`known(years_since(lead.CustomerSince))`, false}, // years_since of a zero time is 0
	} {
		s, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: c.when, Points: 1, Reason: "r"}}})
		if err != nil {
			t.Errorf("%s: %v", c.when, err)
			continue
		}
		res := scoreT(t, s, Lead{}, &State{}, t0)
		if _, got := contribution(res, "r"); got != c.want {
			t.Errorf("%s on an empty lead: fired %v, want %v", c.when, got, c.want)
		}
	}
	// A bool is never unknown — unless it comes out of a rewritten call.
	for _, when := range []string{`known(known(lead.Age))`} {
		if _, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: when, Points: 1, Reason: "r"}}}); err == nil {
			t.Errorf("%s compiles (to always true); want the bool error", when)
		}
	}
	if _, err := Compile[Lead](Config{Tiers: []Tier{{Name: "t", Min: Float(1), When: `known(has_signal("velocity"))`}, {Name: "c"}}}); err == nil || !strings.Contains(err.Error(), "a bool is never unknown") {
		t.Errorf(`known(has_signal("velocity")) in a tier: %v; want the bool error`, err)
	}
	// A node whose type cannot be told is a positioned compile error, never x != nil.
	if _, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: "known(nil)", Points: 1, Reason: "r"}}}); err == nil ||
		!strings.Contains(err.Error(), "1:7: known(): cannot tell the type of nil") {
		t.Errorf("known(nil): %v", err)
	}
}

type kMoney float64
type kCount int
type kLabel string

type kLead struct {
	Money kMoney
	Count kCount
	Label kLabel
	Dur   time.Duration
}

// A custom lead type's named numeric and string types (type Money float64, time.Duration,
// type Label string) compare with their zero value; they used to fail to compile with an
// error about an operator the rule does not contain.
func TestReviewKnownNamedTypes(t *testing.T) {
	for _, f := range []string{"Money", "Count", "Label", "Dur"} {
		src := "known(lead." + f + ")"
		s, err := Compile[kLead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: src, Points: 1, Reason: "r"}}})
		if err != nil {
			t.Errorf("%s: %v", src, firstLine(err.Error()))
			continue
		}
		res, _ := s.Score(kLead{}, &State{}, t0)
		if len(res.Contributions) != 0 || len(res.Errors) != 0 {
			t.Errorf("%s on a zero value: %+v %v", src, res.Contributions, res.Errors)
		}
		res, _ = s.Score(kLead{Money: 0.5, Count: -1, Label: "x", Dur: time.Nanosecond}, &State{}, t0)
		if len(res.Contributions) != 1 || len(res.Errors) != 0 {
			t.Errorf("%s on a non-zero value: %+v %v", src, res.Contributions, res.Errors)
		}
	}
}

// An absent parent is unknown too: known(lead.Ptr.Size) and known(lead.Ptr?.Size) with a nil
// Ptr are answers (Ptr != nil && Ptr.Size != 0), not run-time errors.
func TestReviewKnownThroughNilPointer(t *testing.T) {
	for _, src := range []string{`unknown(lead.Ptr.Size)`, `unknown(lead.Ptr?.Size)`} {
		s, err := Compile[diffLead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: src, Points: 1, Reason: "r"}}})
		if err != nil {
			t.Errorf("%s: %v", src, firstLine(err.Error()))
			continue
		}
		res, _ := s.Score(diffLead{}, &State{}, t0)
		if len(res.Errors) > 0 || len(res.Contributions) != 1 {
			t.Errorf("%s with a nil Ptr: fired %v, errors %v; want unknown, no error", src, len(res.Contributions) == 1, res.Errors)
		}
		for size, want := range map[int]int{0: 1, 7: 0} {
			res, _ = s.Score(diffLead{Ptr: &diffCo{Size: size}}, &State{}, t0)
			if len(res.Errors) > 0 || len(res.Contributions) != want {
				t.Errorf("%s with Ptr.Size %d: fired %v, errors %v", src, size, len(res.Contributions) == 1, res.Errors)
			}
		}
	}
}

// What holds (passes): edges, and the fast path agrees with the VM over diffLead's fields.
func TestReviewKnownEdgesHold(t *testing.T) {
	type eLead struct {
		Name   string
		F      float64
		Any    any
		PP     **int
		Traits map[string]any
		When   time.Time
	}
	var nilp *int
	for _, c := range []struct {
		when string
		lead eLead
		want bool
	}{
		{"known(lead.Name)", eLead{Name: "\u00a0\u2003\t"}, false},
		{"known(lead.F)", eLead{F: math.Copysign(0, -1)}, false},
		{"known(lead.F)", eLead{F: math.NaN()}, true},
		{"known(lead.Any)", eLead{Any: nilp}, false},
		{"known(lead.PP)", eLead{PP: new(*int)}, false}, // expr dereferences: a **int to a nil *int reads as absent
		{"known(lead.Traits.x)", eLead{Traits: map[string]any{"x": nil}}, false},
		{"known(lead.When)", eLead{When: time.Time{}.In(time.FixedZone("Z", 3600))}, false},
	} {
		s, err := Compile[eLead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: c.when, Points: 1, Reason: "r"}}})
		if err != nil {
			t.Fatal(err)
		}
		res, _ := s.Score(c.lead, &State{}, t0)
		if got := len(res.Contributions) == 1; got != c.want || len(res.Errors) > 0 {
			t.Errorf("%s on %+v: fired %v errs %v, want %v", c.when, c.lead, got, res.Errors, c.want)
		}
	}
	r := rand.New(rand.NewPCG(7, 19))
	leads := make([]diffLead, 60)
	for i := range leads {
		leads[i] = genDiffLead(r)
	}
	for _, f := range []string{"Name", "Title", "N", "I8", "I32", "I64", "F", "F32", "T", "Co.Name", "Co.Size", "Co.Rev", "Co.Since",
		"Ptr", "Ptr.Size", "Ptr.Name", "nick", "Traits", "Traits.x", "Tags", "EmbN", "EmbS", "PEmbN", "PEmbS"} {
		for _, fn := range []string{"known", "unknown"} {
			for _, sc := range []scope{scopeRule, scopeGuard} {
				src := fn + "(lead." + f + ")"
				c, ok := compileDiffCase[diffLead](src, sc, true)
				if !ok {
					t.Errorf("%s does not compile", src)
					continue
				}
				if !c.fast() {
					continue
				}
				st := diffState(t, c.s, leads[0])
				for _, lead := range leads {
					if msg := c.check(lead, st, t0.Add(time.Hour), r); msg != "" {
						t.Errorf("%s (%v): %s", src, sc, msg)
						break
					}
				}
			}
		}
	}
	// Misuse messages: positioned, with a suggestion.
	for _, c := range []struct{ when, want string }{
		{"known()", "not enough arguments to call known"},
		{"known(lead.Titel)", "did you mean Title?"},
		{"knwon(lead.Title)", "did you mean known?"},
	} {
		_, err := Compile[Lead](Config{Rules: []Rule{{ID: "r", Dimension: Fit, When: c.when, Points: 1, Reason: "r"}}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.when, err, c.want)
		}
	}
	if _, err := Compile[Lead](Config{}, WithFunction("known", func(...any) (any, error) { return true, nil }, new(func(any) bool))); err == nil {
		t.Error("WithFunction(\"known\") accepted")
	}
}

// What the docs say about speed is true: known() of a number, a string or a time is a plain
// comparison on the fast path; the x != nil form (a Traits entry, a map, a pointer) runs on
// expr's VM, and answers the same.
func TestReviewKnownFastPathAsDocumented(t *testing.T) {
	s := compileT(t, Config{Rules: []Rule{
		{ID: "num", Dimension: Fit, When: "known(lead.Age)", Points: 1, Reason: "r"},
		{ID: "str", Dimension: Fit, When: "unknown(lead.Title)", Points: 1, Reason: "r"},
		{ID: "time", Dimension: Fit, When: "known(lead.CustomerSince)", Points: 1, Reason: "r"},
		{ID: "trait", Dimension: Fit, When: "known(lead.Traits.children)", Points: 1, Reason: "r"},
		{ID: "map", Dimension: Fit, When: "unknown(lead.Traits)", Points: 1, Reason: "r"},
	}})
	for _, p := range s.rules {
		fast := p.when.fastBool != nil
		if want := p.id != "trait" && p.id != "map"; fast != want {
			t.Errorf("rule %s (%s): on the fast path %v; the docs say %v", p.id, p.when.src, fast, want)
		}
	}
	res := scoreT(t, s, Lead{Traits: map[string]any{"children": 0}}, &State{}, t0)
	if _, ok := contribution(res, "trait"); !ok {
		t.Error("known(lead.Traits.children) with children: 0 did not fire")
	}
	if _, ok := contribution(res, "map"); ok {
		t.Error("unknown(lead.Traits) with Traits fired")
	}
}
