package goldenpath

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paved-dev/paved/internal/problem"
)

// refusedNames are names that must never become a folder: each could
// leave the parent, or means something else on some system.
var refusedNames = []string{
	"..", ".", "../escape", "../../../escape", "a/b", `a\b`, "/abs", `C:\abs`, "C:rel", "c:", "x\x00y",
	"tab\there", "line\nbreak", "trailing.", "trailing ", " leading", ".. ", "...", "a<b", "a>b", `a"b`, "a|b", "a?b", "a*b",
	"CON", "nul", "Aux.txt", "com1", "LPT9.log", "COM¹", strings.Repeat("n", 256), "\xff\xfe",
}

func TestDefaultOutDirIsOnePlainFolderInsideItsParent(t *testing.T) {
	parent := t.TempDir()
	for _, name := range []string{"orders-api", "my service", "ünïcode", "a.b", "-x", "~", ".hidden", "con-tracts", "com10", strings.Repeat("n", 255)} {
		got, err := DefaultOutDir(parent, name)
		if err != nil || got != filepath.Join(parent, name) || filepath.Dir(got) != parent {
			t.Errorf("DefaultOutDir(%q) = %q, %v; want %s", name, got, err, filepath.Join(parent, name))
		}
	}
	for _, name := range refusedNames {
		got, err := DefaultOutDir(parent, name)
		ps := problem.ProblemsOf(err)
		if err == nil || problem.KindOf(err) != problem.Invalid || len(ps) != 1 || ps[0].Field != NameParameter || ps[0].Fix == "" {
			t.Errorf("DefaultOutDir(%q) = %q, %v (problems %+v); want an invalid-name problem", name, got, err, ps)
		}
		if errors.Is(err, ErrNoOutDir) {
			t.Errorf("DefaultOutDir(%q) says no name was given", name)
		}
	}
	for _, name := range []any{nil, "", 42, true} {
		if _, err := DefaultOutDir(parent, name); !errors.Is(err, ErrNoOutDir) || problem.ProblemsOf(err)[0].Field != NameParameter {
			t.Errorf("DefaultOutDir(%v) = %v, want ErrNoOutDir", name, err)
		}
	}
	// "" is the current directory.
	wd, _ := os.Getwd()
	if got, err := DefaultOutDir("", "svc"); err != nil || got != filepath.Join(wd, "svc") {
		t.Errorf(`DefaultOutDir("", svc) = %q, %v`, got, err)
	}
}

// Whatever the name, the folder is directly inside the parent or refused.
func FuzzDefaultOutDir(f *testing.F) {
	for _, n := range append([]string{"orders-api", "a b", ""}, refusedNames...) {
		f.Add(n)
	}
	parent := f.TempDir()
	f.Fuzz(func(t *testing.T, name string) {
		got, err := DefaultOutDir(parent, name)
		if err != nil {
			if ps := problem.ProblemsOf(err); len(ps) != 1 || ps[0].Field != NameParameter {
				t.Fatalf("DefaultOutDir(%q): %v without a problem on the name", name, err)
			}
			return
		}
		if filepath.Dir(got) != parent || filepath.Base(got) != name || !filepath.IsLocal(name) || !utf8.ValidString(name) {
			t.Fatalf("DefaultOutDir(%q) = %q, not one folder inside %s", name, got, parent)
		}
	})
}

// A scaffold without an output folder (the CLI's `paved new` without
// --out, the window's Scaffold with an empty folder) goes in Parent/<name>
// and a name that would leave Parent is refused before anything is
// written.
func TestScaffoldWithoutOutDirStaysInsideTheParent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tpl := escapeTemplate(t, `    - {id: f, action: fetch:plain, input: {url: ./skeleton}}`, map[string]string{"skeleton/a.txt": "a"})
	root := t.TempDir()
	parent := filepath.Join(root, "home", "src")
	for _, name := range refusedNames {
		for _, dry := range []bool{false, true} {
			_, err := e.s.Scaffold(ctx, ScaffoldOptions{Template: tpl, Values: map[string]any{"name": name}, Parent: parent, DryRun: dry}, nil)
			if ps := problem.ProblemsOf(err); err == nil || len(ps) != 1 || ps[0].Field != NameParameter {
				t.Errorf("name %q (dry run %v): %v, want a problem on the name", name, dry, err)
			}
		}
	}
	if n := entries(t, root); len(n) != 0 {
		t.Fatalf("refused scaffolds wrote %v", n)
	}
	res, err := e.s.Scaffold(ctx, ScaffoldOptions{Template: tpl, Set: map[string]string{"name": "svc"}, Parent: parent}, nil)
	if err != nil || res.Dir != filepath.Join(parent, "svc") {
		t.Fatalf("scaffold = %s, %v; want %s", res.Dir, err, filepath.Join(parent, "svc"))
	}
	if _, err := os.Stat(filepath.Join(parent, "svc", "a.txt")); err != nil {
		t.Fatal(err)
	}
	// No name and no folder: ErrNoOutDir, nothing written.
	if _, err := e.s.Scaffold(ctx, ScaffoldOptions{Template: tpl, Parent: parent}, nil); !errors.Is(err, ErrNoOutDir) {
		t.Fatalf("scaffold without a name = %v", err)
	}
	// A folder given is used as given, whatever the name.
	out := filepath.Join(root, "chosen")
	if res, err := e.s.Scaffold(ctx, ScaffoldOptions{Template: tpl, Values: map[string]any{"name": "../../x"}, OutDir: out}, nil); err != nil || res.Dir != out {
		t.Fatalf("scaffold into a chosen folder = %s, %v", res.Dir, err)
	}
}

// The preview says which folder a scaffold would create, by the same rule,
// and why there is none yet.
func TestPreviewShowsTheDefaultOutDir(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	parent := t.TempDir()
	pv, err := e.s.Preview(ctx, PreviewOptions{Template: "go-service", Values: basicValues("orders-api"), Parent: parent})
	if err != nil || pv.OutDir != filepath.Join(parent, "orders-api") || len(pv.Problems) != 0 {
		t.Fatalf("preview = %q %+v, %v", pv.OutDir, pv.Problems, err)
	}
	pv, _ = e.s.Preview(ctx, PreviewOptions{Template: "go-service", Values: basicValues("orders-api"), OutDir: "elsewhere"})
	if wd, _ := os.Getwd(); pv.OutDir != filepath.Join(wd, "elsewhere") {
		t.Errorf("preview with a folder = %q", pv.OutDir)
	}
	// A name the template allows but no folder can have: the rule's problem.
	tpl := escapeTemplate(t, `    - {id: f, action: fetch:plain, input: {url: ./skeleton}}`, map[string]string{"skeleton/a.txt": "a"})
	pv, err = e.s.Preview(ctx, PreviewOptions{Template: tpl, Values: map[string]any{"name": "../x"}, Parent: parent})
	if err != nil || pv.OutDir != "" || len(pv.Problems) != 1 || pv.Problems[0].Field != NameParameter {
		t.Fatalf("preview of ../x = %q %+v, %v", pv.OutDir, pv.Problems, err)
	}
	// A name the template already refuses: one problem for it, not two.
	pv, _ = e.s.Preview(ctx, PreviewOptions{Template: "go-service", Values: map[string]any{"name": "../x"}, Parent: parent})
	n := 0
	for _, p := range pv.Problems {
		if p.Field == NameParameter {
			n++
		}
	}
	if pv.OutDir != "" || n != 1 {
		t.Errorf("preview of ../x with go-service = %q %+v", pv.OutDir, pv.Problems)
	}
}
