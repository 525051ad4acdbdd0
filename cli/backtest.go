package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/backtest"
	"github.com/leadscore/leadscore/internal/suggest"
	"github.com/leadscore/leadscore/internal/text"
)

const backtestHelp = `Measures a rule set against leads whose outcome is known: how well its points rank the
leads that converted above those that did not, how each tier converted, and how conversion
falls from the tenth of the leads with the most points to the tenth with the least. With
-calibrate, it also fits the rules' points to the outcomes and says, rule by rule, what the
points would become and why, measured on leads each fit had not seen (cross-validation).

Each line of the leads file (JSON Lines, or a YAML list; standard input when no file is
given) is a lead as score reads it, plus its outcome:
  {"lead": {…}, "events": […], "at": "2026-03-03T09:00:00Z", "converted": true}
Each lead is scored as it was at its "at" (else at its latest event): events after "at" are
left out, because what happened after the decision was due must not be credited to the rules
(leakage). Give "at" as the moment the lead would have been handed to sales, before the
outcome was known, and the lead's attributes as they were then. A lead without an outcome
is an error; so are leads that all share one outcome.

-outcome says where the outcome is: "converted" (the default), the line's key; or
traits.NAME, a true or false trait of the lead (the standard lead type), which is taken off
the lead before it is scored so that no rule can read it.

-calibrate fits the points with a logistic regression over -folds stratified folds shuffled
by -seed (the same seed gives the same result); it needs at least -folds converted and
-folds unconverted leads. A rule that fired, or did not, for fewer than -min-fired leads
(20) keeps its points: so few leads cannot tell its effect from chance. -tiers
hot=0.6,warm=0.25 places tiers where leads convert at those rates (each tier needs a min)
instead of keeping their share of the leads. -write-rules FILE writes the calibrated rule
set as JSON — the same rules with the new points, tiers moved, dimension bounds dropped (a
fitted table is linear) — to review, test and diff before it ships. -charts DIR writes
DIR/lift.svg (conversion by tenth of the leads, the points before beside the new points) and
DIR/calibration.svg (promised against observed conversion). All of them need -calibrate.

-calibration FILE (YAML or JSON) says what the team knows before the data speak, and how to
fit:
  expect:                      # the sign a rule's points must keep, and why
    chat-question: {sign: positive, why: questions are a buying signal}
    student: {sign: negative}
  shrink_below: 1              # 0 points for a rule within 1 standard error of 0
  interactions: 10             # add up to 10 rules "A and B", chosen from the data
  bin:                         # cut a number into threshold rules, chosen from the data
    - {id: visits, value: 'count("page_view", "30d")', sign: positive, bins: 5}
    - {id: age, value: lead.Age, free: true}   # points may rise and fall
  input_pairs: 5               # cross 5 pairs of inputs into grids (pair_bins: 4 each)
  columns:                     # rules of one categorical column: one input of input_pairs
    plan: [plan-team, plan-business]
  lambda: 1                    # the penalty; points_to_double: 20, base_score, base_odds, step
  penalty: raw                 # on the points themselves (default standardised: per std dev)
  pair_lambda: 4               # a penalty of its own for the rules of the pairs and grids
A rule held at 0 by its sign, or shrunk to 0, says so in the report. Thresholds and pairs are
chosen again on each fold's training leads, so the held-out figures include choosing them.

-json writes the figures as one JSON object instead of text, numbers to 9 significant
digits, null where there is none (the precision of a hand-off nobody reached). Progress goes
to stderr on a terminal (or with -progress): leads read, then each fit of the calibration.

Exit status: 0 ok; 1 some rule errored while scoring (the figures are still written); 2 bad
usage, rules or input.
`

func backtestCommand[L any](args []string, e *env) int {
	c := newCommand("backtest", "-rules rules.json [-outcome converted] [-calibrate] [-calibration file] [-folds 5] [-seed 1] [-min-fired 20] [-tiers hot=0.6,…] [-write-rules file] [-charts dir] [-json] [-progress] [leads.jsonl]", backtestHelp, e)
	rules := c.rulesFlag("rules", "the rule set, JSON or YAML")
	outcome := c.fs.String("outcome", "converted", "where each lead's outcome is: `converted` (the line's key) or traits.NAME (a trait of the lead)")
	calibrate := c.fs.Bool("calibrate", false, "also fit the rules' points to the outcomes, cross-validated, and say what they would become")
	folds := c.fs.Int("folds", 5, "cross-validation folds for -calibrate (at least 2)")
	seed := c.fs.Uint64("seed", 1, "seed of the shuffle that deals leads into folds")
	minFired := c.fs.Int("min-fired", 0, "with -calibrate, the leads a rule must fire for, and not fire for, to be fitted; fewer keep their points (default 20)")
	tiers := c.fs.String("tiers", "", "with -calibrate, place tiers where leads convert at these rates: `name=rate,…` (hot=0.6,warm=0.25)")
	charts := c.fs.String("charts", "", "with -calibrate, write lift.svg and calibration.svg to `dir` (created if missing)")
	options := c.fs.String("calibration", "", "with -calibrate, read the signs rules must keep, the numbers to cut into thresholds and the fit's settings from `file` (YAML or JSON)")
	writeRules := c.fs.String("write-rules", "", "with -calibrate, write the calibrated rule set to `file`, as JSON")
	asJSON := c.fs.Bool("json", false, "write the figures as one JSON object")
	forceProgress := c.fs.Bool("progress", false, "report progress on stderr even when stderr is not a terminal")
	files, code, done := c.parse(args, 0, 1)
	if done {
		return code
	}
	if !c.require("rules", *rules) {
		return ExitBadInput
	}
	trait, ok := strings.CutPrefix(*outcome, "traits.")
	switch {
	case *outcome == "converted":
		trait = ""
	case !ok || trait == "":
		return c.errorf("-outcome: %q: use converted (the line's key) or traits.NAME (a trait of the lead)", *outcome)
	default:
		if _, std := any(*new(L)).(leadscore.Lead); !std {
			return c.errorf("-outcome %s: traits are the standard lead's; give the outcome as the line's \"converted\"", *outcome)
		}
	}
	if *folds < 2 {
		return c.errorf("-folds %d: need at least 2", *folds)
	}
	rates, err := parseTierRates(*tiers)
	if err != nil {
		return c.errorf("-tiers: %v", err)
	}
	switch {
	case *calibrate:
	case *tiers != "":
		return c.errorf("-tiers places the tiers of the calibrated points: add -calibrate")
	case *charts != "":
		return c.errorf("-charts draws the calibration's charts: add -calibrate")
	case *minFired != 0:
		return c.errorf("-min-fired is the evidence a rule needs to be calibrated: add -calibrate")
	case *writeRules != "":
		return c.errorf("-write-rules writes the calibrated rule set: add -calibrate")
	case *options != "":
		return c.errorf("-calibration sets how the points are calibrated: add -calibrate")
	}
	if *minFired < 0 {
		return c.errorf("-min-fired %d: want 1 or more (0: the default, 20)", *minFired)
	}
	cfg, s, err := loadRules[L](e, *rules)
	if err != nil {
		return c.fail(err)
	}
	if err := checkTierRates(cfg, rates); err != nil {
		return c.errorf("-tiers: %v", err)
	}
	var opts backtest.CalibrateOptions
	if *options != "" {
		if opts, err = loadCalibration(e, *options, cfg); err != nil {
			return c.fail(err)
		}
	}
	p := e.newProgress("read", *forceProgress)
	leads, closeLeads, err := openLeads[L](e, files, p)
	if err != nil {
		return c.fail(err)
	}
	defer closeLeads()
	set, err := readCases(leads, trait)
	p.done()
	if err != nil {
		return c.fail(err)
	}
	if len(set.cases) == 0 {
		return c.fail(&fileError{File: leads.name, Msg: "no leads to backtest"})
	}
	converted := 0
	for _, cs := range set.cases {
		if cs.Converted {
			converted++
		}
	}
	if converted == 0 || converted == len(set.cases) {
		which := fmt.Sprintf("all %d %s converted", len(set.cases), text.Plural(len(set.cases), "lead", "leads"))
		if converted == 0 {
			which = fmt.Sprintf("none of the %d %s converted", len(set.cases), text.Plural(len(set.cases), "lead", "leads"))
		}
		return c.fail(&fileError{File: leads.name, Msg: which + ": a backtest compares leads that converted with leads that did not, and needs both"})
	}
	if *calibrate && min(converted, len(set.cases)-converted) < *folds {
		return c.fail(&fileError{File: leads.name, Msg: fmt.Sprintf(
			"%d folds need at least %d converted and %d unconverted leads, and there are %d and %d: lower -folds (at least 2) or give more leads",
			*folds, *folds, *folds, converted, len(set.cases)-converted)})
	}

	samples, err := backtest.Score(s, set.cases)
	if err != nil {
		return c.fail(set.placed(leads.name, err))
	}
	report, err := backtest.Evaluate(samples)
	if err != nil {
		return c.fail(err)
	}
	errored := 0
	for _, sm := range samples {
		if len(sm.Result.Errors) > 0 {
			errored++
		}
	}

	var cal *backtest.CalibrationReport
	if *calibrate {
		fits := e.newSteps("calibrating: fit", *forceProgress)
		opts.Folds, opts.Seed, opts.TierRates, opts.MinFired, opts.Progress = *folds, *seed, rates, *minFired, fits.step
		calibrated, rep, err := backtest.Calibrate(cfg, set.cases, opts, e.scorer...)
		fits.done()
		if err != nil {
			return c.fail(fmt.Errorf("%s backtest: -calibrate: %s", e.name, strings.TrimPrefix(err.Error(), "backtest: ")))
		}
		cal = &rep
		if *writeRules != "" {
			if err := writeConfig(e, *writeRules, calibrated); err != nil {
				return c.fail(err)
			}
		}
	}
	var written []string
	if *charts != "" {
		if written, err = writeCharts(e, *charts, cal); err != nil {
			return c.fail(err)
		}
	}

	out := bufio.NewWriter(e.stdout)
	bt := backtestRun{rules: *rules, leads: leads.name, outcome: *outcome, leftOut: set.leftOut, report: report, calibration: cal, charts: written, wroteRules: *writeRules}
	if *asJSON {
		err = bt.writeJSON(out)
	} else {
		bt.writeText(out)
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return c.fail(fmt.Errorf("%s backtest: writing: %w", e.name, err))
	}
	if errored > 0 {
		fmt.Fprintf(e.stderr, "%s backtest: rules errored for %d %s (they are counted with the points the other rules gave; \"%[1]s score\" shows the errors)\n",
			e.name, errored, text.Plural(errored, "lead", "leads"))
		return ExitFailed
	}
	return ExitOK
}

// parseTierRates reads -tiers: name=rate pairs separated by commas.
func parseTierRates(s string) (map[string]float64, error) {
	if s == "" {
		return nil, nil
	}
	rates := map[string]float64{}
	for _, pair := range strings.Split(s, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q: want name=rate, such as hot=0.6", pair)
		}
		if _, dup := rates[name]; dup {
			return nil, fmt.Errorf("tier %q given twice", name)
		}
		r, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(value, "%")), 64)
		if err == nil && strings.HasSuffix(value, "%") {
			r /= 100
		}
		if err != nil || !(r > 0 && r < 1) {
			return nil, fmt.Errorf("%s=%s: want a conversion rate between 0 and 1 (0.6) or a percentage (60%%)", name, value)
		}
		rates[name] = r
	}
	return rates, nil
}

// checkTierRates checks that -tiers names tiers of cfg that have a min.
func checkTierRates(cfg leadscore.Config, rates map[string]float64) error {
	var names []string
	withMin := map[string]bool{}
	for _, t := range cfg.Tiers {
		if t.Min != nil {
			names = append(names, t.Name)
			withMin[t.Name] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(rates)) {
		if !withMin[name] {
			return fmt.Errorf("the rule set has no tier %q with a min%s (tiers with a min: %s)", name, suggest.Hint(name, names, true), strings.Join(names, ", "))
		}
	}
	return nil
}

// caseSet is the leads of a backtest as cases, the line each starts at, and how many of
// their events came after their "at" and were left out.
type caseSet[L any] struct {
	cases   []backtest.Case[L]
	lines   []int
	leftOut int
}

// placed puts an error of backtest.Score or Calibrate about a case ("backtest: case 3: event
// 2 (call): …", an event the Scorer rejects) at the line of the lead in file.
func (set caseSet[L]) placed(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "backtest: ")
	var i int
	if n, _ := fmt.Sscanf(msg, "case %d:", &i); n == 1 && i >= 0 && i < len(set.lines) {
		_, rest, _ := strings.Cut(msg, ": ")
		return &fileError{File: file, Line: set.lines[i], Msg: strings.Replace(rest, "leadscore: ", "", 1)}
	}
	return &fileError{File: file, Msg: msg}
}

// readCases reads every lead with its outcome: the line's "converted", or with trait the
// lead's trait of that name (taken off the lead). A lead without an outcome, or with neither
// events nor "at", is an error at its line.
func readCases[L any](lr *leadReader[L], trait string) (caseSet[L], error) {
	var set caseSet[L]
	for rec := range lr.records() {
		l, err := lr.parse(rec)
		if err != nil {
			return set, err
		}
		var converted bool
		if trait == "" {
			if l.Converted == nil {
				return set, lr.recordError(rec, fmt.Errorf(`no "converted": a backtest needs each lead's outcome, "converted": true or false`))
			}
			converted = *l.Converted
		} else if converted, err = takeTrait(&l.Lead, trait); err != nil {
			return set, lr.recordError(rec, err)
		}
		cutoff := l.At
		for _, ev := range l.Events {
			if l.At.IsZero() && ev.Time.After(cutoff) {
				cutoff = ev.Time
			}
			if !l.At.IsZero() && ev.Time.After(l.At) {
				set.leftOut++
			}
		}
		if cutoff.IsZero() {
			return set, lr.recordError(rec, fmt.Errorf(`no events and no "at": nothing says when to score the lead`))
		}
		set.cases = append(set.cases, backtest.Case[L]{Lead: l.Lead, Events: l.Events, Cutoff: cutoff, Converted: converted})
		set.lines = append(set.lines, rec.line)
	}
	return set, lr.err
}

// takeTrait reads the outcome from the standard lead's trait name, true or false, and
// deletes it from the lead so that no rule reads the answer.
func takeTrait[L any](lead *L, name string) (bool, error) {
	std, ok := any(lead).(*leadscore.Lead)
	if !ok {
		return false, fmt.Errorf("traits are the standard lead's") // checked with the flags
	}
	v, ok := std.Traits[name]
	if !ok {
		return false, fmt.Errorf("lead: no trait %q: a backtest needs each lead's outcome (-outcome traits.%[1]s), true or false", name)
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("lead: trait %q is %v, want the outcome, true or false", name, v)
	}
	traits := make(map[string]any, len(std.Traits)-1)
	for k, v := range std.Traits {
		if k != name {
			traits[k] = v
		}
	}
	std.Traits = traits
	return b, nil
}

// writeCharts writes the calibration's lift and calibration charts to dir.
func writeCharts(e *env, dir string, cal *backtest.CalibrationReport) ([]string, error) {
	if err := e.mkdirAll(dir); err != nil {
		return nil, &fileError{File: dir, Msg: pathErrorText(err)}
	}
	var written []string
	for _, chart := range []struct {
		file string
		draw func(io.Writer) error
	}{{"lift.svg", cal.LiftChart}, {"calibration.svg", cal.CalibrationChart}} {
		name := filepath.Join(dir, chart.file)
		f, err := e.create(name)
		if err != nil {
			return written, &fileError{File: name, Msg: pathErrorText(err)}
		}
		err = chart.draw(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, &fileError{File: name, Msg: pathErrorText(err)}
		}
		written = append(written, name)
	}
	return written, nil
}

// writeConfig writes cfg to name as indented JSON, which ParseConfig reads back.
func writeConfig(e *env, name string, cfg leadscore.Config) error {
	var data bytes.Buffer
	enc := json.NewEncoder(&data)
	enc.SetEscapeHTML(false) // "when": "x >= 200", not "x \u003e= 200"
	enc.SetIndent("", "  ")
	if err := enc.Encode(cfg); err != nil {
		return fmt.Errorf("%s backtest: -write-rules: %w", e.name, err)
	}
	f, err := e.create(name)
	if err != nil {
		return &fileError{File: name, Msg: pathErrorText(err)}
	}
	_, err = f.Write(data.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &fileError{File: name, Msg: pathErrorText(err)}
	}
	return nil
}

// backtestRun is what a backtest found, to write.
type backtestRun struct {
	rules, leads, outcome string
	leftOut               int
	report                backtest.Report
	calibration           *backtest.CalibrationReport
	charts                []string
	wroteRules            string // -write-rules
}

// writeText writes the figures in plain words, then the tiers and the tenths, then the
// calibration's summary.
func (b backtestRun) writeText(w io.Writer) {
	r := b.report
	fmt.Fprintf(w, "%d leads, %d converted (%s).\n", r.Leads, r.Converted, pct(r.ConversionRate))
	fmt.Fprintf(w, "Each lead was scored by %s as it was at its \"at\" (else its latest event)", b.rules)
	if b.leftOut > 0 {
		fmt.Fprintf(w, "; %d %s after \"at\" %s left out", b.leftOut, text.Plural(b.leftOut, "event", "events"), text.Plural(b.leftOut, "was", "were"))
	}
	fmt.Fprint(w, ".\n")
	fmt.Fprintf(w, "Of two leads, one that converted and one that did not, the points rank the converting one\n"+
		"higher %s times in 100 (ROC AUC %.3f; a coin: 50).\n", text.Number(100*r.AUC, 0), r.AUC)
	if h := r.Handoff; h.Leads == 0 {
		fmt.Fprint(w, "No lead reached a hand-off tier.\n")
	} else {
		fmt.Fprintf(w, "Handed to sales: %d %s (%s); %d converted (%s, %s× the average), %s of all who converted.\n",
			h.Leads, text.Plural(h.Leads, "lead", "leads"), pct(h.Share), h.Converted, pct(h.Precision), text.Number(h.Lift, 1), pct(h.Recall))
	}
	if cal := r.Calibration; cal.Slope > 0 && !math.IsInf(cal.PointsToDouble, 0) {
		fmt.Fprintf(w, "Every %s points of total double the odds of converting (a logistic fit of the outcome on the total).\n", text.Number(cal.PointsToDouble, 1))
	} else {
		fmt.Fprint(w, "More points do not mean more conversions here: the totals do not rank these leads.\n")
	}

	fmt.Fprint(w, "\nBy tier:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tier\tleads\tconverted\trate\tvs average\tpoints")
	for _, t := range r.Tiers {
		name := t.Tier
		if name == "" {
			name = "(no tier)"
		}
		if t.Handoff {
			name += " (hand-off)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s×\t%s\n", name, t.Leads, t.Converted, pct(t.ConversionRate), text.Number(t.Lift, 2), span(t.MinTotal, t.MaxTotal))
	}
	tw.Flush()

	fmt.Fprint(w, "\nBy tenth of the leads, most points first (equal totals share a row):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tenth\tpoints\tleads\tconverted\trate\tvs average\tof all conversions, so far")
	for _, d := range r.Deciles {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s×\t%s\n", d.Decile, span(d.MinTotal, d.MaxTotal), d.Leads, d.Converted, pct(d.ConversionRate), text.Number(d.Lift, 2), pct(d.Captured))
	}
	tw.Flush()

	if cal := b.calibration; cal != nil {
		fmt.Fprintf(w, "\nCalibrated points (%d folds, seed %d): each fold's points are fitted on the other folds and\nmeasured on it.\n\n",
			cal.Options.Folds, cal.Options.Seed)
		fmt.Fprint(w, cal.Summary())
	}
	if b.wroteRules != "" {
		fmt.Fprintf(w, "\nThe calibrated rule set is in %s: the same rules with the new points and tiers. Test it\n"+
			"and diff it against %s before it ships.\n", b.wroteRules, b.rules)
	}
	if len(b.charts) > 0 {
		fmt.Fprintf(w, "\nCharts: %s.\n", strings.Join(b.charts, ", "))
	}
}

// span is a range of totals, "12" when both ends are equal.
func span(lo, hi float64) string {
	if lo == hi {
		return text.Number(lo, 1)
	}
	return text.Number(lo, 1) + " to " + text.Number(hi, 1)
}

// pct formats a rate as a percentage with one decimal.
func pct(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
}

// steps reports on stderr each step of a long computation ("calibrating: fit 3 of 6"), as
// progress does: on a terminal one line rewritten in place, elsewhere (with -progress) a line
// per step. A nil *steps is off.
type steps struct {
	w     io.Writer
	what  string
	tty   bool
	now   func() time.Time
	start time.Time
	shown bool
}

// newSteps returns a reporter, or nil when progress is off.
func (e *env) newSteps(what string, forced bool) *steps {
	if !forced && !e.stderrTTY {
		return nil
	}
	return &steps{w: e.stderr, what: what, tty: e.stderrTTY, now: e.now, start: e.now()}
}

func (s *steps) step(done, total int) {
	if s == nil {
		return
	}
	elapsed := s.now().Sub(s.start).Round(time.Second)
	if s.tty {
		fmt.Fprintf(s.w, "\r%s %d of %d (%s)", s.what, done, total, elapsed)
	} else {
		fmt.Fprintf(s.w, "%s %d of %d (%s)\n", s.what, done, total, elapsed)
	}
	s.shown = true
}

// done ends the report: on a terminal, the in-place line is finished.
func (s *steps) done() {
	if s != nil && s.tty && s.shown {
		fmt.Fprintln(s.w)
	}
}
