package leadscore

import "time"

// The presets are starting points, not truths: every rule carries the reason a salesperson
// reads, and every number traces to a line of the domain notes (quoted in the comments;
// DOMAIN-COVERAGE.md maps each element to the rule that implements it). Copy one,
// then change what your business knows better. Each call returns a fresh Config, so callers
// may modify it freely.

// DefaultB2B returns a rule set for selling to companies: firmographic and title fit with
// BANT, engagement that decays (personal interactions weigh most and last longest), negative
// scoring for competitors, students, free-mail addresses and job seekers, a modest
// relationship dimension, and a hot tier that hands off to sales at 70 points.
//
// Fill the "competitors" and "targets" lists with your own domains and company names, and
// "service_areas", "target_industries" and "buying_departments" with what your business
// serves. A field the lead leaves blank scores nothing and the presets say "unknown" for the
// ones that carry the most points (title, company size), so a lead the team knows little
// about is not mistaken for a bad fit. Nurture tracks follow the persona and the tier: the
// regular track when cold, thought leadership when warm, a targeted offer when hot, and
// re-nurture for a lead sales sent back.
func DefaultB2B() Config {
	return Config{
		Name: "default-b2b",
		Lists: map[string][]string{
			"competitors": {}, // your competitors' domains and names: they are disqualified
			"targets":     {}, // target accounts: company domains, names, or people's emails
			// Postal codes you serve (near a branch, inside a delivery or field-service area).
			"service_areas": {},
			// Industries you sell to, as your CRM spells lead.Company.Industry.
			"target_industries": {},
			// The departments that use and buy what you sell, as department(title) names them:
			// executive, engineering, it, marketing, sales, finance, operations, hr, legal,
			// product, support, procurement, research, education.
			"buying_departments": {},
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
			// An empty or unrecognised title is unknown, not junior: neutral, and said so.
			{ID: "title-unknown", Dimension: Fit, When: `seniority(lead.Title) == ""`, Points: 0, Reason: "job title unknown or not recognised (neutral)"},
			{ID: "department-buying", Dimension: Fit, When: `listed("buying_departments", department(lead.Title))`, Points: 5, Reason: "works in a department that uses what we sell"},
			// Fit: the company. "Company revenue, years in business, employee count."
			{ID: "company-enterprise", Dimension: Fit, When: `lead.Company.Employees >= 1000`, Points: 15, Reason: "enterprise company (1,000+ employees)"},
			{ID: "company-midmarket", Dimension: Fit, When: `lead.Company.Employees >= 50 && lead.Company.Employees < 1000`, Points: 10, Reason: "mid-market company (50–999 employees)"},
			{ID: "company-micro", Dimension: Fit, When: `lead.Company.Employees > 0 && lead.Company.Employees < 10`, Points: -5, Reason: "micro business (under 10 employees)"},
			{ID: "company-revenue", Dimension: Fit, When: `lead.Company.Revenue >= 10e6`, Points: 10, Reason: "company revenue of $10M or more"},
			{ID: "company-established", Dimension: Fit, When: `lead.Company.Founded > 0 && now.Year() - lead.Company.Founded >= 3`, Points: 5, Reason: "established company (3+ years in business)"},
			// A company nobody sized is not a micro business: "Employees: 0" is a blank.
			{ID: "company-size-unknown", Dimension: Fit, When: `unknown(lead.Company.Employees) && unknown(lead.Company.Revenue)`, Points: 0, Reason: "company size unknown (neutral)"},
			// "Location/postal code, number of service centres, ownership status" and industry.
			{ID: "service-area", Dimension: Fit, When: `listed("service_areas", lead.Company.PostalCode) || listed("service_areas", lead.PostalCode)`, Points: 10, Reason: "located in an area we serve"},
			{ID: "company-multi-site", Dimension: Fit, When: `lead.Company.ServiceCenters >= 3`, Points: 5, Reason: "runs 3+ service centres (more sites, more need)"},
			{ID: "company-minority-owned", Dimension: Fit, When: `lead.Company.MinorityOwned`, Points: 5, Reason: "minority-owned business (supplier-diversity programmes)"},
			{ID: "industry-target", Dimension: Fit, When: `listed("target_industries", lead.Company.Industry)`, Points: 10, Reason: "in an industry we sell to"},
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
			{ID: "meeting", On: []string{EventMeeting, EventOfficeVisit}, Points: 25, HalfLife: Duration(45 * Day), Max: 40, Reason: "met us (a meeting or a visit to our office)"},
			channelPersonal(30 * Day),
			{ID: "demo-request", On: []string{EventDemoRequest}, Points: 30, HalfLife: Duration(30 * Day), Max: 30, Reason: "requested a demo"},
			{ID: "question", On: []string{EventQuestion, EventEmailReply}, Points: 12, HalfLife: Duration(21 * Day), Max: 24, Reason: "asked a question or replied to an email"},
			{ID: "event-attended", On: []string{EventEventAttended, EventCheckIn}, Points: 15, HalfLife: Duration(60 * Day), Max: 30, Reason: "met us at an event"},
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
		// Within a role the track follows the score ("low-scoring leads get the regular
		// newsletter and an occasional targeted campaign; higher scores get more frequent,
		// detailed thought-leadership and targeted offers"), and a lead sales rejected is
		// re-nurtured ("rejected leads return to marketing … to be re-nurtured").
		Personas: []Persona{
			{ID: "not-a-buyer", When: `disqualified || has_signal("competitor") || has_signal("student") || has_signal("job_seeker")`, Track: "courtesy"},
			{ID: "economic-buyer", When: `seniority(lead.Title) in ["c_level", "vp"]`, Track: "executive-briefings", Tracks: b2bTracks("executive")},
			{ID: "champion", When: `seniority(lead.Title) in ["director", "manager"]`, Track: "business-case", Tracks: b2bTracks("champion")},
			{ID: "practitioner", When: `seniority(lead.Title) == "individual"`, Track: "product-education", Tracks: b2bTracks("practitioner")},
			{ID: "unknown-role", Track: "newsletter", Tracks: b2bTracks("general")},
		},
		Accounts: b2bAccounts(),
	}
}

// b2bAccounts is DefaultB2B's accounts section, from the domain notes on accounts, buying
// groups and the sales–marketing SLA (DOMAIN-COVERAGE.md): "In B2B the buyer is an account: a purchase is decided by a
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

// channelPersonal is the presets' rule that weighs personal channels above impersonal ones:
// "more personal interactions (a call, a meeting, an office visit) weigh more than impersonal
// ones (an email open)". The same act on a channel where a person answers in real time
// (PersonalChannels: phone, chat, store, event) scores 5 more than on web, email or social —
// a question asked on the phone beats one typed into a form. It reads the lead's own acts
// only: a sales rep's call (sales_touch) or a lost deal is no engagement of the lead's.
func channelPersonal(halfLife time.Duration) EventRule {
	return EventRule{
		ID: "channel-personal",
		On: []string{EventQuestion, EventCall, EventMeeting, EventOfficeVisit, EventCheckIn, EventEventAttended,
			EventDemoRequest, EventFormSubmit, EventSignup, EventPurchase},
		When:   `lower(trim(event.Channel)) in ["phone", "chat", "store", "event"]`,
		Points: 5, HalfLife: Duration(halfLife), Max: 15,
		Reason: "engaged in person or live (phone, chat, store, event)",
	}
}

// b2bTracks are a B2B persona's tracks beyond its cold one: re-nurture for a recycled lead,
// then "<role>-thought-leadership" when warm and "<role>-offer" when hot.
func b2bTracks(role string) []PersonaTrack {
	return []PersonaTrack{
		{Recycled: true, Track: "re-nurture"},
		{Tier: "hot", Track: role + "-offer"},
		{Tier: "warm", Track: role + "-thought-leadership"},
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
//
// Fill "served_postcodes" and "target_occupations". Age and income left blank are unknown:
// neutral, and said so. The domain's example personas, Joe and Sarah, have tracks that
// follow their tier, as the B2B roles' do.
func DefaultB2C() Config {
	return Config{
		Name: "default-b2c",
		Lists: map[string][]string{
			"served_postcodes":   {}, // postal codes you deliver to or have stores in
			"target_occupations": {}, // occupations your products are made for ("nurse", "chef", …)
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
			// size, postal code, subscriptions, memberships". Which values fit is the
			// business's call; these are common. Gender is not scored: points by gender are
			// unlawful discrimination in many markets, and a poor proxy for need. A blank age
			// or income is unknown, not young or poor: neutral, and said so.
			{ID: "minor", Dimension: Fit, When: `lead.Age > 0 && lead.Age < 18`, Points: -50, Disqualify: true, Reason: "under 18: do not market"},
			{ID: "age-core", Dimension: Fit, When: `lead.Age >= 25 && lead.Age <= 54`, Points: 5, Reason: "core buying age (25–54)"},
			{ID: "age-unknown", Dimension: Fit, When: `unknown(lead.Age)`, Points: 0, Reason: "age unknown (neutral)"},
			{ID: "income-high", Dimension: Fit, When: `lead.Income >= 75000`, Points: 10, Reason: "household income of 75,000 or more"},
			{ID: "income-mid", Dimension: Fit, When: `lead.Income >= 40000 && lead.Income < 75000`, Points: 5, Reason: "household income of 40,000–75,000"},
			{ID: "income-unknown", Dimension: Fit, When: `unknown(lead.Income)`, Points: 0, Reason: "income unknown (neutral)"},
			{ID: "occupation-target", Dimension: Fit, When: `listed("target_occupations", lead.Occupation)`, Points: 5, Reason: "works in an occupation we make products for"},
			{ID: "household", Dimension: Fit, When: `lower(trim(lead.MaritalStatus)) in ["married", "partnered"]`, Points: 3, Reason: "married or partnered (buys for a household)"},
			{ID: "home-large", Dimension: Fit, When: `lead.HomeSize >= 150`, Points: 5, Reason: "a large home (150 m² or more)"},
			{ID: "subscriber", Dimension: Fit, When: `lead.Subscriptions > 0`, Points: 3, Reason: "keeps subscriptions (used to buying regularly)"},
			{ID: "member", Dimension: Fit, When: `lead.Memberships > 0`, Points: 3, Reason: "belongs to clubs or loyalty programmes"},
			{ID: "family", Dimension: Fit, When: `lead.Children > 0`, Points: 5, Reason: "has children"},
			{ID: "served-area", Dimension: Fit, When: `listed("served_postcodes", lead.PostalCode)`, Points: 10, Reason: "lives where we deliver"},
			{ID: "reach", Dimension: Fit, When: `lead.Followers >= 1000`, Points: 5, Reason: "social reach (1,000+ followers)"},
			// Relationship: "purchase behaviour … average order value … customer-service effort".
			{ID: "repeat-buyer", Dimension: Relationship, When: `lead.Purchases >= 2`, Points: 15, Reason: "repeat buyer"},
			{ID: "first-time-buyer", Dimension: Relationship, When: `lead.Purchases == 1`, Points: 5, Reason: "first-time buyer (win the second sale)"},
			{ID: "order-value", Dimension: Relationship, When: `lead.AvgOrderValue >= 200`, Points: 10, Reason: "average order of 200 or more"},
			// "Order frequency": 10+ orders a year over the customer's tenure, a first year
			// counting as a whole one (Purchases / max(years, 1) >= 10, written so the fast
			// path takes it). Sarah "buys monthly".
			{ID: "monthly-buyer", Dimension: Relationship, When: `known(lead.CustomerSince) && lead.Purchases >= 10 && lead.Purchases >= 10 * years_since(lead.CustomerSince)`, Points: 10, Reason: "buys about monthly (10+ orders a year)"},
			// Joe "pays more for trusted service": what he buys earns a healthy margin.
			{ID: "high-margin", Dimension: Relationship, When: `lead.Purchases > 0 && lead.Margin >= 0.3`, Points: 5, Reason: "buys at a margin of 30% or more (pays for service)"},
			{ID: "customer-tenure", Dimension: Relationship, When: `!lead.CustomerSince.IsZero()`, Value: `years_since(lead.CustomerSince) * 5`, Max: 15, Reason: "customer tenure (5 points a year, up to 15)"},
			{ID: "service-effort", Dimension: Relationship, When: `lead.ServiceEffort >= 8`, Points: -10, Reason: "needs a lot of service (effort 8–10)"},
			{ID: "low-margin", Dimension: Relationship, When: `lead.Purchases > 0 && lead.Margin > 0 && lead.Margin < 0.1`, Points: -5, Reason: "buys at a margin under 10%"},
		},
		Events: []EventRule{
			// "Abandoned cart: ready to buy" — the strongest intent, and the shortest-lived.
			{ID: "checkout-start", On: []string{EventCheckoutStart}, Points: 20, HalfLife: Duration(2 * Day), Max: 20, Reason: "started checkout"},
			{ID: "cart-add", On: []string{EventCartAdd}, Points: 10, HalfLife: Duration(3 * Day), Max: 20, Reason: "added to cart"},
			{ID: "call", On: []string{EventCall}, Points: 20, HalfLife: Duration(14 * Day), Max: 30, Reason: "called us"},
			{ID: "meeting", On: []string{EventMeeting, EventOfficeVisit}, Points: 20, HalfLife: Duration(14 * Day), Max: 30, Reason: "met an advisor (an appointment or a showroom visit)"},
			channelPersonal(14 * Day), // shopping intent is short-lived
			{ID: "question", On: []string{EventQuestion, EventEmailReply}, Points: 10, HalfLife: Duration(14 * Day), Max: 20, Reason: "asked a question"},
			{ID: "store-visit", On: []string{EventEventAttended, EventCheckIn}, Points: 10, HalfLife: Duration(30 * Day), Max: 20, Reason: "visited a store or event"},
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
		// The personas of the domain notes (DOMAIN-COVERAGE.md), first match wins; within a persona the track follows the
		// tier ("low-scoring leads get the regular newsletter and an occasional targeted
		// campaign; higher scores get more frequent … targeted offers"), and a lead whose
		// sale fell through is won back. First-time buyers are won for a second sale; loyal
		// customers are rewarded.
		Personas: []Persona{
			{ID: "do-not-market", When: `disqualified`, Track: "none"},
			{ID: "influencer", When: `lead.Followers >= 10000`, Track: "ambassador"},
			// Sarah, 19: web-savvy, "vocal on social media with 3,000 followers", buys
			// everything online, monthly. Her regular track is the weekly deals she shops
			// from; warm, picks from what she browsed; hot (a cart, a checkout), an offer
			// on it online.
			{ID: "sarah", When: `lead.Age > 0 && lead.Age < 25 && lead.Followers >= 1000`, Track: "weekly-deals", Tracks: []PersonaTrack{
				{Recycled: true, Track: "win-back"},
				{Tier: "hot", Track: "cart-offer"},
				{Tier: "warm", Track: "personal-picks"},
			}},
			{ID: "loyal", When: `lead.Purchases >= 3`, Track: "loyalty"},
			{ID: "first-time-buyer", When: `lead.Purchases == 1`, Track: "second-sale"},
			// Joe, 37: "average" on the web, no active social network; researches online,
			// buys offline, brand loyal, pays more for trusted service, a special-occasion
			// buyer spending a few hundred a visit — so not a frequent small spender. His
			// regular track is the occasions he buys for; warm, buying guides for his
			// research; hot, an appointment in the store with an advisor.
			{ID: "joe", When: `lead.Age >= 30 && lead.Followers < 1000 && (lead.Purchases == 0 || unknown(lead.AvgOrderValue) || lead.AvgOrderValue >= 100)`, Track: "holiday", Tracks: []PersonaTrack{
				{Recycled: true, Track: "win-back"},
				{Tier: "hot", Track: "store-appointment"},
				{Tier: "warm", Track: "buying-guides"},
			}},
			{ID: "everyone", Track: "newsletter", Tracks: []PersonaTrack{
				{Recycled: true, Track: "win-back"},
				{Tier: "hot", Track: "personal-offer"},
				{Tier: "warm", Track: "targeted-offers"},
			}},
		},
	}
}
