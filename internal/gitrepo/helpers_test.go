package gitrepo

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// gitEnv isolates the git CLI from the machine's and the user's
// configuration, so tests behave the same everywhere (CI runs as root).
func gitEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") || strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Paved Test", "GIT_AUTHOR_EMAIL=test@paved.invalid",
		"GIT_COMMITTER_NAME=Paved Test", "GIT_COMMITTER_EMAIL=test@paved.invalid",
		"GIT_TERMINAL_PROMPT=0",
	)
}

// runGit runs the git CLI in dir and returns its trimmed standard output.
func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("these tests need the git CLI: %v", err)
	}
	args = append([]string{"-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "core.symlinks=true", "-c", "protocol.file.allow=always"}, args...)
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(t)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// workRepo creates a non-bare repository on branch main.
func workRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "-b", "main", ".")
	return dir
}

// writeFiles writes files (slash paths) under dir; the content deleteFile
// removes the file instead.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if content == deleteFile {
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

const deleteFile = "\x00delete"

// commit stages everything in dir, commits and returns the commit hash.
func commit(t *testing.T, dir, msg string) string {
	t.Helper()
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
	return runGit(t, dir, "rev-parse", "HEAD")
}

// bareRemote creates base/name as a bare repository that work pushes to
// (remote "origin").
func bareRemote(t *testing.T, base, name, work string) string {
	t.Helper()
	bare := filepath.Join(base, name)
	runGit(t, base, "init", "-q", "--bare", "-b", "main", bare)
	runGit(t, work, "remote", "add", "origin", bare)
	return bare
}

func push(t *testing.T, work string, refs ...string) {
	t.Helper()
	runGit(t, work, append([]string{"push", "-q", "--force", "origin"}, refs...)...)
}

// gitDaemon is a `git daemon` serving the bare repositories under a base path.
type gitDaemon struct {
	// URL is git://127.0.0.1:PORT/ ; append a repository's name.
	URL  string
	cmd  *exec.Cmd
	once sync.Once
}

// startGitDaemon serves base over git:// on a free loopback port until the
// test ends (or Stop is called).
func startGitDaemon(t *testing.T, base string) *gitDaemon {
	t.Helper()
	var lastErr string
	for attempt := 0; attempt < 5; attempt++ {
		port := freePort(t)
		// Run git-daemon itself: `git daemon` would start it as a child
		// that outlives killing the git wrapper.
		cmd := exec.Command(daemonPath(t), "--export-all", "--base-path="+base, "--listen=127.0.0.1",
			"--port="+strconv.Itoa(port), "--reuseaddr", "--verbose", "--informative-errors", base)
		cmd.Env = gitEnv(t)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatalf("start git daemon: %v", err)
		}
		d := &gitDaemon{URL: "git://127.0.0.1:" + strconv.Itoa(port) + "/", cmd: cmd}
		sc := bufio.NewScanner(stderr)
		var log strings.Builder
		ready := false
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "Ready to rumble") {
				ready = true
				break
			}
		}
		if ready {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			t.Cleanup(d.Stop)
			return d
		}
		_ = cmd.Wait()
		lastErr = log.String()
	}
	t.Fatalf("git daemon did not start: %s", lastErr)
	return nil
}

// Stop ends the daemon; the repositories it served become unreachable.
func (d *gitDaemon) Stop() {
	d.once.Do(func() {
		_ = d.cmd.Process.Kill()
		_ = d.cmd.Wait()
	})
}

// daemonPath is the git-daemon program of the installed git.
func daemonPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(runGit(t, t.TempDir(), "--exec-path"), "git-daemon")
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
