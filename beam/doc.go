// Package leadbeam runs leadscore on Apache Beam: one lead's State lives in Beam's per-key
// state, events are scored in event-time order as the watermark passes them, and NextWakeup
// becomes an event-time timer whose firing calls Advance. The same pipeline runs on prism
// (inside go test), Flink and Dataflow.
//
// The package is named leadbeam, not beam, so that it and Apache Beam's beam package can be
// imported side by side without an alias.
//
// # Why events are buffered until the watermark passes them
//
// Decayed scores are order-free, but decisions are not: a tier is entered at the first
// evaluation whose total reaches it, hysteresis depends on the path, and journey
// transitions happen in the order events are observed (see the leadscore package's "A State's
// lifetime"). Beam delivers one key's elements in no particular order, so observing them on
// arrival would make the hand-offs depend on the runner's shuffle. Score therefore holds each
// on-time element in a bag until the watermark passes its timestamp and then observes the
// held elements in event-time order, interleaved with Advance at every NextWakeup on the way:
// for on-time data the Results and transitions are those of a single process replaying the
// events sorted by time, whatever order Beam delivered them in.
//
// An element that arrives after its lead has already been processed past its time (late
// data, behind the watermark) is observed at once, under the library's lifetime contract:
// it is folded in at its own time, counts exactly as if it had come on time, and the lead is
// evaluated at its clock, so it never moves back in time. Late lead attributes replace the
// lead's current ones only if they are at least as recent; older ones are ignored and counted
// (leads_superseded), since the newer ones are the latest at or before whatever comes next.
// A late event is scored with the attributes in force, as it is evaluated at the lead's
// clock.
//
// # Inputs and outputs
//
// Inputs are KV<string, []byte> keyed by lead ID: events in the webhook wire format
// (leadscore.Event JSON), optional lead attributes (leadscore.Lead JSON, a keyed join in
// event time: the record with the latest timestamp at or before an on-time event is the one
// it is scored with) and optional seed States (State.MarshalBinary bytes, e.g. the output of
// Backfill), merged into the lead's State with Scorer.Merge. Outputs are KV<string, []byte>
// of JSON: Updates (a Result and why it was made), Changes (each Transition; Handoffs are
// the tier changes into a hand-off tier) and Failures (what could not be used, and why).
package leadbeam
