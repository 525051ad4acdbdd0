package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/analysis"
)

// maxLine bounds one line of JSON Lines input: a lead with a long event history.
const maxLine = 64 << 20

// leadReader reads leads as JSON Lines, one object per line ({"lead": …, "events": […],
// "at": …}, see analysis.ParseReplayedLead); blank lines are skipped. Reading stops at the first bad line or a
// read error, left in err.
type leadReader struct {
	name     string
	r        io.Reader
	progress *progress
	err      error
}

// lines yields the non-blank lines, with their numbers; the bytes are the iterator's own
// until the next line.
func (lr *leadReader) lines() iter.Seq2[int, []byte] {
	return func(yield func(int, []byte) bool) {
		sc := bufio.NewScanner(lr.r)
		sc.Buffer(make([]byte, 64<<10), maxLine)
		line := 0
		for sc.Scan() {
			line++
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			lr.progress.add(1)
			if !yield(line, sc.Bytes()) {
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

// parse decodes the lead on line number line.
func (lr *leadReader) parse(line int, text []byte) (analysis.ReplayedLead[leadscore.Lead], error) {
	l, err := analysis.ParseReplayedLead(bytes.TrimSpace(text))
	if err != nil {
		return l, lr.lineError(line, text, err)
	}
	return l, nil
}

// lineError positions a decoding error of the line numbered line in the file.
func (lr *leadReader) lineError(line int, text []byte, err error) error {
	fe := &fileError{File: lr.name, Line: line, Msg: err.Error()}
	var pe *analysis.ParseError
	if errors.As(err, &pe) {
		fe.Column, fe.Msg = pe.Column+(len(text)-len(bytes.TrimLeft(text, " \t"))), pe.Err.Error()
	}
	return fe
}

// storedLeads yields each stored lead ({"id": …, "lead": {…}, "state": "<base64>", "at": …},
// see analysis.ParseStoredLead) named for reports by its "id", else the lead's ID or
// email, else its line; it stops at the first bad line (see err).
func (lr *leadReader) storedLeads() iter.Seq[analysis.StoredLead[leadscore.Lead]] {
	return func(yield func(analysis.StoredLead[leadscore.Lead]) bool) {
		for line, text := range lr.lines() {
			sl, err := analysis.ParseStoredLead(bytes.TrimSpace(text))
			if err != nil {
				lr.err = lr.lineError(line, text, err)
				return
			}
			if sl.Name == "" {
				sl.Name = label(line, sl.Lead)
			}
			if !yield(sl) {
				return
			}
		}
	}
}

// leads yields each lead named for reports: its "name", else the lead's ID or email, else
// its line; it stops at the first bad line (see err).
func (lr *leadReader) leads() iter.Seq[analysis.ReplayedLead[leadscore.Lead]] {
	return func(yield func(analysis.ReplayedLead[leadscore.Lead]) bool) {
		for line, text := range lr.lines() {
			l, err := lr.parse(line, text)
			if err != nil {
				lr.err = err
				return
			}
			if l.Name == "" {
				l.Name = label(line, l.Lead)
			}
			if !yield(l) {
				return
			}
		}
	}
}

func label(line int, l leadscore.Lead) string {
	switch {
	case l.ID != "":
		return l.ID
	case l.Email != "":
		return l.Email
	}
	return fmt.Sprintf("line %d", line)
}

// openLeads opens the JSON Lines file a command was given, or standard input when it was
// given none or "-".
func (e *env) openLeads(files []string, p *progress) (*leadReader, func(), error) {
	name := ""
	if len(files) == 1 {
		name = files[0]
	}
	if name == "" || name == "-" {
		return &leadReader{name: "stdin", r: e.stdin, progress: p}, func() {}, nil
	}
	f, err := e.open(name)
	if err != nil {
		return nil, nil, &fileError{File: name, Msg: pathErrorText(err)}
	}
	return &leadReader{name: name, r: f, progress: p}, func() { f.Close() }, nil
}
