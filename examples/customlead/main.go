// Command customlead is a team's own leadscore command, for its own lead type (package lead):
// score, test, diff and lint on the rules marketing ops write, in YAML.
//
//	go run ./examples/customlead test -rules examples/customlead/rules.yaml examples/customlead/cases.yaml
//	go run ./examples/customlead score -rules examples/customlead/rules.yaml examples/customlead/leads.yaml
package main

import (
	"os"

	"github.com/leadscore/leadscore/cli"
	"github.com/leadscore/leadscore/examples/customlead/lead"
)

// options build the team's command: its name, its rule set, the service's scorer options.
var options = cli.Options{Name: "customlead", Rules: "rules.yaml", Scorer: lead.ScorerOptions}

func main() { os.Exit(cli.Main[lead.Lead](os.Args[1:], options)) }
