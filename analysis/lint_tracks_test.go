package analysis_test

import (
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

// A persona track's "when" is an expression of the rule set like a persona's: Lint reads it,
// so an event type only a track counts is not unread, and an empty list or a turned-off
// signal that a track reads is found.
func TestLintReadsTrackWhen(t *testing.T) {
	cfg := leadscore.Config{
		EventTypes: []string{"sms_reply"},
		Lists:      map[string][]string{"vip": {}},
		Signals:    []leadscore.SignalConfig{{Kind: leadscore.SignalVelocity, Off: true}},
		Tiers:      []leadscore.Tier{{Name: "hot", Min: leadscore.Float(70), Handoff: true}, {Name: "cold"}},
		Personas: []leadscore.Persona{
			{ID: "p", When: "lead.Age > 0", Track: "news", Tracks: []leadscore.PersonaTrack{
				{When: `count("sms_reply", "7d") > 0`, Track: "texting"},
				{When: `listed("vip", lead.Email)`, Track: "vip"},
				{When: `has_signal("velocity")`, Track: "fast"},
			}},
			{ID: "rest", Track: "news"},
		},
	}
	findings, err := analysis.Lint[leadscore.Lead](cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, f := range findings {
		kinds = append(kinds, f.Kind+" "+f.ID)
		if f.Kind == analysis.KindEventTypeUnread && f.ID == "sms_reply" {
			t.Errorf("false positive: %s", f.Message)
		}
	}
	all := strings.Join(kinds, "; ")
	for _, want := range []string{analysis.KindListEmpty + " vip", analysis.KindSignalOff + " velocity"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %s finding for the track that reads it (findings: %s)", want, all)
		}
	}
}
