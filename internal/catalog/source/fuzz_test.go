package source

import (
	"io/fs"
	"strings"
	"testing"
)

// FuzzResolveTarget: a Location or placeholder target written in any file of
// a source either is refused or resolves to a path inside the source: a
// valid fs.FS path (no "..", not absolute), so no snapshot can be asked for
// anything outside itself.
func FuzzResolveTarget(f *testing.F) {
	for _, c := range [][2]string{
		{"catalog-info.yaml", "./a.yaml"}, {"x/catalog-info.yaml", "../y/a.yaml"}, {"x/y/z.yaml", "../../../a"},
		{"catalog-info.yaml", "../a.yaml"}, {"a/b.yaml", "./../../etc/passwd"}, {"catalog-info.yaml", "/etc/passwd"},
		{"catalog-info.yaml", "https://example.com/a.yaml"}, {"a.yaml", "./**/catalog-info.yaml"}, {"a.yaml", "x/./../../y"},
		{"a/b.yaml", "..//..//c"}, {"a.yaml", "\\..\\x"}, {"a.yaml", " ./a.yaml "}, {"a.yaml", "..."}, {"d/a.yaml", "./{a,../b}.yaml"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, file, target string) {
		if !fs.ValidPath(file) || file == "." {
			return // files are always valid paths inside the source
		}
		p, err := resolveTarget(file, target)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if !fs.ValidPath(p) {
			t.Fatalf("resolveTarget(%q, %q) = %q: not a path inside the source", file, target, p)
		}
		if p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
			t.Fatalf("resolveTarget(%q, %q) = %q escapes", file, target, p)
		}
	})
}
