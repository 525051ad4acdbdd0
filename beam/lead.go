package leadbeam

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/leadscore/leadscore"
)

// sink receives what scoring one lead produces. The streaming DoFn and Backfill give it
// their emitters; counting goes to Beam metrics through them.
type sink interface {
	update(Update)
	change(Change)
	failure(Failure)
	count(what string)
}

// leadRun is one lead while its records are applied: the lead's attributes, its State and its
// Update counter, loaded from Beam state (or a Backfill group) and saved back afterwards. All
// the scoring decisions of both modes are made here, so streaming and backfill agree.
type leadRun struct {
	s       *leadscore.Scorer[leadscore.Lead]
	key     string
	lead    leadscore.Lead
	rawLead []byte // the attributes' JSON as stored; set anew when a lead record applies
	newLead bool   // rawLead changed and must be written back
	st      leadscore.State
	seq     int64
	horizon int64 // wakeups after it are not applied or armed
	out     sink

	// leadAt is the time of the lead record rawLead came from, if leadAtSet: a record older
	// than it (which only the late path applies) must not replace the attributes.
	leadAt    int64
	leadAtSet bool
}

// runUntil applies, in time order, the records (sorted by compareRecords) and the wakeups
// due at or before bound; it returns the records after bound. At an instant where a wakeup
// and a record coincide the record goes first: Observe evaluates at the event's time, which
// includes whatever Advance would have done at that instant.
func (r *leadRun) runUntil(recs []record, bound int64) []record {
	i := 0
	for {
		w, wake := r.wakeup()
		wake = wake && w <= bound
		rec := i < len(recs) && recs[i].At <= bound
		switch {
		case wake && (!rec || w < recs[i].At):
			r.advance(w)
		case rec:
			r.apply(recs[i])
			i++
		default:
			return recs[i:]
		}
	}
}

// wakeup is the State's NextWakeup in Unix nanoseconds, if there is one at or before the
// horizon.
func (r *leadRun) wakeup() (int64, bool) {
	if r.st.Events() == 0 {
		return 0, false
	}
	t, ok := r.s.NextWakeup(&r.st)
	if !ok || t.UnixNano() > r.horizon {
		return 0, false
	}
	return t.UnixNano(), true
}

// advance applies what time alone changes at w, the instant NextWakeup named. A wakeup that
// changes nothing is not reported: with a rule set that reads the clock it comes every
// WithWakeupInterval, and its Result says nothing new.
func (r *leadRun) advance(w int64) {
	r.out.count("wakeups")
	res, err := r.s.Advance(r.lead, &r.st, time.Unix(0, w).UTC())
	if err != nil {
		// NextWakeup's times lie in the State's range, so Advance cannot refuse them; if it
		// ever did, report it rather than loop.
		r.fail(kindState, "", fmt.Sprintf("Advance at NextWakeup %v: %v", time.Unix(0, w).UTC(), err), nil)
		return
	}
	if len(res.Transitions) > 0 {
		r.report(CauseWakeup, "", res)
	}
}

// apply takes one record into the lead.
func (r *leadRun) apply(rec record) {
	switch rec.Kind {
	case kindEvent:
		r.observe(rec)
	case kindLead:
		var l leadscore.Lead
		if err := json.Unmarshal(rec.Body, &l); err != nil {
			r.fail(kindLead, "", "lead attributes are not valid leadscore.Lead JSON: "+err.Error(), rec.Body)
			return
		}
		if l.ID == "" {
			l.ID = r.key
		}
		if r.leadAtSet && rec.At < r.leadAt {
			// Late, and older than the attributes in force: the lead has been applied past both,
			// and the newer ones are the latest at or before what it applies from now on.
			// Counted rather than a Failure: the input is not wrong, only overtaken. (Ties
			// replace, as the on-time order, compareRecords, has them do.)
			r.out.count("leads_superseded")
			return
		}
		r.lead, r.rawLead, r.newLead = l, rec.Body, true
		r.leadAt, r.leadAtSet = rec.At, true
		r.settle(CauseLead, rec.At)
	case kindState:
		var seed leadscore.State
		if err := seed.UnmarshalBinary(rec.Body); err != nil {
			r.fail(kindState, "", "seed State ignored: "+err.Error(), rec.Body)
			return
		}
		if err := r.s.Merge(&r.st, &seed); err != nil {
			r.fail(kindState, "", "seed State ignored: "+err.Error(), rec.Body)
			return
		}
		r.settle(CauseState, rec.At)
	}
}

// observe scores one event. A bad event is reported and changes nothing: the State is as it
// was (the library's error convention), and the lead goes on with its next record.
func (r *leadRun) observe(rec record) {
	var ev leadscore.Event
	if err := json.Unmarshal(rec.Body, &ev); err != nil {
		r.fail(kindEvent, rec.ID, "event is not valid leadscore.Event JSON: "+err.Error(), rec.Body)
		return
	}
	res, err := r.s.Observe(r.lead, &r.st, ev)
	if err != nil {
		r.fail(kindEvent, ev.ID, err.Error(), rec.Body)
		return
	}
	if res.Duplicate {
		r.out.count("duplicates") // its ID is among the State's recent ones: nothing changed
		return
	}
	r.out.count("events")
	r.report(CauseEvent, ev.ID, res)
}

// settle re-evaluates a lead whose attributes or history changed without an event, at the
// record's time or the State's clock, whichever is later. A lead without events has nothing
// to evaluate yet: its attributes wait for its first event.
func (r *leadRun) settle(cause string, at int64) {
	if r.st.Events() == 0 {
		return
	}
	now := r.st.Clock()
	if at > now.UnixNano() {
		now = time.Unix(0, at).UTC()
	}
	res, err := r.s.Advance(r.lead, &r.st, now)
	if err != nil {
		r.fail(kindState, "", "Advance: "+err.Error(), nil)
		return
	}
	r.report(cause, "", res)
}

// report emits an Update and its Changes.
func (r *leadRun) report(cause, eventID string, res leadscore.Result) {
	r.seq++
	r.out.update(Update{Lead: r.key, Seq: r.seq, Cause: cause, EventID: eventID, Result: res})
	for _, t := range res.Transitions {
		handoff := t.Kind == leadscore.TransitionTier && res.Handoff && t.ToTier == res.Tier
		r.out.change(Change{Lead: r.key, Seq: r.seq, Cause: cause, EventID: eventID, Handoff: handoff, Transition: t})
	}
}

func (r *leadRun) fail(k kind, eventID, reason string, body []byte) {
	r.out.count("failures_" + k.String())
	r.out.failure(Failure{Lead: r.key, Kind: k.String(), EventID: eventID, Reason: reason, Body: body})
}

// loadState decodes the stored State. Corrupt bytes (which only a storage fault or a
// downgrade to a release that cannot read them produces) are reported with the bytes, and
// the lead restarts from an empty State: the pipeline keeps going, and the Failure holds
// what is needed to repair the lead — rescore its history with Backfill and feed the State
// back in as a seed, which merges.
func (r *leadRun) loadState(b []byte) {
	if len(b) == 0 {
		return
	}
	if err := r.st.UnmarshalBinary(b); err != nil {
		r.fail(kindState, "", "stored State is unreadable, the lead restarts from an empty State: "+err.Error(), b)
		r.st = leadscore.State{}
	}
}

// loadAttrs takes the lead's attributes, and the time of the record they came from, from its
// bookkeeping cell.
func (r *leadRun) loadAttrs(m meta) {
	r.loadLead(m.Attrs)
	r.leadAt, r.leadAtSet = m.AttrsAt, m.AttrsAtSet
}

// saveAttrs writes into m the attributes a lead record applied since loadAttrs, if one did.
func (r *leadRun) saveAttrs(m *meta) {
	if r.newLead {
		m.Attrs, m.AttrsAt, m.AttrsAtSet = r.rawLead, r.leadAt, r.leadAtSet
	}
}

// loadLead decodes the stored attributes, written by apply from JSON that decoded.
func (r *leadRun) loadLead(b []byte) {
	r.lead, r.rawLead = leadscore.Lead{ID: r.key}, b
	if len(b) == 0 {
		return
	}
	if err := json.Unmarshal(b, &r.lead); err != nil {
		r.fail(kindLead, "", "stored lead attributes are unreadable, the lead is scored without them: "+err.Error(), b)
		r.lead = leadscore.Lead{ID: r.key}
		return
	}
	if r.lead.ID == "" {
		r.lead.ID = r.key
	}
}

// stateBytes encodes the State for storage; MarshalBinary never writes bytes that
// UnmarshalBinary rejects.
func (r *leadRun) stateBytes() ([]byte, error) {
	if r.st.Events() == 0 {
		return nil, nil
	}
	b, err := r.st.MarshalBinary()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("leadbeam: lead %q: encoding its State", r.key), err)
	}
	return b, nil
}
