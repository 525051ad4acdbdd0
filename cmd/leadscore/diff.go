package main

import (
	"encoding/json"
	"fmt"

	"github.com/leadscore/leadscore/leadscoretest"
)

const diffHelp = `Replays a population of leads (JSON Lines, standard input when no file is given) under
the old and the new rule set and reports what the change does before it ships: which leads
change tier, hand-off, stage or persona and which rules explain each change, the leads per
tier, persona and stage before and after, and the hand-off (MQL) volume.

Exit status: 0 no lead changes; 1 some leads change (like diff(1), so a pipeline can stop a
change that moves leads); 2 bad usage, rules or input.
`

func diffCommand(args []string, e *env) int {
	c := newCommand("diff", "-old old.json -new new.json [-json] [-leads n] [-progress] [population.jsonl]", diffHelp, e)
	oldRules := c.fs.String("old", "", "the rule set in use, JSON or YAML (required)")
	newRules := c.fs.String("new", "", "the changed rule set, JSON or YAML (required)")
	asJSON := c.fs.Bool("json", false, "write the report as JSON, every changed lead included")
	maxLeads := c.fs.Int("leads", 50, "list at most `n` changed leads in the text report (0: all)")
	forceProgress := c.fs.Bool("progress", false, "report progress on stderr every 10,000 leads even when stderr is not a terminal")
	files, code, done := c.parse(args, 0, 1)
	if done {
		return code
	}
	if !c.require("old", *oldRules) || !c.require("new", *newRules) {
		return exitBadData
	}
	_, before, err := e.loadRules(*oldRules)
	if err != nil {
		return c.fail(err)
	}
	_, after, err := e.loadRules(*newRules)
	if err != nil {
		return c.fail(err)
	}
	p := e.newProgress("read", *forceProgress)
	leads, closeLeads, err := e.openLeads(files, p)
	if err != nil {
		return c.fail(err)
	}
	defer closeLeads()
	rep, err := leadscoretest.Diff(before, after, leads.cases())
	p.done()
	if leads.err != nil {
		return c.fail(leads.err)
	}
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return c.fail(err)
		}
	} else {
		shown := rep
		if *maxLeads > 0 && len(shown.Changes) > *maxLeads {
			shown.Changes = shown.Changes[:*maxLeads]
		}
		fmt.Fprint(e.stdout, shown)
		if len(shown.Changes) < len(rep.Changes) {
			fmt.Fprintf(e.stdout, "  … and %d more (-leads 0 lists all, -json gives every one)\n", len(rep.Changes)-len(shown.Changes))
		}
	}
	if rep.Changed > 0 {
		return exitFailed
	}
	return exitOK
}
