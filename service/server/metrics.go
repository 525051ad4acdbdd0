package server

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leadscore/leadscore/store"
)

// metrics are the service's counters, written at GET /metrics in the Prometheus text
// exposition format (version 0.0.4) by hand: a handful of counters and one histogram do not
// warrant a client library and its dependencies.
type metrics struct {
	eventsAccepted  atomic.Int64
	eventsDuplicate atomic.Int64
	eventsRejected  atomic.Int64
	ruleErrors      atomic.Int64
	conflicts       atomic.Int64
	outboxWritten   atomic.Int64
	wakeups         atomic.Int64

	transitions labeled // by transition kind
	delivered   labeled // outbox messages delivered to the webhook, by message kind
	failed      labeled // failed webhook deliveries, by message kind
	loopErrors  labeled // by loop: "wakeup", "relay"
	requests    labeled // HTTP answers by route and status code

	eventsLatency histogram // POST /events, whole request
}

func newMetrics() *metrics {
	return &metrics{eventsLatency: newHistogram([]float64{
		0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
	})}
}

// applied counts what one Processor.Apply did (also when it failed part-way: its conflicts).
func (m *metrics) applied(a store.Applied) {
	m.eventsAccepted.Add(int64(a.Accepted))
	m.eventsDuplicate.Add(int64(a.Duplicates))
	m.conflicts.Add(int64(a.Conflicts))
	m.outboxWritten.Add(int64(a.Messages))
	m.ruleErrors.Add(int64(len(a.Result.Errors)))
	for _, t := range a.Transitions {
		m.transitions.add(1, string(t.Kind))
	}
}

// count wraps h to count its answers by route and status code.
func (m *metrics) count(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(rec, r)
		m.requests.add(1, route, strconv.Itoa(rec.code))
	})
}

// statusRecorder remembers the status code a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (MaxBytesReader closes it after
// an oversized body).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// serve writes every metric: GET /metrics.
func (m *metrics) serve(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	b := bufio.NewWriter(w)
	counter := func(name, help string, v int64) {
		header(b, name, "counter", help)
		fmt.Fprintf(b, "%s %d\n", name, v)
	}
	counter("leadscore_events_accepted_total", "Events observed: scored once, recorded as processed.", m.eventsAccepted.Load())
	counter("leadscore_events_duplicate_total", "Events skipped as already processed (a redelivery) or repeated within a request.", m.eventsDuplicate.Load())
	counter("leadscore_events_rejected_total", "Events of refused requests (400, 413): every event read of a refused batch; nothing of it was applied.", m.eventsRejected.Load())
	counter("leadscore_rule_errors_total", "Rules that failed at run time in the Result after a lead's events (each contributed nothing).", m.ruleErrors.Load())
	counter("leadscore_store_conflicts_total", "Concurrent updates of a lead that made the Processor load and retry (compare-and-swap conflicts).", m.conflicts.Load())
	counter("leadscore_outbox_written_total", "Outbox messages written (transitions, hand-offs among them).", m.outboxWritten.Load())
	counter("leadscore_wakeups_total", "Leads advanced by the wake-up loop (time alone changed them).", m.wakeups.Load())
	m.transitions.write(b, "leadscore_transitions_total", "Transitions reported by observed events, by kind (stage, tier, signal, sla).", "kind")
	m.delivered.write(b, "leadscore_handoffs_delivered_total", "Outbox messages delivered to the webhook (2xx), by kind: handoff, and the other transitions (tier, stage, signal, sla).", "kind")
	m.failed.write(b, "leadscore_handoffs_failed_total", "Failed webhook deliveries (retried with backoff), by kind.", "kind")
	m.loopErrors.write(b, "leadscore_loop_errors_total", "Failed runs of the background loops, by loop (wakeup, relay).", "loop")
	m.requests.write(b, "leadscore_http_requests_total", "HTTP answers by route and status code.", "route", "code")
	m.eventsLatency.write(b, "leadscore_events_request_duration_seconds", "Time to answer POST /events, in seconds.")
	b.Flush()
}

func header(b *bufio.Writer, name, typ, help string) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// labeled is a counter family: one count per combination of label values.
type labeled struct {
	mu     sync.Mutex
	counts map[string]int64 // key: label values joined by \x00
}

func (l *labeled) add(n int64, values ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts == nil {
		l.counts = make(map[string]int64)
	}
	l.counts[strings.Join(values, "\x00")] += n
}

// get returns the count for the label values (tests).
func (l *labeled) get(values ...string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.counts[strings.Join(values, "\x00")]
}

// write writes the family, its series sorted so the text is stable. A family with no series
// yet still writes HELP and TYPE, so a scraper sees it exists.
func (l *labeled) write(b *bufio.Writer, name, help string, labels ...string) {
	header(b, name, "counter", help)
	l.mu.Lock()
	keys := make([]string, 0, len(l.counts))
	for k := range l.counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		values := strings.Split(k, "\x00")
		pairs := make([]string, len(labels))
		for i, label := range labels {
			pairs[i] = label + `="` + escapeLabel(values[i]) + `"`
		}
		fmt.Fprintf(b, "%s{%s} %d\n", name, strings.Join(pairs, ","), l.counts[k])
	}
	l.mu.Unlock()
}

// escapeLabel escapes a label value as the text format requires: backslash, quote, newline.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// histogram is a latency histogram with fixed upper bounds, in seconds.
type histogram struct {
	bounds []float64
	counts []atomic.Int64 // per bucket (not cumulative); the last is +Inf
	sum    atomic.Int64   // nanoseconds
}

func newHistogram(bounds []float64) histogram {
	return histogram{bounds: bounds, counts: make([]atomic.Int64, len(bounds)+1)}
}

func (h *histogram) observe(d time.Duration) {
	i, _ := slices.BinarySearch(h.bounds, d.Seconds()) // the first bound ≥ d: le is inclusive
	h.counts[i].Add(1)
	h.sum.Add(int64(d))
}

func (h *histogram) write(b *bufio.Writer, name, help string) {
	header(b, name, "histogram", help)
	var cum int64
	for i := range h.counts {
		cum += h.counts[i].Load()
		le := "+Inf"
		if i < len(h.bounds) {
			le = strconv.FormatFloat(h.bounds[i], 'g', -1, 64)
		}
		fmt.Fprintf(b, "%s_bucket{le=\"%s\"} %d\n", name, le, cum)
	}
	fmt.Fprintf(b, "%s_sum %s\n", name, strconv.FormatFloat(float64(h.sum.Load())/float64(time.Second), 'g', -1, 64))
	fmt.Fprintf(b, "%s_count %d\n", name, cum)
}
