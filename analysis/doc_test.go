package analysis_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The package never imports testing, not even through the module's packages it imports: a
// production tool that lints or diffs rule sets links no test code.
func TestNoTestingImport(t *testing.T) {
	const module = "github.com/leadscore/leadscore"
	seen := map[string]bool{}
	var walk func(pkg, dir string, via []string)
	walk = func(pkg, dir string, via []string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				path := append(via, p)
				switch {
				case p == "testing" || strings.HasPrefix(p, "testing/") || p == module+"/leadscoretest":
					t.Errorf("%s imports %s (%s)", file, p, strings.Join(path, " → "))
				case p == module || strings.HasPrefix(p, module+"/"):
					walk(p, filepath.Join("..", strings.TrimPrefix(strings.TrimPrefix(p, module), "/")), path)
				}
			}
		}
	}
	walk(module+"/analysis", ".", []string{module + "/analysis"})
	if !seen[module] || !seen[module+"/internal/casejson"] {
		t.Fatalf("walked %d packages, not the module's root and internal/casejson: is the walk broken?", len(seen))
	}
}
