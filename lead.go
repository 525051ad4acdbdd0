package leadscore

import "time"

// Lead is the standard lead: what a business knows about a person and their company. The
// presets and examples use it; Scorer is generic, so a caller may bring any struct type of its
// own instead, and rules then read that type's fields.
//
// Expressions see the Go field names: lead.Title, lead.Company.Employees, lead.BANT.Budget.
type Lead struct {
	ID, Email, Name, Title, Phone string
	Country, PostalCode           string
	Source                        string // "referral", "organic", "paid", "event", …
	Company                       Company

	// B2C demographics.
	Age, Children                     int
	Gender, Occupation, MaritalStatus string
	Income, HomeSize                  float64

	// Relationship and value.
	CustomerSince         time.Time // zero: not a customer
	Purchases             int
	AvgOrderValue, Margin float64 // Margin is a fraction: 0.25 = 25%
	ServiceEffort         int     // 1 (easy) … 10 (hand-holding)
	Followers             int     // social reach
	BANT                  BANT
	Traits                map[string]any // anything else; read as lead.Traits.name or lead.Traits["name"]
}

// Company is the firmographic part of a Lead.
type Company struct {
	Name, Domain, Industry, Country, PostalCode string
	Employees, Founded, ServiceCenters          int
	Revenue                                     float64
	MinorityOwned                               bool
}

// BANT records what sales has learned about a buying cycle: Budget, Authority, Need, Timing.
type BANT struct {
	Budget, Authority, Need, Timing bool
}
