package leadscore

// compileFast sets p's fast-path closures where the expression has a shape it knows. The
// closures must agree exactly with running p.prog on the VM (fastpath_test.go checks it).
func compileFast[L any](p *program[L], asBool bool) {}
