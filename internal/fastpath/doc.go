// Package fastpath compiles expr expressions into Go closures that agree exactly with expr's
// VM, on results and on errors, and run several times faster.
//
// It compiles the checked, optimised AST of a program (vm.Program.Node: what the VM's bytecode
// was generated from) for an environment struct E. It knows these shapes: reads of fields of
// E and of structs inside it, through pointers too, of kinds bool, int (and int8…int64),
// float (float32, float64), string and time.Time; constant elements name[k] of the slices
// the Description names; constants; !, unary -, +; and, or (short-circuiting), ?:, ??;
// comparisons; arithmetic; contains, startsWith, endsWith, matches (a constant pattern); in
// (a constant set or literal array); expr's string built-ins lower, upper, trim, trimPrefix,
// trimSuffix, hasPrefix, hasSuffix and len; a few time.Time methods; and the Go functions the
// Description names. Every node must have the kind the checker gave it. An expression with
// any other node (maps, closures, user functions, named types, …) is not compiled at all:
// the caller runs it on the VM, whole.
//
// A compiled closure cannot fail. Where the VM would fail (a nil pointer on a field path, an
// integer modulo by zero), the closure sets the Env's hand-over flag and returns a
// meaningless value: RunBool, RunNum and RunStr then report ok false, and the caller must run the
// program on the VM, which reports the error exactly as it would have. Expressions are pure,
// so running them again is safe. That is the contract: where ok is true the value is the
// VM's, bit for bit; where the VM fails ok is false. fastpath_test.go checks it on generated
// expressions and environments (TestAgreement, TestAgreementString, FuzzAgreement).
//
// Compile takes boolean and numeric programs (the conditions and values of rules);
// CompileString takes string-valued ones (expr.AsKind(reflect.String)), such as the field reads
// the lead-reading detectors run.
//
// A Plan is what one environment type's expressions share: the fields they read, each with
// a slot in typed tables, and the calls they memoise. Compile stages the fields and memo
// slots an expression needs; they join the Plan only if the whole expression compiles, so a
// rejected expression costs an Env nothing. Compile is not safe for concurrent use, and every
// Compile must come before the first Bind (an Env's tables are sized from the Plan then);
// from then on the Plan and the closures are read-only and shared by any number of
// goroutines.
//
// An Env is one goroutine's view of one E, which must not move once bound (a pooled scratch):
// Bind points its tables at the fields of E that sit at a fixed place, so reading them is a
// load, with no reflect and no unsafe. Fields behind a pointer, or of a narrower type, are
// copied by Load, which the caller runs whenever E changed, before the closures run. Load
// also starts a new memo generation: calls such as seniority(lead.Title) on a field of the
// Description's Stable field are computed once per Load, so the caller must Load after
// changing the Stable field, and must not change it otherwise between Loads. Other fields
// read in place may change between runs without a Load. Release drops what an Env would
// keep alive in a pool.
package fastpath
