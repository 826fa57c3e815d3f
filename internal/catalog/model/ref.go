package model

import (
	"fmt"
	"strings"
)

// DefaultNamespace is the namespace of entities and references that do not
// name one.
const DefaultNamespace = "default"

// Ref is an entity reference: the kind, namespace and name triplet that
// identifies an entity. Kind keeps the case it was written with (or the
// Backstage spelling of a default kind, e.g. "Group"), so it can be shown
// as written; use Key to compare references.
type Ref struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// String formats the reference in Backstage's string form,
// "kind:namespace/name", with the kind lower-cased and the namespace and
// name as written, e.g. "component:default/payments-api".
func (r Ref) String() string {
	return strings.ToLower(r.Kind) + ":" + r.Namespace + "/" + r.Name
}

// Key is the reference's identity: its string form entirely lower-cased.
// Entity references compare case-insensitively, so two refs denote the same
// entity exactly when their keys are equal.
func (r Ref) Key() string {
	return strings.ToLower(r.String())
}

// RefDefaults supplies the parts a short reference leaves out. An empty
// Kind means the reference must name its kind; an empty Namespace means
// DefaultNamespace.
type RefDefaults struct {
	Kind      string
	Namespace string
}

// ParseRef parses an entity reference of the form "[kind:][namespace/]name"
// (Backstage's parseEntityRef), filling missing parts from d. It returns an
// error that says how to fix the reference when a part is empty, when the
// kind is still missing after defaults are applied, or when a part is not
// a valid kind, namespace or name (such a reference could never match an
// entity).
func ParseRef(s string, d RefDefaults) (Ref, error) {
	if s == "" {
		return Ref{}, fmt.Errorf("entity reference is empty; write it as [kind:][namespace/]name, e.g. group:default/team-a")
	}
	colon := strings.IndexByte(s, ':')
	slash := strings.IndexByte(s, '/')
	if slash >= 0 && slash < colon {
		// A '/' ahead of the ':' means there is no kind; the ':' belongs to
		// the name (and will make it invalid below).
		colon = -1
	}
	var r Ref
	nameStart := 0
	if colon >= 0 {
		r.Kind = s[:colon]
		nameStart = colon + 1
		if r.Kind == "" {
			return Ref{}, fmt.Errorf("entity reference %q has an empty kind before ':'; write it as kind:name, e.g. component:%s", s, s[colon+1:])
		}
	}
	if slash >= 0 {
		r.Namespace = s[nameStart:slash]
		nameStart = slash + 1
		if r.Namespace == "" {
			return Ref{}, fmt.Errorf("entity reference %q has an empty namespace before '/'; write namespace/name or drop the '/'", s)
		}
	}
	r.Name = s[nameStart:]
	if r.Name == "" {
		return Ref{}, fmt.Errorf("entity reference %q has an empty name; write it as [kind:][namespace/]name", s)
	}
	if r.Kind == "" {
		r.Kind = d.Kind
	}
	if r.Kind == "" {
		return Ref{}, fmt.Errorf("entity reference %q has no kind and none is implied here; prefix it with the kind, e.g. component:%s or resource:%s", s, s, s)
	}
	if r.Namespace == "" {
		r.Namespace = d.Namespace
		if r.Namespace == "" {
			r.Namespace = DefaultNamespace
		}
	}
	if !isValidKind(r.Kind) {
		return Ref{}, fmt.Errorf("entity reference %q has an invalid kind %q; %s", s, r.Kind, ruleKind)
	}
	if !isValidDNSLabel(strings.ToLower(r.Namespace)) {
		return Ref{}, fmt.Errorf("entity reference %q has an invalid namespace %q; %s", s, r.Namespace, ruleNamespace)
	}
	if !isValidName(r.Name) {
		return Ref{}, fmt.Errorf("entity reference %q has an invalid name %q; %s", s, r.Name, ruleName)
	}
	return r, nil
}
