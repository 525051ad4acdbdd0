package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// "In YAML every problem has a line and a column … a compile error of a rule is placed at the
// field at fault." A persona track's error is placed at its tier (12:15) or when (14:15), not
// at the persona (7:5): the RuleError's Field "tracks[1].tier" is a path in the persona.
func TestTrackErrorsPlacedAtField(t *testing.T) {
	dir := t.TempDir()
	rules := `name: t
tiers:
  - name: hot
    min: 70
  - name: cold
personas:
  - id: p
    when: lead.Age > 0
    tracks:
      - tier: hot
        track: offer
      - tier: warm
        track: guides
      - when: lead.Titel == "x"
        track: y
  - id: q
`
	path := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(path, []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	r := execute(t, "", "lint", "-rules", path)
	for _, want := range []string{"rules.yaml:12:", "rules.yaml:14:"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("want an error at %s…, got:\n%s", want, r.stderr)
		}
	}
}
