package server

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
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

// RedactDSN is dsn without its password, for logs and errors: the URL's user password, a
// password or sslpassword query parameter (pgx takes both), and in a keyword=value DSN the
// password and sslpassword values. A URL that does not parse is reduced to its scheme, as its
// password cannot be told apart from the rest.
func RedactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	switch {
	case err != nil:
		if i := strings.Index(dsn, "://"); i > 0 {
			return dsn[:i] + "://(unparsable DSN, redacted)"
		}
		return keywordPassword.ReplaceAllString(dsn, "${1}xxxxx")
	case u.Scheme == "":
		return keywordPassword.ReplaceAllString(dsn, "${1}xxxxx")
	}
	if q := u.Query(); u.RawQuery != "" {
		changed := false
		for k := range q {
			if strings.EqualFold(k, "password") || strings.EqualFold(k, "sslpassword") {
				q.Set(k, "xxxxx")
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	if u.User == nil {
		return u.String()
	}
	return u.Redacted()
}

// keywordPassword finds the password values of a keyword=value DSN (quoted or not).
var keywordPassword = regexp.MustCompile(`(?i)(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)`)
