//go:build arm64 || loong64 || s390x

package state

import "math"

// Exp2 is math.Exp2, which has an assembly version here (exp2.go is the others').
func Exp2(x float64) float64 { return math.Exp2(x) }
