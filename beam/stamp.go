package leadbeam

import (
	"context"
	"encoding/json"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/graph/mtime"
	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/jsontext"
)

// stampEvent turns an event's JSON into a record timestamped with the event's own time, so
// that the watermark — and with it the order events are applied in and the timers — follow
// event time. What cannot be a record (no JSON, no time, a time outside the library's range)
// goes to the failures, counted; the library checks the rest when it observes the event.
func stampEvent(ctx context.Context, lead string, body []byte, emit func(beam.EventTime, string, []byte), fails func(string, []byte)) {
	var head struct {
		ID   string    `json:"id"`
		Time time.Time `json:"time"`
	}
	out := emitters{ctx: ctx, fails: fails}
	if err := json.Unmarshal(body, &head); err != nil {
		out.count("failures_event")
		out.failure(Failure{Lead: lead, Kind: "event", Reason: "event is not valid leadscore.Event JSON: " + err.Error(), Body: body})
		return
	}
	if !jsontext.Valid(body) {
		out.count("failures_event")
		out.failure(Failure{Lead: lead, Kind: "event", Reason: "event is not valid leadscore.Event JSON: not UTF-8 (or a \\u escape of half a surrogate pair)", Body: body})
		return
	}
	if !eventTimeInRange(head.Time) {
		out.count("failures_event")
		out.failure(Failure{Lead: lead, Kind: "event", EventID: head.ID, Reason: "event time missing or outside [1900-01-01, 2200-01-01): " + head.Time.Format(time.RFC3339Nano), Body: body})
		return
	}
	at := head.Time.UnixNano()
	emit(mtime.FromMilliseconds(floorMillis(at)), lead, record{Kind: kindEvent, At: at, ID: head.ID, Body: body}.encode())
}

// stampLead turns a lead's attributes into a record at the element's own timestamp: the
// attributes hold from then on. Elements made by beam.Create carry Beam's minimum
// timestamp, so attributes loaded that way hold from the beginning.
func stampLead(ts beam.EventTime, lead string, body []byte) (string, []byte) {
	return lead, record{Kind: kindLead, At: millisToNanos(int64(ts)), Body: body}.encode()
}

// stampState turns a seed State into a record at the element's own timestamp.
func stampState(ts beam.EventTime, lead string, body []byte) (string, []byte) {
	return lead, record{Kind: kindState, At: millisToNanos(int64(ts)), Body: body}.encode()
}

// eventTimeInRange reports whether t is within the library's range of event times,
// [leadscore.MinTime, leadscore.MaxTime): what Observe accepts, and what a UnixNano holds.
func eventTimeInRange(t time.Time) bool {
	return !t.Before(leadscore.MinTime) && t.Before(leadscore.MaxTime)
}
