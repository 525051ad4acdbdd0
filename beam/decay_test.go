package leadbeam

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/leadscore/leadscore"

	"github.com/leadscore/leadscore/beam/internal/gen"
)

// changeLine is a Change as the tests compare it.
func changeLine(lead string, encoded []byte) (string, error) {
	var c Change
	if err := json.Unmarshal(encoded, &c); err != nil {
		return "", err
	}
	t := c.Transition
	return fmt.Sprintf("%s #%d %s %s %s%s>%s%s signal=%s/%v handoff=%v at %s", lead, c.Seq, c.Cause, t.Kind, t.From, t.FromTier, t.To, t.ToTier, t.Signal, t.Raised, c.Handoff, t.At.Format(time.RFC3339Nano)), nil
}

func init() { register.Function2x2(changeLine) }

// TestDecayOutOfHandoffAtNextWakeup: a lead that goes hot and then goes quiet decays out of
// the hand-off tier on a timer, and the pipeline reports the tier change at the instant
// NextWakeup named — to the nanosecond, though Beam's timers count milliseconds — with every
// other transition of the lead's life, under the full DefaultB2B (which also wakes daily).
func TestDecayOutOfHandoffAtNextWakeup(t *testing.T) {
	rules := ruleSet(t, true)
	lead := leadscore.Lead{ID: "ceo", Email: "ceo@bigco.example", Title: "CEO", Phone: "+1 555 0100",
		Company: leadscore.Company{Name: "BigCo", Domain: "bigco.example", Employees: 5000, Revenue: 50e6}}
	t0 := testStart.Add(1234567891 * time.Nanosecond) // not on a millisecond
	var events []gen.Keyed
	for i, typ := range []string{"demo_request", "call", "form_submit", "page_view", "page_view"} {
		ev := leadscore.Event{ID: fmt.Sprintf("e%d", i), Type: typ, Time: t0.Add(time.Duration(i) * time.Hour), Path: "/pricing"}
		events = append(events, gen.Keyed{Lead: lead.ID, JSON: mustMarshal(t, ev)})
	}
	leads := []gen.Keyed{{Lead: lead.ID, JSON: mustMarshal(t, lead)}}
	horizon := t0.Add(120 * 24 * time.Hour)

	// In process: observe the events, then follow NextWakeup until the lead leaves "hot".
	cfg, _ := leadscore.ParseConfig(rules)
	s := leadscore.MustCompile[leadscore.Lead](cfg)
	var st leadscore.State
	for _, k := range events {
		var ev leadscore.Event
		_ = json.Unmarshal(k.JSON, &ev)
		if res, err := s.Observe(lead, &st, ev); err != nil {
			t.Fatal(err)
		} else if res.Tier != "hot" && ev.ID == "e4" {
			t.Fatalf("the lead is %q after its events, not hot: the test needs a hand-off to decay from", res.Tier)
		}
	}
	var exit time.Time
	for exit.IsZero() {
		w, ok := s.NextWakeup(&st)
		if !ok || w.After(horizon) {
			t.Fatal("the lead never decays out of hot before the horizon")
		}
		res, err := s.Advance(lead, &st, w)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range res.Transitions {
			if tr.Kind == leadscore.TransitionTier && tr.FromTier == "hot" {
				exit = w
				if !tr.At.Equal(w) {
					t.Fatalf("Advance at the wakeup %v dated the tier change %v", w, tr.At)
				}
			}
		}
	}
	t.Logf("hot from %v, decays out at %v (NextWakeup)", t0, exit)
	if exit.Equal(exit.Truncate(time.Millisecond)) {
		t.Fatal("the wakeup falls on a millisecond: the test would not show nanosecond timing")
	}

	// Every transition the reference makes, as changeLine writes them.
	want := replay(t, rules, leads, events, horizon)
	var wantLines, wantHandoffs []any
	sawExit := false
	for _, u := range want.updates[lead.ID] {
		for _, tr := range u.Result.Transitions {
			handoff := tr.Kind == leadscore.TransitionTier && u.Result.Handoff && tr.ToTier == u.Result.Tier
			line, _ := changeLine(lead.ID, mustMarshal(t, Change{Lead: lead.ID, Seq: u.Seq, Cause: u.Cause, EventID: u.EventID, Handoff: handoff, Transition: tr}))
			wantLines = append(wantLines, line)
			if handoff {
				wantHandoffs = append(wantHandoffs, line)
			}
			if tr.Kind == leadscore.TransitionTier && tr.FromTier == "hot" && tr.At.Equal(exit) && u.Cause == CauseWakeup {
				sawExit = true
			}
		}
	}
	if !sawExit || len(wantHandoffs) == 0 {
		t.Fatal("the reference has no wakeup leaving hot at NextWakeup's time, or no hand-off")
	}

	p, sc := beam.NewPipelineWithRoot()
	out := Score(sc, Options{RuleSet: rules, Horizon: horizon}, Inputs{Events: createKeyed(sc, gen.Shuffled(events, 3, 0.5)), Leads: createKeyed(sc, leads)})
	passert.Equals(sc, beam.ParDo(sc, changeLine, out.Changes), wantLines...)
	passert.Equals(sc, beam.ParDo(sc, changeLine, out.Handoffs), wantHandoffs...)
	ptest.RunAndValidate(t, p)
}
