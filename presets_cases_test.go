package leadscore_test

import (
	"os"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/leadscoretest"
)

// The presets are tested as their users test their own rule sets: with leadscoretest, from a
// case file of realistic leads per preset, which must exercise every rule, tier, persona and
// journey transition, and every signal the preset can raise.
func TestPresetCases(t *testing.T) {
	for _, p := range []struct {
		name, file string
		config     func() leadscore.Config
	}{
		{"b2b", "testdata/cases/b2b.json", func() leadscore.Config {
			// The preset leaves its lists for the business to fill, as the quickstart does.
			cfg := leadscore.DefaultB2B()
			cfg.Lists["competitors"] = []string{"rival.example"}
			cfg.Lists["targets"] = []string{"globex.example"}
			cfg.Lists["service_areas"] = []string{"60601", "60602"}
			cfg.Lists["target_industries"] = []string{"logistics", "manufacturing"}
			cfg.Lists["buying_departments"] = []string{"it", "operations"}
			return cfg
		}},
		{"b2c", "testdata/cases/b2c.json", func() leadscore.Config {
			cfg := leadscore.DefaultB2C()
			cfg.Lists["served_postcodes"] = []string{"94103", "94110"}
			cfg.Lists["target_occupations"] = []string{"teacher", "nurse"}
			return cfg
		}},
	} {
		t.Run(p.name, func(t *testing.T) {
			data, err := os.ReadFile(p.file)
			if err != nil {
				t.Fatal(err)
			}
			cases, err := leadscoretest.ParseCases(data)
			if err != nil {
				t.Fatalf("%s: %v", p.file, err)
			}
			cfg := p.config()
			s, err := leadscore.Compile[leadscore.Lead](cfg)
			if err != nil {
				t.Fatal(err)
			}
			leadscoretest.Run(t, s, cases)

			cov := leadscoretest.Coverage(s, cases)
			t.Logf("%s: %s", p.file, cov)
			for _, c := range []struct {
				what string
				cov  leadscoretest.ItemCoverage
			}{
				{"rules no case fires", cov.Rules}, {"tiers no case reaches", cov.Tiers},
				{"personas no case reaches", cov.Personas}, {"journey transitions no case takes", cov.Transitions},
				// Detectors that could never fire under a rule set (B2C has no competitor or
				// target lists) are not run, so every signal listed must be raised.
				{"signals no case raises", cov.Signals},
			} {
				if len(c.cov.Uncovered) > 0 {
					t.Errorf("%s: %s", c.what, strings.Join(c.cov.Uncovered, ", "))
				}
			}
		})
	}
}
