package model

import (
	"strings"
	"testing"
)

func TestInverseIsAnInvolution(t *testing.T) {
	types := RelationTypes()
	if len(types) != 14 {
		t.Fatalf("RelationTypes() has %d types, want 14", len(types))
	}
	seen := map[string]bool{}
	for _, rt := range types {
		if seen[rt] {
			t.Errorf("%s listed twice", rt)
		}
		seen[rt] = true
		inv := Inverse(rt)
		if inv == "" || inv == rt {
			t.Errorf("Inverse(%q) = %q", rt, inv)
		}
		if Inverse(inv) != rt {
			t.Errorf("Inverse(Inverse(%q)) = %q", rt, Inverse(inv))
		}
	}
	pairs := map[string]string{
		RelOwnedBy: RelOwnerOf, RelDependsOn: RelDependencyOf, RelProvidesAPI: RelAPIProvidedBy,
		RelConsumesAPI: RelAPIConsumedBy, RelPartOf: RelHasPart, RelMemberOf: RelHasMember, RelChildOf: RelParentOf,
	}
	for a, b := range pairs {
		if Inverse(a) != b || Inverse(b) != a {
			t.Errorf("%s <-> %s broken", a, b)
		}
	}
	wantNames := map[string]string{
		RelOwnedBy: "ownedBy", RelOwnerOf: "ownerOf", RelDependsOn: "dependsOn", RelDependencyOf: "dependencyOf",
		RelProvidesAPI: "providesApi", RelAPIProvidedBy: "apiProvidedBy", RelConsumesAPI: "consumesApi",
		RelAPIConsumedBy: "apiConsumedBy", RelPartOf: "partOf", RelHasPart: "hasPart", RelMemberOf: "memberOf",
		RelHasMember: "hasMember", RelChildOf: "childOf", RelParentOf: "parentOf",
	}
	for c, name := range wantNames {
		if c != name {
			t.Errorf("constant %q, want Backstage's %q", c, name)
		}
	}
	for _, unknown := range []string{"", "owns", "OwnedBy", "ownedby"} {
		if got := Inverse(unknown); got != "" {
			t.Errorf("Inverse(%q) = %q, want \"\"", unknown, got)
		}
	}
}

// TestRelationsPerField checks the field -> relation mapping of every
// built-in kind (Backstage's BuiltinKindsEntityProcessor), with the default
// kind and the entity's own namespace as default namespace.
func TestRelationsPerField(t *testing.T) {
	tests := []struct {
		kind, spec string
		want       []string
	}{
		{"Component", "type: s\nlifecycle: l\nowner: o\nsystem: s1\nsubcomponentOf: c1\nprovidesApis: [p1]\nconsumesApis: [c2]\ndependsOn: [resource:r1]\ndependencyOf: [component:c3]", []string{
			"ownedBy group:ns/o", "partOf system:ns/s1", "partOf component:ns/c1", "providesApi api:ns/p1",
			"consumesApi api:ns/c2", "dependsOn resource:ns/r1", "dependencyOf component:ns/c3"}},
		{"API", "type: t\nlifecycle: l\nowner: user:o\nsystem: other/s1\ndefinition: d", []string{"ownedBy user:ns/o", "partOf system:other/s1"}},
		{"Resource", "type: t\nowner: o\ndependsOn: [component:c1]\ndependencyOf: [resource:r2]\nsystem: s1", []string{
			"ownedBy group:ns/o", "dependsOn component:ns/c1", "dependencyOf resource:ns/r2", "partOf system:ns/s1"}},
		{"System", "owner: o\ndomain: d1", []string{"ownedBy group:ns/o", "partOf domain:ns/d1"}},
		{"Domain", "owner: o\nsubdomainOf: d0", []string{"ownedBy group:ns/o", "partOf domain:ns/d0"}},
		{"Group", "type: team\nparent: p\nchildren: [c1, c2]\nmembers: [u1]", []string{
			"childOf group:ns/p", "parentOf group:ns/c1", "parentOf group:ns/c2", "hasMember user:ns/u1"}},
		{"User", "memberOf: [g1, other/g2]", []string{"memberOf group:ns/g1", "memberOf group:other/g2"}},
		{"Location", "target: ./a.yaml", nil},
		{"Template", "type: t\nowner: o\nparameters: {}\nsteps: []", []string{"ownedBy group:ns/o"}},
		// Deduplication within an entity, across spellings.
		{"Component", "type: s\nlifecycle: l\nowner: o\ndependsOn: [resource:r, Resource:NS/R, resource:ns/r]\nconsumesApis: [a, api:a, API:ns/a]", []string{
			"ownedBy group:ns/o", "consumesApi api:ns/a", "dependsOn resource:ns/r"}},
		// The same target under different relation types is kept.
		{"Component", "type: s\nlifecycle: l\nowner: o\ndependsOn: [component:x]\ndependencyOf: [component:x]", []string{
			"ownedBy group:ns/o", "dependsOn component:ns/x", "dependencyOf component:ns/x"}},
	}
	for _, tt := range tests {
		version := "backstage.io/v1alpha1"
		if tt.kind == "Template" {
			version = "scaffolder.backstage.io/v1beta3"
		}
		in := "apiVersion: " + version + "\nkind: " + tt.kind + "\nmetadata:\n  name: self\n  namespace: ns\nspec:\n  " +
			strings.ReplaceAll(tt.spec, "\n", "\n  ") + "\n"
		docs, err := Decode([]byte(in))
		if err != nil || len(docs) != 1 || docs[0].Entity == nil {
			t.Fatalf("%s: %v %+v", tt.kind, err, docs)
		}
		got := relStrings(docs[0].Entity.Relations)
		// Order follows the field table; compare as sets for the dedup cases.
		if !sameSet(got, tt.want) {
			t.Errorf("%s relations:\n got  %q\n want %q", tt.kind, got, tt.want)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}
