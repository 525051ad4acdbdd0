package report

import (
	"iter"
	"math"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
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
	Stage   leadscore.Stage
	Owner   leadscore.Owner
	Current int // leads in the stage now
	Entered int // leads that have ever been in it
	Stalled int // leads in it past its SLA at the report's time
	// ConversionToNext is the share of the leads that entered the stage that also entered the
	// next one in journey order (NaN for the last stage or when none entered).
	ConversionToNext float64
	// MedianDays is the median length of completed stays, in days (NaN: none completed).
	MedianDays float64
}

// FunnelOf reports on the States of a population under s's journey at now. New States (no
// events) are not leads yet and are left out, as are nil ones. States last changed by another
// rule set are read as they are: their stage names are matched to this journey's. A now out
// of the time range ([leadscore.MinTime], [leadscore.MaxTime]) is taken to its nearest end.
func FunnelOf[L any](s *leadscore.Scorer[L], states iter.Seq[*leadscore.State], now time.Time) Funnel {
	journey := s.Journey().Stages
	index := make(map[leadscore.Stage]int, len(journey))
	f := Funnel{Stages: make([]FunnelStage, len(journey))}
	for i, sc := range journey {
		index[sc.Name] = i
		f.Stages[i] = FunnelStage{Stage: sc.Name, Owner: sc.Owner}
	}
	stays := make([][]float64, len(journey))
	entered := make([]uint32, 0, 64) // per lead: the stages it entered (a bit each), for conversion
	for st := range states {
		if st == nil || st.Events() == 0 {
			continue
		}
		lc := s.Lifecycle(st, now)
		f.Leads++
		row := &f.Stages[index[lc.Stage]]
		row.Current++
		if lc.Stalled {
			row.Stalled++
		}
		for _, v := range st.History() {
			if i, ok := index[v.Stage]; ok {
				stays[i] = append(stays[i], days(v.From, v.To))
			}
		}
		var mask uint32
		sql := false
		for _, name := range lc.Entered {
			i := index[name]
			mask |= 1 << i
			f.Stages[i].Entered++
			sql = sql || name == leadscore.StageConvert || journey[i].Owner == leadscore.OwnerSales
		}
		entered = append(entered, mask)
		if !lc.MQLAt.IsZero() {
			f.MQL++
		}
		if sql {
			f.SQL++
		}
		if lc.Purchases > 0 {
			f.Customers++
		}
		if lc.Purchases > 1 {
			f.RepeatCustomers++
		}
		f.Revenue += lc.Revenue
		f.ExpansionRevenue += lc.ExpansionRevenue
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

// days returns the length of a stay in days. The times of a State lie within 300 years of
// each other, so their difference in nanoseconds may overflow an int64 (and time.Time.Sub
// saturates at 292 years): it is taken in floating point then.
func days(from, to time.Time) float64 {
	a, b := to.UnixNano(), from.UnixNano()
	d := a - b
	if (a >= b) != (d >= 0) { // overflow
		return (float64(a) - float64(b)) / float64(leadscore.Day)
	}
	return float64(d) / float64(leadscore.Day)
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
