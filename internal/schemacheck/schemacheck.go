// Package schemacheck validates YAML files that users and platform teams
// write (platform.yaml, later template.yaml) against JSON Schemas shipped in
// the code, and explains each failure the way a person can act on: the file,
// the line, the field, what is wrong and how to fix it.
//
// Rules: schemas are compiled once per Schema; the YAML is parsed once; no
// network access (schemas never load remote references). Every failure is an
// *Error of kind problem.Invalid holding problem.Problems; YAML syntax errors
// name the line to fix (SyntaxError corrects yaml.v3's off-by-one).
package schemacheck

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/problem"
)

// Schema is a compiled JSON Schema.
type Schema struct {
	s *jsonschema.Schema
}

// Compile compiles a JSON Schema document. name identifies it in errors.
func Compile(name string, schemaJSON []byte) (*Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(name, doc); err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	s, err := c.Compile(name)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	return &Schema{s: s}, nil
}

// Error lists every problem of one file. It is a problem.Invalid error whose
// problems name File.
type Error struct {
	// File is the file as the caller named it.
	File string
	// Problems are in line order; their File is left empty (it is File).
	Problems []problem.Problem
}

// ProblemKind classifies the error for the UI: the input is invalid.
func (e *Error) ProblemKind() problem.Kind { return problem.Invalid }

// ProblemList returns the problems, each placed in File.
func (e *Error) ProblemList() problem.List { return problem.List(e.Problems).In(e.File) }

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s is not valid:", e.File)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		if p.Line > 0 {
			fmt.Fprintf(&b, "line %d: ", p.Line)
		}
		if p.Field != "" {
			b.WriteString(p.Field + ": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Decode parses data (one YAML document), validates it and, when valid,
// decodes it into out. Every failure is an *Error naming file.
func (s *Schema) Decode(file string, data []byte, out any) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line, msg := SyntaxError(err, data)
		return &Error{File: file, Problems: []problem.Problem{{Line: line, Message: "not valid YAML: " + msg}}}
	}
	if len(root.Content) == 0 {
		return &Error{File: file, Problems: []problem.Problem{{Message: "the file is empty"}}}
	}
	var generic any
	if err := root.Decode(&generic); err != nil {
		return &Error{File: file, Problems: []problem.Problem{{Message: err.Error()}}}
	}
	js, err := json.Marshal(jsonable(generic))
	if err != nil {
		return &Error{File: file, Problems: []problem.Problem{{Message: "cannot be represented as JSON: " + err.Error()}}}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return &Error{File: file, Problems: []problem.Problem{{Message: err.Error()}}}
	}
	if err := s.s.Validate(inst); err != nil {
		ve, ok := err.(*jsonschema.ValidationError)
		if !ok {
			return &Error{File: file, Problems: []problem.Problem{{Message: err.Error()}}}
		}
		return &Error{File: file, Problems: explain(ve, root.Content[0])}
	}
	if out != nil {
		if err := json.Unmarshal(js, out); err != nil {
			return &Error{File: file, Problems: []problem.Problem{{Message: err.Error()}}}
		}
	}
	return nil
}

// jsonable converts yaml.v3's generic values to ones encoding/json accepts.
func jsonable(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = jsonable(x)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[fmt.Sprint(k)] = jsonable(x)
		}
		return m
	case []any:
		for i, x := range t {
			t[i] = jsonable(x)
		}
		return t
	}
	return v
}

var printer = message.NewPrinter(language.English)

// Leaves lists the innermost errors of a validation error: the ones that
// say what is wrong, not which schema branch gave up.
func Leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, Leaves(c)...)
	}
	return out
}

// Describe is the library's own English text for one error.
func Describe(e *jsonschema.ValidationError) string {
	return e.ErrorKind.LocalizedString(printer)
}

func explain(ve *jsonschema.ValidationError, doc *yaml.Node) []problem.Problem {
	leaves := Leaves(ve)
	seen := map[string]bool{}
	var out []problem.Problem
	add := func(loc []string, msg string) {
		p := problem.Problem{Field: fieldPath(loc), Line: lineOf(doc, loc), Message: msg}
		key := p.Field + "\x00" + p.Message
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, p)
	}
	for _, e := range leaves {
		// An unknown field is reported at its own line and path, one
		// problem per field, not at the object that contains it.
		if k, ok := e.ErrorKind.(*kind.AdditionalProperties); ok && len(k.Properties) > 0 {
			for _, prop := range k.Properties {
				loc := append(append([]string(nil), e.InstanceLocation...), prop)
				add(loc, fmt.Sprintf("unknown field %s: remove it or check its spelling", strconv.Quote(prop)))
			}
			continue
		}
		add(e.InstanceLocation, message1(e))
	}
	slices.SortStableFunc(out, func(a, b problem.Problem) int { return cmp.Compare(a.Line, b.Line) })
	return out
}

func message1(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		return fmt.Sprintf("missing required field %s: add it", quoteAll(k.Missing))
	case *kind.AdditionalProperties:
		return fmt.Sprintf("unknown field %s: remove it or check its spelling", quoteAll(k.Properties))
	case *kind.Type:
		return fmt.Sprintf("is a %s, but must be a %s", k.Got, strings.Join(k.Want, " or "))
	case *kind.Enum:
		vals := make([]string, len(k.Want))
		for i, w := range k.Want {
			vals[i] = fmt.Sprint(w)
		}
		return fmt.Sprintf("%v is not allowed: use one of %s", k.Got, strings.Join(vals, ", "))
	case *kind.Const:
		return fmt.Sprintf("must be %v (found %v)", k.Want, k.Got)
	case *kind.Pattern:
		return fmt.Sprintf("%q does not have the expected form (%s)", k.Got, k.Want)
	}
	return Describe(e)
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

// fieldPath renders a JSON pointer as spec.catalog.locations[0].target.
func fieldPath(loc []string) string {
	var b strings.Builder
	for _, p := range loc {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// lineOf finds the line of the value at loc, or of its closest ancestor.
func lineOf(n *yaml.Node, loc []string) int {
	line := n.Line
	for _, p := range loc {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					line = n.Content[i].Line
					next = n.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(p); err == nil && i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}
