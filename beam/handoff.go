package leadbeam

import "encoding/json"

// keepHandoffs passes the Changes that are hand-offs: the edges on which sales is told.
func keepHandoffs(lead string, change []byte, emit func(string, []byte)) {
	var c struct {
		Handoff bool `json:"handoff"`
	}
	if json.Unmarshal(change, &c) == nil && c.Handoff {
		emit(lead, change)
	}
}
