// Package testenv starts the real services integration tests talk to (for
// now a git server on loopback) and holds the git and file helpers they
// share. It is imported by tests only.
//
// Rules: everything listens on 127.0.0.1 only, every process is stopped by
// t.Cleanup, and a missing tool fails the test with how to install it (the
// project's `make test` installs them), never skips it.
package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// GitServer is a git daemon serving the bare repositories under Base on
// 127.0.0.1, with pushes enabled.
type GitServer struct {
	// Base holds the bare repositories.
	Base string
	Port int

	cmd     *exec.Cmd
	log     *daemonLog
	exited  chan struct{} // closed once cmd.Wait has returned
	waitErr error         // cmd.Wait's error, set before exited is closed
	once    sync.Once
}

const installGit = "run `make test` (it installs test dependencies) or apt-get install git"

// RequireGit fails the test when git is not installed.
func RequireGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is not installed: " + installGit)
	}
}

// StartGitServer starts a git daemon on a free loopback port. It runs until
// the test ends or Stop is called.
func StartGitServer(t testing.TB) *GitServer {
	t.Helper()
	RequireGit(t)
	// git-daemon itself, not the `git daemon` wrapper: killing the wrapper
	// would leave the daemon it starts running.
	daemon := filepath.Join(Git(t, "", "--exec-path"), "git-daemon")
	if _, err := os.Stat(daemon); err != nil {
		t.Fatalf("git-daemon is not installed (%v): %s; on Fedora dnf install git-daemon, on Alpine apk add git-daemon", err, installGit)
	}
	base := t.TempDir()
	var log string
	// The free port can be taken before the daemon binds it: try another.
	for attempt := 0; attempt < 5; attempt++ {
		g := &GitServer{Base: base, Port: FreePort(t), log: &daemonLog{ready: make(chan struct{})}, exited: make(chan struct{})}
		g.cmd = exec.Command(daemon, "--export-all", "--enable=receive-pack", "--reuseaddr", "--informative-errors", "--verbose",
			"--listen=127.0.0.1", "--port="+strconv.Itoa(g.Port), "--base-path="+base, base)
		g.cmd.Env = GitEnv(t)
		// Never the test's own stdout/stderr: a process holding them makes
		// `go test` wait and warn "Test I/O incomplete".
		g.cmd.Stdout, g.cmd.Stderr = g.log, g.log
		// Its own process group, killed as a whole: git-daemon forks a child
		// per connection.
		g.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		// Wait returns once every process holding the output pipe is gone;
		// this bounds it should one escape the group.
		g.cmd.WaitDelay = 5 * time.Second
		if err := g.cmd.Start(); err != nil {
			t.Fatalf("start git daemon: %v", err)
		}
		go func() {
			g.waitErr = g.cmd.Wait()
			close(g.exited)
		}()
		select {
		case <-g.log.ready:
			t.Cleanup(func() {
				g.Stop()
				if errors.Is(g.waitErr, exec.ErrWaitDelay) {
					t.Errorf("a git daemon process outlived the daemon on 127.0.0.1:%d", g.Port)
				}
				if t.Failed() {
					t.Logf("git daemon log:\n%s", g.log)
				}
			})
			return g
		case <-g.exited:
			log = g.log.String()
		case <-time.After(10 * time.Second):
			g.Stop()
			t.Fatalf("git daemon on 127.0.0.1:%d not ready after 10s:\n%s", g.Port, g.log)
		}
	}
	t.Fatalf("git daemon did not start:\n%s", log)
	return nil
}

// Stop ends the daemon and every process it started, as a server going
// offline; the repositories stay on disk. It may be called more than once.
func (g *GitServer) Stop() {
	g.once.Do(func() {
		_ = syscall.Kill(-g.cmd.Process.Pid, syscall.SIGKILL)
		<-g.exited
	})
}

// URL is the git:// URL of repository name.
func (g *GitServer) URL(name string) string {
	return fmt.Sprintf("git://127.0.0.1:%d/%s", g.Port, name)
}

// Path is where repository name is on disk.
func (g *GitServer) Path(name string) string {
	return filepath.Join(g.Base, filepath.FromSlash(name))
}

// CreateRepo creates an empty bare repository name (e.g. "org.git").
func (g *GitServer) CreateRepo(t testing.TB, name string) {
	t.Helper()
	Git(t, "", "init", "-q", "--bare", "-b", "main", g.Path(name))
}

// Publish creates the bare repository name from w: it becomes w's origin
// (by its path, so pushes do not need the daemon) and gets w's main branch.
// It returns the repository's git:// URL.
func (g *GitServer) Publish(t testing.TB, name string, w *WorkTree) string {
	t.Helper()
	g.CreateRepo(t, name)
	w.Git(t, "remote", "add", "origin", g.Path(name))
	w.PushRef(t, "main")
	return g.URL(name)
}

// daemonLog keeps the daemon's output and tells when it is ready.
type daemonLog struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	seen  bool
}

func (l *daemonLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if !l.seen && bytes.Contains(l.buf.Bytes(), []byte("Ready to rumble")) {
		l.seen = true
		close(l.ready)
	}
	return len(p), nil
}

func (l *daemonLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitForPort waits until something accepts connections on 127.0.0.1:port.
func WaitForPort(t testing.TB, port int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on 127.0.0.1:%d after %s", port, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// GitEnv is the environment for a git command in a test: the process's
// environment without its GIT_* variables, with HOME and XDG_CONFIG_HOME an
// empty directory (no user configuration, no credential helpers), no system
// configuration, no prompts and a fixed identity.
func GitEnv(t testing.TB) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") || strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			continue
		}
		env = append(env, kv)
	}
	for _, kv := range isolatedGit(t.TempDir()) {
		env = append(env, kv[0]+"="+kv[1])
	}
	return env
}

// IsolateGit gives the test's own process the environment of GitEnv, for
// code under test that runs git or reads git configuration: it unsets the
// GIT_* variables and sets HOME and XDG_CONFIG_HOME to an empty directory,
// which it returns, no system configuration, no prompts and a fixed
// identity. Everything is restored when the test ends; like t.Setenv, it
// cannot be used in parallel tests.
func IsolateGit(t testing.TB) string {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "GIT_") {
			t.Setenv(k, "") // restores the value when the test ends
			if err := os.Unsetenv(k); err != nil {
				t.Fatal(err)
			}
		}
	}
	home := t.TempDir()
	for _, kv := range isolatedGit(home) {
		t.Setenv(kv[0], kv[1])
	}
	return home
}

// isolatedGit is what GitEnv and IsolateGit set, home being an empty
// directory.
func isolatedGit(home string) [][2]string {
	return [][2]string{
		{"HOME", home},
		{"XDG_CONFIG_HOME", home},
		{"GIT_CONFIG_NOSYSTEM", "1"},
		{"GIT_TERMINAL_PROMPT", "0"},
		{"GIT_AUTHOR_NAME", "Paved Test"}, {"GIT_AUTHOR_EMAIL", "test@paved.invalid"},
		{"GIT_COMMITTER_NAME", "Paved Test"}, {"GIT_COMMITTER_EMAIL", "test@paved.invalid"},
	}
}

// gitConfig is the configuration every Git call runs with.
var gitConfig = []string{
	"-c", "init.defaultBranch=main",
	"-c", "commit.gpgsign=false",
	"-c", "tag.gpgsign=false",
	"-c", "core.symlinks=true",
	"-c", "protocol.file.allow=always",
}

// Git runs git in dir (the current directory if empty) with GitEnv, failing
// the test on error; it returns trimmed stdout.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	RequireGit(t)
	cmd := exec.Command("git", append(append([]string{}, gitConfig...), args...)...)
	cmd.Dir = dir
	cmd.Env = GitEnv(t)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// Delete, as a file's content for WriteFiles or WorkTree.Write, removes the
// file.
const Delete = "\x00delete"

// WriteFiles writes files (slash paths relative to dir; the content Delete
// removes the file) and returns dir.
func WriteFiles(t testing.TB, dir string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if content == Delete {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// WorkTree is a local (non-bare) repository on branch main.
type WorkTree struct {
	Dir string
}

// NewWorkTree makes an empty repository whose origin is remote (none if
// empty).
func NewWorkTree(t testing.TB, remote string) *WorkTree {
	t.Helper()
	w := &WorkTree{Dir: t.TempDir()}
	w.Git(t, "init", "-q", "-b", "main")
	if remote != "" {
		w.Git(t, "remote", "add", "origin", remote)
	}
	return w
}

// Git runs git in the work tree (see Git).
func (w *WorkTree) Git(t testing.TB, args ...string) string {
	t.Helper()
	return Git(t, w.Dir, args...)
}

// Write writes files into the work tree (see WriteFiles).
func (w *WorkTree) Write(t testing.TB, files map[string]string) {
	t.Helper()
	WriteFiles(t, w.Dir, files)
}

// Commit stages everything and commits (even when nothing changed); it
// returns the commit hash.
func (w *WorkTree) Commit(t testing.TB, message string) string {
	t.Helper()
	w.Git(t, "add", "-A")
	w.Git(t, "commit", "-q", "--allow-empty", "-m", message)
	return w.Git(t, "rev-parse", "HEAD")
}

// Push pushes main to origin (see PushRef).
func (w *WorkTree) Push(t testing.TB) {
	t.Helper()
	w.PushRef(t, "main")
}

// PushRef pushes refspecs (and options such as --tags) to origin. It
// forces: origin gets what the work tree has, a rewritten history too.
func (w *WorkTree) PushRef(t testing.TB, refspecs ...string) {
	t.Helper()
	w.Git(t, append([]string{"push", "-q", "--force", "origin"}, refspecs...)...)
}
