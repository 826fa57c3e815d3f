package render

import (
	"context"
	"errors"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// Fuzz targets for what templates control: template source and values
// (FuzzString, FuzzValue), skeleton file names and contents (FuzzRenderDir)
// and the paths they produce (FuzzCleanPath). Run one with
// go test -run XXX -fuzz FuzzString -fuzztime 60s ./internal/goldenpath/render
// (build/scripts/fuzz.sh runs them all).

// fuzzTimeout bounds one fuzzed render; the limits end any real render
// long before it.
const fuzzTimeout = 30 * time.Second

var fuzzSources = []string{
	"${{ values.name }}", "{% for i in values.list %}${{ loop.index }}:${{ i }}{% endfor %}",
	"{% if values.n > 1 %}a{% elif values.n %}b{% else %}c{% endif %}", "${{ values.name | upper | replace('-', '_') }}",
	"{% macro m(x, y=2) %}${{ x ~ y }}{% endmacro %}${{ m(1) }}${{ m(values.n, y=values.name) }}",
	"{% set ns = namespace(a=[]) %}{% for x in range(values.n) %}{% set ns.a = ns.a + [x] %}{% endfor %}${{ ns.a }}",
	"{% filter upper %}x${{ values.name }}{% endfilter %}", "{% with a = 1, b = values.n %}${{ a + b }}{% endwith %}",
	"{% raw %}${{ x }}{% endraw %}", "{# c #}${{ values.list | join(', ') }}", "${{ values.name[1:3] }}${{ values.list[-1] }}",
	"${{ '%s-%d' | format(values.name, values.n) }}", "${{ values | tojson }}", "${{ values.name | center(9) }}",
	"{% call m() %}x{% endcall %}", "${{ 'group:x/y' | parseEntityRef | pick('name') }}", "${{ values.n % 0 }}",
	"${{ 'x' * -1 }}", "{% macro m() %}${{ m() }}{% endmacro %}${{ m() }}", "${{ '%99999d' | format(1) }}",
}

func FuzzString(f *testing.F) {
	for _, s := range fuzzSources {
		f.Add(s, "orders-api", 3, false)
	}
	for _, h := range hostile {
		f.Add(h.src, "x", 1, false)
	}
	f.Add("{{ cookiecutter.name }}{% if cookiecutter.n %}y{% endif %}", "a", 0, true)
	f.Fuzz(func(t *testing.T, src, name string, n int, cookie bool) {
		if len(src) > 64<<10 || len(name) > 4<<10 {
			return // bounded input: the static bounds have their own tests
		}
		o := Options{}
		key := "values"
		if cookie {
			o.Syntax, key = Cookiecutter, "cookiecutter"
		}
		data := map[string]any{key: map[string]any{"name": name, "n": n, "list": []any{name, n, nil}}}
		ctx, cancel := withTimeLimit(context.Background(), limits{Time: fuzzTimeout})
		defer cancel()
		// In this process: a gap in the guards crashes the fuzzer here.
		local, lerr := renderLocal(ctx, defaultLimits(), "f.njk", src, data, o)
		if ctx.Err() != nil {
			t.Fatalf("a render ran %s: %v", fuzzTimeout, lerr)
		}
		checkRender(t, local, lerr)
		if plainText(src, o) && (lerr != nil || local != src) {
			t.Fatalf("plain text %q rendered as %q, %v", src, local, lerr)
		}
		// Through a worker: the same result.
		out, err := StringContext(context.Background(), "f.njk", src, data, o)
		checkRender(t, out, err)
		if out != local || (err == nil) != (lerr == nil) || (err != nil && !sameError(err, lerr)) {
			t.Fatalf("the worker and this process disagree: %q, %v / %q, %v", out, err, local, lerr)
		}
	})
}

func checkRender(t *testing.T, out string, err error) {
	t.Helper()
	if len(out) > MaxRenderedBytes {
		t.Fatalf("%d bytes rendered", len(out))
	}
	if err == nil {
		return
	}
	var re *Error
	if !errors.As(err, &re) {
		t.Fatalf("%T is not a render error: %v", err, err)
	}
	if re.Name == "" || out != "" {
		t.Fatalf("error %v names %q, with %d bytes of output", err, re.Name, len(out))
	}
}

// sameError compares what people see, but for limits that depend on time.
func sameError(a, b error) bool {
	var ta, tb timeLimit
	if errors.As(a, &ta) || errors.As(b, &tb) {
		return true
	}
	return a.Error() == b.Error()
}

func FuzzValue(f *testing.F) {
	for _, s := range fuzzSources {
		f.Add(s, "${{ parameters.name }}", 2)
	}
	f.Add("${{ parameters.n > 1 }}", "x-${{ parameters.list | length }}", 0)
	f.Add("${{ parameters.list }}", "${{ (parameters.n) if parameters.n else 'none' }}", -1)
	f.Fuzz(func(t *testing.T, a, b string, n int) {
		if len(a)+len(b) > 64<<10 {
			return
		}
		v := map[string]any{"a": a, "list": []any{b, n, true}, "n": n}
		data := map[string]any{"parameters": map[string]any{"name": b, "n": n, "list": []any{1, "x", nil}}}
		ctx, cancel := withTimeLimit(context.Background(), limits{Time: fuzzTimeout})
		defer cancel()
		local, lerr := valueLocal(ctx, defaultLimits(), "v", v, data)
		if ctx.Err() != nil {
			t.Fatalf("a value ran %s: %v", fuzzTimeout, lerr)
		}
		got, err := ValueContext(context.Background(), "v", v, data)
		if (err == nil) != (lerr == nil) || (err != nil && !sameError(err, lerr)) {
			t.Fatalf("the worker and this process disagree: %v / %v", err, lerr)
		}
		if err != nil {
			var re *Error
			if !errors.As(err, &re) || !strings.HasPrefix(re.Name, "v.") {
				t.Fatalf("error %v does not name the field", err)
			}
			return
		}
		if !reflect.DeepEqual(got, local) {
			t.Fatalf("the worker's value %#v differs from %#v", got, local)
		}
	})
}

func FuzzRenderDir(f *testing.F) {
	f.Add("${{ values.name }}/main.go.njk", "package ${{ values.name }}\n", "README.md", "# ${{ values.name }}", "../x")
	f.Add("{% if values.on %}db.sql{% endif %}", "create", ".git/hooks/x", "x", "/abs")
	f.Add("a/${{ values.evil }}/f", "${{ 1 % 0 }}", "b/${{ values.evil }}", "", ".GIT")
	f.Add("x\\..\\y", "\x00bin", "a//b/./c", "{% for i in range(3) %}${{ i }}{% endfor %}", "C:/win")
	f.Fuzz(func(t *testing.T, name1, content1, name2, content2, evil string) {
		if len(name1)+len(name2)+len(content1)+len(content2)+len(evil) > 64<<10 {
			return
		}
		fsys := fstest.MapFS{}
		for _, f := range [][2]string{{name1, content1}, {name2, content2}} {
			if !fsValidPath("sk/" + f[0]) {
				continue
			}
			fsys["sk/"+f[0]] = &fstest.MapFile{Data: []byte(f[1]), Mode: 0o644}
		}
		opts := DirOptions{Values: map[string]any{"name": "orders-api", "on": true, "evil": evil}, TargetPath: "out", TemplateFileExtension: ".njk"}
		ctx, cancel := context.WithTimeout(context.Background(), fuzzTimeout*2)
		defer cancel()
		tr := NewTree()
		err := RenderDirContext(ctx, fsys, "sk", tr, opts, nil)
		if ctx.Err() != nil {
			t.Fatalf("RenderDir ran past its bound: %v", err)
		}
		for _, p := range tr.Paths() {
			c, perr := CleanPath(p)
			if perr != nil || c != p || !strings.HasPrefix(p, "out/") {
				t.Fatalf("the tree holds %q (%v)", p, perr)
			}
		}
		if tr.Bytes() > MaxTreeBytes || tr.Len() > MaxFiles {
			t.Fatalf("%d files, %d bytes", tr.Len(), tr.Bytes())
		}
		// Rendering is deterministic.
		again := NewTree()
		err2 := RenderDirContext(ctx, fsys, "sk", again, opts, nil)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(tr.Paths(), again.Paths()) {
			t.Fatalf("two renders differ: %v %v / %v %v", tr.Paths(), err, again.Paths(), err2)
		}
		for _, p := range tr.Paths() {
			if string(tr.Get(p).Data) != string(again.Get(p).Data) {
				t.Fatalf("%s differs between two renders", p)
			}
		}
	})
}

// fsValidPath is fs.ValidPath for a MapFS key that is a file, not a
// directory of another key.
func fsValidPath(p string) bool {
	return len(p) < 4096 && !strings.HasSuffix(p, "/") && path.Clean(p) == p && p != "." && !strings.Contains(p, "\x00") && !strings.HasPrefix(p, "../") && p != ".."
}

func FuzzCleanPath(f *testing.F) {
	for _, s := range []string{"a", "a/b/c.txt", "./a//b", ".github/workflows/ci.yaml", "", ".", "..", "../a", "a/../../b",
		"/etc/passwd", `a\..\b`, "C:/x", "c:x", "a\x00b", ".git/hooks/pre-commit", "x/.GIT/config", "a/./../..", "a/.git",
		".git", "a/.gitx/b", "...", "a/...", "//a", "a/", "\u2024\u2024/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c, err := CleanPath(p)
		if err != nil {
			var pe *PathError
			if !errors.As(err, &pe) || c != "" {
				t.Fatalf("CleanPath(%q) = %q, %v", p, c, err)
			}
			return
		}
		if c == "" || c == "." || path.Clean(c) != c || path.IsAbs(c) || strings.ContainsAny(c, "\\\x00:") {
			t.Fatalf("CleanPath(%q) = %q", p, c)
		}
		for _, seg := range strings.Split(c, "/") {
			if seg == ".." || seg == "." || seg == "" || strings.EqualFold(strings.TrimRight(seg, ". "), ".git") || strings.EqualFold(strings.TrimRight(seg, ". "), "git~1") {
				t.Fatalf("CleanPath(%q) = %q holds %q", p, c, seg)
			}
		}
		if again, err := CleanPath(c); err != nil || again != c {
			t.Fatalf("CleanPath is not idempotent on %q: %q, %v", c, again, err)
		}
		base := filepath.Join(string(filepath.Separator), "out")
		joined := filepath.Join(base, filepath.FromSlash(c))
		if rel, err := filepath.Rel(base, joined); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || !strings.HasPrefix(joined, base+string(filepath.Separator)) {
			t.Fatalf("%q escapes the output directory as %q", p, joined)
		}
	})
}
