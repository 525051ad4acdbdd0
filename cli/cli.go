package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/leadscore/leadscore"
)

// Exit codes of [Main].
const (
	ExitOK       = 0 // all is well
	ExitFailed   = 1 // a test failed, diff found changes, lint found problems (see its -fail-on), a rule errored while scoring
	ExitBadInput = 2 // a usage error, or input that cannot be read or makes no sense
)

// Options configure a program built on [Main]. The zero value is the leadscore command: its
// name, no default rule set, the standard streams, rule sets compiled with no options.
type Options struct {
	// Name is the program's name in usage text and messages; "leadscore" when empty.
	Name string

	// Rules is the rule set that score, test and lint read without -rules, and diff's -new
	// without it: the team's own file, "rules.yaml". Empty: -rules is required.
	Rules string

	// Scorer holds the options every rule set is compiled with — its functions
	// (leadscore.WithFunction), limits (leadscore.WithLimits), … — as the team's service
	// compiles it, so that the tools accept what the service accepts.
	Scorer []leadscore.Option

	// Stdin, Stdout and Stderr are the program's streams; nil: os.Stdin, os.Stdout and
	// os.Stderr. Progress on a long run is shown when Stderr is a terminal (or with
	// -progress).
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Main runs the command line args (without the program's name, os.Args[1:]) for leads of type
// L and returns the exit code, for os.Exit: [ExitOK], [ExitFailed] or [ExitBadInput]. It does
// not exit itself, and reports a panic as an internal error (exit 2) rather than a trace.
//
//	func main() { os.Exit(cli.Main[mylead.Lead](os.Args[1:], cli.Options{Name: "mylead"})) }
func Main[L any](args []string, opts Options) int {
	e := &env{
		name:     cmpOr(opts.Name, "leadscore"),
		rules:    opts.Rules,
		scorer:   opts.Scorer,
		stdin:    opts.Stdin,
		stdout:   opts.Stdout,
		stderr:   opts.Stderr,
		now:      time.Now,
		readFile: os.ReadFile,
		open:     func(name string) (io.ReadCloser, error) { return os.Open(name) },
		create:   func(name string) (io.WriteCloser, error) { return os.Create(name) },
		mkdirAll: func(name string) error { return os.MkdirAll(name, 0o755) },
	}
	if e.stdin == nil {
		e.stdin = os.Stdin
	}
	if e.stdout == nil {
		e.stdout = os.Stdout
	}
	if e.stderr == nil {
		e.stderr = os.Stderr
	}
	if f, ok := e.stderr.(*os.File); ok {
		e.stderrTTY = isTerminal(f)
	}
	return run[L](args, e)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// env is the world a command sees: its name, its streams, its files, its clock (for progress
// only) and how it compiles rule sets.
type env struct {
	name           string
	rules          string             // the default rule set
	scorer         []leadscore.Option // compile options
	stdin          io.Reader
	stdout, stderr io.Writer
	stderrTTY      bool // progress is shown on a terminal without -progress
	progressEvery  int  // leads between progress reports; 0: progressEvery
	now            func() time.Time
	readFile       func(name string) ([]byte, error)
	open           func(name string) (io.ReadCloser, error)
	create         func(name string) (io.WriteCloser, error) // score -write-states, backtest -write-rules and -charts
	mkdirAll       func(name string) error                   // backtest -charts
}

const usage = `{program} scores leads with a rule set and tests rule sets before they ship.

Usage:
  {program} score -rules rules.json [-at time] [-write-states states.jsonl] [-accounts] [-write-accounts accounts.jsonl] [-progress] [leads.jsonl]
  {program} test  -rules rules.json [-v] [-min-coverage percent] cases.json
  {program} diff  -old old.json -new new.json [-json] [-leads n] [-at time] [-progress] [population.jsonl | -states states.jsonl]
  {program} lint  -rules rules.json [-previous old.json] [-fail-on severity] [-json] [-progress] [population.jsonl]
  {program} backtest -rules rules.json [-outcome converted] [-calibrate] [-folds 5] [-seed 1] [-min-fired 20] [-tiers hot=0.6,…] [-write-rules file] [-charts dir] [-json] [-progress] [leads.jsonl]
  {program} version

Run "{program} <command> -h" for a command's flags and formats.

Rule sets are JSON or YAML. Leads are JSON Lines, one object per line:
  {"lead": {"email": "dana@globex.example", "title": "VP Operations"},
   "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}], "at": "2026-03-03T09:00:00Z"}
read from standard input when no file is given.

A backtest's leads carry their outcome too: "converted": true or false.

Exit status: 0 all is well; 1 test failures, leads that change (diff), lint findings at or
above -fail-on (errors and warnings by default), rule errors while scoring (score, backtest);
2 usage errors and bad input.
`

// run runs the command line args for leads of type L and returns the exit code.
func run[L any](args []string, e *env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "%s: internal error: %v (please report it)\n", e.name, r)
			code = ExitBadInput
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(e.stderr, e.program(usage))
		return ExitBadInput
	}
	commands := map[string]func([]string, *env) int{
		"score": scoreCommand[L], "test": testCommand[L], "diff": diffCommand[L], "lint": lintCommand[L],
		"backtest": backtestCommand[L],
	}
	switch name := args[0]; name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && commands[args[1]] != nil {
			return commands[args[1]]([]string{"-h"}, e)
		}
		fmt.Fprint(e.stdout, e.program(usage))
		return ExitOK
	case "version", "-version", "--version":
		fmt.Fprintln(e.stdout, e.name, version())
		return ExitOK
	default:
		cmd := commands[name]
		if cmd == nil {
			fmt.Fprintf(e.stderr, "%s: unknown command %q\n\n%s", e.name, name, e.program(usage))
			return ExitBadInput
		}
		return cmd(args[1:], e)
	}
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// command is a subcommand's flag set and how it reports problems.
type command struct {
	name, synopsis, help string
	fs                   *flag.FlagSet
	e                    *env
}

// program puts the program's name in text, where it says {program}.
func (e *env) program(text string) string {
	return strings.ReplaceAll(text, "{program}", e.name)
}

// newCommand starts a command; its help text may name the program as {program}.
func newCommand(name, synopsis, help string, e *env) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	c := &command{name: name, fs: fs, e: e, synopsis: synopsis, help: e.program(help)}
	fs.Usage = func() {} // parse prints the usage, to stdout for -h and to stderr otherwise
	return c
}

// rulesFlag defines a flag naming a rule set, which defaults to the program's rule set when
// it has one (see Options.Rules).
func (c *command) rulesFlag(name, usage string) *string {
	if c.e.rules != "" {
		return c.fs.String(name, c.e.rules, usage)
	}
	return c.fs.String(name, "", usage+" (required)")
}

// shortUsage reminds of the synopsis on stderr, after a usage error.
func (c *command) shortUsage() {
	fmt.Fprintf(c.e.stderr, "usage: %s %s %s\nRun \"%[1]s %[2]s -h\" for help.\n", c.e.name, c.name, c.synopsis)
}

// usage prints the command's usage to w.
func (c *command) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s %s %s\n\n%s\nFlags:\n", c.e.name, c.name, c.synopsis, c.help)
	c.fs.SetOutput(w)
	c.fs.PrintDefaults()
	c.fs.SetOutput(c.e.stderr)
}

// parse parses flags and positional arguments in any order and checks the count of the
// latter. done is true when the command should stop, with code.
func (c *command) parse(args []string, minArgs, maxArgs int) (positional []string, code int, done bool) {
	for {
		if err := c.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.usage(c.e.stdout)
				return nil, ExitOK, true
			}
			c.shortUsage() // after flag's own line on what was wrong
			return nil, ExitBadInput, true
		}
		args = c.fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	if len(positional) < minArgs || len(positional) > maxArgs {
		fmt.Fprintf(c.e.stderr, "%s %s: expected %s, got %d\n", c.e.name, c.name, argCount(minArgs, maxArgs), len(positional))
		c.shortUsage()
		return nil, ExitBadInput, true
	}
	return positional, ExitOK, false
}

func argCount(lo, hi int) string {
	switch {
	case lo == hi && lo == 1:
		return "one file argument"
	case lo == 0 && hi == 1:
		return "at most one file argument"
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}

// require reports a missing required flag.
func (c *command) require(name, value string) bool {
	if value == "" {
		fmt.Fprintf(c.e.stderr, "%s %s: -%s is required\n", c.e.name, c.name, name)
		c.shortUsage()
		return false
	}
	return true
}

// errorf reports a usage problem of the command ("leadscore diff: -at: …") and returns
// ExitBadInput.
func (c *command) errorf(format string, args ...any) int {
	fmt.Fprintf(c.e.stderr, "%s %s: %s\n", c.e.name, c.name, fmt.Sprintf(format, args...))
	return ExitBadInput
}

// fail prints err, one problem per line, and returns ExitBadInput.
func (c *command) fail(err error) int {
	for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		fmt.Fprintf(c.e.stderr, "%s\n", line)
	}
	return ExitBadInput
}
