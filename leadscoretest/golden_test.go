package leadscoretest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadscore/leadscore/leadscoretest"
)

// recorder is a testing.TB that records failures instead of failing the test.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
}

func TestGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dana.golden")
	text := "Total 90 — hot (hand-off)\nWhy:\n  +40  engagement    asked for a demo\n"

	r := &recorder{TB: t}
	leadscoretest.Golden(r, path, text, false)
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "does not exist") {
		t.Fatalf("missing file: %q", r.errors)
	}

	r = &recorder{TB: t}
	leadscoretest.Golden(r, path, text, true) // creates sub/
	if len(r.errors) != 0 {
		t.Fatalf("update: %q", r.errors)
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != text {
		t.Fatalf("update wrote %q, %v", data, err)
	}

	leadscoretest.Golden(t, path, text, false)

	// A checkout with CRLF line endings still matches.
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "\n", "\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	leadscoretest.Golden(t, path, text, false)

	r = &recorder{TB: t}
	leadscoretest.Golden(r, path, strings.Replace(text, "+40", "+30", 1), false)
	want := "line 3:\n  got:  \"  +30  engagement    asked for a demo\"\n  want: \"  +40  engagement    asked for a demo\""
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], want) {
		t.Fatalf("difference reported as %q, want it to contain %q", r.errors, want)
	}

	r = &recorder{TB: t}
	leadscoretest.Golden(r, path, text+"Signal: velocity\n", false)
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "line 4:\n  got:  \"Signal: velocity\"\n  want: \"\"") {
		t.Fatalf("an added line reported as %q", r.errors)
	}
}
