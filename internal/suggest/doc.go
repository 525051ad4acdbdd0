// Package suggest finds the name a misspelt name was probably meant to be, for the "did you
// mean" hints of error messages: a rule's lead.employees (lead.Company.Employees), a config's
// "half_lfe" (half_life), an event type "page_veiw" (page_view), a function senority
// (seniority).
//
// Two names are compared after normalisation — lower case, with '_', '-', '.' and spaces
// dropped — so that the spellings of one name in Go (JobTitle), in JSON (job_title) and in
// camel case (jobTitle) are the same name, at distance 0. Otherwise their distance is the
// optimal-string-alignment (restricted Damerau–Levenshtein) distance of the normalised forms,
// counted in runes: an insertion, deletion, substitution or swap of two adjacent runes is one
// edit. A candidate is close enough when its distance is at most Threshold of the name's
// normalised length: one edit up to 5 runes, two up to 9, and so on.
//
// Contract: every function is pure and total, never panics, and Closest returns one of the
// candidates given, or "" — never a name that was not offered.
package suggest
