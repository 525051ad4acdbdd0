package leadscore

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// Fuzz targets for every parser and decoder: config JSON, rule expressions, events and State
// bytes. Each must never panic, and a failed call must leave what it was given intact. Seed
// corpora live in testdata/fuzz/<target>; .ci/fuzz runs each target briefly.

func FuzzParseConfig(f *testing.F) {
	b2b, _ := json.Marshal(DefaultB2B())
	f.Add(b2b)
	f.Add([]byte(`{"rules":[{"id":"a","dimension":"fit","when":"lead.Age > 3","points":1}]}`))
	f.Add([]byte(`{"events":[{"id":"e","half_life":"-1d","points":1}]}`))
	f.Add([]byte(`{"tiers":[{"name":"hot","min":1e400}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Line < 1 || ce.Column < 1 || !strings.HasPrefix(err.Error(), "leadscore: ") {
				t.Fatalf("error %q is not a positioned ConfigError", err)
			}
			return
		}
		// Whatever parses must compile or fail cleanly.
		if _, err := Compile[Lead](cfg); err != nil && !strings.HasPrefix(err.Error(), "leadscore: ") {
			t.Fatalf("unprefixed error %q", err)
		}
	})
}

func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`lead.Age > 30`, `seniority(lead.Title) in ["vp", "c_level"]`, `count("page_view", "14d") >= 3`,
		`days_since("call") < 7`, `listed("competitors", lead.Email)`, `lead.Traits.x ?? 0 > 1`,
		`any(1..10, {# > lead.Children})`, `lead.Title matches "^(VP|Chief)"`, `1 / 0 > 1`,
		`len(repeat("a", 10)) > 0`, `now() > 1`, `"a" + lead.Name startsWith "ab"`,
	} {
		f.Add(s, s)
	}
	cfgWith := func(when, value string) Config {
		return Config{
			Lists:  map[string][]string{"competitors": {"rival.example"}},
			Rules:  []Rule{{ID: "w", Dimension: Fit, When: when, Points: 1}, {ID: "v", Dimension: Engagement, Value: value}},
			Events: []EventRule{{ID: "e", When: when, Points: 2, HalfLife: Duration(Day)}},
			Tiers:  []Tier{{Name: "t", Min: Float(0), When: when}, {Name: "c"}},
		}
	}
	f.Fuzz(func(t *testing.T, when, value string) {
		if when == "" || value == "" {
			return
		}
		s, err := Compile[Lead](cfgWith(when, value))
		if err != nil {
			var re *RuleError
			if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), "leadscore: ") {
				t.Fatalf("error %q is not a RuleError", err)
			}
			return
		}
		// A compiled rule set evaluates without panicking; failures are rule errors.
		var st State
		lead := Lead{Title: "VP", Email: "a@rival.example", Traits: map[string]any{"x": 2}}
		if _, err := s.Observe(lead, &st, Event{Type: EventCall, Time: t0}); err != nil {
			t.Fatal(err)
		}
		r, err := s.Score(lead, &st, t0.Add(Day))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []float64{r.Fit, r.Engagement, r.Relationship, r.Total} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("a non-finite score: %+v", r)
			}
		}
	})
}

var fuzzScorer = MustCompile[Lead](func() Config {
	cfg := DefaultB2B()
	cfg.Rules = append(cfg.Rules, Rule{ID: "recent", Dimension: Engagement, When: `days_since("page_view") < 3 && count("email_click", "7d") > 1`, Points: 2})
	return cfg
}())

func FuzzObserve(f *testing.F) {
	f.Add("page_view", int64(1772441000000000000), 0.0, "/pricing", "id-1", "")
	f.Add("purchase", int64(0), math.NaN(), "", "", "")
	f.Add("", int64(-1<<62), 1e308, strings.Repeat("/x", 1000), "dup", "pricing")
	f.Add("mystery_type", int64(1<<62), -5.0, "https://a.example/pricing?x", "dup", "careers")
	f.Fuzz(func(t *testing.T, typ string, nanos int64, value float64, path, id, category string) {
		var st State
		lead := Lead{Email: "a@b.example", Title: "VP"}
		base := Event{ID: "seed", Type: EventCall, Time: t0}
		if _, err := fuzzScorer.Observe(lead, &st, base); err != nil {
			t.Fatal(err)
		}
		before, _ := st.MarshalBinary()
		ev := Event{ID: id, Type: typ, Time: time.Unix(0, nanos), Value: value, Path: path, Category: category}
		if nanos == 0 {
			ev.Time = time.Time{}
		}
		r, err := fuzzScorer.Observe(lead, &st, ev)
		after, _ := st.MarshalBinary()
		if err != nil {
			if !slices.Equal(before, after) {
				t.Fatal("a rejected event changed the State")
			}
			return
		}
		for _, v := range []float64{r.Fit, r.Engagement, r.Relationship, r.Total} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("a non-finite score after %+v: %+v", ev, r)
			}
		}
		var back State
		if err := back.UnmarshalBinary(after); err != nil {
			t.Fatalf("the State no longer round-trips: %v", err)
		}
		if _, err := fuzzScorer.Advance(lead, &st, ev.Time.Add(time.Hour)); err != nil && !errors.Is(err, ErrEventTime) {
			t.Fatal(err)
		}
		fuzzScorer.NextWakeup(&st)
	})
}

func FuzzUnmarshalBinary(f *testing.F) {
	var st State
	for i, typ := range []string{EventFormSubmit, EventPageView, EventCartAdd, EventDemoRequest, EventPurchase} {
		fuzzScorer.Observe(Lead{}, &st, Event{ID: typ, Type: typ, Path: "/pricing", Value: 10, Time: t0.Add(time.Duration(i) * time.Hour)})
	}
	good, _ := st.MarshalBinary()
	f.Add(good, false)
	// A version 4 State: visits, totals, a question's text, a cart's step, touches.
	var rich State
	for i, e := range []Event{
		{Type: EventPageView, Path: "/pricing", Channel: "web", Campaign: "spring", Content: "plans", CTA: "trial"},
		{Type: EventQuestion, Properties: map[string]any{"text": "Do you support SSO?"}},
		{Type: EventCheckoutStart, Value: 10, Properties: map[string]any{"step": "payment"}},
		{Type: EventPageView, Path: "/pricing", Channel: "email", Campaign: "summer"},
	} {
		e.Time = t0.Add(time.Duration(i) * time.Hour)
		fuzzScorer.Observe(Lead{}, &rich, e)
	}
	v4, _ := rich.MarshalBinary()
	f.Add(v4, false)
	f.Add(v4[:len(v4)-4], true)
	f.Add(good[:len(good)-4], true)
	empty, _ := (&State{}).MarshalBinary()
	f.Add(empty, false)
	f.Add([]byte("LSST\x01"), true)
	f.Fuzz(func(t *testing.T, data []byte, fixChecksum bool) {
		if fixChecksum {
			// Let the fuzzer past the checksum, into the decoder itself.
			data = binary.LittleEndian.AppendUint32(slices.Clone(data), crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
		}
		var st State
		if err := st.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrCorruptState) {
				t.Fatalf("error %v does not wrap ErrCorruptState", err)
			}
			return
		}
		// Whatever decodes is usable: it scores, observes, merges and re-encodes.
		if _, err := fuzzScorer.Score(Lead{}, &st, t0); err != nil {
			t.Fatal(err)
		}
		c := st.Clone()
		if err := c.Merge(&st); err != nil {
			t.Fatal(err)
		}
		if _, err := fuzzScorer.Observe(Lead{}, &st, Event{Type: EventCall, Time: t0.Add(Day)}); err != nil {
			t.Fatal(err)
		}
		fuzzScorer.NextWakeup(&st)
		again, _ := st.MarshalBinary()
		var back State
		if err := back.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded state does not decode: %v", err)
		}
	})
}
