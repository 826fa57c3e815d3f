package demo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// entity is one decoded catalog descriptor and the file it came from.
type entity struct {
	file string // slash path inside FS()
	doc  map[string]any
}

func (e entity) kind() string { return strings.ToLower(str(e.doc["kind"])) }
func (e entity) name() string { return str(mapAt(e.doc, "metadata")["name"]) }
func (e entity) spec() map[string]any {
	return mapAt(e.doc, "spec")
}
func (e entity) ref() string { return e.kind() + ":default/" + e.name() }

func str(v any) string {
	s, _ := v.(string)
	return s
}

func mapAt(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

func strList(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, str(it))
	}
	return out
}

// decodeAll decodes every YAML document in data.
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

func isYAML(p string) bool {
	return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")
}

func isEntityDoc(doc map[string]any) bool {
	av := str(doc["apiVersion"])
	return str(doc["kind"]) != "" &&
		(strings.HasPrefix(av, "backstage.io/") || strings.HasPrefix(av, "scaffolder.backstage.io/"))
}

// allYAML decodes every YAML file in the demo, failing the test on the first
// one that does not parse.
func allYAML(t *testing.T) map[string][]map[string]any {
	t.Helper()
	files := map[string][]map[string]any{}
	err := fs.WalkDir(FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isYAML(p) {
			return nil
		}
		data, err := fs.ReadFile(FS(), p)
		if err != nil {
			return err
		}
		docs, err := decodeAll(data)
		if err != nil {
			t.Errorf("%s: invalid YAML: %v", p, err)
			return nil
		}
		if len(docs) == 0 {
			t.Errorf("%s: no YAML documents", p)
		}
		files[p] = docs
		return nil
	})
	if err != nil {
		t.Fatalf("walking demo FS: %v", err)
	}
	return files
}

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

// loadCatalog follows Location entities from the platform's catalog
// locations, the way a catalog processor would, and returns every entity
// reached plus the set of files read.
func loadCatalog(t *testing.T) ([]entity, map[string]bool) {
	t.Helper()
	files := allYAML(t)
	visited := map[string]bool{}
	var out []entity
	queue := rootLocations(t)
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		if visited[f] {
			continue
		}
		visited[f] = true
		docs, ok := files[f]
		if !ok {
			t.Errorf("location target %s is not a YAML file in the demo", f)
			continue
		}
		for i, doc := range docs {
			if !isEntityDoc(doc) {
				t.Errorf("%s: document %d is not a catalog entity (apiVersion %q, kind %q)", f, i+1, doc["apiVersion"], doc["kind"])
				continue
			}
			e := entity{file: f, doc: doc}
			out = append(out, e)
			if e.kind() != "location" {
				continue
			}
			spec := e.spec()
			targets := strList(spec["targets"])
			if tg := str(spec["target"]); tg != "" {
				targets = append(targets, tg)
			}
			for _, tg := range targets {
				queue = append(queue, path.Join(path.Dir(f), tg))
			}
		}
	}
	return out, visited
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

func TestEveryYAMLFileParses(t *testing.T) {
	files := allYAML(t)
	if len(files) < 10 {
		t.Errorf("only %d YAML files in the demo", len(files))
	}
}

func TestEveryEntityFileIsReachable(t *testing.T) {
	_, visited := loadCatalog(t)
	for f, docs := range allYAML(t) {
		for _, doc := range docs {
			if isEntityDoc(doc) && !visited[f] {
				t.Errorf("%s holds catalog entities but no Location reaches it", f)
				break
			}
		}
	}
}

func TestEntityCounts(t *testing.T) {
	entities, _ := loadCatalog(t)
	if len(entities) < 75 {
		t.Errorf("demo has %d entities, want at least 75", len(entities))
	}
	byKind := map[string]int{}
	for _, e := range entities {
		byKind[e.kind()]++
	}
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
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var sb strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&sb, "%s=%d ", k, byKind[k])
	}
	t.Logf("%d entities: %s", len(entities), sb.String())
}

var (
	nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	tagRE  = regexp.MustCompile(`^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`)
)

func TestEnvelope(t *testing.T) {
	entities, _ := loadCatalog(t)
	seen := map[string]string{}
	for _, e := range entities {
		where := e.file + ": " + e.ref()
		av := str(e.doc["apiVersion"])
		switch e.kind() {
		case "template":
			if av != "scaffolder.backstage.io/v1beta3" {
				t.Errorf("%s: apiVersion %q", where, av)
			}
		default:
			if av != "backstage.io/v1alpha1" {
				t.Errorf("%s: apiVersion %q", where, av)
			}
		}
		name := e.name()
		if len(name) > 63 || !nameRE.MatchString(name) {
			t.Errorf("%s: name %q is not lowercase-kebab of at most 63 characters", where, name)
		}
		if prev, dup := seen[e.ref()]; dup {
			t.Errorf("%s: duplicate name, first defined in %s", where, prev)
		}
		seen[e.ref()] = e.file
		md := mapAt(e.doc, "metadata")
		desc := str(md["description"])
		if desc == "" || strings.Contains(desc, "\n") {
			t.Errorf("%s: want a one-line description, got %q", where, desc)
		}
		for _, tag := range strList(md["tags"]) {
			if len(tag) > 63 || !tagRE.MatchString(tag) {
				t.Errorf("%s: invalid tag %q", where, tag)
			}
		}
		links, _ := md["links"].([]any)
		for _, l := range links {
			lm, _ := l.(map[string]any)
			if !strings.HasPrefix(str(lm["url"]), "https://") {
				t.Errorf("%s: link without an https url: %v", where, l)
			}
		}
		for k, v := range mapAt(md, "annotations") {
			if _, ok := v.(string); !ok {
				t.Errorf("%s: annotation %s is not a string", where, k)
			}
		}
		if e.spec() == nil {
			t.Errorf("%s: no spec", where)
		}
	}
}

// parseRef splits an entity reference ("[kind:][namespace/]name") and
// applies defaultKind when the reference carries none. explicit reports
// whether the kind was written out.
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

func TestRelationsResolve(t *testing.T) {
	entities, _ := loadCatalog(t)
	byRef := map[string]entity{}
	for _, e := range entities {
		byRef[e.ref()] = e
	}
	resolve := func(e entity, field, ref, defaultKind string, allowed ...string) (entity, bool) {
		t.Helper()
		where := e.file + ": " + e.ref() + " spec." + field
		if ref == "" {
			t.Errorf("%s: empty reference", where)
			return entity{}, false
		}
		full, explicit := parseRef(ref, defaultKind)
		if defaultKind == "" && !explicit {
			t.Errorf("%s: %q must carry an explicit kind", where, ref)
			return entity{}, false
		}
		kind := full[:strings.Index(full, ":")]
		if len(allowed) > 0 && !contains(allowed, kind) {
			t.Errorf("%s: %q has kind %s, want one of %v", where, ref, kind, allowed)
		}
		target, ok := byRef[full]
		if !ok {
			t.Errorf("%s: %q does not resolve to an entity in the demo", where, ref)
		}
		return target, ok
	}
	requireTeamOwner := func(e entity) {
		t.Helper()
		owner, ok := resolve(e, "owner", str(e.spec()["owner"]), "group", "group")
		if ok && str(owner.spec()["type"]) != "team" {
			t.Errorf("%s: %s is owned by %s, which is not a team", e.file, e.ref(), owner.ref())
		}
	}

	hasSub := false
	for _, e := range entities {
		spec := e.spec()
		switch e.kind() {
		case "component":
			requireTeamOwner(e)
			resolve(e, "system", str(spec["system"]), "system", "system")
			if s := str(spec["subcomponentOf"]); s != "" {
				hasSub = true
				resolve(e, "subcomponentOf", s, "component", "component")
			}
			for _, r := range strList(spec["providesApis"]) {
				resolve(e, "providesApis", r, "api", "api")
			}
			for _, r := range strList(spec["consumesApis"]) {
				resolve(e, "consumesApis", r, "api", "api")
			}
			for _, r := range strList(spec["dependsOn"]) {
				if d, ok := resolve(e, "dependsOn", r, "", "component", "resource"); ok && d.ref() == e.ref() {
					t.Errorf("%s: %s depends on itself", e.file, e.ref())
				}
			}
		case "api":
			requireTeamOwner(e)
			resolve(e, "system", str(spec["system"]), "system", "system")
		case "resource":
			requireTeamOwner(e)
			resolve(e, "system", str(spec["system"]), "system", "system")
			for _, r := range strList(spec["dependsOn"]) {
				resolve(e, "dependsOn", r, "", "component", "resource")
			}
		case "system":
			requireTeamOwner(e)
			resolve(e, "domain", str(spec["domain"]), "domain", "domain")
		case "domain":
			resolve(e, "owner", str(spec["owner"]), "group", "group", "user")
			if s := str(spec["subdomainOf"]); s != "" {
				resolve(e, "subdomainOf", s, "domain", "domain")
			}
		case "template":
			resolve(e, "owner", str(spec["owner"]), "group", "group", "user")
		case "group":
			if p := str(spec["parent"]); p != "" {
				if parent, ok := resolve(e, "parent", p, "group", "group"); ok {
					if !containsRef(strList(parent.spec()["children"]), "group", e.ref()) {
						t.Errorf("%s: parent %s does not list %s among its children", e.ref(), parent.ref(), e.name())
					}
				}
			}
			for _, c := range strList(spec["children"]) {
				if child, ok := resolve(e, "children", c, "group", "group"); ok {
					if full, _ := parseRef(str(child.spec()["parent"]), "group"); full != e.ref() {
						t.Errorf("%s: child %s names parent %q", e.ref(), child.ref(), child.spec()["parent"])
					}
				}
			}
			for _, m := range strList(spec["members"]) {
				if u, ok := resolve(e, "members", m, "user", "user"); ok {
					if !containsRef(strList(u.spec()["memberOf"]), "group", e.ref()) {
						t.Errorf("%s: member %s does not list the group in memberOf", e.ref(), u.ref())
					}
				}
			}
		case "user":
			for _, g := range strList(spec["memberOf"]) {
				if grp, ok := resolve(e, "memberOf", g, "group", "group"); ok {
					if m, has := grp.spec()["members"]; has && !containsRef(strList(m), "user", e.ref()) {
						t.Errorf("%s: group %s lists members but not this user", e.ref(), grp.ref())
					}
				}
			}
		}
	}
	if !hasSub {
		t.Error("no component uses subcomponentOf")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsRef(refs []string, defaultKind, want string) bool {
	for _, r := range refs {
		if full, _ := parseRef(r, defaultKind); full == want {
			return true
		}
	}
	return false
}

func TestKindSpecifics(t *testing.T) {
	entities, _ := loadCatalog(t)
	lifecycles := map[string]bool{}
	componentTypes := map[string]bool{}
	apiTypes := map[string]bool{}
	resourceTypes := map[string]bool{}
	provided := map[string]bool{}
	textDefs := 0
	var apis []entity
	for _, e := range entities {
		spec := e.spec()
		where := e.file + ": " + e.ref()
		need := func(fields ...string) {
			for _, f := range fields {
				if _, ok := spec[f]; !ok {
					t.Errorf("%s: spec.%s is required", where, f)
				}
			}
		}
		switch e.kind() {
		case "component":
			need("type", "lifecycle", "owner", "system")
			lc := str(spec["lifecycle"])
			if !contains([]string{"production", "experimental", "deprecated"}, lc) {
				t.Errorf("%s: lifecycle %q", where, lc)
			}
			lifecycles[lc] = true
			componentTypes[str(spec["type"])] = true
			for _, a := range strList(spec["providesApis"]) {
				full, _ := parseRef(a, "api")
				provided[full] = true
			}
			md := mapAt(e.doc, "metadata")
			if len(strList(md["tags"])) == 0 {
				t.Errorf("%s: no tags", where)
			}
			ann := mapAt(md, "annotations")
			if ann["github.com/project-slug"] == nil || ann["backstage.io/techdocs-ref"] == nil {
				t.Errorf("%s: missing github.com/project-slug or backstage.io/techdocs-ref", where)
			}
			if str(spec["type"]) == "service" && ann["pagerduty.com/service-id"] == nil {
				t.Errorf("%s: services must name their PagerDuty service", where)
			}
			if md["links"] == nil {
				t.Errorf("%s: no links", where)
			}
		case "api":
			need("type", "lifecycle", "owner", "definition", "system")
			apiTypes[str(spec["type"])] = true
			apis = append(apis, e)
			switch def := spec["definition"].(type) {
			case string:
				if def == "" {
					t.Errorf("%s: empty definition", where)
				}
				if typ := str(spec["type"]); typ == "openapi" || typ == "asyncapi" {
					checkDefinition(t, where, typ, []byte(def))
				}
			case map[string]any:
				target := str(def["$text"])
				if target == "" {
					t.Errorf("%s: definition must be a string or a $text substitution, got %v", where, def)
					break
				}
				textDefs++
				p := path.Join(path.Dir(e.file), target)
				data, err := fs.ReadFile(FS(), p)
				if err != nil {
					t.Errorf("%s: $text target %s: %v", where, target, err)
					break
				}
				checkDefinition(t, where+" ("+p+")", str(spec["type"]), data)
			default:
				t.Errorf("%s: definition has type %T", where, def)
			}
		case "resource":
			need("type", "owner", "system")
			resourceTypes[str(spec["type"])] = true
		case "system":
			need("owner", "domain")
		case "domain":
			need("owner")
		case "group":
			need("type", "children")
		case "user":
			need("memberOf")
			if len(strList(spec["memberOf"])) == 0 {
				t.Errorf("%s: belongs to no group", where)
			}
		case "location":
			if spec["targets"] == nil && spec["target"] == nil {
				t.Errorf("%s: no target or targets", where)
			}
			for _, tg := range append(strList(spec["targets"]), str(spec["target"])) {
				if tg == "" {
					continue
				}
				p := path.Join(path.Dir(e.file), tg)
				if _, err := fs.Stat(FS(), p); err != nil {
					t.Errorf("%s: target %s does not exist: %v", where, tg, err)
				}
			}
		case "template":
			need("owner", "type", "parameters", "steps")
			if str(spec["type"]) != "service" {
				t.Errorf("%s: spec.type = %q, want service", where, spec["type"])
			}
		default:
			t.Errorf("%s: unexpected kind %q", where, e.kind())
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
	for _, a := range apis {
		if !provided[a.ref()] {
			t.Errorf("%s: %s is provided by no component", a.file, a.ref())
		}
	}
}

// checkDefinition parses an OpenAPI or AsyncAPI document and checks its
// version key and that it describes at least one path or channel.
func checkDefinition(t *testing.T, where, typ string, data []byte) {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Errorf("%s: %s definition does not parse: %v", where, typ, err)
		return
	}
	switch typ {
	case "openapi":
		if str(doc["openapi"]) == "" || len(mapAt(doc, "paths")) == 0 || str(mapAt(doc, "info")["title"]) == "" {
			t.Errorf("%s: OpenAPI definition needs openapi, info.title and paths", where)
		}
	case "asyncapi":
		if str(doc["asyncapi"]) == "" || len(mapAt(doc, "channels")) == 0 || str(mapAt(doc, "info")["title"]) == "" {
			t.Errorf("%s: AsyncAPI definition needs asyncapi, info.title and channels", where)
		}
	default:
		t.Errorf("%s: a $text definition of type %s is not checked", where, typ)
	}
}
