package catalog

import (
	"context"
	"testing"

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
