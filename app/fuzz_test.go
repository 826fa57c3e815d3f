package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
)

// The redirect that drops the token never leaves this site, whatever path
// and query the opened URL had.
func FuzzRedirectStaysOnThisSite(f *testing.F) {
	for _, s := range []string{"/", "/?token=x", "//evil.example/?token=x", "/\\evil.example", "/%2F%2Fevil", "/a?b=c&token=x#f", "/../..//x", "///x", "/\t/x"} {
		f.Add(s)
	}
	sess, err := newSession("7788")
	if err != nil {
		f.Fatal(err)
	}
	h := sess.guard(http.NotFoundHandler())
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.ParseRequestURI(raw)
		if err != nil {
			return
		}
		loc := withoutToken(u)
		if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
			t.Fatalf("withoutToken(%q) = %q: a browser could take it for another site", raw, loc)
		}
		if r, err := url.Parse(loc); err != nil || r.Host != "" || r.Scheme != "" || r.Query().Has(tokenParam) {
			t.Fatalf("withoutToken(%q) = %q (%v): not a local path without the token", raw, loc, err)
		}
		if !strings.HasPrefix(raw, "/") {
			return // "*" and the like: not a page a browser opens
		}
		// Through the guard with the real token: a 303 to that path.
		q := u.Query()
		q.Set(tokenParam, sess.token)
		u.RawQuery = q.Encode()
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:7788"+u.RequestURI(), nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("GET %s = %d, want 303", u.RequestURI(), rec.Code)
		}
		if l := rec.Header().Get("Location"); !strings.HasPrefix(l, "/") || strings.HasPrefix(l, "//") || strings.HasPrefix(l, "/\\") {
			t.Fatalf("GET %s redirects to %q", u.RequestURI(), l)
		}
	})
}

// Whatever a page posts as arguments, the bridge either calls the method
// or answers an invalid-arguments error; it never panics.
func FuzzCallArguments(f *testing.F) {
	type query struct {
		Query string   `json:"query"`
		Kinds []string `json:"kinds"`
		Limit int      `json:"limit"`
	}
	for _, s := range []string{`[]`, ``, `[{"query":"pay","kinds":["api"]}, 3, ["a"], {"k": 1}]`, `[1e400]`, `{"a":1}`, `[null, null, null, null]`, `[[[[[]]]]]`, `["\ud800"]`} {
		f.Add(s)
	}
	m := fakeMethods(map[string]any{"M": func(q query, n int, names []string, vals map[string]any) (query, error) {
		return reply(q, nil)
	}})["M"]
	f.Fuzz(func(t *testing.T, body string) {
		res, err := m.call(context.Background(), "M", strings.NewReader(body))
		if err != nil {
			if k := problem.KindOf(err); k != problem.Invalid {
				t.Fatalf("call(%q) = %v of kind %s, want invalid", body, err, k)
			}
			if !strings.Contains(err.Error(), "bad arguments for M") {
				t.Fatalf("call(%q) error %q does not name the method", body, err)
			}
			return
		}
		if _, ok := res.(query); !ok {
			t.Fatalf("call(%q) = %T, want the method's result", body, res)
		}
	})
}
