package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadscore/leadscore/analysis"
	"github.com/leadscore/leadscore/leadscoretest"
)

// A rule-set change tried on stored States, end to end with the command: score writes
// the States the old rules leave, diff -states reads them under the new rules. The change
// (testdata/migrate) renames "pricing" with renamed_from, moves demo's half-life from 14 to 15
// days, and renames "old-webinar" to "webinar" without renamed_from. On the stored States
// the rename keeps its points, the half-life change moves demo's points by the decay
// difference only (as a replay does: the history is converted, not reset to 0), and the
// forgotten renamed_from drops the webinar lead from warm to cold — which a replay hides,
// and the plan at the top of both diffs and lint -previous name as a reset.
func TestStoredStatesEndToEnd(t *testing.T) {
	const v1, v2, leads = "testdata/migrate/v1.json", "testdata/migrate/v2.json", "testdata/migrate/leads.jsonl"
	states := filepath.Join(t.TempDir(), "states.jsonl")

	r := execute(t, "", "score", "-rules", v1, "-write-states", states, leads)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("score -write-states: exit %d\n%s", r.code, r.stderr)
	}
	written, err := os.ReadFile(states)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(written)), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], `{"id":"pricing-fan","lead":{"id":"pricing-fan","email":"dana@globex.example","title":"VP Operations"},"state":"`) ||
		!strings.HasSuffix(lines[0], `","at":"2026-03-06T09:00:00Z"}`) {
		t.Fatalf("states file:\n%s", written)
	}

	r = execute(t, "", "diff", "-old", v1, "-new", v2, "-states", states)
	if r.code != 1 {
		t.Errorf("diff -states: exit %d, want 1 (a lead changes)\n%s", r.code, r.stderr)
	}
	leadscoretest.Golden(t, "testdata/golden/diff_states.txt", r.stdout, *update)

	stored := diffJSON(t, "-states", states)
	replayed := diffJSON(t, leads)
	points := func(rep analysis.DiffReport, id string) analysis.Pair[float64] {
		for _, s := range rep.Rules {
			if s.RuleID == id {
				return s.Points
			}
		}
		return analysis.Pair[float64]{}
	}

	// The rename with renamed_from: the stored history carries over, point for point.
	if p, q := points(stored, "pricing"), points(stored, "pricing-visits"); p.Before == 0 || p.Before != q.After {
		t.Errorf("renamed rule on stored States: pricing %v before, pricing-visits %v after", p.Before, q.After)
	}
	// The half-life change: converted, exact for the demo lead's two events, so what a replay
	// gives — the decay difference, not a reset.
	if p, q := points(stored, "demo"), points(replayed, "demo"); math.Abs(p.After-q.After) > 1e-9 || p.After == p.Before || p.After < 0.9*p.Before {
		t.Errorf("demo 14d → 15d: stored %v → %v, replayed %v → %v", p.Before, p.After, q.Before, q.After)
	}
	// The rename without renamed_from: the stored history is gone; a replay does not see it.
	if replayed.Changed != 0 || stored.Changed != 1 {
		t.Errorf("changed leads: replayed %d (want 0), stored %d (want 1)", replayed.Changed, stored.Changed)
	}
	if c := stored.Changes; len(c) != 1 || c[0].Name != "webinar-goer" || c[0].Tier != (analysis.Pair[string]{Before: "warm", After: "cold"}) ||
		c[0].Total.After != 0 || points(replayed, "webinar").After == 0 {
		t.Errorf("the webinar lead on stored States: %+v", c)
	}
	for _, rep := range []analysis.DiffReport{stored, replayed} {
		if resets := rep.Migration.Resets(); len(resets) != 1 || resets[0].ID != "old-webinar" ||
			resets[0].Detail != `if "webinar" replaces it, add "renamed_from": ["old-webinar"]` {
			t.Errorf("migration resets: %+v", resets)
		}
	}
}

// diffJSON runs diff -json from testdata/migrate/v1.json to v2.json on the population args.
func diffJSON(t *testing.T, args ...string) analysis.DiffReport {
	t.Helper()
	r := execute(t, "", append([]string{"diff", "-json", "-old", "testdata/migrate/v1.json", "-new", "testdata/migrate/v2.json"}, args...)...)
	if r.code > 1 {
		t.Fatalf("diff -json %v: exit %d\n%s", args, r.code, r.stderr)
	}
	var rep analysis.DiffReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("diff -json %v: %v\n%s", args, err, r.stdout)
	}
	return rep
}
