package leadscore

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// keysOf returns the keys of a JSON object, sorted.
func keysOf(t *testing.T, data []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(m))
}

// The wire format: the public types marshal with the snake_case names the CLI prints and
// webhooks send, and read back to what they were.
func TestWireFormatNames(t *testing.T) {
	cfg := DefaultB2B()
	cfg.Rules = append(cfg.Rules, Rule{ID: "broken", Dimension: Fit, When: `lead.Traits.x > 1`, Points: 1})
	cfg.Journey = DefaultJourney()
	cfg.Journey.Stages[3].SLA = Duration(Day)
	sc := compileT(t, cfg)
	var st State
	lead := Lead{Email: "dana@globex.example", Title: "VP Sales", Company: Company{Employees: 5000, Domain: "globex.example"}}
	observeT(t, sc, lead, &st, Event{ID: "1", Type: EventDemoRequest, Time: t0})
	res, err := sc.Advance(lead, &st, t0.Add(3*Day))
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"at", "contributions", "disqualified", "engagement", "errors", "fit", "grade", "handoff", "owner",
		"persona", "relationship", "signals", "stage", "stalled", "stalled_since", "tier", "total", "track", "transitions"}
	if got := keysOf(t, data); !slices.Equal(got, want) {
		t.Errorf("Result keys %v, want %v", got, want)
	}
	var m struct {
		Contributions []json.RawMessage `json:"contributions"`
		Transitions   []json.RawMessage `json:"transitions"`
		Errors        []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if got := keysOf(t, m.Contributions[0]); !slices.Equal(got, []string{"dimension", "points", "reason", "rule"}) {
		t.Errorf("Contribution keys %v", got)
	}
	if got := keysOf(t, m.Errors[0]); !slices.Equal(got, []string{"column", "field", "kind", "line", "message", "rule"}) {
		t.Errorf("RuleError keys %v", got)
	}
	for _, tr := range m.Transitions {
		for _, k := range keysOf(t, tr) {
			if !slices.Contains([]string{"kind", "from", "to", "from_tier", "to_tier", "signal", "raised", "at", "reason"}, k) {
				t.Errorf("Transition key %q", k)
			}
		}
	}
	var back Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Total != res.Total || back.Tier != res.Tier || back.Stage != res.Stage || !back.At.Equal(res.At) ||
		len(back.Transitions) != len(res.Transitions) || back.Errors[0].RuleID != "broken" || back.Errors[0].Err.Error() != res.Errors[0].Err.Error() {
		t.Errorf("Result round trip:\n%+v\n%+v", back, res)
	}
}

// An Event decodes from what a webhook sends; the attribution keys are additive.
func TestWireFormatEventFromWebhook(t *testing.T) {
	var attributed Event
	if err := json.Unmarshal([]byte(`{"type": "email_click", "time": "2026-03-02T09:00:00Z", "channel": "email",
		"campaign": "spring-2026", "content": "pricing-guide.pdf", "cta": "free-trial"}`), &attributed); err != nil {
		t.Fatal(err)
	}
	if attributed.Campaign != "spring-2026" || attributed.Content != "pricing-guide.pdf" || attributed.CTA != "free-trial" {
		t.Errorf("attribution decoded as %+v", attributed)
	}
	b, _ := json.Marshal(Event{Type: "x", Time: t0})
	if string(b) != `{"type":"x","time":"2026-03-02T09:00:00Z"}` {
		t.Errorf("an Event without attribution encodes as %s: the new keys must be omitted when empty", b)
	}
	var ev Event
	err := json.Unmarshal([]byte(`{"id": "evt-1", "type": "page_view", "time": "2026-03-02T09:00:00Z", "channel": "web",
		"path": "/pricing", "value": 12.5, "properties": {"utm_campaign": "spring", "skus": ["a", "b"]}}`), &ev)
	if err != nil {
		t.Fatal(err)
	}
	want := Event{ID: "evt-1", Type: "page_view", Time: t0, Channel: "web", Path: "/pricing", Value: 12.5,
		Properties: map[string]any{"utm_campaign": "spring", "skus": []any{"a", "b"}}}
	if !reflect.DeepEqual(ev, want) {
		t.Fatalf("decoded %+v, want %+v", ev, want)
	}
}

// Leads, Events and every part of a Result survive a JSON round trip, whatever their values.
func TestWireFormatRoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	str := func() string { return []string{"", "a", "VP Sales", "ünïcode", `quo"te`}[r.IntN(5)] }
	when := func() time.Time {
		if r.IntN(3) == 0 {
			return time.Time{}
		}
		return t0.Add(time.Duration(r.Int64N(int64(400 * Day)))).UTC()
	}
	for range 300 {
		lead := Lead{ID: str(), Email: str(), Name: str(), Title: str(), Phone: str(), Country: str(), PostalCode: str(), Source: str(),
			Company: Company{Name: str(), Domain: str(), Industry: str(), Country: str(), PostalCode: str(), Employees: r.IntN(9000),
				Founded: r.IntN(2026), ServiceCenters: r.IntN(5), Revenue: float64(r.IntN(1e9)), MinorityOwned: r.IntN(2) == 0},
			Age: r.IntN(90), Children: r.IntN(4), Gender: str(), Occupation: str(), MaritalStatus: str(), Income: r.Float64() * 1e5,
			HomeSize: r.Float64() * 300, CustomerSince: when(), Purchases: r.IntN(9), AvgOrderValue: r.Float64() * 500,
			Margin: r.Float64(), ServiceEffort: r.IntN(11), Followers: r.IntN(1e6),
			BANT: BANT{Budget: r.IntN(2) == 0, Authority: r.IntN(2) == 0, Need: r.IntN(2) == 0, Timing: r.IntN(2) == 0}}
		if r.IntN(2) == 0 {
			lead.Traits = map[string]any{"k": str(), "n": float64(r.IntN(100))}
		}
		var leadBack Lead
		roundTrip(t, lead, &leadBack)
		if !reflect.DeepEqual(lead, leadBack) {
			t.Fatalf("Lead round trip:\n%+v\n%+v", lead, leadBack)
		}
		ev := Event{ID: str(), Type: "page_view", Time: when(), Channel: str(), Path: str(), Value: r.Float64(), Category: str(),
			Campaign: str(), Content: str(), CTA: str()}
		var evBack Event
		roundTrip(t, ev, &evBack)
		if !reflect.DeepEqual(ev, evBack) {
			t.Fatalf("Event round trip:\n%+v\n%+v", ev, evBack)
		}
		tr := Transition{Kind: TransitionTier, From: Stage(str()), To: Stage(str()), FromTier: str(), ToTier: str(), Signal: str(), Raised: r.IntN(2) == 0, At: when(), Reason: str()}
		var trBack Transition
		roundTrip(t, tr, &trBack)
		if !reflect.DeepEqual(tr, trBack) {
			t.Fatalf("Transition round trip:\n%+v\n%+v", tr, trBack)
		}
		sig := Signal{Kind: str(), Strength: r.Float64(), At: when(), Reason: str()}
		var sigBack Signal
		roundTrip(t, sig, &sigBack)
		if !reflect.DeepEqual(sig, sigBack) {
			t.Fatalf("Signal round trip:\n%+v\n%+v", sig, sigBack)
		}
	}
}

func roundTrip(t *testing.T, v, into any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
}
