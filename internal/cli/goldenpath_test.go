package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/goldenpath"
	"github.com/paved-dev/paved/internal/testenv"
)

func TestTemplateListAndShow(t *testing.T) {
	home(t)
	list := decode[[]goldenpath.TemplateSummary](t, ok(t, "template", "list", "-o", "json"))
	if len(list) != 3 || list[0].Name != "go-cron-job" || list[1].Name != "go-service" || list[2].Name != "node-service" {
		t.Fatalf("template list = %+v", list)
	}
	if tbl := ok(t, "template", "list"); !strings.Contains(tbl.stdout, "go-service") || !strings.Contains(tbl.stdout, "builtin") {
		t.Errorf("table:\n%s", tbl.stdout)
	}
	d := decode[goldenpath.TemplateDetail](t, ok(t, "template", "show", "go-service", "-o", "json"))
	if d.Name != "go-service" || d.README == "" || strings.Join(d.Required, ",") != "name,owner,description" || d.Defaults["port"] != float64(8080) {
		t.Fatalf("show = %+v", d.TemplateSummary)
	}
	if r := ok(t, "template", "show", "node-service"); !strings.Contains(r.stdout, "PARAMETER") || !strings.Contains(r.stdout, "(required)") {
		t.Errorf("show table:\n%s", r.stdout)
	}
	if r := paved(t, "template", "show", "no-such"); r.code != 1 || !strings.Contains(r.stderr, "paved template list") {
		t.Errorf("unknown template: %d %s", r.code, r.stderr)
	}
}

func TestNewDryRunPrintsTheFilesAndWritesNothing(t *testing.T) {
	home(t)
	out := filepath.Join(t.TempDir(), "orders-api")
	args := []string{"new", "go-service", "--out", out, "--set", "name=orders-api", "--set", "owner=group:default/team-a", "--set", "description=Takes orders", "--dry-run"}
	r := ok(t, args...)
	for _, want := range []string{"would write", "cmd/orders-api/main.go", "===== go.mod =====", "module example.com/team-a/orders-api"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run output lacks %q", want)
		}
	}
	res := decode[goldenpath.Result](t, ok(t, append(args, "-o", "json")...))
	if !res.DryRun || len(res.Files) < 15 || res.Files[0].Content == "" {
		t.Fatalf("dry run json = %+v", res.Files[:1])
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("dry run wrote %s", out)
	}
}

func TestNewThenStatusAndUpdate(t *testing.T) {
	h := home(t)
	testenv.IsolateGit(t)
	t.Setenv("PAVED_HOME", h)
	dir := t.TempDir()
	values := filepath.Join(dir, "answers.yaml")
	if err := os.WriteFile(values, []byte("owner: group:default/team-a\ndescription: Nightly export\nschedule: '0 1 * * *'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "nightly")
	r := ok(t, "new", "go-cron-job", "--out", out, "--values", values, "--set", "name=nightly", "-o", "json")
	res := decode[goldenpath.Result](t, r)
	if res.Dir != out || res.CatalogRef != "component:default/nightly" || res.Commit == "" {
		t.Fatalf("new = %+v", res)
	}
	rec, err := goldenpath.ReadRecord(out)
	if err != nil || rec.Answers["schedule"] != "0 1 * * *" {
		t.Fatalf("record = %+v, %v", rec, err)
	}
	st := decode[[]goldenpath.ServiceStatus](t, ok(t, "template", "status", out, dir, "-o", "json"))
	if len(st) != 2 || st[0].State != goldenpath.StateUpToDate || st[1].State != goldenpath.StateNotRecorded {
		t.Fatalf("status = %+v", st)
	}
	if u := ok(t, "template", "update", out); !strings.Contains(u.stdout, "up to date") {
		t.Errorf("update: %s", u.stdout)
	}
	// The new component is in the catalog, marked local.
	if s := ok(t, "catalog", "show", "nightly"); !strings.Contains(s.stdout, "nightly") {
		t.Errorf("catalog show:\n%s", s.stdout)
	}
	entries := decode[[]audit.Entry](t, ok(t, "audit", "--action", "goldenpath.", "-o", "json"))
	if len(entries) != 1 || entries[0].Action != "goldenpath.scaffold" || entries[0].Target != out {
		t.Errorf("audit = %+v", entries)
	}
	// A second scaffold into the same directory is refused.
	again := paved(t, "new", "go-cron-job", "--out", out, "--values", values, "--set", "name=nightly")
	if again.code != 1 || !strings.Contains(again.stderr, "not empty") {
		t.Errorf("second new: %d %s", again.code, again.stderr)
	}
}

func TestNewExplainsBadInput(t *testing.T) {
	home(t)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"new", "go-service", "--set", "owner=x"}, 2, "--out"},
		{[]string{"new", "go-service", "--out", "x", "--set", "oops"}, 2, "name=value"},
		{[]string{"new", "go-service", "--out", filepath.Join(t.TempDir(), "x"), "--set", "name=x", "--set", "port=eighty"}, 1, "--set port=eighty"},
		{[]string{"new", "go-service", "--out", filepath.Join(t.TempDir(), "x"), "--set", "name=Bad Name"}, 1, "parameter name"},
		{[]string{"new", "no-such-path", "--out", "x"}, 1, "no golden path"},
	}
	for _, c := range cases {
		r := paved(t, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("paved %s: exit %d, stderr %q; want %d and %q", strings.Join(c.args, " "), r.code, r.stderr, c.code, c.want)
		}
	}
}

// unconstrainedTemplate is a template whose name parameter takes any text.
func unconstrainedTemplate(t *testing.T) string {
	t.Helper()
	return testenv.WriteFiles(t, t.TempDir(), map[string]string{
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
}

// Without --out the new repository goes in ./<name>, and a name that is
// not one plain folder name is refused, naming the parameter, with nothing
// written anywhere.
func TestNewWithoutOutNeverLeavesTheCurrentFolder(t *testing.T) {
	home(t)
	testenv.IsolateGit(t)
	tpl := unconstrainedTemplate(t)
	root := t.TempDir()
	cwd := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(cwd, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(cwd)
	absTarget := filepath.Join(root, "absolute-escape")
	for _, name := range []string{"../../../escape", "..", ".", "../escape", "sub/dir", `sub\dir`, absTarget, "C:escape", "x\x00y", "escape.", " escape", "NUL", "com1.txt", strings.Repeat("n", 256)} {
		r := paved(t, "new", tpl, "--set", "name="+name)
		if r.code != 1 || !strings.Contains(r.stderr, "parameter name") {
			t.Errorf("name %q: exit %d, stderr %q; want 1 and a message naming the parameter", name, r.code, r.stderr)
		}
	}
	var written []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if p != root && p != filepath.Join(root, "a") && p != filepath.Join(root, "a", "b") && p != cwd {
			written = append(written, p)
		}
		return err
	})
	if len(written) != 0 {
		t.Fatalf("refused scaffolds wrote %v", written)
	}
	res := decode[goldenpath.Result](t, ok(t, "new", tpl, "--set", "name=fine-name", "-o", "json"))
	if want := filepath.Join(cwd, "fine-name"); res.Dir != want {
		t.Fatalf("new without --out made %s, want %s", res.Dir, want)
	}
	if _, err := os.Stat(filepath.Join(cwd, "fine-name", "README.md")); err != nil {
		t.Fatal(err)
	}
}
