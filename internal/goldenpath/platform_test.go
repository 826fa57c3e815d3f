package goldenpath

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/platform/demo"
	"github.com/paved-dev/paved/internal/testenv"
)

// A platform repository's templates are listed first, replace built-in
// ones of the same name, are versioned by the repository's commit, and
// services made from them update when the platform team commits.
func TestPlatformTemplatesOverrideBuiltInsAndUpdate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	plat, err := platform.New(e.st, e.audit, t.TempDir(), demo.FS())
	if err != nil {
		t.Fatal(err)
	}
	e.rebuild(func(o *Options) { o.Platform = plat })
	repo := testenv.NewWorkTree(t, "")
	repo.Write(t, map[string]string{
		"platform.yaml":                          "apiVersion: paved.dev/v1alpha1\nkind: Platform\nmetadata: {name: acme}\nspec:\n  goldenPaths:\n    locations:\n      - {name: templates, target: ./templates}\n",
		"templates/go-service/template.yaml":     strings.Replace(versionedTemplate, "metadata: {name: versioned}", "metadata: {name: go-service, title: ACME Go service}", 1),
		"templates/go-service/skeleton/app.txt":  appV1,
		"templates/broken/template.yaml":         "apiVersion: nope\n",
		"templates/go-service/skeleton/conf.txt": "a = 1\n",
	})
	v1 := repo.Commit(t, "platform v1")
	if _, err := plat.Use(ctx, repo.Dir, ""); err != nil {
		t.Fatal(err)
	}
	list, err := e.s.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var gs TemplateSummary
	for _, l := range list {
		if l.Name == "go-service" {
			gs = l
		}
	}
	if len(list) != 3 || gs.Source != SourcePlatform || !gs.Overrides || gs.Title != "ACME Go service" || gs.Version != v1 || gs.Location != "templates/go-service" {
		t.Fatalf("list = %+v", list)
	}
	svc := filepath.Join(t.TempDir(), "svc")
	if _, err := e.s.Scaffold(ctx, ScaffoldOptions{Template: "go-service", Values: map[string]any{"name": "svc"}, OutDir: svc}, nil); err != nil {
		t.Fatal(err)
	}
	rec, _ := ReadRecord(svc)
	if rec.Source != SourcePlatform || rec.Version != v1 || !strings.HasPrefix(rec.Location, "git:") {
		t.Fatalf("record = %+v", rec)
	}
	repo.Write(t, map[string]string{"templates/go-service/skeleton/conf.txt": "a = 2\n"})
	v2 := repo.Commit(t, "platform v2")
	st, _ := e.s.Status(ctx, StatusOptions{Dirs: []string{svc}})
	if st[0].State != StateBehind || st[0].Latest != v2 || st[0].CommitsBehind != 1 {
		t.Fatalf("status = %+v", st[0])
	}
	up, err := e.s.Update(ctx, UpdateOptions{Dir: svc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(up.Changed, ",") != "conf.txt" || len(up.Conflicts) != 0 {
		t.Fatalf("update = %+v", up)
	}
}
