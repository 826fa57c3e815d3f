package app

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paved-dev/paved/internal/core"
)

const indexHTML = `<!doctype html><html><head><title>Paved</title></head><body><div id="root"></div></body></html>`

func testAssets() fstest.MapFS {
	return fstest.MapFS{
		"index.html":    {Data: []byte(indexHTML)},
		"assets/app.js": {Data: []byte("console.log('paved')\n")},
	}
}

// openPaved builds the services over a fresh home, as the window does.
func openPaved(t *testing.T) *core.Paved {
	t.Helper()
	p, err := core.Open(context.Background(), core.Options{Home: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// browserServer serves the browser-mode handler for a fresh home; synced
// fills the catalog cache first.
func browserServer(t *testing.T, assets fs.FS, synced bool) (*httptest.Server, *hub) {
	t.Helper()
	p := openPaved(t)
	if synced {
		if err := p.Catalog.EnsureSynced(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	a := New(p)
	h := newHub()
	a.attach(context.Background(), h)
	srv := httptest.NewServer(newBrowserHandler(a, h, assets))
	t.Cleanup(srv.Close)
	return srv, h
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// call posts args to a bound method the way the bridge script does.
func call(t *testing.T, srv *httptest.Server, method, body string) (int, map[string]json.RawMessage) {
	t.Helper()
	res, err := http.Post(srv.URL+"/_paved/call/"+method, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q", method, ct)
	}
	var out map[string]json.RawMessage
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("%s: response is not JSON: %v", method, err)
	}
	return res.StatusCode, out
}

func TestIndexGetsTheBridgeScript(t *testing.T) {
	srv, _ := browserServer(t, testAssets(), false)
	want := `<head><script src="/_paved/bridge.js"></script><title>Paved</title>`
	for _, path := range []string{"/", "/index.html", "/entity/component:default/payments-api", "/search?q=pay"} {
		res, body := get(t, srv.URL+path)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(body, want) || strings.Count(body, "bridge.js") != 1 {
			t.Errorf("GET %s does not load the bridge first in <head>:\n%s", path, body)
		}
	}
	// Other assets are served as they are.
	res, body := get(t, srv.URL+"/assets/app.js")
	if res.StatusCode != http.StatusOK || body != "console.log('paved')\n" {
		t.Errorf("GET /assets/app.js = %d %q", res.StatusCode, body)
	}
}

func TestIndexWithoutHeadStillGetsTheBridge(t *testing.T) {
	srv, _ := browserServer(t, fstest.MapFS{"index.html": {Data: []byte(`<div id="root"></div>`)}}, false)
	_, body := get(t, srv.URL+"/")
	if body != `<script src="/_paved/bridge.js"></script><div id="root"></div>` {
		t.Fatalf("GET / = %q", body)
	}
}

func TestBuildWithoutAssetsSaysHowToBuildThem(t *testing.T) {
	srv, _ := browserServer(t, nil, false)
	res, body := get(t, srv.URL+"/")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "make frontend") {
		t.Fatalf("GET / without assets = %d %q", res.StatusCode, body)
	}
	// The API works without assets.
	if code, out := call(t, srv, "Platform", `[]`); code != http.StatusOK || out["result"] == nil {
		t.Fatalf("Platform without assets = %d %s", code, out)
	}
}

func TestBridgeListsTheBoundMethods(t *testing.T) {
	srv, _ := browserServer(t, testAssets(), false)
	res, body := get(t, srv.URL+bridgePath)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("GET %s: %d %s", bridgePath, res.StatusCode, res.Header.Get("Content-Type"))
	}
	m := regexp.MustCompile(`const methods = (\[[^\]]*\]);`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("bridge has no method list:\n%s", body)
	}
	var methods []string
	if err := json.Unmarshal([]byte(m[1]), &methods); err != nil {
		t.Fatal(err)
	}
	sort.Strings(methods)
	want := []string{"Audit", "Entity", "EnvCanRun", "EnvDown", "EnvExport", "EnvList", "EnvLogs", "EnvLogsFollow", "EnvLogsStop", "EnvPs", "EnvRestart", "EnvUp",
		"GoldenPath", "GoldenPaths", "Graph", "OpenFolder", "Platform", "Scaffold", "ScaffoldDefaults", "ScaffoldPreview", "Search", "Status", "Sync", "TemplateStatus", "TemplateUpdate"}
	if strings.Join(methods, ",") != strings.Join(want, ",") {
		t.Fatalf("bound methods = %v, want %v", methods, want)
	}
	for _, s := range []string{"window.go.app = { App }", "new EventSource('/_paved/events')", "EventsOn"} {
		if !strings.Contains(body, s) {
			t.Errorf("bridge lacks %q", s)
		}
	}
}

func TestCallsReturnTheMethodsResults(t *testing.T) {
	srv, _ := browserServer(t, testAssets(), true)

	code, out := call(t, srv, "Search", `[{"query":"pay"}]`)
	if code != http.StatusOK {
		t.Fatalf("Search: %d %s", code, out)
	}
	var sr struct {
		Total int `json:"total"`
		Items []struct {
			Ref string `json:"ref"`
		} `json:"items"`
	}
	if err := json.Unmarshal(out["result"], &sr); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range sr.Items {
		found = found || it.Ref == "api:default/payments-api"
	}
	if sr.Total == 0 || !found {
		t.Fatalf("Search pay = %s", out["result"])
	}

	tests := []struct {
		method, args string
		check        func(json.RawMessage) bool
	}{
		{"Entity", `["payments-api"]`, func(r json.RawMessage) bool {
			var d struct {
				Ref       string            `json:"ref"`
				Relations []json.RawMessage `json:"relations"`
			}
			return json.Unmarshal(r, &d) == nil && d.Ref == "api:default/payments-api" && len(d.Relations) > 0
		}},
		{"Graph", `["checkout-service", 1, "down"]`, func(r json.RawMessage) bool {
			var g struct {
				Root  string            `json:"root"`
				Edges []json.RawMessage `json:"edges"`
			}
			return json.Unmarshal(r, &g) == nil && g.Root == "component:default/checkout-service" && len(g.Edges) > 0
		}},
		{"Status", `[]`, func(r json.RawMessage) bool {
			var st []struct {
				Name     string `json:"name"`
				Entities int    `json:"entities"`
			}
			return json.Unmarshal(r, &st) == nil && len(st) == 1 && st[0].Name == "demo" && st[0].Entities > 0
		}},
		{"Platform", ``, func(r json.RawMessage) bool {
			var i struct{ Name, Origin string }
			return json.Unmarshal(r, &i) == nil && i.Name == "acme" && i.Origin == "demo"
		}},
		{"Audit", `[10]`, func(r json.RawMessage) bool {
			var es []struct{ Action string }
			return json.Unmarshal(r, &es) == nil && len(es) > 0 && es[0].Action == "catalog.sync"
		}},
		// Missing arguments are zero values, as in Wails.
		{"Search", `[]`, func(r json.RawMessage) bool { return len(r) > 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			code, out := call(t, srv, tt.method, tt.args)
			if code != http.StatusOK || out["error"] != nil || !tt.check(out["result"]) {
				t.Fatalf("%s(%s) = %d %s", tt.method, tt.args, code, out)
			}
		})
	}
}

func TestBadCallsReturnAnErrorJSON(t *testing.T) {
	srv, _ := browserServer(t, testAssets(), true)
	tests := []struct {
		name, method, body string
		code               int
		want               string
	}{
		{"argument of the wrong type", "Search", `["pay"]`, http.StatusBadRequest, "argument 1"},
		{"field of the wrong type", "Search", `[{"query": 42}]`, http.StatusBadRequest, "argument 1"},
		{"arguments not an array", "Search", `{"query":"pay"}`, http.StatusBadRequest, "must be a JSON array"},
		{"not JSON", "Entity", `[payments-api`, http.StatusBadRequest, "must be a JSON array"},
		{"too many arguments", "Entity", `["a", "b"]`, http.StatusBadRequest, "too many arguments"},
		{"the method fails", "Entity", `["no-such-service"]`, http.StatusInternalServerError, `no entity matches "no-such-service"`},
		{"unknown method", "DropDatabase", `[]`, http.StatusNotFound, "no such method DropDatabase"},
		{"unexported method", "attach", `[]`, http.StatusNotFound, "no such method attach"},
		{"unexported method", "background", `[]`, http.StatusNotFound, "no such method background"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := call(t, srv, tt.method, tt.body)
			var msg string
			if err := json.Unmarshal(out["error"], &msg); err != nil || msg == "" {
				t.Fatalf("%s(%s): no error message in %s", tt.method, tt.body, out)
			}
			if code != tt.code || !strings.Contains(msg, tt.want) {
				t.Fatalf("%s(%s) = %d %q, want %d with %q", tt.method, tt.body, code, msg, tt.code, tt.want)
			}
			if out["result"] != nil {
				t.Fatalf("an error response carries a result: %s", out)
			}
		})
	}
}

// readEvents streams server-sent events into a channel once the stream is
// connected (the hub has subscribed it).
func readEvents(t *testing.T, srv *httptest.Server) <-chan map[string]json.RawMessage {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/_paved/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	r := bufio.NewReader(res.Body)
	if line, err := r.ReadString('\n'); err != nil || line != ": connected\n" {
		t.Fatalf("events stream starts with %q, %v", line, err)
	}
	ch := make(chan map[string]json.RawMessage, 256)
	go func() {
		defer close(ch)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			data, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "data: ")
			if !ok {
				continue
			}
			var ev map[string]json.RawMessage
			if json.Unmarshal([]byte(data), &ev) == nil {
				ch <- ev
			}
		}
	}()
	return ch
}

// next returns the next event named name, failing after a generous guard
// against a hang (not a timing assertion).
func next(t *testing.T, ch <-chan map[string]json.RawMessage, name string) map[string]json.RawMessage {
	t.Helper()
	guard := time.After(60 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("event stream closed before %s", name)
			}
			if string(ev["name"]) == `"`+name+`"` {
				return ev
			}
		case <-guard:
			t.Fatalf("no %s event", name)
		}
	}
}

func TestEventsStreamWhatTheHubEmits(t *testing.T) {
	srv, h := browserServer(t, testAssets(), false)
	events := readEvents(t, srv)
	h.Emit("catalog:changed", map[string]any{"source": "demo", "count": 3})
	ev := next(t, events, "catalog:changed")
	if string(ev["data"]) != `{"count":3,"source":"demo"}` {
		t.Fatalf("event data = %s", ev["data"])
	}
}

func TestSyncCallForwardsProgressAndChangeEvents(t *testing.T) {
	srv, _ := browserServer(t, testAssets(), false)
	events := readEvents(t, srv)
	code, out := call(t, srv, "Sync", `[""]`)
	if code != http.StatusOK {
		t.Fatalf("Sync: %d %s", code, out)
	}
	var res []struct {
		Source   string `json:"source"`
		Entities int    `json:"entities"`
		Error    string `json:"error"`
	}
	if err := json.Unmarshal(out["result"], &res); err != nil || len(res) != 1 || res[0].Source != "demo" || res[0].Entities == 0 || res[0].Error != "" {
		t.Fatalf("Sync result = %s", out["result"])
	}
	var stages []string
	for {
		ev := next(t, events, "catalog:sync")
		var p struct{ Source, Stage string }
		if err := json.Unmarshal(ev["data"], &p); err != nil {
			t.Fatal(err)
		}
		stages = append(stages, p.Stage)
		if p.Stage == "done" {
			break
		}
	}
	if stages[0] != "fetch" {
		t.Errorf("progress stages = %v", stages)
	}
	next(t, events, "catalog:changed")
}

func TestServeBrowserServesUntilTheContextEnds(t *testing.T) {
	p := openPaved(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- ServeBrowser(ctx, p, testAssets(), "127.0.0.1:0", func(u string) { urls <- u })
	}()
	var url string
	select {
	case url = <-urls:
	case err := <-done:
		t.Fatalf("ServeBrowser returned before listening: %v", err)
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/") {
		t.Fatalf("ready URL = %q", url)
	}
	res, body := get(t, url)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, bridgePath) {
		t.Fatalf("GET %s = %d %q", url, res.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodPost, url+"_paved/call/Platform", strings.NewReader(`[]`))
	req.Header.Set("Origin", strings.TrimSuffix(url, "/"))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("same-origin call: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("ServeBrowser after cancel = %v, want nil", err)
	}
}
