package leadscore

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// The NextWakeup oracle (wakeup_oracle_test.go) over the SLA both sides keep: journeys whose
// stages have SLAs and recycle SLAs, met by sales_touch, sales_accepted, sales_rejected or a
// marketing event, and leads that sales accepts and rejects (with reasons) and that are
// recycled back and forth.
func TestWakeupOracleSLA(t *testing.T) {
	if testing.Short() {
		t.Skip("brute force")
	}
	g := oracleGridFor(*wakeupOracleLong)
	n := 150
	if raceEnabled {
		n = 20
	}
	t.Run("default-journey", func(t *testing.T) {
		runOracleFamily(t, n, g, func(seed uint64) oracleCase { return slaOracleCase(t.Name(), seed, true) })
	})
	t.Run("random-journey", func(t *testing.T) {
		runOracleFamily(t, n, g, func(seed uint64) oracleCase { return slaOracleCase(t.Name(), seed, false) })
	})
	t.Run("merge", func(t *testing.T) {
		runOracleFamily(t, n/3, g, func(seed uint64) oracleCase { return withShards(slaOracleCase(t.Name(), seed, seed%2 == 0)) })
	})
}

var slaOracleTypes = []string{EventSalesTouch, EventSalesAccepted, EventSalesRejected, EventEmailSent,
	EventDemoRequest, EventCall, EventFormSubmit, EventNoDecision, EventPageView, EventEmailClick}

func slaOracleCase(family string, seed uint64, defaultJourney bool) oracleCase {
	rng := rand.New(rand.NewPCG(seed, 0x5eed0005))
	pickD := func() Duration {
		d, _ := ParseDuration([]string{"0", "12h", "1d", "2d", "3d", "5d"}[rng.IntN(6)])
		return d
	}
	cfg, _ := withoutClockRules(DefaultB2B())
	var j Journey
	if defaultJourney {
		j = DefaultJourney()
	} else {
		n := 2 + rng.IntN(3)
		for i := range n {
			j.Stages = append(j.Stages, StageConfig{Name: Stage(fmt.Sprintf("s%d", i)),
				Owner: []Owner{OwnerMarketing, OwnerSales, OwnerService}[rng.IntN(3)]})
		}
		for i := range n - 1 {
			j.Transitions = append(j.Transitions, TransitionConfig{From: j.Stages[i].Name, To: j.Stages[i+1].Name,
				On: []string{slaOracleTypes[rng.IntN(len(slaOracleTypes))]}})
		}
		for range 1 + rng.IntN(4) {
			from, to := rng.IntN(n), rng.IntN(n)
			if from == to {
				continue
			}
			j.Transitions = append(j.Transitions, TransitionConfig{From: j.Stages[from].Name, To: j.Stages[to].Name,
				On: []string{slaOracleTypes[rng.IntN(len(slaOracleTypes))]}})
		}
	}
	for i := range j.Stages {
		sc := &j.Stages[i]
		sc.SLA = pickD()
		if rng.IntN(2) == 0 {
			sc.RecycleSLA = pickD()
		}
		if sc.Owner != OwnerSales && rng.IntN(2) == 0 {
			sc.SLAMetBy = []string{EventEmailSent}
		}
	}
	cfg.Journey = j
	c := oracleCase{family: family, seed: seed, about: fmt.Sprintf("DefaultB2B, SLA journey %+v", j.Stages), cfg: cfg, lead: randomOracleLead(rng)}
	start := t0
	for range 1 + rng.IntN(3) {
		batch := randomOracleEvents(rng, slaOracleTypes, b2bOraclePaths, start, 1+rng.IntN(12), false)
		for i := range batch {
			if batch[i].Type == EventSalesRejected && rng.IntN(3) > 0 {
				batch[i].Properties = map[string]any{"reason": []string{"no budget", "wrong person", " ", "timing"}[rng.IntN(4)]}
			}
		}
		c.batches = append(c.batches, batch)
		start = start.Add(time.Duration(3+rng.IntN(10)) * Day)
	}
	return c
}
