package leadscoretest

import (
	"errors"
	"fmt"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/casejson"
	"github.com/leadscore/leadscore/internal/text"
)

// A case file's JSON is decoded by internal/casejson, which the analysis package's
// populations share: leads and events by the public types' snake_case JSON names, their
// times also as dates, strictly (an unknown key is an error, which catches typos).

// ParseError reports a case file that does not decode, or a case in it that makes no sense,
// with the 1-based line and column (in bytes) where the problem is.
type ParseError struct {
	Line, Column int
	Case         string // the case's name, when known
	Err          error
}

func (e *ParseError) Error() string {
	s := fmt.Sprintf("leadscoretest: %d:%d: ", e.Line, e.Column)
	if e.Case != "" {
		s += fmt.Sprintf("case %q: ", e.Case)
	}
	return s + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

func expect(x casejson.Expect) Expect {
	return Expect{
		Tier: x.Tier, Handoff: x.Handoff, Disqualified: x.Disqualified, Stage: leadscore.Stage(x.Stage),
		Persona: x.Persona, Track: x.Track, NoPersona: x.NoPersona, Fired: x.Fired, NotFired: x.NotFired,
		Signals: x.Signals, NoSignals: x.NoSignals, MinTotal: x.MinTotal, MaxTotal: x.MaxTotal,
		Covered: x.Covered, Missing: x.Missing, NoMissing: x.NoMissing,
	}
}

// decodeStrict decodes the single JSON value data[from:to] into v, rejecting unknown keys and
// trailing data. Errors are *ParseErrors positioned in data.
func decodeStrict(data []byte, from, to int, v any) error {
	return fromDecode(data, casejson.DecodeStrict(data, from, to, v))
}

// fromDecode positions an error of casejson's decoding in data.
func fromDecode(data []byte, err error) error {
	var de *casejson.Error
	if errors.As(err, &de) {
		return positioned(data, de.Offset, de.Err)
	}
	return err
}

func positioned(data []byte, offset int, err error) *ParseError {
	line, col := text.LineColumn(data, offset)
	return &ParseError{Line: line, Column: col, Err: err}
}
