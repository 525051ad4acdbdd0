package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/leadscore/leadscore/store"
	"github.com/leadscore/leadscore/store/postgres"
	"github.com/leadscore/leadscore/store/sqlite"
)

// OpenStore opens the store a DSN names: "sqlite:PATH" (a file, created if need be) or a
// "postgres://…" or "postgresql://…" URL.
func OpenStore(ctx context.Context, dsn string) (store.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		if path == "" {
			return nil, fmt.Errorf("store %q: no file: write sqlite:PATH, e.g. sqlite:leadscore.db", dsn)
		}
		return sqlite.Open(ctx, path)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn)
	}
	return nil, fmt.Errorf("store %q: write sqlite:PATH or a postgres:// URL", RedactDSN(dsn))
}

// RedactDSN is dsn without its password, for logs and errors.
func RedactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	return u.Redacted()
}
