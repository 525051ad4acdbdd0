package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadscore/leadscore/store"
	"github.com/leadscore/leadscore/store/postgres"
	"github.com/leadscore/leadscore/store/storetest"
)

// defaultDSN reaches the local server over its unix socket as the OS user (peer
// authentication), in the database .ci/run creates.
const defaultDSN = "postgres:///leadscore_test?host=/var/run/postgresql"

const howToStart = `start PostgreSQL and create the test database, as .ci/run does:
	pg_ctlcluster 15 main start
	su postgres -c "psql -c 'CREATE ROLE $(id -un) LOGIN'"   # peer authentication as your OS user
	su postgres -c "createdb -O $(id -un) leadscore_test"
or point LEADSCORE_TEST_POSTGRES at another server (a pgx DSN)`

func baseDSN() string {
	if dsn := os.Getenv("LEADSCORE_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return defaultDSN
}

var schemas atomic.Int64

// withSchema returns dsn with search_path set to schema: each test gets tables of its own, so
// packages and tests can run in parallel against one database.
func withSchema(dsn, schema string) string {
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}

// freshSchema creates an empty schema, dropped when the test ends, and returns a DSN using it.
func freshSchema(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dsn := baseDSN()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		// pgx's error names host, user and database, never the password: the DSN is not printed.
		t.Fatalf("PostgreSQL (LEADSCORE_TEST_POSTGRES, or %s) is not reachable: %v\n%s", defaultDSN, err, howToStart)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("storetest_%d_%d", os.Getpid(), schemas.Add(1))
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return withSchema(dsn, schema)
}

func TestConformance(t *testing.T) {
	freshSchema(t) // fails once, saying how to start a server, rather than in every subtest
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(context.Background(), freshSchema(t))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

// TestOpenConcurrently opens one schema from several stores at once, as processes starting
// together do: the advisory lock serialises the migrations, and each store works.
func TestOpenConcurrently(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dsn := freshSchema(t)
	var wg sync.WaitGroup
	stores := make([]*postgres.Store, 4)
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = postgres.Open(ctx, dsn)
		}()
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatalf("Open %d: %v", i, errs[i])
		}
		defer s.Close()
		if v, err := s.SchemaVersion(ctx); err != nil || v != 1 {
			t.Errorf("store %d: schema version %d, %v; want 1", i, v, err)
		}
	}
	if _, err := stores[0].Save(ctx, store.Change{LeadID: "a", State: []byte("s")}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if rec, err := stores[3].Load(ctx, "a"); err != nil || rec.Version != 1 {
		t.Errorf("Load through another store = %+v, %v", rec, err)
	}
	// Reopening migrates nothing and keeps the data.
	again, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer again.Close()
	if rec, err := again.Load(ctx, "a"); err != nil || rec.Version != 1 {
		t.Errorf("Load after reopening = %+v, %v", rec, err)
	}
}
