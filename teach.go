package leadscore

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"

	"github.com/leadscore/leadscore/internal/suggest"
	"github.com/leadscore/leadscore/internal/text"
)

// Errors that teach: where a rule names something that does not exist — a field, a function,
// a variable, an event type, a signal kind, a list — the error says what it probably meant,
// "(did you mean Company.Employees?)", using internal/suggest. A suggestion is always a name
// valid where it would be written: a field of the type being read, a function or variable in
// the expression's scope, a type or kind the rule set knows.

// maxHints is how many suggestions one Compile (or CompileValue) looks for. Looking for one
// compares a name with every candidate, and a rule set may declare thousands of names and name
// as many that do not exist: past the first maxHints, problems are reported without one.
const maxHints = 20

// hinter looks for a compile's suggestions: at most maxHints, each among candidates normalised
// and ordered once per compile (a suggest.Set per kind of name). Every part of a compile that
// may name something unknown reaches it, through the type table. Its zero value is ready.
type hinter struct {
	used int
	sets map[string]*suggest.Set
}

// take reports whether another suggestion may be looked for, and counts it.
func (h *hinter) take() bool {
	if h.used >= maxHints {
		return false
	}
	h.used++
	return true
}

// closest returns the candidate probably meant by name among the kind of names key, which
// candidates lists (called once per compile), or "" when none is close or the compile's
// suggestions are spent.
func (h *hinter) closest(name, key string, candidates func() []string) string {
	if !h.take() {
		return ""
	}
	set := h.sets[key]
	if set == nil {
		if h.sets == nil {
			h.sets = map[string]*suggest.Set{}
		}
		set = suggest.NewSet(candidates())
		h.sets[key] = set
	}
	return set.Closest(name)
}

// hint is closest as " (did you mean X?)", or "".
func (h *hinter) hint(name, key string, candidates func() []string, quote bool) string {
	if c := h.closest(name, key, candidates); c != "" {
		return suggest.Format(c, quote)
	}
	return ""
}

// noFieldMessage is what expr's checker says of a member a struct does not have.
var noFieldMessage = regexp.MustCompile(`^type (.+) has no (field|method) (\S+)$`)

// teach appends a suggestion to what expr's checker says about tree, keeping the error's
// position and snippet (the suggestion goes into the message, before the snippet).
func (c *exprCompiler[L]) teach(tree *parser.Tree, err error, sc scope) error {
	var fe *file.Error
	if tree == nil || !errors.As(err, &fe) {
		return err
	}
	hint := ""
	switch m := noFieldMessage.FindStringSubmatch(fe.Message); {
	case m != nil && c.types.hints.take(): // the members of a type: no set to share
		hint = memberHint(tree.Node, fe.Location, m[3], m[2] == "method")
	case strings.HasPrefix(fe.Message, "unknown name "):
		hint = c.nameHint(tree.Node, fe.Location, strings.TrimPrefix(fe.Message, "unknown name "), sc)
	case strings.HasPrefix(fe.Message, "builtin count takes only array"):
		hint = `; count(type, window) counts events and takes a constant type, such as count("page_view", "14d")`
	}
	fe.Message += hint
	return err
}

// memberHint suggests the member meant where expr found none: the member at loc, named name,
// read from its base's type. The suggestion continues down a chain of members written in the
// wrong case: lead.company.domain → Company.Domain.
func memberHint(root ast.Node, loc file.Location, name string, method bool) string {
	var members []*ast.MemberNode
	ast.Walk(&root, visitorFunc(func(n *ast.Node) {
		if m, ok := (*n).(*ast.MemberNode); ok {
			members = append(members, m)
		}
	}))
	var failed *ast.MemberNode
	for _, m := range members {
		if p, ok := m.Property.(*ast.StringNode); ok && p.Value == name && m.Location() == loc {
			failed = m
			break
		}
	}
	if failed == nil || failed.Node.Type() == nil {
		return ""
	}
	base := deref(failed.Node.Type())
	if method {
		return suggest.Hint(name, methodNames(failed.Node.Type()), false)
	}
	path, t := fieldPath(base, name)
	if path == "" {
		return ""
	}
	// Go on up the chain: the members read from this one.
	for at := ast.Node(failed); ; {
		next := memberOf(members, at)
		if next == nil || next.Method {
			break
		}
		p, ok := next.Property.(*ast.StringNode)
		if !ok {
			break
		}
		if t == nil || deref(t).Kind() == reflect.Map || deref(t).Kind() == reflect.Interface {
			path, t, at = path+"."+p.Value, nil, next // a map key, or a member of any value: as written
			continue
		}
		rest, rt := fieldPath(t, p.Value)
		if rest == "" {
			break
		}
		path, t, at = path+"."+rest, rt, next
	}
	return suggest.Format(path, false)
}

// fieldPath resolves name as a field of the struct type t: exactly, else the closest field,
// else a field of a nested struct spelt the same but for case and underscores (employees in a
// Lead is Company.Employees). It returns the path to the field and the field's type, or "".
func fieldPath(t reflect.Type, name string) (string, reflect.Type) {
	t = deref(t)
	if t.Kind() != reflect.Struct {
		return "", nil
	}
	fields := structFields(t)
	for _, f := range fields {
		if f.name == name {
			return f.name, f.typ
		}
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	if c := suggest.Closest(name, names); c != "" {
		return c, fields[slices.Index(names, c)].typ
	}
	// One or two levels down, spelt alike: breadth first, so the nearest wins.
	want := suggest.Normalize(name)
	type level struct {
		path string
		typ  reflect.Type
	}
	queue := []level{{"", t}}
	for depth := 0; depth < 3 && len(queue) > 0; depth++ {
		var next []level
		for _, l := range queue {
			for _, f := range structFields(l.typ) {
				path := f.name
				if l.path != "" {
					path = l.path + "." + f.name
				}
				if depth > 0 && suggest.Normalize(f.name) == want {
					return path, f.typ
				}
				if ft := deref(f.typ); ft.Kind() == reflect.Struct && ft.PkgPath() != "time" {
					next = append(next, level{path, ft})
				}
			}
		}
		queue = next
	}
	return "", nil
}

type structField struct {
	name string
	typ  reflect.Type
}

// structFields lists the fields an expression may read from a struct type, by the names expr
// gives them (an expr tag, else the Go name), promoted fields included.
func structFields(t reflect.Type) []structField {
	t = deref(t)
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []structField
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag := f.Tag.Get("expr"); tag != "" {
			name = tag
		}
		if name == "-" || strings.HasPrefix(name, "·") {
			continue
		}
		out = append(out, structField{name, f.Type})
	}
	return out
}

// memberOf returns the member read from base, or nil.
func memberOf(members []*ast.MemberNode, base ast.Node) *ast.MemberNode {
	for _, m := range members {
		if m.Node == base {
			return m
		}
	}
	return nil
}

func methodNames(t reflect.Type) []string {
	var out []string
	for _, tt := range []reflect.Type{t, reflect.PointerTo(deref(t))} {
		for i := range tt.NumMethod() {
			if m := tt.Method(i); m.IsExported() && !slices.Contains(out, m.Name) {
				out = append(out, m.Name)
			}
		}
	}
	return out
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// nameHint suggests the name meant where expr knows none: a function where the unknown name
// is called, else a variable of the expression's scope.
func (c *exprCompiler[L]) nameHint(root ast.Node, loc file.Location, name string, sc scope) string {
	var ident *ast.IdentifierNode
	called := false
	ast.Walk(&root, visitorFunc(func(n *ast.Node) {
		switch v := (*n).(type) {
		case *ast.IdentifierNode:
			if ident == nil && v.Value == name && v.Location() == loc {
				ident = v
			}
		case *ast.CallNode:
			if id, ok := v.Callee.(*ast.IdentifierNode); ok && id.Value == name && id.Location() == loc {
				called = true
			}
		}
	}))
	if ident == nil {
		return ""
	}
	h := &c.types.hints
	if called {
		return h.hint(name, fmt.Sprint("functions of ", sc), func() []string { return c.functionNames(sc) }, false)
	}
	return h.hint(name, fmt.Sprint("variables of ", sc), func() []string { return variableNames[L](sc) }, false)
}

// functionNames are the functions an expression of scope sc may call (scope.reads): leadscore's,
// the embedder's and the expr built-ins the limits allow (count among them: expr's count of an
// array is everywhere).
func (c *exprCompiler[L]) functionNames(sc scope) []string {
	cfg := c.config()
	var out []string
	for _, name := range text.SortedKeys(cfg.Functions) {
		if !strings.HasPrefix(name, "·") && sc.reads(name) {
			out = append(out, name)
		}
	}
	for _, name := range text.SortedKeys(cfg.Builtins) {
		if !slices.Contains(clockBuiltins, name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// variableNames are the variables an expression of scope sc may read (scope.reads).
func variableNames[L any](sc scope) []string {
	var out []string
	for _, f := range structFields(reflect.TypeFor[env[L]]()) {
		if sc.reads(f.name) {
			out = append(out, f.name)
		}
	}
	return out
}

// unknownEventType is the message for an event type the rule set does not know.
func (t *typeTable) unknownEventType(typ string) string {
	if h := t.hints.hint(typ, "event types", func() []string { return text.SortedKeys(t.known) }, true); h != "" {
		return fmt.Sprintf("unknown event type %q%s", typ, h)
	}
	return fmt.Sprintf("unknown event type %q (declare custom types in the config's event_types)", typ)
}
