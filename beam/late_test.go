package leadbeam

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/teststream"
	"github.com/leadscore/leadscore"
)

// TestLateEventFollowsTheLifetimeContract drives the watermark with a TestStream: two events
// are applied when the watermark passes them; then an event older than both arrives (late),
// with a redelivery of the first. The late event is observed at once, counts exactly as if it
// had come on time, and is evaluated at the lead's clock — its Update is dated at the latest
// event, never before — and the redelivery changes nothing.
func TestLateEventFollowsTheLifetimeContract(t *testing.T) {
	rules := ruleSet(t, false)
	t0 := testStart
	ev := func(id, typ string, at time.Duration) leadscore.Event {
		return leadscore.Event{ID: id, Type: typ, Time: t0.Add(at), Path: "/pricing"}
	}
	e1, e2 := ev("e1", "page_view", time.Hour), ev("e2", "form_submit", 2*time.Hour)
	e0, e4 := ev("e0", "demo_request", 30*time.Minute), ev("e4", "page_view", 4*time.Hour)
	line := func(e leadscore.Event) string { return "x\t" + string(mustMarshal(t, e)) }

	con := teststream.NewConfig()
	ms := t0.UnixMilli()
	must(t, con.AddElements(ms, line(e1), line(e2)))
	must(t, con.AdvanceWatermark(t0.Add(3*time.Hour).UnixMilli()))
	must(t, con.AddElements(ms, line(e0), line(e1)))
	must(t, con.AddElements(ms, line(e4)))
	must(t, con.AdvanceWatermarkToInfinity())

	// What the order-free fold says the lead scores at e4 with all four events.
	s := leadscore.MustCompile[leadscore.Lead](mustParse(t, rules))
	var all leadscore.State
	for _, e := range []leadscore.Event{e0, e1, e2, e4} {
		if _, err := s.Observe(leadscore.Lead{ID: "x"}, &all, e); err != nil {
			t.Fatal(err)
		}
	}
	final, _ := s.Score(leadscore.Lead{ID: "x"}, &all, e4.Time)

	p, sc := beam.NewPipelineWithRoot()
	events := beam.ParDo(sc, splitLine, teststream.Create(sc, con))
	out := Score(sc, Options{RuleSet: rules, Horizon: t0.Add(5 * time.Hour)}, Inputs{Events: events})
	check := &lateCheck{FinalAt: e4.Time, FinalTotal: final.Total}
	passert.Equals(sc, beam.ParDo(sc, check, out.Updates),
		"event e1 at "+e1.Time.Format(time.RFC3339Nano),
		"event e2 at "+e2.Time.Format(time.RFC3339Nano),
		"event e0 at "+e2.Time.Format(time.RFC3339Nano), // late: evaluated at the clock
		"event e4 at "+e4.Time.Format(time.RFC3339Nano),
	)
	passert.Empty(sc, out.Failures)
	ptest.RunAndValidate(t, p)
}

// lateCheck passes event Updates on as "cause id at time", checking that the Update at
// FinalAt totals FinalTotal.
type lateCheck struct {
	FinalAt    time.Time
	FinalTotal float64
}

func (c *lateCheck) ProcessElement(lead string, encoded []byte, emit func(string)) error {
	var u Update
	if err := json.Unmarshal(encoded, &u); err != nil {
		return err
	}
	if u.Cause != CauseEvent {
		return nil
	}
	if u.Result.At.Equal(c.FinalAt) && math.Abs(u.Result.Total-c.FinalTotal) > 1e-9 {
		return fmt.Errorf("lead %s at %v totals %v; the order-free fold of the same events says %v", lead, c.FinalAt, u.Result.Total, c.FinalTotal)
	}
	emit(fmt.Sprintf("%s %s at %s", u.Cause, u.EventID, u.Result.At.Format(time.RFC3339Nano)))
	return nil
}

func init() { register.DoFn3x1[string, []byte, func(string), error](&lateCheck{}) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustParse(t *testing.T, rules []byte) leadscore.Config {
	t.Helper()
	cfg, err := leadscore.ParseConfig(rules)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
