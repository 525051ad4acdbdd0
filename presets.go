package leadscore

// The presets are starting points, not truths: every rule carries the reason a salesperson
// reads, and every number traces to a line of DOMAIN.md (quoted in the comments). Copy one,
// then change what your business knows better. Each call returns a fresh Config, so callers
// may modify it freely.

// DefaultB2B returns a rule set for selling to companies: firmographic and title fit with
// BANT, engagement that decays (personal interactions weigh most and last longest), negative
// scoring for competitors, students, free-mail addresses and job seekers, a modest
// relationship dimension, and a hot tier that hands off to sales at 70 points.
//
// Fill the "competitors" and "targets" lists with your own domains and company names.
func DefaultB2B() Config {
	return Config{
		Name: "default-b2b",
		Lists: map[string][]string{
			"competitors": {}, // your competitors' domains and names: they are disqualified
			"targets":     {}, // target accounts: company domains, names, or people's emails
		},
		Dimensions: map[Dimension]DimensionConfig{
			// A competitor's −100 must be able to sink the total, so fit may go well below 0.
			Fit: {Weight: Float(1), Min: Float(-100), Max: Float(100)},
			// "Strong engagement must be able to outweigh a free-mail penalty": engagement
			// reaches as far as fit does.
			Engagement: {Weight: Float(1), Min: Float(-30), Max: Float(100)},
			// Relationship matters less before someone is a customer; half weight.
			Relationship: {Weight: Float(0.5), Min: Float(-20), Max: Float(60)},
		},
		Pages: b2bPages(),
		Rules: []Rule{
			// Fit: the person. "Job title, seniority, department."
			{ID: "title-executive", Dimension: Fit, When: `seniority(lead.Title) in ["c_level", "vp"]`, Points: 20, Reason: "executive title (decision maker)"},
			{ID: "title-director", Dimension: Fit, When: `seniority(lead.Title) == "director"`, Points: 15, Reason: "director title (budget holder)"},
			{ID: "title-manager", Dimension: Fit, When: `seniority(lead.Title) == "manager"`, Points: 8, Reason: "manager title (influencer)"},
			{ID: "title-individual", Dimension: Fit, When: `seniority(lead.Title) == "individual"`, Points: 0, Reason: "individual contributor (neutral)"},
			{ID: "title-student", Dimension: Fit, When: `seniority(lead.Title) == "student"`, Points: -15, Reason: "student or intern title (researching, not buying)"},
			// Fit: the company. "Company revenue, years in business, employee count."
			{ID: "company-enterprise", Dimension: Fit, When: `lead.Company.Employees >= 1000`, Points: 15, Reason: "enterprise company (1,000+ employees)"},
			{ID: "company-midmarket", Dimension: Fit, When: `lead.Company.Employees >= 50 && lead.Company.Employees < 1000`, Points: 10, Reason: "mid-market company (50–999 employees)"},
			{ID: "company-micro", Dimension: Fit, When: `lead.Company.Employees > 0 && lead.Company.Employees < 10`, Points: -5, Reason: "micro business (under 10 employees)"},
			{ID: "company-revenue", Dimension: Fit, When: `lead.Company.Revenue >= 10e6`, Points: 10, Reason: "company revenue of $10M or more"},
			{ID: "company-established", Dimension: Fit, When: `lead.Company.Founded > 0 && now.Year() - lead.Company.Founded >= 3`, Points: 5, Reason: "established company (3+ years in business)"},
			// Fit: BANT, "folded in because it signals a real buying cycle quickly".
			{ID: "bant-budget", Dimension: Fit, When: `lead.BANT.Budget`, Points: 10, Reason: "BANT: budget confirmed"},
			{ID: "bant-authority", Dimension: Fit, When: `lead.BANT.Authority`, Points: 10, Reason: "BANT: has buying authority"},
			{ID: "bant-need", Dimension: Fit, When: `lead.BANT.Need`, Points: 10, Reason: "BANT: need confirmed"},
			{ID: "bant-timing", Dimension: Fit, When: `lead.BANT.Timing`, Points: 10, Reason: "BANT: buying timeline confirmed"},
			// Fit: the address. "Desirable email domain"; "generic free-mail addresses in B2B"
			// and "students on academic domains" score negative.
			{ID: "email-business", Dimension: Fit, When: `lead.Email != "" && !free_email(lead.Email) && !academic(lead.Email)`, Points: 5, Reason: "business email address"},
			{ID: "email-free", Dimension: Fit, When: `free_email(lead.Email)`, Points: -10, Reason: "free-mail address (gmail, yahoo, …)"},
			{ID: "email-academic", Dimension: Fit, When: `academic(lead.Email)`, Points: -15, Reason: "academic email domain (likely a student)"},
			{ID: "phone-given", Dimension: Fit, When: `lead.Phone != ""`, Points: 3, Reason: "gave a phone number"},
			// "Competitors: remove them from the funnel as early as possible."
			{ID: "competitor", Dimension: Fit, When: `listed("competitors", lead.Email) || listed("competitors", lead.Company.Domain) || listed("competitors", lead.Company.Name)`, Points: -100, Disqualify: true, Reason: "works for a competitor"},
			// "Target customers: specific job titles, company names, or named individuals."
			{ID: "target-account", Dimension: Fit, When: `listed("targets", lead.Email) || listed("targets", lead.Company.Domain) || listed("targets", lead.Company.Name)`, Points: 20, Reason: "target account"},

			// Engagement aggregates: "frequent website visits … a shift from research to
			// purchase-readiness".
			{ID: "visits-frequent", Dimension: Engagement, When: `count("page_view", "14d") >= 5`, Points: 5, Reason: "5+ page views in the last 14 days"},

			// Relationship: "lifecycle stage and tenure".
			{ID: "customer", Dimension: Relationship, When: `!lead.CustomerSince.IsZero()`, Points: 10, Reason: "existing customer"},
			{ID: "customer-tenure", Dimension: Relationship, When: `!lead.CustomerSince.IsZero()`, Value: `years_since(lead.CustomerSince) * 5`, Max: 20, Reason: "customer tenure (5 points a year, up to 20)"},
			{ID: "repeat-buyer", Dimension: Relationship, When: `lead.Purchases >= 2`, Points: 10, Reason: "repeat buyer"},
			// "Referral leads are worth far more than web or cold-call leads."
			{ID: "source-referral", Dimension: Relationship, When: `lead.Source == "referral"`, Points: 15, Reason: "referred by a customer or partner"},
			{ID: "source-event", Dimension: Relationship, When: `lead.Source == "event"`, Points: 5, Reason: "met in person at an event"},
		},
		Events: []EventRule{
			// "More personal interactions (a call, a meeting, an office visit) weigh more than
			// impersonal ones (an email open)" — and they are remembered longer.
			{ID: "call", On: []string{EventCall}, Points: 25, HalfLife: Duration(30 * Day), Max: 40, Reason: "phone call (on fire)"},
			{ID: "demo-request", On: []string{EventDemoRequest}, Points: 30, HalfLife: Duration(30 * Day), Max: 30, Reason: "requested a demo"},
			{ID: "question", On: []string{EventQuestion, EventEmailReply}, Points: 12, HalfLife: Duration(21 * Day), Max: 24, Reason: "asked a question or replied to an email"},
			{ID: "event-attended", On: []string{EventEventAttended}, Points: 15, HalfLife: Duration(60 * Day), Max: 30, Reason: "met us at an event"},
			{ID: "webinar-attended", On: []string{EventWebinarAttended}, Points: 10, HalfLife: Duration(45 * Day), Max: 20, Reason: "attended a webinar"},
			{ID: "webinar-registered", On: []string{EventWebinarRegistered}, Points: 4, HalfLife: Duration(30 * Day), Max: 8, Reason: "registered for a webinar"},
			{ID: "form-submit", On: []string{EventFormSubmit, EventSignup}, Points: 10, HalfLife: Duration(30 * Day), Max: 20, Reason: "filled in a form"},
			{ID: "content-download", On: []string{EventContentDownload}, Points: 6, HalfLife: Duration(30 * Day), Max: 18, Reason: "downloaded content (e-book, white paper)"},
			// Product and pricing pages: "especially product or service pages".
			{ID: "page-pricing", On: []string{EventPageView}, When: `event.Category == "pricing"`, Points: 8, HalfLife: Duration(14 * Day), Max: 24, Reason: "visited pricing pages"},
			{ID: "page-product", On: []string{EventPageView}, When: `event.Category == "product"`, Points: 3, HalfLife: Duration(14 * Day), Max: 15, Reason: "visited product pages"},
			{ID: "page-other", On: []string{EventPageView}, When: `event.Category not in ["pricing", "product", "careers"]`, Points: 1, HalfLife: Duration(7 * Day), Max: 5, Reason: "visited the website"},
			// "Visits to the careers page (job seekers)" score negative.
			{ID: "page-careers", On: []string{EventPageView}, When: `event.Category == "careers"`, Points: -10, HalfLife: Duration(60 * Day), Max: 20, Reason: "visited careers pages (job seeker?)"},
			// Email: clicks count, opens barely ("privacy proxies fake email opens"), and each
			// kind is capped to stop inflation.
			{ID: "email-click", On: []string{EventEmailClick}, Points: 3, HalfLife: Duration(14 * Day), Max: 12, Reason: "clicked campaign emails"},
			{ID: "email-open", On: []string{EventEmailOpen}, Points: 0.5, HalfLife: Duration(14 * Day), Max: 2, Reason: "opened campaign emails"},
			{ID: "social", On: []string{EventSocialFollow, EventSocialLike, EventSocialShare, EventSocialComment}, Points: 2, HalfLife: Duration(14 * Day), Max: 8, Reason: "engaged on social media"},
			{ID: "email-unsubscribe", On: []string{EventEmailUnsubscribe}, Points: -15, HalfLife: Duration(90 * Day), Max: 15, Reason: "unsubscribed from email"},
			{ID: "email-bounce", On: []string{EventEmailBounce}, Points: -10, Once: true, Reason: "email address bounced"},
			// Relationship: referrals they make, and a recently lost deal.
			{ID: "referral-made", Dimension: Relationship, On: []string{EventReferral}, Points: 10, HalfLife: Duration(180 * Day), Max: 20, Reason: "referred someone to us"},
			// A lost deal or "no decision" (about 26% of deals) recycles the lead to nurture: its
			// interest for now is spent, so engagement must be earned again before the next
			// hand-off.
			{ID: "opportunity-lost", On: []string{EventOpportunityLost, EventNoDecision}, Points: -25, HalfLife: Duration(30 * Day), Max: 25, Reason: "recently lost or stalled opportunity"},
		},
		// "When a lead crosses the qualification threshold (MQL) it is handed to sales";
		// below it, "keep leads warm in nurture". Hysteresis stops a score that wobbles
		// around 70 from re-firing the hand-off ("thresholds without hysteresis"). A hand-off
		// needs recent activity as well as fit: "a website visit … does not make someone a
		// buyer", and neither does a perfect profile that has done nothing.
		Tiers: []Tier{
			{Name: "hot", Min: Float(70), When: "engagement >= 15", Handoff: true},
			{Name: "warm", Min: Float(40)},
			{Name: "cold"},
		},
		Hysteresis: 5,
		// Buying-committee roles, each with the nurture track that speaks to it; students
		// and job seekers get courtesy, not sales ("keep being courteous to everyone else").
		Personas: []Persona{
			{ID: "not-a-buyer", When: `disqualified || has_signal("competitor") || has_signal("student") || has_signal("job_seeker")`, Track: "courtesy"},
			{ID: "economic-buyer", When: `seniority(lead.Title) in ["c_level", "vp"]`, Track: "executive-briefings"},
			{ID: "champion", When: `seniority(lead.Title) in ["director", "manager"]`, Track: "business-case"},
			{ID: "practitioner", When: `seniority(lead.Title) == "individual"`, Track: "product-education"},
			{ID: "unknown-role", Track: "newsletter"},
		},
		Accounts: b2bAccounts(),
	}
}

// b2bAccounts is DefaultB2B's accounts section, from DOMAIN.md's "Accounts, buying groups
// and the sales–marketing SLA": "In B2B the buyer is an account: a purchase is decided by a
// buying group, typically 6–10 people … and a single engaged contact says little."
func b2bAccounts() *AccountConfig {
	return &AccountConfig{
		// The company's domain, else the email's — but never a free-mail provider's: gmail.com
		// is not an account (an empty key is no account).
		Key: `lead.Company.Domain != "" ? lead.Company.Domain : (free_email(lead.Email) ? "" : domain(lead.Email))`,
		// "Account-based marketing scores the account — firmographic fit of the company plus
		// the engagement of its people — and the coverage of the buying group."
		Rules: []AccountRule{
			{ID: "account-enterprise", When: `lead.Company.Employees >= 1000`, Points: 25, Reason: "enterprise account (1,000+ employees)"},
			{ID: "account-midmarket", When: `lead.Company.Employees >= 50 && lead.Company.Employees < 1000`, Points: 15, Reason: "mid-market account (50–999 employees)"},
			{ID: "account-revenue", When: `lead.Company.Revenue >= 10e6`, Points: 10, Reason: "company revenue of $10M or more"},
			{ID: "account-target", When: `listed("targets", lead.Company.Domain) || listed("targets", lead.Company.Name)`, Points: 20, Reason: "target account"},
			{ID: "account-competitor", When: `listed("competitors", lead.Email) || listed("competitors", lead.Company.Domain) || listed("competitors", lead.Company.Name)`, Points: -100, Disqualify: true, Reason: "a competitor"},
		},
		// "Account engagement is not a plain sum: ten interns reading the blog are not a CFO
		// asking for pricing. Combine with caps": the five most engaged members count, up to
		// 100 points. A single page view does not make a member engaged.
		Engagement: AccountEngagement{Combine: CombineTop, Top: 5, Cap: 100},
		EngagedMin: 5,
		// "Roles in a buying group: the economic buyer (signs the budget: C-level, VP, owner),
		// the champion (pushes internally; often a manager or director in the using
		// department), technical evaluators (IT, security, engineering)"; "'no economic buyer
		// engaged' is the most common reason an engaged account does not close": the economic
		// buyer is required, and must have been engaged in the last 30 days. A member may play
		// more than one role (an IT director champions and evaluates).
		Roles: []Role{
			{ID: "economic-buyer", Name: "economic buyer", When: `seniority(lead.Title) in ["c_level", "vp"] || lead.BANT.Authority`, Required: true, Recency: Duration(30 * Day)},
			{ID: "champion", Name: "champion", When: `seniority(lead.Title) in ["director", "manager"]`, Recency: Duration(30 * Day)},
			{ID: "technical-evaluator", Name: "technical evaluator", When: `department(lead.Title) in ["it", "engineering"]`, Recency: Duration(30 * Day)},
		},
		// A hot account needs more than one engaged contact's worth of engagement on top of
		// fit; hysteresis as for leads ("thresholds without hysteresis" re-fire hand-offs).
		Tiers: []AccountTier{
			{Name: "hot", Min: Float(100), Handoff: true},
			{Name: "warm", Min: Float(60)},
			{Name: "cold"},
		},
		Hysteresis: 10,
	}
}

func b2bPages() map[string][]string {
	return map[string][]string{
		"product":   {"/product", "/products", "/features", "/solutions", "/integrations"},
		"pricing":   {"/pricing", "/plans"},
		"careers":   {"/careers", "/jobs"},
		"blog":      {"/blog"},
		"docs":      {"/docs"},
		"customers": {"/customers", "/case-studies"},
	}
}

// DefaultB2C returns a rule set for selling to consumers: demographic fit (a minor is
// disqualified), engagement that decays fast (shopping intent is short-lived: carts and
// checkouts most of all), and a relationship dimension that rewards repeat, high-value,
// low-effort customers. The hot tier hands off at 60 points to whatever acts on it: a
// personal offer, a call, a sales associate.
func DefaultB2C() Config {
	return Config{
		Name: "default-b2c",
		Lists: map[string][]string{
			"served_postcodes": {}, // postal codes you deliver to or have stores in
		},
		Dimensions: map[Dimension]DimensionConfig{
			Fit:          {Weight: Float(1), Min: Float(-50), Max: Float(40)},
			Engagement:   {Weight: Float(1), Min: Float(-30), Max: Float(100)},
			Relationship: {Weight: Float(1), Min: Float(-20), Max: Float(60)},
		},
		Pages: map[string][]string{
			"product":  {"/product", "/products", "/shop", "/p/"},
			"pricing":  {"/sale", "/deals", "/offers"},
			"checkout": {"/cart", "/checkout"},
			"careers":  {"/careers", "/jobs"},
			"help":     {"/help", "/shipping", "/returns", "/faq"},
		},
		Rules: []Rule{
			// Fit: "age, gender, income, occupation, marital status, number of children, home
			// size, postal code". Which values fit is the business's call; these are common.
			{ID: "minor", Dimension: Fit, When: `lead.Age > 0 && lead.Age < 18`, Points: -50, Disqualify: true, Reason: "under 18: do not market"},
			{ID: "age-core", Dimension: Fit, When: `lead.Age >= 25 && lead.Age <= 54`, Points: 5, Reason: "core buying age (25–54)"},
			{ID: "income-high", Dimension: Fit, When: `lead.Income >= 75000`, Points: 10, Reason: "household income of 75,000 or more"},
			{ID: "income-mid", Dimension: Fit, When: `lead.Income >= 40000 && lead.Income < 75000`, Points: 5, Reason: "household income of 40,000–75,000"},
			{ID: "family", Dimension: Fit, When: `lead.Children > 0`, Points: 5, Reason: "has children"},
			{ID: "served-area", Dimension: Fit, When: `listed("served_postcodes", lead.PostalCode)`, Points: 10, Reason: "lives where we deliver"},
			{ID: "reach", Dimension: Fit, When: `lead.Followers >= 1000`, Points: 5, Reason: "social reach (1,000+ followers)"},
			// Relationship: "purchase behaviour … average order value … customer-service effort".
			{ID: "repeat-buyer", Dimension: Relationship, When: `lead.Purchases >= 2`, Points: 15, Reason: "repeat buyer"},
			{ID: "first-time-buyer", Dimension: Relationship, When: `lead.Purchases == 1`, Points: 5, Reason: "first-time buyer (win the second sale)"},
			{ID: "order-value", Dimension: Relationship, When: `lead.AvgOrderValue >= 200`, Points: 10, Reason: "average order of 200 or more"},
			{ID: "customer-tenure", Dimension: Relationship, When: `!lead.CustomerSince.IsZero()`, Value: `years_since(lead.CustomerSince) * 5`, Max: 15, Reason: "customer tenure (5 points a year, up to 15)"},
			{ID: "service-effort", Dimension: Relationship, When: `lead.ServiceEffort >= 8`, Points: -10, Reason: "needs a lot of service (effort 8–10)"},
			{ID: "low-margin", Dimension: Relationship, When: `lead.Purchases > 0 && lead.Margin > 0 && lead.Margin < 0.1`, Points: -5, Reason: "buys at a margin under 10%"},
		},
		Events: []EventRule{
			// "Abandoned cart: ready to buy" — the strongest intent, and the shortest-lived.
			{ID: "checkout-start", On: []string{EventCheckoutStart}, Points: 20, HalfLife: Duration(2 * Day), Max: 20, Reason: "started checkout"},
			{ID: "cart-add", On: []string{EventCartAdd}, Points: 10, HalfLife: Duration(3 * Day), Max: 20, Reason: "added to cart"},
			{ID: "call", On: []string{EventCall}, Points: 20, HalfLife: Duration(14 * Day), Max: 30, Reason: "called us"},
			{ID: "question", On: []string{EventQuestion, EventEmailReply}, Points: 10, HalfLife: Duration(14 * Day), Max: 20, Reason: "asked a question"},
			{ID: "store-visit", On: []string{EventEventAttended}, Points: 10, HalfLife: Duration(30 * Day), Max: 20, Reason: "visited a store or event"},
			{ID: "page-product", On: []string{EventPageView}, When: `event.Category == "product"`, Points: 2, HalfLife: Duration(7 * Day), Max: 12, Reason: "viewed products"},
			{ID: "page-deals", On: []string{EventPageView}, When: `event.Category == "pricing"`, Points: 3, HalfLife: Duration(7 * Day), Max: 9, Reason: "viewed deals"},
			{ID: "email-click", On: []string{EventEmailClick}, Points: 3, HalfLife: Duration(7 * Day), Max: 9, Reason: "clicked campaign emails"},
			{ID: "email-open", On: []string{EventEmailOpen}, Points: 0.5, HalfLife: Duration(7 * Day), Max: 2, Reason: "opened campaign emails"},
			{ID: "social-share", On: []string{EventSocialShare, EventSocialComment}, Points: 4, HalfLife: Duration(14 * Day), Max: 12, Reason: "shared or commented on social media"},
			{ID: "social-follow", On: []string{EventSocialFollow}, Points: 3, Once: true, Reason: "follows us on social media"},
			{ID: "signup", On: []string{EventSignup, EventFormSubmit}, Points: 5, HalfLife: Duration(30 * Day), Max: 10, Reason: "signed up"},
			{ID: "email-unsubscribe", On: []string{EventEmailUnsubscribe}, Points: -20, HalfLife: Duration(90 * Day), Max: 20, Reason: "unsubscribed from email"},
			// Relationship: recent purchases, remembered for months.
			{ID: "purchase", Dimension: Relationship, On: []string{EventPurchase}, Points: 15, HalfLife: Duration(180 * Day), Max: 45, Reason: "recent purchases"},
			{ID: "referral-made", Dimension: Relationship, On: []string{EventReferral}, Points: 10, HalfLife: Duration(180 * Day), Max: 20, Reason: "referred a friend"},
			{ID: "churned", Dimension: Relationship, On: []string{EventChurn}, Points: -20, HalfLife: Duration(180 * Day), Max: 20, Reason: "cancelled or churned"},
		},
		Tiers: []Tier{
			{Name: "hot", Min: Float(60), Handoff: true},
			{Name: "warm", Min: Float(30)},
			{Name: "cold"},
		},
		Hysteresis: 5,
		// DOMAIN.md's personas, first match wins. Sarah: young, web-savvy, buys online every
		// month, vocal on social media. Joe: thirties and up, researches online, buys on
		// special occasions for a few hundred, pays for trusted service. First-time buyers
		// are won for a second sale; loyal customers are rewarded.
		Personas: []Persona{
			{ID: "do-not-market", When: `disqualified`, Track: "none"},
			{ID: "influencer", When: `lead.Followers >= 10000`, Track: "ambassador"},
			{ID: "sarah", When: `lead.Age > 0 && lead.Age < 25 && lead.Followers >= 1000`, Track: "weekly-deals"},
			{ID: "loyal", When: `lead.Purchases >= 3`, Track: "loyalty"},
			{ID: "first-time-buyer", When: `lead.Purchases == 1`, Track: "second-sale"},
			{ID: "joe", When: `lead.Age >= 30 && lead.Followers < 1000`, Track: "holiday"},
			{ID: "everyone", Track: "newsletter"},
		},
	}
}
