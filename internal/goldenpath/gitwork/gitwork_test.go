package gitwork

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5"

	"github.com/paved-dev/paved/internal/testenv"
)

func isolate(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("GIT_CONFIG_GLOBAL", "")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "EMAIL"} {
		t.Setenv(k, "")
	}
	return home
}

func TestIdentityIsReadLikeGitReadsIt(t *testing.T) {
	home := isolate(t)
	if _, err := UserIdentity(""); !errors.Is(err, ErrNoIdentity) {
		t.Fatalf("no configuration: %v", err)
	}
	testenv.WriteFiles(t, home, map[string]string{
		".config/git/config": "[user]\n\tname = From XDG\n\temail = xdg@example.com\n",
		".gitconfig":         "[user]\n\tname = From Global\n",
	})
	id, err := UserIdentity("")
	if err != nil || id.Name != "From Global" || id.Email != "xdg@example.com" {
		t.Fatalf("identity = %+v, %v", id, err)
	}
	repo := t.TempDir()
	testenv.WriteFiles(t, repo, map[string]string{".git/config": "[user]\n\temail = repo@example.com\n"})
	if id, _ := UserIdentity(repo); id.Email != "repo@example.com" {
		t.Errorf("repository configuration not preferred: %+v", id)
	}
	t.Setenv("GIT_AUTHOR_NAME", "From Env")
	if id, _ := UserIdentity(""); id.Name != "From Env" {
		t.Errorf("environment not preferred: %+v", id)
	}
}

func TestCommitFilesWritesAValidCommit(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]TreeFile{"b.txt": {Data: []byte("b")}, "a/x.sh": {Data: []byte("#!/bin/sh\n"), Exec: true}, "a.txt": {Data: []byte("a")}, "a-b/c": {Data: []byte("c")}}
	h, err := CommitFiles(r, files, "render\n\nPaved-Render: x@1", Identity{Name: "T", Email: "t@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	testenv.Git(t, dir, "fsck", "--strict", "--no-dangling")
	if ls := testenv.Git(t, dir, "ls-tree", "-r", "--name-only", h.String()); ls != "a-b/c\na.txt\na/x.sh\nb.txt" {
		t.Errorf("tree = %q", ls)
	}
	if mode := testenv.Git(t, dir, "ls-tree", h.String(), "a/x.sh"); mode[:6] != "100755" {
		t.Errorf("mode = %s", mode)
	}
	if c, err := FindCommit(mustHead(t, r, dir, h.String()), "Paved-Render: x@1", 10); err != nil || c == nil || c.Hash != h {
		t.Errorf("FindCommit = %v, %v", c, err)
	}
}

func mustHead(t *testing.T, r *git.Repository, dir, commit string) *git.Repository {
	t.Helper()
	testenv.Git(t, dir, "update-ref", "HEAD", commit)
	return r
}

func TestRequireCleanListsChanges(t *testing.T) {
	isolate(t)
	w := testenv.NewWorkTree(t, "")
	w.Write(t, map[string]string{"a.txt": "a"})
	w.Commit(t, "one")
	r, err := Open(w.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := RequireClean(r, w.Dir); err != nil {
		t.Fatalf("clean tree: %v", err)
	}
	if err := os.WriteFile(filepath.Join(w.Dir, "a.txt"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	var de *DirtyError
	if err := RequireClean(r, w.Dir); !errors.As(err, &de) || len(de.Files) != 1 || de.Files[0] != "a.txt" {
		t.Fatalf("dirty tree: %v", err)
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Fatal("Open of a plain directory succeeded")
	}
}
