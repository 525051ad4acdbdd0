package leadbeam

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
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

// TestLateLeadAttributesNeverGoBack: attributes are a keyed join in event time, so an event
// is scored with the lead record latest at or before it, whatever order the records came in.
// Lead x: attributes v2 (VP Sales) at T2 and an event at T3 are applied; then attributes v1
// (Intern) at T1 < T2 arrive late. They are older than v2, so they are ignored (counted), and
// the on-time event at T4 is still scored with v2. Lead y: the same, but the late attributes
// (CEO) are at T2 < T2' < T3: newer than v2, so they replace them at once (an Update of cause
// lead) and the event at T4 is scored with them.
func TestLateLeadAttributesNeverGoBack(t *testing.T) {
	rules := []byte(`{
		"name": "title-only",
		"rules": [
			{"id": "vp", "dimension": "fit", "when": "lead.Title == 'VP Sales'", "points": 20, "reason": "VP"},
			{"id": "ceo", "dimension": "fit", "when": "lead.Title == 'CEO'", "points": 30, "reason": "CEO"},
			{"id": "intern", "dimension": "fit", "when": "lead.Title == 'Intern'", "points": -10, "reason": "intern"}
		],
		"events": [{"id": "visit", "on": ["page_view"], "points": 1, "reason": "visited"}]
	}`)
	t0 := testStart
	ms := func(d time.Duration) int64 { return t0.Add(d).UnixMilli() }
	leadLine := func(lead, title string) string {
		return "L\t" + lead + "\t" + string(mustMarshal(t, leadscore.Lead{Title: title}))
	}
	eventLine := func(lead, id string, at time.Duration) string {
		e := leadscore.Event{ID: id, Type: "page_view", Time: t0.Add(at), Path: "/pricing"}
		return "E\t" + lead + "\t" + string(mustMarshal(t, e))
	}
	const t1, t2, t2y, t3, t4 = 1 * time.Hour, 2 * time.Hour, 150 * time.Minute, 3 * time.Hour, 4 * time.Hour

	con := teststream.NewConfig()
	must(t, con.AddElements(ms(t2), leadLine("x", "VP Sales"), leadLine("y", "VP Sales")))
	must(t, con.AddElements(ms(t3), eventLine("x", "x3", t3), eventLine("y", "y3", t3)))
	must(t, con.AdvanceWatermark(ms(t3+30*time.Minute)))
	must(t, con.AddElements(ms(t1), leadLine("x", "Intern"))) // late, older than VP Sales
	must(t, con.AddElements(ms(t2y), leadLine("y", "CEO")))   // late, newer than VP Sales
	must(t, con.AddElements(ms(t4), eventLine("x", "x4", t4), eventLine("y", "y4", t4)))
	must(t, con.AdvanceWatermarkToInfinity())

	p, s := beam.NewPipelineWithRoot()
	events, leads := beam.ParDo2(s, splitTaggedLine, teststream.Create(s, con))
	out := Score(s, Options{RuleSet: rules, Horizon: t0.Add(5 * time.Hour)}, Inputs{Events: events, Leads: leads})
	passert.Equals(s, beam.ParDo(s, updateFitRules, out.Updates),
		"x event x3: vp",
		"x event x4: vp", // not intern: the late attributes are older than VP Sales
		"y event y3: vp",
		"y lead : ceo", // the late attributes are newer: the lead is re-evaluated with them
		"y event y4: ceo",
	)
	passert.Empty(s, out.Failures)
	pr := ptest.RunAndValidate(t, p)
	// Both late records took the late path — which y's case is about: on time, CEO would
	// replace VP Sales anyway — and only x's was superseded.
	for name, want := range map[string]int64{"late": 2, "leads_superseded": 1} {
		qr := pr.Metrics().Query(func(r metrics.SingleResult) bool {
			return r.Namespace() == "leadscore" && r.Name() == name
		})
		var got int64
		for _, c := range qr.Counters() {
			got += c.Result()
		}
		if got != want {
			t.Errorf("counter leadscore/%s = %d, want %d", name, got, want)
		}
	}
}

// splitTaggedLine splits "E|L<TAB>lead<TAB>JSON" lines into events and lead attributes: a
// pipeline holds one TestStream, and each keeps its lines' timestamps.
func splitTaggedLine(line string, events, leads func(string, []byte)) error {
	tag, rest, _ := strings.Cut(line, "\t")
	lead, body, _ := strings.Cut(rest, "\t")
	switch tag {
	case "E":
		events(lead, []byte(body))
	case "L":
		leads(lead, []byte(body))
	default:
		return fmt.Errorf("test line %q: tag %q, want E or L", line, tag)
	}
	return nil
}

// updateFitRules passes each Update on as "lead cause event-ID: fit rules that fired".
func updateFitRules(lead string, encoded []byte) (string, error) {
	var u Update
	if err := json.Unmarshal(encoded, &u); err != nil {
		return "", err
	}
	var fired []string
	for _, c := range u.Result.Contributions {
		if c.Dimension == leadscore.Fit {
			fired = append(fired, c.RuleID)
		}
	}
	return fmt.Sprintf("%s %s %s: %s", lead, u.Cause, u.EventID, strings.Join(fired, ",")), nil
}

func init() {
	beam.RegisterFunction(splitTaggedLine)
	register.Function2x2(updateFitRules)
}
