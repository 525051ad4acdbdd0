package fastpath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/leadscore/leadscore/internal/classify"
)

// The fast path must agree with expr's VM: the same result where the VM succeeds, a hand-over
// where it fails. These tests compile generated expressions over testEnv with expr, compile
// the checked AST with a Plan, and run both on generated environments. (The root package's
// fastpath_agreement_test.go does the same through a Scorer, with its patcher and built-ins.)

// testEnv has every kind of field the fast path reads, and some it leaves to the VM: narrower
// numeric types, pointers that may be nil, embedded structs (by value and by pointer), expr
// tags, a named type, maps, slices read at constant indexes.
type testEnv struct {
	Lead   testLead  `expr:"lead"`
	Event  testEvent `expr:"event"`
	Owner  *testCo   `expr:"owner"`
	Now    time.Time `expr:"now"`
	Stage  string    `expr:"stage"`
	Score  float64   `expr:"score"`
	Level  int8      `expr:"level"`
	Counts []int     `expr:"counts"`
	Ages   []float64 `expr:"ages"`
	Flags  []bool    `expr:"flags"`
}

type testLead struct {
	Name, Title, Email string
	N, M               int
	I8                 int8
	I32                int32
	I64                int64
	F, G               float64
	F32                float32
	B, C               bool
	T                  time.Time
	Label              testLabel // a named string: the VM's rules for it are its own
	Co                 testCo
	Ptr                *testCo
	Renamed            string `expr:"nick"`
	Traits             map[string]any
	Tags               []string
	testEmbedded
	*testPtrEmbedded
}

type testLabel string

type testCo struct {
	Name   string
	Size   int
	Rev    float64
	Public bool
	Since  time.Time
}

type testEmbedded struct {
	EmbN int
	EmbS string
}

type testPtrEmbedded struct {
	PEmbN int
	PEmbS string
}

type testEvent struct {
	Type, Path string
	Value      float64
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// yearsBetween is the test's func(time.Time, time.Time) float64.
func yearsBetween(now, t time.Time) float64 {
	if t.IsZero() || !t.Before(now) {
		return 0
	}
	return now.Sub(t).Hours() / (24 * 365.25)
}

var testLists = map[string][]string{"targets": {"globex.example", "VP Sales"}, "competitors": {"gmail.com"}, "empty": {}}

func testDescription() Description {
	lists := map[string]classify.List{}
	for name, values := range testLists {
		lists[name] = classify.NewList(values)
	}
	return Description{
		Event:  "Event",
		Stable: "Lead",
		Slices: []string{"Counts", "Ages", "Flags"},
		Funcs: map[string]any{
			"domain": classify.Domain, "seniority": classify.Seniority,
			"free_email": classify.FreeEmail, "academic": classify.Academic, "years": yearsBetween,
		},
		Listed: "listed",
		Lists:  lists,
	}
}

// exprOptions declares to expr the functions testDescription gives the fast path.
func exprOptions(asBool bool) []expr.Option {
	str := func(f func(string) string) func(...any) (any, error) {
		return func(a ...any) (any, error) { return f(a[0].(string)), nil }
	}
	pred := func(f func(string) bool) func(...any) (any, error) {
		return func(a ...any) (any, error) { return f(a[0].(string)), nil }
	}
	d := testDescription()
	opts := []expr.Option{
		expr.Env(testEnv{}),
		expr.Function("domain", str(classify.Domain), new(func(string) string)),
		expr.Function("seniority", str(classify.Seniority), new(func(string) string)),
		expr.Function("free_email", pred(classify.FreeEmail), new(func(string) bool)),
		expr.Function("academic", pred(classify.Academic), new(func(string) bool)),
		expr.Function("years", func(a ...any) (any, error) {
			return yearsBetween(a[0].(time.Time), a[1].(time.Time)), nil
		}, new(func(time.Time, time.Time) float64)),
		expr.Function("listed", func(a ...any) (any, error) {
			l, ok := d.Lists[a[0].(string)]
			return ok && l.Contains(a[1].(string)), nil
		}, new(func(string, string) bool)),
		// A user's function: the fast path leaves it to the VM.
		expr.Function("shout", str(strings.ToUpper), new(func(string) string)),
	}
	if asBool {
		return append(opts, expr.AsBool())
	}
	return append(opts, expr.AsFloat64())
}

// Values environments are drawn from: edges of every type.
var (
	testStrings = []string{
		"", "a", "VP Sales", "Chief Executive Officer", "Director of Marketing", "Intern",
		"dana@gmail.com", "x@mit.edu", "bob@globex.example", "Ünïcode ⌘", "  padded  ", "abc", "ab",
	}
	testInts   = []int{0, 1, -1, 2, 3, 9, 10, 49, 50, 999, 1000, 1 << 40, math.MaxInt64, math.MinInt64}
	testFloats = []float64{0, math.Copysign(0, -1), 0.5, -2.5, 1e7, 3, math.Inf(1), math.Inf(-1), math.NaN(), 1e-300}
	testTimes  = []time.Time{
		{}, t0, t0.AddDate(-5, 0, 0), t0.AddDate(1, 0, 0), t0.In(time.FixedZone("X", -7*3600)),
		time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
	}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func genEnv(r *rand.Rand) testEnv {
	co := func() testCo {
		return testCo{Name: pick(r, testStrings), Size: pick(r, testInts), Rev: pick(r, testFloats), Public: r.IntN(2) == 0, Since: pick(r, testTimes)}
	}
	l := testLead{
		Name: pick(r, testStrings), Title: pick(r, testStrings), Email: pick(r, testStrings),
		N: pick(r, testInts), M: pick(r, testInts),
		I8: int8(pick(r, []int{0, 1, -1, 127, -128})), I32: int32(pick(r, []int{0, 7, -7, math.MaxInt32, math.MinInt32})),
		I64: int64(pick(r, testInts)), F: pick(r, testFloats), G: pick(r, testFloats),
		F32: float32(pick(r, []float64{0, 0.1, -1.5, 1e30, 3})), B: r.IntN(2) == 0, C: r.IntN(2) == 0,
		T: pick(r, testTimes), Label: testLabel(pick(r, testStrings)), Co: co(), Renamed: pick(r, testStrings),
		testEmbedded: testEmbedded{EmbN: pick(r, testInts), EmbS: pick(r, testStrings)},
	}
	if r.IntN(3) > 0 {
		c := co()
		l.Ptr = &c
	}
	if r.IntN(3) > 0 {
		l.testPtrEmbedded = &testPtrEmbedded{PEmbN: pick(r, testInts), PEmbS: pick(r, testStrings)}
	}
	if r.IntN(2) == 0 {
		l.Traits = map[string]any{"x": pick(r, testInts), "s": pick(r, testStrings)}
	}
	e := testEnv{
		Lead:  l,
		Event: testEvent{Type: pick(r, []string{"page_view", "signup", ""}), Path: pick(r, testStrings), Value: pick(r, testFloats)},
		Now:   pick(r, testTimes), Stage: pick(r, testStrings), Score: pick(r, testFloats), Level: int8(pick(r, []int{0, 1, -128})),
		Counts: []int{pick(r, testInts), pick(r, testInts), pick(r, testInts)},
		Ages:   []float64{pick(r, testFloats), pick(r, testFloats)},
		Flags:  []bool{r.IntN(2) == 0, r.IntN(2) == 0},
	}
	if r.IntN(2) == 0 {
		c := co()
		e.Owner = &c
	}
	return e
}

// assign copies src into the bound environment dst, writing its slices in place as
// Description.Slices requires.
func assign(dst *testEnv, src testEnv) {
	counts, ages, flags := dst.Counts, dst.Ages, dst.Flags
	copy(counts, src.Counts)
	copy(ages, src.Ages)
	copy(flags, src.Flags)
	*dst = src
	dst.Counts, dst.Ages, dst.Flags = counts, ages, flags
}

func newVars() *testEnv {
	return &testEnv{Counts: make([]int, 3), Ages: make([]float64, 2), Flags: make([]bool, 2)}
}

// gen generates expressions over testEnv.
type gen struct{ r *rand.Rand }

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) str(d int) string {
	if d <= 0 || g.r.IntN(3) == 0 {
		leaves := []string{
			"lead.Name", "lead.Title", "lead.Email", "lead.Co.Name", "lead.Ptr.Name", "lead.nick",
			"lead.EmbS", "lead.PEmbS", "stage", "event.Type", "event.Path", "owner.Name",
			fmt.Sprintf("%q", pick(g.r, testStrings)), fmt.Sprintf("%q", pick(g.r, testStrings)),
		}
		if g.r.IntN(20) == 0 {
			leaves = append(leaves, "lead.Label", "lead.Traits.s", "lead.Tags[0]", `shout(lead.Name)`)
		}
		return pick(g.r, leaves)
	}
	switch g.r.IntN(9) {
	case 0:
		return fmt.Sprintf("%s(%s)", g.pick("seniority", "domain"), g.str(d-1))
	case 1:
		return fmt.Sprintf("%s(%s)", g.pick("lower", "upper", "trim"), g.str(d-1))
	case 2:
		return fmt.Sprintf("(%s + %s)", g.str(d-1), g.str(d-1))
	case 3:
		return fmt.Sprintf("(%s ? %s : %s)", g.bool(d-1), g.str(d-1), g.str(d-1))
	case 4:
		return fmt.Sprintf("(%s ?? %s)", g.str(d-1), g.str(d-1))
	case 5:
		return fmt.Sprintf("%s(%s, %q)", g.pick("trimPrefix", "trimSuffix", "trim"), g.str(d-1), g.pick("a", "V", "m", " "))
	}
	return g.str(0)
}

func (g *gen) num(d int) string {
	if d <= 0 || g.r.IntN(3) == 0 {
		leaves := []string{
			"lead.N", "lead.M", "lead.I8", "lead.I32", "lead.I64", "lead.F", "lead.G", "lead.F32",
			"lead.Co.Size", "lead.Co.Rev", "lead.Ptr.Size", "lead.Ptr.Rev", "lead.EmbN", "lead.PEmbN",
			"score", "level", "event.Value", "owner.Size", fmt.Sprint(pick(g.r, []int{0, 1, 2, 3, 10, 50, 1000})),
			g.pick("0.5", "1e7", "2.5", "1.0", "0.0", "-3", "-0.5", "100"),
			"counts[0]", "counts[2]", "ages[1]", "now.Year()", "lead.T.Year()", "lead.Co.Since.YearDay()", "now.Unix()",
		}
		if g.r.IntN(20) == 0 {
			leaves = append(leaves, "lead.Traits.x", "len(lead.Tags)", "counts[-1]")
		}
		return pick(g.r, leaves)
	}
	switch g.r.IntN(9) {
	case 0, 1, 2:
		return fmt.Sprintf("(%s %s %s)", g.num(d-1), g.pick("+", "-", "*", "/", "%", "**"), g.num(d-1))
	case 3:
		return fmt.Sprintf("-%s", g.num(d-1))
	case 4:
		return fmt.Sprintf("len(%s)", g.str(d-1))
	case 5:
		return fmt.Sprintf("(%s ? %s : %s)", g.bool(d-1), g.num(d-1), g.num(d-1))
	case 6:
		return fmt.Sprintf("years(now, %s)", g.time())
	case 7:
		return fmt.Sprintf("(%s ?? %s)", g.num(d-1), g.num(d-1))
	}
	return g.num(0)
}

func (g *gen) time() string {
	return g.pick("lead.T", "now", "lead.Co.Since", "lead.Ptr.Since", "owner.Since")
}

func (g *gen) bool(d int) string {
	if d <= 0 || g.r.IntN(4) == 0 {
		return g.pick("lead.B", "lead.C", "lead.Co.Public", "lead.Ptr.Public", "flags[0]", "flags[1]", "true", "false")
	}
	switch g.r.IntN(16) {
	case 0, 1:
		return fmt.Sprintf("%s %s %s", g.num(d-1), g.pick("==", "!=", "<", ">", "<=", ">="), g.num(d-1))
	case 2:
		return fmt.Sprintf("%s %s %s", g.str(d-1), g.pick("==", "!=", "<", ">", "<=", ">="), g.str(d-1))
	case 3:
		return fmt.Sprintf("%s %s %s", g.str(d-1), g.pick("contains", "startsWith", "endsWith"), g.str(d-1))
	case 4:
		var set []string
		for range g.r.IntN(12) {
			set = append(set, fmt.Sprintf("%q", pick(g.r, testStrings)))
		}
		return fmt.Sprintf("%s %s [%s]", g.str(d-1), g.pick("in", "not in"), strings.Join(set, ", "))
	case 5:
		var set []string
		for range 1 + g.r.IntN(5) {
			set = append(set, g.pick("0", "1", "3", "50", "1000", "2.5", "1.0", "-1"))
		}
		return fmt.Sprintf("%s %s [%s]", g.num(d-1), g.pick("in", "not in"), strings.Join(set, ", "))
	case 6:
		return fmt.Sprintf("(%s %s %s)", g.bool(d-1), g.pick("and", "&&", "or", "||"), g.bool(d-1))
	case 7:
		return fmt.Sprintf("%s(%s)", g.pick("!", "not "), g.bool(d-1))
	case 8:
		return fmt.Sprintf("(%s ? %s : %s)", g.bool(d-1), g.bool(d-1), g.bool(d-1))
	case 9:
		return fmt.Sprintf("%s %s %s", g.time(), g.pick("==", "!=", "<", ">", "<=", ">="), g.time())
	case 10:
		return fmt.Sprintf("%s.%s", g.time(), g.pick("IsZero()", "Before(now)", "After(lead.T)", "Equal(now)"))
	case 11:
		return fmt.Sprintf("%s(%s)", g.pick("free_email", "academic"), g.str(d-1))
	case 12:
		return fmt.Sprintf("listed(%q, %s)", g.pick("targets", "competitors", "nowhere", "empty"), g.str(d-1))
	case 13:
		return fmt.Sprintf("%s matches %q", g.str(d-1), g.pick("^V", "(?i)chief", "@.*\\.edu$", "[0-9]"))
	case 14:
		return fmt.Sprintf("%s(%s, %s)", g.pick("hasPrefix", "hasSuffix"), g.str(d-1), g.str(d-1))
	}
	return fmt.Sprintf("(%s ?? %s)", g.bool(d-1), g.bool(d-1))
}

// testCase is one expression compiled both ways.
type testCase struct {
	src    string
	prog   *vm.Program
	fast   Compiled[testEnv]
	asBool bool
}

// compileBoth compiles src with expr and, if expr accepts it, with p. ok is false when expr
// rejects it; fast is the zero Compiled when the fast path does.
func compileBoth(p *Plan[testEnv], src string, asBool bool) (c testCase, ok bool) {
	prog, err := expr.Compile(src, exprOptions(asBool)...)
	if err != nil {
		return testCase{}, false
	}
	c = testCase{src: src, prog: prog, asBool: asBool}
	c.fast, _ = p.Compile(prog.Node(), asBool)
	return c, true
}

func (c testCase) compiled() bool { return c.fast.Bool != nil || c.fast.Num != nil }

// check runs c on the environment f is bound to, both ways, and describes any disagreement
// ("" if none).
func (c testCase) check(f *Env[testEnv]) string {
	out, vmErr := expr.Run(c.prog, *f.vars)
	var fast any
	var ok bool
	if c.asBool {
		fast, ok = f.RunBool(c.fast.Bool)
	} else {
		fast, ok = f.RunNum(c.fast.Num)
	}
	switch {
	case vmErr != nil && ok:
		return fmt.Sprintf("VM failed (%v), fast path gave %v", strings.SplitN(vmErr.Error(), "\n", 2)[0], fast)
	case vmErr == nil && !ok:
		return fmt.Sprintf("fast path handed over, but the VM succeeded with %v", out)
	case vmErr != nil:
		return ""
	}
	if !sameValue(out, fast) {
		return fmt.Sprintf("VM %v (%T), fast path %v", out, out, fast)
	}
	return ""
}

// sameValue compares results exactly: floats by bits, NaN equal to NaN.
func sameValue(vm, fast any) bool {
	switch v := vm.(type) {
	case float64:
		f, ok := fast.(float64)
		return ok && (math.Float64bits(f) == math.Float64bits(v) || (math.IsNaN(f) && math.IsNaN(v)))
	case bool:
		f, ok := fast.(bool)
		return ok && f == v
	}
	return false
}

// TestAgreement compiles generated expressions into one Plan (so they share fields, memo
// slots and the staging of the ones that fail) and checks each on generated environments.
func TestAgreement(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 2026))
	n := 3000
	if testing.Short() {
		n = 500
	}
	p := NewPlan[testEnv](testDescription())
	var cases []testCase
	compiled := 0
	for i := range n {
		g := &gen{r: r}
		asBool := i%2 == 0
		src := g.num(1 + r.IntN(4))
		if asBool {
			src = g.bool(1 + r.IntN(4))
		}
		c, ok := compileBoth(p, src, asBool)
		if !ok {
			continue
		}
		compiled++
		if c.compiled() {
			cases = append(cases, c)
		}
	}
	t.Logf("%d expressions compiled, %d (%.0f%%) on the fast path", compiled, len(cases), 100*float64(len(cases))/float64(max(compiled, 1)))
	if compiled < n/4 || len(cases) < compiled/2 {
		t.Fatalf("only %d of %d generated expressions compiled, %d on the fast path: the generator has drifted", compiled, n, len(cases))
	}
	vars := newVars()
	var f Env[testEnv]
	f.Bind(p, vars)
	for range 40 {
		e := genEnv(r)
		assign(vars, e)
		f.Load()
		for _, c := range cases {
			if msg := c.check(&f); msg != "" {
				t.Fatalf("%s\nenv %+v\n%s", c.src, e, msg)
			}
		}
	}
}

// FuzzAgreement compiles an arbitrary expression as a boolean and as a number and checks, on
// an environment built from the other inputs, that the fast path and the VM agree.
func FuzzAgreement(f *testing.F) {
	f.Add(`lead.N >= 1000 && lead.Title startsWith "VP"`, int64(1200), 2.5, "VP Sales", true)
	f.Add(`lead.Ptr.Size % lead.M > 0 || lead.F / 0 > 1`, int64(0), math.Inf(1), "", false)
	f.Add(`seniority(lead.Title) in ["c_level", "vp"] ? lead.I8 : -lead.I64`, int64(-128), 0.0, "Chief Executive Officer", true)
	f.Add(`lead.Co.Rev ** 2 - now.Year() * lead.F32 in [1, 2.5, "x"]`, int64(math.MaxInt64), math.NaN(), "x@mit.edu", false)
	f.Add(`counts[1] + ages[0] > lead.PEmbN || flags[1]`, int64(3), math.Copysign(0, -1), "", true)
	f.Add(`listed("targets", domain(lead.Email)) && years(now, owner.Since) > level`, int64(7), 1e7, "globex.example", true)
	f.Fuzz(func(t *testing.T, src string, n int64, x float64, s string, b bool) {
		if len(src) > 300 {
			return
		}
		e := testEnv{
			Lead: testLead{
				Name: s, Title: s, Email: s + "@" + s, N: int(n), M: int(n >> 3), I8: int8(n), I32: int32(n), I64: n,
				F: x, G: -x, F32: float32(x), B: b, C: !b, T: t0.Add(time.Duration(n)), Co: testCo{Name: s, Size: int(n), Rev: x},
				Renamed: s, testEmbedded: testEmbedded{EmbN: int(n), EmbS: s},
			},
			Event: testEvent{Type: s, Path: s, Value: x}, Now: t0.Add(time.Duration(n) % (1000 * 24 * time.Hour)),
			Stage: s, Score: x, Level: int8(n >> 8), Counts: []int{int(n), -int(n), 0}, Ages: []float64{x, -x}, Flags: []bool{b, !b},
		}
		if b {
			e.Lead.Ptr = &testCo{Name: s, Size: -int(n), Rev: x / 3, Public: true, Since: t0}
			e.Lead.testPtrEmbedded = &testPtrEmbedded{PEmbN: int(n % 7), PEmbS: s}
		} else {
			e.Owner = &testCo{Name: s, Size: int(n % 11), Since: t0.AddDate(-int(n%30), 0, 0)}
		}
		for _, asBool := range []bool{true, false} {
			p := NewPlan[testEnv](testDescription())
			c, ok := compileBoth(p, src, asBool)
			if !ok || !c.compiled() {
				continue
			}
			vars := newVars()
			var f Env[testEnv]
			if !bindInRange(&f, p, vars) {
				continue
			}
			assign(vars, e)
			f.Load()
			if msg := c.check(&f); msg != "" {
				t.Fatalf("%s (asBool %v): %s", src, asBool, msg)
			}
		}
	})
}

// bindInRange binds f, or returns false where an expression reads past the end of one of the
// Slices: Description.Slices rules that out (Bind panics), as the root's patcher guarantees.
func bindInRange(f *Env[testEnv], p *Plan[testEnv], vars *testEnv) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if !strings.Contains(fmt.Sprint(r), "an expression reads element") {
				panic(r)
			}
			ok = false
		}
	}()
	f.Bind(p, vars)
	return true
}

// An int field between two bounds is fused into one range test: at and around every bound,
// it must agree with the VM.
func TestRanges(t *testing.T) {
	exprs := []string{
		"lead.N >= 50 && lead.N < 1000", "lead.N > 0 && lead.N <= 10", "lead.N > 10 && lead.N < 5",
		"lead.N >= 3 && lead.N >= 7 && lead.N < 9", "lead.N > 9223372036854775806 && lead.N <= 9223372036854775807",
		"lead.N < -9223372036854775807 && lead.N >= -9223372036854775807", "lead.N > 1 && lead.M < 3",
		"lead.N == 5 && lead.N >= 5", "counts[1] >= 3 && counts[1] < 10",
	}
	values := []int{math.MinInt64, math.MinInt64 + 1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 49, 50, 51, 999, 1000, 1001, math.MaxInt64 - 1, math.MaxInt64}
	for _, src := range exprs {
		p := NewPlan[testEnv](testDescription())
		c, ok := compileBoth(p, src, true)
		if !ok || !c.compiled() {
			t.Fatalf("%s: not compiled to the fast path", src)
		}
		vars := newVars()
		var f Env[testEnv]
		f.Bind(p, vars)
		for _, v := range values {
			assign(vars, testEnv{Lead: testLead{N: v, M: v}, Counts: []int{0, v, 0}})
			f.Load()
			if msg := c.check(&f); msg != "" {
				t.Fatalf("%s with %d: %s", src, v, msg)
			}
		}
	}
}

// What the fast path leaves to the VM, whole, and what it hands over at run time.
func TestHandOver(t *testing.T) {
	p := NewPlan[testEnv](testDescription())
	for _, src := range []string{
		`lead.Traits.x > 1`, `shout(lead.Name) == "A"`, `lead.Label == lead.Label`, `counts[-1] > 0`,
		`lead.N > 1 && len(lead.Tags) > 0`, `lead.Tags[0] == "a"`, `lead.Name matches lead.Title`,
	} {
		c, ok := compileBoth(p, src, true)
		if !ok {
			t.Fatalf("%s: expr rejects it", src)
		}
		if c.compiled() {
			t.Errorf("%s: compiled to the fast path", src)
		}
	}
	// Nothing those expressions staged joined the plan, not even lead.N.
	if len(p.fields) != 0 || p.slots != [nKinds]int{} || p.indirect != 0 || p.memos != 0 {
		t.Errorf("rejected expressions left fields in the plan: %+v, slots %v", p.fields, p.slots)
	}

	var cases []testCase
	for _, src := range []string{`lead.Ptr.Size > 0`, `lead.PEmbN > 0`, `owner.Name == ""`, `lead.N % lead.M == 0`, `listed("nowhere", lead.Ptr.Name)`} {
		c, ok := compileBoth(p, src, true)
		if !ok || !c.compiled() {
			t.Fatalf("%s: not compiled to the fast path", src)
		}
		cases = append(cases, c)
	}
	vars := newVars()
	var f Env[testEnv]
	f.Bind(p, vars)
	f.Load() // nil pointers everywhere, M = 0: the VM fails every one
	for _, c := range cases {
		if _, ok := f.RunBool(c.fast.Bool); ok {
			t.Errorf("%s: not handed over", c.src)
		}
		if msg := c.check(&f); msg != "" {
			t.Errorf("%s: %s", c.src, msg)
		}
	}
	assign(vars, testEnv{Lead: testLead{M: 2, Ptr: &testCo{}, testPtrEmbedded: &testPtrEmbedded{}}, Owner: &testCo{}})
	f.Load()
	for _, c := range cases {
		if v, ok := f.RunBool(c.fast.Bool); !ok || v != (c.src != `lead.Ptr.Size > 0` && c.src != `lead.PEmbN > 0` && c.src != `listed("nowhere", lead.Ptr.Name)`) {
			t.Errorf("%s: %v, %v", c.src, v, ok)
		}
	}
}

// Calls on the Stable field's strings are computed once per Load, and again after one.
func TestMemo(t *testing.T) {
	calls := 0
	d := testDescription()
	d.Funcs["seniority"] = func(s string) string { calls++; return classify.Seniority(s) }
	p := NewPlan[testEnv](d)
	var fns []func(*Env[testEnv]) bool
	for _, src := range []string{`seniority(lead.Title) == "vp"`, `seniority(lead.Title) in ["c_level", "vp"]`, `seniority(stage) == "vp"`} {
		prog, err := expr.Compile(src, exprOptions(true)...)
		if err != nil {
			t.Fatal(err)
		}
		c, ok := p.Compile(prog.Node(), true)
		if !ok {
			t.Fatalf("%s: not compiled", src)
		}
		fns = append(fns, c.Bool)
	}
	vars := newVars()
	var f Env[testEnv]
	f.Bind(p, vars)
	run := func() (out []bool) {
		for _, fn := range fns {
			v, ok := f.RunBool(fn)
			if !ok {
				t.Fatal("handed over")
			}
			out = append(out, v)
		}
		return out
	}
	vars.Lead.Title, vars.Stage = "VP Sales", "VP Sales"
	f.Load()
	if got := run(); fmt.Sprint(got) != "[true true true]" || calls != 2 { // once for lead.Title, once for stage: not memoised
		t.Fatalf("got %v with %d calls, want [true true true] with 2", got, calls)
	}
	vars.Lead.Title, vars.Stage = "Intern", "Intern"
	f.Load()
	if got := run(); fmt.Sprint(got) != "[false false false]" || calls != 4 {
		t.Fatalf("after Load: got %v with %d calls, want [false false false] with 4", got, calls)
	}
	f.Release()
	f.Load()
	if run(); calls != 6 {
		t.Fatalf("after Release: %d calls, want 6", calls)
	}
	f.gen = math.MaxUint32 // the next Load wraps to 0, which a memo must not match
	f.memoGen[0] = 0
	vars.Lead.Title = "VP Sales"
	f.Load()
	if got := run(); !got[0] {
		t.Fatal("a memo survived the generation wrapping")
	}
}

func TestEventOnly(t *testing.T) {
	for src, want := range map[string]bool{
		`event.Type == "signup"`:                      true,
		`event.Value > 10 && event.Path contains "a"`: true,
		`event.Type == lead.Name`:                     false,
		`counts[0] > 1 || event.Value > 1`:            false,
		`event.Type == stage`:                         false,
	} {
		p := NewPlan[testEnv](testDescription())
		c, ok := compileBoth(p, src, true)
		if !ok || !c.compiled() {
			t.Fatalf("%s: not compiled", src)
		}
		if c.fast.EventOnly != want {
			t.Errorf("%s: EventOnly %v, want %v", src, c.fast.EventOnly, want)
		}
	}
}

// Misuse is a panic, at the first moment it can be seen.
func TestMisuse(t *testing.T) {
	panics := func(what string, fn func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", what)
			}
		}()
		fn()
	}
	panics("an unknown field", func() { NewPlan[testEnv](Description{Event: "Evt"}) })
	panics("an unknown signature", func() { NewPlan[testEnv](Description{Funcs: map[string]any{"f": strings.Repeat}}) })

	p := NewPlan[testEnv](testDescription())
	prog, err := expr.Compile(`counts[2] > 0`, exprOptions(true)...)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Compile(prog.Node(), true); !ok {
		t.Fatal("not compiled")
	}
	panics("a slice too short", func() { new(Env[testEnv]).Bind(p, &testEnv{Counts: make([]int, 2)}) })
	new(Env[testEnv]).Bind(p, newVars())
	panics("Compile after Bind", func() { p.Compile(prog.Node(), true) })
	panics("CacheList after Bind", func() { p.CacheList("targets") })
}

// CacheList gives a place in the result cache to a list with entries, the same place each
// time it is asked, and none to an empty or unknown list; Contains then says what the list
// says, asked once or again.
func TestCacheList(t *testing.T) {
	p := NewPlan[testEnv](testDescription())
	for _, name := range []string{"empty", "nowhere"} {
		if _, ok := p.CacheList(name); ok {
			t.Errorf("CacheList(%q) gave a place", name)
		}
	}
	targets, ok1 := p.CacheList("targets")
	again, ok2 := p.CacheList("targets")
	rivals, ok3 := p.CacheList("competitors")
	if !ok1 || !ok2 || !ok3 || targets.cf.index != again.cf.index || targets.cf.index == rivals.cf.index {
		t.Fatalf("places: targets %d %v, again %d %v, competitors %d %v", targets.cf.index, ok1, again.cf.index, ok2, rivals.cf.index, ok3)
	}
	var f Env[testEnv]
	f.Bind(p, newVars())
	lt, lc := classify.NewList(testLists["targets"]), classify.NewList(testLists["competitors"])
	for range 2 {
		for _, v := range []string{"globex.example", "jo@Globex.example", "vp sales", "gmail.com", "jo@gmail.com", "acme.example", ""} {
			if got, want := f.Contains(targets, v), lt.Contains(v); got != want {
				t.Errorf("targets Contains(%q) = %v, want %v", v, got, want)
			}
			if got, want := f.Contains(rivals, v), lc.Contains(v); got != want {
				t.Errorf("competitors Contains(%q) = %v, want %v", v, got, want)
			}
		}
	}
}

// Running a compiled closure allocates nothing.
func TestAllocs(t *testing.T) {
	p := NewPlan[testEnv](testDescription())
	c, ok := compileBoth(p, `seniority(lead.Title) in ["vp", "c_level"] && lead.Ptr.Size >= 50 && counts[0] < 3 || event.Path contains "pricing"`, true)
	if !ok || !c.compiled() {
		t.Fatal("not compiled")
	}
	vars := newVars()
	var f Env[testEnv]
	f.Bind(p, vars)
	assign(vars, testEnv{Lead: testLead{Title: "VP Sales", Ptr: &testCo{Size: 100}}, Counts: []int{1, 0, 0}})
	if n := testing.AllocsPerRun(100, func() {
		f.Load()
		if v, ok := f.RunBool(c.fast.Bool); !v || !ok {
			t.Fatal(v, ok)
		}
	}); n != 0 {
		t.Errorf("%v allocations per Load and run", n)
	}
}

// TestAgreementString: CompileString's closures agree with the VM on generated string
// expressions — values, and hand-overs exactly where the VM fails.
func TestAgreementString(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 2026))
	p := NewPlan[testEnv](testDescription())
	type strCase struct {
		src  string
		prog *vm.Program
		fn   func(*Env[testEnv]) string
	}
	var cases []strCase
	compiled := 0
	for range 1500 {
		g := &gen{r: r}
		src := g.str(1 + r.IntN(3))
		opts := append(exprOptions(false)[:0:0], exprOptions(false)...)
		opts[len(opts)-1] = expr.AsKind(reflect.String)
		prog, err := expr.Compile(src, opts...)
		if err != nil {
			continue
		}
		compiled++
		if fn, ok := p.CompileString(prog.Node()); ok {
			cases = append(cases, strCase{src, prog, fn})
		}
	}
	if compiled < 500 || len(cases) < compiled/2 {
		t.Fatalf("%d compiled, %d on the fast path: the generator has drifted", compiled, len(cases))
	}
	vars := newVars()
	var f Env[testEnv]
	f.Bind(p, vars)
	for range 40 {
		e := genEnv(r)
		assign(vars, e)
		f.Load()
		for _, c := range cases {
			out, vmErr := expr.Run(c.prog, *f.vars)
			got, ok := f.RunStr(c.fn)
			switch {
			case vmErr != nil && ok:
				t.Fatalf("%s: VM failed (%v), fast path gave %q", c.src, vmErr, got)
			case vmErr == nil && !ok:
				t.Fatalf("%s: fast path handed over, VM gave %v", c.src, out)
			case vmErr == nil && out != got:
				t.Fatalf("%s: VM %q, fast path %q\nenv %+v", c.src, out, got, e)
			}
		}
	}
	// A number or a bool is not a string: CompileString leaves it to the caller's VM.
	p = NewPlan[testEnv](testDescription())
	for _, src := range []string{"1 + 2", "lead.Name == 'x'"} {
		prog, err := expr.Compile(src, exprOptions(false)[:len(exprOptions(false))-1]...)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.CompileString(prog.Node()); ok {
			t.Errorf("CompileString(%q) compiled a non-string expression", src)
		}
	}
}
