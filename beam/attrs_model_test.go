package leadbeam

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// countingSink records what a leadRun counts and fails; it drops Updates and Changes.
type countingSink struct {
	counts   map[string]int
	failures []Failure
}

func (c *countingSink) update(Update)     {}
func (c *countingSink) change(Change)     {}
func (c *countingSink) failure(f Failure) { c.failures = append(c.failures, f) }
func (c *countingSink) count(what string) { c.counts[what]++ }
func newCountingSink() *countingSink      { return &countingSink{counts: map[string]int{}} }
func titled(title string) []byte          { return []byte(fmt.Sprintf(`{"title": %q}`, title)) }
func leadRecord(at int64, title string) record {
	return record{Kind: kindLead, At: at, Body: titled(title)}
}

// TestLeadAttributesModel holds the lead's attributes, over random arrival orders, to the
// model the package documents: the attributes in force are those of the lead record with the
// latest timestamp (of equal ones, the last to arrive), and every record older than them is
// counted as superseded, never applied. Between records the lead goes through its
// bookkeeping cell (saveAttrs, encode, decodeMeta, loadAttrs), as each element and timer of
// the streaming DoFn does; some runs start from a cell of the first layout, which keeps no
// time, where the first record replaces whatever it holds.
func TestLeadAttributesModel(t *testing.T) {
	s, err := spec{RuleSet: ruleSet(t, false)}.scorer()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 8))
	for run := range 500 {
		var m meta
		model, modelAt, known := "", int64(0), false
		if run%5 == 0 { // a cell written before the attributes' time was kept
			old, err := decodeMeta(oldMeta(meta{Attrs: titled("stored")}))
			if err != nil {
				t.Fatal(err)
			}
			m, model = old, "stored"
		}
		out := newCountingSink()
		superseded := 0
		for i := range 1 + rng.IntN(12) {
			at := rng.Int64N(6) - 3 // few distinct times: ties and reorderings are common
			if rng.IntN(8) == 0 {
				at = []int64{-1 << 63, 1<<63 - 1}[rng.IntN(2)]
			}
			title := fmt.Sprintf("r%d.%d", run, i)
			r := &leadRun{s: s, key: "x", out: out}
			r.loadAttrs(m)
			r.apply(leadRecord(at, title))
			r.saveAttrs(&m)
			if m, err = decodeMeta(m.encode()); err != nil {
				t.Fatalf("run %d: %v", run, err)
			}

			if known && at < modelAt {
				superseded++
			} else {
				model, modelAt, known = title, at, true
			}
			r = &leadRun{s: s, key: "x", out: out}
			r.loadAttrs(m)
			if r.lead.Title != model || r.leadAtSet != known || (known && r.leadAt != modelAt) {
				t.Fatalf("run %d, record %d (at %d): attributes %q at %d (set %v), want %q at %d",
					run, i, at, r.lead.Title, r.leadAt, r.leadAtSet, model, modelAt)
			}
		}
		if out.counts["leads_superseded"] != superseded || len(out.failures) != 0 {
			t.Fatalf("run %d: %d superseded, %d failures; want %d and none", run, out.counts["leads_superseded"], len(out.failures), superseded)
		}
	}
}

// A lead record that is not Lead JSON is a failure whatever its time, and changes nothing.
func TestLeadAttributesBadRecordChangesNothing(t *testing.T) {
	s, err := spec{RuleSet: ruleSet(t, false)}.scorer()
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []int64{-5, 0, 5} {
		out := newCountingSink()
		r := &leadRun{s: s, key: "x", out: out}
		r.apply(leadRecord(0, "kept"))
		r.apply(record{Kind: kindLead, At: at, Body: []byte(`{"title": 5}`)})
		var m meta
		r.saveAttrs(&m)
		if r.lead.Title != "kept" || m.AttrsAt != 0 || !m.AttrsAtSet || len(out.failures) != 1 || out.counts["leads_superseded"] != 0 {
			t.Errorf("bad record at %d: attributes %q at %d, %d failures, %d superseded; want kept at 0, 1, 0",
				at, r.lead.Title, m.AttrsAt, len(out.failures), out.counts["leads_superseded"])
		}
	}
}
