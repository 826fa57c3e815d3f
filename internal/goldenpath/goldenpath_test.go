package goldenpath

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/goldenpath/actions"
	"github.com/paved-dev/paved/internal/goldenpath/template"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/testenv"
)

func TestListShowsTheThreeBuiltInGoldenPaths(t *testing.T) {
	e := newEnv(t)
	list, err := e.s.List(context.Background(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Name)
		if l.Source != SourceBuiltin || l.Version == "" || l.CatalogRef != "template:default/"+l.Name || l.Title == "" {
			t.Errorf("summary = %+v", l)
		}
	}
	if strings.Join(names, ",") != "go-cron-job,go-service,node-service" {
		t.Fatalf("golden paths = %v", names)
	}
}

func TestGetGivesTheFormAndTheReadme(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"go-service", "go-cron-job", "node-service"} {
		d, err := e.s.Get(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(d.README, "Stepping off the paved road") || !strings.Contains(d.README, "What you get") {
			t.Errorf("%s: README lacks what you get / stepping off: %q", name, d.README)
		}
		if strings.Join(d.Required, ",") != "name,owner,description" {
			t.Errorf("%s: required = %v, want name, owner, description", name, d.Required)
		}
		if len(d.Parameters) == 0 || len(d.Steps) == 0 {
			t.Fatalf("%s: parameters %d, steps %d", name, len(d.Parameters), len(d.Steps))
		}
		// Every other parameter has a default.
		for _, page := range d.Parameters {
			props, _ := page.JSONSchema["properties"].(map[string]any)
			for p := range props {
				if _, ok := d.Defaults[p]; !ok && !contains(d.Required, p) {
					t.Errorf("%s: parameter %s has no default", name, p)
				}
			}
		}
		// ui:* hints are split out for the form and kept in the page.
		owner := d.Parameters[0].UISchema["owner"].(map[string]any)
		if owner["ui:field"] != "OwnerPicker" {
			t.Errorf("%s: uiSchema.owner = %v", name, owner)
		}
		props := d.Parameters[0].JSONSchema["properties"].(map[string]any)
		if _, ok := props["owner"].(map[string]any)["ui:field"]; ok {
			t.Errorf("%s: jsonSchema keeps ui:field", name)
		}
		if _, ok := d.Parameters[0].Schema["properties"].(map[string]any)["owner"].(map[string]any)["ui:field"]; !ok {
			t.Errorf("%s: schema lost ui:field", name)
		}
		// The form keeps the order the template writes its fields in.
		if order, _ := d.Parameters[0].UISchema["ui:order"].([]string); len(order) < 3 || order[0] != "name" || order[len(order)-1] != "*" {
			t.Errorf("%s: ui:order = %v", name, d.Parameters[0].UISchema["ui:order"])
		}
	}
	if _, err := e.s.Get(context.Background(), "no-such-path"); !errors.As(err, new(*NotFoundError)) || problem.KindOf(err) != problem.NotFound {
		t.Fatalf("Get(unknown) = %v", err)
	}
	for _, call := range []func() error{
		func() error {
			_, err := e.s.Preview(context.Background(), PreviewOptions{Template: "no-such-path"})
			return err
		},
		func() error {
			_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "no-such-path", OutDir: t.TempDir()}, nil)
			return err
		},
	} {
		if err := call(); problem.KindOf(err) != problem.NotFound {
			t.Errorf("an unknown template = %v, want a not-found error", err)
		}
	}
}

func TestPreviewReportsUnfinishedValuesAndStillRenders(t *testing.T) {
	e := newEnv(t)
	pv, err := e.s.Preview(context.Background(), PreviewOptions{Template: "go-service", Values: map[string]any{"name": "Bad Name"}})
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, p := range pv.Problems {
		fields = append(fields, p.Field)
	}
	for _, f := range []string{"name", "owner", "description"} {
		if !contains(fields, f) {
			t.Errorf("problems %v lack %s", pv.Problems, f)
		}
	}
	if len(pv.Files) < 10 {
		t.Fatalf("preview rendered %d files", len(pv.Files))
	}
	pv, err = e.s.Preview(context.Background(), PreviewOptions{Template: "go-service", Values: basicValues("orders-api")})
	if err != nil || len(pv.Problems) != 0 || pv.Error != "" {
		t.Fatalf("preview = %+v, %v", pv.Problems, err)
	}
	var mainGo *File
	for i := range pv.Files {
		if pv.Files[i].Path == "cmd/orders-api/main.go" {
			mainGo = &pv.Files[i]
		}
	}
	if mainGo == nil || !strings.Contains(mainGo.Content, `"example.com/team-a/orders-api/internal/server"`) {
		t.Fatalf("preview has no rendered cmd/orders-api/main.go: %+v", mainGo)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	e := newEnv(t)
	out := filepath.Join(t.TempDir(), "svc")
	res, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service", Values: basicValues("svc"), OutDir: out, DryRun: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("dry run created %s", out)
	}
	if n := len(entries(t, filepath.Dir(out))); n != 0 {
		t.Fatalf("dry run left %d entries beside the target", n)
	}
	if len(res.Files) == 0 || res.Files[0].Content == "" && !res.Files[0].Binary {
		t.Fatalf("dry run files carry no content: %+v", res.Files[:1])
	}
	for _, st := range res.Steps {
		if (st.Action == "publish:git" || st.Action == "catalog:register") && !st.Skipped {
			t.Errorf("dry run ran %s", st.Action)
		}
	}
	if entries, _ := e.audit.List(context.Background(), audit.ListOptions{Action: "goldenpath."}); len(entries) != 0 {
		t.Errorf("dry run was audited: %+v", entries)
	}
}

func TestScaffoldCommitsRecordsRegistersAndAudits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "orders-api")
	vals := basicValues("orders-api")
	vals["postgres"] = true
	ev := &events{}
	res, err := e.s.Scaffold(ctx, ScaffoldOptions{Template: "go-service", Values: vals, Set: map[string]string{"port": "9090"}, OutDir: out}, ev)
	if err != nil {
		t.Fatal(err)
	}
	if res.Dir != out || res.Commit == "" || res.Branch != "main" || res.CatalogRef != "component:default/orders-api" || res.CatalogSource != "local-orders-api" {
		t.Fatalf("result = %+v", res)
	}
	stages := ev.stages()
	if stages[0] != "validate" || stages[len(stages)-1] != "done" || !contains(stages, "step") || !contains(stages, "write") {
		t.Errorf("progress stages = %v", stages)
	}
	// Step events name the step in Item and count in Current/Total; the
	// message is for people and carries no "Step 1/3 id:" prefix.
	d, _ := e.s.Get(ctx, "go-service")
	var stepIDs []string
	for _, ev := range ev.list {
		if ev.Stage != "step" {
			continue
		}
		stepIDs = append(stepIDs, ev.Item)
		if ev.Total != len(d.Steps) || ev.Current < 1 || ev.Current > ev.Total || d.Steps[ev.Current-1].ID != ev.Item ||
			ev.Message == "" || strings.HasPrefix(ev.Message, "Step ") || strings.Contains(ev.Message, ev.Item+":") {
			t.Errorf("step event = %+v", ev)
		}
	}
	if len(stepIDs) != len(d.Steps) {
		t.Errorf("step events for %v, template steps %+v", stepIDs, d.Steps)
	}
	// The repository: one commit by the user with every file, clean.
	if c := testenv.Git(t, out, "log", "-1", "--format=%an <%ae>|%P|%B"); !strings.HasPrefix(c, "Paved Test <test@paved.invalid>||") || !strings.Contains(c, "Paved-Render: go-service@") {
		t.Errorf("commit = %q", c)
	}
	if st := testenv.Git(t, out, "status", "--porcelain"); st != "" {
		t.Errorf("work tree not clean after scaffold:\n%s", st)
	}
	files := readTree(t, out)
	for _, want := range []string{"cmd/orders-api/main.go", "Dockerfile", "Makefile", ".github/workflows/ci.yaml", "score.yaml", "catalog-info.yaml", "README.md", "docs/index.md", "go.mod", "go.sum", ".paved/template.yaml"} {
		if _, ok := files[want]; !ok {
			t.Errorf("no %s in %v", want, keys(files))
		}
	}
	if !strings.Contains(files["score.yaml"], "type: postgres") || !strings.Contains(files["score.yaml"], `PORT: "9090"`) {
		t.Errorf("score.yaml:\n%s", files["score.yaml"])
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o755 {
		t.Errorf("directory mode %v", st.Mode())
	}
	rec, err := ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Template != "go-service" || rec.Source != SourceBuiltin || rec.Version == "" || rec.Answers["port"] != 9090 || rec.Answers["name"] != "orders-api" {
		t.Errorf("record = %+v", rec)
	}
	// It shows in the catalog at once, marked local.
	ent, err := e.cat.Entity(ctx, "component:default/orders-api")
	if err != nil {
		t.Fatal(err)
	}
	if !ent.Local || ent.Owner != "group:default/team-a" {
		t.Errorf("catalog entity = %+v", ent.EntitySummary)
	}
	// And the scaffold is in the audit log.
	list, _ := e.audit.List(ctx, audit.ListOptions{Action: "goldenpath.scaffold"})
	if len(list) != 1 || list[0].Target != out || list[0].Outcome != audit.OK || !strings.Contains(list[0].Detail, "go-service@") {
		t.Errorf("audit = %+v", list)
	}
	if len(res.NextActions) < 3 || res.NextActions[0].ID != "open-folder" {
		t.Errorf("next actions = %+v", res.NextActions)
	}
}

func TestSecretsAreNeverRecorded(t *testing.T) {
	e := newEnv(t)
	out := filepath.Join(t.TempDir(), "svc")
	vals := map[string]any{"name": "svc", "owner": "group:default/team-a", "apiToken": "s3cr3t-value"}
	if _, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: filepath.Join(fixtures, "all-actions"), Values: vals, OutDir: out}, nil); err != nil {
		t.Fatal(err)
	}
	for p, content := range readTree(t, out) {
		if strings.Contains(content, "s3cr3t-value") {
			t.Errorf("%s holds the secret", p)
		}
	}
	rec, _ := ReadRecord(out)
	if _, ok := rec.Answers["apiToken"]; ok {
		t.Errorf("answers hold the secret parameter: %v", rec.Answers)
	}
	list, _ := e.audit.List(context.Background(), audit.ListOptions{})
	for _, a := range list {
		if strings.Contains(a.Detail, "s3cr3t") {
			t.Errorf("audit entry holds the secret: %+v", a)
		}
	}
}

func TestInvalidValuesFailBeforeAnythingIsWritten(t *testing.T) {
	e := newEnv(t)
	parent := t.TempDir()
	_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service",
		Values: map[string]any{"name": "Not A Name", "owner": "group:default/team-a"}, OutDir: filepath.Join(parent, "x")}, nil)
	var ve *template.ValuesError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	// The UI gets the problems as structure, one per parameter.
	desc := problem.Describe(err)
	fields := map[string]bool{}
	for _, p := range desc.Problems {
		fields[p.Field] = p.Message != ""
	}
	if desc.Kind != problem.Invalid || !fields["name"] || !fields["description"] {
		t.Errorf("described = %+v", desc)
	}
	msg := err.Error()
	if !strings.Contains(msg, "parameter name") || !strings.Contains(msg, "parameter description: is required") {
		t.Errorf("message does not name the parameters: %s", msg)
	}
	if n := entries(t, parent); len(n) != 0 {
		t.Errorf("a failed scaffold left %v", n)
	}
	list, _ := e.audit.List(context.Background(), audit.ListOptions{Action: "goldenpath.scaffold"})
	if len(list) != 1 || list[0].Outcome != audit.Error {
		t.Errorf("failed scaffold audit = %+v", list)
	}
}

func TestUnknownActionIsNamedBeforeAnythingIsWritten(t *testing.T) {
	e := newEnv(t)
	tpl := testenv.WriteFiles(t, t.TempDir(), map[string]string{
		"template.yaml": `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: gh}
spec:
  type: service
  parameters: [{properties: {name: {type: string}}}]
  steps:
    - {id: fetch, action: fetch:template, input: {url: ./skeleton}}
    - {id: publish, action: publish:github, input: {repoUrl: 'github.com?owner=a&repo=b'}}
`,
		"skeleton/a.txt": "a",
	})
	parent := t.TempDir()
	_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: tpl, Values: map[string]any{"name": "x"}, OutDir: filepath.Join(parent, "x")}, nil)
	var ue *actions.UnknownError
	if !errors.As(err, &ue) || ue.Action != "publish:github" || !strings.Contains(err.Error(), `"publish:github"`) || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("err = %v", err)
	}
	if n := entries(t, parent); len(n) != 0 {
		t.Errorf("left %v", n)
	}
}

func TestTargetMustBeNewOrEmpty(t *testing.T) {
	e := newEnv(t)
	parent := t.TempDir()
	full := testenv.WriteFiles(t, filepath.Join(parent, "full"), map[string]string{"keep.txt": "mine"})
	_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service", Values: basicValues("full"), OutDir: full}, nil)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("err = %v", err)
	}
	if got := readTree(t, full); len(got) != 1 || got["keep.txt"] != "mine" {
		t.Errorf("existing directory changed: %v", keys(got))
	}
	empty := filepath.Join(parent, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service", Values: basicValues("empty"), OutDir: empty}, nil); err != nil {
		t.Fatalf("scaffold into an empty directory: %v", err)
	}
}

func TestMissingGitIdentityIsExplainedAndLeavesNothing(t *testing.T) {
	e := newEnv(t)
	for _, k := range []string{"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "EMAIL"} {
		t.Setenv(k, "")
	}
	parent := t.TempDir()
	_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service", Values: basicValues("svc"), OutDir: filepath.Join(parent, "svc")}, nil)
	if err == nil || !strings.Contains(err.Error(), "git config --global user.name") {
		t.Fatalf("err = %v", err)
	}
	if n := entries(t, parent); len(n) != 0 {
		t.Errorf("a failed scaffold left %v", n)
	}
	if srcs, _ := e.cat.Sources(context.Background()); len(srcs) != 0 {
		t.Errorf("a failed scaffold registered %v", srcs)
	}
}

func TestIdentityComesFromGitConfiguration(t *testing.T) {
	e := newEnv(t)
	for _, k := range []string{"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"} {
		t.Setenv(k, "")
	}
	home := os.Getenv("HOME")
	testenv.WriteFiles(t, home, map[string]string{".gitconfig": "[user]\n\tname = Grace Config\n\temail = grace@example.com\n"})
	out := filepath.Join(t.TempDir(), "svc")
	if _, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service", Values: basicValues("svc"), OutDir: out}, nil); err != nil {
		t.Fatal(err)
	}
	log := testenv.Git(t, out, "log", "-1", "--format=%an <%ae>")
	if log != "Grace Config <grace@example.com>" {
		t.Fatalf("author = %q", log)
	}
}

func TestSecondScaffoldOfTheSameNameGetsItsOwnCatalogSource(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 2; i++ {
		out := filepath.Join(t.TempDir(), "svc")
		res, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service", Values: basicValues("svc"), OutDir: out}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"local-svc", "local-svc-2"}[i]
		if res.CatalogSource != want {
			t.Errorf("scaffold %d: source %s, want %s", i+1, res.CatalogSource, want)
		}
	}
	srcs, _ := e.cat.Sources(context.Background())
	for _, s := range srcs {
		if s.Origin != catalog.OriginLocal {
			t.Errorf("source %+v is not local", s)
		}
	}
}
