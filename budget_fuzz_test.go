//go:build linux

package leadscore_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// FuzzEvaluationBudget compiles expressions under DefaultLimits — generated from a small
// grammar of expr's constructs (gen), or raw source (raw) — into a rule set with one
// attribute rule and one event rule, and evaluates them with Observe and Score on leads and
// events derived from gen. Each call must return (a watchdog panics after fuzzHangAfter) and
// allocate at most evalAllocBound per evaluation: the step budget bounds strings and
// collections alike. Compile errors are fine; events beyond the size limits must be rejected
// as such. The corpus is seeded with every expression of the attack table.
//
// Under go test (the seed corpus), each input runs in a child of the attack harness, with its
// memory limit and timeout: an input that breaks the promise today would otherwise crash or
// hang the whole test binary. Under -fuzz, inputs run in the fuzz worker, whose address space
// is limited too, so a runaway allocation crashes the worker (and the engine keeps the input)
// instead of the machine.
func FuzzEvaluationBudget(f *testing.F) {
	for _, a := range attackTable() {
		if a.expr != "" {
			f.Add([]byte{}, a.expr)
		}
	}
	for _, seed := range generatorSeeds() {
		f.Add(seed, "")
	}
	f.Fuzz(func(t *testing.T, gen []byte, raw string) {
		if !fuzzWorker() {
			runFuzzInputInChild(t, gen, raw)
			return
		}
		workerLimit.Do(func() {
			if err := limitMemory(fuzzWorkerMemory); err != nil {
				t.Logf("fuzz worker runs without a memory limit: %v", err)
			}
		})
		if _, err := checkEvaluationBudget(gen, raw); err != nil {
			t.Fatal(err)
		}
	})
}

const (
	// fuzzAttackPrefix, followed by a file name, is the attack name of a fuzz input in a child.
	fuzzAttackPrefix = "fuzz:"
	// fuzzHangAfter is when the watchdog declares a call hung: far beyond what a budgeted
	// evaluation takes, even with the fuzzer's coverage instrumentation.
	fuzzHangAfter = 10 * time.Second
	// fuzzWorkerMemory is the address space a fuzz worker may map beyond what it has at its
	// first input.
	fuzzWorkerMemory = 2 << 30
)

var workerLimit sync.Once

// fuzzWorker reports whether this process is a worker of the fuzz engine (go test -fuzz).
func fuzzWorker() bool {
	f := flag.Lookup("test.fuzzworker")
	return f != nil && f.Value.String() == "true"
}

// fuzzInput is a fuzz input as a child reads it from its file.
type fuzzInput struct {
	Gen []byte `json:"gen"`
	Raw string `json:"raw"`
}

// runFuzzInputInChild runs one input in a child of the attack harness and fails t unless the
// child reports it kept the promise.
func runFuzzInputInChild(t *testing.T, gen []byte, raw string) {
	skipUnlessIsolatable(t)
	data, err := json.Marshal(fuzzInput{gen, raw})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "input.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	v := runChild(t, fuzzAttackPrefix+path, childTimeout, nil)
	if v.Outcome != outOK {
		t.Fatalf("%q: %s\n%s", cut(decodeFuzzInput(gen, raw).expr), v, v.Message)
	}
}

// runFuzzInput is the child side of runFuzzInputInChild.
func runFuzzInput(path string) verdict {
	data, err := os.ReadFile(path)
	if err != nil {
		return verdict{Outcome: outCrashed, Message: err.Error()}
	}
	var in fuzzInput
	if err := json.Unmarshal(data, &in); err != nil {
		return verdict{Outcome: outCrashed, Message: err.Error()}
	}
	v, err := checkEvaluationBudget(in.Gen, in.Raw)
	if err != nil {
		v.Outcome, v.Message = outFuzzFailure, err.Error()
	}
	return v
}

// checkEvaluationBudget compiles and evaluates one input and returns what is wrong with it.
// The verdict it returns carries the slowest call and the largest allocation.
func checkEvaluationBudget(gen []byte, raw string) (verdict, error) {
	in := decodeFuzzInput(gen, raw)
	v := verdict{Outcome: outOK}
	stop := watchdog(fuzzHangAfter, in.expr)
	defer stop()

	var s *leadscore.Scorer[leadscore.Lead]
	var observeEvals, scoreEvals uint64
	var err error
	v.CompileMS, v.CompileAlloc = measure(func() { s, observeEvals, scoreEvals, err = compileEither(in.expr) })
	if s == nil {
		return v, err
	}
	v.Evaluated = true
	bound := evalAllocBound(leadscore.DefaultLimits())
	check := func(call string, evals uint64, f func() error) error {
		var err error
		ms, alloc := measure(func() { err = f() })
		v.EvalMS, v.EvalAlloc = max(v.EvalMS, ms), max(v.EvalAlloc, alloc)
		if err != nil && !isEventTooLarge(err) {
			return fmt.Errorf("%s of %q: %v", call, cut(in.expr), err)
		}
		if limit := max(evals, 1) * bound; alloc > limit {
			return fmt.Errorf("%s of %q allocated %s in %.0f ms, over the bound of %s (%d evaluations)",
				call, cut(in.expr), mib(alloc), ms, mib(limit), evals)
		}
		return nil
	}
	var st leadscore.State
	if err := check("Observe", observeEvals, func() error {
		res, err := s.Observe(in.lead, &st, in.event)
		v.Errors += len(res.Errors)
		return err
	}); err != nil {
		return v, err
	}
	if err := check("Score", scoreEvals, func() error {
		res, err := s.Score(in.lead, &st, attackTime.Add(time.Hour))
		v.Errors += len(res.Errors)
		return err
	}); err != nil {
		return v, err
	}
	return v, nil
}

// compileEither compiles expr as both an attribute and an event rule, or failing that as
// whichever of the two compiles (an expression reading event cannot be an attribute rule),
// and says how many of its rules Observe and Score evaluate. It returns a nil Scorer when
// neither compiles, with an error only if a compile error is not a *RuleError.
func compileEither(expr string) (s *leadscore.Scorer[leadscore.Lead], observeEvals, scoreEvals uint64, err error) {
	attr := []leadscore.Rule{{ID: "attr", Dimension: leadscore.Fit, When: expr, Points: 1}}
	ev := []leadscore.EventRule{{ID: "event", When: expr, Points: 1}}
	for _, c := range []struct {
		cfg                leadscore.Config
		observe, scoreEval uint64
	}{
		{leadscore.Config{Rules: attr, Events: ev}, 2, 1},
		{leadscore.Config{Events: ev}, 1, 0},
		{leadscore.Config{Rules: attr}, 1, 1},
	} {
		s, err := leadscore.Compile[leadscore.Lead](c.cfg)
		if err == nil {
			return s, c.observe, c.scoreEval, nil
		}
		var re *leadscore.RuleError
		if !errors.As(err, &re) {
			return nil, 0, 0, fmt.Errorf("Compile(%q): %v is not a *RuleError", expr, err)
		}
	}
	return nil, 0, 0, nil
}

// watchdogMessage is in the panic of the watchdog, which the harness reports as a timeout.
const watchdogMessage = "did not return within"

// watchdog panics, killing the process with every goroutine's stack, unless stop is called
// within after: a hang becomes a crash the fuzz engine (or the harness) reports.
func watchdog(after time.Duration, expr string) (stop func()) {
	timer := time.AfterFunc(after, func() {
		debug.SetTraceback("all")
		panic(fmt.Sprintf("FuzzEvaluationBudget: %q %s %v", cut(expr), watchdogMessage, after))
	})
	return func() { timer.Stop() }
}

// decoded is a fuzz input made usable: the expression, and the lead and event to evaluate.
type decoded struct {
	expr  string
	lead  leadscore.Lead
	event leadscore.Event
}

// decodeFuzzInput takes the lead's and the event's sizes from gen's first four bytes, and the
// expression from raw or, when raw is empty, from the rest of gen through the grammar.
// Event sizes go past the default event limits (16 KiB strings, 1,000 elements), so some
// events must be rejected.
func decodeFuzzInput(gen []byte, raw string) decoded {
	var p [4]byte
	n := copy(p[:], gen)
	gen = gen[n:]
	var d decoded
	d.lead = leadscore.Lead{Title: strings.Repeat("VP ", int(p[0])*21), Name: "Ada", Email: "ada@example.com", Age: int(p[3])}
	d.event = leadscore.Event{
		Type: []string{leadscore.EventPageView, leadscore.EventCartAdd, "custom"}[p[3]%3],
		Time: attackTime,
		Properties: map[string]any{
			"s":        strings.Repeat("x", int(p[1])*256),
			"skus":     fuzzStrings(int(p[2])*8, "s"),
			"wishlist": fuzzStrings(int(p[2])*8, "w"),
			"n":        float64(p[3]),
		},
	}
	if raw != "" {
		d.expr = raw
	} else {
		g := &exprGen{b: gen}
		d.expr = g.program()
	}
	return d
}

func fuzzStrings(n int, prefix string) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%05d", prefix, i)
	}
	return out
}

// generatorSeeds are byte strings for the grammar: fixed pseudo-random bytes, so the seed
// corpus covers a spread of constructs.
func generatorSeeds() [][]byte {
	var seeds [][]byte
	x := uint64(0x9e3779b97f4a7c15)
	for i := range 12 {
		b := make([]byte, 16+8*i)
		for j := range b {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			b[j] = byte(x)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// exprGen generates an expression from bytes: each byte picks a production. When the bytes
// run out every choice is 0, which is a terminal, so generation always ends.
type exprGen struct {
	b     []byte
	vars  []string // let-bound strings in scope
	elem  string   // what # is in the innermost predicate: "int", "string" or ""
	acc   string   // what #acc is in the innermost reduce: "int", "string" or ""
	preds int      // predicates around the node being generated (more than 2 does not compile)
	// leaves is set inside predicates nested maxGenPreds deep: only leaves are generated there.
	leaves bool
}

// maxGenDepth bounds the nesting of generated expressions, and maxGenPreds that of their
// predicates (one more than DefaultLimits allows, so the limit is exercised too).
const (
	maxGenDepth = 5
	maxGenPreds = 3
)

func (g *exprGen) pick(n int) int {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return int(c) % n
}

func (g *exprGen) oneOf(xs ...string) string { return xs[g.pick(len(xs))] }

// program is up to four let declarations of strings, some doubling the previous one, and a
// condition.
func (g *exprGen) program() string {
	var b strings.Builder
	for i := range g.pick(5) {
		name := fmt.Sprintf("v%d", i)
		val := g.str(1)
		if i > 0 && g.pick(2) == 0 {
			val = g.vars[i-1] + " + " + g.vars[i-1]
		}
		fmt.Fprintf(&b, "let %s = %s; ", name, val)
		g.vars = append(g.vars, name)
	}
	b.WriteString(g.boolean(0))
	return b.String()
}

// pred generates a predicate's body with # (and #acc, in reduce) of the given kinds.
func (g *exprGen) pred(elem, acc string, body func() string) string {
	saveElem, saveAcc, saveLeaves := g.elem, g.acc, g.leaves
	g.elem, g.acc = elem, acc
	g.preds++
	g.leaves = g.preds >= maxGenPreds
	s := body()
	g.preds--
	g.elem, g.acc, g.leaves = saveElem, saveAcc, saveLeaves
	return "{" + s + "}"
}

func (g *exprGen) boolean(d int) string {
	if d >= maxGenDepth || g.leaves {
		return "len(" + g.strLeaf() + ") > 3"
	}
	d++
	switch g.pick(10) {
	case 0:
		return fmt.Sprintf("len(%s) > %s", g.str(d), g.intLit())
	case 1:
		return fmt.Sprintf("%s == %s", g.str(d), g.str(d))
	case 2:
		return fmt.Sprintf("%s %s %s", g.str(d), g.oneOf("contains", "startsWith", "endsWith"), g.str(d))
	case 3:
		return fmt.Sprintf("%s(%s, %s)", g.oneOf("all", "any", "none", "one"), g.ints(d),
			g.pred("int", "", func() string { return g.boolean(d) }))
	case 4:
		return fmt.Sprintf("%s(%s, %s)", g.oneOf("all", "any", "none", "one"), g.strs(d),
			g.pred("string", "", func() string { return g.boolean(d) }))
	case 5:
		return fmt.Sprintf("%s matches %q", g.str(d), g.oneOf("^x+$", "a|b", "(x|y)*z", "^$"))
	case 6:
		return fmt.Sprintf("%s in %s", g.str(d), g.strs(d))
	case 7:
		return fmt.Sprintf("%s > %s", g.integer(d), g.integer(d))
	case 8:
		return "not (" + g.boolean(d) + ")"
	default:
		return fmt.Sprintf("(%s) %s (%s)", g.boolean(d), g.oneOf("&&", "||"), g.boolean(d))
	}
}

func (g *exprGen) strLeaf() string {
	leaves := []string{`"a"`, `""`, `"x"`, `"aaaaaaaaaa"`, `"` + x16 + `"`, `" a "`, "lead.Title", "lead.Email", "event.Type"}
	leaves = append(leaves, g.vars...)
	if g.elem == "string" {
		leaves = append(leaves, "#", "#", "#")
	}
	if g.acc == "string" {
		leaves = append(leaves, "#acc", "#acc", "#acc")
	}
	return leaves[g.pick(len(leaves))]
}

func (g *exprGen) str(d int) string {
	if d >= maxGenDepth || g.leaves {
		return g.strLeaf()
	}
	d++
	switch g.pick(12) {
	case 0, 1:
		return g.strLeaf()
	case 2:
		return g.str(d) + " + " + g.str(d)
	case 3:
		return fmt.Sprintf("replace(%s, %s, %s)", g.str(d), g.oneOf(`"a"`, `"x"`, `""`), g.str(d))
	case 4:
		return fmt.Sprintf("%s(%s)", g.oneOf("upper", "lower", "trim", "toBase64"), g.str(d))
	case 5:
		return fmt.Sprintf("%s(%s, %s)", g.oneOf("trim", "trimPrefix", "trimSuffix"), g.str(d), g.oneOf(`"x"`, `"a"`, `" "`))
	case 6:
		return fmt.Sprintf("join(%s, %s)", g.strs(d), g.str(d))
	case 7:
		if g.pick(2) == 0 {
			return fmt.Sprintf("%s(%s)", g.oneOf("toJSON", "string"), g.strs(d))
		}
		return fmt.Sprintf("%s(%s)", g.oneOf("toJSON", "string"), g.ints(d))
	case 8:
		return fmt.Sprintf("reduce(%s, %s, %s)", g.ints(d), g.pred("int", "string", func() string { return "#acc + " + g.str(d) }), g.str(d))
	case 9:
		return "string(event.Properties.s)"
	case 10:
		return fmt.Sprintf("(%s ? %s : %s)", g.boolean(d), g.str(d), g.str(d))
	default:
		return fmt.Sprintf("%s(%s)", g.oneOf("first", "last"), g.strs(d)) + ` ?? ""`
	}
}

func (g *exprGen) strs(d int) string {
	if d >= maxGenDepth || g.leaves {
		return fmt.Sprintf("split(%s, %q)", g.strLeaf(), g.oneOf("", "a", "x"))
	}
	d++
	switch g.pick(9) {
	case 0:
		return fmt.Sprintf("split(%s, %s)", g.str(d), g.oneOf(`""`, `"a"`, `"x"`))
	case 1:
		return fmt.Sprintf("map(%s, %s)", g.ints(d), g.pred("int", "", func() string { return g.str(d) }))
	case 2:
		return fmt.Sprintf("[%s, %s, %s]", g.str(d), g.str(d), g.str(d))
	case 3:
		return "event.Properties." + g.oneOf("skus", "wishlist")
	case 4:
		return fmt.Sprintf("concat(%s, %s)", g.strs(d), g.strs(d))
	case 5:
		return fmt.Sprintf("flatten([%s, %s])", g.strs(d), g.strs(d))
	case 6:
		return fmt.Sprintf("splitAfter(%s, %s)", g.str(d), g.oneOf(`""`, `"a"`, `"x"`))
	case 7:
		return fmt.Sprintf("filter(%s, %s)", g.strs(d), g.pred("string", "", func() string { return g.boolean(d) }))
	default:
		return fmt.Sprintf("%s(%s)", g.oneOf("sort", "reverse", "uniq"), g.strs(d))
	}
}

func (g *exprGen) ints(d int) string {
	if d >= maxGenDepth || g.leaves {
		return g.rangeLit()
	}
	d++
	switch g.pick(7) {
	case 0, 1:
		return g.rangeLit()
	case 2:
		return fmt.Sprintf("filter(%s, %s)", g.ints(d), g.pred("int", "", func() string { return g.boolean(d) }))
	case 3:
		return fmt.Sprintf("map(%s, %s)", g.ints(d), g.pred("int", "", func() string { return g.integer(d) }))
	case 4:
		return fmt.Sprintf("sortBy(%s, %s)", g.ints(d), g.pred("int", "", func() string { return g.integer(d) }))
	case 5:
		return fmt.Sprintf("%s(%s)", g.oneOf("reverse", "uniq", "sort"), g.ints(d))
	default:
		return fmt.Sprintf("concat(%s, %s)", g.ints(d), g.ints(d))
	}
}

func (g *exprGen) rangeLit() string {
	return "1.." + g.oneOf("0", "1", "10", "100", "1000", "1000", "1001", "9223372036854775807")
}

func (g *exprGen) intLit() string { return g.oneOf("0", "1", "3", "1000", "65536") }

func (g *exprGen) integer(d int) string {
	leaf := func() string {
		leaves := []string{g.intLit(), "lead.Age"}
		if g.elem == "int" {
			leaves = append(leaves, "#", "#")
		}
		if g.acc == "int" {
			leaves = append(leaves, "#acc", "#acc")
		}
		return leaves[g.pick(len(leaves))]
	}
	if d >= maxGenDepth || g.leaves {
		return leaf()
	}
	d++
	switch g.pick(8) {
	case 0, 1:
		return leaf()
	case 2:
		switch g.pick(3) {
		case 0:
			return fmt.Sprintf("len(%s)", g.str(d))
		case 1:
			return fmt.Sprintf("len(%s)", g.strs(d))
		}
		return fmt.Sprintf("len(%s)", g.ints(d))
	case 3:
		return fmt.Sprintf("indexOf(%s, %s)", g.str(d), g.str(d))
	case 4:
		return g.integer(d) + " + " + g.integer(d)
	case 5:
		return fmt.Sprintf("sum(%s)", g.ints(d))
	case 6:
		return fmt.Sprintf("reduce(%s, %s, 0)", g.ints(d), g.pred("int", "int", func() string { return "#acc + " + g.integer(d) }))
	default:
		return fmt.Sprintf("sum(%s, %s)", g.ints(d), g.pred("int", "", func() string { return g.integer(d) }))
	}
}
