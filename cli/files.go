package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/text"
	"github.com/leadscore/leadscore/internal/yamljson"
)

// fileError is a problem with a file, positioned where possible: "rules.json:3:17: message".
type fileError struct {
	File         string
	Line, Column int // 0 when unknown
	Msg          string
}

func (e *fileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// fileErrors is several problems with files, one a line.
type fileErrors []*fileError

func (l fileErrors) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// readInput reads a named file, or standard input for "" or "-".
func (e *env) readInput(name string) ([]byte, string, error) {
	if name == "" || name == "-" {
		data, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, "stdin", &fileError{File: "stdin", Msg: err.Error()}
		}
		return data, "stdin", nil
	}
	data, err := e.readFile(name)
	if err != nil {
		return nil, name, &fileError{File: name, Msg: pathErrorText(err)}
	}
	return data, name, nil
}

// pathErrorText drops the path that an *fs.PathError repeats.
func pathErrorText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// isYAML tells YAML from JSON by the file's extension, else by its first character.
func isYAML(name string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return true
	case ".json", ".jsonl":
		return false
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(trimmed) > 0 && trimmed[0] != '{' && trimmed[0] != '['
}

// yamlFile is a YAML file converted to JSON, to report problems at their place in it.
type yamlFile struct {
	name string
	doc  *yamljson.Doc
	// context names the item of the file that a path is in, for messages: `event rule
	// "pricing"`, `case "vp with demo is hot"`; with the rest of the path, inside the item.
	context func(doc *yamljson.Doc, path yamljson.Path) (item string, rest yamljson.Path)
}

// convertYAML reads the YAML file name for decoding into a value of type t, reporting every
// problem at its line and column.
func convertYAML(name string, data []byte, t reflect.Type, context func(*yamljson.Doc, yamljson.Path) (string, yamljson.Path)) (*yamlFile, error) {
	doc, err := yamljson.Convert(data, t)
	f := &yamlFile{name: name, doc: doc, context: context}
	var list yamljson.ErrorList
	var one *yamljson.Error
	switch {
	case errors.As(err, &list):
		out := make(fileErrors, len(list))
		for i, e := range list {
			out[i] = f.errorAt(yamljson.Pos{Line: e.Line, Column: e.Column, Path: e.Path}, e.Err.Error())
		}
		return f, out
	case errors.As(err, &one):
		return nil, &fileError{File: name, Line: one.Line, Column: one.Column, Msg: one.Err.Error()}
	case err != nil:
		return nil, &fileError{File: name, Msg: err.Error()}
	}
	return f, nil
}

// errorAt reports msg at pos, inside the item of the file that pos's path names: `rules.yaml:12:15:
// event rule "pricing": half_life: …`.
func (f *yamlFile) errorAt(pos yamljson.Pos, msg string) *fileError {
	item, rest := "", pos.Path
	if f.context != nil {
		item, rest = f.context(f.doc, pos.Path)
	}
	var b strings.Builder
	if item != "" {
		b.WriteString(item)
		b.WriteString(": ")
	}
	if len(rest) > 0 {
		b.WriteString(rest.String())
		b.WriteString(": ")
	}
	b.WriteString(msg)
	return &fileError{File: f.name, Line: pos.Line, Column: pos.Column, Msg: b.String()}
}

// decoderError positions an error that a JSON decoder reported at line and column of the
// JSON; msg is its message.
func (f *yamlFile) decoderError(line, column int, msg string) *fileError {
	pos := f.doc.Position(line, column)
	item, _ := "", yamljson.Path(nil)
	if f.context != nil {
		item, _ = f.context(f.doc, pos.Path)
	}
	if item != "" && !strings.HasPrefix(msg, item) {
		msg = item + ": " + msg
	}
	return &fileError{File: f.name, Line: pos.Line, Column: pos.Column, Msg: msg}
}

// source is a rule set as read: its file, and for YAML, the document.
type source struct {
	name string
	data []byte
	yaml *yamlFile // nil for JSON
}

// loadRules reads, decodes and compiles a rule set for leads of type L, reporting problems
// with the file name and the line and column, or the rule ID (and where the rule is in the
// file).
func loadRules[L any](e *env, name string) (leadscore.Config, *leadscore.Scorer[L], error) {
	cfg, src, err := e.loadConfig(name)
	if err != nil {
		return cfg, nil, err
	}
	s, err := leadscore.Compile[L](cfg, e.scorer...)
	if err != nil {
		return cfg, nil, compileErrors(src, err)
	}
	return cfg, s, nil
}

func (e *env) loadConfig(name string) (leadscore.Config, source, error) {
	data, name, err := e.readInput(name)
	src := source{name: name, data: data}
	if err != nil {
		return leadscore.Config{}, src, err
	}
	if !isYAML(name, data) {
		cfg, err := leadscore.ParseConfig(data)
		var ce *leadscore.ConfigError
		if errors.As(err, &ce) {
			msg := ce.Err.Error()
			if ce.Kind != "" { // the item the problem is in, as in YAML and as Compile names it
				msg = fmt.Sprintf("%s %q: %s", ce.Kind, ce.RuleID, msg)
			}
			return cfg, src, &fileError{File: name, Line: ce.Line, Column: ce.Column, Msg: msg}
		}
		if err != nil {
			return cfg, src, &fileError{File: name, Msg: err.Error()}
		}
		return cfg, src, nil
	}
	if src.yaml, err = convertYAML(name, data, reflect.TypeFor[leadscore.Config](), ruleContext); err != nil {
		return leadscore.Config{}, src, err
	}
	cfg, err := leadscore.ParseConfig(src.yaml.doc.JSON)
	var ce *leadscore.ConfigError
	if errors.As(err, &ce) {
		return cfg, src, src.yaml.decoderError(ce.Line, ce.Column, ce.Err.Error())
	}
	if err != nil {
		return cfg, src, &fileError{File: name, Msg: err.Error()}
	}
	return cfg, src, nil
}

// section is a list or map of a rule set whose items RuleErrors name: its path, the kind of
// item, and the key that identifies one ("" for the items of a map, named by their key).
type section struct {
	path yamljson.Path
	kind string
	key  string
}

var sections = []section{
	{yamljson.Path{"rules"}, "rule", "id"},
	{yamljson.Path{"events"}, "event rule", "id"},
	{yamljson.Path{"tiers"}, "tier", "name"},
	{yamljson.Path{"grades"}, "grade", "name"},
	{yamljson.Path{"personas"}, "persona", "id"},
	{yamljson.Path{"signals"}, "signal", "kind"},
	{yamljson.Path{"journey", "stages"}, "stage", "name"},
	{yamljson.Path{"journey", "transitions"}, "transition", ""},
	{yamljson.Path{"dimensions"}, "dimension", ""},
	{yamljson.Path{"lists"}, "list", ""},
}

// ruleContext names the item of a rule set that path is in, as Compile's RuleErrors do:
// `event rule "pricing"`, `tier "hot"`, `rule "rules[3]"` for a rule without an ID.
func ruleContext(doc *yamljson.Doc, path yamljson.Path) (string, yamljson.Path) {
	for _, s := range sections {
		n := len(s.path)
		if len(path) > n && pathHasPrefix(path, s.path) {
			return fmt.Sprintf("%s %q", s.kind, s.id(doc, path[:n+1])), path[n+1:]
		}
	}
	return "", path
}

// id is the ID of the item at path, an item of the section, as Compile names it.
func (s section) id(doc *yamljson.Doc, item yamljson.Path) string {
	at := func(key string) string {
		v, _ := doc.Get(append(append(yamljson.Path{}, item...), key))
		return v.Scalar
	}
	switch step := item[len(item)-1].(type) {
	case string:
		return step // an item of a map, named by its key
	case int:
		switch {
		case s.kind == "transition":
			return at("from") + "→" + at("to")
		case at(s.key) != "":
			return at(s.key)
		}
		return fmt.Sprintf("%s[%d]", s.path[len(s.path)-1], step)
	}
	return ""
}

func pathHasPrefix(path, prefix yamljson.Path) bool {
	for i, s := range prefix {
		if path[i] != s {
			return false
		}
	}
	return true
}

// compileErrors lists Compile's errors, one *RuleError per line, each with the line of the
// rule's definition in the file when it can be found (and in YAML, its column: of the field
// at fault, else of the item).
func compileErrors(src source, err error) error {
	var out fileErrors
	for _, err := range unjoin(err) {
		fe := &fileError{File: src.name, Msg: strings.TrimPrefix(err.Error(), "leadscore: ")}
		var re *leadscore.RuleError
		if errors.As(err, &re) {
			if src.yaml != nil {
				fe.Line, fe.Column = definition(src.yaml.doc, re)
			} else {
				fe.Line = definitionLine(src.data, string(re.Kind), re.RuleID)
			}
		}
		out = append(out, fe)
	}
	return out
}

// unjoin lists the errors of an errors.Join.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// definition finds a RuleError's item in a YAML rule set, and in it the field at fault:
// their line and column, 0 when not found.
func definition(doc *yamljson.Doc, re *leadscore.RuleError) (line, column int) {
	for _, s := range sections {
		if s.kind != string(re.Kind) {
			continue
		}
		items, ok := doc.Get(s.path)
		if !ok {
			continue
		}
		var item yamljson.Path
		if s.key == "" && s.kind != "transition" {
			item = append(append(item, s.path...), re.RuleID) // an item of a map, by its key
		}
		for i := items.Len - 1; item == nil && i >= 0; i-- { // the last of a duplicate ID
			if p := append(append(yamljson.Path{}, s.path...), i); s.id(doc, p) == re.RuleID {
				item = p
			}
		}
		if item == nil {
			continue
		}
		// The field, else the nearest enclosing part of it that is there: "tracks[1].tier" is
		// the path tracks, 1, tier; a track with no tier is placed at the track.
		field := fieldPath(re.Field)
		for n := len(field); n >= 0; n-- {
			if v, ok := doc.Get(append(append(yamljson.Path{}, item...), field[:n]...)); ok {
				return v.Line, v.Column
			}
		}
	}
	return 0, 0
}

// fieldPath splits a RuleError's Field ("when", "tracks[1].tier") into a path in its item.
func fieldPath(field string) yamljson.Path {
	var out yamljson.Path
	if field == "" {
		return out
	}
	for _, part := range strings.Split(field, ".") {
		for part != "" {
			open := strings.IndexByte(part, '[')
			if open < 0 {
				out = append(out, part)
				break
			}
			if open > 0 {
				out = append(out, part[:open])
			}
			end := strings.IndexByte(part[open:], ']')
			if end < 0 {
				out = append(out, part[open:])
				break
			}
			i, err := strconv.Atoi(part[open+1 : open+end])
			if err != nil {
				out = append(out, part[open:open+end+1])
			} else {
				out = append(out, i)
			}
			part = part[open+end+1:]
		}
	}
	return out
}

// definitionLine finds the line where an item of a JSON rule set is defined, by its
// identifying key: "id" for rules and personas, "name" for tiers, grades and stages, "kind" for
// signals. 0 when it is not found exactly once.
func definitionLine(data []byte, kind, id string) int {
	key := "id"
	switch kind {
	case "tier", "grade", "stage":
		key = "name"
	case "signal":
		key = "kind"
	case "rule", "event rule", "persona":
	default:
		return 0
	}
	q := regexp.QuoteMeta(id)
	re := regexp.MustCompile(`(?m)(?:"` + key + `"\s*:\s*"` + q + `")|(?:^[ \t]*(?:-[ \t]+)?` + key + `[ \t]*:[ \t]*["']?` + q + `["']?[ \t]*$)`)
	locs := re.FindAllIndex(data, 2)
	if len(locs) != 1 {
		return 0
	}
	line, _ := text.LineColumn(data, locs[0][0])
	return line
}

// itemName is the name of list item i for messages: the scalar at key in it, else #i+1.
func itemName(doc *yamljson.Doc, i int, key string) string {
	if v, ok := doc.Get(yamljson.Path{i, key}); ok && v.IsScalar && v.Scalar != "" {
		return strconv.Quote(v.Scalar)
	}
	return fmt.Sprintf("#%d", i+1)
}
