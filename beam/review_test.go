package leadbeam

// A review of the pipeline's handling of hostile event JSON, as the service's review does for
// POST /events: every test runs a small pipeline on prism, bounded by Options.Horizon.

import (
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/leadscore/leadscore/beam/internal/gen"
)

// Event JSON is UTF-8. encoding/json reads each invalid byte, and each escaped half of a
// surrogate pair, as U+FFFD, so the IDs "\xff1" and "\xfe1" (or "\ud800" and "\udbff") were
// one: the second event was dropped as a duplicate of the first — by DedupeEvents before
// scoring, or by the State — counted nowhere as a failure. Such an event is a Failure, like
// any event that is not valid JSON, and DedupeEvents lets it through for Score to report; an
// event nested too deep for encoding/json is one too. Nothing stops the bundle, and the good
// events of the same lead are scored, in Score and in Backfill.
func TestReviewHostileEventJSON(t *testing.T) {
	at := testStart.Add(time.Hour)
	ev := func(id string, minute int) []byte {
		return []byte(`{"id": "` + id + `", "type": "page_view", "path": "/pricing", "time": "` + at.Add(time.Duration(minute)*time.Minute).Format(time.RFC3339) + `"}`)
	}
	deep := []byte(`{"id": "deep", "type": "page_view", "time": "` + at.Format(time.RFC3339) + `", "properties": {"a": ` +
		strings.Repeat(`[`, 20_000) + strings.Repeat(`]`, 20_000) + `}}`)
	events := []gen.Keyed{
		{Lead: "a", JSON: ev("ok1", 1)},
		{Lead: "a", JSON: ev("x\xff1", 2)},
		{Lead: "a", JSON: ev("x\xfe1", 3)},
		{Lead: "a", JSON: ev(`\ud800`, 5)}, // escapes of half a surrogate pair: U+FFFD too
		{Lead: "a", JSON: ev(`\udbff`, 6)},
		{Lead: "a", JSON: ev(`\\ud800`, 7)}, // an escaped backslash: a valid ID
		{Lead: "a", JSON: ev("ok2", 4)},
		{Lead: "a", JSON: deep},
		{Lead: "a", JSON: ev("ok1", 1)}, // a true redelivery: dropped by DedupeEvents
	}
	opts := Options{RuleSet: ruleSet(t, false), Horizon: at.Add(24 * time.Hour)}
	check := func(s beam.Scope, out Outputs, updates ...any) {
		passert.Equals(s, beam.ParDo(s, updateEventID, out.Updates), updates...)
		passert.Equals(s, beam.ParDo(s, &reasonCheck{Want: map[string]string{
			"a event ": "event is not valid",
		}}, out.Failures), "a event ", "a event ", "a event ", "a event ", "a event ")
	}
	t.Run("Score", func(t *testing.T) {
		p, s := beam.NewPipelineWithRoot()
		check(s, Score(s, opts, Inputs{Events: DedupeEvents(s, createKeyed(s, events), time.Hour)}), "a ok1", "a ok2", `a \ud800`)
		ptest.RunAndValidate(t, p)
	})
	t.Run("Backfill", func(t *testing.T) {
		p, s := beam.NewPipelineWithRoot()
		// and the lead's Result at the horizon, an Update of no event
		check(s, Backfill(s, opts, Inputs{Events: createKeyed(s, events[:len(events)-1])}), "a ok1", "a ok2", `a \ud800`, "a ")
		ptest.RunAndValidate(t, p)
	})
}
