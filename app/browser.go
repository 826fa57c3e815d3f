package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/core"
)

// ServeBrowser serves the UI and the App's methods over HTTP on a loopback
// address until ctx ends ("browser mode"). ready is called with the URL once
// the server listens.
//
// The page gets a small bridge script that recreates window.go.app.App and
// window.runtime's event functions on top of HTTP, so the frontend runs
// unchanged. Only loopback addresses are accepted, requests must carry a
// loopback Host (against DNS rebinding) and calls must come from the page's
// own origin.
func ServeBrowser(ctx context.Context, p *core.Paved, assets fs.FS, addr string, ready func(url string)) error {
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
	a := New(p)
	hub := newHub()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.attach(ctx, hub)
	srv := &http.Server{Handler: newBrowserHandler(a, hub, assets), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, c := context.WithTimeout(context.Background(), 2*time.Second)
		defer c()
		_ = srv.Shutdown(sctx)
	}()
	go a.background(ctx)
	if ready != nil {
		ready("http://" + ln.Addr().String() + "/")
	}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

const bridgePath = "/_paved/bridge.js"

// bridgeJS recreates the Wails globals the frontend uses.
const bridgeJS = `(() => {
  const call = async (method, args) => {
    const res = await fetch('/_paved/call/' + method, {
      method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(args),
    });
    const body = await res.json();
    if (!res.ok) throw (body && body.error) || ('HTTP ' + res.status);
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

func newBrowserHandler(a *App, hub *hub, assets fs.FS) http.Handler {
	methods := boundMethods(a)
	names := make([]string, 0, len(methods))
	for n := range methods {
		names = append(names, n)
	}
	namesJSON, _ := json.Marshal(names)
	bridge := []byte(fmt.Sprintf(bridgeJS, namesJSON))

	mux := http.NewServeMux()
	mux.HandleFunc("GET "+bridgePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(bridge)
	})
	mux.HandleFunc("POST /_paved/call/{method}", func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "cross-origin calls are refused"})
			return
		}
		m, ok := methods[r.PathValue("method")]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such method " + r.PathValue("method")})
			return
		}
		result, err := m.call(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			code := http.StatusInternalServerError
			if errors.As(err, new(argError)) {
				code = http.StatusBadRequest
			}
			writeJSON(w, code, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"result": result})
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
	return loopbackOnly(mux)
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

// method is one bound App method callable with JSON arguments.
type method struct {
	fn reflect.Value
	in []reflect.Type
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
		out[m.Name] = method{fn: v.Method(i), in: in}
	}
	return out
}

// argError is a call whose arguments do not fit the method (HTTP 400).
type argError struct{ error }

func (m method) call(body io.Reader) (any, error) {
	var raw []json.RawMessage
	if err := json.NewDecoder(body).Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, argError{fmt.Errorf("arguments must be a JSON array: %w", err)}
	}
	if len(raw) > len(m.in) {
		return nil, argError{fmt.Errorf("too many arguments: want %d", len(m.in))}
	}
	args := make([]reflect.Value, len(m.in))
	for i, t := range m.in {
		p := reflect.New(t)
		if i < len(raw) {
			if err := json.Unmarshal(raw[i], p.Interface()); err != nil {
				return nil, argError{fmt.Errorf("argument %d: %w", i+1, err)}
			}
		}
		args[i] = p.Elem()
	}
	out := m.fn.Call(args)
	var result any
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
