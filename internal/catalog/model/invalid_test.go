package model

import (
	"path/filepath"
	"testing"
)

// TestDecodeInvalidFixtures: every document of the invalid fixtures breaks
// exactly one rule and is rejected with exactly one problem naming the
// field, the line and what to do. The other documents of the same file are
// unaffected (each is judged on its own).
func TestDecodeInvalidFixtures(t *testing.T) {
	tests := []struct {
		file    string
		doc     int
		line    int
		field   string
		message string
	}{
		{"invalid/envelope.yaml", 0, 2, "apiVersion", "apiVersion is required; add e.g. apiVersion: backstage.io/v1alpha1"},
		{"invalid/envelope.yaml", 1, 7, "kind", "kind is required; add e.g. kind: Component"},
		{"invalid/envelope.yaml", 2, 12, "kind", "kind must be a string, but it is a number; write e.g. kind: Component"},
		{"invalid/envelope.yaml", 3, 17, "kind", "kind \"My-Kind\" is not valid; use 1-63 characters from [a-zA-Z0-9], starting with a letter (e.g. Component)"},
		{"invalid/envelope.yaml", 4, 22, "kind", "kind \"component\" must be written \"Component\" (kinds are case-sensitive)"},
		{"invalid/envelope.yaml", 5, 26, "apiVersion", "apiVersion \"backstage.io/v2\" is not supported for kind Component; use backstage.io/v1alpha1 or backstage.io/v1beta1"},
		{"invalid/envelope.yaml", 6, 32, "apiVersion", "apiVersion \"v1\" is not valid; use <group>/<version> with a lowercase DNS group and an alphanumeric version (e.g. backstage.io/v1alpha1)"},
		{"invalid/envelope.yaml", 7, 37, "metadata", "metadata is required; add a metadata mapping with at least a name"},
		{"invalid/envelope.yaml", 8, 43, "metadata", "metadata must be a mapping, but it is a string; add a metadata mapping with at least a name"},
		{"invalid/envelope.yaml", 9, 46, "", "the document is a list, but an entity must be a mapping; write it as key: value pairs starting with apiVersion, kind, metadata and spec"},
		{"invalid/envelope.yaml", 10, 49, "spec", "spec is required for kind Component; add a spec mapping with type, lifecycle, owner"},
		{"invalid/envelope.yaml", 11, 58, "spec", "spec must be a mapping, but it is a list; write the spec fields as key: value pairs under spec:"},
		{"invalid/envelope.yaml", 12, 65, "metadata.name", "key \"name\" appears more than once in this mapping; remove the duplicate"},
		{"invalid/envelope.yaml", 13, 68, "apiVersion", "apiVersion is empty; set it, e.g. apiVersion: backstage.io/v1alpha1"},
		{"invalid/envelope.yaml", 14, 74, "apiVersion", "apiVersion \"scaffolder.backstage.io/v1beta3\" is not supported for kind Component; use backstage.io/v1alpha1 or backstage.io/v1beta1"},
		{"invalid/envelope.yaml", 15, 84, "metadata", "a mapping key is a list or mapping; keys must be plain strings"},
		{"invalid/envelope.yaml", 16, 92, "metadata", "the merge key << must be given a mapping or a list of mappings"},
		{"invalid/envelope.yaml", 17, 98, "metadata.name", "$text/$json/$yaml placeholders cannot be used in metadata.name, because it identifies the entity; write the value directly"},
		{"invalid/envelope.yaml", 19, 113, "spec.owner", "alias *owner refers to an anchor in an earlier document; anchors only work within one document, so define &owner in this one"},
		{"invalid/metadata.yaml", 0, 4, "metadata.name", "metadata.name is required; add a name such as payments-api"},
		{"invalid/metadata.yaml", 1, 11, "metadata.name", "\"this-name-is-far-too-long-for-backstage-which-allows-63-characters\" is not a valid name; use 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.', starting and ending with a letter or digit (e.g. payments-api)"},
		{"invalid/metadata.yaml", 2, 17, "metadata.name", "\"Payments Team\" is not a valid name; use 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.', starting and ending with a letter or digit (e.g. payments-api)"},
		{"invalid/metadata.yaml", 3, 23, "metadata.name", "\"-leading-dash\" is not a valid name; use 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.', starting and ending with a letter or digit (e.g. payments-api)"},
		{"invalid/metadata.yaml", 4, 29, "metadata.name", "must be a string, but it is a number; use 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.', starting and ending with a letter or digit (e.g. payments-api)"},
		{"invalid/metadata.yaml", 5, 36, "metadata.namespace", "\"Payments\" is not a valid namespace; use 1-63 characters from [a-z0-9] separated by single '-' (e.g. payments)"},
		{"invalid/metadata.yaml", 6, 43, "metadata.namespace", "\"pay_ments\" is not a valid namespace; use 1-63 characters from [a-z0-9] separated by single '-' (e.g. payments)"},
		{"invalid/metadata.yaml", 7, 51, "metadata.labels[\"a/b/c\"]", "label key \"a/b/c\" is not valid; use an optional lowercase DNS prefix and '/', then 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.' (e.g. example.com/service-id)"},
		{"invalid/metadata.yaml", 8, 59, "metadata.labels.tier", "label value \"gold plated\" is not valid; use an empty string or 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.'"},
		{"invalid/metadata.yaml", 9, 67, "metadata.labels.version", "value must be a string, but it is a number; quote it to make it text (e.g. \"1.5\")"},
		{"invalid/metadata.yaml", 10, 75, "metadata.annotations[\"Example.COM/owner\"]", "annotation key \"Example.COM/owner\" is not valid; use an optional lowercase DNS prefix and '/', then 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.' (e.g. example.com/service-id)"},
		{"invalid/metadata.yaml", 11, 83, "metadata.annotations[\"example.com/owners\"]", "value must be a string, but it is a list; write it as a single string"},
		{"invalid/metadata.yaml", 12, 90, "metadata.tags", "must be a list of tags, but it is a string; write e.g. tags: [java, payments]"},
		{"invalid/metadata.yaml", 13, 97, "metadata.tags[1]", "tag \"Go\" is not valid; use 1-63 characters from [a-z0-9:+#] separated by single '-' (e.g. java or team-a)"},
		{"invalid/metadata.yaml", 14, 105, "metadata.tags[0]", "tag \"snake_case\" is not valid; use 1-63 characters from [a-z0-9:+#] separated by single '-' (e.g. java or team-a)"},
		{"invalid/metadata.yaml", 15, 113, "metadata.tags[0]", "tag \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not valid; use 1-63 characters from [a-z0-9:+#] separated by single '-' (e.g. java or team-a)"},
		{"invalid/metadata.yaml", 16, 120, "metadata.links", "must be a list of links, but it is a string; write e.g. links: [{url: https://example.com, title: Dashboard}]"},
		{"invalid/metadata.yaml", 17, 128, "metadata.links[0].url", "link url is required; add url: https://..."},
		{"invalid/metadata.yaml", 18, 137, "metadata.links[1].url", "link url \"/dashboards/payments\" is not an absolute URL; write it with a scheme, e.g. https://example.com/dashboard"},
		{"invalid/metadata.yaml", 19, 146, "metadata.links[0].title", "link title must be a non-empty string, but it is \"  \"; give it a title or remove it"},
		{"invalid/metadata.yaml", 20, 155, "metadata.links[0].icon", "link icon must be an icon key (use 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.', starting and ending with a letter or digit (e.g. payments-api)), but it is \"dash board\""},
		{"invalid/metadata.yaml", 21, 162, "metadata.title", "must be a string, but it is a number; quote it to make it text (e.g. \"1.5\")"},
		{"invalid/metadata.yaml", 22, 169, "metadata.description", "must be a string, but it is empty (null); give it a value or remove the key"},
		{"invalid/metadata.yaml", 23, 177, "metadata.links[0].url", "link url \"JavaScript:alert(document.cookie)\" uses the javascript: scheme, which can run code when clicked; link to an http(s) page instead"},
		{"invalid/component.yaml", 0, 6, "spec.type", "spec.type is required for kind Component; set it, e.g. type: service"},
		{"invalid/component.yaml", 1, 14, "spec.lifecycle", "spec.lifecycle is required for kind Component; set it, e.g. lifecycle: production"},
		{"invalid/component.yaml", 2, 22, "spec.owner", "spec.owner is required for kind Component; set it, e.g. owner: group:team-a"},
		{"invalid/component.yaml", 3, 33, "spec.owner", "must be a string, but it is a number; write an entity reference such as group:name or namespace/name"},
		{"invalid/component.yaml", 4, 42, "spec.owner", "must not be empty; write an entity reference such as group:name or namespace/name, or remove the key"},
		{"invalid/component.yaml", 5, 52, "spec.dependsOn", "must be a list of entity references, but it is a string; write e.g. dependsOn: [component:payments-api, resource:payments-db]"},
		{"invalid/component.yaml", 6, 64, "spec.dependsOn[1]", "entity reference \"payments-cache\" has no kind and none is implied here; prefix it with the kind, e.g. component:payments-cache or resource:payments-cache"},
		{"invalid/component.yaml", 7, 74, "spec.providesApis[1]", "must be a string, but it is a number; write an entity reference such as api:name or namespace/name"},
		{"invalid/component.yaml", 8, 84, "spec.system", "entity reference \"system:\" has an empty name; write it as [kind:][namespace/]name"},
		{"invalid/component.yaml", 9, 94, "spec.subcomponentOf", "must be a string, but it is a list; write an entity reference such as component:name or namespace/name"},
		{"invalid/component.yaml", 10, 104, "spec.dependencyOf[0]", "entity reference \"checkout-web\" has no kind and none is implied here; prefix it with the kind, e.g. component:checkout-web or resource:checkout-web"},
		{"invalid/component.yaml", 11, 113, "spec.owner", "entity reference \"petstore@example.com\" has an invalid name \"petstore@example.com\"; use 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.', starting and ending with a letter or digit (e.g. payments-api)"},
		{"invalid/component.yaml", 12, 120, "spec.type", "must not be empty; write text such as service (quote values that look like numbers), or remove the key"},
		{"invalid/component.yaml", 13, 132, "spec.system", "is empty; write an entity reference such as system:name or namespace/name, or remove the key"},
		{"invalid/kinds.yaml", 0, 6, "spec.definition", "spec.definition is required for kind API; set it, e.g. definition: {$text: ./openapi.yaml}"},
		{"invalid/kinds.yaml", 1, 15, "spec.owner", "spec.owner is required for kind Resource; set it, e.g. owner: group:team-a"},
		{"invalid/kinds.yaml", 2, 22, "spec.owner", "spec.owner is required for kind System; set it, e.g. owner: group:team-a"},
		{"invalid/kinds.yaml", 3, 30, "spec.owner", "entity reference \":team-a\" has an empty kind before ':'; write it as kind:name, e.g. component:team-a"},
		{"invalid/kinds.yaml", 4, 36, "spec.children", "spec.children is required for kind Group; set it, e.g. children: [] (an empty list when the group has no child groups)"},
		{"invalid/kinds.yaml", 5, 45, "spec.children", "must be a list of entity references, but it is a mapping; write e.g. children: [group-a, group-b]"},
		{"invalid/kinds.yaml", 6, 54, "spec.profile", "must be a mapping with optional displayName, email and picture, but it is a string; write e.g. profile: {displayName: Payments, email: payments@example.com}"},
		{"invalid/kinds.yaml", 7, 65, "spec.profile.email", "must not be empty; write it as text, or remove the key"},
		{"invalid/kinds.yaml", 8, 71, "spec.memberOf", "spec.memberOf is required for kind User; set it, e.g. memberOf: [] (an empty list when the user is in no group)"},
		{"invalid/kinds.yaml", 9, 80, "spec.memberOf[0]", "entity reference \"group:a/b/c\" has an invalid name \"b/c\"; use 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.', starting and ending with a letter or digit (e.g. payments-api)"},
		{"invalid/kinds.yaml", 10, 86, "spec", "a Location needs spec.target or spec.targets; add e.g. target: ./components/catalog-info.yaml"},
		{"invalid/kinds.yaml", 11, 94, "spec.targets", "must be a list of strings, but it is a string; write e.g. targets: [./a/catalog-info.yaml, ./b/catalog-info.yaml]"},
		{"invalid/kinds.yaml", 12, 102, "spec.presence", "\"maybe\" is not a valid presence; use required or optional"},
		{"invalid/kinds.yaml", 13, 108, "spec.steps", "spec.steps is required for kind Template; set it, e.g. steps: a list of steps with an action each"},
		{"invalid/kinds.yaml", 14, 120, "spec.steps[0].action", "step action is required; add e.g. action: fetch:template"},
		{"invalid/kinds.yaml", 15, 129, "spec.parameters", "must be a JSON Schema mapping or a list of them, but it is a string; write e.g. parameters: [{title: Details, properties: {name: {type: string}}}]"},
		{"invalid/kinds.yaml", 16, 138, "spec.owner", "entity reference \"group:platform/\" has an empty name; write it as [kind:][namespace/]name"},
		{"invalid/kinds.yaml", 17, 142, "apiVersion", "apiVersion \"backstage.io/v1alpha1\" is not supported for kind Template; use scaffolder.backstage.io/v1beta3 or scaffolder.backstage.io/v1beta2 or backstage.io/v1beta2"},
		{"invalid/kinds.yaml", 18, 158, "spec.members[0]", "entity reference \"user: jdoe\" has an invalid name \" jdoe\"; use 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.', starting and ending with a letter or digit (e.g. payments-api)"},
		{"invalid/duplicate-entity.yaml", 1, 10, "metadata.name", "entity group:default/Platform is already defined by the document at line 1 of this file; remove one of them or give them different names"},
	}
	byFile := map[string][]Document{}
	covered := map[string]map[int]bool{}
	for _, tt := range tests {
		docs, ok := byFile[tt.file]
		if !ok {
			docs = decodeFixture(t, tt.file)
			byFile[tt.file] = docs
			covered[tt.file] = map[int]bool{}
		}
		covered[tt.file][tt.doc] = true
		if tt.doc >= len(docs) {
			t.Errorf("%s: no document %d", tt.file, tt.doc)
			continue
		}
		d := docs[tt.doc]
		if d.Entity != nil {
			t.Errorf("%s doc %d: accepted, want rejected with %s: %s", tt.file, tt.doc, tt.field, tt.message)
			continue
		}
		if len(d.Problems) != 1 {
			t.Errorf("%s doc %d: %d problems, want 1:%s", tt.file, tt.doc, len(d.Problems), problemStrings(d.Problems))
			continue
		}
		p := d.Problems[0]
		if p.Line != tt.line || p.Field != tt.field || p.Message != tt.message {
			t.Errorf("%s doc %d:\n got  line %d %q %q\n want line %d %q %q", tt.file, tt.doc, p.Line, p.Field, p.Message, tt.line, tt.field, tt.message)
		}
	}
	// Every document of every invalid fixture is covered (apart from the
	// deliberately valid first document of duplicate-entity.yaml).
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "invalid", "*.yaml"))
	for _, f := range files {
		name := "invalid/" + filepath.Base(f)
		docs, ok := byFile[name]
		if !ok {
			continue // file-level errors are tested in TestDecodeSyntaxErrors
		}
		for i, d := range docs {
			if !covered[name][i] && d.Entity == nil {
				t.Errorf("%s doc %d is rejected but has no expectation:%s", name, i, problemStrings(d.Problems))
			}
		}
	}
	if d := byFile["invalid/duplicate-entity.yaml"][0]; d.Entity == nil {
		t.Errorf("the first of two duplicate entities must be kept:%s", problemStrings(d.Problems))
	}
}
