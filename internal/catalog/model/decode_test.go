package model

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestDecodeValidFixtures decodes one realistic file per kind (plus
// multi-document, namespaced, anchored, placeholder and custom-kind files)
// and checks every entity's identity, line and relations, including default
// kinds, default namespaces and cross-namespace references.
func TestDecodeValidFixtures(t *testing.T) {
	type want struct {
		ref  string // Ref().String()
		line int
		rels []string
	}
	tests := []struct {
		file string
		want []want
	}{
		{"valid/component.yaml", []want{{"component:default/payments-api", 2, []string{
			"ownedBy group:default/payments-team",
			"partOf system:default/checkout",
			"partOf component:default/shop-backend",
			"providesApi api:default/payments-rest",
			"providesApi api:default/payments-grpc",
			"consumesApi api:default/fraud-api",
			"consumesApi api:risk/scoring-api",
			"dependsOn resource:default/payments-db",
			"dependsOn component:default/ledger",
			"dependencyOf component:default/checkout-web",
		}}}},
		{"valid/api.yaml", []want{{"api:default/payments-rest", 1, []string{
			"ownedBy user:default/jdoe",
			"partOf system:default/checkout",
		}}}},
		{"valid/resource.yaml", []want{{"resource:default/payments-db", 1, []string{
			"ownedBy group:default/payments-team",
			"dependsOn resource:default/backups-bucket",
			"dependencyOf component:default/payments-api",
			"dependencyOf component:default/ledger",
			"partOf system:default/checkout",
		}}}},
		{"valid/system.yaml", []want{{"system:default/checkout", 1, []string{
			"ownedBy group:default/payments-team",
			"partOf domain:default/commerce",
		}}}},
		{"valid/domain.yaml", []want{{"domain:default/commerce", 1, []string{
			"ownedBy group:business/commerce-leads",
			"partOf domain:default/company",
		}}}},
		{"valid/group.yaml", []want{{"group:default/payments-team", 1, []string{
			"childOf group:default/engineering",
			"parentOf group:default/payments-oncall",
			"parentOf group:finance/payments-analysts",
			"hasMember user:default/jdoe",
			"hasMember user:default/asmith",
		}}}},
		{"valid/user.yaml", []want{
			{"user:default/jdoe", 1, []string{
				"memberOf group:default/payments-team",
				"memberOf group:default/employees",
			}},
			{"user:default/new.hire", 12, nil},
		}},
		{"valid/location.yaml", []want{
			{"location:default/org-data", 1, nil},
			{"location:default/local-components", 11, nil},
			{"location:default/url-with-relative-target", 24, nil},
			{"location:default/discovery", 33, nil},
		}},
		{"valid/template.yaml", []want{{"template:default/go-service", 1, []string{
			"ownedBy group:default/platform-team",
		}}}},
		{"valid/custom-kind.yaml", []want{{"workflow:default/nightly-reconcile", 1, nil}}},
		{"valid/namespaces.yaml", []want{
			{"component:billing/billing-worker", 2, []string{
				"ownedBy group:billing/billing-team",
				"partOf system:default/checkout",
				"consumesApi api:billing/Payments-REST",
				"dependsOn resource:shared/queue",
				"dependsOn component:billing/billing-core",
			}},
			{"group:billing/billing-team", 19, []string{
				"childOf group:default/engineering",
				"hasMember user:default/jdoe",
				"hasMember user:billing/mroe",
			}},
		}},
		{"valid/multi.yaml", []want{
			{"system:default/ledger-system", 3, []string{"ownedBy group:default/finance-team"}},
			{"component:default/ledger", 10, []string{
				"ownedBy group:default/finance-team",
				"partOf system:default/ledger-system",
			}},
			{"api:default/ledger-api", 24, []string{"ownedBy group:default/finance-team"}},
		}},
		{"valid/anchors.yaml", []want{
			{"component:default/anchors-demo", 2, []string{
				"ownedBy group:default/payments-team",
				"dependsOn resource:default/payments-db",
				"dependencyOf resource:default/payments-db",
			}},
			{"component:default/anchors-demo-2", 21, []string{"ownedBy group:default/payments-team"}},
		}},
		{"valid/placeholders.yaml", []want{
			{"api:default/petstore", 1, []string{"ownedBy group:default/petstore-team"}},
			{"component:default/petstore-service", 14, []string{"ownedBy group:default/petstore-team"}},
		}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			docs := decodeFixture(t, tt.file)
			if len(docs) != len(tt.want) {
				t.Fatalf("got %d documents, want %d", len(docs), len(tt.want))
			}
			for i, w := range tt.want {
				d := docs[i]
				if d.Entity == nil {
					t.Fatalf("document %d rejected:%s", i, problemStrings(d.Problems))
				}
				if len(d.Problems) != 0 {
					t.Errorf("document %d: valid entity with problems:%s", i, problemStrings(d.Problems))
				}
				e := d.Entity
				if d.Index != i {
					t.Errorf("document %d: Index = %d", i, d.Index)
				}
				if got := e.Ref().String(); got != w.ref {
					t.Errorf("document %d: ref = %q, want %q", i, got, w.ref)
				}
				if d.Line != w.line || e.Line != w.line {
					t.Errorf("document %d: line = %d/%d, want %d", i, d.Line, e.Line, w.line)
				}
				if got := relStrings(e.Relations); !equalStrings(got, w.rels) {
					t.Errorf("document %d relations:\n got  %q\n want %q", i, got, w.rels)
				}
				if e.RawYAML == "" || !strings.Contains(e.RawYAML, "name: "+e.Metadata.Name) {
					t.Errorf("document %d: RawYAML does not hold the document:\n%s", i, e.RawYAML)
				}
			}
		})
	}
	// Every valid fixture must be listed above.
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "valid", "*.yaml"))
	for _, f := range files {
		if name := "valid/" + filepath.Base(f); !covered[name] {
			t.Errorf("fixture %s has no expectations", name)
		}
	}
}

// TestDecodeComponentFields checks that every documented metadata field and
// Component spec field is decoded, and that unknown fields are kept.
func TestDecodeComponentFields(t *testing.T) {
	e := decodeFixture(t, "valid/component.yaml")[0].Entity
	if e.APIVersion != "backstage.io/v1alpha1" || e.Kind != "Component" {
		t.Errorf("envelope = %q %q", e.APIVersion, e.Kind)
	}
	m := e.Metadata
	wantMeta := Metadata{
		Name:        "payments-api",
		Namespace:   "default",
		Title:       "Payments API",
		Description: "Takes payments from the web shop and the mobile apps.",
		Labels:      map[string]string{"example.com/tier": "gold", "cost-center": "CC_1234", "empty-label": ""},
		Annotations: map[string]string{
			"backstage.io/techdocs-ref": "dir:.",
			"github.com/project-slug":   "acme/payments-api",
			"example.com/notes":         "Any string: even with spaces, colons & symbols!",
		},
		Tags: []string{"java", "payments", "c++", "c#", "team:payments"},
		Links: []Link{
			{URL: "https://grafana.example.com/d/payments", Title: "Payments dashboard", Icon: "dashboard", Type: "admin-dashboard"},
			{URL: "https://runbooks.example.com/payments"},
		},
	}
	if !reflect.DeepEqual(m, wantMeta) {
		t.Errorf("metadata:\n got  %+v\n want %+v", m, wantMeta)
	}
	for key, want := range map[string]string{"type": "service", "lifecycle": "production", "owner": "payments-team", "system": "checkout", "subcomponentOf": "shop-backend", "missing": "", "providesApis": ""} {
		if got := e.SpecString(key); got != want {
			t.Errorf("SpecString(%q) = %q, want %q", key, got, want)
		}
	}
	if owner, ok := e.Owner(); !ok || owner.Kind != "Group" || owner.Key() != "group:default/payments-team" {
		t.Errorf("Owner() = %+v, %v", owner, ok)
	}
	if sys, ok := e.System(); !ok || sys.Key() != "system:default/checkout" {
		t.Errorf("System() = %+v, %v", sys, ok)
	}
	// The kind of an explicit ref keeps its case; a defaulted kind uses
	// Backstage's spelling.
	kinds := map[string]string{}
	for _, r := range e.Relations {
		kinds[r.Target.Name] = r.Target.Kind
	}
	for name, kind := range map[string]string{"payments-grpc": "API", "payments-rest": "API", "scoring-api": "api", "payments-db": "resource", "shop-backend": "Component"} {
		if kinds[name] != kind {
			t.Errorf("kind of %s = %q, want %q", name, kinds[name], kind)
		}
	}
	// Unknown fields are kept in Raw; the namespace is defaulted there too.
	meta := e.Raw["metadata"].(map[string]any)
	if meta["x-paved-custom"] != "kept in raw" || meta["namespace"] != "default" {
		t.Errorf("raw metadata = %v", meta)
	}
	nested := e.Spec["x-unknown-spec-field"].(map[string]any)["nested"]
	if !reflect.DeepEqual(nested, []any{1, 2, 3}) {
		t.Errorf("unknown spec field = %#v", nested)
	}
	if reflect.ValueOf(e.Spec).Pointer() != reflect.ValueOf(e.Raw["spec"]).Pointer() {
		t.Error("Spec is not Raw[\"spec\"]")
	}
	// JSON has the Backstage API shape.
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"apiVersion":"backstage.io/v1alpha1"`, `"kind":"Component"`, `"metadata":{"name":"payments-api","namespace":"default"`, `"relations":[{"type":"ownedBy"`, `"links":[{"url":"https://grafana.example.com/d/payments","title":"Payments dashboard","icon":"dashboard","type":"admin-dashboard"},{"url":"https://runbooks.example.com/payments"}]`} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("JSON lacks %s:\n%s", s, b)
		}
	}
	if bytes.Contains(b, []byte("RawYAML")) || bytes.Contains(b, []byte(`"Raw"`)) {
		t.Errorf("JSON contains Raw fields:\n%s", b)
	}
}

func TestDecodeKindSpecifics(t *testing.T) {
	api := decodeFixture(t, "valid/api.yaml")[0].Entity
	if def := api.SpecString("definition"); !strings.HasPrefix(def, "openapi: \"3.0.0\"\n") {
		t.Errorf("API definition = %q", def)
	}
	if owner, _ := api.Owner(); owner.Kind != "user" {
		t.Errorf("API owner kind = %q, want user as written", owner.Kind)
	}

	res := decodeFixture(t, "valid/resource.yaml")[0].Entity
	if res.APIVersion != "backstage.io/v1beta1" {
		t.Errorf("Resource apiVersion = %q", res.APIVersion)
	}

	sys := decodeFixture(t, "valid/system.yaml")[0].Entity
	if sys.SpecString("type") != "product" {
		t.Errorf("System type = %q", sys.SpecString("type"))
	}
	if _, ok := sys.System(); ok {
		t.Error("a System's domain is not its System()")
	}

	grp := decodeFixture(t, "valid/group.yaml")[0].Entity
	profile := grp.Spec["profile"].(map[string]any)
	if profile["displayName"] != "Payments" || profile["email"] != "payments@example.com" || profile["picture"] != "https://example.com/groups/payments.png" {
		t.Errorf("Group profile = %v", profile)
	}

	users := decodeFixture(t, "valid/user.yaml")
	if got := users[1].Entity.Spec["memberOf"]; !reflect.DeepEqual(got, []any{}) {
		t.Errorf("empty memberOf = %#v", got)
	}

	tpl := decodeFixture(t, "valid/template.yaml")[0].Entity
	if tpl.APIVersion != "scaffolder.backstage.io/v1beta3" || len(tpl.Spec["steps"].([]any)) != 3 || len(tpl.Spec["parameters"].([]any)) != 2 {
		t.Errorf("Template spec = %v", tpl.Spec)
	}
	if tpl.Metadata.Annotations["backstage.io/time-saved"] != "PT4H" {
		t.Errorf("Template annotations = %v", tpl.Metadata.Annotations)
	}

	custom := decodeFixture(t, "valid/custom-kind.yaml")[0].Entity
	if custom.Kind != "Workflow" || custom.Spec["owner"] != 42 || custom.Raw["extra-root-field"] != "kept" || len(custom.Relations) != 0 {
		t.Errorf("custom kind entity = %+v", custom)
	}
	if custom.Metadata.Labels["example.com/schedule"] != "nightly" {
		t.Errorf("custom kind metadata is still validated and decoded: %+v", custom.Metadata)
	}
	if _, ok := custom.Owner(); ok || custom.LocationTargets() != nil {
		t.Error("a custom kind has no owner relation and no location targets")
	}
}

func TestLocationTargets(t *testing.T) {
	docs := decodeFixture(t, "valid/location.yaml")
	tests := []struct {
		doc  int
		want []LocationTarget
	}{
		{0, []LocationTarget{
			{"url", "http://github.com/myorg/myproject/org-data-dump/catalog-info-staff.yaml"},
			{"url", "http://github.com/myorg/myproject/org-data-dump/catalog-info-consultants.yaml"},
		}},
		{1, []LocationTarget{
			{"file", "./payments/catalog-info.yaml"},
			{"file", "./ledger/catalog-info.yaml"},
			{"url", "https://raw.example.com/shared/catalog-info.yaml"},
		}},
		{2, []LocationTarget{
			{"file", "./nested/catalog-info.yaml"},
			{"url", "https://github.com/acme/shared/blob/main/catalog-info.yaml"},
		}},
		{3, []LocationTarget{
			{"github-discovery", "https://github.com/acme/*/blob/main/catalog-info.yaml"},
		}},
	}
	for _, tt := range tests {
		if got := docs[tt.doc].Entity.LocationTargets(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("doc %d targets:\n got  %v\n want %v", tt.doc, got, tt.want)
		}
	}
	if docs[1].Entity.SpecString("presence") != "optional" {
		t.Errorf("presence = %q", docs[1].Entity.SpecString("presence"))
	}
}

func TestDecodeAnchorsAndMerges(t *testing.T) {
	docs := decodeFixture(t, "valid/anchors.yaml")
	a := docs[0].Entity
	if got := a.Metadata.Annotations; !reflect.DeepEqual(got, map[string]string{"example.com/owner-email": "team@example.com", "example.com/slack": "#override"}) {
		t.Errorf("merged annotations = %v", got)
	}
	meta := a.Raw["metadata"].(map[string]any)
	if !reflect.DeepEqual(meta["x-copy-of-labels"], map[string]any{"example.com/tier": "silver"}) {
		t.Errorf("alias copy = %v", meta["x-copy-of-labels"])
	}
	// Expanded aliases are independent copies.
	meta["x-copy-of-labels"].(map[string]any)["example.com/tier"] = "changed"
	if a.Metadata.Labels["example.com/tier"] != "silver" || meta["labels"].(map[string]any)["example.com/tier"] != "silver" {
		t.Error("alias expansion shares maps")
	}
	b := docs[1].Entity
	if b.SpecString("type") != "service" || b.SpecString("lifecycle") != "experimental" || b.SpecString("owner") != "payments-team" {
		t.Errorf("merged spec = %v", b.Spec)
	}
}

func TestDecodeRawYAMLAndLines(t *testing.T) {
	docs := decodeFixture(t, "valid/multi.yaml")
	want0 := "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: ledger-system\nspec:\n  owner: finance-team\n"
	if got := docs[0].Entity.RawYAML; got != want0 {
		t.Errorf("RawYAML[0] = %q, want %q", got, want0)
	}
	if got := docs[1].Entity.RawYAML; !strings.HasPrefix(got, "apiVersion: backstage.io/v1alpha1\nkind: Component\n") || !strings.HasSuffix(got, "  system: ledger-system\n...\n") {
		t.Errorf("RawYAML[1] = %q", got)
	}
	if got := docs[2].Entity.RawYAML; !strings.HasPrefix(got, "apiVersion") || !strings.HasSuffix(got, "definition: \"syntax = \\\"proto3\\\";\"\n") {
		t.Errorf("RawYAML[2] = %q", got)
	}
}

// TestDecodeLineEndingsAndBOM: CRLF line endings and a UTF-8 byte order
// mark decode exactly like the plain file.
func TestDecodeLineEndingsAndBOM(t *testing.T) {
	plain := readFixture(t, "valid/namespaces.yaml")
	want := decodeFixture(t, "valid/namespaces.yaml")
	crlf := bytes.ReplaceAll(plain, []byte("\n"), []byte("\r\n"))
	for name, data := range map[string][]byte{
		"crlf":     crlf,
		"bom":      append([]byte("\xEF\xBB\xBF"), plain...),
		"bom+crlf": append([]byte("\xEF\xBB\xBF"), crlf...),
	} {
		got, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d docs, want %d", name, len(got), len(want))
		}
		for i := range got {
			g, w := got[i].Entity, want[i].Entity
			if g == nil || g.Ref() != w.Ref() || g.Line != w.Line || !reflect.DeepEqual(g.Relations, w.Relations) || !reflect.DeepEqual(g.Raw, w.Raw) {
				t.Errorf("%s doc %d differs: %+v", name, i, got[i])
			}
		}
	}
}

func TestDecodeEmptyInputs(t *testing.T) {
	for _, in := range []string{"", "\n", "# just a comment\n", "---\n", "---\n---\n...\n", "~\n", "--- null\n", "\xEF\xBB\xBF"} {
		docs, err := Decode([]byte(in))
		if err != nil || len(docs) != 0 {
			t.Errorf("Decode(%q) = %v, %v; want no documents", in, docs, err)
		}
	}
}

func TestDecodeDocumentSplitting(t *testing.T) {
	in := "%YAML 1.1\n---\n" + entityYAML("a") + "...\n---\n" + entityYAML("b") + "--- # comment\n" + entityYAML("c") +
		"---\ndescription: |\n  --- not a marker when indented\n" + "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: d}\nspec: {type: team, children: []}\n" +
		"--- {apiVersion: backstage.io/v1alpha1, kind: Group, metadata: {name: e}, spec: {type: team, children: []}}\n"
	docs, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var lines []int
	for _, d := range docs {
		if d.Entity == nil {
			t.Fatalf("doc %d rejected:%s", d.Index, problemStrings(d.Problems))
		}
		names = append(names, d.Entity.Metadata.Name)
		lines = append(lines, d.Line)
	}
	if want := []string{"a", "b", "c", "d", "e"}; !equalStrings(names, want) {
		t.Errorf("names = %v, want %v", names, want)
	}
	if want := []int{3, 10, 16, 22, 28}; !reflect.DeepEqual(lines, want) {
		t.Errorf("lines = %v, want %v", lines, want)
	}
	if got := docs[4].Entity.RawYAML; !strings.HasPrefix(got, "--- {apiVersion") {
		t.Errorf("inline document RawYAML = %q", got)
	}
}

func entityYAML(name string) string {
	return "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: " + name + "\nspec: {type: team, children: []}\n"
}

func TestDecodeSyntaxErrors(t *testing.T) {
	tests := []struct {
		file string
		line int
		msg  string
	}{
		// The second document's "children: [a, b}" on line 11.
		{"invalid/syntax.yaml", 11, "did not find expected ',' or ']'"},
		{"invalid/tabs.yaml", 4, "found character that cannot start any token"},
	}
	for _, tt := range tests {
		fe := decodeFileError(t, readFixture(t, tt.file))
		if fe.Line != tt.line || !strings.Contains(fe.Message, tt.msg) || !strings.Contains(fe.Message, "fix the YAML") {
			t.Errorf("%s: got line %d %q; want line %d containing %q", tt.file, fe.Line, fe.Message, tt.line, tt.msg)
		}
	}
}

// TestSyntaxErrorsNameTheLineToFix: yaml.v3 names the line before the real
// one for its parser errors (it prints a 0-based mark); each case is the
// line a person must look at, in the first document or a later one.
func TestSyntaxErrorsNameTheLineToFix(t *testing.T) {
	group := entityYAML("fine") // five lines
	tests := []struct {
		name string
		in   string
		line int
		msg  string
	}{
		{"unclosed list", "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: x\n  tags: [a, b\nspec: {}\n", 5, "did not find expected ',' or ']'"},
		{"unclosed mapping", "apiVersion: backstage.io/v1alpha1\nkind: Group\nspec: {type: team\n", 3, "did not find expected ',' or '}'"},
		{"key under-indented", "apiVersion: backstage.io/v1alpha1\nmetadata:\n  name: x\n title: y\n", 4, "did not find expected key"},
		{"list after a mapping", "kind: Group\n- item\n", 2, "did not find expected key"},
		{"in the second document", group + "---\nkind: Group\nmetadata:\n  name: y\n  tags: [a\n", 10, "did not find expected ',' or ']'"},
		{"in the third document after comments", group + "---\n" + group + "# note\n---\nkind: Group\nmetadata: {name: z\n", 15, "did not find expected ',' or '}'"},
		{"bracket open at the end", "kind: Group\nmetadata:\n  tags: [\n", 3, "did not find expected node content"},
		{"tab indentation", "kind: Group\nmetadata:\n\tname: x\n", 3, "found character that cannot start any token"},
		{"colon in a plain value", "kind: Group\nmetadata:\n  title: a: b\n", 3, "mapping values are not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := decodeFileError(t, []byte(tt.in))
			if fe.Line != tt.line || !strings.Contains(fe.Message, tt.msg) {
				t.Errorf("got line %d %q; want line %d containing %q", fe.Line, fe.Message, tt.line, tt.msg)
			}
		})
	}
}

func TestProblemStringsNameLineAndField(t *testing.T) {
	docs, err := Decode([]byte(strings.Replace(entityYAML("x"), "type: team", "type: 7", 1)))
	if err != nil || len(docs) != 1 || len(docs[0].Problems) != 1 {
		t.Fatalf("Decode = %v, %v", docs, err)
	}
	if got := docs[0].Problems[0].String(); !strings.HasPrefix(got, "line 5: spec.type: must be a string") {
		t.Errorf("String() = %q", got)
	}
	if got := docs[0].Problems[0].In("org.yaml").String(); !strings.HasPrefix(got, "org.yaml:5: spec.type: must be a string") {
		t.Errorf("In(file).String() = %q", got)
	}
	_, err = Decode([]byte("kind: Group\nmetadata: {name: [x\n"))
	if got := err.Error(); !strings.HasPrefix(got, "line 2: YAML syntax error: did not find expected ',' or ']'; fix the YAML") {
		t.Errorf("Decode error = %q", got)
	}
}
