package leadscore

import "time"

// Signal is a buying signal (or a negative one) detected for a lead.
type Signal struct {
	Kind     string
	Strength float64 // in [0, 1]
	At       time.Time
	Reason   string // the evidence, e.g. "3 pricing-page visits in 6 days"
}

// SignalConfig configures a built-in detector (by its Kind) or defines a custom one (a new Kind
// with a When expression).
type SignalConfig struct {
	Kind     string   `json:"kind" yaml:"kind"`
	Off      bool     `json:"off,omitempty" yaml:"off,omitempty"`
	Min      int      `json:"min,omitempty" yaml:"min,omitempty"`
	Window   Duration `json:"window,omitempty" yaml:"window,omitempty"`
	Timeout  Duration `json:"timeout,omitempty" yaml:"timeout,omitempty"`
	List     string   `json:"list,omitempty" yaml:"list,omitempty"`
	When     string   `json:"when,omitempty" yaml:"when,omitempty"`
	Strength float64  `json:"strength,omitempty" yaml:"strength,omitempty"`
	Reason   string   `json:"reason,omitempty" yaml:"reason,omitempty"`
}

// Built-in signal kinds.
const (
	SignalFrequentEngagement = "frequent_engagement"
	SignalFrequentVisits     = "frequent_visits"
	SignalQuestion           = "question"
	SignalAbandonedCart      = "abandoned_cart"
	SignalTargetAccount      = "target_account"
	SignalVelocity           = "velocity"
	SignalCompetitor         = "competitor"
	SignalJobSeeker          = "job_seeker"
	SignalStudent            = "student"
	SignalGenericEmail       = "generic_email"
)

var builtinSignalKinds = []string{
	SignalFrequentEngagement, SignalFrequentVisits, SignalQuestion, SignalAbandonedCart,
	SignalTargetAccount, SignalVelocity, SignalCompetitor, SignalJobSeeker, SignalStudent,
	SignalGenericEmail,
}

// signalKindIndex numbers the built-in kinds and the config's custom ones, for has_signal.
func signalKindIndex(cfg []SignalConfig) map[string]int {
	m := make(map[string]int, len(builtinSignalKinds)+len(cfg))
	for i, k := range builtinSignalKinds {
		m[k] = i
	}
	for _, s := range cfg {
		if _, ok := m[s.Kind]; !ok && s.Kind != "" {
			m[s.Kind] = len(m)
		}
	}
	return m
}
