package schemacheck

import (
	"errors"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/problem"
)

// syntaxCases are YAML syntax errors and the line a person must look at:
// the offending line, or for an unclosed bracket or a broken list the line
// that opens it. yaml.v3 names one line early for every parser error here.
var syntaxCases = []struct {
	name string
	doc  string
	line int
	msg  string
}{
	{"unclosed flow sequence", "a: 1\nb: [1, 2\nc: 3\n", 2, "did not find expected ',' or ']'"},
	{"unclosed flow mapping", "a: 1\nb: {x: 1\n", 2, "did not find expected ',' or '}'"},
	{"list item under-indented", "a: 1\nb:\n  - x\n - y\n", 4, "did not find expected key"},
	{"key under-indented", "a:\n  b: 1\n c: 2\n", 3, "did not find expected key"},
	{"list after a mapping", "key: value\n- item\n", 2, "did not find expected key"},
	{"mapping inside a list", "a:\n  - b\n  c: d\n", 2, "did not find expected '-' indicator"},
	{"second document", "---\na: 1\n---\nb: [1\nc: 2\n", 4, "did not find expected ',' or ']'"},
	{"bracket left open at the end", "first: 1\nsecond: 2\nthird: [\n", 3, "did not find expected node content"},
	// Scanner errors were right already and must stay so.
	{"tab indentation", "a: 1\n\tb: 2\n", 2, "found a tab character"},
	{"colon in a plain value", "a: 1\nb: c: d\n", 2, "mapping values are not allowed"},
	{"reserved character", "a: b\n@x: 1\n", 2, "cannot start any token"},
	{"unterminated quote", "a: 1\nb: \"open\nc: 3\n", 2, "found unexpected end of stream"},
	{"error on the first line", "a: [1, 2\n", 1, "did not find expected ',' or ']'"},
}

func TestSyntaxErrorNamesTheLineToFix(t *testing.T) {
	for _, tt := range syntaxCases {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			dec := yaml.NewDecoder(strings.NewReader(tt.doc))
			var err error
			for err == nil {
				err = dec.Decode(&n)
			}
			line, msg := SyntaxError(err, []byte(tt.doc))
			if line != tt.line || !strings.Contains(msg, tt.msg) || strings.HasPrefix(msg, "yaml:") || strings.HasPrefix(msg, "line ") {
				t.Errorf("SyntaxError(%q) = %d, %q; want line %d and a message containing %q", err, line, msg, tt.line, tt.msg)
			}
		})
	}
}

func TestDecodeReportsSyntaxErrorsAtTheirLine(t *testing.T) {
	s := compile(t)
	for _, tt := range syntaxCases {
		if strings.HasPrefix(tt.doc, "---") {
			continue // Decode reads one document
		}
		err := s.Decode("thing.yaml", []byte(tt.doc), nil)
		var se *Error
		if !errors.As(err, &se) || len(se.Problems) != 1 || se.Problems[0].Line != tt.line || !strings.Contains(se.Problems[0].Message, "not valid YAML") {
			t.Errorf("%s: Decode = %v, want one problem at line %d", tt.name, err, tt.line)
		}
	}
}

func TestErrorIsInvalidAndPlacesProblemsInTheFile(t *testing.T) {
	err := compile(t).Decode("conf/thing.yaml", []byte(edit(t, "mode: fast", "mode: medium")), nil)
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("Decode = %v", err)
	}
	if se.ProblemKind() != problem.Invalid {
		t.Errorf("kind = %q", se.ProblemKind())
	}
	l := se.ProblemList()
	if len(l) != 1 || l[0].File != "conf/thing.yaml" || l[0].Line != 7 || l[0].Field != "spec.mode" {
		t.Errorf("ProblemList = %+v", l)
	}
	if !strings.HasPrefix(l[0].String(), "conf/thing.yaml:7: spec.mode: ") {
		t.Errorf("String = %q", l[0].String())
	}
}
