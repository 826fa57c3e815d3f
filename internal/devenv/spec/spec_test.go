package spec

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func fixture(t *testing.T, parts ...string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(append([]string{filepath.Dir(file), "..", "..", "..", "testdata", "devenv"}, parts...)...)
}

func TestScoreFileBecomesServicesAndResources(t *testing.T) {
	w, err := LoadDir(fixture(t, "shop"))
	if err != nil {
		t.Fatal(err)
	}
	if w.Name != "shop" || w.Format != FormatScore || len(w.Services) != 1 {
		t.Fatalf("workload %+v", w)
	}
	s := w.Services[0]
	if s.Name != "shop" || s.Image != "paved-test/standin:1" || strings.Join(s.Command, " ") != "http -addr :8080" {
		t.Errorf("service %+v", s)
	}
	if s.Env["DB_HOST"] != "${resources.db.host}" {
		t.Errorf("placeholders must be kept for provisioning: %q", s.Env["DB_HOST"])
	}
	if len(s.Ports) != 1 || s.Ports[0] != (Port{Name: "web", Container: 8080, Protocol: "tcp"}) {
		t.Errorf("ports %+v", s.Ports)
	}
	if s.Probe == nil || s.Probe.Kind != ProbeHTTP || s.Probe.Path != "/healthz" || s.Probe.Port != 8080 {
		t.Errorf("probe %+v", s.Probe)
	}
	if len(w.Resources) != 2 || w.Resources[0].Name != "cache" || w.Resources[0].Type != "redis" || w.Resources[1].Type != "postgres" {
		t.Errorf("resources %+v", w.Resources)
	}
}

func TestScoreImageDotIsBuiltFromTheDirectory(t *testing.T) {
	w, err := ParseScore("/src/app/score.yaml", []byte("apiVersion: score.dev/v1b1\nmetadata: {name: app}\ncontainers:\n  aa: {image: .}\n  bb: {image: 'busybox:1', command: [sh], args: [-c, 'sleep 1']}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Services) != 2 || w.Services[0].Name != "app-aa" || w.Services[0].Build == nil || w.Services[0].Build.Context != "/src/app" {
		t.Fatalf("services %+v", w.Services)
	}
	if b := w.Services[1]; b.Build != nil || strings.Join(b.Entrypoint, " ") != "sh" || strings.Join(b.Command, " ") != "-c sleep 1" {
		t.Errorf("b %+v", b)
	}
}

func TestInvalidScoreNamesTheFileAndTheProblem(t *testing.T) {
	for name, doc := range map[string]string{
		"no containers": "apiVersion: score.dev/v1b1\nmetadata: {name: x}\n",
		"wrong version": "apiVersion: score.dev/v9\nmetadata: {name: x}\ncontainers: {a: {image: x}}\n",
		"not yaml":      "containers: [",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseScore("/here/score.yaml", []byte(doc))
			if err == nil || !strings.HasPrefix(err.Error(), "/here/score.yaml: ") {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestNoSpecSaysWhatToAdd(t *testing.T) {
	_, err := LoadDir(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "add a score.yaml") {
		t.Fatalf("got %v", err)
	}
}

func TestComposeFileBecomesServices(t *testing.T) {
	t.Setenv("COMPOSEAPP_WEB_PORT", "")
	w, err := LoadDir(fixture(t, "composeapp"))
	if err != nil {
		t.Fatal(err)
	}
	if w.Format != FormatCompose || w.Name != "composeapp" || len(w.Services) != 2 {
		t.Fatalf("workload %+v", w)
	}
	kv, web := w.Service("kv"), w.Service("web")
	if kv.Health == nil || kv.Health.Interval != time.Second || kv.Health.Retries != 30 || kv.Health.Test[0] != "CMD" {
		t.Errorf("kv health %+v", kv.Health)
	}
	if len(kv.Mounts) != 1 || kv.Mounts[0] != (Mount{Kind: MountVolume, Source: "kvdata", Target: "/data"}) || strings.Join(w.Volumes, ",") != "kvdata" {
		t.Errorf("kv mounts %+v volumes %v", kv.Mounts, w.Volumes)
	}
	if len(web.Ports) != 1 || web.Ports[0].Host != 28181 || web.Ports[0].Container != 8080 {
		t.Errorf("web ports %+v (the explicit default 28181 should be asked for)", web.Ports)
	}
	if strings.Join(web.DependsOn, ",") != "kv" || web.Env["MODE"] != "compose" {
		t.Errorf("web %+v", web)
	}
	if kv.Ports[0].Host != 0 || kv.Probe == nil || kv.Probe.Kind != ProbeTCP {
		t.Errorf("kv port %+v probe %+v", kv.Ports, kv.Probe)
	}
}

func TestExportLoadsBackAsTheSameModel(t *testing.T) {
	in := &Workload{Name: "rt", Volumes: []string{"data"}, Services: []Service{
		{Name: "api", Image: "example/api:1", Command: []string{"serve", "--price=$5"},
			Env:       map[string]string{"PASSWORD": "\x01pw\x01", "URL": "pg://u:\x01pw\x01@db/x", "LITERAL": "cost $5 ${not}"},
			Ports:     []Port{{Name: "http", Container: 8080, Host: 18080, Protocol: "tcp"}},
			DependsOn: []string{"db"}, Probe: &Probe{Kind: ProbeHTTP, Port: 8080, Path: "/ready"}},
		{Name: "db", Image: "example/db:1", Mounts: []Mount{{Kind: MountVolume, Source: "data", Target: "/var/data"}},
			Ports:     []Port{{Container: 5432, Protocol: "tcp"}},
			Health:    &Health{Test: []string{"CMD", "check"}, Interval: time.Second, Timeout: 2 * time.Second, Retries: 5},
			StopGrace: 3 * time.Second},
	}}
	data, err := Export(in, ExportOptions{Vars: map[string]string{"\x01pw\x01": "DB_PASSWORD"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "${DB_PASSWORD}") || strings.Contains(string(data), "\x01") {
		t.Fatalf("secrets should be variables:\n%s", data)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "compose.yaml"), data, 0o644)
	os.WriteFile(filepath.Join(dir, ".env"), []byte("DB_PASSWORD=s3cret\n"), 0o600)
	out, err := LoadCompose(filepath.Join(dir, "compose.yaml"))
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	api, db := out.Service("api"), out.Service("db")
	if api.Env["PASSWORD"] != "s3cret" || api.Env["URL"] != "pg://u:s3cret@db/x" || api.Env["LITERAL"] != "cost $5 ${not}" {
		t.Errorf("env %v", api.Env)
	}
	if strings.Join(api.Command, " ") != "serve --price=$5" || api.Ports[0] != (Port{Name: "http", Container: 8080, Host: 18080, Protocol: "tcp"}) {
		t.Errorf("api %+v", api)
	}
	if api.Probe == nil || *api.Probe != *in.Services[0].Probe || strings.Join(api.DependsOn, ",") != "db" {
		t.Errorf("api probe %+v deps %v", api.Probe, api.DependsOn)
	}
	if db.Health == nil || db.Health.Interval != time.Second || db.Health.Timeout != 2*time.Second || db.Health.Retries != 5 || db.StopGrace != 3*time.Second {
		t.Errorf("db %+v health %+v", db, db.Health)
	}
	if len(db.Mounts) != 1 || db.Mounts[0].Source != "data" || strings.Join(out.Volumes, ",") != "data" {
		t.Errorf("db mounts %+v", db.Mounts)
	}
}

func TestProbeStringsRoundTrip(t *testing.T) {
	for _, s := range []string{"tcp:5432", "http:8080/healthz", "http:80/"} {
		p, err := ParseProbe(s)
		if err != nil || p.String() != s {
			t.Errorf("%s: %v %v", s, p, err)
		}
	}
	for _, s := range []string{"udp:1", "tcp", "http:x/y", "tcp:70000"} {
		if _, err := ParseProbe(s); err == nil {
			t.Errorf("%s: want an error", s)
		}
	}
}

func TestScoreFileSourcesStayInsideTheWorkloadDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.conf"), []byte("port=8080\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big"), make([]byte, maxFileSourceBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := func(source string) []byte {
		return []byte("apiVersion: score.dev/v1b1\nmetadata: {name: app}\ncontainers:\n  web:\n    image: nginx\n    files:\n      /etc/app.conf: {source: '" + source + "'}\n")
	}
	file := filepath.Join(dir, "score.yaml")
	w, err := ParseScore(file, spec("app.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(w.Services[0].Files[0].Content); got != "port=8080\n" {
		t.Fatalf("embedded content = %q", got)
	}
	for _, bad := range []string{"/etc/hostname", "../outside", "link", "/dev/zero", "big", "."} {
		_, err := ParseScore(file, spec(bad))
		if err == nil || !strings.Contains(err.Error(), "containers.web.files./etc/app.conf.source") || !strings.Contains(err.Error(), file) {
			t.Errorf("source %q: err = %v, want a refusal naming the file and the field", bad, err)
		}
	}
}
