package leadbeam

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"

	"github.com/leadscore/leadscore/beam/internal/gen"
)

// replayed is what a single process makes of a stream: every lead's Updates, in order, and its
// final State.
type replayed struct {
	updates map[string][]Update
	states  map[string][]byte
	results map[string]leadscore.Result // Score at the horizon
}

// replay is the reference the pipelines are held to, written without anything of the
// pipeline's: each lead's events sorted by time (then ID), observed one by one, with Advance
// at every NextWakeup before the next event and up to the horizon. An Update is what Observe
// returned for an event that was not a repeat, or what Advance returned when it changed
// something.
func replay(t testing.TB, ruleSet []byte, leads, events []gen.Keyed, horizon time.Time) replayed {
	t.Helper()
	cfg, err := leadscore.ParseConfig(ruleSet)
	if err != nil {
		t.Fatal(err)
	}
	s, err := leadscore.Compile[leadscore.Lead](cfg)
	if err != nil {
		t.Fatal(err)
	}
	attrs := map[string]leadscore.Lead{}
	for _, k := range leads {
		var l leadscore.Lead
		if err := json.Unmarshal(k.JSON, &l); err != nil {
			t.Fatal(err)
		}
		attrs[k.Lead] = l
	}
	type ev struct {
		e   leadscore.Event
		raw string
	}
	byLead := map[string][]ev{}
	for _, k := range events {
		var e leadscore.Event
		if err := json.Unmarshal(k.JSON, &e); err != nil {
			t.Fatal(err)
		}
		byLead[k.Lead] = append(byLead[k.Lead], ev{e, string(k.JSON)})
	}
	out := replayed{updates: map[string][]Update{}, states: map[string][]byte{}, results: map[string]leadscore.Result{}}
	for id, evs := range byLead {
		slices.SortFunc(evs, func(a, b ev) int {
			return cmp.Or(a.e.Time.Compare(b.e.Time), cmp.Compare(a.e.ID, b.e.ID), cmp.Compare(a.raw, b.raw))
		})
		lead, ok := attrs[id]
		if !ok {
			lead = leadscore.Lead{ID: id}
		}
		var st leadscore.State
		var ups []Update
		report := func(cause, eventID string, res leadscore.Result) {
			ups = append(ups, Update{Lead: id, Seq: int64(len(ups) + 1), Cause: cause, EventID: eventID, Result: res})
		}
		wakeUntil := func(before time.Time, inclusive bool) {
			for {
				w, ok := s.NextWakeup(&st)
				if !ok || w.After(horizon) || w.After(before) || (!inclusive && w.Equal(before)) {
					return
				}
				res, err := s.Advance(lead, &st, w)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Transitions) > 0 {
					report(CauseWakeup, "", res)
				}
			}
		}
		for _, e := range evs {
			wakeUntil(e.e.Time, false)
			res, err := s.Observe(lead, &st, e.e)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Duplicate {
				report(CauseEvent, e.e.ID, res)
			}
		}
		wakeUntil(horizon, true)
		b, err := st.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Score(lead, &st, horizon)
		if err != nil {
			t.Fatal(err)
		}
		out.updates[id], out.states[id], out.results[id] = ups, b, res
	}
	return out
}

// updateLine is how the equivalence tests compare Updates: the sequence number and a hash of
// the whole encoded Update, so that any difference in any field of the Result shows.
func updateLine(seq int64, encoded []byte) string {
	return fmt.Sprintf("%d:%x", seq, sha256.Sum256(encoded))
}

// leadDigest is one lead's Updates in one string: count and hash of their sorted lines.
func leadDigest(lead string, lines []string) string {
	slices.Sort(lines)
	return fmt.Sprintf("%s %d %x", lead, len(lines), sha256.Sum256([]byte(strings.Join(lines, "\n"))))
}

// digests are replay's Updates as leadDigest strings (final: with Backfill's "final" Update).
func (r replayed) digests(t testing.TB, final bool) []string {
	var out []string
	for id, ups := range r.updates {
		var lines []string
		for _, u := range ups {
			lines = append(lines, updateLine(u.Seq, mustMarshal(t, u)))
		}
		if final {
			u := Update{Lead: id, Seq: int64(len(ups) + 1), Cause: CauseFinal, Result: r.results[id]}
			lines = append(lines, updateLine(u.Seq, mustMarshal(t, u)))
		}
		out = append(out, leadDigest(id, lines))
	}
	return out
}

func mustMarshal(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
