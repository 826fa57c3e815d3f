package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"maps"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/warn"
)

// ServeBrowser serves the UI and the App's methods over HTTP on a loopback
// address until ctx ends ("browser mode"). ready is called with the URL to
// open once the server listens: it carries this launch's secret
// (http://127.0.0.1:PORT/?token=...), and is the only place the secret is
// ever shown.
//
// The page gets a small bridge script that recreates window.go.app.App and
// window.runtime's event functions on top of HTTP, so the frontend runs
// unchanged. Only loopback addresses are accepted, requests must carry a
// loopback Host (against DNS rebinding), every request must carry the
// launch's secret (against other accounts on this machine, see session)
// and calls must come from the page's own origin.
func ServeBrowser(ctx context.Context, p *core.Paved, assets fs.FS, addr string, ready func(url string), opts ...Option) error {
	var o uiOptions
	for _, opt := range opts {
		opt(&o)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want host:port, e.g. 127.0.0.1:7788", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--addr %q: browser mode only listens on loopback addresses (127.0.0.1, ::1, localhost)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another Paved running? pick another port with --addr 127.0.0.1:0)", addr, err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	sess, err := newSession(port)
	if err != nil {
		ln.Close()
		return err
	}
	a := New(p)
	hub := newHub()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer a.open(ctx, hub, o.warnings)()
	srv := &http.Server{
		Handler:           newBrowserHandler(a, hub, assets, sess),
		ReadHeaderTimeout: 10 * time.Second,
		// The server's own complaints (a bad request line, ...) go to the
		// page as warnings, never to stderr.
		ErrorLog: log.New(warnWriter{a.warnings()}, "browser mode: ", 0),
	}
	go func() {
		<-ctx.Done()
		sctx, c := context.WithTimeout(context.Background(), 2*time.Second)
		defer c()
		_ = srv.Shutdown(sctx)
	}()
	go a.background(ctx)
	if ready != nil {
		ready("http://" + ln.Addr().String() + "/?" + tokenParam + "=" + sess.token)
	}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// warnWriter turns log lines into warnings.
type warnWriter struct{ sink warn.Sink }

func (w warnWriter) Write(b []byte) (int, error) {
	w.sink.Warn(errors.New(strings.TrimRight(string(b), "\n")))
	return len(b), nil
}

// tokenParam is the query parameter of the URL the user opens.
const tokenParam = "token"

// session is browser mode's per-launch secret. Any account on this machine
// can reach 127.0.0.1, so the server answers only requests that prove they
// come from the person who started it: the URL printed for them carries a
// random token; opening it sets an HttpOnly, SameSite=Strict cookie and
// redirects to the same page without the token (so it stays out of the
// history), and every later request carries the cookie (or, for scripts,
// "Authorization: Bearer <token>"). Everything is behind it, assets too:
// the page is only ever loaded after the cookie is set, so nothing needs to
// be public.
type session struct {
	token string
	sum   [sha256.Size]byte
	// cookie is the cookie's name; it carries the port because cookies
	// are per host, not per port, and two Paved servers must not replace
	// each other's cookie.
	cookie string
}

func newSession(port string) (*session, error) {
	var b [32]byte // 256 bits
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("make the browser session's secret: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	return &session{token: tok, sum: sha256.Sum256([]byte(tok)), cookie: "paved-session-" + port}, nil
}

// valid compares in constant time (hashing first, so not even the length
// of a wrong guess makes a difference).
func (s *session) valid(given string) bool {
	g := sha256.Sum256([]byte(given))
	return subtle.ConstantTimeCompare(g[:], s.sum[:]) == 1
}

// authorized says whether r carries the secret in the cookie or a bearer
// header.
func (s *session) authorized(r *http.Request) bool {
	if c, err := r.Cookie(s.cookie); err == nil && s.valid(c.Value) {
		return true
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && s.valid(tok) {
		return true
	}
	return false
}

// guard lets through only requests with the secret, and turns a page load
// with a valid ?token= into the cookie and a redirect without it.
func (s *session) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Referrer-Policy", "no-referrer")
		if r.URL.Query().Has(tokenParam) && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if !s.valid(r.URL.Query().Get(tokenParam)) {
				unauthorized(w, r, "the token in this URL is not this Paved's")
				return
			}
			http.SetCookie(w, &http.Cookie{Name: s.cookie, Value: s.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, withoutToken(r.URL), http.StatusSeeOther)
			return
		}
		if !s.authorized(r) {
			unauthorized(w, r, "this request does not carry the session's secret")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withoutToken is u's path and query without the token, as a local path
// (never "//host", which a browser would take for another site).
func withoutToken(u *url.URL) string {
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		p = "/"
	}
	q := u.Query()
	q.Del(tokenParam)
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}

func unauthorized(w http.ResponseWriter, r *http.Request, why string) {
	msg := "Paved's browser mode answers only the browser that opened its URL: " + why +
		". Open the URL `paved ui --browser` printed (http://" + r.Host + "/?" + tokenParam + "=...); " +
		"if that Paved has stopped, start it again and open the new URL."
	if strings.HasPrefix(r.URL.Path, "/_paved/") {
		writeError(w, http.StatusUnauthorized, problem.New(problem.Forbidden, msg))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, msg, http.StatusUnauthorized)
}

const bridgePath = "/_paved/bridge.js"

// bridgeJS recreates the Wails globals the frontend uses. A failed call
// rejects with a string holding the JSON of problem.Describe (the window's
// Wails runtime rejects with an Error whose message is that same string).
const bridgeJS = `(() => {
  const failure = (message, kind) => JSON.stringify({ message, kind, problems: [] });
  const call = async (method, args) => {
    let res;
    try {
      res = await fetch('/_paved/call/' + method, {
        method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(args),
      });
    } catch (e) {
      throw failure('Paved did not answer (' + e + '): is paved ui --browser still running?', 'unavailable');
    }
    let body = null;
    try { body = await res.json(); } catch (e) { /* not JSON: described below */ }
    if (!res.ok || body === null) {
      throw (body && body.error) ? JSON.stringify(body.error) : failure('HTTP ' + res.status + ' from ' + method, 'internal');
    }
    return body.result;
  };
  const methods = %s;
  const App = {};
  for (const m of methods) App[m] = (...args) => call(m, args);
  window.go = window.go || {};
  window.go.app = { App };
  const listeners = {};
  const es = new EventSource('/_paved/events');
  es.onmessage = (msg) => {
    const ev = JSON.parse(msg.data);
    for (const cb of (listeners[ev.name] || []).slice()) cb(ev.data);
  };
  window.runtime = Object.assign(window.runtime || {}, {
    EventsOn: (name, cb) => { (listeners[name] = listeners[name] || []).push(cb); return () => window.runtime.EventsOff(name); },
    EventsOnMultiple: (name, cb) => window.runtime.EventsOn(name, cb),
    EventsOff: (name) => { delete listeners[name]; },
    EventsEmit: () => {},
    BrowserOpenURL: (url) => window.open(url, '_blank', 'noopener'),
    WindowSetTitle: (t) => { document.title = t; },
  });
})();
`

func newBrowserHandler(a *App, hub *hub, assets fs.FS, sess *session) http.Handler {
	return serveMethods(boundMethods(a), hub, assets, sess)
}

// serveMethods serves methods as browser mode does (tests give their own).
func serveMethods(methods map[string]method, hub *hub, assets fs.FS, sess *session) http.Handler {
	namesJSON, _ := json.Marshal(slices.Sorted(maps.Keys(methods)))
	bridge := []byte(fmt.Sprintf(bridgeJS, namesJSON))

	mux := http.NewServeMux()
	mux.HandleFunc("GET "+bridgePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(bridge)
	})
	mux.HandleFunc("POST /_paved/call/{method}", func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
			writeError(w, http.StatusForbidden, problem.New(problem.Forbidden, "cross-origin calls are refused: only the page Paved serves may call it"))
			return
		}
		name := r.PathValue("method")
		m, ok := methods[name]
		if !ok {
			writeError(w, http.StatusNotFound, problem.NotFoundf("no such method "+name))
			return
		}
		result, err := m.call(r.Context(), name, io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeError(w, 0, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"result": emptySlices(result)})
	})
	mux.HandleFunc("GET /_paved/events", hub.serve)
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if assets == nil {
			http.Error(w, "this build has no UI assets: build the frontend (make frontend) and the binary with -tags browserassets", http.StatusNotFound)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" || name == "index.html" {
			serveIndex(w, assets)
			return
		}
		if _, err := fs.Stat(assets, name); err != nil {
			serveIndex(w, assets) // client-side routes
			return
		}
		http.ServeFileFS(w, r, assets, name)
	})
	return loopbackOnly(sess.guard(mux))
}

func serveIndex(w http.ResponseWriter, assets fs.FS) {
	page, err := fs.ReadFile(assets, "index.html")
	if err != nil {
		http.Error(w, "index.html missing from the UI assets", http.StatusInternalServerError)
		return
	}
	tag := []byte(`<script src="` + bridgePath + `"></script>`)
	if i := bytes.Index(page, []byte("<head>")); i >= 0 {
		page = append(page[:i+6:i+6], append(tag, page[i+6:]...)...)
	} else {
		page = append(tag, page...)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(page)
}

// loopbackOnly refuses requests whose Host is not a loopback name, so a web
// page elsewhere cannot reach the API through DNS rebinding.
func loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		ip := net.ParseIP(strings.Trim(host, "[]"))
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, "forbidden host", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers {"error": problem.Describe(err)} with the status its
// kind calls for (code 0) or code.
func writeError(w http.ResponseWriter, code int, err error) {
	d := describe(err)
	if code == 0 {
		code = statusOf(d.Kind)
	}
	writeJSON(w, code, map[string]any{"error": d})
}

// statusOf is the HTTP status for an error of kind k.
func statusOf(k problem.Kind) int {
	switch k {
	case problem.Invalid:
		return http.StatusBadRequest
	case problem.NotFound:
		return http.StatusNotFound
	case problem.Conflict:
		return http.StatusConflict
	case problem.Forbidden:
		return http.StatusForbidden
	case problem.Unavailable:
		return http.StatusServiceUnavailable
	case problem.Canceled:
		return statusClientClosedRequest
	default:
		return http.StatusInternalServerError
	}
}

// statusClientClosedRequest is nginx's 499: the caller gave up.
const statusClientClosedRequest = 499

// method is one bound App method callable with JSON arguments.
type method struct {
	fn reflect.Value
	in []reflect.Type
	// bind, when set, gives the method bound to an App for one call with
	// the request's context (so a caller that leaves cancels its preview).
	bind func(ctx context.Context) reflect.Value
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// boundMethods lists the App's exported methods, as Wails binds them.
func boundMethods(a *App) map[string]method {
	out := map[string]method{}
	v := reflect.ValueOf(a)
	t := v.Type()
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		mt := m.Type
		in := make([]reflect.Type, 0, mt.NumIn()-1)
		for j := 1; j < mt.NumIn(); j++ {
			in = append(in, mt.In(j))
		}
		name := m.Name
		out[name] = method{fn: v.Method(i), in: in, bind: func(ctx context.Context) reflect.Value {
			return reflect.ValueOf(a.forCall(ctx)).MethodByName(name)
		}}
	}
	return out
}

// argError is a call whose arguments do not fit the method: arg is the
// 1-based argument at fault (0 = the whole list).
func argError(method string, arg int, msg string) error {
	if arg == 0 {
		return problem.Invalidf("bad arguments for " + method + ": " + msg)
	}
	field := "argument " + strconv.Itoa(arg)
	return problem.Invalidf("bad arguments for "+method, problem.Problem{Field: field, Message: msg})
}

func (m method) call(ctx context.Context, name string, body io.Reader) (result any, err error) {
	var raw []json.RawMessage
	if err := json.NewDecoder(body).Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, argError(name, 0, "arguments must be a JSON array: "+err.Error())
	}
	if len(raw) > len(m.in) {
		return nil, argError(name, 0, fmt.Sprintf("too many arguments: want %d", len(m.in)))
	}
	args := make([]reflect.Value, len(m.in))
	for i, t := range m.in {
		p := reflect.New(t)
		if i < len(raw) {
			if err := json.Unmarshal(raw[i], p.Interface()); err != nil {
				return nil, argError(name, i+1, err.Error())
			}
		}
		args[i] = p.Elem()
	}
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, problem.New(problem.Internal, fmt.Sprintf("%s failed unexpectedly (a bug in Paved: %v)", name, r))
		}
	}()
	fn := m.fn
	if m.bind != nil {
		fn = m.bind(ctx)
	}
	out := fn.Call(args)
	for _, o := range out {
		if o.Type().Implements(errorType) {
			if !o.IsNil() {
				return nil, o.Interface().(error)
			}
			continue
		}
		result = o.Interface()
	}
	return result, nil
}

// hub fans events out to every connected page (server-sent events).
type hub struct {
	mu   sync.Mutex
	subs map[chan []byte]bool
}

func newHub() *hub { return &hub{subs: map[chan []byte]bool{}} }

// Emit implements Emitter.
func (h *hub) Emit(name string, data any) {
	msg, err := json.Marshal(map[string]any{"name": name, "data": data})
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select {
		case c <- msg:
		default: // a slow page misses progress events rather than blocking the sync
		}
	}
}

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := make(chan []byte, 64)
	h.mu.Lock()
	h.subs[c] = true
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs, c)
		h.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, ": connected\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case msg := <-c:
			fmt.Fprintf(w, "data: %s\n\n", msg)
			fl.Flush()
		}
	}
}
