package server

import (
	"context"
	"time"
)

// maxWakeRounds bounds how many Wake calls one tick makes while each comes back full: a
// backlog is worked off promptly, yet a lead that keeps failing (and so stays due) cannot keep
// the loop from sleeping.
const maxWakeRounds = 20

// wakeLoop advances the leads whose score changes with time alone — decay out of a hand-off
// tier, an SLA running out — every WakeInterval, at the service's clock (Options.Now). The
// library never reads the clock; this loop is where time reaches the States. The transitions
// it finds go to the outbox through the Processor, like those of events.
func (s *Server) wakeLoop(ctx context.Context) {
	tick := time.NewTicker(s.opts.WakeInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s.wakeOnce(ctx)
	}
}

// wakeOnce runs one tick of the wake-up loop.
func (s *Server) wakeOnce(ctx context.Context) {
	for range maxWakeRounds {
		n, err := s.proc.Wake(ctx, s.opts.Now(), s.opts.WakeLimit)
		s.metrics.wakeups.Add(int64(n))
		if err != nil {
			if ctx.Err() != nil {
				return // shutting down
			}
			s.metrics.loopErrors.add(1, "wakeup")
			s.opts.Logger.Error("wake-up loop", "err", err)
			// Wake went on past the failing leads: a full round means more may be due.
		}
		if n < s.opts.WakeLimit {
			return
		}
	}
}
