package leadscore

import (
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func sampleState(t *testing.T) (*Scorer[Lead], *State) {
	s := compileT(t, DefaultB2B())
	st := &State{}
	observeT(t, s, Lead{Email: "dana@globex.example", Title: "VP"}, st,
		Event{ID: "1", Type: EventFormSubmit, Time: t0},
		Event{ID: "2", Type: EventPageView, Path: "/pricing", Time: t0.Add(time.Hour)},
		Event{ID: "3", Type: EventCartAdd, Value: 12.5, Time: t0.Add(2 * time.Hour)},
		Event{ID: "4", Type: EventDemoRequest, Time: t0.Add(Day)},
	)
	return s, st
}

func TestUnmarshalRejectsCorruption(t *testing.T) {
	_, st := sampleState(t)
	good, _ := st.MarshalBinary()
	cases := map[string][]byte{
		"empty":        nil,
		"magic":        append([]byte("XXST"), good[4:]...),
		"truncated":    good[:len(good)-7],
		"one byte off": func() []byte { b := slices.Clone(good); b[len(b)/2] ^= 0x40; return b }(),
		"version":      func() []byte { b := slices.Clone(good); b[4] = 9; return b }(),
		"extra bytes":  append(slices.Clone(good[:len(good)-4]), 0, 0, 0, 0, 0),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			target := st.Clone()
			before, _ := target.MarshalBinary()
			err := target.UnmarshalBinary(data)
			if !errors.Is(err, ErrCorruptState) || !strings.HasPrefix(err.Error(), "leadscore: corrupt state") {
				t.Fatalf("UnmarshalBinary = %v, want ErrCorruptState", err)
			}
			after, _ := target.MarshalBinary()
			if !slices.Equal(before, after) {
				t.Fatal("a failed UnmarshalBinary changed the receiver")
			}
		})
	}
}

// A State survives a rule-set change: accumulators are matched by rule ID, and converted when
// the half-life changes (exactly, for one event); event times by type; what is gone is dropped
// and what is new starts empty.
func TestStateSurvivesRuleSetChange(t *testing.T) {
	old := compileT(t, Config{
		Rules: []Rule{{ID: "visits", Dimension: Engagement, Value: `count("page_view", "30d") * 1.0`}},
		Events: []EventRule{
			{ID: "kept", On: []string{EventCall}, Points: 10},
			{ID: "dropped", On: []string{EventEmailClick}, Points: 5},
			{ID: "rescaled", On: []string{EventCall}, Points: 1, HalfLife: Duration(Day)},
		},
	})
	var st State
	observeT(t, old, Lead{}, &st, ev(EventCall, t0), ev(EventEmailClick, t0), ev(EventPageView, t0), ev(EventPageView, t0.Add(time.Hour)))
	b, _ := st.MarshalBinary()
	var back State
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	next := compileT(t, Config{
		Rules: []Rule{{ID: "visits", Dimension: Engagement, Value: `count("page_view", "30d") * 1.0`}},
		Events: []EventRule{
			{ID: "new", On: []string{EventCall}, Points: 3},
			{ID: "kept", On: []string{EventCall}, Points: 20},
			{ID: "rescaled", On: []string{EventCall}, Points: 1, HalfLife: Duration(2 * Day)},
		},
	})
	r := scoreT(t, next, Lead{}, &back, t0.Add(2*time.Hour))
	got := map[string]float64{}
	for _, c := range r.Contributions {
		got[c.RuleID] = c.Points
	}
	rescaled := math.Exp2(-2.0 / 48) // the call at t0, 2 hours old under the new 2-day half-life
	want := map[string]float64{"visits": 2, "kept": 20, "rescaled": rescaled}
	if len(got) != len(want) || got["visits"] != 2 || got["kept"] != 20 || !near(got["rescaled"], rescaled) {
		t.Fatalf("contributions %v, want %v", got, want)
	}
	// The next event binds it for good, and "new" starts counting.
	r = observeT(t, next, Lead{}, &back, ev(EventCall, t0.Add(3*time.Hour)))
	if c, _ := contribution(r, "new"); c.Events != 1 {
		t.Fatalf("new rule: %+v", c)
	}
	if c, _ := contribution(r, "kept"); c.Events != 2 {
		t.Fatalf("kept rule: %+v", c)
	}
	if c, _ := contribution(r, "rescaled"); c.Events != 2 {
		t.Fatalf("rescaled rule: %+v", c)
	}
}

// Bytes per lead do not grow with the number of events.
func TestStateSizeIsBounded(t *testing.T) {
	s := compileT(t, DefaultB2B())
	sizes := map[int]int{}
	for _, n := range []int{10, 1000, 100_000} {
		var st State
		for i := range n {
			e := Event{ID: string(rune(i)), Type: propertyTypes[i%len(propertyTypes)], Path: propertyPaths[i%len(propertyPaths)], Time: t0.Add(time.Duration(i) * time.Minute)}
			if _, err := s.Observe(Lead{}, &st, e); err != nil {
				t.Fatal(err)
			}
		}
		b, _ := st.MarshalBinary()
		sizes[n] = st.d.Footprint()
		t.Logf("DefaultB2B after %6d events: %5d bytes in memory, %5d bytes encoded", n, st.d.Footprint(), len(b))
	}
	if sizes[100_000] != sizes[1000] {
		t.Fatalf("memory grows with events: %v", sizes)
	}
}

func TestMergeErrorsAndEmptyParts(t *testing.T) {
	s, st := sampleState(t)
	before, _ := st.MarshalBinary()
	if err := st.Merge(nil); err == nil || !strings.HasPrefix(err.Error(), "leadscore: ") {
		t.Fatalf("Merge(nil) = %v", err)
	}
	if err := st.Merge(&State{}); err != nil {
		t.Fatal(err)
	}
	if after, _ := st.MarshalBinary(); !slices.Equal(before, after) {
		t.Fatal("merging nil or an empty State changed the State")
	}
	// A new State merged with a part becomes that part.
	var fresh State
	if err := fresh.Merge(st); err != nil {
		t.Fatal(err)
	}
	a, b := scoreT(t, s, Lead{}, st, t0.Add(Day)), scoreT(t, s, Lead{}, &fresh, t0.Add(Day))
	if a.Explain() != b.Explain() {
		t.Fatal("a new State merged with a part scores differently from it")
	}
}

// A State written by the first release (format version 1) still loads and scores as it did
// then: testdata/state/v1-b2b.bin is sampleState's State as version 1 wrote it, and
// v1-b2b.explain what that release's Score explained for it.
func TestStateVersion1StillReads(t *testing.T) {
	data, err := os.ReadFile("testdata/state/v1-b2b.bin")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/state/v1-b2b.explain")
	if err != nil {
		t.Fatal(err)
	}
	var st State
	if err := st.UnmarshalBinary(data); err != nil {
		t.Fatalf("version 1 state: %v", err)
	}
	s := compileT(t, DefaultB2B())
	r := scoreT(t, s, Lead{Email: "dana@globex.example", Title: "VP"}, &st, t0.Add(3*Day+time.Hour))
	if got := r.Explain(); got != string(want) {
		t.Fatalf("version 1 state explains\n%s\nwant\n%s", got, want)
	}
	if st.Events() != 4 || st.Stage() != StageConvert {
		t.Fatalf("events %d stage %s", st.Events(), st.Stage())
	}
	// It is written back as the current version, and a redelivered event is still a repeat.
	b, err := st.MarshalBinary()
	if err != nil || b[4] != 2 {
		t.Fatalf("re-encoded as version %d, %v", b[4], err)
	}
	if res := observeT(t, s, Lead{}, &st, Event{ID: "4", Type: EventDemoRequest, Time: t0.Add(Day)}); !res.Duplicate {
		t.Fatal("an event ID remembered by a version 1 state is not recognised")
	}
}
