// Package budget is the step budget: it bounds the CPU and memory of every evaluation of an
// expr expression, for rule sets written by people who are not trusted (leadscore's
// SECURITY.md has the threat model). expr has no CPU limit, no cancellation, and a memory
// budget that does not count strings, so the work is charged here instead, in steps: a step
// is an iteration of a loop, a byte of a string, an element of a collection, about one syntax
// node executed.
//
// # How it works
//
// At compile time, Analyze reads an expression's syntax tree and says what it Needs charged;
// when Needs.Any, the caller compiles it with the Patcher (expr.Patch), which rewrites the
// type-checked tree so that every piece of work whose size depends on data is charged:
//
//   - loops (all, any, map, filter, count, reduce, … — expr's only loops) are charged, each
//     time they start, their collection's size times the weight of their body;
//   - where values are reused (let, loops), every operand that is read whole — compared,
//     searched, hashed as a map key, passed to a function — is charged its size to the
//     bottom, and every string or collection built is charged as it is built; chains of +
//     are charged as they build even without reuse;
//   - work that is a product of input sizes even once (replace, join, repeat, toJSON,
//     fromJSON, flatten, uniq, matches, trim with a cutset) or that builds far more than its
//     input (split, splitAfter: a string header per byte) is charged before it is done, by
//     charged versions of those built-ins that then do exactly what expr's do.
//
// The rewritten expression calls functions whose names start with '·' (the lexer rejects the
// character, so only the Patcher can write them); Functions declares them, and must be among
// the options of every expr.Compile the Patcher takes part in. Charged says whether a
// compiled expression was rewritten. Everything else an expression does takes constant time
// per node, or time linear in an input it did not build, once: the caller bounds it by its
// limits on nodes, events and lead (leadscore's Limits), and refuses matches patterns that are
// not literals of at most MaxPatternInstructions (PatternInstructions) before compiling.
//
// # Invariants
//
//   - Work is charged before it is done, or as the value is built, never after: an
//     evaluation that would exceed its budget stops having allocated at most a small multiple
//     of the budget (a doubling chain, at most twice it). Walks over values (Budget's deep
//     charge) charge as they go and stop when the budget does, so values that share parts or
//     refer to themselves cannot make the walk unbounded.
//   - Charging changes no result: within the budget, a patched expression gives the value,
//     or the error, the unpatched one gives.
//   - Expressions that need nothing (no loops, lets, chains or products: every rule of
//     leadscore's presets) are not rewritten, and keep expr's and the fast path's speed.
//
// # Reaching the budget
//
// Patched expressions read the Budget from their environment: the environment struct must
// have a field of type *Budget tagged expr:"·budget" (Field), which leadscore's env carries,
// pointing at the Budget of the goroutine evaluating it. A Budget holds two limits, passed in
// as plain numbers (leadscore's Limits.StepBudget and Limits.CallBudget; Unlimited, -1,
// turns one off): StartCall gives a call (one lead's Score, Observe or Advance) its call
// budget; Start gives each expression the step budget, or what the call has left when that
// is less; Finish takes what the expression spent from the call's. An evaluation that runs out
// fails with an error wrapping ErrExceeded, whose text names the limit that set it.
//
// # Concurrency and purity
//
// A Budget is mutable and belongs to one goroutine at a time (leadscore keeps one per pooled
// scratch). Analyze, the Patcher, Charged, PatternInstructions and Estimate are pure: they
// read a syntax tree, or rewrite the one they are given, and share nothing.
//
// Estimate is the worst-case work of an expression, in steps, with every input at its limit:
// an estimate from the expression's shape for reviewing rule sets (leadscore's Scorer.Costs),
// not a bound the Budget enforces.
//
// The package imports nothing of the module: leadscore imports it, never the reverse.
package budget
