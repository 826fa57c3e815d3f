package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/catalog/model"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/testenv"
)

func TestGraphBothWaysDoesNotZigzagIntoSiblings(t *testing.T) {
	s, _ := newService(t)
	files := orgFiles()
	// sibling also depends on payments-db, but has nothing to do with checkout.
	files["services/sibling.yaml"] = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: sibling}
spec: {type: service, lifecycle: production, owner: team-a, dependsOn: [resource:payments-db]}
`
	addDir(t, s, "org", testenv.WriteFiles(t, t.TempDir(), files))
	syncOK(t, s, "org")
	g, err := s.Graph(context.Background(), "checkout", GraphOptions{Depth: 3, Direction: Both})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range g.Nodes {
		if n.Name == "sibling" {
			t.Fatalf("graph of checkout reached sibling through a shared dependency: %+v", g.Nodes)
		}
	}
	// Going up from the shared dependency does reach both dependents.
	up, _ := s.Graph(context.Background(), "payments-db", GraphOptions{Depth: 2, Direction: Up})
	names := map[string]bool{}
	for _, n := range up.Nodes {
		names[n.Name] = true
	}
	if !names["sibling"] || !names["payments-service"] || !names["checkout"] {
		t.Errorf("up graph of payments-db = %+v", up.Nodes)
	}
}

// TestDependenciesFilterRelationsAndKindsAndListMissing walks as devenv
// does: only dependsOn (declared either way),
// only components followed, as deep as the relations go, and references
// to entities the catalog does not have listed as missing.
func TestDependenciesFilterRelationsAndKindsAndListMissing(t *testing.T) {
	s, _ := newService(t)
	files := orgFiles()
	files["services/chain.yaml"] = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: web}
spec: {type: website, lifecycle: production, owner: team-a, dependsOn: [component:checkout, component:ghost, resource:payments-db]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: audit-log}
spec: {type: service, lifecycle: production, owner: team-a, dependencyOf: [component:payments-service]}
`
	addDir(t, s, "org", testenv.WriteFiles(t, t.TempDir(), files))
	syncOK(t, s, "org")
	ctx := context.Background()
	o := DependencyOptions{Direction: Down, Relations: []string{model.RelDependsOn}, Kinds: []string{"Component"}}
	g, err := s.Dependencies(ctx, "web", o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range g.Nodes {
		got = append(got, fmt.Sprintf("%d %s %v", n.Depth, n.Ref, n.Missing))
	}
	want := []string{
		"0 component:default/web false",
		"1 component:default/checkout false",
		"1 component:default/ghost true",             // not in the catalog: listed
		"2 component:default/payments-service false", // checkout dependsOn it; consumesApi is not followed
		"3 component:default/audit-log false",        // declared from the other side (dependencyOf)
	}
	if !slices.Equal(got, want) {
		t.Errorf("nodes =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, e := range g.Edges {
		if e.Type != model.RelDependsOn || strings.HasPrefix(e.To, "resource:") {
			t.Errorf("edge %+v is not a dependsOn between listed components", e)
		}
	}
	o.Depth = 1
	if one, _ := s.Dependencies(ctx, "web", o); len(one.Nodes) != 3 {
		t.Errorf("depth 1: %+v", one.Nodes)
	}
	for _, bad := range []DependencyOptions{{Direction: "sideways"}, {Depth: -1}} {
		if _, err := s.Dependencies(ctx, "web", bad); problem.KindOf(err) != problem.Invalid {
			t.Errorf("%+v: err = %v, want invalid", bad, err)
		}
	}
}
