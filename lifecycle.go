package leadscore

import "time"

// Stage is a lead's place in the customer journey.
type Stage string

// The five stages of the default journey (DOMAIN.md): prospects become aware (attract), become
// known contacts (capture), are nurtured to sales readiness (nurture), are worked by sales
// (convert) and, once customers, are grown (expand).
const (
	StageAttract Stage = "attract"
	StageCapture Stage = "capture"
	StageNurture Stage = "nurture"
	StageConvert Stage = "convert"
	StageExpand  Stage = "expand"
)

// Transition records one change a call made to a State: a stage change (From, To) or, for a
// tier change, FromTier and ToTier with From and To empty.
type Transition struct {
	From, To         Stage
	FromTier, ToTier string
	At               time.Time
	Reason           string
}

// IsTier reports whether t is a tier change rather than a stage change.
func (t Transition) IsTier() bool { return t.From == "" && t.To == "" }

// Journey configures the lifecycle state machine; the zero value is the default journey.
type Journey struct {
	Stages      []StageConfig      `json:"stages,omitempty" yaml:"stages,omitempty"`
	Transitions []TransitionConfig `json:"transitions,omitempty" yaml:"transitions,omitempty"`
}

// StageConfig names a stage, its owner ("marketing", "sales", "service") and its SLA: the
// longest a lead should stay in it before it is reported as stalled (0: none).
type StageConfig struct {
	Name  Stage    `json:"name" yaml:"name"`
	Owner string   `json:"owner,omitempty" yaml:"owner,omitempty"`
	SLA   Duration `json:"sla,omitempty" yaml:"sla,omitempty"`
}

// TransitionConfig moves a lead From one stage To another on an event whose type is in On,
// or when the When guard holds (both, if both are set).
type TransitionConfig struct {
	From   Stage    `json:"from" yaml:"from"`
	To     Stage    `json:"to" yaml:"to"`
	On     []string `json:"on,omitempty" yaml:"on,omitempty"`
	When   string   `json:"when,omitempty" yaml:"when,omitempty"`
	Reason string   `json:"reason,omitempty" yaml:"reason,omitempty"`
}
