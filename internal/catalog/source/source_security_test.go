package source

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/testenv"
)

const location = "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets:\n"

const component = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: %s}\nspec: {type: service, lifecycle: production, owner: team-a}\n"

func walkDir(t *testing.T, dir string) Result {
	t.Helper()
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	res, err := Walk(context.Background(), d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func problems(res Result) string {
	var b strings.Builder
	for _, f := range res.Read {
		for _, p := range f.Problems {
			b.WriteString(p.String() + "\n")
		}
	}
	for _, p := range res.Problems {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

func TestTargetsCannotEscapeTheSource(t *testing.T) {
	outside := t.TempDir()
	testenv.WriteFiles(t, outside, map[string]string{"secret.yaml": strings.ReplaceAll(component, "%s", "stolen")})
	root := filepath.Join(t.TempDir(), "src")
	testenv.WriteFiles(t, root, map[string]string{
		"catalog-info.yaml": location +
			"    - ../secret.yaml\n" +
			"    - ./sub/../../secret.yaml\n" +
			"    - " + filepath.Join(outside, "secret.yaml") + "\n" +
			"    - https://github.com/acme/other/blob/main/catalog-info.yaml\n" +
			"    - ./link.yaml\n" +
			"    - ./ok.yaml\n",
		"ok.yaml": strings.ReplaceAll(component, "%s", "fine"),
	})
	// A symbolic link pointing outside the source.
	if err := os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(root, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	res := walkDir(t, root)
	for _, f := range res.Read {
		for _, d := range f.Docs {
			if d.Entity != nil && d.Entity.Metadata.Name == "stolen" {
				t.Fatalf("read a file outside the source through %s", f.Path)
			}
		}
	}
	probs := problems(res)
	for _, want := range []string{"leads outside the source", "absolute path", "is a URL", "link.yaml"} {
		if !strings.Contains(probs, want) {
			t.Errorf("problems should mention %q:\n%s", want, probs)
		}
	}
	if !slices.Contains(res.Reached, "ok.yaml") {
		t.Errorf("good target not read: %v", res.Reached)
	}
}

func TestPlaceholdersCannotEscapeTheSource(t *testing.T) {
	outside := t.TempDir()
	testenv.WriteFiles(t, outside, map[string]string{"passwd": "root:x:0:0"})
	root := filepath.Join(t.TempDir(), "src")
	testenv.WriteFiles(t, root, map[string]string{
		"catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: x}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: a\n  definition:\n    $text: ../passwd\n",
	})
	res := walkDir(t, root)
	if len(res.Read) != 1 || res.Read[0].Docs[0].Entity != nil {
		t.Fatalf("entity with an escaping placeholder was accepted")
	}
	if p := problems(res); !strings.Contains(p, "outside the source") || strings.Contains(p, "root:x") {
		t.Errorf("problems = %s", p)
	}
}

func TestOnlyRegularFilesAreRead(t *testing.T) {
	root := t.TempDir()
	testenv.WriteFiles(t, root, map[string]string{"catalog-info.yaml": location + "    - ./dir.yaml\n"})
	if err := os.Mkdir(filepath.Join(root, "dir.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	res := walkDir(t, root)
	if p := problems(res); !strings.Contains(p, "dir.yaml") {
		t.Errorf("a directory named like a descriptor should be reported: %s", p)
	}
}

func TestOversizedDescriptorIsRejectedWithoutReadingIt(t *testing.T) {
	root := t.TempDir()
	testenv.WriteFiles(t, root, map[string]string{"catalog-info.yaml": location + "    - ./huge.yaml\n"})
	f, err := os.Create(filepath.Join(root, "huge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// A sparse 2 GiB file: reading it whole would exhaust memory.
	if err := f.Truncate(2 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res := walkDir(t, root)
	if p := problems(res); !strings.Contains(p, "huge.yaml") || !strings.Contains(p, "limit") {
		t.Errorf("problems = %s", p)
	}
}
