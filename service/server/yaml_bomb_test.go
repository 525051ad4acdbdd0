package server

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// SECURITY.md: YAML aliases are counted before any is expanded, so an alias bomb is refused at
// once. leadscored's -rules read YAML with go.yaml.in/yaml/v3 into `any`, whose guard lets
// through a bomb led by a few hundred plain scalars: this 3 KB file made LoadRules allocate
// about 130 MB, and each further level of aliases nine times more. It now goes through the
// command line's converter (internal/yamljson), and is refused having allocated next to
// nothing.
func TestLoadRulesRefusesAliasBomb(t *testing.T) {
	var b strings.Builder
	// yaml.v3 refuses a document whose decoded nodes are more than 99% alias expansion: a
	// plain list decoded first keeps the ratio under it.
	b.WriteString("name: bomb\npad: [" + strings.TrimSuffix(strings.Repeat("0, ", 300), ", ") + "]\n")
	b.WriteString("x0: &x0 \"" + strings.Repeat("x", 2000) + "\"\n")
	for i := 1; i <= 4; i++ {
		refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*x%d, ", i-1), 9), ", ")
		fmt.Fprintf(&b, "x%d: &x%d [%s]\n", i, i, refs)
	}
	path := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := LoadRules(path)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("file %d bytes; LoadRules allocated %d MB; err: %.200v", b.Len(), alloc>>20, err)
	if err == nil {
		t.Errorf("an alias bomb was taken as a rule set")
	}
	if limit := uint64(64*b.Len()) + 8<<20; alloc > limit {
		t.Errorf("LoadRules of a %d-byte YAML file allocated %d MB (more than %d MB): the aliases were expanded before any limit",
			b.Len(), alloc>>20, limit>>20)
	}
}
