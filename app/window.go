package app

import (
	"context"
	"io/fs"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/warn"
)

// wailsEmitter forwards events to the window.
type wailsEmitter struct{ ctx context.Context }

func (w wailsEmitter) Emit(name string, data any) { runtime.EventsEmit(w.ctx, name, data) }

// WarningRelay is the warn.Sink a front end gave core.Options.Warn before
// the window opened. While the window is open it takes the warnings over
// (they arrive as EventWarning) and gives them back when it closes.
type WarningRelay interface {
	// Relay sends warnings to to until restore is called.
	Relay(to warn.Sink) (restore func())
}

// Option configures RunWindow.
type Option func(*uiOptions)

type uiOptions struct {
	warnings WarningRelay
}

// WithWarnings makes the window show the warnings r receives.
func WithWarnings(r WarningRelay) Option {
	return func(o *uiOptions) { o.warnings = r }
}

// RunWindow opens the desktop window and blocks until it is closed.
func RunWindow(ctx context.Context, p *core.Paved, assets fs.FS, opts ...Option) error {
	a := New(p)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	return wails.Run(windowOptions(ctx, cancel, a, assets, opts...))
}

// windowOptions is the window's configuration, apart so that tests can
// check what Wails is given.
func windowOptions(ctx context.Context, cancel context.CancelFunc, a *App, assets fs.FS, opts ...Option) *options.App {
	var o uiOptions
	for _, opt := range opts {
		opt(&o)
	}
	closed := func() {}
	return &options.App{
		Title:     "Paved",
		Width:     1280,
		Height:    860,
		MinWidth:  900,
		MinHeight: 600,
		AssetServer: &assetserver.Options{
			Assets: assets,
		},
		BackgroundColour: &options.RGBA{R: 248, G: 249, B: 251, A: 1},
		OnStartup: func(wctx context.Context) {
			closed = a.open(wctx, wailsEmitter{ctx: wctx}, o.warnings)
			go a.background(ctx)
		},
		OnShutdown: func(context.Context) {
			closed()
			cancel()
		},
		// Methods already return a bridgeError (reply); this also covers
		// an error that did not pass through reply.
		ErrorFormatter: func(err error) any { return errorJSON(err) },
		Bind:           []interface{}{a},
	}
}
