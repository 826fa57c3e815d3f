package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paved-dev/paved/internal/problem"
)

func TestCleanPathKeepsPathsInside(t *testing.T) {
	ok := map[string]string{"a": "a", "a/b/c.txt": "a/b/c.txt", "./a//b": "a/b", ".github/workflows/ci.yaml": ".github/workflows/ci.yaml", "a/.gitignore": "a/.gitignore"}
	for in, want := range ok {
		if got, err := CleanPath(in); err != nil || got != want {
			t.Errorf("CleanPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ".", "..", "../a", "a/../../b", "a/..", "/etc/passwd", `a\..\b`, "C:/x", "a\x00b", ".git/hooks/pre-commit", "x/.GIT/config", "a/./../..",
		".git./hooks/pre-commit", ".GIT  /config", "a/git~1/hooks/x", "GIT~1.", "./C:", "c:x", "a/b:stream"} {
		_, err := CleanPath(bad)
		var pe *PathError
		if !errors.As(err, &pe) {
			t.Errorf("CleanPath(%q) accepted", bad)
		}
	}
}

func TestTemplatesCannotReadFiles(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("TOP SECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{
		"{% include '" + secret + "' %}",
		"{% import '" + secret + "' as s %}",
		"{% extends '" + secret + "' %}",
		"{% from '" + secret + "' import x %}",
	} {
		out, err := String("t", src, nil, Options{})
		if err == nil || strings.Contains(out, "TOP SECRET") {
			t.Errorf("%s => %q, %v", src, out, err)
		}
	}
}

func TestLoopsAndOutputAreBounded(t *testing.T) {
	if _, err := String("t", "{% for i in range(20000) %}x{% endfor %}", nil, Options{}); err == nil || !strings.Contains(err.Error(), "limited to") {
		t.Errorf("range(20000): %v", err)
	}
	kib := strings.Repeat("x", 1024)
	if _, err := String("t", "{% for i in range(9000) %}{% for j in range(9000) %}"+kib+"{% endfor %}{% endfor %}", nil, Options{}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("80 GB of output: %v", err)
	}
}

// hostile are templates that took the process down, froze it, or
// allocated gigabytes before the guards (issue 7, Safety 1), and their
// kin. Each must fail in plain words, naming the file and the line, and
// leave the process (and the next render) alive.
var hostile = []struct {
	name, src string
	line      int
	want      string
}{
	{"modulo by zero", "ok\n${{ values.a % 0 }}", 2, "division by zero"},
	{"modulo by zero in set", "{% set x = values.a % 0 %}", 1, "division by zero"},
	{"division by zero", "${{ values.a / 0 }}", 1, "division by zero"},
	{"negative repeat", "${{ 'x' * -1 }}", 1, "negative number of times"},
	{"negative repeat in set", "{% set x = 'x' * values.neg %}", 1, "negative number of times"},
	{"recursive macro", "{% macro m() %}${{ m() }}{% endmacro %}\n${{ m() }}", 1, "nests more than"},
	{"mutually recursive macros", "{% macro a() %}${{ b() }}{% endmacro %}{% macro b() %}${{ a() }}{% endmacro %}${{ a() }}", 1, "nests more than"},
	{"recursive call block", "{% macro m() %}{% call m() %}x{% endcall %}{% endmacro %}${{ m() }}", 1, "nests more than"},
	{"recursive loop", "{% for x in [1] recursive %}${{ loop([1]) }}{% endfor %}", 1, "nests more than"},
	{"center", "${{ 'x' | center(10000000000) }}", 1, "larger than"},
	{"center method", "${{ 'x'.center(10000000000) }}", 1, "larger than"},
	{"format", "${{ ('%999999d' * 100) | format(1) }}", 1, "larger than"},
	{"str.format", "${{ '{:>999999999}'.format(1) }}", 1, "larger than"},
	{"indent", "${{ ('x\n' * 4000000) | indent(1000) }}", 1, "larger than"},
	{"replace", "${{ ('x' * 1000000) | replace('x', 'y' * 1000) }}", 1, "larger than"},
	{"repeat", "${{ 'x' * 10000000000 }}", 1, "larger than"},
	{"repeat in set", "{% set s = 'x' * 10000000000 %}", 1, "larger than"},
	{"doubling", "{% set ns = namespace(s='x' * 1000000) %}{% for i in range(30) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", 1, "larger than"},
	{"doubling a list", "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}", 1, "more than"},
	{"nested loops", "{% for i in range(10000) %}\n{% for j in range(10000) %}{% endfor %}{% endfor %}", 2, "steps of work"},
	{"nested loops with a condition", "{% for i in range(10000) %}{% for j in range(10000) if j > 1 %}{% endfor %}{% endfor %}", 1, "steps of work"},
	{"captured output", "{% macro m() %}{% for i in range(10000) %}" + strings.Repeat("x", 4096) + "{% endfor %}{% endmacro %}{% for i in range(100) %}{% set x = m() %}{% endfor %}", 1, "writes more than"},
	{"huge value", "{% set s = 'x' * 8000000 %}{% set l = [s, s] %}${{ l }}", 1, "larger than"},
	{"deep brackets", "${{ " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000) + " }}", 1, "nest more than"},
	{"deep blocks", strings.Repeat("{% if true %}", 100000) + strings.Repeat("{% endif %}", 100000), 1, "nest more than"},
	{"long expression", "${{ 1" + strings.Repeat(" + 1", 100000) + " }}", 1, "more than"},
	{"engine panic", "ok\n${{ 'x' | int(base=99) }}", 2, "the template engine failed"},
	{"engine index panic", "${{ 'x'.center(5, '') }}", 1, "an index or slice outside"},
	{"zero slice step", "${{ 'abc'[::values.zero] }}", 1, "slice step cannot be zero"},
	{"include", "{% include '/etc/passwd' %}", 1, "may not load other files"},
}

func TestHostileTemplatesFailWithoutTakingTheProcessDown(t *testing.T) {
	data := map[string]any{"values": map[string]any{"a": 5, "neg": -3, "zero": 0}}
	for _, c := range hostile {
		t.Run(c.name, func(t *testing.T) {
			// The bound: a hostile template must fail long before this.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out, err := StringContext(ctx, "skeleton/main.go.njk", c.src, data, Options{})
			var re *Error
			if !errors.As(err, &re) {
				t.Fatalf("got %d bytes and %v, want a render error", len(out), err)
			}
			if ctx.Err() != nil {
				t.Fatalf("the render ran to the test's bound: %v", err)
			}
			if re.Name != "skeleton/main.go.njk" || re.Line != c.line || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v (line %d), want %q at line %d", err, re.Line, c.want, c.line)
			}
			for _, jargon := range []string{"Getitem", "getattr", "paved:", "runtime error", "goroutine", "Unable to"} {
				if strings.Contains(err.Error(), jargon) {
					t.Errorf("the message speaks the engine's language (%s): %v", jargon, err)
				}
			}
			if k := problem.KindOf(err); k != problem.Invalid {
				t.Errorf("kind = %s, want invalid", k)
			}
		})
	}
	// The process, and its renderer, are alive.
	if out, err := String("t", "${{ values.a }}", data, Options{}); err != nil || out != "5" {
		t.Fatalf("after the hostile templates: %q, %v", out, err)
	}
}

func TestErrorsNameTheExpression(t *testing.T) {
	_, err := String("f", "a\nb ${{ values.missing.field }} c", map[string]any{"values": map[string]any{}}, Options{})
	var re *Error
	if !errors.As(err, &re) || re.Line != 2 || re.Expr != "${{ values.missing.field }}" {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "a value is missing") {
		t.Errorf("not in plain words: %v", err)
	}
	ps := problem.ProblemsOf(err)
	if len(ps) != 1 || ps[0].File != "f" || ps[0].Line != 2 || !strings.Contains(ps[0].Message, "values.missing.field") {
		t.Errorf("problems = %+v", ps)
	}
}

func TestNamesThatRenderOutsideAreRejected(t *testing.T) {
	for _, evil := range []string{"../x", "/abs", "a/../../x", ".git/hooks"} {
		fsys := fstest.MapFS{"sk/${{ values.evil }}/f": {Data: []byte("x")}}
		err := RenderDir(fsys, "sk", NewTree(), DirOptions{Values: map[string]any{"evil": evil}}, nil)
		var pe *PathError
		if !errors.As(err, &pe) {
			t.Errorf("name rendering to %q: %v", evil, err)
		}
	}
}

func TestSymlinksAndSpecialFilesAreRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sk"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "sk", "passwd")); err != nil {
		t.Fatal(err)
	}
	err := RenderDir(os.DirFS(dir), "sk", NewTree(), DirOptions{}, nil)
	var pe *PathError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("err = %v", err)
	}
}

func TestTemplateSizeIsBounded(t *testing.T) {
	fsys := fstest.MapFS{"sk/big": {Data: make([]byte, MaxTemplateFileBytes+1)}}
	if err := RenderDir(fsys, "sk", NewTree(), DirOptions{Plain: true}, nil); err == nil {
		t.Fatal("an oversized template file was read")
	}
	budget := &ReadBudget{}
	small := fstest.MapFS{}
	for i := 0; i < 20; i++ {
		small["sk/f"+strings.Repeat("x", i)] = &fstest.MapFile{Data: make([]byte, 4<<20-1)}
	}
	if err := RenderDir(small, "sk", NewTree(), DirOptions{Plain: true}, budget); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("80 MiB template: %v", err)
	}
}
