package leadbeam

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/state"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/timers"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// Beam's Go SDK calls DoFns through generated wrappers when they are registered, instead of
// through reflection; registering also makes them known by name to remote workers.
func init() {
	register.DoFn8x1[context.Context, state.Provider, timers.Provider, string, []byte, func(string, []byte), func(string, []byte), func(string, []byte), error](&scoreFn{})
	register.DoFn7x1[context.Context, string, func(*[]byte) bool, func(string, []byte), func(string, []byte), func(string, []byte), func(string, []byte), error](&backfillFn{})
	register.Function5x0(stampEvent)
	register.Function3x2(stampLead)
	register.Function3x2(stampState)
	register.Function3x0(keepHandoffs)
	register.Emitter2[string, []byte]()
	register.Emitter3[beam.EventTime, string, []byte]()
	register.DoFn6x1[beam.EventTime, state.Provider, timers.Provider, string, []byte, func(string, []byte), error](&dedupeFn{})
	register.Function5x0(keyByEventID)
	register.Iter1[[]byte]()
}
