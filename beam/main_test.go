package leadbeam

import (
	"encoding/json"
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/leadscore/leadscore"

	"github.com/leadscore/leadscore/beam/internal/gen"
)

// The pipeline tests run on prism, Beam's local runner, inside go test.
func TestMain(m *testing.M) {
	ptest.MainWithDefault(m, "prism")
}

// The size of the generated streams of the equivalence tests. The default keeps go test on
// prism to about two minutes on two cores, for CI; the full size the pipeline was held to,
// -leadbeam.events=100000 -leadbeam.leads=10000, takes about five (see README.md).
var (
	flagEvents = flag.Int("leadbeam.events", 20_000, "events in the generated stream of the equivalence tests")
	flagLeads  = flag.Int("leadbeam.leads", 2_000, "leads in the generated stream of the equivalence tests")
)

// ruleSet is DefaultB2B as JSON, with clock false: without the two rules that read the clock
// (company age, customer tenure). With them NextWakeup also fires once a day per lead
// (WithWakeupInterval), which multiplies the timers of a bounded test by the days it spans;
// without them every wakeup is an exact crossing NextWakeup solved for.
func ruleSet(t testing.TB, clock bool) []byte {
	t.Helper()
	cfg := leadscore.DefaultB2B()
	if !clock {
		cfg.Rules = slices.DeleteFunc(cfg.Rules, func(r leadscore.Rule) bool {
			return r.ID == "company-established" || r.ID == "customer-tenure"
		})
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// keyedLine and splitLine carry (lead, JSON) pairs through beam.CreateList as strings.
func keyedLines(ks []gen.Keyed) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Lead + "\t" + string(k.JSON)
	}
	return out
}

func splitLine(line string) (string, []byte) {
	lead, body, _ := strings.Cut(line, "\t")
	return lead, []byte(body)
}

func createKeyed(s beam.Scope, ks []gen.Keyed) beam.PCollection {
	return beam.ParDo(s, splitLine, beam.CreateList(s, keyedLines(ks)))
}

var testStart = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

func init() {
	beam.RegisterFunction(splitLine)
}
