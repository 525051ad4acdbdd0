package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/leadscore/leadscore"
)

// The kinds of outbox messages. A hand-off is a tier transition into a hand-off tier of a
// lead that is not disqualified (the Result's Handoff): the one a sales system acts on. Every
// other transition keeps its own kind ("tier", "stage", "signal", "sla").
const (
	KindHandoff = "handoff"
)

// payload is an outbox message's body, in the core's wire format.
type payload struct {
	LeadID     string               `json:"lead_id"`
	Transition leadscore.Transition `json:"transition"`
	Result     leadscore.Result     `json:"result"`
}

// message builds the outbox message for transition t, reported in res: the seq-th message of
// the Save that writes the lead's State at version.
func message(leadID string, version int64, seq int, t leadscore.Transition, res leadscore.Result) (Message, error) {
	kind := string(t.Kind)
	if t.Kind == leadscore.TransitionTier && res.Handoff && t.ToTier == res.Tier {
		kind = KindHandoff
	}
	body, err := json.Marshal(payload{LeadID: leadID, Transition: t, Result: res})
	if err != nil {
		return Message{}, fmt.Errorf("store: lead %q: encoding the %s transition at %s: %w", leadID, t.Kind, t.At.Format(time.RFC3339Nano), err)
	}
	return Message{
		Key:     MessageKey(leadID, t) + fmt.Sprintf("#%d.%d", version, seq),
		LeadID:  leadID,
		Kind:    kind,
		Payload: body,
		Created: t.At,
	}, nil
}

// MessageKey is what the idempotency key of the outbox message for transition t of the lead
// says about the transition: the lead's ID, the transition's kind, its time to the nanosecond,
// where it came from and where it went. The key is this followed by "#<version>.<n>": the
// version of the lead's State the Save that queued it wrote, and the message's place among
// that Save's. A transition alone does not identify a decision: late events are evaluated at
// the State's clock, so a lead can leave and re-enter a tier at one instant more than once,
// and each of those is a message of its own. The version does: one Save writes each version
// of a lead, so a Save's messages are queued once, and a Save lost to a conflict wrote none.
func MessageKey(leadID string, t leadscore.Transition) string {
	var from, to string
	switch t.Kind {
	case leadscore.TransitionTier:
		from, to = t.FromTier, t.ToTier
	case leadscore.TransitionSignal:
		to = t.Signal + ":cleared"
		if t.Raised {
			to = t.Signal + ":raised"
		}
	default: // stage, sla
		from, to = string(t.From), string(t.To)
	}
	// Quoted names are self-delimiting: no lead ID or tier name can make two keys collide.
	return fmt.Sprintf("%q/%s/%s/%q>%q", leadID, t.Kind, t.At.UTC().Format(time.RFC3339Nano), from, to)
}
