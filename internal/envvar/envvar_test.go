package envvar

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/environment.md")

const root = "../.."

// readsRE finds os.Getenv("X") / os.LookupEnv("X"); envConstRE finds
// constants such as `HomeEnv = "PAVED_HOME"` that are read by name.
var (
	readsRE    = regexp.MustCompile(`(?:Getenv|LookupEnv)\("([A-Za-z_][A-Za-z0-9_]*)"\)`)
	envConstRE = regexp.MustCompile(`\b\w*Env\s*=\s*"([A-Z][A-Z0-9_]*)"`)
)

// sources returns the project's non-test Go files.
func sources(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && p != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[p] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found only %d Go files under %s: the walk is wrong", len(out), root)
	}
	return out
}

func TestEveryVariableTheCodeReadsIsListed(t *testing.T) {
	for file, src := range sources(t) {
		if strings.Contains(file, "internal/envvar") {
			continue
		}
		for _, re := range []*regexp.Regexp{readsRE, envConstRE} {
			for _, m := range re.FindAllStringSubmatch(src, -1) {
				if _, ok := Named(m[1]); !ok {
					t.Errorf("%s reads %s, which internal/envvar does not list: add it with what it does", file, m[1])
				}
			}
		}
	}
}

func TestEveryListedVariableIsRead(t *testing.T) {
	all := strings.Builder{}
	for file, src := range sources(t) {
		if !strings.Contains(file, "internal/envvar") {
			all.WriteString(src)
		}
	}
	code := all.String()
	for _, v := range All {
		if v.Library != "" || strings.HasPrefix(v.Name, "(") {
			continue
		}
		if !strings.Contains(code, `"`+v.Name+`"`) {
			t.Errorf("%s is listed but no code reads it: remove it from the list", v.Name)
		}
	}
}

func TestDocsMatchTheList(t *testing.T) {
	path := filepath.Join(root, "docs", "environment.md")
	want := Markdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run go test ./internal/envvar -update", err)
	}
	if string(got) != want {
		t.Fatalf("docs/environment.md differs from internal/envvar's list: run go test ./internal/envvar -update")
	}
}

func TestNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range All {
		if seen[v.Name] {
			t.Errorf("%s is listed twice", v.Name)
		}
		seen[v.Name] = true
		if v.Area == "" || v.Does == "" {
			t.Errorf("%s has no area or description", v.Name)
		}
	}
}
