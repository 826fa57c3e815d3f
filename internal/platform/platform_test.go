package platform_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/platform/demo"
	"github.com/paved-dev/paved/internal/schemacheck"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/testenv"
)

const fixtureDir = "../../testdata/platform"

// env is a platform service over a fresh home directory.
type env struct {
	home  string
	st    *store.Store
	audit *audit.Log
	svc   *platform.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	home := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(home, store.FileName), audit.Schema())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{home: home, st: st, audit: audit.New(st, nil)}
	e.svc = e.reopen(t)
	return e
}

// reopen returns a second service over the same state, as another process
// (the CLI next to the window) would build it.
func (e *env) reopen(t *testing.T) *platform.Service {
	t.Helper()
	svc, err := platform.New(e.st, e.audit, filepath.Join(e.home, "cache"), demo.FS())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (e *env) current(t *testing.T) *platform.Platform {
	t.Helper()
	p, err := e.svc.Current(context.Background())
	if err != nil {
		t.Fatalf("Current: %v", err)
	}
	return p
}

func (e *env) lastAudit(t *testing.T) audit.Entry {
	t.Helper()
	es, err := e.audit.List(context.Background(), audit.ListOptions{Action: "platform.", Limit: 1})
	if err != nil || len(es) == 0 {
		t.Fatalf("audit log: %v, %v", es, err)
	}
	return es[0]
}

func platformYAML(name, title string, targets ...string) string {
	var b strings.Builder
	b.WriteString("apiVersion: paved.dev/v1alpha1\nkind: Platform\nmetadata:\n  name: " + name + "\n  title: " + title + "\nspec:\n  catalog:\n    locations:\n")
	for i, tg := range targets {
		b.WriteString("      - name: loc" + strconv.Itoa(i) + "\n        target: " + tg + "\n")
	}
	if len(targets) == 0 {
		b.WriteString("      []\n")
	}
	return b.String()
}

// platformDir writes a platform repository directory.
func platformDir(t *testing.T, name, title string) string {
	t.Helper()
	dir := t.TempDir()
	testenv.WriteFiles(t, dir, map[string]string{
		"platform.yaml":             platformYAML(name, title, "./catalog"),
		"catalog/catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\nspec:\n  type: service\n  lifecycle: production\n  owner: team\n",
	})
	return dir
}

func TestShippedSchemaAcceptsTheDemoPlatform(t *testing.T) {
	e := newEnv(t)
	data, err := fs.ReadFile(demo.FS(), platform.FileName)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.Parse("demo platform.yaml", data)
	if err != nil {
		t.Fatalf("the demo platform does not pass the shipped schema:\n%v", err)
	}
	if c.Metadata.Name != "acme" || len(c.Spec.Catalog.Locations) == 0 || c.Spec.Vault == nil || len(c.Spec.Clusters) == 0 {
		t.Fatalf("demo platform decoded as %+v", c)
	}
	// Every catalog location of the demo exists inside the demo.
	for _, l := range c.Spec.Catalog.Locations {
		if _, err := fs.Stat(demo.FS(), strings.TrimPrefix(l.Target, "./")); err != nil {
			t.Errorf("demo catalog location %s: %v", l.Target, err)
		}
	}
}

func TestShippedSchemaAcceptsValidPlatformFiles(t *testing.T) {
	e := newEnv(t)
	files, err := filepath.Glob(filepath.Join(fixtureDir, "valid", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Parse(f, data); err != nil {
				t.Fatalf("valid fixture rejected:\n%v", err)
			}
		})
	}
}

func TestFullPlatformFileDecodesEverySection(t *testing.T) {
	e := newEnv(t)
	data, err := os.ReadFile(filepath.Join(fixtureDir, "valid", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.Parse("full.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	want := platform.Config{
		APIVersion: "paved.dev/v1alpha1",
		Kind:       "Platform",
		Metadata:   platform.Metadata{Name: "acme-platform", Title: "ACME Platform", Description: "Everything the ACME platform team provides."},
		Spec: platform.Spec{
			Catalog: platform.Locations{Locations: []platform.Location{
				{Name: "services", Target: "./catalog", Glob: "**/catalog-info.yaml"},
				{Name: "org", Target: "https://github.com/acme/org-catalog.git", Ref: "main"},
				{Name: "shared", Target: "/srv/shared-catalog"},
			}},
			GoldenPaths: platform.Locations{Locations: []platform.Location{{Name: "templates", Target: "./golden-paths"}}},
			Policies:    &platform.Policies{Location: "./policies", Enforcement: "enforce"},
			Clusters: []platform.Cluster{
				{Name: "dev", Environment: "development", Context: "kind-dev", Namespace: "apps"},
				{Name: "prod", Environment: "production", Context: "eks-prod"},
			},
			Vault: &platform.Vault{Address: "https://vault.acme.example:8200", AuthMethod: "oidc", KVMount: "secret", Namespace: "platform"},
			Costs: &platform.Costs{Currency: "EUR"},
		},
	}
	want.Spec.Costs.Rates.CPUCoreHour = 0.04
	want.Spec.Costs.Rates.MemoryGiBHour = 0.005
	want.Spec.Costs.Rates.StorageGiBMonth = 0.1
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", c, want)
	}
}

func TestShippedSchemaRejectsBadPlatformFilesWithFileLineAndField(t *testing.T) {
	tests := []struct {
		file  string
		line  int
		field string
		msg   string
	}{
		{"api-version.yaml", 1, "apiVersion", "must be paved.dev/v1alpha1"},
		{"missing-name.yaml", 3, "metadata", `missing required field "name"`},
		{"missing-spec.yaml", 1, "", `missing required field "spec"`},
		{"bad-name.yaml", 4, "metadata.name", "does not have the expected form"},
		{"unknown-field.yaml", 11, "spec.catalog.locations[1].tagret", `unknown field "tagret"`},
		{"location-without-target.yaml", 10, "spec.catalog.locations[1]", `missing required field "target"`},
		{"empty-target.yaml", 9, "spec.catalog.locations[0].target", ""},
		{"enforcement.yaml", 8, "spec.policies.enforcement", "use one of enforce, warn"},
		{"vault-address.yaml", 7, "spec.vault.address", "does not have the expected form"},
		{"clusters-type.yaml", 6, "spec.clusters", "must be a array"},
		{"cluster-without-context.yaml", 9, "spec.clusters[1]", `missing required field "context"`},
		{"currency.yaml", 7, "spec.costs.currency", `"euro"`},
		{"negative-rate.yaml", 9, "spec.costs.rates.cpuCoreHour", ""},
		{"syntax.yaml", 5, "", "not valid YAML"},
		{"empty.yaml", 0, "", "the file is empty"},
	}
	e := newEnv(t)
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(fixtureDir, "invalid", tt.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.svc.Parse(path, data)
			var se *schemacheck.Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v, want a *schemacheck.Error", err)
			}
			if se.File != path || !strings.HasPrefix(err.Error(), path+" is not valid") {
				t.Errorf("error does not name the file %s: %v", path, err)
			}
			if len(se.Problems) != 1 {
				t.Fatalf("want exactly one problem, got %v", err)
			}
			p := se.Problems[0]
			if p.Line != tt.line || p.Field != tt.field || !strings.Contains(p.Message, tt.msg) {
				t.Fatalf("problem = line %d field %q message %q; want line %d field %q message containing %q",
					p.Line, p.Field, p.Message, tt.line, tt.field, tt.msg)
			}
		})
	}
	all, _ := filepath.Glob(filepath.Join(fixtureDir, "invalid", "*.yaml"))
	for _, f := range all {
		if !seen[filepath.Base(f)] {
			t.Errorf("fixture %s has no expectation in this test", f)
		}
	}
}

func TestCurrentIsTheDemoUntilAPlatformIsChosen(t *testing.T) {
	e := newEnv(t)
	p := e.current(t)
	if p.Info.Origin != platform.OriginDemo || p.Info.Name != "acme" || p.Info.Location != "" || p.Info.Title == "" {
		t.Fatalf("Current = %+v, want the demo", p.Info)
	}
	if _, err := fs.Stat(p.FS, platform.FileName); err != nil {
		t.Fatalf("demo FS has no platform.yaml: %v", err)
	}
}

func TestUseLocalDirectory(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	dir := platformDir(t, "local-platform", "Local platform")

	// A relative path is remembered as an absolute one.
	t.Chdir(filepath.Dir(dir))
	info, err := e.svc.Use(ctx, filepath.Base(dir), "")
	if err != nil {
		t.Fatalf("Use(dir): %v", err)
	}
	want := platform.Info{Name: "local-platform", Title: "Local platform", Origin: platform.OriginPath, Location: dir}
	if info != want {
		t.Fatalf("Use = %+v, want %+v", info, want)
	}
	// Another process sees the same choice.
	p, err := e.reopen(t).Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.Info != want {
		t.Fatalf("Current = %+v, want %+v", p.Info, want)
	}
	if b, err := fs.ReadFile(p.FS, "catalog/catalog-info.yaml"); err != nil || !strings.Contains(string(b), "name: svc") {
		t.Fatalf("platform FS: %q, %v", b, err)
	}
	if a := e.lastAudit(t); a.Action != "platform.use" || a.Outcome != audit.OK || a.Target != filepath.Base(dir) || a.Detail != "local-platform" {
		t.Fatalf("audit entry = %+v", a)
	}

	// Edits on disk are read as they are (a directory platform needs no refresh).
	testenv.WriteFiles(t, dir, map[string]string{"platform.yaml": platformYAML("local-platform", "Renamed", "./catalog")})
	if info, err := e.svc.Refresh(ctx); err != nil || info.Title != "Renamed" {
		t.Fatalf("Refresh = %+v, %v; want the edited title", info, err)
	}
}

func TestUseDemoReturnsToTheEmbeddedDemo(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.svc.Use(ctx, platformDir(t, "local", "Local"), ""); err != nil {
		t.Fatal(err)
	}
	info, err := e.svc.Use(ctx, "demo", "")
	if err != nil {
		t.Fatal(err)
	}
	if info.Origin != platform.OriginDemo || info.Name != "acme" {
		t.Fatalf("Use(demo) = %+v", info)
	}
	if p := e.current(t); p.Info.Origin != platform.OriginDemo {
		t.Fatalf("Current after Use(demo) = %+v", p.Info)
	}
}

func TestUseOfABadPlatformKeepsThePreviousOne(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	testenv.WriteFiles(t, base, map[string]string{
		"invalid/platform.yaml":  "apiVersion: paved.dev/v1alpha1\nkind: Platform\nmetadata:\n  name: Bad Name\nspec: {}\n",
		"broken/platform.yaml":   "apiVersion: [\n",
		"no-platform/README.md":  "nothing\n",
		"escape/platform.yaml":   platformYAML("escape", "Escape", "./catalog", "../outside"),
		"a-file":                 "not a directory\n",
		"huge/platform.yaml":     platformYAML("huge", "Huge") + "# " + strings.Repeat("x", 1<<20) + "\n",
		"dir-yaml/platform.yaml": "",
	})
	if err := os.Remove(filepath.Join(base, "dir-yaml", "platform.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(base, "dir-yaml", "platform.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, target string
		want         []string
	}{
		{"schema error", filepath.Join(base, "invalid"), []string{filepath.Join(base, "invalid", "platform.yaml"), "line 4", "metadata.name"}},
		{"YAML error", filepath.Join(base, "broken"), []string{filepath.Join(base, "broken", "platform.yaml"), "not valid YAML"}},
		{"no platform.yaml", filepath.Join(base, "no-platform"), []string{"no platform.yaml at the repository root"}},
		{"platform.yaml is a directory", filepath.Join(base, "dir-yaml"), []string{"must be a regular file"}},
		{"platform.yaml too large", filepath.Join(base, "huge"), []string{"at most"}},
		{"catalog location escapes", filepath.Join(base, "escape"), []string{"spec.catalog.locations[1].target", "leads outside the platform repository"}},
		{"missing directory", filepath.Join(base, "missing"), []string{"not a git URL nor an existing directory"}},
		{"a file", filepath.Join(base, "a-file"), []string{"not a git URL nor an existing directory"}},
		{"unreachable git remote", "git://127.0.0.1:" + strconv.Itoa(testenv.FreePort(t)) + "/platform.git", []string{"platform repository"}},
		{"password in URL", "https://user:s3cret@git.example.com/platform.git", []string{"password or token"}},
	}
	e := newEnv(t)
	good := platformDir(t, "good", "Good")
	if _, err := e.svc.Use(ctx, good, ""); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := e.svc.Use(ctx, tt.target, "")
			if err == nil {
				t.Fatalf("Use(%s) succeeded: %+v", tt.target, info)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the password: %v", err)
			}
			if p := e.current(t); p.Info.Name != "good" || p.Info.Location != good {
				t.Fatalf("after a failed Use, Current = %+v, want the previous platform", p.Info)
			}
			a := e.lastAudit(t)
			if a.Outcome != audit.Error || strings.Contains(a.Target+a.Detail, "s3cret") {
				t.Fatalf("audit entry = %+v, want an error without secrets", a)
			}
		})
	}
}

func TestCatalogLocationsResolvePerOrigin(t *testing.T) {
	e := newEnv(t)
	plat := func(origin, location, ref string, targets ...platform.Location) *platform.Platform {
		return &platform.Platform{
			Info:   platform.Info{Origin: origin, Location: location, Ref: ref},
			Config: platform.Config{Spec: platform.Spec{Catalog: platform.Locations{Locations: targets}}},
		}
	}
	loc := func(target string) platform.Location { return platform.Location{Name: "l", Target: target} }
	abs := filepath.Join(t.TempDir(), "abs")
	tests := []struct {
		name string
		p    *platform.Platform
		want platform.CatalogLocation
	}{
		{"demo relative", plat(platform.OriginDemo, "", "", loc("./catalog")),
			platform.CatalogLocation{Name: "l", Kind: "embedded", Target: platform.EmbeddedDemo, Subdir: "catalog"}},
		{"demo root", plat(platform.OriginDemo, "", "", loc(".")),
			platform.CatalogLocation{Name: "l", Kind: "embedded", Target: platform.EmbeddedDemo}},
		{"path relative", plat(platform.OriginPath, "/srv/platform", "", loc("teams/../catalog/")),
			platform.CatalogLocation{Name: "l", Kind: "dir", Target: filepath.Join("/srv/platform", "catalog")}},
		{"git relative inherits the platform ref", plat(platform.OriginGit, "git://h/p.git", "stable", loc("catalog/sub")),
			platform.CatalogLocation{Name: "l", Kind: "git", Target: "git://h/p.git", Ref: "stable", Subdir: "catalog/sub"}},
		{"git relative keeps its own ref", plat(platform.OriginGit, "git://h/p.git", "stable", platform.Location{Name: "l", Target: "catalog", Ref: "v2"}),
			platform.CatalogLocation{Name: "l", Kind: "git", Target: "git://h/p.git", Ref: "v2", Subdir: "catalog"}},
		{"git URL", plat(platform.OriginPath, "/srv/platform", "", platform.Location{Name: "l", Target: "https://github.com/acme/c.git", Ref: "main", Glob: "**/*.yaml"}),
			platform.CatalogLocation{Name: "l", Kind: "git", Target: "https://github.com/acme/c.git", Ref: "main", Glob: "**/*.yaml"}},
		{"scp-like URL", plat(platform.OriginDemo, "", "", loc("git@github.com:acme/c.git")),
			platform.CatalogLocation{Name: "l", Kind: "git", Target: "git@github.com:acme/c.git"}},
		{"absolute path", plat(platform.OriginGit, "git://h/p.git", "", loc(abs)),
			platform.CatalogLocation{Name: "l", Kind: "dir", Target: abs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.svc.CatalogLocations(tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Fatalf("CatalogLocations = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCatalogLocationsRefuseToClimbOutOfThePlatform(t *testing.T) {
	e := newEnv(t)
	for _, origin := range []string{platform.OriginDemo, platform.OriginPath, platform.OriginGit} {
		for _, target := range []string{"..", "../", "../other", "./../other", "catalog/../../other", "a/b/../../../x"} {
			p := &platform.Platform{
				Info: platform.Info{Origin: origin, Location: "/srv/platform"},
				Config: platform.Config{Spec: platform.Spec{Catalog: platform.Locations{Locations: []platform.Location{
					{Name: "fine", Target: "./catalog"}, {Name: "bad", Target: target},
				}}}},
			}
			got, err := e.svc.CatalogLocations(p)
			if err == nil {
				t.Errorf("%s platform: target %q resolved to %+v, want it refused", origin, target, got)
				continue
			}
			for _, w := range []string{"spec.catalog.locations[1].target", strconv.Quote(target), "leads outside"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		}
	}
}

// ---- git platforms, served by a real git daemon ----

// platformRepo is a work repository pushed to a bare repository on a git
// server.
type platformRepo struct {
	*testenv.WorkTree
	url string
}

// newRepo creates name.git on srv with one commit of files on main.
func newRepo(t *testing.T, srv *testenv.GitServer, name string, files map[string]string) (*platformRepo, string) {
	t.Helper()
	w := testenv.NewWorkTree(t, "")
	w.Write(t, files)
	c := w.Commit(t, "change")
	return &platformRepo{WorkTree: w, url: srv.Publish(t, name+".git", w)}, c
}

// commit writes files, commits them and pushes branch.
func (r *platformRepo) commit(t *testing.T, files map[string]string, branch string) string {
	t.Helper()
	r.Write(t, files)
	c := r.Commit(t, "change")
	r.PushRef(t, "HEAD:refs/heads/"+branch)
	return c
}

func gitPlatformFiles(name, title string) map[string]string {
	return map[string]string{
		"platform.yaml":             platformYAML(name, title, "./catalog"),
		"catalog/catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name + "-svc\n",
	}
}

func TestUseGitPlatformServedByGitDaemon(t *testing.T) {
	ctx := context.Background()
	srv := testenv.StartGitServer(t)
	repo, c1 := newRepo(t, srv, "platform", gitPlatformFiles("remote-platform", "Remote platform"))
	e := newEnv(t)

	info, err := e.svc.Use(ctx, repo.url, "")
	if err != nil {
		t.Fatalf("Use(%s): %v", repo.url, err)
	}
	want := platform.Info{Name: "remote-platform", Title: "Remote platform", Origin: platform.OriginGit, Location: repo.url, Commit: c1}
	if info != want {
		t.Fatalf("Use = %+v, want %+v", info, want)
	}
	p := e.current(t)
	if p.Info != want {
		t.Fatalf("Current = %+v, want %+v", p.Info, want)
	}
	if b, err := fs.ReadFile(p.FS, "catalog/catalog-info.yaml"); err != nil || !strings.Contains(string(b), "remote-platform-svc") {
		t.Fatalf("platform FS = %q, %v", b, err)
	}
	locs, err := e.svc.CatalogLocations(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != 1 || locs[0] != (platform.CatalogLocation{Name: "loc0", Kind: "git", Target: repo.url, Subdir: "catalog"}) {
		t.Fatalf("CatalogLocations = %+v", locs)
	}

	// Reading the current platform needs no network.
	srv.Stop()
	p, err = e.reopen(t).Current(ctx)
	if err != nil {
		t.Fatalf("Current with the git server down: %v", err)
	}
	if p.Info != want {
		t.Fatalf("offline Current = %+v, want %+v", p.Info, want)
	}
}

func TestUseGitPlatformOnABranch(t *testing.T) {
	ctx := context.Background()
	srv := testenv.StartGitServer(t)
	repo, _ := newRepo(t, srv, "platform", gitPlatformFiles("main-platform", "Main"))
	staging := repo.commit(t, gitPlatformFiles("staging-platform", "Staging"), "staging")
	e := newEnv(t)
	info, err := e.svc.Use(ctx, repo.url, "staging")
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "staging-platform" || info.Ref != "staging" || info.Commit != staging {
		t.Fatalf("Use(ref staging) = %+v", info)
	}
	locs, err := e.svc.CatalogLocations(e.current(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != 1 || locs[0].Ref != "staging" {
		t.Fatalf("catalog locations of a platform on a branch = %+v, want ref staging", locs)
	}
}

func TestRefreshPicksUpAPushedCommit(t *testing.T) {
	ctx := context.Background()
	srv := testenv.StartGitServer(t)
	repo, c1 := newRepo(t, srv, "platform", gitPlatformFiles("acme-remote", "First"))
	e := newEnv(t)
	if _, err := e.svc.Use(ctx, repo.url, ""); err != nil {
		t.Fatal(err)
	}
	if info, err := e.svc.Refresh(ctx); err != nil || info.Commit != c1 {
		t.Fatalf("Refresh with nothing new = %+v, %v", info, err)
	}

	c2 := repo.commit(t, gitPlatformFiles("acme-remote", "Second"), "main")
	info, err := e.svc.Refresh(ctx)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if info.Commit != c2 || info.Title != "Second" {
		t.Fatalf("Refresh = %+v, want commit %s titled Second", info, c2)
	}
	if p := e.current(t); p.Info.Commit != c2 || p.Info.Title != "Second" {
		t.Fatalf("Current after Refresh = %+v", p.Info)
	}

	// A pushed commit with a broken platform.yaml is not taken.
	repo.commit(t, map[string]string{"platform.yaml": "apiVersion: paved.dev/v1alpha1\nkind: Platform\nmetadata: {}\nspec: {}\n"}, "main")
	_, err = e.svc.Refresh(ctx)
	if err == nil || !strings.Contains(err.Error(), "keeping "+c2[:12]) || !strings.Contains(err.Error(), "metadata") {
		t.Fatalf("Refresh to a broken commit = %v, want an error saying the old commit is kept", err)
	}
	if p := e.current(t); p.Info.Commit != c2 || p.Info.Title != "Second" {
		t.Fatalf("Current after a refused Refresh = %+v, want commit %s", p.Info, c2)
	}

	// Offline: Refresh fails, Current keeps working from the clone.
	srv.Stop()
	if _, err := e.svc.Refresh(ctx); err == nil {
		t.Fatal("Refresh with the server down succeeded")
	}
	if p := e.current(t); p.Info.Commit != c2 {
		t.Fatalf("offline Current = %+v", p.Info)
	}
}

func TestUseOfABadGitPlatformKeepsThePreviousGitPlatform(t *testing.T) {
	ctx := context.Background()
	srv := testenv.StartGitServer(t)
	good, c1 := newRepo(t, srv, "good", gitPlatformFiles("good-remote", "Good"))
	bad, _ := newRepo(t, srv, "bad", map[string]string{"platform.yaml": "kind: Platform\n"})
	noPlatform, _ := newRepo(t, srv, "none", map[string]string{"README.md": "no platform here\n"})
	e := newEnv(t)
	if _, err := e.svc.Use(ctx, good.url, ""); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{bad.url, noPlatform.url, srv.URL("missing.git")} {
		if _, err := e.svc.Use(ctx, target, ""); err == nil {
			t.Fatalf("Use(%s) succeeded", target)
		}
		p, err := e.svc.Current(ctx)
		if err != nil {
			t.Fatalf("after a failed Use(%s), Current fails: %v", target, err)
		}
		if p.Info.Name != "good-remote" || p.Info.Commit != c1 || p.Info.Location != good.url {
			t.Fatalf("after a failed Use(%s), Current = %+v", target, p.Info)
		}
		if _, err := fs.ReadFile(p.FS, "catalog/catalog-info.yaml"); err != nil {
			t.Fatalf("previous platform unreadable: %v", err)
		}
	}
	// And still offline.
	srv.Stop()
	if p, err := e.reopen(t).Current(ctx); err != nil || p.Info.Commit != c1 {
		t.Fatalf("offline Current = %+v, %v", p, err)
	}
}

func TestSwitchingBetweenGitPlatformsReadsTheNewOne(t *testing.T) {
	ctx := context.Background()
	srv := testenv.StartGitServer(t)
	one, c1 := newRepo(t, srv, "one", gitPlatformFiles("one", "One"))
	two, c2 := newRepo(t, srv, "two", gitPlatformFiles("two", "Two"))
	e := newEnv(t)
	for _, step := range []struct {
		url, name, commit string
	}{{one.url, "one", c1}, {two.url, "two", c2}, {one.url, "one", c1}} {
		info, err := e.svc.Use(ctx, step.url, "")
		if err != nil {
			t.Fatalf("Use(%s): %v", step.url, err)
		}
		p := e.current(t)
		if info.Name != step.name || p.Info.Name != step.name || p.Info.Commit != step.commit {
			t.Fatalf("Use(%s) = %+v, Current = %+v; want %s at %s", step.url, info, p.Info, step.name, step.commit)
		}
		b, err := fs.ReadFile(p.FS, "catalog/catalog-info.yaml")
		if err != nil || !strings.Contains(string(b), step.name+"-svc") {
			t.Fatalf("Current FS after switching to %s reads %q, %v", step.name, b, err)
		}
	}
}
