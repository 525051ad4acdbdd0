package leadbeam

import (
	"context"
	"encoding/json"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// counters are the Beam metrics a run reports (namespace "leadscore"): what was scored, what
// was a repeat, what was late, which late lead attributes were older than those in force,
// what failed.
var counters = func() map[string]beam.Counter {
	m := map[string]beam.Counter{}
	for _, n := range []string{"events", "duplicates", "wakeups", "late", "leads_superseded", "failures_event", "failures_lead", "failures_state"} {
		m[n] = beam.NewCounter("leadscore", n)
	}
	return m
}()

// emitters is the sink of one DoFn call: it encodes outputs as JSON and counts.
type emitters struct {
	ctx                     context.Context
	updates, changes, fails func(string, []byte)
}

func (e emitters) update(u Update) { e.send(e.updates, u.Lead, u) }
func (e emitters) change(c Change) { e.send(e.changes, c.Lead, c) }
func (e emitters) failure(f Failure) {
	e.send(e.fails, f.Lead, f)
}

func (e emitters) count(what string) {
	if c, ok := counters[what]; ok {
		c.Inc(e.ctx, 1)
	}
}

// send encodes v; an output that does not encode (which the library's guarantees rule out: a
// Result holds no NaN or ±Inf) becomes a Failure instead of a panic that would fail the
// bundle and retry it forever.
func (e emitters) send(emit func(string, []byte), lead string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		f, _ := json.Marshal(Failure{Lead: lead, Kind: "output", Reason: "output does not encode: " + err.Error()})
		e.fails(lead, f)
		return
	}
	emit(lead, b)
}
