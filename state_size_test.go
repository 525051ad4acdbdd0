package leadscore

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// long returns prefix padded with two-byte runes to about n bytes.
func long(prefix string, n int) string { return prefix + strings.Repeat("é", max(n-len(prefix), 0)/2) }

// sizeConfig draws a rule set that makes States heavy: long rule IDs, tier and stage names,
// count() thresholds up to the ring's size, detectors with high minimums, a journey that
// moves back and forth to fill the history.
func sizeConfig(r *rand.Rand) Config {
	types := []string{"t0", "t1", "t2", EventCall, EventPurchase, EventPageView, EventEmailClick}
	pick := func(xs ...float64) float64 { return xs[r.IntN(len(xs))] }
	cfg := Config{EventTypes: types[:3], Pages: map[string][]string{"pricing": {"/pricing"}, "careers": {"/careers"}}}
	for i := range 1 + r.IntN(30) {
		id := fmt.Sprintf("e%d", i)
		if r.IntN(4) == 0 {
			id = long(id, 1000)
		}
		rule := EventRule{
			ID: id, Points: pick(1, -2.5, 1e300, math.SmallestNonzeroFloat64), Once: r.IntN(5) == 0,
			HalfLife: []Duration{0, 1, Duration(time.Hour), Duration(14 * Day), math.MaxInt64}[r.IntN(5)],
		}
		for _, typ := range types {
			if r.IntN(3) == 0 {
				rule.On = append(rule.On, typ)
			}
		}
		cfg.Events = append(cfg.Events, rule)
	}
	for i := range r.IntN(6) {
		typ := types[r.IntN(len(types))]
		win := []string{"1h", "7d", "106751d"}[r.IntN(3)]
		rule := Rule{ID: fmt.Sprintf("c%d", i), Dimension: Engagement, Points: 1,
			When: fmt.Sprintf(`count(%q, %q) > %d`, typ, win, []int{0, 3, 100, 1023, 5000}[r.IntN(5)])}
		switch r.IntN(3) {
		case 0:
			rule.When, rule.Points, rule.Value = "", 0, fmt.Sprintf(`count(%q, %q) * 1.0`, typ, win)
		case 1:
			rule.When = fmt.Sprintf(`days_since(%q) < 3`, typ)
		}
		cfg.Rules = append(cfg.Rules, rule)
	}
	cfg.Tiers = []Tier{{Name: long("hot", r.IntN(1024)), Min: Float(10), Handoff: true}, {Name: long("cold", r.IntN(1024))}}
	if r.IntN(2) == 0 {
		a, b := Stage(long("a", 1+r.IntN(1023))), Stage(long("b", 1+r.IntN(1023)))
		cfg.Journey = Journey{
			Stages: []StageConfig{{Name: a, SLA: Duration(time.Hour)}, {Name: b, Owner: OwnerSales}},
			Transitions: []TransitionConfig{
				{From: a, To: b, On: []string{EventCall}}, {From: b, To: a, On: []string{EventPurchase}},
			},
		}
	}
	if r.IntN(2) == 0 {
		cfg.Signals = []SignalConfig{{Kind: SignalFrequentEngagement, Min: []int{1, 50, 2000}[r.IntN(3)]}, {Kind: SignalVelocity, Min: 1}}
	}
	return cfg
}

// Property: MarshalBinary never writes more than MaxStateBytes, over random heavy rule sets and
// long random event streams with extreme times and values, many distinct IDs, Accumulate,
// Advance and Merge; and MaxStateBytes never exceeds the figure for the default limits.
func TestMaxStateBytesBoundsMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 34))
	types := []string{"t0", "t1", "t2", EventCall, EventPurchase, EventPageView, EventEmailClick, EventCartAdd, EventFormSubmit}
	times := func() time.Time {
		switch r.IntN(8) {
		case 0:
			return MinTime
		case 1:
			return MaxTime.Add(-1)
		case 2:
			return MinTime.Add(time.Duration(r.Int64N(int64(200 * 365 * Day))))
		}
		return t0.Add(time.Duration(r.Int64N(int64(400*Day))) - 200*Day)
	}
	event := func(i int) Event {
		ev := Event{
			Type: types[r.IntN(len(types))], Time: times(), Path: []string{"/pricing", "/careers/x", "/"}[r.IntN(3)],
			Value: []float64{0, 99.5, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64}[r.IntN(5)],
		}
		if r.IntN(5) > 0 {
			ev.ID = fmt.Sprintf("id-%d", i) // distinct: fills the dedup window
		}
		return ev
	}
	lead := Lead{Email: "dee@corp.example", Title: "VP Sales"}
	worst, largest := 0.0, 0
	trials := 40
	if testing.Short() || raceEnabled {
		trials = 10
	}
	for trial := range trials {
		cfg := sizeConfig(r)
		dedup := []int{0, 1, 64, 512}[r.IntN(4)]
		limits := DefaultLimits()
		s, err := Compile[Lead](cfg, WithDedupWindow(dedup))
		if errors.Is(err, ErrRuleSetTooLarge) { // window slots beyond the default: lift the limit
			limits.MaxWindowSlots = Unlimited
			s, err = Compile[Lead](cfg, WithDedupWindow(dedup), WithLimits(limits))
		}
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		bound := s.MaxStateBytes()
		if figure := maxStateBytesUnder(limits, widestDedup); bound > figure {
			t.Fatalf("trial %d: MaxStateBytes %d beyond the figure for the default limits, %d", trial, bound, figure)
		}
		check := func(st *State, step int) {
			b, err := st.MarshalBinary()
			if err != nil {
				t.Fatalf("trial %d step %d: %v", trial, step, err)
			}
			if len(b) > bound {
				t.Fatalf("trial %d step %d: %d bytes, MaxStateBytes %d", trial, step, len(b), bound)
			}
			worst, largest = max(worst, float64(len(b))/float64(bound)), max(largest, len(b))
		}
		var st State
		n := []int{10, 300, 3000}[r.IntN(3)]
		for i := range n {
			ev := event(trial*10_000 + i)
			switch op := r.IntN(10); {
			case op < 6:
				if _, err := s.Observe(lead, &st, ev); err != nil {
					t.Fatal(err)
				}
			case op < 8:
				if ok, _ := s.Accumulate(lead, &st, ev); !ok {
					_, _ = s.Observe(lead, &st, ev)
				}
			case op == 8:
				if _, err := s.Advance(lead, &st, ev.Time); err != nil {
					t.Fatal(err)
				}
			default:
				var part State
				for j := range 1 + r.IntN(20) {
					_, _ = s.Observe(lead, &part, event(trial*10_000+n+i*20+j))
				}
				if err := s.Merge(&st, &part); err != nil {
					t.Fatal(err)
				}
			}
			if i%97 == 0 || i == n-1 {
				check(&st, i)
			}
		}
	}
	t.Logf("largest State %d bytes; at most %.0f%% of its MaxStateBytes", largest, 100*worst)
}

// widestDedup is the widest dedup window the property test draws.
const widestDedup = 512

// The documented figures: the presets' MaxStateBytes, and the bound for every rule set under
// the default limits, which rule sets at those limits stay within.
func TestMaxStateBytesFigures(t *testing.T) {
	for name, want := range map[string]int{"DefaultB2B": 6746, "DefaultB2C": 6458} {
		cfg := map[string]Config{"DefaultB2B": DefaultB2B(), "DefaultB2C": DefaultB2C()}[name]
		if got := compileT(t, cfg).MaxStateBytes(); got != want {
			t.Errorf("%s: MaxStateBytes %d, documented %d", name, got, want)
		}
	}
	figure := maxStateBytesUnder(DefaultLimits(), DefaultDedupWindow)
	if figure != 4_613_941 {
		t.Errorf("the figure for the default limits is %d, documented 4,613,941", figure)
	}
	// Rule sets at the default limits: the most event rules with the longest IDs, the most
	// window slots, the longest tier and stage names.
	var rules, slots Config
	for i := range DefaultLimits().MaxRules - 1 { // and one tier: tiers count toward MaxRules
		rules.Events = append(rules.Events, EventRule{ID: long(fmt.Sprintf("r%d-", i), 1024), Points: 1})
	}
	rules.Tiers = []Tier{{Name: long("t", 1024)}}
	rules.Journey = Journey{Stages: []StageConfig{{Name: Stage(long("s", 1024))}}}
	for i := range 7 { // 7 × 1,024 and the detectors' 39: within 8,192
		typ := fmt.Sprintf("t%d", i)
		slots.EventTypes = append(slots.EventTypes, typ)
		slots.Rules = append(slots.Rules, Rule{ID: typ, Dimension: Fit, Points: 1, When: fmt.Sprintf(`count(%q, "1d") > 2000`, typ)})
	}
	for name, cfg := range map[string]Config{"rules": rules, "slots": slots} {
		if got := compileT(t, cfg).MaxStateBytes(); got > figure {
			t.Errorf("%s: MaxStateBytes %d beyond the figure %d", name, got, figure)
		} else {
			t.Logf("%s: MaxStateBytes %d", name, got)
		}
	}
}
