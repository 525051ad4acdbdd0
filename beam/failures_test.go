package leadbeam

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/leadscore/leadscore"

	"github.com/leadscore/leadscore/beam/internal/gen"
)

// TestBadInputsAreFailures: bad events, bad lead attributes and an unreadable seed State each
// become one Failure naming the lead and the reason; nothing stops the bundle, and every good
// event of the same leads is still scored.
func TestBadInputsAreFailures(t *testing.T) {
	rules := ruleSet(t, false)
	at := testStart.Add(time.Hour)
	good := func(lead, id string, n int) gen.Keyed {
		return gen.Keyed{Lead: lead, JSON: mustMarshal(t, leadscore.Event{ID: id, Type: "page_view", Path: "/pricing", Time: at.Add(time.Duration(n) * time.Minute)})}
	}
	huge := leadscore.Event{ID: "huge", Type: "page_view", Time: at, Properties: map[string]any{"blob": strings.Repeat("x", 70_000)}}
	events := []gen.Keyed{
		good("a", "a1", 1), good("a", "a2", 2), good("b", "b1", 1), good("c", "c1", 3),
		{Lead: "a", JSON: []byte(`{"id": "broken", "type": "page_view", "time": `)},
		{Lead: "a", JSON: []byte(`{"id": "no-time", "type": "page_view"}`)},
		{Lead: "b", JSON: []byte(`{"id": "too-old", "type": "page_view", "time": "1850-01-01T00:00:00Z"}`)},
		{Lead: "b", JSON: mustMarshal(t, huge)},
		{Lead: "c", JSON: []byte(`{"id": "no-type", "time": "2025-03-01T05:00:00Z"}`)},
	}
	leads := []gen.Keyed{{Lead: "b", JSON: []byte(`{"title": 42}`)}}
	states := []gen.Keyed{{Lead: "c", JSON: []byte("not a State")}}

	p, s := beam.NewPipelineWithRoot()
	out := Score(s, Options{RuleSet: rules, Horizon: at.Add(24 * time.Hour)}, Inputs{
		Events: createKeyed(s, events), Leads: createKeyed(s, leads), States: createKeyed(s, states),
	})
	want := map[string]string{
		"a event ":        "event is not valid leadscore.Event JSON: ", // unreadable: no ID to name
		"a event no-time": "event time missing or outside [1900-01-01, 2200-01-01)",
		"b event too-old": "event time missing or outside [1900-01-01, 2200-01-01)",
		"b event huge":    leadscore.ErrEventTooLarge.Error(),
		"c event no-type": leadscore.ErrEventType.Error(),
		"b lead ":         "lead attributes are not valid leadscore.Lead JSON: ",
		"c state ":        "seed State ignored: " + leadscore.ErrCorruptState.Error(),
	}
	var names []any
	for k := range want {
		names = append(names, k)
	}
	passert.Equals(s, beam.ParDo(s, &reasonCheck{Want: want}, out.Failures), names...)
	// Every good event was scored: one Update each, and no others.
	passert.Equals(s, beam.ParDo(s, updateEventID, out.Updates), "a a1", "a a2", "b b1", "c c1")
	ptest.RunAndValidate(t, p)
}

// reasonCheck passes each Failure on as "lead kind event-ID", after checking that its reason
// starts as Want says for that name, and that it carries the input that failed.
type reasonCheck struct{ Want map[string]string }

func (c *reasonCheck) ProcessElement(lead string, encoded []byte) (string, error) {
	var f Failure
	if err := json.Unmarshal(encoded, &f); err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s %s %s", lead, f.Kind, f.EventID)
	if want, ok := c.Want[name]; ok && !strings.HasPrefix(f.Reason, want) {
		return "", fmt.Errorf("failure %q: reason %q, want it to start with %q", name, f.Reason, want)
	}
	if f.Lead != lead || len(f.Body) == 0 {
		return "", fmt.Errorf("failure %q: lead %q, body %q: want the lead and the input that failed", name, f.Lead, f.Body)
	}
	return name, nil
}

func init() {
	register.DoFn2x2[string, []byte, string, error](&reasonCheck{})
	register.Function2x2(updateEventID)
}

func updateEventID(lead string, encoded []byte) (string, error) {
	var u Update
	if err := json.Unmarshal(encoded, &u); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s", lead, u.EventID), nil
}
