package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/store"
)

// holdWriteLock opens the database at path from another store and keeps a
// write transaction open on it (a long sync in another process) until the
// test ends.
func holdWriteLock(t *testing.T, path string) {
	t.Helper()
	other, err := store.Open(context.Background(), path, allSchemas()...)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := other.W.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO settings(key, value) VALUES('sync.in-progress', 'yes')`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback(); other.Close() })
}

func TestOpeningAndApplyingAnUnchangedPlatformNeverWaitForALongSync(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.FileName)
	srcs := []catalog.Source{
		{Name: "team-a", Kind: catalog.KindDir, Target: t.TempDir()},
		{Name: "team-b", Kind: catalog.KindDir, Target: t.TempDir(), Subdir: "catalog"},
	}
	st, err := store.Open(ctx, path, allSchemas()...)
	if err != nil {
		t.Fatal(err)
	}
	if err := catalog.New(catalog.Options{Store: st}).SetPlatformSources(ctx, slices.Clone(srcs)); err != nil {
		t.Fatal(err)
	}
	st.Close()

	holdWriteLock(t, path)
	// The guard: anything that writes waits for the lock (30 s busy
	// timeout); this context ends such a wait long before.
	guard, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err = store.Open(guard, path, allSchemas()...)
	if err != nil {
		t.Fatalf("store.Open during a long sync: %v", err)
	}
	defer st.Close()
	cat := catalog.New(catalog.Options{Store: st})
	if err := cat.SetPlatformSources(guard, slices.Clone(srcs)); err != nil {
		t.Fatalf("SetPlatformSources with unchanged sources during a long sync: %v", err)
	}
	got, err := cat.Sources(guard)
	if err != nil {
		t.Fatalf("read during a long sync: %v", err)
	}
	if len(got) != 2 || got[0].Name != "team-a" || got[1].Name != "team-b" {
		t.Fatalf("sources during a long sync = %v", got)
	}

	// The control: a change (here only the order) must be written, so it
	// waits for the lock, and the same kind of guard ends it with an error.
	// It shows the lock above is really held.
	reordered := []catalog.Source{srcs[1], srcs[0]}
	short, cancel2 := context.WithTimeout(ctx, time.Second)
	defer cancel2()
	if err := cat.SetPlatformSources(short, slices.Clone(reordered)); err == nil {
		t.Fatal("reordered platform sources were saved while another process held the write lock")
	}
}

func TestSetPlatformSourcesAppliesANewOrder(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.FileName), allSchemas()...)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cat := catalog.New(catalog.Options{Store: st})
	a := catalog.Source{Name: "team-a", Kind: catalog.KindDir, Target: t.TempDir()}
	b := catalog.Source{Name: "team-b", Kind: catalog.KindDir, Target: t.TempDir()}
	for _, order := range [][]catalog.Source{{a, b}, {b, a}} {
		if err := cat.SetPlatformSources(ctx, slices.Clone(order)); err != nil {
			t.Fatal(err)
		}
		got, err := cat.Sources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Name != order[0].Name || got[1].Name != order[1].Name {
			t.Fatalf("sources = %v, want the platform's order %s, %s", got, order[0].Name, order[1].Name)
		}
	}
	if err := cat.SetPlatformSources(ctx, []catalog.Source{a, a}); err == nil {
		t.Fatal("two platform locations with one name were accepted")
	}
}
