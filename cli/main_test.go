package cli

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// execResult is what a run of the command gave.
type execResult struct {
	code           int
	stdout, stderr string
}

// execute runs the leadscore command — Main for leadscore.Lead, as cmd/leadscore does — with
// args and stdin, in this directory.
func execute(t *testing.T, stdin string, args ...string) execResult {
	t.Helper()
	return executeFor[leadscore.Lead](t, Options{}, stdin, args...)
}

// executeFor runs Main for leads of type L with opts, args and stdin.
func executeFor[L any](t *testing.T, opts Options, stdin string, args ...string) execResult {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.Stdin, opts.Stdout, opts.Stderr = strings.NewReader(stdin), &out, &errOut
	code := Main[L](args, opts)
	return execResult{code: code, stdout: out.String(), stderr: errOut.String()}
}
