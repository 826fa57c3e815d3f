package model

// The envelope of an entity: apiVersion, kind, metadata and spec, and the
// order in which a document is validated.

import (
	"fmt"
	"slices"
	"strings"
)

// build validates the document raw and returns its Entity, or nil when
// problems were found (they are in c.problems).
func (c *checker) build(raw map[string]any) *Entity {
	e := &Entity{Raw: raw}

	// apiVersion and kind.
	e.APIVersion = c.envelopeString(raw, "apiVersion", "backstage.io/v1alpha1")
	e.Kind = c.envelopeString(raw, "kind", "Component")
	var rule *kindRule
	if e.Kind != "" {
		if !isValidKind(e.Kind) {
			c.add(fmt.Sprintf("kind %q is not valid; %s", e.Kind, ruleKind), "kind")
		} else if rule = ruleFor(e.Kind); rule == nil {
			for i := range kindRules {
				if strings.EqualFold(kindRules[i].kind, e.Kind) {
					c.add(fmt.Sprintf("kind %q must be written %q (kinds are case-sensitive)", e.Kind, kindRules[i].kind), "kind")
				}
			}
		}
	}
	if e.APIVersion != "" {
		switch {
		case rule != nil && !slices.Contains(rule.apiVersions, e.APIVersion):
			c.add(fmt.Sprintf("apiVersion %q is not supported for kind %s; use %s", e.APIVersion, rule.kind, strings.Join(rule.apiVersions, " or ")), "apiVersion")
		case rule == nil && !isValidGroupVersion(e.APIVersion):
			c.add(fmt.Sprintf("apiVersion %q is not valid; %s", e.APIVersion, ruleAPIVersion), "apiVersion")
		}
	}

	// metadata.
	md, hasMetadata := raw["metadata"]
	meta, isMap := md.(map[string]any)
	switch {
	case !hasMetadata:
		c.add("metadata is required; add a metadata mapping with at least a name", "metadata")
	case isPlaceholderValue(md):
		c.add(identityPlaceholder("metadata"), "metadata")
		meta = nil
	case !isMap:
		c.add(fmt.Sprintf("metadata must be a mapping, but it is %s; add a metadata mapping with at least a name", describe(md)), "metadata")
		meta = nil
	default:
		c.metadata(meta, &e.Metadata)
	}

	// spec.
	sp, hasSpec := raw["spec"]
	spec, specIsMap := sp.(map[string]any)
	switch {
	case !hasSpec:
		if rule != nil {
			c.add(fmt.Sprintf("spec is required for kind %s; add a spec mapping%s", rule.kind, requiredList(rule)), "spec")
		}
	case isPlaceholderValue(sp):
		spec = nil // checked once ResolvePlaceholders has substituted it
	case !specIsMap:
		c.add(fmt.Sprintf("spec must be a mapping, but it is %s; write the spec fields as key: value pairs under spec:", describe(sp)), "spec")
	default:
		e.Spec = spec
	}

	if len(c.problems) > 0 {
		return nil
	}
	if meta != nil && (meta["namespace"] == nil || meta["namespace"] == "") {
		meta["namespace"] = DefaultNamespace
	}
	c.self = e.Ref()
	if rule != nil && spec != nil {
		c.spec(rule, spec)
	}
	if len(c.problems) > 0 {
		return nil
	}
	e.Relations = c.rels
	return e
}

// envelopeString reads the required string field key of the envelope,
// reporting a problem (with example as the fix) when it is missing, empty
// or not a string.
func (c *checker) envelopeString(raw map[string]any, key, example string) string {
	v, ok := raw[key]
	s, isStr := str(v)
	switch {
	case !ok:
		c.add(fmt.Sprintf("%s is required; add e.g. %s: %s", key, key, example), key)
	case isPlaceholderValue(v):
		c.add(identityPlaceholder(key), key)
	case !isStr:
		c.add(fmt.Sprintf("%s must be a string, but it is %s; write e.g. %s: %s", key, describe(v), key, example), key)
	case s == "":
		c.add(fmt.Sprintf("%s is empty; set it, e.g. %s: %s", key, key, example), key)
	}
	return s
}

// identityPlaceholder is the message for a placeholder in a field that
// identifies the entity and so must be known without reading anything.
func identityPlaceholder(field string) string {
	return "$text/$json/$yaml placeholders cannot be used in " + field + ", because it identifies the entity; write the value directly"
}
