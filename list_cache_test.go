package leadscore

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/leadscore/leadscore/internal/classify"
)

// A list's memberships are remembered per worker (fastpath.ListCache), for listed() in rules
// and for the target_account and competitor detectors: over leads whose fields repeat in
// case, spacing and domain — so that the cache answers most of them, and lines are reused —
// the rule and the signals must say exactly what List.Contains says of each field.
func TestListMembershipsRememberedLikeContains(t *testing.T) {
	targets := []string{"globex.example", "@Initech.example", "Umbrella Corp", "jo@hooli.example", "gmail.com"}
	competitors := []string{"rival.example", "Rival Inc", "sales.other.example"}
	cfg := Config{
		// "partners" and "prospects" are read by rules only, "targets" and "competitors" by
		// their detectors only: each list is remembered apart from the others.
		Lists: map[string][]string{"targets": targets, "competitors": competitors, "partners": competitors, "prospects": targets},
		Rules: []Rule{
			{ID: "both", Dimension: Fit, When: `listed("prospects", lead.Name) && !listed("partners", lead.Name) || listed("partners", lead.Name) && !listed("prospects", lead.Name)`, Points: 8}, // two lists first met in one expression
			{ID: "t-email", Dimension: Fit, When: `listed("prospects", lead.Email)`, Points: 1},
			{ID: "t-domain", Dimension: Fit, When: `listed("prospects", lead.Company.Domain)`, Points: 2},
			{ID: "c-name", Dimension: Fit, When: `listed("partners", lead.Company.Name)`, Points: 4},
		},
	}
	s := compileT(t, cfg)
	tl, cl := classify.NewList(targets), classify.NewList(competitors)
	r := rand.New(rand.NewPCG(13, 14))
	domains := []string{"globex.example", "GLOBEX.example", "sub.globex.example", "initech.example", "hooli.example", "rival.example", "x.rival.example", "other.example", "sales.other.example", "notrival.example", "gmail.com", "yahoo.com", ""}
	names := []string{"Umbrella Corp", " umbrella corp ", "Rival Inc", "RIVAL INC", "Acme", "", "Globex"}
	locals := []string{"jo", "JO", "dana", " jo"}
	st := &State{}
	for i := range 5000 {
		d := domains[r.IntN(len(domains))]
		lead := Lead{Email: locals[r.IntN(len(locals))] + "@" + d, Name: names[r.IntN(len(names))], Title: names[r.IntN(len(names))],
			Company: Company{Name: names[r.IntN(len(names))], Domain: domains[r.IntN(len(domains))]}}
		res, err := s.Score(lead, st, t0)
		if err != nil {
			t.Fatal(err)
		}
		fired := map[string]bool{}
		for _, c := range res.Contributions {
			fired[c.RuleID] = true
		}
		want := map[string]bool{"t-email": tl.Contains(lead.Email), "t-domain": tl.Contains(lead.Company.Domain), "c-name": cl.Contains(lead.Company.Name),
			"both": tl.Contains(lead.Name) != cl.Contains(lead.Name)}
		for id, w := range want {
			if fired[id] != w {
				t.Fatalf("lead %d %+v: rule %s fired %v, List.Contains says %v", i, lead, id, fired[id], w)
			}
		}
		// The classifications share the resultCache: free mail must stay what it is.
		if got := slices.ContainsFunc(res.Signals, func(sg Signal) bool { return sg.Kind == SignalGenericEmail }); got != classify.FreeEmail(lead.Email) {
			t.Fatalf("lead %d %+v: generic_email %v, FreeEmail says %v", i, lead, got, !got)
		}
		fields := []string{lead.Company.Name, lead.Company.Domain, lead.Email, lead.Name, lead.Title}
		for kind, l := range map[string]classify.List{SignalTargetAccount: tl, SignalCompetitor: cl} {
			on := slices.ContainsFunc(fields, func(v string) bool { return v != "" && l.Contains(v) })
			got := slices.ContainsFunc(res.Signals, func(sg Signal) bool { return sg.Kind == kind })
			if got != on {
				t.Fatalf("lead %d %+v: signal %s %v, List.Contains says %v", i, lead, kind, got, on)
			}
		}
	}
}
