package state

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// validData is a Data with something in every field, valid for its layout.
func validData() *Data {
	l := NewLayout(
		[]Rule{{ID: "a", HalfLife: 7 * day}, {ID: "b"}},
		[]string{"x", "y"}, []int{3, 2}, []Kind{{Name: "k0"}, {Name: "k1"}}, []string{"s0", "s1"}, 7*day, 4)
	var evs []event
	for i := range 6 {
		evs = append(evs, event{t: base + int64(i)*hour, typ: i % 2, rules: []int{i % 2}, w: 3, id: uint64(10 + i)})
	}
	d := build(l, evs)
	d.Tick(base + day)
	d.Evaluated = base + day
	d.Tier, d.Stage, d.Since, d.Entered = "warm", "s1", base+day, 3
	d.History = []Visit{{Stage: "s0", From: base, To: base + day}}
	d.MQLAt, d.HandedOff, d.Signals = base+day, true, 2
	d.Cart = Cart{At: base + hour, Value: 12.5}
	d.Base = [3]float64{25, 10, -5}
	d.Purchases, d.Revenue, d.ExpansionRevenue = 1, 99, 0
	return d
}

// relayout gives d a layout built from its own with one change.
func relayout(d *Data, change func(rules *[]Rule, types *[]string, caps *[]int, kinds *[]Kind, stages *[]string, vel *int64, idCap *int)) {
	l := d.Layout
	rules, types, caps := append([]Rule(nil), l.Rules...), append([]string(nil), l.Types...), append([]int(nil), l.RingCap...)
	kinds, stages, vel, idCap := append([]Kind(nil), l.Kinds...), append([]string(nil), l.Stages...), l.Velocity, l.IDCap
	change(&rules, &types, &caps, &kinds, &stages, &vel, &idCap)
	d.Layout = NewLayout(rules, types, caps, kinds, stages, vel, idCap)
}

// Check catches each broken invariant: a valid Data broken in one field at a time fails
// Check, and Marshal refuses to write it.
func TestCheckCatchesEachInvariant(t *testing.T) {
	if err := validData().Check(); err != nil {
		t.Fatalf("the valid Data fails Check: %v", err)
	}
	notUTF8 := "a\xffb"
	tooLong := strings.Repeat("n", maxDecoded+1)
	breaks := map[string]func(d *Data){
		// 1. A Data without a layout is new; arrays line up with the layout.
		"no layout, with events":  func(d *Data) { *d = Data{Events: 1} },
		"no layout, with a tier":  func(d *Data) { *d = Data{Tier: "hot"} },
		"no layout, with times":   func(d *Data) { *d = Data{Times: []int64{base}} },
		"no layout, with an ID":   func(d *Data) { *d = Data{IDs: []ID{{1, base}}} },
		"no layout, with a clock": func(d *Data) { *d = Data{Clock: base} },
		"an accumulator too many": func(d *Data) { d.Acc = append(d.Acc, Accum{}) },
		"an accumulator too few":  func(d *Data) { d.Acc = d.Acc[:1] },
		"an event time too many":  func(d *Data) { d.Times = append(d.Times, None) },
		"an event time too few":   func(d *Data) { d.Times = d.Times[:4] },
		"layout ring of another size": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, caps *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) { (*caps)[0]++ })
		},
		// 2. Every time is None or in [MinTime, MaxTime).
		"ring time at MaxTime":       func(d *Data) { d.Times[len(d.Times)-1] = MaxTime },
		"ring time before MinTime":   func(d *Data) { d.Times[0] = MinTime - 1 },
		"ring time MaxInt64":         func(d *Data) { d.Times[len(d.Times)-1] = math.MaxInt64 },
		"ID time at MaxTime":         func(d *Data) { d.IDs[len(d.IDs)-1].At = MaxTime },
		"ID time None":               func(d *Data) { d.IDs[0].At = None },
		"clock at MaxTime":           func(d *Data) { d.Clock = MaxTime },
		"evaluation before MinTime":  func(d *Data) { d.Evaluated = MinTime - 1 },
		"stage entry at MaxTime":     func(d *Data) { d.Since = MaxTime },
		"hand-off before MinTime":    func(d *Data) { d.MQLAt = MinTime - 1 },
		"cart time before MinTime":   func(d *Data) { d.Cart.At = MinTime - 1 },
		"latest event None":          func(d *Data) { d.Latest = None },
		"first event before MinTime": func(d *Data) { d.First = MinTime - 1 },
		"accumulator Ref at MaxTime": func(d *Data) { d.Acc[0].Ref = MaxTime },
		"accumulator First None":     func(d *Data) { d.Acc[0].First = None },
		"velocity Ref at MaxTime":    func(d *Data) { d.Vel[1].Ref = MaxTime },
		"visit before MinTime":       func(d *Data) { d.History[0].From = MinTime - 1 },
		"visit ending at MaxTime":    func(d *Data) { d.History[0].To = MaxTime },
		"visit ending None":          func(d *Data) { d.History[0].To = None },
		"clock None with events":     func(d *Data) { d.Clock, d.Evaluated = None, None },
		// 3. The clock is the latest event or evaluation time; it is never behind.
		"clock behind the latest event": func(d *Data) { d.Clock, d.Evaluated = d.Latest-1, None },
		"evaluated after the clock":     func(d *Data) { d.Evaluated = d.Clock + 1 },
		"ring time after the clock":     func(d *Data) { d.Times[len(d.Times)-1] = d.Clock + 1 },
		"accumulator after the clock":   func(d *Data) { d.Acc[1].Ref = d.Clock + 1 },
		"velocity sum after the clock":  func(d *Data) { d.Vel[0].Ref = d.Clock + 1 },
		"ID after the clock":            func(d *Data) { d.IDs[len(d.IDs)-1].At = d.Clock + 1 },
		"cart after the clock":          func(d *Data) { d.Cart.At = d.Clock + 1 },
		"first after latest":            func(d *Data) { d.First = d.Latest + 1 },
		"event times without events":    func(d *Data) { d.Events, d.Acc, d.IDs = 0, make([]Accum, 2), nil },
		// 4. Rings ascend with None first; an accumulator is zero exactly without events.
		"ring out of order":                func(d *Data) { d.Times[1], d.Times[2] = d.Times[2], d.Times[1] },
		"None after a time in a ring":      func(d *Data) { d.Times[0], d.Times[2] = d.Times[2], None },
		"accumulator N=0 with a sum":       func(d *Data) { d.Acc[0] = Accum{Sum: 1} },
		"accumulator N=0 with a time":      func(d *Data) { d.Acc[0] = Accum{Ref: base} },
		"velocity sum N=0 with a sum":      func(d *Data) { d.Vel[1] = Accum{Sum: 1} },
		"accumulator First after Ref":      func(d *Data) { d.Acc[0].First = d.Acc[0].Ref + 1 },
		"accumulator with a negative sum":  func(d *Data) { d.Acc[0].Sum = -1 },
		"accumulator with a NaN sum":       func(d *Data) { d.Acc[0].Sum = math.NaN() },
		"accumulator with an infinite sum": func(d *Data) { d.Acc[1].Sum = math.Inf(1) },
		"velocity sum NaN":                 func(d *Data) { d.Vel[0].Sum = math.NaN() },
		"velocity sum negative":            func(d *Data) { d.Vel[1].Sum = -math.SmallestNonzeroFloat64 },
		// 5. IDs: at most IDCap, ascending by (At, Hash), unique.
		"IDs over capacity": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, c *int) { *c = 3 })
		},
		"IDs without capacity": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, c *int) { *c = 0 })
		},
		"IDs out of order":            func(d *Data) { d.IDs[0], d.IDs[1] = d.IDs[1], d.IDs[0] },
		"IDs out of order by hash":    func(d *Data) { d.IDs[0].At = d.IDs[1].At; d.IDs[0].Hash = d.IDs[1].Hash + 1 },
		"an ID repeated":              func(d *Data) { d.IDs[0] = d.IDs[1] },
		"a hash at two times":         func(d *Data) { d.IDs[0].Hash = d.IDs[1].Hash },
		"a hash at two distant times": func(d *Data) { d.IDs[0].Hash = d.IDs[len(d.IDs)-1].Hash },
		// 6. Every float is finite.
		"cart value NaN":        func(d *Data) { d.Cart.Value = math.NaN() },
		"cart value Inf":        func(d *Data) { d.Cart.Value = math.Inf(1) },
		"base NaN":              func(d *Data) { d.Base[1] = math.NaN() },
		"base -Inf":             func(d *Data) { d.Base[2] = math.Inf(-1) },
		"revenue Inf":           func(d *Data) { d.Revenue = math.Inf(1) },
		"expansion revenue NaN": func(d *Data) { d.ExpansionRevenue = math.NaN() },
		// 7. Bits name the layout's kinds and stages; history ≤ MaxHistory; names are UTF-8
		// and bounded.
		"signal bit beyond the kinds": func(d *Data) { d.Signals |= 1 << 2 },
		"signal bit 63":               func(d *Data) { d.Signals |= 1 << 63 },
		"stage bit beyond the stages": func(d *Data) { d.Entered |= 1 << 2 },
		"stage bit 31":                func(d *Data) { d.Entered |= 1 << 31 },
		"too long a history": func(d *Data) {
			for len(d.History) <= MaxHistory {
				d.History = append(d.History, d.History[0])
			}
		},
		"visit ending before it starts": func(d *Data) { d.History[0].From = d.History[0].To + 1 },
		"tier not UTF-8":                func(d *Data) { d.Tier = notUTF8 },
		"stage not UTF-8":               func(d *Data) { d.Stage = notUTF8 },
		"visit stage not UTF-8":         func(d *Data) { d.History[0].Stage = notUTF8 },
		"tier too long":                 func(d *Data) { d.Tier = tooLong },
		"stage too long":                func(d *Data) { d.Stage = tooLong },
		"visit stage too long":          func(d *Data) { d.History[0].Stage = tooLong },
		// The layout itself.
		"rule ID not UTF-8": func(d *Data) {
			relayout(d, func(r *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) { (*r)[0].ID = notUTF8 })
		},
		"rule ID too long": func(d *Data) {
			relayout(d, func(r *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) { (*r)[0].ID = tooLong })
		},
		"rule ID repeated": func(d *Data) {
			relayout(d, func(r *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) { (*r)[1].ID = "a" })
		},
		"negative half-life": func(d *Data) {
			relayout(d, func(r *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) {
				(*r)[1].HalfLife = -1
			})
		},
		"type not UTF-8": func(d *Data) {
			relayout(d, func(_ *[]Rule, ty *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) { (*ty)[0] = notUTF8 })
		},
		"type repeated": func(d *Data) {
			relayout(d, func(_ *[]Rule, ty *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) { (*ty)[1] = "x" })
		},
		"ring of 0": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, c *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) {
				(*c)[0], (*c)[1] = 0, 5
			})
		},
		"ring over MaxRing": func(d *Data) {
			d.Times = append(d.Times, make([]int64, MaxRing)...)
			for i := range d.Times {
				d.Times[i] = None
			}
			relayout(d, func(_ *[]Rule, _ *[]string, c *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) { (*c)[0] += MaxRing })
		},
		"kind not UTF-8": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, k *[]Kind, _ *[]string, _ *int64, _ *int) {
				(*k)[0].Name = notUTF8
			})
		},
		"kind repeated": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, k *[]Kind, _ *[]string, _ *int64, _ *int) { (*k)[1].Name = "k0" })
		},
		"too many kinds": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, k *[]Kind, _ *[]string, _ *int64, _ *int) {
				for i := range MaxKinds {
					*k = append(*k, Kind{Name: fmt.Sprint(i)})
				}
			})
		},
		"layout stage not UTF-8": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, s *[]string, _ *int64, _ *int) { (*s)[0] = notUTF8 })
		},
		"layout stage repeated": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, s *[]string, _ *int64, _ *int) { (*s)[1] = "s0" })
		},
		"too many stages": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, s *[]string, _ *int64, _ *int) {
				for i := range MaxStages {
					*s = append(*s, fmt.Sprint(i))
				}
			})
		},
		"negative velocity window": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, _ *[]string, v *int64, _ *int) { *v = -1 })
		},
		"ID capacity over MaxIDs": func(d *Data) {
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, c *int) { *c = MaxIDs + 1 })
		},
		"negative ID capacity": func(d *Data) {
			d.IDs = nil
			relayout(d, func(_ *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, c *int) { *c = -1 })
		},
		"too many rules": func(d *Data) {
			relayout(d, func(r *[]Rule, _ *[]string, _ *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) {
				for i := range MaxRules {
					*r = append(*r, Rule{ID: fmt.Sprint(i)})
				}
			})
			d.Acc = make([]Accum, len(d.Layout.Rules))
		},
		"too many types": func(d *Data) {
			relayout(d, func(_ *[]Rule, ty *[]string, c *[]int, _ *[]Kind, _ *[]string, _ *int64, _ *int) {
				for i := range MaxTypes {
					*ty, *c = append(*ty, fmt.Sprint(i)), append(*c, 1)
				}
			})
			d.Times = append(slices.Repeat([]int64{None}, d.Layout.RingTotal-len(d.Times)), d.Times...)
		},
	}
	for name, brk := range breaks {
		d := validData()
		brk(d)
		if err := d.Check(); err == nil {
			t.Errorf("%s: Check finds nothing wrong", name)
		}
		if b, err := Marshal(d); err == nil || b != nil {
			t.Errorf("%s: Marshal writes it", name)
		}
	}
	// The limits themselves are valid: names of maxDecoded bytes (version 1 allowed them),
	// full histories, every bit of 64 kinds and 32 stages.
	d := validData()
	d.Tier = strings.Repeat("é", maxDecoded/2)
	for len(d.History) < MaxHistory {
		d.History = append(d.History, d.History[0])
	}
	if err := d.Check(); err != nil {
		t.Errorf("a Data at the limits fails Check: %v", err)
	}
	var kinds []Kind
	var stages []string
	for i := range MaxKinds {
		kinds = append(kinds, Kind{Name: fmt.Sprint(i)})
	}
	for i := range MaxStages {
		stages = append(stages, fmt.Sprint(i))
	}
	d = &Data{}
	d.Bind(NewLayout(nil, nil, nil, kinds, stages, 0, 0))
	d.Signals, d.Entered = math.MaxUint64, math.MaxUint32
	if err := d.Check(); err != nil {
		t.Errorf("every bit of %d kinds and %d stages: %v", MaxKinds, MaxStages, err)
	}
}

// Every Data the package's own operations produce passes Check: Bind, Take, Tick, Insert,
// Add, Remember, Merge, View, EnterStage.
func TestOperationsKeepInvariants(t *testing.T) {
	r := newRand(50)
	for trial := range trials(1000) {
		l := randLayout(r)
		d := randData(r, l)
		if err := d.Check(); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		d.Merge(randData(r, randLayout(r)))
		if err := d.Check(); err != nil {
			t.Fatalf("trial %d: after a merge: %v", trial, err)
		}
		if len(l.Stages) > 0 {
			i := r.IntN(len(l.Stages))
			d.EnterStage(d.Stage, l.Stages[i], i, d.Tick(randTime(r)))
		}
		if err := d.View(randLayout(r)).Check(); err != nil {
			t.Fatalf("trial %d: a view: %v", trial, err)
		}
	}
}
