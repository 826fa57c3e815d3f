package gitrepo

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/paved-dev/paved/internal/testenv"
)

// served is a work repository pushed to a bare repository that a git
// daemon serves.
type served struct {
	work *testenv.WorkTree
	url  string
	srv  *testenv.GitServer
}

func serve(t *testing.T, files map[string]string) (*served, string) {
	t.Helper()
	srv := testenv.StartGitServer(t)
	work := testenv.NewWorkTree(t, "")
	work.Write(t, files)
	c := work.Commit(t, "first")
	return &served{work: work, url: srv.Publish(t, "catalog.git", work), srv: srv}, c
}

func TestUpdateClonesThenFetches(t *testing.T) {
	ctx := context.Background()
	s, c1 := serve(t, map[string]string{"catalog-info.yaml": "one\n"})
	dir := filepath.Join(t.TempDir(), "clone.git")

	repo, h, err := Update(ctx, dir, s.url, "")
	if err != nil {
		t.Fatalf("first Update (clone): %v", err)
	}
	if h.String() != c1 {
		t.Fatalf("clone resolved %s, want %s", h, c1)
	}
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
		t.Fatalf("clone is not a bare repository at %s: %v", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "catalog-info.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("clone has a working copy (stat err %v)", err)
	}
	tree, err := repo.Snapshot(h)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := fs.ReadFile(tree, "catalog-info.yaml"); string(b) != "one\n" {
		t.Fatalf("first commit content = %q", b)
	}

	s.work.Write(t, map[string]string{"catalog-info.yaml": "two\n", "more.yaml": "more\n"})
	c2 := s.work.Commit(t, "second")
	s.work.Push(t)

	repo, h, err = Update(ctx, dir, s.url, "")
	if err != nil {
		t.Fatalf("second Update (fetch): %v", err)
	}
	if h.String() != c2 {
		t.Fatalf("after a push Update resolved %s, want the new commit %s", h, c2)
	}
	tree, err = repo.Snapshot(h)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := fs.ReadFile(tree, "more.yaml"); string(b) != "more\n" {
		t.Fatalf("new commit content = %q", b)
	}

	// A force-push that rewrites history is followed too.
	s.work.Git(t, "reset", "-q", "--hard", c1)
	s.work.Write(t, map[string]string{"rewritten.yaml": "x\n"})
	c3 := s.work.Commit(t, "rewritten")
	s.work.Push(t)
	if _, h, err = Update(ctx, dir, s.url, ""); err != nil || h.String() != c3 {
		t.Fatalf("after a force-push Update = %s, %v; want %s", h, err, c3)
	}
}

func TestUpdateResolvesBranchesAndTags(t *testing.T) {
	ctx := context.Background()
	s, c1 := serve(t, map[string]string{"a.yaml": "a\n"})
	s.work.Git(t, "tag", "v1")
	s.work.Write(t, map[string]string{"a.yaml": "b\n"})
	c2 := s.work.Commit(t, "second")
	s.work.Git(t, "tag", "-a", "-m", "release two", "v2")
	s.work.Git(t, "checkout", "-q", "-b", "release", c1)
	s.work.Write(t, map[string]string{"release.yaml": "r\n"})
	cr := s.work.Commit(t, "release only")
	s.work.PushRef(t, "main", "release", "--tags")

	tests := []struct {
		ref, want string
	}{
		{"", c2},
		{"main", c2},
		{"release", cr},
		{"v1", c1},
		{"v2", c2}, // annotated: the commit, not the tag object
	}
	for _, tt := range tests {
		t.Run("ref="+tt.ref, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "clone.git")
			_, h, err := Update(ctx, dir, s.url, tt.ref)
			if err != nil {
				t.Fatalf("clone: %v", err)
			}
			if h.String() != tt.want {
				t.Fatalf("clone resolved %s, want %s", h, tt.want)
			}
			// And again through the fetch path.
			if _, h, err = Update(ctx, dir, s.url, tt.ref); err != nil || h.String() != tt.want {
				t.Fatalf("fetch resolved %s, %v; want %s", h, err, tt.want)
			}
		})
	}
}

func TestUpdateOfAMissingRefFailsAndLeavesNothing(t *testing.T) {
	s, _ := serve(t, map[string]string{"a.yaml": "a\n"})
	dir := filepath.Join(t.TempDir(), "clone.git")
	_, _, err := Update(context.Background(), dir, s.url, "no-such-branch")
	if err == nil {
		t.Fatal("Update with a ref the remote does not have succeeded")
	}
	if !strings.Contains(err.Error(), "catalog.git") {
		t.Errorf("error %q does not name the repository", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a failed clone left %s behind (stat err %v)", dir, err)
	}
}

func TestUpdateOnUnreachableRemoteKeepsTheOldCommit(t *testing.T) {
	ctx := context.Background()
	s, c1 := serve(t, map[string]string{"catalog-info.yaml": "one\n"})
	dir := filepath.Join(t.TempDir(), "clone.git")
	if _, _, err := Update(ctx, dir, s.url, ""); err != nil {
		t.Fatal(err)
	}
	s.work.Write(t, map[string]string{"catalog-info.yaml": "two\n"})
	s.work.Commit(t, "not fetched")
	s.work.Push(t)
	s.srv.Stop()

	repo, h, err := Update(ctx, dir, s.url, "")
	var stale *StaleError
	if !errors.As(err, &stale) {
		t.Fatalf("Update with the remote down = %v (%T), want a *StaleError", err, err)
	}
	if !strings.Contains(err.Error(), "using the last fetched commit") || !strings.Contains(err.Error(), "fetch ") {
		t.Errorf("stale error %q does not say what happened", err)
	}
	if stale.Unwrap() == nil {
		t.Error("StaleError does not wrap the fetch error")
	}
	if repo == nil || h.String() != c1 {
		t.Fatalf("Update returned repo %v, commit %s; want the clone at %s", repo, h, c1)
	}
	tree, err := repo.Snapshot(h)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := fs.ReadFile(tree, "catalog-info.yaml"); string(b) != "one\n" {
		t.Fatalf("stale content = %q", b)
	}

	// Open needs no network at all.
	repo, err = Open(dir, s.url)
	if err != nil {
		t.Fatalf("Open offline: %v", err)
	}
	if _, err := repo.Snapshot(h); err != nil {
		t.Fatalf("Snapshot offline: %v", err)
	}
}

func TestUpdateOnUnreachableRemoteWithoutCloneFails(t *testing.T) {
	s, _ := serve(t, map[string]string{"a.yaml": "a\n"})
	s.srv.Stop()
	dir := filepath.Join(t.TempDir(), "clone.git")
	_, _, err := Update(context.Background(), dir, s.url, "")
	var stale *StaleError
	if err == nil || errors.As(err, &stale) {
		t.Fatalf("Update of an unreachable remote with no clone = %v, want a plain error", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("failed clone left %s behind", dir)
	}
}

func TestOpenOfAMissingCloneFails(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "none.git"), "https://example.com/x.git"); err == nil {
		t.Fatal("Open of a directory without a clone succeeded")
	}
}

func TestLocalReadsARepositoryInPlace(t *testing.T) {
	work := testenv.NewWorkTree(t, "")
	work.Write(t, map[string]string{"catalog-info.yaml": "one\n", "sub/x.yaml": "x\n"})
	c1 := work.Commit(t, "one")
	work.Git(t, "tag", "v1")
	work.Write(t, map[string]string{"catalog-info.yaml": "two\n"})
	c2 := work.Commit(t, "two")
	work.Git(t, "tag", "-a", "-m", "annotated", "v2")
	work.Git(t, "checkout", "-q", "-b", "feature")
	work.Write(t, map[string]string{"feature.yaml": "f\n"})
	c3 := work.Commit(t, "feature")
	work.Git(t, "checkout", "-q", "main")
	// A stale remote-tracking branch with the same name must not win over
	// the repository's own branch.
	work.Git(t, "update-ref", "refs/remotes/origin/main", c1)
	// Uncommitted edits are not part of any commit.
	work.Write(t, map[string]string{"catalog-info.yaml": "dirty\n"})

	tests := []struct {
		ref, want string
	}{
		{"", c2},
		{"main", c2},
		{"feature", c3},
		{"v1", c1},
		{"v2", c2},
		{c1, c1},
	}
	for _, tt := range tests {
		repo, h, err := Local(work.Dir, tt.ref)
		if err != nil {
			t.Fatalf("Local(%q): %v", tt.ref, err)
		}
		if h.String() != tt.want {
			t.Errorf("Local(%q) = %s, want %s", tt.ref, h, tt.want)
		}
		if tt.ref == "" {
			tree, err := repo.Snapshot(h)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := fs.ReadFile(tree, "catalog-info.yaml"); string(b) != "two\n" {
				t.Errorf("HEAD snapshot reads %q, want the committed content", b)
			}
		}
	}

	if _, _, err := Local(work.Dir, "no-such-ref"); err == nil || !strings.Contains(err.Error(), "check the ref") {
		t.Errorf("Local with an unknown ref = %v, want an error saying to check the ref", err)
	}
	if _, _, err := Local(filepath.Join(work.Dir, "sub"), ""); err == nil {
		t.Error("Local of a subdirectory of a repository succeeded; it must be the repository itself")
	}
	if _, _, err := Local(t.TempDir(), ""); err == nil {
		t.Error("Local of a plain directory succeeded")
	}
	if got := work.Git(t, "status", "--porcelain"); got != "M catalog-info.yaml" {
		t.Errorf("Local changed the repository: git status = %q", got)
	}
}

// treeRepo commits a small tree and returns its snapshot and the work tree.
func treeRepo(t *testing.T) (*TreeFS, *testenv.WorkTree) {
	t.Helper()
	work := testenv.NewWorkTree(t, "")
	work.Write(t, map[string]string{
		"a.txt":          "alpha\n",
		"dir/b.yaml":     "kind: B\n",
		"dir/sub/c.yaml": "kind: C\n",
		"exec.sh":        "#!/bin/sh\necho hi\n",
	})
	if err := os.Chmod(filepath.Join(work.Dir, "exec.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := work.Commit(t, "tree")
	repo, h, err := Local(work.Dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if h.String() != c {
		t.Fatalf("Local = %s, want %s", h, c)
	}
	tree, err := repo.Snapshot(h)
	if err != nil {
		t.Fatal(err)
	}
	return tree, work
}

func TestTreeFSIsAValidFileSystem(t *testing.T) {
	tree, _ := treeRepo(t)
	if err := fstest.TestFS(tree, "a.txt", "dir/b.yaml", "dir/sub/c.yaml", "exec.sh"); err != nil {
		t.Fatal(err)
	}
}

func TestTreeFSOpenReadDirAndStat(t *testing.T) {
	tree, _ := treeRepo(t)

	b, err := fs.ReadFile(tree, "dir/sub/c.yaml")
	if err != nil || string(b) != "kind: C\n" {
		t.Fatalf("ReadFile = %q, %v", b, err)
	}
	f, err := tree.Open("a.txt")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if st.Name() != "a.txt" || st.Size() != int64(len("alpha\n")) || !st.Mode().IsRegular() || st.IsDir() {
		t.Errorf("Stat(a.txt) = name %q size %d mode %v", st.Name(), st.Size(), st.Mode())
	}
	f.Close()

	if st, err := fs.Stat(tree, "exec.sh"); err != nil || st.Mode().Perm()&0o111 == 0 {
		t.Errorf("exec.sh mode = %v, %v; want executable bits", st.Mode(), err)
	}

	d, err := tree.Open("dir")
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := d.Stat(); !st.IsDir() || st.Name() != "dir" {
		t.Errorf("Stat(dir) = %v", st)
	}
	if _, err := d.Read(make([]byte, 1)); err == nil {
		t.Error("Read on a directory succeeded")
	}
	d.Close()

	names := func(es []fs.DirEntry) []string {
		var out []string
		for _, e := range es {
			n := e.Name()
			if e.IsDir() {
				n += "/"
			}
			out = append(out, n)
		}
		return out
	}
	root, err := tree.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(root); !reflect.DeepEqual(got, []string{"a.txt", "dir/", "exec.sh"}) {
		t.Errorf("ReadDir(.) = %v", got)
	}
	sub, err := fs.ReadDir(tree, "dir")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(sub); !reflect.DeepEqual(got, []string{"b.yaml", "sub/"}) {
		t.Errorf("ReadDir(dir) = %v", got)
	}

	for _, name := range []string{"missing.txt", "dir/missing", "a.txt/child", "missing/dir/x"} {
		if _, err := tree.Open(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q) = %v, want fs.ErrNotExist", name, err)
		}
	}
	if _, err := tree.ReadDir("a.txt"); err == nil {
		t.Error("ReadDir of a file succeeded")
	}
}

func TestTreeFSReadDirPagesThroughEntries(t *testing.T) {
	tree, _ := treeRepo(t)
	f, err := tree.Open(".")
	if err != nil {
		t.Fatal(err)
	}
	d := f.(fs.ReadDirFile)
	var got []string
	for {
		es, err := d.ReadDir(1)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || len(es) != 1 {
			t.Fatalf("ReadDir(1) = %v, %v", es, err)
		}
		got = append(got, es[0].Name())
	}
	if !reflect.DeepEqual(got, []string{"a.txt", "dir", "exec.sh"}) {
		t.Fatalf("paged entries = %v", got)
	}
}

func TestTreeFSFingerprintIsTheBlobHash(t *testing.T) {
	tree, work := treeRepo(t)
	for _, name := range []string{"a.txt", "dir/b.yaml", "dir/sub/c.yaml"} {
		got, err := tree.Fingerprint(name)
		if err != nil {
			t.Fatalf("Fingerprint(%q): %v", name, err)
		}
		if want := work.Git(t, "rev-parse", "HEAD:"+name); got != want {
			t.Errorf("Fingerprint(%q) = %s, want blob %s", name, got, want)
		}
	}
	if _, err := tree.Fingerprint("dir"); err == nil {
		t.Error("Fingerprint of a directory succeeded")
	}
	if _, err := tree.Fingerprint("missing.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Fingerprint(missing) = %v, want fs.ErrNotExist", err)
	}
}

func TestTreeFSWalkDirVisitsEveryEntry(t *testing.T) {
	tree, _ := treeRepo(t)
	want := []string{".", "a.txt", "dir", "dir/b.yaml", "dir/sub", "dir/sub/c.yaml", "exec.sh"}
	walk := func() ([]string, error) {
		var got []string
		err := fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			got = append(got, p)
			return nil
		})
		return got, err
	}
	got, err := walk()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("WalkDir = %v, want %v", got, want)
	}

	// Safe for concurrent use: parallel walks over a fresh snapshot agree.
	fresh, _ := treeRepo(t)
	tree = fresh
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := walk()
			if err == nil && !reflect.DeepEqual(got, want) {
				err = errors.New("concurrent walk saw " + strings.Join(got, ","))
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestTreeFSSubIsRootedAtTheDirectory(t *testing.T) {
	tree, _ := treeRepo(t)
	sub, err := tree.Sub("dir")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(sub, "sub/c.yaml"); err != nil || string(b) != "kind: C\n" {
		t.Fatalf("Sub(dir) ReadFile(sub/c.yaml) = %q, %v", b, err)
	}
	if _, err := sub.Open("a.txt"); err == nil {
		t.Error("Sub(dir) can open a file outside dir")
	}
	for _, whole := range []string{"", ".", "/"} {
		if s, err := tree.Sub(whole); err != nil || s != tree {
			t.Errorf("Sub(%q) = %v, %v; want the whole tree", whole, s, err)
		}
	}
	if _, err := tree.Sub("missing"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Sub(missing) = %v, want an error naming it", err)
	}
	if _, err := tree.Sub("a.txt"); err == nil {
		t.Error("Sub of a file succeeded")
	}
}

func TestChangedPathsListsExactlyTheChangedFiles(t *testing.T) {
	work := testenv.NewWorkTree(t, "")
	work.Write(t, map[string]string{
		"a.yaml":            "a\n",
		"keep.yaml":         "same\n",
		"dir/b.yaml":        "b\n",
		"dir/same.yaml":     "same\n",
		"dir/gone.yaml":     "gone\n",
		"untouched/x.yaml":  "x\n",
		"untouched/y/z.txt": "z\n",
		"moved/old-name.md": "a file long enough that git sees the rename as a rename\n",
	})
	c1 := work.Commit(t, "one")
	work.Write(t, map[string]string{
		"dir/b.yaml":        "b changed\n",
		"dir/gone.yaml":     testenv.Delete,
		"dir/new/e.yaml":    "e\n",
		"a.yaml":            testenv.Delete,
		"f.yaml":            "a\n", // a.yaml renamed
		"moved/old-name.md": testenv.Delete,
		"moved/new-name.md": "a file long enough that git sees the rename as a rename\n",
	})
	c2 := work.Commit(t, "two")
	repo, _, err := Local(work.Dir, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := repo.ChangedPaths(plumbing.NewHash(c1), plumbing.NewHash(c2))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for p, ok := range got {
		if ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	want := []string{"a.yaml", "dir/b.yaml", "dir/gone.yaml", "dir/new/e.yaml", "f.yaml", "moved/new-name.md", "moved/old-name.md"}
	if !reflect.DeepEqual(paths, want) {
		t.Fatalf("ChangedPaths = %v, want %v", paths, want)
	}

	same, err := repo.ChangedPaths(plumbing.NewHash(c2), plumbing.NewHash(c2))
	if err != nil || len(same) != 0 {
		t.Fatalf("ChangedPaths(c, c) = %v, %v; want nothing", same, err)
	}
	if _, err := repo.ChangedPaths(plumbing.NewHash(c1), plumbing.NewHash(strings.Repeat("ab", 20))); err == nil {
		t.Fatal("ChangedPaths to an unknown commit succeeded")
	}
}

// A tree or blob object that cannot be read (a pack file gone in the middle
// of a gc) is an I/O error, never "no such file": callers keep their cache
// on the one and drop entities on the other.
func TestTreeFSObjectReadFailuresAreNotMissingFiles(t *testing.T) {
	tree, work := treeRepo(t)
	for _, obj := range []string{"HEAD:dir/sub", "HEAD:dir/b.yaml"} {
		h := work.Git(t, "rev-parse", obj)
		if err := os.Remove(filepath.Join(work.Dir, ".git", "objects", h[:2], h[2:])); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range []struct {
		name string
		err  func() error
	}{
		{"Open(dir/sub/c.yaml)", func() error { _, err := tree.Open("dir/sub/c.yaml"); return err }},
		{"Stat(dir/sub/c.yaml)", func() error { _, err := tree.Stat("dir/sub/c.yaml"); return err }},
		{"Fingerprint(dir/sub/c.yaml)", func() error { _, err := tree.Fingerprint("dir/sub/c.yaml"); return err }},
		{"ReadDir(dir/sub)", func() error { _, err := tree.ReadDir("dir/sub"); return err }},
		{"Open(dir/b.yaml)", func() error { _, err := tree.Open("dir/b.yaml"); return err }},
	} {
		err := op.err()
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s with its object gone = %v, want an I/O error that is not fs.ErrNotExist", op.name, err)
		}
	}
	if _, err := tree.Open("dir/missing.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a name the tree does not have = %v, want fs.ErrNotExist", err)
	}
}
