package app

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/problem"
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
// fills the catalog cache first. srv.Client() has signed in the way a
// person does (by opening the URL with the token), so it carries the
// session cookie; use http.DefaultClient for requests without it.
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
	srv, _ := serveSession(t, func(s *session) http.Handler { return newBrowserHandler(a, h, assets, s) })
	return srv, h
}

// serveSession starts handler(session) on a test server and signs its
// client in through the URL ServeBrowser would print.
func serveSession(t *testing.T, handler func(*session) http.Handler) (*httptest.Server, *session) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	sess, err := newSession(port)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = handler(sess)
	srv.Start()
	t.Cleanup(srv.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	c.Jar = jar
	res, err := c.Get(srv.URL + "/?token=" + sess.token)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if u, _ := url.Parse(srv.URL); len(jar.Cookies(u)) != 1 {
		t.Fatalf("opening the token URL set no cookie (%d)", res.StatusCode)
	}
	return srv, sess
}

// get fetches path from srv as the signed-in browser.
func get(t *testing.T, srv *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	return getWith(t, srv.Client(), srv.URL+path)
}

func getWith(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(url)
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
	res, err := srv.Client().Post(srv.URL+"/_paved/call/"+method, "application/json", strings.NewReader(body))
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

// errorOf decodes a response's {"error": {message, kind, problems}}.
func errorOf(t *testing.T, out map[string]json.RawMessage) problem.Described {
	t.Helper()
	var d problem.Described
	if err := json.Unmarshal(out["error"], &d); err != nil || d.Message == "" || d.Kind == "" || d.Problems == nil {
		t.Fatalf("no {message, kind, problems} error in %s (%v)", out, err)
	}
	return d
}

func TestIndexGetsTheBridgeScript(t *testing.T) {
	srv, _ := browserServer(t, testAssets(), false)
	want := `<head><script src="/_paved/bridge.js"></script><title>Paved</title>`
	for _, path := range []string{"/", "/index.html", "/entity/component:default/payments-api", "/search?q=pay"} {
		res, body := get(t, srv, path)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(body, want) || strings.Count(body, "bridge.js") != 1 {
			t.Errorf("GET %s does not load the bridge first in <head>:\n%s", path, body)
		}
	}
	// Other assets are served as they are.
	res, body := get(t, srv, "/assets/app.js")
	if res.StatusCode != http.StatusOK || body != "console.log('paved')\n" {
		t.Errorf("GET /assets/app.js = %d %q", res.StatusCode, body)
	}
}

func TestIndexWithoutHeadStillGetsTheBridge(t *testing.T) {
	srv, _ := browserServer(t, fstest.MapFS{"index.html": {Data: []byte(`<div id="root"></div>`)}}, false)
	_, body := get(t, srv, "/")
	if body != `<script src="/_paved/bridge.js"></script><div id="root"></div>` {
		t.Fatalf("GET / = %q", body)
	}
}

func TestBuildWithoutAssetsSaysHowToBuildThem(t *testing.T) {
	srv, _ := browserServer(t, nil, false)
	res, body := get(t, srv, "/")
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
	res, body := get(t, srv, bridgePath)
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

func TestBadCallsReturnAStructuredError(t *testing.T) {
	srv, _ := browserServer(t, testAssets(), true)
	tests := []struct {
		name, method, body string
		code               int
		kind               problem.Kind
		want               string
		field              string // of the one problem, when there is one
	}{
		{"argument of the wrong type", "Search", `["pay"]`, http.StatusBadRequest, problem.Invalid, "argument 1", "argument 1"},
		{"field of the wrong type", "Search", `[{"query": 42}]`, http.StatusBadRequest, problem.Invalid, "argument 1", "argument 1"},
		{"arguments not an array", "Search", `{"query":"pay"}`, http.StatusBadRequest, problem.Invalid, "must be a JSON array", ""},
		{"not JSON", "Entity", `[payments-api`, http.StatusBadRequest, problem.Invalid, "must be a JSON array", ""},
		{"too many arguments", "Entity", `["a", "b"]`, http.StatusBadRequest, problem.Invalid, "too many arguments", ""},
		{"a method's own invalid input", "EnvLogsStop", `[""]`, http.StatusBadRequest, problem.Invalid, "no stream id", "id"},
		{"unknown method", "DropDatabase", `[]`, http.StatusNotFound, problem.NotFound, "no such method DropDatabase", ""},
		{"unexported method", "attach", `[]`, http.StatusNotFound, problem.NotFound, "no such method attach", ""},
		{"unexported method", "background", `[]`, http.StatusNotFound, problem.NotFound, "no such method background", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := call(t, srv, tt.method, tt.body)
			d := errorOf(t, out)
			if code != tt.code || d.Kind != tt.kind || !strings.Contains(d.Message, tt.want) {
				t.Fatalf("%s(%s) = %d %+v, want %d %s with %q", tt.method, tt.body, code, d, tt.code, tt.kind, tt.want)
			}
			if tt.field != "" && (len(d.Problems) != 1 || d.Problems[0].Field != tt.field) {
				t.Fatalf("%s(%s) problems = %+v, want one about %s", tt.method, tt.body, d.Problems, tt.field)
			}
			if out["result"] != nil {
				t.Fatalf("an error response carries a result: %s", out)
			}
		})
	}
	// A service's failure keeps its own text, and the status follows its kind.
	code, out := call(t, srv, "Entity", `["no-such-service"]`)
	d := errorOf(t, out)
	if code != statusOf(d.Kind) || code == http.StatusOK || !strings.Contains(d.Message, "no-such-service") {
		t.Fatalf("Entity(no-such-service) = %d %+v", code, d)
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
	res, err := srv.Client().Do(req)
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
	var printed string
	select {
	case printed = <-urls:
	case err := <-done:
		t.Fatalf("ServeBrowser returned before listening: %v", err)
	}
	u, err := url.Parse(printed)
	if err != nil || u.Scheme != "http" || !strings.HasPrefix(u.Host, "127.0.0.1:") || u.Path != "/" || len(u.Query().Get("token")) < 22 {
		t.Fatalf("ready URL = %q, want http://127.0.0.1:PORT/?token=<at least 128 bits>", printed)
	}
	base := "http://" + u.Host + "/"

	// Without the token nothing is served.
	if res, _ := getWith(t, http.DefaultClient, base); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET %s without the token = %d, want 401", base, res.StatusCode)
	}
	// A browser opening the printed URL lands on the page without it.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	res, body := getWith(t, browser, printed)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, bridgePath) || res.Request.URL.String() != base {
		t.Fatalf("GET %s = %d at %s %q", printed, res.StatusCode, res.Request.URL, body)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"_paved/call/Platform", strings.NewReader(`[]`))
	req.Header.Set("Origin", strings.TrimSuffix(base, "/"))
	if res, err := browser.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("same-origin call with the cookie: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("ServeBrowser after cancel = %v, want nil", err)
	}
}
