package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/testenv"
)

// TestAddSourceExitsOneWhenItsFirstSyncFails in both output modes: a script
// reading -o json must not mistake a failed first sync for success.
func TestAddSourceExitsOneWhenItsFirstSyncFails(t *testing.T) {
	home(t)
	empty := t.TempDir() // no catalog-info.yaml: the sync fails
	r := paved(t, "catalog", "add-source", empty, "--name", "empty-json", "-o", "json")
	if r.code != 1 {
		t.Fatalf("add-source -o json: exit %d, want 1\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	var out struct {
		Source struct{ Name string } `json:"source"`
		Sync   []struct {
			Error string `json:"error"`
		} `json:"sync"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("stdout is not the JSON result: %v\n%s", err, r.stdout)
	}
	if out.Source.Name != "empty-json" || len(out.Sync) != 1 || !strings.Contains(out.Sync[0].Error, "catalog-info.yaml") {
		t.Errorf("JSON = %s", r.stdout)
	}
	if !strings.Contains(lastLine(r.stderr), "first sync failed") {
		t.Errorf("stderr = %q", r.stderr)
	}

	r = paved(t, "catalog", "add-source", empty, "--name", "empty-table")
	if r.code != 1 || !strings.Contains(r.stderr, "first sync failed") {
		t.Fatalf("add-source: exit %d, stderr %q", r.code, r.stderr)
	}

	// --no-sync has nothing to fail and lists no sync.
	r = ok(t, "catalog", "add-source", empty, "--name", "empty-nosync", "--no-sync", "-o", "json")
	if !strings.Contains(r.stdout, `"sync": []`) {
		t.Errorf("--no-sync JSON = %s", r.stdout)
	}
}

// TestSyncProblemsNameFileLineAndField: what is wrong in a source's files is
// printed as the catalog's own "file:line: field: message", and -o json
// carries the same parts as fields (docs/cli.md).
func TestSyncProblemsNameFileLineAndField(t *testing.T) {
	home(t)
	dir := testenv.WriteFiles(t, t.TempDir(), map[string]string{
		"catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./svc.yaml, ./broken.yaml]\n",
		"svc.yaml":          "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\nspec:\n  type: service\n  lifecycle: production\n  owner: 42\n",
		"broken.yaml":       "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  tags: [a, b\n",
	})
	r := ok(t, "catalog", "add-source", dir, "--name", "bad")
	for _, want := range []string{
		"bad: svc.yaml:8: spec.owner: must be a string",
		"bad: broken.yaml:4: YAML syntax error: did not find expected ',' or ']'; fix the YAML",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
		}
	}
	r = ok(t, "catalog", "status", "-o", "json")
	var st []struct {
		Name   string           `json:"name"`
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatal(err)
	}
	var bad []map[string]any
	for _, s := range st {
		if s.Name == "bad" {
			bad = s.Errors
		}
	}
	if len(bad) != 2 {
		t.Fatalf("status errors of bad = %v", bad)
	}
	for _, p := range bad {
		if p["file"] == "svc.yaml" && (p["line"] != 8.0 || p["field"] != "spec.owner" || p["source"] != nil) {
			t.Errorf("svc.yaml problem = %v", p)
		}
		if p["file"] == "broken.yaml" && (p["line"] != 4.0 || !strings.Contains(p["fix"].(string), "fix the YAML")) {
			t.Errorf("broken.yaml problem = %v", p)
		}
	}
}
