package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// Crash safety, end to end: the real binary takes a stream of events, is killed (SIGKILL)
// mid-stream, restarts on the same store, and the client sends everything again from the
// start, not knowing what was applied (at-least-once delivery). Afterwards every lead is what
// one in-process replay of its events gives, no event counted twice, and every transition —
// every hand-off among them — reached the webhook under its own key, the outbox empty.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	forEachBackend(t, func(t *testing.T, dsn string) {
		rcv := newReceiver(t)
		args := []string{"-store", dsn, "-webhook", rcv.srv.URL, "-relay-interval", "50ms",
			// No wake-ups during the test: the replay below is of events alone.
			"-wake-interval", "1h"}

		const senders, leadsPerSender, eventsPerLead, batchSize = 4, 3, 24, 4
		// Event times just behind the wall clock: what time alone changes is a day away.
		start := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
		type lane struct {
			leads   []string
			batches [][]ev // the lane's leads interleaved, each lead's events in order
		}
		lanes := make([]lane, senders)
		events := map[string][]ev{}
		for s := range lanes {
			var all [][]ev
			for l := range leadsPerSender {
				id := fmt.Sprintf("crash-%d-%d", s, l)
				lanes[s].leads = append(lanes[s].leads, id)
				events[id] = journey(id, start.Add(time.Duration(l)*time.Second), eventsPerLead)
				all = append(all, events[id])
			}
			var flat []ev
			for i := range eventsPerLead {
				for _, evs := range all {
					flat = append(flat, evs[i])
				}
			}
			for i := 0; i < len(flat); i += batchSize {
				lanes[s].batches = append(lanes[s].batches, flat[i:min(i+batchSize, len(flat))])
			}
		}
		totalBatches := senders * len(lanes[0].batches)

		client := &http.Client{Timeout: 15 * time.Second}
		post := func(base, method, path string, body any) (int, []byte, error) {
			b, _ := json.Marshal(body)
			req, err := http.NewRequest(method, "http://"+base+path, bytes.NewReader(b))
			if err != nil {
				return 0, nil, err
			}
			resp, err := client.Do(req)
			if err != nil {
				return 0, nil, err
			}
			defer resp.Body.Close()
			out, err := io.ReadAll(resp.Body)
			return resp.StatusCode, out, err
		}
		// stream sends every lane's batches in order, the lanes at once; after killAt batches
		// (0: never) it kills the child. It returns the events the 202s reported accepted.
		stream := func(c *child, killAt int64) (accepted, duplicates int64) {
			for _, ln := range lanes {
				for _, id := range ln.leads {
					if code, body, err := post(c.addr, "PUT", "/leads/"+id, hotLead(id)); err != nil || code != 200 {
						t.Fatalf("PUT /leads/%s: %d %s %v", id, code, body, err)
					}
				}
			}
			var mu sync.Mutex
			var sent atomic.Int64
			var killOnce sync.Once
			var wg sync.WaitGroup
			for _, ln := range lanes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for _, b := range ln.batches {
						if killAt > 0 && sent.Add(1) == killAt {
							go killOnce.Do(c.kill) // while the other lanes' requests are in flight
						}
						code, body, err := post(c.addr, "POST", "/events", b)
						if err != nil {
							if killAt > 0 {
								return // the crash: this lane's client gives up
							}
							t.Errorf("POST /events: %v", err)
							return
						}
						if code != http.StatusAccepted {
							t.Errorf("POST /events: %d %s", code, body)
							return
						}
						var a eventsAnswer
						if err := json.Unmarshal(body, &a); err != nil {
							t.Errorf("POST /events: %s: %v", body, err)
							return
						}
						mu.Lock()
						accepted, duplicates = accepted+int64(a.Accepted), duplicates+int64(a.Duplicates)
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if killAt > 0 {
				killOnce.Do(c.kill)
			}
			return accepted, duplicates
		}

		first := startChild(t, args...)
		acc1, _ := stream(first, int64(totalBatches/2))
		t.Logf("before the crash: %d events acknowledged of %d", acc1, senders*leadsPerSender*eventsPerLead)

		second := startChild(t, args...)
		acc2, dup2 := stream(second, 0)
		total := int64(senders * leadsPerSender * eventsPerLead)
		if acc2+dup2 != total {
			t.Errorf("the resend: %d accepted + %d duplicates, want %d events", acc2, dup2, total)
		}
		if dup2 < acc1 {
			t.Errorf("the resend found %d duplicates, but %d events were acknowledged before the crash", dup2, acc1)
		}
		t.Logf("after the restart: %d accepted, %d duplicates", acc2, dup2)

		// The store and the API agree with one replay per lead.
		st := openStore(t, dsn)
		scorer := leadscore.MustCompile[leadscore.Lead](leadscore.DefaultB2B())
		wantKeys := map[string]string{}
		handoffs := 0
		for id, evs := range events {
			lead := hotLead(id)
			rst, last, keys := replay(t, scorer, lead, evs)
			for k, v := range keys {
				wantKeys[k] = v
				if v == "handoff" {
					handoffs++
				}
			}
			dbSt, _ := loadState(t, st, id)
			if dbSt.Events() != uint64(len(evs)) {
				t.Errorf("lead %s: the stored State counts %d events, want %d", id, dbSt.Events(), len(evs))
			}
			got, err := scorer.Score(lead, dbSt, dbSt.Clock())
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != last.Total || got.Tier != last.Tier || got.Stage != last.Stage || !dbSt.Clock().Equal(rst.Clock()) {
				t.Errorf("lead %s as stored: total %v tier %s stage %s clock %s; replay: %v %s %s %s",
					id, got.Total, got.Tier, got.Stage, dbSt.Clock(), last.Total, last.Tier, last.Stage, rst.Clock())
			}
			code, body, err := post(second.addr, "GET", "/leads/"+id, nil)
			var ans leadAnswer
			if err != nil || code != 200 || json.Unmarshal(body, &ans) != nil {
				t.Fatalf("GET /leads/%s: %d %s %v", id, code, body, err)
			}
			want, err := scorer.Score(lead, rst, ans.At)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Total != want.Total || ans.Tier != want.Tier || ans.Stage != want.Stage {
				t.Errorf("GET /leads/%s: total %v tier %s stage %s; replay at %s: %v %s %s", id, ans.Total, ans.Tier, ans.Stage, ans.At, want.Total, want.Tier, want.Stage)
			}
		}
		if handoffs != len(events) {
			t.Errorf("%d hand-offs in the replay of %d leads: the journey should hand each off once", handoffs, len(events))
		}

		// The relay catches up: nothing undelivered, and the receiver's de-duplicated view is
		// exactly the transitions of the replay, each under its own key.
		eventually(t, 30*time.Second, "the outbox drains", func() bool { return len(pending(t, st)) == 0 })
		got := rcv.view()
		if fmt.Sprint(got) != fmt.Sprint(wantKeys) {
			t.Errorf("the receiver's view (%d keys) differs from the replay's transitions (%d)", len(got), len(wantKeys))
			for k, v := range wantKeys {
				if got[k] != v {
					t.Errorf("  missing %s %s", v, k)
				}
			}
			for k, v := range got {
				if _, ok := wantKeys[k]; !ok {
					t.Errorf("  unexpected %s %s", v, k)
				}
			}
		}
		posts, bad := rcv.stats()
		if len(bad) > 0 {
			t.Errorf("bad deliveries: %q", bad)
		}
		t.Logf("%d messages (%d hand-offs) delivered in %d posts", len(got), handoffs, posts)

		second.stop()
	})
}
