package schemacheck

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

const testSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["apiVersion", "kind", "metadata"],
  "additionalProperties": false,
  "properties": {
    "apiVersion": { "const": "test.paved.dev/v1" },
    "kind": { "const": "Thing" },
    "metadata": {
      "type": "object",
      "required": ["name"],
      "additionalProperties": false,
      "properties": {
        "name": { "type": "string", "pattern": "^[a-z0-9-]+$" },
        "title": { "type": "string" }
      }
    },
    "spec": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "mode": { "enum": ["fast", "slow"] },
        "count": { "type": "integer", "minimum": 0 },
        "catalog": {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "locations": {
              "type": "array",
              "items": {
                "type": "object",
                "required": ["name", "target"],
                "additionalProperties": false,
                "properties": {
                  "name": { "type": "string" },
                  "target": { "type": "string", "minLength": 1 }
                }
              }
            }
          }
        }
      }
    }
  }
}`

// thing is what testSchema describes.
type thing struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name  string `json:"name"`
		Title string `json:"title"`
	} `json:"metadata"`
	Spec struct {
		Mode    string `json:"mode"`
		Count   int    `json:"count"`
		Catalog struct {
			Locations []struct {
				Name   string `json:"name"`
				Target string `json:"target"`
			} `json:"locations"`
		} `json:"catalog"`
	} `json:"spec"`
}

// valid is a document testSchema accepts; the cases below edit one line of
// it, so the line numbers in the comments are the ones the errors must name.
const valid = `apiVersion: test.paved.dev/v1
kind: Thing
metadata:
  name: my-thing
  title: My thing
spec:
  mode: fast
  count: 3
  catalog:
    locations:
      - name: first
        target: ./first
      - name: second
        target: https://example.com/repo.git
`

func compile(t *testing.T) *Schema {
	t.Helper()
	s, err := Compile("test.schema.json", []byte(testSchema))
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

// edit replaces the first occurrence of old in valid.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(valid, old) {
		t.Fatalf("fixture has no %q", old)
	}
	return strings.Replace(valid, old, new, 1)
}

func TestValidInputDecodesIntoTheStruct(t *testing.T) {
	var got thing
	if err := compile(t).Decode("thing.yaml", []byte(valid), &got); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got.APIVersion != "test.paved.dev/v1" || got.Kind != "Thing" || got.Metadata.Name != "my-thing" ||
		got.Metadata.Title != "My thing" || got.Spec.Mode != "fast" || got.Spec.Count != 3 {
		t.Fatalf("decoded %+v", got)
	}
	locs := got.Spec.Catalog.Locations
	if len(locs) != 2 || locs[0].Name != "first" || locs[0].Target != "./first" || locs[1].Target != "https://example.com/repo.git" {
		t.Fatalf("decoded locations %+v", locs)
	}
}

func TestValidInputWithNilOutOnlyValidates(t *testing.T) {
	if err := compile(t).Decode("thing.yaml", []byte(valid), nil); err != nil {
		t.Fatalf("Decode(nil out): %v", err)
	}
}

func TestYAMLAnchorsAreResolvedBeforeValidation(t *testing.T) {
	doc := `apiVersion: test.paved.dev/v1
kind: Thing
metadata: &m
  name: anchored
spec:
  catalog:
    locations:
      - &loc {name: a, target: ./a}
      - *loc
`
	var got thing
	if err := compile(t).Decode("anchors.yaml", []byte(doc), &got); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(got.Spec.Catalog.Locations) != 2 || got.Spec.Catalog.Locations[1].Target != "./a" {
		t.Fatalf("aliases not expanded: %+v", got.Spec.Catalog.Locations)
	}
}

// TestEachProblemNamesFileFieldAndLine is the contract people rely on: every
// kind of mistake is reported with the file, the dotted field path and the
// line of that field, and a message that says what to do.
func TestEachProblemNamesFileFieldAndLine(t *testing.T) {
	tests := []struct {
		name      string
		doc       func(t *testing.T) string
		wantLine  int
		wantField string
		wantMsg   []string
	}{
		{
			name:      "missing required top-level field",
			doc:       func(t *testing.T) string { return edit(t, "kind: Thing\n", "") },
			wantLine:  1,
			wantField: "",
			wantMsg:   []string{`missing required field "kind"`, "add it"},
		},
		{
			name:      "missing required nested field",
			doc:       func(t *testing.T) string { return edit(t, "  name: my-thing\n", "") },
			wantLine:  3,
			wantField: "metadata",
			wantMsg:   []string{`missing required field "name"`},
		},
		{
			name:      "missing required field in a list item",
			doc:       func(t *testing.T) string { return edit(t, "        target: https://example.com/repo.git\n", "") },
			wantLine:  13,
			wantField: "spec.catalog.locations[1]",
			wantMsg:   []string{`missing required field "target"`},
		},
		{
			name: "unknown field",
			doc: func(t *testing.T) string {
				return edit(t, "        target: ./first\n", "        target: ./first\n        tagret: ./typo\n")
			},
			wantLine:  13,
			wantField: "spec.catalog.locations[0].tagret",
			wantMsg:   []string{`unknown field "tagret"`, "check its spelling"},
		},
		{
			name:      "unknown top-level field",
			doc:       func(t *testing.T) string { return valid + "extra: true\n" },
			wantLine:  15,
			wantField: "extra",
			wantMsg:   []string{`unknown field "extra"`},
		},
		{
			name:      "wrong type",
			doc:       func(t *testing.T) string { return edit(t, "target: ./first", "target: 42") },
			wantLine:  12,
			wantField: "spec.catalog.locations[0].target",
			wantMsg:   []string{"must be a string"},
		},
		{
			name:      "wrong type of a section",
			doc:       func(t *testing.T) string { return edit(t, "  count: 3\n", "  count: three\n") },
			wantLine:  8,
			wantField: "spec.count",
			wantMsg:   []string{"is a string", "must be a integer"},
		},
		{
			name:      "enum",
			doc:       func(t *testing.T) string { return edit(t, "mode: fast", "mode: medium") },
			wantLine:  7,
			wantField: "spec.mode",
			wantMsg:   []string{"medium is not allowed", "use one of fast, slow"},
		},
		{
			name: "const",
			doc: func(t *testing.T) string {
				return edit(t, "apiVersion: test.paved.dev/v1", "apiVersion: test.paved.dev/v2")
			},
			wantLine:  1,
			wantField: "apiVersion",
			wantMsg:   []string{"must be test.paved.dev/v1", "found test.paved.dev/v2"},
		},
		{
			name:      "pattern",
			doc:       func(t *testing.T) string { return edit(t, "name: my-thing", "name: My_Thing") },
			wantLine:  4,
			wantField: "metadata.name",
			wantMsg:   []string{`"My_Thing" does not have the expected form`, "^[a-z0-9-]+$"},
		},
		{
			name:      "other keyword (minLength) still names field and line",
			doc:       func(t *testing.T) string { return edit(t, "target: ./first", `target: ""`) },
			wantLine:  12,
			wantField: "spec.catalog.locations[0].target",
		},
		{
			name:      "document is not a mapping",
			doc:       func(t *testing.T) string { return "\n- just\n- a list\n" },
			wantLine:  2,
			wantField: "",
			wantMsg:   []string{"is a array", "must be a object"},
		},
		{
			name:     "invalid YAML",
			doc:      func(t *testing.T) string { return edit(t, "  title: My thing\n", "  title: My: thing\n") },
			wantLine: 5,
			wantMsg:  []string{"not valid YAML", "mapping values are not allowed"},
		},
		{
			name:     "invalid YAML: tab indentation",
			doc:      func(t *testing.T) string { return edit(t, "  mode: fast\n", "\tmode: fast\n") },
			wantLine: 7,
			wantMsg:  []string{"not valid YAML"},
		},
		{
			name:    "empty file",
			doc:     func(t *testing.T) string { return "" },
			wantMsg: []string{"the file is empty"},
		},
		{
			name:    "only comments",
			doc:     func(t *testing.T) string { return "# nothing here yet\n\n" },
			wantMsg: []string{"the file is empty"},
		},
	}
	s := compile(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const file = "configs/thing.yaml"
			var out thing
			out.Metadata.Name = "untouched"
			err := s.Decode(file, []byte(tt.doc(t)), &out)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Decode error = %v (%T), want *Error", err, err)
			}
			if se.File != file {
				t.Errorf("File = %q, want %q", se.File, file)
			}
			if out.Metadata.Name != "untouched" {
				t.Errorf("an invalid document was decoded into out: %+v", out)
			}
			if len(se.Problems) != 1 {
				t.Fatalf("got %d problems, want 1: %v", len(se.Problems), se)
			}
			p := se.Problems[0]
			if p.Line != tt.wantLine || p.Field != tt.wantField {
				t.Errorf("problem at line %d field %q, want line %d field %q (%s)", p.Line, p.Field, tt.wantLine, tt.wantField, p.Message)
			}
			for _, w := range tt.wantMsg {
				if !strings.Contains(p.Message, w) {
					t.Errorf("message %q does not contain %q", p.Message, w)
				}
			}
			// The rendered error carries all of it, for the terminal.
			text := err.Error()
			if !strings.HasPrefix(text, file+" is not valid:") {
				t.Errorf("Error() = %q, want it to start with the file name", text)
			}
			if tt.wantLine > 0 && !strings.Contains(text, "line "+strconv.Itoa(tt.wantLine)+": ") {
				t.Errorf("Error() = %q does not name line %d", text, tt.wantLine)
			}
			if tt.wantField != "" && !strings.Contains(text, tt.wantField+": ") {
				t.Errorf("Error() = %q does not name field %s", text, tt.wantField)
			}
		})
	}
}

func TestEveryProblemIsReportedInLineOrder(t *testing.T) {
	doc := `apiVersion: test.paved.dev/v1
kind: Thing
metadata:
  name: Bad_Name
spec:
  mode: medium
  colour: red
  catalog:
    locations:
      - name: first
        target: 42
`
	err := compile(t).Decode("thing.yaml", []byte(doc), nil)
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("Decode = %v, want *Error", err)
	}
	type pos struct {
		Line  int
		Field string
	}
	var got []pos
	for _, p := range se.Problems {
		got = append(got, pos{p.Line, p.Field})
	}
	want := []pos{{4, "metadata.name"}, {6, "spec.mode"}, {7, "spec.colour"}, {11, "spec.catalog.locations[0].target"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("problems = %v, want %v\n%v", got, want, err)
	}
}

func TestSeveralUnknownFieldsAreEachNamed(t *testing.T) {
	doc := edit(t, "  title: My thing\n", "  title: My thing\n  owner: me\n  labels: {}\n")
	err := compile(t).Decode("thing.yaml", []byte(doc), nil)
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("Decode = %v, want *Error", err)
	}
	got := map[string]int{}
	for _, p := range se.Problems {
		got[p.Field] = p.Line
	}
	want := map[string]int{"metadata.owner": 6, "metadata.labels": 7}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("problems %v, want %v", got, want)
	}
}

func TestCompileRejectsABrokenSchema(t *testing.T) {
	for name, doc := range map[string]string{
		"not JSON":        `{"type": `,
		"invalid keyword": `{"type": "no-such-type"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Compile("broken.schema.json", []byte(doc)); err == nil || !strings.Contains(err.Error(), "broken.schema.json") {
				t.Fatalf("Compile = %v, want an error naming the schema", err)
			}
		})
	}
}

func TestFieldPathRendering(t *testing.T) {
	tests := []struct {
		loc  []string
		want string
	}{
		{nil, ""},
		{[]string{"spec"}, "spec"},
		{[]string{"spec", "catalog", "locations", "0", "target"}, "spec.catalog.locations[0].target"},
		{[]string{"spec", "clusters", "2"}, "spec.clusters[2]"},
		{[]string{"0", "name"}, "[0].name"},
	}
	for _, tt := range tests {
		if got := fieldPath(tt.loc); got != tt.want {
			t.Errorf("fieldPath(%q) = %q, want %q", tt.loc, got, tt.want)
		}
	}
}
