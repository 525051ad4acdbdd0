package leadbeam

import (
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
