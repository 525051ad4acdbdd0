package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// result.appendJSON is score's hand-written encoder; encoding/json is the oracle: on
// generated lines — strings with quotes, control characters, invalid UTF-8, U+2028, HTML
// characters; floats across every notation; times in odd zones; empty and nil slices — both
// write the same bytes.
func TestResultJSONAgreesWithEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	str := func() string {
		parts := []string{"", "plain", `"quoted"`, `back\slash`, "tab\tnew\nline\r", "\b\f\x01\x1f\x7f", "<a href='x'>&amp;</a>",
			"ünïcödé — ±", "\u2028\u2029", "bad\xffutf8\xc3", "emoji 🎯", "/slash/"}
		var b strings.Builder
		for range rng.IntN(3) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		return b.String()
	}
	num := func() float64 {
		switch rng.IntN(7) {
		case 0:
			return 0
		case 1:
			return math.Copysign(0, -1)
		case 2:
			return float64(rng.IntN(200) - 100)
		case 3:
			return (rng.Float64() - 0.5) * 1e-7
		case 4:
			return (rng.Float64() - 0.5) * 1e23
		case 5:
			return 1e21
		}
		return math.Round(rng.NormFloat64()*1e6) / 1e3
	}
	zones := []*time.Location{time.UTC, time.FixedZone("odd", 5*3600+1800), time.FixedZone("neg", -7*3600), time.FixedZone("lmt", 561)}
	tm := func() time.Time {
		if rng.IntN(200) == 0 {
			return time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) // no RFC 3339: an error
		}
		return time.Unix(rng.Int64N(8e9)-2e9, rng.Int64N(1e9)*int64(rng.IntN(2))).In(zones[rng.IntN(len(zones))])
	}
	for i := range 3000 {
		r := result{Line: rng.IntN(1e6), Name: str(), ID: str(), Email: str(), At: tm(), Total: num(), Fit: num(), Engagement: num(),
			Relationship: num(), Tier: str(), Handoff: rng.IntN(2) == 0, Disqualified: rng.IntN(2) == 0, Grade: str(), Stage: str(),
			Owner: leadscore.Owner(str()), Stalled: rng.IntN(2) == 0, Persona: str(), Track: str(), Explanation: str()}
		if rng.IntN(4) > 0 {
			r.Signals = []leadscore.Signal{}
			for range rng.IntN(3) {
				r.Signals = append(r.Signals, leadscore.Signal{Kind: str(), Strength: num(), At: tm(), Reason: str()})
			}
		}
		if rng.IntN(4) > 0 {
			r.Contributions = []leadscore.Contribution{}
			for range rng.IntN(4) {
				r.Contributions = append(r.Contributions, leadscore.Contribution{RuleID: str(), Dimension: leadscore.Dimension(str()), Points: num(), Reason: str(), Events: rng.IntN(3) - 1})
			}
		}
		if rng.IntN(4) > 0 {
			r.Transitions = []leadscore.Transition{}
			for range rng.IntN(3) {
				r.Transitions = append(r.Transitions, leadscore.Transition{Kind: leadscore.TransitionKind(str()), From: leadscore.Stage(str()), To: leadscore.Stage(str()),
					FromTier: str(), ToTier: str(), Signal: str(), Raised: rng.IntN(2) == 0, At: tm(), Reason: str()})
			}
		}
		if rng.IntN(3) == 0 {
			r.Trigger = &leadscore.Trigger{Kind: leadscore.TriggerKind(str()), Event: str(), EventID: str(), Member: str(), At: tm(), Reason: str()}
		}
		if rng.IntN(3) == 0 {
			r.Rejection = &leadscore.Rejection{Reason: str(), At: tm()}
		}
		for range rng.IntN(3) - 1 {
			r.Errors = append(r.Errors, str())
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		werr := enc.Encode(r)
		got, gerr := r.appendJSON(nil)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("line %d: encoding/json error %v, appendJSON error %v", i, werr, gerr)
		}
		if werr == nil && !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("line %d:\n got %s\nwant %s", i, got, want.Bytes())
		}
	}
}

// NaN has no JSON: both encoders refuse it.
func TestResultJSONRefusesNaN(t *testing.T) {
	r := result{Total: math.NaN()}
	if _, err := r.appendJSON(nil); err == nil {
		t.Fatal("a NaN total encoded")
	}
}
