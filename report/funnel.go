package report

import (
	"cmp"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
)

// Funnel answers the questions a marketing team asks of each lifecycle stage: how many
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

	// Attribution (FunnelOf's GroupBy and Costs options): what the leads are grouped by and
	// the groups, most leads first (ties by key); none without GroupBy.
	GroupBy Attribute
	Touch   Touchpoint
	Groups  []FunnelGroup
	// Cost is the sum of the costs given (Costs; saturating at the largest float64, never
	// infinite), CostPerLead and CostPerMQL it over Leads and MQL: NaN when no costs were
	// given or there is no lead (or MQL) to divide by.
	Cost, CostPerLead, CostPerMQL float64
	// Ignored says what FunnelOf could not use of its options, one sentence each: an unknown
	// GroupBy attribute or touchpoint (the leads are then not grouped: Groups is empty and
	// GroupBy and Touch are ""), and costs that are negative, NaN or infinite (not given).
	Ignored []string
}

// Attribute is the field of a lead's touch (leadscore.Touch) a funnel groups by.
type Attribute string

// The attributes a funnel groups by.
const (
	ByChannel  Attribute = "channel"
	ByCampaign Attribute = "campaign"
	ByContent  Attribute = "content"
	ByCTA      Attribute = "cta"
)

// Touchpoint is which of a lead's touches attributes it: the first (what brought it in), the
// last, or the hand-off touch (the last before it became an MQL).
type Touchpoint string

// The touchpoints.
const (
	FirstTouch   Touchpoint = "first"
	LastTouch    Touchpoint = "last"
	HandoffTouch Touchpoint = "handoff"
)

// FunnelGroup is the funnel of the leads one channel, campaign, content or call to action
// attributes: which of them works at each stage, and at what cost.
type FunnelGroup struct {
	// Key is the attribute's value in the leads' touch; "" groups the leads without one (no
	// such touch, or a touch without that field).
	Key                        string
	Leads, MQL, SQL, Customers int
	Revenue                    float64
	// Entered counts, per stage of Funnel.Stages (journey order), the group's leads that
	// have been in it: Entered[i+1]/Entered[i] is the group's conversion at stage i.
	Entered []int
	// Cost is the cost given for the key (Costs), NaN when none was; CostPerLead and
	// CostPerMQL are it over Leads and MQL, NaN without a cost or when there is none to divide
	// by (a key with a cost and no lead is a group of zero leads).
	Cost, CostPerLead, CostPerMQL float64
}

// FunnelOption configures FunnelOf.
type FunnelOption func(*funnelOptions)

type funnelOptions struct {
	by    Attribute
	touch Touchpoint
	costs map[string]float64
}

// GroupBy groups the funnel's leads by an attribute of one of their touches (Funnel.Groups):
// by campaign of the first touch, say, or by channel of the hand-off touch. An empty touch is
// FirstTouch.
func GroupBy(by Attribute, touch Touchpoint) FunnelOption {
	return func(o *funnelOptions) {
		if touch == "" {
			touch = FirstTouch
		}
		o.by, o.touch = by, touch
	}
}

// Costs gives what each group key cost (a campaign's spend, say), for the cost per lead and
// per MQL of the groups and of the whole funnel. A cost that is negative, NaN or infinite
// counts as not given (and is listed in Funnel.Ignored); keys no lead has are groups of zero
// leads. Keys are normalised as a State keeps event texts (leadscore.TouchText: one line,
// white space runs made one space, the ends trimmed), and the costs of keys normalised alike
// add up; sums saturate at the largest float64. The map is read, not kept.
func Costs(costs map[string]float64) FunnelOption {
	return func(o *funnelOptions) { o.costs = costs }
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
// With GroupBy it also reports per channel, campaign, content or call to action, and with
// Costs the cost per lead and per MQL.
func FunnelOf[L any](s *leadscore.Scorer[L], states iter.Seq[*leadscore.State], now time.Time, opts ...FunnelOption) Funnel {
	var o funnelOptions
	for _, opt := range opts {
		opt(&o)
	}
	groups := map[string]*FunnelGroup{}
	ignored := o.check()
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
		if o.by != "" {
			g := groups[touchKey(st, o.by, o.touch)]
			if g == nil {
				g = &FunnelGroup{Key: touchKey(st, o.by, o.touch), Entered: make([]int, len(journey))}
				groups[g.Key] = g
			}
			g.Leads++
			g.Revenue += lc.Revenue
			for i := range journey {
				if mask&(1<<i) != 0 {
					g.Entered[i]++
				}
			}
			g.MQL += b2i(!lc.MQLAt.IsZero())
			g.SQL += b2i(sql)
			g.Customers += b2i(lc.Purchases > 0)
		}
	}
	f.attribute(&o, groups, len(journey))
	f.Ignored = ignored
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

// attribute fills in f's groups and costs.
func (f *Funnel) attribute(o *funnelOptions, groups map[string]*FunnelGroup, stages int) {
	f.Cost, f.CostPerLead, f.CostPerMQL = math.NaN(), math.NaN(), math.NaN()
	if o.by != "" {
		f.GroupBy, f.Touch = o.by, o.touch
		for key := range o.costs {
			if _, ok := groups[key]; !ok && finiteCost(o.costs[key]) {
				groups[key] = &FunnelGroup{Key: key, Entered: make([]int, stages)}
			}
		}
	}
	total, given := 0.0, false
	keys := slices.Sorted(maps.Keys(o.costs)) // summed in one order: the same total every time
	for _, key := range keys {
		total, given = satSum(total, o.costs[key]), true
	}
	if given {
		f.Cost, f.CostPerLead, f.CostPerMQL = total, per(total, f.Leads), per(total, f.MQL)
	}
	for _, g := range groups {
		g.Cost, g.CostPerLead, g.CostPerMQL = math.NaN(), math.NaN(), math.NaN()
		if c, ok := o.costs[g.Key]; ok && finiteCost(c) {
			g.Cost, g.CostPerLead, g.CostPerMQL = c, per(c, g.Leads), per(c, g.MQL)
		}
		f.Groups = append(f.Groups, *g)
	}
	slices.SortFunc(f.Groups, func(a, b FunnelGroup) int {
		if c := cmp.Compare(b.Leads, a.Leads); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
}

func finiteCost(c float64) bool { return !math.IsNaN(c) && !math.IsInf(c, 0) && c >= 0 }

// satSum adds two costs, saturating at the largest float64.
func satSum(a, b float64) float64 { return min(a+b, math.MaxFloat64) }

// check validates o: an unknown attribute or touchpoint turns grouping off, costs that
// cannot be used are dropped, and keys are normalised (those normalised alike add up). It
// returns what was ignored.
func (o *funnelOptions) check() []string {
	var ignored []string
	if o.by != "" {
		okBy := o.by == ByChannel || o.by == ByCampaign || o.by == ByContent || o.by == ByCTA
		okTouch := o.touch == FirstTouch || o.touch == LastTouch || o.touch == HandoffTouch
		if !okBy {
			ignored = append(ignored, fmt.Sprintf("GroupBy: unknown attribute %q (channel, campaign, content or cta): the leads are not grouped", string(o.by)))
		}
		if !okTouch {
			ignored = append(ignored, fmt.Sprintf("GroupBy: unknown touchpoint %q (first, last or handoff): the leads are not grouped", string(o.touch)))
		}
		if !okBy || !okTouch {
			o.by, o.touch = "", ""
		}
	}
	if o.costs == nil {
		return ignored
	}
	costs := make(map[string]float64, len(o.costs))
	for _, key := range slices.Sorted(maps.Keys(o.costs)) {
		c := o.costs[key]
		if !finiteCost(c) {
			ignored = append(ignored, fmt.Sprintf("Costs: the cost of %q is %v (negative, NaN or infinite): not given", key, c))
			continue
		}
		k := leadscore.TouchText(key)
		costs[k] = satSum(costs[k], c)
	}
	o.costs = costs
	return ignored
}

// per is cost over n, NaN for no n.
func per(cost float64, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return cost / float64(n)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// touchKey is the group key of st: the attribute by of its touch.
func touchKey(st *leadscore.State, by Attribute, touch Touchpoint) string {
	var t leadscore.Touch
	switch touch {
	case LastTouch:
		t = st.LastTouch()
	case HandoffTouch:
		t = st.HandoffTouch()
	default:
		t = st.FirstTouch()
	}
	switch by {
	case ByChannel:
		return t.Channel
	case ByCampaign:
		return t.Campaign
	case ByContent:
		return t.Content
	case ByCTA:
		return t.CTA
	}
	return ""
}
