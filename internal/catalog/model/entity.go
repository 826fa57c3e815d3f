package model

import (
	"strings"

	"github.com/paved-dev/paved/internal/problem"
)

// Link is one entry of metadata.links: an external hyperlink related to the
// entity.
type Link struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
	Icon  string `json:"icon,omitempty"`
	Type  string `json:"type,omitempty"`
}

// Metadata holds the reserved metadata fields of an entity. Namespace is
// always set (DefaultNamespace when the descriptor leaves it out). Other
// metadata fields the descriptor contains are kept in Entity.Raw.
type Metadata struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Links       []Link            `json:"links,omitempty"`
}

// Relation is one outgoing relation of an entity: Type (one of the Rel*
// constants) points from the entity to Target.
type Relation struct {
	Type   string `json:"type"`
	Target Ref    `json:"target"`
}

// Entity is one validated catalog entity.
//
// Encoded as JSON it has the shape of Backstage's API (apiVersion, kind,
// metadata, spec, relations); Raw, RawYAML and Line are not encoded.
type Entity struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata"`
	// Spec is the spec mapping (the same map as Raw["spec"]); nil when the
	// entity has no spec.
	Spec map[string]any `json:"spec,omitempty"`
	// Raw is the whole document as decoded, with unknown fields kept and
	// metadata.namespace defaulted. Values are JSON-compatible: maps are
	// map[string]any, lists []any, scalars string, int, float64, bool or nil.
	Raw map[string]any `json:"-"`
	// RawYAML is the document's own YAML text exactly as written in the
	// file (without the "---" line that introduced it). It is not updated
	// by ResolvePlaceholders.
	RawYAML string `json:"-"`
	// Line is the 1-based line of the document's first content line.
	Line int `json:"-"`
	// Relations are the outgoing relations the entity's own spec fields
	// declare, deduplicated, in field order. The opposite direction of each
	// is Inverse(Type) from Target back to the entity.
	Relations []Relation `json:"relations,omitempty"`

	// placeholderLines maps the field path of every $text/$json/$yaml
	// placeholder found at decode time to its line, so ResolvePlaceholders
	// can report problems at the right place. Nil when there are none.
	placeholderLines map[string]int
}

// Ref returns the entity's own reference.
func (e *Entity) Ref() Ref {
	return Ref{Kind: e.Kind, Namespace: e.Metadata.Namespace, Name: e.Metadata.Name}
}

// SpecString returns spec[key] when it is a string (e.g. "type",
// "lifecycle"), and "" when it is absent or not a string.
func (e *Entity) SpecString(key string) string {
	s, _ := e.Spec[key].(string)
	return s
}

// Owner returns the target of the entity's ownedBy relation.
func (e *Entity) Owner() (Ref, bool) {
	for _, r := range e.Relations {
		if r.Type == RelOwnedBy {
			return r.Target, true
		}
	}
	return Ref{}, false
}

// System returns the target of the entity's partOf relation whose kind is
// System (a Component's or API's or Resource's spec.system).
func (e *Entity) System() (Ref, bool) {
	for _, r := range e.Relations {
		if r.Type == RelPartOf && strings.EqualFold(r.Target.Kind, "system") {
			return r.Target, true
		}
	}
	return Ref{}, false
}

// LocationTarget is one place a Location entity points at. Type is "url"
// or "file" (or whatever spec.type says); Target is the URL or path as
// written, relative paths being relative to the descriptor file.
type LocationTarget struct {
	Type   string `json:"type"`
	Target string `json:"target"`
}

// LocationTargets returns the targets of a Location entity: spec.target
// followed by spec.targets, in order, duplicates removed.
//
// Backstage gives each target spec.type, or when that is absent the type of
// the location that read the descriptor, and resolves relative targets
// against the descriptor's own location. Paved reads descriptors from local
// checkouts, so: a target without a URL scheme (a path such as
// ./a/catalog-info.yaml) is "file" unless spec.type names some other,
// custom type; a target with a scheme ("https://...") is spec.type, or
// "url" when spec.type is absent. It returns nil for other kinds.
func (e *Entity) LocationTargets() []LocationTarget {
	if e.Kind != kindLocation {
		return nil
	}
	typ := e.SpecString("type")
	var out []LocationTarget
	seen := map[string]bool{}
	add := func(v any) {
		t, ok := v.(string)
		if !ok || t == "" || seen[t] {
			return
		}
		seen[t] = true
		lt := LocationTarget{Type: typ, Target: t}
		switch {
		case !hasScheme(t) && (typ == "" || typ == "url"):
			lt.Type = "file"
		case typ == "":
			lt.Type = "url"
		}
		out = append(out, lt)
	}
	add(e.Spec["target"])
	if list, ok := e.Spec["targets"].([]any); ok {
		for _, v := range list {
			add(v)
		}
	}
	return out
}

// Document is one non-empty YAML document of a descriptor file: either a
// valid Entity, or the Problems that rejected it. Each problem has its Line
// (1-based) and Field (a dotted path such as "spec.owner",
// "metadata.tags[2]" or `metadata.annotations["example.com/x"]`, "" for
// the document as a whole); File is left for the caller, who knows it.
type Document struct {
	// Index is the 0-based position of the document among the file's
	// non-empty documents.
	Index int
	// Line is the 1-based line of the document's first content line.
	Line int
	// Entity is the validated entity; nil when the document was rejected.
	Entity *Entity
	// Problems say why the document was rejected; empty when Entity is set.
	Problems []problem.Problem
}
