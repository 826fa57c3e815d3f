package app

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// Browser mode against other accounts on the same machine: 127.0.0.1 is
// reachable by every local user, so every request needs the launch's
// secret.

// noRedirects is a client without cookies that reports redirects instead of
// following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// safeArgs are arguments that make a method fail without side effects if a
// refusal ever let it run (the tests also run in an empty directory, which
// is what empty targets resolve to).
var safeArgs = map[string]string{
	"OpenFolder": `["/nonexistent/paved-session-test"]`,
}

func argsFor(m string) string {
	if a, ok := safeArgs[m]; ok {
		return a
	}
	return `[]`
}

// sessionServer is browserServer plus the session, for tests of the secret.
func sessionServer(t *testing.T) (*httptest.Server, *session, *App) {
	t.Helper()
	p := openPaved(t)
	a := New(p)
	h := newHub()
	a.attach(context.Background(), h)
	srv, sess := serveSession(t, func(s *session) http.Handler { return newBrowserHandler(a, h, testAssets(), s) })
	return srv, sess, a
}

// send makes one request with the given cookie value and bearer token (""
// = none) and returns the status and body.
func send(t *testing.T, srv *httptest.Server, sess *session, method, path, body, cookie, bearer string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: sess.cookie, Value: cookie})
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // ends the event stream
	res, err := noRedirects.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if path == "/_paved/events" && res.StatusCode == http.StatusOK {
		line, _ := bufio.NewReader(res.Body).ReadString('\n')
		return res.StatusCode, line
	}
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestEveryMethodAndTheEventStreamNeedTheSecret(t *testing.T) {
	t.Chdir(t.TempDir())
	srv, sess, a := sessionServer(t)
	methods := slices.Sorted(maps.Keys(boundMethods(a)))
	wrong := strings.Repeat("A", len(sess.token)) // same length, other value
	refusals := []struct{ name, cookie, bearer string }{
		{"no secret", "", ""},
		{"a wrong cookie", wrong, ""},
		{"a cookie with the token's prefix", sess.token[:len(sess.token)-1], ""},
		{"a wrong bearer token", "", wrong},
		{"an empty bearer token", "", " "},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			for _, m := range methods {
				code, body := send(t, srv, sess, http.MethodPost, "/_paved/call/"+m, argsFor(m), r.cookie, r.bearer)
				if code != http.StatusUnauthorized {
					t.Fatalf("%s with %s = %d %s, want 401", m, r.name, code, body)
				}
				var out struct {
					Error struct{ Message, Kind string }
				}
				if err := json.Unmarshal([]byte(body), &out); err != nil || out.Error.Kind != "forbidden" ||
					!strings.Contains(out.Error.Message, "paved ui --browser") {
					t.Fatalf("%s refused with %q, want a forbidden error saying to open the URL paved ui --browser printed", m, body)
				}
				if strings.Contains(body, sess.token) {
					t.Fatalf("the refusal shows the secret: %s", body)
				}
			}
			for _, path := range []string{"/_paved/events", "/", "/index.html", "/entity/x", bridgePath, "/assets/app.js"} {
				if code, body := send(t, srv, sess, http.MethodGet, path, "", r.cookie, r.bearer); code != http.StatusUnauthorized ||
					!strings.Contains(body, "paved ui --browser") {
					t.Fatalf("GET %s with %s = %d %q, want 401 saying to open the printed URL", path, r.name, code, body)
				}
			}
		})
	}
	t.Run("the cookie", func(t *testing.T) {
		for _, m := range methods {
			if code, body := send(t, srv, sess, http.MethodPost, "/_paved/call/"+m, argsFor(m), sess.token, ""); code == http.StatusUnauthorized {
				t.Fatalf("%s with the session cookie = %d %s", m, code, body)
			}
		}
		if code, line := send(t, srv, sess, http.MethodGet, "/_paved/events", "", sess.token, ""); code != http.StatusOK || line != ": connected\n" {
			t.Fatalf("events with the cookie = %d %q", code, line)
		}
		if code, body := send(t, srv, sess, http.MethodGet, "/", "", sess.token, ""); code != http.StatusOK || !strings.Contains(body, bridgePath) {
			t.Fatalf("GET / with the cookie = %d %q", code, body)
		}
	})
	t.Run("a bearer token", func(t *testing.T) {
		if code, body := send(t, srv, sess, http.MethodPost, "/_paved/call/Platform", `[]`, "", sess.token); code != http.StatusOK {
			t.Fatalf("Platform with Authorization: Bearer = %d %s", code, body)
		}
	})
	t.Run("the token in a call's URL", func(t *testing.T) {
		// Only page loads trade the token for the cookie; a call must not
		// run because its URL carries it (URLs end up in logs).
		if code, _ := send(t, srv, sess, http.MethodPost, "/_paved/call/Platform?token="+sess.token, `[]`, "", ""); code != http.StatusUnauthorized {
			t.Fatalf("POST with ?token= = %d, want 401", code)
		}
	})
}

func TestOpeningThePrintedURLSetsTheCookieAndDropsTheToken(t *testing.T) {
	srv, sess, _ := sessionServer(t)
	tests := []struct{ path, want string }{
		{"/?token=" + sess.token, "/"},
		{"/entity/component:default/web?tab=deps&token=" + sess.token, "/entity/component:default/web?tab=deps"},
		{"/search?token=" + sess.token + "&q=pay", "/search?q=pay"},
		// Never a redirect to another site.
		{"//evil.example/?token=" + sess.token, "/"},
		{"/%2F/evil.example/?token=" + sess.token, "/%2F/evil.example/"},
	}
	for _, tt := range tests {
		res, err := noRedirects.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tt.want {
			t.Fatalf("GET %s = %d to %q, want 303 to %q", tt.path, res.StatusCode, res.Header.Get("Location"), tt.want)
		}
		cookies := res.Cookies()
		if len(cookies) != 1 {
			t.Fatalf("GET %s set %d cookies, want 1", tt.path, len(cookies))
		}
		c := cookies[0]
		if c.Name != sess.cookie || c.Value != sess.token || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
			t.Fatalf("cookie = %+v, want %s, HttpOnly, SameSite=Strict, Path=/", c, sess.cookie)
		}
		if res.Header.Get("Referrer-Policy") != "no-referrer" || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the token URL's answer may leak or be cached: %v", res.Header)
		}
	}
	// A wrong token is refused and sets nothing.
	res, err := noRedirects.Get(srv.URL + "/?token=not-this-one")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || len(res.Cookies()) != 0 || strings.Contains(string(b), "not-this-one") {
		t.Fatalf("GET /?token=wrong = %d, cookies %v, body %q", res.StatusCode, res.Cookies(), b)
	}
}

func TestEachLaunchHasItsOwnStrongSecret(t *testing.T) {
	a, err := newSession("7788")
	if err != nil {
		t.Fatal(err)
	}
	b, err := newSession("7788")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(a.token)
	if err != nil || len(raw) < 16 {
		t.Fatalf("token %q: %d bytes (%v), want at least 128 bits", a.token, len(raw), err)
	}
	if a.token == b.token {
		t.Fatal("two launches got the same secret")
	}
	if a.cookie != "paved-session-7788" {
		t.Fatalf("cookie name %q does not carry the port", a.cookie)
	}
	if !a.valid(a.token) || a.valid(b.token) || a.valid("") || a.valid(a.token+"x") {
		t.Fatal("valid accepts the wrong tokens or refuses the right one")
	}
}

// A session cookie of another Paved on another port (cookies are shared
// by every port of a host) does not open this one.
func TestAnotherServersCookieDoesNotOpenThisOne(t *testing.T) {
	srv, sess, _ := sessionServer(t)
	other, err := newSession("1")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/_paved/call/Platform", strings.NewReader(`[]`))
	req.AddCookie(&http.Cookie{Name: other.cookie, Value: other.token})
	req.AddCookie(&http.Cookie{Name: sess.cookie, Value: other.token})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a call with another server's cookie = %d, want 401", res.StatusCode)
	}
}
