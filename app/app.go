// Package app is the binding layer between the UI and the platform: the
// methods of App are what the frontend calls (window.go.app.App.<Method>),
// both in the Wails desktop window and in browser mode, where the same
// methods are served as JSON over loopback HTTP.
//
// Rules: no business logic here. Each method converts arguments, calls one
// internal service and returns its typed result; long operations forward
// their progress as events ("catalog:sync") and announce changes
// ("catalog:changed").
package app

import (
	"context"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/progress"
)

// Events emitted to the UI.
const (
	EventCatalogChanged = "catalog:changed"
)

// Emitter delivers events to the UI.
type Emitter interface {
	Emit(name string, data any)
}

// App is bound to the UI. Exported methods are the UI's API.
type App struct {
	p *core.Paved

	mu   sync.Mutex
	ctx  context.Context
	emit Emitter
	// logs are the followed environment log streams (env.go).
	logs logStreams
}

// New returns the binding for p.
func New(p *core.Paved) *App { return &App{p: p, ctx: context.Background()} }

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
		e.Emit(name, data)
	}
}

func (a *App) reporter() progress.Reporter {
	return progress.Func(func(ev progress.Event) { a.send(ev.Topic, ev) })
}

// background runs what the window needs while open: the first sync of a
// fresh cache, then watching sources so edits show up by themselves.
func (a *App) background(ctx context.Context) {
	if err := a.p.Catalog.EnsureSynced(ctx, a.reporter()); err == nil {
		a.send(EventCatalogChanged, nil)
	}
	a.p.Catalog.Watch(ctx, catalog.WatchOptions{LocalEvery: 2 * time.Second, RemoteEvery: 10 * time.Minute},
		func([]catalog.SyncResult) { a.send(EventCatalogChanged, nil) })
}

// Platform describes the platform in use.
func (a *App) Platform() (platform.Info, error) {
	cur, err := a.p.Platform.Current(a.context())
	if err != nil {
		return platform.Info{}, err
	}
	return cur.Info, nil
}

// Search finds catalog entities.
func (a *App) Search(q catalog.SearchQuery) (catalog.SearchResult, error) {
	return a.p.Catalog.Search(a.context(), q)
}

// Entity returns one entity with its relations; ref may be short.
func (a *App) Entity(ref string) (catalog.EntityDetail, error) {
	return a.p.Catalog.Entity(a.context(), ref)
}

// Graph returns an entity's dependency neighbourhood.
func (a *App) Graph(ref string, depth int, direction string) (catalog.Graph, error) {
	return a.p.Catalog.Graph(a.context(), ref, catalog.GraphOptions{Depth: depth, Direction: direction})
}

// Status reports every catalog source's state and problems.
func (a *App) Status() ([]catalog.SourceStatus, error) {
	return a.p.Catalog.Status(a.context())
}

// Sync syncs one source ("" = all), reporting progress as events.
func (a *App) Sync(source string) ([]catalog.SyncResult, error) {
	res, _, err := a.p.SyncCatalog(a.context(), catalog.SyncOptions{Source: source}, a.reporter())
	a.send(EventCatalogChanged, nil)
	return res, err
}

// Audit lists the newest audit entries.
func (a *App) Audit(limit int) ([]audit.Entry, error) {
	return a.p.Audit.List(a.context(), audit.ListOptions{Limit: limit})
}
