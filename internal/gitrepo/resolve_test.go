package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/testenv"
)

// revisionRepo is a work tree with history:
//
//	c1 (tag v1, lightweight) - c2 (tag v2, annotated) - c3 (main)
//	  \- cr (branch release)
//
// c1 and c3 change tpl/, c2 only other/.
type revisionRepo struct {
	work           *testenv.WorkTree
	c1, c2, c3, cr string
}

func newRevisionRepo(t testing.TB) *revisionRepo {
	t.Helper()
	w := testenv.NewWorkTree(t, "")
	r := &revisionRepo{work: w}
	w.Write(t, map[string]string{"tpl/a.txt": "1\n", "other/x.txt": "x\n"})
	r.c1 = w.Commit(t, "one")
	w.Git(t, "tag", "v1")
	w.Write(t, map[string]string{"other/x.txt": "y\n"})
	r.c2 = w.Commit(t, "two")
	w.Git(t, "tag", "-a", "-m", "release two", "v2")
	w.Write(t, map[string]string{"tpl/a.txt": "3\n"})
	r.c3 = w.Commit(t, "three")
	w.Git(t, "checkout", "-q", "-b", "release", r.c1)
	w.Write(t, map[string]string{"tpl/r.txt": "r\n"})
	r.cr = w.Commit(t, "release only")
	w.Git(t, "checkout", "-q", "main")
	return r
}

func (r *revisionRepo) cases() []struct{ rev, want string } {
	return []struct{ rev, want string }{
		{r.c3, r.c3},
		{r.c1[:7], r.c1},
		{strings.ToUpper(r.c2[:10]), r.c2},
		{"main", r.c3},
		{"release", r.cr},
		{"v1", r.c1},
		{"v2", r.c2}, // annotated: the commit, not the tag object
		{"refs/tags/v2", r.c2},
		{"main~1", r.c2},
		{"v2^", r.c1},
		{"main~2", r.c1},
		{"HEAD", r.c3},
	}
}

func checkResolve(t *testing.T, repo *Repo, rev, want string) {
	t.Helper()
	got, err := repo.Resolve(rev)
	if want == "" {
		if err == nil {
			t.Errorf("Resolve(%q) = %s, want an error", rev, got)
		}
		return
	}
	if err != nil || got != want {
		t.Errorf("Resolve(%q) = %s, %v; want %s", rev, got, err, want)
	}
}

// A repository read in place resolves commits, abbreviations, branches,
// tags (annotated ones to their commit) and ~/^ suffixes as git does.
func TestResolveInALocalRepository(t *testing.T) {
	r := newRevisionRepo(t)
	repo, _, err := Local(r.work.Dir, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.cases() {
		checkResolve(t, repo, c.rev, c.want)
		if c.want != "" {
			if want := r.work.Git(t, "rev-parse", c.rev+"^{commit}"); want != c.want {
				t.Fatalf("test case %q disagrees with git: %s", c.rev, want)
			}
		}
	}
}

// In a clone, branches are the remote's as last fetched: a branch that
// moved on the server resolves to its new commit after a fetch, never to
// the clone's first copy.
func TestResolveInACloneFollowsTheFetchedBranches(t *testing.T) {
	ctx := context.Background()
	r := newRevisionRepo(t)
	srv := testenv.StartGitServer(t)
	url := srv.Publish(t, "tpl.git", r.work)
	r.work.PushRef(t, "main", "release", "--tags")
	dir := filepath.Join(t.TempDir(), "clone.git")
	// Clone, then fetch (the clone itself takes no tags).
	for range 2 {
		if _, _, err := Update(ctx, dir, url, ""); err != nil {
			t.Fatal(err)
		}
	}
	repo, err := Open(dir, url)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.cases() {
		checkResolve(t, repo, c.rev, c.want)
	}
	r.work.Write(t, map[string]string{"tpl/a.txt": "4\n"})
	c4 := r.work.Commit(t, "four")
	r.work.Push(t)
	if _, _, err := Update(ctx, dir, url, ""); err != nil {
		t.Fatal(err)
	}
	repo, _ = Open(dir, url)
	checkResolve(t, repo, "main", c4)
	checkResolve(t, repo, "HEAD", c4)
	checkResolve(t, repo, "main~1", r.c3)
}

func TestResolveRefusesWhatIsNoRevision(t *testing.T) {
	r := newRevisionRepo(t)
	repo, _, err := Local(r.work.Dir, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, rev := range []string{
		"", "no-such-branch", strings.Repeat("0", 40), "abc", // too short to be an abbreviation
		"main~99", "main@{upstream}", "main^{/three}", "main:tpl", "v1 v2", "main\x00", "main\n",
		strings.Repeat("a", 300), "main~123456",
	} {
		if got, err := repo.Resolve(rev); err == nil {
			t.Errorf("Resolve(%q) = %s, want an error", rev, got)
		} else if strings.Contains(err.Error(), "\x00") {
			t.Errorf("Resolve(%q): error carries the raw input: %q", rev, err)
		}
	}
}

func TestResolveRefusesAnAmbiguousAbbreviation(t *testing.T) {
	w := testenv.NewWorkTree(t, "")
	// 1500 commits in one git fast-import: two of them share their first
	// four hex digits (the chance that none do is below 1e-7).
	var stream bytes.Buffer
	for i := range 1500 {
		fmt.Fprintf(&stream, "commit refs/heads/main\ncommitter T <t@example.com> %d +0000\ndata 2\nc\n", 1700000000+i)
		stream.WriteString("\n") // no "from": each commit follows the branch's tip
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir, cmd.Env, cmd.Stdin = w.Dir, testenv.GitEnv(t), &stream
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git fast-import: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	prefix := ""
	for _, c := range strings.Fields(w.Git(t, "rev-list", "main")) {
		if seen[c[:4]] {
			prefix = c[:4]
			break
		}
		seen[c[:4]] = true
	}
	if prefix == "" {
		t.Fatal("no two commits share four hex digits")
	}
	repo, _, err := Local(w.Dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := repo.Resolve(prefix); err == nil || !strings.Contains(err.Error(), "give more of the hash") {
		t.Fatalf("Resolve(%q) = %s, %v; want an ambiguity error", prefix, got, err)
	}
}

func TestTreeAtReadsTheResolvedCommit(t *testing.T) {
	r := newRevisionRepo(t)
	repo, _, err := Local(r.work.Dir, "")
	if err != nil {
		t.Fatal(err)
	}
	tree, commit, err := repo.TreeAt("v2")
	if err != nil || commit != r.c2 {
		t.Fatalf("TreeAt(v2) = %s, %v", commit, err)
	}
	if b, err := fs.ReadFile(tree, "other/x.txt"); err != nil || string(b) != "y\n" {
		t.Errorf("other/x.txt at v2 = %q, %v", b, err)
	}
	if _, _, err := repo.TreeAt("nope"); err == nil {
		t.Error("TreeAt(nope) succeeded")
	}
}

// CommitsBetween counts what `git rev-list --count from..to -- dir` counts.
func TestCommitsBetweenCountsTheCommitsThatChangeTheDirectory(t *testing.T) {
	r := newRevisionRepo(t)
	repo, _, err := Local(r.work.Dir, "")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		from, to, dir string
		want          int
	}{
		{r.c1, r.c3, "tpl", 1},   // c2 changed only other/
		{r.c1, r.c3, "", 2},      // both
		{r.c2, r.c3, "tpl", 1},   // from need not touch the directory
		{r.c1, r.c3, "other", 1}, //
		{r.c3, r.c3, "tpl", 0},
		{r.c3, r.c1, "tpl", 0}, // to is behind from
		{r.cr, r.c3, "tpl", 1}, // a side branch: what main has that release lacks
		{r.c1, r.c3, "missing", 0},
	}
	for _, c := range cases {
		got, err := repo.CommitsBetween(c.from, c.to, c.dir, 100)
		if err != nil || got != c.want {
			t.Errorf("CommitsBetween(%s..%s, %q) = %d, %v; want %d", c.from[:7], c.to[:7], c.dir, got, err, c.want)
		}
		args := []string{"rev-list", "--count", c.from + ".." + c.to}
		if c.dir != "" {
			args = append(args, "--", c.dir)
		}
		if git := r.work.Git(t, args...); git != strconv.Itoa(c.want) {
			t.Fatalf("test case %s disagrees with git: %s", strings.Join(args, " "), git)
		}
	}
	if _, err := repo.CommitsBetween(r.c1, r.c3, "", 1); !errors.Is(err, ErrTooFarApart) {
		t.Errorf("limit 1: %v", err)
	}
	if _, err := repo.CommitsBetween("main", r.c3, "", 10); err == nil {
		t.Error("a branch name was accepted where a hash is required")
	}
}

// Whatever a person types as a revision, Resolve answers a commit of the
// repository or an error, and never panics.
func FuzzResolve(f *testing.F) {
	r := newRevisionRepo(f)
	repo, _, err := Local(r.work.Dir, "")
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range r.cases() {
		f.Add(c.rev)
	}
	for _, s := range []string{"main~99999", "v2^^^^", "~", "^", "a~", "HEAD~0^0", "refs/heads/", "origin/main", "main^{}", "@", ""} {
		f.Add(s)
	}
	commits := map[string]bool{r.c1: true, r.c2: true, r.c3: true, r.cr: true}
	f.Fuzz(func(t *testing.T, rev string) {
		got, err := repo.Resolve(rev)
		if err == nil && !commits[got] {
			t.Fatalf("Resolve(%q) = %q, not a commit of the repository", rev, got)
		}
	})
}
