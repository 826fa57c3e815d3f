// Package template reads golden-path templates: template.yaml in the
// Backstage Software Template shape (scaffolder.backstage.io/v1beta3,
// kind Template), validated against a JSON Schema shipped here, and its
// parameters: JSON Schema form pages whose ui:* hints are kept for the form,
// whose defaults fill the values left out and which validate the values
// given (santhosh-tekuri/jsonschema, draft 7 like react-jsonschema-form).
//
// Rules: a template is data: nothing in it is executed; parameter schemas
// never load other documents (no $ref outside the page); errors are
// problems (internal/problem) naming the file, line and field; problems
// with values name the parameter in Field.
package template

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/schemacheck"
)

// FileName is the template descriptor at the root of a template directory.
const FileName = "template.yaml"

// MaxFileBytes bounds template.yaml.
const MaxFileBytes = 1 << 20

// VersionAnnotation, in metadata.annotations, gives a template outside git
// (a built-in one) its version.
const VersionAnnotation = "paved.dev/version"

//go:embed schema/template.schema.json
var schemaJSON []byte

var fileSchema = func() *schemacheck.Schema {
	s, err := schemacheck.Compile("template.schema.json", schemaJSON)
	if err != nil {
		panic(err)
	}
	return s
}()

// Template is a parsed template.yaml.
type Template struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata"`
	Spec       Spec     `json:"spec"`

	// Pages are spec.parameters as a list (a single page is a list of one).
	Pages []map[string]any `json:"-"`
	// PropertyOrder lists each page's properties in the order the file
	// writes them (JSON objects lose it; forms should keep it).
	PropertyOrder [][]string `json:"-"`

	file    string
	schemas []*jsonschema.Schema
}

// Metadata is the template's metadata.
type Metadata struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace,omitempty"`
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
}

// Spec is the template's spec.
type Spec struct {
	Owner      string `json:"owner,omitempty"`
	Type       string `json:"type,omitempty"`
	Parameters any    `json:"parameters,omitempty"`
	Steps      []Step `json:"steps"`
	Output     Output `json:"output"`
}

// Step is one action to run.
type Step struct {
	ID     string         `json:"id,omitempty"`
	Name   string         `json:"name,omitempty"`
	Action string         `json:"action"`
	Input  map[string]any `json:"input,omitempty"`
	// If is a condition: a boolean or a `${{ }}` expression.
	If any `json:"if,omitempty"`
	// Each is Backstage's step loop (not supported: rejected by Parse).
	Each any `json:"each,omitempty"`
}

// Output is spec.output.
type Output struct {
	Links []OutputLink `json:"links,omitempty"`
	Text  []any        `json:"text,omitempty"`
}

// OutputLink is one of spec.output.links; its fields may hold expressions.
type OutputLink struct {
	Title     string `json:"title,omitempty"`
	URL       string `json:"url,omitempty"`
	EntityRef string `json:"entityRef,omitempty"`
	Icon      string `json:"icon,omitempty"`
}

// Problem is a value that does not fit the parameters: a problem.Problem
// whose Field is the parameter ("" for the form as a whole).
type Problem = problem.Problem

// ValuesError lists every problem with the values given to a template.
type ValuesError struct {
	Template string
	Problems problem.List
}

// ProblemList is the problems, for the UI (each names its parameter).
func (e *ValuesError) ProblemList() problem.List { return e.Problems }

// ProblemKind says the values were wrong.
func (e *ValuesError) ProblemKind() problem.Kind { return problem.Invalid }

func (e *ValuesError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the values do not fit template %s:", e.Template)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		if p.Field != "" {
			b.WriteString("parameter " + p.Field + ": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Parse validates and decodes a template.yaml; file names it in errors.
// Every error is a problem (kind Invalid) naming the file, and the line and
// field where it can.
func Parse(file string, data []byte) (*Template, error) {
	if len(data) > MaxFileBytes {
		return nil, problem.List{{File: file, Message: fmt.Sprintf("is larger than %d KiB", MaxFileBytes>>10),
			Fix: "keep template.yaml to the form and the steps; skeleton files belong in the template's directory"}}
	}
	var t Template
	if err := fileSchema.Decode(file, data, &t); err != nil {
		return nil, err
	}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		root = yaml.Node{}
	}
	doc := &root
	if len(root.Content) > 0 {
		doc = root.Content[0]
	}
	t.file = file
	switch p := t.Spec.Parameters.(type) {
	case nil:
	case map[string]any:
		t.Pages = []map[string]any{p}
	case []any:
		for _, x := range p {
			m, _ := x.(map[string]any)
			t.Pages = append(t.Pages, m)
		}
	}
	t.PropertyOrder = propertyOrder(doc, len(t.Pages))
	steps := mapValue(mapValue(doc, "spec"), "steps")
	stepLine := func(i int, key string) int {
		if steps == nil || steps.Kind != yaml.SequenceNode || i >= len(steps.Content) {
			return 0
		}
		if n := mapKey(steps.Content[i], key); n != nil {
			return n.Line
		}
		return steps.Content[i].Line
	}
	seen := map[string]bool{}
	for i := range t.Spec.Steps {
		st := &t.Spec.Steps[i]
		if st.Each != nil {
			return nil, problem.List{{File: file, Line: stepLine(i, "each"), Field: fmt.Sprintf("spec.steps[%d].each", i),
				Message: fmt.Sprintf("`each` is not supported by Paved (step %s)", st.Action), Fix: "write the steps out, one per item"}}
		}
		if st.ID == "" {
			st.ID = fmt.Sprintf("step-%d", i+1)
		}
		if seen[st.ID] {
			return nil, problem.List{{File: file, Line: stepLine(i, "id"), Field: fmt.Sprintf("spec.steps[%d].id", i),
				Message: fmt.Sprintf("the id %q is used twice", st.ID), Fix: "step ids must be unique"}}
		}
		seen[st.ID] = true
	}
	params := mapValue(mapValue(doc, "spec"), "parameters")
	for i, page := range t.Pages {
		s, err := compilePage(page)
		if err != nil {
			line := 0
			switch {
			case params != nil && params.Kind == yaml.SequenceNode && i < len(params.Content):
				line = params.Content[i].Line
			case params != nil:
				line = params.Line
			}
			return nil, problem.List{{File: file, Line: line, Field: fmt.Sprintf("spec.parameters[%d]", i),
				Message: "is not a usable JSON Schema: " + err.Error()}}
		}
		t.schemas = append(t.schemas, s)
	}
	return &t, nil
}

// noLoader refuses every $ref outside the page.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("parameter schemas may not load other documents (%s)", url)
}

func compilePage(page map[string]any) (*jsonschema.Schema, error) {
	js, err := json.Marshal(page)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseLoader(noLoader{})
	const url = "paved:///page.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// File is where the template was read from.
func (t *Template) File() string { return t.file }

// Title is metadata.title, else the name.
func (t *Template) Title() string {
	if t.Metadata.Title != "" {
		return t.Metadata.Title
	}
	return t.Metadata.Name
}

// EachProperty calls fn for every parameter: the properties of every page,
// including those inside dependencies, allOf/anyOf/oneOf and if/then/else.
func (t *Template) EachProperty(fn func(name string, schema map[string]any)) {
	for _, p := range t.Pages {
		walkProps(p, fn)
	}
}

func walkProps(s map[string]any, fn func(string, map[string]any)) {
	if props, ok := s["properties"].(map[string]any); ok {
		for _, n := range slices.Sorted(maps.Keys(props)) {
			if ps, ok := props[n].(map[string]any); ok {
				fn(n, ps)
			}
		}
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := s[k].([]any); ok {
			for _, x := range list {
				if m, ok := x.(map[string]any); ok {
					walkProps(m, fn)
				}
			}
		}
	}
	for _, k := range []string{"then", "else"} {
		if m, ok := s[k].(map[string]any); ok {
			walkProps(m, fn)
		}
	}
	if deps, ok := s["dependencies"].(map[string]any); ok {
		for _, d := range deps {
			if m, ok := d.(map[string]any); ok {
				walkProps(m, fn)
			}
		}
	}
}

// Property returns the schema of parameter name (nil when unknown).
func (t *Template) Property(name string) map[string]any {
	var out map[string]any
	t.EachProperty(func(n string, s map[string]any) {
		if n == name && out == nil {
			out = s
		}
	})
	return out
}

// Defaults are the default values of the parameters that have one.
func (t *Template) Defaults() map[string]any {
	out := map[string]any{}
	t.EachProperty(func(n string, s map[string]any) {
		if d, ok := s["default"]; ok {
			if _, set := out[n]; !set {
				out[n] = Normalize(d)
			}
		}
	})
	return out
}

// Required lists the required parameters without a default, page by page.
func (t *Template) Required() []string {
	defaults := t.Defaults()
	var out []string
	seen := map[string]bool{}
	for _, p := range t.Pages {
		list, _ := p["required"].([]any)
		for _, x := range list {
			n, _ := x.(string)
			if _, ok := defaults[n]; ok || seen[n] || n == "" {
				continue
			}
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// IsSecret reports a parameter that must never be recorded: ui:field
// Secret, ui:widget password or format password.
func IsSecret(s map[string]any) bool {
	return s["ui:field"] == "Secret" || s["ui:widget"] == "password" || s["format"] == "password"
}

// Secrets lists the secret parameters.
func (t *Template) Secrets() map[string]bool {
	out := map[string]bool{}
	t.EachProperty(func(n string, s map[string]any) {
		if IsSecret(s) {
			out[n] = true
		}
	})
	return out
}

// WithDefaults returns values with every missing parameter that has a
// default filled in.
func (t *Template) WithDefaults(values map[string]any) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range t.Defaults() {
		out[k] = v
	}
	for k, v := range values {
		out[k] = v
	}
	return Normalize(out).(map[string]any)
}

// Normalize makes decoded values uniform: whole float64 numbers (JSON
// decoding's) become ints, so 8080 renders as 8080, not 8080.0; maps and
// lists are converted item by item.
func Normalize(v any) any {
	switch t := v.(type) {
	case float64:
		if t == float64(int(t)) && t < 1e15 && t > -1e15 {
			return int(t)
		}
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = Normalize(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = Normalize(x)
		}
		return out
	}
	return v
}

// Validate checks values (defaults applied) against every page; each
// problem names its parameter in Field.
func (t *Template) Validate(values map[string]any) problem.List {
	js, err := json.Marshal(values)
	if err != nil {
		return problem.List{{Message: "the values cannot be represented as JSON: " + err.Error()}}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return problem.List{{Message: err.Error()}}
	}
	var out problem.List
	seen := map[string]bool{}
	add := func(p Problem) {
		k := p.Field + "\x00" + p.Message
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	for _, s := range t.schemas {
		err := s.Validate(inst)
		ve, ok := err.(*jsonschema.ValidationError)
		if err != nil && !ok {
			add(Problem{Message: err.Error()})
			continue
		}
		if ve == nil {
			continue
		}
		for _, leaf := range schemacheck.Leaves(ve) {
			field := strings.Join(leaf.InstanceLocation, ".")
			switch k := leaf.ErrorKind.(type) {
			case *kind.Required:
				for _, m := range k.Missing {
					add(Problem{Field: join(field, m), Message: "is required"})
				}
				continue
			case *kind.Pattern:
				msg := fmt.Sprintf("%q does not have the expected form (%s)", k.Got, k.Want)
				if d := t.describe(field); d != "" {
					msg += ": " + d
				}
				add(Problem{Field: field, Message: msg})
				continue
			}
			add(Problem{Field: field, Message: schemacheck.Describe(leaf)})
		}
	}
	return out
}

func (t *Template) describe(field string) string {
	if p := t.Property(field); p != nil {
		d, _ := p["description"].(string)
		return d
	}
	return ""
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// Coerce turns command-line values (--set name=value) into the types their
// parameters declare: booleans, integers, numbers, arrays (comma-separated
// or JSON) and objects (JSON). Unknown parameters stay strings.
func (t *Template) Coerce(raw map[string]string) (map[string]any, error) {
	out := make(map[string]any, len(raw))
	for k, v := range raw {
		typ := ""
		if p := t.Property(k); p != nil {
			typ, _ = p["type"].(string)
		}
		switch typ {
		case "boolean":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("--set %s=%s: want true or false", k, v)
			}
			out[k] = b
		case "integer":
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("--set %s=%s: want a whole number", k, v)
			}
			out[k] = n
		case "number":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("--set %s=%s: want a number", k, v)
			}
			out[k] = f
		case "array":
			var list []any
			if strings.HasPrefix(strings.TrimSpace(v), "[") {
				if err := json.Unmarshal([]byte(v), &list); err != nil {
					return nil, fmt.Errorf("--set %s=%s: want a JSON array or comma-separated values", k, v)
				}
			} else if v != "" {
				for _, s := range strings.Split(v, ",") {
					list = append(list, strings.TrimSpace(s))
				}
			}
			out[k] = list
		case "object":
			var m map[string]any
			if err := json.Unmarshal([]byte(v), &m); err != nil {
				return nil, fmt.Errorf("--set %s=%s: want a JSON object", k, v)
			}
			out[k] = m
		default:
			out[k] = v
		}
	}
	return out, nil
}

// SplitUI separates a page's ui:* keys (react-jsonschema-form's uiSchema,
// per property) from its JSON Schema.
func SplitUI(page map[string]any) (schema, ui map[string]any) {
	schema, ui = splitUI(page)
	return schema, ui
}

func splitUI(s map[string]any) (map[string]any, map[string]any) {
	schema := map[string]any{}
	ui := map[string]any{}
	for k, v := range s {
		if strings.HasPrefix(k, "ui:") {
			ui[k] = v
			continue
		}
		switch k {
		case "properties":
			props, ok := v.(map[string]any)
			if !ok {
				schema[k] = v
				continue
			}
			sp := map[string]any{}
			for n, p := range props {
				pm, ok := p.(map[string]any)
				if !ok {
					sp[n] = p
					continue
				}
				ps, pu := splitUI(pm)
				sp[n] = ps
				if len(pu) > 0 {
					ui[n] = pu
				}
			}
			schema[k] = sp
		case "items":
			if im, ok := v.(map[string]any); ok {
				is, iu := splitUI(im)
				schema[k] = is
				if len(iu) > 0 {
					ui["items"] = iu
				}
				continue
			}
			schema[k] = v
		default:
			schema[k] = v
		}
	}
	return schema, ui
}

// propertyOrder reads the order of each parameter page's properties from the
// YAML as written (doc is the document's node). Pages it cannot find get no
// order.
func propertyOrder(doc *yaml.Node, pages int) [][]string {
	out := make([][]string, pages)
	params := mapValue(mapValue(doc, "spec"), "parameters")
	var pageNodes []*yaml.Node
	switch {
	case params == nil:
	case params.Kind == yaml.MappingNode:
		pageNodes = []*yaml.Node{params}
	case params.Kind == yaml.SequenceNode:
		pageNodes = params.Content
	}
	for i, pn := range pageNodes {
		if i >= pages {
			break
		}
		if props := mapValue(pn, "properties"); props != nil && props.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(props.Content); j += 2 {
				out[i] = append(out[i], props.Content[j].Value)
			}
		}
	}
	return out
}

// mapKey is the key node of key in the mapping n (nil when absent).
func mapKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
