package model

// The checker: how problems are recorded at the line of the offending
// field, and the helpers that describe and check values.

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/problem"
)

// checker validates one decoded document and builds its Entity. Problems
// get the line of the offending node, found lazily in root only when a
// problem is reported, so valid documents pay nothing for line tracking.
type checker struct {
	root     *yaml.Node             // the document's content node; nil when re-validating
	line     int                    // the document's line, the fallback
	lineFor  func(field string) int // fallback line per field when root is nil
	problems []problem.Problem      // collected problems
	rels     []Relation             // relations built so far
	self     Ref                    // the entity's own ref (for defaults)
}

// add records a problem at the field given as path segments (string keys
// and int indexes).
func (c *checker) add(msg string, segs ...any) {
	path := make([]pathSeg, len(segs))
	for i, s := range segs {
		switch s := s.(type) {
		case string:
			path[i] = pathSeg{key: s}
		case int:
			path[i] = pathSeg{idx: s, isIdx: true}
		}
	}
	c.addAt(msg, path)
}

// k and ix build path segments for the hot paths, which pass []pathSeg
// rather than ...any so that valid documents box nothing.
func k(key string) pathSeg { return pathSeg{key: key} }
func ix(i int) pathSeg     { return pathSeg{idx: i, isIdx: true} }

// addAt records a problem at path.
func (c *checker) addAt(msg string, path []pathSeg) {
	if len(c.problems) > MaxProblems {
		return
	}
	field := formatPath(path)
	c.problems = appendProblem(c.problems, problem.Problem{Line: c.lineOf(path, field), Field: field, Message: msg})
}

// lineOf finds the line of the deepest node along path that exists.
func (c *checker) lineOf(path []pathSeg, field string) int {
	if c.root == nil {
		if c.lineFor != nil {
			return c.lineFor(field)
		}
		return c.line
	}
	line := c.line
	n := c.root
	for _, s := range path {
		n = deref(n)
		if n == nil {
			break
		}
		if s.isIdx {
			if n.Kind != yaml.SequenceNode || s.idx >= len(n.Content) {
				break
			}
			n = n.Content[s.idx]
			line = n.Line
			continue
		}
		k, v := findKey(n, s.key, 0)
		if k == nil {
			break
		}
		line = k.Line
		n = v
	}
	return line
}

// findKey looks key up in mapping n, including keys merged in with <<.
func findKey(n *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 10 {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn := n.Content[i]
		if kn.Tag == "!!merge" {
			continue
		}
		if kd := deref(kn); kd != nil && kd.Kind == yaml.ScalarNode && kd.Value == key {
			return kn, n.Content[i+1]
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Tag != "!!merge" {
			continue
		}
		src := deref(n.Content[i+1])
		if src == nil {
			continue
		}
		if src.Kind == yaml.SequenceNode {
			for _, item := range src.Content {
				if k, v := findKey(item, key, depth+1); k != nil {
					return k, v
				}
			}
			continue
		}
		if k, v := findKey(src, key, depth+1); k != nil {
			return k, v
		}
	}
	return nil, nil
}

// describe names the YAML type of a decoded value for problem messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "empty (null)"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int64, uint64, float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		if kind, _, ok := placeholderOf(v); ok {
			return "a " + kind + " placeholder"
		}
		return "a mapping"
	}
	return fmt.Sprintf("a %T", v)
}

// str returns v as a string and reports whether it is one.
func str(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

// scalarHint says how to turn v into the string a field expects.
func scalarHint(v any) string {
	switch v.(type) {
	case nil:
		return "give it a value or remove the key"
	case bool, int, int64, uint64, float64:
		return "quote it to make it text (e.g. \"1.5\")"
	}
	return "write it as a single string"
}

func describeEmpty(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return describe(v)
}

func quoteOrDescribe(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return describe(v)
}

// optString returns parent[key] when it is a string, and reports a problem
// when it is present but not one.
func (c *checker) optString(parent map[string]any, key string, prefix ...any) string {
	v, ok := parent[key]
	if !ok || isPlaceholderValue(v) {
		return ""
	}
	s, isStr := str(v)
	if !isStr {
		c.add(fmt.Sprintf("must be a string, but it is %s; %s", describe(v), scalarHint(v)), append(prefix, key)...)
	}
	return s
}

// hinter says what to write instead of an invalid value. It is an
// interface so the (allocating) hint text is only built when a problem is
// reported.
type hinter interface{ hint() string }

// textHint is a fixed hint.
type textHint string

func (h textHint) hint() string { return string(h) }

// nonEmptyString checks that v is a non-empty string.
func (c *checker) nonEmptyString(v any, h hinter, path ...pathSeg) (string, bool) {
	s, ok := str(v)
	switch {
	case v == nil:
		c.addAt("is empty; "+h.hint()+", or remove the key", path)
		return "", false
	case !ok:
		c.addAt(fmt.Sprintf("must be a string, but it is %s; %s", describe(v), h.hint()), path)
		return "", false
	case s == "":
		c.addAt("must not be empty; "+h.hint()+", or remove the key", path)
		return "", false
	}
	return s, true
}
