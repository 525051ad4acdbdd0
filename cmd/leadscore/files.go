package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/text"
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

var yamlLine = regexp.MustCompile(`^(?:error converting YAML to JSON: )?yaml: line (\d+): (.*)$`)

// toJSON converts YAML to JSON, with the YAML error's line.
func toJSON(name string, data []byte) ([]byte, error) {
	out, err := yaml.YAMLToJSON(data)
	if err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, &fileError{File: name, Line: line, Msg: m[2]}
		}
		return nil, &fileError{File: name, Msg: strings.TrimPrefix(msg, "error converting YAML to JSON: ")}
	}
	return out, nil
}

// loadRules reads, decodes and compiles a rule set, reporting problems with the file name and
// the line and column, or the rule ID (and where the rule is in the file).
func (e *env) loadRules(name string) (leadscore.Config, *leadscore.Scorer[leadscore.Lead], error) {
	cfg, err := e.loadConfig(name)
	if err != nil {
		return cfg, nil, err
	}
	s, err := leadscore.Compile[leadscore.Lead](cfg)
	if err != nil {
		data, _ := e.readFile(name)
		return cfg, nil, compileErrors(name, data, err)
	}
	return cfg, s, nil
}

func (e *env) loadConfig(name string) (leadscore.Config, error) {
	data, name, err := e.readInput(name)
	if err != nil {
		return leadscore.Config{}, err
	}
	src, yamlSrc := data, isYAML(name, data)
	if yamlSrc {
		if data, err = toJSON(name, data); err != nil {
			return leadscore.Config{}, err
		}
	}
	cfg, err := leadscore.ParseConfig(data)
	var ce *leadscore.ConfigError
	if errors.As(err, &ce) {
		if yamlSrc {
			return cfg, yamlPositioned(name, src, ce.Err.Error())
		}
		return cfg, &fileError{File: name, Line: ce.Line, Column: ce.Column, Msg: ce.Err.Error()}
	}
	if err != nil {
		return cfg, &fileError{File: name, Msg: err.Error()}
	}
	return cfg, nil
}

var unknownField = regexp.MustCompile(`unknown field "([^"]+)"`)

// yamlPositioned positions a decoding error of YAML converted to JSON, whose JSON positions
// mean nothing in the YAML: at the key it names, when that key occurs once.
func yamlPositioned(name string, src []byte, msg string) error {
	msg = strings.ReplaceAll(msg, "JSON ", "")
	key := ""
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		key = m[1]
		if key == "true" || key == "false" {
			// YAML 1.1 reads a bare on, off, yes or no as a boolean, also as a key.
			return &fileError{File: name, Msg: msg + `: a bare on, off, yes or no is a boolean in YAML; quote the key: "on":`}
		}
	} else if i := strings.Index(msg, ": cannot use"); i > 0 {
		path := msg[:i]
		key = path[strings.LastIndexByte(path, '.')+1:]
	}
	if key != "" {
		re := regexp.MustCompile(`(?m)^([ \t]*(?:-[ \t]+)?)["']?` + regexp.QuoteMeta(key) + `["']?[ \t]*:`)
		if locs := re.FindAllSubmatchIndex(src, 2); len(locs) == 1 {
			line, col := text.LineColumn(src, locs[0][3])
			return &fileError{File: name, Line: line, Column: col, Msg: msg}
		}
	}
	return &fileError{File: name, Msg: msg}
}

// compileErrors lists Compile's errors, one *RuleError per line, each with the line of the
// rule's definition in the file when it can be found.
func compileErrors(name string, data []byte, err error) error {
	var errs []error
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []string
	for _, err := range errs {
		fe := &fileError{File: name, Msg: strings.TrimPrefix(err.Error(), "leadscore: ")}
		var re *leadscore.RuleError
		if errors.As(err, &re) {
			fe.Line = definitionLine(data, re.Kind, re.RuleID)
		}
		out = append(out, fe.Error())
	}
	return errors.New(strings.Join(out, "\n"))
}

// definitionLine finds the line where an item of a rule set is defined, by its identifying
// key: "id" for rules and personas, "name" for tiers, grades and stages, "kind" for signals.
// 0 when it is not found exactly once.
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
