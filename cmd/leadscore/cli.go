package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"
)

// Exit codes.
const (
	exitOK      = 0 // all is well
	exitFailed  = 1 // a test failed, diff found changes, lint found problems, a rule errored
	exitBadData = 2 // a usage error, or input that cannot be read or makes no sense
)

// env is the world a command sees: its streams, its files and its clock (for progress only).
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	stderrTTY      bool // progress is shown on a terminal without -progress
	progressEvery  int  // leads between progress reports; 0: progressEvery
	now            func() time.Time
	readFile       func(name string) ([]byte, error)
	open           func(name string) (readCloser, error)
	create         func(name string) (io.WriteCloser, error) // score -write-states
}

type readCloser = io.ReadCloser

const usage = `leadscore scores leads with a rule set and tests rule sets before they ship.

Usage:
  leadscore score -rules rules.json [-at time] [-write-states states.jsonl] [-progress] [leads.jsonl]
  leadscore test  -rules rules.json [-v] [-min-coverage percent] cases.json
  leadscore diff  -old old.json -new new.json [-json] [-leads n] [-at time] [-progress] [population.jsonl | -states states.jsonl]
  leadscore lint  -rules rules.json [-previous old.json] [-json] [-progress] [population.jsonl]
  leadscore version

Run "leadscore <command> -h" for a command's flags and formats.

Rule sets are JSON or YAML. Leads are JSON Lines, one object per line:
  {"lead": {"email": "dana@globex.example", "title": "VP Operations"},
   "events": [{"type": "demo_request", "time": "2026-03-02T09:00:00Z"}], "at": "2026-03-03T09:00:00Z"}
read from standard input when no file is given.

Exit status: 0 all is well; 1 test failures, leads that change (diff), lint errors or
warnings, rule errors while scoring; 2 usage errors and bad input.
`

// run runs the command line args and returns the exit code.
func run(args []string, e *env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "leadscore: internal error: %v (please report it)\n", r)
			code = exitBadData
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitBadData
	}
	commands := map[string]func([]string, *env) int{
		"score": scoreCommand, "test": testCommand, "diff": diffCommand, "lint": lintCommand,
	}
	switch name := args[0]; name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && commands[args[1]] != nil {
			return commands[args[1]]([]string{"-h"}, e)
		}
		fmt.Fprint(e.stdout, usage)
		return exitOK
	case "version", "-version", "--version":
		fmt.Fprintln(e.stdout, "leadscore", version())
		return exitOK
	default:
		cmd := commands[name]
		if cmd == nil {
			fmt.Fprintf(e.stderr, "leadscore: unknown command %q\n\n%s", name, usage)
			return exitBadData
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

func newCommand(name, synopsis, help string, e *env) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	c := &command{name: name, fs: fs, e: e, synopsis: synopsis, help: help}
	fs.Usage = func() {} // parse prints the usage, to stdout for -h and to stderr otherwise
	return c
}

// shortUsage reminds of the synopsis on stderr, after a usage error.
func (c *command) shortUsage() {
	fmt.Fprintf(c.e.stderr, "usage: leadscore %s %s\nRun \"leadscore %s -h\" for help.\n", c.name, c.synopsis, c.name)
}

// usage prints the command's usage to w.
func (c *command) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: leadscore %s %s\n\n%s\nFlags:\n", c.name, c.synopsis, c.help)
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
				return nil, exitOK, true
			}
			c.shortUsage() // after flag's own line on what was wrong
			return nil, exitBadData, true
		}
		args = c.fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	if len(positional) < minArgs || len(positional) > maxArgs {
		fmt.Fprintf(c.e.stderr, "leadscore %s: expected %s, got %d\n", c.name, argCount(minArgs, maxArgs), len(positional))
		c.shortUsage()
		return nil, exitBadData, true
	}
	return positional, exitOK, false
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
		fmt.Fprintf(c.e.stderr, "leadscore %s: -%s is required\n", c.name, name)
		c.shortUsage()
		return false
	}
	return true
}

// fail prints err, one problem per line, and returns exitBadData.
func (c *command) fail(err error) int {
	for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		fmt.Fprintf(c.e.stderr, "%s\n", line)
	}
	return exitBadData
}
