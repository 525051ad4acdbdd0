// Package storetest is the conformance suite every store.Store must pass: the contract's
// compare-and-swap, processed events, wake-up index and outbox, then the Processor over the
// store under concurrent writers, redelivery and wake-ups.
//
// A store's tests call Run with a function that opens a fresh, empty store for one subtest:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return openEmpty(t) })
//	}
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/leadscore/leadscore/store"
)

// Timeout bounds every subtest: a store that deadlocks fails instead of hanging the run.
const Timeout = 2 * time.Minute

// Run runs the conformance suite against the stores open returns. open is called once per
// subtest and must return an empty store; Run closes it at the end of the subtest.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, ctx context.Context, s store.Store)
	}{
		{"LoadUnknown", testLoadUnknown},
		{"PutLeadLoad", testPutLeadLoad},
		{"SaveStaleVersion", testSaveStaleVersion},
		{"SaveProcessedEvent", testSaveProcessedEvent},
		{"SaveRejectsNoState", testSaveNoState},
		{"SaveRejectsRepeatedID", testSaveRepeatedID},
		{"Due", testDue},
		{"Outbox", testOutbox},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Redelivery", testRedelivery},
		{"RedeliveryConcurrent", testRedeliveryConcurrent},
		{"WakeUp", testWakeUp},
		{"CorruptState", testCorruptState},
		{"RefusedEvent", testRefusedEvent},
		{"Prune", testPrune},
		{"TimesOutOfRange", testTimesOutOfRange},
		{"RepeatedTransition", testRepeatedTransition},
		{"AwkwardEventIDs", testAwkwardEventIDs},
		{"AwkwardLeadIDs", testAwkwardLeadIDs},
		{"WakePastFailures", testWakePastFailures},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), Timeout)
			defer cancel()
			s := open(t)
			defer func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			tc.fn(t, ctx, s)
		})
	}
}
