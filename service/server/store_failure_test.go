package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/leadscore/leadscore/store"
)

// storeFailure: a row that does not decode is the service's fault for good (500, the
// Processor's words), a conflict or any other store error is worth a retry (503), and no
// store error's own text (a file path here) reaches the client unless it is about the row.
func TestStoreFailure(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
		has  string
	}{
		{fmt.Errorf(`store: lead "ann": decoding its stored State (version 3): bad checksum (%w)`, store.ErrStoredData), http.StatusInternalServerError, `lead "ann"`},
		{fmt.Errorf(`store: lead "ann": gave up after 5 attempts: %w`, store.ErrConflict), http.StatusServiceUnavailable, "busy"},
		{errors.New("sqlite /srv/data/leads.db: database is locked"), http.StatusServiceUnavailable, "unavailable"},
	} {
		code, msg := storeFailure(c.err)
		if code != c.code || !strings.Contains(msg, c.has) || strings.Contains(msg, "/srv/data") {
			t.Errorf("storeFailure(%v) = %d %q; want %d, saying %q, without the store's path", c.err, code, msg, c.code, c.has)
		}
	}
}
