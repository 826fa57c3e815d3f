package cli_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/devenv"
	"github.com/paved-dev/paved/internal/devenv/engine"
)

// envFixture copies testdata/devenv/shop under a unique workload name and
// checks that the Docker engine and the test images are there (failing,
// not skipping, with how to start them).
func envFixture(t *testing.T) (dir, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	eng, err := engine.Connect(ctx)
	if err != nil {
		t.Fatalf("this test needs a running Docker engine: %v\nstart one with `bash build/scripts/testenv-docker.sh up` (or run `make test`)", err)
	}
	defer eng.Close()
	if id, err := eng.ImageID(ctx, "paved-test/standin:1"); err != nil || id == "" {
		t.Fatalf("test image paved-test/standin:1 is missing (%v): build it with `bash build/scripts/testenv-docker.sh up`", err)
	}
	_, file, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "devenv", "shop")
	var b [3]byte
	_, _ = rand.Read(b[:])
	name = "c" + hex.EncodeToString(b[:]) + "-shop"
	dir = filepath.Join(t.TempDir(), "shop")
	os.MkdirAll(dir, 0o755)
	for _, f := range []string{"score.yaml", "catalog-info.yaml"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), []byte(strings.Replace(string(data), "  name: shop\n", "  name: "+name+"\n", 1)), 0o644)
	}
	return dir, name
}

func TestEnvCommandsEndToEnd(t *testing.T) {
	home(t)
	dir, name := envFixture(t)
	_, file, _, _ := runtime.Caller(0)
	ok(t, "platform", "use", filepath.Join(filepath.Dir(file), "..", "..", "testdata", "devenv"))
	t.Cleanup(func() { paved(t, "env", "down", dir, "--volumes") })

	env := decode[devenv.Environment](t, ok(t, "env", "up", dir, "--wait", "-o", "json"))
	if env.Name != name || env.State != devenv.StateRunning || len(env.Services) != 3 {
		t.Fatalf("up: %+v", env)
	}
	for _, s := range env.Services {
		if !s.Ready || s.Action != devenv.ActionCreated {
			t.Errorf("up: %s ready %v action %s", s.Name, s.Ready, s.Action)
		}
	}
	table := ok(t, "env", "up", dir)
	if !strings.Contains(table.stdout, "unchanged") || !strings.Contains(table.stdout, "environment "+name+": running") {
		t.Errorf("up table:\n%s", table.stdout)
	}

	ps := decode[devenv.Environment](t, ok(t, "env", "ps", name, "-o", "json"))
	if ps.Dir != dir || len(ps.Services) != 3 || ps.Services[0].Ports[0].URL == "" {
		t.Errorf("ps: %+v", ps)
	}
	list := decode[[]devenv.Summary](t, ok(t, "env", "ls", "-o", "json"))
	found := false
	for _, s := range list {
		found = found || (s.Name == name && s.Running == 3 && s.State == devenv.StateRunning)
	}
	if !found {
		t.Errorf("ls: %+v", list)
	}

	logs := ok(t, "env", "logs", name, "--service", "db", "-o", "json")
	sc := bufio.NewScanner(strings.NewReader(logs.stdout))
	lines := 0
	for sc.Scan() {
		var l devenv.LogLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.Service != "db" {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		lines++
	}
	if lines == 0 {
		t.Error("no db log lines")
	}

	exported := ok(t, "env", "export", name)
	if !strings.Contains(exported.stdout, "services:") || !strings.Contains(exported.stdout, "${DB_PASSWORD}") {
		t.Errorf("export:\n%s", exported.stdout)
	}
	out := filepath.Join(t.TempDir(), "compose.yaml")
	ok(t, "env", "export", name, "--file", out)
	if st, err := os.Stat(filepath.Join(filepath.Dir(out), ".env")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf(".env beside the export: %v %v", st, err)
	}

	restarted := decode[devenv.Environment](t, ok(t, "env", "restart", name, "--service", "cache", "-o", "json"))
	if restarted.State == devenv.StatePartial {
		t.Errorf("restart: %+v", restarted)
	}
	if r := paved(t, "env", "restart", name); r.code != 2 || !strings.Contains(r.stderr, "--service is required") {
		t.Errorf("restart without --service: exit %d, %s", r.code, r.stderr)
	}

	down := decode[devenv.DownResult](t, ok(t, "env", "down", name, "--volumes", "-o", "json"))
	if len(down.Containers) != 3 || len(down.Volumes) != 1 {
		t.Errorf("down: %+v", down)
	}
	audit := ok(t, "audit", "-o", "json")
	if !strings.Contains(audit.stdout, `"env.up"`) || !strings.Contains(audit.stdout, `"env.down"`) {
		t.Errorf("audit:\n%s", audit.stdout)
	}
}
