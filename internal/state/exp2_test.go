package state

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Exp2 must give math.Exp2's bits: over the whole range (every power of two's neighbourhood,
// the edges of the normal and subnormal results, the decay arguments of real half-lives) and
// the special values.
func TestExp2MatchesMath(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 1023, 1024, -1022, -1023, -1024, -1074, -1075,
		1.0239999999999999e+03, -1.0740e+03, 1019.5, -1019.5, 1020.5, -1020.5, math.Inf(1), math.Inf(-1), math.NaN(),
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64}
	for k := -1080; k <= 1030; k++ {
		for _, d := range []float64{-0.5, -0.4999999999, -1e-9, 0, 1e-9, 0.4999999999, 0.5} {
			xs = append(xs, float64(k)+d)
		}
	}
	for range 300000 {
		switch r.IntN(3) {
		case 0:
			xs = append(xs, (r.Float64()*2-1)*1100)
		case 1:
			xs = append(xs, -r.ExpFloat64()*r.Float64()*50) // ages over half-lives, as Decay makes them
		default:
			xs = append(xs, math.Float64frombits(r.Uint64()))
		}
	}
	for _, x := range xs {
		got, want := Exp2(x), math.Exp2(x)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("Exp2(%v) = %v (%#x), math.Exp2 %v (%#x)", x, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
}

func BenchmarkExp2(b *testing.B) {
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = -float64(i) / 97
	}
	b.Run("state", func(b *testing.B) {
		s := 0.0
		for i := 0; b.Loop(); i++ {
			s += Exp2(xs[i&1023])
		}
		sink = s
	})
	b.Run("math", func(b *testing.B) {
		s := 0.0
		for i := 0; b.Loop(); i++ {
			s += math.Exp2(xs[i&1023])
		}
		sink = s
	})
}

var sink float64
