// Package yamljson reads YAML for the strict JSON decoders of the module — leadscore.ParseConfig,
// the case and lead parsers — so that a rule set, a case file or a population written in YAML
// is read by the same code as its JSON, with every problem reported at its line and column in
// the YAML.
//
// Convert parses one YAML document with go.yaml.in/yaml/v3 (YAML 1.2: a bare on, off, yes or
// no is a string, also as a key) and writes it as JSON, walking it alongside the Go type it
// is bound for, as encoding/json would decode it (json tags, else field names; see
// internal/jsonfield):
//
//   - a plain scalar bound for a string is that string (id: 2024, when: true, id: no);
//   - every key the type does not have (with the key probably meant, worded as ParseConfig
//     words it: internal/suggest), every value of the wrong kind, every value that a
//     json.Unmarshaler or encoding.TextUnmarshaler of the type rejects (a duration, a time) is
//     an *Error at its line and column, all of them at once (an ErrorList);
//   - a duplicate key, an alias that contains itself, a non-scalar key, an infinite or NaN
//     number (which JSON cannot hold) and a second document are errors too;
//   - anchors, aliases and merge keys (<<) are expanded, within a limit on the output's size
//     (a document whose aliases expand to more nodes than that is refused before any is
//     written).
//
// The JSON is compact, on one line, so that a decoder's line and column give its byte offset;
// Doc.At maps an offset of the JSON back to the YAML position and path of the value or key
// there, and Doc.Get finds a value by path. The JSON decoders then do the rest (required
// fields, duplicate names…), and their positioned errors translate through Doc.At.
//
// Positions are 1-based lines and 1-based columns counted in bytes, as the module's JSON
// positions are. A syntax error of the YAML parser, which knows its line only, is placed at
// the line's first character that is not a space.
//
// Only the command line imports this package: the library and its test kit stay free of YAML
// (a test checks their dependencies).
//
// Contract: Convert never panics and, on success, returns valid JSON; every position it gives
// lies in the input; converting the JSON again gives the same JSON (the value round-trips);
// its time is linear in the input's size (after yaml.v3's own parse), however long a line.
package yamljson

import (
	"bytes"
	"cmp"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/leadscore/leadscore/internal/jsonfield"
	"github.com/leadscore/leadscore/internal/suggest"
)

// Path leads from a document's root to a value: a string is a mapping's key, an int a list's
// index (from 0).
type Path []any

// String writes the path as keys and indices: events[3].half_life.
func (p Path) String() string {
	var b strings.Builder
	for _, s := range p {
		switch s := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, s)
		}
	}
	return b.String()
}

// Error is a problem in the YAML at a line and column, and the path of the value (nil at the
// root, or when the YAML does not parse).
type Error struct {
	Line, Column int
	Path         Path
	Err          error
}

func (e *Error) Error() string {
	if len(e.Path) > 0 {
		return fmt.Sprintf("%d:%d: %s: %v", e.Line, e.Column, e.Path, e.Err)
	}
	return fmt.Sprintf("%d:%d: %v", e.Line, e.Column, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorList is every problem Convert found, in the order of the document.
type ErrorList []*Error

func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Doc is a YAML document converted to JSON.
type Doc struct {
	// JSON is the document as JSON, compact and on one line: a decoder's column is the
	// byte offset plus one. The empty document is null.
	JSON  []byte
	src   []byte
	lines []int   // the offset of each line's start in src
	cols  [][]int // each line's columns (see column), built at its first use; shared by quoted
	spans []span
	kids  [][]int // the values each span holds, in order: Get's index, built at its first call
}

// span is a value or a key written to the JSON, and where it came from.
type span struct {
	start, end   int // its bytes in JSON
	parent       int // the span of the mapping or list that holds it; -1 for the root
	line, column int // in the YAML, the column in bytes
	step         any // its key (string) or index (int) in the parent; nil for the root
	key          bool
	node         *yaml.Node
	n            int // a collection's length
}

// Pos is where a byte of the JSON came from: the line and column in the YAML of the value or
// key it belongs to, and that value's path.
type Pos struct {
	Line, Column int
	Path         Path
}

// At returns where the byte at offset of the JSON came from: the innermost value or key that
// holds it (an offset past the end means the root).
func (d *Doc) At(offset int) Pos {
	if len(d.spans) == 0 {
		return Pos{Line: 1, Column: 1}
	}
	i := max(0, sortSearch(len(d.spans), func(i int) bool { return d.spans[i].start > offset })-1)
	for i > 0 && offset >= d.spans[i].end {
		i = d.spans[i].parent
	}
	s := d.spans[i]
	return Pos{Line: s.line, Column: s.column, Path: d.path(i)}
}

func sortSearch(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if !f(h) {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo
}

func (d *Doc) path(i int) Path {
	var p Path
	for ; i > 0; i = d.spans[i].parent {
		p = append(p, d.spans[i].step)
	}
	slices.Reverse(p)
	return p
}

// Value is what a path leads to.
type Value struct {
	Line, Column int // in the YAML
	Start, End   int // its bytes in the JSON
	// Scalar is a scalar's text as the JSON has it (a string's value; a number, true, false
	// or null as written in JSON); Len is a mapping's count of keys or a list's length.
	Scalar   string
	IsScalar bool
	Len      int
}

// Get returns the value at path, as it ended up in the JSON (after aliases and merges).
func (d *Doc) Get(path Path) (Value, bool) {
	if len(d.spans) == 0 {
		return Value{}, false
	}
	if d.kids == nil {
		d.kids = make([][]int, len(d.spans))
		for j := 1; j < len(d.spans); j++ {
			if s := d.spans[j]; !s.key {
				d.kids[s.parent] = append(d.kids[s.parent], j)
			}
		}
	}
	i := 0
	for _, step := range path {
		next := -1
		switch step := step.(type) {
		case int:
			if kids := d.kids[i]; d.spans[i].node.Kind == yaml.SequenceNode && step >= 0 && step < len(kids) {
				next = kids[step]
			}
		case string:
			if d.spans[i].node.Kind == yaml.MappingNode {
				for _, k := range d.kids[i] {
					if d.spans[k].step == step {
						next = k
						break
					}
				}
			}
		}
		if next < 0 {
			return Value{}, false
		}
		i = next
	}
	s := d.spans[i]
	v := Value{Line: s.line, Column: s.column, Start: s.start, End: s.end, Len: s.n}
	if s.node.Kind == yaml.ScalarNode {
		v.IsScalar = true
		raw := d.JSON[s.start:s.end]
		if err := json.Unmarshal(raw, &v.Scalar); err != nil {
			v.Scalar = string(raw)
		}
	}
	return v, true
}

// Position returns the 1-based line and byte column in the YAML of what a JSON decoder
// reports at line and column of the JSON (which is on line 1); a column of 0 means the start.
func (d *Doc) Position(line, column int) Pos {
	if line > 1 {
		return d.At(len(d.JSON))
	}
	return d.At(max(column-1, 0))
}

// Convert reads data, one YAML document, as JSON for decoding into a value of type t (nil: any
// value, the YAML's own types). The Doc is returned whenever the YAML parses, also with the
// error, an ErrorList of what does not fit t; any other error (the YAML does not parse, a
// second document, the limit on size) is an *Error, and the Doc is nil.
func Convert(data []byte, t reflect.Type) (*Doc, error) {
	d := &Doc{src: data, lines: lineStarts(data)}
	d.cols = make([][]int, len(d.lines))
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil && err != io.EOF {
		return nil, d.syntaxError(err)
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case err == nil:
		line, col := d.column(second.Line, second.Column)
		if len(second.Content) > 0 {
			line, col = d.column(second.Content[0].Line, second.Content[0].Column)
		}
		return nil, &Error{Line: line, Column: col, Err: errors.New("a second YAML document: the file holds one (remove the ---)")}
	case err != io.EOF:
		return nil, d.syntaxError(err)
	}
	c := &converter{doc: d, active: map[*yaml.Node]bool{}, limit: 64*len(data) + 1<<20}
	if expandedNodes(&root, c.limit) > c.limit {
		return nil, c.tooLarge() // each node written is a byte at least: refused before any is
	}
	if err := c.run(&root, t); err != nil {
		return nil, err
	}
	if len(c.errs) > 0 {
		return d, c.errs.sorted()
	}
	return d, nil
}

// sorted orders the errors by position, once each: a value that aliases repeat is reported
// where it is written.
func (l ErrorList) sorted() ErrorList {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return slices.CompactFunc(l, func(a, b *Error) bool {
		return a.Line == b.Line && a.Column == b.Column && a.Err.Error() == b.Err.Error()
	})
}

// lineStarts returns the offset of each line's first byte.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// column converts yaml's line and column (1-based, in characters) to a line and a byte
// column, both within the input. It takes constant time: a line that is not all ASCII has its
// table of character offsets, built once (walking the line for each value was quadratic in
// the line's length).
func (d *Doc) column(line, col int) (int, int) {
	if line < 1 {
		return 1, 1
	}
	line = min(line, len(d.lines))
	start, end := d.lines[line-1], len(d.src)
	if line < len(d.lines) {
		end = d.lines[line] - 1
	}
	skip := 0
	if line == 1 && bytes.HasPrefix(d.src[start:end], []byte("\ufeff")) {
		skip = 3 // yaml does not count a byte-order mark
	}
	if d.cols == nil {
		d.cols = make([][]int, len(d.lines))
	}
	offs := d.cols[line-1]
	if offs == nil {
		offs = charOffsets(d.src[start:end], skip)
		d.cols[line-1] = offs
	}
	n := max(col-1, 0) // characters before the column
	if len(offs) == 0 {
		return line, min(skip+n, end-start) + 1
	}
	return line, offs[min(n, len(offs)-1)] + 1
}

// ascii marks a line whose every character is a byte: its columns need no table.
var ascii = []int{}

// charOffsets returns the byte offset in line of each character after the first skip bytes,
// and the line's length; ascii when each character is a byte.
func charOffsets(line []byte, skip int) []int {
	i := skip
	for i < len(line) && line[i] < utf8.RuneSelf {
		i++
	}
	if i == len(line) {
		return ascii
	}
	offs := make([]int, 0, i-skip+utf8.RuneCount(line[i:])+1)
	for j := skip; j < i; j++ {
		offs = append(offs, j)
	}
	for i < len(line) {
		offs = append(offs, i)
		_, size := utf8.DecodeRune(line[i:])
		i += size
	}
	return append(offs, len(line))
}

var syntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
var unknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)

// parserProblems are the messages of yaml's parser (not its scanner), whose line is 0-based
// and that of the collection being parsed, not of the problem.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'": true, "did not find expected ',' or '}'": true,
	"did not find expected '-' indicator": true, "did not find expected <document start>": true,
	"did not find expected key": true, "did not find expected node content": true,
	"found undefined tag handle": true, "found incompatible YAML document": true,
	"found duplicate %YAML directive": true, "found duplicate %TAG directive": true,
}

// syntaxError positions an error of the YAML parser, which gives a line at most: at that
// line's first character that is not a space.
func (d *Doc) syntaxError(err error) *Error {
	msg := err.Error()
	if m := syntaxLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if parserProblems[m[2]] {
			line = d.problemLine(line+1, msg)
		}
		line = min(max(line, 1), len(d.lines))
		start := d.lines[line-1]
		col := 1
		for start+col-1 < len(d.src) && d.src[start+col-1] == ' ' {
			col++
		}
		return &Error{Line: line, Column: col, Err: errors.New(m[2])}
	}
	offset := 0
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		offset = max(0, bytes.Index(d.src, []byte("*"+m[1])))
	} else if parserProblems[strings.TrimPrefix(msg, "yaml: ")] {
		line := d.problemLine(1, msg)
		offset = d.lines[line-1]
	} else if i := firstInvalid(d.src); i >= 0 {
		offset = i
	}
	line := sortSearch(len(d.lines), func(i int) bool { return d.lines[i] > offset })
	return &Error{Line: line, Column: offset - d.lines[line-1] + 1, Err: errors.New(strings.TrimPrefix(msg, "yaml: "))}
}

// problemLine finds the line of a parser error, which yaml places at the start of the
// collection being parsed (from): the first line from there whose end, were the document to
// stop there, shows the same error. It gives up on from after reading 32 MiB.
func (d *Doc) problemLine(from int, msg string) int {
	budget := 32 << 20
	for line := max(from, 1); line <= len(d.lines); line++ {
		end := len(d.src)
		if line < len(d.lines) {
			end = d.lines[line]
		}
		if budget -= end; budget < 0 {
			break
		}
		if err := parse(d.src[:end]); err != nil && err.Error() == msg {
			return line
		}
	}
	return from
}

// parse parses data as Convert does, for its error.
func parse(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// firstInvalid returns the offset of the first byte that YAML does not allow (invalid UTF-8 or
// a control character), or -1.
func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 || !printable(r) {
			return i
		}
		i += size
	}
	return -1
}

// printable reports whether YAML allows r unescaped.
func printable(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r', r >= 0x20 && r <= 0x7e, r == 0x85:
		return true
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd && r != 0xfeff, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}

// converter writes a document's JSON and records its spans and errors.
type converter struct {
	doc     *Doc
	out     []byte
	errs    ErrorList
	active  map[*yaml.Node]bool // the aliased nodes being written, to refuse one inside itself
	limit   int                 // the most bytes of JSON that aliases may expand the document to
	unknown map[fieldKey]string // the message for an unknown key, by type and key: unknownField
}

type fieldKey struct {
	t    reflect.Type
	name string
}

// errTooLarge stops a conversion whose aliases expand beyond the limit.
type errTooLarge struct{}

func (c *converter) run(root *yaml.Node, t reflect.Type) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errTooLarge); !ok {
				panic(r)
			}
			err = c.tooLarge()
		}
	}()
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind == 0 || n.Kind == yaml.DocumentNode { // empty
		c.doc.spans = append(c.doc.spans, span{end: 4, parent: -1, line: 1, column: 1, node: &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}})
		c.out = append(c.out, "null"...)
	} else {
		c.value(n, t, nil, -1, nil)
	}
	c.doc.JSON = c.out
	return nil
}

func (c *converter) tooLarge() error {
	return &Error{Line: 1, Column: 1, Err: fmt.Errorf("aliases expand the document to more than %d bytes", c.limit)}
}

// expandedNodes counts the nodes of the document with its aliases expanded, up to limit+1
// (past that it stops counting), in time linear in the nodes as written: an anchored node is
// counted once. An alias inside its own anchor's value counts as one node, as it is written
// (null); a count made inside such a value may fall short elsewhere, where close's limit on
// the JSON's size still holds.
func expandedNodes(root *yaml.Node, limit int) int {
	counted := map[*yaml.Node]int{}
	active := map[*yaml.Node]bool{}
	var count func(n *yaml.Node) int
	count = func(n *yaml.Node) int {
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil || active[n.Alias] {
				return 1
			}
			n = n.Alias
		}
		if k, ok := counted[n]; ok {
			return k
		}
		active[n] = true
		k := 1
		for _, kid := range n.Content {
			if k += count(kid); k > limit {
				k = limit + 1
				break
			}
		}
		delete(active, n)
		if n.Anchor != "" {
			counted[n] = k
		}
		return k
	}
	return count(root)
}

// errorf records a problem at node n, whose path is path.
func (c *converter) errorf(n *yaml.Node, path Path, format string, args ...any) {
	line, col := c.doc.column(n.Line, n.Column)
	c.errs = append(c.errs, &Error{Line: line, Column: col, Path: slices.Clone(path), Err: fmt.Errorf(format, args...)})
}

// open starts the span of node n, a value (or with key, a mapping's key) at step of parent.
func (c *converter) open(n *yaml.Node, parent int, step any, key bool) int {
	line, col := c.doc.column(n.Line, n.Column)
	c.doc.spans = append(c.doc.spans, span{start: len(c.out), parent: parent, line: line, column: col, step: step, key: key, node: n})
	return len(c.doc.spans) - 1
}

func (c *converter) close(i int) {
	c.doc.spans[i].end = len(c.out)
	if len(c.out) > c.limit {
		panic(errTooLarge{})
	}
}

// kind is what a Go type takes, as far as the YAML is concerned.
type kind int

const (
	kindAny       kind = iota // anything: the YAML's own types
	kindUnmarshal             // a json.Unmarshaler: the YAML's own types, then its verdict
	kindText                  // an encoding.TextUnmarshaler: a string, then its verdict
	kindString
	kindBool
	kindInt
	kindUint
	kindFloat
	kindStruct
	kindMap
	kindList
)

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// kindOf classifies t, through pointers (a null is fine for any of them).
func kindOf(t reflect.Type) (kind, reflect.Type) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil || t.Kind() == reflect.Interface:
		return kindAny, nil
	case t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler):
		return kindUnmarshal, t
	case t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler):
		return kindText, t
	}
	switch t.Kind() {
	case reflect.String:
		return kindString, t
	case reflect.Bool:
		return kindBool, t
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return kindInt, t
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return kindUint, t
	case reflect.Float32, reflect.Float64:
		return kindFloat, t
	case reflect.Struct:
		return kindStruct, t
	case reflect.Map:
		return kindMap, t
	case reflect.Slice:
		if e := t.Elem(); e.Kind() == reflect.Uint8 && !e.Implements(jsonUnmarshaler) && !reflect.PointerTo(e).Implements(jsonUnmarshaler) &&
			!e.Implements(textUnmarshaler) && !reflect.PointerTo(e).Implements(textUnmarshaler) {
			return kindString, t // []byte: base64 in a string
		}
		return kindList, t
	case reflect.Array:
		return kindList, t
	}
	return kindAny, nil // what encoding/json cannot decode into: it says so
}

// expected says in words what a kind takes.
var expected = map[kind]string{
	kindText: "a string", kindString: "a string", kindBool: "true or false", kindInt: "a whole number",
	kindUint: "a whole number of at least 0", kindFloat: "a number", kindStruct: "a mapping", kindMap: "a mapping",
	kindList: "a list",
}

// value writes node n, bound for type t, at path; parent and step place its span.
func (c *converter) value(n *yaml.Node, t reflect.Type, path Path, parent int, step any) {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil || c.active[n.Alias] {
			c.errorf(n, path, "alias *%s is inside its own anchor's value", n.Value)
			i := c.open(n, parent, step, false)
			c.out = append(c.out, "null"...)
			c.close(i)
			return
		}
		c.active[n.Alias] = true
		c.value(n.Alias, t, path, parent, step)
		delete(c.active, n.Alias)
		return
	}
	if n.Anchor != "" {
		c.active[n] = true
		defer delete(c.active, n)
	}
	k, t := kindOf(t)
	i := c.open(n, parent, step, false)
	defer c.close(i)
	switch n.Kind {
	case yaml.MappingNode:
		switch k {
		case kindAny, kindUnmarshal, kindStruct, kindMap:
			c.mapping(n, k, t, path, i)
		default:
			c.mismatch(n, k, path)
		}
	case yaml.SequenceNode:
		switch k {
		case kindAny, kindUnmarshal, kindList:
			c.out = append(c.out, '[')
			var elem reflect.Type
			if k == kindList {
				elem = t.Elem()
			}
			for j, item := range n.Content {
				if j > 0 {
					c.out = append(c.out, ',')
				}
				c.value(item, elem, append(path, j), i, j)
			}
			c.out = append(c.out, ']')
			c.doc.spans[i].n = len(n.Content)
		default:
			c.mismatch(n, k, path)
		}
	default:
		c.scalar(n, k, t, path)
	}
	if k == kindUnmarshal || k == kindText {
		c.verdict(n, k, t, path, c.out[c.doc.spans[i].start:])
	}
}

// mismatch records a value of the wrong kind and writes null in its place.
func (c *converter) mismatch(n *yaml.Node, k kind, path Path) {
	c.errorf(n, path, "expected %s, got %s", expected[k], describe(n))
	c.out = append(c.out, "null"...)
}

// describe names a node's value for a message.
func describe(n *yaml.Node) string {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return n.Value
	case "!!null":
		return "null"
	case "!!timestamp":
		return "the time " + n.Value
	}
	return "the string " + strconv.Quote(n.Value)
}

// verdict asks the type's own UnmarshalJSON or UnmarshalText about the JSON it was given.
func (c *converter) verdict(n *yaml.Node, k kind, t reflect.Type, path Path, data []byte) {
	if string(data) == "null" {
		return
	}
	v := reflect.New(t).Interface()
	var err error
	if k == kindUnmarshal {
		err = v.(json.Unmarshaler).UnmarshalJSON(data)
	} else {
		var s string
		if json.Unmarshal(data, &s) != nil {
			return // not a string: already reported
		}
		err = v.(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	if err != nil {
		msg := err.Error()
		for _, prefix := range []string{"json: ", "leadscore: "} {
			msg = strings.TrimPrefix(msg, prefix)
		}
		c.errorf(n, path, "%s", msg)
	}
}

var boolWords = regexp.MustCompile(`^(?i:y|yes|n|no|on|off)$`)

// scalar writes a scalar bound for kind k.
func (c *converter) scalar(n *yaml.Node, k kind, t reflect.Type, path Path) {
	tag := n.ShortTag()
	if tag == "!!null" {
		c.out = append(c.out, "null"...)
		return
	}
	switch k {
	case kindString, kindText:
		c.out = appendString(c.out, n.Value)
		return
	case kindBool:
		if tag != "!!bool" && boolWords.MatchString(n.Value) {
			c.errorf(n, path, "expected true or false, got the string %q (YAML 1.2 reads only true and false as booleans)", n.Value)
			c.out = append(c.out, "null"...)
			return
		}
		if tag != "!!bool" {
			c.mismatch(n, k, path)
			return
		}
	case kindInt, kindUint, kindFloat:
		if tag != "!!int" && tag != "!!float" {
			c.mismatch(n, k, path)
			return
		}
	case kindStruct, kindMap, kindList:
		c.mismatch(n, k, path)
		return
	}
	var v any
	if tag == "!!int" || tag == "!!float" || tag == "!!bool" {
		if err := n.Decode(&v); err != nil {
			c.errorf(n, path, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
			c.out = append(c.out, "null"...)
			return
		}
	}
	switch v := v.(type) {
	case bool:
		c.out = strconv.AppendBool(c.out, v)
	case int:
		c.integer(n, k, t, path, strconv.Itoa(v), v < 0)
	case int64:
		c.integer(n, k, t, path, strconv.FormatInt(v, 10), v < 0)
	case uint64:
		c.integer(n, k, t, path, strconv.FormatUint(v, 10), false)
	case float64:
		switch {
		case math.IsInf(v, 0) || math.IsNaN(v):
			c.errorf(n, path, "%s is not a number JSON can hold", n.Value)
			c.out = append(c.out, "null"...)
		case k == kindInt || k == kindUint:
			c.errorf(n, path, "expected %s, got the number %s", expected[k], n.Value)
			c.out = append(c.out, "null"...)
		case k == kindFloat && t.Kind() == reflect.Float32 && math.Abs(v) > math.MaxFloat32:
			c.errorf(n, path, "the number %s is out of range", n.Value)
			c.out = append(c.out, "null"...)
		default:
			if v == 0 {
				v = 0 // no -0
			}
			c.out = strconv.AppendFloat(c.out, v, 'g', -1, 64)
		}
	default: // strings, times, binary, other tags: the text
		c.out = appendString(c.out, n.Value)
	}
}

// integer writes the integer text, checking that it fits kind k of type t.
func (c *converter) integer(n *yaml.Node, k kind, t reflect.Type, path Path, text string, negative bool) {
	fits := true
	switch k {
	case kindInt:
		_, err := strconv.ParseInt(text, 10, t.Bits())
		fits = err == nil
	case kindUint:
		_, err := strconv.ParseUint(text, 10, t.Bits())
		fits = err == nil
	}
	if !fits {
		if k == kindUint && negative {
			c.errorf(n, path, "expected %s, got the number %s", expected[k], n.Value)
		} else {
			c.errorf(n, path, "the number %s is out of range", n.Value)
		}
		c.out = append(c.out, "null"...)
		return
	}
	c.out = append(c.out, text...)
}

// pair is a mapping's key and value, after merges.
type pair struct{ key, value *yaml.Node }

// mapping writes a mapping node bound for kind k of type t; i is its span.
func (c *converter) mapping(n *yaml.Node, k kind, t reflect.Type, path Path, i int) {
	pairs := c.pairs(n, path)
	c.out = append(c.out, '{')
	first := map[string]*yaml.Node{}
	written := 0
	for _, p := range pairs {
		var name string
		switch p.key.Kind {
		case yaml.ScalarNode:
			name = p.key.Value
		case yaml.AliasNode:
			if p.key.Alias != nil && p.key.Alias.Kind == yaml.ScalarNode {
				name = p.key.Alias.Value
				break
			}
			fallthrough
		default:
			c.errorf(p.key, path, "a key must be a single value, not %s", describe(p.key))
			continue
		}
		if prev, dup := first[name]; dup {
			if prev != nil {
				line, _ := c.doc.column(prev.Line, prev.Column)
				c.errorf(p.key, path, "key %q is already defined on line %d", name, line)
			}
			continue
		}
		first[name] = p.key
		var vt reflect.Type
		quoted := false
		switch k {
		case kindStruct:
			f, ok := jsonfield.Lookup(t, name)
			if !ok {
				c.errorf(p.key, path, "%s", c.unknownField(t, name))
				continue
			}
			vt, quoted = f.Type, f.Quoted
		case kindMap:
			vt = t.Elem()
			if !c.mapKey(p.key, name, t.Key(), path) {
				continue
			}
		}
		if written > 0 {
			c.out = append(c.out, ',')
		}
		written++
		ki := c.open(p.key, i, name, true)
		c.out = appendString(c.out, name)
		c.close(ki)
		c.out = append(c.out, ':')
		if quoted && p.value.Kind == yaml.ScalarNode && p.value.ShortTag() != "!!null" {
			c.quoted(p.value, vt, append(path, name), i, name)
			continue
		}
		c.value(p.value, vt, append(path, name), i, name)
	}
	c.out = append(c.out, '}')
	c.doc.spans[i].n = written
}

// unknownField says that struct type t has no field name, with the field probably meant; once
// for each type and name, however often aliases repeat the key.
func (c *converter) unknownField(t reflect.Type, name string) string {
	if msg, ok := c.unknown[fieldKey{t, name}]; ok {
		return msg
	}
	fields := jsonfield.Fields(t)
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	msg := suggest.UnknownField(name, names)
	if c.unknown == nil {
		c.unknown = map[fieldKey]string{}
	}
	c.unknown[fieldKey{t, name}] = msg
	return msg
}

// quoted writes a scalar bound for a ",string" field: the JSON of the value, in a string.
func (c *converter) quoted(n *yaml.Node, t reflect.Type, path Path, parent int, step any) {
	inner := &converter{doc: &Doc{src: c.doc.src, lines: c.doc.lines, cols: c.doc.cols}, active: c.active, limit: c.limit}
	inner.value(n, t, path, -1, nil)
	c.errs = append(c.errs, inner.errs...)
	i := c.open(n, parent, step, false)
	c.out = appendString(c.out, string(inner.out))
	c.close(i)
}

// mapKey checks a key of a map bound for key type kt.
func (c *converter) mapKey(key *yaml.Node, name string, kt reflect.Type, path Path) bool {
	if kt.Implements(textUnmarshaler) || reflect.PointerTo(kt).Implements(textUnmarshaler) {
		return true // its UnmarshalText decides, in the JSON decoder
	}
	var err error
	switch kt.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err = strconv.ParseInt(name, 10, kt.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		_, err = strconv.ParseUint(name, 10, kt.Bits())
	}
	if err != nil {
		c.errorf(key, path, "key %q is not a whole number", name)
		return false
	}
	return true
}

// pairs lists a mapping's keys and values, merge keys (<<) expanded: the mapping's own keys
// first, then those of the merged mappings that it does not have, earlier merges first.
func (c *converter) pairs(n *yaml.Node, path Path) []pair {
	var own, merged []pair
	for j := 0; j+1 < len(n.Content); j += 2 {
		key, value := n.Content[j], n.Content[j+1]
		if key.Kind == yaml.ScalarNode && key.ShortTag() == "!!merge" {
			merged = append(merged, c.merge(value, path)...)
			continue
		}
		own = append(own, pair{key, value})
	}
	if len(merged) == 0 {
		return own
	}
	has := map[string]bool{}
	for _, p := range own {
		if p.key.Kind == yaml.ScalarNode {
			has[p.key.Value] = true
		}
	}
	for _, p := range merged {
		if p.key.Kind == yaml.ScalarNode && !has[p.key.Value] {
			has[p.key.Value] = true
			own = append(own, p)
		}
	}
	return own
}

// merge lists the pairs a merge key's value brings: a mapping's, or those of a list of
// mappings, the earlier first.
func (c *converter) merge(v *yaml.Node, path Path) []pair {
	target := v
	if v.Kind == yaml.AliasNode {
		if v.Alias == nil || c.active[v.Alias] {
			c.errorf(v, path, "alias *%s is inside its own anchor's value", v.Value)
			return nil
		}
		target = v.Alias
	}
	switch target.Kind {
	case yaml.MappingNode:
		c.active[target] = true
		defer delete(c.active, target)
		return c.pairs(target, path)
	case yaml.SequenceNode:
		if v.Kind == yaml.SequenceNode {
			var out []pair
			for _, item := range target.Content {
				if item.Kind == yaml.SequenceNode {
					c.errorf(item, path, "a merge key (<<) takes a mapping or a list of mappings")
					continue
				}
				out = append(out, c.merge(item, path)...)
			}
			return out
		}
	}
	c.errorf(v, path, "a merge key (<<) takes a mapping or a list of mappings, not %s", describe(target))
	return nil
}

// appendString appends s as a JSON string, escaping what YAML could not read back unescaped.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r == '\n':
			dst = append(dst, '\\', 'n')
		case r == '\r':
			dst = append(dst, '\\', 'r')
		case r == '\t':
			dst = append(dst, '\\', 't')
		case r == utf8.RuneError || r == 0x2028 || r == 0x2029 || !printable(r) && r < 0x10000:
			dst = append(dst, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	return append(dst, '"')
}
