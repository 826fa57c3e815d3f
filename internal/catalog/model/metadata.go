package model

// The reserved metadata fields: name, namespace, title, description,
// labels, annotations, tags and links.

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// metadata checks the reserved metadata fields and fills m.
func (c *checker) metadata(meta map[string]any, m *Metadata) {
	// name
	switch v, ok := meta["name"]; {
	case !ok:
		c.add("metadata.name is required; add a name such as payments-api", "metadata", "name")
	default:
		s, isStr := str(v)
		switch {
		case isPlaceholderValue(v):
			c.add(identityPlaceholder("metadata.name"), "metadata", "name")
		case !isStr:
			c.add(fmt.Sprintf("must be a string, but it is %s; %s", describe(v), ruleName), "metadata", "name")
		case !isValidName(s):
			c.add(fmt.Sprintf("%q is not a valid name; %s", s, ruleName), "metadata", "name")
		default:
			m.Name = s
		}
	}
	// namespace: optional, "" means the default.
	m.Namespace = DefaultNamespace
	if v, ok := meta["namespace"]; ok {
		s, isStr := str(v)
		switch {
		case isPlaceholderValue(v):
			c.add(identityPlaceholder("metadata.namespace"), "metadata", "namespace")
		case !isStr:
			c.add(fmt.Sprintf("must be a string, but it is %s; %s, or remove it to use %q", describe(v), ruleNamespace, DefaultNamespace), "metadata", "namespace")
		case s == "":
		case !isValidDNSLabel(s):
			c.add(fmt.Sprintf("%q is not a valid namespace; %s", s, ruleNamespace), "metadata", "namespace")
		default:
			m.Namespace = s
		}
	}
	m.Title = c.optString(meta, "title", "metadata")
	m.Description = c.optString(meta, "description", "metadata")

	// labels and annotations.
	m.Labels = c.stringMap(meta, "labels", func(k, v string) string {
		switch {
		case !isValidKey(k):
			return fmt.Sprintf("label key %q is not valid; %s", k, ruleKey)
		case !isValidLabelValue(v):
			return fmt.Sprintf("label value %q is not valid; %s", v, ruleLabelValue)
		}
		return ""
	})
	m.Annotations = c.stringMap(meta, "annotations", func(k, _ string) string {
		if !isValidKey(k) {
			return fmt.Sprintf("annotation key %q is not valid; %s", k, ruleKey)
		}
		return ""
	})

	// tags.
	if v, ok := meta["tags"]; ok && !isPlaceholderValue(v) {
		list, isList := v.([]any)
		if !isList {
			c.add(fmt.Sprintf("must be a list of tags, but it is %s; write e.g. tags: [java, payments]", describe(v)), "metadata", "tags")
		}
		for i, t := range list {
			s, isStr := str(t)
			switch {
			case isPlaceholderValue(t):
			case !isStr:
				c.add(fmt.Sprintf("tag must be a string, but it is %s; %s", describe(t), ruleTag), "metadata", "tags", i)
			case !isValidTag(s):
				c.add(fmt.Sprintf("tag %q is not valid; %s", s, ruleTag), "metadata", "tags", i)
			default:
				m.Tags = append(m.Tags, s)
			}
		}
	}

	// links.
	if v, ok := meta["links"]; ok && !isPlaceholderValue(v) {
		list, isList := v.([]any)
		if !isList {
			c.add(fmt.Sprintf("must be a list of links, but it is %s; write e.g. links: [{url: https://example.com, title: Dashboard}]", describe(v)), "metadata", "links")
		}
		for i, item := range list {
			if isPlaceholderValue(item) {
				continue
			}
			lm, isMap := item.(map[string]any)
			if !isMap {
				c.add(fmt.Sprintf("link must be a mapping with a url, but it is %s; write e.g. {url: https://example.com, title: Dashboard}", describe(item)), "metadata", "links", i)
				continue
			}
			var l Link
			switch u, ok := lm["url"]; {
			case !ok:
				c.add("link url is required; add url: https://...", "metadata", "links", i, "url")
			case isPlaceholderValue(u):
			default:
				s, isStr := str(u)
				if !isStr {
					c.add(fmt.Sprintf("link url must be a string, but it is %s; write an absolute URL such as https://example.com", describe(u)), "metadata", "links", i, "url")
				} else if pu, err := url.Parse(s); err != nil || pu.Scheme == "" {
					c.add(fmt.Sprintf("link url %q is not an absolute URL; write it with a scheme, e.g. https://example.com/dashboard", s), "metadata", "links", i, "url")
				} else if unsafeScheme(pu.Scheme) {
					c.add(fmt.Sprintf("link url %q uses the %s: scheme, which can run code when clicked; link to an http(s) page instead", s, strings.ToLower(pu.Scheme)), "metadata", "links", i, "url")
				} else {
					l.URL = s
				}
			}
			if t, ok := lm["title"]; ok && !isPlaceholderValue(t) {
				if s, isStr := str(t); !isStr || strings.TrimSpace(s) == "" {
					c.add(fmt.Sprintf("link title must be a non-empty string, but it is %s; give it a title or remove it", describeEmpty(t)), "metadata", "links", i, "title")
				} else {
					l.Title = s
				}
			}
			if t, ok := lm["icon"]; ok && !isPlaceholderValue(t) {
				if s, isStr := str(t); !isStr || !isValidName(s) {
					c.add(fmt.Sprintf("link icon must be an icon key (%s), but it is %s", ruleName, quoteOrDescribe(t)), "metadata", "links", i, "icon")
				} else {
					l.Icon = s
				}
			}
			if t, ok := lm["type"]; ok && !isPlaceholderValue(t) {
				if s, isStr := str(t); !isStr {
					c.add(fmt.Sprintf("link type must be a string, but it is %s; %s", describe(t), scalarHint(t)), "metadata", "links", i, "type")
				} else {
					l.Type = s
				}
			}
			m.Links = append(m.Links, l)
		}
	}
}

// unsafeScheme reports whether a link URL scheme can execute script or
// embed content when a user interface opens it. Backstage accepts any URL;
// Paved shows links in a desktop web view, so it refuses these.
func unsafeScheme(scheme string) bool {
	switch strings.ToLower(scheme) {
	case "javascript", "vbscript", "data":
		return true
	}
	return false
}

// stringMap checks a metadata mapping of string values (labels,
// annotations) with check returning a message for a bad entry.
func (c *checker) stringMap(meta map[string]any, key string, check func(k, v string) string) map[string]string {
	v, ok := meta[key]
	if !ok || isPlaceholderValue(v) {
		return nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		c.add(fmt.Sprintf("must be a mapping of string keys to string values, but it is %s; write e.g. %s: {example.com/key: value}", describe(v), key), "metadata", key)
		return nil
	}
	out := make(map[string]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) { // deterministic problem order
		val := m[k]
		if isPlaceholderValue(val) {
			continue
		}
		s, isStr := str(val)
		if !isStr {
			c.add(fmt.Sprintf("value must be a string, but it is %s; %s", describe(val), scalarHint(val)), "metadata", key, k)
			continue
		}
		if msg := check(k, s); msg != "" {
			c.add(msg, "metadata", key, k)
			continue
		}
		out[k] = s
	}
	return out
}
