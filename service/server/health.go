package server

import (
	"context"
	"net/http"
	"time"
)

const healthTimeout = 2 * time.Second

// healthz answers 200 when the store answers a query within healthTimeout, 503 otherwise:
// GET /healthz. The query is the relay's own (one pending outbox message), a read every store
// serves from an index.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	if _, err := s.opts.Store.Pending(ctx, 1); err != nil {
		s.opts.Logger.Warn("health check failed", "err", err)
		// The store's error is logged above, not sent: it may name a file or a server.
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "the store does not answer"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
