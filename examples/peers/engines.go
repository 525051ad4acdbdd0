package peers

import (
	"fmt"
	"reflect"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/leadscore/leadscore"
)

// ExprRules is Rules compiled with expr, one program per rule, as a team would write it by
// hand: a value-typed environment and one reused VM (a VM is not safe for concurrent use).
type ExprRules struct {
	progs   []*vm.Program
	points  []float64
	machine vm.VM
}

type exprEnv struct {
	Lead leadscore.Lead `expr:"lead"`
}

// CompileExpr compiles Rules with expr.
func CompileExpr() (*ExprRules, error) {
	e := &ExprRules{}
	for _, r := range Rules {
		p, err := expr.Compile(r.Expr, expr.Env(exprEnv{}), expr.AsBool())
		if err != nil {
			return nil, fmt.Errorf("expr: %s: %w", r.Expr, err)
		}
		e.progs = append(e.progs, p)
		e.points = append(e.points, r.Points)
	}
	return e, nil
}

// Score sums the points of the rules lead satisfies, on the reused VM. The environment is
// boxed once per lead (expr takes it as an interface), not once per rule.
func (e *ExprRules) Score(lead *leadscore.Lead) (float64, error) {
	env := any(exprEnv{Lead: *lead})
	s := 0.0
	for i, p := range e.progs {
		out, err := e.machine.Run(p, env)
		if err != nil {
			return 0, err
		}
		if out.(bool) {
			s += e.points[i]
		}
	}
	return s, nil
}

// ScoreRun is Score with expr.Run, which makes a VM per call: the documented one-liner.
func (e *ExprRules) ScoreRun(lead *leadscore.Lead) (float64, error) {
	env := exprEnv{Lead: *lead}
	s := 0.0
	for i, p := range e.progs {
		out, err := expr.Run(p, env)
		if err != nil {
			return 0, err
		}
		if out.(bool) {
			s += e.points[i]
		}
	}
	return s, nil
}

// CELRules is Rules compiled with cel-go, one program per rule, over the Go Lead type
// (ext.NativeTypes).
type CELRules struct {
	progs  []cel.Program
	points []float64
}

// CompileCEL compiles Rules with cel-go.
func CompileCEL() (*CELRules, error) {
	env, err := cel.NewEnv(
		ext.NativeTypes(reflect.TypeFor[leadscore.Lead]()),
		cel.Variable("lead", cel.ObjectType("leadscore.Lead")),
	)
	if err != nil {
		return nil, err
	}
	c := &CELRules{}
	for _, r := range Rules {
		ast, iss := env.Compile(r.CEL)
		if iss.Err() != nil {
			return nil, fmt.Errorf("cel: %s: %w", r.CEL, iss.Err())
		}
		p, err := env.Program(ast)
		if err != nil {
			return nil, fmt.Errorf("cel: %s: %w", r.CEL, err)
		}
		c.progs = append(c.progs, p)
		c.points = append(c.points, r.Points)
	}
	return c, nil
}

// Score sums the points of the rules lead satisfies, with one activation per lead.
func (c *CELRules) Score(lead *leadscore.Lead) (float64, error) {
	act, err := cel.NewActivation(map[string]any{"lead": lead})
	if err != nil {
		return 0, err
	}
	s := 0.0
	for i, p := range c.progs {
		out, _, err := p.Eval(act)
		if err != nil {
			return 0, err
		}
		if out == types.True {
			s += c.points[i]
		}
	}
	return s, nil
}
