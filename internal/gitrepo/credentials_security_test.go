package gitrepo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/paved-dev/paved/internal/testenv"
)

// These tests guard "a git token goes only where it belongs" with real
// loopback listeners: every refused case has a listener that records each
// request's Authorization header and must see none.

const testToken = "paved-t0ken-s3cret"

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// trustTestTLS makes go-git's https transport trust httptest's certificate
// (all httptest TLS servers share it; it names 127.0.0.1, ::1 and
// example.com) and dial example.com on loopback, so one listener can be
// reached under two host names. Restored when the test ends.
func trustTestTLS(t *testing.T) {
	t.Helper()
	probe := httptest.NewTLSServer(http.NotFoundHandler())
	pool := x509.NewCertPool()
	pool.AddCert(probe.Certificate())
	probe.Close()
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, port, err := net.SplitHostPort(addr); err == nil && host == "example.com" {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}
	client.InstallProtocol("https", githttp.NewClient(&http.Client{Transport: tr}))
	t.Cleanup(func() {
		client.InstallProtocol("https", githttp.DefaultClient)
		tr.CloseIdleConnections()
	})
}

// listener is a loopback HTTP(S) server that records the Authorization
// header of every request it gets.
type listener struct {
	srv   *httptest.Server
	mu    sync.Mutex
	auths []string
}

func (l *listener) record(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.auths = append(l.auths, r.Header.Get("Authorization"))
}

// requests returns the Authorization headers received, one per request.
func (l *listener) requests() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.auths...)
}

// mustSeeNoCredentials fails the test if any request carried an
// Authorization header.
func (l *listener) mustSeeNoCredentials(t *testing.T) {
	t.Helper()
	for i, a := range l.requests() {
		if a != "" {
			t.Errorf("listener %s received Authorization %q on request %d", l.srv.URL, a, i+1)
		}
	}
}

func startListener(t *testing.T, useTLS bool, h http.HandlerFunc) *listener {
	t.Helper()
	l := &listener{}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.record(r)
		h(w, r)
	})
	if useTLS {
		l.srv = httptest.NewTLSServer(handler)
	} else {
		l.srv = httptest.NewServer(handler)
	}
	t.Cleanup(l.srv.Close)
	return l
}

// askForCredentials answers every request with 401, as a private remote
// answers an anonymous client.
func askForCredentials(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
	http.Error(w, "credentials required", http.StatusUnauthorized)
}

// gitBackend serves the bare repositories under root with git http-backend
// (pushes enabled), to clients that send want as their Authorization.
func gitBackend(t *testing.T, root, want string) http.HandlerFunc {
	t.Helper()
	backend := &cgi.Handler{
		Path: filepath.Join(testenv.Git(t, "", "--exec-path"), "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + root},
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != want {
			askForCredentials(w, r)
			return
		}
		backend.ServeHTTP(w, r)
	}
}

// bareRepo makes root/name a bare repository with one commit on main
// (files from files) and returns the work tree it was pushed from.
func bareRepo(t *testing.T, root, name string, files map[string]string) (*testenv.WorkTree, string) {
	t.Helper()
	bare := filepath.Join(root, name)
	testenv.Git(t, "", "init", "-q", "--bare", "-b", "main", bare)
	testenv.Git(t, bare, "config", "http.receivepack", "true")
	work := testenv.NewWorkTree(t, bare)
	work.Write(t, files)
	c := work.Commit(t, "first")
	work.Push(t)
	return work, c
}

// pushWithAuthFor pushes a new commit of work's main to remoteURL the way
// publish:git does: go-git with the credentials AuthFor returns.
func pushWithAuthFor(ctx context.Context, work *testenv.WorkTree, remoteURL string) error {
	r, err := git.PlainOpen(work.Dir)
	if err != nil {
		return err
	}
	auth, err := AuthFor(remoteURL)
	if err != nil {
		return err
	}
	remote, err := r.CreateRemoteAnonymous(&config.RemoteConfig{Name: "anonymous", URLs: []string{remoteURL}})
	if err != nil {
		return err
	}
	ref := plumbing.NewBranchReferenceName("main")
	return remote.PushContext(ctx, &git.PushOptions{
		RemoteName: "anonymous",
		Auth:       auth,
		RefSpecs:   []config.RefSpec{config.RefSpec(ref + ":" + ref)},
		Force:      true,
	})
}

// isolateCredentials keeps the user's helpers and tokens out of a test and
// returns the isolated HOME.
func isolateCredentials(t *testing.T) string {
	t.Helper()
	home := testenv.IsolateGit(t)
	for _, k := range []string{TokenEnv, TokenHostsEnv, githubTokenEnv, gitlabTokenEnv, "SSH_AUTH_SOCK"} {
		t.Setenv(k, "")
	}
	return home
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func TestTokenReachesItsConfiguredHTTPSHostForCloneFetchAndPush(t *testing.T) {
	isolateCredentials(t)
	trustTestTLS(t)
	ctx := context.Background()
	root := t.TempDir()
	work, c1 := bareRepo(t, root, "platform.git", map[string]string{"platform.yaml": "one\n"})
	want := basic("x-access-token", testToken)
	srv := startListener(t, true, gitBackend(t, root, want))
	t.Setenv(TokenEnv, testToken)
	t.Setenv(TokenHostsEnv, "git.example.org, "+hostOf(t, srv.srv.URL))
	remote := srv.srv.URL + "/platform.git"

	dir := filepath.Join(t.TempDir(), "clone.git")
	repo, h, err := Update(ctx, dir, remote, "")
	if err != nil {
		t.Fatalf("clone from the configured https host: %v", err)
	}
	if h.String() != c1 {
		t.Fatalf("clone resolved %s, want %s", h, c1)
	}
	tree, err := repo.Snapshot(h)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(tree, "platform.yaml"); err != nil || string(b) != "one\n" {
		t.Fatalf("cloned content = %q, %v", b, err)
	}

	work.Write(t, map[string]string{"platform.yaml": "two\n"})
	c2 := work.Commit(t, "second")
	if err := pushWithAuthFor(ctx, work, remote); err != nil {
		t.Fatalf("push with AuthFor to the configured https host: %v", err)
	}
	if _, h, err = Update(ctx, dir, remote, ""); err != nil || h.String() != c2 {
		t.Fatalf("fetch from the configured https host = %s, %v; want %s", h, err, c2)
	}

	got := srv.requests()
	if len(got) < 3 {
		t.Fatalf("the server saw %d requests, want clone, push and fetch", len(got))
	}
	for i, a := range got {
		if a != want {
			t.Errorf("request %d carried Authorization %q, want the token (every request, the first one too)", i+1, a)
		}
	}
}

func TestCredentialHelperIsAskedForTheRemotesHostAndPort(t *testing.T) {
	home := isolateCredentials(t)
	trustTestTLS(t)
	ctx := context.Background()
	root := t.TempDir()
	bareRepo(t, root, "catalog.git", map[string]string{"a.yaml": "a\n"})
	want := basic("helper-user", "helper-s3cret")
	srv := startListener(t, true, gitBackend(t, root, want))
	other := startListener(t, true, askForCredentials)
	plain := startListener(t, false, askForCredentials)

	// git credential-store, holding a credential for the https server
	// (by host:port, as git records it) and one for the plain http one.
	store := filepath.Join(home, "credentials")
	lines := fmt.Sprintf("https://helper-user:helper-s3cret@%s\nhttp://helper-user:helper-s3cret@%s\n", hostOf(t, srv.srv.URL), hostOf(t, plain.srv.URL))
	if err := os.WriteFile(store, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	gitconfig := fmt.Sprintf("[credential]\n\thelper = store --file=%s\n", store)
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o600); err != nil {
		t.Fatal(err)
	}

	if _, _, err := Update(ctx, filepath.Join(t.TempDir(), "c.git"), srv.srv.URL+"/catalog.git", ""); err != nil {
		t.Fatalf("clone with the helper's credential: %v", err)
	}
	if got := srv.requests(); len(got) == 0 || got[0] != want {
		t.Fatalf("the helper's host received %q, want its credential", got)
	}
	// The same helper has nothing for another port, and is never asked for http.
	for _, l := range []*listener{other, plain} {
		if _, _, err := Update(ctx, filepath.Join(t.TempDir(), "c.git"), l.srv.URL+"/catalog.git", ""); err == nil {
			t.Fatalf("clone from %s succeeded without credentials", l.srv.URL)
		}
		if len(l.requests()) == 0 {
			t.Fatalf("%s saw no request: the test proves nothing", l.srv.URL)
		}
		l.mustSeeNoCredentials(t)
	}
}

// entryPoints are the ways a remote URL reaches the network: a first clone,
// a fetch into an existing clone, and a push with AuthFor.
func entryPoints(t *testing.T) map[string]func(ctx context.Context, remote string) error {
	t.Helper()
	src := testenv.NewWorkTree(t, "")
	src.Write(t, map[string]string{"a.yaml": "a\n"})
	src.Commit(t, "one")
	return map[string]func(context.Context, string) error{
		"clone": func(ctx context.Context, remote string) error {
			_, _, err := Update(ctx, filepath.Join(t.TempDir(), "clone.git"), remote, "")
			return err
		},
		"fetch": func(ctx context.Context, remote string) error {
			dir := filepath.Join(t.TempDir(), "clone.git")
			if _, _, err := Update(ctx, dir, src.Dir, ""); err != nil {
				t.Fatalf("clone from a local path: %v", err)
			}
			_, _, err := Update(ctx, dir, remote, "")
			return err
		},
		"push": func(ctx context.Context, remote string) error {
			return pushWithAuthFor(ctx, src, remote)
		},
	}
}

// scene is one refused case's listeners.
type scene struct {
	remote string
	// refused must see no Authorization header.
	refused []*listener
	// sent, when set, is the listed origin that must get the token (so a
	// redirect case proves the token was stripped, not never there).
	sent *listener
	// hosts is PAVED_GIT_TOKEN_HOSTS.
	hosts string
	// unreached: go-git refuses the hop before the refused listener is
	// contacted (https to http), so it may see no request at all.
	unreached bool
}

func TestTokenIsNeverSentWhereItDoesNotBelong(t *testing.T) {
	// redirectTo answers every request with a redirect to the same path on
	// target.
	redirectTo := func(target func() string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target()+r.URL.RequestURI(), http.StatusFound)
		}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T) scene
		// wantMsg is in the clone and fetch errors.
		wantMsg string
	}{
		{
			name: "http even when the host is listed",
			setup: func(t *testing.T) scene {
				l := startListener(t, false, askForCredentials)
				return scene{remote: l.srv.URL + "/repo.git", refused: []*listener{l}, hosts: hostOf(t, l.srv.URL)}
			},
			wantMsg: "never sends credentials over http://",
		},
		{
			name: "https host not listed",
			setup: func(t *testing.T) scene {
				l := startListener(t, true, askForCredentials)
				return scene{remote: l.srv.URL + "/repo.git", refused: []*listener{l}, hosts: "git.example.org"}
			},
			wantMsg: TokenHostsEnv,
		},
		{
			name: "https listed host on another port",
			setup: func(t *testing.T) scene {
				l := startListener(t, true, askForCredentials)
				return scene{remote: l.srv.URL + "/repo.git", refused: []*listener{l}, hosts: "127.0.0.1"} // = 127.0.0.1:443
			},
			wantMsg: TokenHostsEnv,
		},
		{
			name: "https another name for the listed listener",
			setup: func(t *testing.T) scene {
				l := startListener(t, true, askForCredentials)
				other := strings.Replace(l.srv.URL, "127.0.0.1", "example.com", 1)
				return scene{remote: other + "/repo.git", refused: []*listener{l}, hosts: hostOf(t, l.srv.URL)}
			},
			wantMsg: TokenHostsEnv,
		},
		{
			name: "redirect from the listed host to another host",
			setup: func(t *testing.T) scene {
				evil := startListener(t, true, askForCredentials)
				evilURL := strings.Replace(evil.srv.URL, "127.0.0.1", "example.com", 1)
				home := startListener(t, true, redirectTo(func() string { return evilURL }))
				return scene{remote: home.srv.URL + "/repo.git", refused: []*listener{evil}, sent: home, hosts: hostOf(t, home.srv.URL)}
			},
		},
		{
			name: "redirect from the listed host to another port",
			setup: func(t *testing.T) scene {
				evil := startListener(t, true, askForCredentials)
				home := startListener(t, true, redirectTo(func() string { return evil.srv.URL }))
				return scene{remote: home.srv.URL + "/repo.git", refused: []*listener{evil}, sent: home, hosts: hostOf(t, home.srv.URL)}
			},
		},
		{
			name: "redirect from the listed host to http on a listed host",
			setup: func(t *testing.T) scene {
				evil := startListener(t, false, askForCredentials)
				home := startListener(t, true, redirectTo(func() string { return evil.srv.URL }))
				return scene{remote: home.srv.URL + "/repo.git", refused: []*listener{evil}, sent: home,
					hosts: hostOf(t, home.srv.URL) + "," + hostOf(t, evil.srv.URL), unreached: true}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateCredentials(t)
			trustTestTLS(t)
			for name, run := range entryPoints(t) {
				t.Run(name, func(t *testing.T) {
					sc := tt.setup(t)
					t.Setenv(TokenEnv, testToken)
					t.Setenv(TokenHostsEnv, sc.hosts)
					t.Setenv(githubTokenEnv, testToken+"-gh")
					t.Setenv(gitlabTokenEnv, testToken+"-gl")
					err := run(context.Background(), sc.remote)
					if err == nil {
						t.Fatalf("%s of %s succeeded against a refusing server", name, sc.remote)
					}
					if strings.Contains(err.Error(), testToken) {
						t.Fatalf("the token appears in the error: %v", err)
					}
					if tt.wantMsg != "" && name != "push" && !strings.Contains(err.Error(), tt.wantMsg) {
						t.Errorf("error %q does not say %q", err, tt.wantMsg)
					}
					seen := 0
					for _, l := range sc.refused {
						seen += len(l.requests())
						l.mustSeeNoCredentials(t)
					}
					if seen == 0 && !sc.unreached {
						t.Fatalf("the refused listeners saw no request: the test proves nothing (err %v)", err)
					}
					if sc.sent != nil {
						if got := sc.sent.requests(); len(got) == 0 || got[0] != basic("x-access-token", testToken) {
							t.Fatalf("the listed origin received %q, want the token on its first request", got)
						}
					}
				})
			}
		})
	}
}

func TestHTTPURLWithCredentialsIsRefusedBeforeAnyRequest(t *testing.T) {
	isolateCredentials(t)
	l := startListener(t, false, askForCredentials)
	remote := strings.Replace(l.srv.URL, "://", "://me:url-s3cret@", 1) + "/repo.git"
	for name, run := range entryPoints(t) {
		err := run(context.Background(), remote)
		if err == nil || !strings.Contains(err.Error(), "https") || strings.Contains(err.Error(), "url-s3cret") {
			t.Errorf("%s with credentials in an http URL = %v, want a refusal that says to use https and hides the password", name, err)
		}
	}
	if n := len(l.requests()); n != 0 {
		t.Fatalf("the http listener received %d requests; credentials in an http URL must stop before the network", n)
	}
}

func TestTokenForSendsEachTokenOnlyToItsHosts(t *testing.T) {
	tests := []struct {
		name             string
		paved, hosts, gh string
		gl               string
		origin           string
		wantUser         string
		wantToken        string
	}{
		{name: "listed host", paved: "p", hosts: "git.acme.internal", origin: "git.acme.internal:443", wantUser: "x-access-token", wantToken: "p"},
		{name: "listed host, any case", paved: "p", hosts: "Git.ACME.internal", origin: "git.acme.internal:443", wantUser: "x-access-token", wantToken: "p"},
		{name: "listed host:port", paved: "p", hosts: "a.example, git.acme.internal:8443", origin: "git.acme.internal:8443", wantUser: "x-access-token", wantToken: "p"},
		{name: "listed as https URL", paved: "p", hosts: "https://git.acme.internal/", origin: "git.acme.internal:443", wantUser: "x-access-token", wantToken: "p"},
		{name: "listed host, other port", paved: "p", hosts: "git.acme.internal", origin: "git.acme.internal:8443"},
		{name: "listed as http URL", paved: "p", hosts: "http://git.acme.internal", origin: "git.acme.internal:443"},
		{name: "subdomain of a listed host", paved: "p", hosts: "acme.internal", origin: "git.acme.internal:443"},
		{name: "no hosts listed", paved: "p", origin: "github.com:443"},
		{name: "GITHUB_TOKEN for github.com", gh: "g", origin: "github.com:443", wantUser: "x-access-token", wantToken: "g"},
		{name: "GITHUB_TOKEN not for a lookalike", gh: "g", origin: "github.com.evil.example:443"},
		{name: "GITHUB_TOKEN not on another port", gh: "g", origin: "github.com:8443"},
		{name: "GITLAB_TOKEN for gitlab.com", gl: "l", origin: "gitlab.com:443", wantUser: "oauth2", wantToken: "l"},
		{name: "GITLAB_TOKEN not for any gitlab-named host", gl: "l", origin: "gitlab.evil.example:443"},
		{name: "PAVED_GIT_TOKEN first on a listed github.com", paved: "p", hosts: "github.com", gh: "g", origin: "github.com:443", wantUser: "x-access-token", wantToken: "p"},
		{name: "GITHUB_TOKEN when PAVED_GIT_TOKEN is elsewhere", paved: "p", hosts: "git.acme.internal", gh: "g", origin: "github.com:443", wantUser: "x-access-token", wantToken: "g"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{TokenEnv: tt.paved, TokenHostsEnv: tt.hosts, githubTokenEnv: tt.gh, gitlabTokenEnv: tt.gl}
			cs := credentialSources{getenv: func(k string) string { return env[k] }}
			user, tok, why := cs.tokenFor(tt.origin)
			if user != tt.wantUser || tok != tt.wantToken {
				t.Fatalf("tokenFor(%s) = %q, %q; want %q, %q", tt.origin, user, tok, tt.wantUser, tt.wantToken)
			}
			if tok == "" && tt.paved != "" && !strings.Contains(why, TokenHostsEnv) {
				t.Errorf("why = %q, want it to name %s", why, TokenHostsEnv)
			}
		})
	}
}

func TestBoundAuthIsSetOnlyOnHTTPSRequestsToItsOrigin(t *testing.T) {
	a := &boundAuth{origin: originOf("git.acme.internal", 8443), user: "u", pass: "p"}
	for _, tt := range []struct {
		url  string
		want bool
	}{
		{"https://git.acme.internal:8443/r.git/info/refs", true},
		{"https://GIT.acme.internal:8443/r.git/git-upload-pack", true},
		{"http://git.acme.internal:8443/r.git/info/refs", false},
		{"https://git.acme.internal/r.git/info/refs", false},
		{"https://git.acme.internal:443/r.git/info/refs", false},
		{"https://evil.example:8443/r.git/info/refs", false},
		{"https://git.acme.internal.evil.example:8443/", false},
	} {
		req, err := http.NewRequest(http.MethodGet, tt.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		a.SetAuth(req)
		if got := req.Header.Get("Authorization") != ""; got != tt.want {
			t.Errorf("SetAuth on %s set a header: %v, want %v", tt.url, got, tt.want)
		}
	}
	if s := a.String(); strings.Contains(s, "p") && strings.Contains(s, ":p") {
		t.Errorf("String() shows the password: %q", s)
	}
}
