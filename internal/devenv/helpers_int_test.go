package devenv_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/devenv"
	"github.com/paved-dev/paved/internal/devenv/engine"
	"github.com/paved-dev/paved/internal/devenv/plan"
	"github.com/paved-dev/paved/internal/progress"
)

const startHint = "start one with `bash build/scripts/testenv-docker.sh up` (or run `make test`, which does)"

// requireDocker connects to the engine the tests use (DOCKER_HOST or the
// default socket) and checks the locally built test images are there. It
// fails, never skips: these tests guard real behaviour.
func requireDocker(t testing.TB) *engine.Engine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	eng, err := engine.Connect(ctx)
	if err != nil {
		t.Fatalf("these tests need a running Docker engine: %v\n%s", err, startHint)
	}
	t.Cleanup(func() { eng.Close() })
	for _, img := range []string{"paved-test/standin:1", "paved-test/busybox:1"} {
		id, err := eng.ImageID(ctx, img)
		if err != nil || id == "" {
			t.Fatalf("test image %s is missing (%v): build it with `bash build/scripts/testenv-docker.sh up`", img, err)
		}
	}
	return eng
}

// repoRoot is the repository's root directory.
func repoRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func fixtures(t testing.TB) string { return filepath.Join(repoRoot(t), "testdata", "devenv") }

// openPaved opens a fresh Paved home using the test platform
// (testdata/devenv: stand-in provisioners and a catalog with shop and
// inventory), with the catalog synced.
func openPaved(t testing.TB) *core.Paved {
	t.Helper()
	ctx := context.Background()
	p, err := core.Open(ctx, core.Options{Home: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if _, err := p.Platform.Use(ctx, fixtures(t), ""); err != nil {
		t.Fatalf("use test platform: %v", err)
	}
	if err := p.ApplyPlatform(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := p.Catalog.Sync(ctx, catalog.SyncOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Error != "" {
			t.Fatalf("sync %s: %s", r.Source, r.Error)
		}
	}
	return p
}

// service copies a fixture service to a temporary directory under a unique
// workload name (so parallel test packages never share an environment) and
// returns the directory and the environment's name.
func service(t testing.TB, fixture string) (dir, name string) {
	t.Helper()
	var b [3]byte
	_, _ = rand.Read(b[:])
	name = "t" + hex.EncodeToString(b[:]) + "-" + fixture
	dir = filepath.Join(t.TempDir(), fixture)
	src := filepath.Join(fixtures(t), fixture)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch d.Name() {
		case "score.yaml":
			data = []byte(strings.Replace(string(data), "  name: "+fixture+"\n", "  name: "+name+"\n", 1))
		case "compose.yaml":
			data = []byte(strings.Replace(string(data), "name: "+fixture+"\n", "name: "+name+"\n", 1))
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Images built for this environment go once the test is over (this
	// cleanup runs after the environment's own, registered later).
	t.Cleanup(func() { removeBuiltImages(t, name) })
	return dir, name
}

// removeBuiltImages removes the images paved built for environment name.
func removeBuiltImages(t testing.TB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	eng, err := engine.Connect(ctx)
	if err != nil {
		return
	}
	defer eng.Close()
	imgs, err := eng.Client().ImageList(ctx, image.ListOptions{Filters: filters.NewArgs(filters.Arg("reference", plan.ImageTag(name, "*")))})
	if err != nil {
		t.Logf("list images of %s: %v", name, err)
		return
	}
	for _, img := range imgs {
		if _, err := eng.Client().ImageRemove(ctx, img.ID, image.RemoveOptions{Force: true, PruneChildren: true}); err != nil {
			t.Logf("remove image %s: %v", img.ID, err)
		}
	}
}

// cleanupEnv removes whatever an environment left, even when a test fails.
func cleanupEnv(t testing.TB, p *core.Paved, dir string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := p.Env.Down(ctx, devenv.DownOptions{Target: dir, Volumes: true}, nil); err != nil {
			t.Logf("cleanup %s: %v", dir, err)
		}
	})
}

// recorder collects progress events.
type recorder struct {
	mu     sync.Mutex
	events []progress.Event
}

func (r *recorder) Report(e progress.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) all() []progress.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]progress.Event(nil), r.events...)
}

func up(t testing.TB, p *core.Paved, o devenv.UpOptions) devenv.Environment {
	t.Helper()
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	o.Wait = true
	env, err := p.Env.Up(context.Background(), o, nil)
	if err != nil {
		t.Fatalf("up %s: %v", o.Target, err)
	}
	return env
}

func svc(t testing.TB, env devenv.Environment, name string) devenv.ServiceStatus {
	t.Helper()
	for _, s := range env.Services {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("environment %s has no service %s (has %v)", env.Name, name, names(env))
	return devenv.ServiceStatus{}
}

func names(env devenv.Environment) []string {
	var out []string
	for _, s := range env.Services {
		out = append(out, s.Name)
	}
	return out
}

func hostPort(t testing.TB, s devenv.ServiceStatus, container int) int {
	t.Helper()
	for _, p := range s.Ports {
		if p.ContainerPort == container {
			return p.HostPort
		}
	}
	t.Fatalf("service %s publishes no port %d (%+v)", s.Name, container, s.Ports)
	return 0
}

// getJSON GETs http://127.0.0.1:port/path into v.
func getJSON(t testing.TB, port int, path string, v any) {
	t.Helper()
	body := get(t, port, path, http.StatusOK)
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, body)
	}
}

func get(t testing.TB, port int, path string, want int) string {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, path))
	if err != nil {
		t.Fatalf("GET 127.0.0.1:%d%s: %v", port, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET 127.0.0.1:%d%s: status %d, want %d: %s", port, path, resp.StatusCode, want, b)
	}
	return string(b)
}

// tcpCommand sends one line to the stand-in database on 127.0.0.1:port.
func tcpCommand(t testing.TB, port int, line string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatalf("dial 127.0.0.1:%d: %v", port, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintln(c, line)
	r, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("%s on 127.0.0.1:%d: %v", line, port, err)
	}
	return strings.TrimSpace(r)
}

// labelled lists everything Docker still has for an environment.
func labelled(t testing.TB, eng *engine.Engine, name string) (containers, networks, volumes []string) {
	t.Helper()
	ctx := context.Background()
	cs, err := eng.List(ctx, plan.LabelEnv+"="+name)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		containers = append(containers, c.Name)
	}
	if networks, err = eng.Networks(ctx, plan.LabelEnv+"="+name); err != nil {
		t.Fatal(err)
	}
	if volumes, err = eng.Volumes(ctx, plan.LabelEnv+"="+name); err != nil {
		t.Fatal(err)
	}
	return containers, networks, volumes
}

// containerIDs maps service to container ID.
func containerIDs(env devenv.Environment) map[string]string {
	out := map[string]string{}
	for _, s := range env.Services {
		out[s.Name] = s.ContainerID
	}
	return out
}

// eventually polls cond (bounded), failing with msg when it never holds.
func eventually(t testing.TB, within time.Duration, msg string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
