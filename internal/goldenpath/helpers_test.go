package goldenpath

import (
	"context"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paved-dev/paved/goldenpaths"
	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/progress"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/testenv"
)

var testenvGit = testenv.Git

var update = flag.Bool("update", false, "rewrite the golden files under testdata/goldenpath")

// fixtures is the repository's testdata/goldenpath.
var fixtures = func() string {
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "goldenpath"))
	if err != nil {
		panic(err)
	}
	return p
}()

type env struct {
	s     *Service
	st    *store.Store
	cat   *catalog.Service
	audit *audit.Log
}

// newEnv builds the service over a fresh store, with the built-in
// templates, and gives git a known identity and no user configuration.
func newEnv(t testing.TB) *env {
	t.Helper()
	testenv.IsolateGit(t)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "paved.db"), audit.Schema(), catalog.Schema())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := audit.New(st, nil)
	cat := catalog.New(catalog.Options{Store: st, Audit: log, CacheDir: t.TempDir()})
	s := New(Options{Catalog: cat, Audit: log, Builtin: goldenpaths.FS(), BuiltinVersion: goldenpaths.Version})
	return &env{s: s, st: st, cat: cat, audit: log}
}

// rebuild replaces the service with one built from changed options, as a
// new Paved process (or a new Paved build) would be.
func (e *env) rebuild(change func(*Options)) {
	o := e.s.o
	change(&o)
	e.s = New(o)
}

// events records progress.
type events struct{ list []progress.Event }

func (e *events) Report(ev progress.Event) { e.list = append(e.list, ev) }

func (e *events) stages() []string {
	var out []string
	for _, ev := range e.list {
		out = append(out, ev.Stage)
	}
	return out
}

// readTree reads every file under dir except .git, as slash paths.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// entries lists a directory's names (nothing when it does not exist).
func entries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func basicValues(name string) map[string]any {
	return map[string]any{"name": name, "owner": "group:default/team-a", "description": "A test service"}
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

func testGitCount(t *testing.T, dir string) string {
	t.Helper()
	return testenvGit(t, dir, "rev-list", "--count", "HEAD")
}
