package leadbeam

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/leadscore/leadscore/beam/internal/gen"
)

// TestDedupeEventsPassesEachIDOnce: of events delivered up to three times, one of each ID
// passes; events without an ID all pass, and the same ID under two leads is two events.
func TestDedupeEventsPassesEachIDOnce(t *testing.T) {
	st := gen.Generate(gen.Spec{Seed: 5, Leads: 50, Events: 1000, Start: testStart, Span: 24 * time.Hour})
	input := append(gen.Shuffled(st.Events, 1, 0.5), gen.Shuffled(st.Events, 2, 0.3)...)
	noID := []byte(`{"type": "page_view", "time": "2025-03-01T00:00:00Z"}`)
	input = append(input, gen.Keyed{Lead: "n", JSON: noID}, gen.Keyed{Lead: "n", JSON: noID},
		gen.Keyed{Lead: "other", JSON: st.Events[0].JSON})

	p, s := beam.NewPipelineWithRoot()
	out := DedupeEvents(s, createKeyed(s, input), time.Hour)
	want := keyedLines(append(st.Events, gen.Keyed{Lead: "n", JSON: noID}, gen.Keyed{Lead: "n", JSON: noID}, gen.Keyed{Lead: "other", JSON: st.Events[0].JSON}))
	passert.Equals(s, beam.ParDo(s, joinLine, out), strs(want)...)
	ptest.RunAndValidate(t, p)
}

func joinLine(lead string, body []byte) string { return lead + "\t" + string(body) }

func init() { beam.RegisterFunction(joinLine) }

// TestDedupeEventsPassesWhatTheLibraryRefuses: an event the library refuses whatever the
// rule set (a time before 1900 or from 2200 on, some beyond what a UnixNano holds; no type;
// a field of the wrong JSON type) passes untouched, as what is not event JSON does, for Score to report — and does not
// count as the first of its ID. Each of 60 leads gets, in a random order, some of those
// under one ID and up to three deliveries of the one valid event with that ID: out come
// all the refused ones and one copy of the valid one, which a refused event delivered
// first used to drop.
func TestDedupeEventsPassesWhatTheLibraryRefuses(t *testing.T) {
	refused := []string{
		`{"id": "x", "type": "page_view", "time": "0001-01-01T00:00:01Z"}`,
		`{"id": "x", "type": "page_view", "time": "1500-06-01T00:00:00Z"}`,
		`{"id": "x", "type": "page_view", "time": "1677-09-21T00:00:00Z"}`,
		`{"id": "x", "type": "page_view", "time": "1899-12-31T23:59:59Z"}`,
		`{"id": "x", "type": "page_view", "time": "2200-01-01T00:00:00Z"}`,
		`{"id": "x", "type": "page_view", "time": "2262-04-12T00:00:00Z"}`,
		`{"id": "x", "type": "page_view", "time": "9999-12-31T23:59:59Z"}`,
		`{"id": "x", "time": "2025-03-01T00:00:00Z"}`,
		`{"id": "x", "type": "", "time": "2025-03-01T00:00:00Z"}`,
		// fields of the wrong JSON type, which Score fails to decode as a leadscore.Event
		`{"id": "x", "type": "page_view", "time": "2025-03-01T00:00:00Z", "value": "free"}`,
		`{"id": "x", "type": "page_view", "time": "2025-03-01T00:00:00Z", "value": 1e400}`,
		`{"id": "x", "type": "page_view", "time": "2025-03-01T00:00:00Z", "properties": [1]}`,
		`{"id": "x", "type": "page_view", "time": "2025-03-01T00:00:00Z", "channel": 5}`,
	}
	valid := `{"id": "x", "type": "page_view", "time": "2025-03-01T00:00:00Z"}`
	rng := rand.New(rand.NewPCG(14, 3))
	var input, want []gen.Keyed
	for l := range 60 {
		lead := fmt.Sprintf("lead%02d", l)
		var mine []gen.Keyed
		for _, r := range refused {
			if rng.IntN(3) == 0 {
				mine = append(mine, gen.Keyed{Lead: lead, JSON: []byte(r)})
			}
		}
		want = append(want, mine...)
		if copies := rng.IntN(4); copies > 0 {
			want = append(want, gen.Keyed{Lead: lead, JSON: []byte(valid)})
			for range copies {
				mine = append(mine, gen.Keyed{Lead: lead, JSON: []byte(valid)})
			}
		}
		rng.Shuffle(len(mine), func(i, j int) { mine[i], mine[j] = mine[j], mine[i] })
		input = append(input, mine...)
	}

	p, s := beam.NewPipelineWithRoot()
	out := DedupeEvents(s, createKeyed(s, input), time.Hour)
	passert.Equals(s, beam.ParDo(s, joinLine, out), strs(keyedLines(want))...)
	ptest.RunAndValidate(t, p)
}
