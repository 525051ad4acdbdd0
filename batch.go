package leadscore

import (
	"fmt"
	"iter"
	"runtime"
	"sync/atomic"
	"time"
)

// batchChunk is how many leads travel together between goroutines: enough to make a hand-off
// cheap next to the scoring, few enough to keep every worker busy on small batches.
const batchChunk = 64

// ScoreAll scores every lead of leads at now, as Score would, on up to workers goroutines at
// once, the caller's included (workers < 1: one per CPU, runtime.GOMAXPROCS). It returns the
// results as an iterator of (i, r), in input order: i is the lead's position in leads, and r
// is valid only until the loop body returns (it is reused: copy what you keep). A nil *State
// is a new lead. The error is non-nil only for an unusable now.
//
//	results, err := scorer.ScoreAll(leads, now, 0)
//	if err != nil { … }
//	for i, r := range results { … }
//
// leads is consumed on the caller's goroutine, as the loop runs; the States it yields are
// only read, and may be scored by other calls at the same time, but not observed or advanced.
// Breaking out of the loop stops the batch. Once the buffers have grown, scoring a lead
// allocates nothing, and the memory in use does not grow with the number of leads.
func (s *Scorer[L]) ScoreAll(leads iter.Seq2[L, *State], now time.Time, workers int) (iter.Seq2[int, *Result], error) {
	if _, err := unixTime("now", now); err != nil {
		return nil, err
	}
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	return func(yield func(int, *Result) bool) {
		b := &batch[L]{s: s, now: now, work: make(chan *scoreChunk[L], 2*workers), window: 4 * workers}
		for range workers - 1 {
			b.running++
			go b.worker()
		}
		defer b.stop()

		var cur *scoreChunk[L]
		for lead, st := range leads {
			if cur == nil {
				cur = b.chunk()
			}
			cur.leads = append(cur.leads, scoreItem[L]{lead: lead, st: st})
			if len(cur.leads) == batchChunk {
				if !b.dispatch(cur, yield) {
					return
				}
				cur = nil
			}
		}
		if cur != nil && !b.dispatch(cur, yield) {
			return
		}
		for len(b.pending) > 0 {
			if !b.deliver(yield) {
				return
			}
		}
	}, nil
}

// batch is one ScoreAll call: chunks go out on work to the workers (and to the caller, when
// it would otherwise wait), and come back in order through pending.
type batch[L any] struct {
	s       *Scorer[L]
	now     time.Time
	work    chan *scoreChunk[L]
	pending []*scoreChunk[L] // dispatched, oldest first
	window  int              // how many chunks may be in flight before the caller waits
	free    []*scoreChunk[L]
	running int
	next    int         // index of the next lead to deliver
	stopped atomic.Bool // the caller has gone: workers drop what is left
	sc      *scratch[L] // the caller's, for the chunks it scores itself
}

// own returns the caller's scratch.
func (b *batch[L]) own() *scratch[L] {
	if b.sc == nil {
		b.sc = b.s.get()
	}
	return b.sc
}

type scoreChunk[L any] struct {
	leads   []scoreItem[L]
	results []Result
	done    chan struct{} // signalled once the chunk is scored
	ready   bool          // done has been received (by the caller)
	// panicked holds what a panic on a worker goroutine carried: it is raised again on the
	// caller's goroutine, where the caller's recover can see it, instead of killing the process.
	panicked any
}

type scoreItem[L any] struct {
	lead L
	st   *State
}

// chunk returns a free chunk: one this batch is done with, or one an earlier batch left in
// the Scorer's pool, warm (its Results' slices already grown).
func (b *batch[L]) chunk() *scoreChunk[L] {
	if n := len(b.free); n > 0 {
		c := b.free[n-1]
		b.free = b.free[:n-1]
		return c
	}
	if c, ok := b.s.chunks.Get().(*scoreChunk[L]); ok {
		return c
	}
	return &scoreChunk[L]{
		leads:   make([]scoreItem[L], 0, batchChunk),
		results: make([]Result, batchChunk),
		done:    make(chan struct{}, 1),
	}
}

// dispatch queues c, or scores it when every worker is busy and the queue is full, then
// hands over the chunks that are done, oldest first. It waits (helping with queued work) only
// when too many chunks are in flight. It reports false when yield stopped the batch.
func (b *batch[L]) dispatch(c *scoreChunk[L], yield func(int, *Result) bool) bool {
	b.pending = append(b.pending, c)
	if b.running == 0 {
		b.score(b.own(), c)
	} else {
		select {
		case b.work <- c:
		default:
			b.score(b.own(), c)
		}
	}
	for len(b.pending) > 0 && (len(b.pending) > b.window || b.ready(b.pending[0])) {
		if !b.deliver(yield) {
			return false
		}
	}
	return true
}

// ready reports, without waiting, whether chunk c has been scored.
func (b *batch[L]) ready(c *scoreChunk[L]) bool {
	if c.ready {
		return true
	}
	select {
	case <-c.done:
		c.ready = true
	default:
	}
	return c.ready
}

// deliver waits for the oldest pending chunk, scoring queued chunks meanwhile, and hands its
// results to yield.
func (b *batch[L]) deliver(yield func(int, *Result) bool) bool {
	c := b.pending[0]
	for !b.ready(c) {
		select {
		case <-c.done:
			c.ready = true
		case w := <-b.work:
			b.score(b.own(), w)
		}
	}
	c.ready = false
	if p := c.panicked; p != nil {
		c.panicked = nil
		panic(p)
	}
	n := copy(b.pending, b.pending[1:]) // a few chunks: shifting beats reallocating
	b.pending[n] = nil
	b.pending = b.pending[:n]
	for j := range c.leads {
		if !yield(b.next, &c.results[j]) {
			return false
		}
		b.next++
	}
	clear(c.leads) // do not keep the leads alive
	c.leads = c.leads[:0]
	b.free = append(b.free, c)
	return true
}

func (b *batch[L]) worker() {
	sc := b.s.get()
	defer b.s.put(sc)
	for c := range b.work {
		if b.stopped.Load() {
			c.done <- struct{}{} // the caller has gone: skip the work
			continue
		}
		b.score(sc, c)
	}
}

// score evaluates a chunk with the scratch sc and signals it done. A panic (a bug, or a
// user function that panics outside expr's protection) is kept in the chunk for the caller.
func (b *batch[L]) score(sc *scratch[L], c *scoreChunk[L]) {
	defer func() {
		if p := recover(); p != nil {
			c.panicked = fmt.Sprintf("leadscore: ScoreAll: panic while scoring: %v", p)
			c.done <- struct{}{}
		}
	}()
	s := b.s
	at := b.now.UnixNano()
	for j := range c.leads {
		it := &c.leads[j]
		// Each lead is a call of its own, with its own budget; a nil *State is a new lead.
		sc.budget.StartCall(s.limits.CallBudget)
		d := &s.empty
		if it.st != nil {
			d = s.view(&it.st.d)
		}
		s.evaluate(sc, &it.lead, d, at, b.now, &c.results[j])
	}
	c.done <- struct{}{}
}

// stop ends the workers, which drop what is still queued, and gives the free chunks back to
// the pool. Chunks still pending may be in a worker's hands: the garbage collector takes
// them.
func (b *batch[L]) stop() {
	b.stopped.Store(true)
	close(b.work)
	if b.sc != nil {
		b.s.put(b.sc)
	}
	for _, c := range b.free {
		b.s.chunks.Put(c)
	}
}
