package catalog

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog/orggen"
	"github.com/paved-dev/paved/internal/progress"
	"github.com/paved-dev/paved/internal/store"
)

// The helper process: sync the source named in the environment and, once the
// write transaction is half done, announce it and wait to be killed.
func TestHelperProcessSyncThenHang(t *testing.T) {
	db := os.Getenv("PAVED_TEST_HANG_DB")
	if db == "" {
		return // not the helper process
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db, audit.Schema(), Schema())
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	s := New(Options{Store: st, Audit: audit.New(st, nil), CacheDir: filepath.Dir(db)})
	_, _ = s.Sync(ctx, SyncOptions{Source: "org"}, progress.Func(func(e progress.Event) {
		if e.Stage == "write" && e.Current >= 1000 {
			fmt.Println("MID-TRANSACTION")
			time.Sleep(time.Hour)
		}
	}))
	fmt.Println("ERROR sync finished without hanging")
	os.Exit(1)
}

func TestKilledSyncLeavesThePreviousCacheIntact(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	db := filepath.Join(home, "paved.db")
	srcDir := filepath.Join(home, "org")
	if _, err := orggen.Generate(srcDir, orggen.Options{Entities: 2500, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db, audit.Schema(), Schema())
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Store: st, Audit: audit.New(st, nil), CacheDir: home})
	addDir(t, s, "org", srcDir)
	before := syncOK(t, s, "org")
	statusBefore, _ := s.Status(ctx)
	sample, err := s.Search(ctx, SearchQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	// Replace the source with a different organisation, then sync in a child
	// process and kill it in the middle of its write transaction.
	if err := os.RemoveAll(srcDir); err != nil {
		t.Fatal(err)
	}
	if _, err := orggen.Generate(srcDir, orggen.Options{Entities: 3000, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessSyncThenHang$")
	cmd.Env = append(os.Environ(), "PAVED_TEST_HANG_DB="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if !strings.HasPrefix(line, "MID-TRANSACTION") {
		_ = cmd.Process.Kill()
		t.Fatalf("helper said %q", line)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	// The old cache is complete and consistent.
	st, err = store.Open(ctx, db, audit.Schema(), Schema())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s = New(Options{Store: st, Audit: audit.New(st, nil), CacheDir: home})
	var ok string
	if err := st.R.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity check: %q %v", ok, err)
	}
	if _, err := st.W.Exec(`INSERT INTO catalog_fts(catalog_fts) VALUES('integrity-check')`); err != nil {
		t.Fatalf("search index inconsistent: %v", err)
	}
	after, err := s.Search(ctx, SearchQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	statusAfter, _ := s.Status(ctx)
	if statusAfter[0].Entities != before.Entities || strings.Join(refsOf(after.Items), ",") != strings.Join(refsOf(sample.Items), ",") {
		t.Fatalf("cache changed by a killed sync: %d entities, want %d", statusAfter[0].Entities, before.Entities)
	}
	if *statusAfter[0].LastSyncAt != *statusBefore[0].LastSyncAt || statusAfter[0].Files != statusBefore[0].Files {
		t.Errorf("sync state changed: %+v vs %+v", statusAfter[0], statusBefore[0])
	}
	var rels, ftsRows int
	_ = st.R.QueryRow(`SELECT count(*) FROM catalog_fts`).Scan(&ftsRows)
	_ = st.R.QueryRow(`SELECT count(*) FROM catalog_relations r WHERE NOT EXISTS (SELECT 1 FROM catalog_entities e WHERE e.ref = r.src AND e.winner = 1)`).Scan(&rels)
	if ftsRows != before.Entities || rels != 0 {
		t.Errorf("derived tables inconsistent: %d search rows for %d entities, %d orphaned relations", ftsRows, before.Entities, rels)
	}
	// And the next sync completes normally.
	r := syncOK(t, s, "org")
	if r.Entities != 3000 {
		t.Errorf("sync after the kill: %+v", r)
	}
}
