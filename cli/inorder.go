package cli

import (
	"iter"
	"runtime"
)

// parallelInOrder runs work over items on as many workers as there are processors and hands
// the results to emit in the order of items, as score writes its lines. newWorker is called
// once per worker, so that each keeps buffers of its own. It stops at emit's first error and
// returns it; items is then no longer read. At most 4 results per worker wait to be emitted,
// so memory does not grow with the input.
func parallelInOrder[J, R any](items iter.Seq[J], newWorker func() func(J) R, emit func(R) error) error {
	type job struct {
		item J
		out  chan R
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job)
	order := make(chan chan R, 4*workers)
	done := make(chan struct{})
	defer close(done)
	go func() { // read
		defer close(order)
		defer close(jobs)
		for it := range items {
			j := job{item: it, out: make(chan R, 1)}
			select {
			case order <- j.out:
			case <-done:
				return
			}
			select {
			case jobs <- j:
			case <-done:
				return
			}
		}
	}()
	for range workers {
		work := newWorker()
		go func() {
			for j := range jobs {
				j.out <- work(j.item)
			}
		}()
	}
	for out := range order { // write
		if err := emit(<-out); err != nil {
			return err
		}
	}
	return nil
}
