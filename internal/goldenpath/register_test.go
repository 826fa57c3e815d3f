package goldenpath

import (
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/goldenpath/render"
	"github.com/paved-dev/paved/internal/problem"
)

// catalog:register reports a rendered descriptor's problems as the catalog
// does: file:line: field: message, as structure for the UI.
func TestRegisterReportsTheCatalogsOwnProblems(t *testing.T) {
	for name, c := range map[string]struct{ yaml, want string }{
		"empty owner": {
			"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\nspec:\n  type: service\n  lifecycle: production\n  owner: \"\"\n",
			"catalog-info.yaml:8: spec.owner",
		},
		"syntax error": {
			"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [orders\n",
			"catalog-info.yaml:",
		},
	} {
		tree := render.NewTree()
		if err := tree.Put("catalog-info.yaml", []byte(c.yaml), false); err != nil {
			t.Fatal(err)
		}
		_, err := entityOf(tree, "catalog-info.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, c.want)
			continue
		}
		ps := problem.ProblemsOf(err)
		if problem.KindOf(err) != problem.Invalid || len(ps) == 0 || ps[0].File != "catalog-info.yaml" || ps[0].Line == 0 {
			t.Errorf("%s: problems = %+v (kind %s), want invalid with file and line", name, ps, problem.KindOf(err))
		}
	}
}
