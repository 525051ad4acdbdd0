package server

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// The load test measures; it asserts nothing about time. Run it with
//
//	go test ./server -run TestLoad -load -v
//
// (LEADSCORE_TEST_POSTGRES set for the PostgreSQL half).
var (
	loadFlag    = flag.Bool("load", false, "run the load test (TestLoad)")
	loadFor     = flag.Duration("load.duration", 3*time.Second, "how long each load run posts")
	loadClients = flag.Int("load.clients", 8, "concurrent clients")
	loadLeads   = flag.Int("load.leads", 500, "leads the events are spread over")
)

func TestLoad(t *testing.T) {
	if !*loadFlag {
		t.Skip("a measurement: run with -load")
	}
	forEachBackend(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn, Options{Logger: quietLogger(t)})
		for _, batch := range []int{1, 20} {
			r := loadRun(t, h, batch)
			t.Logf("%s, %d clients, batches of %d over %d leads: %d events in %s = %.0f events/s; POST /events p50 %s p99 %s (%d requests, %d conflicts retried)",
				t.Name(), *loadClients, batch, *loadLeads, r.events, r.elapsed.Round(time.Millisecond), float64(r.events)/r.elapsed.Seconds(),
				r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), r.requests, r.conflicts)
		}
	})
}

type loadResult struct {
	events, requests, conflicts int64
	elapsed, p50, p99           time.Duration
}

// loadRun posts for loadFor from loadClients clients, each batch's events for random leads,
// and measures each request from the client's side.
func loadRun(t *testing.T, h *harness, batch int) loadResult {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *loadClients}}
	base := time.Now().UTC().Add(-24 * time.Hour)
	conflicts0 := h.srv.metrics.conflicts.Load()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		events    int64
		wg        sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(*loadFor)
	for c := range *loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), uint64(batch)))
			types := []string{leadscore.EventPageView, leadscore.EventEmailClick, leadscore.EventFormSubmit, leadscore.EventWebinarAttended}
			var mine []time.Duration
			n := 0
			for i := 0; time.Now().Before(deadline); i++ {
				evs := make([]ev, batch)
				for j := range evs {
					evs[j] = ev{LeadID: fmt.Sprintf("load-%d", rng.IntN(*loadLeads)), Event: leadscore.Event{
						ID: fmt.Sprintf("b%d-c%d-%d-%d", batch, c, i, j), Type: types[rng.IntN(len(types))], Path: "/pricing",
						Time: base.Add(time.Duration(rng.IntN(86400)) * time.Second)}}
				}
				body, _ := json.Marshal(evs)
				t0 := time.Now()
				resp, err := client.Post(h.http.URL+"/events", "application/json", bytes.NewReader(body))
				if err != nil {
					t.Errorf("POST /events: %v", err)
					return
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				if resp.StatusCode != http.StatusAccepted {
					t.Errorf("POST /events: %d %s", resp.StatusCode, out)
					return
				}
				n += batch
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			events += int64(n)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]
	}
	return loadResult{events: events, requests: int64(len(latencies)), conflicts: h.srv.metrics.conflicts.Load() - conflicts0,
		elapsed: elapsed, p50: pct(0.50), p99: pct(0.99)}
}
