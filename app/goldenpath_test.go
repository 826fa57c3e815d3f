package app

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/goldenpath"
	"github.com/paved-dev/paved/internal/testenv"
)

// The golden-path bindings, called the way the form does in browser mode:
// gallery, detail, live preview, scaffold with progress events, status.
func TestGoldenPathBindingsDriveAScaffold(t *testing.T) {
	testenv.IsolateGit(t)
	srv, _ := browserServer(t, testAssets(), false)
	events := readEvents(t, srv)

	code, out := call(t, srv, "GoldenPaths", `[]`)
	var list []goldenpath.TemplateSummary
	if code != http.StatusOK || json.Unmarshal(out["result"], &list) != nil || len(list) != 3 {
		t.Fatalf("GoldenPaths: %d %s", code, out)
	}
	code, out = call(t, srv, "GoldenPath", `["node-service"]`)
	var d goldenpath.TemplateDetail
	if code != http.StatusOK || json.Unmarshal(out["result"], &d) != nil || d.README == "" || len(d.Parameters) == 0 {
		t.Fatalf("GoldenPath: %d %s", code, out)
	}
	// The preview of a half-filled form reports what is missing.
	code, out = call(t, srv, "ScaffoldPreview", `[{"template": "node-service", "values": {"name": "web"}}]`)
	var pv goldenpath.Preview
	if code != http.StatusOK || json.Unmarshal(out["result"], &pv) != nil || len(pv.Problems) != 2 || len(pv.Files) == 0 {
		t.Fatalf("ScaffoldPreview: %d %s", code, out)
	}
	dir := filepath.Join(t.TempDir(), "web")
	body, _ := json.Marshal([]any{map[string]any{"template": "node-service", "outDir": dir,
		"values": map[string]any{"name": "web", "owner": "group:default/team-a", "description": "The web"}}})
	code, out = call(t, srv, "Scaffold", string(body))
	var res goldenpath.Result
	if code != http.StatusOK || json.Unmarshal(out["result"], &res) != nil || res.Dir != dir || res.CatalogRef != "component:default/web" {
		t.Fatalf("Scaffold: %d %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "package-lock.json")); err != nil {
		t.Fatal(err)
	}
	var stages []string
	for {
		ev := next(t, events, goldenpath.ProgressTopic)
		var p struct{ Stage, Message string }
		if err := json.Unmarshal(ev["data"], &p); err != nil {
			t.Fatal(err)
		}
		stages = append(stages, p.Stage)
		if p.Stage == "done" {
			break
		}
	}
	if stages[0] != "validate" || !strings.Contains(strings.Join(stages, ","), "step") {
		t.Errorf("progress = %v", stages)
	}
	next(t, events, EventCatalogChanged)

	code, out = call(t, srv, "TemplateStatus", `[["`+dir+`"]]`)
	var st []goldenpath.ServiceStatus
	if code != http.StatusOK || json.Unmarshal(out["result"], &st) != nil || len(st) != 1 || st[0].State != goldenpath.StateUpToDate {
		t.Fatalf("TemplateStatus: %d %s", code, out)
	}
	// A failing scaffold is an error the form can show.
	code, out = call(t, srv, "Scaffold", string(body))
	if code != http.StatusInternalServerError || !strings.Contains(string(out["error"]), "not empty") {
		t.Fatalf("second Scaffold: %d %s", code, out)
	}
}

// The window's Scaffold with an empty folder uses the service's one rule:
// ~/src/<name>, and a name that would leave ~/src is refused with a
// message naming the parameter, writing nothing anywhere; the preview
// shows the folder the same rule gives.
func TestScaffoldWithAnEmptyFolderStaysInsideSrc(t *testing.T) {
	home := testenv.IsolateGit(t)
	srv, _ := browserServer(t, testAssets(), false)
	tpl := testenv.WriteFiles(t, t.TempDir(), map[string]string{
		"template.yaml": `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: loose}
spec:
  type: service
  parameters: [{properties: {name: {type: string}}}]
  steps:
    - {id: fetch, action: fetch:plain, input: {url: ./skeleton}}
`,
		"skeleton/README.md": "hello\n",
	})
	request := func(name string) string {
		b, _ := json.Marshal([]any{map[string]any{"template": tpl, "outDir": "", "values": map[string]any{"name": name}}})
		return string(b)
	}
	before := entries(t, filepath.Dir(home))
	for _, name := range []string{"../../../escape", "..", "../escape", "a/b", filepath.Join(home, "abs"), "C:x", "x\x00y"} {
		code, out := call(t, srv, "Scaffold", request(name))
		if code == http.StatusOK || !strings.Contains(string(out["error"]), "parameter name") {
			t.Errorf("Scaffold with name %q: %d %s", name, code, out)
		}
		code, out = call(t, srv, "ScaffoldPreview", request(name))
		var pv goldenpath.Preview
		if code != http.StatusOK || json.Unmarshal(out["result"], &pv) != nil || pv.OutDir != "" || len(pv.Problems) != 1 || pv.Problems[0].Field != "name" {
			t.Errorf("ScaffoldPreview with name %q: %d %s", name, code, out)
		}
	}
	if got := entries(t, filepath.Dir(home)); strings.Join(got, ",") != strings.Join(before, ",") {
		t.Errorf("refused scaffolds wrote beside the home directory: %v, was %v", got, before)
	}
	if got := entries(t, home); slices.Contains(got, "src") || slices.Contains(got, "abs") {
		t.Errorf("refused scaffolds wrote into the home directory: %v", got)
	}

	want := filepath.Join(home, "src", "web")
	code, out := call(t, srv, "ScaffoldPreview", request("web"))
	var pv goldenpath.Preview
	if code != http.StatusOK || json.Unmarshal(out["result"], &pv) != nil || pv.OutDir != want {
		t.Fatalf("ScaffoldPreview(web): %d %s", code, out)
	}
	code, out = call(t, srv, "Scaffold", request("web"))
	var res goldenpath.Result
	if code != http.StatusOK || json.Unmarshal(out["result"], &res) != nil || res.Dir != want {
		t.Fatalf("Scaffold(web): %d %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(want, "README.md")); err != nil {
		t.Fatal(err)
	}
}

// entries lists a directory's names (none when it does not exist).
func entries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}
