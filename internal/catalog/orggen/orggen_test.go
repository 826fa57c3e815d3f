package orggen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type entity struct {
	file string
	doc  map[string]any
}

func (e entity) kind() string                         { return strings.ToLower(str(e.doc["kind"])) }
func (e entity) name() string                         { return str(mapAt(e.doc, "metadata")["name"]) }
func (e entity) spec() map[string]any                 { return mapAt(e.doc, "spec") }
func (e entity) ref() string                          { return e.kind() + ":default/" + e.name() }
func (e entity) meta() map[string]any                 { return mapAt(e.doc, "metadata") }
func (e entity) desc() string                         { return str(e.meta()["description"]) }
func str(v any) string                                { s, _ := v.(string); return s }
func mapAt(m map[string]any, k string) map[string]any { v, _ := m[k].(map[string]any); return v }

func strList(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, str(it))
	}
	return out
}

func decodeAll(data []byte) ([]map[string]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
}

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

// load parses every file under dir, failing on invalid YAML, and follows
// Locations from the root catalog-info.yaml. It returns the entities reached.
func load(t *testing.T, dir string) []entity {
	t.Helper()
	parsed := map[string][]map[string]any{}
	for f, data := range snapshot(t, dir) {
		if !strings.HasSuffix(f, ".yaml") {
			t.Errorf("unexpected non-YAML file %s", f)
			continue
		}
		docs, err := decodeAll(data)
		if err != nil {
			t.Fatalf("%s: invalid YAML: %v", f, err)
		}
		parsed[f] = docs
	}
	var out []entity
	visited := map[string]bool{}
	queue := []string{"catalog-info.yaml"}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		if visited[f] {
			t.Errorf("%s is the target of more than one Location", f)
			continue
		}
		visited[f] = true
		docs, ok := parsed[f]
		if !ok {
			t.Errorf("Location target %s does not exist", f)
			continue
		}
		for _, doc := range docs {
			e := entity{file: f, doc: doc}
			out = append(out, e)
			if e.kind() == "location" {
				for _, tg := range strList(e.spec()["targets"]) {
					if !strings.HasPrefix(tg, "./") {
						t.Errorf("%s: target %q is not relative", f, tg)
					}
					queue = append(queue, path.Join(path.Dir(f), tg))
				}
			}
		}
	}
	for f := range parsed {
		if !visited[f] {
			t.Errorf("%s is not reached from the root Location", f)
		}
	}
	return out
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

var (
	nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	tagRE  = regexp.MustCompile(`^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`)
)

func TestGenerate500(t *testing.T) {
	dir, res := generate(t, Options{Entities: 500, Seed: 42})
	entities := load(t, dir)

	if len(entities) != 500 || res.Entities != 500 {
		t.Fatalf("wrote %d entities (Result says %d), want exactly 500", len(entities), res.Entities)
	}
	byKind := map[string]int{}
	for _, e := range entities {
		byKind[e.kind()]++
	}
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
	for f, data := range disk {
		docs, _ := decodeAll(data)
		if f != "catalog-info.yaml" && len(docs) > DefaultEntitiesPerFile {
			t.Errorf("%s holds %d documents, more than %d", f, len(docs), DefaultEntitiesPerFile)
		}
	}

	checkEntities(t, entities)

	index := map[string]bool{}
	for _, e := range entities {
		index[e.ref()] = true
	}
	if len(res.SampleRefs) < 8 {
		t.Errorf("only %d sample refs", len(res.SampleRefs))
	}
	for _, r := range res.SampleRefs {
		if !index[r] {
			t.Errorf("sample ref %s does not exist", r)
		}
	}
}

func parseRef(ref, defaultKind string) (full string, explicit bool) {
	kind := defaultKind
	if i := strings.Index(ref, ":"); i >= 0 {
		kind, ref, explicit = strings.ToLower(ref[:i]), ref[i+1:], true
	}
	ns := "default"
	if i := strings.Index(ref, "/"); i >= 0 {
		ns, ref = ref[:i], ref[i+1:]
	}
	return kind + ":" + ns + "/" + ref, explicit
}

// checkEntities validates names, required fields and that every relation
// resolves to an entity of the right kind.
func checkEntities(t *testing.T, entities []entity) {
	t.Helper()
	byRef := map[string]entity{}
	apis := 0
	for _, e := range entities {
		if e.kind() == "api" {
			apis++
		}
		if _, dup := byRef[e.ref()]; dup {
			t.Errorf("%s: duplicate %s", e.file, e.ref())
		}
		byRef[e.ref()] = e
		if n := e.name(); len(n) > 63 || !nameRE.MatchString(n) {
			t.Errorf("%s: invalid name %q", e.file, n)
		}
		if e.desc() == "" {
			t.Errorf("%s: %s has no description", e.file, e.ref())
		}
		if str(e.doc["apiVersion"]) != "backstage.io/v1alpha1" {
			t.Errorf("%s: %s apiVersion %v", e.file, e.ref(), e.doc["apiVersion"])
		}
	}
	resolve := func(e entity, field, ref, defaultKind string, allowed ...string) (entity, bool) {
		t.Helper()
		full, explicit := parseRef(ref, defaultKind)
		if defaultKind == "" && !explicit {
			t.Errorf("%s: %s spec.%s %q has no kind", e.file, e.ref(), field, ref)
			return entity{}, false
		}
		kind := full[:strings.Index(full, ":")]
		ok := false
		for _, a := range allowed {
			ok = ok || a == kind
		}
		if !ok {
			t.Errorf("%s: %s spec.%s %q: kind %s not in %v", e.file, e.ref(), field, ref, kind, allowed)
		}
		target, found := byRef[full]
		if !found {
			t.Errorf("%s: %s spec.%s %q does not resolve", e.file, e.ref(), field, ref)
		}
		return target, found
	}
	teamOwner := func(e entity) {
		t.Helper()
		if g, ok := resolve(e, "owner", str(e.spec()["owner"]), "group", "group"); ok && str(g.spec()["type"]) != "team" {
			t.Errorf("%s: %s owned by %s, not a team", e.file, e.ref(), g.ref())
		}
	}
	provided := map[string]int{}
	for _, e := range entities {
		spec := e.spec()
		switch e.kind() {
		case "component":
			teamOwner(e)
			resolve(e, "system", str(spec["system"]), "system", "system")
			for _, f := range []string{"type", "lifecycle"} {
				if str(spec[f]) == "" {
					t.Errorf("%s: %s has no spec.%s", e.file, e.ref(), f)
				}
			}
			tags := strList(e.meta()["tags"])
			if len(tags) < 1 || len(tags) > 4 {
				t.Errorf("%s: %s has %d tags", e.file, e.ref(), len(tags))
			}
			for _, tg := range tags {
				if !tagRE.MatchString(tg) {
					t.Errorf("%s: invalid tag %q", e.file, tg)
				}
			}
			if links, _ := e.meta()["links"].([]any); len(links) < 1 || len(links) > 2 {
				t.Errorf("%s: %s has %d links", e.file, e.ref(), len(links))
			}
			if len(mapAt(e.meta(), "annotations")) < 2 {
				t.Errorf("%s: %s lacks annotations", e.file, e.ref())
			}
			deps := strList(spec["dependsOn"])
			if len(deps) < 1 || len(deps) > 3 {
				t.Errorf("%s: %s has %d dependsOn", e.file, e.ref(), len(deps))
			}
			for _, d := range deps {
				if target, ok := resolve(e, "dependsOn", d, "", "component", "resource"); ok && target.ref() == e.ref() {
					t.Errorf("%s: %s depends on itself", e.file, e.ref())
				}
			}
			if len(strList(spec["consumesApis"])) == 0 && len(strList(spec["providesApis"])) < apis {
				t.Errorf("%s: %s consumes no API", e.file, e.ref())
			}
			for _, a := range strList(spec["consumesApis"]) {
				resolve(e, "consumesApis", a, "api", "api")
			}
			for _, a := range strList(spec["providesApis"]) {
				if target, ok := resolve(e, "providesApis", a, "api", "api"); ok {
					provided[target.ref()]++
				}
			}
			if s := str(spec["subcomponentOf"]); s != "" {
				resolve(e, "subcomponentOf", s, "component", "component")
			}
		case "api":
			teamOwner(e)
			resolve(e, "system", str(spec["system"]), "system", "system")
			var def map[string]any
			if err := yaml.Unmarshal([]byte(str(spec["definition"])), &def); str(spec["type"]) != "grpc" && str(spec["type"]) != "graphql" && err != nil {
				t.Errorf("%s: %s definition: %v", e.file, e.ref(), err)
			}
		case "resource":
			teamOwner(e)
			resolve(e, "system", str(spec["system"]), "system", "system")
		case "system":
			teamOwner(e)
			resolve(e, "domain", str(spec["domain"]), "domain", "domain")
		case "domain":
			resolve(e, "owner", str(spec["owner"]), "group", "group")
		case "group":
			if p := str(spec["parent"]); p != "" {
				if parent, ok := resolve(e, "parent", p, "group", "group"); ok {
					found := false
					for _, c := range strList(parent.spec()["children"]) {
						found = found || c == e.name()
					}
					if !found {
						t.Errorf("%s: parent %s does not list it as a child", e.ref(), parent.ref())
					}
				}
			}
			if _, ok := spec["children"]; !ok {
				t.Errorf("%s: %s has no spec.children", e.file, e.ref())
			}
			for _, c := range strList(spec["children"]) {
				if child, ok := resolve(e, "children", c, "group", "group"); ok && str(child.spec()["parent"]) != e.name() {
					t.Errorf("%s: child %s has parent %q", e.ref(), child.ref(), child.spec()["parent"])
				}
			}
		case "user":
			groups := strList(spec["memberOf"])
			if len(groups) == 0 {
				t.Errorf("%s: %s is in no group", e.file, e.ref())
			}
			for _, g := range groups {
				resolve(e, "memberOf", g, "group", "group")
			}
		case "location":
		default:
			t.Errorf("%s: unexpected kind %s", e.file, e.kind())
		}
	}
	for _, e := range entities {
		if e.kind() == "api" && provided[e.ref()] != 1 {
			t.Errorf("%s is provided by %d components, want 1", e.ref(), provided[e.ref()])
		}
	}
}

func TestExactCounts(t *testing.T) {
	for _, n := range []int{MinEntities, 11, 37, 101, 1234} {
		dir, res := generate(t, Options{Entities: n, Seed: int64(n), EntitiesPerFile: 7})
		entities := load(t, dir)
		if len(entities) != n || res.Entities != n {
			t.Errorf("n=%d: wrote %d entities, Result says %d", n, len(entities), res.Entities)
		}
		checkEntities(t, entities)
		kinds := map[string]bool{}
		for _, e := range entities {
			kinds[e.kind()] = true
		}
		for _, k := range []string{"location", "domain", "system", "group", "user", "api", "resource", "component"} {
			if !kinds[k] {
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
	entitiesBefore := load(t, dir)

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

	// Same entities, same relations, only descriptions differ.
	entitiesAfter := load(t, dir)
	if len(entitiesAfter) != len(entitiesBefore) {
		t.Fatalf("entity count changed: %d -> %d", len(entitiesBefore), len(entitiesAfter))
	}
	checkEntities(t, entitiesAfter)
	descs := map[string]string{}
	for _, e := range entitiesBefore {
		descs[e.ref()] = e.desc()
	}
	edited := 0
	for _, e := range entitiesAfter {
		old, ok := descs[e.ref()]
		if !ok {
			t.Errorf("%s appeared", e.ref())
			continue
		}
		if e.file != changed {
			continue
		}
		edited++
		if want := old + " (rev 1)"; e.desc() != want {
			t.Errorf("%s: description %q, want %q", e.ref(), e.desc(), want)
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
	for _, e := range load(t, dir) {
		if e.kind() == "component" {
			prefixes[strings.SplitN(e.name(), "-", 2)[0]]++
		}
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
