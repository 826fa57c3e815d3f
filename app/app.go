// Package app is the binding layer between the UI and the platform: the
// methods of App are what the frontend calls (window.go.app.App.<Method>),
// both in the Wails desktop window and in browser mode, where the same
// methods are served as JSON over loopback HTTP.
//
// Rules: no business logic here. Each method converts arguments, calls one
// internal service and returns its typed result; long operations forward
// their progress as events ("catalog:sync") and announce changes
// ("catalog:changed").
//
// What crosses to the UI has one shape in the window and in browser mode:
// every method returns through reply (or replyErr), so a result
// never holds null where the UI expects a list or a map, and an error is the
// JSON of problem.Describe ({message, kind, problems[]}) in a string. Nothing
// here writes to os.Stderr: warnings go to the UI as "paved:warning" events.
package app

import (
	"context"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/progress"
	"github.com/paved-dev/paved/internal/warn"
)

// Events emitted to the UI.
const (
	EventCatalogChanged = "catalog:changed"
	// EventWarning carries Warning: something went wrong without failing
	// an action (an audit entry not written, the first sync failing).
	EventWarning = "paved:warning"
)

// Warning is the data of EventWarning.
type Warning struct {
	// Message says what went wrong, for people.
	Message string `json:"message"`
}

// Emitter delivers events to the UI.
type Emitter interface {
	Emit(name string, data any)
}

// App is bound to the UI. Exported methods are the UI's API.
type App struct {
	*shared
	// call is the context of the one call this App value serves (browser
	// mode: the HTTP request's, so a caller that leaves cancels it); nil
	// for the App the window binds.
	call context.Context
}

// shared is what every call of one UI session shares.
type shared struct {
	p *core.Paved

	mu   sync.Mutex
	ctx  context.Context
	emit Emitter
	// logs are the followed environment log streams (env.go).
	logs logStreams
}

// New returns the binding for p.
func New(p *core.Paved) *App { return &App{shared: &shared{p: p, ctx: context.Background()}} }

// forCall is a for one call whose caller may leave: callContext ends
// when ctx or the session ends.
func (a *App) forCall(ctx context.Context) *App { return &App{shared: a.shared, call: ctx} }

// callContext is the context for work that only the caller waits for (a
// preview, a search): it ends when the session ends and, in browser mode,
// when the caller leaves. Work that goes on after the call returns (log
// streams, an environment coming up, a scaffold) uses context().
func (a *App) callContext() (context.Context, context.CancelFunc) {
	session := a.context()
	if a.call == nil {
		return session, func() {}
	}
	ctx, cancel := context.WithCancel(a.call)
	stop := context.AfterFunc(session, cancel)
	return ctx, func() { stop(); cancel() }
}

// attach sets the context and event sink (window startup or browser server).
func (a *App) attach(ctx context.Context, e Emitter) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ctx, a.emit = ctx, e
}

func (a *App) context() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ctx
}

func (a *App) send(name string, data any) {
	a.mu.Lock()
	e := a.emit
	a.mu.Unlock()
	if e != nil {
		e.Emit(name, emptySlices(data))
	}
}

// warn shows err to the UI as EventWarning.
func (a *App) warn(err error) {
	if err != nil {
		a.send(EventWarning, Warning{Message: err.Error()})
	}
}

// warnings is the App's warn.Sink (for core.Options.Warn through a
// WarningRelay, and for the HTTP server's own errors).
func (a *App) warnings() warn.Sink { return warn.Func(a.warn) }

func (a *App) reporter() progress.Reporter {
	return progress.Func(func(ev progress.Event) { a.send(ev.Topic, ev) })
}

// open connects the App to a UI that just opened: events go to e and, when
// the front end gave one, the warnings of core.Options.Warn come to the UI
// too until the returned func is called.
func (a *App) open(ctx context.Context, e Emitter, warnings WarningRelay) (closed func()) {
	a.attach(ctx, e)
	if warnings == nil {
		return func() {}
	}
	return warnings.Relay(a.warnings())
}

// background runs what the window needs while open: the first sync of a
// fresh cache, then watching sources so edits show up by themselves.
func (a *App) background(ctx context.Context) {
	if err := a.p.Catalog.EnsureSynced(ctx, a.reporter()); err == nil {
		a.send(EventCatalogChanged, nil)
	} else if ctx.Err() == nil {
		a.warn(fmt.Errorf("the first catalog sync failed (the Sync status page has the details): %w", err))
	}
	a.p.Catalog.Watch(ctx, catalog.WatchOptions{LocalEvery: 2 * time.Second, RemoteEvery: 10 * time.Minute},
		func([]catalog.SyncResult) { a.send(EventCatalogChanged, nil) })
}

// Platform describes the platform in use.
func (a *App) Platform() (platform.Info, error) {
	cur, err := a.p.Platform.Current(a.context())
	if err != nil {
		return reply(platform.Info{}, err)
	}
	return reply(cur.Info, nil)
}

// Search finds catalog entities.
func (a *App) Search(q catalog.SearchQuery) (catalog.SearchResult, error) {
	return reply(a.p.Catalog.Search(a.context(), q))
}

// Entity returns one entity with its relations; ref may be short.
func (a *App) Entity(ref string) (catalog.EntityDetail, error) {
	return reply(a.p.Catalog.Entity(a.context(), ref))
}

// Graph returns an entity's dependency neighbourhood.
func (a *App) Graph(ref string, depth int, direction string) (catalog.Graph, error) {
	return reply(a.p.Catalog.Graph(a.context(), ref, catalog.GraphOptions{Depth: depth, Direction: direction}))
}

// Status reports every catalog source's state and problems.
func (a *App) Status() ([]catalog.SourceStatus, error) {
	return reply(a.p.Catalog.Status(a.context()))
}

// Sync syncs one source ("" = all), reporting progress as events.
func (a *App) Sync(source string) ([]catalog.SyncResult, error) {
	res, _, err := a.p.SyncCatalog(a.context(), catalog.SyncOptions{Source: source}, a.reporter())
	a.send(EventCatalogChanged, nil)
	return reply(res, err)
}

// Audit lists the newest audit entries.
func (a *App) Audit(limit int) ([]audit.Entry, error) {
	return reply(a.p.Audit.List(a.context(), audit.ListOptions{Limit: limit}))
}

// reply is how every bound method returns: the result with its nil slices
// and maps made empty (the UI gets [] and {}, never null) and the error as
// the UI receives it (see bridgeErr). Use it as return reply(svc.Op(...)).
func reply[T any](v T, err error) (T, error) {
	return emptySlices(v), bridgeErr(err)
}

// replyErr is reply for methods that return only an error.
func replyErr(err error) error { return bridgeErr(err) }

// bridgeError is an error on its way to the UI. Its Error() is the JSON of
// problem.Describe, because the Wails runtime rejects the page's promise
// with the error's text; browser mode sends the same object (browser.go).
// It unwraps to the cause, so errors.Is and problem.KindOf still see it.
type bridgeError struct {
	d     problem.Described
	cause error
}

func (e *bridgeError) Error() string { return describedJSON(e.d) }
func (e *bridgeError) Unwrap() error { return e.cause }

// bridgeErr wraps err for the UI (nil stays nil; wrapping twice is once).
func bridgeErr(err error) error {
	if err == nil {
		return nil
	}
	var be *bridgeError
	if errors.As(err, &be) {
		return err
	}
	return &bridgeError{d: problem.Describe(err), cause: err}
}

// describe is err as the UI receives it, whether or not a method already
// wrapped it.
func describe(err error) problem.Described {
	var be *bridgeError
	if errors.As(err, &be) {
		return be.d
	}
	return problem.Describe(err)
}

// errorJSON is the text a rejected call carries in both modes.
func errorJSON(err error) string { return describedJSON(describe(err)) }

func describedJSON(d problem.Described) string {
	if d.Problems == nil {
		d.Problems = problem.List{}
	}
	b, err := json.Marshal(d)
	if err != nil { // cannot happen: strings, ints and a slice of them
		return `{"message":"unprintable error","kind":"internal","problems":[]}`
	}
	return string(b)
}

// emptySlices returns v with every nil slice and nil map it reaches through
// exported struct fields, elements, map values, pointers and interfaces
// replaced by an empty one, so the result encodes as [] and {} rather than
// null. v itself is never modified: what changes is copied (services may
// hand out cached values shared with other callers). Types with their own
// JSON or text encoding are left as they are.
func emptySlices[T any](v T) T {
	rv := reflect.ValueOf(&v).Elem()
	out, changed := fill(rv, 0)
	if !changed {
		return v
	}
	return out.Interface().(T)
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// maxFillDepth stops the walk on absurdly deep (or cyclic) values, as
// encoding/json would refuse them anyway.
const maxFillDepth = 200

// fill returns v with empty slices for nil ones, and whether it had to
// change anything (when not, it returns v itself).
func fill(v reflect.Value, depth int) (reflect.Value, bool) {
	if depth > maxFillDepth || !v.IsValid() {
		return v, false
	}
	t := v.Type()
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
		return v, false
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return reflect.MakeSlice(t, 0, 0), true
		}
		return fillElems(v, depth, func() reflect.Value {
			c := reflect.MakeSlice(t, v.Len(), v.Len())
			reflect.Copy(c, v)
			return c
		})
	case reflect.Array:
		return fillElems(v, depth, func() reflect.Value {
			c := reflect.New(t).Elem()
			c.Set(v)
			return c
		})
	case reflect.Map:
		if v.IsNil() {
			return reflect.MakeMap(t), true
		}
		var out reflect.Value
		for it := v.MapRange(); it.Next(); {
			nv, ch := fill(it.Value(), depth+1)
			if !ch {
				continue
			}
			if !out.IsValid() {
				out = reflect.MakeMapWithSize(t, v.Len())
				for c := v.MapRange(); c.Next(); {
					out.SetMapIndex(c.Key(), c.Value())
				}
			}
			out.SetMapIndex(it.Key(), nv)
		}
		if !out.IsValid() {
			return v, false
		}
		return out, true
	case reflect.Pointer:
		if v.IsNil() {
			return v, false // a nil pointer is an absent value: null is right
		}
		nv, ch := fill(v.Elem(), depth+1)
		if !ch {
			return v, false
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(nv)
		return p, true
	case reflect.Interface:
		if v.IsNil() {
			return v, false
		}
		nv, ch := fill(v.Elem(), depth+1)
		if !ch {
			return v, false
		}
		out := reflect.New(t).Elem()
		out.Set(nv)
		return out, true
	case reflect.Struct:
		var out reflect.Value
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				// Not encoded, or (an embedded unexported struct's fields)
				// not settable: left as they are.
				continue
			}
			nv, ch := fill(v.Field(i), depth+1)
			if !ch {
				continue
			}
			if !out.IsValid() {
				out = reflect.New(t).Elem()
				out.Set(v)
			}
			out.Field(i).Set(nv)
		}
		if !out.IsValid() {
			return v, false
		}
		return out, true
	}
	return v, false
}

// fillElems fills the elements of a slice or array, copying (with clone)
// only when one changes.
func fillElems(v reflect.Value, depth int, clone func() reflect.Value) (reflect.Value, bool) {
	var out reflect.Value
	for i := range v.Len() {
		nv, ch := fill(v.Index(i), depth+1)
		if !ch {
			continue
		}
		if !out.IsValid() {
			out = clone()
		}
		out.Index(i).Set(nv)
	}
	if !out.IsValid() {
		return v, false
	}
	return out, true
}
