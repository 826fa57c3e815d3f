package catalogtest

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paved-dev/paved/internal/catalog/model"
)

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"catalog-info.yaml": {Data: []byte(`apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: root}
spec:
  targets: [./org.yaml, ./api.yaml, ./gone.yaml]
`)},
		"org.yaml": {Data: []byte(`apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: [], members: [alice]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: bob}
spec: {memberOf: [team-a, team-b]}
`)},
		"api.yaml": {Data: []byte(`apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: pay}
spec: {type: openapi, lifecycle: production, owner: user:bob, definition: {$text: ./pay.openapi.yaml}}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
`)},
		"pay.openapi.yaml": {Data: []byte("openapi: 3.0.0\n")},
		"stray.yaml":       {Data: []byte("x: 1\n")},
	}
	tr := LoadFS(t, fsys)

	if got := tr.CountByKind(); got["group"] != 1 || got["user"] != 1 || got["api"] != 1 || got["location"] != 1 {
		t.Errorf("CountByKind = %v", got)
	}
	if want := []string{"api.yaml", "catalog-info.yaml", "org.yaml"}; !slices.Equal(tr.Files, want) {
		t.Errorf("Files = %v, want %v", tr.Files, want)
	}
	if want := []string{"pay.openapi.yaml"}; !slices.Equal(tr.Deps, want) {
		t.Errorf("Deps = %v, want %v", tr.Deps, want)
	}
	probs := strings.Join(tr.Problems, "\n")
	for _, want := range []string{"org.yaml:1: group:default/team-a is already defined at api.yaml:6", "gone.yaml does not exist"} {
		if !strings.Contains(probs, want) {
			t.Errorf("Problems lack %q:\n%s", want, probs)
		}
	}
	api, ok := tr.Get(model.Ref{Kind: "API", Namespace: "default", Name: "pay"})
	if !ok || api.SpecString("definition") != "openapi: 3.0.0\n" {
		t.Fatalf("api = %+v, %v", api, ok)
	}
	if w, err := api.AsWritten(); err != nil || w.Spec["definition"].(map[string]any)["$text"] != "./pay.openapi.yaml" {
		t.Errorf("AsWritten = %v, %v", w, err)
	}

	// Files are read in path order, so api.yaml's team-a (without
	// members) is the one kept.
	if got := tr.DanglingRelations(); len(got) != 1 || !strings.Contains(got[0], "org.yaml:6: user:default/bob memberOf group:default/team-b") {
		t.Errorf("DanglingRelations = %q", got)
	}
	if got := tr.Asymmetric(model.RelMemberOf); len(got) != 1 || !strings.Contains(got[0], "bob memberOf group:default/team-a") {
		t.Errorf("Asymmetric(memberOf) = %v", got)
	}
	if got := tr.Incoming(tr.ByKey["group:default/team-a"], model.RelMemberOf); len(got) != 1 || got[0].Metadata.Name != "bob" {
		t.Errorf("Incoming = %v", got)
	}
	wrong := tr.WrongTargetKinds(Rules{"api": {model.RelOwnedBy: {"group"}}})
	if len(wrong) != 3 { // api owned by a user; user relations not allowed
		t.Errorf("WrongTargetKinds = %q", wrong)
	}
	unreached, err := tr.FilesNotReached(fsys, "**/*.yaml")
	if err != nil || !slices.Equal(unreached, []string{"stray.yaml"}) {
		t.Errorf("FilesNotReached = %v, %v", unreached, err)
	}
}
