package template

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/schemacheck"
)

const valid = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: svc
  title: A service
  annotations: {paved.dev/version: "1.2"}
spec:
  owner: group:default/platform
  type: service
  parameters:
    - title: Basics
      required: [name, owner]
      properties:
        name: {type: string, pattern: "^[a-z-]+$", description: lower-case and dashes}
        owner: {type: string, ui:field: OwnerPicker, ui:options: {catalogFilter: {kind: Group}}}
        port: {type: integer, default: 8080}
    - title: More
      properties:
        pg: {type: boolean, default: false}
        tags: {type: array, items: {type: string}, default: []}
        token: {type: string, ui:field: Secret}
        password: {type: string, format: password}
      dependencies:
        pg:
          oneOf:
            - properties: {pg: {const: false}}
            - properties: {pg: {const: true}, pgVersion: {type: string, default: "16"}}
  steps:
    - {action: fetch:template, input: {url: ./skeleton}}
    - {id: log, action: debug:log, if: "${{ parameters.pg }}"}
`

func TestParseReadsTheBackstageShape(t *testing.T) {
	tpl, err := Parse("t/template.yaml", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	if tpl.Metadata.Name != "svc" || tpl.Title() != "A service" || len(tpl.Pages) != 2 || tpl.Spec.Steps[0].ID != "step-1" || tpl.Spec.Steps[1].If != "${{ parameters.pg }}" {
		t.Fatalf("template = %+v", tpl)
	}
	if tpl.Metadata.Annotations[VersionAnnotation] != "1.2" {
		t.Errorf("annotations = %v", tpl.Metadata.Annotations)
	}
	if got := tpl.Defaults(); !reflect.DeepEqual(got, map[string]any{"port": 8080, "pg": false, "tags": []any{}, "pgVersion": "16"}) {
		t.Errorf("defaults = %#v", got)
	}
	if got := tpl.Required(); !reflect.DeepEqual(got, []string{"name", "owner"}) {
		t.Errorf("required = %v", got)
	}
	if got := tpl.Secrets(); !got["token"] || !got["password"] || got["name"] {
		t.Errorf("secrets = %v", got)
	}
}

func TestPropertyOrderIsTheOrderTheFileWrites(t *testing.T) {
	tpl, err := Parse("t/template.yaml", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"name", "owner", "port"}, {"pg", "tags", "token", "password"}}
	if !reflect.DeepEqual(tpl.PropertyOrder, want) {
		t.Errorf("property order = %v, want %v", tpl.PropertyOrder, want)
	}
}

func TestASinglePageIsAListOfOne(t *testing.T) {
	src := strings.Replace(valid, "  parameters:\n    - title: Basics\n      required: [name, owner]\n      properties:\n        name: {type: string, pattern: \"^[a-z-]+$\", description: lower-case and dashes}\n        owner: {type: string, ui:field: OwnerPicker, ui:options: {catalogFilter: {kind: Group}}}\n        port: {type: integer, default: 8080}\n    - title: More\n",
		"  parameters:\n      title: More\n", 1)
	tpl, err := Parse("t", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(tpl.Pages) != 1 {
		t.Fatalf("pages = %d", len(tpl.Pages))
	}
}

func TestInvalidTemplatesNameTheLineAndField(t *testing.T) {
	cases := map[string]string{
		"wrong apiVersion":    strings.Replace(valid, "scaffolder.backstage.io/v1beta3", "backstage.io/v1alpha1", 1),
		"step without action": strings.Replace(valid, "    - {id: log, action: debug:log, if: \"${{ parameters.pg }}\"}", "    - {id: log}", 1),
		"bad name":            strings.Replace(valid, "name: svc", "name: \"bad name\"", 1),
	}
	for name, src := range cases {
		_, err := Parse("t/template.yaml", []byte(src))
		var se *schemacheck.Error
		if !errors.As(err, &se) || len(se.Problems) == 0 || se.Problems[0].Line == 0 || se.Problems[0].Field == "" {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := Parse("t", []byte(strings.Replace(valid, "- {action: fetch:template", "- {id: log, action: fetch:template", 1))); err == nil || !strings.Contains(err.Error(), "used twice") {
		t.Errorf("duplicate ids: %v", err)
	}
	if _, err := Parse("t", []byte(strings.Replace(valid, "input: {url: ./skeleton}}", "input: {url: ./skeleton}, each: [1, 2]}", 1))); err == nil || !strings.Contains(err.Error(), "each") {
		t.Errorf("each: %v", err)
	}
	remote := strings.Replace(valid, "port: {type: integer, default: 8080}", `port: {$ref: "file:///etc/passwd"}`, 1)
	if _, err := Parse("t", []byte(remote)); err == nil || !strings.Contains(err.Error(), "may not load") {
		t.Errorf("$ref to a file: %v", err)
	}
}

func TestValidateListsEveryProblemByParameter(t *testing.T) {
	tpl, err := Parse("t", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	probs := tpl.Validate(tpl.WithDefaults(map[string]any{"name": "Not Valid", "port": "http"}))
	got := map[string]string{}
	for _, p := range probs {
		got[p.Field] = p.Message
	}
	if !strings.Contains(got["name"], "lower-case and dashes") || got["owner"] != "is required" || got["port"] == "" {
		t.Fatalf("problems = %+v", probs)
	}
	if probs := tpl.Validate(tpl.WithDefaults(map[string]any{"name": "ok", "owner": "team"})); len(probs) != 0 {
		t.Fatalf("valid values: %+v", probs)
	}
}

func TestCoerceTypesCommandLineValues(t *testing.T) {
	tpl, _ := Parse("t", []byte(valid))
	got, err := tpl.Coerce(map[string]string{"port": "9090", "pg": "true", "tags": "a, b", "name": "x", "unknown": "5"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"port": 9090, "pg": true, "tags": []any{"a", "b"}, "name": "x", "unknown": "5"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("coerce = %#v", got)
	}
	if _, err := tpl.Coerce(map[string]string{"port": "eighty"}); err == nil || !strings.Contains(err.Error(), "--set port=eighty") {
		t.Fatalf("bad integer: %v", err)
	}
}

func TestSplitUISeparatesHintsFromTheSchema(t *testing.T) {
	tpl, _ := Parse("t", []byte(valid))
	schema, ui := SplitUI(tpl.Pages[0])
	owner := schema["properties"].(map[string]any)["owner"].(map[string]any)
	if _, ok := owner["ui:field"]; ok {
		t.Errorf("schema keeps ui:field: %v", owner)
	}
	if ui["owner"].(map[string]any)["ui:field"] != "OwnerPicker" {
		t.Errorf("uiSchema = %v", ui)
	}
	if _, ok := tpl.Pages[0]["properties"].(map[string]any)["owner"].(map[string]any)["ui:field"]; !ok {
		t.Errorf("SplitUI changed the page")
	}
}

func TestParseErrorsAreProblemsWithTheirPlace(t *testing.T) {
	for name, c := range map[string]struct {
		src         string
		line        int
		field, want string
	}{
		"each":      {strings.Replace(valid, "input: {url: ./skeleton}}", "input: {url: ./skeleton}, each: [1, 2]}", 1), 29, "spec.steps[0].each", "`each` is not supported"},
		"same id":   {strings.Replace(valid, "- {action: fetch:template", "- {id: log, action: fetch:template", 1), 30, "spec.steps[1].id", "is used twice"},
		"$ref file": {strings.Replace(valid, "port: {type: integer, default: 8080}", `port: {$ref: "file:///etc/passwd"}`, 1), 11, "spec.parameters[0]", "may not load"},
	} {
		_, err := Parse("t/template.yaml", []byte(c.src))
		ps := problem.ProblemsOf(err)
		if problem.KindOf(err) != problem.Invalid || len(ps) != 1 {
			t.Errorf("%s: %v (kind %s, %d problems)", name, err, problem.KindOf(err), len(ps))
			continue
		}
		if p := ps[0]; p.File != "t/template.yaml" || p.Line != c.line || p.Field != c.field || !strings.Contains(p.Message, c.want) {
			t.Errorf("%s: problem %+v", name, p)
		}
	}
	big := append([]byte(valid), make([]byte, MaxFileBytes)...)
	if _, err := Parse("t/template.yaml", big); problem.KindOf(err) != problem.Invalid || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized: %v", err)
	}
}

func TestValuesErrorCarriesItsProblems(t *testing.T) {
	tpl, err := Parse("t", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	probs := tpl.Validate(tpl.WithDefaults(map[string]any{"name": "Not Valid"}))
	var err2 error = &ValuesError{Template: "svc", Problems: probs}
	if problem.KindOf(err2) != problem.Invalid || !reflect.DeepEqual(problem.ProblemsOf(err2), probs) || len(probs) != 2 {
		t.Fatalf("kind %s, problems %+v", problem.KindOf(err2), problem.ProblemsOf(err2))
	}
	if !strings.Contains(err2.Error(), "parameter owner: is required") {
		t.Errorf("message: %v", err2)
	}
	js, _ := json.Marshal(probs[0])
	var back map[string]any
	_ = json.Unmarshal(js, &back)
	if back["field"] == nil || back["message"] == nil {
		t.Errorf("JSON = %s, want field and message", js)
	}
}
