package state

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Equal reports whether a and b hold the same state under the same layout.
func Equal(a, b *Data) bool {
	return a.Layout.Same(b.Layout) &&
		slices.Equal(a.Acc, b.Acc) && slices.Equal(a.Times, b.Times) && slices.Equal(a.IDs, b.IDs) &&
		slices.Equal(a.History, b.History) && a.scalars() == b.scalars() &&
		slices.Equal(a.Sessions, b.Sessions) && totalsEqual(a, b)
}

// scalars is every field of Data but the layout and the slices, for comparisons.
type scalars struct {
	clock, evaluated, latest, first, since, mqlAt int64
	events                                        uint64
	tier, stage                                   string
	entered, purchases                            uint32
	stalled, slaMet, handedOff, unsettled         bool
	signals                                       uint64
	cart                                          Cart
	vel                                           [2]Accum
	base                                          [3]float64
	revenue, expansionRevenue                     float64
	rejection                                     string
	rejectedAt                                    int64
	question                                      string
	questionAt                                    int64
	touches                                       [3]Touch
	totalsPartial                                 bool
}

func (d *Data) scalars() scalars {
	return scalars{
		d.Clock, d.Evaluated, d.Latest, d.First, d.Since, d.MQLAt, d.Events, d.Tier, d.Stage,
		d.Entered, d.Purchases, d.Stalled, d.SLAMet, d.HandedOff, d.Unsettled, d.Signals, d.Cart, d.Vel, d.Base,
		d.Revenue, d.ExpansionRevenue, d.Rejection, d.RejectedAt, d.Question, d.QuestionAt,
		[3]Touch{d.FirstTouch, d.LastTouch, d.HandoffTouch}, d.totalsPartial(),
	}
}

// Check reports the first invariant d breaks (see the package documentation), or nil.
func (d *Data) Check() error {
	l := d.Layout
	if l == nil {
		if !Equal(d, &Data{}) {
			return fmt.Errorf("a state without a layout holds data")
		}
		return nil
	}
	if err := l.check(); err != nil {
		return err
	}
	if len(d.Acc) != len(l.Rules) {
		return fmt.Errorf("%d accumulators for %d event rules", len(d.Acc), len(l.Rules))
	}
	if len(d.Times) != l.RingTotal {
		return fmt.Errorf("%d event times for a layout of %d", len(d.Times), l.RingTotal)
	}
	for i, a := range d.Acc {
		if err := a.check(); err != nil {
			return fmt.Errorf("event rule %q: %w", l.Rules[i].ID, err)
		}
	}
	for i, v := range d.Vel {
		if err := v.check(); err != nil {
			return fmt.Errorf("velocity sum %d: %w", i, err)
		}
	}
	for i, typ := range l.Types {
		ring := d.Ring(i)
		if !slices.IsSorted(ring) {
			return fmt.Errorf("event times of %q out of order", typ)
		}
		for _, t := range ring {
			if t != None && !InRange(t) {
				return fmt.Errorf("event time of %q out of range", typ)
			}
		}
	}
	if len(d.IDs) > l.IDCap {
		return fmt.Errorf("%d event IDs, at most %d", len(d.IDs), l.IDCap)
	}
	for i, id := range d.IDs {
		if !InRange(id.At) {
			return fmt.Errorf("event ID time out of range")
		}
		if i > 0 && compareIDs(d.IDs[i-1], id) >= 0 {
			return fmt.Errorf("event IDs out of order or repeated")
		}
	}
	if len(d.IDs) > 1 {
		hashes := make([]uint64, len(d.IDs))
		for i, id := range d.IDs {
			hashes[i] = id.Hash
		}
		slices.Sort(hashes)
		for i := 1; i < len(hashes); i++ {
			if hashes[i] == hashes[i-1] {
				return fmt.Errorf("an event ID remembered twice")
			}
		}
	}
	for name, t := range map[string]int64{"clock": d.Clock, "evaluation time": d.Evaluated, "stage entry": d.Since, "hand-off time": d.MQLAt, "cart time": d.Cart.At} {
		if t != None && !InRange(t) {
			return fmt.Errorf("%s out of range", name)
		}
	}
	if d.Events == 0 {
		if d.Latest != None || d.First != None {
			return fmt.Errorf("event times without events")
		}
		// Evaluation skips the window detectors of a State without events: its rings must
		// then be empty, as only events fill them.
		for _, t := range d.Times {
			if t != None {
				return fmt.Errorf("event times without events")
			}
		}
	} else {
		if !InRange(d.Latest) || !InRange(d.First) || d.First > d.Latest {
			return fmt.Errorf("first and latest event times inconsistent")
		}
		if d.Clock < d.Latest {
			return fmt.Errorf("clock behind the latest event")
		}
		// Evaluation skips a window detector whose window starts after the latest event:
		// no ring may hold a later time, as only events fill the rings.
		for _, t := range d.Times {
			if t != None && t > d.Latest {
				return fmt.Errorf("an event time after the latest event")
			}
		}
	}
	if d.Evaluated > d.Clock {
		return fmt.Errorf("evaluated after the clock")
	}
	late := d.Cart.At > d.Clock || len(d.IDs) > 0 && d.IDs[len(d.IDs)-1].At > d.Clock
	for _, t := range d.Times {
		late = late || t > d.Clock
	}
	for _, a := range d.Acc {
		late = late || a.N > 0 && a.Ref > d.Clock
	}
	for _, a := range d.Vel {
		late = late || a.N > 0 && a.Ref > d.Clock
	}
	if late {
		return fmt.Errorf("an event time after the clock")
	}
	if len(l.Kinds) < 64 && d.Signals>>len(l.Kinds) != 0 {
		return fmt.Errorf("signal bits beyond the layout's %d kinds", len(l.Kinds))
	}
	if len(l.Stages) < 32 && d.Entered>>len(l.Stages) != 0 {
		return fmt.Errorf("stage bits beyond the layout's %d stages", len(l.Stages))
	}
	if len(d.History) > MaxHistory {
		return fmt.Errorf("%d stage visits, at most %d", len(d.History), MaxHistory)
	}
	for _, v := range d.History {
		if err := checkName("stage", v.Stage); err != nil {
			return err
		}
		if !InRange(v.From) || !InRange(v.To) || v.From > v.To {
			return fmt.Errorf("stage visit times inconsistent")
		}
	}
	if err := checkName("tier", d.Tier); err != nil {
		return err
	}
	switch {
	case d.Rejection == "" && d.RejectedAt != 0:
		return fmt.Errorf("a rejection time without a reason")
	case d.Rejection != "" && (!InRange(d.RejectedAt) || d.RejectedAt > d.Clock):
		return fmt.Errorf("rejection time out of range or after the clock")
	case len(d.Rejection) > MaxReason || !utf8.ValidString(d.Rejection):
		return fmt.Errorf("a rejection reason is at most %d bytes of UTF-8", MaxReason)
	case strings.ContainsFunc(d.Rejection, ReasonControl):
		return fmt.Errorf("a rejection reason holds a control character")
	}
	if err := checkName("stage", d.Stage); err != nil {
		return err
	}
	for _, f := range []float64{d.Cart.Value, d.Base[0], d.Base[1], d.Base[2], d.Revenue, d.ExpansionRevenue} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("a non-finite number")
		}
	}
	return d.checkExtra()
}

func (a Accum) check() error {
	if a.N == 0 {
		if a != (Accum{}) {
			return fmt.Errorf("an accumulator without events holds data")
		}
		return nil
	}
	switch {
	case math.IsNaN(a.Sum) || math.IsInf(a.Sum, 0) || a.Sum < 0:
		return fmt.Errorf("an accumulator's sum %v is not a finite number ≥ 0", a.Sum)
	case !InRange(a.Ref) || !InRange(a.First) || a.First > a.Ref:
		return fmt.Errorf("an accumulator's times are inconsistent")
	}
	return nil
}

func (l *Layout) check() error {
	switch {
	case len(l.Rules) > MaxRules:
		return fmt.Errorf("%d event rules, at most %d", len(l.Rules), MaxRules)
	case len(l.Types) > MaxTypes:
		return fmt.Errorf("%d event types, at most %d", len(l.Types), MaxTypes)
	case len(l.Kinds) > MaxKinds:
		return fmt.Errorf("%d signal kinds, at most %d", len(l.Kinds), MaxKinds)
	case len(l.Stages) > MaxStages:
		return fmt.Errorf("%d stages, at most %d", len(l.Stages), MaxStages)
	case l.Velocity < 0:
		return fmt.Errorf("a negative velocity window")
	case l.IDCap < 0 || l.IDCap > MaxIDs:
		return fmt.Errorf("an event ID capacity of %d, at most %d", l.IDCap, MaxIDs)
	case len(l.ruleIndex) != len(l.Rules) || len(l.typeIndex) != len(l.Types):
		return fmt.Errorf("a repeated rule or event type")
	}
	for _, r := range l.Rules {
		if err := checkName("rule", r.ID); err != nil {
			return err
		}
		if r.HalfLife < 0 {
			return fmt.Errorf("event rule %q: a negative half-life", r.ID)
		}
	}
	for i, t := range l.Types {
		if err := checkName("event type", t); err != nil {
			return err
		}
		if l.RingCap[i] < 1 || l.RingCap[i] > MaxRing {
			return fmt.Errorf("event type %q keeps %d times, want 1 to %d", t, l.RingCap[i], MaxRing)
		}
	}
	seen := map[string]bool{}
	for _, k := range l.Kinds {
		if err := checkName("signal kind", k.Name); err != nil {
			return err
		}
		if seen["k"+k.Name] {
			return fmt.Errorf("signal kind %q repeated", k.Name)
		}
		seen["k"+k.Name] = true
	}
	for _, s := range l.Stages {
		if err := checkName("stage", s); err != nil {
			return err
		}
		if seen["s"+s] {
			return fmt.Errorf("stage %q repeated", s)
		}
		seen["s"+s] = true
	}
	return nil
}

// CheckName reports whether a name can be held in a State: UTF-8, at most MaxName bytes.
func CheckName(what, name string) error { return checkName(what, name) }

func checkName(what, name string) error {
	switch {
	case len(name) > maxDecoded:
		return fmt.Errorf("a %s name of %d bytes, at most %d", what, len(name), maxDecoded)
	case !utf8.ValidString(name):
		return fmt.Errorf("a %s name is not UTF-8", what)
	}
	return nil
}
