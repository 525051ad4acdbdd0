package yamljson

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The library and its test kit do not link YAML: a service that never reads YAML does not
// build it. Only the command line (package cli) does. go list reads the module's import graph
// as the go command builds it, build tags and all.
func TestLibraryDoesNotImportYAML(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	const yamlModule = "go.yaml.in/yaml"
	deps := func(pkg string) []string {
		t.Helper()
		out, err := exec.Command(goTool, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	for _, pkg := range []string{
		"github.com/leadscore/leadscore",
		"github.com/leadscore/leadscore/leadscoretest",
		"github.com/leadscore/leadscore/analysis",
		"github.com/leadscore/leadscore/report",
		"github.com/leadscore/leadscore/backtest",
	} {
		for _, dep := range deps(pkg) {
			if strings.HasPrefix(dep, yamlModule) || strings.HasPrefix(dep, "sigs.k8s.io/yaml") {
				t.Errorf("%s imports %s", pkg, dep)
			}
		}
	}
	// The check sees YAML where it is.
	if !slices.ContainsFunc(deps("github.com/leadscore/leadscore/cli"), func(d string) bool { return strings.HasPrefix(d, yamlModule) }) {
		t.Error("package cli does not import go.yaml.in/yaml: is go list working?")
	}
}
