package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
	"github.com/leadscore/leadscore/internal/casejson"
	"github.com/leadscore/leadscore/internal/jsonfield"
	"github.com/leadscore/leadscore/internal/yamljson"
)

// maxLine bounds one line of JSON Lines input: a lead with a long event history.
const maxLine = 64 << 20

// leadReader reads leads — as JSON Lines, one object per line ({"lead": …, "events": […],
// "at": …}, see analysis.ParseReplayedLead; blank lines are skipped), or as a YAML (or JSON)
// list of such objects — for leads of type L. Reading stops at the first bad lead or a read
// error, left in err.
type leadReader[L any] struct {
	name     string
	r        io.Reader
	progress *progress
	err      error
	// list is set for a YAML list (or JSON array) of leads, which is read whole: its type,
	// and once read, the file.
	list reflect.Type
	yaml *yamlFile
}

// record is one lead of the input: a line of JSON Lines, or an item of a list as JSON.
type record struct {
	line int    // where it starts in the file
	text []byte // its JSON; the iterator's own until the next record
	item int    // in a list: its index; its JSON is text, at start in the list's JSON
	at   int
}

// records yields the leads of the input, in order.
func (lr *leadReader[L]) records() iter.Seq[record] {
	if lr.list != nil {
		return lr.items()
	}
	return func(yield func(record) bool) {
		sc := bufio.NewScanner(lr.r)
		sc.Buffer(make([]byte, 64<<10), maxLine)
		line := 0
		for sc.Scan() {
			line++
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			lr.progress.add(1)
			if !yield(record{line: line, text: sc.Bytes()}) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			msg := err.Error()
			if errors.Is(err, bufio.ErrTooLong) {
				msg = fmt.Sprintf("a line longer than %d MiB", maxLine>>20)
			}
			lr.err = &fileError{File: lr.name, Line: line + 1, Msg: msg}
		}
	}
}

// items yields the items of a YAML list of leads, checked whole first.
func (lr *leadReader[L]) items() iter.Seq[record] {
	return func(yield func(record) bool) {
		data, err := io.ReadAll(lr.r)
		if err != nil {
			lr.err = &fileError{File: lr.name, Msg: err.Error()}
			return
		}
		lr.yaml, err = convertYAML(lr.name, data, lr.list, leadContext)
		if err != nil {
			lr.err = err
			return
		}
		doc := lr.yaml.doc
		root, _ := doc.Get(nil)
		if root.IsScalar && root.Scalar == "" { // an empty file: no leads
			return
		}
		for i := range root.Len {
			v, _ := doc.Get(yamljson.Path{i})
			lr.progress.add(1)
			if !yield(record{line: v.Line, text: doc.JSON[v.Start:v.End], item: i, at: v.Start}) {
				return
			}
		}
	}
}

// leadContext is a leads file's context for messages: none, the position says which lead.
func leadContext(_ *yamljson.Doc, path yamljson.Path) (string, yamljson.Path) {
	if len(path) == 0 {
		return "a YAML leads file is a list of leads", path
	}
	return "", path[1:]
}

// parse decodes the lead of rec.
func (lr *leadReader[L]) parse(rec record) (analysis.ReplayedLead[L], error) {
	l, err := analysis.ParseReplayedLeadFor[L](bytes.TrimSpace(rec.text))
	if err != nil {
		return l, lr.recordError(rec, err)
	}
	return l, nil
}

// recordError positions an error about the lead of rec: a decoding error at its line and
// column, any other at the lead's start.
func (lr *leadReader[L]) recordError(rec record, err error) error {
	var pe *analysis.ParseError
	if lr.yaml != nil {
		if errors.As(err, &pe) {
			return lr.yaml.decoderError(1, rec.at+pe.Column, pe.Err.Error())
		}
		pos := lr.yaml.doc.At(rec.at)
		return &fileError{File: lr.name, Line: pos.Line, Column: pos.Column, Msg: err.Error()}
	}
	fe := &fileError{File: lr.name, Line: rec.line, Msg: err.Error()}
	if errors.As(err, &pe) {
		fe.Column, fe.Msg = pe.Column+(len(rec.text)-len(bytes.TrimLeft(rec.text, " \t"))), pe.Err.Error()
	}
	return fe
}

// storedLeads yields each stored lead ({"id": …, "lead": {…}, "state": "<base64>", "at": …},
// see analysis.ParseStoredLead) named for reports by its "id", else the lead's ID or
// email, else its line; it stops at the first bad lead (see err).
func (lr *leadReader[L]) storedLeads() iter.Seq[analysis.StoredLead[L]] {
	if lr.list != nil {
		lr.list = reflect.SliceOf(casejson.StoredType[L]())
	}
	return func(yield func(analysis.StoredLead[L]) bool) {
		for rec := range lr.records() {
			sl, err := analysis.ParseStoredLeadFor[L](bytes.TrimSpace(rec.text))
			if err != nil {
				lr.err = lr.recordError(rec, err)
				return
			}
			if sl.Name == "" {
				sl.Name = label(rec.line, sl.Lead)
			}
			if !yield(sl) {
				return
			}
		}
	}
}

// leads yields each lead named for reports: its "name", else the lead's ID or email, else
// its line; it stops at the first bad lead (see err).
func (lr *leadReader[L]) leads() iter.Seq[analysis.ReplayedLead[L]] {
	return func(yield func(analysis.ReplayedLead[L]) bool) {
		for rec := range lr.records() {
			l, err := lr.parse(rec)
			if err != nil {
				lr.err = err
				return
			}
			if l.Name == "" {
				l.Name = label(rec.line, l.Lead)
			}
			if !yield(l) {
				return
			}
		}
	}
}

// label names a lead in reports by its ID, else its email, else its line.
func label[L any](line int, l L) string {
	id, email := identify(l)
	switch {
	case id != "":
		return id
	case email != "":
		return email
	}
	return fmt.Sprintf("line %d", line)
}

// identify returns a lead's ID and email: for a lead type of your own, its string fields
// whose JSON keys are "id" and "email" (as encoding/json matches keys: by json tag, else by
// field name, ignoring case), "" when it has none.
func identify[L any](l L) (id, email string) {
	if std, ok := any(l).(leadscore.Lead); ok {
		return std.ID, std.Email
	}
	v := reflect.ValueOf(&l).Elem()
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", ""
		}
		v = v.Elem()
	}
	field := func(key string) string {
		f, ok := jsonfield.Lookup(v.Type(), key)
		if !ok {
			return ""
		}
		fv, err := v.FieldByIndexErr(f.Index)
		if err != nil || fv.Kind() != reflect.String {
			return ""
		}
		return fv.String()
	}
	return field("id"), field("email")
}

// openLeads opens the leads file a command was given, or standard input when it was given
// none or "-": JSON Lines, or a YAML list of leads when the file is named .yaml or .yml or
// does not start with "{" (a JSON array of leads is read as YAML, which it is).
func openLeads[L any](e *env, files []string, p *progress) (*leadReader[L], func(), error) {
	name := ""
	if len(files) == 1 {
		name = files[0]
	}
	lr := &leadReader[L]{name: name, progress: p}
	closeFile := func() {}
	if name == "" || name == "-" {
		lr.name, lr.r = "stdin", e.stdin
	} else {
		f, err := e.open(name)
		if err != nil {
			return nil, nil, &fileError{File: name, Msg: pathErrorText(err)}
		}
		lr.r, closeFile = f, func() { f.Close() }
	}
	br := bufio.NewReaderSize(lr.r, 64<<10)
	lr.r = br
	if ext := strings.ToLower(filepath.Ext(name)); ext == ".yaml" || ext == ".yml" || ext != ".jsonl" && !startsWithObject(br) {
		lr.list = reflect.SliceOf(casejson.CaseType[L]())
	}
	return lr, closeFile, nil
}

// startsWithObject reports whether the input's first byte that is not white space is "{", as
// JSON Lines' is, or it is empty.
func startsWithObject(br *bufio.Reader) bool {
	for n := 1; ; n++ {
		b, err := br.Peek(n)
		if len(b) < n {
			return true // all white space, or a read error that reading reports
		}
		switch b[n-1] {
		case ' ', '\t', '\r', '\n':
			if err != nil {
				return true
			}
			continue
		}
		return b[n-1] == '{'
	}
}
