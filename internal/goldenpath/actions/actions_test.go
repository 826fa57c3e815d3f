package actions

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paved-dev/paved/internal/goldenpath/render"
	"github.com/paved-dev/paved/internal/problem"
)

func TestEverySupportedActionIsRegistered(t *testing.T) {
	want := "catalog:register,debug:log,fetch:plain,fetch:plain:file,fetch:template,fs:delete,fs:rename,publish:git"
	if got := strings.Join(Names(), ","); got != want {
		t.Fatalf("actions = %s", got)
	}
	for _, n := range []string{"publish:git", "catalog:register"} {
		if a, _ := Lookup(n); a.Phase != Effect || a.DryRun == nil {
			t.Errorf("%s is not an effect with a dry run", n)
		}
	}
	err := &UnknownError{Step: "publish", Action: "publish:github"}
	if !strings.Contains(err.Error(), `"publish:github"`) || !strings.Contains(err.Error(), "fetch:template") {
		t.Errorf("message: %s", err)
	}
}

func run(t *testing.T, name string, c *Context, in Input) error {
	t.Helper()
	a, ok := Lookup(name)
	if !ok {
		t.Fatalf("no action %s", name)
	}
	_, err := a.Run(c, in)
	return err
}

func TestFileActionsWorkOnTheTree(t *testing.T) {
	var logged []string
	c := &Context{Ctx: context.Background(), Tree: render.NewTree(), Budget: &render.ReadBudget{},
		Log: func(s string) { logged = append(logged, s) },
		TemplateFS: fstest.MapFS{
			"sk/${{ values.n }}.txt": {Data: []byte("hi ${{ values.n }}")},
			"static/a.bin":           {Data: []byte("${{ raw }}")},
		}}
	if err := run(t, "fetch:template", c, Input{"url": "./sk", "values": map[string]any{"n": "x"}, "targetPath": "out"}); err != nil {
		t.Fatal(err)
	}
	if err := run(t, "fetch:plain", c, Input{"url": "static"}); err != nil {
		t.Fatal(err)
	}
	if err := run(t, "fetch:plain:file", c, Input{"url": "./static/a.bin", "targetPath": "copy/a.bin"}); err != nil {
		t.Fatal(err)
	}
	if err := run(t, "fs:rename", c, Input{"files": []any{map[string]any{"from": "out/x.txt", "to": "renamed.txt"}}}); err != nil {
		t.Fatal(err)
	}
	if err := run(t, "fs:delete", c, Input{"files": []any{"copy/**"}}); err != nil {
		t.Fatal(err)
	}
	if err := run(t, "debug:log", c, Input{"message": "hello", "listWorkspace": true}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Tree.Paths(), ","); got != "a.bin,renamed.txt" {
		t.Errorf("tree = %s", got)
	}
	if string(c.Tree.Get("renamed.txt").Data) != "hi x" || string(c.Tree.Get("a.bin").Data) != "${{ raw }}" {
		t.Errorf("contents wrong")
	}
	if len(logged) != 2 || logged[0] != "hello" || !strings.Contains(logged[1], "renamed.txt") {
		t.Errorf("log = %v", logged)
	}
}

func TestInputsAreChecked(t *testing.T) {
	c := &Context{Ctx: context.Background(), Tree: render.NewTree(), TemplateFS: fstest.MapFS{}, Log: func(string) {}}
	for name, in := range map[string]Input{
		"fetch:template":   {"url": 42},
		"fs:rename":        {"files": "a"},
		"fetch:plain:file": {"url": "./x"},
	} {
		if err := run(t, name, c, in); err == nil {
			t.Errorf("%s accepted %v", name, in)
		}
	}
	if err := run(t, "fetch:template", c, Input{"url": "./missing"}); err == nil || !strings.Contains(err.Error(), "no such directory") {
		t.Errorf("missing skeleton: %v", err)
	}
}

func TestFetchTemplateStopsWhenTheScaffoldIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &Context{Ctx: ctx, Tree: render.NewTree(), Budget: &render.ReadBudget{},
		TemplateFS: fstest.MapFS{"sk/a.txt": {Data: []byte("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}")}}}
	err := run(t, "fetch:template", c, Input{"url": "./sk"})
	if !errors.Is(err, context.Canceled) || problem.KindOf(err) != problem.Canceled {
		t.Fatalf("err = %v", err)
	}
	if c.Tree.Len() != 0 {
		t.Errorf("a cancelled fetch wrote %v", c.Tree.Paths())
	}
}

func TestFetchTemplateReportsTheFileAndLine(t *testing.T) {
	c := &Context{Tree: render.NewTree(), Budget: &render.ReadBudget{},
		TemplateFS: fstest.MapFS{"sk/ok.txt": {Data: []byte("fine")}, "sk/bad.txt": {Data: []byte("one\n${{ values.n % 0 }}")}}}
	err := run(t, "fetch:template", c, Input{"url": "./sk", "values": map[string]any{"n": 1}})
	var re *render.Error
	if !errors.As(err, &re) || re.Name != "bad.txt" || re.Line != 2 || !strings.Contains(err.Error(), "division by zero") {
		t.Fatalf("err = %v", err)
	}
	if ps := problem.ProblemsOf(err); len(ps) != 1 || ps[0].File != "bad.txt" || ps[0].Line != 2 {
		t.Errorf("problems = %+v", ps)
	}
}
