package backtest

import (
	"fmt"
	"math"
	"slices"
	"strconv"

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
func withBins(cfg leadscore.Config, o CalibrateOptions, base []float64, baseFeatures []feature, values [][]float64, y []bool, train []int) (leadscore.Config, []feature, []float64, int, error) {
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
	if o.Interactions > 0 {
		features, x, p, err := assemble(out, expect, columns, n)
		if err != nil {
			return leadscore.Config{}, nil, nil, 0, err
		}
		pairs, err := proposePairs(out, features, x, p, y, train, o, minLeads)
		if err != nil {
			return leadscore.Config{}, nil, nil, 0, err
		}
		for _, pr := range pairs {
			out.Rules = append(out.Rules, pr.rule)
			columns[pr.rule.ID] = pr.column
		}
	}
	features, x, p, err := assemble(out, expect, columns, n)
	return out, features, x, p, err
}

// assemble lays the columns of cfg's rules out as featuresOf orders them.
func assemble(cfg leadscore.Config, expect map[string]Expectation, columns map[string][]float64, n int) ([]feature, []float64, int, error) {
	features := featuresOf(cfg, expect)
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
func proposePairs(cfg leadscore.Config, features []feature, x []float64, p int, y []bool, train []int, o CalibrateOptions, minLeads int) ([]pair, error) {
	xt := withSupport(rows(x, p, train), p, o.MinFired)
	yt := pick(y, train)
	fit, err := fitLogistic(xt, p, yt, o.Lambda)
	if err != nil {
		return nil, err
	}
	nt := len(train)
	r := make([]float64, nt)
	w := make([]float64, nt)
	for i := range nt {
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
	slices.SortStableFunc(best, func(u, v pair) int {
		switch {
		case u.score > v.score:
			return -1
		case u.score < v.score:
			return 1
		}
		return 0
	})
	n := len(y)
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

// cutText writes a threshold as the expressions and IDs read it: plain decimals, no exponent.
func cutText(c float64) string { return strconv.FormatFloat(c, 'f', -1, 64) }
