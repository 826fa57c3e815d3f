package catalog

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/testenv"
)

// entityIDs maps each ref to its row id in the cache.
func entityIDs(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	rows, err := st.R.Query(`SELECT ref, id FROM catalog_entities`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var ref string
		var id int64
		if err := rows.Scan(&ref, &id); err != nil {
			t.Fatal(err)
		}
		out[ref] = id
	}
	return out
}

// TestResyncUpdatesChangedDocumentsInPlace: editing a file rewrites only
// the documents that changed, in place, and every index (search text,
// filters, tags, relations, source line) follows the edit.
func TestResyncUpdatesChangedDocumentsInPlace(t *testing.T) {
	s, st := newService(t)
	ctx := context.Background()
	dir := testenv.WriteFiles(t, t.TempDir(), orgFiles())
	addDir(t, s, "org", dir)
	syncOK(t, s, "org")
	before := entityIDs(t, st)

	// payments-service: new description, tags, owner (an indexed column),
	// lifecycle, and no more dependsOn; a comment line shifts every document
	// of the file one line down; payments-api and payments-db are otherwise
	// untouched.
	edited := "# owned by the platform team now\n" + paymentsYAML
	for _, r := range [][2]string{
		{"Takes card payments for the shop.", "Settles wallet refunds."},
		{"tags: [go, payments]", "tags: [rust, refunds]"},
		{"  lifecycle: production\n  owner: team-a\n  system: shop\n  providesApis", "  lifecycle: deprecated\n  owner: platform\n  system: shop\n  providesApis"},
		{"  dependsOn: [resource:payments-db]\n", "  dependsOn: []\n"},
	} {
		if !strings.Contains(edited, r[0]) {
			t.Fatalf("fixture has no %q", r[0])
		}
		edited = strings.Replace(edited, r[0], r[1], 1)
	}
	testenv.WriteFiles(t, dir, map[string]string{
		"services/payments.yaml": edited,
		"org.yaml":               orgYAML + "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n",
	})
	touchLater(t, filepath.Join(dir, "services", "payments.yaml"))
	touchLater(t, filepath.Join(dir, "org.yaml"))
	r := syncOK(t, s, "org")
	if r.FilesRead != 2 || r.Entities != 9 {
		t.Fatalf("resync: %+v", r)
	}
	after := entityIDs(t, st)
	for _, ref := range []string{"component:default/payments-service", "api:default/payments-api", "resource:default/payments-db", "group:default/team-a"} {
		if after[ref] != before[ref] {
			t.Errorf("%s was deleted and re-inserted (id %d -> %d), not updated in place", ref, before[ref], after[ref])
		}
	}

	search := func(q SearchQuery) []string {
		t.Helper()
		res, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return refsOf(res.Items)
	}
	const ps = "component:default/payments-service"
	if got := search(SearchQuery{Query: "wallet refunds"}); !slices.Equal(got, []string{ps}) {
		t.Errorf("new description not indexed: %v", got)
	}
	if got := search(SearchQuery{Query: "card payments"}); slices.Contains(got, ps) {
		t.Errorf("old description still indexed: %v", got)
	}
	if got := search(SearchQuery{Tags: []string{"refunds"}}); !slices.Equal(got, []string{ps}) {
		t.Errorf("new tag: %v", got)
	}
	if got := search(SearchQuery{Tags: []string{"go"}}); slices.Contains(got, ps) {
		t.Errorf("old tag kept: %v", got)
	}
	if got := search(SearchQuery{Owners: []string{"platform"}}); !slices.Equal(got, []string{ps}) {
		t.Errorf("new owner: %v", got)
	}
	if got := search(SearchQuery{Owners: []string{"team-a"}, Kinds: []string{"component"}}); slices.Contains(got, ps) {
		t.Errorf("old owner kept: %v", got)
	}
	if got := search(SearchQuery{Query: "lifecycle:deprecated"}); !slices.Equal(got, []string{ps}) {
		t.Errorf("new lifecycle: %v", got)
	}
	d, err := s.Entity(ctx, ps)
	if err != nil {
		t.Fatal(err)
	}
	if d.SourceFile.Line != 2 || !strings.Contains(d.RawYAML, "Settles wallet refunds.") {
		t.Errorf("entity after the edit: line %d\n%s", d.SourceFile.Line, d.RawYAML)
	}
	for _, rel := range d.Relations {
		if rel.Type == "dependsOn" {
			t.Errorf("removed dependsOn still there: %+v", rel)
		}
		if rel.Type == "ownedBy" && rel.TargetRef != "group:default/platform" {
			t.Errorf("owner relation not updated: %+v", rel)
		}
	}
	if api, _ := s.Entity(ctx, "api:payments-api"); api.SourceFile.Line != 23 {
		t.Errorf("payments-api moved a line down, to 23: got %d", api.SourceFile.Line)
	}

	// Swapping two documents moves them: they are replaced, and both stay.
	parts := strings.Split(edited, "\n---\n")
	testenv.WriteFiles(t, dir, map[string]string{"services/payments.yaml": parts[1] + "\n---\n" + parts[0] + "\n---\n" + parts[2]})
	touchLater(t, filepath.Join(dir, "services", "payments.yaml"))
	if r := syncOK(t, s, "org"); r.Entities != 9 {
		t.Fatalf("after the swap: %+v", r)
	}
	if got := search(SearchQuery{Query: "wallet refunds"}); !slices.Equal(got, []string{ps}) {
		t.Errorf("after the swap: %v", got)
	}
	if got := search(SearchQuery{Query: "authorise capture"}); !slices.Equal(got, []string{"api:default/payments-api"}) {
		t.Errorf("after the swap: %v", got)
	}
}

// TestADuplicateEditedInPlaceIsIndexedWhenItWins: a losing duplicate that
// is edited stays out of the index until the winner goes; then it is
// promoted with its edited content.
func TestADuplicateEditedInPlaceIsIndexedWhenItWins(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	comp := func(desc string) string {
		return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: twin, description: " + desc + "}\nspec: {type: service, lifecycle: production, owner: team-a}\n"
	}
	dir := testenv.WriteFiles(t, t.TempDir(), map[string]string{
		"catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {targets: [./a.yaml, ./b.yaml]}\n",
		"a.yaml":            comp("first"),
		"b.yaml":            comp("second"),
	})
	addDir(t, s, "org", dir)
	syncOK(t, s, "org")
	find := func(q string) []string {
		t.Helper()
		res, err := s.Search(ctx, SearchQuery{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return refsOf(res.Items)
	}
	testenv.WriteFiles(t, dir, map[string]string{"b.yaml": comp("edited")})
	touchLater(t, filepath.Join(dir, "b.yaml"))
	syncOK(t, s, "org")
	if got := find("edited"); len(got) != 0 {
		t.Errorf("a losing duplicate was indexed: %v", got)
	}
	if got := find("first"); !slices.Equal(got, []string{"component:default/twin"}) {
		t.Errorf("the winner: %v", got)
	}
	testenv.WriteFiles(t, dir, map[string]string{"a.yaml": testenv.Delete})
	syncOK(t, s, "org")
	if got := find("edited"); !slices.Equal(got, []string{"component:default/twin"}) {
		t.Errorf("the promoted duplicate is not indexed with its edit: %v", got)
	}
	if d, err := s.Entity(ctx, "twin"); err != nil || d.SourceFile.Path != "b.yaml" || d.Description != "edited" {
		t.Errorf("entity = %+v, %v", d.SourceFile, err)
	}
}
