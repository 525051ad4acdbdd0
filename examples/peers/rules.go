package peers

import (
	"slices"
	"strings"

	"github.com/leadscore/leadscore"
)

// Rule is one of the 30 fit rules, in each engine's syntax.
type Rule struct {
	Expr   string // leadscore and expr
	CEL    string // cel-go
	Points float64
}

// Rules is the 30-rule fit set of leadscore's own benchmarks (bench_test.go): comparisons,
// in-lists, prefix, suffix and substring tests, the shape most real rule sets have. It is a
// copy, with each rule in CEL beside it: bench_test.go is an internal test of package
// leadscore, which cannot import a package that imports leadscore, and this module must not
// pull cel-go into leadscore's. Keep the two in step.
var Rules = []Rule{
	{`lead.Company.Employees >= 1000`, `lead.Company.Employees >= 1000`, 15},
	{`lead.Company.Employees >= 50 && lead.Company.Employees < 1000`, `lead.Company.Employees >= 50 && lead.Company.Employees < 1000`, 10},
	{`lead.Company.Employees > 0 && lead.Company.Employees < 10`, `lead.Company.Employees > 0 && lead.Company.Employees < 10`, -5},
	{`lead.Company.Revenue >= 10e6`, `lead.Company.Revenue >= 10e6`, 10},
	{`lead.Company.Revenue >= 100e6`, `lead.Company.Revenue >= 100e6`, 5},
	{`lead.Company.Industry in ["software", "saas", "fintech", "healthcare"]`, `lead.Company.Industry in ["software", "saas", "fintech", "healthcare"]`, 8},
	{`lead.Company.Industry in ["education", "government"]`, `lead.Company.Industry in ["education", "government"]`, -5},
	{`lead.Company.Country in ["US", "CA", "GB", "DE", "FR", "NL"]`, `lead.Company.Country in ["US", "CA", "GB", "DE", "FR", "NL"]`, 5},
	{`lead.Country == "US"`, `lead.Country == "US"`, 2},
	{`lead.Title startsWith "VP"`, `lead.Title.startsWith("VP")`, 15},
	{`lead.Title startsWith "Chief"`, `lead.Title.startsWith("Chief")`, 20},
	{`lead.Title contains "Director"`, `lead.Title.contains("Director")`, 12},
	{`lead.Title contains "Manager"`, `lead.Title.contains("Manager")`, 6},
	{`lead.Title contains "Intern"`, `lead.Title.contains("Intern")`, -10},
	{`lead.Title contains "Student"`, `lead.Title.contains("Student")`, -10},
	{`lead.Email endsWith "@gmail.com"`, `lead.Email.endsWith("@gmail.com")`, -10},
	{`lead.Email endsWith "@yahoo.com"`, `lead.Email.endsWith("@yahoo.com")`, -10},
	{`lead.Email endsWith ".edu"`, `lead.Email.endsWith(".edu")`, -15},
	{`lead.Email contains "+"`, `lead.Email.contains("+")`, -2},
	{`lead.Phone != ""`, `lead.Phone != ""`, 3},
	{`lead.Source == "referral"`, `lead.Source == "referral"`, 10},
	{`lead.Source in ["event", "partner"]`, `lead.Source in ["event", "partner"]`, 5},
	{`lead.Source == "paid"`, `lead.Source == "paid"`, 1},
	{`lead.BANT.Budget`, `lead.BANT.Budget`, 10},
	{`lead.BANT.Authority`, `lead.BANT.Authority`, 10},
	{`lead.BANT.Need`, `lead.BANT.Need`, 10},
	{`lead.BANT.Timing`, `lead.BANT.Timing`, 10},
	{`lead.Company.Founded > 0 && lead.Company.Founded <= 2020`, `lead.Company.Founded > 0 && lead.Company.Founded <= 2020`, 5},
	{`lead.Company.ServiceCenters >= 3`, `lead.Company.ServiceCenters >= 3`, 4},
	{`lead.Company.MinorityOwned`, `lead.Company.MinorityOwned`, 2},
}

// Config is Rules as a leadscore rule set, with the built-in signal detectors off: the
// other engines detect no signals, so leadscore should not either.
func Config() leadscore.Config {
	cfg := leadscore.Config{Name: "peers"}
	for i, r := range Rules {
		cfg.Rules = append(cfg.Rules, leadscore.Rule{ID: ruleID(i), Dimension: leadscore.Fit, When: r.Expr, Points: r.Points})
	}
	for _, kind := range []string{
		leadscore.SignalFrequentEngagement, leadscore.SignalFrequentVisits, leadscore.SignalQuestion,
		leadscore.SignalAbandonedCart, leadscore.SignalTargetAccount, leadscore.SignalVelocity,
		leadscore.SignalCompetitor, leadscore.SignalJobSeeker, leadscore.SignalStudent, leadscore.SignalGenericEmail,
	} {
		cfg.Signals = append(cfg.Signals, leadscore.SignalConfig{Kind: kind, Off: true})
	}
	return cfg
}

func ruleID(i int) string { return "r" + string(rune('a'+i/26)) + string(rune('a'+i%26)) }

var (
	topIndustries = []string{"software", "saas", "fintech", "healthcare"}
	lowIndustries = []string{"education", "government"}
	countries     = []string{"US", "CA", "GB", "DE", "FR", "NL"}
)

// HandWritten is Rules in Go: the floor every engine is measured against.
func HandWritten(l *leadscore.Lead) float64 {
	s := 0.0
	c := &l.Company
	if c.Employees >= 1000 {
		s += 15
	}
	if c.Employees >= 50 && c.Employees < 1000 {
		s += 10
	}
	if c.Employees > 0 && c.Employees < 10 {
		s -= 5
	}
	if c.Revenue >= 10e6 {
		s += 10
	}
	if c.Revenue >= 100e6 {
		s += 5
	}
	if slices.Contains(topIndustries, c.Industry) {
		s += 8
	}
	if slices.Contains(lowIndustries, c.Industry) {
		s -= 5
	}
	if slices.Contains(countries, c.Country) {
		s += 5
	}
	if l.Country == "US" {
		s += 2
	}
	if strings.HasPrefix(l.Title, "VP") {
		s += 15
	}
	if strings.HasPrefix(l.Title, "Chief") {
		s += 20
	}
	if strings.Contains(l.Title, "Director") {
		s += 12
	}
	if strings.Contains(l.Title, "Manager") {
		s += 6
	}
	if strings.Contains(l.Title, "Intern") {
		s -= 10
	}
	if strings.Contains(l.Title, "Student") {
		s -= 10
	}
	if strings.HasSuffix(l.Email, "@gmail.com") {
		s -= 10
	}
	if strings.HasSuffix(l.Email, "@yahoo.com") {
		s -= 10
	}
	if strings.HasSuffix(l.Email, ".edu") {
		s -= 15
	}
	if strings.Contains(l.Email, "+") {
		s -= 2
	}
	if l.Phone != "" {
		s += 3
	}
	if l.Source == "referral" {
		s += 10
	}
	if l.Source == "event" || l.Source == "partner" {
		s += 5
	}
	if l.Source == "paid" {
		s++
	}
	if l.BANT.Budget {
		s += 10
	}
	if l.BANT.Authority {
		s += 10
	}
	if l.BANT.Need {
		s += 10
	}
	if l.BANT.Timing {
		s += 10
	}
	if c.Founded > 0 && c.Founded <= 2020 {
		s += 5
	}
	if c.ServiceCenters >= 3 {
		s += 4
	}
	if c.MinorityOwned {
		s += 2
	}
	return s
}
