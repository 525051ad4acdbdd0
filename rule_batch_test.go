package leadscore

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// scoreRules takes the plain rules in a batch and the others in between (rule_batch.go): on
// random rule sets — plain, value, max, disqualifying and unconditional rules, conditions on
// the fast path and on the VM, conditions that hand over (a nil lead.Ptr), points up to
// ±MaxFloat64, more than 64 rules — it must give the Result the rules give one by one on
// the VM, contributions in rule-set order, errors and disqualification alike.
func TestRuleBatchScoresLikeVM(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	leads := make([]*diffLead, 12)
	for i := range leads {
		l := genDiffLead(r)
		leads[i] = &l
	}
	leads = append(leads, nil) // every field path fails
	// Conditions and values that compile, so that a rule set of 70 rules does.
	var conds, values []string
	for len(conds) < 300 || len(values) < 60 {
		g := &exprGen{r: r, scope: scopeRule}
		if src := g.bool(1 + r.IntN(3)); len(conds) < 300 {
			if _, ok := compileDiffCase[*diffLead](src, scopeRule, true); ok {
				conds = append(conds, src)
			}
		}
		if src := g.num(1 + r.IntN(2)); len(values) < 60 {
			if _, ok := compileDiffCase[*diffLead](src, scopeRule, false); ok {
				values = append(values, src)
			}
		}
	}
	var mixed, direct, bounded, many, checked int
	for range 300 {
		cfg := diffConfig()
		n := 1 + r.IntN(24)
		if r.IntN(6) == 0 {
			n = 100 + r.IntN(40) // past one word of 64
		}
		plain := r.IntN(4) == 0 // only rules that add points when their condition holds
		points := []float64{1, -3, 0.5, 7, 1e300}
		if r.IntN(3) == 0 {
			points = []float64{1, math.MaxFloat64, -math.MaxFloat64} // sums that saturate
		}
		for i := range n {
			rule := Rule{ID: fmt.Sprintf("r%d", i), Dimension: pick(r, []Dimension{Fit, Engagement, Relationship}), When: pick(r, conds)}
			switch k := r.IntN(10); {
			case plain:
				rule.Points = pick(r, points)
			case k == 0:
				rule.Value = pick(r, values)
			case k == 1:
				rule.Points, rule.Max = 10, 4
			case k == 2:
				rule.Disqualify = true
			case k == 3:
				rule.When, rule.Points = "", 1 // always
			case k == 4:
				rule.When = "lead.Traits.x > 0" // not on the fast path: the VM's
				rule.Points = 2
			default:
				rule.Points = pick(r, []float64{1, -3, 0.5, 7, math.MaxFloat64, -math.MaxFloat64, 1e300})
			}
			cfg.Rules = append(cfg.Rules, rule)
		}
		fast, err := Compile[*diffLead](cfg)
		if err != nil {
			t.Fatalf("rules of conditions that compile: %v", err)
		}
		vm, err := Compile[*diffLead](cfg)
		if err != nil {
			t.Fatal(err)
		}
		vm = withoutFastPath(vm)
		b := &fast.batch
		if len(b.tests) > 0 && len(b.others) > 0 {
			mixed++
		}
		if b.direct {
			direct++
		} else if len(b.others) == 0 {
			bounded++ // all plain, but their points could overflow: through state.Sum
		}
		if len(b.tests) > 64 {
			many++
		}
		st := diffState(t, fast, leads[0])
		for _, lead := range leads {
			want, err1 := vm.Score(lead, st, t0)
			got, err2 := fast.Score(lead, st, t0)
			if err1 != nil || err2 != nil {
				t.Fatalf("Score: %v, %v", err1, err2)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("rules %+v\nlead %+v\nbatched %+v\none by one on the VM %+v", cfg.Rules, lead, got, want)
			}
			checked++
		}
	}
	if mixed < 50 || direct < 10 || bounded < 3 || many < 3 {
		t.Errorf("too few rule sets of a kind: %d mixed, %d direct, %d plain but unbounded, %d of more than 64 tests", mixed, direct, bounded, many)
	}
	t.Logf("%d evaluations: %d mixed rule sets, %d direct, %d plain but unbounded, %d of more than 64 tests", checked, mixed, direct, bounded, many)
}
