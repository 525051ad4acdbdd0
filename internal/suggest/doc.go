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
// Looking a name up costs O(n·t) per candidate of a length within t of the name's, n being
// the name's length and t its threshold, and next to nothing for the others: the distance is
// computed only as far as the threshold (a band of the dynamic programme, left as soon as no
// cell can stay within it), after cheaper bounds (the lengths, the runes' counts) have ruled
// most candidates out. A Set prepares candidates once for many look-ups: an error message may
// be one of thousands in a rule set, each against thousands of names.
//
// Contract: every function is pure and total, never panics, and Closest returns one of the
// candidates given, or "" — never a name that was not offered.
package suggest
