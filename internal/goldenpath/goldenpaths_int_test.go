package goldenpath

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// origHome is the user's home before the tests isolate git from it: the
// generated projects' checks use its module and npm caches.
var origHome = os.Getenv("HOME")

// runCheck runs a generated project's own check, as its developer would.
func runCheck(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed: run `make test` (it installs the test dependencies)", name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+origHome)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s in the generated project: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
}

// Each shipped golden path is scaffolded once and the generated project's
// own checks run: go vet, gofmt and go test for the Go ones, npm ci and
// npm test for the Node one.
func TestShippedGoldenPathsBuildAndPassTheirOwnChecks(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]any
		checks [][]string
	}{
		{"go-service", map[string]any{"postgres": true, "modulePath": "github.com/acme/orders-api"},
			[][]string{{"go", "vet", "./..."}, {"gofmt", "-l", "."}, {"go", "test", "-count=1", "./..."}}},
		{"go-cron-job", map[string]any{"schedule": "*/15 * * * *"},
			[][]string{{"go", "vet", "./..."}, {"gofmt", "-l", "."}, {"go", "test", "-count=1", "./..."}}},
		{"node-service", map[string]any{"postgres": true, "port": 3000},
			[][]string{{"npm", "ci", "--no-audit", "--no-fund"}, {"npm", "test"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			name := "acme-" + strings.TrimPrefix(strings.TrimPrefix(c.name, "go-"), "node-")
			vals := basicValues(name)
			for k, v := range c.values {
				vals[k] = v
			}
			out := filepath.Join(t.TempDir(), name)
			res, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: c.name, Values: vals, OutDir: out}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.CatalogRef != "component:default/"+name || res.Commit == "" {
				t.Fatalf("result = %+v", res)
			}
			files := readTree(t, out)
			for _, f := range []string{"Dockerfile", "Makefile", ".github/workflows/ci.yaml", "score.yaml", "catalog-info.yaml", "README.md", "docs/index.md", ".paved/template.yaml"} {
				if files[f] == "" {
					t.Errorf("no %s", f)
				}
			}
			var score struct {
				APIVersion string                    `yaml:"apiVersion"`
				Metadata   map[string]any            `yaml:"metadata"`
				Containers map[string]map[string]any `yaml:"containers"`
				Resources  map[string]map[string]any `yaml:"resources"`
			}
			if err := yaml.Unmarshal([]byte(files["score.yaml"]), &score); err != nil || score.APIVersion != "score.dev/v1b1" || score.Metadata["name"] != name || score.Containers["main"] == nil {
				t.Errorf("score.yaml (%v):\n%s", err, files["score.yaml"])
			}
			if pg, _ := c.values["postgres"].(bool); pg != (score.Resources["db"]["type"] == "postgres") {
				t.Errorf("postgres %v, score resources %v", pg, score.Resources)
			}
			for _, check := range c.checks {
				if check[0] == "gofmt" {
					if out, err := exec.Command("gofmt", "-l", out).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
						t.Errorf("gofmt -l: %v\n%s", err, out)
					}
					continue
				}
				runCheck(t, out, check[0], check[1:]...)
			}
		})
	}
}
