package leadscore

import (
	"testing"
)

// Promise (doc.go, "in tiers, personas, signals and journey guards also fit, engagement,
// relationship, total, disqualified and has_signal(kind)"; fast path and VM give the same
// Results). evaluate (evaluate.go) sets env.Disqualified after the detectors have run but
// does not mark the boxed environment stale (sc.boxedOK = false) as it does after every
// other write: when a custom signal ran on expr's VM first (it boxed the environment with
// disqualified still false), a tier guard that runs on the VM reads the stale box and sees
// a disqualified lead as not disqualified. The same guard compiled to the fast path reads
// the environment in place and sees true: the two paths place the lead in different tiers.
func TestTierGuardOnVMSeesDisqualified(t *testing.T) {
	cfg := diffConfig()
	cfg.Rules = []Rule{{ID: "competitor", Dimension: Fit, When: "lead.B", Disqualify: true}}
	// A custom signal on the VM (a predicate over a slice has no fast path): it boxes the
	// environment for the VM before evaluate writes disqualified.
	cfg.Signals = append(cfg.Signals, SignalConfig{Kind: "tagged", When: `any(lead.Tags, # == "a")`})
	cfg.Tiers = []Tier{
		// On the VM (any), and reading disqualified: the tier disqualified leads go to.
		{Name: "blocked", Min: Float(-1e9), When: `disqualified || any(lead.Tags, # == "never")`},
		{Name: "open"},
	}
	s, err := Compile[diffLead](cfg)
	if err != nil {
		t.Fatal(err)
	}
	lead := diffLead{B: true, Tags: []string{"b"}}
	res, err := s.Score(lead, &State{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Disqualified {
		t.Fatalf("the lead should be disqualified: %+v", res)
	}
	if res.Tier != "blocked" {
		t.Errorf("a disqualified lead: tier %q, want %q (the tier guard read disqualified as false)", res.Tier, "blocked")
	}
	// The same guard on the fast path sees it.
	cfg.Tiers[0].When = `disqualified`
	fast := MustCompile[diffLead](cfg)
	if r, _ := fast.Score(lead, &State{}, t0); r.Tier != "blocked" {
		t.Errorf("fast path: tier %q", r.Tier)
	}
}

// Promise (doc.go: signals may read disqualified, as tiers, personas and journey guards do).
// evaluate (evaluate.go) writes env.Disqualified only after detect and detectCustom have
// run, and fillEnv reset it to false: a custom signal whose when reads disqualified never
// holds, even for a lead a rule disqualified — on the fast path and the VM alike, so the
// agreement tests cannot see it.
func TestCustomSignalSeesDisqualified(t *testing.T) {
	cfg := diffConfig()
	cfg.Rules = []Rule{{ID: "competitor", Dimension: Fit, When: "lead.B", Disqualify: true}}
	cfg.Signals = append(cfg.Signals, SignalConfig{Kind: "blocked", When: "disqualified"})
	s := MustCompile[diffLead](cfg)
	res, err := s.Score(diffLead{B: true}, &State{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Disqualified {
		t.Fatalf("the lead should be disqualified")
	}
	for _, sig := range res.Signals {
		if sig.Kind == "blocked" {
			return
		}
	}
	t.Errorf("a disqualified lead: the signal with when \"disqualified\" did not fire (signals %v)", res.Signals)
}
