//go:build !arm64 && !loong64 && !s390x

package state

import "math"

// Exp2 is math.Exp2, bit for bit, in about 60 % of the time, on the platforms where
// math.Exp2 is Go code (amd64, 386, riscv64, ppc64le, …; exp2_arch.go is math.Exp2 itself on the others):
// decay takes one per event rule per evaluation, a fifth of an Observe. The argument
// reduction, the polynomial and their constants are Go's exp2 and expmulti (Go's math
// package, BSD licence, after FreeBSD's e_exp.c), unchanged, written as one function; only
// the final scaling by 2**k is a multiplication where Ldexp's result is normal, which is then
// exact, so the two agree. TestExp2MatchesMath holds it to math.Exp2.
func Exp2(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10

		overflow  = 1.0239999999999999e+03
		underflow = -1.0740e+03

		p1 = 1.66666666666666657415e-01
		p2 = -2.77777777770155933842e-03
		p3 = 6.61375632143793436117e-05
		p4 = -1.65339022054652515390e-06
		p5 = 4.13813679705723846039e-08
	)
	switch {
	case x != x: // NaN
		return x
	case x > overflow:
		return math.Inf(1)
	case x < underflow:
		return 0
	}
	var k int
	switch {
	case x > 0:
		k = int(x + 0.5)
	case x < 0:
		k = int(x - 0.5)
	}
	t := x - float64(k)
	// hi and lo are rounded, as math.exp2 rounds them passing them to expmulti: without
	// the conversions a compiler that fuses multiply-adds (riscv64, ppc64le, amd64 v3) may
	// fuse them into what follows, and the last bit differs from math.Exp2's.
	hi := float64(t * ln2Hi)
	lo := float64(-t * ln2Lo)
	r := hi - lo
	t = r * r
	c := r - t*(p1+t*(p2+t*(p3+t*(p4+t*p5))))
	y := 1 - ((lo - (r*c)/(2-c)) - hi)
	// y is within [0.7, 1.5): times 2**k it is normal, and the product exact, for these k.
	if k > -1020 && k < 1020 {
		return y * math.Float64frombits(uint64(k+1023)<<52)
	}
	return math.Ldexp(y, k)
}
