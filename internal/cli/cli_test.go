package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/cli"
	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// result is one run of the command line.
type result struct {
	code           int
	stdout, stderr string
}

// paved runs the CLI in-process against the PAVED_HOME the test set.
func paved(t *testing.T, args ...string) result {
	t.Helper()
	return pavedWith(t, cli.Deps{}, args...)
}

func pavedWith(t *testing.T, d cli.Deps, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	d.Stdout, d.Stderr = &out, &errb
	code := cli.Main(context.Background(), args, d)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// ok runs the CLI and fails the test unless it exits 0.
func ok(t *testing.T, args ...string) result {
	t.Helper()
	r := paved(t, args...)
	if r.code != 0 {
		t.Fatalf("paved %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// home gives the test its own Paved state directory.
func home(t *testing.T) string {
	t.Helper()
	h := t.TempDir()
	t.Setenv(core.HomeEnv, h)
	return h
}

func decode[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("stdout is not the expected JSON (%v):\n%s", err, r.stdout)
	}
	return v
}

// volatile fields differ between runs; their values are replaced in golden
// files (their presence is kept).
var volatile = map[string]bool{
	"at": true, "actor": true, "lastSyncAt": true, "lastAttemptAt": true,
	"tookMs": true, "durationMs": true, "commit": true,
}

// normalise replaces volatile values and machine paths so that the golden
// file holds the JSON's shape and its stable values.
func normalise(t *testing.T, out string, paths map[string]string) string {
	t.Helper()
	for real, name := range paths {
		out = strings.ReplaceAll(out, real, name)
	}
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON (%v):\n%s", err, out)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if volatile[k] && val != nil && val != "" {
					x[k] = "<" + k + ">"
					continue
				}
				x[k] = walk(val)
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		}
		return v
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(walk(v)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// golden compares got with testdata/name.golden (rewritten with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run `go test ./internal/cli -run %s -update` and review the new file", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update and review the diff if the change is intended)\n%s", path, firstDiff(string(want), got))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func refs(items []catalog.EntitySummary) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Ref
	}
	return out
}

func TestSearchOnFirstUseSyncsTheDemoAndPrintsJSON(t *testing.T) {
	home(t)
	r := ok(t, "catalog", "search", "pay", "-o", "json")
	res := decode[catalog.SearchResult](t, r)
	if len(res.Items) == 0 || res.Total < len(res.Items) {
		t.Fatalf("search pay: total %d, %d items", res.Total, len(res.Items))
	}
	for _, want := range []string{"api:default/payments-api", "system:default/payments"} {
		if !slices.Contains(refs(res.Items), want) {
			t.Errorf("search pay does not find %s: %v", want, refs(res.Items))
		}
	}
	if !strings.Contains(r.stderr, "demo:") {
		t.Errorf("first use did not report syncing the demo on stderr: %q", r.stderr)
	}
	golden(t, "search-pay.json", normalise(t, r.stdout, nil))

	// The second run reads the cache: no sync again.
	r = ok(t, "catalog", "search", "pay", "-o", "json")
	if strings.Contains(r.stderr, "demo:") {
		t.Errorf("second search synced again: %q", r.stderr)
	}
	if again := decode[catalog.SearchResult](t, r); again.Total != res.Total {
		t.Errorf("second search total %d, first %d", again.Total, res.Total)
	}
}

func TestSearchTableForPeople(t *testing.T) {
	home(t)
	r := ok(t, "catalog", "search", "payments", "--kind", "api")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "REF") || !strings.Contains(lines[0], "OWNER") {
		t.Fatalf("table output:\n%s", r.stdout)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "api:default/") {
			t.Errorf("--kind api listed %q", l)
		}
	}
	if !strings.Contains(r.stderr, "matches") {
		t.Errorf("stderr has no match count: %q", r.stderr)
	}
}

func TestShowPrintsAnEntityWithItsRelations(t *testing.T) {
	home(t)
	r := ok(t, "catalog", "show", "payments-api", "-o", "json")
	d := decode[catalog.EntityDetail](t, r)
	if d.Ref != "api:default/payments-api" || d.Kind != "API" || d.SourceFile.Source != "demo" || d.RawYAML == "" {
		t.Fatalf("show payments-api = %+v", d.EntitySummary)
	}
	rels := map[string]bool{}
	for _, rel := range d.Relations {
		rels[rel.Type+" "+rel.TargetRef] = true
	}
	for _, want := range []string{"ownedBy group:default/team-payments", "apiConsumedBy component:default/checkout-service", "partOf system:default/payments"} {
		if !rels[want] {
			t.Errorf("relation %q missing: %v", want, rels)
		}
	}
	golden(t, "show-payments-api.json", normalise(t, r.stdout, nil))

	y := ok(t, "catalog", "show", "payments-api", "-o", "yaml")
	if y.stdout != d.RawYAML {
		t.Errorf("-o yaml prints something else than the descriptor as written")
	}
	tbl := ok(t, "catalog", "show", "payments-api")
	if !strings.Contains(tbl.stdout, "RELATION") || !strings.Contains(tbl.stdout, "checkout-service") {
		t.Errorf("table output lacks relations:\n%s", tbl.stdout)
	}
}

func TestGraphPrintsADotDigraph(t *testing.T) {
	home(t)
	r := ok(t, "catalog", "graph", "checkout-service", "-o", "dot")
	if !strings.HasPrefix(r.stdout, "digraph ") || !strings.HasSuffix(strings.TrimSpace(r.stdout), "}") {
		t.Fatalf("not a DOT digraph:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, `"component:default/checkout-service" -> "api:default/payments-api"`) {
		t.Errorf("graph lacks the checkout-service -> payments-api edge:\n%s", r.stdout)
	}
	golden(t, "graph-checkout-service.dot", r.stdout)

	g := decode[catalog.Graph](t, ok(t, "catalog", "graph", "checkout-service", "--depth", "1", "--direction", "down", "-o", "json"))
	if g.Root != "component:default/checkout-service" || len(g.Nodes) < 2 || len(g.Edges) == 0 {
		t.Fatalf("graph json = %+v", g)
	}
	for _, n := range g.Nodes {
		if n.Depth > 1 {
			t.Errorf("--depth 1 returned %s at depth %d", n.Ref, n.Depth)
		}
	}
}

func TestStatusReportsEachSource(t *testing.T) {
	home(t)
	before := decode[[]catalog.SourceStatus](t, ok(t, "catalog", "status", "-o", "json"))
	if len(before) != 1 || before[0].Name != "demo" || before[0].LastSyncAt != nil {
		t.Fatalf("status before any sync = %+v", before)
	}
	ok(t, "catalog", "sync", "-o", "json")
	r := ok(t, "catalog", "status", "-o", "json")
	st := decode[[]catalog.SourceStatus](t, r)
	if len(st) != 1 || st[0].Kind != catalog.KindEmbedded || st[0].Origin != catalog.OriginPlatform ||
		st[0].LastSyncAt == nil || st[0].Entities == 0 || len(st[0].Errors) != 0 {
		t.Fatalf("status after sync = %+v", st)
	}
	golden(t, "status.json", normalise(t, r.stdout, nil))
}

func TestAddSourceThenSearchFindsItsEntities(t *testing.T) {
	h := home(t)
	dir, err := filepath.Abs(filepath.Join("testdata", "payouts"))
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{dir: "$TESTDATA/payouts", h: "$PAVED_HOME"}

	r := ok(t, "catalog", "add-source", dir, "-o", "json")
	added := decode[struct {
		Source catalog.Source       `json:"source"`
		Sync   []catalog.SyncResult `json:"sync"`
	}](t, r)
	if added.Source.Name != "payouts" || added.Source.Kind != catalog.KindDir || added.Source.Origin != catalog.OriginUser ||
		len(added.Sync) != 1 || added.Sync[0].Entities != 1 || added.Sync[0].Error != "" {
		t.Fatalf("add-source = %+v", added)
	}
	golden(t, "add-source.json", normalise(t, r.stdout, paths))

	res := decode[catalog.SearchResult](t, ok(t, "catalog", "search", "quokka", "-o", "json"))
	if !slices.Contains(refs(res.Items), "component:default/quokka-payouts") {
		t.Fatalf("search quokka = %v", refs(res.Items))
	}
	d := decode[catalog.EntityDetail](t, ok(t, "catalog", "show", "quokka-payouts", "-o", "json"))
	if d.Source != "payouts" || d.Owner != "group:default/team-payments" {
		t.Fatalf("show quokka-payouts = %+v", d.EntitySummary)
	}

	// Adding the same source twice says how to proceed.
	again := paved(t, "catalog", "add-source", dir)
	if again.code != 1 || !strings.Contains(again.stderr, "--name") {
		t.Fatalf("second add-source: exit %d, stderr %q", again.code, again.stderr)
	}

	// The audit log has the sync and the add-source, newest first.
	r = ok(t, "audit", "-o", "json")
	entries := decode[[]audit.Entry](t, r)
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action+" "+e.Target+" "+e.Outcome)
	}
	for _, want := range []string{"catalog.add-source payouts ok", "catalog.sync payouts ok", "catalog.sync demo ok"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log lacks %q: %v", want, actions)
		}
	}
	if e := entries[0]; e.Action != "catalog.add-source" || e.Outcome != audit.Error || !strings.Contains(e.Detail, "already exists") {
		t.Errorf("newest audit entry = %+v, want the failed add-source", e)
	}
	golden(t, "audit.json", normalise(t, r.stdout, paths))

	// add-source synced only its own source; the search after it synced the demo.
	filtered := decode[[]audit.Entry](t, ok(t, "audit", "--action", "catalog.sync", "--limit", "1", "-o", "json"))
	if len(filtered) != 1 || filtered[0].Action != "catalog.sync" || filtered[0].Target != "demo" {
		t.Fatalf("audit --action catalog.sync --limit 1 = %+v", filtered)
	}

	// Removing it takes its entities away.
	ok(t, "catalog", "remove-source", "payouts")
	res = decode[catalog.SearchResult](t, ok(t, "catalog", "search", "quokka", "-o", "json"))
	if slices.Contains(refs(res.Items), "component:default/quokka-payouts") {
		t.Fatalf("quokka-payouts still found after remove-source")
	}
}

func TestPlatformShowDescribesTheDemo(t *testing.T) {
	home(t)
	r := ok(t, "platform", "show", "-o", "json")
	v := decode[struct {
		Platform platform.Info   `json:"platform"`
		Config   platform.Config `json:"config"`
	}](t, r)
	if v.Platform.Origin != platform.OriginDemo || v.Platform.Name != "acme" || v.Config.Kind != "Platform" || len(v.Config.Spec.Catalog.Locations) == 0 {
		t.Fatalf("platform show = %+v", v)
	}
	golden(t, "platform-show.json", normalise(t, r.stdout, nil))
	if tbl := ok(t, "platform", "show"); !strings.Contains(tbl.stdout, "origin") || !strings.Contains(tbl.stdout, "demo") {
		t.Errorf("table:\n%s", tbl.stdout)
	}
}

func TestPlatformUseDirectorySyncsItsCatalog(t *testing.T) {
	home(t)
	dir := t.TempDir()
	files := map[string]string{
		"platform.yaml":             "apiVersion: paved.dev/v1alpha1\nkind: Platform\nmetadata:\n  name: tiny\n  title: Tiny\nspec:\n  catalog:\n    locations:\n      - name: tiny-catalog\n        target: ./catalog\n",
		"catalog/catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: tiny-service\nspec:\n  type: service\n  lifecycle: production\n  owner: tiny-team\n",
	}
	testenv.WriteFiles(t, dir, files)
	r := ok(t, "platform", "use", dir, "-o", "json")
	v := decode[struct {
		Platform platform.Info        `json:"platform"`
		Sync     []catalog.SyncResult `json:"sync"`
	}](t, r)
	if v.Platform.Name != "tiny" || v.Platform.Origin != platform.OriginPath || len(v.Sync) != 1 || v.Sync[0].Source != "tiny-catalog" {
		t.Fatalf("platform use = %+v", v)
	}
	res := decode[catalog.SearchResult](t, ok(t, "catalog", "search", "tiny", "-o", "json"))
	if !slices.Contains(refs(res.Items), "component:default/tiny-service") {
		t.Fatalf("search after platform use = %v", refs(res.Items))
	}
	// The demo's catalog went with the demo platform.
	res = decode[catalog.SearchResult](t, ok(t, "catalog", "search", "payments-api", "-o", "json"))
	if slices.Contains(refs(res.Items), "api:default/payments-api") {
		t.Fatalf("demo entities still listed after switching platforms")
	}

	// A broken platform is refused and the previous one kept.
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "platform.yaml"), []byte("apiVersion: paved.dev/v1alpha1\nkind: Platform\nmetadata: {name: Bad}\nspec: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	br := paved(t, "platform", "use", bad)
	if br.code != 1 || !strings.Contains(br.stderr, filepath.Join(bad, "platform.yaml")) || !strings.Contains(br.stderr, "metadata.name") {
		t.Fatalf("platform use of a bad platform: exit %d, stderr %q", br.code, br.stderr)
	}
	if v := decode[struct {
		Platform platform.Info `json:"platform"`
	}](t, ok(t, "platform", "show", "-o", "json")); v.Platform.Name != "tiny" {
		t.Fatalf("after a refused platform use, platform show = %+v", v.Platform)
	}
}

func TestExitCodes(t *testing.T) {
	home(t)
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown flag", []string{"catalog", "search", "--no-such-flag"}, 2, []string{"unknown flag"}},
		{"bad output format", []string{"catalog", "search", "pay", "-o", "xml"}, 2, []string{"--output", "table, json"}},
		{"bad flag value", []string{"catalog", "search", "--limit", "many"}, 2, []string{"invalid argument"}},
		{"too many arguments", []string{"catalog", "show", "a", "b"}, 2, []string{"accepts 1 arg"}},
		{"missing argument", []string{"catalog", "show"}, 2, []string{"accepts 1 arg"}},
		{"unknown command", []string{"deploy-everything"}, 2, []string{"unknown command"}},
		{"unknown subcommand", []string{"catalog", "snyc"}, 2, []string{`unknown command "snyc"`}},
		{"unknown entity", []string{"catalog", "show", "no-such-service"}, 1, []string{"no entity no-such-service", "paved catalog search no-such-service"}},
		{"unknown graph root", []string{"catalog", "graph", "no-such-service"}, 1, []string{"no-such-service", "paved catalog search"}},
		{"unknown source", []string{"catalog", "sync", "--source", "nope"}, 1, []string{`no catalog source named "nope"`, "paved catalog status"}},
		{"missing directory", []string{"catalog", "add-source", "/no/such/dir"}, 1, []string{"not a git URL nor an existing directory"}},
		{"platform source removal", []string{"catalog", "remove-source", "demo"}, 1, []string{"platform.yaml"}},
		{"no window in this build", []string{"ui"}, 1, []string{"paved ui --browser"}},
		{"no browser mode in this build", []string{"ui", "--browser"}, 1, []string{"no browser mode"}},
		{"help", []string{"catalog", "--help"}, 0, nil},
		{"group without subcommand shows help", []string{"catalog"}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := paved(t, tt.args...)
			if r.code != tt.code {
				t.Fatalf("paved %s: exit %d, want %d\nstderr: %s", strings.Join(tt.args, " "), r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q does not contain %q", r.stderr, w)
				}
			}
			if tt.code != 0 && !strings.HasPrefix(lastLine(r.stderr), "paved: ") {
				t.Errorf("the error is not on stderr as `paved: ...`: %q", r.stderr)
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestUIBrowserPassesTheAddressAndServices(t *testing.T) {
	h := home(t)
	var gotAddr, gotHome string
	d := cli.Deps{ServeBrowser: func(ctx context.Context, p *core.Paved, addr string, ready func(string), _ cli.WarningRelay) error {
		gotAddr, gotHome = addr, p.Home
		ready("http://" + addr + "/")
		return nil
	}}
	r := pavedWith(t, d, "ui", "--browser", "--addr", "127.0.0.1:0")
	if r.code != 0 || gotAddr != "127.0.0.1:0" || gotHome != h {
		t.Fatalf("ui --browser: exit %d, addr %q, home %q; stderr %s", r.code, gotAddr, gotHome, r.stderr)
	}
	if !strings.Contains(r.stdout, "http://127.0.0.1:0/") {
		t.Errorf("the URL was not printed: %q", r.stdout)
	}

	failing := cli.Deps{ServeBrowser: func(context.Context, *core.Paved, string, func(string), cli.WarningRelay) error {
		return errors.New("--addr \"0.0.0.0:0\": browser mode only listens on loopback addresses")
	}}
	if r := pavedWith(t, failing, "ui", "--browser", "--addr", "0.0.0.0:0"); r.code != 1 || !strings.Contains(r.stderr, "loopback") {
		t.Fatalf("a failing ServeBrowser: exit %d, stderr %q", r.code, r.stderr)
	}
}
