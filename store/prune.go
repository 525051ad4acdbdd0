package store

import (
	"context"
	"time"
)

// Pruner is implemented by the stores that can forget old bookkeeping (both in this module
// do). Processed event IDs and delivered outbox messages grow without bound otherwise.
//
// Prune deletes the processed-event IDs recorded before before, and the outbox messages
// delivered before before (both by the store's clock at the time they were written), and
// returns how many rows it deleted. After it, an event processed before before and delivered
// again is recognised only while its ID is within the State's recent-ID window (64 IDs by
// default); beyond that it would be scored again. Choose before well behind the longest
// redelivery delay of your event sources.
type Pruner interface {
	Prune(ctx context.Context, before time.Time) (int64, error)
}
