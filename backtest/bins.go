package backtest

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/leadscore/leadscore"
)

// Binned asks Calibrate to turn a numeric input into threshold rules chosen from the data,
// the way credit scorecards bin a number: "minutes on the site ≥ 12", "≥ 25", each with its
// own points. The thresholds are chosen on the training folds only (so the held-out AUC
// includes choosing them), and the points keep the input's direction: with Sign Positive
// every threshold rule gets points ≥ 0, so the points never fall as the number rises.
type Binned struct {
	// ID names the input; its rules are "ID ≥ threshold".
	ID        string
	Dimension leadscore.Dimension // the rules' dimension; default engagement
	// Value is a numeric expression over the lead, as a value rule's Value
	// (`lead.Traits.exit_rate`, `count("visit", "30d")`).
	Value string
	// Sign is the input's direction: Positive (more converts more), Negative, or AnySign
	// (the training data choose the direction that fits them better).
	Sign Sign
	// Bins is the most bins the input is cut into (Bins − 1 thresholds). Default 5. Each bin
	// holds at least MinFired of the training cases and 1% of them.
	Bins int
	// Reason is what a salesperson reads, followed by " ≥ threshold"; default ID.
	Reason string
	// Free lets the points rise and fall as the input rises, for an input whose effect is
	// not monotone (account pages that help up to a point, a rate with a sweet spot): the
	// thresholds are chosen by likelihood alone, without pooling the groups that break a
	// direction, and each threshold rule's points may take either sign. Sign must be
	// AnySign. A shape of Bins steps fits more noise than a direction does: give it the
	// inputs with enough cases.
	Free bool
}

// binCut is a Binned input's thresholds, chosen on one training set.
type binCut struct {
	in   Binned
	dir  Sign // Positive or Negative
	cuts []float64
}

// defaultBins is Binned.Bins's default.
const defaultBins = 5

// initialGroups is how many groups of about equal size chooseCuts starts from.
const initialGroups = 20

// chooseCuts chooses the thresholds of a numeric input from values and outcomes y: it
// splits the sorted values into about 20 groups of equal size (equal values never split),
// pools adjacent groups whose conversion rates break the direction (pool-adjacent-
// violators, for each allowed direction, keeping the one of higher likelihood), merges a
// group of fewer than minLeads cases into its neighbour, and then merges the adjacent pair
// that costs the least likelihood until at most bins groups remain. Each threshold is the
// shortest number (fewest significant digits) that separates two groups.
func chooseCuts(values []float64, y []bool, in Binned, minLeads int) binCut {
	type group struct {
		lo, hi  float64 // smallest and largest value
		n, conv float64
	}
	order := make([]int, len(values))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case values[a] < values[b]:
			return -1
		case values[a] > values[b]:
			return 1
		}
		return 0
	})
	n := len(values)
	var start []group
	target := max(1, n/initialGroups)
	for k := 0; k < n; {
		g := group{lo: values[order[k]]}
		for k < n && (g.n < float64(target) || values[order[k]] == g.hi) {
			g.hi = values[order[k]]
			g.n++
			if y[order[k]] {
				g.conv++
			}
			k++
		}
		start = append(start, g)
	}
	merge := func(a, b group) group { return group{lo: a.lo, hi: b.hi, n: a.n + b.n, conv: a.conv + b.conv} }
	rate := func(g group) float64 { return g.conv / g.n }
	ll := func(g group) float64 { // the group's log-likelihood at its own rate
		p := rate(g)
		var s float64
		if g.conv > 0 {
			s += g.conv * math.Log(p)
		}
		if g.n > g.conv {
			s += (g.n - g.conv) * math.Log(1-p)
		}
		return s
	}
	pav := func(dir Sign) []group {
		var out []group
		for _, g := range start {
			out = append(out, g)
			for len(out) > 1 {
				a, b := out[len(out)-2], out[len(out)-1]
				if (dir == Positive && rate(a) <= rate(b)) || (dir == Negative && rate(a) >= rate(b)) {
					break
				}
				out = append(out[:len(out)-2], merge(a, b))
			}
		}
		return out
	}
	total := func(gs []group) float64 {
		var s float64
		for _, g := range gs {
			s += ll(g)
		}
		return s
	}
	dirs := []Sign{Positive, Negative}
	if in.Sign != AnySign {
		dirs = []Sign{in.Sign}
	}
	var gs []group
	dir := dirs[0]
	for _, d := range dirs {
		if cand := pav(d); gs == nil || total(cand) > total(gs) {
			gs, dir = cand, d
		}
	}
	if in.Free {
		gs, dir = slices.Clone(start), AnySign
	}
	// Merge groups too small to tell, then the cheapest adjacent pairs.
	for len(gs) > 1 {
		smallest := -1
		for k, g := range gs {
			if g.n < float64(minLeads) && (smallest < 0 || g.n < gs[smallest].n) {
				smallest = k
			}
		}
		bins := in.Bins
		if bins == 0 {
			bins = defaultBins
		}
		if smallest < 0 && len(gs) <= bins {
			break
		}
		// The pair (k, k+1) to merge: the cheapest one, or the cheaper of the small group's two.
		best, bestCost := -1, 0.0
		for k := 0; k+1 < len(gs); k++ {
			if smallest >= 0 && k != smallest && k+1 != smallest {
				continue
			}
			cost := ll(gs[k]) + ll(gs[k+1]) - ll(merge(gs[k], gs[k+1]))
			if best < 0 || cost < bestCost {
				best, bestCost = k, cost
			}
		}
		gs = append(gs[:best], append([]group{merge(gs[best], gs[best+1])}, gs[best+2:]...)...)
	}
	out := binCut{in: in, dir: dir}
	for k := 1; k < len(gs); k++ {
		out.cuts = append(out.cuts, shortestBetween(gs[k-1].hi, gs[k].lo))
	}
	return out
}

// shortestBetween returns the number with the fewest significant digits in (lo, hi], for
// lo < hi: the threshold a person reads most easily.
func shortestBetween(lo, hi float64) float64 {
	if lo < 0 && hi >= 0 {
		return 0
	}
	mag := math.Max(math.Abs(lo), math.Abs(hi))
	for d := 1; d <= 17; d++ {
		unit := math.Pow(10, math.Floor(math.Log10(mag))-float64(d)+1)
		c := math.Floor(lo/unit)*unit + unit
		if s, err := strconv.ParseFloat(strconv.FormatFloat(c, 'g', d+1, 64), 64); err == nil {
			c = s
		}
		if c > lo && c <= hi {
			return c
		}
	}
	return hi
}

// binRules returns the threshold rules of cuts, 0 points each, and their expectations.
func binRules(cuts []binCut) ([]leadscore.Rule, map[string]Expectation) {
	var rules []leadscore.Rule
	expect := map[string]Expectation{}
	for _, b := range cuts {
		dim := b.in.Dimension
		if dim == "" {
			dim = leadscore.Engagement
		}
		reason := b.in.Reason
		if reason == "" {
			reason = b.in.ID
		}
		for _, c := range b.cuts {
			t := cutText(c)
			id := b.in.ID + " ≥ " + t
			rules = append(rules, leadscore.Rule{
				ID: id, Dimension: dim, When: "(" + b.in.Value + ") >= " + t, Reason: reason + " ≥ " + t,
			})
			if b.dir == AnySign { // Free: no direction to keep
				continue
			}
			why := "more " + b.in.ID + " converts more"
			if b.dir == Negative {
				why = "more " + b.in.ID + " converts less"
			}
			expect[id] = Expectation{Sign: b.dir, Why: why}
		}
	}
	return rules, expect
}

// withBins chooses the thresholds of every Binned input on the rows train of values
// (values[k] holds input k's value in every case), and, with o.Interactions, the pairs of
// rules to add as rules of their own; it returns cfg with the added rules appended to its
// attribute rules, its features, and the design matrix over all cases in the features'
// column order (base is the n×p matrix of baseFeatures).
func withBins(cfg leadscore.Config, o CalibrateOptions, base []float64, baseFeatures []feature, values [][]float64, y []bool, train []int, compiles func(leadscore.Rule) bool) (leadscore.Config, []feature, []float64, int, error) {
	n := len(y)
	minLeads := max(o.MinFired, len(train)/100)
	cuts := make([]binCut, len(o.Bin))
	for k, in := range o.Bin {
		cuts[k] = chooseCuts(pick(values[k], train), pick(y, train), in, minLeads)
	}
	rules, expect := binRules(cuts)
	for id, e := range o.Expect {
		expect[id] = e
	}
	// Every rule's column over all cases, by ID.
	columns := map[string][]float64{}
	pBase := 0
	for _, f := range baseFeatures {
		if f.column >= 0 {
			pBase++
		}
	}
	for _, f := range baseFeatures {
		if f.column >= 0 {
			col := make([]float64, n)
			for i := range n {
				col[i] = base[i*pBase+f.column]
			}
			columns[f.id] = col
		}
	}
	for k, b := range cuts {
		for _, c := range b.cuts {
			col := make([]float64, n)
			for i := range n {
				if values[k][i] >= c {
					col[i] = 1
				}
			}
			columns[b.in.ID+" ≥ "+cutText(c)] = col
		}
	}
	out := cfg
	out.Rules = append(slices.Clone(cfg.Rules), rules...)
	firstPair := len(out.Rules) // the rules of pairs come after cfg's and the thresholds
	if o.InputPairs > 0 {
		features, x, p, err := assemble(out, expect, columns, n, firstPair)
		if err != nil {
			return leadscore.Config{}, nil, nil, 0, err
		}
		grids, err := proposeGrids(out, features, x, p, values, y, train, o, minLeads, compiles)
		if err != nil {
			return leadscore.Config{}, nil, nil, 0, err
		}
		for _, pr := range grids {
			out.Rules = append(out.Rules, pr.rule)
			columns[pr.rule.ID] = pr.column
		}
	}
	if o.Interactions > 0 {
		features, x, p, err := assemble(out, expect, columns, n, firstPair)
		if err != nil {
			return leadscore.Config{}, nil, nil, 0, err
		}
		pairs, err := proposePairs(out, features, x, p, y, train, o, minLeads, compiles)
		if err != nil {
			return leadscore.Config{}, nil, nil, 0, err
		}
		for _, pr := range pairs {
			out.Rules = append(out.Rules, pr.rule)
			columns[pr.rule.ID] = pr.column
		}
	}
	features, x, p, err := assemble(out, expect, columns, n, firstPair)
	return out, features, x, p, err
}

// assemble lays the columns of cfg's rules out as featuresOf orders them; the attribute
// rules from firstPair on are rules of pairs.
func assemble(cfg leadscore.Config, expect map[string]Expectation, columns map[string][]float64, n, firstPair int) ([]feature, []float64, int, error) {
	features := featuresOf(cfg, expect)
	for k := range features {
		features[k].pair = !features[k].event && features[k].index >= firstPair
	}
	p := 0
	for _, f := range features {
		if f.column >= 0 {
			p++
		}
	}
	x := make([]float64, n*p)
	for _, f := range features {
		if f.column < 0 {
			continue
		}
		col, ok := columns[f.id]
		if !ok {
			return nil, nil, 0, fmt.Errorf("backtest: rule %q: no column", f.id)
		}
		for i, v := range col {
			x[i*p+f.column] = v
		}
	}
	return features, x, p, nil
}

// pair is an interaction rule and its column.
type pair struct {
	rule   leadscore.Rule
	column []float64
	score  float64
	a, b   int // the candidates paired
}

// proposePairs proposes o.Interactions rules "A and B" from the pairs of attribute rules
// (without a Value) of cfg, ranked on the training rows by the score test of adding their
// product to the fit of the rules alone: (Σ rᵢ zᵢ)² / Σ wᵢ zᵢ², with rᵢ the residual and wᵢ
// the variance of case i under that fit and zᵢ = 1 when both rules fire. A pair that fires
// in fewer than minLeads training cases (or all but as few), exactly where one of its rules
// does, or exactly where a pair already chosen does, is not proposed; of rules that fire in
// the same training cases only the first is paired.
func proposePairs(cfg leadscore.Config, features []feature, x []float64, p int, y []bool, train []int, o CalibrateOptions, minLeads int, compiles func(leadscore.Rule) bool) ([]pair, error) {
	xt := withSupport(rows(x, p, train), p, o.MinFired)
	yt := pick(y, train)
	fit, err := fitLogisticWithout(xt, p, yt, o.ridge(features, p), nil, nil)
	if err != nil {
		return nil, err
	}
	nt := len(train)
	r, w := residuals(fit, xt, p, yt)
	// The candidates: attribute rules with a condition, as lists of the training rows they
	// fire in.
	type candidate struct {
		f    feature
		rows []int
	}
	var cands []candidate
	seen := map[string]bool{} // candidates' row sets: of rules that fire alike, the first
	for _, f := range features {
		if f.column < 0 || f.event || f.value || cfg.Rules[f.index].When == "" {
			continue
		}
		var fired []int
		for i := range nt {
			if xt[i*p+f.column] != 0 {
				fired = append(fired, i)
			}
		}
		if key := fmt.Sprint(fired); len(fired) >= minLeads && nt-len(fired) >= minLeads && !seen[key] {
			seen[key] = true
			cands = append(cands, candidate{f, fired})
		}
	}
	var best []pair
	for a := range cands {
		for b := a + 1; b < len(cands); b++ {
			ra, rb := cands[a].rows, cands[b].rows
			var both int
			var sr, sw float64
			for ia, ib := 0, 0; ia < len(ra) && ib < len(rb); {
				switch {
				case ra[ia] < rb[ib]:
					ia++
				case ra[ia] > rb[ib]:
					ib++
				default:
					i := ra[ia]
					both++
					sr += r[i]
					sw += w[i]
					ia++
					ib++
				}
			}
			if both < minLeads || nt-both < minLeads || both == len(ra) || both == len(rb) || sw <= 0 {
				continue
			}
			best = append(best, pair{score: sr * sr / sw, a: a, b: b})
		}
	}
	slices.SortStableFunc(best, func(u, v pair) int { return cmp.Compare(v.score, u.score) }) // best first
	n := len(y)
	have := ruleIDs(cfg)
	var chosen []pair
	for k := range best {
		if len(chosen) == o.Interactions {
			break
		}
		a, b := best[k].a, best[k].b
		ra, rb := cfg.Rules[cands[a].f.index], cfg.Rules[cands[b].f.index]
		dim := ra.Dimension
		reasonA, reasonB := ra.Reason, rb.Reason
		if reasonA == "" {
			reasonA = ra.ID
		}
		if reasonB == "" {
			reasonB = rb.ID
		}
		best[k].rule = leadscore.Rule{
			ID: ra.ID + " & " + rb.ID, Dimension: dim,
			When:   "(" + ra.When + ") && (" + rb.When + ")",
			Reason: reasonA + ", and " + reasonB,
		}
		// A pair the set has already (a grid of InputPairs, or the team's own rule of that
		// name), or whose condition the expression limits do not allow, is not proposed.
		if have[best[k].rule.ID] || !compiles(best[k].rule) {
			continue
		}
		col := make([]float64, n)
		ca, cb := cands[a].f.column, cands[b].f.column
		for i := range n {
			if x[i*p+ca] != 0 && x[i*p+cb] != 0 {
				col[i] = 1
			}
		}
		best[k].column = col
		// A pair that fires exactly where a pair already chosen does adds nothing.
		if !slices.ContainsFunc(chosen, func(c pair) bool { return slices.Equal(c.column, col) }) {
			chosen = append(chosen, best[k])
		}
	}
	return chosen, nil
}

// gridInput is one side of an input pair (CalibrateOptions.InputPairs): a Binned input cut
// into a few thresholds, an attribute rule, which fires or not, or a column of rules
// (CalibrateOptions.Columns), one step per rule.
type gridInput struct {
	rule   leadscore.Rule // for a rule: the rule; for a Binned input: its ID and Value
	bin    bool
	column bool // a column of CalibrateOptions.Columns
	steps  []gridStep
}

// gridStep is one step of a gridInput: a threshold of a Binned input, a rule of a column,
// or the rule itself.
type gridStep struct {
	id, when, reason string
	column           []float64 // over all cases, 1 where it fires
}

// proposeGrids chooses the o.InputPairs pairs of inputs whose joint effect the additive fit
// (every rule and threshold of cfg, fitted on the training rows) explains worst, and returns
// their grids of rules "A and B". An input is a Binned input, cut into o.PairBins bins of
// its own (Free: the grid takes any shape), a column of o.Columns (its rules the steps), or
// an attribute rule with a condition in no column (not a threshold rule of a Binned input,
// whose input stands for it). A pair is ranked by the screening of GA2M (FAST; Lou,
// Caruana, Gehrke and Hooker, KDD 2013): the largest gain of the working-response's
// weighted sum of squares over the four quadrants of one threshold of each input (of a
// column: one of its rules, or the union of the rules with the highest mean residuals), on
// the training rows' residuals and weights of the additive fit. Each
// chosen pair adds one rule per pair of its inputs' steps that fires in at least minLeads
// training cases and fails in as many, unless it fires exactly where one of its two steps
// does or where a rule already added does.
func proposeGrids(cfg leadscore.Config, features []feature, x []float64, p int, values [][]float64, y []bool, train []int, o CalibrateOptions, minLeads int, compiles func(leadscore.Rule) bool) ([]pair, error) {
	xt := withSupport(rows(x, p, train), p, o.MinFired)
	yt := pick(y, train)
	fit, err := fitLogisticWithout(xt, p, yt, o.ridge(features, p), nil, nil)
	if err != nil {
		return nil, err
	}
	nt, n := len(train), len(y)
	r, w := residuals(fit, xt, p, yt)
	var sr, sw float64
	for i := range nt {
		sr += r[i]
		sw += w[i]
	}
	supported := func(col []float64) bool {
		k := 0
		for _, i := range train {
			if col[i] != 0 {
				k++
			}
		}
		return k >= minLeads && nt-k >= minLeads
	}
	binRule := func(id string) bool {
		for _, b := range o.Bin {
			if strings.HasPrefix(id, b.ID+" ≥ ") {
				return true
			}
		}
		return false
	}
	var inputs []gridInput
	seen := map[string]bool{}
	for k, b := range o.Bin {
		in := b
		in.Bins, in.Free, in.Sign = o.PairBins, true, AnySign
		cut := chooseCuts(pick(values[k], train), yt, in, minLeads)
		reason := b.Reason
		if reason == "" {
			reason = b.ID
		}
		gi := gridInput{rule: leadscore.Rule{ID: b.ID, Dimension: b.Dimension, Value: b.Value}, bin: true}
		if gi.rule.Dimension == "" {
			gi.rule.Dimension = leadscore.Engagement
		}
		for _, c := range cut.cuts {
			col := make([]float64, n)
			for i := range n {
				if values[k][i] >= c {
					col[i] = 1
				}
			}
			if !supported(col) {
				continue
			}
			t := cutText(c)
			gi.steps = append(gi.steps, gridStep{id: b.ID + " ≥ " + t, when: "(" + b.Value + ") >= " + t, reason: reason + " ≥ " + t, column: col})
		}
		if len(gi.steps) > 0 {
			inputs = append(inputs, gi)
		}
	}
	columnOf := map[string]string{} // rule ID → its column (o.Columns)
	for name, ids := range o.Columns {
		for _, id := range ids {
			columnOf[id] = name
		}
	}
	members := map[string]gridStep{} // the steps of the columns' rules, by rule ID
	for _, f := range features {
		if f.column < 0 || f.event || f.value {
			continue
		}
		rule := cfg.Rules[f.index]
		if rule.When == "" || binRule(rule.ID) {
			continue
		}
		col := make([]float64, n)
		var key strings.Builder
		for i := range n {
			if x[i*p+f.column] != 0 {
				col[i] = 1
				fmt.Fprint(&key, i, ",")
			}
		}
		reason := rule.Reason
		if reason == "" {
			reason = rule.ID
		}
		step := gridStep{id: rule.ID, when: rule.When, reason: reason, column: col}
		if _, ok := columnOf[rule.ID]; ok {
			if supported(col) {
				members[rule.ID] = step
			}
			continue
		}
		if !supported(col) || seen[key.String()] { // of rules that fire alike, the first
			continue
		}
		seen[key.String()] = true
		inputs = append(inputs, gridInput{rule: rule, steps: []gridStep{step}})
	}
	for _, name := range sortedKeys(o.Columns) { // a column: one input, its rules the steps
		gi := gridInput{rule: leadscore.Rule{ID: name}, column: true}
		for _, id := range o.Columns[name] {
			if st, ok := members[id]; ok {
				if len(gi.steps) == 0 {
					gi.rule.Dimension = cfg.Rules[slices.IndexFunc(cfg.Rules, func(r leadscore.Rule) bool { return r.ID == id })].Dimension
				}
				gi.steps = append(gi.steps, st)
			}
		}
		if len(gi.steps) > 0 {
			inputs = append(inputs, gi)
		}
	}
	// Each step's training rows, and their sums of residuals and weights.
	type stepRows struct {
		rows   []int // indices into train
		sr, sw float64
	}
	stepsOf := make([][]stepRows, len(inputs))
	screen := make([][]stepRows, len(inputs)) // more splits the screening tries, of columns
	for a, in := range inputs {
		for _, st := range in.steps {
			var s stepRows
			for t, i := range train {
				if st.column[i] != 0 {
					s.rows = append(s.rows, t)
					s.sr += r[t]
					s.sw += w[t]
				}
			}
			stepsOf[a] = append(stepsOf[a], s)
		}
		if in.column && len(stepsOf[a]) > 1 {
			// A column's categories have no order: the screening also splits it between
			// the categories whose residuals are highest and the rest (ordered by the mean
			// residual per weight, the best split of a category on its own, as trees do).
			byMean := slices.Clone(stepsOf[a])
			slices.SortStableFunc(byMean, func(u, v stepRows) int {
				return cmp.Compare(v.sr/max(v.sw, 1e-12), u.sr/max(u.sw, 1e-12))
			})
			var union stepRows
			for _, s := range byMean[:len(byMean)-1] {
				all := slices.Sorted(slices.Values(append(slices.Clone(union.rows), s.rows...)))
				union.rows = slices.Compact(all)
				union.sr += s.sr
				union.sw += s.sw
				if len(union.rows) < len(all) { // rules that overlap: count each row once
					union.sr, union.sw = 0, 0
					for _, t := range union.rows {
						union.sr += r[t]
						union.sw += w[t]
					}
				}
				screen[a] = append(screen[a], union)
			}
		}
	}
	gain := func(sa, sb stepRows) float64 {
		var s11, w11 float64
		both := 0
		for ia, ib := 0, 0; ia < len(sa.rows) && ib < len(sb.rows); {
			switch {
			case sa.rows[ia] < sb.rows[ib]:
				ia++
			case sa.rows[ia] > sb.rows[ib]:
				ib++
			default:
				s11 += r[sa.rows[ia]]
				w11 += w[sa.rows[ia]]
				both++
				ia++
				ib++
			}
		}
		if both < minLeads {
			return 0
		}
		g := -sr * sr / sw
		for _, q := range [][2]float64{{s11, w11}, {sa.sr - s11, sa.sw - w11}, {sb.sr - s11, sb.sw - w11}, {sr - sa.sr - sb.sr + s11, sw - sa.sw - sb.sw + w11}} {
			if q[1] > 1e-12 {
				g += q[0] * q[0] / q[1]
			}
		}
		return g
	}
	type ranked struct {
		a, b  int
		score float64
	}
	var ranks []ranked
	for a := range inputs {
		for b := a + 1; b < len(inputs); b++ {
			best := 0.0
			for _, sa := range slices.Concat(stepsOf[a], screen[a]) {
				for _, sb := range slices.Concat(stepsOf[b], screen[b]) {
					best = max(best, gain(sa, sb))
				}
			}
			if best > 0 {
				ranks = append(ranks, ranked{a, b, best})
			}
		}
	}
	slices.SortStableFunc(ranks, func(u, v ranked) int { return cmp.Compare(v.score, u.score) }) // best first
	have := ruleIDs(cfg)
	var out []pair
	for _, rk := range ranks[:min(len(ranks), o.InputPairs)] {
		ia, ib := inputs[rk.a], inputs[rk.b]
		for _, sa := range ia.steps {
			for _, sb := range ib.steps {
				col := make([]float64, n)
				for i := range n {
					if sa.column[i] != 0 && sb.column[i] != 0 {
						col[i] = 1
					}
				}
				if have[sa.id+" & "+sb.id] || !supported(col) || slices.Equal(col, sa.column) || slices.Equal(col, sb.column) ||
					slices.ContainsFunc(out, func(c pair) bool { return slices.Equal(c.column, col) }) {
					continue
				}
				dim := ia.rule.Dimension
				if dim == "" {
					dim = leadscore.Engagement
				}
				rule := leadscore.Rule{
					ID: sa.id + " & " + sb.id, Dimension: dim,
					When:   "(" + sa.when + ") && (" + sb.when + ")",
					Reason: sa.reason + ", and " + sb.reason,
				}
				if !compiles(rule) { // two conditions within the limits each, not together
					continue
				}
				out = append(out, pair{column: col, rule: rule})
			}
		}
	}
	return out, nil
}

// ruleIDs is the set of cfg's attribute rules' IDs.
func ruleIDs(cfg leadscore.Config) map[string]bool {
	have := make(map[string]bool, len(cfg.Rules))
	for _, rule := range cfg.Rules {
		have[rule.ID] = true
	}
	return have
}

// cutText writes a threshold as the expressions and IDs read it: plain decimals, and an
// exponent beyond them (2.2e+19), which expr reads as a float where the plain digits of a
// whole number past int64 would be an integer literal out of range.
func cutText(c float64) string {
	if a := math.Abs(c); a != 0 && (a < 1e-6 || a >= 1e15) {
		return strconv.FormatFloat(c, 'g', -1, 64)
	}
	return strconv.FormatFloat(c, 'f', -1, 64)
}

// residuals returns, for each row of xt (p columns), the working residual y − q and weight
// q(1 − q) of the fitted logistic model, q its predicted probability: what a score test or
// a split screens for the part of the outcome the fit leaves unexplained.
func residuals(fit logitFit, xt []float64, p int, yt []bool) (r, w []float64) {
	r, w = make([]float64, len(yt)), make([]float64, len(yt))
	for i := range yt {
		eta := fit.beta[0]
		for j := range p {
			if fit.fitted[j] {
				eta += fit.beta[j+1] * xt[i*p+j]
			}
		}
		q := sigmoid(eta)
		r[i], w[i] = -q, q*(1-q)
		if yt[i] {
			r[i]++
		}
	}
	return r, w
}
