// Package testenv starts the real services integration tests talk to (for
// now a git server on loopback). It is imported by tests only.
//
// Rules: everything listens on 127.0.0.1 only, every process is stopped by
// t.Cleanup, and a missing tool fails the test with how to install it (the
// project's `make test` installs them), never skips it.
package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// GitServer is a `git daemon` serving bare repositories on 127.0.0.1, with
// pushes enabled.
type GitServer struct {
	// Base holds the bare repositories.
	Base string
	Port int
}

// RequireGit fails the test when git is not installed.
func RequireGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is not installed: run `make test` (it installs test dependencies) or apt-get install git")
	}
}

// StartGitServer starts git daemon on a free loopback port.
func StartGitServer(t testing.TB) *GitServer {
	t.Helper()
	RequireGit(t)
	base := t.TempDir()
	port := FreePort(t)
	cmd := exec.Command("git", "daemon", "--export-all", "--enable=receive-pack", "--reuseaddr", "--informative-errors",
		"--listen=127.0.0.1", fmt.Sprintf("--port=%d", port), "--base-path="+base, base)
	logPath := filepath.Join(t.TempDir(), "git-daemon.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group: git daemon forks a child per connection.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start git daemon: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil && len(b) > 0 {
				t.Logf("git daemon log:\n%s", b)
			}
		}
	})
	WaitForPort(t, port, 10*time.Second)
	return &GitServer{Base: base, Port: port}
}

// URL is the git:// URL of repository name.
func (g *GitServer) URL(name string) string {
	return fmt.Sprintf("git://127.0.0.1:%d/%s", g.Port, name)
}

// CreateRepo creates an empty bare repository name (e.g. "org.git").
func (g *GitServer) CreateRepo(t testing.TB, name string) {
	t.Helper()
	Git(t, "", "init", "-q", "--bare", "-b", "main", filepath.Join(g.Base, name))
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

// Git runs git in dir with a fixed identity and no user configuration,
// failing the test on error; it returns trimmed stdout.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Paved Test", "-c", "user.email=test@paved.invalid", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0")
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return strings.TrimSpace(string(out))
}

// WorkTree is a local clone used to push changes.
type WorkTree struct {
	Dir string
}

// NewWorkTree makes an empty repository whose origin is remote.
func NewWorkTree(t testing.TB, remote string) *WorkTree {
	t.Helper()
	dir := t.TempDir()
	Git(t, dir, "init", "-q", "-b", "main")
	if remote != "" {
		Git(t, dir, "remote", "add", "origin", remote)
	}
	return &WorkTree{Dir: dir}
}

// Write writes files (slash paths; empty content deletes) into the work tree.
func (w *WorkTree) Write(t testing.TB, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(w.Dir, filepath.FromSlash(name))
		if content == "" {
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
}

// Commit stages everything and commits; it returns the commit hash.
func (w *WorkTree) Commit(t testing.TB, message string) string {
	t.Helper()
	Git(t, w.Dir, "add", "-A")
	Git(t, w.Dir, "commit", "-q", "-m", message)
	return Git(t, w.Dir, "rev-parse", "HEAD")
}

// Push pushes main to origin.
func (w *WorkTree) Push(t testing.TB) {
	t.Helper()
	Git(t, w.Dir, "push", "-q", "origin", "main")
}
