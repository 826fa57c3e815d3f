package gitrepo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/paved-dev/paved/internal/testenv"
)

func TestRedactRemovesCredentialsFromURLs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://user:s3cret@github.com/acme/platform.git", "https://github.com/acme/platform.git"},
		{"https://ghp_T0KEN@github.com/acme/platform.git", "https://github.com/acme/platform.git"},
		{"http://user:s3cret@git.internal:8080/acme/platform", "http://git.internal:8080/acme/platform"},
		{"https://oauth2:glpat-s3cret@gitlab.example.com/g/p.git", "https://gitlab.example.com/g/p.git"},
		{"ssh://git:s3cret@git.internal/acme/platform.git", "ssh://git.internal/acme/platform.git"},
		{"git://user:s3cret@127.0.0.1:9418/platform.git", "git://127.0.0.1:9418/platform.git"},
		// Not parseable as a URL (bad escape in the password): the text form is redacted.
		{"https://user:s3%zzcret@github.com/acme/platform.git", "https://github.com/acme/platform.git"},
		// Nothing secret: unchanged.
		{"ssh://git@github.com/acme/platform.git", "ssh://git@github.com/acme/platform.git"},
		{"git@github.com:acme/platform.git", "git@github.com:acme/platform.git"},
		{"https://github.com/acme/platform.git", "https://github.com/acme/platform.git"},
		{"/home/me/platform", "/home/me/platform"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactTextRemovesCredentialsFromErrorText(t *testing.T) {
	in := `Get "https://user:s3cret@github.com/acme/p.git/info/refs?service=git-upload-pack": dial tcp; ` +
		`also http://tok3n@git.internal/x and ssh://git@github.com/acme/p.git`
	got := redactText(in)
	for _, secret := range []string{"s3cret", "tok3n", "user:"} {
		if strings.Contains(got, secret) {
			t.Errorf("redactText left %q in %q", secret, got)
		}
	}
	for _, keep := range []string{"https://github.com/acme/p.git/info/refs", "http://git.internal/x", "ssh://git@github.com/acme/p.git"} {
		if !strings.Contains(got, keep) {
			t.Errorf("redactText removed %q: %q", keep, got)
		}
	}
	if e := explain(errors.New(in), ""); strings.Contains(e.Error(), "s3cret") || strings.Contains(e.Error(), "tok3n") {
		t.Errorf("explain kept a secret: %v", e)
	}
}

func TestHasPasswordFindsSecretsInURLs(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"https://user:s3cret@github.com/acme/p.git", true},
		{"ssh://git:s3cret@git.internal/p.git", true},
		{"https://github.com/acme/p.git", false},
		{"ssh://git@github.com/acme/p.git", false},
		{"git@github.com:acme/p.git", false},
		{"/home/me/platform", false},
	}
	for _, tt := range tests {
		if got := HasPassword(tt.in); got != tt.want {
			t.Errorf("HasPassword(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// gitHTTPServer is an https server (see trustTestTLS) that answers every
// request with status and records the Authorization headers it received.
func gitHTTPServer(t *testing.T, status int) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var auths []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
		}
		http.Error(w, "nope", status)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), auths...) }
}

// isolateGitConfig keeps the user's credential helpers and tokens out of the
// test.
func isolateGitConfig(t *testing.T) {
	isolateCredentials(t)
	trustTestTLS(t)
}

func TestCredentialsInURLNeverAppearInErrors(t *testing.T) {
	isolateGitConfig(t)
	closed := httptest.NewTLSServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	tests := []struct {
		name   string
		status int
		url    func(base string) string
		want   string
	}{
		{"authentication required", http.StatusUnauthorized, nil, "PAVED_GIT_TOKEN"},
		{"forbidden", http.StatusForbidden, nil, ""},
		{"not found", http.StatusNotFound, nil, "check the URL"},
		{"server error", http.StatusInternalServerError, nil, ""},
		{"unreachable", 0, func(string) string { return closedURL }, ""},
		{"bad port", 0, func(string) string { return "https://127.0.0.1:99999999" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := closedURL
			if tt.status != 0 {
				srv, _ := gitHTTPServer(t, tt.status)
				base = srv.URL
			}
			if tt.url != nil {
				base = tt.url(base)
			}
			u := strings.Replace(base, "://", "://paved-user:s3cret-t0ken@", 1) + "/acme/platform.git"
			dir := filepath.Join(t.TempDir(), "clone.git")
			_, _, err := Update(context.Background(), dir, u, "")
			if err == nil {
				t.Fatal("Update succeeded against a failing server")
			}
			msg := fmt.Sprintf("%v | %+v | %#v", err, err, err.Error())
			if strings.Contains(msg, "s3cret-t0ken") {
				t.Fatalf("the password appears in the error: %s", msg)
			}
			if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestCredentialsNeverAppearInStaleFetchErrors(t *testing.T) {
	isolateGitConfig(t)
	// A clone from a local repository, then fetches from a URL with a
	// password that fails: the stale error must not carry it.
	work := testenv.NewWorkTree(t, "")
	work.Write(t, map[string]string{"a.yaml": "a\n"})
	work.Commit(t, "one")
	dir := filepath.Join(t.TempDir(), "clone.git")
	if _, _, err := Update(context.Background(), dir, work.Dir, ""); err != nil {
		t.Fatalf("clone from a local path: %v", err)
	}
	srv, _ := gitHTTPServer(t, http.StatusInternalServerError)
	u := strings.Replace(srv.URL, "://", "://paved-user:s3cret-t0ken@", 1) + "/acme/platform.git"
	_, _, err := Update(context.Background(), dir, u, "")
	var stale *StaleError
	if !errors.As(err, &stale) {
		t.Fatalf("Update = %v, want a *StaleError", err)
	}
	if strings.Contains(err.Error(), "s3cret-t0ken") || strings.Contains(stale.Err.Error(), "s3cret-t0ken") {
		t.Fatalf("the password appears in the stale error: %v", err)
	}
}

func TestTokenFromEnvironmentIsSentToItsHostButNeverShown(t *testing.T) {
	isolateGitConfig(t)
	const token = "env-t0ken-s3cret"
	srv, auths := gitHTTPServer(t, http.StatusForbidden)
	t.Setenv(TokenEnv, token)
	t.Setenv(TokenHostsEnv, hostOf(t, srv.URL))
	_, _, err := Update(context.Background(), filepath.Join(t.TempDir(), "c.git"), srv.URL+"/acme/platform.git", "")
	if err == nil {
		t.Fatal("Update succeeded against a refusing server")
	}
	if strings.Contains(err.Error(), token) {
		t.Fatalf("the token appears in the error: %v", err)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:"+token))
	got := auths()
	if len(got) == 0 || got[0] != want {
		t.Fatalf("server received Authorization %q, want the PAVED_GIT_TOKEN as basic auth", got)
	}
}

// linkRepo commits a regular file, symbolic links (to a file inside, to a
// file outside the tree, to a directory) and a submodule entry.
func linkRepo(t *testing.T) (*TreeFS, *testenv.WorkTree) {
	t.Helper()
	work := testenv.NewWorkTree(t, "")
	work.Write(t, map[string]string{"a.yaml": "a\n", "dir/b.yaml": "b\n"})
	for name, target := range map[string]string{
		"inside-link":  "a.yaml",
		"outside-link": "/etc/passwd",
		"parent-link":  "../../../../etc/passwd",
		"dir-link":     "dir",
	} {
		if err := os.Symlink(target, filepath.Join(work.Dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	work.Git(t, "add", "-A")
	other := testenv.NewWorkTree(t, "")
	sub := other.Commit(t, "submodule commit")
	work.Git(t, "update-index", "--add", "--cacheinfo", "160000,"+sub+",vendored")
	work.Git(t, "commit", "-q", "-m", "links") // no add -A: it would drop the gitlink
	if mode := work.Git(t, "ls-tree", "HEAD", "vendored"); !strings.HasPrefix(mode, "160000 ") {
		t.Fatalf("vendored was not committed as a submodule: %q", mode)
	}
	if mode := work.Git(t, "ls-tree", "HEAD", "outside-link"); !strings.HasPrefix(mode, "120000 ") {
		t.Fatalf("outside-link was not committed as a symlink: %q", mode)
	}
	repo, h, err := Local(work.Dir, "")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := repo.Snapshot(h)
	if err != nil {
		t.Fatal(err)
	}
	return tree, work
}

func TestTreeFSNeverFollowsSymlinksOrSubmodules(t *testing.T) {
	tree, _ := linkRepo(t)
	for _, name := range []string{"inside-link", "outside-link", "parent-link", "dir-link", "vendored"} {
		t.Run(name, func(t *testing.T) {
			if f, err := tree.Open(name); err == nil {
				b := make([]byte, 64)
				n, _ := f.Read(b)
				t.Fatalf("Open(%q) succeeded and reads %q", name, b[:n])
			}
			if b, err := fs.ReadFile(tree, name); err == nil {
				t.Fatalf("ReadFile(%q) = %q", name, b)
			}
			if fp, err := tree.Fingerprint(name); err == nil {
				t.Fatalf("Fingerprint(%q) = %s, want an error", name, fp)
			}
		})
	}
	for _, name := range []string{"dir-link/b.yaml", "vendored/x"} {
		if _, err := tree.Open(name); err == nil {
			t.Errorf("Open(%q) went through a link", name)
		}
	}
	if _, err := tree.ReadDir("dir-link"); err == nil {
		t.Error("ReadDir through a directory symlink succeeded")
	}
	if _, err := tree.Sub("dir-link"); err == nil {
		t.Error("Sub of a directory symlink succeeded")
	}
	_, err := tree.Open("outside-link")
	if err == nil || !strings.Contains(err.Error(), "symbolic links are not followed") {
		t.Errorf("Open(outside-link) = %v, want an error saying links are not followed", err)
	}
	_, err = tree.Open("vendored")
	if err == nil || !strings.Contains(err.Error(), "submodules are not followed") {
		t.Errorf("Open(vendored) = %v, want an error saying submodules are not followed", err)
	}

	// Walking lists the links as links, without following them.
	types := map[string]fs.FileMode{}
	err = fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		types[p] = d.Type()
		return nil
	})
	if err != nil {
		t.Fatalf("WalkDir over a tree with links: %v", err)
	}
	if types["outside-link"]&fs.ModeSymlink == 0 || types["dir-link"]&fs.ModeSymlink == 0 {
		t.Errorf("links not reported as symlinks: %v", types)
	}
	if _, walked := types["dir-link/b.yaml"]; walked {
		t.Error("WalkDir descended into a directory symlink")
	}
	// The regular files are still readable.
	if b, err := fs.ReadFile(tree, "a.yaml"); err != nil || string(b) != "a\n" {
		t.Errorf("ReadFile(a.yaml) = %q, %v", b, err)
	}
}

func TestTreeFSRejectsPathsThatClimbOut(t *testing.T) {
	tree, _ := linkRepo(t)
	for _, name := range []string{"..", "../a.yaml", "dir/../a.yaml", "dir/../../x", "/etc/passwd", "./a.yaml", "dir/", `dir\b.yaml`, ""} {
		if _, err := tree.Open(name); err == nil {
			t.Errorf("Open(%q) succeeded", name)
		} else if !errors.Is(err, fs.ErrInvalid) && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q) = %v, want fs.ErrInvalid or fs.ErrNotExist", name, err)
		}
	}
	for _, name := range []string{"..", "../a.yaml", "dir/../a.yaml", "/etc/passwd"} {
		if _, err := tree.Open(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want fs.ErrInvalid", name, err)
		}
		if _, err := tree.ReadDir(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("ReadDir(%q) = %v, want fs.ErrInvalid", name, err)
		}
		if _, err := tree.Fingerprint(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Fingerprint(%q) = %v, want fs.ErrInvalid", name, err)
		}
	}
	// Sub clamps to the tree: ".." is the root, never a parent.
	s, err := tree.Sub("../..")
	if err != nil || s != tree {
		t.Errorf("Sub(../..) = %v, %v; want the tree itself", s, err)
	}
}

func TestTreeFSRefusesOversizedFiles(t *testing.T) {
	work := testenv.NewWorkTree(t, "")
	big := strings.Repeat("0123456789abcdef", MaxBlobBytes/16+1)
	work.Write(t, map[string]string{"big.yaml": big, "small.yaml": "s\n"})
	work.Commit(t, "big")
	repo, h, err := Local(work.Dir, "")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := repo.Snapshot(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.Open("big.yaml"); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("Open of a %d byte file = %v, want a size-limit error", len(big), err)
	}
	if _, err := tree.Fingerprint("big.yaml"); err != nil {
		t.Fatalf("Fingerprint of a big file: %v (it needs no content)", err)
	}
	if b, err := fs.ReadFile(tree, "small.yaml"); err != nil || string(b) != "s\n" {
		t.Fatalf("small file = %q, %v", b, err)
	}
}
