package leadbeam

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/graph/mtime"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/state"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/timers"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/jsontext"
)

// DedupeEvents removes exact repeats from events (a PCollection<KV<string, []byte>> of event
// JSON keyed by lead, as Inputs.Events): of the events of one lead with one ID, only the
// first to arrive passes, as long as the repeats come within ttl of event time of it. It is
// what the State's own memory of recent IDs (the 64 most recent by event time) cannot give:
// exactly-once beyond that window, at the cost of a shuffle and a little state per event ID
// for ttl. Events without an ID pass untouched, and so does what the library refuses
// whatever the rule set: what is not leadscore.Event JSON (a field of the wrong JSON type
// included) or not UTF-8, an event without a type or with a time outside
// [leadscore.MinTime, leadscore.MaxTime). Score reports those, and they do not count as the
// first of their ID. An event that the Scorer refuses for its own limits or vocabulary
// (Limits, Config.StrictEventTypes) is not known here and does count: drop such events
// before DedupeEvents (Scorer.CheckEvent) when their IDs may collide with valid ones.
//
// It keys by (lead, event ID) and keeps one flag per key, cleared by an event-time timer ttl
// after the event — Beam Java's Deduplicate, which the Go SDK does not have; the Go SDK's
// filter.Distinct needs a GroupByKey, which in the global window of a streaming job never
// fires.
func DedupeEvents(s beam.Scope, events beam.PCollection, ttl time.Duration) beam.PCollection {
	if ttl <= 0 {
		panic("leadbeam: DedupeEvents needs a positive ttl")
	}
	s = s.Scope("leadscore.DedupeEvents")
	withID, without := beam.ParDo2(s, keyByEventID, events)
	firsts := beam.ParDo(s, &dedupeFn{TTL: int64(ttl / time.Millisecond), Seen: state.MakeValueState[bool]("seen"), Expire: timers.InEventTime("expire")}, withID)
	return beam.Flatten(s, firsts, without)
}

// idSep separates lead and event ID in the key. A lead ID that contains it would make the
// pair ambiguous: such a lead's events bypass the dedupe.
const idSep = "\x00"

// keyByEventID keys an event by lead and ID at the event's own time.
func keyByEventID(ctx context.Context, lead string, body []byte, withID func(beam.EventTime, string, []byte), without func(string, []byte)) {
	// An event the library refuses whatever the rule set passes untouched, for Score to
	// report: counted as the first of its ID, it would drop the valid event with that ID,
	// which Observe would have taken (a refused event leaves the State's memory of IDs as it
	// was). So the whole Event is decoded, as Score decodes it: a field of the wrong JSON
	// type ("value": "free", "properties": [1]) makes Score refuse it. Not UTF-8 also means
	// its ID as decoded is not the event's.
	var head leadscore.Event
	if json.Unmarshal(body, &head) != nil || head.ID == "" || head.Type == "" || !eventTimeInRange(head.Time) ||
		strings.Contains(lead, idSep) || !jsontext.Valid(body) {
		without(lead, body)
		return
	}
	withID(mtime.FromMilliseconds(floorMillis(head.Time.UnixNano())), lead+idSep+head.ID, body)
}

// dedupeFn passes the first event of each (lead, ID) key and drops the rest until Expire.
type dedupeFn struct {
	TTL    int64 // milliseconds
	Seen   state.Value[bool]
	Expire timers.EventTime
}

func (fn *dedupeFn) ProcessElement(ts beam.EventTime, sp state.Provider, tp timers.Provider, key string, body []byte, emit func(string, []byte)) error {
	seen, _, err := fn.Seen.Read(sp)
	if err != nil || seen {
		return err
	}
	if err := fn.Seen.Write(sp, true); err != nil {
		return err
	}
	fn.Expire.Set(tp, time.UnixMilli(int64(ts)+fn.TTL), timers.WithNoOutputTimestamp())
	lead, _, _ := strings.Cut(key, idSep)
	emit(lead, body)
	return nil
}

// OnTimer forgets the key: a repeat after the TTL passes again, and the State's memory of
// recent IDs is then what catches it.
// Beam wants OnTimer to declare the emitter ProcessElement has; it emits nothing.
func (fn *dedupeFn) OnTimer(sp state.Provider, tp timers.Provider, key string, timer timers.Context, _ func(string, []byte)) error {
	return fn.Seen.Clear(sp)
}
