package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
)

// reader serves placeholder targets from a map and records the calls.
type reader struct {
	files map[string]any
	calls []string
}

func (r *reader) read(kind, target string) (any, error) {
	r.calls = append(r.calls, kind+" "+target)
	v, ok := r.files[target]
	if !ok {
		return nil, errors.New("no such file")
	}
	if err, ok := v.(error); ok {
		return nil, err
	}
	return v, nil
}

func TestPlaceholdersAreDeferredAtDecode(t *testing.T) {
	docs := decodeFixture(t, "valid/placeholders.yaml")
	api, comp := docs[0].Entity, docs[1].Entity
	if api.Metadata.Description != "" {
		t.Errorf("description = %q before resolving", api.Metadata.Description)
	}
	if !reflect.DeepEqual(api.Spec["definition"], map[string]any{"$text": "./petstore.yaml"}) {
		t.Errorf("definition = %#v", api.Spec["definition"])
	}
	if want := map[string]int{"metadata.description": 5, "spec.definition": 11}; !reflect.DeepEqual(api.placeholderLines, want) {
		t.Errorf("API placeholder lines = %v, want %v", api.placeholderLines, want)
	}
	if want := map[string]int{"spec.providesApis": 22, "spec.config": 24}; !reflect.DeepEqual(comp.placeholderLines, want) {
		t.Errorf("Component placeholder lines = %v, want %v", comp.placeholderLines, want)
	}
}

func TestResolvePlaceholders(t *testing.T) {
	docs := decodeFixture(t, "valid/placeholders.yaml")
	r := &reader{files: map[string]any{
		"./description.txt":    "The Petstore API",
		"./petstore.yaml":      "openapi: 3.0.0\ninfo:\n  title: Petstore\n",
		"./provided-apis.yaml": []any{"petstore", "api:external/stripe"},
		"./config.json":        map[string]any{"replicas": 3.0, "regions": []any{"eu", "us"}},
	}}

	api := docs[0].Entity
	if ps := ResolvePlaceholders(api, r.read); len(ps) != 0 {
		t.Fatalf("API problems:%s", problemStrings(ps))
	}
	if api.Metadata.Description != "The Petstore API" || !strings.HasPrefix(api.SpecString("definition"), "openapi: 3.0.0") {
		t.Errorf("API after resolve: %q / %q", api.Metadata.Description, api.SpecString("definition"))
	}
	if api.Raw["spec"].(map[string]any)["definition"] != api.SpecString("definition") {
		t.Error("Raw not updated")
	}
	if !strings.Contains(api.RawYAML, "$text: ./petstore.yaml") {
		t.Error("RawYAML must keep the text as written")
	}

	comp := docs[1].Entity
	if ps := ResolvePlaceholders(comp, r.read); len(ps) != 0 {
		t.Fatalf("Component problems:%s", problemStrings(ps))
	}
	want := []string{"ownedBy group:default/petstore-team", "providesApi api:default/petstore", "providesApi api:external/stripe"}
	if got := relStrings(comp.Relations); !equalStrings(got, want) {
		t.Errorf("relations after resolve = %q, want %q", got, want)
	}
	if !reflect.DeepEqual(comp.Spec["config"], map[string]any{"replicas": 3.0, "regions": []any{"eu", "us"}}) {
		t.Errorf("config = %#v", comp.Spec["config"])
	}
	// "$ref" (not a placeholder) and a "$text" next to other keys are data.
	if !reflect.DeepEqual(comp.Spec["schema"], map[string]any{"$ref": "#/definitions/pet"}) {
		t.Errorf("schema = %#v", comp.Spec["schema"])
	}
	if m := comp.Spec["mixed"].(map[string]any); m["$text"] != "./ignored.txt" {
		t.Errorf("mixed = %#v", m)
	}
	for _, c := range r.calls {
		if strings.Contains(c, "ignored") {
			t.Errorf("read called for a non-placeholder: %s", c)
		}
	}
	wantCalls := map[string]bool{"text ./description.txt": true, "text ./petstore.yaml": true, "yaml ./provided-apis.yaml": true, "json ./config.json": true}
	if len(r.calls) != len(wantCalls) {
		t.Errorf("calls = %q", r.calls)
	}
	for _, c := range r.calls {
		if !wantCalls[c] {
			t.Errorf("unexpected call %q", c)
		}
	}
	// A second call finds nothing left to do.
	r.calls = nil
	if ps := ResolvePlaceholders(comp, r.read); len(ps) != 0 || len(r.calls) != 0 {
		t.Errorf("second resolve: %v, calls %q", ps, r.calls)
	}
}

func TestResolvePlaceholderProblems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]any
		doc   int
		want  []problem.Problem
	}{
		{"read error", map[string]any{"./description.txt": "d", "./petstore.yaml": errors.New("permission denied")}, 0, []problem.Problem{
			{Line: 11, Field: "spec.definition", Message: `could not resolve $text placeholder "./petstore.yaml": permission denied; check that the target exists and is readable (relative paths are relative to this descriptor file)`},
		}},
		{"text must be text", map[string]any{"./description.txt": 42, "./petstore.yaml": "x"}, 0, []problem.Problem{
			{Line: 5, Field: "metadata.description", Message: `the $text placeholder "./description.txt" must resolve to text, but the reader returned int`},
		}},
		{"resolved value has the wrong type", map[string]any{"./provided-apis.yaml": "petstore", "./config.json": map[string]any{}}, 1, []problem.Problem{
			{Line: 22, Field: "spec.providesApis", Message: "must be a list of entity references, but it is a string; write e.g. providesApis: [api-a, api-b]"},
		}},
		{"resolved list item is a bad ref", map[string]any{"./provided-apis.yaml": []any{"ok", "bad ref"}, "./config.json": map[string]any{}}, 1, []problem.Problem{
			{Line: 22, Field: "spec.providesApis[1]", Message: `entity reference "bad ref" has an invalid name "bad ref"; ` + ruleName},
		}},
		{"typed values are normalised", map[string]any{"./provided-apis.yaml": []string{"a", "b"}, "./config.json": struct{ X int }{1}}, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decodeFixture(t, "valid/placeholders.yaml")[tt.doc].Entity
			r := &reader{files: tt.files}
			got := ResolvePlaceholders(e, r.read)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:%s\nwant:%s", problemStrings(got), problemStrings(tt.want))
			}
		})
	}
}

func TestResolvePlaceholdersMisc(t *testing.T) {
	if ps := ResolvePlaceholders(nil, nil); ps != nil {
		t.Errorf("nil entity: %v", ps)
	}
	in := "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: a\nspec:\n  type: openapi\n  lifecycle: production\n  owner: o\n  definition: {$json: ./def.json}\n"
	docs, err := Decode([]byte(in))
	if err != nil || docs[0].Entity == nil {
		t.Fatal(err, docs)
	}
	// Backstage's API definition must be a string: $json yields a mapping.
	got := ResolvePlaceholders(docs[0].Entity, func(kind, target string) (any, error) {
		return map[string]any{"openapi": "3.0.0"}, nil
	})
	if len(got) != 1 || got[0].Field != "spec.definition" || got[0].Line != 9 || !strings.Contains(got[0].Message, "must be a string, but it is a mapping") {
		t.Errorf("problems:%s", problemStrings(got))
	}

	// An empty target and a missing reader are problems, not panics.
	in = strings.Replace(in, "{$json: ./def.json}", "{$text: \"\"}", 1)
	docs, _ = Decode([]byte(in))
	got = ResolvePlaceholders(docs[0].Entity, nil)
	if len(got) != 1 || !strings.Contains(got[0].Message, "empty target") {
		t.Errorf("problems:%s", problemStrings(got))
	}
	in = strings.Replace(in, `{$text: ""}`, "{$text: ./x}", 1)
	docs, _ = Decode([]byte(in))
	got = ResolvePlaceholders(docs[0].Entity, nil)
	if len(got) != 1 || !strings.Contains(got[0].Message, "no reader") {
		t.Errorf("problems:%s", problemStrings(got))
	}

	// A whole spec may be a placeholder; it is checked once substituted.
	in = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: g\nspec:\n  $yaml: ./group-spec.yaml\n"
	docs, _ = Decode([]byte(in))
	e := docs[0].Entity
	if e == nil || e.Spec != nil {
		t.Fatalf("whole-spec placeholder: %+v", docs[0])
	}
	got = ResolvePlaceholders(e, func(kind, target string) (any, error) {
		return map[string]any{"type": "team", "children": []any{"sub"}}, nil
	})
	if len(got) != 0 || e.SpecString("type") != "team" || !equalStrings(relStrings(e.Relations), []string{"parentOf group:default/sub"}) {
		t.Errorf("whole spec: %v %+v", got, e)
	}
	docs, _ = Decode([]byte(in))
	got = ResolvePlaceholders(docs[0].Entity, func(kind, target string) (any, error) {
		return map[string]any{"type": "team"}, nil
	})
	if len(got) != 1 || got[0].Field != "spec.children" || got[0].Line != 5 {
		t.Errorf("whole spec missing children:%s", problemStrings(got))
	}
}
