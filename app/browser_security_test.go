package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// request sends method path with the given Host and Origin headers ("" =
// none) to the test server as the signed-in browser and returns the status
// code.
func request(t *testing.T, srv *httptest.Server, method, path, host, origin string) int {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`[]`)
	}
	req, err := http.NewRequest(method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
		// The cookie jar goes by Host, as browsers do; send the session
		// cookie anyway so only the Host check decides.
		u, _ := url.Parse(srv.URL)
		for _, c := range srv.Client().Jar.Cookies(u) {
			req.AddCookie(c)
		}
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := srv.Client().Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestForeignHostsAreRefused(t *testing.T) {
	srv, _ := browserServer(t, testAssets(), false)
	port := mustPort(t, srv.URL)
	for _, host := range []string{
		"evil.example",
		"evil.example:" + port,
		"127.0.0.1.evil.example:" + port,
		"localhost.evil.example:" + port,
		"192.168.1.20:" + port,
		"0.0.0.0:" + port,
		"[::]:" + port,
	} {
		for _, target := range []struct{ method, path string }{
			{http.MethodGet, "/"},
			{http.MethodGet, bridgePath},
			{http.MethodGet, "/_paved/events"},
			{http.MethodPost, "/_paved/call/Platform"},
			{http.MethodPost, "/_paved/call/Sync"},
		} {
			if code := request(t, srv, target.method, target.path, host, ""); code != http.StatusForbidden {
				t.Errorf("%s %s with Host %s = %d, want 403", target.method, target.path, host, code)
			}
		}
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "localhost", "[::1]:" + port, "127.0.0.2:" + port} {
		if code := request(t, srv, http.MethodPost, "/_paved/call/Platform", host, ""); code != http.StatusOK {
			t.Errorf("call with loopback Host %s = %d, want 200", host, code)
		}
	}
}

func TestCrossOriginCallsAreRefused(t *testing.T) {
	srv, _ := browserServer(t, testAssets(), false)
	host := strings.TrimPrefix(srv.URL, "http://")
	port := mustPort(t, srv.URL)
	for _, origin := range []string{
		"http://evil.example",
		"https://evil.example",
		"null",
		"http://localhost:" + port, // another name for the same server is another origin
		"http://127.0.0.1:1",
		"https://" + host,
		"http://" + host + ".evil.example",
	} {
		for _, m := range []string{"Platform", "Sync", "Search"} {
			if code := request(t, srv, http.MethodPost, "/_paved/call/"+m, "", origin); code != http.StatusForbidden {
				t.Errorf("%s from Origin %s = %d, want 403", m, origin, code)
			}
		}
	}
	if code := request(t, srv, http.MethodPost, "/_paved/call/Platform", "", "http://"+host); code != http.StatusOK {
		t.Errorf("same-origin call = %d, want 200", code)
	}
	if code := request(t, srv, http.MethodPost, "/_paved/call/Platform", "", ""); code != http.StatusOK {
		t.Errorf("call without Origin (curl, scripts) = %d, want 200", code)
	}
}

func TestCallsRunOnlyOnPOST(t *testing.T) {
	// Any page can make a browser send a GET (<img src>, <link>): a GET of
	// a call path must not run the method.
	srv, _ := browserServer(t, testAssets(), false)
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, _ := http.NewRequest(method, srv.URL+"/_paved/call/Sync", nil)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if ct := res.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s /_paved/call/Sync answered %d %s: it ran the call", method, res.StatusCode, ct)
		}
	}
	for _, method := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
		if code := request(t, srv, method, "/_paved/call/Sync", "", ""); code != http.StatusMethodNotAllowed {
			t.Errorf("%s /_paved/call/Sync = %d, want 405", method, code)
		}
	}
	// Nothing was synced: the status still says never.
	code, out := call(t, srv, "Status", `[]`)
	if code != http.StatusOK || strings.Contains(string(out["result"]), "lastSyncAt") {
		t.Fatalf("a non-POST request synced the catalog: %d %s", code, out["result"])
	}
}

func TestServeBrowserListensOnLoopbackOnly(t *testing.T) {
	p := openPaved(t)
	tests := []struct {
		addr string
		want string
	}{
		{"0.0.0.0:0", "only listens on loopback"},
		{"[::]:0", "only listens on loopback"},
		{":0", "only listens on loopback"},
		{"192.168.1.20:0", "only listens on loopback"},
		{"example.com:7788", "only listens on loopback"},
		{"localhost.evil.example:0", "only listens on loopback"},
		{"127.0.0.1", "want host:port"},
		{"", "want host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			ready := false
			err := ServeBrowser(context.Background(), p, testAssets(), tt.addr, func(string) { ready = true })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ServeBrowser(%q) = %v, want an error saying %q", tt.addr, err, tt.want)
			}
			if !strings.Contains(err.Error(), "--addr") {
				t.Errorf("error %q does not name the flag to change", err)
			}
			if ready {
				t.Fatal("ServeBrowser called ready for a refused address")
			}
		})
	}
}

func mustPort(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}
