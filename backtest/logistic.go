package backtest

import (
	"errors"
	"fmt"
	"math"
)

// logitFit is a fitted L2-regularised logistic regression, in the units of the data.
type logitFit struct {
	beta       []float64 // intercept, then one coefficient per column
	se         []float64 // their standard errors (NaN for a column that was not fitted)
	fitted     []bool    // per column: false when the column is constant (its coefficient is 0)
	iterations int
}

// Bounds on Newton's method. Logistic log-likelihood is concave and the ridge term makes it
// strictly so: Newton converges quadratically, typically in under ten steps.
const (
	maxIterations = 100
	tolerance     = 1e-9 // largest step in a standardised coefficient at convergence
)

var errNotConverged = errors.New("backtest: the logistic fit did not converge")

// fitLogistic fits P(y) = σ(β₀ + Σ βⱼ xⱼ) to the n×p matrix x (row-major) by maximising
//
//	Σᵢ log-likelihoodᵢ − λ/2 Σⱼ (βⱼ sⱼ)²
//
// with Newton's method (iteratively reweighted least squares), where sⱼ is column j's
// standard deviation: the penalty acts on standardised coefficients, so it does not depend
// on the units of a feature, and the intercept is not penalised. The standard errors are
// the square roots of the diagonal of the inverse of the penalised Hessian at the optimum
// (the Laplace approximation of the posterior under the Gaussian prior the ridge implies).
//
// The columns are standardised internally for conditioning; a constant column is left out
// and reported as not fitted.
func fitLogistic(x []float64, p int, y []bool, lambda float64) (logitFit, error) {
	return fitLogisticWithout(x, p, y, ridge{lambda: lambda}, nil, nil)
}

// ridge is the L2 penalty of a fit: λ/2 Σⱼ (βⱼ sⱼ)² on the standardised coefficients, or
// λ/2 Σⱼ βⱼ² on the coefficients in the data's units when raw is true, with λ the column's
// entry of column when there is one (> 0), lambda otherwise.
type ridge struct {
	lambda float64
	raw    bool
	column []float64 // per column of the design matrix; nil or 0: lambda
}

// on returns the penalty's strength on the standardised coefficient of column j, of standard
// deviation sd.
func (r ridge) on(j int, sd float64) float64 {
	l := r.lambda
	if r.column != nil && r.column[j] > 0 {
		l = r.column[j]
	}
	if r.raw { // βⱼ = cⱼ/sⱼ: λ/2 βⱼ² = λ/sⱼ²/2 cⱼ²
		l /= sd * sd
	}
	return l
}

// fitLogisticWithout is fitLogistic with the penalty pen (of a strength per column, on
// standardised or raw coefficients), and with the columns marked in drop (nil: none) held
// at a coefficient of 0: left out of the fit and reported as not fitted. Newton's method
// starts from start (an intercept and p coefficients in the data's units, as
// logitFit.beta) when it is not nil: a warm start from a nearby fit converges in a few
// steps to the same optimum.
func fitLogisticWithout(x []float64, p int, y []bool, pen ridge, drop []bool, start []float64) (logitFit, error) {
	n := len(y)
	if p < 0 || len(x) != n*p {
		return logitFit{}, fmt.Errorf("backtest: design matrix of %d values for %d rows × %d columns", len(x), n, p)
	}
	if n == 0 {
		return logitFit{}, errors.New("backtest: no cases to fit")
	}
	// Standardise: z = (x − mean)/sd over the non-constant columns.
	mean := make([]float64, p)
	sd := make([]float64, p)
	for i := range n {
		row := x[i*p : (i+1)*p]
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return logitFit{}, fmt.Errorf("backtest: case %d, feature %d is %v", i, j, v)
			}
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := range n {
		for j, v := range x[i*p : (i+1)*p] {
			d := v - mean[j]
			sd[j] += d * d
		}
	}
	var cols []int // the fitted columns
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / float64(n))
		if sd[j] > 1e-12*max(1, math.Abs(mean[j])) && (drop == nil || !drop[j]) {
			cols = append(cols, j)
		}
	}
	m := len(cols) + 1 // parameters: intercept + fitted columns
	// The penalty's strength on each standardised coefficient; none on the intercept.
	lambda := make([]float64, m)
	for k, j := range cols {
		lambda[k+1] = pen.on(j, sd[j])
	}
	z := make([]float64, n*m)
	for i := range n {
		zi := z[i*m : (i+1)*m]
		zi[0] = 1
		for k, j := range cols {
			zi[k+1] = (x[i*p+j] - mean[j]) / sd[j]
		}
	}

	c := make([]float64, m) // standardised coefficients
	// Start the intercept at the log-odds of the base rate: one less Newton step, and exact
	// when no column is fitted.
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	if pos == 0 || pos == n {
		return logitFit{}, fmt.Errorf("backtest: all %d cases have the same outcome: nothing to fit", n)
	}
	c[0] = math.Log(float64(pos) / float64(n-pos))
	if start != nil { // cⱼ = βⱼ sⱼ, c₀ = β₀ + Σ βⱼ mⱼ
		c[0] = start[0]
		for k, j := range cols {
			c[k+1] = start[j+1] * sd[j]
			c[0] += start[j+1] * mean[j]
		}
	}

	grad := make([]float64, m)
	hess := make([]float64, m*m)
	step := make([]float64, m)
	trial := make([]float64, m)
	eta := make([]float64, n)
	obj := objective(z, m, y, c, lambda, eta)
	iter := 0
	converged := false
	for iter < maxIterations && !converged {
		iter++
		// Gradient and Hessian of the penalised log-likelihood (the Hessian negated).
		clear(grad)
		clear(hess)
		for i := range n {
			zi := z[i*m : (i+1)*m]
			pi := sigmoid(eta[i])
			r := -pi
			if y[i] {
				r = 1 - pi
			}
			w := pi * (1 - pi)
			for a, za := range zi {
				grad[a] += r * za
				wa := w * za
				row := hess[a*m : a*m+a+1]
				for b := range row {
					row[b] += wa * zi[b]
				}
			}
		}
		for a := 1; a < m; a++ {
			grad[a] -= lambda[a] * c[a]
			hess[a*m+a] += lambda[a]
		}
		for a := range m { // mirror the lower triangle
			for b := a + 1; b < m; b++ {
				hess[a*m+b] = hess[b*m+a]
			}
		}
		chol, err := cholesky(hess, m)
		if err != nil {
			return logitFit{}, err
		}
		cholSolve(chol, m, grad, step)
		// Newton step with backtracking: the objective must not decrease.
		t := 1.0
		for range 40 {
			for a := range m {
				trial[a] = c[a] + t*step[a]
			}
			if o := objective(z, m, y, trial, lambda, eta); o >= obj-1e-12*math.Abs(obj) {
				obj = o
				break
			}
			t /= 2
		}
		biggest := 0.0
		for a := range m {
			biggest = max(biggest, math.Abs(t*step[a]))
			c[a] = trial[a]
		}
		converged = biggest < tolerance
	}
	if !converged {
		return logitFit{}, errNotConverged
	}
	_ = objective(z, m, y, c, lambda, eta) // eta at the optimum for the final Hessian

	// Covariance of the standardised coefficients: the inverse of the penalised Hessian.
	clear(hess)
	for i := range n {
		zi := z[i*m : (i+1)*m]
		pi := sigmoid(eta[i])
		w := pi * (1 - pi)
		for a, za := range zi {
			for b := range a + 1 {
				hess[a*m+b] += w * za * zi[b]
			}
		}
	}
	for a := 1; a < m; a++ {
		hess[a*m+a] += lambda[a]
	}
	for a := range m {
		for b := a + 1; b < m; b++ {
			hess[a*m+b] = hess[b*m+a]
		}
	}
	chol, err := cholesky(hess, m)
	if err != nil {
		return logitFit{}, err
	}
	cov := cholInverse(chol, m)

	// Back to the data's units: βⱼ = cⱼ/sⱼ, β₀ = c₀ − Σ cⱼ mⱼ/sⱼ.
	fit := logitFit{
		beta:       make([]float64, p+1),
		se:         make([]float64, p+1),
		fitted:     make([]bool, p),
		iterations: iter,
	}
	for j := range fit.se {
		fit.se[j] = math.NaN()
	}
	a := make([]float64, m) // β₀ as a linear combination of c
	a[0] = 1
	fit.beta[0] = c[0]
	for k, j := range cols {
		fit.fitted[j] = true
		fit.beta[j+1] = c[k+1] / sd[j]
		fit.se[j+1] = math.Sqrt(cov[(k+1)*m+k+1]) / sd[j]
		fit.beta[0] -= c[k+1] * mean[j] / sd[j]
		a[k+1] = -mean[j] / sd[j]
	}
	var v0 float64
	for r := range m {
		for s := range m {
			v0 += a[r] * cov[r*m+s] * a[s]
		}
	}
	fit.se[0] = math.Sqrt(max(v0, 0))
	return fit, nil
}

// objective returns the penalised log-likelihood of coefficients c and leaves the linear
// predictor in eta.
func objective(z []float64, m int, y []bool, c []float64, lambda []float64, eta []float64) float64 {
	var ll float64
	for i := range y {
		var e float64
		for a, v := range z[i*m : (i+1)*m] {
			e += c[a] * v
		}
		eta[i] = e
		// log σ(e) = −softplus(−e), log(1 − σ(e)) = −softplus(e)
		if y[i] {
			ll -= softplus(-e)
		} else {
			ll -= softplus(e)
		}
	}
	var pen float64
	for a, v := range c[1:] {
		pen += lambda[a+1] * v * v
	}
	return ll - pen/2
}

func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

var errSingular = errors.New("backtest: the logistic fit's Hessian is singular (perfectly separated outcomes without regularisation?)")

// cholesky returns the lower-triangular L with L Lᵀ = a, for a symmetric positive definite
// m×m matrix a (row-major).
func cholesky(a []float64, m int) ([]float64, error) {
	l := make([]float64, m*m)
	for i := range m {
		for j := range i + 1 {
			s := a[i*m+j]
			for k := range j {
				s -= l[i*m+k] * l[j*m+k]
			}
			if i == j {
				if !(s > 1e-300) || math.IsInf(s, 0) {
					return nil, errSingular
				}
				l[i*m+i] = math.Sqrt(s)
			} else {
				l[i*m+j] = s / l[j*m+j]
			}
		}
	}
	return l, nil
}

// cholSolve solves L Lᵀ x = b.
func cholSolve(l []float64, m int, b, x []float64) {
	for i := range m { // L y = b
		s := b[i]
		for k := range i {
			s -= l[i*m+k] * x[k]
		}
		x[i] = s / l[i*m+i]
	}
	for i := m - 1; i >= 0; i-- { // Lᵀ x = y
		s := x[i]
		for k := i + 1; k < m; k++ {
			s -= l[k*m+i] * x[k]
		}
		x[i] = s / l[i*m+i]
	}
}

// cholInverse returns (L Lᵀ)⁻¹.
func cholInverse(l []float64, m int) []float64 {
	inv := make([]float64, m*m)
	e := make([]float64, m)
	col := make([]float64, m)
	for j := range m {
		clear(e)
		e[j] = 1
		cholSolve(l, m, e, col)
		for i := range m {
			inv[i*m+j] = col[i]
		}
	}
	return inv
}
