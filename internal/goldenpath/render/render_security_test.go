package render

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestCleanPathKeepsPathsInside(t *testing.T) {
	ok := map[string]string{"a": "a", "a/b/c.txt": "a/b/c.txt", "./a//b": "a/b", ".github/workflows/ci.yaml": ".github/workflows/ci.yaml", "a/.gitignore": "a/.gitignore"}
	for in, want := range ok {
		if got, err := CleanPath(in); err != nil || got != want {
			t.Errorf("CleanPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ".", "..", "../a", "a/../../b", "a/..", "/etc/passwd", `a\..\b`, "C:/x", "a\x00b", ".git/hooks/pre-commit", "x/.GIT/config", "a/./../.."} {
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
	if _, err := String("t", "{% for i in range(9000) %}{% for j in range(9000) %}xxxxxxxxxxxxxxxx{% endfor %}{% endfor %}", nil, Options{}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("1.2 GB of output: %v", err)
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
