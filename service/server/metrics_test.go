package server

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A line of the text exposition format: a comment (HELP, TYPE) or a sample.
var (
	sampleLine  = regexp.MustCompile(`^(leadscore_[a-z_]+)(\{[a-z_]+="(?:[^"\\]|\\.)*"(?:,[a-z_]+="(?:[^"\\]|\\.)*")*\})? (\S+)$`)
	commentLine = regexp.MustCompile(`^# (HELP|TYPE) (leadscore_[a-z_]+) (.+)$`)
)

// scrape reads GET /metrics, failing on any line the format does not allow, and returns the
// samples by name and labels as written ("name{k=\"v\"}").
func scrape(t *testing.T, h *harness) map[string]float64 {
	t.Helper()
	code, body := h.do("GET", "/metrics", nil)
	if code != 200 {
		t.Fatalf("GET /metrics: %d %s", code, body)
	}
	samples := map[string]float64{}
	typed := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if m := commentLine.FindStringSubmatch(line); m != nil {
			if m[1] == "TYPE" {
				typed[m[2]] = m[3]
			}
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("metrics line %q is neither a sample nor HELP/TYPE", line)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("metrics line %q: value: %v", line, err)
		}
		family := m[1]
		if typ := typed[strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(family, "_bucket"), "_sum"), "_count")]; typ == "" {
			t.Fatalf("metrics line %q: no TYPE line before it", line)
		}
		samples[m[1]+m[2]] = v
	}
	return samples
}

// The counters move with what the service does, and the text parses.
func TestMetrics(t *testing.T) {
	h := newHarness(t, backends[0].dsn(t), Options{})
	before := scrape(t, h)
	for _, name := range []string{"leadscore_events_accepted_total", "leadscore_events_duplicate_total", "leadscore_events_rejected_total",
		"leadscore_store_conflicts_total", "leadscore_wakeups_total", `leadscore_events_request_duration_seconds_bucket{le="+Inf"}`} {
		if _, ok := before[name]; !ok {
			t.Errorf("metric %s missing", name)
		}
	}

	events := journey("gus", t0, 8)
	h.must(200, "PUT", "/leads/gus", hotLead("gus"), nil)
	tiers := countKind(t, h, events, "tier") + countKind(t, h, events, "handoff")
	if tiers == 0 {
		t.Fatal("the journey changes no tier: the transition counter is not tested")
	}
	h.must(202, "POST", "/events", events, nil)
	h.must(202, "POST", "/events", events[:3], nil)                       // 3 duplicates
	h.do("POST", "/events", batchWith(t, events, 1, `{"lead_id":"gus"}`)) // 9 rejected
	h.must(200, "GET", "/leads/gus", nil, nil)

	after := scrape(t, h)
	for name, want := range map[string]float64{
		"leadscore_events_accepted_total":                                   8,
		"leadscore_events_duplicate_total":                                  3,
		"leadscore_events_rejected_total":                                   9,
		"leadscore_events_request_duration_seconds_count":                   3,
		`leadscore_transitions_total{kind="tier"}`:                          tiers,
		`leadscore_http_requests_total{route="POST /events",code="202"}`:    2,
		`leadscore_http_requests_total{route="POST /events",code="400"}`:    1,
		`leadscore_http_requests_total{route="GET /leads/{id}",code="200"}`: 1,
		`leadscore_handoffs_delivered_total{kind="handoff"}`:                0, // no webhook: it stays in the outbox
	} {
		if got := after[name] - before[name]; got != want {
			t.Errorf("%s moved by %v, want %v", name, got, want)
		}
	}
	if after["leadscore_outbox_written_total"] != float64(len(pending(t, h.store))) {
		t.Errorf("outbox_written %v, outbox holds %d", after["leadscore_outbox_written_total"], len(pending(t, h.store)))
	}
	if after["leadscore_events_request_duration_seconds_sum"] <= 0 {
		t.Error("latency sum did not move")
	}
}

// countKind is how many outbox messages of kind the replay of events gives.
func countKind(t *testing.T, h *harness, events []ev, kind string) float64 {
	_, _, keys := replay(t, h.srv.Scorer(), hotLead(events[0].LeadID), events)
	n := 0.0
	for _, k := range keys {
		if k == kind {
			n++
		}
	}
	return n
}
