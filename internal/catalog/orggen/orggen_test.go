package orggen

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/catalog/model"
)

// snapshot reads every file under dir, keyed by slash path.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// load reads the organisation under dir with the real catalog model,
// following Locations from the root catalog-info.yaml, and fails the test
// on every problem: a file that does not decode or validate, a missing
// target, a duplicate entity, a target listed by more than one Location or
// not written as a relative path, and a file on disk that no Location
// reaches (so also any non-YAML file).
func load(t *testing.T, dir string) *catalogtest.Tree {
	t.Helper()
	tr := catalogtest.LoadDir(t, dir)
	tr.ReportProblems(t)
	targeted := map[string]int{}
	for _, targets := range tr.Targets {
		for _, tg := range targets {
			targeted[tg]++
		}
	}
	for tg, n := range targeted {
		if n > 1 {
			t.Errorf("%s is the target of %d Locations", tg, n)
		}
	}
	for _, e := range tr.OfKind("Location") {
		for _, tg := range e.LocationTargets() {
			if !strings.HasPrefix(tg.Target, "./") {
				t.Errorf("%s: target %q is not relative", e.Where(), tg.Target)
			}
		}
	}
	unreached, err := tr.FilesNotReached(os.DirFS(dir), "**")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range unreached {
		t.Errorf("%s is not reached from the root Location", f)
	}
	for _, f := range tr.Files {
		if !strings.HasSuffix(f, ".yaml") {
			t.Errorf("unexpected non-YAML file %s", f)
		}
	}
	return tr
}

func generate(t *testing.T, o Options) (string, Result) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "org")
	res, err := Generate(dir, o)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", o, err)
	}
	return dir, res
}

// nameRE is the generator's style for names, stricter than Backstage's:
// lowercase kebab-case. (Tags and the 63-character limit are enforced by
// the model.)
var nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestGenerate500(t *testing.T) {
	dir, res := generate(t, Options{Entities: 500, Seed: 42})
	tr := load(t, dir)

	if len(tr.Entities) != 500 || res.Entities != 500 {
		t.Fatalf("wrote %d entities (Result says %d), want exactly 500", len(tr.Entities), res.Entities)
	}
	byKind := tr.CountByKind()
	for k, n := range byKind {
		if res.ByKind[k] != n {
			t.Errorf("Result.ByKind[%s] = %d, found %d", k, res.ByKind[k], n)
		}
	}
	// Proportions of a real organisation, within a couple of points.
	share := map[string][2]float64{
		"component": {0.45, 0.55}, "api": {0.10, 0.14}, "resource": {0.10, 0.14},
		"system": {0.02, 0.04}, "domain": {0.002, 0.01}, "group": {0.03, 0.05},
		"user": {0.16, 0.20}, "location": {0, 0.01},
	}
	for k, r := range share {
		got := float64(byKind[k]) / 500
		if got < r[0] || got > r[1] {
			t.Errorf("%s: %d entities (%.1f%%), want %.1f%%-%.1f%%", k, byKind[k], got*100, r[0]*100, r[1]*100)
		}
	}
	t.Logf("by kind: %v; %d files", byKind, len(res.Files))

	// Result.Files is exactly the set of files on disk, root first.
	disk := snapshot(t, dir)
	if len(res.Files) != len(disk) || res.Files[0] != "catalog-info.yaml" {
		t.Errorf("Result.Files has %d entries (first %q), disk has %d files", len(res.Files), res.Files[0], len(disk))
	}
	for _, f := range res.Files {
		if _, ok := disk[f]; !ok {
			t.Errorf("Result.Files lists %s, which does not exist", f)
		}
	}
	for f, docs := range tr.Documents {
		if f != "catalog-info.yaml" && len(docs) > DefaultEntitiesPerFile {
			t.Errorf("%s holds %d documents, more than %d", f, len(docs), DefaultEntitiesPerFile)
		}
	}

	checkEntities(t, tr)

	if len(res.SampleRefs) < 8 {
		t.Errorf("only %d sample refs", len(res.SampleRefs))
	}
	for _, s := range res.SampleRefs {
		r, err := model.ParseRef(s, model.RefDefaults{})
		if err != nil {
			t.Errorf("sample ref %s: %v", s, err)
			continue
		}
		if _, ok := tr.Get(r); !ok || r.String() != s {
			t.Errorf("sample ref %s does not exist (or is not in canonical form)", s)
		}
	}
}

// relationRules: a synthetic organisation is owned by teams throughout.
var relationRules = catalogtest.TeamOwnedRules()

// checkEntities validates names, required fields and that every relation
// resolves to an entity of the right kind.
func checkEntities(t *testing.T, tr *catalogtest.Tree) {
	t.Helper()
	for _, p := range tr.DanglingRelations() {
		t.Error(p)
	}
	for _, p := range tr.WrongTargetKinds(relationRules) {
		t.Error(p)
	}
	for _, rel := range []string{model.RelChildOf, model.RelParentOf, model.RelHasMember} {
		for _, p := range tr.Asymmetric(rel) {
			t.Error(p)
		}
	}
	apis := len(tr.OfKind("API"))
	for _, e := range tr.Entities {
		where := e.Where()
		if n := e.Metadata.Name; len(n) > 63 || !nameRE.MatchString(n) {
			t.Errorf("%s: invalid name %q", where, n)
		}
		if e.Metadata.Namespace != model.DefaultNamespace {
			t.Errorf("%s: namespace %q", where, e.Metadata.Namespace)
		}
		if e.Metadata.Description == "" {
			t.Errorf("%s: no description", where)
		}
		if e.APIVersion != "backstage.io/v1alpha1" {
			t.Errorf("%s: apiVersion %v", where, e.APIVersion)
		}
		switch e.LowerKind() {
		case "component", "api", "resource", "system":
			for _, o := range tr.Related(e, model.RelOwnedBy) {
				if o.OK && o.Entity.SpecString("type") != "team" {
					t.Errorf("%s: owned by %s, not a team", where, o.Ref)
				}
			}
		}
		switch e.LowerKind() {
		case "component":
			for _, f := range []string{"type", "lifecycle", "owner", "system"} {
				if e.SpecString(f) == "" {
					t.Errorf("%s: has no spec.%s", where, f)
				}
			}
			if n := len(e.Metadata.Tags); n < 1 || n > 4 {
				t.Errorf("%s: has %d tags", where, n)
			}
			if n := len(e.Metadata.Links); n < 1 || n > 2 {
				t.Errorf("%s: has %d links", where, n)
			}
			if len(e.Metadata.Annotations) < 2 {
				t.Errorf("%s: lacks annotations", where)
			}
			deps := tr.Related(e, model.RelDependsOn)
			if len(deps) < 1 || len(deps) > 3 {
				t.Errorf("%s: has %d dependsOn", where, len(deps))
			}
			for _, d := range deps {
				if d.Ref.Key() == e.Key() {
					t.Errorf("%s: depends on itself", where)
				}
			}
			if len(tr.Related(e, model.RelConsumesAPI)) == 0 && len(tr.Related(e, model.RelProvidesAPI)) < apis {
				t.Errorf("%s: consumes no API", where)
			}
		case "api":
			for _, f := range []string{"owner", "system"} {
				if e.SpecString(f) == "" {
					t.Errorf("%s: has no spec.%s", where, f)
				}
			}
			if n := len(tr.Incoming(e, model.RelProvidesAPI)); n != 1 {
				t.Errorf("%s: provided by %d components, want 1", where, n)
			}
			var def map[string]any
			if err := yaml.Unmarshal([]byte(e.SpecString("definition")), &def); e.SpecString("type") != "grpc" && e.SpecString("type") != "graphql" && err != nil {
				t.Errorf("%s: definition: %v", where, err)
			}
		case "resource":
			for _, f := range []string{"owner", "system"} {
				if e.SpecString(f) == "" {
					t.Errorf("%s: has no spec.%s", where, f)
				}
			}
		case "system":
			if e.SpecString("domain") == "" {
				t.Errorf("%s: has no spec.domain", where)
			}
		case "domain", "group":
			// Owner and children are required by the model.
		case "user":
			if len(tr.Related(e, model.RelMemberOf)) == 0 {
				t.Errorf("%s: is in no group", where)
			}
		case "location":
		default:
			t.Errorf("%s: unexpected kind %s", where, e.Kind)
		}
	}
}

func TestExactCounts(t *testing.T) {
	for _, n := range []int{MinEntities, 11, 37, 101, 1234} {
		dir, res := generate(t, Options{Entities: n, Seed: int64(n), EntitiesPerFile: 7})
		tr := load(t, dir)
		if len(tr.Entities) != n || res.Entities != n {
			t.Errorf("n=%d: wrote %d entities, Result says %d", n, len(tr.Entities), res.Entities)
		}
		checkEntities(t, tr)
		byKind := tr.CountByKind()
		for _, k := range []string{"location", "domain", "system", "group", "user", "api", "resource", "component"} {
			if byKind[k] == 0 {
				t.Errorf("n=%d: no %s", n, k)
			}
		}
	}
}

func TestPlanCoversEverySize(t *testing.T) {
	for n := MinEntities; n <= 5000; n++ {
		c, err := plan(n)
		if err != nil {
			t.Fatalf("plan(%d): %v", n, err)
		}
		if c.total() != n || c.components < 1 || c.teams < 1 || c.departments < 1 {
			t.Fatalf("plan(%d) = %+v (total %d)", n, c, c.total())
		}
	}
}

func TestDeterministic(t *testing.T) {
	dirA, resA := generate(t, Options{Entities: 500, Seed: 7})
	dirB, resB := generate(t, Options{Entities: 500, Seed: 7})
	a, b := snapshot(t, dirA), snapshot(t, dirB)
	if len(a) != len(b) || strings.Join(resA.Files, ",") != strings.Join(resB.Files, ",") ||
		strings.Join(resA.SampleRefs, ",") != strings.Join(resB.SampleRefs, ",") {
		t.Fatalf("equal seeds gave different file sets or sample refs")
	}
	for f, data := range a {
		if !bytes.Equal(data, b[f]) {
			t.Errorf("equal seeds gave different %s", f)
		}
	}
	dirC, _ := generate(t, Options{Entities: 500, Seed: 8})
	c := snapshot(t, dirC)
	same := len(a) == len(c)
	for f, data := range a {
		same = same && bytes.Equal(data, c[f])
	}
	if same {
		t.Error("seeds 7 and 8 gave identical organisations")
	}
}

func TestChangeOne(t *testing.T) {
	dir, _ := generate(t, Options{Entities: 500, Seed: 3})
	twin, _ := generate(t, Options{Entities: 500, Seed: 3})
	before := snapshot(t, dir)
	treeBefore := load(t, dir)

	changed, err := ChangeOne(dir, 99)
	if err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, dir)
	if len(after) != len(before) {
		t.Fatalf("ChangeOne added or removed files: %d before, %d after", len(before), len(after))
	}
	var diff []string
	for f, data := range before {
		if !bytes.Equal(data, after[f]) {
			diff = append(diff, f)
		}
	}
	if len(diff) != 1 || diff[0] != changed {
		t.Fatalf("ChangeOne returned %q, files changed: %v", changed, diff)
	}
	if changed == "catalog-info.yaml" {
		t.Error("ChangeOne changed the root Location")
	}

	// Same entities in the same files, same relations, only descriptions
	// differ.
	treeAfter := load(t, dir)
	if len(treeAfter.Entities) != len(treeBefore.Entities) {
		t.Fatalf("entity count changed: %d -> %d", len(treeBefore.Entities), len(treeAfter.Entities))
	}
	checkEntities(t, treeAfter)
	edited := 0
	for _, e := range treeAfter.Entities {
		old, ok := treeBefore.ByKey[e.Key()]
		if !ok {
			t.Errorf("%s appeared", e.Ref())
			continue
		}
		if e.File != old.File || !slices.Equal(e.Relations, old.Relations) {
			t.Errorf("%s: moved from %s or changed its relations", e.Where(), old.File)
		}
		if e.File != changed {
			continue
		}
		edited++
		if want := old.Metadata.Description + " (rev 1)"; e.Metadata.Description != want {
			t.Errorf("%s: description %q, want %q", e.Ref(), e.Metadata.Description, want)
		}
	}
	if edited == 0 {
		t.Error("no entity in the changed file")
	}

	// A second edit of the same file bumps the revision.
	again, err := ChangeOne(dir, 99)
	if err != nil || again != changed {
		t.Fatalf("second ChangeOne(99) = %q, %v; want %q", again, err, changed)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(changed))); !bytes.Contains(data, []byte("(rev 2)")) || bytes.Contains(data, []byte("(rev 1)")) {
		t.Errorf("second edit did not bump the revision:\n%s", data)
	}

	// Deterministic: the same seed on an identical tree makes the same edit.
	for range 2 {
		if got, err := ChangeOne(twin, 99); err != nil || got != changed {
			t.Fatalf("ChangeOne on the twin = %q, %v; want %q", got, err, changed)
		}
	}
	if !bytes.Equal(snapshot(t, twin)[changed], snapshot(t, dir)[changed]) {
		t.Error("ChangeOne is not deterministic")
	}

	// Different seeds spread edits over the tree.
	seen := map[string]bool{}
	for s := int64(0); s < 20; s++ {
		f, err := ChangeOne(dir, s)
		if err != nil {
			t.Fatal(err)
		}
		seen[f] = true
	}
	if len(seen) < 5 {
		t.Errorf("20 seeds changed only %d distinct files", len(seen))
	}
}

func TestChangeAllEditsEveryEntityFileAndNothingElse(t *testing.T) {
	dir, res := generate(t, Options{Entities: 300, Seed: 5})
	before := snapshot(t, dir)
	treeBefore := load(t, dir)
	changed, err := ChangeAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := res.Files[1:]; !slices.Equal(changed, slices.Sorted(slices.Values(want))) {
		t.Fatalf("ChangeAll changed %d files, want every file but the root (%d)", len(changed), len(want))
	}
	after := snapshot(t, dir)
	for f, data := range before {
		if bytes.Equal(data, after[f]) != (f == "catalog-info.yaml") {
			t.Errorf("%s: changed = %v", f, !bytes.Equal(data, after[f]))
		}
	}
	treeAfter := load(t, dir)
	checkEntities(t, treeAfter)
	for _, e := range treeAfter.Entities {
		old := treeBefore.ByKey[e.Key()]
		if e.Kind != "Location" && e.Metadata.Description != old.Metadata.Description+" (rev 1)" {
			t.Errorf("%s: description %q", e.Ref(), e.Metadata.Description)
		}
	}
	if _, err := ChangeAll(t.TempDir()); err == nil {
		t.Error("ChangeAll succeeded on an empty directory")
	}
}

func TestGenerateRejects(t *testing.T) {
	if _, err := Generate(t.TempDir(), Options{Entities: MinEntities - 1}); err == nil {
		t.Error("Generate accepted too few entities")
	}
	if _, err := Generate(t.TempDir(), Options{Entities: 100, EntitiesPerFile: -1}); err == nil {
		t.Error("Generate accepted a negative EntitiesPerFile")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(dir, Options{Entities: 100}); err == nil {
		t.Error("Generate wrote into a non-empty directory")
	}
	if _, err := ChangeOne(t.TempDir(), 1); err == nil {
		t.Error("ChangeOne succeeded on an empty directory")
	}
}

func TestNamesArePrefixSearchable(t *testing.T) {
	dir, _ := generate(t, Options{Entities: 2000, Seed: 1})
	prefixes := map[string]int{}
	for _, e := range load(t, dir).OfKind("Component") {
		prefixes[strings.SplitN(e.Metadata.Name, "-", 2)[0]]++
	}
	// Components cluster on a realistic vocabulary: many share a prefix.
	var counts []int
	for _, n := range prefixes {
		counts = append(counts, n)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(counts)))
	if len(prefixes) < 20 || counts[0] < 20 {
		t.Errorf("component name prefixes: %d distinct, largest %v", len(prefixes), counts[:min(3, len(counts))])
	}
}

func BenchmarkGenerate10k(b *testing.B) {
	for i := range b.N {
		dir := filepath.Join(b.TempDir(), fmt.Sprint(i))
		if _, err := Generate(dir, Options{Entities: 10000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
