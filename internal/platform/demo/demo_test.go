package demo

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/catalog/model"
)

type platformFile struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name  string `yaml:"name"`
		Title string `yaml:"title"`
	} `yaml:"metadata"`
	Spec struct {
		Catalog struct {
			Locations []struct {
				Name   string `yaml:"name"`
				Target string `yaml:"target"`
			} `yaml:"locations"`
		} `yaml:"catalog"`
		Clusters []struct {
			Name        string `yaml:"name"`
			Environment string `yaml:"environment"`
			Context     string `yaml:"context"`
		} `yaml:"clusters"`
		Vault struct {
			Address    string `yaml:"address"`
			AuthMethod string `yaml:"authMethod"`
			KVMount    string `yaml:"kvMount"`
		} `yaml:"vault"`
		Costs struct {
			Currency string             `yaml:"currency"`
			Rates    map[string]float64 `yaml:"rates"`
		} `yaml:"costs"`
	} `yaml:"spec"`
}

func readPlatform(t *testing.T) platformFile {
	t.Helper()
	data, err := fs.ReadFile(FS(), "platform.yaml")
	if err != nil {
		t.Fatalf("platform.yaml must sit at the root of FS(): %v", err)
	}
	var p platformFile
	if err := yaml.Unmarshal(data, &p); err != nil {
		t.Fatalf("platform.yaml: %v", err)
	}
	return p
}

// rootLocations returns the catalog-info.yaml of every catalog location that
// platform.yaml declares. A target naming a directory means the
// catalog-info.yaml inside it.
func rootLocations(t *testing.T) []string {
	t.Helper()
	p := readPlatform(t)
	var roots []string
	for _, loc := range p.Spec.Catalog.Locations {
		target := path.Clean(loc.Target)
		fi, err := fs.Stat(FS(), target)
		if err != nil {
			t.Fatalf("platform.yaml: catalog location %q: target %q does not exist: %v", loc.Name, loc.Target, err)
		}
		if fi.IsDir() {
			target = path.Join(target, "catalog-info.yaml")
		}
		if _, err := fs.Stat(FS(), target); err != nil {
			t.Fatalf("platform.yaml: catalog location %q: %v", loc.Name, err)
		}
		roots = append(roots, target)
	}
	return roots
}

// catalogDir is the directory of the demo's catalog repository: the one
// catalog location platform.yaml declares, read from its catalog-info.yaml
// as Paved reads it (an embedded source with that subdirectory).
func catalogDir(t *testing.T) string {
	t.Helper()
	roots := rootLocations(t)
	if len(roots) != 1 || path.Base(roots[0]) != "catalog-info.yaml" {
		t.Fatalf("catalog roots = %v, want one catalog-info.yaml", roots)
	}
	return path.Dir(roots[0])
}

// loadCatalog reads the demo catalog with the real catalog model, following
// Location entities from its root. It returns the tree and the catalog's
// file system (paths in the tree are relative to it).
func loadCatalog(t *testing.T) (*catalogtest.Tree, fs.FS) {
	t.Helper()
	fsys, err := fs.Sub(FS(), catalogDir(t))
	if err != nil {
		t.Fatal(err)
	}
	return catalogtest.LoadFS(t, fsys), fsys
}

func TestFSHasPlatformAtRoot(t *testing.T) {
	p := readPlatform(t)
	if p.APIVersion != "paved.dev/v1alpha1" || p.Kind != "Platform" {
		t.Errorf("platform.yaml: got %s %s, want paved.dev/v1alpha1 Platform", p.APIVersion, p.Kind)
	}
	if p.Metadata.Name != "acme" {
		t.Errorf("platform.yaml: metadata.name = %q, want acme", p.Metadata.Name)
	}
	if len(p.Spec.Catalog.Locations) == 0 {
		t.Fatal("platform.yaml: no catalog locations")
	}
	if len(p.Spec.Clusters) == 0 || p.Spec.Vault.Address == "" || p.Spec.Costs.Currency == "" || len(p.Spec.Costs.Rates) == 0 {
		t.Errorf("platform.yaml: clusters, vault and costs must be filled in: %+v", p.Spec)
	}
	if got := rootLocations(t); len(got) != 1 || got[0] != "catalog/catalog-info.yaml" {
		t.Errorf("catalog roots = %v, want [catalog/catalog-info.yaml]", got)
	}
}

// TestCatalogHasNoProblems: every descriptor reached decodes and passes the
// model's validation, every $text target exists, every Location target
// exists and stays in the catalog, and no entity is defined twice.
func TestCatalogHasNoProblems(t *testing.T) {
	tr, _ := loadCatalog(t)
	tr.ReportProblems(t)
	if len(tr.Files) < 10 {
		t.Errorf("only %d descriptor files reached: %v", len(tr.Files), tr.Files)
	}
}

// TestEveryYAMLFileIsAccountedFor: every YAML file of the demo is valid
// YAML, and every catalog entity is reachable: each YAML file in the
// catalog is either a descriptor reached from its root Location or a
// $text target, and no file outside the catalog holds Backstage entities.
func TestEveryYAMLFileIsAccountedFor(t *testing.T) {
	tr, catalogFS := loadCatalog(t)
	dir := catalogDir(t)
	unreached, err := tr.FilesNotReached(catalogFS, "**/*.{yaml,yml}")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range unreached {
		t.Errorf("%s: neither reached from the root Location nor used as a $text target", path.Join(dir, f))
	}
	n := 0
	err = fs.WalkDir(FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			return err
		}
		n++
		if p == dir || strings.HasPrefix(p, dir+"/") {
			return nil // reached or a $text target: parsed by the walk
		}
		data, err := fs.ReadFile(FS(), p)
		if err != nil {
			return err
		}
		docs, err := model.Decode(data)
		if err != nil {
			t.Errorf("%s: invalid YAML: %v", p, err)
			return nil
		}
		if len(docs) == 0 {
			t.Errorf("%s: no YAML documents", p)
		}
		for _, d := range docs {
			if e := d.Entity; e != nil && (strings.HasPrefix(e.APIVersion, "backstage.io/") || strings.HasPrefix(e.APIVersion, "scaffolder.backstage.io/")) {
				t.Errorf("%s:%d: holds catalog entity %s but is outside the catalog, so no Location reaches it", p, d.Line, e.Ref())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking demo FS: %v", err)
	}
	if n < 10 {
		t.Errorf("only %d YAML files in the demo", n)
	}
}

func TestEntityCounts(t *testing.T) {
	tr, _ := loadCatalog(t)
	if len(tr.Entities) < 75 {
		t.Errorf("demo has %d entities, want at least 75", len(tr.Entities))
	}
	byKind := tr.CountByKind()
	want := map[string]int{
		"domain": 3, "system": 6, "component": 20, "api": 10, "resource": 8,
		"group": 5, "user": 15, "location": 2, "template": 1,
	}
	for k, n := range want {
		if byKind[k] < n {
			t.Errorf("kind %s: %d entities, want at least %d", k, byKind[k], n)
		}
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected kind %q (%d entities)", k, byKind[k])
		}
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var sb strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&sb, "%s=%d ", k, byKind[k])
	}
	t.Logf("%d entities: %s", len(tr.Entities), sb.String())
}

// nameRE is the demo's house style for names, stricter than Backstage's:
// lowercase kebab-case. (Tags, annotations and the 63-character limit are
// enforced by the model.)
var nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestEnvelope(t *testing.T) {
	tr, _ := loadCatalog(t)
	for _, e := range tr.Entities {
		where := e.Where()
		switch e.LowerKind() {
		case "template":
			if e.APIVersion != "scaffolder.backstage.io/v1beta3" {
				t.Errorf("%s: apiVersion %q", where, e.APIVersion)
			}
		default:
			if e.APIVersion != "backstage.io/v1alpha1" {
				t.Errorf("%s: apiVersion %q", where, e.APIVersion)
			}
		}
		if e.Metadata.Namespace != model.DefaultNamespace {
			t.Errorf("%s: namespace %q, want the default", where, e.Metadata.Namespace)
		}
		if name := e.Metadata.Name; len(name) > 63 || !nameRE.MatchString(name) {
			t.Errorf("%s: name %q is not lowercase-kebab of at most 63 characters", where, name)
		}
		if desc := e.Metadata.Description; desc == "" || strings.Contains(desc, "\n") {
			t.Errorf("%s: want a one-line description, got %q", where, desc)
		}
		for _, l := range e.Metadata.Links {
			if !strings.HasPrefix(l.URL, "https://") {
				t.Errorf("%s: link without an https url: %+v", where, l)
			}
		}
		if e.Spec == nil {
			t.Errorf("%s: no spec", where)
		}
	}
}

// relationRules: the demo is owned by teams, except that a domain or a
// template may also be owned by a person, and domains nest (subdomainOf).
var relationRules = func() catalogtest.Rules {
	r := catalogtest.TeamOwnedRules()
	r["domain"] = map[string][]string{model.RelOwnedBy: {"group", "user"}, model.RelPartOf: {"domain"}}
	r["template"] = map[string][]string{model.RelOwnedBy: {"group", "user"}}
	return r
}()

func TestRelationsResolve(t *testing.T) {
	tr, _ := loadCatalog(t)
	for _, p := range tr.DanglingRelations() {
		t.Error(p)
	}
	for _, p := range tr.WrongTargetKinds(relationRules) {
		t.Error(p)
	}
	// parent/children and members/memberOf agree from both sides.
	for _, rel := range []string{model.RelChildOf, model.RelParentOf, model.RelMemberOf, model.RelHasMember} {
		for _, p := range tr.Asymmetric(rel) {
			t.Error(p)
		}
	}
	hasSub := false
	for _, e := range tr.Entities {
		switch e.LowerKind() {
		case "component", "api", "resource", "system":
			for _, o := range tr.Related(e, model.RelOwnedBy) {
				if o.OK && o.Entity.SpecString("type") != "team" {
					t.Errorf("%s: owned by %s, which is not a team", e.Where(), o.Ref)
				}
			}
		}
		for _, d := range tr.Related(e, model.RelDependsOn) {
			if d.Ref.Key() == e.Key() {
				t.Errorf("%s: depends on itself", e.Where())
			}
		}
		if e.LowerKind() == "component" && e.SpecString("subcomponentOf") != "" {
			hasSub = true
		}
	}
	if !hasSub {
		t.Error("no component uses subcomponentOf")
	}
}

func TestKindSpecifics(t *testing.T) {
	tr, _ := loadCatalog(t)
	lifecycles := map[string]bool{}
	componentTypes := map[string]bool{}
	apiTypes := map[string]bool{}
	resourceTypes := map[string]bool{}
	textDefs := 0
	for _, e := range tr.Entities {
		where := e.Where()
		need := func(fields ...string) {
			for _, f := range fields {
				if _, ok := e.Spec[f]; !ok {
					t.Errorf("%s: spec.%s is required", where, f)
				}
			}
		}
		switch e.LowerKind() {
		case "component":
			need("type", "lifecycle", "owner", "system")
			lc := e.SpecString("lifecycle")
			if !slices.Contains([]string{"production", "experimental", "deprecated"}, lc) {
				t.Errorf("%s: lifecycle %q", where, lc)
			}
			lifecycles[lc] = true
			componentTypes[e.SpecString("type")] = true
			md := e.Metadata
			if len(md.Tags) == 0 {
				t.Errorf("%s: no tags", where)
			}
			if md.Annotations["github.com/project-slug"] == "" || md.Annotations["backstage.io/techdocs-ref"] == "" {
				t.Errorf("%s: missing github.com/project-slug or backstage.io/techdocs-ref", where)
			}
			if e.SpecString("type") == "service" && md.Annotations["pagerduty.com/service-id"] == "" {
				t.Errorf("%s: services must name their PagerDuty service", where)
			}
			if len(md.Links) == 0 {
				t.Errorf("%s: no links", where)
			}
		case "api":
			need("type", "lifecycle", "owner", "definition", "system")
			typ := e.SpecString("type")
			apiTypes[typ] = true
			if len(tr.Incoming(e, model.RelProvidesAPI)) == 0 {
				t.Errorf("%s: provided by no component", where)
			}
			written, err := e.AsWritten()
			if err != nil {
				t.Errorf("%s: %v", where, err)
				break
			}
			def := e.SpecString("definition") // $text already substituted
			switch w := written.Spec["definition"].(type) {
			case string:
				if typ == "openapi" || typ == "asyncapi" {
					checkDefinition(t, where, typ, def)
				}
			case map[string]any:
				target, _ := w["$text"].(string)
				if target == "" || len(w) != 1 {
					t.Errorf("%s: definition must be a string or a $text substitution, got %v", where, w)
					break
				}
				textDefs++
				p := path.Join(path.Dir(e.File), target)
				if !slices.Contains(tr.Deps, p) {
					t.Errorf("%s: $text target %s was not read (resolved to %s)", where, target, p)
				}
				checkDefinition(t, where+" ("+p+")", typ, def)
				if typ != "openapi" && typ != "asyncapi" {
					t.Errorf("%s: a $text definition of type %s is not checked", where, typ)
				}
			default:
				t.Errorf("%s: definition has type %T", where, w)
			}
		case "resource":
			need("type", "owner", "system")
			resourceTypes[e.SpecString("type")] = true
		case "system":
			need("owner", "domain")
		case "domain":
			need("owner")
		case "group":
			need("type", "children")
		case "user":
			need("memberOf")
			if len(tr.Related(e, model.RelMemberOf)) == 0 {
				t.Errorf("%s: belongs to no group", where)
			}
		case "location":
			// Targets that are missing or leave the catalog are walk
			// problems (TestCatalogHasNoProblems).
			if len(e.LocationTargets()) == 0 {
				t.Errorf("%s: no target or targets", where)
			}
		case "template":
			need("owner", "type", "parameters", "steps")
			if e.SpecString("type") != "service" {
				t.Errorf("%s: spec.type = %q, want service", where, e.Spec["type"])
			}
		default:
			t.Errorf("%s: unexpected kind %q", where, e.Kind)
		}
	}
	for _, lc := range []string{"production", "experimental", "deprecated"} {
		if !lifecycles[lc] {
			t.Errorf("no component has lifecycle %s", lc)
		}
	}
	for _, typ := range []string{"service", "website", "library"} {
		if !componentTypes[typ] {
			t.Errorf("no component of type %s", typ)
		}
	}
	for _, typ := range []string{"openapi", "grpc", "asyncapi", "graphql"} {
		if !apiTypes[typ] {
			t.Errorf("no API of type %s", typ)
		}
	}
	for _, typ := range []string{"database", "cache", "kafka-topic", "s3-bucket"} {
		if !resourceTypes[typ] {
			t.Errorf("no resource of type %s", typ)
		}
	}
	if textDefs < 2 {
		t.Errorf("%d APIs use a $text definition, want at least 2", textDefs)
	}
}

// checkDefinition parses an OpenAPI or AsyncAPI document and checks its
// version key and that it describes at least one path or channel.
func checkDefinition(t *testing.T, where, typ, def string) {
	t.Helper()
	var doc struct {
		OpenAPI  string                 `yaml:"openapi"`
		AsyncAPI string                 `yaml:"asyncapi"`
		Info     struct{ Title string } `yaml:"info"`
		Paths    map[string]any         `yaml:"paths"`
		Channels map[string]any         `yaml:"channels"`
	}
	if err := yaml.Unmarshal([]byte(def), &doc); err != nil {
		t.Errorf("%s: %s definition does not parse: %v", where, typ, err)
		return
	}
	switch typ {
	case "openapi":
		if doc.OpenAPI == "" || len(doc.Paths) == 0 || doc.Info.Title == "" {
			t.Errorf("%s: OpenAPI definition needs openapi, info.title and paths", where)
		}
	case "asyncapi":
		if doc.AsyncAPI == "" || len(doc.Channels) == 0 || doc.Info.Title == "" {
			t.Errorf("%s: AsyncAPI definition needs asyncapi, info.title and channels", where)
		}
	}
}
