package cli

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// fakeEnv runs commands in-process, on the real files, with stdin and a ticking clock.
func fakeEnv(stdin string, tty bool) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	clock := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	return &env{
		name:  "leadscore",
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, stderrTTY: tty,
		now: func() time.Time {
			clock = clock.Add(time.Second)
			return clock
		},
		readFile: os.ReadFile,
		open:     func(name string) (io.ReadCloser, error) { return os.Open(name) },
	}, &out, &errOut
}

func leadLines(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		b.WriteString(`{"lead": {"title": "VP Operations"}, "events": [{"type": "page_view", "path": "/pricing", "time": "2026-03-02T09:00:00Z"}], "at": "2026-03-0` + string(rune('3'+i%5)) + `T09:00:00Z"}` + "\n")
	}
	return b.String()
}

func TestProgress(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tty    bool
		args   []string
		stderr string
	}{
		{"off when not a terminal", false, nil, ""},
		{"forced", false, []string{"-progress"}, "scored 2 leads (2/s)\nscored 4 leads (2/s)\n"},
		{"terminal", true, nil, "\rscored 2 leads (2/s)\rscored 4 leads (2/s)\rscored 5 leads (2/s)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errOut := fakeEnv(leadLines(t, 5), tc.tty)
			e.progressEvery = 2
			args := append([]string{"score", "-rules", "testdata/rules.json"}, tc.args...)
			if code := run[leadscore.Lead](args, e); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got := strings.Count(out.String(), "\n"); got != 5 {
				t.Errorf("%d results, want 5", got)
			}
			if errOut.String() != tc.stderr {
				t.Errorf("stderr %q, want %q", errOut, tc.stderr)
			}
		})
	}
}

func TestDefinitionLine(t *testing.T) {
	jsonRules := []byte("{\n \"rules\": [\n  {\"id\": \"exec\", \"when\": \"x\"},\n  {\"id\": \"exec2\"}\n ],\n \"tiers\": [{\"name\": \"hot\"}],\n \"signals\": [{\"kind\": \"vip\"}]\n}")
	yamlRules := []byte("rules:\n  - id: exec\n    when: x\n  - id: 'exec2'\ntiers:\n  - name: hot\n")
	for _, tc := range []struct {
		data     []byte
		kind, id string
		line     int
	}{
		{jsonRules, "rule", "exec", 3},
		{jsonRules, "event rule", "exec2", 4},
		{jsonRules, "tier", "hot", 6},
		{jsonRules, "signal", "vip", 7},
		{jsonRules, "rule", "nope", 0},
		{jsonRules, "config", "exec", 0},
		{yamlRules, "rule", "exec", 2},
		{yamlRules, "rule", "exec2", 4},
		{yamlRules, "tier", "hot", 6},
	} {
		if got := definitionLine(tc.data, tc.kind, tc.id); got != tc.line {
			t.Errorf("%s %q: line %d, want %d", tc.kind, tc.id, got, tc.line)
		}
	}
}

func TestIsYAML(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       bool
	}{
		{"rules.yaml", "{}", true},
		{"rules.YML", "", true},
		{"rules.json", "name: x", false},
		{"rules", "  {\"name\": 1}", false},
		{"stdin", "[]", false},
		{"stdin", "name: x", true},
	} {
		if got := isYAML(tc.name, []byte(tc.data)); got != tc.want {
			t.Errorf("isYAML(%q, %q) = %t", tc.name, tc.data, got)
		}
	}
}

// Flags may come before or after the file, and "-" reads standard input.
func TestArgumentOrder(t *testing.T) {
	cases, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"test", "-rules", "testdata/rules.json", "testdata/cases.json"},
		{"test", "testdata/cases.json", "-rules", "testdata/rules.json"},
		{"test", "-rules=testdata/rules.json", "-"},
	} {
		e, out, errOut := fakeEnv(string(cases), false)
		if code := run[leadscore.Lead](args, e); code != ExitOK {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, errOut)
		}
	}
}

func TestVersion(t *testing.T) {
	e, out, _ := fakeEnv("", false)
	if code := run[leadscore.Lead]([]string{"version"}, e); code != ExitOK || !strings.HasPrefix(out.String(), "leadscore ") {
		t.Errorf("exit %d, %q", code, out)
	}
}

// A write error (a closed pipe, a full disk) is reported, not ignored.
func TestScoreWriteError(t *testing.T) {
	e, _, errOut := fakeEnv(leadLines(t, 1), false)
	e.stdout = failingWriter{}
	if code := run[leadscore.Lead]([]string{"score", "-rules", "testdata/rules.json"}, e); code != ExitBadInput {
		t.Errorf("exit %d, want %d", code, ExitBadInput)
	}
	if !strings.Contains(errOut.String(), "writing") {
		t.Errorf("stderr %q", errOut)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

// Results come out in input order; a bad line stops the run after the lines before it.
func TestScoreOrderAndStop(t *testing.T) {
	in := leadLines(t, 40) + "{\"lead\": {\"titel\": \"x\"}}\n" + leadLines(t, 40)
	e, out, errOut := fakeEnv(in, false)
	if code := run[leadscore.Lead]([]string{"score", "-rules", "testdata/rules.json"}, e); code != ExitBadInput {
		t.Fatalf("exit %d, want %d", code, ExitBadInput)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 40 {
		t.Fatalf("%d results before the bad line, want 40", len(lines))
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, `{"line":`+strconv.Itoa(i+1)+`,`) {
			t.Fatalf("result %d out of order: %.40s", i+1, l)
		}
	}
	if want := `stdin:41:11: unknown field "titel"`; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q lacks %q", errOut, want)
	}
}
