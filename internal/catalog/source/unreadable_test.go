package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/testenv"
)

// unreadableOrg has a root Location with a literal target, a glob target,
// a nested Location and a $text placeholder.
func unreadableOrg() map[string]string {
	return map[string]string{
		"catalog-info.yaml":       location + "    - ./a.yaml\n    - ./svc/*.yaml\n    - ./teams/catalog-info.yaml\n",
		"a.yaml":                  strings.ReplaceAll(component, "%s", "a"),
		"svc/b.yaml":              strings.ReplaceAll(component, "%s", "b"),
		"svc/c.yaml":              strings.ReplaceAll(component, "%s", "c"),
		"teams/catalog-info.yaml": location + "    - ./api.yaml\n",
		"teams/api.yaml":          "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: api}\nspec: {type: openapi, lifecycle: production, owner: a, definition: {$text: ./openapi.yaml}}\n",
		"teams/openapi.yaml":      "openapi: 3.0.0\n",
	}
}

// TestAnUnreadableFileFailsTheWalk: an I/O error anywhere a walk reads is
// not a bad file (which would drop that file's entities while the walk
// succeeds) but fails the whole walk with a *ReadError naming the path.
func TestAnUnreadableFileFailsTheWalk(t *testing.T) {
	eio := syscall.EIO
	for _, c := range []struct{ op, name string }{
		{"read", "a.yaml"},
		{"open", "svc/c.yaml"},
		{"stat", "svc/b.yaml"},
		{"fingerprint", "teams/api.yaml"},
		{"readdir", "svc"},
		{"read", "teams/openapi.yaml"},
		{"fingerprint", "teams/openapi.yaml"},
		{"fingerprint", RootFile},
	} {
		t.Run(c.op+" "+c.name, func(t *testing.T) {
			snap := Faulty{Snapshot: mapSnap(unreadableOrg()), Fail: func(op, name string) error {
				if op == c.op && name == c.name {
					return eio
				}
				return nil
			}}
			res, err := Walk(context.Background(), snap, Options{Workers: 2})
			var re *ReadError
			if !errors.As(err, &re) || re.Path != c.name || !errors.Is(err, eio) {
				t.Fatalf("Walk = %d files read, %v; want a *ReadError for %s", len(res.Read), err, c.name)
			}
			if problem.KindOf(err) != problem.Unavailable {
				t.Errorf("kind = %q, want unavailable", problem.KindOf(err))
			}
			if len(res.Read) != 0 || len(res.Reached) != 0 {
				t.Errorf("a failed walk returned a partial result: %d read, %d reached", len(res.Read), len(res.Reached))
			}
		})
	}
	// The same snapshot without faults reads everything.
	res, err := Walk(context.Background(), mapSnap(unreadableOrg()), Options{})
	if err != nil || len(res.Read) != 6 || len(res.Problems) != 0 || problems(res) != "" {
		t.Fatalf("clean walk: %d read, %v, problems %s", len(res.Read), err, problems(res))
	}
}

// TestBadFilesStayProblemsNextToAnIOError: what is wrong with the files
// themselves (missing, a directory, a symbolic link, too large, bad YAML) is
// still reported per file and never fails the walk.
func TestBadFilesStayProblems(t *testing.T) {
	root := t.TempDir()
	testenv.WriteFiles(t, root, map[string]string{
		"catalog-info.yaml": location + "    - ./gone.yaml\n    - ./dir.yaml\n    - ./link.yaml\n    - ./big.yaml\n    - ./bad.yaml\n    - ./ok.yaml\n",
		"bad.yaml":          "kind: [\n",
		"ok.yaml":           strings.ReplaceAll(component, "%s", "ok"),
		"real.yaml":         strings.ReplaceAll(component, "%s", "real"),
	})
	if err := os.Mkdir(filepath.Join(root, "dir.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(root, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "big.yaml"), make([]byte, maxFileBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	res := walkDir(t, root)
	p := problems(res)
	for _, want := range []string{"gone.yaml does not exist", "dir.yaml", "link.yaml", "big.yaml: file is", "bad.yaml:1: YAML syntax error"} {
		if !strings.Contains(p, want) {
			t.Errorf("problems should mention %q:\n%s", want, p)
		}
	}
	if len(res.Read) == 0 || res.Read[len(res.Read)-1].Path != "ok.yaml" || res.Read[len(res.Read)-1].Docs[0].Entity == nil {
		t.Errorf("ok.yaml not read: %+v", res.Read)
	}
}

func TestAFileThatVanishesWhileReadIsAReadError(t *testing.T) {
	// Fingerprinted, then gone when opened: the directory changed under the
	// walk, which the next sync will see properly.
	snap := Faulty{Snapshot: mapSnap(unreadableOrg()), Fail: func(op, name string) error {
		if op == "stat" && name == "a.yaml" {
			return os.ErrNotExist
		}
		return nil
	}}
	_, err := Walk(context.Background(), snap, Options{})
	var re *ReadError
	if !errors.As(err, &re) || re.Path != "a.yaml" {
		t.Fatalf("Walk = %v, want a *ReadError for a.yaml", err)
	}
}

func TestCancelledWalkFails(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Walk(ctx, mapSnap(unreadableOrg()), Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Walk = %v, want context.Canceled", err)
	}
}

// TestAFileTooLargeToOpenIsAProblem: a git tree refuses to open a blob over
// its own limit; that is the file's size, so it is a problem of the file
// (as a directory's huge file is), not a failed read.
func TestAFileTooLargeToOpenIsAProblem(t *testing.T) {
	files := unreadableOrg()
	files["a.yaml"] = "# " + strings.Repeat("x", maxFileBytes+10) + "\n"
	snap := Faulty{Snapshot: mapSnap(files), Fail: func(op, name string) error {
		if op == "open" && name == "a.yaml" {
			return errors.New("file too large: over the limit for a file read from git")
		}
		return nil
	}}
	res, err := Walk(context.Background(), snap, Options{})
	if err != nil {
		t.Fatalf("Walk = %v, want the big file as a problem", err)
	}
	want := fmt.Sprintf("a.yaml: file is %d bytes, over the %d byte limit for descriptor files; split it", len(files["a.yaml"]), maxFileBytes)
	if p := problems(res); !strings.Contains(p, want) {
		t.Errorf("problems = %s", p)
	}
}
