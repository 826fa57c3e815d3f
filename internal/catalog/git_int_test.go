package catalog

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/testenv"
)

func TestGitSourceClonesThenSyncsOnlyWhatAPushChanged(t *testing.T) {
	srv := testenv.StartGitServer(t)
	srv.CreateRepo(t, "org.git")
	wt := testenv.NewWorkTree(t, srv.URL("org.git"))
	wt.Write(t, orgFiles())
	first := wt.Commit(t, "initial catalog")
	wt.Push(t)

	s, _ := newService(t)
	ctx := context.Background()
	src, err := s.AddSource(ctx, AddSourceOptions{Target: srv.URL("org.git")})
	if err != nil {
		t.Fatal(err)
	}
	if src.Name != "org" || src.Kind != KindGit {
		t.Fatalf("source = %+v", src)
	}
	r := syncOK(t, s, "org")
	if r.Commit != first || r.FilesRead != 4 || r.Entities != 8 {
		t.Fatalf("clone sync: %+v", r)
	}
	// Nothing pushed: nothing read.
	if r := syncOK(t, s, "org"); !r.Unchanged || r.FilesRead != 0 {
		t.Fatalf("no-op sync: %+v", r)
	}
	// Push an edit to one file and a new file reached through the glob target.
	wt.Write(t, map[string]string{
		"services/checkout.yaml": strings.Replace(checkoutYAML, "The checkout flow.", "Checkout, now with wallets.", 1),
		"services/wallet.yaml":   strings.Replace(checkoutYAML, "name: checkout", "name: wallet", 1),
	})
	second := wt.Commit(t, "edit checkout, add wallet")
	wt.Push(t)
	r = syncOK(t, s, "org")
	if r.Commit != second || r.FilesRead != 2 || r.Entities != 9 {
		t.Fatalf("incremental sync: %+v", r)
	}
	d, err := s.Entity(ctx, "checkout")
	if err != nil || d.Description != "Checkout, now with wallets." {
		t.Fatalf("edit not synced: %q %v", d.Description, err)
	}
	if _, err := s.Resolve(ctx, "wallet"); err != nil {
		t.Fatalf("new file not synced: %v", err)
	}
	// Delete a file.
	wt.Write(t, map[string]string{"services/wallet.yaml": testenv.Delete})
	wt.Commit(t, "drop wallet")
	wt.Push(t)
	r = syncOK(t, s, "org")
	if r.FilesRemoved != 1 || r.FilesRead != 0 || r.Entities != 8 {
		t.Fatalf("deletion sync: %+v", r)
	}
	st, _ := s.Status(ctx)
	if st[0].Commit != r.Commit || st[0].Entities != 8 || st[0].LastSyncAt == nil {
		t.Errorf("status = %+v", st[0])
	}
}

func TestGitSourceOfflineKeepsCacheAndReportsTheFetchError(t *testing.T) {
	srv := testenv.StartGitServer(t)
	srv.CreateRepo(t, "org.git")
	wt := testenv.NewWorkTree(t, srv.URL("org.git"))
	wt.Write(t, orgFiles())
	wt.Commit(t, "initial")
	wt.Push(t)

	s, st := newService(t)
	ctx := context.Background()
	if _, err := s.AddSource(ctx, AddSourceOptions{Target: srv.URL("org.git"), Name: "org"}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, s, "org")
	// The server goes away (a plane): point the source at a dead port.
	dead := fmt.Sprintf("git://127.0.0.1:%d/org.git", testenv.FreePort(t))
	if _, err := st.W.Exec(`UPDATE catalog_sources SET target = ? WHERE name = 'org'`, dead); err != nil {
		t.Fatal(err)
	}
	res, err := s.Sync(ctx, SyncOptions{Source: "org"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The clone is still there: the last fetched commit is served, the failure shown.
	if res[0].Error != "" || !res[0].Unchanged {
		t.Fatalf("offline sync: %+v", res[0])
	}
	status, _ := s.Status(ctx)
	if !strings.Contains(status[0].LastError, "fetch") || status[0].Entities != 8 {
		t.Errorf("status should report the failed fetch and keep entities: %+v", status[0])
	}
	all, _ := s.Search(ctx, SearchQuery{Limit: 100})
	if all.Total != 8 {
		t.Errorf("offline search total = %d", all.Total)
	}
}

func TestLocalGitRepositoryIsReadInPlaceAtItsCommittedHead(t *testing.T) {
	testenv.RequireGit(t)
	wt := testenv.NewWorkTree(t, "")
	wt.Write(t, orgFiles())
	head := wt.Commit(t, "initial")
	// An uncommitted edit is not part of a git source.
	wt.Write(t, map[string]string{"services/checkout.yaml": strings.Replace(checkoutYAML, "The checkout flow.", "uncommitted", 1)})

	s, _ := newService(t)
	ctx := context.Background()
	src, err := s.AddSource(ctx, AddSourceOptions{Target: wt.Dir, Git: true, Name: "local"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(src.Target, "file://") {
		t.Fatalf("target = %s", src.Target)
	}
	r := syncOK(t, s, "local")
	if r.Commit != head || r.Entities != 8 {
		t.Fatalf("sync: %+v", r)
	}
	d, _ := s.Entity(ctx, "checkout")
	if d.Description != "The checkout flow." {
		t.Errorf("read the working tree instead of HEAD: %q", d.Description)
	}
	wt.Commit(t, "commit the edit")
	if r := syncOK(t, s, "local"); r.FilesRead != 1 {
		t.Errorf("incremental local git sync read %d files", r.FilesRead)
	}
}
