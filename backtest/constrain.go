package backtest

import (
	"fmt"
	"math"
)

// Sign is the direction a rule's points are expected to take, known before looking at any
// outcome (the buying signals of the domain notes, a sales team's experience).
type Sign int8

const (
	AnySign  Sign = iota // no expectation: the data decide
	Positive             // the rule marks interest: never negative points
	Negative             // the rule marks a poor lead: never positive points
)

// String returns "any", "positive" or "negative".
func (s Sign) String() string {
	switch s {
	case Positive:
		return "positive"
	case Negative:
		return "negative"
	case AnySign:
		return "any"
	}
	return fmt.Sprintf("Sign(%d)", int8(s))
}

// Expectation is what a team states about a rule before calibrating it: the sign its points
// must keep, and why, in words a salesperson reads in the report ("questions are a buying
// signal").
type Expectation struct {
	Sign Sign
	Why  string
}

// allows reports whether a coefficient of value beta keeps the sign s.
func (s Sign) allows(beta float64) bool {
	switch s {
	case Positive:
		return beta >= 0
	case Negative:
		return beta <= 0
	}
	return true
}

// columnState is how a column of the design matrix ended up in a constrained fit.
type columnState uint8

const (
	columnFree        columnState = iota // fitted freely (or not at all: see logitFit.fitted)
	columnConstrained                    // held at 0 by its sign: the data pointed the other way
	columnShrunk                         // held at 0: its effect was within minZ standard errors of 0
)

// fitConstrained fits fitLogistic's model with two additions, both decided during the fit,
// not applied to its result:
//
//   - sign constraints (signs[j] for column j, nil: none), by an active-set method: while a
//     free column's coefficient has the wrong sign, the most clearly wrong one is held at 0
//     and the others are refitted; a held column is released when the penalised
//     likelihood's gradient at 0 points into its allowed sign. The result is the optimum of
//     the penalised likelihood over the allowed signs (the problem is concave, and each
//     step holds or releases one column).
//   - shrinkage (minZ > 0): while some free fitted column's coefficient is within minZ
//     standard errors of 0, the weakest of them is held at 0 and the rest refitted, one at
//     a time, so that of two collinear rules the one that carries the signal keeps it.
//
// It returns the final fit and every column's state.
func fitConstrained(x []float64, p int, y []bool, pen ridge, signs []Sign, minZ float64) (logitFit, []columnState, error) {
	state := make([]columnState, p)
	drop := make([]bool, p)
	n := len(y)
	released := make([]int, p) // times a column was released: bounds cycling
	var start []float64        // the last fit's coefficients: each refit starts from them
	for round := 0; ; round++ {
		if round > 8*p+8 {
			return logitFit{}, nil, errNotConverged
		}
		for j := range drop {
			drop[j] = state[j] != columnFree
		}
		fit, err := fitLogisticWithout(x, p, y, pen, drop, start)
		if err != nil {
			return logitFit{}, nil, err
		}
		start = fit.beta
		// A free column with the wrong sign: hold the clearest violator at 0.
		worst, worstZ := -1, 0.0
		for j := range p {
			if state[j] != columnFree || !fit.fitted[j] || signs == nil || signs[j].allows(fit.beta[j+1]) {
				continue
			}
			if z := math.Abs(fit.beta[j+1]) / fit.se[j+1]; worst < 0 || z > worstZ {
				worst, worstZ = j, z
			}
		}
		if worst >= 0 {
			state[worst] = columnConstrained
			continue
		}
		// A held column whose gradient at 0 points into its allowed sign: release the
		// strongest. The penalty's gradient is 0 at a coefficient of 0.
		release, best := -1, 0.0
		var g []float64
		for j := range p {
			if state[j] != columnConstrained || released[j] >= 3 {
				continue
			}
			if g == nil {
				g = gradientAt(x, p, y, fit, n)
			}
			if !signs[j].allows(g[j]) || g[j] == 0 {
				continue
			}
			if a := math.Abs(g[j]); release < 0 || a > best {
				release, best = j, a
			}
		}
		if release >= 0 {
			state[release] = columnFree
			released[release]++
			continue
		}
		// Shrinkage: the weakest free column within minZ standard errors of 0.
		weak, weakZ := -1, 0.0
		if minZ > 0 {
			for j := range p {
				if state[j] != columnFree || !fit.fitted[j] {
					continue
				}
				if z := math.Abs(fit.beta[j+1]) / fit.se[j+1]; z < minZ && (weak < 0 || z < weakZ) {
					weak, weakZ = j, z
				}
			}
		}
		if weak >= 0 {
			state[weak] = columnShrunk
			continue
		}
		return fit, state, nil
	}
}

// gradientAt returns the log-likelihood's gradient in each column's coefficient at fit:
// Σᵢ (yᵢ − pᵢ) xᵢⱼ.
func gradientAt(x []float64, p int, y []bool, fit logitFit, n int) []float64 {
	g := make([]float64, p)
	for i := range n {
		row := x[i*p : (i+1)*p]
		eta := fit.beta[0]
		for j, v := range row {
			if fit.fitted[j] {
				eta += fit.beta[j+1] * v
			}
		}
		r := -sigmoid(eta)
		if y[i] {
			r++
		}
		for j, v := range row {
			g[j] += r * v
		}
	}
	return g
}
