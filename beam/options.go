package leadbeam

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/leadscore/leadscore"
)

// Options configure Score and Backfill. They travel to the workers inside the DoFns (Beam
// serialises a DoFn's exported fields), so they are plain data: the rule set as its JSON
// bytes, times as Unix nanoseconds.
type Options struct {
	// RuleSet is the rule set's JSON (leadscore.ParseConfig); it is compiled once per worker
	// process and shared by every DoFn instance there, a Scorer being immutable.
	RuleSet []byte
	// Horizon, when set, is the last instant timers are set for: wakeups after it are not
	// armed. A bounded run (a test, a backfill) needs one when the rule set reads the clock
	// (DefaultB2B does: "now" and years_since), since NextWakeup then never runs out and the
	// watermark of a finished bounded input fires every timer up to the year 2200. A
	// streaming job leaves it zero: its watermark never runs ahead of the data. A Horizon
	// outside the library's range [leadscore.MinTime, leadscore.MaxTime] is refused when the
	// pipeline is built.
	Horizon time.Time
	// DedupWindow is leadscore.WithDedupWindow: how many recent event IDs a State
	// remembers (0: the library's default, 64).
	DedupWindow int
}

// Spec is Options in the form DoFns carry.
type spec struct {
	RuleSet     []byte
	Horizon     int64 // Unix nanoseconds; 0: none
	DedupWindow int
}

func (o Options) spec() (spec, error) {
	sp := spec{RuleSet: o.RuleSet, DedupWindow: o.DedupWindow}
	if !o.Horizon.IsZero() {
		// Checked before UnixNano, whose result is undefined outside 1678-2262: a Horizon in
		// the year 2300 became one in 1715, before every event (no wakeup armed, a Backfill
		// that applies nothing).
		if o.Horizon.Before(leadscore.MinTime) || o.Horizon.After(leadscore.MaxTime) {
			return spec{}, fmt.Errorf("leadbeam: Options.Horizon %s is outside [%s, %s]",
				o.Horizon.Format(time.RFC3339), leadscore.MinTime.Format(time.RFC3339), leadscore.MaxTime.Format(time.RFC3339))
		}
		sp.Horizon = o.Horizon.UnixNano()
	}
	// Compile at construction too, so a bad rule set fails the pipeline's construction with
	// the library's error, not a worker's bundle.
	if _, err := sp.scorer(); err != nil {
		return spec{}, err
	}
	return sp, nil
}

// scorers caches compiled rule sets by the hash of what they were compiled from: every
// DoFn instance of a worker process shares one Scorer.
var scorers sync.Map // [32]byte → *leadscore.Scorer[leadscore.Lead]

func (sp spec) scorer() (*leadscore.Scorer[leadscore.Lead], error) {
	if len(sp.RuleSet) == 0 {
		return nil, errors.New("leadbeam: Options.RuleSet is empty (use json.Marshal(leadscore.DefaultB2B()) for the preset)")
	}
	key := sha256.Sum256(fmt.Appendf(append([]byte(nil), sp.RuleSet...), "\x00%d", sp.DedupWindow))
	if s, ok := scorers.Load(key); ok {
		return s.(*leadscore.Scorer[leadscore.Lead]), nil
	}
	cfg, err := leadscore.ParseConfig(sp.RuleSet)
	if err != nil {
		return nil, err
	}
	var opts []leadscore.Option
	if sp.DedupWindow != 0 {
		opts = append(opts, leadscore.WithDedupWindow(sp.DedupWindow))
	}
	s, err := leadscore.Compile[leadscore.Lead](cfg, opts...)
	if err != nil {
		return nil, err
	}
	actual, _ := scorers.LoadOrStore(key, s)
	return actual.(*leadscore.Scorer[leadscore.Lead]), nil
}

// horizon returns the spec's horizon, or the end of time a State can hold.
func (sp spec) horizon() int64 {
	if sp.Horizon == 0 {
		return leadscore.MaxTime.UnixNano()
	}
	return sp.Horizon
}
