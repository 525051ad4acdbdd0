package main

import (
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/backtest"
)

// X Education (xeducation/Leads.csv): 9,240 leads of an online-course company, each with the
// outcome Converted. The data have no licence: they are read from the datasets folder for
// evaluation and never copied into this repository.
//
// The mapping, column by column:
//
//	Lead Origin            an event: Landing Page Submission → form_submit (Channel "web"),
//	                       Lead Add Form → form_submit ("ad"), Quick Add Form → form_submit
//	                       ("quick"), API → identify ("api"), Lead Import → identify ("import")
//	Lead Source            Lead.Source: Reference → "referral", Welingak Website → "partner",
//	                       Referral Sites → "referral_site", Google, Organic Search, bing →
//	                       "search", Direct Traffic → "direct", Olark Chat, Live Chat → "chat"
//	                       (and a question event, Channel "chat"), Click2call → "phone" (and a
//	                       call event), Facebook, Social Media → "social", others → "other"
//	Do Not Email           Yes → an email_unsubscribe event
//	Do Not Call            Lead.Traits["do_not_call"] (bool)
//	TotalVisits            that many "visit" events (at most 30; the 99th percentile is 17)
//	Page Views Per Visit   TotalVisits × it, rounded, page_view events (Path "/courses"; at
//	                       most 60)
//	Total Time Spent on Website  one "engaged_minute" event per whole minute (at most 60)
//	Country                Lead.Country
//	What is your current occupation  Lead.Occupation
//	Specialization, How did you hear about X Education, What matters most to you in choosing
//	a course, City         Lead.Traits "specialization", "heard_about", "motivation", "city";
//	                       "Select" (the form's placeholder) is kept as it is: it means the
//	                       lead saw the question and skipped it, which differs from a blank
//	A free copy of Mastering The Interview  Yes → a content_download event
//
// Left out, because the sales team set them after contacting the lead (they record its
// judgement, and so the outcome: leakage): Tags, Lead Quality, Lead Profile, the four
// Asymmetrique columns, Last Activity and Last Notable Activity. Also left out: Prospect ID
// and Lead Number (identifiers) and the columns that are "No" for all but a handful of
// leads (Search, Magazine, Newspaper Article, X Education Forums, Newspaper, Digital
// Advertisement, Through Recommendations, Receive More Updates About Our Courses, Update me
// on Supply Chain Content, Get updates on DM Content, I agree to pay the amount through
// cheque).
//
// The data have no timestamps. Every lead is scored at the same Cutoff and all its events
// are placed one hour before it, so decay plays no part (2^(−1h/half-life) ≈ 1) and only
// counts matter. With timestamped data, Cutoff is the moment the hand-off decision was due.

// xeducationCutoff is when every X Education lead is scored.
var xeducationCutoff = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)

var xeducationColumns = []string{
	"Prospect ID", "Lead Origin", "Lead Source", "Do Not Email", "Do Not Call", "Converted",
	"TotalVisits", "Total Time Spent on Website", "Page Views Per Visit", "Country",
	"Specialization", "How did you hear about X Education", "What is your current occupation",
	"What matters most to you in choosing a course", "City", "A free copy of Mastering The Interview",
}

// loadXEducation reads Leads.csv from the datasets folder and maps each row to a Case.
func loadXEducation(dir string) ([]backtest.Case[leadscore.Lead], error) {
	t, err := readCSV(filepath.Join(dir, "xeducation", "Leads.csv"), ',', xeducationColumns...)
	if err != nil {
		return nil, err
	}
	cases := make([]backtest.Case[leadscore.Lead], 0, len(t.rows))
	for i, row := range t.rows {
		c, err := xeducationCase(t, row)
		if err != nil {
			return nil, fmt.Errorf("%s: row %d: %w", t.path, i+2, err)
		}
		cases = append(cases, c)
	}
	return cases, nil
}

func xeducationCase(t *table, row []string) (backtest.Case[leadscore.Lead], error) {
	at := xeducationCutoff.Add(-time.Hour)
	c := backtest.Case[leadscore.Lead]{Cutoff: xeducationCutoff}
	switch t.str(row, "Converted") {
	case "1":
		c.Converted = true
	case "0":
	default:
		return c, fmt.Errorf("column Converted is %q, want 0 or 1", t.str(row, "Converted"))
	}
	source := t.str(row, "Lead Source")
	c.Lead = leadscore.Lead{
		ID:         t.str(row, "Prospect ID"),
		Source:     xeducationSource(source),
		Country:    t.str(row, "Country"),
		Occupation: t.str(row, "What is your current occupation"),
		Traits: map[string]any{
			"do_not_call":    t.str(row, "Do Not Call") == "Yes",
			"specialization": t.str(row, "Specialization"),
			"heard_about":    t.str(row, "How did you hear about X Education"),
			"motivation":     t.str(row, "What matters most to you in choosing a course"),
			"city":           t.str(row, "City"),
		},
	}
	add := func(typ, channel string, n int) {
		for range n {
			c.Events = append(c.Events, leadscore.Event{Type: typ, Channel: channel, Time: at})
		}
	}
	switch origin := t.str(row, "Lead Origin"); origin {
	case "Landing Page Submission":
		add(leadscore.EventFormSubmit, "web", 1)
	case "Lead Add Form":
		add(leadscore.EventFormSubmit, "ad", 1)
	case "Quick Add Form":
		add(leadscore.EventFormSubmit, "quick", 1)
	case "API":
		add(leadscore.EventIdentify, "api", 1)
	case "Lead Import":
		add(leadscore.EventIdentify, "import", 1)
	default:
		return c, fmt.Errorf("unknown Lead Origin %q", origin)
	}
	switch source {
	case "Olark Chat", "Live Chat":
		add(leadscore.EventQuestion, "chat", 1)
	case "Click2call":
		add(leadscore.EventCall, "phone", 1)
	}
	if t.str(row, "Do Not Email") == "Yes" {
		add(leadscore.EventEmailUnsubscribe, "email", 1)
	}
	if t.str(row, "A free copy of Mastering The Interview") == "Yes" {
		add(leadscore.EventContentDownload, "web", 1)
	}
	visits, ok := t.num(row, "TotalVisits")
	if !ok { // 137 leads have no web analytics: counted as no visits
		visits = 0
	}
	perVisit, _ := t.num(row, "Page Views Per Visit")
	seconds, _ := t.num(row, "Total Time Spent on Website")
	add("visit", "web", min(int(math.Round(visits)), 30))
	for range min(int(math.Round(visits*perVisit)), 60) {
		c.Events = append(c.Events, leadscore.Event{Type: leadscore.EventPageView, Channel: "web", Path: "/courses", Time: at})
	}
	add("engaged_minute", "web", min(int(seconds/60), 60))
	return c, nil
}

func xeducationSource(s string) string {
	switch s {
	case "Reference":
		return "referral"
	case "Welingak Website":
		return "partner"
	case "Referral Sites":
		return "referral_site"
	case "Google", "google", "Organic Search", "bing":
		return "search"
	case "Direct Traffic":
		return "direct"
	case "Olark Chat", "Live Chat":
		return "chat"
	case "Click2call":
		return "phone"
	case "Facebook", "Social Media":
		return "social"
	case "":
		return ""
	}
	return "other"
}

// xeducationRules is a rule set written by hand before looking at any outcome, following
// xeducationExpectations are the signs DOMAIN.md gives the rules, stated before looking at
// any outcome: Calibrate keeps them, holding at 0 a rule the data would turn around.
var xeducationExpectations = map[string]backtest.Expectation{
	"working-professional": {Sign: backtest.Positive, Why: "a target customer"},
	"student":              {Sign: backtest.Negative, Why: "students research, they do not buy"},
	"do-not-call":          {Sign: backtest.Negative, Why: "asked not to be called"},
	"word-of-mouth":        {Sign: backtest.Positive, Why: "referral leads are worth more"},
	"source-referral":      {Sign: backtest.Positive, Why: "referral leads are worth more"},
	"engaged-10-minutes":   {Sign: backtest.Positive, Why: "time on the site is engagement"},
	"engaged-20-minutes":   {Sign: backtest.Positive, Why: "time on the site is engagement"},
	"no-visit":             {Sign: backtest.Negative, Why: "website visits are a buying signal, their absence is not"},
	"landing-form":         {Sign: backtest.Positive, Why: "a form filled in is a question asked"},
	"lead-form":            {Sign: backtest.Positive, Why: "a form filled in is a question asked"},
	"chat-question":        {Sign: backtest.Positive, Why: "questions are a buying signal"},
	"call":                 {Sign: backtest.Positive, Why: "a call is the strongest buying signal"},
	"content-download":     {Sign: backtest.Positive, Why: "downloads are campaign engagement"},
	"visits":               {Sign: backtest.Positive, Why: "frequent website visits are a buying signal"},
	"page-views":           {Sign: backtest.Positive, Why: "reading course pages is a buying signal"},
	"engaged-time":         {Sign: backtest.Positive, Why: "time on the site is engagement"},
	"email-unsubscribe":    {Sign: backtest.Negative, Why: "opting out of email"},
}

// xeducationOptions adds to opts what X Education's calibration uses: DOMAIN.md's signs and
// tiers placed at conversion rates.
func xeducationOptions(opts backtest.CalibrateOptions) backtest.CalibrateOptions {
	opts.Expect, opts.TierRates = xeducationExpectations, xeducationTierRates
	return opts
}

// xeducationTierRates places the tiers where leads convert at the rates the team chose:
// a lead that just reaches hot converts 60% of the time, one that just reaches warm 25%.
var xeducationTierRates = map[string]float64{"hot": 0.6, "warm": 0.25}

// DOMAIN.md: fit from who the lead is (a working professional can pay and has a reason to
// study; a student is researching), relationship from how they came (a referral is worth
// more than a web lead), engagement from what they did (a form, a question, a call weigh
// more than a page view), with negative points for opting out of email.
func xeducationRules() leadscore.Config {
	f := leadscore.Float
	return leadscore.Config{
		Name:       "x-education",
		EventTypes: []string{"visit", "engaged_minute"},
		Dimensions: map[leadscore.Dimension]leadscore.DimensionConfig{
			leadscore.Fit:        {Min: f(-30), Max: f(50)},
			leadscore.Engagement: {Min: f(-20), Max: f(80)},
		},
		Rules: []leadscore.Rule{
			{ID: "working-professional", Dimension: leadscore.Fit, When: `lead.Occupation == "Working Professional"`, Points: 20, Reason: "working professional: can pay, clear reason to study"},
			{ID: "businessman", Dimension: leadscore.Fit, When: `lead.Occupation == "Businessman"`, Points: 10, Reason: "runs a business"},
			{ID: "unemployed", Dimension: leadscore.Fit, When: `lead.Occupation == "Unemployed"`, Points: 5, Reason: "looking for work: career switch"},
			{ID: "student", Dimension: leadscore.Fit, When: `lead.Occupation == "Student"`, Points: -10, Reason: "student: researching, not buying"},
			{ID: "occupation-blank", Dimension: leadscore.Fit, When: `lead.Occupation == ""`, Points: -5, Reason: "did not say what they do"},
			{ID: "career-motivation", Dimension: leadscore.Fit, When: `lead.Traits.motivation == "Better Career Prospects"`, Points: 5, Reason: "studies for better career prospects (need)"},
			{ID: "motivation-blank", Dimension: leadscore.Fit, When: `lead.Traits.motivation == ""`, Points: 0, Reason: "did not say why they study (neutral)"},
			{ID: "specialization-named", Dimension: leadscore.Fit, When: `lead.Traits.specialization not in ["", "Select"]`, Points: 5, Reason: "named a specialisation"},
			{ID: "specialization-skipped", Dimension: leadscore.Fit, When: `lead.Traits.specialization == "Select"`, Points: 0, Reason: "skipped the specialisation question (neutral)"},
			{ID: "city-maharashtra", Dimension: leadscore.Fit, When: `lead.Traits.city in ["Mumbai", "Thane & Outskirts", "Other Cities of Maharashtra"]`, Points: 3, Reason: "lives near our centres"},
			{ID: "city-skipped", Dimension: leadscore.Fit, When: `lead.Traits.city == "Select"`, Points: 0, Reason: "skipped the city question (neutral)"},
			{ID: "abroad", Dimension: leadscore.Fit, When: `lead.Country not in ["", "India", "unknown"]`, Points: -3, Reason: "lives outside India"},
			{ID: "heard-skipped", Dimension: leadscore.Fit, When: `lead.Traits.heard_about == "Select"`, Points: 0, Reason: "skipped how they heard of us (neutral)"},
			{ID: "do-not-call", Dimension: leadscore.Fit, When: `lead.Traits.do_not_call`, Points: -10, Reason: "asked not to be called"},

			{ID: "word-of-mouth", Dimension: leadscore.Relationship, When: `lead.Traits.heard_about in ["Word Of Mouth", "Student of SomeSchool"]`, Points: 5, Reason: "heard of us from someone they know"},
			{ID: "source-referral", Dimension: leadscore.Relationship, When: `lead.Source == "referral"`, Points: 15, Reason: "referred by a customer"},
			{ID: "source-partner", Dimension: leadscore.Relationship, When: `lead.Source == "partner"`, Points: 10, Reason: "came from a partner site"},
			{ID: "source-referral-site", Dimension: leadscore.Relationship, When: `lead.Source == "referral_site"`, Points: 5, Reason: "came from a referring site"},
			{ID: "source-search", Dimension: leadscore.Relationship, When: `lead.Source == "search"`, Points: 3, Reason: "found us through search"},
			{ID: "source-direct", Dimension: leadscore.Relationship, When: `lead.Source == "direct"`, Points: 0, Reason: "came straight to the site (neutral)"},

			{ID: "engaged-10-minutes", Dimension: leadscore.Engagement, When: `count("engaged_minute", "1d") >= 10`, Points: 10, Reason: "spent 10+ minutes on the site"},
			{ID: "engaged-20-minutes", Dimension: leadscore.Engagement, When: `count("engaged_minute", "1d") >= 20`, Points: 5, Reason: "spent 20+ minutes on the site"},
			{ID: "no-visit", Dimension: leadscore.Engagement, When: `count("visit", "1d") == 0`, Points: 0, Reason: "never visited the site (neutral)"},
		},
		Events: []leadscore.EventRule{
			{ID: "landing-form", On: []string{leadscore.EventFormSubmit}, When: `event.Channel == "web"`, Points: 10, HalfLife: leadscore.Duration(30 * leadscore.Day), Max: 20, Reason: "filled in a landing-page form"},
			{ID: "lead-form", On: []string{leadscore.EventFormSubmit}, When: `event.Channel != "web"`, Points: 10, HalfLife: leadscore.Duration(30 * leadscore.Day), Max: 20, Reason: "filled in a lead form"},
			{ID: "imported", On: []string{leadscore.EventIdentify}, When: `event.Channel == "import"`, Points: -5, Once: true, Reason: "imported from a list: never interacted"},
			{ID: "chat-question", On: []string{leadscore.EventQuestion}, Points: 12, HalfLife: leadscore.Duration(21 * leadscore.Day), Max: 24, Reason: "asked a question in the chat"},
			{ID: "call", On: []string{leadscore.EventCall}, Points: 25, HalfLife: leadscore.Duration(30 * leadscore.Day), Max: 40, Reason: "called us"},
			{ID: "content-download", On: []string{leadscore.EventContentDownload}, Points: 6, HalfLife: leadscore.Duration(30 * leadscore.Day), Max: 18, Reason: "downloaded the interview guide"},
			{ID: "visits", On: []string{"visit"}, Points: 2, HalfLife: leadscore.Duration(14 * leadscore.Day), Max: 10, Reason: "visited the website"},
			{ID: "page-views", On: []string{leadscore.EventPageView}, Points: 1, HalfLife: leadscore.Duration(7 * leadscore.Day), Max: 10, Reason: "read course pages"},
			{ID: "engaged-time", On: []string{"engaged_minute"}, Points: 0.5, HalfLife: leadscore.Duration(7 * leadscore.Day), Max: 15, Reason: "time spent on the website"},
			{ID: "email-unsubscribe", On: []string{leadscore.EventEmailUnsubscribe}, Points: -15, HalfLife: leadscore.Duration(90 * leadscore.Day), Max: 15, Reason: "opted out of email"},
		},
		Tiers: []leadscore.Tier{
			{Name: "hot", Min: f(50), Handoff: true},
			{Name: "warm", Min: f(25)},
			{Name: "cold"},
		},
	}
}

// xeducationReference is the SOURCE.md reference model: every column but the identifiers and
// the excluded ones, categoricals one-hot.
var xeducationReference = reference{
	outcome: func(t *table, row []string) (bool, error) {
		switch v := t.str(row, "Converted"); v {
		case "0", "1":
			return v == "1", nil
		default:
			return false, fmt.Errorf("column Converted is %q, want 0 or 1", v)
		}
	},
	categorical: []string{
		"Lead Origin", "Lead Source", "Do Not Email", "Do Not Call", "Country", "Specialization",
		"How did you hear about X Education", "What is your current occupation",
		"What matters most to you in choosing a course", "Search", "Magazine", "Newspaper Article",
		"X Education Forums", "Newspaper", "Digital Advertisement", "Through Recommendations",
		"Receive More Updates About Our Courses", "Update me on Supply Chain Content",
		"Get updates on DM Content", "City", "I agree to pay the amount through cheque",
		"A free copy of Mastering The Interview",
	},
	numeric: []string{"TotalVisits", "Total Time Spent on Website", "Page Views Per Visit"},
}
