package leadscore

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestErrorMeansNothingApplied checks the package's one error convention (doc.go, "Errors"):
// whenever a call that may modify a State returns an error, the State encodes to the same
// bytes as before. The States are built from random event histories, and every way to make
// each call fail is tried on each of them.
func TestErrorMeansNothingApplied(t *testing.T) {
	cfg := DefaultB2B()
	cfg.Events = append(cfg.Events, EventRule{ID: "fragile", On: []string{"form_submit"}, When: `event.Properties.size > 3`, Points: 1})
	s := compileT(t, cfg)
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	lead := Lead{Email: "ana@acme.example", Title: "VP Sales", Company: Company{Domain: "acme.example", Employees: 300}}
	types := []string{EventPageView, EventEmailClick, EventFormSubmit, EventDemoRequest, EventWebinarAttended}
	invalid := []Event{
		{Type: "", Time: base},
		{Type: EventPageView},
		{Type: EventPageView, Time: time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Type: EventPurchase, Time: base, Value: math.NaN()},
		{Type: EventPurchase, Time: base, Value: math.Inf(1)},
		{Type: EventPageView, Time: base, Path: strings.Repeat("x", 1<<20)},
		{Type: EventFormSubmit, Time: base, Properties: map[string]any{"size": "big"}}, // the fragile rule fails: Accumulate refuses
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 40 {
		st := &State{}
		for j := range rng.IntN(30) {
			e := Event{Type: types[rng.IntN(len(types))], Time: base.Add(time.Duration(rng.IntN(90*24)) * time.Hour)}
			if rng.IntN(3) == 0 {
				e.ID = string(rune('a' + j%26))
			}
			if _, err := s.Observe(lead, st, e); err != nil {
				t.Fatal(err)
			}
		}
		before, err := st.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		unchanged := func(call string, err error) {
			t.Helper()
			if err == nil {
				return
			}
			after, merr := st.MarshalBinary()
			if merr != nil || !bytes.Equal(before, after) {
				t.Fatalf("history %d: %s returned %v and changed the State", i, call, err)
			}
		}
		resnap := func() { // a call that succeeded may have changed the State: compare with it from now on
			var err error
			if before, err = st.MarshalBinary(); err != nil {
				t.Fatal(err)
			}
		}
		errored := 0
		for k, e := range invalid {
			e.Time = e.Time.Add(time.Duration(i) * time.Hour)
			_, err := s.Observe(lead, st, e)
			unchanged("Observe(invalid["+string(rune('0'+k))+"])", err)
			resnap()
			_, err3 := s.Accumulate(lead, st, e)
			unchanged("Accumulate", err3)
			resnap()
			e.ID = "fresh" // a repeated event is a duplicate, not an error: give ObserveInto its own
			var r Result
			err2 := s.ObserveInto(&r, lead, st, e)
			unchanged("ObserveInto", err2)
			resnap()
			if err != nil && err2 != nil && err3 != nil {
				errored++
			}
		}
		if errored < len(invalid)-1 { // the fragile event is observed (its rule error goes into Result.Errors)
			t.Fatalf("history %d: only %d of %d invalid events were refused", i, errored, len(invalid))
		}
		_, err = s.Advance(lead, st, time.Time{})
		unchanged("Advance(zero time)", err)
		_, err = s.Advance(lead, st, time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC))
		unchanged("Advance(2300)", err)
		unchanged("UnmarshalBinary(garbage)", st.UnmarshalBinary([]byte("not a state")))
		unchanged("UnmarshalBinary(truncated)", st.UnmarshalBinary(before[:len(before)/2]))
		unchanged("Merge(nil)", s.Merge(st, nil))
		if err := st.UnmarshalBinary(before[:len(before)-1]); !errors.Is(err, ErrCorruptState) {
			t.Fatalf("truncated State bytes: error %v, want ErrCorruptState", err)
		}
	}
}
