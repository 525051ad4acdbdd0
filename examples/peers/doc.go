// Package peers measures leadscore against the alternatives a team would otherwise reach for,
// on the same 30 rules: the same rules written in Go by hand (the floor), expr with one
// compiled program per rule run on a reused VM, and cel-go with one program per rule.
//
// It is a module of its own so that cel-go stays out of leadscore's dependencies. Run it from
// this directory:
//
//	go test -run '^$' -bench . -count=10 | tee peers.txt
//	benchstat peers.txt
//
// BENCHMARKS.md at the root of the repository has the results and how to read them.
package peers
