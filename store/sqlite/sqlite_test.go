package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/store"
	"github.com/leadscore/leadscore/store/sqlite"
	"github.com/leadscore/leadscore/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "leads.db"))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

func TestConformanceMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), ":memory:")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

// TestTwoStoresOneFile has two Stores on one file — two writer connections, as two processes
// would have — write one lead at once: BEGIN IMMEDIATE and the busy timeout keep the
// compare-and-swap whole, so every event counts once.
func TestTwoStoresOneFile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "shared.db")
	var stores [2]*sqlite.Store
	for i := range stores {
		s, err := sqlite.Open(ctx, path) // the second open finds the schema migrated
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer s.Close()
		if v, err := s.SchemaVersion(ctx); err != nil || v != 1 {
			t.Fatalf("store %d: schema version %d, %v; want 1", i, v, err)
		}
		stores[i] = s
	}
	sc, err := leadscore.Compile[leadscore.Lead](leadscore.DefaultB2B())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make([]error, len(stores))
	const per = 30
	for i, s := range stores {
		p := &store.Processor[leadscore.Lead]{Scorer: sc, Store: s, MaxRetries: 1000}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range per {
				ev := leadscore.Event{ID: fmt.Sprintf("s%d-%d", i, j), Type: leadscore.EventPageView, Path: "/pricing",
					Time: start.Add(time.Duration(j*len(stores)+i) * time.Minute)}
				if _, err := p.Apply(ctx, "shared", []leadscore.Event{ev}); err != nil {
					errs[i] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	rec, err := stores[0].Load(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	var st leadscore.State
	if err := st.UnmarshalBinary(rec.State); err != nil {
		t.Fatal(err)
	}
	if st.Events() != 2*per {
		t.Errorf("the State took %d events, want %d", st.Events(), 2*per)
	}
}

// TestReopen: reopening a database migrates nothing and keeps the data.
func TestReopen(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "leads.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(ctx, store.Change{LeadID: "a", State: []byte("s")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if rec, err := s.Load(ctx, "a"); err != nil || rec.Version != 1 || string(rec.State) != "s" {
		t.Errorf("after reopening, Load = %+v, %v", rec, err)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v != 1 {
		t.Errorf("after reopening, schema version %d, %v", v, err)
	}
	if _, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}
