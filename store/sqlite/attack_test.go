package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// A file name is a file name: "?", "#" and "%" in it must not be read as the start of URI
// parameters, a fragment or an escape, nor open another file than the one named.
func TestAttackPathCharacters(t *testing.T) {
	for _, name := range []string{"leads?mode=ro.db", "leads#1.db", "100%.db", "a%20b.db", "sp ace.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			ctx := context.Background()
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("Open(%q): %v", path, err)
			}
			if err := s.PutLead(ctx, "x", []byte(`{}`)); err != nil {
				t.Errorf("PutLead: %v", err)
			}
			if rec, err := s.Load(ctx, "x"); err != nil || rec.Attrs == nil {
				t.Errorf("Load after PutLead: %+v, %v", rec, err)
			}
			s.Close()
			if _, err := os.Stat(path); err != nil {
				entries, _ := os.ReadDir(dir)
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("the database is not at %q: %v; the directory holds %q", name, err, names)
			}
		})
	}
}
