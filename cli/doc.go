// Package cli is the leadscore command line — score, test, diff, lint and backtest — for any
// lead type.
// A service with a lead type of its own builds the tools for it in a few lines, so that the
// team that writes the rules tests them against the fields the service scores:
//
//	package main
//
//	import (
//		"os"
//
//		"example.com/crm/lead"
//		"github.com/leadscore/leadscore/cli"
//	)
//
//	func main() {
//		os.Exit(cli.Main[lead.Lead](os.Args[1:], cli.Options{
//			Name:   "crm-leads",
//			Rules:  "rules.yaml",
//			Scorer: lead.ScorerOptions, // the functions and limits the service compiles with
//		}))
//	}
//
// The command leadscore (cmd/leadscore) is this program for the standard [leadscore.Lead].
//
// # Commands
//
//	score -rules rules.yaml [-at time] [-write-states states.jsonl] [-accounts] [-write-accounts accounts.jsonl] [-progress] [leads]
//	test  -rules rules.yaml [-v] [-min-coverage percent] cases.yaml
//	diff  -old old.yaml -new new.yaml [-json] [-leads n] [-at time] [-progress] [leads | -states states]
//	lint  -rules rules.yaml [-previous old.yaml] [-fail-on severity] [-json] [-progress] [leads]
//	backtest -rules rules.yaml [-outcome converted] [-calibrate] [-calibration file] [-folds 5] [-seed 1] [-min-fired 20] [-tiers hot=0.6,…] [-write-rules file] [-charts dir] [-json] [-progress] [leads]
//	version
//
// score writes one JSON result per lead to standard output (its line in the input, name, the
// lead's ID and email, scores, tier, hand-off, stage, persona, signals, contributions,
// transitions, why now, a sales rejection, explanation, rule errors), with -write-states each
// lead's State to a file, and with -accounts one JSON line per account after the leads (its
// scores, tier, hand-off, buying-group roles covered and missing, explanation; to a file of
// its own with -write-accounts);
// test writes each failing case (all with -v), a summary and the rule-set coverage; diff
// writes what a rule-set change does to a population (text, or JSON with -json); lint writes
// its findings, each with the fix that resolves it (text, the fix on a second line indented
// "  fix: …", or JSON with -json, a "fix" field); backtest writes how well the rule set's
// points rank leads whose outcome is known — the ROC AUC in words, the hand-off's and each
// tier's conversion, conversion by tenth of the leads — and with -calibrate the points
// [backtest.Calibrate] fits to the outcomes, cross-validated, in the words of
// [backtest.CalibrationReport.Summary] (text, or JSON with -json; -write-rules FILE also
// writes the calibrated rule set, -charts DIR the charts DIR/lift.svg and
// DIR/calibration.svg). Problems go to standard error; progress on a long run too, when
// standard error is a terminal or with -progress. "<command> -h" prints a command's flags and
// formats.
//
// # Files
//
// Rule sets are JSON ([leadscore.ParseConfig]) or YAML. Case files are a list of cases
// (see [leadscoretest.ParseCasesFor]), JSON or YAML. Leads — score's input, diff's and lint's
// populations — are JSON Lines, one {"name", "lead", "events", "at"} object per line (see
// [analysis.ParseReplayedLeadFor]), or a YAML (or JSON) list of such objects; stored States
// (diff -states, as score -write-states writes them) likewise, one {"id", "lead", "state",
// "at"} per line or item ([analysis.ParseStoredLeadFor]). A file is YAML when it is named
// .yaml or .yml, JSON when named .json (.jsonl for leads), else by its first character; "-"
// or no leads file is standard input. JSON Lines stream; a list of leads is read whole, and
// checked whole before the first lead is scored.
//
// backtest's leads carry their outcome: "converted": true or false on each line
// ([analysis.ReplayedLead].Converted), or with -outcome traits.NAME a true or false trait of
// the standard lead, which is taken off the lead before it is scored. Each lead is scored
// point-in-time at its "at" (else its latest event): events after "at" are left out, so that
// what happened after the decision was due is not credited to the rules. A lead without an
// outcome is an error at its line.
//
// A lead decodes into L as encoding/json decodes it: by its json tags, else its field names
// (in any case); the standard [leadscore.Lead] also takes dates for times. Results and reports
// name a lead by its "name", else its ID or email — the string fields of L keyed "id" and
// "email" — else its line.
//
// YAML is YAML 1.2 (go.yaml.in/yaml/v3): a bare on, off, yes or no is a string, and a key —
// "on:" needs no quotes — and a plain scalar where a string is wanted is that string (id: no,
// id: 2024). Anchors, aliases and merge keys (<<) work.
//
// # Errors
//
// A problem with a file names the file, the line and the column (columns count bytes), and
// inside a rule, case or other item of a list, the item: rules.yaml:12:15: event rule
// "pricing": half_life: …. In YAML every problem has a line and a column, and every unknown
// key and wrongly typed value of a file is reported at once; a compile error of a rule is
// placed at the field at fault. JSON keeps its decoder's first error; a compile error there
// gives the line of the rule.
//
// # Gating a pipeline on lint
//
// lint -fail-on sets the least serious finding that fails the run (exit 1): error, warning
// (the default: errors and warnings fail, info does not), info (any finding fails) or none
// (lint never fails; a pipeline reads its output, such as -json's). Another value is a usage
// error (exit 2) that names the value probably meant.
//
// # Exit codes
//
//   - [ExitOK] (0): all is well — the cases pass and coverage reaches -min-coverage, diff finds
//     no lead that changes, lint finds nothing at or above -fail-on;
//   - [ExitFailed] (1): a case fails or coverage falls short, some leads change, lint finds
//     something at or above -fail-on, a rule errored while scoring (score still writes every
//     result, backtest its figures);
//   - [ExitBadInput] (2): a usage error, or a file that cannot be read or makes no sense.
package cli
