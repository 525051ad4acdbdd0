package leadscore

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The fast path (internal/fastpath, which tests itself against expr's VM) must agree with the
// VM inside a Scorer too: same result, same error or no error, on every expression it
// compiles. These tests generate expressions from a grammar over a lead type with every kind
// of field the fast path handles (and some it leaves to the VM), compile each through the real
// pipeline (patcher, built-ins, checker, optimiser, fastDescription), and evaluate both paths
// on generated leads.

// diffLead exercises what a user's own lead type may hold: narrower numeric types, pointers
// that may be nil, embedded structs (by value and by pointer), expr tags, named types, maps.
type diffLead struct {
	Name, Title, Email string
	N, M               int
	I8                 int8
	I32                int32
	I64                int64
	F, G               float64
	F32                float32
	B, C               bool
	T                  time.Time
	Label              diffLabel // a named string: the VM's rules for it are its own
	Co                 diffCo
	Ptr                *diffCo
	Renamed            string `expr:"nick"`
	Traits             map[string]any
	Tags               []string
	diffEmbedded
	*diffPtrEmbedded
}

type diffLabel string

type diffCo struct {
	Name   string
	Size   int
	Rev    float64
	Public bool
	Since  time.Time
}

type diffEmbedded struct {
	EmbN int
	EmbS string
}

type diffPtrEmbedded struct {
	PEmbN int
	PEmbS string
}

// diffValues are the values leads are drawn from: edges of every type.
var (
	diffStrings = []string{
		"", "a", "VP Sales", "Chief Executive Officer", "Director of Marketing", "Marketing Manager",
		"Intern", "student", "dana@gmail.com", "x@mit.edu", "bob@globex.example", "a+b@c.io",
		"Ünïcode ⌘", "software", "US", "  padded  ", "page_view", "pricing", "abc", "ab",
	}
	diffInts   = []int{0, 1, -1, 2, 3, 9, 10, 49, 50, 999, 1000, 1 << 40, math.MaxInt64, math.MinInt64}
	diffFloats = []float64{0, math.Copysign(0, -1), 0.5, -2.5, 1e7, 1e8, 3, math.Inf(1), math.Inf(-1), math.NaN(), 1e-300}
	diffTimes  = []time.Time{
		{}, t0, t0.AddDate(-5, 0, 0), t0.AddDate(1, 0, 0), t0.In(time.FixedZone("X", -7*3600)),
		time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
	}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func genDiffLead(r *rand.Rand) diffLead {
	co := func() diffCo {
		return diffCo{Name: pick(r, diffStrings), Size: pick(r, diffInts), Rev: pick(r, diffFloats), Public: r.IntN(2) == 0, Since: pick(r, diffTimes)}
	}
	l := diffLead{
		Name: pick(r, diffStrings), Title: pick(r, diffStrings), Email: pick(r, diffStrings),
		N: pick(r, diffInts), M: pick(r, diffInts),
		I8: int8(pick(r, []int{0, 1, -1, 127, -128})), I32: int32(pick(r, []int{0, 7, -7, math.MaxInt32, math.MinInt32})),
		I64: int64(pick(r, diffInts)), F: pick(r, diffFloats), G: pick(r, diffFloats),
		F32: float32(pick(r, []float64{0, 0.1, -1.5, 1e30, 3})), B: r.IntN(2) == 0, C: r.IntN(2) == 0,
		T: pick(r, diffTimes), Label: diffLabel(pick(r, diffStrings)), Co: co(), Renamed: pick(r, diffStrings),
		diffEmbedded: diffEmbedded{EmbN: pick(r, diffInts), EmbS: pick(r, diffStrings)},
	}
	if r.IntN(3) > 0 {
		c := co()
		l.Ptr = &c
	}
	if r.IntN(3) > 0 {
		l.diffPtrEmbedded = &diffPtrEmbedded{PEmbN: pick(r, diffInts), PEmbS: pick(r, diffStrings)}
	}
	if r.IntN(2) == 0 {
		l.Traits = map[string]any{"x": pick(r, diffInts), "s": pick(r, diffStrings)}
	}
	return l
}

// exprGen generates expressions over diffLead. scope limits the names it uses.
type exprGen struct {
	r     *rand.Rand
	scope scope
}

func (g *exprGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *exprGen) quote(s string) string { return fmt.Sprintf("%q", s) }

func (g *exprGen) str(d int) string {
	if d <= 0 || g.r.IntN(3) == 0 {
		leaves := []string{
			"lead.Name", "lead.Title", "lead.Email", "lead.Co.Name", "lead.Ptr.Name", "lead.nick",
			"lead.EmbS", "lead.PEmbS", "stage", g.quote(pick(g.r, diffStrings)), g.quote(pick(g.r, diffStrings)),
		}
		if g.scope == scopeEvent {
			leaves = append(leaves, "event.Category", "event.Type", "event.Path", "event.Channel")
		}
		if g.scope == scopeGuard {
			leaves = append(leaves, "tier")
		}
		if g.r.IntN(20) == 0 {
			leaves = append(leaves, "lead.Label", `lead.Traits.s`, "lead.Tags[0]")
		}
		return pick(g.r, leaves)
	}
	switch g.r.IntN(9) {
	case 0:
		return fmt.Sprintf("%s(%s)", g.pick("seniority", "department", "domain"), g.str(d-1))
	case 1:
		return fmt.Sprintf("%s(%s)", g.pick("lower", "upper", "trim"), g.str(d-1))
	case 2:
		return fmt.Sprintf("(%s + %s)", g.str(d-1), g.str(d-1))
	case 3:
		return fmt.Sprintf("(%s ? %s : %s)", g.bool(d-1), g.str(d-1), g.str(d-1))
	case 4:
		return fmt.Sprintf("(%s ?? %s)", g.str(d-1), g.str(d-1))
	case 5:
		return fmt.Sprintf("%s(%s, %s)", g.pick("trimPrefix", "trimSuffix", "trim"), g.str(d-1), g.quote(g.pick("a", "V", "m", " ")))
	}
	return g.str(0)
}

func (g *exprGen) num(d int) string {
	if d <= 0 || g.r.IntN(3) == 0 {
		leaves := []string{
			"lead.N", "lead.M", "lead.I8", "lead.I32", "lead.I64", "lead.F", "lead.G", "lead.F32",
			"lead.Co.Size", "lead.Co.Rev", "lead.Ptr.Size", "lead.Ptr.Rev", "lead.EmbN", "lead.PEmbN",
			"days_in_stage", fmt.Sprint(pick(g.r, []int{0, 1, 2, 3, 10, 50, 1000})),
			g.pick("0.5", "1e7", "2.5", "1.0", "0.0", "-3", "-0.5", "100"),
			`count("page_view", "7d")`, `count("email_click", "30d")`, `days_since("email_click")`,
			"now.Year()", "lead.T.Year()", "lead.Co.Since.YearDay()", "now.Unix()",
		}
		if g.scope == scopeEvent {
			leaves = append(leaves, "event.Value")
		}
		if g.scope == scopeGuard {
			leaves = append(leaves, "fit", "engagement", "relationship", "total")
		}
		if g.r.IntN(20) == 0 {
			leaves = append(leaves, "lead.Traits.x", "len(lead.Tags)")
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
		return fmt.Sprintf("years_since(%s)", g.time())
	case 7:
		return fmt.Sprintf("(%s ?? %s)", g.num(d-1), g.num(d-1))
	}
	return g.num(0)
}

func (g *exprGen) time() string {
	return g.pick("lead.T", "now", "lead.Co.Since", "lead.Ptr.Since")
}

func (g *exprGen) bool(d int) string {
	if d <= 0 || g.r.IntN(4) == 0 {
		leaves := []string{"lead.B", "lead.C", "lead.Co.Public", "lead.Ptr.Public", "true", "false"}
		if g.scope == scopeGuard {
			leaves = append(leaves, "handoff", "disqualified", `has_signal("student")`, `has_signal("vip")`)
		}
		return pick(g.r, leaves)
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
			set = append(set, g.quote(pick(g.r, diffStrings)))
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
		return fmt.Sprintf("listed(%q, %s)", g.pick("targets", "competitors", "empty", "empty"), g.str(d-1))
	case 13:
		return fmt.Sprintf("%s matches %q", g.str(d-1), g.pick("^V", "(?i)chief", "@.*\\.edu$", "[0-9]"))
	case 14:
		return fmt.Sprintf("%s(%s, %s)", g.pick("hasPrefix", "hasSuffix"), g.str(d-1), g.str(d-1))
	}
	return fmt.Sprintf("(%s ?? %s)", g.bool(d-1), g.bool(d-1))
}

// diffConfig is the config every generated expression is compiled in.
func diffConfig() Config {
	return Config{
		Lists:   map[string][]string{"targets": {"globex.example", "VP Sales"}, "competitors": {"gmail.com"}, "empty": {}},
		Signals: []SignalConfig{{Kind: "vip", When: "lead.N > 1000"}},
		// diffLead has no Company: the list detectors read its Co and no domain.
		LeadFields: map[string]string{"company": "lead.Co.Name", "company_domain": "''"},
	}
}

// diffCase is one compiled expression: a program of a Scorer, in a given role.
type diffCase[L any] struct {
	src    string
	s      *Scorer[L]
	p      *program[L]
	asBool bool
}

// compileDiffCase compiles src in the role its scope gives it; ok is false when expr rejects
// it (generated expressions need not type-check).
func compileDiffCase[L any](src string, sc scope, asBool bool) (diffCase[L], bool) {
	cfg := diffConfig()
	switch {
	case sc == scopeEvent:
		cfg.Events = []EventRule{{ID: "e", On: []string{EventPageView}, When: src, Points: 1}}
	case sc == scopeGuard:
		cfg.Tiers = []Tier{{Name: "t", When: src}}
	case asBool:
		cfg.Rules = []Rule{{ID: "r", Dimension: Fit, When: src, Points: 1}}
	default:
		cfg.Rules = []Rule{{ID: "r", Dimension: Fit, Value: src}}
	}
	s, err := Compile[L](cfg)
	if err != nil {
		return diffCase[L]{}, false
	}
	var p *program[L]
	switch {
	case sc == scopeEvent:
		p = s.events[0].when
	case sc == scopeGuard:
		p = s.tiers[0].guard
	case asBool:
		p = s.rules[0].when
	default:
		p = s.rules[0].value
	}
	if p == nil { // an empty expression compiles to no program: nothing to compare
		return diffCase[L]{}, false
	}
	return diffCase[L]{src: src, s: s, p: p, asBool: asBool}, true
}

func (c diffCase[L]) fast() bool { return c.p.fastBool != nil || c.p.fastNum != nil }

// diffState is a State with a few events, so count and days_since read something.
func diffState[L any](t testing.TB, s *Scorer[L], lead L) *State {
	var st State
	for i, typ := range []string{EventPageView, EventEmailClick, EventPageView, EventEmailOpen} {
		if _, err := s.Observe(lead, &st, Event{Type: typ, Path: "/pricing", Time: t0.Add(-time.Duration(i) * 50 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	return &st
}

// check evaluates c on lead both ways and describes any disagreement ("" if none).
func (c diffCase[L]) check(lead L, st *State, now time.Time, r *rand.Rand) string {
	s := c.s
	sc := s.get()
	defer s.put(sc)
	ev := Event{Type: EventPageView, Path: pick(r, []string{"/pricing", "/blog/x", ""}), Category: pick(r, []string{"pricing", "", "product"}), Channel: "web", Value: pick(r, diffFloats), Time: now}
	s.fillEnv(sc, &lead, s.view(&st.d), now.UnixNano(), now, &ev)
	e := &sc.env
	e.Fit, e.Engagement, e.Relationship, e.Total = pick(r, diffFloats), pick(r, diffFloats), pick(r, diffFloats), pick(r, diffFloats)
	e.Tier, e.Handoff, e.Disqualified = pick(r, []string{"", "hot", "t"}), r.IntN(2) == 0, r.IntN(2) == 0
	for i := range e.Signals {
		e.Signals[i] = r.IntN(2) == 0
	}
	sc.boxedOK = false

	out, vmErr := sc.vm.Run(c.p.prog, sc.vmEnv())
	var fastOut any
	var ok bool
	if c.asBool {
		fastOut, ok = sc.fast.RunBool(c.p.fastBool)
	} else {
		fastOut, ok = sc.fast.RunNum(c.p.fastNum)
	}
	slow := !ok
	switch {
	case vmErr != nil && !slow:
		return fmt.Sprintf("VM failed (%v), fast path gave %v", firstLine(vmErr.Error()), fastOut)
	case vmErr == nil && slow:
		return fmt.Sprintf("fast path handed over, but the VM succeeded with %v", out)
	case vmErr != nil:
		return ""
	}
	if !sameValue(out, fastOut) {
		return fmt.Sprintf("VM %v (%T), fast path %v", out, out, fastOut)
	}
	// The public entry points must agree too: run them, the fast path first.
	if c.asBool {
		got, err := s.runBool(sc, c.p)
		if err != nil || got != out {
			return fmt.Sprintf("runBool %v, %v; VM %v", got, err, out)
		}
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

func TestFastPathAgreesWithVM(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 2026))
	leads := make([]diffLead, 40)
	for i := range leads {
		leads[i] = genDiffLead(r)
	}
	nows := []time.Time{t0, t0.AddDate(3, 1, 0), t0.In(time.FixedZone("Y", 13*3600))}
	n := 2000
	if testing.Short() {
		n = 300
	}
	var compiled, fast int
	for i := range n {
		g := &exprGen{r: r, scope: []scope{scopeRule, scopeEvent, scopeGuard}[i%3]}
		asBool := g.scope != scopeRule || i%2 == 0
		src := g.num(1 + r.IntN(4))
		if asBool {
			src = g.bool(1 + r.IntN(4))
		}
		c, ok := compileDiffCase[diffLead](src, g.scope, asBool)
		if !ok {
			continue
		}
		compiled++
		if !c.fast() {
			continue
		}
		fast++
		st := diffState(t, c.s, leads[0])
		for _, lead := range leads {
			for _, now := range nows {
				if msg := c.check(lead, st, now, r); msg != "" {
					t.Fatalf("%s (%s)\nlead %+v\nnow %v\n%s", src, g.scope, lead, now, msg)
				}
			}
		}
	}
	t.Logf("%d expressions compiled, %d (%.0f%%) on the fast path", compiled, fast, 100*float64(fast)/float64(max(compiled, 1)))
	if compiled < n/4 || fast < compiled/2 {
		t.Errorf("only %d of %d generated expressions compiled, %d on the fast path: the generator has drifted", compiled, n, fast)
	}
}

// FuzzFastPath compiles an arbitrary expression in every role and checks, on a lead built from
// the other inputs, that the fast path and the VM agree.
func FuzzFastPath(f *testing.F) {
	f.Add(`lead.N >= 1000 && lead.Title startsWith "VP"`, int64(1200), 2.5, "VP Sales", true)
	f.Add(`lead.Ptr.Size % lead.M > 0 || lead.F / 0 > 1`, int64(0), math.Inf(1), "", false)
	f.Add(`seniority(lead.Title) in ["c_level", "vp"] ? lead.I8 : -lead.I64`, int64(-128), 0.0, "Chief Executive Officer", true)
	f.Add(`lead.Co.Rev ** 2 - now.Year() * lead.F32 in [1, 2.5, "x"]`, int64(math.MaxInt64), math.NaN(), "x@mit.edu", false)
	f.Add(`count("page_view", "7d") + days_since("email_click") > lead.PEmbN`, int64(3), math.Copysign(0, -1), "", true)
	f.Fuzz(func(t *testing.T, src string, n int64, x float64, s string, b bool) {
		if len(src) > 300 {
			return
		}
		lead := diffLead{
			Name: s, Title: s, Email: s + "@" + s, N: int(n), M: int(n >> 3), I8: int8(n), I32: int32(n), I64: n,
			F: x, G: -x, F32: float32(x), B: b, C: !b, T: t0.Add(time.Duration(n)), Co: diffCo{Name: s, Size: int(n), Rev: x},
			Renamed: s, diffEmbedded: diffEmbedded{EmbN: int(n), EmbS: s},
		}
		if b {
			lead.Ptr = &diffCo{Name: s, Size: -int(n), Rev: x / 3, Public: true, Since: t0}
			lead.diffPtrEmbedded = &diffPtrEmbedded{PEmbN: int(n % 7), PEmbS: s}
		}
		r := rand.New(rand.NewPCG(uint64(n), 1))
		for _, role := range []struct {
			sc     scope
			asBool bool
		}{{scopeRule, true}, {scopeRule, false}, {scopeEvent, true}, {scopeGuard, true}} {
			c, ok := compileDiffCase[diffLead](src, role.sc, role.asBool)
			if !ok || !c.fast() {
				continue
			}
			st := diffState(t, c.s, lead)
			for _, now := range []time.Time{t0, t0.Add(time.Duration(n) % (1000 * Day))} {
				if msg := c.check(lead, st, now, r); msg != "" {
					t.Fatalf("%s (%s): %s", src, role.sc, msg)
				}
			}
		}
	})
}

// programs lists every compiled expression of s.
func programs[L any](s *Scorer[L]) []*program[L] {
	var out []*program[L]
	add := func(ps ...*program[L]) {
		for _, p := range ps {
			if p != nil {
				out = append(out, p)
			}
		}
	}
	for _, r := range s.rules {
		add(r.when, r.value)
	}
	for _, r := range s.events {
		add(r.when)
	}
	for _, b := range s.tiers {
		add(b.guard)
	}
	for _, b := range s.grades {
		add(b.guard)
	}
	for _, d := range s.detectors {
		add(d.when)
	}
	for _, t := range s.journey.transitions {
		add(t.when)
	}
	for _, p := range s.personas {
		add(p.when)
	}
	return out
}

// withoutFastPath strips the fast-path closures from every expression of s, so that it runs
// them all on the expr VM: the reference the fast path is tested and measured against.
func withoutFastPath[L any](s *Scorer[L]) *Scorer[L] {
	for _, p := range programs(s) {
		p.fastBool, p.fastNum = nil, nil
	}
	for i := range s.rules {
		s.rules[i].fastWhen = nil // the rule loop's copy of when.fastBool
	}
	s.batch = batchRules(s.rules) // every rule now on the VM's side
	for i := range s.routes {
		s.routes[i].eventOnly = false // as Compile would have found without the closures
	}
	return s
}

// The presets and the benchmark rule set run entirely on the fast path, and give the same
// Results as on the VM through Observe, Score and Advance.
func TestFastPathScoresLikeVM(t *testing.T) {
	b2b := DefaultB2B()
	b2b.Lists["competitors"] = []string{"rival.example"}
	b2b.Lists["targets"] = []string{"globex.example"}
	b2b.Personas = []Persona{{ID: "exec", When: `seniority(lead.Title) in ["c_level", "vp"] && fit >= 30`}, {ID: "other"}}
	b2b.Signals = []SignalConfig{{Kind: "vip", When: `lead.Company.Revenue > 1e8 || total > 90`}}
	for _, cfg := range []Config{b2b, DefaultB2C(), thirtyRules()} {
		fast, vm := compileT(t, cfg), withoutFastPath(compileT(t, cfg))
		for _, p := range programs(fast) {
			if p.fastBool == nil && p.fastNum == nil {
				t.Errorf("%s: %q is not on the fast path", cfg.Name, p.src)
			}
		}
		r := rand.New(rand.NewPCG(7, 7))
		titles := []string{"VP Sales", "Chief Executive Officer", "Student", "Director", "Engineer", ""}
		emails := []string{"a@globex.example", "b@gmail.com", "c@mit.edu", "d@rival.example", ""}
		for range 50 {
			lead := Lead{
				Title:         pick(r, titles),
				Email:         pick(r, emails),
				Phone:         pick(r, []string{"", "1"}),
				Source:        pick(r, []string{"referral", "event", ""}),
				Company:       Company{Employees: pick(r, diffInts), Revenue: pick(r, []float64{0, 1e7, 2e8}), Founded: pick(r, []int{0, 1990, 2025}), Domain: pick(r, []string{"globex.example", ""})},
				Age:           r.IntN(80),
				Children:      r.IntN(3),
				Income:        float64(r.IntN(150000)),
				Purchases:     r.IntN(4),
				AvgOrderValue: float64(r.IntN(400)),
				Margin:        r.Float64() / 4,
				ServiceEffort: r.IntN(11),
				Followers:     r.IntN(5000),
				CustomerSince: pick(r, diffTimes),
				BANT:          BANT{Budget: r.IntN(2) == 0, Authority: r.IntN(2) == 0, Need: r.IntN(2) == 0, Timing: r.IntN(2) == 0},
			}
			var a, b State
			for i := range 12 {
				e := Event{Type: pick(r, EventTypes()), Path: pick(r, []string{"/pricing", "/product/a", "/careers", "/blog"}), Value: float64(r.IntN(200)), Time: t0.Add(time.Duration(i*r.IntN(48)) * time.Hour)}
				x, errX := fast.Observe(lead, &a, e)
				y, errY := vm.Observe(lead, &b, e)
				if (errX == nil) != (errY == nil) || !sameResult(x, y) {
					t.Fatalf("%s: Observe(%+v)\nfast path %v\n%s\nVM %v\n%s", cfg.Name, e, errX, x.Explain(), errY, y.Explain())
				}
			}
			for _, at := range []time.Time{t0, t0.Add(9 * Day), t0.AddDate(2, 0, 0)} {
				x, y := scoreT(t, fast, lead, &a, at), scoreT(t, vm, lead, &b, at)
				if !sameResult(x, y) {
					t.Fatalf("%s: Score at %v\nfast path\n%s\nVM\n%s", cfg.Name, at, x.Explain(), y.Explain())
				}
			}
		}
	}
}

// A lead type may be a pointer, and a nil lead fails every field read on the VM: the fast
// path must hand those evaluations over.
func TestFastPathPointerLead(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	leads := []*diffLead{nil}
	for range 15 {
		l := genDiffLead(r)
		leads = append(leads, &l)
	}
	fast := 0
	for i := range 400 {
		g := &exprGen{r: r, scope: scopeRule}
		src := g.bool(1 + r.IntN(3))
		if i%2 == 1 {
			src = g.num(1 + r.IntN(3))
		}
		c, ok := compileDiffCase[*diffLead](src, scopeRule, i%2 == 0)
		if !ok || !c.fast() {
			continue
		}
		fast++
		st := diffState(t, c.s, leads[1])
		for _, lead := range leads {
			if msg := c.check(lead, st, t0, r); msg != "" {
				t.Fatalf("%s\nlead %+v\n%s", src, lead, msg)
			}
		}
	}
	if fast < 100 {
		t.Errorf("only %d expressions on the fast path", fast)
	}
}

// Constant sides of and/or are folded (fastpath.foldLogical), and listed() of an empty list
// is false: on each form, with a left side that can fail (a nil lead.Ptr) and one that
// cannot, the fast path must still agree with the VM, failures included.
func TestFastPathFoldsConstantsLikeVM(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 72))
	leads := []diffLead{{}, {Ptr: &diffCo{Public: true}}, {B: true, Name: "x"}}
	var srcs []string
	for _, side := range []string{"lead.Ptr.Public", "!lead.Ptr.Public", "lead.B", "!lead.B", `listed("empty", lead.Ptr.Name)`, `listed("empty", lead.Name)`, `free_email(lead.Email)`} {
		// Literals expr's optimiser folds itself, and constants only the fast path knows.
		for _, c := range []string{"true", "false", `listed("empty", lead.Name)`, `!listed("empty", lead.Title)`} {
			for _, op := range []string{"&&", "||"} {
				srcs = append(srcs, side+" "+op+" "+c, c+" "+op+" "+side, "!("+side+" "+op+" "+c+")")
			}
		}
		srcs = append(srcs, side)
	}
	for _, src := range srcs {
		c, ok := compileDiffCase[diffLead](src, scopeRule, true) // fields in place: lead.Name cannot fail
		if !ok {
			t.Fatalf("%s does not compile", src)
		}
		if !c.fast() {
			t.Errorf("%s is not on the fast path", src)
			continue
		}
		st := diffState(t, c.s, leads[1])
		for _, lead := range leads {
			if msg := c.check(lead, st, t0, r); msg != "" {
				t.Errorf("%s on %+v: %s", src, lead, msg)
			}
		}
	}
}
