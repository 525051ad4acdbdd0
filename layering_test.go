package leadscore

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestLayering checks the direction of the module's imports, as the README's Layout draws
// it: the engines in internal/ stand below the scoring API and never import it; the API
// imports only those engines; the tools (report, analysis, the test kit, cli) stand above
// the API, and none of them imports a tool above it. go list reads the import graph as the go
// command builds it.
func TestLayering(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goTool, "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/leadscore/leadscore"
	engines := []string{"internal/fastpath", "internal/state", "internal/classify", "internal/suggest", "internal/text", "internal/budget", "internal/exprread", "internal/strindex"}
	// allowed lists, per package of the module, the packages of the module it may import.
	allowed := map[string][]string{
		"":                    engines,
		"internal/fastpath":   {"internal/classify", "internal/text"},
		"internal/state":      nil,
		"internal/classify":   nil,
		"internal/suggest":    nil,
		"internal/text":       nil,
		"internal/budget":     nil,
		"internal/strindex":   nil,
		"internal/jsonfield":  nil,
		"internal/jsontext":   nil, // for the service and the Beam pipeline (nested modules)
		"internal/journeykey": {""},
		"internal/casejson":   {"", "internal/jsonfield"},
		"internal/yamljson":   {"internal/jsonfield", "internal/suggest"},
		"report":              {"", "internal/text"},
		"analysis":            {"", "internal/casejson", "internal/exprread", "internal/journeykey", "internal/suggest", "internal/text"},
		"internal/exprread":   nil,
		"backtest":            {"", "internal/text"},
		"leadscoretest":       {"", "analysis", "internal/casejson", "internal/journeykey", "internal/text"},
		"cli":                 {"", "analysis", "backtest", "leadscoretest", "report", "internal/yamljson", "internal/jsonfield", "internal/suggest", "internal/text", "internal/casejson"},
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], mod), "/")
		if strings.HasPrefix(pkg, "cmd/") || strings.HasPrefix(pkg, "examples/") {
			continue // programs may import anything
		}
		ok, known := allowed[pkg]
		if !known {
			t.Errorf("package %s is not in the layering: add it to TestLayering and the README's Layout", fields[0])
			continue
		}
		for _, imp := range fields[1:] {
			if imp != mod && !strings.HasPrefix(imp, mod+"/") {
				continue
			}
			dep := strings.TrimPrefix(strings.TrimPrefix(imp, mod), "/")
			if !slices.Contains(ok, dep) {
				t.Errorf("%s imports %s, against the layering (allowed: %q)", fields[0], imp, ok)
			}
		}
	}
}
