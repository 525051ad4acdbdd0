package leadscore

import "time"

// Lead is the standard lead: what a business knows about a person and their company. The
// presets and examples use it; Scorer is generic, so a caller may bring any struct type of its
// own instead, and rules then read that type's fields.
//
// Expressions see the Go field names: lead.Title, lead.Company.Employees, lead.BANT.Budget.
// In JSON (the wire format of the CLI, case files and services) the names are snake_case:
// {"email": …, "company": {"employees": …}, "customer_since": "2024-01-31T00:00:00Z"}.
//
// A field left empty is unknown, not zero: rules ask known(x) or unknown(x) (known.go) and
// the presets score a blank as neutral, explained as "unknown". A number whose 0 is a real
// answer (Children, Purchases, Followers, Subscriptions, Memberships) is scored on its
// non-zero side only, so a blank costs nothing there either; to tell "none" from "not asked"
// for such a field, send it as a trait (an absent trait is nil, unknown) or bring a lead type
// with pointer fields.
type Lead struct {
	ID         string  `json:"id,omitempty"`
	Email      string  `json:"email,omitempty"`
	Name       string  `json:"name,omitempty"`
	Title      string  `json:"title,omitempty"`
	Phone      string  `json:"phone,omitempty"`
	Country    string  `json:"country,omitempty"`
	PostalCode string  `json:"postal_code,omitempty"`
	Source     string  `json:"source,omitempty"` // "referral", "organic", "paid", "event", …
	Company    Company `json:"company,omitzero"`

	// B2C demographics.
	Age           int     `json:"age,omitempty"`
	Children      int     `json:"children,omitempty"`
	Gender        string  `json:"gender,omitempty"`
	Occupation    string  `json:"occupation,omitempty"`
	MaritalStatus string  `json:"marital_status,omitempty"`
	Income        float64 `json:"income,omitempty"`
	HomeSize      float64 `json:"home_size,omitempty"`     // floor area; the presets read square metres
	Subscriptions int     `json:"subscriptions,omitempty"` // active subscriptions (magazines, boxes, streaming, …)
	Memberships   int     `json:"memberships,omitempty"`   // clubs, associations, loyalty programmes

	// Relationship and value.
	CustomerSince time.Time      `json:"customer_since,omitzero"` // zero: not a customer
	Purchases     int            `json:"purchases,omitempty"`
	AvgOrderValue float64        `json:"avg_order_value,omitempty"`
	Margin        float64        `json:"margin,omitempty"`         // a fraction: 0.25 = 25%
	ServiceEffort int            `json:"service_effort,omitempty"` // 1 (easy) … 10 (hand-holding)
	Followers     int            `json:"followers,omitempty"`      // social reach
	BANT          BANT           `json:"bant,omitzero"`
	Traits        map[string]any `json:"traits,omitempty"` // anything else; read as lead.Traits.name or lead.Traits["name"]
}

// Company is the firmographic part of a Lead.
type Company struct {
	Name           string  `json:"name,omitempty"`
	Domain         string  `json:"domain,omitempty"`
	Industry       string  `json:"industry,omitempty"`
	Country        string  `json:"country,omitempty"`
	PostalCode     string  `json:"postal_code,omitempty"`
	Employees      int     `json:"employees,omitempty"`
	Founded        int     `json:"founded,omitempty"`
	ServiceCenters int     `json:"service_centers,omitempty"`
	Revenue        float64 `json:"revenue,omitempty"`
	MinorityOwned  bool    `json:"minority_owned,omitempty"`
}

// BANT records what sales has learned about a buying cycle: Budget, Authority, Need, Timing.
type BANT struct {
	Budget    bool `json:"budget,omitempty"`
	Authority bool `json:"authority,omitempty"`
	Need      bool `json:"need,omitempty"`
	Timing    bool `json:"timing,omitempty"`
}
