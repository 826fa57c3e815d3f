package model

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/paved-dev/paved/internal/problem"
)

// Placeholder kinds, as passed to the read function of ResolvePlaceholders.
const (
	// PlaceholderText embeds the target's content as a string ($text).
	PlaceholderText = "text"
	// PlaceholderJSON embeds the target's content parsed as JSON ($json).
	PlaceholderJSON = "json"
	// PlaceholderYAML embeds the target's content parsed as YAML ($yaml).
	PlaceholderYAML = "yaml"
)

// placeholderOf reports whether m is a substitution placeholder: a mapping
// with exactly one key, "$text", "$json" or "$yaml", whose value is a
// string. Like Backstage, anything else (e.g. a JSON Schema "$ref", or a
// "$text" next to other keys) is ordinary data and left alone.
func placeholderOf(m map[string]any) (kind, target string, ok bool) {
	if len(m) != 1 {
		return "", "", false
	}
	for k, v := range m {
		switch k {
		case "$text", "$json", "$yaml":
			target, ok = v.(string)
			return k[1:], target, ok
		}
	}
	return "", "", false
}

// isPlaceholderValue reports whether v is a placeholder mapping.
func isPlaceholderValue(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	_, _, ok = placeholderOf(m)
	return ok
}

// ResolvePlaceholders substitutes Backstage's $text, $json and $yaml
// placeholders anywhere in e: each {"$text": target} mapping (likewise
// $json, $yaml) is replaced by what read returns for it. read gets the kind
// ("text", "json" or "yaml") and the target exactly as written (typically a
// path relative to the descriptor file, or a URL); it must return a string
// for text and the decoded value for json and yaml. The package itself
// never reads anything.
//
// Substituted values are not searched for further placeholders. Decode
// defers the checks of fields that hold a placeholder, so after
// substituting, ResolvePlaceholders validates the entity again and
// refreshes Metadata, Spec and Relations (RawYAML keeps the text as
// written). It returns the problems found, each naming the placeholder's
// field path and line; when it returns any, treat the entity as rejected.
// Placeholders whose read fails are left in place.
func ResolvePlaceholders(e *Entity, read func(kind, target string) (any, error)) []problem.Problem {
	if e == nil || e.Raw == nil {
		return nil
	}
	r := &resolver{e: e, read: read}
	r.walkMap(e.Raw)
	if r.replaced {
		chk := &checker{line: e.Line, lineFor: r.lineFor}
		if fresh := chk.build(e.Raw); fresh != nil {
			e.APIVersion, e.Kind = fresh.APIVersion, fresh.Kind
			e.Metadata, e.Spec, e.Relations = fresh.Metadata, fresh.Spec, fresh.Relations
		} else {
			r.problems = append(r.problems, chk.problems...)
		}
	}
	slices.SortStableFunc(r.problems, func(a, b problem.Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), strings.Compare(a.Field, b.Field))
	})
	return r.problems
}

// resolver carries the state of one ResolvePlaceholders call.
type resolver struct {
	e        *Entity
	read     func(kind, target string) (any, error)
	path     []pathSeg
	problems []problem.Problem
	replaced bool
}

// lineFor returns the line of the placeholder at or above field, falling
// back to the entity's line.
func (r *resolver) lineFor(field string) int {
	best, line := -1, r.e.Line
	for p, l := range r.e.placeholderLines {
		if len(p) > best && (field == p || p == "" || strings.HasPrefix(field, p) && (field[len(p)] == '.' || field[len(p)] == '[')) {
			best, line = len(p), l
		}
	}
	return line
}

func (r *resolver) walkMap(m map[string]any) {
	for k, v := range m {
		r.path = append(r.path, pathSeg{key: k})
		if nv, ok := r.visit(v); ok {
			m[k] = nv
		}
		r.path = r.path[:len(r.path)-1]
	}
}

// visit resolves v if it is a placeholder (returning the new value and
// true) or walks into it otherwise.
func (r *resolver) visit(v any) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		if kind, target, ok := placeholderOf(v); ok {
			return r.resolve(kind, target)
		}
		r.walkMap(v)
	case []any:
		for i, item := range v {
			r.path = append(r.path, pathSeg{idx: i, isIdx: true})
			if nv, ok := r.visit(item); ok {
				v[i] = nv
			}
			r.path = r.path[:len(r.path)-1]
		}
	}
	return nil, false
}

func (r *resolver) resolve(kind, target string) (any, bool) {
	field := formatPath(r.path)
	fail := func(msg string) (any, bool) {
		r.problems = append(r.problems, problem.Problem{Line: r.lineFor(field), Field: field, Message: msg})
		return nil, false
	}
	if target == "" {
		return fail(fmt.Sprintf("the $%s placeholder has an empty target; write a path relative to this file (e.g. $%s: ./openapi.yaml) or a URL", kind, kind))
	}
	if r.read == nil {
		return fail(fmt.Sprintf("the $%s placeholder %q cannot be resolved here (no reader)", kind, target))
	}
	v, err := r.read(kind, target)
	if err != nil {
		return fail(fmt.Sprintf("could not resolve $%s placeholder %q: %v; check that the target exists and is readable (relative paths are relative to this descriptor file)", kind, target, err))
	}
	if kind == PlaceholderText {
		if _, ok := v.(string); !ok {
			return fail(fmt.Sprintf("the $text placeholder %q must resolve to text, but the reader returned %T", target, v))
		}
	}
	nv, err := jsonValue(v)
	if err != nil {
		return fail(fmt.Sprintf("the $%s placeholder %q resolved to a value that is not JSON-compatible (%v); make the %s content plain data", kind, target, err, kind))
	}
	r.replaced = true
	return nv, true
}

// jsonValue normalises a value returned by a placeholder reader into the
// JSON-compatible types Entity.Raw uses (map[string]any, []any, string,
// bool, numbers, nil).
func jsonValue(v any) (any, error) {
	switch v := v.(type) {
	case nil, string, bool, int, int64, uint64, float64:
		return v, nil
	case map[string]any:
		for k, x := range v {
			nx, err := jsonValue(x)
			if err != nil {
				return nil, err
			}
			v[k] = nx
		}
		return v, nil
	case []any:
		for i, x := range v {
			nx, err := jsonValue(x)
			if err != nil {
				return nil, err
			}
			v[i] = nx
		}
		return v, nil
	}
	// Anything else (typed maps and slices, structs, other number types):
	// round-trip through JSON.
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}
