package goldenpath

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/testenv"
)

// escapeTemplate is a template whose one step is given; the skeleton has
// the files given.
func escapeTemplate(t *testing.T, steps string, files map[string]string) string {
	t.Helper()
	all := map[string]string{"template.yaml": `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: evil}
spec:
  type: service
  parameters: [{properties: {name: {type: string}, evil: {type: string}}}]
  steps:
` + steps}
	for k, v := range files {
		all[k] = v
	}
	return testenv.WriteFiles(t, t.TempDir(), all)
}

// Every attempt to write outside the output directory (or into .git) fails
// and writes nothing anywhere: not the target, not beside it, not where it
// pointed.
func TestPathEscapesAreRejectedAndWriteNothing(t *testing.T) {
	cases := []struct {
		name   string
		steps  string
		files  map[string]string
		values map[string]any
		want   string
	}{
		{"targetPath climbs out", `    - {id: f, action: fetch:template, input: {url: ./skeleton, targetPath: ../escaped}}`,
			map[string]string{"skeleton/a.txt": "a"}, nil, `".." is not allowed`},
		{"templated file name climbs out", `    - {id: f, action: fetch:template, input: {url: ./skeleton, values: {evil: "${{ parameters.evil }}"}}}`,
			map[string]string{"skeleton/${{ values.evil }}": "x"}, map[string]any{"evil": "../../escaped.txt"}, `".." is not allowed`},
		{"templated directory name is absolute", `    - {id: f, action: fetch:template, input: {url: ./skeleton, values: {evil: "${{ parameters.evil }}"}}}`,
			map[string]string{"skeleton/${{ values.evil }}/x.txt": "x"}, map[string]any{"evil": "/tmp/escaped"}, "absolute paths are not allowed"},
		{"absolute targetPath", `    - {id: f, action: fetch:plain, input: {url: ./skeleton, targetPath: /tmp/escaped}}`,
			map[string]string{"skeleton/a.txt": "a"}, nil, "absolute paths are not allowed"},
		{"fetch from outside the template", `    - {id: f, action: fetch:plain, input: {url: ../../../../etc}}`,
			nil, nil, `".." is not allowed`},
		{"fetch from a URL", `    - {id: f, action: fetch:template, input: {url: "https://example.com/skeleton"}}`,
			nil, nil, "only from the template's own directory"},
		{"rename out", `    - {id: f, action: fetch:plain, input: {url: ./skeleton}}
    - {id: r, action: fs:rename, input: {files: [{from: a.txt, to: ../escaped.txt}]}}`,
			map[string]string{"skeleton/a.txt": "a"}, nil, `".." is not allowed`},
		{"delete out", `    - {id: f, action: fetch:plain, input: {url: ./skeleton}}
    - {id: d, action: fs:delete, input: {files: ["../*"]}}`,
			map[string]string{"skeleton/a.txt": "a"}, nil, "stay inside"},
		{"write a git hook", `    - {id: f, action: fetch:plain, input: {url: ./skeleton, targetPath: .git/hooks}}`,
			map[string]string{"skeleton/post-commit": "#!/bin/sh\ntouch /tmp/pwned\n"}, nil, "may not write into .git"},
		{"include a file of the machine", `    - {id: f, action: fetch:template, input: {url: ./skeleton}}`,
			map[string]string{"skeleton/a.txt": "{% include '/etc/passwd' %}"}, nil, "may not load other files"},
		{"import a file of the machine", `    - {id: f, action: fetch:template, input: {url: ./skeleton}}`,
			map[string]string{"skeleton/a.txt": "{% import '/etc/hostname' as h %}"}, nil, "may not load other files"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			tpl := escapeTemplate(t, c.steps, c.files)
			parent := t.TempDir()
			out := filepath.Join(parent, "out", "svc")
			vals := map[string]any{"name": "svc"}
			for k, v := range c.values {
				vals[k] = v
			}
			_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: tpl, Values: vals, OutDir: out}, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one saying %q", err, c.want)
			}
			if n := entries(t, filepath.Join(parent, "out")); len(n) != 0 {
				t.Errorf("left %v beside the target", n)
			}
			if n := entries(t, parent); len(n) > 1 {
				t.Errorf("wrote %v outside the target's parent", n)
			}
			if _, err := os.Stat("/tmp/escaped"); err == nil {
				t.Errorf("/tmp/escaped was written")
			}
		})
	}
}

func TestSymlinksInTheSkeletonAreRejected(t *testing.T) {
	for _, kind := range []string{"file", "dir"} {
		t.Run(kind, func(t *testing.T) {
			e := newEnv(t)
			tpl := escapeTemplate(t, `    - {id: f, action: fetch:template, input: {url: ./skeleton}}`, map[string]string{"skeleton/ok.txt": "ok"})
			target := "/etc/passwd"
			if kind == "dir" {
				target = "/etc"
			}
			if err := os.Symlink(target, filepath.Join(tpl, "skeleton", "link")); err != nil {
				t.Fatal(err)
			}
			parent := t.TempDir()
			_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: tpl, Values: map[string]any{"name": "svc"}, OutDir: filepath.Join(parent, "svc")}, nil)
			if err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Fatalf("err = %v", err)
			}
			if n := entries(t, parent); len(n) != 0 {
				t.Errorf("left %v", n)
			}
		})
	}
}

func TestASymlinkedTargetIsRejected(t *testing.T) {
	e := newEnv(t)
	parent := t.TempDir()
	elsewhere := t.TempDir()
	link := filepath.Join(parent, "svc")
	if err := os.Symlink(elsewhere, link); err != nil {
		t.Fatal(err)
	}
	_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service", Values: basicValues("svc"), OutDir: link}, nil)
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("err = %v", err)
	}
	if n := entries(t, elsewhere); len(n) != 0 {
		t.Errorf("wrote %v through the link", n)
	}
	if n := entries(t, parent); len(n) != 1 {
		t.Errorf("left %v beside the link", n)
	}
}

func TestOversizedTemplateFilesAreRejected(t *testing.T) {
	e := newEnv(t)
	tpl := escapeTemplate(t, `    - {id: f, action: fetch:plain, input: {url: ./skeleton}}`,
		map[string]string{"skeleton/big.bin": strings.Repeat("x", 5<<20)})
	parent := t.TempDir()
	_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: tpl, Values: map[string]any{"name": "svc"}, OutDir: filepath.Join(parent, "svc")}, nil)
	if err == nil || !strings.Contains(err.Error(), "MiB") {
		t.Fatalf("err = %v", err)
	}
	if n := entries(t, parent); len(n) != 0 {
		t.Errorf("left %v", n)
	}
}

func TestRenderedOutputIsBounded(t *testing.T) {
	e := newEnv(t)
	tpl := escapeTemplate(t, `    - {id: f, action: fetch:template, input: {url: ./skeleton}}`,
		map[string]string{"skeleton/loop.txt": "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"})
	parent := t.TempDir()
	_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: tpl, Values: map[string]any{"name": "svc"}, OutDir: filepath.Join(parent, "svc")}, nil)
	if err == nil || !strings.Contains(err.Error(), "limited to") {
		t.Fatalf("err = %v", err)
	}
	if n := entries(t, parent); len(n) != 0 {
		t.Errorf("left %v", n)
	}
}

// A step that fails after the files are written (here: the push) removes
// them all.
func TestAFailedPushLeavesNoHalfWrittenDirectory(t *testing.T) {
	e := newEnv(t)
	parent := t.TempDir()
	_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service", Values: basicValues("svc"),
		OutDir: filepath.Join(parent, "svc"), Push: "file://" + filepath.Join(t.TempDir(), "no-such-repo.git")}, nil)
	if err == nil || !strings.Contains(err.Error(), "push") {
		t.Fatalf("err = %v", err)
	}
	if n := entries(t, parent); len(n) != 0 {
		t.Errorf("left %v", n)
	}
	if srcs, _ := e.cat.Sources(context.Background()); len(srcs) != 0 {
		t.Errorf("registered %v", srcs)
	}
}

func TestCredentialsInThePushURLAreRefused(t *testing.T) {
	e := newEnv(t)
	parent := t.TempDir()
	_, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service", Values: basicValues("svc"),
		OutDir: filepath.Join(parent, "svc"), Push: "https://user:hunter2@git.example.com/a/b.git"}, nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "PAVED_GIT_TOKEN") {
		t.Fatalf("err = %v", err)
	}
	if n := entries(t, parent); len(n) != 0 {
		t.Errorf("left %v", n)
	}
}
