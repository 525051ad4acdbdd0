package leadscore

import (
	"iter"
	"math"
	"slices"
	"time"

	"github.com/leadscore/leadscore/internal/state"
)

// Funnel answers the questions DOMAIN.md's lifecycle table asks of a population: how many
// leads are in each stage and have ever been, how many move on, how long they stay, how many
// are stalled, how many became MQLs and SQLs, how many customers buy again and what existing
// customers bring.
type Funnel struct {
	Leads  int
	Stages []FunnelStage // in journey order
	// MQL counts leads that reached a hand-off tier; SQL those that entered convert (or a
	// stage sales owns).
	MQL, SQL int
	// Customers made at least one purchase, RepeatCustomers two or more.
	Customers, RepeatCustomers int
	Revenue                    float64 // the Value of all purchase events
	ExpansionRevenue           float64 // the part bought while in expand: revenue from existing customers
}

// FunnelStage is one stage's row of a Funnel.
type FunnelStage struct {
	Stage   Stage
	Owner   string
	Current int // leads in the stage now
	Entered int // leads that have ever been in it
	Stalled int // leads in it past its SLA at the report's time
	// ConversionToNext is the share of the leads that entered the stage that also entered the
	// next one in journey order (NaN for the last stage or when none entered).
	ConversionToNext float64
	// MedianDays is the median length of completed stays, in days (NaN: none completed).
	MedianDays float64
}

// Funnel reports on the States of a population at now. States last changed by another rule
// set are read as they are (their stage names are matched to this journey's).
func (s *Scorer[L]) Funnel(states iter.Seq[*State], now time.Time) Funnel {
	j := &s.journey
	f := Funnel{Stages: make([]FunnelStage, len(j.stages))}
	stays := make([][]float64, len(j.stages))
	entered := make([]uint32, 0, 64) // per lead: the stages it entered, for conversion
	at := clampTime(now)             // a report has no error to return: a time out of range is its nearest end
	for i, def := range j.stages {
		f.Stages[i] = FunnelStage{Stage: def.name, Owner: def.owner}
	}
	for st := range states {
		if st == nil || st.d.Events == 0 {
			continue
		}
		// A State last laid out by another rule set is read through this one's layout, so
		// its entered stages are matched by name, not by bit.
		d := s.view(&st.d)
		f.Leads++
		cur := j.stageIndex(Stage(d.Stage))
		row := &f.Stages[cur]
		row.Current++
		if def := j.stages[cur]; def.sla > 0 && !d.SLAMet && d.At(at) > state.Add(d.StageSince(), def.sla) {
			row.Stalled++
		}
		mask := d.Entered | 1 // every lead has been in the first stage
		mask |= 1 << cur
		for _, v := range d.History {
			if i, ok := j.index[Stage(v.Stage)]; ok {
				mask |= 1 << i
				stays[i] = append(stays[i], state.Span(v.To, v.From)/float64(Day))
			}
		}
		entered = append(entered, mask)
		for i := range j.stages {
			if mask&(1<<i) != 0 {
				f.Stages[i].Entered++
			}
		}
		if d.MQLAt != noTime {
			f.MQL++
		}
		for i, def := range j.stages {
			if mask&(1<<i) != 0 && (def.name == StageConvert || def.owner == OwnerSales) {
				f.SQL++
				break
			}
		}
		if d.Purchases > 0 {
			f.Customers++
		}
		if d.Purchases > 1 {
			f.RepeatCustomers++
		}
		f.Revenue += d.Revenue
		f.ExpansionRevenue += d.ExpansionRevenue
	}
	for i := range f.Stages {
		f.Stages[i].MedianDays = median(stays[i])
		f.Stages[i].ConversionToNext = math.NaN()
		if i+1 < len(f.Stages) && f.Stages[i].Entered > 0 {
			both := 0
			for _, m := range entered {
				if m&(1<<i) != 0 && m&(1<<(i+1)) != 0 {
					both++
				}
			}
			f.Stages[i].ConversionToNext = float64(both) / float64(f.Stages[i].Entered)
		}
	}
	return f
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
