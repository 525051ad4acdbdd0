package leadscore

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The library is pure: no I/O, no clock, no randomness. This test enforces it on every
// non-test Go file of the module outside cmd/ and examples/ (which may do I/O) and testdata.
var (
	forbiddenImports = map[string]string{
		"os":           "I/O",
		"os/exec":      "I/O",
		"os/signal":    "I/O",
		"io/ioutil":    "I/O",
		"net":          "I/O",
		"net/http":     "I/O",
		"syscall":      "I/O",
		"math/rand":    "randomness",
		"math/rand/v2": "randomness",
		"crypto/rand":  "randomness",
		"unsafe":       "memory safety",
		"log":          "output",
	}
	// allowedImports lets a single file import what is otherwise forbidden, each with why.
	// Keep it narrow: a file, not a directory; an import, not a class of them.
	allowedImports = map[string]map[string]string{
		// A test helper, like testing itself: Golden reads and rewrites golden files on disk.
		// Nothing else in leadscoretest does I/O.
		"leadscoretest/golden.go": {"os": "golden files"},
	}
	forbiddenTimeFuncs = map[string]bool{
		"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true,
		"AfterFunc": true, "Tick": true, "NewTicker": true, "NewTimer": true, "LoadLocation": true,
	}
)

func TestLibraryIsPure(t *testing.T) {
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "cmd", "cli", "examples", "testdata", ".git", ".ci":
				// Programs, and cli, the command line as a package a team builds its own
				// leadscore binary from: they read files and print, as commands must.
				return filepath.SkipDir
			}
			if path != "." {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // a nested module (stores, service, Beam): not the library
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		found, err := impurities(path)
		for _, f := range found {
			t.Error(f)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Fatalf("checked only %d files: is the walk broken?", files)
	}
}

// impurities lists what in the Go file at path breaks purity.
func impurities(path string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []string
	timeName := ""
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if _, ok := allowedImports[filepath.ToSlash(path)][p]; ok {
			continue
		}
		if why, bad := forbiddenImports[p]; bad {
			out = append(out, fmt.Sprintf("%s: imports %q (%s): the library must stay pure", fset.Position(imp.Pos()), p, why))
		}
		if p == "time" {
			timeName = "time"
			if imp.Name != nil {
				timeName = imp.Name.Name
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == timeName && forbiddenTimeFuncs[sel.Sel.Name] {
			out = append(out, fmt.Sprintf("%s: time.%s reads the clock: take the time as an argument", fset.Position(sel.Pos()), sel.Sel.Name))
		}
		return true
	})
	return out, nil
}

// The checker itself must catch what it is for.
func TestPurityCheckerCatchesViolations(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.go")
	src := "package x\nimport (\n\"os\"\nclock \"time\"\n)\nvar _ = os.Args\nvar _ = clock.Now()\nvar _ = clock.Unix(0, 0)\n"
	if err := os.WriteFile(bad, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	found, err := impurities(bad)
	if err != nil || len(found) != 2 {
		t.Fatalf("want 2 findings (os import, clock.Now), got %q, %v", found, err)
	}
}
