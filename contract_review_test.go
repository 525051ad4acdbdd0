package leadscore_test

// Black-box tests of the documented contract (DESIGN.md "Contract", "A State's lifetime",
// "Wire format", doc.go and the godoc): each test states the promise it checks. Every
// identifier here starts with cr so it cannot collide with the other external test files.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// crT0 is the fixed instant the tests start from: nothing here reads the clock.
var crT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type crScorer = *leadscore.Scorer[leadscore.Lead]

func crCompile(t testing.TB, cfg leadscore.Config, opts ...leadscore.Option) crScorer {
	t.Helper()
	s, err := leadscore.Compile[leadscore.Lead](cfg, opts...)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

func crParse(t testing.TB, js string) leadscore.Config {
	t.Helper()
	cfg, err := leadscore.ParseConfig([]byte(js))
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	return cfg
}

func crObserve(t testing.TB, s crScorer, lead leadscore.Lead, st *leadscore.State, evs ...leadscore.Event) leadscore.Result {
	t.Helper()
	var res leadscore.Result
	for _, ev := range evs {
		var err error
		if res, err = s.Observe(lead, st, ev); err != nil {
			t.Fatalf("Observe(%s at %s): %v", ev.Type, ev.Time.Format(time.RFC3339Nano), err)
		}
	}
	return res
}

func crScore(t testing.TB, s crScorer, lead leadscore.Lead, st *leadscore.State, now time.Time) leadscore.Result {
	t.Helper()
	res, err := s.Score(lead, st, now)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	return res
}

func crBytes(t testing.TB, st *leadscore.State) []byte {
	t.Helper()
	b, err := st.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	return b
}

// crNear: equal within 1e-9 relative (the contract's tolerance for order-free sums), with an
// absolute floor for values that cancel to about zero.
func crNear(a, b float64) bool {
	if a == b {
		return true
	}
	d := math.Abs(a - b)
	return d <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) || d <= 1e-9
}

func crContribution(r leadscore.Result, id string) (leadscore.Contribution, bool) {
	for _, c := range r.Contributions {
		if c.RuleID == id {
			return c, true
		}
	}
	return leadscore.Contribution{}, false
}

// crNonFinite names the first NaN or ±Inf in r ("" when none).
func crNonFinite(r leadscore.Result) string {
	bad := func(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) }
	for name, f := range map[string]float64{"fit": r.Fit, "engagement": r.Engagement, "relationship": r.Relationship, "total": r.Total} {
		if bad(f) {
			return fmt.Sprintf("%s = %v", name, f)
		}
	}
	for _, c := range r.Contributions {
		if bad(c.Points) {
			return fmt.Sprintf("contribution %s = %v", c.RuleID, c.Points)
		}
	}
	for _, s := range r.Signals {
		if bad(s.Strength) || s.Strength < 0 || s.Strength > 1 {
			return fmt.Sprintf("signal %s strength %v", s.Kind, s.Strength)
		}
	}
	return ""
}

// crB2BLead is a lead the B2B preset hands off after some engagement.
func crB2BLead() leadscore.Lead {
	return leadscore.Lead{
		ID: "dana", Email: "dana@globex.example", Name: "Dana Scully", Title: "VP of Sales",
		Company: leadscore.Company{Name: "Globex", Domain: "globex.example", Employees: 5000, Revenue: 5e8, Industry: "software"},
		BANT:    leadscore.BANT{Budget: true, Authority: true, Need: true},
	}
}

var crTypes = []string{"page_view", "email_open", "email_click", "form_submit", "content_download",
	"webinar_attended", "call", "demo_request", "cart_add", "purchase", "identify", "question", "social_like"}

var crPaths = []string{"/pricing", "/product/x", "/careers", "/blog/a", "/", "/features"}

// crEvents draws n events within span after crT0, in random order, with IDs when ids.
func crEvents(rng *rand.Rand, n int, span time.Duration, ids bool) []leadscore.Event {
	evs := make([]leadscore.Event, n)
	for i := range evs {
		ev := leadscore.Event{
			Type: crTypes[rng.IntN(len(crTypes))],
			Time: crT0.Add(time.Duration(rng.Int64N(int64(span)))),
		}
		if ev.Type == "page_view" {
			ev.Path = crPaths[rng.IntN(len(crPaths))]
		}
		if ev.Type == "purchase" || ev.Type == "cart_add" {
			ev.Value = float64(rng.IntN(500))
		}
		if ids {
			ev.ID = fmt.Sprintf("e%d", i)
		}
		evs[i] = ev
	}
	return evs
}

// crEventRuleConfig is a rule set of event rules only, drawn at random: positive and negative
// points, with and without decay, limit and once.
func crEventRuleConfig(rng *rand.Rand) leadscore.Config {
	var cfg leadscore.Config
	n := 1 + rng.IntN(5)
	for i := range n {
		r := leadscore.EventRule{
			ID:     fmt.Sprintf("r%d", i),
			Points: float64(rng.IntN(41) - 10),
		}
		if r.Points == 0 {
			r.Points = 7
		}
		if rng.IntN(4) != 0 {
			r.On = []string{crTypes[rng.IntN(len(crTypes))], crTypes[rng.IntN(len(crTypes))]}
		}
		if rng.IntN(4) != 0 {
			r.HalfLife = leadscore.Duration(time.Duration(1+rng.IntN(30*24)) * time.Hour)
		}
		if rng.IntN(3) == 0 {
			r.Max = float64(1 + rng.IntN(40))
		}
		r.Once = rng.IntN(5) == 0
		cfg.Events = append(cfg.Events, r)
	}
	cfg.Tiers = []leadscore.Tier{{Name: "hot", Min: leadscore.Float(40), Handoff: true}, {Name: "warm", Min: leadscore.Float(15)}, {Name: "cold"}}
	cfg.Hysteresis = float64(rng.IntN(6))
	return cfg
}

// crExpected is the contract's formula for one event rule at t: p × Σ 2^(−(t − tᵢ)/h) over the
// matched events (only the earliest for once), limited in magnitude to max.
func crExpected(r leadscore.EventRule, evs []leadscore.Event, t time.Time) (float64, int) {
	var times []time.Time
	for _, ev := range evs {
		if len(r.On) == 0 || slices.Contains(r.On, ev.Type) {
			times = append(times, ev.Time)
		}
	}
	if len(times) == 0 {
		return 0, 0
	}
	if r.Once {
		times = []time.Time{slices.MinFunc(times, func(a, b time.Time) int { return a.Compare(b) })}
	}
	sum := 0.0
	for _, ti := range times {
		w := 1.0
		if r.HalfLife > 0 {
			w = math.Exp2(-float64(t.Sub(ti)) / float64(r.HalfLife))
		}
		sum += w
	}
	v := r.Points * sum
	if r.Max > 0 {
		v = math.Max(-r.Max, math.Min(r.Max, v))
	}
	return v, len(times)
}

// Scoring semantics: an event rule's contribution is the documented formula, whatever the
// order the events arrive in, and the total is the sum of the dimensions.
func TestContractEventRuleFormulaOrderFree(t *testing.T) {
	rng := rand.New(rand.NewPCG(101, 102))
	for trial := range 60 {
		cfg := crEventRuleConfig(rng)
		s := crCompile(t, cfg)
		evs := crEvents(rng, 1+rng.IntN(40), 60*24*time.Hour, false)
		lead := leadscore.Lead{}

		var inOrder, shuffled leadscore.State
		sorted := slices.Clone(evs)
		slices.SortStableFunc(sorted, func(a, b leadscore.Event) int { return a.Time.Compare(b.Time) })
		crObserve(t, s, lead, &inOrder, sorted...)
		crObserve(t, s, lead, &shuffled, evs...)

		at := crT0.Add(time.Duration(60+rng.IntN(90)) * 24 * time.Hour)
		a := crScore(t, s, lead, &inOrder, at)
		b := crScore(t, s, lead, &shuffled, at)
		for _, r := range cfg.Events {
			want, n := crExpected(r, evs, at)
			ca, oka := crContribution(a, r.ID)
			cb, okb := crContribution(b, r.ID)
			if n == 0 {
				if oka || okb {
					t.Fatalf("trial %d: rule %s fired without a matched event", trial, r.ID)
				}
				continue
			}
			if !oka || !okb {
				// A contribution decayed to exactly 0 may be left out.
				if want != 0 && math.Abs(want) > 1e-300 {
					t.Fatalf("trial %d: rule %s (%+v) did not fire; want %v", trial, r.ID, r, want)
				}
				continue
			}
			if !crNear(ca.Points, want) || !crNear(cb.Points, want) {
				t.Fatalf("trial %d: rule %+v at %s: in order %v, shuffled %v, want %v", trial, r, at, ca.Points, cb.Points, want)
			}
			if ca.Events != n || cb.Events != n {
				// once rules count 1
				if !(r.Once && ca.Events == 1 && cb.Events == 1) {
					t.Errorf("trial %d: rule %s Events %d/%d, want %d", trial, r.ID, ca.Events, cb.Events, n)
				}
			}
		}
		if !crNear(a.Total, a.Fit+a.Engagement+a.Relationship) {
			t.Fatalf("trial %d: total %v is not the sum of %v, %v, %v", trial, a.Total, a.Fit, a.Engagement, a.Relationship)
		}
		if !crNear(a.Total, b.Total) || a.Tier != b.Tier {
			t.Fatalf("trial %d: order changed the result: %v %s vs %v %s", trial, a.Total, a.Tier, b.Total, b.Tier)
		}
	}
}

// count(type, window) counts the events of type within [now − window, now], both ends
// included, and a late event counts like any other.
func TestContractCountWindowBoundsProperty(t *testing.T) {
	cfg := crParse(t, `{"rules": [
		{"id": "c", "dimension": "fit", "value": "count('email_click', '3d')"},
		{"id": "d", "dimension": "relationship", "value": "days_since('email_click') < 1e9 ? days_since('email_click') : -1"}
	]}`)
	s := crCompile(t, cfg)
	window := 3 * 24 * time.Hour
	rng := rand.New(rand.NewPCG(103, 104))
	for trial := range 80 {
		var st leadscore.State
		var times []time.Time
		n := 1 + rng.IntN(20)
		for i := range n {
			at := crT0.Add(time.Duration(rng.IntN(10*24)) * time.Hour)
			if i == 0 {
				at = crT0
			}
			times = append(times, at)
			crObserve(t, s, leadscore.Lead{}, &st, leadscore.Event{Type: "email_click", Time: at})
		}
		latest := slices.MaxFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		// Evaluate exactly at a window edge of a random event, or just past it.
		pick := times[rng.IntN(len(times))]
		now := pick.Add(window)
		if rng.IntN(2) == 0 {
			now = now.Add(time.Nanosecond)
		}
		if now.Before(latest) {
			now = latest
		}
		want := 0
		for _, ti := range times {
			if !ti.Before(now.Add(-window)) && !ti.After(now) {
				want++
			}
		}
		res := crScore(t, s, leadscore.Lead{}, &st, now)
		got := 0.0
		if c, ok := crContribution(res, "c"); ok {
			got = c.Points
		}
		if got != float64(want) {
			t.Fatalf("trial %d: count at %s = %v, want %d (times %v)", trial, now, got, want, times)
		}
		d, _ := crContribution(res, "d")
		wantDays := now.Sub(latest).Hours() / 24
		if math.Abs(d.Points-wantDays) > 1e-9 && math.Abs(d.Points-math.Floor(wantDays)) > 1e-9 {
			t.Fatalf("trial %d: days_since = %v, want %v", trial, d.Points, wantDays)
		}
	}
}

// Time range: event times and nows outside [1900-01-01, 2200-01-01) — in any zone, to the
// nanosecond — are ErrEventTime for every call that takes one, and the State is untouched.
func TestContractTimeRangeEdges(t *testing.T) {
	s := crCompile(t, leadscore.DefaultB2B())
	lead := crB2BLead()
	var base leadscore.State
	crObserve(t, s, lead, &base, leadscore.Event{ID: "a", Type: "form_submit", Time: crT0})
	before := crBytes(t, &base)

	min := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	max := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	if !leadscore.MinTime.Equal(min) || !leadscore.MaxTime.Equal(max) {
		t.Fatalf("MinTime %s MaxTime %s", leadscore.MinTime, leadscore.MaxTime)
	}
	east := time.FixedZone("UTC+14", 14*3600)
	west := time.FixedZone("UTC-12", -12*3600)
	out := []time.Time{
		{},
		min.Add(-time.Nanosecond),
		max,
		max.Add(time.Nanosecond),
		time.Date(1900, 1, 1, 10, 0, 0, 0, east), // 1899-12-31T20:00Z
		time.Date(2199, 12, 31, 13, 0, 0, 0, west), // 2200-01-01T01:00Z
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(-1<<62, 0),
	}
	in := []time.Time{
		min,
		max.Add(-time.Nanosecond),
		time.Date(1899, 12, 31, 13, 0, 0, 0, west), // 1900-01-01T01:00Z
		time.Date(2200, 1, 1, 10, 0, 0, 0, east),   // 2199-12-31T20:00Z
	}
	for _, at := range out {
		st := base.Clone()
		check := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, leadscore.ErrEventTime) {
				t.Errorf("%s at %s: err %v, want ErrEventTime", what, at.Format(time.RFC3339Nano), err)
			}
			if !bytes.Equal(crBytes(t, st), before) {
				t.Errorf("%s at %s changed the State", what, at.Format(time.RFC3339Nano))
			}
		}
		ev := leadscore.Event{ID: "x", Type: "call", Time: at}
		_, err := s.Observe(lead, st, ev)
		check("Observe", err)
		var res leadscore.Result
		check("ObserveInto", s.ObserveInto(&res, lead, st, ev))
		_, err = s.Accumulate(lead, st, ev)
		check("Accumulate", err)
		check("CheckEvent", s.CheckEvent(ev))
		_, err = s.Score(lead, st, at)
		check("Score", err)
		check("ScoreInto", s.ScoreInto(&res, lead, st, at))
		_, err = s.Advance(lead, st, at)
		check("Advance", err)
		_, err = s.ScoreAll(func(yield func(leadscore.Lead, *leadscore.State) bool) { yield(lead, st) }, at, 1)
		check("ScoreAll", err)
	}
	for _, at := range in {
		st := base.Clone()
		if _, err := s.Score(lead, st, at); err != nil {
			t.Errorf("Score at %s: %v", at.Format(time.RFC3339Nano), err)
		}
		if err := s.CheckEvent(leadscore.Event{Type: "call", Time: at}); err != nil {
			t.Errorf("CheckEvent at %s: %v", at.Format(time.RFC3339Nano), err)
		}
		res, err := s.Observe(lead, st, leadscore.Event{ID: "y", Type: "call", Time: at})
		if err != nil {
			t.Errorf("Observe at %s: %v", at.Format(time.RFC3339Nano), err)
			continue
		}
		if msg := crNonFinite(res); msg != "" {
			t.Errorf("Observe at %s: %s", at.Format(time.RFC3339Nano), msg)
		}
		if _, err := s.Advance(lead, st, max.Add(-time.Nanosecond)); err != nil {
			t.Errorf("Advance to the last instant after an event at %s: %v", at.Format(time.RFC3339Nano), err)
		}
		b := crBytes(t, st)
		var back leadscore.State
		if err := back.UnmarshalBinary(b); err != nil {
			t.Errorf("a State with an event at %s does not decode: %v", at.Format(time.RFC3339Nano), err)
		}
	}
}

// Extreme but valid inputs — the two ends of the time range, huge values — never give a
// Result with NaN or ±Inf, through Observe, Score, Advance, Merge and a round trip.
func TestContractNoNonFiniteAtExtremes(t *testing.T) {
	cfg := crParse(t, `{
		"rules": [{"id": "aov", "dimension": "relationship", "value": "lead.AvgOrderValue * 1e10"}],
		"events": [
			{"id": "big", "points": 1e300, "half_life": "1h"},
			{"id": "neg", "on": ["email_bounce"], "points": -1e300},
			{"id": "nodecay", "on": ["purchase"], "points": 1e308}
		],
		"tiers": [{"name": "hot", "min": 1e306, "handoff": true}, {"name": "cold"}]
	}`)
	s := crCompile(t, cfg)
	lead := crB2BLead()
	lead.AvgOrderValue = math.MaxFloat64
	rng := rand.New(rand.NewPCG(105, 106))
	edges := []time.Time{leadscore.MinTime, leadscore.MinTime.Add(time.Nanosecond), leadscore.MaxTime.Add(-time.Nanosecond), crT0}
	types := []string{"purchase", "email_bounce", "page_view", "call", "cart_add"}
	for trial := range 30 {
		var parts [2]leadscore.State
		for p := range parts {
			for i := range 2 + rng.IntN(10) {
				at := edges[rng.IntN(len(edges))]
				if rng.IntN(2) == 0 {
					at = leadscore.MinTime.Add(time.Duration(rng.Int64N(int64(leadscore.MaxTime.Sub(leadscore.MinTime)))))
				}
				ev := leadscore.Event{ID: fmt.Sprintf("p%d-%d", p, i), Type: types[rng.IntN(len(types))], Time: at, Value: math.MaxFloat64 / float64(1+rng.IntN(3))}
				res, err := s.Observe(lead, &parts[p], ev)
				if err != nil {
					t.Fatalf("trial %d: Observe: %v", trial, err)
				}
				if msg := crNonFinite(res); msg != "" {
					t.Fatalf("trial %d: Observe(%s at %s): %s", trial, ev.Type, at, msg)
				}
			}
		}
		if err := parts[0].Merge(&parts[1]); err != nil {
			t.Fatal(err)
		}
		for _, now := range edges {
			for _, call := range []string{"score", "advance"} {
				var res leadscore.Result
				var err error
				if call == "score" {
					res, err = s.Score(lead, &parts[0], now)
				} else {
					res, err = s.Advance(lead, parts[0].Clone(), now)
				}
				if err != nil {
					t.Fatal(err)
				}
				if msg := crNonFinite(res); msg != "" {
					t.Fatalf("trial %d: %s at %s after merge: %s", trial, call, now, msg)
				}
			}
		}
		var back leadscore.State
		if err := back.UnmarshalBinary(crBytes(t, &parts[0])); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
	}
}

// A rule whose value is NaN or ±Inf at run time is a rule error and contributes nothing.
func TestContractNonFiniteRuleValueIsRuleError(t *testing.T) {
	cfg := crParse(t, `{"rules": [
		{"id": "inf", "dimension": "fit", "value": "lead.Income / lead.HomeSize"},
		{"id": "nan", "dimension": "fit", "value": "lead.HomeSize / lead.HomeSize"},
		{"id": "ok", "dimension": "fit", "points": 3}
	]}`)
	s := crCompile(t, cfg)
	for _, lead := range []leadscore.Lead{{Income: 1}, {Income: 0}, {Income: -1}} {
		res := crScore(t, s, lead, &leadscore.State{}, crT0)
		if msg := crNonFinite(res); msg != "" {
			t.Fatalf("income %v: %s", lead.Income, msg)
		}
		if res.Fit != 3 {
			t.Errorf("income %v: fit %v, want 3 (only the finite rule)", lead.Income, res.Fit)
		}
		failed := map[string]bool{}
		for _, e := range res.Errors {
			failed[e.RuleID] = true
		}
		if !failed["nan"] || (lead.Income != 0 && !failed["inf"]) {
			t.Errorf("income %v: errors %v, want the non-finite rules reported", lead.Income, res.Errors)
		}
		for _, c := range res.Contributions {
			if c.RuleID != "ok" {
				t.Errorf("income %v: non-finite rule %s contributed %v", lead.Income, c.RuleID, c.Points)
			}
		}
	}
}

// Points, weights and bounds that are NaN or ±Inf are compile errors, naming the item.
func TestContractNonFiniteConfigNumbersDoNotCompile(t *testing.T) {
	bad := []float64{math.NaN(), math.Inf(1), math.Inf(-1)}
	mutations := map[string]func(c *leadscore.Config, v float64){
		"rule points":  func(c *leadscore.Config, v float64) { c.Rules[0].Points = v },
		"rule max":     func(c *leadscore.Config, v float64) { c.Rules[0].Max = v },
		"event points": func(c *leadscore.Config, v float64) { c.Events[0].Points = v },
		"event max":    func(c *leadscore.Config, v float64) { c.Events[0].Max = v },
		"dimension weight": func(c *leadscore.Config, v float64) {
			c.Dimensions = map[leadscore.Dimension]leadscore.DimensionConfig{leadscore.Fit: {Weight: leadscore.Float(v)}}
		},
		"dimension min": func(c *leadscore.Config, v float64) {
			c.Dimensions = map[leadscore.Dimension]leadscore.DimensionConfig{leadscore.Engagement: {Min: leadscore.Float(v)}}
		},
		"dimension max": func(c *leadscore.Config, v float64) {
			c.Dimensions = map[leadscore.Dimension]leadscore.DimensionConfig{leadscore.Relationship: {Max: leadscore.Float(v)}}
		},
		"tier min":   func(c *leadscore.Config, v float64) { c.Tiers[0].Min = leadscore.Float(v) },
		"hysteresis": func(c *leadscore.Config, v float64) { c.Hysteresis = v },
		"grade min": func(c *leadscore.Config, v float64) {
			c.Grades = []leadscore.Grade{{Name: "A", Min: leadscore.Float(v)}, {Name: "B"}}
		},
		"signal strength": func(c *leadscore.Config, v float64) {
			c.Signals = []leadscore.SignalConfig{{Kind: "vip", When: "lead.Followers > 10", Strength: v}}
		},
	}
	for name, mutate := range mutations {
		for _, v := range bad {
			cfg := leadscore.Config{
				Rules:  []leadscore.Rule{{ID: "r", Dimension: leadscore.Fit, Points: 1}},
				Events: []leadscore.EventRule{{ID: "e", Points: 1}},
				Tiers:  []leadscore.Tier{{Name: "hot", Min: leadscore.Float(10)}, {Name: "cold"}},
			}
			mutate(&cfg, v)
			_, err := leadscore.Compile[leadscore.Lead](cfg)
			if err == nil {
				t.Errorf("%s = %v compiled", name, v)
				continue
			}
			if !strings.HasPrefix(err.Error(), "leadscore:") {
				t.Errorf("%s = %v: message %q does not start with leadscore:", name, v, err)
			}
			var re *leadscore.RuleError
			if !errors.As(err, &re) {
				t.Errorf("%s = %v: %v is not a *RuleError", name, v, err)
			}
		}
	}
}

var _ = json.Marshal
var _ = regexp.MustCompile
var _ sync.Mutex

// crSnake is a snake_case JSON key.
var crSnake = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// crKeys walks a decoded JSON value and calls f with the path of every object key, skipping
// user data (a lead's traits, an event's properties).
func crKeys(v any, path string, f func(path, key string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			f(path, k)
			if k == "traits" || k == "properties" {
				continue
			}
			crKeys(x, path+"."+k, f)
		}
	case []any:
		for i, x := range v {
			crKeys(x, fmt.Sprintf("%s[%d]", path, i), f)
		}
	}
}

// crRichResults drives the B2B preset (with a failing rule and an SLA) through events and
// time, returning every Result: signals, transitions, errors, trigger and rejection appear.
func crRichResults(t testing.TB) []leadscore.Result {
	cfg := leadscore.DefaultB2B()
	cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: "broken", Dimension: leadscore.Fit, When: `lead.Traits.x > 1`, Points: 1})
	cfg.Journey = leadscore.DefaultJourney()
	for i := range cfg.Journey.Stages {
		cfg.Journey.Stages[i].SLA = leadscore.Duration(2 * 24 * time.Hour)
	}
	s := crCompile(t, cfg)
	lead := crB2BLead()
	lead.Traits = map[string]any{"x": "not a number"}
	var st leadscore.State
	var out []leadscore.Result
	evs := []leadscore.Event{
		{ID: "1", Type: "form_submit", Time: crT0, Channel: "web", Campaign: "spring"},
		{ID: "2", Type: "page_view", Path: "/pricing", Time: crT0.Add(time.Hour)},
		{ID: "3", Type: "page_view", Path: "/pricing", Time: crT0.Add(26 * time.Hour)},
		{ID: "4", Type: "page_view", Path: "/product/a", Time: crT0.Add(50 * time.Hour)},
		{ID: "5", Type: "question", Time: crT0.Add(51 * time.Hour), Properties: map[string]any{"text": "How much?"}},
		{ID: "6", Type: "demo_request", Time: crT0.Add(52 * time.Hour)},
		{ID: "7", Type: "cart_add", Time: crT0.Add(53 * time.Hour), Value: 100},
		{ID: "8", Type: "sales_rejected", Time: crT0.Add(54 * time.Hour), Properties: map[string]any{"reason": "no budget"}},
		{ID: "9", Type: "call", Time: crT0.Add(55 * time.Hour)},
	}
	for _, ev := range evs {
		out = append(out, crObserve(t, s, lead, &st, ev))
	}
	for _, d := range []time.Duration{3, 10, 40, 200} {
		res, err := s.Advance(lead, &st, crT0.Add(d*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res)
	}
	return out
}

// Wire format: every key json.Marshal writes for a Result — its signals, contributions,
// transitions, errors, trigger and rejection included — is snake_case, the lists are [] and
// never null, and the JSON reads back to the same JSON.
func TestContractWireResultKeysAndRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for i, res := range crRichResults(t) {
		data, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		crKeys(v, "result", func(path, key string) {
			seen[strings.TrimLeft(path+"."+key, ".")] = true
			if !crSnake.MatchString(key) {
				t.Errorf("result %d: key %q at %s is not snake_case", i, key, path)
			}
		})
		for _, k := range []string{"signals", "contributions", "transitions"} {
			if x, ok := v[k]; !ok || x == nil {
				t.Errorf("result %d: %q is %v, want a list", i, k, x)
			}
		}
		var back leadscore.Result
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("result %d: %v", i, err)
		}
		again, err := json.Marshal(back)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, data) {
			t.Errorf("result %d: JSON does not round-trip:\n%s\n%s", i, data, again)
		}
	}
	for _, k := range []string{"result.signals.kind", "result.transitions.from_tier", "result.errors.rule",
		"result.trigger.reason", "result.rejection.reason", "result.contributions.rule"} {
		found := false
		for p := range seen {
			if regexp.MustCompile(`\[\d+\]`).ReplaceAllString(p, "") == k {
				found = true
			}
		}
		if !found {
			t.Errorf("no Result exercised %s", k)
		}
	}
}

// Wire format: an Event decodes from what a webhook sends, with "time" in RFC 3339 in any zone
// and to the nanosecond, and a decoded event scores as the same event built in Go.
func TestContractWireEventFromWebhook(t *testing.T) {
	body := `{"id": "evt-1", "type": "page_view", "time": "2026-03-02T10:30:00.123456789+01:00",
		"channel": "web", "path": "/pricing/enterprise", "value": 12.5,
		"properties": {"referrer": "ads", "n": 3, "tags": ["a", "b"], "nested": {"x": true}}}`
	var ev leadscore.Event
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)
	if ev.ID != "evt-1" || ev.Type != "page_view" || !ev.Time.Equal(want) || ev.Channel != "web" ||
		ev.Path != "/pricing/enterprise" || ev.Value != 12.5 || ev.Properties["referrer"] != "ads" || ev.Properties["n"] != 3.0 {
		t.Fatalf("decoded %+v", ev)
	}
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for k := range m {
		if !crSnake.MatchString(k) {
			t.Errorf("Event key %q is not snake_case", k)
		}
	}
	for _, k := range []string{"id", "type", "time", "channel", "path", "value", "properties"} {
		if _, ok := m[k]; !ok {
			t.Errorf("Event JSON lacks %q: %s", k, data)
		}
	}
	// The decoded event and the same event in Go score alike.
	s := crCompile(t, leadscore.DefaultB2B())
	var a, b leadscore.State
	ra := crObserve(t, s, crB2BLead(), &a, ev)
	rb := crObserve(t, s, crB2BLead(), &b, leadscore.Event{ID: "evt-1", Type: "page_view", Time: want, Channel: "web",
		Path: "/pricing/enterprise", Value: 12.5, Properties: map[string]any{"referrer": "ads", "n": 3.0, "tags": []any{"a", "b"}, "nested": map[string]any{"x": true}}})
	if ra.Explain() != rb.Explain() || !bytes.Equal(crBytes(t, &a), crBytes(t, &b)) {
		t.Errorf("a webhook event and the same event in Go differ:\n%s\n%s", ra.Explain(), rb.Explain())
	}
	// Times that are not RFC 3339 are decoding errors, not silently zero.
	for _, bad := range []string{`"2026-03-02 10:30:00"`, `"2026-03-02"`, `1772443800`, `"yesterday"`} {
		var e leadscore.Event
		if err := json.Unmarshal([]byte(`{"type": "call", "time": `+bad+`}`), &e); err == nil {
			t.Errorf("time %s decoded to %s", bad, e.Time)
		}
	}
}

// Wire format: a Lead (with its Company and BANT) marshals to snake_case keys and reads back
// to the same lead.
func TestContractWireLeadRoundTrip(t *testing.T) {
	lead := leadscore.Lead{
		ID: "l1", Email: "a@b.example", Name: "A B", Title: "CTO", Phone: "+1", Country: "US", PostalCode: "02139", Source: "referral",
		Company: leadscore.Company{Name: "B", Domain: "b.example", Industry: "software", Country: "US", PostalCode: "1", Employees: 10,
			Founded: 1999, ServiceCenters: 2, Revenue: 1e6, MinorityOwned: true},
		Age: 40, Children: 2, Gender: "f", Occupation: "engineer", MaritalStatus: "married", Income: 1e5, HomeSize: 120,
		Subscriptions: 1, Memberships: 2, CustomerSince: time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), Purchases: 3,
		AvgOrderValue: 99.5, Margin: 0.25, ServiceEffort: 4, Followers: 3000,
		BANT:   leadscore.BANT{Budget: true, Authority: true, Need: true, Timing: true},
		Traits: map[string]any{"CamelTrait": 1.0},
	}
	data, err := json.Marshal(lead)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	n := 0
	crKeys(v, "lead", func(path, key string) {
		n++
		if !crSnake.MatchString(key) {
			t.Errorf("key %q at %s is not snake_case", key, path)
		}
	})
	if n < 40 {
		t.Errorf("only %d keys written for a lead with every field set: %s", n, data)
	}
	var back leadscore.Lead
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(again, data) {
		t.Errorf("Lead JSON does not round-trip:\n%s\n%s", data, again)
	}
}

// crReseal recomputes the trailing CRC-32C of State bytes (the format's last four bytes,
// over everything before them), so that a mutation reaches the decoder's own checks.
func crReseal(b []byte) []byte {
	if len(b) < 4 {
		return b
	}
	sum := crc32.Checksum(b[:len(b)-4], crCastagnoli)
	b[len(b)-4], b[len(b)-3], b[len(b)-2], b[len(b)-1] = byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24)
	return b
}

var crCastagnoli = crc32.MakeTable(crc32.Castagnoli)

// crRichState is a B2B State with many kinds of history.
func crRichState(t testing.TB, s crScorer, seed uint64) *leadscore.State {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	st := &leadscore.State{}
	lead := crB2BLead()
	for _, ev := range crEvents(rng, 40, 30*24*time.Hour, true) {
		ev.Channel = "web"
		ev.Campaign = "c" + ev.ID
		if ev.Type == "question" {
			ev.Properties = map[string]any{"text": "price?"}
		}
		crObserve(t, s, lead, st, ev)
	}
	crObserve(t, s, lead, st, leadscore.Event{ID: "rej", Type: "sales_rejected", Time: crT0.Add(31 * 24 * time.Hour), Properties: map[string]any{"reason": "timing"}})
	if _, err := s.Advance(lead, st, crT0.Add(40*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return st
}

// Corrupt State bytes: truncations, bit flips and forged bytes with a valid checksum are an
// error wrapping ErrCorruptState that leaves the receiver as it was — never a panic — and
// bytes the decoder accepts give a State every call can use, which marshals to bytes that
// decode again.
func TestContractCorruptStateBytes(t *testing.T) {
	s := crCompile(t, leadscore.DefaultB2B())
	other := crCompile(t, leadscore.DefaultB2C())
	good := crBytes(t, crRichState(t, s, 7))
	receiver := crRichState(t, s, 9)
	keep := crBytes(t, receiver)
	rng := rand.New(rand.NewPCG(107, 108))

	try := func(what string, data []byte) {
		t.Helper()
		st := receiver.Clone()
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("%s: UnmarshalBinary panicked: %v", what, p)
				}
			}()
			err = st.UnmarshalBinary(data)
		}()
		if err != nil {
			if !errors.Is(err, leadscore.ErrCorruptState) {
				t.Fatalf("%s: error %v does not wrap ErrCorruptState", what, err)
			}
			if !strings.HasPrefix(err.Error(), "leadscore:") {
				t.Fatalf("%s: message %q", what, err)
			}
			if !bytes.Equal(crBytes(t, st), keep) {
				t.Fatalf("%s: a failed UnmarshalBinary changed the receiver", what)
			}
			return
		}
		// Accepted: everything must work on it.
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("%s: a decoded State panicked: %v", what, p)
				}
			}()
			for _, sc := range []crScorer{s, other} {
				x := st.Clone()
				now := x.Clock().Add(time.Hour)
				if x.Clock().IsZero() {
					now = crT0
				}
				if now.After(leadscore.MaxTime) || !now.Before(leadscore.MaxTime) {
					now = leadscore.MaxTime.Add(-time.Nanosecond)
				}
				for _, res := range []func() (leadscore.Result, error){
					func() (leadscore.Result, error) { return sc.Score(crB2BLead(), x, now) },
					func() (leadscore.Result, error) {
						return sc.Observe(crB2BLead(), x, leadscore.Event{ID: "new", Type: "call", Time: now})
					},
					func() (leadscore.Result, error) { return sc.Advance(crB2BLead(), x, now.Add(time.Hour)) },
				} {
					r, err := res()
					if err != nil && !errors.Is(err, leadscore.ErrEventTime) {
						t.Fatalf("%s: call on a decoded State: %v", what, err)
					}
					if msg := crNonFinite(r); err == nil && msg != "" {
						t.Fatalf("%s: %s", what, msg)
					}
				}
				y := receiver.Clone()
				if err := sc.Merge(y, x); err != nil {
					t.Fatalf("%s: Merge: %v", what, err)
				}
				for _, z := range []*leadscore.State{x, y} {
					b, err := z.MarshalBinary()
					if err != nil {
						continue // MarshalBinary may refuse; it must not write what cannot be read
					}
					var back leadscore.State
					if err := back.UnmarshalBinary(b); err != nil {
						t.Fatalf("%s: MarshalBinary wrote bytes UnmarshalBinary rejects: %v", what, err)
					}
				}
			}
		}()
	}

	try("empty", nil)
	try("magic only", []byte("LSST"))
	for n := range len(good) {
		try(fmt.Sprintf("truncated to %d", n), good[:n])
	}
	try("trailing byte", append(slices.Clone(good), 0))
	for i := range 3000 {
		b := slices.Clone(good)
		flips := 1 + rng.IntN(3)
		for range flips {
			p := 5 + rng.IntN(len(b)-9) // keep the magic and version, hit the body
			switch rng.IntN(3) {
			case 0:
				b[p] ^= 1 << rng.IntN(8)
			case 1:
				b[p] = byte(rng.IntN(256))
			case 2:
				b[p] = []byte{0, 0xff, 0x7f, 0x80, 1}[rng.IntN(5)]
			}
		}
		if i%2 == 0 {
			try(fmt.Sprintf("flip %d (bad checksum)", i), b)
		}
		try(fmt.Sprintf("flip %d (resealed)", i), crReseal(b))
	}
}

// Exactly once: redelivering events whose IDs the State still remembers — right away, late,
// after a round trip through bytes or after Accumulate — changes nothing: the bytes, the
// scores and the transitions are those of the stream without the repeats.
func TestContractDuplicatesChangeNothing(t *testing.T) {
	s := crCompile(t, leadscore.DefaultB2B())
	lead := crB2BLead()
	rng := rand.New(rand.NewPCG(109, 110))
	for trial := range 40 {
		evs := crEvents(rng, 1+rng.IntN(40), 20*24*time.Hour, true) // at most 40 IDs: within the window of 64
		var clean, dup leadscore.State
		var cleanTr, dupTr []leadscore.Transition
		for i, ev := range evs {
			r := crObserve(t, s, lead, &clean, ev)
			cleanTr = append(cleanTr, r.Transitions...)
			r = crObserve(t, s, lead, &dup, ev)
			dupTr = append(dupTr, r.Transitions...)
			// Redeliver some earlier events: as they were, or with another time and type (the
			// ID decides), through Observe or Accumulate, sometimes after a round trip.
			for range rng.IntN(3) {
				again := evs[rng.IntN(i+1)]
				if rng.IntN(3) == 0 {
					again.Time = again.Time.Add(time.Duration(rng.IntN(100)) * time.Hour)
					again.Type = crTypes[rng.IntN(len(crTypes))]
				}
				if rng.IntN(4) == 0 {
					var back leadscore.State
					if err := back.UnmarshalBinary(crBytes(t, &dup)); err != nil {
						t.Fatal(err)
					}
					dup = back
				}
				before := crBytes(t, &dup)
				if rng.IntN(2) == 0 {
					r, err := s.Observe(lead, &dup, again)
					if err != nil {
						t.Fatal(err)
					}
					if !r.Duplicate || len(r.Transitions) != 0 {
						t.Fatalf("trial %d: redelivered %s: Duplicate %v, transitions %v", trial, again.ID, r.Duplicate, r.Transitions)
					}
				} else if _, err := s.Accumulate(lead, &dup, again); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(before, crBytes(t, &dup)) {
					t.Fatalf("trial %d: redelivering %s changed the State", trial, again.ID)
				}
			}
		}
		if !bytes.Equal(crBytes(t, &clean), crBytes(t, &dup)) {
			t.Fatalf("trial %d: the State with repeats differs from the State without", trial)
		}
		if clean.Events() != dup.Events() || clean.Events() != uint64(len(evs)) {
			t.Fatalf("trial %d: Events %d and %d, want %d", trial, clean.Events(), dup.Events(), len(evs))
		}
		if fmt.Sprint(cleanTr) != fmt.Sprint(dupTr) {
			t.Fatalf("trial %d: transitions differ:\n%v\n%v", trial, cleanTr, dupTr)
		}
	}
}

// Scores never move back in time: Score at a now before the State's clock is Score at the
// clock, At is the clock, and Advance to an earlier now changes nothing.
func TestContractScoreNeverMovesBack(t *testing.T) {
	s := crCompile(t, leadscore.DefaultB2B())
	lead := crB2BLead()
	rng := rand.New(rand.NewPCG(111, 112))
	for trial := range 40 {
		var st leadscore.State
		crObserve(t, s, lead, &st, crEvents(rng, 1+rng.IntN(30), 30*24*time.Hour, true)...)
		if rng.IntN(2) == 0 {
			if _, err := s.Advance(lead, &st, st.Clock().Add(time.Duration(rng.IntN(1000))*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		clock := st.Clock()
		at := crScore(t, s, lead, &st, clock)
		if !at.At.Equal(clock) {
			t.Fatalf("trial %d: Score at the clock: At %s, clock %s", trial, at.At, clock)
		}
		earlier := clock.Add(-time.Duration(1 + rng.Int64N(int64(400*24*time.Hour))))
		if earlier.Before(leadscore.MinTime) {
			earlier = leadscore.MinTime
		}
		got := crScore(t, s, lead, &st, earlier)
		if !got.At.Equal(clock) || got.Explain() != at.Explain() || got.Total != at.Total {
			t.Fatalf("trial %d: Score at %s (before the clock %s) = %v at %s, want %v", trial, earlier, clock, got.Total, got.At, at.Total)
		}
		before := crBytes(t, &st)
		res, err := s.Advance(lead, &st, earlier)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Transitions) != 0 || !res.At.Equal(clock) || !bytes.Equal(before, crBytes(t, &st)) || !st.Clock().Equal(clock) {
			t.Fatalf("trial %d: Advance to an earlier now: transitions %v, At %s, clock %s", trial, res.Transitions, res.At, st.Clock())
		}
		// Later nows never raise the magnitude of an event rule's contribution: decay only
		// shrinks it (each rule's points have one sign).
		prev := at
		for _, d := range []time.Duration{time.Hour, 24 * time.Hour, 30 * 24 * time.Hour, 365 * 24 * time.Hour} {
			r := crScore(t, s, lead, &st, clock.Add(d))
			for _, c := range r.Contributions {
				if p, ok := crContribution(prev, c.RuleID); ok && math.Abs(c.Points) > math.Abs(p.Points)+1e-9 && c.Events > 0 {
					t.Fatalf("trial %d: rule %s grew with time alone: %v → %v", trial, c.RuleID, p.Points, c.Points)
				}
			}
			prev = r
		}
	}
}

// Durations: Go's syntax plus d and w, combined and fractional; never negative.
func TestContractDurationSyntax(t *testing.T) {
	day := 24 * time.Hour
	ok := map[string]time.Duration{
		"14d": 14 * day, "36h": 36 * time.Hour, "2w": 14 * day, "1w3d": 10 * day, "1.5d": 36 * time.Hour,
		"1d12h": 36 * time.Hour, "90m": 90 * time.Minute, "1h30m": 90 * time.Minute, "0.5w": 84 * time.Hour,
		"1w1d1h1m1s": 8*day + time.Hour + time.Minute + time.Second, "250ms": 250 * time.Millisecond,
	}
	for in, want := range ok {
		d, err := leadscore.ParseDuration(in)
		if err != nil || time.Duration(d) != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, time.Duration(d), err, want)
		}
		var rd leadscore.Duration
		if err := json.Unmarshal([]byte(`"`+in+`"`), &rd); err != nil || rd != d {
			t.Errorf("JSON %q = %v, %v", in, time.Duration(rd), err)
		}
		// What it writes, it reads back.
		text, err := d.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		back, err := leadscore.ParseDuration(string(text))
		if err != nil || back != d {
			t.Errorf("%q written as %q reads back as %v, %v", in, text, time.Duration(back), err)
		}
	}
	for _, in := range []string{"-1d", "-1h", "1x", "d", "", "1 d", "7 days", "1e400h", "999999999w"} {
		if d, err := leadscore.ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, time.Duration(d))
		}
	}
}

// Rule-set evolution: a State written under one rule set loads under another; a renamed event
// rule with renamed_from keeps its history, and a changed half-life converts it — exactly for
// one event or a once rule. Checked through bytes, through a State still in memory, and
// through Scorer.Merge.
func TestContractHalfLifeConversionExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(113, 114))
	halfLife := func() leadscore.Duration {
		if rng.IntN(4) == 0 {
			return 0
		}
		return leadscore.Duration(time.Duration(1+rng.IntN(60*24)) * time.Hour)
	}
	for trial := range 150 {
		oldRule := leadscore.EventRule{ID: "pricing", On: []string{"page_view"}, Points: float64(1 + rng.IntN(20)), HalfLife: halfLife(), Once: rng.IntN(2) == 0}
		newRule := oldRule
		newRule.HalfLife = halfLife()
		newRule.Points = float64(1 + rng.IntN(20))
		if rng.IntN(2) == 0 {
			newRule.ID = "pricing-visits"
			newRule.RenamedFrom = []string{"pricing"}
		}
		other := leadscore.EventRule{ID: "other", On: []string{"email_open"}, Points: 1}
		from := crCompile(t, leadscore.Config{Events: []leadscore.EventRule{oldRule, other}})
		to := crCompile(t, leadscore.Config{Events: []leadscore.EventRule{other, newRule}})

		n := 1
		if oldRule.Once {
			n = 1 + rng.IntN(5)
		}
		var st leadscore.State
		var evs []leadscore.Event
		for i := range n {
			ev := leadscore.Event{ID: fmt.Sprint(i), Type: "page_view", Path: "/pricing", Time: crT0.Add(time.Duration(rng.IntN(30*24)) * time.Hour)}
			evs = append(evs, ev)
			crObserve(t, from, leadscore.Lead{}, &st, ev)
		}
		crObserve(t, from, leadscore.Lead{}, &st, leadscore.Event{Type: "email_open", Time: crT0.Add(31 * 24 * time.Hour)})
		data := crBytes(t, &st)
		now := crT0.Add(time.Duration(31*24+rng.IntN(90*24)) * time.Hour)
		want, _ := crExpected(newRule, evs, now)

		check := func(how string, x *leadscore.State) {
			t.Helper()
			res := crScore(t, to, leadscore.Lead{}, x, now)
			c, ok := crContribution(res, newRule.ID)
			if !ok || !crNear(c.Points, want) {
				t.Fatalf("trial %d (%s): %+v → %+v, %d event(s): got %v (fired %v), want %v", trial, how, oldRule, newRule, n, c.Points, ok, want)
			}
			if o, _ := crContribution(res, "other"); o.Points != 1 {
				t.Fatalf("trial %d (%s): the unchanged rule lost its history: %v", trial, how, o.Points)
			}
		}
		var loaded leadscore.State
		if err := loaded.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		check("bytes", &loaded)
		check("in memory", st.Clone())
		var merged leadscore.State
		if err := to.Merge(&merged, &st); err != nil {
			t.Fatal(err)
		}
		check("Scorer.Merge", &merged)
		// After Advance under the new rule set, the converted history is the new rule's own:
		// it survives another round trip.
		adv := loaded.Clone()
		if _, err := to.Advance(leadscore.Lead{}, adv, now); err != nil {
			t.Fatal(err)
		}
		var again leadscore.State
		if err := again.UnmarshalBinary(crBytes(t, adv)); err != nil {
			t.Fatal(err)
		}
		check("advanced and stored", &again)
	}
}

// crAdvanceQuiet reports the transitions Advance at t makes on a clone of st.
func crAdvanceAt(t testing.TB, s crScorer, lead leadscore.Lead, st *leadscore.State, at time.Time) []leadscore.Transition {
	t.Helper()
	res, err := s.Advance(lead, st.Clone(), at)
	if err != nil {
		t.Fatal(err)
	}
	return res.Transitions
}

// crWakeupConfigs are rule sets with every kind of timer: decay across tiers with hysteresis,
// SLAs, abandoned carts, windows, and a guard on days in stage.
func crWakeupConfigs(t testing.TB) []leadscore.Config {
	b2b := leadscore.DefaultB2B()
	b2b.Journey = leadscore.DefaultJourney()
	for i := range b2b.Journey.Stages {
		b2b.Journey.Stages[i].SLA = leadscore.Duration(time.Duration(1+i) * 24 * time.Hour)
	}
	custom := crParse(t, `{
		"events": [{"id": "v", "on": ["page_view"], "points": 30, "half_life": "3d"},
		           {"id": "c", "on": ["email_click"], "points": 12, "half_life": "10h", "max": 20}],
		"rules": [{"id": "recent", "dimension": "fit", "when": "count('email_open', '2d') >= 2", "points": 15}],
		"tiers": [{"name": "mql", "min": 45, "handoff": true}, {"name": "warm", "min": 20}, {"name": "cold"}],
		"hysteresis": 4,
		"signals": [{"kind": "busy", "when": "count('call', '36h') >= 1", "reason": "called"},
		            {"kind": "abandoned_cart", "timeout": "6h"}],
		"journey": {"stages": [{"name": "new"}, {"name": "engaged", "sla": "5d"}, {"name": "done"}],
		            "transitions": [{"from": "new", "to": "engaged", "on": ["email_click", "page_view"]},
		                            {"from": "engaged", "to": "done", "when": "days_in_stage >= 4"},
		                            {"from": "engaged", "to": "new", "when": "total < 10"}]}
	}`)
	return []leadscore.Config{b2b, leadscore.DefaultB2C(), custom}
}

// NextWakeup is never late — also for a State that was last evaluated under another rule set
// (read back from its bytes), whose first evaluation under the new one may itself be a change.
func TestContractNextWakeupAcrossRuleSets(t *testing.T) {
	cfgs := crWakeupConfigs(t)
	scorers := make([]crScorer, len(cfgs))
	for i, c := range cfgs {
		scorers[i] = crCompile(t, c)
	}
	lead := crB2BLead()
	rng := rand.New(rand.NewPCG(115, 116))
	for trial := range 60 {
		from := scorers[rng.IntN(len(scorers))]
		to := scorers[rng.IntN(len(scorers))]
		var st leadscore.State
		crObserve(t, from, lead, &st, crEvents(rng, 1+rng.IntN(15), 10*24*time.Hour, true)...)
		var loaded leadscore.State
		if err := loaded.UnmarshalBinary(crBytes(t, &st)); err != nil {
			t.Fatal(err)
		}
		last := loaded.Clock()
		w, ok := to.NextWakeup(&loaded)
		end := last.Add(200 * 24 * time.Hour)
		if ok {
			if !w.After(last) {
				t.Fatalf("trial %d: NextWakeup %s is not after the last evaluation %s", trial, w, last)
			}
			end = w
		}
		probes := []time.Time{last.Add(time.Nanosecond), last.Add(time.Second), last.Add(time.Hour)}
		for range 12 {
			probes = append(probes, last.Add(1+time.Duration(rng.Int64N(int64(end.Sub(last))))))
		}
		for _, p := range probes {
			if !p.Before(end) {
				continue
			}
			if tr := crAdvanceAt(t, to, lead, &loaded, p); len(tr) != 0 {
				t.Fatalf("trial %d: NextWakeup = %s (ok %v) after %s, but Advance at %s reports %v", trial, w, ok, last, p, tr)
			}
		}
	}
}

// NextWakeup is never late, followed round after round, for random histories under each rule
// set (Observe, Accumulate, Merge and Advance at the wakeup).
func TestContractNextWakeupNeverLate(t *testing.T) {
	cfgs := crWakeupConfigs(t)
	lead := crB2BLead()
	rng := rand.New(rand.NewPCG(117, 118))
	for ci, cfg := range cfgs {
		s := crCompile(t, cfg)
		for trial := range 25 {
			// last is the time of the State's last evaluation (Observe or Advance; Accumulate
			// and Merge take events without one): NextWakeup answers after it.
			var st leadscore.State
			last := time.Time{}
			for _, ev := range crEvents(rng, 1+rng.IntN(12), 5*24*time.Hour, true) {
				if rng.IntN(3) == 0 {
					if ok, err := s.Accumulate(lead, &st, ev); err != nil {
						t.Fatal(err)
					} else if ok {
						continue
					}
				}
				if r := crObserve(t, s, lead, &st, ev); r.At.After(last) {
					last = r.At
				}
			}
			if rng.IntN(3) == 0 {
				var part leadscore.State
				r := crObserve(t, s, lead, &part, crEvents(rng, 1+rng.IntN(5), 5*24*time.Hour, false)...)
				if err := st.Merge(&part); err != nil {
					t.Fatal(err)
				}
				if r.At.After(last) {
					last = r.At
				}
			}
			if last.IsZero() { // only accumulated: the first evaluation is due
				last = st.Clock()
			}
			for round := range 6 {
				w, ok := s.NextWakeup(&st)
				end := last.Add(400 * 24 * time.Hour)
				if ok {
					if !w.After(last) {
						t.Fatalf("config %d trial %d round %d: NextWakeup %s not after %s", ci, trial, round, w, last)
					}
					end = w
				}
				for range 10 {
					p := last.Add(1 + time.Duration(rng.Int64N(int64(end.Sub(last)))))
					if !p.Before(end) {
						continue
					}
					if tr := crAdvanceAt(t, s, lead, &st, p); len(tr) != 0 {
						t.Fatalf("config %d trial %d round %d: NextWakeup = %s (ok %v) after %s, but Advance at %s reports %v",
							ci, trial, round, w, ok, last, p, tr)
					}
				}
				if !ok {
					break
				}
				if _, err := s.Advance(lead, &st, w); err != nil {
					t.Fatal(err)
				}
				last = w
			}
		}
	}
}

// Defect found by TestContractNextWakeupAcrossRuleSets: a State last settled under another
// rule set (read back from its bytes after a deployment) was given a NextWakeup days away,
// while Advance a nanosecond after its last evaluation already moved its tier under the new
// rule set. NextWakeup must say the settling call is due at once.
func TestContractNextWakeupAfterRuleSetChange(t *testing.T) {
	b2b := crCompile(t, leadscore.DefaultB2B())
	b2c := crCompile(t, leadscore.DefaultB2C())
	renamed := leadscore.DefaultB2B()
	renamed.Personas = nil // their tracks name the tiers
	for i := range renamed.Tiers {
		renamed.Tiers[i].Name += "-v2" // same layout, other tier names
	}
	for _, c := range []struct {
		name string
		to   crScorer
	}{{"another layout", b2c}, {"renamed tiers", crCompile(t, renamed)}} {
		var st leadscore.State
		lead := crB2BLead()
		r := crObserve(t, b2b, lead, &st,
			leadscore.Event{ID: "1", Type: "demo_request", Time: crT0},
			leadscore.Event{ID: "2", Type: "call", Time: crT0.Add(time.Hour)})
		if r.Tier != "hot" {
			t.Fatalf("setup: tier %q", r.Tier)
		}
		var loaded leadscore.State
		if err := loaded.UnmarshalBinary(crBytes(t, &st)); err != nil {
			t.Fatal(err)
		}
		next := st.Clock().Add(time.Nanosecond)
		tr := crAdvanceAt(t, c.to, lead, &loaded, next)
		if len(tr) == 0 {
			t.Fatalf("%s: setup: the new rule set changes nothing at once", c.name)
		}
		w, ok := c.to.NextWakeup(&loaded)
		if !ok || w.After(next) {
			t.Errorf("%s: NextWakeup = %s (ok %v), but Advance at %s reports %v", c.name, w, ok, next, tr)
		}
	}
}

// A compiled Scorer is safe for concurrent use, and Score only reads a State: goroutines
// scoring one shared State (one written under another rule set among them, which Score lays
// out on the fly), observing their own States and asking NextWakeup, Lifecycle and Config
// at once get the results a single goroutine gets, and leave the shared States' bytes as they
// were. Run under -race, it also proves the absence of data races.
func TestContractConcurrentScorer(t *testing.T) {
	s := crCompile(t, leadscore.DefaultB2B())
	other := crCompile(t, leadscore.DefaultB2C())
	lead := crB2BLead()
	shared := crRichState(t, s, 11)
	foreign := crRichState(t, other, 13)
	sharedBytes, foreignBytes := crBytes(t, shared), crBytes(t, foreign)
	var foreignLoaded leadscore.State
	if err := foreignLoaded.UnmarshalBinary(foreignBytes); err != nil {
		t.Fatal(err)
	}
	now := shared.Clock().Add(48 * time.Hour)
	want := crScore(t, s, lead, shared, now).Explain()
	wantForeign := crScore(t, s, lead, &foreignLoaded, now).Explain()
	evs := crEvents(rand.New(rand.NewPCG(119, 120)), 30, 20*24*time.Hour, true)
	var own leadscore.State
	wantOwn := crObserve(t, s, lead, &own, evs...).Explain()

	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res leadscore.Result
			for i := range 20 {
				r, err := s.Score(lead, shared, now)
				if err != nil || r.Explain() != want {
					errs <- fmt.Sprintf("goroutine %d: Score differs: %v", g, err)
					return
				}
				if err := s.ScoreInto(&res, lead, &foreignLoaded, now); err != nil || res.Explain() != wantForeign {
					errs <- fmt.Sprintf("goroutine %d: ScoreInto on a foreign State differs: %v", g, err)
					return
				}
				s.NextWakeup(shared)
				s.NextWakeup(&foreignLoaded)
				s.Lifecycle(&foreignLoaded, now)
				if i%5 == 0 {
					_ = s.Config()
					_ = s.Costs()
				}
			}
			var mine leadscore.State
			var last leadscore.Result
			for _, ev := range evs {
				r, err := s.Observe(lead, &mine, ev)
				if err != nil {
					errs <- err.Error()
					return
				}
				last = r
			}
			if last.Explain() != wantOwn {
				errs <- fmt.Sprintf("goroutine %d: Observe differs", g)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		results, err := s.ScoreAll(func(yield func(leadscore.Lead, *leadscore.State) bool) {
			for range 50 {
				if !yield(lead, shared) || !yield(lead, &foreignLoaded) {
					return
				}
			}
		}, now, 4)
		if err != nil {
			errs <- err.Error()
			return
		}
		for i, r := range results {
			w := want
			if i%2 == 1 {
				w = wantForeign
			}
			if r.Explain() != w {
				errs <- fmt.Sprintf("ScoreAll %d differs", i)
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if !bytes.Equal(crBytes(t, shared), sharedBytes) || !bytes.Equal(crBytes(t, &foreignLoaded), foreignBytes) {
		t.Error("concurrent reads changed a shared State")
	}
}

// crMapKeys are config keys whose members are user names (not fields): a misspelling there is
// a new name, not an error.
var crMapKeys = map[string]bool{"lists": true, "pages": true, "dimensions": true, "lead_fields": true, "traits": true}

// Strict config: a misspelt key anywhere in a rule set — top level, inside any item, nested
// in the journey or the accounts — is a *ConfigError that names the key probably meant and
// the item it is in; trailing data is an error too.
func TestContractConfigMisspeltKeysEverywhere(t *testing.T) {
	for name, cfg := range map[string]leadscore.Config{"b2b": leadscore.DefaultB2B(), "b2c": leadscore.DefaultB2C()} {
		cfg.Journey = leadscore.DefaultJourney()
		cfg.Journey.Stages[0].SLA = leadscore.Duration(time.Hour)
		data, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := leadscore.ParseConfig(data); err != nil {
			t.Fatalf("%s: its own JSON does not parse: %v", name, err)
		}
		// Every key occurrence: rename it by swapping its last two letters.
		keyRe := regexp.MustCompile(`"([a-z_]+)":`)
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		fieldKeys := map[string]bool{}
		var walk func(x any)
		walk = func(x any) {
			switch x := x.(type) {
			case map[string]any:
				for k, y := range x {
					fieldKeys[k] = true
					if crMapKeys[k] {
						if m, ok := y.(map[string]any); ok {
							for _, z := range m { // values of user-named entries may hold fields
								walk(z)
							}
						}
						continue
					}
					walk(y)
				}
			case []any:
				for _, y := range x {
					walk(y)
				}
			}
		}
		walk(v)
		checked := 0
		tried := map[string]int{} // each key name at a few of its places: enough, and fast
		for _, m := range keyRe.FindAllSubmatchIndex(data, -1) {
			key := string(data[m[2]:m[3]])
			if !fieldKeys[key] || len(key) < 4 || tried[key] >= 3 {
				continue
			}
			tried[key]++
			bad := key[:len(key)-2] + string(key[len(key)-1]) + string(key[len(key)-2])
			if bad == key {
				continue
			}
			mutated := slices.Concat(data[:m[2]], []byte(bad), data[m[3]:])
			_, err := leadscore.ParseConfig(mutated)
			if err != nil && strings.Contains(err.Error(), "unknown field") {
				checked++
				var ce *leadscore.ConfigError
				if !errors.As(err, &ce) {
					t.Errorf("%s: %q: %v is not a *ConfigError", name, bad, err)
				}
				// The key meant, or another valid key as close ("tracsk": "track").
				if sm := regexp.MustCompile(`did you mean "([a-z_]+)"\?`).FindStringSubmatch(err.Error()); sm == nil || !fieldKeys[sm[1]] {
					t.Errorf("%s: %q for %q: %v: no did-you-mean", name, bad, key, err)
				}
				if ce != nil && (ce.Line != 1 || ce.Column != m[2]) {
					t.Errorf("%s: %q at column %d, error says %d:%d", name, bad, m[2], ce.Line, ce.Column)
				}
				continue
			}
			// A key in a user-named map (a list or page category named like a field) is data.
			if err != nil {
				t.Errorf("%s: misspelt %q → %q: %v", name, key, bad, err)
			}
		}
		if checked < 30 {
			t.Errorf("%s: only %d misspellings were refused", name, checked)
		}
		for _, tail := range []string{` {}`, `x`, `]`, `{"name": "x"}`} {
			if _, err := leadscore.ParseConfig(append(slices.Clone(data), tail...)); err == nil {
				t.Errorf("%s: trailing %q accepted", name, tail)
			}
		}
	}
}

// Bad expressions are compile errors that name their item, the field and the name probably
// meant, for every kind of item that holds an expression, all reported at once.
func TestContractExpressionErrorsNameItemAndSuggest(t *testing.T) {
	cfg := crParse(t, `{
		"rules": [{"id": "exec", "dimension": "fit", "when": "lead.Titel == 'CEO'", "points": 1},
		          {"id": "size", "dimension": "fit", "value": "lead.Company.Employes * 1.0"}],
		"events": [{"id": "pricing", "on": ["page_view"], "when": "event.Pth startsWith '/pricing'", "points": 1}],
		"tiers": [{"name": "hot", "min": 10, "when": "engagment > 1"}, {"name": "cold"}],
		"signals": [{"kind": "vip", "when": "lead.Folowers > 10"}],
		"personas": [{"id": "joe", "when": "lead.Ag >= 30"}, {"id": "everyone"}],
		"journey": {"stages": [{"name": "attract"}, {"name": "capture"}],
		            "transitions": [{"from": "attract", "to": "capture", "when": "totl > 5"}]}
	}`)
	_, err := leadscore.Compile[leadscore.Lead](cfg)
	if err == nil {
		t.Fatal("compiled")
	}
	want := map[string]string{"exec": "Title", "size": "Employees", "pricing": "Path", "hot": "engagement",
		"vip": "Followers", "joe": "Age"}
	got := map[string]string{}
	var join interface{ Unwrap() []error }
	if !errors.As(err, &join) {
		t.Fatalf("not a joined error: %v", err)
	}
	for _, e := range join.Unwrap() {
		var re *leadscore.RuleError
		if !errors.As(e, &re) {
			t.Errorf("not a *RuleError: %v", e)
			continue
		}
		got[re.RuleID] = e.Error()
		if !strings.HasPrefix(e.Error(), "leadscore:") || re.Line < 1 || re.Column < 1 {
			t.Errorf("%v: prefix or position missing (line %d column %d)", e, re.Line, re.Column)
		}
	}
	for id, meant := range want {
		msg, ok := got[id]
		if !ok {
			t.Errorf("no error for %q; got %v", id, err)
			continue
		}
		if !strings.Contains(msg, "did you mean") || !strings.Contains(msg, meant) {
			t.Errorf("%q: %s: no did-you-mean %s", id, msg, meant)
		}
	}
	transition := false
	for id, msg := range got {
		if strings.Contains(msg, "totl") {
			transition = true
			if !strings.Contains(msg, "did you mean total") {
				t.Errorf("transition %q: %s", id, msg)
			}
		}
	}
	if !transition {
		t.Errorf("no error for the transition guard: %v", err)
	}
}

// Scoring semantics: dimension = clamp(Σ contributions, min, max); total = Σ weight × dimension;
// tier = the first whose min ≤ total, kept with hysteresis until the total falls below
// min − h; Contributions in rule-set order (attribute rules, then event rules); Handoff only in
// a hand-off tier. Checked over random rule sets and a lead whose score moves up and down.
func TestContractDimensionsTiersHysteresis(t *testing.T) {
	rng := rand.New(rand.NewPCG(121, 122))
	dims := []leadscore.Dimension{leadscore.Fit, leadscore.Engagement, leadscore.Relationship}
	for trial := range 40 {
		cfg := crEventRuleConfig(rng)
		for i := range cfg.Events {
			cfg.Events[i].Dimension = dims[rng.IntN(3)]
		}
		cfg.Rules = []leadscore.Rule{
			{ID: "a", Dimension: dims[rng.IntN(3)], Points: float64(rng.IntN(21) - 5)},
			{ID: "b", Dimension: dims[rng.IntN(3)], When: "lead.Age > 30", Points: float64(rng.IntN(21) - 5)},
		}
		cfg.Dimensions = map[leadscore.Dimension]leadscore.DimensionConfig{}
		for _, d := range dims {
			var dc leadscore.DimensionConfig
			if rng.IntN(2) == 0 {
				dc.Weight = leadscore.Float(float64(rng.IntN(5)) / 2)
			}
			if rng.IntN(2) == 0 {
				dc.Min = leadscore.Float(float64(-rng.IntN(20)))
			}
			if rng.IntN(2) == 0 {
				dc.Max = leadscore.Float(float64(5 + rng.IntN(40)))
			}
			cfg.Dimensions[d] = dc
		}
		s := crCompile(t, cfg)
		lead := leadscore.Lead{Age: 20 + rng.IntN(30)}
		var st leadscore.State
		tier := ""
		evs := crEvents(rng, 1+rng.IntN(30), 30*24*time.Hour, false)
		slices.SortFunc(evs, func(a, b leadscore.Event) int { return a.Time.Compare(b.Time) })
		var results []leadscore.Result
		for _, ev := range evs {
			results = append(results, crObserve(t, s, lead, &st, ev))
		}
		for _, d := range []time.Duration{24, 24 * 7, 24 * 60} {
			r, err := s.Advance(lead, &st, st.Clock().Add(d*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, r)
		}
		order := map[string]int{"a": 0, "b": 1}
		for i, r := range cfg.Events {
			order[r.ID] = 2 + i
		}
		for ri, r := range results {
			var sums [3]float64
			prev := -1
			for _, c := range r.Contributions {
				sums[slices.Index(dims, c.Dimension)] += c.Points
				if order[c.RuleID] <= prev {
					t.Fatalf("trial %d: contributions out of rule-set order: %v", trial, r.Contributions)
				}
				prev = order[c.RuleID]
			}
			got := [3]float64{r.Fit, r.Engagement, r.Relationship}
			total := 0.0
			for i, d := range dims {
				dc := cfg.Dimensions[d]
				want := sums[i]
				if dc.Min != nil {
					want = math.Max(want, *dc.Min)
				}
				if dc.Max != nil {
					want = math.Min(want, *dc.Max)
				}
				if !crNear(got[i], want) {
					t.Fatalf("trial %d result %d: %s = %v, want %v (sum %v, %+v)", trial, ri, d, got[i], want, sums[i], dc)
				}
				w := 1.0
				if dc.Weight != nil {
					w = *dc.Weight
				}
				total += w * got[i]
			}
			if !crNear(r.Total, total) {
				t.Fatalf("trial %d result %d: total %v, want %v", trial, ri, r.Total, total)
			}
			natural := "cold"
			for _, tr := range cfg.Tiers {
				if tr.Min == nil || *tr.Min <= r.Total {
					natural = tr.Name
					break
				}
			}
			want := natural
			rank := func(n string) int {
				return slices.IndexFunc(cfg.Tiers, func(x leadscore.Tier) bool { return x.Name == n })
			}
			if tier != "" && rank(tier) < rank(natural) && r.Total >= *cfg.Tiers[rank(tier)].Min-cfg.Hysteresis {
				want = tier
			}
			if r.Tier != want {
				t.Fatalf("trial %d result %d: tier %q at total %v (previous %q, hysteresis %v), want %q", trial, ri, r.Tier, r.Total, tier, cfg.Hysteresis, want)
			}
			if r.Handoff != (r.Tier == "hot") {
				t.Fatalf("trial %d: handoff %v in tier %q", trial, r.Handoff, r.Tier)
			}
			tier = r.Tier
		}
	}
}

// A disqualified lead (a competitor) never moves to convert and is never a hand-off, whatever
// it does, in the default journey.
func TestContractDisqualifiedNeverConverts(t *testing.T) {
	cfg := leadscore.DefaultB2B()
	cfg.Lists["competitors"] = []string{"rival.example"}
	s := crCompile(t, cfg)
	lead := crB2BLead()
	lead.Email = "spy@rival.example"
	lead.Company.Domain = "rival.example"
	rng := rand.New(rand.NewPCG(123, 124))
	for trial := range 30 {
		var st leadscore.State
		evs := crEvents(rng, 5+rng.IntN(40), 20*24*time.Hour, true)
		evs = append(evs, leadscore.Event{ID: "demo", Type: "demo_request", Time: crT0.Add(time.Hour)}, leadscore.Event{ID: "call", Type: "call", Time: crT0.Add(2 * time.Hour)})
		for _, ev := range evs {
			r := crObserve(t, s, lead, &st, ev)
			if !r.Disqualified || r.Handoff || r.Stage == leadscore.StageConvert {
				t.Fatalf("trial %d: a competitor: disqualified %v, handoff %v, stage %s", trial, r.Disqualified, r.Handoff, r.Stage)
			}
			for _, tr := range r.Transitions {
				if tr.To == leadscore.StageConvert || tr.Kind == leadscore.TransitionHandoff {
					t.Fatalf("trial %d: transition %+v", trial, tr)
				}
			}
		}
		r, err := s.Advance(lead, &st, st.Clock().Add(24*time.Hour))
		if err != nil || r.Handoff || r.Stage == leadscore.StageConvert {
			t.Fatalf("trial %d: after Advance: %v handoff %v stage %s", trial, err, r.Handoff, r.Stage)
		}
	}
}

// crResultKey is what Merge must agree on: scores (to 1e-9), tier, signals, stage.
func crSameResult(a, b leadscore.Result) bool {
	if !crNear(a.Total, b.Total) || !crNear(a.Fit, b.Fit) || !crNear(a.Engagement, b.Engagement) || !crNear(a.Relationship, b.Relationship) ||
		a.Tier != b.Tier || a.Stage != b.Stage || len(a.Signals) != len(b.Signals) || len(a.Contributions) != len(b.Contributions) {
		return false
	}
	for i := range a.Signals {
		if a.Signals[i].Kind != b.Signals[i].Kind {
			return false
		}
	}
	for i := range a.Contributions {
		if a.Contributions[i].RuleID != b.Contributions[i].RuleID || !crNear(a.Contributions[i].Points, b.Contributions[i].Points) {
			return false
		}
	}
	return true
}

// Merge is commutative, associative and idempotent — State.Merge within one rule set, and
// Scorer.Merge for parts written under different rule sets — keeps redeliveries recognised,
// and stays bounded and decodable however often it is applied.
func TestContractMergeAlgebraAcrossRuleSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(125, 126))
	lead := crB2BLead()
	for trial := range 30 {
		cfgs := []leadscore.Config{crEventRuleConfig(rng), crEventRuleConfig(rng), crEventRuleConfig(rng)}
		for i := range cfgs { // share some IDs with different half-lives
			cfgs[i].Events[0].ID = "shared"
		}
		scorers := []crScorer{crCompile(t, cfgs[0]), crCompile(t, cfgs[1]), crCompile(t, cfgs[2])}
		s := scorers[0]
		parts := make([]*leadscore.State, 3)
		for i := range parts {
			parts[i] = &leadscore.State{}
			evs := crEvents(rng, 1+rng.IntN(15), 20*24*time.Hour, true)
			for j := range evs {
				evs[j].ID = fmt.Sprintf("p%d-%s", i, evs[j].ID)
			}
			crObserve(t, scorers[i], lead, parts[i], evs...)
		}
		merge := func(xs ...*leadscore.State) *leadscore.State {
			out := &leadscore.State{}
			for _, x := range xs {
				if err := s.Merge(out, x); err != nil {
					t.Fatal(err)
				}
			}
			return out
		}
		pair := func(x, y *leadscore.State) *leadscore.State {
			out := x.Clone()
			if err := s.Merge(out, y); err != nil {
				t.Fatal(err)
			}
			return out
		}
		now := crT0.Add(40 * 24 * time.Hour)
		score := func(x *leadscore.State) leadscore.Result { return crScore(t, s, lead, x, now) }
		a, b, c := parts[0], parts[1], parts[2]
		ab, ba := pair(a, b), pair(b, a)
		if !crSameResult(score(ab), score(ba)) {
			t.Fatalf("trial %d: Scorer.Merge is not commutative:\n%s\n%s", trial, score(ab).Explain(), score(ba).Explain())
		}
		left, right := pair(pair(a, b), c), pair(a, pair(b, c))
		if !crSameResult(score(left), score(right)) || !crSameResult(score(left), score(merge(c, b, a))) {
			t.Fatalf("trial %d: Scorer.Merge is not associative:\n%s\n%s", trial, score(left).Explain(), score(right).Explain())
		}
		// Idempotent: merging a State laid out by s with itself changes nothing.
		own := merge(a, b)
		before := crBytes(t, own)
		if err := own.Merge(own.Clone()); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, crBytes(t, own)) {
			t.Fatalf("trial %d: a.Merge(a) changed the State", trial)
		}
		if err := s.Merge(own, own.Clone()); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, crBytes(t, own)) {
			t.Fatalf("trial %d: Scorer.Merge(a, a) changed the State", trial)
		}
		// Redeliveries of any part's events are recognised after the merge.
		r, err := s.Observe(lead, own, leadscore.Event{ID: "p1-e0", Type: "call", Time: now})
		if err != nil || !r.Duplicate {
			t.Fatalf("trial %d: a redelivery after a merge: duplicate %v, %v", trial, r.Duplicate, err)
		}
	}
	// Bounded: a State merged with many distinct parts stays within MaxStateBytes and decodes.
	s := crCompile(t, leadscore.DefaultB2B())
	acc := &leadscore.State{}
	for i := range 200 {
		part := &leadscore.State{}
		evs := crEvents(rng, 3, 400*24*time.Hour, true)
		for j := range evs {
			evs[j].ID = fmt.Sprintf("m%d-%d", i, j)
			evs[j].Campaign = strings.Repeat("c", 200)
		}
		crObserve(t, s, lead, part, evs...)
		if err := s.Merge(acc, part); err != nil {
			t.Fatal(err)
		}
	}
	b := crBytes(t, acc)
	if len(b) > s.MaxStateBytes() {
		t.Errorf("a State merged 200 times encodes to %d bytes, more than MaxStateBytes %d", len(b), s.MaxStateBytes())
	}
	var back leadscore.State
	if err := back.UnmarshalBinary(b); err != nil {
		t.Errorf("a State merged 200 times does not decode: %v", err)
	}
}

// Invariants of every Result over random histories under both presets: no NaN or ±Inf,
// strengths in [0, 1], signals dated no later than the evaluation, lists never nil, a hand-off
// never disqualified, a grade A–D, a known stage, every transition dated at the call's
// evaluation time and never before an earlier one, and Explain the same byte for byte for the
// same inputs.
func TestContractResultInvariants(t *testing.T) {
	stages := []leadscore.Stage{leadscore.StageAttract, leadscore.StageCapture, leadscore.StageNurture, leadscore.StageConvert, leadscore.StageExpand}
	rng := rand.New(rand.NewPCG(127, 128))
	for _, cfg := range []leadscore.Config{leadscore.DefaultB2B(), leadscore.DefaultB2C()} {
		s := crCompile(t, cfg)
		for trial := range 25 {
			lead := crB2BLead()
			if rng.IntN(2) == 0 {
				lead = leadscore.Lead{Email: "kid@gmail.com", Age: 15 + rng.IntN(50), Income: float64(rng.IntN(200000)), Title: "Student"}
			}
			var st leadscore.State
			var lastTr time.Time
			check := func(what string, r leadscore.Result) {
				t.Helper()
				if msg := crNonFinite(r); msg != "" {
					t.Fatalf("trial %d %s: %s", trial, what, msg)
				}
				if r.Signals == nil || r.Contributions == nil || r.Transitions == nil {
					t.Fatalf("trial %d %s: a nil list", trial, what)
				}
				if r.Handoff && r.Disqualified {
					t.Fatalf("trial %d %s: a disqualified hand-off", trial, what)
				}
				if r.Grade != "" && !slices.Contains([]string{"A", "B", "C", "D"}, r.Grade) {
					t.Fatalf("trial %d %s: grade %q", trial, what, r.Grade)
				}
				if !slices.Contains(stages, r.Stage) {
					t.Fatalf("trial %d %s: stage %q", trial, what, r.Stage)
				}
				for _, sg := range r.Signals {
					if sg.At.After(r.At) || sg.At.IsZero() || sg.Reason == "" {
						t.Fatalf("trial %d %s: signal %+v at %s", trial, what, sg, r.At)
					}
				}
				for _, tr := range r.Transitions {
					if !tr.At.Equal(r.At) || tr.At.Before(lastTr) || tr.Reason == "" {
						t.Fatalf("trial %d %s: transition %+v (result at %s, last transition %s)", trial, what, tr, r.At, lastTr)
					}
					lastTr = tr.At
				}
			}
			evs := crEvents(rng, 1+rng.IntN(40), 30*24*time.Hour, rng.IntN(2) == 0)
			for i, ev := range evs {
				r := crObserve(t, s, lead, &st, ev)
				check(fmt.Sprintf("observe %d", i), r)
				if rng.IntN(5) == 0 {
					r, err := s.Advance(lead, &st, st.Clock().Add(time.Duration(rng.IntN(200))*time.Hour))
					if err != nil {
						t.Fatal(err)
					}
					check(fmt.Sprintf("advance %d", i), r)
				}
			}
			now := st.Clock().Add(time.Duration(rng.IntN(1000)) * time.Hour)
			a, b := crScore(t, s, lead, &st, now), crScore(t, s, lead, st.Clone(), now)
			check("score", a)
			if a.Explain() != b.Explain() {
				t.Fatalf("trial %d: Explain differs for the same inputs:\n%s\n%s", trial, a.Explain(), b.Explain())
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if !bytes.Equal(ja, jb) {
				t.Fatalf("trial %d: JSON differs for the same inputs", trial)
			}
		}
	}
}

// crMutateEvents returns a next version of an event-rule rule set: rules renamed (with or
// without renamed_from), half-lives, points, once and on changed, rules added and removed.
func crMutateEvents(rng *rand.Rand, old []leadscore.EventRule) []leadscore.EventRule {
	var out []leadscore.EventRule
	for _, r := range old {
		n := r
		n.RenamedFrom = nil
		switch rng.IntN(8) {
		case 0:
			continue // removed
		case 1:
			n.ID = r.ID + "-v2"
			n.RenamedFrom = []string{r.ID}
		case 2:
			n.ID = r.ID + "-new" // renamed without renamed_from: reset
		case 3:
			n.HalfLife = leadscore.Duration(time.Duration(rng.IntN(20*24)) * time.Hour)
		case 4:
			n.Points = float64(1 + rng.IntN(30))
		case 5:
			n.Once = !n.Once
		case 6:
			n.On = []string{crTypes[rng.IntN(len(crTypes))]}
		}
		out = append(out, n)
	}
	if rng.IntN(2) == 0 {
		out = append(out, leadscore.EventRule{ID: "added", On: []string{"call"}, Points: 5, HalfLife: leadscore.Duration(48 * time.Hour)})
	}
	return out
}

// Rule-set evolution: what PlanMigration lists holds for every stored State. A step marked
// exact gives the rule the contribution the new rule set builds from the same events; "kept",
// "renamed" and "converted" histories are carried over (non-zero when the rule had events);
// "new" and "reset" rules start empty; and the migrated State round-trips.
func TestContractPlanMigrationHoldsForStates(t *testing.T) {
	rng := rand.New(rand.NewPCG(129, 130))
	lead := crB2BLead()
	for trial := range 60 {
		oldCfg := crEventRuleConfig(rng)
		newCfg := oldCfg
		newCfg.Events = crMutateEvents(rng, oldCfg.Events)
		from, to := crCompile(t, oldCfg), crCompile(t, newCfg)
		plan, err := leadscore.PlanMigration[leadscore.Lead](oldCfg, newCfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := to.MigrationFrom(from); fmt.Sprint(got) != fmt.Sprint(plan) {
			t.Fatalf("trial %d: MigrationFrom and PlanMigration differ:\n%s\n%s", trial, got, plan)
		}
		evs := crEvents(rng, 1+rng.IntN(20), 20*24*time.Hour, false)
		var stored, fresh leadscore.State
		crObserve(t, from, lead, &stored, evs...)
		crObserve(t, to, lead, &fresh, evs...)
		var loaded leadscore.State
		if err := loaded.UnmarshalBinary(crBytes(t, &stored)); err != nil {
			t.Fatal(err)
		}
		now := crT0.Add(30 * 24 * time.Hour)
		migrated := crScore(t, to, lead, &loaded, now)
		want := crScore(t, to, lead, &fresh, now)
		byID := map[string]leadscore.EventRule{}
		for _, r := range newCfg.Events {
			byID[r.ID] = r
		}
		for _, step := range plan.Steps {
			if step.Kind != leadscore.MigrationEventRule {
				continue
			}
			r, current := byID[step.ID]
			if !current {
				continue
			}
			got, _ := crContribution(migrated, step.ID)
			exp, _ := crContribution(want, step.ID)
			switch {
			case step.Exact && !crNear(got.Points, exp.Points):
				t.Fatalf("trial %d: step %s is exact, but the migrated State gives %v and the new rule set %v\n%s", trial, step, got.Points, exp.Points, plan)
			case step.Action == leadscore.MigrationNew || step.Action == leadscore.MigrationReset:
				if got.Points != 0 {
					t.Fatalf("trial %d: step %s: a new or reset rule has %v", trial, step, got.Points)
				}
			case step.Action == leadscore.MigrationKept && r.HalfLife == 0 && !crNear(got.Points, exp.Points) && slices.Equal(r.On, crOldRuleOn(oldCfg, r.ID)):
				t.Fatalf("trial %d: step %s: kept rule gives %v, want %v", trial, step, got.Points, exp.Points)
			}
		}
		var again leadscore.State
		adv := loaded.Clone()
		if _, err := to.Advance(lead, adv, now); err != nil {
			t.Fatal(err)
		}
		if err := again.UnmarshalBinary(crBytes(t, adv)); err != nil {
			t.Fatalf("trial %d: a migrated State does not round-trip: %v", trial, err)
		}
		if r := crScore(t, to, lead, &again, now); !crSameResult(r, crScore(t, to, lead, adv, now)) {
			t.Fatalf("trial %d: a migrated State scores differently after a round trip", trial)
		}
	}
}

func crOldRuleOn(cfg leadscore.Config, id string) []string {
	for _, r := range cfg.Events {
		if r.ID == id {
			return r.On
		}
	}
	return nil
}

// Bad input never panics and changes nothing: nil States, events without a type or with a
// non-finite value, in every call that takes them; decoding replaces a State entirely; a zero
// State round-trips.
func TestContractBadInputNeverPanics(t *testing.T) {
	s := crCompile(t, leadscore.DefaultB2B())
	lead := crB2BLead()
	ok := leadscore.Event{ID: "1", Type: "call", Time: crT0}
	call := func(what string, f func() error, want error) {
		t.Helper()
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s panicked: %v", what, p)
				}
			}()
			err = f()
		}()
		if err == nil || (want != nil && !errors.Is(err, want)) {
			t.Errorf("%s: err %v, want %v", what, err, want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "leadscore:") {
			t.Errorf("%s: message %q", what, err)
		}
	}
	var res leadscore.Result
	call("Observe nil", func() error { _, err := s.Observe(lead, nil, ok); return err }, leadscore.ErrNilState)
	call("ObserveInto nil", func() error { return s.ObserveInto(&res, lead, nil, ok) }, leadscore.ErrNilState)
	call("Accumulate nil", func() error { _, err := s.Accumulate(lead, nil, ok); return err }, leadscore.ErrNilState)
	call("Score nil", func() error { _, err := s.Score(lead, nil, crT0); return err }, leadscore.ErrNilState)
	call("ScoreInto nil", func() error { return s.ScoreInto(&res, lead, nil, crT0) }, leadscore.ErrNilState)
	call("Advance nil", func() error { _, err := s.Advance(lead, nil, crT0); return err }, leadscore.ErrNilState)
	call("Merge nil", func() error { var st leadscore.State; return st.Merge(nil) }, nil)
	call("Scorer.Merge nil", func() error { var st leadscore.State; return s.Merge(&st, nil) }, nil)
	call("Scorer.Merge into nil", func() error { var st leadscore.State; return s.Merge(nil, &st) }, nil)
	if _, ok := s.NextWakeup(nil); ok {
		t.Error("NextWakeup(nil) ok")
	}

	base := crRichState(t, s, 21)
	keep := crBytes(t, base)
	for name, ev := range map[string]leadscore.Event{
		"no type":   {Time: crT0},
		"NaN value": {Type: "purchase", Time: crT0, Value: math.NaN()},
		"+Inf":      {Type: "purchase", Time: crT0, Value: math.Inf(1)},
		"-Inf":      {Type: "cart_add", Time: crT0, Value: math.Inf(-1)},
	} {
		st := base.Clone()
		call("Observe "+name, func() error { _, err := s.Observe(lead, st, ev); return err }, nil)
		call("Accumulate "+name, func() error { _, err := s.Accumulate(lead, st, ev); return err }, nil)
		call("CheckEvent "+name, func() error { return s.CheckEvent(ev) }, nil)
		if !bytes.Equal(crBytes(t, st), keep) {
			t.Errorf("%s: a refused event changed the State", name)
		}
	}

	// UnmarshalBinary replaces what the receiver held: decoding into a busy State is decoding
	// into a new one.
	other := crBytes(t, crRichState(t, s, 23))
	busy := base.Clone()
	if err := busy.UnmarshalBinary(other); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(crBytes(t, busy), other) {
		t.Error("UnmarshalBinary into a State with history kept some of it")
	}
	var zero, back leadscore.State
	if err := back.UnmarshalBinary(crBytes(t, &zero)); err != nil {
		t.Fatalf("a zero State does not round-trip: %v", err)
	}
	if back.Stage() != leadscore.StageAttract || back.Events() != 0 {
		t.Errorf("a decoded zero State: stage %s, %d events", back.Stage(), back.Events())
	}
	if w, ok := s.NextWakeup(&back); ok {
		t.Errorf("a new lead wakes at %s", w)
	}
	// A Clone is independent of its original.
	c := base.Clone()
	crObserve(t, s, lead, c, leadscore.Event{ID: "clone-only", Type: "demo_request", Time: crT0.Add(90 * 24 * time.Hour)})
	if !bytes.Equal(crBytes(t, base), keep) {
		t.Error("observing into a Clone changed the original")
	}
}

// Rule-set evolution for signals: a custom signal renamed with renamed_from keeps its active
// flag, so the first Advance under the new rule set raises nothing anew (exactly once); an
// unchanged rule set loaded from bytes reports nothing either.
func TestContractRenamedSignalRaisesNothingAnew(t *testing.T) {
	oldCfg := crParse(t, `{"events": [{"id": "calls", "on": ["call"], "points": 10}],
		"signals": [{"kind": "vip", "when": "engagement >= 10", "reason": "called"}],
		"tiers": [{"name": "hot", "min": 10, "handoff": true}, {"name": "cold"}]}`)
	newCfg := crParse(t, `{"events": [{"id": "calls", "on": ["call"], "points": 10}],
		"signals": [{"kind": "influencer", "when": "engagement >= 10", "reason": "called", "renamed_from": ["vip"]}],
		"tiers": [{"name": "hot", "min": 10, "handoff": true}, {"name": "cold"}]}`)
	from, to := crCompile(t, oldCfg), crCompile(t, newCfg)
	var st leadscore.State
	r := crObserve(t, from, leadscore.Lead{}, &st, leadscore.Event{ID: "c", Type: "call", Time: crT0})
	raised := false
	for _, tr := range r.Transitions {
		raised = raised || (tr.Kind == leadscore.TransitionSignal && tr.Signal == "vip" && tr.Raised)
	}
	if !raised {
		t.Fatalf("setup: vip not raised: %v", r.Transitions)
	}
	for _, sc := range []crScorer{from, to} {
		var loaded leadscore.State
		if err := loaded.UnmarshalBinary(crBytes(t, &st)); err != nil {
			t.Fatal(err)
		}
		res, err := sc.Advance(leadscore.Lead{}, &loaded, crT0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Transitions) != 0 {
			t.Errorf("the first Advance after loading reports %v", res.Transitions)
		}
		if !slices.ContainsFunc(res.Signals, func(sg leadscore.Signal) bool { return sg.Kind == "vip" || sg.Kind == "influencer" }) {
			t.Errorf("the custom signal is gone: %v", res.Signals)
		}
		// And an Observe of an event that matters reports no signal edge either.
		res = crObserve(t, sc, leadscore.Lead{}, &loaded, leadscore.Event{ID: "d", Type: "call", Time: crT0.Add(2 * time.Hour)})
		for _, tr := range res.Transitions {
			if tr.Kind == leadscore.TransitionSignal {
				t.Errorf("a signal edge after the rename: %+v", tr)
			}
		}
	}
}

// Observe evaluates at the later of the event's time and the clock, and Result.At says so; the
// clock is the latest event time or Advance now, never moved back.
func TestContractObserveEvaluatesAtClock(t *testing.T) {
	s := crCompile(t, leadscore.DefaultB2B())
	rng := rand.New(rand.NewPCG(131, 132))
	for trial := range 30 {
		var st leadscore.State
		clock := time.Time{}
		for _, ev := range crEvents(rng, 1+rng.IntN(20), 30*24*time.Hour, false) {
			if rng.IntN(4) == 0 {
				now := crT0.Add(time.Duration(rng.IntN(40*24)) * time.Hour)
				r, err := s.Advance(crB2BLead(), &st, now)
				if err != nil {
					t.Fatal(err)
				}
				if now.After(clock) {
					clock = now
				}
				if !r.At.Equal(clock) || !st.Clock().Equal(clock) {
					t.Fatalf("trial %d: Advance(%s): At %s, clock %s, want %s", trial, now, r.At, st.Clock(), clock)
				}
			}
			r := crObserve(t, s, crB2BLead(), &st, ev)
			if ev.Time.After(clock) {
				clock = ev.Time
			}
			if !r.At.Equal(clock) || !st.Clock().Equal(clock) {
				t.Fatalf("trial %d: Observe at %s: At %s, clock %s, want %s", trial, ev.Time, r.At, st.Clock(), clock)
			}
		}
	}
}

// Accounts: the same members in any order give the same AccountResult (and AccountState), and
// a now out of the time range is ErrEventTime with nothing applied.
func TestContractAccountOrderFree(t *testing.T) {
	s := crCompile(t, leadscore.DefaultB2B())
	rng := rand.New(rand.NewPCG(133, 134))
	titles := []string{"CFO", "VP Engineering", "IT Manager", "Intern", "Director of Operations", "Procurement Lead", ""}
	type member struct {
		lead leadscore.Lead
		st   *leadscore.State
	}
	for trial := range 30 {
		var ms []member
		for i := range 1 + rng.IntN(6) {
			lead := crB2BLead()
			lead.Email = fmt.Sprintf("p%d@globex.example", i)
			lead.Title = titles[rng.IntN(len(titles))]
			st := &leadscore.State{}
			if rng.IntN(4) != 0 {
				crObserve(t, s, lead, st, crEvents(rng, rng.IntN(10), 20*24*time.Hour, false)...)
			} else if rng.IntN(2) == 0 {
				st = nil
			}
			ms = append(ms, member{lead, st})
		}
		seq := func(order []int) func(yield func(leadscore.Lead, *leadscore.State) bool) {
			return func(yield func(leadscore.Lead, *leadscore.State) bool) {
				for _, i := range order {
					if !yield(ms[i].lead, ms[i].st) {
						return
					}
				}
			}
		}
		now := crT0.Add(time.Duration(20*24+rng.IntN(200)) * time.Hour)
		var first []byte
		var firstState []byte
		for range 4 {
			var acct leadscore.AccountState
			r, err := s.ScoreAccount(seq(rng.Perm(len(ms))), &acct, now)
			if err != nil {
				t.Fatal(err)
			}
			if msg := crNonFinite(leadscore.Result{Fit: r.Fit, Engagement: r.Engagement, Total: r.Total}); msg != "" {
				t.Fatalf("trial %d: %s", trial, msg)
			}
			j, _ := json.Marshal(r)
			ab, err := acct.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first, firstState = j, ab
				continue
			}
			if !bytes.Equal(j, first) || !bytes.Equal(ab, firstState) {
				t.Fatalf("trial %d: member order changed the account:\n%s\n%s", trial, first, j)
			}
		}
		var acct leadscore.AccountState
		for _, bad := range []time.Time{{}, leadscore.MaxTime, leadscore.MinTime.Add(-1)} {
			if _, err := s.ScoreAccount(seq(rng.Perm(len(ms))), &acct, bad); !errors.Is(err, leadscore.ErrEventTime) {
				t.Fatalf("ScoreAccount at %s: %v", bad, err)
			}
			if !acct.Clock().IsZero() || acct.Tier() != "" {
				t.Fatalf("a refused ScoreAccount changed the AccountState")
			}
		}
	}
}

// The dedup window: whatever order events arrive in and however the parts were merged, a
// State recognises the redelivery of each of its n most recent events by event time.
func TestContractDedupWindowKeepsMostRecent(t *testing.T) {
	rng := rand.New(rand.NewPCG(135, 136))
	for _, n := range []int{1, 5, leadscore.DefaultDedupWindow} {
		opts := []leadscore.Option{}
		if n != leadscore.DefaultDedupWindow {
			opts = append(opts, leadscore.WithDedupWindow(n))
		}
		s := crCompile(t, leadscore.Config{Events: []leadscore.EventRule{{ID: "any", Points: 1}}}, opts...)
		for trial := range 20 {
			total := n + rng.IntN(3*n+10)
			evs := make([]leadscore.Event, total)
			perm := rng.Perm(total)
			for i := range evs {
				evs[i] = leadscore.Event{ID: fmt.Sprintf("id%d", i), Type: "email_open", Time: crT0.Add(time.Duration(perm[i]) * time.Minute)}
			}
			var whole leadscore.State
			parts := []*leadscore.State{{}, {}, {}}
			for _, i := range rng.Perm(total) {
				crObserve(t, s, leadscore.Lead{}, &whole, evs[i])
				crObserve(t, s, leadscore.Lead{}, parts[rng.IntN(3)], evs[i])
			}
			merged := &leadscore.State{}
			for _, p := range parts {
				if err := merged.Merge(p); err != nil {
					t.Fatal(err)
				}
			}
			byTime := slices.Clone(evs)
			slices.SortFunc(byTime, func(a, b leadscore.Event) int { return b.Time.Compare(a.Time) })
			for name, st := range map[string]*leadscore.State{"whole": &whole, "merged": merged} {
				for _, ev := range byTime[:n] {
					r, err := s.Observe(leadscore.Lead{}, st.Clone(), ev)
					if err != nil {
						t.Fatal(err)
					}
					if !r.Duplicate {
						t.Fatalf("window %d trial %d %s: %s (one of the %d most recent) not recognised", n, trial, name, ev.ID, n)
					}
				}
				if got := st.Events(); got != uint64(total) {
					t.Fatalf("window %d trial %d %s: Events %d, want %d", n, trial, name, got, total)
				}
			}
			a := crScore(t, s, leadscore.Lead{}, &whole, crT0.Add(time.Duration(total)*time.Minute))
			b := crScore(t, s, leadscore.Lead{}, merged, crT0.Add(time.Duration(total)*time.Minute))
			if !crSameResult(a, b) {
				t.Fatalf("window %d trial %d: merged parts score %v, the whole %v", n, trial, b.Total, a.Total)
			}
		}
	}
}

// Accumulate takes an event as Observe does, without evaluating: a stream taken partly through
// Accumulate scores as the stream observed; when Accumulate declines (false) or fails, the
// State is untouched.
func TestContractAccumulateAgreesWithObserve(t *testing.T) {
	rng := rand.New(rand.NewPCG(137, 138))
	for _, cfg := range []leadscore.Config{leadscore.DefaultB2B(), leadscore.DefaultB2C()} {
		s := crCompile(t, cfg)
		lead := crB2BLead()
		for trial := range 25 {
			var observed, mixed leadscore.State
			evs := crEvents(rng, 1+rng.IntN(40), 20*24*time.Hour, rng.IntN(2) == 0)
			for _, ev := range evs {
				crObserve(t, s, lead, &observed, ev)
				before := crBytes(t, &mixed)
				ok, err := s.Accumulate(lead, &mixed, ev)
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					if !bytes.Equal(before, crBytes(t, &mixed)) {
						t.Fatalf("trial %d: Accumulate declined %s but changed the State", trial, ev.Type)
					}
					crObserve(t, s, lead, &mixed, ev)
				}
			}
			now := crT0.Add(25 * 24 * time.Hour)
			a := crScore(t, s, lead, &observed, now)
			b := crScore(t, s, lead, &mixed, now)
			if !crNear(a.Total, b.Total) || !crNear(a.Engagement, b.Engagement) || fmt.Sprint(a.Contributions) != fmt.Sprint(b.Contributions) {
				t.Fatalf("trial %d: accumulated %v, observed %v\n%s\n%s", trial, b.Total, a.Total, b.Explain(), a.Explain())
			}
			if observed.Events() != mixed.Events() || !observed.Clock().Equal(mixed.Clock()) {
				t.Fatalf("trial %d: events %d/%d clock %s/%s", trial, observed.Events(), mixed.Events(), observed.Clock(), mixed.Clock())
			}
		}
	}
}

// Config carries json and yaml tags, the same name in both, on every field of every type it
// holds, so that any YAML library decodes into it with the JSON keys.
func TestContractConfigTagsJSONAndYAML(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map || typ.Kind() == reflect.Array {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ.PkgPath() != reflect.TypeFor[leadscore.Config]().PkgPath() {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			j, y := f.Tag.Get("json"), f.Tag.Get("yaml")
			jn, _, _ := strings.Cut(j, ",")
			yn, _, _ := strings.Cut(y, ",")
			if j == "" || y == "" || jn != yn || !crSnake.MatchString(jn) {
				t.Errorf("%s.%s: json %q, yaml %q", path, f.Name, j, y)
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeFor[leadscore.Config](), "Config")
	if len(seen) < 10 {
		t.Errorf("only %d types walked", len(seen))
	}
}

// Merge of any split of a stream — once rules, limits, negative points and decay included —
// scores as one State that took the whole stream ("as if one State had seen all the events").
func TestContractMergeOfSplitsEqualsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(139, 140))
	for trial := range 60 {
		cfg := crEventRuleConfig(rng)
		cfg.Rules = []leadscore.Rule{{ID: "clicks", Dimension: leadscore.Fit, Value: "count('email_click', '7d') * 2"}}
		s := crCompile(t, cfg)
		evs := crEvents(rng, 1+rng.IntN(40), 20*24*time.Hour, true)
		var whole leadscore.State
		crObserve(t, s, leadscore.Lead{}, &whole, evs...)
		parts := make([]*leadscore.State, 1+rng.IntN(4))
		for i := range parts {
			parts[i] = &leadscore.State{}
		}
		for _, ev := range evs {
			crObserve(t, s, leadscore.Lead{}, parts[rng.IntN(len(parts))], ev)
		}
		merged := &leadscore.State{}
		for _, i := range rng.Perm(len(parts)) {
			if err := merged.Merge(parts[i]); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range []time.Duration{0, 3 * 24 * time.Hour, 60 * 24 * time.Hour} {
			now := crT0.Add(20*24*time.Hour + d)
			a, b := crScore(t, s, leadscore.Lead{}, &whole, now), crScore(t, s, leadscore.Lead{}, merged, now)
			// Stage and tier are bookkeeping the next Observe or Advance settles (State.Merge):
			// the scores and what they are made of must agree.
			a.Stage, b.Stage, a.Tier, b.Tier = "", "", "", ""
			if !crSameResult(a, b) {
				t.Fatalf("trial %d: merged parts differ from the whole at %s:\n%s\n%s\nrules %+v", trial, now, b.Explain(), a.Explain(), cfg.Events)
			}
		}
		if whole.Events() != merged.Events() || !whole.Clock().Equal(merged.Clock()) || !whole.Latest().Equal(merged.Latest()) {
			t.Fatalf("trial %d: events %d/%d, clock %s/%s", trial, whole.Events(), merged.Events(), whole.Clock(), merged.Clock())
		}
	}
}

// count compared with a constant is exact beyond the default number of event times a State
// keeps for a count read as a number (64): the State keeps as many as the comparison needs.
func TestContractCountComparedWithConstantIsExact(t *testing.T) {
	for _, when := range []string{
		"count('page_view', '30d') >= 100",
		"100 <= count('page_view', '30d')",
		"count('page_view', '30d') == 150",
		"count('page_view', '30d') > 149",
	} {
		s := crCompile(t, leadscore.Config{Rules: []leadscore.Rule{{ID: "heavy", Dimension: leadscore.Engagement, When: when, Points: 5}}})
		var st leadscore.State
		for i := range 150 {
			crObserve(t, s, leadscore.Lead{}, &st, leadscore.Event{Type: "page_view", Path: "/x", Time: crT0.Add(time.Duration(i) * time.Minute)})
		}
		if r := crScore(t, s, leadscore.Lead{}, &st, crT0.Add(200*time.Minute)); r.Engagement != 5 {
			t.Errorf("%s with 150 page views in the window: engagement %v, want 5", when, r.Engagement)
		}
		// One view leaves the window: 149 in it.
		r := crScore(t, s, leadscore.Lead{}, &st, crT0.Add(30*24*time.Hour+time.Nanosecond))
		if want := map[bool]float64{true: 5, false: 0}[strings.Contains(when, "100")]; r.Engagement != want {
			t.Errorf("%s with 149 page views in the window: engagement %v, want %v", when, r.Engagement, want)
		}
	}
}

// Lifecycle only reads the State, takes a now out of range to its nearest end, and agrees
// with Score on the stage.
func TestContractLifecycleOnlyReads(t *testing.T) {
	s := crCompile(t, leadscore.DefaultB2B())
	st := crRichState(t, s, 31)
	keep := crBytes(t, st)
	for _, now := range []time.Time{{}, leadscore.MinTime.Add(-time.Hour), crT0, leadscore.MaxTime, leadscore.MaxTime.Add(time.Hour)} {
		lc := s.Lifecycle(st, now)
		if lc.Stage != crScore(t, s, crB2BLead(), st, st.Clock()).Stage {
			t.Errorf("Lifecycle at %s: stage %s", now, lc.Stage)
		}
	}
	if !bytes.Equal(crBytes(t, st), keep) {
		t.Error("Lifecycle changed the State")
	}
}
