package cli

import (
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/leadscore/leadscore/analysis"
)

const diffHelp = `Reports what changing a rule set does before it ships. First, what the new rule set does
to the States stored under the old one: which event rules and signals keep their history,
which are renamed (renamed_from), converted (a changed half-life) or reset (their history
dropped from every stored lead). Then, for a population of leads, which leads change tier,
hand-off, stage or persona and which rules explain each change, the leads per tier, persona
and stage before and after, and the hand-off (MQL) volume.

The population is either replayed or stored:
  - leads (JSON Lines, standard input when no file is given), as for score: each lead's
    events are replayed under each rule set, as if it had always run;
  - -states FILE: stored States, one JSON line per lead, {"id": …, "lead": {…},
    "state": "<base64 of State.MarshalBinary>", "at": …} (score -write-states writes them):
    each State is evaluated under each rule set as a deployment would find it, so a reset
    or an approximate conversion shows where a replay would hide it.
Leads without "at" are evaluated at -at, else at their latest event (replayed) or the
State's clock (stored).

Exit status: 0 no lead changes; 1 some leads change (like diff(1), so a pipeline can stop a
change that moves leads); 2 bad usage, rules or input.
`

func diffCommand[L any](args []string, e *env) int {
	c := newCommand("diff", "-old old.json -new new.json [-json] [-leads n] [-at time] [-progress] [population.jsonl | -states states.jsonl]", diffHelp, e)
	oldRules := c.fs.String("old", "", "the rule set in use, JSON or YAML (required)")
	newRules := c.rulesFlag("new", "the changed rule set, JSON or YAML")
	statesFile := c.fs.String("states", "", "diff the stored States of `file` (JSON Lines, as score -write-states writes) instead of replaying leads")
	atFlag := c.fs.String("at", "", "evaluate leads without \"at\" at this RFC 3339 time or date")
	asJSON := c.fs.Bool("json", false, "write the report as JSON, every changed lead included")
	maxLeads := c.fs.Int("leads", 50, "list at most `n` changed leads in the text report (0: all)")
	forceProgress := c.fs.Bool("progress", false, "report progress on stderr every 10,000 leads even when stderr is not a terminal")
	files, code, done := c.parse(args, 0, 1)
	if done {
		return code
	}
	if !c.require("old", *oldRules) || !c.require("new", *newRules) {
		return ExitBadInput
	}
	if *statesFile != "" && len(files) > 0 {
		c.errorf("give a population or -states, not both")
		c.shortUsage()
		return ExitBadInput
	}
	at, err := optionalTime(*atFlag)
	if err != nil {
		return c.errorf("-at: %v", err)
	}
	_, before, err := loadRules[L](e, *oldRules)
	if err != nil {
		return c.fail(err)
	}
	_, after, err := loadRules[L](e, *newRules)
	if err != nil {
		return c.fail(err)
	}
	p := e.newProgress("read", *forceProgress)
	if *statesFile != "" {
		files = []string{*statesFile}
	}
	leads, closeLeads, err := openLeads[L](e, files, p)
	if err != nil {
		return c.fail(err)
	}
	defer closeLeads()
	var rep analysis.DiffReport
	if *statesFile != "" {
		rep, err = analysis.DiffStates(before, after, withAt(leads.storedLeads(), at,
			func(sl *analysis.StoredLead[L]) *time.Time { return &sl.At }))
	} else {
		rep, err = analysis.Diff(before, after, withAt(leads.leads(), at,
			func(l *analysis.ReplayedLead[L]) *time.Time { return &l.At }))
	}
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
		return ExitFailed
	}
	return ExitOK
}

// withAt gives each lead of seq without an evaluation time (field says where it is) the time
// at: the -at flag. A zero at changes nothing.
func withAt[T any](seq iter.Seq[T], at time.Time, field func(*T) *time.Time) iter.Seq[T] {
	if at.IsZero() {
		return seq
	}
	return func(yield func(T) bool) {
		for v := range seq {
			if t := field(&v); t.IsZero() {
				*t = at
			}
			if !yield(v) {
				return
			}
		}
	}
}
