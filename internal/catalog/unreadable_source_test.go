package catalog

import (
	"context"
	"fmt"
	"io/fs"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/paved-dev/paved/internal/catalog/source"
	"github.com/paved-dev/paved/internal/testenv"
)

// These tests keep Safety 2 of issue 7: a source read while something
// breaks the read (a disk error, `git gc` repacking a repository read in
// place) must fail its sync and keep the previous cache; the commit or the
// fingerprints are recorded as synced only once every file was read. Before,
// the unreadable files became "bad file" problems, the sync committed the
// rest, recorded the commit, and the next sync said "unchanged": the
// entities stayed lost until the repository changed again.

const unreadableComponents = 30

// unreadableOrg is a root Location and unreadableComponents component
// files, every description marked with rev.
func unreadableOrg(rev string) map[string]string {
	files := map[string]string{
		"catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./services/*.yaml]\n",
	}
	for i := range unreadableComponents {
		files[fmt.Sprintf("services/svc-%02d.yaml", i)] = fmt.Sprintf(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc-%02d
  description: %s
spec: {type: service, lifecycle: production, owner: team-a}
`, i, rev)
	}
	return files
}

// descriptions counts the cached components per description.
func descriptions(t *testing.T, s *Service) map[string]int {
	t.Helper()
	res, err := s.Search(context.Background(), SearchQuery{Kinds: []string{"component"}, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, it := range res.Items {
		out[it.Description]++
	}
	return out
}

// failEvery returns a Faulty snapshot wrapper whose reads of every third
// component file fail with an I/O error, and the count of failed reads.
func failEvery(third int) (func(Source, source.Snapshot) source.Snapshot, *atomic.Int32) {
	var failed atomic.Int32
	return func(_ Source, snap source.Snapshot) source.Snapshot {
		return source.Faulty{Snapshot: snap, Fail: func(op, name string) error {
			var i int
			if op == "read" && strings.HasPrefix(name, "services/") {
				if _, err := fmt.Sscanf(name, "services/svc-%d.yaml", &i); err == nil && i%third == 0 {
					failed.Add(1)
					return syscall.EIO
				}
			}
			return nil
		}}
	}, &failed
}

// checkUnreadableSyncKeepsCache runs the scenario on a source whose content
// moves from rev1 to rev2 when edit runs: the first sync of rev2 meets read
// errors and must change nothing; the next one, without them, reads it all.
func checkUnreadableSyncKeepsCache(t *testing.T, s *Service, name string, edit func() string) {
	t.Helper()
	ctx := context.Background()
	first := syncOK(t, s, name)
	if first.Entities != unreadableComponents+1 {
		t.Fatalf("first sync: %+v", first)
	}
	commit := edit()

	wrap, failed := failEvery(3)
	s.wrapSnapshot = wrap
	res, err := s.Sync(ctx, SyncOptions{Source: name}, nil)
	s.wrapSnapshot = nil
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if failed.Load() == 0 {
		t.Fatal("no read was made to fail: the test does not test anything")
	}
	if r.Error == "" || !strings.Contains(r.Error, "cannot read services/svc-") || !strings.Contains(r.Error, "input/output error") {
		t.Fatalf("a sync that could not read every file must fail naming the file: %+v", r)
	}
	if got := descriptions(t, s); got["rev1"] != unreadableComponents || len(got) != 1 {
		t.Fatalf("the previous cache must stay whole, got %v", got)
	}
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st[0].LastError != r.Error || st[0].Commit != first.Commit || st[0].Entities != unreadableComponents+1 {
		t.Fatalf("status must show the failure and the commit still synced (%s): %+v", first.Commit, st[0])
	}

	// Readable again: the next sync is not "unchanged"; it reads everything
	// that changed since the last complete sync.
	again := syncOK(t, s, name)
	if again.Unchanged || again.FilesRead != unreadableComponents || again.Commit != commit {
		t.Fatalf("sync after the failure: %+v", again)
	}
	if got := descriptions(t, s); got["rev2"] != unreadableComponents || len(got) != 1 {
		t.Fatalf("after a good sync every entity is read, got %v", got)
	}
	if st, _ := s.Status(ctx); st[0].LastError != "" || st[0].Commit != commit {
		t.Fatalf("status after recovery: %+v", st[0])
	}
}

func TestUnreadableGitSourceFailsTheSyncAndKeepsTheCache(t *testing.T) {
	wt := testenv.NewWorkTree(t, "")
	wt.Write(t, unreadableOrg("rev1"))
	wt.Commit(t, "rev1")
	s, _ := newService(t)
	if _, err := s.AddSource(context.Background(), AddSourceOptions{Target: wt.Dir, Git: true, Name: "org"}); err != nil {
		t.Fatal(err)
	}
	checkUnreadableSyncKeepsCache(t, s, "org", func() string {
		wt.Write(t, unreadableOrg("rev2"))
		return wt.Commit(t, "rev2")
	})
}

func TestUnreadableDirSourceFailsTheSyncAndKeepsTheCache(t *testing.T) {
	dir := testenv.WriteFiles(t, t.TempDir(), unreadableOrg("rev1"))
	s, _ := newService(t)
	addDir(t, s, "org", dir)
	checkUnreadableSyncKeepsCache(t, s, "org", func() string {
		files := unreadableOrg("rev2")
		delete(files, "catalog-info.yaml")
		testenv.WriteFiles(t, dir, files)
		for p := range files {
			touchLater(t, dir+"/"+p) // a new fingerprint even within mtime granularity
		}
		return ""
	})
}

// TestGitGCDuringASyncKeepsTheCache repacks the repository for real in the
// middle of a sync, at a point where the sync holds the pack index of the
// repository as it was: the pack it expects is deleted under it, as
// `git gc` does. Whatever go-git then fails to read must fail the sync.
func TestGitGCDuringASyncKeepsTheCache(t *testing.T) {
	wt := testenv.NewWorkTree(t, "")
	wt.Write(t, unreadableOrg("rev1"))
	wt.Commit(t, "rev1")
	wt.Git(t, "gc", "-q")
	s, _ := newService(t)
	ctx := context.Background()
	if _, err := s.AddSource(ctx, AddSourceOptions{Target: wt.Dir, Git: true, Name: "org"}); err != nil {
		t.Fatal(err)
	}
	first := syncOK(t, s, "org")
	wt.Write(t, unreadableOrg("rev2"))
	second := wt.Commit(t, "rev2")
	wt.Git(t, "gc", "-q") // rev2's objects are in one pack, which the sync opens
	packs := func() string { return wt.Git(t, "count-objects", "-v") }
	before := packs()

	var once sync.Once
	s.wrapSnapshot = func(_ Source, snap source.Snapshot) source.Snapshot {
		return source.Faulty{Snapshot: snap, Fail: func(op, name string) error {
			if op == "open" && strings.HasPrefix(name, "services/") {
				once.Do(func() {
					// A reachable new object gives the new pack another name,
					// so the one the sync has indexed is deleted.
					blob := gitStdin(t, wt.Dir, "gc moved me", "hash-object", "-w", "--stdin")
					tree := gitStdin(t, wt.Dir, "100644 blob "+blob+"\tx\n", "mktree")
					c := wt.Git(t, "commit-tree", tree, "-m", "other")
					wt.Git(t, "update-ref", "refs/heads/other", c)
					wt.Git(t, "repack", "-a", "-d", "-q")
					wt.Git(t, "prune-packed")
				})
			}
			return nil
		}}
	}
	res, err := s.Sync(ctx, SyncOptions{Source: "org"}, nil)
	s.wrapSnapshot = nil
	if err != nil {
		t.Fatal(err)
	}
	if after := packs(); after == before {
		t.Fatalf("the repository was not repacked:\n%s", after)
	}
	r := res[0]
	got := descriptions(t, s)
	t.Logf("sync during the repack: %q, cache %v", r.Error, got)
	switch {
	case r.Error == "" && got["rev2"] == unreadableComponents:
		// go-git read everything despite the repack (objects cached or
		// the pack still open): nothing was lost either.
		t.Logf("the repack did not break the read: %+v", r)
	case r.Error == "":
		t.Fatalf("a sync that lost files to a repack succeeded: %+v, cache %v", r, got)
	default:
		if got["rev1"] != unreadableComponents || len(got) != 1 {
			t.Fatalf("the failed sync changed the cache: %v (%s)", got, r.Error)
		}
		if st, _ := s.Status(ctx); st[0].Commit != first.Commit || st[0].LastError == "" {
			t.Fatalf("status after the failed sync: %+v", st[0])
		}
	}
	again := syncOK(t, s, "org")
	if again.Commit != second {
		t.Fatalf("next sync: %+v", again)
	}
	if got := descriptions(t, s); got["rev2"] != unreadableComponents || len(got) != 1 {
		t.Fatalf("after the repack settled every entity is read, got %v", got)
	}
}

var _ fs.FS = source.Faulty{}

// gitStdin runs git in dir with stdin as its input and returns its output.
func gitStdin(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env, cmd.Stdin = dir, testenv.GitEnv(t), strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}
