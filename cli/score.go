package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
	"github.com/leadscore/leadscore/internal/text"
)

const scoreHelp = `Scores each lead of a JSON Lines file (standard input when no file is given) and writes
one JSON result per line: the scores, tier, hand-off, stage, persona, signals, the rules that
fired, the transitions on the way and the hand-off explanation.

Each input line is {"lead": {…}, "events": […], "at": "…"} (and optionally "name"), as in a
case file. The events are observed in order into a fresh state; the lead is then evaluated at
"at", else at -at, else at its latest event.

Each line has the lead's "trigger" when a tier change or hand-off happened on the way (why
now: the last event, or the passage of time, that crossed a line), and its "rejection" when
sales rejected it (the latest reason and time).

With -write-states FILE, each lead's State after scoring is also written to FILE, one JSON
line per lead in input order — {"id": …, "lead": {…as given…}, "state": "<base64 of
State.MarshalBinary>", "at": …as given} — which is what "{program} diff -states" reads: the
States a service would hold had it run these rules, to try a rule-set change on.

With -accounts, the leads are also grouped by account (the rule set's accounts key; a lead
whose key is empty is in no account) and, after the last lead's line, each account is scored
from its members and written as one JSON line, in the order of its first member in the input:
{"account": key, "at", "members" (how many), "engaged", "total", "fit", "engagement", "tier",
"handoff", "disqualified", "roles": [{"role", "name", "required", "covered", "members" (the
engaged members who play it), "last_engaged"}], "missing" (required roles not covered),
"contributions" (the account rules that held), "trigger" (a hand-off's why now),
"explanation", "errors"}. An account is scored at the latest time any member was evaluated at.
-write-accounts FILE writes these lines to FILE instead (and implies -accounts), so that
standard output holds leads alone. Grouping keeps each member's lead and State until the end
of the input; without -accounts nothing is kept. A rule set without an accounts section
cannot group: -accounts is then an error.

Exit status: 0 ok; 1 some rule errored while scoring (the results are all written, each with
its "errors"; a lead's accounts key that fails is one of them); 2 bad usage, rules or input
(the first bad line stops the run).
`

func scoreCommand[L any](args []string, e *env) int {
	c := newCommand("score", "-rules rules.json [-at time] [-write-states states.jsonl] [-accounts] [-write-accounts accounts.jsonl] [-progress] [leads.jsonl]", scoreHelp, e)
	rules := c.rulesFlag("rules", "the rule set, JSON or YAML")
	atFlag := c.fs.String("at", "", "evaluate leads without \"at\" at this RFC 3339 time or date, instead of their latest event")
	writeStates := c.fs.String("write-states", "", "also write each lead's State to `file`, as JSON Lines for diff -states")
	accountsFlag := c.fs.Bool("accounts", false, "group the leads by account and write one line per account after the leads")
	writeAccounts := c.fs.String("write-accounts", "", "write the account lines to `file` instead of standard output (implies -accounts)")
	forceProgress := c.fs.Bool("progress", false, "report progress on stderr every 10,000 leads even when stderr is not a terminal")
	files, code, done := c.parse(args, 0, 1)
	if done {
		return code
	}
	if !c.require("rules", *rules) {
		return ExitBadInput
	}
	at, err := optionalTime(*atFlag)
	if err != nil {
		return c.errorf("-at: %v", err)
	}
	_, s, err := loadRules[L](e, *rules)
	if err != nil {
		return c.fail(err)
	}
	var groups *accountGroups[L] // nil: no -accounts
	if *accountsFlag || *writeAccounts != "" {
		if s.Config().Accounts == nil {
			flag := "-accounts"
			if !*accountsFlag {
				flag = "-write-accounts"
			}
			return c.errorf("%s: the rule set %s has no accounts section, which says how leads group into accounts (its key) and how an account scores: add one, or leave out %[1]s", flag, *rules)
		}
		groups = newAccountGroups[L]()
	}
	p := e.newProgress("scored", *forceProgress)
	leads, closeLeads, err := openLeads[L](e, files, p)
	if err != nil {
		return c.fail(err)
	}
	defer closeLeads()
	var states io.Writer // nil: no -write-states
	var statesBuf *bufio.Writer
	var statesFile io.WriteCloser
	if *writeStates != "" {
		if statesFile, err = e.create(*writeStates); err != nil {
			return c.fail(&fileError{File: *writeStates, Msg: pathErrorText(err)})
		}
		statesBuf = bufio.NewWriter(statesFile)
		states = statesBuf
	}

	var accountsFile io.WriteCloser // -write-accounts
	if *writeAccounts != "" {
		if accountsFile, err = e.create(*writeAccounts); err != nil {
			return c.fail(&fileError{File: *writeAccounts, Msg: pathErrorText(err)})
		}
	}

	out := bufio.NewWriter(e.stdout)
	withErrors, err := scoreAll(e.name, s, leads, at, out, states, groups)
	accountErrors := 0
	if groups != nil && err == nil && leads.err == nil {
		if accountsFile == nil {
			accountErrors, err = scoreAccounts(e.name, s, groups, out)
		} else {
			w := bufio.NewWriter(accountsFile)
			if accountErrors, err = scoreAccounts(e.name, s, groups, w); err == nil {
				if ferr := w.Flush(); ferr != nil {
					err = &fileError{File: *writeAccounts, Msg: pathErrorText(ferr)}
				}
			}
		}
	}
	if accountsFile != nil {
		if cerr := accountsFile.Close(); err == nil && cerr != nil {
			err = &fileError{File: *writeAccounts, Msg: pathErrorText(cerr)}
		}
	}
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("%s score: writing: %w", e.name, ferr)
	}
	if statesBuf != nil {
		ferr := statesBuf.Flush()
		if cerr := statesFile.Close(); ferr == nil {
			ferr = cerr
		}
		if err == nil && ferr != nil {
			err = &fileError{File: *writeStates, Msg: pathErrorText(ferr)}
		}
	}
	p.done()
	if err == nil {
		err = leads.err
	}
	if err != nil {
		return c.fail(err)
	}
	if withErrors > 0 {
		fmt.Fprintf(e.stderr, "%s score: rules errored for %d %s (see each result's \"errors\")\n", e.name, withErrors, text.Plural(withErrors, "lead", "leads"))
	}
	if accountErrors > 0 {
		fmt.Fprintf(e.stderr, "%s score: rules errored for %d %s (see each account's \"errors\")\n", e.name, accountErrors, text.Plural(accountErrors, "account", "accounts"))
	}
	if withErrors > 0 || accountErrors > 0 {
		return ExitFailed
	}
	return ExitOK
}

// scored is one lead's line of output (and of stored State, for -write-states), or the error
// that stops the run.
type scored[L any] struct {
	data, state []byte
	ruleError   bool
	err         error
	// With -accounts: the lead's account ("": none), and what the account needs of it.
	account string
	lead    L
	st      *leadscore.State
	at      time.Time
}

// storedLine is a line of -write-states: the lead and its "at" as the input gave them, so that
// diff -states reads the same lead, and the State.
type storedLine struct {
	ID    string          `json:"id"`
	Lead  json.RawMessage `json:"lead"`
	State []byte          `json:"state"` // base64, as encoding/json writes bytes
	At    json.RawMessage `json:"at,omitempty"`
}

// storedState renders the -write-states line of the lead on input line text, named name,
// whose State st is after scoring.
func storedState(name string, text []byte, st *leadscore.State) ([]byte, error) {
	var in struct {
		Lead, At json.RawMessage
	}
	if err := json.Unmarshal(text, &in); err != nil {
		return nil, err
	}
	data, err := st.MarshalBinary()
	if err != nil {
		return nil, err
	}
	rec := storedLine{ID: name, Lead: in.Lead, State: data}
	if len(rec.Lead) == 0 {
		rec.Lead = json.RawMessage("{}")
	}
	if string(in.At) != "null" {
		rec.At = in.At
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err = enc.Encode(rec)
	return buf.Bytes(), err
}

// scoreAll scores the leads on all processors and writes their results to w in input order,
// their States to states when it is not nil, and adds each lead to its account in groups when
// that is not nil. Lines are parsed and scored by as many workers as there are processors. It
// returns how many leads had rule errors, and the first error that stopped it: a bad line, a
// lead that cannot be scored, a failed write (an unreadable input is left in leads.err).
func scoreAll[L any](program string, s *leadscore.Scorer[L], leads *leadReader[L], at time.Time, w, states io.Writer, groups *accountGroups[L]) (withErrors int, err error) {
	records := func(yield func(record) bool) {
		for rec := range leads.records() {
			rec.text = bytes.Clone(rec.text) // the reader reuses its buffer
			if !yield(rec) {
				return
			}
		}
	}
	score := func() func(record) scored[L] {
		var buf []byte
		return func(j record) scored[L] {
			c, err := leads.parse(j)
			if err != nil {
				return scored[L]{err: err}
			}
			if c.At.IsZero() {
				c.At = at
			}
			tr, err := analysis.ReplayFinal(s, c)
			if err != nil {
				return scored[L]{err: leads.recordError(j, err)}
			}
			rec := scoreRecord(j.line, c, tr)
			var r scored[L]
			if groups != nil {
				// A key that fails is the lead's rule error: the lead is in no account.
				if r.account, err = s.AccountKey(c.Lead); err != nil {
					rec.Errors = append(rec.Errors, err.Error())
				} else if r.account != "" {
					r.lead, r.st, r.at = c.Lead, tr.State, tr.Result.At
				}
			}
			if buf, err = rec.appendJSON(buf[:0]); err != nil {
				return scored[L]{err: err}
			}
			r.data, r.ruleError = bytes.Clone(buf), len(rec.Errors) > 0
			if states != nil {
				name := c.Name
				if name == "" {
					name = label(j.line, c.Lead)
				}
				if r.state, err = storedState(name, j.text, tr.State); err != nil {
					r = scored[L]{err: leads.recordError(j, err)}
				}
			}
			return r
		}
	}
	err = parallelInOrder(records, score, func(r scored[L]) error {
		if r.err != nil {
			return r.err
		}
		if r.ruleError {
			withErrors++
		}
		if _, err := w.Write(r.data); err != nil {
			return fmt.Errorf("%s score: writing: %w", program, err)
		}
		if states != nil {
			if _, err := states.Write(r.state); err != nil {
				return fmt.Errorf("%s score: writing States: %w", program, err)
			}
		}
		if r.st != nil {
			groups.add(r.account, r.lead, r.st, r.at)
		}
		return nil
	})
	return withErrors, err
}

// optionalTime parses a flag's time as parseTime does; an empty flag is the zero time.
func optionalTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseTime(s)
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time (2026-03-02T09:00:00Z) or a date (2026-03-02)", s)
}

// result is one line of score's output. Its signals, contributions and transitions are the
// public types, whose JSON is the wire format (their numbers rounded); the line itself is
// not a leadscore.Result: it adds the input line, the lead's name, ID and email and the
// explanation, gives rule errors as their messages rather than as objects, and leaves out
// what a replay makes constant (duplicate, stalled_since).
type result struct {
	Line          int                      `json:"line"`
	Name          string                   `json:"name,omitempty"`
	ID            string                   `json:"id,omitempty"`
	Email         string                   `json:"email,omitempty"`
	At            time.Time                `json:"at"`
	Total         float64                  `json:"total"`
	Fit           float64                  `json:"fit"`
	Engagement    float64                  `json:"engagement"`
	Relationship  float64                  `json:"relationship"`
	Tier          string                   `json:"tier"`
	Handoff       bool                     `json:"handoff"`
	Disqualified  bool                     `json:"disqualified"`
	Grade         string                   `json:"grade,omitempty"`
	Stage         string                   `json:"stage"`
	Owner         leadscore.Owner          `json:"owner,omitempty"`
	Stalled       bool                     `json:"stalled,omitempty"`
	Persona       string                   `json:"persona,omitempty"`
	Track         string                   `json:"track,omitempty"`
	Signals       []leadscore.Signal       `json:"signals"`
	Contributions []leadscore.Contribution `json:"contributions"`
	Transitions   []leadscore.Transition   `json:"transitions"`
	Trigger       *leadscore.Trigger       `json:"trigger,omitempty"`   // why now: the run's last tier change or hand-off
	Rejection     *leadscore.Rejection     `json:"rejection,omitempty"` // the latest rejection by sales
	Explanation   string                   `json:"explanation"`
	Errors        []string                 `json:"errors,omitempty"`
}

func scoreRecord[L any](line int, l analysis.ReplayedLead[L], tr analysis.Trace) result {
	r := tr.Result
	// Why now is the run's: the final Advance's own Trigger is only set when time alone
	// crossed a line at the end, and the explanation says it as the line does.
	r.Trigger = tr.Trigger
	id, email := identify(l.Lead)
	out := result{
		Line: line, Name: l.Name, ID: id, Email: email, At: r.At,
		Total: round(r.Total), Fit: round(r.Fit), Engagement: round(r.Engagement), Relationship: round(r.Relationship),
		Tier: r.Tier, Handoff: r.Handoff, Disqualified: r.Disqualified, Grade: r.Grade,
		Stage: string(r.Stage), Owner: r.Owner, Stalled: r.Stalled, Persona: r.Persona, Track: r.Track,
		Signals: make([]leadscore.Signal, 0, len(r.Signals)), Contributions: make([]leadscore.Contribution, 0, len(r.Contributions)),
		Transitions: tr.Transitions, Trigger: r.Trigger, Rejection: r.Rejection, Explanation: r.Explain(),
	}
	if out.Transitions == nil {
		out.Transitions = []leadscore.Transition{}
	}
	for _, sig := range r.Signals {
		sig.Strength = round(sig.Strength)
		out.Signals = append(out.Signals, sig)
	}
	for _, ct := range r.Contributions {
		ct.Points = round(ct.Points)
		out.Contributions = append(out.Contributions, ct)
	}
	for _, err := range tr.Errors {
		out.Errors = append(out.Errors, err.Error())
	}
	return out
}

// round keeps three decimals: more than any reader needs, and stable output.
func round(v float64) float64 {
	r := math.Round(v*1000) / 1000
	if r == 0 {
		return 0 // no -0
	}
	return r
}
