package report

import (
	"cmp"
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

	// SLA is the compliance of each owner with the SLAs of their stages, over the leads'
	// current stays (in journey order of the owners' first stages); owners whose stages have
	// no SLA are left out.
	SLA []OwnerSLA
	// Rejected counts leads sales rejected at least once; Rejections their latest reasons,
	// most frequent first (ties by reason).
	Rejected   int
	Rejections []ReasonCount
}

// OwnerSLA is one owner's SLA compliance over the leads now in their stages that have an SLA
// (a recycled lead's is its stage's recycle_sla): Met by an event of the stage's sla_met_by,
// Stalled past it without one, or still Open within it.
type OwnerSLA struct {
	Owner              leadscore.Owner
	Met, Stalled, Open int
	Compliance         float64 // Met / (Met + Stalled); NaN when neither
}

// ReasonCount is how many leads a rejection reason was the latest for.
type ReasonCount struct {
	Reason string
	Leads  int
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
	reasons := map[string]int{}
	ownerOrder := map[leadscore.Owner]int{}
	for i := len(journey) - 1; i >= 0; i-- {
		ownerOrder[journey[i].Owner] = i
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
		if lc.SLA > 0 {
			o := ownerRow(&f, lc.Owner)
			switch {
			case lc.SLAMet:
				o.Met++
			case lc.Stalled:
				o.Stalled++
			default:
				o.Open++
			}
		}
		if lc.Rejection != "" {
			f.Rejected++
			reasons[lc.Rejection]++
		}
	}
	for i := range f.SLA {
		o := &f.SLA[i]
		o.Compliance = math.NaN()
		if o.Met+o.Stalled > 0 {
			o.Compliance = float64(o.Met) / float64(o.Met+o.Stalled)
		}
	}
	slices.SortStableFunc(f.SLA, func(a, b OwnerSLA) int { return cmp.Compare(ownerOrder[a.Owner], ownerOrder[b.Owner]) })
	for reason, n := range reasons {
		f.Rejections = append(f.Rejections, ReasonCount{reason, n})
	}
	slices.SortFunc(f.Rejections, func(a, b ReasonCount) int {
		if c := cmp.Compare(b.Leads, a.Leads); c != 0 {
			return c
		}
		return cmp.Compare(a.Reason, b.Reason)
	})
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

// ownerRow returns f's SLA row of owner, added if new.
func ownerRow(f *Funnel, owner leadscore.Owner) *OwnerSLA {
	for i := range f.SLA {
		if f.SLA[i].Owner == owner {
			return &f.SLA[i]
		}
	}
	f.SLA = append(f.SLA, OwnerSLA{Owner: owner})
	return &f.SLA[len(f.SLA)-1]
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
