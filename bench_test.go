package leadscore

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// thirtyRules is a fit set of 30 simple rules — comparisons, in-lists, prefix, suffix and
// substring tests — the shape most real rule sets have. handWritten30 is the same rules as
// plain Go: the physical limit for this work, and the baseline BENCHMARKS.md divides by.
func thirtyRules() Config {
	rules := []Rule{
		{When: `lead.Company.Employees >= 1000`, Points: 15},
		{When: `lead.Company.Employees >= 50 && lead.Company.Employees < 1000`, Points: 10},
		{When: `lead.Company.Employees > 0 && lead.Company.Employees < 10`, Points: -5},
		{When: `lead.Company.Revenue >= 10e6`, Points: 10},
		{When: `lead.Company.Revenue >= 100e6`, Points: 5},
		{When: `lead.Company.Industry in ["software", "saas", "fintech", "healthcare"]`, Points: 8},
		{When: `lead.Company.Industry in ["education", "government"]`, Points: -5},
		{When: `lead.Company.Country in ["US", "CA", "GB", "DE", "FR", "NL"]`, Points: 5},
		{When: `lead.Country == "US"`, Points: 2},
		{When: `lead.Title startsWith "VP"`, Points: 15},
		{When: `lead.Title startsWith "Chief"`, Points: 20},
		{When: `lead.Title contains "Director"`, Points: 12},
		{When: `lead.Title contains "Manager"`, Points: 6},
		{When: `lead.Title contains "Intern"`, Points: -10},
		{When: `lead.Title contains "Student"`, Points: -10},
		{When: `lead.Email endsWith "@gmail.com"`, Points: -10},
		{When: `lead.Email endsWith "@yahoo.com"`, Points: -10},
		{When: `lead.Email endsWith ".edu"`, Points: -15},
		{When: `lead.Email contains "+"`, Points: -2},
		{When: `lead.Phone != ""`, Points: 3},
		{When: `lead.Source == "referral"`, Points: 10},
		{When: `lead.Source in ["event", "partner"]`, Points: 5},
		{When: `lead.Source == "paid"`, Points: 1},
		{When: `lead.BANT.Budget`, Points: 10},
		{When: `lead.BANT.Authority`, Points: 10},
		{When: `lead.BANT.Need`, Points: 10},
		{When: `lead.BANT.Timing`, Points: 10},
		{When: `lead.Company.Founded > 0 && lead.Company.Founded <= 2020`, Points: 5},
		{When: `lead.Company.ServiceCenters >= 3`, Points: 4},
		{When: `lead.Company.MinorityOwned`, Points: 2},
	}
	for i := range rules {
		rules[i].ID = fmt.Sprintf("r%02d", i)
		rules[i].Dimension = Fit
	}
	return Config{Rules: rules, Tiers: []Tier{{Name: "hot", Min: Float(70), Handoff: true}, {Name: "warm", Min: Float(40)}, {Name: "cold"}}}
}

func handWritten30(l *Lead) float64 {
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
	if slices.Contains([]string{"software", "saas", "fintech", "healthcare"}, c.Industry) {
		s += 8
	}
	if slices.Contains([]string{"education", "government"}, c.Industry) {
		s -= 5
	}
	if slices.Contains([]string{"US", "CA", "GB", "DE", "FR", "NL"}, c.Country) {
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

var benchLead = Lead{
	Email: "dana@globex.example", Title: "VP Operations", Phone: "+1 555 0100", Country: "US", Source: "referral",
	Company: Company{Name: "Globex", Domain: "globex.example", Industry: "software", Country: "US", Employees: 1200, Revenue: 250e6, Founded: 1998, ServiceCenters: 4},
	BANT:    BANT{Need: true, Timing: true},
}

// The hand-written baseline and the rule set must agree, or the comparison means nothing.
func TestHandWrittenBaselineAgrees(t *testing.T) {
	s := compileT(t, thirtyRules())
	leads := []Lead{benchLead, {}, {Title: "Marketing Intern", Email: "x@gmail.com", Company: Company{Employees: 5, Industry: "education"}}}
	for _, l := range leads {
		var st State
		if got, want := scoreT(t, s, l, &st, t0).Fit, handWritten30(&l); got != want {
			t.Errorf("lead %+v: scorer %v, hand-written %v", l, got, want)
		}
	}
}

var sinkF float64

func BenchmarkScore30Rules(b *testing.B) {
	b.Run("leadscore", func(b *testing.B) {
		s := compileT(b, thirtyRules())
		var st State
		b.ReportAllocs()
		for b.Loop() {
			r, _ := s.Score(benchLead, &st, t0)
			sinkF = r.Total
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkF = handWritten30(&benchLead)
		}
	})
}

func b2bState(b *testing.B, s *Scorer[Lead]) *State {
	var st State
	types := []Event{
		{Type: EventPageView, Path: "/pricing"}, {Type: EventPageView, Path: "/product/x"}, {Type: EventEmailClick},
		{Type: EventEmailOpen}, {Type: EventContentDownload}, {Type: EventWebinarAttended}, {Type: EventDemoRequest},
	}
	for i := range 50 {
		e := types[i%len(types)]
		e.Time = t0.Add(time.Duration(i) * time.Hour)
		observeT(b, s, benchLead, &st, e)
	}
	return &st
}

func BenchmarkScoreB2B(b *testing.B) {
	s := compileT(b, DefaultB2B())
	st := b2bState(b, s)
	now := t0.Add(60 * Day)
	b.ReportAllocs()
	for b.Loop() {
		r, _ := s.Score(benchLead, st, now)
		sinkF = r.Total
	}
}

func BenchmarkObserveB2B(b *testing.B) {
	s := compileT(b, DefaultB2B())
	st := b2bState(b, s)
	evs := []Event{
		{Type: EventPageView, Path: "/pricing"}, {Type: EventEmailClick}, {Type: EventPageView, Path: "/blog/x"}, {Type: EventEmailOpen},
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		e := evs[i%len(evs)]
		e.Time = t0.Add(time.Duration(100+i) * time.Minute)
		i++
		r, _ := s.Observe(benchLead, st, e)
		sinkF = r.Total
	}
}

func BenchmarkCompileB2B(b *testing.B) {
	cfg := DefaultB2B()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile[Lead](cfg); err != nil {
			b.Fatal(err)
		}
	}
}
