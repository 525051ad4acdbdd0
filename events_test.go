package leadscore

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestPageCategory(t *testing.T) {
	var errs errorList
	m := compilePages(map[string][]string{
		"pricing":    {"/pricing"},
		"enterprise": {"/pricing/enterprise"},
		"docs":       {"/docs/"},
	}, &errs)
	if len(errs) > 0 {
		t.Fatal(errs.err())
	}
	tests := []struct{ path, want string }{
		{"/pricing", "pricing"},
		{"/pricing/", "pricing"},
		{"/pricing/teams", "pricing"},
		{"/pricing?plan=pro", "pricing"},
		{"/pricing#faq", "pricing"},
		{"/pricing.html", "pricing"},
		{"/PRICING", "pricing"},
		{"/pricingfoo", ""},
		{"/pricin", ""},
		{"/pricing/enterprise", "enterprise"}, // the longest prefix wins
		{"/pricing/enterprise/x", "enterprise"},
		{"/pricing/enterprisey", "pricing"},
		{"/docs/", "docs"},
		{"/docs/api", "docs"},
		{"/docs", ""}, // the prefix "/docs/" asks for the trailing slash
		{"https://acme.example/pricing?x=1", "pricing"},
		{"https://acme.example", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := m.category(tt.path); got != tt.want {
			t.Errorf("category(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestPagesConfigErrors(t *testing.T) {
	var errs errorList
	compilePages(map[string][]string{"a": {"/x", ""}, "b": {"/X"}}, &errs)
	if len(errs) != 2 {
		t.Fatalf("want 2 errors (empty prefix, prefix in two categories), got %v", errs.err())
	}
}

func TestValidateEvent(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		ev   Event
		want error
	}{
		{"ok", Event{Type: "x", Time: t0}, nil},
		{"no type", Event{Time: t0}, ErrEventType},
		{"zero time", Event{Type: "x"}, ErrEventTime},
		{"year 1", Event{Type: "x", Time: time.Date(1, 2, 1, 0, 0, 0, 0, time.UTC)}, ErrEventTime},
		{"year 1677", Event{Type: "x", Time: time.Date(1677, 1, 1, 0, 0, 0, 0, time.UTC)}, ErrEventTime},
		{"year 1700", Event{Type: "x", Time: time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC)}, ErrEventTime},
		{"just before 1900", Event{Type: "x", Time: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Add(-1)}, ErrEventTime},
		{"1900", Event{Type: "x", Time: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)}, nil},
		{"epoch", Event{Type: "x", Time: time.Unix(0, 0)}, nil},
		{"just before 2200", Event{Type: "x", Time: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Add(-1)}, nil},
		{"2200", Event{Type: "x", Time: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)}, ErrEventTime},
		{"year 2262", Event{Type: "x", Time: time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)}, ErrEventTime},
		{"year 2263", Event{Type: "x", Time: time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC)}, ErrEventTime},
		{"year 9999", Event{Type: "x", Time: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}, ErrEventTime},
		{"NaN value", Event{Type: "x", Time: t0, Value: math.NaN()}, ErrEventNaN},
		{"Inf value", Event{Type: "x", Time: t0, Value: math.Inf(-1)}, ErrEventNaN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := validateEvent(&tt.ev)
			if !errors.Is(err, tt.want) {
				t.Fatalf("validateEvent = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestChannels(t *testing.T) {
	all := Channels()
	for _, ch := range PersonalChannels() {
		if !slices.Contains(all, ch) {
			t.Errorf("personal channel %q is not in Channels()", ch)
		}
	}
	all[0] = "changed"
	if Channels()[0] == "changed" {
		t.Error("Channels returns its own slice")
	}
	for _, typ := range []string{EventCheckIn, EventMeeting, EventOfficeVisit} {
		if !slices.Contains(EventTypes(), typ) {
			t.Errorf("%s is not in the vocabulary", typ)
		}
	}
}

// unixTime compares seconds (the range's ends are whole seconds): on times at and around
// both ends, in any zone and with any fraction of a second, it must accept exactly what
// Before accepts.
func TestUnixTimeRangeIsBefore(t *testing.T) {
	if MinTime.Nanosecond() != 0 || MaxTime.Nanosecond() != 0 || MinTime.Unix() != minUnix || MaxTime.Unix() != maxUnix {
		t.Fatal("the range's ends must be whole seconds, minUnix and maxUnix")
	}
	r := rand.New(rand.NewPCG(3, 4))
	zones := []*time.Location{time.UTC, time.FixedZone("E", 5*3600+1800), time.FixedZone("W", -11*3600)}
	for range 200000 {
		end := MinTime
		if r.IntN(2) == 0 {
			end = MaxTime
		}
		tm := end.Add(time.Duration(r.Int64N(4e9) - 2e9)).In(zones[r.IntN(len(zones))])
		if r.IntN(4) == 0 {
			tm = end.Add(time.Duration(r.IntN(3)-1) * time.Nanosecond)
		}
		want := !tm.Before(MinTime) && tm.Before(MaxTime)
		_, err := unixTime("t", tm)
		if (err == nil) != want {
			t.Fatalf("%v: unixTime error %v, Before says in range: %v", tm, err, want)
		}
	}
}
