package cli_test

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
	"testing"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/platform"
)

func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("this test needs the git CLI: %v", err)
	}
	home := t.TempDir()
	cmd := exec.Command("git", append([]string{"-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Paved Test", "GIT_AUTHOR_EMAIL=test@paved.invalid",
		"GIT_COMMITTER_NAME=Paved Test", "GIT_COMMITTER_EMAIL=test@paved.invalid")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// gitDaemon serves the bare repositories under base over git:// until the
// test ends; it returns the URL prefix.
func gitDaemon(t *testing.T, base string) string {
	t.Helper()
	var log string
	for attempt := 0; attempt < 5; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		// Run git-daemon itself: `git daemon` would start it as a child
		// that outlives killing the git wrapper.
		cmd := exec.Command(filepath.Join(runGit(t, t.TempDir(), "--exec-path"), "git-daemon"), "--export-all", "--base-path="+base, "--listen=127.0.0.1",
			"--port="+port, "--reuseaddr", "--verbose", base)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stderr)
		log = ""
		for sc.Scan() {
			log += sc.Text() + "\n"
			if strings.Contains(sc.Text(), "Ready to rumble") {
				go func() { _, _ = io.Copy(io.Discard, stderr) }()
				t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
				return "git://127.0.0.1:" + port + "/"
			}
		}
		_ = cmd.Wait()
	}
	t.Fatalf("git daemon did not start:\n%s", log)
	return ""
}

// TestPlatformUseGitURLEndToEnd runs what a newcomer runs: point Paved at
// the platform team's repository, then browse its catalog.
func TestPlatformUseGitURLEndToEnd(t *testing.T) {
	home(t)
	base, work := t.TempDir(), t.TempDir()
	runGit(t, work, "init", "-q", "-b", "main", ".")
	files := map[string]string{
		"platform.yaml":             "apiVersion: paved.dev/v1alpha1\nkind: Platform\nmetadata:\n  name: wombat\n  title: Wombat Inc\nspec:\n  catalog:\n    locations:\n      - name: wombat-catalog\n        target: ./catalog\n",
		"catalog/catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: wombat-billing\n  description: Bills wombats.\nspec:\n  type: service\n  lifecycle: production\n  owner: team-wombat\n",
	}
	for name, content := range files {
		p := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runGit(t, work, "add", "-A")
	runGit(t, work, "commit", "-q", "-m", "platform")
	commit := runGit(t, work, "rev-parse", "HEAD")
	runGit(t, base, "init", "-q", "--bare", filepath.Join(base, "platform.git"))
	runGit(t, work, "push", "-q", filepath.Join(base, "platform.git"), "main")
	url := gitDaemon(t, base) + "platform.git"

	r := ok(t, "platform", "use", url, "-o", "json")
	v := decode[struct {
		Platform platform.Info        `json:"platform"`
		Sync     []catalog.SyncResult `json:"sync"`
	}](t, r)
	if v.Platform.Name != "wombat" || v.Platform.Origin != platform.OriginGit || v.Platform.Commit != commit {
		t.Fatalf("platform use %s = %+v", url, v.Platform)
	}
	if len(v.Sync) != 1 || v.Sync[0].Error != "" || v.Sync[0].Entities != 1 || v.Sync[0].Commit != commit {
		t.Fatalf("first sync of the git platform's catalog = %+v", v.Sync)
	}

	res := decode[catalog.SearchResult](t, ok(t, "catalog", "search", "wombat", "-o", "json"))
	if !contains(refs(res.Items), "component:default/wombat-billing") {
		t.Fatalf("search wombat = %v", refs(res.Items))
	}
	st := decode[[]catalog.SourceStatus](t, ok(t, "catalog", "status", "-o", "json"))
	if len(st) != 1 || st[0].Kind != catalog.KindGit || st[0].Target != url || st[0].Subdir != "catalog" || st[0].Commit != commit {
		t.Fatalf("status = %+v", st)
	}
	show := decode[struct {
		Platform platform.Info `json:"platform"`
	}](t, ok(t, "platform", "show", "-o", "json"))
	if show.Platform != v.Platform {
		t.Fatalf("platform show = %+v, want %+v", show.Platform, v.Platform)
	}
}
