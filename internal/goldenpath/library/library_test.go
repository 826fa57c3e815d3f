package library

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/sync/errgroup"

	"github.com/paved-dev/paved/internal/gitrepo"
	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/testenv"
	"github.com/paved-dev/paved/internal/warn"
)

func templateYAML(name, title string) string {
	return `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: ` + name + `, title: "` + title + `"}
spec:
  type: service
  parameters: [{properties: {name: {type: string}}}]
  steps:
    - {id: fetch, action: fetch:template, input: {url: ./skeleton}}
`
}

// fakePlatform is a platform in use, as the platform service reports it.
type fakePlatform struct{ p platform.Platform }

func (f *fakePlatform) Current(context.Context) (*platform.Platform, error) {
	p := f.p
	return &p, nil
}

func (f *fakePlatform) Repository(_ context.Context, url string) (*gitrepo.Repo, error) {
	return nil, problem.NotFoundf("no clone of " + url + " in this test")
}

func gitPlatform(commit string, files fstest.MapFS) *fakePlatform {
	return &fakePlatform{p: platform.Platform{
		Info: platform.Info{Origin: platform.OriginGit, Location: "https://git.example.com/acme/platform.git", Commit: commit},
		Config: platform.Config{Spec: platform.Spec{GoldenPaths: platform.Locations{Locations: []platform.Location{
			{Name: "templates", Target: "./templates"},
		}}}},
		FS: files,
	}}
}

func find(t *testing.T, list []*Template, name string) *Template {
	t.Helper()
	for _, tpl := range list {
		if tpl.Name() == name {
			return tpl
		}
	}
	t.Fatalf("no %s in %d templates", name, len(list))
	return nil
}

// The platform's templates are parsed once per platform commit: later
// lists are served from that (the same parsed template), a broken template
// is reported once, and a new commit is read afresh.
func TestPlatformTemplatesAreParsedOncePerCommit(t *testing.T) {
	ctx := context.Background()
	files := fstest.MapFS{
		"templates/svc/template.yaml":      {Data: []byte(templateYAML("svc", "Service v1"))},
		"templates/svc/skeleton/a.txt":     {Data: []byte("a")},
		"templates/broken/template.yaml":   {Data: []byte("apiVersion: nope\n")},
		"templates/builtin/template.yaml":  {Data: []byte(templateYAML("go-service", "ACME Go service"))},
		"templates/not-a-template/foo.txt": {Data: []byte("x")},
	}
	plat := gitPlatform(strings.Repeat("1", 40), files)
	warnings := &warn.Recorder{}
	lib := New(Options{Platform: plat, Warn: warnings,
		Builtin: fstest.MapFS{"go-service/template.yaml": {Data: []byte(templateYAML("go-service", "Built in"))}}, BuiltinVersion: "2026.1"})
	first, err := lib.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	svc := find(t, first, "svc")
	if svc.Source != SourcePlatform || svc.Version != plat.p.Info.Commit || svc.Location != Git(plat.p.Info.Location, "templates/svc") || svc.Display != "templates/svc" {
		t.Errorf("svc = %+v", svc)
	}
	if gs := find(t, first, "go-service"); !gs.Overrides || gs.Spec.Title() != "ACME Go service" || gs.Source != SourcePlatform {
		t.Errorf("the platform's go-service does not replace the built-in one: %+v", gs)
	}
	if len(first) != 2 || len(warnings.Errors()) != 1 || !strings.Contains(warnings.Errors()[0].Error(), "templates/broken") {
		t.Fatalf("list = %d templates, warnings %v", len(first), warnings.Errors())
	}
	second, _ := lib.List(ctx)
	if find(t, second, "svc").Spec != svc.Spec || len(warnings.Errors()) != 1 {
		t.Errorf("the second list parsed again (warnings %v)", warnings.Errors())
	}
	// Copies: changing one changes nothing the library keeps.
	second[0].Version = "changed"
	if third, _ := lib.List(ctx); third[0].Version == "changed" {
		t.Error("List hands out the library's own templates")
	}

	files["templates/svc/template.yaml"] = &fstest.MapFile{Data: []byte(templateYAML("svc", "Service v2"))}
	plat.p.Info.Commit = strings.Repeat("2", 40)
	next, _ := lib.List(ctx)
	if s := find(t, next, "svc"); s.Spec == svc.Spec || s.Spec.Title() != "Service v2" || s.Version != plat.p.Info.Commit {
		t.Errorf("a new commit was not read: %+v", s)
	}
}

func TestBuiltinTemplatesAreParsedOnce(t *testing.T) {
	ctx := context.Background()
	lib := New(Options{Builtin: fstest.MapFS{
		"b/template.yaml": {Data: []byte(templateYAML("b", "B"))},
		"a/template.yaml": {Data: []byte(strings.Replace(templateYAML("a", "A"), "metadata: {", "metadata: {annotations: {paved.dev/version: \"7.0\"}, ", 1))},
	}, BuiltinVersion: "2026.1"})
	first, err := lib.List(ctx)
	if err != nil || len(first) != 2 || first[0].Name() != "a" || first[0].Version != "7.0" || first[1].Version != "2026.1" ||
		first[1].Location != Builtin("b") || first[1].Display != "goldenpaths/b" {
		t.Fatalf("list = %+v, %v", first, err)
	}
	second, _ := lib.List(ctx)
	if second[0].Spec != first[0].Spec || second[1].Spec != first[1].Spec {
		t.Error("built-in templates were parsed again")
	}
	_, err = lib.Find(ctx, "nope")
	if problem.KindOf(err) != problem.NotFound || !strings.Contains(err.Error(), "paved template list") {
		t.Errorf("Find(nope) = %v", err)
	}
	if _, err := lib.At(ctx, first[0], "6.0"); problem.KindOf(err) != problem.NotFound {
		t.Errorf("At(built-in, another version) = %v", err)
	}
	if _, err := lib.Past(ctx, Builtin("a"), "6.0", first[0]); problem.KindOf(err) != problem.NotFound {
		t.Errorf("Past(built-in, an older version) = %v", err)
	}
}

// A template directory on disk is read again only when something in it
// changes; outside git its version is a content hash.
func TestDirectoriesAreReadAgainOnlyWhenTheyChange(t *testing.T) {
	dir := testenv.WriteFiles(t, t.TempDir(), map[string]string{
		"template.yaml": templateYAML("d", "D1"), "skeleton/a.txt": "a",
	})
	lib := New(Options{})
	first, err := lib.FromDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if first.Source != SourceDir || first.Location != Dir(dir) || !strings.HasPrefix(first.Version, "sha256:") {
		t.Fatalf("dir template = %+v", first)
	}
	again, _ := lib.FromDir(dir)
	if again.Spec != first.Spec {
		t.Error("an unchanged directory was parsed again")
	}
	testenv.WriteFiles(t, dir, map[string]string{"skeleton/a.txt": "a, longer"})
	changed, _ := lib.FromDir(dir)
	if changed.Version == first.Version || changed.Spec == first.Spec {
		t.Errorf("a changed skeleton file kept version %s", changed.Version)
	}
	testenv.WriteFiles(t, dir, map[string]string{"template.yaml": templateYAML("d", "D2, retitled")})
	retitled, _ := lib.FromDir(dir)
	if retitled.Spec.Title() != "D2, retitled" {
		t.Errorf("a changed template.yaml was not read: %q", retitled.Spec.Title())
	}
	if _, err := lib.FromDir(filepath.Join(dir, "skeleton")); err == nil || problem.KindOf(err) != problem.Invalid {
		t.Errorf("a directory without template.yaml = %v", err)
	}
	if _, err := lib.FromDir(filepath.Join(dir, "missing")); problem.KindOf(err) != problem.NotFound {
		t.Errorf("a missing directory = %v", err)
	}
}

// A template in a git repository on this machine is versioned by commit;
// its other versions are its repository's commits, branches and tags.
func TestTemplatesInGitHaveTheRepositorysVersions(t *testing.T) {
	testenv.IsolateGit(t)
	ctx := context.Background()
	w := testenv.NewWorkTree(t, "")
	w.Write(t, map[string]string{"tpl/template.yaml": templateYAML("g", "G"), "tpl/skeleton/a.txt": "v1\n", "README.md": "repo\n"})
	c1 := w.Commit(t, "v1")
	w.Git(t, "tag", "-a", "-m", "first", "v1")
	w.Git(t, "branch", "stable")
	w.Write(t, map[string]string{"README.md": "only the readme\n"})
	c2 := w.Commit(t, "readme")
	w.Write(t, map[string]string{"tpl/skeleton/a.txt": "v3\n"})
	c3 := w.Commit(t, "v3")

	lib := New(Options{})
	dir := filepath.Join(w.Dir, "tpl")
	cur, err := lib.FromDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Version != c3 || cur.Location != Git(w.Dir, "tpl") {
		t.Fatalf("template in git = %+v; want %s at %s", cur, Git(w.Dir, "tpl"), c3)
	}
	for _, rev := range []string{"v1", "stable", c1[:8], "main~2", c1} {
		at, err := lib.At(ctx, cur, rev)
		if err != nil {
			t.Fatalf("At(%s): %v", rev, err)
		}
		if b, _ := fs.ReadFile(at.FS, "skeleton/a.txt"); at.Version != c1 || string(b) != "v1\n" || at.Location != cur.Location {
			t.Errorf("At(%s) = %s with a.txt %q; want %s with v1", rev, at.Version, b, c1)
		}
	}
	if at, err := lib.At(ctx, cur, "main"); err != nil || at.Version != c3 || at.Spec != cur.Spec {
		t.Errorf("At(main) = %+v, %v; want the current template", at, err)
	}
	if _, err := lib.At(ctx, cur, "no-such-tag"); problem.KindOf(err) != problem.NotFound {
		t.Errorf("At(no-such-tag) = %v", err)
	}
	past, err := lib.Past(ctx, Git(w.Dir, "tpl"), c2, cur)
	if b, _ := fs.ReadFile(past.FS, "skeleton/a.txt"); err != nil || past.Version != c2 || string(b) != "v1\n" {
		t.Errorf("Past(c2) = %+v, %v", past, err)
	}
	if _, err := lib.Past(ctx, Git(w.Dir, "tpl"), "main", cur); problem.KindOf(err) != problem.Invalid {
		t.Errorf("Past with a recorded branch name = %v", err)
	}
	if n, ok := lib.CommitsBehind(ctx, cur, c1); !ok || n != 1 {
		t.Errorf("CommitsBehind(c1) = %d, %v; want 1 (the readme commit does not change the template)", n, ok)
	}

	// A commit that does not touch the directory still moves its version,
	// and a change not committed makes it a plain directory.
	w.Write(t, map[string]string{"README.md": "again\n"})
	c4 := w.Commit(t, "readme again")
	if now, _ := lib.FromDir(dir); now.Version != c4 {
		t.Errorf("after a commit the version is %s, want %s", now.Version, c4)
	}
	if err := os.WriteFile(filepath.Join(dir, "skeleton", "a.txt"), []byte("dirty\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if now, _ := lib.FromDir(dir); now.Location.Kind != KindDir || !strings.HasPrefix(now.Version, "sha256:") {
		t.Errorf("a changed directory in git = %+v", now)
	}
}

// Recorded finds a repository's template again: by name for built-in and
// platform ones, by its directory for one given on the command line.
func TestRecordedFindsTheTemplateARepositoryWasMadeFrom(t *testing.T) {
	ctx := context.Background()
	dir := testenv.WriteFiles(t, t.TempDir(), map[string]string{"template.yaml": templateYAML("d", "D")})
	lib := New(Options{Builtin: fstest.MapFS{"b/template.yaml": {Data: []byte(templateYAML("b", "B"))}}})
	if got, err := lib.Recorded(ctx, SourceBuiltin, "b", Builtin("b")); err != nil || got.Name() != "b" {
		t.Errorf("Recorded(builtin b) = %v, %v", got, err)
	}
	if got, err := lib.Recorded(ctx, SourceDir, "d", Dir(dir)); err != nil || got.Name() != "d" {
		t.Errorf("Recorded(dir) = %v, %v", got, err)
	}
	// A recorded name is a name, never a path to read.
	if _, err := lib.Recorded(ctx, SourceBuiltin, dir, Builtin("x")); problem.KindOf(err) != problem.NotFound {
		t.Errorf("Recorded(builtin named like a path) = %v", err)
	}
	if _, err := lib.Recorded(ctx, SourceDir, "d", Git("https://h/p.git", "t")); problem.KindOf(err) != problem.NotFound {
		t.Errorf("Recorded(dir from a URL) = %v", err)
	}
}

// The window calls the library from several goroutines at once (a preview
// per keystroke beside the gallery); run with -race.
func TestLibraryIsSafeForConcurrentUse(t *testing.T) {
	dir := testenv.WriteFiles(t, t.TempDir(), map[string]string{"template.yaml": templateYAML("d", "D")})
	lib := New(Options{Platform: gitPlatform(strings.Repeat("1", 40), fstest.MapFS{"templates/svc/template.yaml": {Data: []byte(templateYAML("svc", "S"))}}),
		Builtin: fstest.MapFS{"b/template.yaml": {Data: []byte(templateYAML("b", "B"))}}})
	var g errgroup.Group
	for range 4 {
		g.Go(func() error {
			for range 20 {
				if _, err := lib.Find(context.Background(), "svc"); err != nil {
					return err
				}
				if _, err := lib.FromDir(dir); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}
