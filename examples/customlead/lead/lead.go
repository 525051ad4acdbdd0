// Package lead is a service's own lead type, as a team that adopts leadscore already has one:
// the service scores it (leadscore.Compile[lead.Lead]), and the team's command line
// (examples/customlead) tests the rules against the same fields.
package lead

import "github.com/leadscore/leadscore"

// Lead is what the service knows of a lead. Rules read its fields (lead.JobTitle); case and
// lead files use its JSON keys ("job_title").
type Lead struct {
	Email     string `json:"email"`
	JobTitle  string `json:"job_title"`
	Employees int    `json:"employees"`
	Industry  string `json:"industry"`
	Plan      string `json:"plan"` // "free", "team", "business"
}

// ScorerOptions are the options the service compiles its rule set with, and so the tools:
// the function paid(plan), which rules may call.
var ScorerOptions = []leadscore.Option{
	leadscore.WithFunction("paid", func(args ...any) (any, error) {
		plan, _ := args[0].(string)
		return plan == "team" || plan == "business", nil
	}, new(func(string) bool)),
}
