package leadscoretest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/leadscore/leadscore"
)

// StoredLead is a lead as a service keeps it: its attributes and its State, written under
// some rule set, and when to look at it. DiffStates reads a population of them.
type StoredLead[L any] struct {
	Name  string // how reports name the lead
	Lead  L
	State *leadscore.State
	// At is when to evaluate the lead; the zero time means at the State's clock (its latest
	// event or evaluation).
	At time.Time
}

// DiffStates is Diff for stored States instead of replayed events: each lead's State is
// evaluated under the old and under the new rule set — Advance on a copy at the lead's At, as
// the service's next wake-up would — and the report says what changes. Unlike a replay, it
// shows what a deployment does to the States that exist: a history the new rule set resets
// is gone, a converted one is approximate, a new rule counts nothing of the past. The States
// are not modified. A lead without a name is named by its position ("#12"). The error
// reports the first lead that cannot be evaluated (no State, or no time to evaluate it at).
func DiffStates[L any](before, after *leadscore.Scorer[L], stored iter.Seq[StoredLead[L]]) (DiffReport, error) {
	d := newDiffer(before, after)
	i := 0
	for sl := range stored {
		name := sl.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		i++
		if sl.State == nil {
			return DiffReport{}, fmt.Errorf("leadscoretest: DiffStates: lead %q: no State", name)
		}
		at := sl.At
		if at.IsZero() {
			at = clock(sl.State)
		}
		if at.IsZero() {
			return DiffReport{}, fmt.Errorf("leadscoretest: DiffStates: lead %q: %w", name, errNoStoredTime)
		}
		old, err := before.Advance(sl.Lead, sl.State.Clone(), at)
		if err != nil {
			return DiffReport{}, fmt.Errorf("leadscoretest: DiffStates: lead %q, old rule set: %w", name, err)
		}
		cur, err := after.Advance(sl.Lead, sl.State.Clone(), at)
		if err != nil {
			return DiffReport{}, fmt.Errorf("leadscoretest: DiffStates: lead %q, new rule set: %w", name, err)
		}
		d.add(name, old, cur)
	}
	return d.report(), nil
}

// clock returns st's clock, the zero time for a new State. (State.Clock documents the zero
// time for a new lead, but returns the Unix epoch for one: a new State's clock field is 0.)
func clock(st *leadscore.State) time.Time {
	c := st.Clock()
	if st.Events() == 0 && c.Equal(time.Unix(0, 0)) {
		return time.Time{}
	}
	return c
}

var errNoStoredTime = errors.New(`a new State and no "at": nothing says when to evaluate the lead`)

// storedJSON is one stored lead in JSON.
type storedJSON struct {
	ID    string   `json:"id"`
	Lead  leadJSON `json:"lead"`
	State string   `json:"state"`
	At    jsonTime `json:"at"`
}

// ParseStoredLead decodes one stored lead of the standard leadscore.Lead, a JSON object such as
// a line of a JSON Lines export of a service's store:
//
//	{"id": "lead-1", "lead": {"email": "dana@globex.example", "title": "VP Operations"},
//	 "state": "<base64 of State.MarshalBinary>", "at": "2026-03-03T09:00:00Z"}
//
// The lead is in the case files' form (see ParseCases); "id" names the lead in reports; "at"
// is optional. Decoding is strict, like ParseCase's: an unknown key, a missing or malformed
// "state" are *ParseErrors with the line and column.
func ParseStoredLead(data []byte) (StoredLead[leadscore.Lead], error) {
	var sj storedJSON
	if err := decodeStrict(data, 0, len(data), &sj); err != nil {
		return StoredLead[leadscore.Lead]{}, err
	}
	sl := StoredLead[leadscore.Lead]{Name: sj.ID, Lead: sj.Lead.lead(), At: sj.At.Time}
	at := keyOffset(data, len(data), `"state"`)
	if sj.State == "" {
		return sl, positioned(data, objectStart(data), errors.New(`no "state": the base64 of the lead's State.MarshalBinary`))
	}
	raw, err := base64.StdEncoding.DecodeString(sj.State)
	if err != nil {
		return sl, positioned(data, at, fmt.Errorf("state: not base64 (%v)", err))
	}
	sl.State = new(leadscore.State)
	if err := sl.State.UnmarshalBinary(raw); err != nil {
		return sl, positioned(data, at, fmt.Errorf("state: %s", strings.TrimPrefix(err.Error(), "leadscore: ")))
	}
	return sl, nil
}
