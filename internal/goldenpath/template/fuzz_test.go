package template

import (
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
)

// FuzzParse feeds template.yaml files to Parse and to what callers do with
// a parsed template (defaults, validation, form split, --set typing): no
// panic, errors are problems naming the file, and a parsed template keeps
// Parse's promises (unique step ids, one schema per page).
// go test -run XXX -fuzz FuzzParse -fuzztime 60s ./internal/goldenpath/template
func FuzzParse(f *testing.F) {
	f.Add([]byte(valid), "name", "x")
	f.Add([]byte(strings.Replace(valid, "input: {url: ./skeleton}}", "input: {url: ./skeleton}, each: [1, 2]}", 1)), "port", "80")
	f.Add([]byte(strings.Replace(valid, "port: {type: integer, default: 8080}", `port: {$ref: "#/definitions/p"}`, 1)), "tags", "a,b")
	f.Add([]byte("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n  parameters: {properties: {a: {type: object}}}\n  steps: []\n"), "a", "{\"x\": 1}")
	f.Add([]byte("a: &a [*a]\n"), "", "")
	f.Add([]byte("{}"), "pg", "maybe")
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		tpl, err := Parse("t/template.yaml", data)
		if err != nil {
			ps := problem.ProblemsOf(err)
			if problem.KindOf(err) != problem.Invalid || len(ps) == 0 {
				t.Fatalf("error %v is not an invalid-input problem (kind %s)", err, problem.KindOf(err))
			}
			for _, p := range ps {
				if p.File != "t/template.yaml" || p.Message == "" {
					t.Fatalf("problem %+v does not name the file and what is wrong", p)
				}
			}
			return
		}
		seen := map[string]bool{}
		for _, st := range tpl.Spec.Steps {
			if st.ID == "" || seen[st.ID] || st.Each != nil {
				t.Fatalf("step %+v after Parse", st)
			}
			seen[st.ID] = true
		}
		if len(tpl.schemas) != len(tpl.Pages) || len(tpl.PropertyOrder) != len(tpl.Pages) {
			t.Fatalf("%d pages, %d schemas, %d orders", len(tpl.Pages), len(tpl.schemas), len(tpl.PropertyOrder))
		}
		vals := tpl.WithDefaults(map[string]any{key: value})
		for _, p := range tpl.Validate(vals) {
			if p.Message == "" {
				t.Fatalf("a problem without a message: %+v", p)
			}
		}
		_, _ = tpl.Coerce(map[string]string{key: value})
		_ = tpl.Required()
		_ = tpl.Secrets()
		for _, page := range tpl.Pages {
			_, _ = SplitUI(page)
		}
	})
}
