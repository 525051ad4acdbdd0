package backtest

import (
	"fmt"
	"math"
	"testing"
)

// uniform returns a float in [0, 1).
func (r *rng) uniform() float64 { return float64(r.next()>>11) / (1 << 53) }

// simulate draws n cases of p features from gen and outcomes from the logistic model beta.
func simulate(r *rng, n int, beta []float64, gen func(j int) float64) ([]float64, []bool) {
	p := len(beta) - 1
	x := make([]float64, n*p)
	y := make([]bool, n)
	for i := range n {
		eta := beta[0]
		for j := range p {
			v := gen(j)
			x[i*p+j] = v
			eta += beta[j+1] * v
		}
		y[i] = r.uniform() < sigmoid(eta)
	}
	return x, y
}

func TestFitLogisticRecoversCoefficients(t *testing.T) {
	r := newRNG(11)
	beta := []float64{-1, 2, -0.5, 0, 0.8}
	x, y := simulate(r, 40000, beta, func(j int) float64 {
		switch j {
		case 0, 1: // binary rule firings
			return float64(r.intn(2))
		case 2: // noise
			return float64(r.intn(2))
		}
		return 3 * r.uniform() // a count-like feature
	})
	fit, err := fitLogistic(x, 4, y, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	for j, want := range beta {
		got, se := fit.beta[j], fit.se[j]
		if !(se > 0 && se < 0.1) {
			t.Errorf("β%d: standard error %v, want small and positive", j, se)
		}
		if math.Abs(got-want) > 4*se {
			t.Errorf("β%d = %.3f ± %.3f, want %v", j, got, se, want)
		}
	}
	if fit.iterations > 15 {
		t.Errorf("%d Newton iterations, want few", fit.iterations)
	}
}

func TestFitLogisticStandardErrors(t *testing.T) {
	// One binary feature: the unpenalised fit is the saturated 2×2 table, whose standard
	// errors have a closed form: se(β₁)² = 1/a + 1/b + 1/c + 1/d.
	var x []float64
	var y []bool
	add := func(v float64, conv bool, n int) {
		for range n {
			x = append(x, v)
			y = append(y, conv)
		}
	}
	add(0, true, 30)
	add(0, false, 70)
	add(1, true, 60)
	add(1, false, 40)
	fit, err := fitLogistic(x, 1, y, 1e-12)
	if err != nil {
		t.Fatal(err)
	}
	wantB0 := math.Log(30.0 / 70)
	wantB1 := math.Log(60.0/40) - wantB0
	wantSE1 := math.Sqrt(1.0/30 + 1.0/70 + 1.0/60 + 1.0/40)
	wantSE0 := math.Sqrt(1.0/30 + 1.0/70)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"β0", fit.beta[0], wantB0}, {"β1", fit.beta[1], wantB1},
		{"se0", fit.se[0], wantSE0}, {"se1", fit.se[1], wantSE1},
	} {
		if math.Abs(c.got-c.want) > 1e-6 {
			t.Errorf("%s = %.9f, want %.9f", c.name, c.got, c.want)
		}
	}
}

func TestFitLogisticPenaltyShrinks(t *testing.T) {
	r := newRNG(5)
	x, y := simulate(r, 2000, []float64{0, 1.5}, func(int) float64 { return float64(r.intn(2)) })
	loose, err := fitLogistic(x, 1, y, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	tight, err := fitLogistic(x, 1, y, 500)
	if err != nil {
		t.Fatal(err)
	}
	if !(math.Abs(tight.beta[1]) < math.Abs(loose.beta[1])/2) {
		t.Errorf("λ=500 gives β %v, λ≈0 gives %v: want strong shrinkage", tight.beta[1], loose.beta[1])
	}
}

func TestFitLogisticSeparatedDataStaysFinite(t *testing.T) {
	// The feature predicts the outcome perfectly: without a penalty β would diverge.
	x := []float64{0, 0, 0, 1, 1, 1}
	y := []bool{false, false, false, true, true, true}
	fit, err := fitLogistic(x, 1, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(fit.beta[1]) || math.IsInf(fit.beta[1], 0) || fit.beta[1] <= 0 {
		t.Errorf("β = %v, want finite and positive", fit.beta[1])
	}
}

func TestFitLogisticConstantColumns(t *testing.T) {
	r := newRNG(2)
	n := 500
	x := make([]float64, n*3)
	y := make([]bool, n)
	for i := range n {
		x[i*3+0] = 0 // never fires
		x[i*3+1] = float64(r.intn(2))
		x[i*3+2] = 1 // always fires
		y[i] = r.uniform() < sigmoid(-0.5+x[i*3+1])
	}
	fit, err := fitLogistic(x, 3, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	if fit.fitted[0] || !fit.fitted[1] || fit.fitted[2] {
		t.Errorf("fitted = %v, want [false true false]", fit.fitted)
	}
	if fit.beta[1] != 0 || fit.beta[3] != 0 || !math.IsNaN(fit.se[1]) {
		t.Errorf("constant columns: β %v, se %v", fit.beta, fit.se)
	}
}

func TestFitLogisticErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		p    int
		y    []bool
	}{
		{"no cases", nil, 1, nil},
		{"one outcome", []float64{0, 1}, 1, []bool{true, true}},
		{"NaN feature", []float64{0, math.NaN()}, 1, []bool{true, false}},
		{"infinite feature", []float64{math.Inf(-1), 0}, 1, []bool{true, false}},
		{"wrong shape", []float64{0, 1, 2}, 2, []bool{true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := fitLogistic(tc.x, tc.p, tc.y, 1); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestCholesky(t *testing.T) {
	a := []float64{4, 2, 2, 3}
	l, err := cholesky(a, 2)
	if err != nil {
		t.Fatal(err)
	}
	inv := cholInverse(l, 2)
	// a⁻¹ = 1/8 [3 −2; −2 4]
	want := []float64{3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8}
	for i := range want {
		if math.Abs(inv[i]-want[i]) > 1e-12 {
			t.Errorf("inverse[%d] = %v, want %v", i, inv[i], want[i])
		}
	}
	if _, err := cholesky([]float64{1, 2, 2, 1}, 2); err == nil {
		t.Error("an indefinite matrix factorised")
	}
}

// The penalty is what the ridge says: at the optimum, each column's score Σ (yᵢ − pᵢ) xᵢⱼ
// equals the penalty's gradient, λⱼ sⱼ² βⱼ on standardised coefficients and λⱼ βⱼ on raw
// ones, λⱼ being the column's own strength where it has one; and a raw penalty shrinks a
// rare 0/1 column far more than a standardised one.
func TestFitLogisticRidge(t *testing.T) {
	r := newRNG(31)
	const p = 3
	x, y := simulate(r, 3000, []float64{-1, 1.2, 0.5, 0.15}, func(j int) float64 {
		switch j {
		case 0: // a rare rule: fires in about 3% of the cases
			return b2f(r.intn(33) == 0)
		case 1: // a common one
			return b2f(r.intn(2) == 0)
		}
		return float64(r.intn(11)) // an event count
	})
	sd := make([]float64, p)
	for j := range p {
		var m, v float64
		for i := range y {
			m += x[i*p+j]
		}
		m /= float64(len(y))
		for i := range y {
			v += (x[i*p+j] - m) * (x[i*p+j] - m)
		}
		sd[j] = math.Sqrt(v / float64(len(y)))
	}
	stationary := func(name string, fit logitFit, lambda func(j int) float64) {
		t.Helper()
		g := gradientAt(x, p, y, fit, len(y))
		for j := range p {
			if want := lambda(j) * fit.beta[j+1]; math.Abs(g[j]-want) > 1e-6*max(1, math.Abs(want)) {
				t.Errorf("%s: column %d: score %v, want the penalty's gradient %v", name, j, g[j], want)
			}
		}
	}
	for _, pen := range []ridge{
		{lambda: 5},
		{lambda: 5, raw: true},
		{lambda: 5, column: []float64{0, 40, 0}},
		{lambda: 5, raw: true, column: []float64{0, 40, 0}},
	} {
		fit, err := fitLogisticWithout(x, p, y, pen, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		stationary(fmt.Sprintf("%+v", pen), fit, func(j int) float64 {
			l := pen.lambda
			if pen.column != nil && pen.column[j] > 0 {
				l = pen.column[j]
			}
			if !pen.raw {
				l *= sd[j] * sd[j]
			}
			return l
		})
	}
	std, err := fitLogisticWithout(x, p, y, ridge{lambda: 5}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := fitLogisticWithout(x, p, y, ridge{lambda: 5, raw: true}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !(raw.beta[1] < std.beta[1]*0.9) {
		t.Errorf("the rare column's β: %v with a raw penalty, %v standardised: want it shrunk more", raw.beta[1], std.beta[1])
	}
}
