package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A failing store is answered without the store's own error text (for SQLite, the database
// file's absolute path; for PostgreSQL, the database and server messages): it is logged,
// and the client reads that the store is unavailable, on /leads and /healthz alike.
func TestStoreErrorsDoNotLeakServerDetails(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "secret-volume"), 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "secret-volume", "leadscore.db")
	h := newHarness(t, "sqlite:"+path, Options{WakeInterval: time.Hour})
	h.must(200, "PUT", "/leads/ann", hotLead("ann"), nil)
	h.store.Close() // the database goes away (a full disk, a lost volume)
	for _, req := range []struct{ method, path string }{{"GET", "/leads/ann"}, {"GET", "/healthz"}, {"PUT", "/leads/bob"}} {
		var body any
		if req.method == "PUT" {
			body = hotLead("bob")
		}
		code, out := h.do(req.method, req.path, body)
		if strings.Contains(string(out), "secret-volume") {
			t.Errorf("%s %s: %d, the answer shows the server's file system: %s", req.method, req.path, code, out)
		}
	}
}
