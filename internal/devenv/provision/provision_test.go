package provision

import (
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/devenv/spec"
)

func shop(t *testing.T) *spec.Workload {
	t.Helper()
	w, err := spec.ParseScore("/src/shop/score.yaml", []byte(`apiVersion: score.dev/v1b1
metadata: {name: shop}
containers:
  web:
    image: shop:1
    args: ["--db=${resources.db.connection}"]
    variables:
      DB_HOST: ${resources.db.host}
      DB_PORT: ${resources.db.port}
      DB_PASSWORD: ${resources.db.password}
      CACHE: ${resources.cache.host}:${resources.cache.port}
      NAME: ${metadata.name}
      HOME_DIR: ${resources.env.HOME_DIR}
      LITERAL: $${resources.db.host}
    volumes:
      /data: {source: "${resources.files}"}
resources:
  db: {type: postgres}
  cache: {type: redis}
  files: {type: volume}
  env: {type: environment}
`))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func byName(r *Result) map[string]Unit {
	m := map[string]Unit{}
	for _, u := range r.Units {
		m[u.Name] = u
	}
	return m
}

func TestResourcesBecomeContainersAndFillPlaceholders(t *testing.T) {
	n := 0
	r, err := Resolve(Input{Workloads: []*spec.Workload{shop(t)},
		Secret: func(svc, name string) string { n++; return svc + "-" + name + "-secret" },
		Getenv: func(k string) string { return map[string]string{"HOME_DIR": "/home/x"}[k] }})
	if err != nil {
		t.Fatal(err)
	}
	u := byName(r)
	if len(r.Units) != 3 || u["db"].Role != "resource" || u["shop"].Role != "workload" {
		t.Fatalf("units %v", u)
	}
	web := u["shop"]
	want := map[string]string{"DB_HOST": "db", "DB_PORT": "5432", "DB_PASSWORD": "db-password-secret", "CACHE": "cache:6379",
		"NAME": "shop", "HOME_DIR": "/home/x", "LITERAL": "${resources.db.host}"}
	for k, v := range want {
		if web.Env[k] != v {
			t.Errorf("%s = %q, want %q", k, web.Env[k], v)
		}
	}
	if web.Command[0] != "--db=postgresql://paved:db-password-secret@db:5432/app" {
		t.Errorf("args %v", web.Command)
	}
	if strings.Join(web.DependsOn, ",") != "cache,db" {
		t.Errorf("depends on %v", web.DependsOn)
	}
	if len(web.Mounts) != 1 || web.Mounts[0].Source != "files" || strings.Join(r.Volumes, ",") != "cache-data,db-data,files" {
		t.Errorf("mounts %+v volumes %v", web.Mounts, r.Volumes)
	}
	db := u["db"]
	if db.Env["POSTGRES_PASSWORD"] != "db-password-secret" || db.Env[SecretEnvPrefix+"PASSWORD"] != "db-password-secret" {
		t.Errorf("db env %v", db.Env)
	}
	if !db.SecretOutputs["password"] || !db.SecretOutputs["connection"] || db.SecretOutputs["host"] {
		t.Errorf("secret outputs %v", db.SecretOutputs)
	}
	if db.Probe == nil || db.Probe.Port != 5432 || db.Health == nil || len(db.Mounts) != 1 || db.Mounts[0].Source != "db-data" {
		t.Errorf("db %+v", db)
	}
	if n != 2 {
		t.Errorf("one secret per resource expected, generated %d", n)
	}
}

func TestPlatformProvisionerReplacesTheBuiltInOne(t *testing.T) {
	defs := []Definition{{Type: "postgres", Image: "example/pg-lite:1", Ports: []int{6000}, Source: "platform.yaml",
		Env: map[string]string{"PW": "${secret.pw}"}, Outputs: map[string]string{"host": "${host}", "port": "${port}", "password": "${secret.pw}",
			"connection": "x", "extra": "${params.size}-${name}-${workload}"}},
		{Type: "redis", Class: "big", Image: "example/redis-big:1", Outputs: map[string]string{"host": "${host}", "port": "1"}}}
	w := shop(t)
	w.Resources[0].Class = "big"                        // cache: type redis class big
	w.Resources[1].Params = map[string]any{"size": "s"} // db
	r, err := Resolve(Input{Workloads: []*spec.Workload{w}, Definitions: defs})
	if err != nil {
		t.Fatal(err)
	}
	u := byName(r)
	if u["db"].Image != "example/pg-lite:1" || u["db"].Outputs["extra"] != "s-db-shop" || u["shop"].Env["DB_PORT"] != "6000" {
		t.Errorf("db %+v", u["db"])
	}
	if u["cache"].Image != "example/redis-big:1" {
		t.Errorf("class big: %s", u["cache"].Image)
	}
	if len(u["db"].Env["PW"]) != 24 {
		t.Errorf("generated secret %q", u["db"].Env["PW"])
	}
}

func TestResolveErrorsSayWhatToDo(t *testing.T) {
	for name, c := range map[string]struct {
		defs []Definition
		mod  func(*spec.Workload)
		want string
	}{
		"unknown type": {mod: func(w *spec.Workload) { w.Resources[0].Type = "kafka" }, want: "no provisioner for resource type kafka: add one under spec.environments.provisioners"},
		"secret in command": {defs: []Definition{{Type: "postgres", Image: "x", Command: []string{"--pw=${secret.pw}"}, Ports: []int{1}}},
			want: "secrets may only be used in env and outputs"},
		"unknown output": {mod: func(w *spec.Workload) { w.Services[0].Env["X"] = "${resources.db.nope}" }, want: `no output "nope"`},
		"unknown placeholder": {defs: []Definition{{Type: "postgres", Image: "x", Env: map[string]string{"A": "${wat}"}}},
			want: "unknown placeholder ${wat}"},
	} {
		t.Run(name, func(t *testing.T) {
			w := shop(t)
			if c.mod != nil {
				c.mod(w)
			}
			_, err := Resolve(Input{Workloads: []*spec.Workload{w}, Definitions: c.defs})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "/src/shop/score.yaml") {
				t.Fatalf("got %v, want %q naming the file", err, c.want)
			}
		})
	}
}

func TestDependencyWorkloadsGetPrefixedResourcesAndTheServiceWaitsForThem(t *testing.T) {
	dep, err := spec.ParseScore("/src/inv/score.yaml", []byte("apiVersion: score.dev/v1b1\nmetadata: {name: inventory}\ncontainers:\n  main: {image: inv:1, variables: {R: '${resources.store.host}'}}\nresources:\n  store: {type: redis}\n  shared: {type: postgres, id: main-db}\n"))
	if err != nil {
		t.Fatal(err)
	}
	main := shop(t)
	main.Resources[1].ID = "main-db" // db shared with the dependency
	r, err := Resolve(Input{Workloads: []*spec.Workload{main, dep}})
	if err != nil {
		t.Fatal(err)
	}
	u := byName(r)
	if u["inventory"].Env["R"] != "inventory-store" {
		t.Errorf("dependency resource host %q", u["inventory"].Env["R"])
	}
	if _, ok := u["main-db"]; !ok || len(r.Units) != 5 {
		t.Errorf("shared resource: units %v", u)
	}
	if !strings.Contains(strings.Join(u["shop"].DependsOn, ","), "inventory") {
		t.Errorf("shop waits for %v", u["shop"].DependsOn)
	}
}

func TestSecretsAreRandomLettersAndDigits(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b || len(a) != 24 || strings.Trim(a, secretAlphabet) != "" {
		t.Fatalf("%q %q", a, b)
	}
}
