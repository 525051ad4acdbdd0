// Package ruletests shows how a team tests its own rule set: rules.json is the rule set of a
// (fictional) scheduling-software company, cases.json and rules_test.go its cases, run with
// leadscoretest like any other Go test:
//
//	go test ./examples/ruletests
//	go test ./examples/ruletests -update   # rewrite the golden hand-off texts
//
// The same files work with the command-line tool:
//
//	leadscore test -rules examples/ruletests/rules.json examples/ruletests/cases.json
package ruletests
