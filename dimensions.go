package leadscore

import (
	"fmt"
	"math"

	"github.com/leadscore/leadscore/internal/text"
)

// Dimension is one of the three axes of a score.
type Dimension string

// The three dimensions (3D scoring: fit, engagement, relationship).
const (
	// Fit is who they are: demographics, firmographics, BANT.
	Fit Dimension = "fit"
	// Engagement is how they interact: events, with decay.
	Engagement Dimension = "engagement"
	// Relationship is where they are with you: lifecycle stage and tenure.
	Relationship Dimension = "relationship"
)

func (d Dimension) index() int {
	switch d {
	case Fit:
		return 0
	case Engagement:
		return 1
	case Relationship:
		return 2
	}
	return -1
}

// canonical is d as the package's constant, whose bytes are in the program rather than on
// the heap: every Contribution carries its rule's dimension, and while the garbage collector
// marks, a string written to the heap that points into the heap costs the write barrier a
// lookup of the object it points to. An unknown dimension is returned as it is.
func (d Dimension) canonical() Dimension {
	if i := d.index(); i >= 0 {
		return [...]Dimension{Fit, Engagement, Relationship}[i]
	}
	return d
}

// dimensionBounds is a compiled DimensionConfig.
type dimensionBounds struct {
	weight, min, max float64 // min/max are ±Inf when unbounded
	bounded          bool    // whether min or max is finite
}

func (b dimensionBounds) clamp(v float64) float64 { return min(max(v, b.min), b.max) }

func compileDimensions(cfg map[Dimension]DimensionConfig, errs *errorList) [3]dimensionBounds {
	var out [3]dimensionBounds
	for i := range out {
		out[i] = dimensionBounds{weight: 1, min: math.Inf(-1), max: math.Inf(1)}
	}
	for _, d := range text.SortedKeys(cfg) {
		c := cfg[d]
		i := d.index()
		if i < 0 {
			errs.addf(ItemDimension, string(d), "", "unknown dimension (want fit, engagement or relationship)")
			continue
		}
		b := &out[i]
		check := func(field string, p *float64, dst *float64) {
			if p == nil {
				return
			}
			if !finite(*p) {
				errs.addf(ItemDimension, string(d), field, "%v is not a finite number", *p)
				return
			}
			*dst = *p
		}
		check("weight", c.Weight, &b.weight)
		check("min", c.Min, &b.min)
		check("max", c.Max, &b.max)
		if b.min > b.max {
			errs.addf(ItemDimension, string(d), "min", "min %v is above max %v", b.min, b.max)
		}
		b.bounded = !math.IsInf(b.min, 0) || !math.IsInf(b.max, 0)
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// band is a compiled tier or grade: a named lower bound with an optional guard.
type band[L any] struct {
	name    string
	min     float64 // -Inf for the catch-all
	guard   *program[L]
	handoff bool
}

// compileBands checks a list of tiers or grades: names unique and non-empty, numbers finite, at
// most one catch-all and only in last place.
func compileBands[L any](kind ItemKind, names []string, mins []*float64, errs *errorList) []band[L] {
	out := make([]band[L], len(names))
	seen := make(map[string]bool, len(names))
	for i, name := range names {
		id := name
		if id == "" {
			id = fmt.Sprintf("%ss[%d]", kind, i)
			errs.addf(kind, id, "name", "a %s needs a name", kind)
		} else if seen[name] {
			errs.addf(kind, id, "name", "duplicate %s name", kind)
		}
		seen[name] = true
		out[i] = band[L]{name: name, min: math.Inf(-1)}
		switch m := mins[i]; {
		case m == nil:
			if i != len(names)-1 {
				errs.addf(kind, id, "min", "only the last %s may omit min (the catch-all); the %ss after it could never be reached", kind, kind)
			}
		case !finite(*m):
			errs.addf(kind, id, "min", "%v is not a finite number", *m)
		default:
			out[i].min = *m
		}
	}
	return out
}

// DefaultGrades returns the fit grades used when a Config has none: A from 75% of the fit
// dimension's upper bound, B from 50%, C from 25%, D below (with no upper bound, of 100).
func DefaultGrades(fitMax float64) []Grade {
	if math.IsInf(fitMax, 0) || fitMax <= 0 {
		fitMax = 100
	}
	return []Grade{
		{Name: "A", Min: Float(0.75 * fitMax)},
		{Name: "B", Min: Float(0.50 * fitMax)},
		{Name: "C", Min: Float(0.25 * fitMax)},
		{Name: "D"},
	}
}
