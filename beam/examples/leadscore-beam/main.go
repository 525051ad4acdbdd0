// Command leadscore-beam scores leads on Apache Beam: continuously (-mode=score) or as a
// backfill of a whole history (-mode=backfill). It runs on prism, in process, unless Beam's
// -runner flag says otherwise; see README.md for Flink and Dataflow.
//
// Inputs are text files of "lead-id<TAB>JSON" lines (events: leadscore.Event; leads:
// leadscore.Lead), or a generated population (-gen_events). Outputs are text files of the
// same form: <output>-updates, -handoffs, -failures and, for a backfill, -states (the States
// base64-encoded).
//
//	go run ./examples/leadscore-beam -gen_events=100000 -gen_leads=10000 -output=/tmp/ls/out
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/leadscore/leadscore"

	leadbeam "github.com/leadscore/leadscore/beam"
	"github.com/leadscore/leadscore/beam/internal/gen"
)

var (
	mode      = flag.String("mode", "score", `"score" (streaming: Results and hand-offs as events come) or "backfill" (final States)`)
	events    = flag.String("events", "", "events: a file (or glob, gs://…) of lead-id<TAB>event JSON lines")
	leads     = flag.String("leads", "", "lead attributes: a file of lead-id<TAB>lead JSON lines (optional)")
	rules     = flag.String("rules", "", "the rule set's JSON file (default: leadscore.DefaultB2B())")
	output    = flag.String("output", "", "output prefix: <output>-updates, -handoffs, -failures, -states")
	horizon   = flag.String("horizon", "", "RFC 3339: timers after it are not set; required for a backfill (default with -gen_events: 3 days after the last event)")
	dedupeTTL = flag.Duration("dedupe_ttl", 0, "if set, drop repeated event IDs within this much event time before scoring (DedupeEvents)")
	genEvents = flag.Int("gen_events", 0, "instead of -events: generate this many events (deterministic)")
	genLeads  = flag.Int("gen_leads", 1000, "with -gen_events: over this many leads")
	genSeed   = flag.Uint64("gen_seed", 1, "with -gen_events: the seed")
)

func main() {
	flag.Parse()
	beam.Init()
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	if *output == "" {
		return fmt.Errorf("-output is required")
	}
	ruleSet, err := ruleSetJSON()
	if err != nil {
		return err
	}
	opts := leadbeam.Options{RuleSet: ruleSet}
	if *horizon != "" {
		if opts.Horizon, err = time.Parse(time.RFC3339Nano, *horizon); err != nil {
			return fmt.Errorf("-horizon: %w", err)
		}
	}

	p, s := beam.NewPipelineWithRoot()
	var in leadbeam.Inputs
	switch {
	case *genEvents > 0:
		st := gen.Generate(gen.Spec{Seed: *genSeed, Leads: *genLeads, Events: *genEvents,
			Start: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Span: 30 * 24 * time.Hour})
		in.Events = beam.ParDo(s, splitLine, beam.CreateList(s, lines(st.Events)))
		in.Leads = beam.ParDo(s, splitLine, beam.CreateList(s, lines(st.Leads)))
		if opts.Horizon.IsZero() {
			opts.Horizon = st.End.Add(3 * 24 * time.Hour)
		}
	case *events != "":
		in.Events = beam.ParDo(s, splitLine, textio.Read(s, *events))
		if *leads != "" {
			in.Leads = beam.ParDo(s, splitLine, textio.Read(s, *leads))
		}
	default:
		return fmt.Errorf("give -events or -gen_events")
	}
	if *dedupeTTL > 0 {
		in.Events = leadbeam.DedupeEvents(s, in.Events, *dedupeTTL)
	}

	var out leadbeam.Outputs
	switch *mode {
	case "score":
		out = leadbeam.Score(s, opts, in)
	case "backfill":
		if opts.Horizon.IsZero() {
			return fmt.Errorf("-mode=backfill needs -horizon")
		}
		out = leadbeam.Backfill(s, opts, in)
		textio.Write(s, *output+"-states", beam.ParDo(s, stateLine, out.States))
	default:
		return fmt.Errorf("-mode: %q is neither score nor backfill", *mode)
	}
	textio.Write(s, *output+"-updates", beam.ParDo(s, joinLine, out.Updates))
	textio.Write(s, *output+"-handoffs", beam.ParDo(s, joinLine, out.Handoffs))
	textio.Write(s, *output+"-failures", beam.ParDo(s, joinLine, out.Failures))

	start := time.Now()
	res, err := beamx.RunWithMetrics(context.Background(), p)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if res != nil {
		for _, c := range res.Metrics().AllMetrics().Counters() {
			if c.Key.Namespace == "leadscore" {
				fmt.Fprintf(os.Stderr, "%-16s %d\n", c.Key.Name, c.Result())
			}
		}
	}
	fmt.Fprintf(os.Stderr, "pipeline ran in %v\n", elapsed.Round(time.Millisecond))
	return nil
}

func ruleSetJSON() ([]byte, error) {
	if *rules == "" {
		return json.Marshal(leadscore.DefaultB2B())
	}
	return os.ReadFile(*rules)
}

func lines(ks []gen.Keyed) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Lead + "\t" + string(k.JSON)
	}
	return out
}

// splitLine reads a "lead-id<TAB>JSON" line.
func splitLine(line string, emit func(string, []byte)) {
	lead, body, ok := strings.Cut(line, "\t")
	if ok && lead != "" {
		emit(lead, []byte(body))
	}
}

func joinLine(lead string, body []byte) string { return lead + "\t" + string(body) }

func stateLine(lead string, st []byte) string {
	return lead + "\t" + base64.StdEncoding.EncodeToString(st)
}

func init() {
	register.Function2x0(splitLine)
	register.Function2x1(joinLine)
	register.Function2x1(stateLine)
	register.Emitter2[string, []byte]()
}
