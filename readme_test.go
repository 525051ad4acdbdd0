package leadscore_test

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

// readmeRuleSet returns the JSON rule set the README shows under "A rule set is plain JSON".
func readmeRuleSet(t *testing.T) []byte {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := bytes.Cut(readme, []byte("A rule set is plain JSON"))
	if !ok {
		t.Fatal(`README.md: no "A rule set is plain JSON" section`)
	}
	_, block, ok := bytes.Cut(after, []byte("```json\n"))
	if !ok {
		t.Fatal("README.md: no json block after the rule-set sentence")
	}
	block, _, ok = bytes.Cut(block, []byte("```"))
	if !ok {
		t.Fatal("README.md: unterminated json block")
	}
	return block
}

// TestReadmeRuleSet: the README's example rule set compiles, lints without findings above
// info, and reaches every tier — a reader who copies it gets a rule set that can hand off.
func TestReadmeRuleSet(t *testing.T) {
	cfg, err := leadscore.ParseConfig(readmeRuleSet(t))
	if err != nil {
		t.Fatalf("README rule set: %v", err)
	}
	s, err := leadscore.Compile[leadscore.Lead](cfg)
	if err != nil {
		t.Fatalf("README rule set: %v", err)
	}
	findings, err := analysis.Lint[leadscore.Lead](cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Severity != analysis.SeverityInfo {
			t.Errorf("README rule set: lint: %s", f)
		}
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	exec := leadscore.Lead{Email: "ana@bigco.example", Title: "VP Marketing", Company: leadscore.Company{Employees: 5000}}
	reached := map[string]bool{}
	for _, c := range []struct {
		lead   leadscore.Lead
		events []leadscore.Event
		tier   string
	}{
		{exec, []leadscore.Event{
			{Type: "page_view", Path: "/pricing", Time: now.Add(-2 * time.Hour)},
			{Type: "demo_request", Time: now.Add(-time.Hour)},
		}, "hot"},
		{exec, nil, "warm"},
		{leadscore.Lead{Email: "sam@small.example", Title: "Analyst"}, nil, "cold"},
		{leadscore.Lead{Email: "eve@rival.example", Title: "CEO", Company: leadscore.Company{Employees: 5000}},
			[]leadscore.Event{{Type: "demo_request", Time: now}}, ""},
	} {
		var st leadscore.State
		for _, e := range c.events {
			if _, err := s.Observe(c.lead, &st, e); err != nil {
				t.Fatal(err)
			}
		}
		r, err := s.Score(c.lead, &st, now)
		if err != nil {
			t.Fatal(err)
		}
		if c.tier == "" { // the competitor
			if !r.Disqualified || r.Handoff {
				t.Errorf("competitor: disqualified %v, hand-off %v; want disqualified, no hand-off", r.Disqualified, r.Handoff)
			}
			continue
		}
		if r.Tier != c.tier {
			t.Errorf("%s: tier %q (total %.1f), want %q:\n%s", c.lead.Email, r.Tier, r.Total, c.tier, r.Explain())
		}
		reached[r.Tier] = true
	}
	for _, tier := range cfg.Tiers {
		if !reached[tier.Name] {
			t.Errorf("README rule set: no example lead reaches tier %q", tier.Name)
		}
	}
}
