package render

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

var data = map[string]any{
	"values":     map[string]any{"name": "orders-api", "port": 8080, "pg": true, "items": []any{"a", "b"}, "owner": "group:default/team-a"},
	"parameters": map[string]any{"name": "orders-api", "on": false, "list": []any{1, 2}},
}

func TestStringRendersNunjucksWithBackstageDelimiters(t *testing.T) {
	cases := map[string]string{
		"${{ values.name }}":                                                  "orders-api",
		"${{ values.name | upper }}":                                          "ORDERS-API",
		"${{ values.name | replace('-', '_') }}":                              "orders_api",
		"{% if values.pg %}pg{% else %}none{% endif %}":                       "pg",
		"{% for i in values.items %}[${{ loop.index }}:${{ i }}]{% endfor %}": "[1:a][2:b]",
		"{{ not a variable }}":                                                "{{ not a variable }}",
		"{# comment #}x":                                                      "x",
		"${{ values.port + 1 }}":                                              "8081",
		"${{ values.missing }}|":                                              "|",
		"${{ values.owner | parseEntityRef | pick('name') }}":                 "team-a",
		"${{ 'github.com?owner=acme&repo=web' | projectSlug }}":               "acme/web",
		"${{ ('github.com?owner=acme&repo=web' | parseRepoUrl).repo }}":       "web",
		"${{ values.items | dump }}":                                          `["a","b"]`,
		"keeps the last newline\n":                                            "keeps the last newline\n",
	}
	for src, want := range cases {
		got, err := String("t", src, data, Options{})
		if err != nil || got != want {
			t.Errorf("%q => %q, %v; want %q", src, got, err, want)
		}
	}
}

func TestCookiecutterSyntax(t *testing.T) {
	got, err := String("t", "{{ cookiecutter.name }}", map[string]any{"cookiecutter": map[string]any{"name": "x"}}, Options{Syntax: Cookiecutter})
	if err != nil || got != "x" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestSyntaxErrorsNameTheTemplate(t *testing.T) {
	_, err := String("skeleton/main.go", "${{ values.name ", data, Options{})
	if err == nil || !strings.Contains(err.Error(), "skeleton/main.go") {
		t.Fatalf("err = %v", err)
	}
}

func TestValueKeepsTheTypeOfAWholeExpression(t *testing.T) {
	cases := []struct {
		in   any
		want any
	}{
		{"${{ parameters.on }}", false},
		{"${{ parameters.list }}", []any{1, 2}},
		{" ${{ parameters.name }} ", "orders-api"},
		{"x-${{ parameters.name }}", "x-orders-api"},
		{"${{ parameters.nope }}", nil},
		{map[string]any{"n": "${{ parameters.list | length }}", "s": "plain"}, map[string]any{"n": 2, "s": "plain"}},
		{[]any{"${{ parameters.name }}", 3}, []any{"orders-api", 3}},
		{true, true},
	}
	for _, c := range cases {
		got, err := Value("v", c.in, data)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v => %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
}

func TestTruthy(t *testing.T) {
	for v, want := range map[any]bool{nil: false, false: false, "": false, "false": false, 0: false, true: true, "x": true, 1: true} {
		if Truthy(v) != want {
			t.Errorf("Truthy(%#v) = %v", v, !want)
		}
	}
}

func TestRenderDirRendersNamesAndContents(t *testing.T) {
	fsys := fstest.MapFS{
		"sk/${{ values.name }}/main.go.njk":        {Data: []byte("package ${{ values.name | replace('-', '') }}\n")},
		"sk/plain.go":                              {Data: []byte("keeps ${{ values.name }}\n")},
		"sk/{% if values.pg %}db.sql{% endif %}":   {Data: []byte("create\n")},
		"sk/{% if not values.pg %}none{% endif %}": {Data: []byte("skipped\n")},
		"sk/run.sh.njk":                            {Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		"sk/raw/a.txt":                             {Data: []byte("${{ values.name }}")},
		"sk/bin.dat":                               {Data: []byte("\x00${{ values.name }}")},
	}
	tr := NewTree()
	err := RenderDir(fsys, "sk", tr, DirOptions{Values: data["values"].(map[string]any), TargetPath: "out",
		TemplateFileExtension: ".njk", CopyWithoutRender: []string{"raw/**"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"out/bin.dat", "out/db.sql", "out/orders-api/main.go", "out/plain.go", "out/raw/a.txt", "out/run.sh"}
	if got := tr.Paths(); !reflect.DeepEqual(got, want) {
		t.Fatalf("paths = %v, want %v", got, want)
	}
	if s := string(tr.Get("out/orders-api/main.go").Data); s != "package ordersapi\n" {
		t.Errorf("main.go = %q", s)
	}
	if s := string(tr.Get("out/plain.go").Data); s != "keeps ${{ values.name }}\n" {
		t.Errorf("a file without the template extension was rendered: %q", s)
	}
	if s := string(tr.Get("out/raw/a.txt").Data); s != "${{ values.name }}" {
		t.Errorf("copyWithoutRender file rendered: %q", s)
	}
	if !tr.Get("out/run.sh").Exec || tr.Get("out/plain.go").Exec {
		t.Errorf("executable bits not kept")
	}
}

func TestRenderDirCopyWithoutTemplatingStillRendersNames(t *testing.T) {
	fsys := fstest.MapFS{"sk/${{ values.name }}.txt": {Data: []byte("${{ values.name }}")}}
	tr := NewTree()
	if err := RenderDir(fsys, "sk", tr, DirOptions{Values: data["values"].(map[string]any), CopyWithoutTemplating: []string{"*.txt"}}, nil); err != nil {
		t.Fatal(err)
	}
	if f := tr.Get("orders-api.txt"); f == nil || string(f.Data) != "${{ values.name }}" {
		t.Fatalf("tree = %v", tr.Paths())
	}
}

func TestTreeEdits(t *testing.T) {
	tr := NewTree()
	for _, p := range []string{"a/b.txt", "a/c.txt", "d.txt"} {
		if err := tr.Put(p, []byte(p), false); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Put("a", []byte("x"), false); err == nil {
		t.Error("a file replaced a directory")
	}
	if err := tr.Put("d.txt/e", []byte("x"), false); err == nil {
		t.Error("a file went below a file")
	}
	if err := tr.Rename("a", "z", false); err != nil {
		t.Fatal(err)
	}
	if err := tr.Rename("d.txt", "z/b.txt", false); err == nil {
		t.Error("rename overwrote without overwrite")
	}
	if got := strings.Join(tr.Paths(), ","); got != "d.txt,z/b.txt,z/c.txt" {
		t.Errorf("after rename: %s", got)
	}
	m, _ := tr.Glob("z/*.txt")
	if len(m) != 2 {
		t.Errorf("glob = %v", m)
	}
	if n := tr.Delete("z"); n != 2 || tr.Len() != 1 || tr.Bytes() != int64(len("d.txt")) {
		t.Errorf("delete dir: %d, %v, %d bytes", n, tr.Paths(), tr.Bytes())
	}
}
