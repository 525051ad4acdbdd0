// Package classify holds the text heuristics behind leadscore's rule built-ins: domain(email)
// extracts and normalises the domain of an email address (email.go), free_email and academic
// recognise consumer mailbox providers and universities or schools by domain (freemail.go,
// academic.go), seniority and department read a job title word by word (title.go), and
// listed matches a value against a compiled List, through the domain and every parent domain
// when the value is an email address or a domain (lists.go). Every function is pure,
// deterministic and safe for concurrent use: the tables are built once at package
// initialisation and never modified, nothing reads the clock, a random source or the
// network, and the common paths do not allocate (case folding is done into stack buffers,
// never with strings.ToLower, and there are no regular expressions).
package classify
