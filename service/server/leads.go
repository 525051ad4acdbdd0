package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/jsontext"
	"github.com/leadscore/leadscore/store"
)

// storeTimeout bounds one request's reads and writes of the store, so a stuck database
// answers an error instead of holding the client to the server's write timeout.
const storeTimeout = 15 * time.Second

// putLead stores a lead's attributes: PUT /leads/{id} with a leadscore.Lead in the wire
// format. The body must decode strictly (no unknown fields, right types); its "id", if set,
// must be the path's. The State is untouched: the new attributes count from the lead's next
// evaluation (an event, a wake-up, a GET).
func (s *Server) putLead(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := checkLeadID(id); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	data, ok := readBody(w, r, s.opts.MaxBodyBytes)
	if !ok {
		return
	}
	var lead leadscore.Lead
	if err := decodeStrict(data, &lead); err != nil {
		writeError(w, http.StatusBadRequest, "lead: "+err.Error())
		return
	}
	if !jsontext.Valid(data) {
		writeError(w, http.StatusBadRequest, errNotUTF8("lead").Error())
		return
	}
	switch lead.ID {
	case "":
		lead.ID = id // rules may read lead.ID
	case id:
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("lead: \"id\" is %q but the path names %q", lead.ID, id))
		return
	}
	// Stored as re-encoded, not as received: what the Processor decodes later is exactly
	// what was validated here.
	attrs, err := json.Marshal(lead)
	if err != nil {
		writeError(w, http.StatusBadRequest, "lead: "+err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	if err := s.opts.Store.PutLead(ctx, id, attrs); err != nil {
		s.storeError(w, r, "storing the lead", err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(append(attrs, '\n'))
}

// leadAnswer is GET /leads/{id}'s answer: the Result in the wire format, the lead's ID and
// the text a salesperson reads.
type leadAnswer struct {
	LeadID string `json:"lead_id"`
	leadscore.Result
	Explanation string `json:"explanation"`
}

// getLead answers the lead's current Result, evaluated at the service's clock (the State's
// clock if later): GET /leads/{id}. A lead never stored (neither attributes nor events) is 404.
func (s *Server) getLead(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := checkLeadID(id); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	rec, err := s.opts.Store.Load(ctx, id)
	if err != nil {
		s.storeError(w, r, "loading the lead", err)
		return
	}
	if rec.Version == 0 && rec.Attrs == nil && rec.State == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("lead %q not found", id))
		return
	}
	res, err := s.proc.Current(ctx, id, s.opts.Now())
	if err != nil {
		s.storeError(w, r, "scoring the lead", err)
		return
	}
	writeJSON(w, http.StatusOK, leadAnswer{LeadID: id, Result: res, Explanation: res.Explain()})
}

// storeError answers a failed store operation (what: "loading the lead") as storeFailure
// says, logging the store's own error.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.opts.Logger.Error(what, "method", r.Method, "path", r.URL.Path, "err", err)
	code, msg := storeFailure(err)
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeError(w, code, what+": "+msg)
}

// storeFailure is the status and the text a client gets for a failed store operation:
//   - 500 when a lead's stored row does not decode (store.ErrStoredData): no retry can
//     help, the row must be restored or the lead deleted; the text is the Processor's,
//     which names the lead and what does not decode;
//   - 503 (retry) otherwise: the store is unreachable, busy, or timed out, which the
//     client cannot tell apart and retrying is safe for. The store's error is not sent: it
//     may name a file or a server (it is logged).
func storeFailure(err error) (int, string) {
	switch {
	case errors.Is(err, store.ErrStoredData):
		return http.StatusInternalServerError, err.Error() + "; retrying cannot help: restore the lead's stored row or delete the lead"
	case errors.Is(err, store.ErrConflict):
		return http.StatusServiceUnavailable, "the lead is busy (concurrent updates); retry"
	}
	return http.StatusServiceUnavailable, "the store is unavailable; retry"
}
