package store

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// TestEventKeyKeepsItsKeys pins the keys of events without attribution fields and with
// properties JSON writes exactly: a redelivery across an upgrade must still be recognised
// (the processed-events tables hold these keys).
func TestEventKeyKeepsItsKeys(t *testing.T) {
	ev := leadscore.Event{Type: "page_view", Time: time.Date(2026, 3, 2, 9, 0, 0, 5, time.UTC), Channel: "web", Path: "/pricing", Value: 2.5,
		Properties: map[string]any{"plan": "pro", "n": 3.0, "tags": []any{"a", true, nil}, "nested": map[string]any{"k": "v"}}}
	for _, c := range []struct {
		ev   leadscore.Event
		want string
	}{
		{ev, "ek_9629a8837718078f167064970ee45a42576c90c8"},
		{leadscore.Event{Type: "email_click", Time: time.Unix(1700000000, 0)}, "ek_60f3f9be10c0bf9118fcd05e72c6bbb9f8146587"},
	} {
		if got := EventKey("lead-1", c.ev); got != c.want {
			t.Errorf("EventKey(%+v) = %s, want %s as before", c.ev, got, c.want)
		}
	}
}

// TestEventKeyTellsApartWhatRulesRead is a property test of EventKey's promise: two events
// that differ in anything a rule can read get different keys — each field of an event, a
// property's value or key, byte for byte (invalid UTF-8 included, which JSON would blur) —
// and an event gets the same key however it was built.
func TestEventKeyTellsApartWhatRulesRead(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2026))
	strs := []string{"", "a", "b", "\x80", "\xff", "\xfe", "ÿ", "\ufffd", "a\x00", "pro"}
	pick := func() string { return strs[r.IntN(len(strs))] }
	for range 2000 {
		base := leadscore.Event{
			Type: "page_view", Time: time.Unix(1700000000, int64(r.IntN(1000))), Channel: pick(), Path: pick(),
			Category: pick(), Value: float64(r.IntN(3)), Campaign: pick(), Content: pick(), CTA: pick(),
			Properties: map[string]any{"k": pick(), pick(): []any{pick(), 1.5}},
		}
		key := EventKey("lead", base)
		same := base
		same.Properties = map[string]any{}
		for k, v := range base.Properties { // rebuilt: another map, maybe another order
			same.Properties[k] = v
		}
		if base.Value == 0 {
			same.Value = math.Copysign(0, -1) // -0 is 0 to every rule
		}
		if got := EventKey("lead", same); got != key {
			t.Fatalf("the same event, rebuilt, got another key: %+v", base)
		}
		other := base
		other.Properties = map[string]any{"k": base.Properties["k"]}
		for k, v := range base.Properties {
			other.Properties[k] = v
		}
		s := func(v string) string { // another string than v
			for {
				if w := pick(); w != v {
					return w
				}
			}
		}
		switch r.IntN(11) {
		case 0:
			other.Type = "email_click"
		case 1:
			other.Time = other.Time.Add(time.Nanosecond)
		case 2:
			other.Channel = s(other.Channel)
		case 3:
			other.Path = s(other.Path)
		case 4:
			other.Category = s(other.Category)
		case 5:
			other.Value++
		case 6:
			other.Campaign = s(other.Campaign)
		case 7:
			other.Content = s(other.Content)
		case 8:
			other.CTA = s(other.CTA)
		case 9:
			other.Properties["k"] = s(other.Properties["k"].(string))
		case 10:
			other.Properties["another "+pick()] = pick()
		}
		if EventKey("lead", other) == key {
			t.Fatalf("two events a rule tells apart got one key:\n%+v\n%+v", base, other)
		}
	}
}
