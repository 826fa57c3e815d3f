package gitwork

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
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
	w := testenv.NewWorkTree(t, "")
	r, err := Open(w.Dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]TreeFile{"b.txt": {Data: []byte("b")}, "a/x.sh": {Data: []byte("#!/bin/sh\n"), Exec: true}, "a.txt": {Data: []byte("a")}, "a-b/c": {Data: []byte("c")}}
	h, err := r.CommitFiles(files, "render\n\nPaved-Render: x@1", Identity{Name: "T", Email: "t@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	testenv.Git(t, w.Dir, "fsck", "--strict", "--no-dangling")
	if ls := testenv.Git(t, w.Dir, "ls-tree", "-r", "--name-only", h); ls != "a-b/c\na.txt\na/x.sh\nb.txt" {
		t.Errorf("tree = %q", ls)
	}
	if mode := testenv.Git(t, w.Dir, "ls-tree", h, "a/x.sh"); mode[:6] != "100755" {
		t.Errorf("mode = %s", mode)
	}
	testenv.Git(t, w.Dir, "update-ref", "HEAD", h)
	if c, err := r.FindCommit("Paved-Render: x@1", 10); err != nil || c != h {
		t.Errorf("FindCommit = %v, %v", c, err)
	}
	if c, err := r.FindCommit("Paved-Render: y@1", 10); err != nil || c != "" {
		t.Errorf("FindCommit(absent) = %q, %v", c, err)
	}
	got, err := r.CommitTree(h, 1<<20)
	if err != nil || len(got) != 4 || string(got["a/x.sh"].Data) != "#!/bin/sh\n" || !got["a/x.sh"].Exec || got["b.txt"].Exec {
		t.Errorf("CommitTree = %v, %v", got, err)
	}
	if _, err := r.CommitTree(h, 2); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("CommitTree over its limit = %v", err)
	}
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
	if err := r.RequireClean(); err != nil {
		t.Fatalf("clean tree: %v", err)
	}
	if err := os.WriteFile(filepath.Join(w.Dir, "a.txt"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	var de *DirtyError
	err = r.RequireClean()
	if !errors.As(err, &de) || len(de.Files) != 1 || de.Files[0] != "a.txt" || problem.KindOf(err) != problem.Conflict {
		t.Fatalf("dirty tree: %v", err)
	}
	if _, err := Open(t.TempDir()); err == nil || problem.KindOf(err) != problem.Invalid {
		t.Fatalf("Open of a plain directory = %v", err)
	}
}

// An update is a render commit, a new branch and a merge commit of HEAD
// and the render, with the changes made in the work tree.
func TestCommitUpdateMakesTheRenderCommitTheBranchAndTheMerge(t *testing.T) {
	isolate(t)
	w := testenv.NewWorkTree(t, "")
	w.Write(t, map[string]string{"keep.txt": "keep\n", "old.txt": "old\n", "app.txt": "v1\n"})
	base := w.Commit(t, "scaffold")
	r, err := Open(w.Dir)
	if err != nil {
		t.Fatal(err)
	}
	id := Identity{Name: "T", Email: "t@example.com"}
	for i := range 2 { // the second one gets a unique branch name
		res, err := r.CommitUpdate(Update{
			Render:        map[string]TreeFile{"app.txt": {Data: []byte("v2\n")}, "run.sh": {Data: []byte("#!/bin/sh\n"), Exec: true}},
			RenderMessage: "render v2\n\nPaved-Render: t@v2",
			RenderParent:  base,
			Branch:        "paved/update",
			Changes: []FileChange{
				{Path: "app.txt", Data: []byte("v2\n")},
				{Path: "bin/run.sh", Data: []byte("#!/bin/sh\n"), Exec: true},
				{Path: "old.txt", Delete: true},
				{Path: "never-was.txt", Delete: true},
			},
			Message:  "Update",
			Identity: id,
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"paved/update", "paved/update-2"}[i]
		if res.Branch != want || testenv.Git(t, w.Dir, "rev-parse", "--abbrev-ref", "HEAD") != want {
			t.Fatalf("branch = %s, want %s", res.Branch, want)
		}
		parents := strings.Fields(testenv.Git(t, w.Dir, "log", "-1", "--format=%P", res.Commit))
		if len(parents) != 2 || parents[1] != res.Render {
			t.Errorf("merge parents = %v, render %s", parents, res.Render)
		}
		if p := testenv.Git(t, w.Dir, "log", "-1", "--format=%P", res.Render); p != base {
			t.Errorf("render parent = %s, want %s", p, base)
		}
		if ls := testenv.Git(t, w.Dir, "ls-tree", "-r", "--name-only", res.Commit); ls != "app.txt\nbin/run.sh\nkeep.txt" {
			t.Errorf("merge tree = %q", ls)
		}
		if mode := testenv.Git(t, w.Dir, "ls-tree", res.Commit, "bin/run.sh"); mode[:6] != "100755" {
			t.Errorf("mode = %s", mode)
		}
		if s := testenv.Git(t, w.Dir, "status", "--porcelain"); s != "" {
			t.Errorf("work tree after the update:\n%s", s)
		}
		testenv.Git(t, w.Dir, "checkout", "-q", "main")
	}
	testenv.Git(t, w.Dir, "fsck", "--strict")
}

func TestReadFilesAndApplyNeverGoThroughALink(t *testing.T) {
	isolate(t)
	w := testenv.NewWorkTree(t, "")
	outside := t.TempDir()
	w.Write(t, map[string]string{"a.txt": "a\n", "x.sh": "#!/bin/sh\n"})
	if err := os.Chmod(filepath.Join(w.Dir, "x.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(w.Dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(w.Dir, "dir")); err != nil {
		t.Fatal(err)
	}
	r, err := Open(w.Dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.ReadFiles([]string{"a.txt", "x.sh", "missing.txt"}, 1<<20)
	if err != nil || len(got) != 2 || string(got["a.txt"].Data) != "a\n" || got["a.txt"].Exec || !got["x.sh"].Exec {
		t.Fatalf("ReadFiles = %v, %v", got, err)
	}
	if _, err := r.ReadFiles([]string{"link.txt"}, 1<<20); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadFiles(link) = %v", err)
	}
	if _, err := r.ReadFiles([]string{"a.txt"}, 1); err == nil {
		t.Errorf("ReadFiles over the limit succeeded")
	}
	for _, c := range []FileChange{{Path: "dir/escaped.txt", Data: []byte("x")}, {Path: "../escaped.txt", Data: []byte("x")}} {
		if err := r.Apply([]FileChange{c}); err == nil {
			t.Errorf("Apply(%s) succeeded", c.Path)
		}
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("Apply wrote through a link: %v", ents)
	}
}

func TestCommittedDirSaysWhetherADirectoryIsExactlyHEAD(t *testing.T) {
	isolate(t)
	w := testenv.NewWorkTree(t, "")
	w.Write(t, map[string]string{"tpl/template.yaml": "t\n", "tpl/skeleton/a.txt": "a\n", "other.txt": "o\n"})
	c := w.Commit(t, "one")
	tpl := filepath.Join(w.Dir, "tpl")
	root, sub, commit, ok := CommittedDir(tpl, 100)
	if !ok || sub != "tpl" || commit != c || HeadOf(tpl) != c {
		t.Fatalf("CommittedDir = %s %s %s %v", root, sub, commit, ok)
	}
	if same, _ := filepath.EvalSymlinks(root); same != mustEval(t, w.Dir) {
		t.Errorf("repository = %s, want %s", root, w.Dir)
	}
	// A change outside the directory does not matter.
	w.Write(t, map[string]string{"other.txt": "changed\n"})
	if _, _, _, ok := CommittedDir(tpl, 100); !ok {
		t.Error("a change outside the directory counted")
	}
	for name, files := range map[string]map[string]string{
		"changed": {"tpl/skeleton/a.txt": "changed\n"},
		"added":   {"tpl/new.txt": "n\n"},
		"removed": {"tpl/skeleton/a.txt": testenv.Delete},
	} {
		t.Run(name, func(t *testing.T) {
			w.Write(t, files)
			if _, _, _, ok := CommittedDir(tpl, 100); ok {
				t.Errorf("%s file not noticed", name)
			}
			w.Git(t, "checkout", "-q", "--", ".")
			w.Git(t, "clean", "-qfd")
		})
	}
	if _, _, _, ok := CommittedDir(tpl, 1); ok {
		t.Error("more files than the limit accepted")
	}
	if _, _, _, ok := CommittedDir(t.TempDir(), 100); ok || HeadOf(t.TempDir()) != "" {
		t.Error("a directory in no repository is committed")
	}
}

func mustEval(t *testing.T, p string) string {
	t.Helper()
	e, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
