package source

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

func mapSnap(files map[string]string) Embedded {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return Embedded{FS: m}
}

func TestWalkFollowsNestedLocationsAndGlobs(t *testing.T) {
	snap := mapSnap(map[string]string{
		"catalog-info.yaml":         location + "    - ./teams/catalog-info.yaml\n",
		"teams/catalog-info.yaml":   location + "    - ./**/service.yaml\n",
		"teams/a/service.yaml":      strings.ReplaceAll(component, "%s", "a"),
		"teams/b/deep/service.yaml": strings.ReplaceAll(component, "%s", "b"),
		"teams/unlisted.yaml":       strings.ReplaceAll(component, "%s", "c"),
		"teams/a/catalog-info.yaml": "not reached",
	})
	res, err := Walk(context.Background(), snap, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"catalog-info.yaml", "teams/a/service.yaml", "teams/b/deep/service.yaml", "teams/catalog-info.yaml"}
	if strings.Join(res.Reached, ",") != strings.Join(want, ",") {
		t.Errorf("reached %v, want %v", res.Reached, want)
	}
}

func TestWalkWithGlobRoots(t *testing.T) {
	snap := mapSnap(map[string]string{
		"svc/a/catalog-info.yaml": strings.ReplaceAll(component, "%s", "a"),
		"svc/b/catalog-info.yaml": strings.ReplaceAll(component, "%s", "b"),
		"other.yaml":              strings.ReplaceAll(component, "%s", "c"),
	})
	res, err := Walk(context.Background(), snap, Options{Glob: "svc/**/catalog-info.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reached) != 2 {
		t.Errorf("reached %v", res.Reached)
	}
	if _, err := Walk(context.Background(), snap, Options{Glob: "nothing/*.yaml"}); err == nil || !strings.Contains(err.Error(), "matches no files") {
		t.Errorf("empty glob: %v", err)
	}
	if _, err := Walk(context.Background(), snap, Options{}); err == nil || !strings.Contains(err.Error(), "no catalog-info.yaml") {
		t.Errorf("missing root: %v", err)
	}
}

func TestWalkSkipsUnchangedFilesAndTrustsTheChangedSet(t *testing.T) {
	files := map[string]string{
		"catalog-info.yaml": location + "    - ./a.yaml\n    - ./b.yaml\n",
		"a.yaml":            strings.ReplaceAll(component, "%s", "a"),
		"b.yaml":            strings.ReplaceAll(component, "%s", "b"),
	}
	snap := mapSnap(files)
	first, err := Walk(context.Background(), snap, Options{})
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]Known{}
	for _, f := range first.Read {
		known[f.Path] = Known{Fingerprint: f.Fingerprint, Deps: f.Deps, Targets: f.Targets}
	}
	files["b.yaml"] = strings.ReplaceAll(component, "%s", "b2")
	snap = mapSnap(files)
	second, err := Walk(context.Background(), snap, Options{Known: known})
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Read) != 1 || second.Read[0].Path != "b.yaml" || len(second.Reached) != 3 {
		t.Fatalf("second walk read %d files (%v), reached %v", len(second.Read), second.Read, second.Reached)
	}
	// With a changed set, files outside it are trusted without fingerprinting.
	third, err := Walk(context.Background(), snap, Options{Known: known, Changed: map[string]bool{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(third.Read) != 0 || len(third.Reached) != 3 {
		t.Errorf("changed-set walk read %d files", len(third.Read))
	}
}

func TestResolveTarget(t *testing.T) {
	for _, c := range []struct{ file, target, want, err string }{
		{"catalog-info.yaml", "./a.yaml", "a.yaml", ""},
		{"x/catalog-info.yaml", "../y/a.yaml", "y/a.yaml", ""},
		{"x/catalog-info.yaml", "a.yaml", "x/a.yaml", ""},
		{"catalog-info.yaml", "../a.yaml", "", "outside"},
		{"catalog-info.yaml", "/etc/passwd", "", "absolute"},
		{"catalog-info.yaml", "https://example.com/a.yaml", "", "URL"},
		{"catalog-info.yaml", " ", "", "empty"},
	} {
		got, err := resolveTarget(c.file, c.target)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("resolveTarget(%q, %q) error = %v, want %q", c.file, c.target, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("resolveTarget(%q, %q) = %q, %v; want %q", c.file, c.target, got, err, c.want)
		}
	}
}
