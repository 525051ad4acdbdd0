// Command leadscore scores leads with a rule set and tests rule sets before they ship: score,
// test, diff, lint and backtest, for the standard leadscore.Lead. Its commands, formats and exit codes
// are package cli's (github.com/leadscore/leadscore/cli), which builds the same command for a
// lead type of your own.
package main

import (
	"os"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/cli"
)

func main() {
	os.Exit(cli.Main[leadscore.Lead](os.Args[1:], cli.Options{}))
}
