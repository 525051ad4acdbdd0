package leadscoretest

// This is the one file of the package that touches the file system: golden files live on
// disk next to the tests that read them. The library's purity test allows it by name.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Golden compares got, typically a Result's Explain(), with the golden file at path and
// reports a difference with t.Errorf, naming the first line that differs. With update, it
// writes got to path instead (creating its directory). The caller owns the flag, so that a
// test binary has one -update for all its golden files:
//
//	var update = flag.Bool("update", false, "rewrite the golden files")
//
//	leadscoretest.Golden(t, "testdata/dana.golden", res.Explain(), *update)
//
// Line endings in the file are compared as "\n", so a checkout with CRLF line endings passes.
func Golden(t testing.TB, path string, got string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Errorf("golden file %s does not exist: run the test with its update flag to create it", path)
		return
	}
	if err != nil {
		t.Fatalf("golden: %v", err)
	}
	want := strings.ReplaceAll(string(data), "\r\n", "\n")
	if msg, differ := firstDifference(got, want); differ {
		t.Errorf("%s differs from the golden file (rerun with the update flag to accept):\n%s\n--- got:\n%s", path, msg, got)
	}
}

// firstDifference describes the first line where got and want differ.
func firstDifference(got, want string) (string, bool) {
	if got == want {
		return "", false
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	return fmt.Sprintf("line %d:\n  got:  %s\n  want: %s", i+1, lineAt(g, i), lineAt(w, i)), true
}

func lineAt(lines []string, i int) string {
	if i >= len(lines) {
		return "(end of text)"
	}
	return fmt.Sprintf("%q", lines[i])
}
