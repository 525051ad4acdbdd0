package cli

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progressEvery is how many leads pass between progress reports.
const progressEvery = 10000

// progress reports on stderr how many leads a long run has read: on a terminal as one line
// rewritten in place, elsewhere (with -progress) as a line per report. A nil *progress is off.
type progress struct {
	mu    sync.Mutex // the reading goroutine adds while the command may be finishing
	every int
	w     io.Writer
	verb  string // "scored", "read"
	tty   bool
	now   func() time.Time
	start time.Time
	n     int
}

// newProgress returns a reporter, or nil when progress is off: stderr is not a terminal and
// -progress was not given.
func (e *env) newProgress(verb string, forced bool) *progress {
	if !forced && !e.stderrTTY {
		return nil
	}
	every := e.progressEvery
	if every <= 0 {
		every = progressEvery
	}
	return &progress{every: every, w: e.stderr, verb: verb, tty: e.stderrTTY, now: e.now, start: e.now()}
}

func (p *progress) add(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += n
	if p.n%p.every == 0 {
		p.report()
	}
}

func (p *progress) report() {
	rate := ""
	if d := p.now().Sub(p.start); d > 0 {
		rate = fmt.Sprintf(" (%.0f/s)", float64(p.n)/d.Seconds())
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r%s %d leads%s", p.verb, p.n, rate)
	} else {
		fmt.Fprintf(p.w, "%s %d leads%s\n", p.verb, p.n, rate)
	}
}

// done ends the report: on a terminal, the in-place line is finished.
func (p *progress) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n < p.every {
		return
	}
	if p.tty {
		p.report()
		fmt.Fprintln(p.w)
	}
}
