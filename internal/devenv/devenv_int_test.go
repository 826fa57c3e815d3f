package devenv_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/devenv"
	"github.com/paved-dev/paved/internal/devenv/engine"
	"github.com/paved-dev/paved/internal/devenv/spec"
	"github.com/paved-dev/paved/internal/testenv"
)

// envReport is what the stand-in web service reports at /env.
type envReport struct {
	Env   map[string]string `json:"env"`
	Reach map[string]string `json:"reach"`
}

func TestServiceWithTwoHealthCheckedDependenciesComesUpAndDownRemovesEverything(t *testing.T) {
	eng := requireDocker(t)
	p := openPaved(t)
	dir, name := service(t, "shop")
	cleanupEnv(t, p, dir)
	rec := &recorder{}
	env, err := p.Env.Up(context.Background(), devenv.UpOptions{Target: dir, Wait: true, Timeout: 2 * time.Minute}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if env.State != devenv.StateRunning || len(env.Services) != 3 {
		t.Fatalf("state %s with services %v, want running with 3", env.State, names(env))
	}
	for _, s := range env.Services {
		if !s.Ready || s.State != "running" || s.Action != devenv.ActionCreated {
			t.Errorf("%s: ready %v, state %s, action %s", s.Name, s.Ready, s.State, s.Action)
		}
	}
	db, cache := svc(t, env, "db"), svc(t, env, "cache")
	if db.Resource != "postgres" || cache.Resource != "redis" || db.Role != devenv.RoleResource {
		t.Errorf("resources: db %+v, cache %+v", db, cache)
	}
	if db.Outputs["password"] != "********" || db.Outputs["host"] != "db" {
		t.Errorf("db outputs shown as %v, want host db and the password masked", db.Outputs)
	}
	// Both dependencies' Docker health checks report healthy.
	eventually(t, time.Minute, "db and cache never became healthy", func() bool {
		e, err := p.Env.Ps(context.Background(), devenv.PsOptions{Target: name})
		return err == nil && svc(t, e, "db").Health == "healthy" && svc(t, e, "cache").Health == "healthy"
	})
	// Reachable on its published 127.0.0.1 port, with its dependencies'
	// outputs in its environment, and able to reach them by those outputs.
	var rep envReport
	getJSON(t, hostPort(t, svc(t, env, name), 8080), "/env", &rep)
	if rep.Env["DB_HOST"] != "db" || rep.Env["DB_PORT"] != "5432" || rep.Env["CACHE_HOST"] != "cache" || rep.Env["CACHE_PORT"] != "6379" {
		t.Errorf("outputs in env: %v", rep.Env)
	}
	if rep.Reach["DB"] != "ok" || rep.Reach["CACHE"] != "ok" {
		t.Errorf("from inside the network: %v", rep.Reach)
	}
	password := rep.Env["DB_PASSWORD"]
	if len(password) < 20 || !strings.Contains(rep.Env["DATABASE_URL"], password) {
		t.Errorf("generated password %q not in DATABASE_URL %q", password, rep.Env["DATABASE_URL"])
	}
	if rep.Env["GREETING"] != "hello ${not-a-placeholder}" {
		t.Errorf("escaped placeholder: %q", rep.Env["GREETING"])
	}
	// The password is the db container's own.
	ins, _, err := eng.Inspect(context.Background(), db.ContainerID)
	if err != nil {
		t.Fatal(err)
	}
	if !contains(ins.Env, "POSTGRES_PASSWORD="+password) {
		t.Errorf("db container env does not hold the password the service got")
	}
	// Ready events came in dependency order: db and cache before the service.
	var order []string
	for _, ev := range rec.all() {
		if ev.Stage == "ready" {
			order = append(order, ev.Item)
		}
		if strings.Contains(ev.Message, password) || strings.Contains(ev.Detail, password) {
			t.Errorf("progress event carries the password: %+v", ev)
		}
	}
	if len(order) != 3 || order[2] != name {
		t.Errorf("ready order %v, want db and cache before %s", order, name)
	}

	res, err := p.Env.Down(context.Background(), devenv.DownOptions{Target: name, Volumes: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Containers) != 3 || len(res.Networks) != 1 || len(res.Volumes) != 1 {
		t.Errorf("down removed %+v", res)
	}
	cs, nets, vols := labelled(t, eng, name)
	if len(cs)+len(nets)+len(vols) != 0 {
		t.Fatalf("left behind: containers %v, networks %v, volumes %v", cs, nets, vols)
	}
	list, err := p.Env.List(context.Background(), devenv.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.Name == name {
			t.Errorf("down --volumes should forget the environment: %+v", s)
		}
	}

	// Audited, and the password is in neither the audit log nor SQLite.
	entries, err := p.Audit.List(context.Background(), audit.ListOptions{Action: "env."})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action+" "+e.Target+" "+e.Outcome)
		if strings.Contains(e.Detail, password) {
			t.Errorf("audit detail carries the password: %+v", e)
		}
	}
	if strings.Join(actions, ",") != "env.down "+name+" ok,env.up "+name+" ok" {
		t.Errorf("audit entries %v", actions)
	}
	p.Store.W.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	for _, f := range []string{p.Store.Path(), p.Store.Path() + "-wal"} {
		data, _ := os.ReadFile(f)
		if bytes.Contains(data, []byte(password)) {
			t.Errorf("%s contains the generated password", f)
		}
	}
}

func TestUpIsIdempotentAndRecreatesOnlyTheChangedService(t *testing.T) {
	requireDocker(t)
	p := openPaved(t)
	dir, name := service(t, "shop")
	cleanupEnv(t, p, dir)
	first := up(t, p, devenv.UpOptions{Target: dir})
	again := up(t, p, devenv.UpOptions{Target: dir})
	for _, s := range again.Services {
		if s.Action != devenv.ActionUnchanged {
			t.Errorf("unchanged up: %s was %s", s.Name, s.Action)
		}
	}
	if a, b := containerIDs(first), containerIDs(again); !sameMap(a, b) {
		t.Fatalf("containers changed on an unchanged up: %v -> %v", a, b)
	}
	// Change only the service's own configuration.
	file := filepath.Join(dir, "score.yaml")
	data, _ := os.ReadFile(file)
	if err := os.WriteFile(file, bytes.Replace(data, []byte("GREETING: hello"), []byte("GREETING: changed"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	changed := up(t, p, devenv.UpOptions{Target: dir})
	for _, s := range changed.Services {
		want := devenv.ActionUnchanged
		if s.Name == name {
			want = devenv.ActionRecreated
		}
		if s.Action != want {
			t.Errorf("after changing %s: %s was %s, want %s", name, s.Name, s.Action, want)
		}
		if s.Name != name && s.ContainerID != containerIDs(first)[s.Name] {
			t.Errorf("%s got a new container", s.Name)
		}
	}
	var rep envReport
	getJSON(t, hostPort(t, svc(t, changed, name), 8080), "/env", &rep)
	if !strings.HasPrefix(rep.Env["GREETING"], "changed") {
		t.Errorf("recreated service runs the old configuration: %q", rep.Env["GREETING"])
	}
	// The db kept its generated password: the recreated service still has it.
	if rep.Env["DB_PASSWORD"] == "" {
		t.Fatal("no DB_PASSWORD")
	}
}

func TestTakenPortIsDetectedBeforeStartAndAnotherOneReported(t *testing.T) {
	requireDocker(t)
	p := openPaved(t)
	dir, name := service(t, "shop")
	cleanupEnv(t, p, dir)
	first := up(t, p, devenv.UpOptions{Target: dir})
	webPort := hostPort(t, svc(t, first, name), 8080)
	if _, err := p.Env.Down(context.Background(), devenv.DownOptions{Target: name}, nil); err != nil {
		t.Fatal(err)
	}
	// Ports are remembered: the same ones come back while free.
	second := up(t, p, devenv.UpOptions{Target: dir})
	if got := hostPort(t, svc(t, second, name), 8080); got != webPort {
		t.Fatalf("remembered port: got %d, want %d", got, webPort)
	}
	if _, err := p.Env.Down(context.Background(), devenv.DownOptions{Target: name}, nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(webPort))
	if err != nil {
		t.Fatalf("occupy port %d: %v", webPort, err)
	}
	defer ln.Close()
	third := up(t, p, devenv.UpOptions{Target: dir})
	got := hostPort(t, svc(t, third, name), 8080)
	if got == webPort {
		t.Fatalf("port %d is taken but was chosen again", webPort)
	}
	found := false
	for _, n := range third.Notes {
		if strings.Contains(n, strconv.Itoa(webPort)+" is taken") && strings.Contains(n, strconv.Itoa(got)) {
			found = true
		}
	}
	if !found {
		t.Errorf("no note reporting the reassignment: %v", third.Notes)
	}
	get(t, got, "/healthz", 200)
}

func TestVolumeSurvivesDownUnlessDownVolumes(t *testing.T) {
	requireDocker(t)
	p := openPaved(t)
	dir, name := service(t, "shop")
	cleanupEnv(t, p, dir)
	env := up(t, p, devenv.UpOptions{Target: dir})
	dbPort := hostPort(t, svc(t, env, "db"), 5432)
	if got := tcpCommand(t, dbPort, "SET kept across down"); got != "OK" {
		t.Fatalf("SET: %s", got)
	}
	res, err := p.Env.Down(context.Background(), devenv.DownOptions{Target: name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.KeptVolumes) != 1 {
		t.Fatalf("kept volumes %v", res.KeptVolumes)
	}
	env = up(t, p, devenv.UpOptions{Target: dir})
	if got := tcpCommand(t, hostPort(t, svc(t, env, "db"), 5432), "GET"); got != "kept across down" {
		t.Fatalf("after down and up the db holds %q", got)
	}
	if _, err := p.Env.Down(context.Background(), devenv.DownOptions{Target: name, Volumes: true}, nil); err != nil {
		t.Fatal(err)
	}
	env = up(t, p, devenv.UpOptions{Target: dir})
	if got := tcpCommand(t, hostPort(t, svc(t, env, "db"), 5432), "GET"); got != "" {
		t.Fatalf("after down --volumes the db still holds %q", got)
	}
}

func TestComposeInputRunsAndKeepsItsExplicitPort(t *testing.T) {
	requireDocker(t)
	p := openPaved(t)
	dir, _ := service(t, "composeapp")
	cleanupEnv(t, p, dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	t.Setenv("COMPOSEAPP_WEB_PORT", strconv.Itoa(port))
	env := up(t, p, devenv.UpOptions{Target: dir})
	if got := hostPort(t, svc(t, env, "web"), 8080); got != port {
		t.Errorf("explicit port %d not kept: got %d", port, got)
	}
	var rep envReport
	getJSON(t, port, "/env", &rep)
	if rep.Env["MODE"] != "compose" || rep.Reach["KV"] != "ok" {
		t.Errorf("web: env %v reach %v", rep.Env, rep.Reach)
	}
	kv := svc(t, env, "kv")
	if !kv.Ready || len(kv.Ports) != 1 {
		t.Errorf("kv: %+v", kv)
	}
}

func TestExportRoundTripsThroughComposeAndRunsTheSame(t *testing.T) {
	requireDocker(t)
	p := openPaved(t)
	dir, name := service(t, "shop")
	cleanupEnv(t, p, dir)
	up(t, p, devenv.UpOptions{Target: dir})
	ex, err := p.Env.Export(context.Background(), devenv.ExportOptions{Target: name})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ex.Compose, "********") || !strings.Contains(ex.Compose, "${DB_PASSWORD}") || !strings.Contains(ex.DotEnv, "DB_PASSWORD=") {
		t.Fatalf("secrets should be compose variables defined in .env:\n%s\n%s", ex.Compose, ex.DotEnv)
	}
	out := filepath.Join(t.TempDir(), "exported")
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(out, "compose.yaml"), []byte(ex.Compose), 0o644)
	os.WriteFile(filepath.Join(out, ".env"), []byte(ex.DotEnv), 0o600)
	w, err := spec.LoadCompose(filepath.Join(out, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if w.Name != name || len(w.Services) != 3 || w.Service("db").Health == nil || len(w.Volumes) != 1 {
		t.Fatalf("loaded back: %+v", w)
	}
	web := w.Service(name)
	if web == nil || web.Env["DB_HOST"] != "db" || web.Probe == nil || web.Probe.Kind != spec.ProbeHTTP || len(web.DependsOn) != 2 {
		t.Fatalf("service loaded back: %+v", web)
	}
	if web.Env["DB_PASSWORD"] == "" || !strings.Contains(web.Env["DATABASE_URL"], web.Env["DB_PASSWORD"]) || w.Service("db").Env["POSTGRES_PASSWORD"] != web.Env["DB_PASSWORD"] {
		t.Errorf("the .env secret should fill every use: %v / %v", web.Env, w.Service("db").Env)
	}
	// The exported file runs as an environment of its own, the same way.
	if _, err := p.Env.Down(context.Background(), devenv.DownOptions{Target: name, Volumes: true}, nil); err != nil {
		t.Fatal(err)
	}
	env := up(t, p, devenv.UpOptions{Target: out})
	var rep envReport
	getJSON(t, hostPort(t, svc(t, env, name), 8080), "/env", &rep)
	if rep.Reach["DB"] != "ok" || rep.Reach["CACHE"] != "ok" || rep.Env["DB_PASSWORD"] != web.Env["DB_PASSWORD"] {
		t.Errorf("exported environment: %v", rep)
	}
}

func TestKilledUpIsReconciledByTheNextUpAndDown(t *testing.T) {
	eng := requireDocker(t)
	p := openPaved(t)
	dir, name := service(t, "shop")
	cleanupEnv(t, p, dir)
	killUpAfterFirstStart(t, p.Home, dir)
	// Something is left: containers of an up that never finished.
	cs, nets, _ := labelled(t, eng, name)
	if len(cs) == 0 || len(nets) != 1 {
		t.Fatalf("the killed up left containers %v, networks %v; the test needs some", cs, nets)
	}
	env := up(t, p, devenv.UpOptions{Target: dir})
	if len(env.Services) != 3 || env.State != devenv.StateRunning {
		t.Fatalf("after a killed up: %s %v", env.State, names(env))
	}
	if cs, _, _ := labelled(t, eng, name); len(cs) != 3 {
		t.Fatalf("containers after reconciling: %v", cs)
	}
	get(t, hostPort(t, svc(t, env, name), 8080), "/healthz", 200)

	// Killed again, then down alone cleans everything.
	if _, err := p.Env.Down(context.Background(), devenv.DownOptions{Target: name}, nil); err != nil {
		t.Fatal(err)
	}
	killUpAfterFirstStart(t, p.Home, dir)
	if _, err := p.Env.Down(context.Background(), devenv.DownOptions{Target: name, Volumes: true}, nil); err != nil {
		t.Fatal(err)
	}
	if cs, nets, vols := labelled(t, eng, name); len(cs)+len(nets)+len(vols) != 0 {
		t.Fatalf("down after a killed up left %v %v %v", cs, nets, vols)
	}
}

func TestImageThatCannotBePulledNamesTheImage(t *testing.T) {
	requireDocker(t)
	p := openPaved(t)
	dir := filepath.Join(t.TempDir(), "nopull")
	os.MkdirAll(dir, 0o755)
	// A registry on a loopback port where nothing listens: the pull fails at
	// once and no traffic leaves the machine (not even a DNS lookup).
	image := fmt.Sprintf("127.0.0.1:%d/paved/nothing-here:1", testenv.FreePort(t))
	os.WriteFile(filepath.Join(dir, "score.yaml"), []byte("apiVersion: score.dev/v1b1\nmetadata:\n  name: nopull-"+strconv.Itoa(os.Getpid())+"\ncontainers:\n  main:\n    image: "+image+"\n"), 0o644)
	_, err := p.Env.Up(context.Background(), devenv.UpOptions{Target: dir, Wait: true}, nil)
	var ie *engine.ImageError
	if err == nil || !errors.As(err, &ie) || !strings.Contains(err.Error(), image) || !strings.Contains(err.Error(), "pull") {
		t.Fatalf("want a pull error naming %s, got %v", image, err)
	}
	t.Log(err)
}

func TestDockerfileBuildHonoursDockerignore(t *testing.T) {
	requireDocker(t)
	p := openPaved(t)
	dir, name := service(t, "dockerapp")
	cleanupEnv(t, p, dir)
	env := up(t, p, devenv.UpOptions{Target: dir, Build: true})
	port := hostPort(t, svc(t, env, name), 8080)
	if body := get(t, port, "/index.html", 200); !strings.Contains(body, "dockerapp") {
		t.Errorf("index: %s", body)
	}
	get(t, port, "/secret.txt", 404)
	get(t, port, "/ignored/file.txt", 404)
}

func TestGoServiceWithoutDockerfileBuildsWithNoBaseImage(t *testing.T) {
	requireDocker(t)
	p := openPaved(t)
	dir, name := service(t, "goapp")
	cleanupEnv(t, p, dir)
	env := up(t, p, devenv.UpOptions{Target: dir})
	port := hostPort(t, svc(t, env, name), 8080)
	if body := get(t, port, "/", 200); strings.TrimSpace(body) != "goapp v1" {
		t.Errorf("goapp says %q", body)
	}
	// Unchanged source: a rebuild gives the same image, so nothing is recreated.
	again := up(t, p, devenv.UpOptions{Target: dir, Build: true})
	if a := svc(t, again, name).Action; a != devenv.ActionUnchanged {
		t.Errorf("rebuild of unchanged source: %s", a)
	}
}

func TestDepsDirectStartsCatalogDependencies(t *testing.T) {
	requireDocker(t)
	p := openPaved(t)
	dir, name := service(t, "shop")
	cleanupEnv(t, p, dir)
	env := up(t, p, devenv.UpOptions{Target: dir, Deps: devenv.DepsDirect})
	inv := svc(t, env, "inventory")
	if inv.Role != devenv.RoleDependency || inv.Component != "component:default/inventory" || !inv.Ready {
		t.Errorf("inventory: %+v", inv)
	}
	svc(t, env, "inventory-store")
	web := svc(t, env, name)
	if !contains(web.DependsOn, "inventory") {
		t.Errorf("%s should wait for inventory: %v", name, web.DependsOn)
	}
	// Back to none: the dependency's containers go.
	env = up(t, p, devenv.UpOptions{Target: dir, Deps: devenv.DepsNone})
	if len(env.Services) != 3 {
		t.Errorf("with --deps none: %v", names(env))
	}
}

func TestLogsFollowAndRestart(t *testing.T) {
	requireDocker(t)
	p := openPaved(t)
	dir, name := service(t, "shop")
	cleanupEnv(t, p, dir)
	env := up(t, p, devenv.UpOptions{Target: dir})
	var lines []devenv.LogLine
	if err := p.Env.Logs(context.Background(), devenv.LogsOptions{Target: name}, func(l devenv.LogLine) { lines = append(lines, l) }); err != nil {
		t.Fatal(err)
	}
	if !hasLine(lines, name, "standin http listening") || !hasLine(lines, "db", "standin tcp listening") {
		t.Fatalf("logs: %+v", lines)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var followed []devenv.LogLine
	done := make(chan error, 1)
	go func() {
		done <- p.Env.Logs(ctx, devenv.LogsOptions{Target: name, Service: name, Follow: true, Tail: 1}, func(l devenv.LogLine) {
			mu.Lock()
			followed = append(followed, l)
			mu.Unlock()
		})
	}()
	port := hostPort(t, svc(t, env, name), 8080)
	eventually(t, 30*time.Second, "a request never showed in the followed logs", func() bool {
		get(t, port, "/followed-request", 200)
		mu.Lock()
		defer mu.Unlock()
		return hasLine(followed, name, "GET /followed-request")
	})
	cancel()
	<-done
	mu.Lock()
	for _, l := range followed {
		if l.Service != name {
			t.Errorf("--service %s followed %s", name, l.Service)
		}
	}
	mu.Unlock()

	before := svc(t, env, "cache").StartedAt
	after, err := p.Env.Restart(context.Background(), devenv.RestartOptions{Target: name, Service: "cache"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := svc(t, after, "cache")
	if !c.Ready || c.StartedAt == nil || before == nil || !c.StartedAt.After(*before) {
		t.Errorf("cache after restart: %+v (started before %v)", c, before)
	}
}

func hasLine(lines []devenv.LogLine, service, text string) bool {
	for _, l := range lines {
		if l.Service == service && strings.Contains(l.Text, text) {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
