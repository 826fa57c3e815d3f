package catalog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/testenv"
)

func TestSyncFollowsLocationsAndIndexesEveryEntity(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	dir := testenv.WriteFiles(t, t.TempDir(), orgFiles())
	addDir(t, s, "org", dir)
	r := syncOK(t, s, "org")
	if r.FilesRead != 4 || r.Entities != 8 || len(r.Errors) != 0 {
		t.Fatalf("first sync: %+v", r)
	}
	all, err := s.Search(ctx, SearchQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"location:default/root", "group:default/team-a", "user:default/alice", "system:default/shop",
		"component:default/payments-service", "api:default/payments-api", "resource:default/payments-db", "component:default/checkout"}
	got := refsOf(all.Items)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %s in %v", w, got)
		}
	}
	if all.Total != len(want) {
		t.Errorf("total = %d, want %d", all.Total, len(want))
	}
}

func TestRelationsAreReadInBothDirections(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	addDir(t, s, "org", testenv.WriteFiles(t, t.TempDir(), orgFiles()))
	syncOK(t, s, "org")

	rels := func(ref string) map[string]bool {
		d, err := s.Entity(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, r := range d.Relations {
			out[r.Type+" "+r.TargetRef] = true
			if r.Target == nil && !strings.HasPrefix(r.TargetRef, "resource:default/nothing") {
				t.Errorf("%s: relation %s %s has no target entity", ref, r.Type, r.TargetRef)
			}
		}
		return out
	}
	cases := map[string][]string{
		"component:default/payments-service": {"ownedBy group:default/team-a", "partOf system:default/shop", "providesApi api:default/payments-api",
			"dependsOn resource:default/payments-db", "dependencyOf component:default/checkout"},
		"group:default/team-a":         {"ownerOf component:default/payments-service", "ownerOf system:default/shop", "hasMember user:default/alice"},
		"user:default/alice":           {"memberOf group:default/team-a"},
		"api:default/payments-api":     {"apiProvidedBy component:default/payments-service", "apiConsumedBy component:default/checkout", "ownedBy group:default/team-a"},
		"resource:default/payments-db": {"dependencyOf component:default/payments-service"},
		"system:default/shop":          {"hasPart component:default/checkout", "hasPart api:default/payments-api", "ownedBy group:default/team-a"},
	}
	for ref, want := range cases {
		got := rels(ref)
		for _, w := range want {
			if !got[w] {
				t.Errorf("%s: missing relation %q; have %v", ref, w, got)
			}
		}
	}
	// hasMember is declared by both the group and the user: shown once.
	d, _ := s.Entity(ctx, "group:team-a")
	n := 0
	for _, r := range d.Relations {
		if r.Type == "hasMember" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("hasMember listed %d times, want 1", n)
	}
}

func TestEntityDetailKeepsUnknownFieldsLinksAndSource(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	addDir(t, s, "org", testenv.WriteFiles(t, t.TempDir(), orgFiles()))
	syncOK(t, s, "org")
	d, err := s.Entity(ctx, "payments-service")
	if err != nil {
		t.Fatal(err)
	}
	meta := d.Entity["metadata"].(map[string]any)
	if meta["x-custom"] != "kept" {
		t.Errorf("unknown field lost: %v", meta)
	}
	if len(d.Links) != 1 || d.Links[0].URL != "https://runbooks.example/payments" || d.Links[0].Title != "Runbook" {
		t.Errorf("links = %+v", d.Links)
	}
	if d.Annotations["github.com/project-slug"] != "acme/payments" {
		t.Errorf("annotations = %v", d.Annotations)
	}
	if d.SourceFile != (SourceLocation{Source: "org", Path: "services/payments.yaml", Line: 1}) {
		t.Errorf("source = %+v", d.SourceFile)
	}
	if !strings.Contains(d.RawYAML, "name: payments-service") || strings.Contains(d.RawYAML, "payments-api\n  description") {
		t.Errorf("raw YAML should be this document only:\n%s", d.RawYAML)
	}
	if d.Owner != "group:default/team-a" || d.System != "system:default/shop" || d.Type != "service" || d.Lifecycle != "production" {
		t.Errorf("summary = %+v", d.EntitySummary)
	}
}

func TestShortRefsResolveWhenUnambiguous(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	files := orgFiles()
	files["services/extra.yaml"] = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
spec: {type: library, lifecycle: production, owner: team-a}
`
	files["catalog-info.yaml"] = strings.Replace(orgFixture, "./services/*.yaml", "./services/*.yaml\n    - ./services/extra.yaml", 1)
	addDir(t, s, "org", testenv.WriteFiles(t, t.TempDir(), files))
	syncOK(t, s, "org")

	for in, want := range map[string]string{
		"payments-service":                   "component:default/payments-service",
		"PAYMENTS-SERVICE":                   "component:default/payments-service",
		"group:team-a":                       "group:default/team-a",
		"api:payments-api":                   "api:default/payments-api",
		"component:default/payments-service": "component:default/payments-service",
	} {
		got, err := s.Resolve(ctx, in)
		if err != nil {
			t.Errorf("Resolve(%q): %v", in, err)
			continue
		}
		if got.Ref != want {
			t.Errorf("Resolve(%q) = %s, want %s", in, got.Ref, want)
		}
	}
	_, err := s.Resolve(ctx, "payments-api")
	var amb *AmbiguousError
	if !errors.As(err, &amb) || len(amb.Candidates) != 2 || !strings.Contains(err.Error(), "full reference") {
		t.Errorf("ambiguous short ref: %v", err)
	}
	_, err = s.Resolve(ctx, "no-such-thing")
	var nf *NotFoundError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "paved catalog search") {
		t.Errorf("unknown ref: %v", err)
	}
}

func TestAMissingEntityIsNotFoundAndNamesCloseMatches(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	addDir(t, s, "org", testenv.WriteFiles(t, t.TempDir(), orgFiles()))
	syncOK(t, s, "org")
	for _, c := range []struct {
		ref  string
		want []string
	}{
		// One typo away; the kind asked for comes first among equals.
		{"payments-servce", []string{"component:default/payments-service"}},
		{"component:default/paymnts-api", []string{"api:default/payments-api"}},
		{"chekout", []string{"component:default/checkout"}},
		// Contained in a name.
		{"payments", []string{"api:default/payments-api", "component:default/payments-service", "resource:default/payments-db"}},
	} {
		_, err := s.Resolve(ctx, c.ref)
		var nf *NotFoundError
		if !errors.As(err, &nf) || problem.KindOf(err) != problem.NotFound {
			t.Errorf("Resolve(%q) = %v, want a not_found *NotFoundError", c.ref, err)
			continue
		}
		if !slices.Equal(nf.Suggestions, c.want) {
			t.Errorf("Resolve(%q) suggests %q, want %q", c.ref, nf.Suggestions, c.want)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "no entity "+c.ref+"; did you mean "+c.want[0]) || !strings.HasSuffix(msg, "?") {
			t.Errorf("message = %q", msg)
		}
	}
	_, err := s.Entity(ctx, "zzz-unrelated")
	var nf *NotFoundError
	if !errors.As(err, &nf) || len(nf.Suggestions) != 0 || !strings.Contains(err.Error(), "no entity zzz-unrelated") || !strings.Contains(err.Error(), "paved catalog search") {
		t.Errorf("nothing close: %v", err)
	}
	if _, err := s.Graph(ctx, "chekout", GraphOptions{}); problem.KindOf(err) != problem.NotFound || !strings.Contains(err.Error(), "component:default/checkout") {
		t.Errorf("Graph of a missing entity: %v", err)
	}
}

func TestSearchRanksPrefixesAndAppliesFiltersAndFacets(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	addDir(t, s, "org", testenv.WriteFiles(t, t.TempDir(), orgFiles()))
	syncOK(t, s, "org")

	res, err := s.Search(ctx, SearchQuery{Query: "paym"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) < 3 || !strings.HasPrefix(res.Items[0].Name, "payments") {
		t.Fatalf("prefix search: %v", refsOf(res.Items))
	}
	// Multi-word: every word must match (as a prefix).
	res, _ = s.Search(ctx, SearchQuery{Query: "card pay"})
	if got := refsOf(res.Items); len(got) != 1 || got[0] != "component:default/payments-service" {
		t.Errorf("multi-word: %v", got)
	}
	// Description, tags and annotations are searchable.
	for q, want := range map[string]string{"capture": "api:default/payments-api", "typescript": "component:default/checkout", "acme/payments": "component:default/payments-service"} {
		res, _ = s.Search(ctx, SearchQuery{Query: q})
		if !slices.Contains(refsOf(res.Items), want) {
			t.Errorf("search %q: %v, want %s", q, refsOf(res.Items), want)
		}
	}
	// Filters: kind, owner (short form), tag, lifecycle, system, type; inline kind: syntax.
	check := func(name string, q SearchQuery, want ...string) {
		t.Helper()
		res, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got := refsOf(res.Items)
		if len(got) != len(want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
			return
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: got %v, want %v", name, got, want)
			}
		}
	}
	check("kind", SearchQuery{Query: "pay", Kinds: []string{"api"}}, "api:default/payments-api")
	check("inline kind", SearchQuery{Query: "kind:component pay"}, "component:default/payments-service")
	check("owner short", SearchQuery{Owners: []string{"team-a"}, Kinds: []string{"Component"}}, "component:default/payments-service", "component:default/checkout")
	check("tag", SearchQuery{Tags: []string{"GO"}}, "component:default/payments-service")
	check("lifecycle", SearchQuery{Lifecycles: []string{"experimental"}}, "component:default/checkout")
	check("system", SearchQuery{Systems: []string{"shop"}, Types: []string{"database"}}, "resource:default/payments-db")
	check("operators are literal", SearchQuery{Query: `pay*")(`}, "component:default/payments-service", "api:default/payments-api", "resource:default/payments-db")

	res, err = s.Search(ctx, SearchQuery{Query: "pay", Kinds: []string{"component"}, Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, f := range res.Facets["kind"] {
		kinds[strings.ToLower(f.Value)] = f.Count
	}
	// The kind facet ignores the kind filter itself, so the user can widen it.
	if kinds["component"] != 1 || kinds["api"] != 1 || kinds["resource"] != 1 {
		t.Errorf("kind facet = %v", res.Facets["kind"])
	}
	if tags := res.Facets["tag"]; len(tags) != 2 {
		t.Errorf("tag facet = %v", tags)
	}
	if res.Total != 1 {
		t.Errorf("total = %d", res.Total)
	}
}

func TestGraphFollowsDependenciesAndAPIProviders(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	addDir(t, s, "org", testenv.WriteFiles(t, t.TempDir(), orgFiles()))
	syncOK(t, s, "org")

	g, err := s.Graph(ctx, "checkout", GraphOptions{Depth: 3, Direction: Down})
	if err != nil {
		t.Fatal(err)
	}
	edges := map[string]bool{}
	for _, e := range g.Edges {
		edges[e.From+" "+e.Type+" "+e.To] = true
	}
	for _, w := range []string{
		"component:default/checkout consumesApi api:default/payments-api",
		"api:default/payments-api apiProvidedBy component:default/payments-service",
		"component:default/checkout dependsOn component:default/payments-service",
		"component:default/payments-service dependsOn resource:default/payments-db",
	} {
		if !edges[w] {
			t.Errorf("missing edge %q in %v", w, g.Edges)
		}
	}
	if len(g.Nodes) != 4 || g.Nodes[0].Ref != "component:default/checkout" || g.Nodes[0].Depth != 0 {
		t.Errorf("nodes = %+v", g.Nodes)
	}
	up, err := s.Graph(ctx, "payments-db", GraphOptions{Depth: 1, Direction: Up})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.Nodes) != 2 || len(up.Edges) != 1 || up.Edges[0].From != "component:default/payments-service" {
		t.Errorf("up graph = %+v", up)
	}
	// Depth limits the walk.
	one, _ := s.Graph(ctx, "checkout", GraphOptions{Depth: 1, Direction: Down})
	if len(one.Nodes) != 3 {
		t.Errorf("depth 1 nodes = %+v", one.Nodes)
	}
	if _, err := s.Graph(ctx, "checkout", GraphOptions{Direction: "sideways"}); err == nil {
		t.Error("bad direction accepted")
	}
	if dot := g.DOT(); !strings.HasPrefix(dot, "digraph") || !strings.Contains(dot, `"component:default/checkout" -> "api:default/payments-api"`) {
		t.Errorf("dot:\n%s", dot)
	}
}

func TestIncrementalSyncRereadsOnlyChangedFiles(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	dir := testenv.WriteFiles(t, t.TempDir(), orgFiles())
	addDir(t, s, "org", dir)
	syncOK(t, s, "org")

	if r := syncOK(t, s, "org"); !r.Unchanged || r.FilesRead != 0 {
		t.Fatalf("second sync should read nothing: %+v", r)
	}
	p := filepath.Join(dir, "services", "checkout.yaml")
	testenv.WriteFiles(t, dir, map[string]string{"services/checkout.yaml": strings.Replace(checkoutYAML, "The checkout flow.", "The new checkout flow.", 1)})
	touchLater(t, p)
	r := syncOK(t, s, "org")
	if r.FilesRead != 1 || r.Unchanged {
		t.Fatalf("edit: %+v", r)
	}
	d, _ := s.Entity(ctx, "checkout")
	if d.Description != "The new checkout flow." {
		t.Errorf("edit not shown: %q", d.Description)
	}
	res, _ := s.Search(ctx, SearchQuery{Query: "new checkout"})
	if len(res.Items) != 1 {
		t.Errorf("search index not updated: %v", refsOf(res.Items))
	}
	// A removed file takes its entities and relations with it.
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	r = syncOK(t, s, "org")
	if r.FilesRemoved != 1 || r.Entities != 7 {
		t.Fatalf("removal: %+v", r)
	}
	if _, err := s.Resolve(ctx, "checkout"); err == nil {
		t.Error("removed entity still resolvable")
	}
	d, _ = s.Entity(ctx, "payments-api")
	for _, rel := range d.Relations {
		if rel.Type == "apiConsumedBy" {
			t.Errorf("stale relation from removed entity: %+v", rel)
		}
	}
}

func TestPlaceholderFileChangesTriggerReread(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	dir := testenv.WriteFiles(t, t.TempDir(), map[string]string{
		"catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: orders-api}
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ./openapi.yaml
`,
		"openapi.yaml": "openapi: 3.0.0\ninfo: {title: Orders, version: '1'}\n",
	})
	addDir(t, s, "org", dir)
	syncOK(t, s, "org")
	d, err := s.Entity(ctx, "orders-api")
	if err != nil {
		t.Fatal(err)
	}
	if def := d.Entity["spec"].(map[string]any)["definition"]; !strings.Contains(def.(string), "title: Orders") {
		t.Fatalf("definition not substituted: %v", def)
	}
	testenv.WriteFiles(t, dir, map[string]string{"openapi.yaml": "openapi: 3.1.0\ninfo: {title: Orders v2, version: '2'}\n"})
	touchLater(t, filepath.Join(dir, "openapi.yaml"))
	if r := syncOK(t, s, "org"); r.FilesRead != 1 {
		t.Fatalf("changed $text file should re-read its descriptor: %+v", r)
	}
	d, _ = s.Entity(ctx, "orders-api")
	if def := d.Entity["spec"].(map[string]any)["definition"].(string); !strings.Contains(def, "Orders v2") {
		t.Errorf("definition not refreshed: %v", def)
	}
}

func TestDuplicateRefsKeepTheFirstAndPromoteTheNextWhenItGoes(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	dup := strings.Replace(checkoutYAML, "The checkout flow.", "Second copy.", 1)
	dir := testenv.WriteFiles(t, t.TempDir(), map[string]string{
		"catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./a.yaml, ./b.yaml]\n",
		"a.yaml":            checkoutYAML,
		"b.yaml":            dup,
	})
	addDir(t, s, "org", dir)
	syncOK(t, s, "org")
	d, _ := s.Entity(ctx, "checkout")
	if d.Description != "The checkout flow." || d.SourceFile.Path != "a.yaml" {
		t.Fatalf("first copy should win: %+v", d.SourceFile)
	}
	st, _ := s.Status(ctx)
	found := false
	for _, e := range st[0].Errors {
		if e.File == "b.yaml" && strings.Contains(e.Message, "duplicate entity component:default/checkout") && strings.Contains(e.Message, "a.yaml") {
			found = true
		}
	}
	if !found {
		t.Errorf("duplicate not reported: %+v", st[0].Errors)
	}
	res, _ := s.Search(ctx, SearchQuery{Query: "checkout"})
	if len(res.Items) != 1 {
		t.Errorf("duplicate indexed twice: %v", refsOf(res.Items))
	}
	if err := os.Remove(filepath.Join(dir, "a.yaml")); err != nil {
		t.Fatal(err)
	}
	syncOK(t, s, "org")
	d, err := s.Entity(ctx, "checkout")
	if err != nil || d.Description != "Second copy." {
		t.Fatalf("second copy should be promoted: %+v %v", d.SourceFile, err)
	}
	g, _ := s.Graph(ctx, "checkout", GraphOptions{Depth: 1, Direction: Down})
	if len(g.Edges) == 0 {
		t.Error("promoted entity lost its relations")
	}
}

func TestDuplicatesAcrossSourcesFollowSourceOrder(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	first := testenv.WriteFiles(t, t.TempDir(), map[string]string{"catalog-info.yaml": checkoutYAML})
	second := testenv.WriteFiles(t, t.TempDir(), map[string]string{"catalog-info.yaml": strings.Replace(checkoutYAML, "The checkout flow.", "From second.", 1)})
	addDir(t, s, "second", second)
	syncOK(t, s, "second")
	addDir(t, s, "first", first)
	syncOK(t, s, "first")
	// "second" was added first, so it precedes.
	d, _ := s.Entity(ctx, "checkout")
	if d.Source != "second" {
		t.Fatalf("winner from %s, want second", d.Source)
	}
	if err := s.RemoveSource(ctx, "second"); err != nil {
		t.Fatal(err)
	}
	d, err := s.Entity(ctx, "checkout")
	if err != nil || d.Source != "first" {
		t.Fatalf("after removing the winning source: %+v %v", d.EntitySummary, err)
	}
}

func TestBadFilesAreReportedAndNeverStopTheRest(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	dir := testenv.WriteFiles(t, t.TempDir(), map[string]string{
		"catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./good.yaml, ./syntax.yaml, ./invalid.yaml, ./missing.yaml, ./big.yaml, ./latin1.yaml]\n",
		"good.yaml":         checkoutYAML,
		"syntax.yaml":       "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [unclosed\n",
		"invalid.yaml":      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: no-owner\nspec:\n  type: service\n  lifecycle: production\n---\n" + strings.Replace(checkoutYAML, "name: checkout", "name: still-loaded", 1),
		"big.yaml":          "# " + strings.Repeat("x", 1<<20+10) + "\n",
		"latin1.yaml":       "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: caf\xe9\n",
	})
	addDir(t, s, "org", dir)
	r := syncOK(t, s, "org")
	if r.Entities != 3 { // root location, checkout, still-loaded
		t.Errorf("entities = %d, want 3", r.Entities)
	}
	byFile := map[string]problem.Problem{}
	for _, e := range r.Errors {
		byFile[e.File] = e
	}
	expect := map[string]string{
		"syntax.yaml":       "",
		"invalid.yaml":      "spec.owner",
		"catalog-info.yaml": "missing.yaml",
		"big.yaml":          "limit",
		"latin1.yaml":       "UTF-8",
	}
	for f, frag := range expect {
		e, ok := byFile[f]
		if !ok {
			t.Errorf("no problem reported for %s; have %+v", f, r.Errors)
			continue
		}
		if !strings.Contains(e.String(), frag) || !strings.HasPrefix(e.String(), f+":") {
			t.Errorf("%s: problem %q should name the file and mention %q", f, e.String(), frag)
		}
	}
	if e := byFile["syntax.yaml"]; e.Line == 0 {
		t.Errorf("syntax error without a line: %+v", e)
	}
	if e := byFile["invalid.yaml"]; e.Line != 5 || e.Field != "spec.owner" {
		t.Errorf("validation error without its line and field: %+v", e)
	}
	if e := byFile["syntax.yaml"]; e.Line != 4 {
		t.Errorf("syntax error at line %d, want 4 (the unclosed list): %+v", e.Line, e)
	}
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || len(st[0].Errors) != len(r.Errors) || st[0].Entities != 3 {
		t.Errorf("status = %+v", st)
	}
}

func TestFailedSyncKeepsThePreviousCache(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	dir := testenv.WriteFiles(t, t.TempDir(), orgFiles())
	addDir(t, s, "org", dir)
	syncOK(t, s, "org")
	if err := os.Remove(filepath.Join(dir, "catalog-info.yaml")); err != nil {
		t.Fatal(err)
	}
	res, err := s.Sync(ctx, SyncOptions{Source: "org"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Error == "" || !strings.Contains(res[0].Error, "catalog-info.yaml") {
		t.Fatalf("missing root should fail the sync: %+v", res[0])
	}
	all, _ := s.Search(ctx, SearchQuery{Limit: 100})
	if all.Total != 8 {
		t.Errorf("previous cache lost: %d entities", all.Total)
	}
	st, _ := s.Status(ctx)
	if st[0].LastError == "" || st[0].LastSyncAt == nil || st[0].LastAttemptAt == nil || !st[0].LastAttemptAt.After(*st[0].LastSyncAt) {
		t.Errorf("status should show the failure and keep the last good sync: %+v", st[0])
	}
}

func TestSyncIsAudited(t *testing.T) {
	s, st := newService(t)
	ctx := context.Background()
	addDir(t, s, "org", testenv.WriteFiles(t, t.TempDir(), orgFiles()))
	syncOK(t, s, "org")
	var n int
	if err := st.R.QueryRow(`SELECT count(*) FROM audit_log WHERE action IN ('catalog.add-source', 'catalog.sync') AND target = 'org' AND outcome = 'ok'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("audit entries = %d, want 2", n)
	}
	// A background sync that changed nothing is not audited.
	if _, err := s.Sync(ctx, SyncOptions{Source: "org", Quiet: true}, nil); err != nil {
		t.Fatal(err)
	}
	_ = st.R.QueryRow(`SELECT count(*) FROM audit_log`).Scan(&n)
	if n != 2 {
		t.Errorf("quiet unchanged sync was audited: %d entries", n)
	}
}

func TestAddSourceValidatesInput(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := s.AddSource(ctx, AddSourceOptions{Target: filepath.Join(dir, "nope")}); err == nil || !strings.Contains(err.Error(), "not a git URL nor an existing directory") {
		t.Errorf("missing dir: %v", err)
	}
	if _, err := s.AddSource(ctx, AddSourceOptions{Target: dir, Name: "Bad Name"}); err == nil || !strings.Contains(err.Error(), "lower-case") {
		t.Errorf("bad name: %v", err)
	}
	if _, err := s.AddSource(ctx, AddSourceOptions{Target: dir, Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddSource(ctx, AddSourceOptions{Target: dir, Name: "x"}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate name: %v", err)
	}
	src, err := s.AddSource(ctx, AddSourceOptions{Target: "https://git.example.com/acme/Service-Catalog.git"})
	if err != nil || src.Name != "service-catalog" || src.Kind != KindGit {
		t.Errorf("git source: %+v %v", src, err)
	}
}

func TestPlatformSourcesAreReconciled(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	a := testenv.WriteFiles(t, t.TempDir(), map[string]string{"catalog-info.yaml": checkoutYAML})
	b := testenv.WriteFiles(t, t.TempDir(), map[string]string{"catalog-info.yaml": strings.Replace(checkoutYAML, "name: checkout", "name: other", 1)})
	if err := s.SetPlatformSources(ctx, []Source{{Name: "a", Kind: KindDir, Target: a}}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, s, "a")
	// Same configuration again: nothing is reset.
	if err := s.SetPlatformSources(ctx, []Source{{Name: "a", Kind: KindDir, Target: a}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resolve(ctx, "checkout"); err != nil {
		t.Fatalf("unchanged platform dropped the cache: %v", err)
	}
	// A different platform replaces the source and its entities.
	if err := s.SetPlatformSources(ctx, []Source{{Name: "b", Kind: KindDir, Target: b}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resolve(ctx, "checkout"); err == nil {
		t.Error("entities of a removed platform source remain")
	}
	if err := s.RemoveSource(ctx, "b"); err == nil || !strings.Contains(err.Error(), "platform.yaml") {
		t.Errorf("removing a platform source should point at platform.yaml: %v", err)
	}
}

func TestLocalSourcesAreMarkedAndYieldToTheOrganisationsCatalog(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	local := testenv.WriteFiles(t, t.TempDir(), map[string]string{"catalog-info.yaml": checkoutYAML})
	src, err := s.AddSource(ctx, AddSourceOptions{Target: local, Name: "local-checkout", Local: true})
	if err != nil || src.Origin != OriginLocal {
		t.Fatalf("add local source: %+v %v", src, err)
	}
	syncOK(t, s, "local-checkout")
	d, err := s.Entity(ctx, "checkout")
	if err != nil || !d.Local {
		t.Fatalf("entity of a local source should be marked local: %+v %v", d.EntitySummary, err)
	}
	// The organisation's catalog picks it up: its copy wins and is not local.
	org := testenv.WriteFiles(t, t.TempDir(), map[string]string{"catalog-info.yaml": strings.Replace(checkoutYAML, "The checkout flow.", "From the org.", 1)})
	if err := s.SetPlatformSources(ctx, []Source{{Name: "org", Kind: KindDir, Target: org}}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, s, "org")
	d, _ = s.Entity(ctx, "checkout")
	if d.Local || d.Description != "From the org." {
		t.Errorf("organisation's copy should win: %+v", d.EntitySummary)
	}
	if err := s.RemoveSource(ctx, "local-checkout"); err != nil {
		t.Errorf("a local source can be removed: %v", err)
	}
}
